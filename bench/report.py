"""Speed of the gap report: analysis and PDF rendering for 100, 1,000 and 10,000 respondents
per side. The PDF shows aggregates only, so its size must not grow with the respondents.

    .venv/bin/python bench/report.py [--sizes 100,1000,10000] [--lang pl]

With reports.analysis present, each size is a real closed round of simulated answers in a
temporary database. Without it, the renderer alone is timed on the contract fixture."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reports.pdf import pdf_bytes, render_report_html  # noqa: E402
from survey import demo  # noqa: E402
from survey.db import migrate, open_db  # noqa: E402
from survey.questionnaire import load  # noqa: E402
from survey.responses import add_responses  # noqa: E402
from survey.rounds import close_round, create_round, open_round  # noqa: E402

try:
    from reports.analysis import analyse
except ImportError:  # before the analysis lands: time the renderer on the fixture
    analyse = None


def real_round(folder: Path, size: int) -> tuple[object, int]:
    """A closed round with `size` simulated respondents per side."""
    db = open_db(folder / f"bench-{size}.db")
    migrate(db)
    round_id = create_round(
        db,
        f"Bench {size}",
        "sales-production",
        "Sprzedaż",
        "Produkcja",
        headcount_a=size,
        headcount_b=size,
    )
    questionnaire = open_round(db, round_id).questionnaire
    rng = random.Random(size)
    add_responses(
        db,
        round_id,
        [demo.simulate(questionnaire, side, rng) for side in ("a", "b") for _ in range(size)],
    )
    close_round(db, round_id)
    return db, round_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="respondents per side")
    parser.add_argument("--lang", default="pl", choices=("pl", "en"), help="report language")
    args = parser.parse_args()
    questionnaire = load("sales-production")
    source = "reports.analysis.analyse" if analyse else "the contract fixture (no analysis yet)"
    print(f"analysis from {source}")
    print(f"{'per side':>9} {'analysis s':>11} {'render s':>9} {'PDF bytes':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            if analyse:
                db, round_id = real_round(Path(folder), size)
                start = time.perf_counter()
                analysis = analyse(db, round_id)
            else:
                from report_fixtures import build_analysis

                start = time.perf_counter()
                analysis = build_analysis(args.lang, n_a=size, n_b=size)
            analysed = time.perf_counter()
            data = pdf_bytes(render_report_html(analysis, questionnaire, args.lang))
            rendered = time.perf_counter()
            print(
                f"{size:>9} {analysed - start:>11.2f} {rendered - analysed:>9.2f} {len(data):>10}"
            )


if __name__ == "__main__":
    main()
