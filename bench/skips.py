"""How often does a gap carry a skip warning (reports.missing)? Simulated rounds, scored by
the report's own analysis, with bench/validity.py's generator and aggregation.

Per scenario: rounds in which every view is skipped alike (each statement left empty with
the same chance), where every warning is a false alarm, and rounds in which side a skips
its own view far more (a real difference: the gaps built on a's own view should warn).
Printed: the share of shown gaps that warn, by the old rule (the two skipped shares differ
by more than 10 points) and by the report's rule (that, and Fisher's exact test p < 0.05),
each with a Wilson 95 % interval and the number of gaps.

    .venv/bin/python bench/skips.py [--rounds 200] [--seed 1] [--skip 0.05]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import validity  # noqa: E402  # the generator and aggregation of the validity benchmark

ALIKE = 0.05  # chance of leaving a statement empty, every view (about 19 % of people a view)
MORE = {6: 0.45, 40: 0.12}  # side a's own view: the extra chance, per statement


def warned(report: dict) -> list[tuple[str, bool, bool]]:
    """(gap key, old rule warns, report's rule warns) of every shown gap."""
    from reports.missing import SKIP_WARNING_ABOVE

    rows = []
    for dimension in report["dimensions"]:
        for key, gap in dimension["gaps"].items():
            if gap["suppressed"]:
                continue
            old = round(abs(gap["skip_difference"]), 9) > SKIP_WARNING_ABOVE
            rows.append((key, old, bool(gap["skip_warning"])))
    return rows


def run(
    n: int, extra: float, rounds: int, rng: random.Random, alike: float = ALIKE
) -> list[tuple[str, bool, bool]]:
    from reports.analysis import DEFAULT_SEED, analyse_data
    from survey.store import questionnaire as qn

    questionnaire = qn.load(validity.QUESTIONNAIRE)
    scenario = validity.Scenario(f"{n} a side", n, n, skipped=alike)
    rows = []
    for index in range(rounds):
        people, team_size = validity.simulate(questionnaire, scenario, 0.0, rng, validity.VARIANCE)
        for person in people["a"]:
            for key in person:
                if key[2] == "self" and person[key] != "" and rng.random() < extra:
                    person[key] = ""
        data = validity.round_data(questionnaire, people)
        round_ = validity._round(questionnaire, scenario, index, team_size)
        rows += warned(analyse_data(round_, data, DEFAULT_SEED, False))
    return rows


def share(hits: int, total: int) -> str:
    low, high = validity.wilson(hits, total)
    return f"{hits / total:6.1%} [{low:5.1%}–{high:5.1%}]" if total else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="Rounds per line.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", type=float, default=ALIKE, help="Chance a statement is empty.")
    args = parser.parse_args()
    validity._init(validity.person_score_variance())
    rng = random.Random(args.seed)
    print(f"{'scenario':46} {'gaps':>6}  {'old rule (>10 pts)':24} report's rule (and p<0.05)")
    for n in (6, 40):
        started = time.monotonic()
        lines = [(f"{n} a side, every view skipped alike: all gaps", run(n, 0.0, args.rounds, rng, args.skip), None)]  # fmt: skip
        more = run(n, MORE[n], args.rounds, rng, args.skip)
        lines.append((f"{n} a side, a skips its own view more: gaps on it", more, True))
        lines.append((f"{n} a side, a skips its own view more: the others", more, False))
        for name, rows, on_a_self in lines:
            if on_a_self is not None:
                rows = [r for r in rows if (r[0] in ("a.blind_spot", "a.felt_misjudgement")) == on_a_self]  # fmt: skip
            old = sum(1 for r in rows if r[1])
            new = sum(1 for r in rows if r[2])
            print(f"{name:46} {len(rows):6}  {share(old, len(rows)):24} {share(new, len(rows))}")
        print(f"  ({args.rounds} rounds a line, {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
