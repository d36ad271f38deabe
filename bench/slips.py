"""Speed and memory of the printable slips: 100, 1,000 and 5,000 slips (the goal: 5,000
in under 60 s and under 300 MB).

    .venv/bin/python bench/slips.py [--sizes 100,1000,5000] [--runs 3]

Each run is a fresh process that imports the app, creates a round, then draws the slips
with the same function the console's job and `survey invites -o FILE.pdf` use. Printed:
seconds spent drawing, and the process's peak resident memory (ru_maxrss, the high-water
mark: imports included)."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(size: int) -> dict:
    """Draw `size` slips in this process; the figures as a dict."""
    sys.path.insert(0, str(ROOT))
    from survey.app import create_app
    from survey.documents.slips import slip_texts, write_slips_pdf
    from survey.store.connection import open_db
    from survey.store.invites import new_code
    from survey.store.migrations import migrate
    from survey.store.rounds import create_round, get_round

    folder = Path(tempfile.mkdtemp(prefix="lustro-slips-"))
    db = open_db(folder / "bench.db")
    migrate(db)
    round_id = create_round(
        db, "Badanie 2026", "sales-production", "Sprzedaż", "Produkcja", closes_on="2026-12-15"
    )
    app = create_app(
        {"DATABASE": str(folder / "bench.db"), "SECRET_KEY": "bench", "INVITE_KEY": "bench"}
    )
    codes = [new_code() for _ in range(size)]
    base_url = "https://ankieta.example.pl"
    with app.app_context():
        texts = slip_texts(get_round(db, round_id), base_url, "a")
    target = folder / "slips.pdf"
    start = time.perf_counter()
    with target.open("wb") as out:
        write_slips_pdf(texts, codes, base_url, out)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"seconds": seconds, "peak_mb": peak_mb, "pdf_kb": target.stat().st_size / 1024}
    target.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="Comma-separated slip counts.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per size (median shown).")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child)))
        return
    print(
        f"{'slips':>6} {'pages':>6} {'seconds (median, range)':>26} {'peak MB (median, range)':>26}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--child", str(size)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(args.runs)
        ]
        secs = [r["seconds"] for r in runs]
        mem = [r["peak_mb"] for r in runs]
        print(
            f"{size:>6} {-(-size // 8):>6} "
            f"{statistics.median(secs):>10.2f} ({min(secs):.2f}–{max(secs):.2f})      "
            f"{statistics.median(mem):>10.0f} ({min(mem):.0f}–{max(mem):.0f})"
        )


if __name__ == "__main__":
    main()
