"""How long the JSON gap report takes for 100, 1,000 and 10,000 respondents per side.

Builds each round (not timed) from simulated respondents of the full questionnaire,
inserted in bulk in one transaction into a temporary database, then times
`analyse()` + `json.dumps` (median of 3) and splits it into SQL and statistics.

    .venv/bin/python bench/analysis.py [SIZES...]
"""

from __future__ import annotations

import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlite_utils import Database

from reports import aggregates
from reports.analysis import analyse
from survey.demo import DEMO_QUESTIONNAIRE, simulate
from survey.store.connection import open_db, write_transaction
from survey.store.migrations import migrate
from survey.store.rounds import close_round, create_round, get_round, open_round
from survey.store.slots import encode_answers

SIZES = (100, 1_000, 10_000)
REPEATS = 3


def build_round(db: Database, per_side: int, seed: int = 1) -> int:
    """A closed round with `per_side` simulated respondents on each side."""
    round_id = create_round(db, f"Bench {per_side}", DEMO_QUESTIONNAIRE, "Sprzedaż", "Produkcja")
    round_ = open_round(db, round_id)
    questionnaire = round_.questionnaire
    rng = random.Random(seed)
    submissions = [
        simulate(questionnaire, side, rng) for side in ("a", "b") for _ in range(per_side)
    ]
    with write_transaction(db):  # the slots a submit fills, written directly (not timed)
        db.conn.executemany(
            "INSERT INTO response_slots (id, round_id, side, filled, answers) "
            "VALUES (?, ?, ?, 1, ?)",
            [
                (secrets.randbits(62), round_id, s.side, encode_answers(questionnaire, s.answers))
                for s in submissions
            ],
        )
    close_round(db, round_id)
    return round_id


def timed(function, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): the machine is shared, so CPU time
    shows the work itself and wall time what a user waits."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(db: Database, round_id: int) -> list[float]:
    """Medians of [report wall, report CPU, SQL wall, SQL CPU] seconds."""
    questionnaire = get_round(db, round_id).questionnaire
    runs = []
    for _ in range(REPEATS):
        report = timed(lambda: json.dumps(analyse(db, round_id), ensure_ascii=False))
        sql = timed(aggregates.read_round, db, round_id, questionnaire)
        runs.append([*report, *sql])
    return [statistics.median(column) for column in zip(*runs, strict=True)]


def main(sizes: tuple[int, ...] = SIZES) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        migrate(db)
        print(f"median of {REPEATS}; wall / CPU seconds; 'SQL' = aggregates.read_round")
        print(f"{'per side':>9} {'answers':>10} {'report':>13} {'SQL':>13} {'statistics':>13}")
        for size in sizes:
            round_id = build_round(db, size)
            answers = db.execute(
                "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id "
                "WHERE r.round_id = ?",
                [round_id],
            ).fetchone()[0]
            wall, cpu, sql_wall, sql_cpu = measure(db, round_id)
            print(
                f"{size:>9,} {answers:>10,} {wall:>6.3f}/{cpu:<6.3f} {sql_wall:>6.3f}/{sql_cpu:<6.3f}"
                f" {wall - sql_wall:>6.3f}/{cpu - sql_cpu:<6.3f}"
            )
        db.conn.close()


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
