"""Does the report's decision rule hold? Simulated rounds through the real command line.

Each round is made by this script's own generator (not survey.demo): per person and
dimension and perspective a latent view ~ N(centre, 0.75); each statement = round(latent
+ N(0, 0.65)) clipped to 1–5 (item SD about 1, Cronbach's alpha about 0.77 for three
statements); 4 % "don't know" and 1 % skipped. A planted gap is in points, the report's
unit: rounding and the clipping at 5 shrink a latent shift (a latent 1.0 moves the
expected answer by only 0.90 points), so the latent shift is solved for the expected
answer to move by exactly the planted points; the line prints the mean measured gap. The rounds go through the same commands
a user types: `survey round create/open`, `survey import` of a CSV, `survey round close`,
`survey report --format json`, run in-process with click's CliRunner (a new Python per
command would cost a second each and measure nothing more).

Printed per n a side (10, 20, 40): the share of null rounds (no real gap anywhere) with
any clear finding (`findings`) and with any clear claim anywhere in the report (felt
misjudgements included), and the share of rounds in which a planted 1.0-point or 0.5-point
blind spot (side a, "understanding") is clear with the right sign; each with a Wilson
95 % interval and the number of rounds.

    .venv/bin/python bench/validity.py [--rounds 100] [--sizes 10 20 40] [--jobs 2]
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONNAIRE = "sales-production"
CENTRE = 3.2
LATENT_SD = 0.75
NOISE_SD = 0.65
DONT_KNOW = 0.04
SKIPPED = 0.01
PLANTED = ("understanding", "a.blind_spot")
SCENARIOS = (("null", 0.0), ("planted 1.0", 1.0), ("planted 0.5", 0.5))


def wilson(hits: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95 % interval of a binomial share."""
    if n == 0:
        return (0.0, 1.0)
    share = hits / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def expected_answer(centre: float) -> float:
    """The mean of round(N(centre, sd)) clipped to 1–5, sd that of one statement."""
    sd = math.hypot(LATENT_SD, NOISE_SD)

    def below(x: float) -> float:
        return 0.5 * (1 + math.erf((x - centre) / (sd * math.sqrt(2))))

    return 1 + sum(1 - below(edge) for edge in (1.5, 2.5, 3.5, 4.5))


def latent_shift(points: float) -> float:
    """The latent shift that moves the expected answer by `points` (bisection)."""
    low, high = 0.0, 3 * points + 0.1
    for _ in range(60):
        middle = (low + high) / 2
        if expected_answer(CENTRE + middle) - expected_answer(CENTRE) < points:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def round_csv(columns: list[str], per_side: int, shift: float, rng: random.Random) -> str:
    """One round's answers as the CSV `survey import` reads."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    answer_columns = [c for c in columns[1:] if not c.startswith("open.")]
    planted = latent_shift(shift) if shift else 0.0  # the same for every person
    for side in "ab":
        for _ in range(per_side):
            latent: dict[tuple[str, str], float] = {}
            row = [side]
            for column in answer_columns:
                dimension, _, perspective = column.split(".")
                key = (dimension, perspective)
                if key not in latent:
                    centre = CENTRE
                    if side == "a" and dimension == PLANTED[0] and perspective == "self":
                        centre += planted
                    latent[key] = rng.gauss(centre, LATENT_SD)
                roll = rng.random()
                if roll < SKIPPED:
                    row.append("")
                elif roll < SKIPPED + DONT_KNOW:
                    row.append("dk")
                else:
                    value = round(latent[key] + rng.gauss(0, NOISE_SD))
                    row.append(str(min(5, max(1, value))))
            row += [""] * (len(columns) - len(row))
            writer.writerow(row)
    return out.getvalue()


Outcome = tuple[bool, bool, bool, float, float]


def run_rounds(job: tuple[str, float, int, int, int]) -> list[Outcome]:
    """Simulate `count` rounds; per round: (any clear finding, any clear claim with felt
    misjudgements, planted gap clear and > 0, the planted gap as measured, the median
    Cronbach's alpha of the round's scales)."""
    from click.testing import CliRunner

    from survey.cli import cli

    scenario, shift, per_side, count, seed = job
    rng = random.Random(seed)
    runner = CliRunner()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SURVEY_INSTANCE"] = str(Path(folder) / "instance")
        db = str(Path(folder) / "bench.db")

        def survey(*args: str) -> str:
            result = runner.invoke(cli, ["--db", db, *args])
            if result.exit_code != 0:
                raise RuntimeError(f"survey {' '.join(args)}: {result.output}")
            return result.stdout

        survey("init")
        columns = next(csv.reader([survey("questionnaire", "columns", QUESTIONNAIRE)]))
        for index in range(count):
            created = survey(
                "round", "create", f"{scenario} {per_side} {index}", "--questionnaire",
                QUESTIONNAIRE, "--side-a", "Sala", "--side-b", "Kuchnia",
            )  # fmt: skip
            round_id = created.strip()
            survey("round", "open", round_id)
            path = Path(folder) / "round.csv"
            path.write_text(round_csv(columns, per_side, shift, rng), encoding="utf-8")
            survey("import", round_id, str(path))
            survey("round", "close", round_id)
            report = json.loads(survey("report", round_id, "--format", "json"))
            claims = {(f["dimension"], f["gap"]): f["diff"] for f in report["findings"]}
            planted = claims.get(PLANTED)
            gaps = {
                (d["id"], key): gap for d in report["dimensions"] for key, gap in d["gaps"].items()
            }
            anywhere = any(gap.get("clear") for gap in gaps.values())
            alphas = sorted(
                r["alpha"] for d in report["dimensions"] for r in d["reliability"].values() if r
            )
            alpha = alphas[len(alphas) // 2] if alphas else math.nan
            measured = gaps[PLANTED]["diff"]
            results.append(
                (bool(claims), anywhere, planted is not None and planted > 0, measured, alpha)
            )
    return results


def _print_line(size: int, scenario: str, rows: list[Outcome]) -> None:
    if scenario == "null":
        lines = [
            (sum(r[0] for r in rows), "rounds with any clear finding"),
            (sum(r[1] for r in rows), "... any clear claim (felt incl.)"),
        ]
    else:
        lines = [(sum(r[2] for r in rows), "planted gap clear, right sign")]
    measured = sum(r[3] for r in rows) / len(rows)
    for hits, measure in lines:
        low, high = wilson(hits, len(rows))
        print(
            f"{size:>8}  {scenario:<12} {measure:<34} {hits / len(rows):>6.1%}  "
            f"{low:5.1%} – {high:5.1%}  {len(rows):>6}  {measured:+.2f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="Rounds per scenario and n.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40], help="n a side.")
    parser.add_argument("--jobs", type=int, default=2, help="Worker processes.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generator.")
    args = parser.parse_args()
    jobs = []
    for size in args.sizes:
        for number, (scenario, shift) in enumerate(SCENARIOS):
            for part in range(args.jobs):
                count = args.rounds // args.jobs + (part < args.rounds % args.jobs)
                seed = ((args.seed * 1000 + size) * 10 + number) * 100 + part
                jobs.append((scenario, shift, size, count, seed))
    started = time.perf_counter()
    table: dict[tuple[int, str], list[Outcome]] = {}
    print(
        f"{'n a side':>8}  {'scenario':<12} {'measure':<34} {'share':>6}  95% interval    "
        "rounds  planted gap measured (mean)"
    )
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for (scenario, _, size, _, _), result in zip(jobs, pool.map(run_rounds, jobs), strict=True):
            rows = table.setdefault((size, scenario), [])
            rows.extend(result)
            if len(rows) == args.rounds:  # every part of this line is in: print it now
                _print_line(size, scenario, rows)
    alphas = sorted(r[4] for rows in table.values() for r in rows)
    print(f"median Cronbach's alpha of the simulated scales: {alphas[len(alphas) // 2]:.2f}")
    elapsed = time.perf_counter() - started
    print(f"{sum(len(r) for r in table.values())} rounds in {elapsed:.0f} s, {args.jobs} workers")


if __name__ == "__main__":
    main()
