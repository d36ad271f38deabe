"""Speed of the gap report against WeasyPrint's own floor.

    .venv/bin/python bench/report.py [--respondents 26] [--runs 3] [--sizes 100,1000]

Builds a closed round of simulated answers (and an earlier one to compare with) in a
temporary database, then times, as a user would run it, `survey report ROUND -o x.pdf
--compare ROUND2` in a fresh process, and beside it a fresh process that imports WeasyPrint
and renders plain HTML (paragraphs of text) of the same page count, and a third that only
renders the report's own HTML with WeasyPrint (what this content's layout costs by itself,
without the imports and the analysis before it). Runs are interleaved;
it prints medians with their range and the ratio, of wall time and of CPU time
(user + system of the child), with the load average. With --sizes it also times the analysis
and the rendering in-process for bigger rounds (the PDF shows aggregates only, so its size
must not grow with the respondents).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.pdf import TEMPLATES  # noqa: E402
from survey import demo  # noqa: E402
from survey.store.connection import open_db  # noqa: E402
from survey.store.migrations import migrate  # noqa: E402
from survey.store.responses import add_responses  # noqa: E402
from survey.store.rounds import close_round, create_round, open_round  # noqa: E402

# A page of plain text (about as full as a report page), in the report's font.
PLAIN_PAGE = (
    "<section style='break-after: page'><h1>Strona {n}</h1>"
    + (
        "<p>"
        + "Zażółć gęślą jaźń: sprzedaż i produkcja widzą tę samą współpracę inaczej. " * 10
        + "</p>"
    )
    * 5
    + "</section>"
)
PLAIN_RENDER = """
import sys
from weasyprint import HTML
pages = int(sys.argv[1])
body = "".join(sys.argv[2].format(n=n) for n in range(1, pages + 1))
html = "<html lang='pl'><style>body {font-family: DejaVu Sans; font-size: 10pt}</style>" + body
document = HTML(string=html).render()
assert len(document.pages) == pages, len(document.pages)
document.write_pdf(sys.argv[3])
"""
# WeasyPrint alone on the report's own HTML, with the report's options: what the layout of
# this content costs, apart from the imports and the analysis before it.
OWN_RENDER = """
import sys
from weasyprint import HTML
html = open(sys.argv[1], encoding="utf-8").read()
HTML(string=html, base_url=sys.argv[2]).write_pdf(sys.argv[3], pdf_variant="pdf/ua-1", pdf_tags=True)
"""


def real_round(db, size: int, name: str) -> int:
    """A closed round with `size` simulated respondents per side."""
    round_id = create_round(
        db, name, "sales-production", "Sprzedaż", "Produkcja", headcount_a=size, headcount_b=size
    )
    questionnaire = open_round(db, round_id).questionnaire
    rng = random.Random(f"{name}-{size}")
    add_responses(
        db,
        round_id,
        [demo.simulate(questionnaire, side, rng) for side in ("a", "b") for _ in range(size)],
    )
    close_round(db, round_id)
    return round_id


def report_html(database: Path, round_id: int, compare_with: int, lang: str) -> Path:
    """The report's HTML as `survey report` renders it, saved beside the database."""
    from reports.analysis import analyse
    from reports.pdf import render_report_html
    from survey.store.rounds import get_round

    db = open_db(database)
    analysis = analyse(db, round_id, compare_with=compare_with)
    html = render_report_html(analysis, get_round(db, round_id).questionnaire, lang)
    db.conn.close()
    path = database.with_suffix(".html")
    path.write_text(html, encoding="utf-8")
    return path


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the child) of one fresh process, in s."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def pages_of(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def spread(values: list[float], unit: str = " s") -> str:
    return f"{statistics.median(values):.2f}{unit} [{min(values):.2f}–{max(values):.2f}]"


def against_plain(folder: Path, respondents: int, runs: int, lang: str) -> None:
    """The CLI's report beside plain HTML of the same page count, both in fresh processes."""
    database = folder / "report.db"
    db = open_db(database)
    migrate(db)
    earlier = real_round(db, respondents, "Earlier")
    latest = real_round(db, respondents, "Latest")
    db.conn.close()
    env = os.environ | {"SURVEY_DB": str(database), "SURVEY_INSTANCE": str(folder / "instance")}
    report = folder / "x.pdf"
    # What the `survey` command runs, with this checkout first on the path.
    survey = [sys.executable, "-c", "from survey.cli import main; main()", "report", str(latest)]
    survey += ["-o", str(report), "--lang", lang, "--compare", str(earlier)]
    load_before = f"{os.getloadavg()[0]:.2f}"
    timed(survey, env)  # once first, so both sides start with warm disk caches
    pages = pages_of(report)
    plain = [sys.executable, "-c", PLAIN_RENDER, str(pages), PLAIN_PAGE, str(folder / "p.pdf")]
    timed(plain, env)
    own = [sys.executable, "-c", OWN_RENDER, str(report_html(database, latest, earlier, lang))]
    own += [str(TEMPLATES / "report") + "/", str(folder / "o.pdf")]
    ours, theirs, alone = [], [], []
    for _ in range(runs):
        ours.append(timed(survey, env))
        theirs.append(timed(plain, env))
        alone.append(timed(own, env))
    print(f"{respondents} respondents per side, {pages} pages ({lang}), medians of {runs} [range]")
    print(f"load average before/after: {load_before} / {os.getloadavg()[0]:.2f}")
    for kind, index in (("wall", 0), ("CPU (user+sys)", 1)):
        mine = [run[index] for run in ours]
        plain_html = [run[index] for run in theirs]
        own_html = [run[index] for run in alone]
        ratios = [a / b for a, b in zip(mine, plain_html, strict=True)]
        floor = [a / b for a, b in zip(own_html, plain_html, strict=True)]
        print(f"{kind}:")
        print(f"  survey report -o x.pdf       {spread(mine)}")
        print(f"  WeasyPrint, plain HTML       {spread(plain_html)}")
        print(f"  ratio                        {spread(ratios, '')}")
        print(f"  WeasyPrint, report's HTML    {spread(own_html)} (ratio {spread(floor, '')})")


def scaling(folder: Path, sizes: list[int], lang: str) -> None:
    """Analysis and rendering in-process for bigger rounds."""
    from reports.analysis import analyse
    from reports.pdf import render_pdf

    print(f"\n{'per side':>9} {'analysis s':>11} {'analysis+PDF s':>15} {'PDF bytes':>10}")
    for size in sizes:
        db = open_db(folder / f"bench-{size}.db")
        migrate(db)
        round_id = real_round(db, size, f"Bench {size}")
        start = time.perf_counter()
        analyse(db, round_id)
        analysed = time.perf_counter()
        data = render_pdf(db, round_id, lang=lang)
        rendered = time.perf_counter()
        print(f"{size:>9} {analysed - start:>11.2f} {rendered - analysed:>15.2f} {len(data):>10}")
        db.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=26, help="per side, for the ratio")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs (medians)")
    parser.add_argument("--sizes", default="", help="respondents per side to time in-process")
    parser.add_argument("--lang", default="pl", choices=("pl", "en"), help="report language")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        against_plain(Path(folder), args.respondents, args.runs, args.lang)
        if args.sizes:
            scaling(Path(folder), [int(s) for s in args.sizes.split(",")], args.lang)


if __name__ == "__main__":
    main()
