"""Does the report's decision rule hold? Simulated rounds, scored by the report's own analysis.

Each round is made by this script's own generator (not survey.demo): per person and
dimension and perspective a latent view ~ N(centre, 0.75); each statement = round(latent
+ N(0, 0.65)) clipped to 1–5; 4 % "don't know" and 1 % skipped. A planted gap is in
points, the report's unit: the latent shift is solved for the expected answer to move by
exactly the planted points (rounding and the clipping at 5 shrink a latent shift).

Teams: people of a side sit in teams of `m` (the last one smaller); each team has a mood
~ N(0, tau) added to every latent view of its members, in every dimension and perspective
(moods are shared across dimensions, so false claims would come in bunches), with tau set
so that the intraclass correlation of per-person dimension scores is the scenario's ICC.
Uneven groups: the small side's latent views spread `spread` times as much.

Two paths to the same figures:
- default, in-process: the answers are aggregated here into the analysis's input
  (reports.aggregates.RoundData) and scored by `reports.analysis.analyse_data`, the function
  `survey report` itself calls, without the cells' bootstrap (which decides nothing);
- `--cli`: every round goes through `survey round create/open`, `survey import` of a CSV,
  `survey round close` and `survey report --format json` (click's CliRunner), about ten
  times slower. `--check N` runs N rounds of each scenario both ways and stops unless every
  gap's p, interval and verdict agree.

Printed per scenario: the share of no-gap rounds with any clear claim anywhere in the report
(felt misjudgements included), the share of rounds in which a planted 1.0-point blind spot
(side a, "understanding") is clear with the right sign, each with a Wilson 95 % interval and
the rounds; the coverage of the printed intervals of the clear findings (selection-adjusted,
`ci_selected`, and the plain 95 % ones for comparison): 1 − the false coverage rate over
both kinds of round, with the number of findings printed; and
the median planning figure (`detectable`, "none" when the report says no gap can be clear).

    .venv/bin/python bench/validity.py [--rounds 300] [--only NAME...] [--jobs 2] [--cli]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONNAIRE = "sales-production"
CENTRE = 3.2
LATENT_SD = 0.75
NOISE_SD = 0.65
DONT_KNOW = 0.04
SKIPPED = 0.01
PLANTED = ("understanding", "a.blind_spot")
# The planted shift of a.self also moves a's felt misjudgement there (own − expected view).
ALSO_MOVED = ("understanding", "a.felt_misjudgement")
PLANTED_POINTS = 1.0


@dataclass(frozen=True)
class Scenario:
    name: str
    n_a: int
    n_b: int
    team_size: int = 1  # the round's setting ("people work in teams of about m"); 0: the real m
    teams: tuple[int, ...] = (1,)  # the data's team size, drawn per round from these
    iccs: tuple[float, float] = (0.0, 0.0)  # the data's ICC, drawn per round (uniform between)
    spread: float = 1.0  # side a's latent SD relative to side b's
    skipped: float = SKIPPED  # the chance that a person leaves a statement empty
    moods: str = "shared"  # a team's mood: one for all dimensions, or "independent" per view


DEFAULT_M = 8  # survey.store.rounds.DEFAULT_TEAM_SIZE, when HR leaves it
SCENARIOS = [
    Scenario("alone 10 (m=1 set)", 10, 10),
    Scenario("alone 20 (m=1 set)", 20, 20),
    Scenario("alone 40 (m=1 set)", 40, 40),
    Scenario("alone 20, default m", 20, 20, DEFAULT_M),
    Scenario("teams 4-8 icc .1-.2, 20, default m", 20, 20, DEFAULT_M, (4, 5, 6, 7, 8), (0.1, 0.2)),
    Scenario("teams 4-8 icc .1-.2, 40, default m", 40, 40, DEFAULT_M, (4, 5, 6, 7, 8), (0.1, 0.2)),
    Scenario("teams 8 icc .2, 20, default m", 20, 20, DEFAULT_M, (8,), (0.2, 0.2)),
    Scenario("teams 8 icc .2, 40, default m", 40, 40, DEFAULT_M, (8,), (0.2, 0.2)),
    Scenario("teams 4 icc .1, 40, m=4 set", 40, 40, 4, (4,), (0.1, 0.1)),
    Scenario("teams 4-8 icc .1-.2, 40, real m set", 40, 40, 0, (4, 5, 6, 7, 8), (0.1, 0.2)),
    Scenario("teams 4-8 icc .1-.2, 20, m=1 set", 20, 20, 1, (4, 5, 6, 7, 8), (0.1, 0.2)),
    Scenario("8 vs 40, small side sd x1.6 (m=1)", 8, 40, 1, spread=1.6),
    Scenario("5 a side (m=1 set)", 5, 5),
    Scenario("6 a side (m=1 set)", 6, 6),
    Scenario("7 a side (m=1 set)", 7, 7),
    Scenario("7 a side, default m", 7, 7, DEFAULT_M),
]


def wilson(hits: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95 % interval of a binomial share."""
    if n == 0:
        return (0.0, 1.0)
    share = hits / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def expected_answer(centre: float, sd: float) -> float:
    """The mean of round(N(centre, sd)) clipped to 1–5."""

    def below(x: float) -> float:
        return 0.5 * (1 + math.erf((x - centre) / (sd * math.sqrt(2))))

    return 1 + sum(1 - below(edge) for edge in (1.5, 2.5, 3.5, 4.5))


def latent_centre(points: float, latent_sd: float = LATENT_SD) -> float:
    """The latent centre whose expected answer is `points` above that of the usual one
    (bisection). With a wider spread the same centre would give another expected answer
    (the scale's ends clip it), so a side that spreads more is centred by this too: its
    expected answer, not its latent centre, equals the other side's when no gap is planted."""
    target = expected_answer(CENTRE, math.hypot(LATENT_SD, NOISE_SD)) + points
    sd = math.hypot(latent_sd, NOISE_SD)
    low, high = CENTRE - 2.0, CENTRE + 3 * points + 2.0
    for _ in range(60):
        middle = (low + high) / 2
        if expected_answer(middle, sd) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def person_score_variance(items: int = 4, people: int = 40_000) -> float:
    """The variance of one person's dimension score without teams (simulated once)."""
    rng = random.Random(7)
    scores = []
    for _ in range(people):
        latent = rng.gauss(CENTRE, LATENT_SD)
        answers = [min(5, max(1, round(latent + rng.gauss(0, NOISE_SD)))) for _ in range(items)]
        scores.append(sum(answers) / items)
    mean = sum(scores) / people
    return sum((s - mean) ** 2 for s in scores) / (people - 1)


Person = dict[tuple[str, str, str], str]  # (dimension, item, perspective) -> "1".."5", "dk", ""


def simulate(
    questionnaire: Any, scenario: Scenario, planted: float, rng: random.Random, variance: float
) -> tuple[dict[str, list[Person]], int]:
    """One round's answers per side, and the team size HR states for it."""
    m = rng.choice(scenario.teams)
    low, high = scenario.iccs
    icc = rng.uniform(low, high)
    tau = math.sqrt(icc / (1 - icc) * variance) if icc > 0 else 0.0
    keys = questionnaire.item_keys()
    people: dict[str, list[Person]] = {}
    for side, n in (("a", scenario.n_a), ("b", scenario.n_b)):
        latent_sd = LATENT_SD * (scenario.spread if side == "a" else 1.0)
        base = latent_centre(0.0, latent_sd)
        shifted = latent_centre(planted, latent_sd)
        moods = [rng.gauss(0, tau) for _ in range(math.ceil(n / m))]
        own_moods: dict[tuple[int, str, str], float] = {}  # team, dimension, perspective
        rows = []
        for index in range(n):
            team = index // m
            latent: dict[tuple[str, str], float] = {}
            person: Person = {}
            for dimension, item, perspective in keys:
                key = (dimension, perspective)
                if key not in latent:
                    mood = moods[team]
                    if scenario.moods == "independent":
                        if (team, *key) not in own_moods:
                            own_moods[(team, *key)] = rng.gauss(0, tau)
                        mood = own_moods[(team, *key)]
                    centre = base + mood
                    if side == "a" and dimension == PLANTED[0] and perspective == "self":
                        centre = shifted + mood
                    latent[key] = rng.gauss(centre, latent_sd)
                roll = rng.random()
                if roll < scenario.skipped:
                    value = ""
                elif roll < scenario.skipped + DONT_KNOW:
                    value = "dk"
                else:
                    value = str(min(5, max(1, round(latent[key] + rng.gauss(0, NOISE_SD)))))
                person[(dimension, item, perspective)] = value
            rows.append(person)
        people[side] = rows
    return people, scenario.team_size or m


def round_data(questionnaire: Any, people: dict[str, list[Person]]) -> Any:
    """The analysis's input, aggregated here as reports.aggregates.read_round does in SQL."""
    from reports.aggregates import CellData, RoundData

    cells: dict[tuple[str, str, str], CellData] = {}
    differences: dict[tuple[str, str], dict[Fraction, int]] = {}
    vectors: dict[tuple[str, str, str], dict[tuple[int, ...], int]] = {}
    for side, rows in people.items():
        for person in rows:
            for dimension in questionnaire.dimensions:
                scores: dict[str, Fraction] = {}
                for perspective in ("self", "other", "meta"):
                    values = [
                        person[(dimension.id, item.id, perspective)] for item in dimension.items
                    ]
                    numeric = [int(v) for v in values if v not in ("", "dk")]
                    dont_know = sum(1 for v in values if v == "dk")
                    cell = cells.setdefault((side, perspective, dimension.id), CellData())
                    for value in numeric:
                        cell.counts[value - 1] += 1
                    cell.dont_know += dont_know
                    cell.people += bool(numeric or dont_know)
                    cell.dont_know_people += bool(dont_know)
                    cell.full += len(numeric) + dont_know == len(values)
                    if numeric:
                        score = Fraction(sum(numeric), len(numeric))
                        cell.scores[score] = cell.scores.get(score, 0) + 1
                        scores[perspective] = score
                    if len(dimension.items) >= 2 and len(numeric) == len(values):
                        bucket = vectors.setdefault((side, perspective, dimension.id), {})
                        bucket[tuple(numeric)] = bucket.get(tuple(numeric), 0) + 1
                if "self" in scores and "meta" in scores:
                    bucket_d = differences.setdefault((side, dimension.id), {})
                    diff = scores["self"] - scores["meta"]
                    bucket_d[diff] = bucket_d.get(diff, 0) + 1
    respondents = {side: len(rows) for side, rows in people.items()}
    return RoundData(respondents, cells, differences, vectors)


def to_csv(questionnaire: Any, people: dict[str, list[Person]]) -> str:
    from survey.store import questionnaire as qn

    columns = qn.csv_columns(questionnaire)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    keys = questionnaire.item_keys()
    for side, rows in people.items():
        for person in rows:
            row = [side] + [person[key] for key in keys]
            writer.writerow(row + [""] * (len(columns) - len(row)))
    return out.getvalue()


Outcome = dict[str, Any]


def outcome(report: dict[str, Any], planted: float) -> Outcome:
    """What one report claims, and whether its printed intervals of findings hold the truth."""
    truth = {PLANTED: planted, ALSO_MOVED: planted}
    clear = [
        ((d["id"], key), gap)
        for d in report["dimensions"]
        for key, gap in d["gaps"].items()
        if gap.get("clear")
    ]
    covered = [
        gap["ci_selected"][0] <= truth.get(where, 0.0) <= gap["ci_selected"][1]
        for where, gap in clear
    ]
    plain = [gap["ci95"][0] <= truth.get(where, 0.0) <= gap["ci95"][1] for where, gap in clear]
    found = {(f["dimension"], f["gap"]): f["diff"] for f in report["findings"]}
    return {
        "any": bool(clear),
        "found": found.get(PLANTED, 0.0) > 0,
        "covered": covered,
        "plain": plain,
        "detectable": report["detectable"],
        "measured": next(gap["diff"] for (where, gap) in _gaps(report) if where == PLANTED),
    }


def _gaps(report: dict[str, Any]) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    return [((d["id"], k), g) for d in report["dimensions"] for k, g in d["gaps"].items()]


def _round(questionnaire: Any, scenario: Scenario, round_id: int, team_size: int) -> Any:
    """A closed round as the analysis reads it (no database)."""
    from survey.store.rounds import Round

    return Round(
        id=round_id, name=scenario.name, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, questionnaire_json=questionnaire.to_json(),
        side_a="Sala", side_b="Kuchnia", lang="pl", languages="pl,en", headcount_a=None,
        headcount_b=None, threshold=5, comment_threshold=10, status="closed",
        timezone="Europe/Warsaw", closes_on=None, created_on="2026-12-01",
        opened_on="2026-12-01", closed_on="2026-12-02", team_size=team_size,
    )  # fmt: skip


class Cli:
    """The real command line in-process: one database per worker."""

    def __init__(self, folder: str) -> None:
        from click.testing import CliRunner

        from survey.cli import cli

        os.environ["SURVEY_INSTANCE"] = str(Path(folder) / "instance")
        self.cli, self.runner = cli, CliRunner()
        self.db, self.folder = str(Path(folder) / "bench.db"), folder
        self("init")

    def __call__(self, *args: str) -> str:
        result = self.runner.invoke(self.cli, ["--db", self.db, *args])
        if result.exit_code != 0:
            raise RuntimeError(f"survey {' '.join(args)}: {result.output}")
        return result.stdout

    def report(
        self, questionnaire: Any, scenario: Scenario, people: dict, team_size: int
    ) -> dict[str, Any]:
        created = self(
            "round", "create", scenario.name, "--questionnaire", QUESTIONNAIRE, "--side-a",
            "Sala", "--side-b", "Kuchnia", "--team-size", str(team_size),
        )  # fmt: skip
        round_id = created.strip()
        self("round", "open", round_id)
        path = Path(self.folder) / "round.csv"
        path.write_text(to_csv(questionnaire, people), encoding="utf-8")
        self("import", round_id, str(path))
        self("round", "close", round_id)
        return json.loads(self("report", round_id, "--format", "json"))


def run_rounds(job: tuple[Scenario, float, int, int, str]) -> list[Outcome]:
    """Simulate `count` rounds of one scenario; `mode` "fast", "cli" or "check"."""
    from reports.analysis import DEFAULT_SEED, analyse_data
    from survey.store import questionnaire as qn

    scenario, planted, count, seed, mode = job
    questionnaire = qn.load(QUESTIONNAIRE)
    variance = VARIANCE
    rng = random.Random(seed)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        cli = Cli(folder) if mode in ("cli", "check") else None
        for index in range(count):
            people, team_size = simulate(questionnaire, scenario, planted, rng, variance)
            if cli is not None:
                report = cli.report(questionnaire, scenario, people, team_size)
            if mode != "cli":
                data = round_data(questionnaire, people)
                round_ = _round(questionnaire, scenario, index, team_size)
                fast = analyse_data(round_, data, DEFAULT_SEED, False)
                if mode == "check":
                    _same(report, fast)
                report = fast
            results.append(outcome(report, planted))
    return results


def _same(slow: dict[str, Any], fast: dict[str, Any]) -> None:
    """Every gap's p, interval and verdict the same along both paths."""
    for (where, a), (_, b) in zip(_gaps(slow), _gaps(fast), strict=True):
        for key in ("p", "ci95", "clear", "q", "ci_selected"):
            x, y = a.get(key), b.get(key)
            if isinstance(x, float | list) and x is not None and y is not None:
                if not all(math.isclose(u, v, rel_tol=1e-9) for u, v in zip(
                    x if isinstance(x, list) else [x], y if isinstance(y, list) else [y], strict=True
                )):  # fmt: skip
                    raise AssertionError(f"{where} {key}: cli {x} != fast {y}")
            elif x != y:
                raise AssertionError(f"{where} {key}: cli {x} != fast {y}")
    if slow["detectable"] != fast["detectable"]:
        raise AssertionError(f"detectable: {slow['detectable']} != {fast['detectable']}")


VARIANCE = 0.0  # set in main() and in each worker


def _init(variance: float) -> None:
    global VARIANCE
    VARIANCE = variance


def _share(hits: int, n: int) -> str:
    low, high = wilson(hits, n)
    return f"{hits / n:6.1%} [{low:5.1%}–{high:5.1%}] {n:>5}"


def _coverage(rows: list[Outcome], key: str) -> str:
    """1 − the false coverage rate: the mean over rounds of the share of a round's printed
    intervals of findings that miss the real gap (0 in a round without findings), which is
    what Benjamini & Yekutieli bound by 5 %; and how many findings were printed in all.
    (Pooled over findings instead, a few null rounds whose team moods make a dozen false
    claims each would weigh more than all the rounds with one claim.)"""
    flags = [c for r in rows for c in r[key]]
    if not flags:
        return f"{'–':>6} {0:>4}"
    missed = sum((len(r[key]) - sum(r[key])) / len(r[key]) for r in rows if r[key])
    return f"{1 - missed / len(rows):6.1%} {len(flags):>4}"


def print_line(scenario: Scenario, null: list[Outcome], planted: list[Outcome]) -> None:
    rows = null + planted
    detectable = sorted(r["detectable"] for r in rows if r["detectable"] is not None)
    none = sum(1 for r in rows if r["detectable"] is None)
    shown = "none" if none > len(rows) / 2 else f"{detectable[len(detectable) // 2]:.2f}"
    measured = sum(r["measured"] for r in planted) / len(planted)
    print(
        f"{scenario.name:<37} {_share(sum(r['any'] for r in null), len(null))}  "
        f"{_share(sum(r['found'] for r in planted), len(planted))}  "
        f"{_coverage(rows, 'covered')}  {_coverage(rows, 'plain')}  {shown:>6}  {measured:+.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=300, help="Rounds per scenario and kind.")
    parser.add_argument("--only", nargs="+", help="Scenarios whose name starts with any of these.")
    parser.add_argument("--jobs", type=int, default=2, help="Worker processes.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generator.")
    parser.add_argument("--cli", action="store_true", help="Every round through the CLI.")
    parser.add_argument(
        "--moods", choices=("shared", "independent"), default="shared",
        help="A team's mood: shared by all its views, or drawn anew per dimension and view.",
    )  # fmt: skip
    parser.add_argument("--check", type=int, default=0, help="Rounds run both ways, compared.")
    args = parser.parse_args()
    chosen = [
        replace(s, moods=args.moods)
        for s in SCENARIOS
        if not args.only or any(s.name.startswith(o) for o in args.only)
    ]
    mode, rounds = ("cli" if args.cli else "fast"), args.rounds
    if args.check:
        mode, rounds = "check", args.check
    variance = person_score_variance()
    jobs, parts = [], max(1, args.jobs)
    for number, scenario in enumerate(chosen):
        for kind, planted in enumerate((0.0, PLANTED_POINTS)):
            for part in range(parts):
                count = rounds // parts + (part < rounds % parts)
                seed = ((args.seed * 100 + number) * 10 + kind) * 100 + part
                jobs.append((scenario, planted, count, seed, mode))
    started = time.perf_counter()
    print(
        f"{'scenario':<37} {'no-gap rounds, any clear claim':<28}  "
        f"{'planted 1.0 clear, right sign':<28}  {'cover adj':>11}  {'cover 95%':>11}  "
        f"{'detect':>6}  measured"
    )
    table: dict[tuple[str, float], list[Outcome]] = {}
    with ProcessPoolExecutor(max_workers=parts, initializer=_init, initargs=(variance,)) as pool:
        for (scenario, planted, _, _, _), result in zip(
            jobs, pool.map(run_rounds, jobs), strict=True
        ):
            table.setdefault((scenario.name, planted), []).extend(result)
            null = table.get((scenario.name, 0.0), [])
            hit = table.get((scenario.name, PLANTED_POINTS), [])
            if len(null) == rounds and len(hit) == rounds:
                print_line(scenario, null, hit)
    elapsed = time.perf_counter() - started
    total = sum(len(r) for r in table.values())
    print(f"{total} rounds in {elapsed:.0f} s, {parts} workers, mode {mode}; "
          f"person-score variance without teams {variance:.3f}")  # fmt: skip
    if mode == "check":
        print("every gap's p, interval and verdict agree along both paths")


if __name__ == "__main__":
    main()
