"""A response goes into an empty slot chosen at random: every empty slot as likely as any
other, however many are already full (a choice that favoured some slots would hint at
which responses came first), at a cost that does not grow as the round fills (issue 23),
and every cell stays where it was allocated."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from scipy.stats import chisquare
from test_storage_attacks import cell_layout

from survey.store import slots
from survey.store.connection import write_transaction
from survey.store.questionnaire import load

ANSWER = "5"  # one answer, so the picked slot is found by its text
QUESTIONNAIRE = load("sales-production")
ONE_ANSWER = {QUESTIONNAIRE.answer_keys()[0]: 5}


def _allocate(db, round_id: int, count: int) -> None:
    with write_transaction(db):
        slots.allocate(db, round_id, QUESTIONNAIRE, "a", count)


def _fill(db, round_id: int, count: int, comment: str | None = None) -> None:
    """`count` responses (answers '-' but for a 1 in the first place) filled and committed."""
    with write_transaction(db):
        for _ in range(count):
            comments = {"need": comment} if comment else {}
            slots.fill(
                db, round_id, QUESTIONNAIRE, "a", {QUESTIONNAIRE.answer_keys()[0]: 1}, comments
            )


def _empty_ids(db, round_id: int, table: str = "response_slots") -> set[int]:
    where = " AND question = 'need'" if table == "comment_slots" else ""
    return {
        row[0]
        for row in db.execute(
            f"SELECT id FROM {table} WHERE round_id = ? AND filled = 0{where}", [round_id]
        )
    }


def _picks(db, round_id: int, trials: int, comment: str | None = None) -> Counter:
    """Which slot each of `trials` Sends takes (each rolled back): its response slot, or
    with `comment` its comment slot of the question 'need'."""
    counts: Counter = Counter()
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        for _ in range(trials):  # each in a savepoint: rolled back without an fsync
            db.conn.execute("SAVEPOINT pick")
            slots.fill(
                db, round_id, QUESTIONNAIRE, "a", ONE_ANSWER, {"need": comment} if comment else {}
            )
            if comment:
                sql, value = "SELECT id FROM comment_slots WHERE text LIKE ?", comment + " %"
            else:
                sql, value = "SELECT id FROM response_slots WHERE answers LIKE ?", ANSWER + "%"
            counts[db.execute(sql, [value]).fetchone()[0]] += 1
            db.conn.execute("ROLLBACK TO pick")
            db.conn.execute("RELEASE pick")
    finally:
        db.conn.rollback()
    return counts


def _uniform(counts: Counter, empty: set[int]) -> float:
    """Chi-square p-value of the picks against every empty slot being as likely."""
    assert set(counts) == empty  # never a full slot, and every empty one was picked
    return chisquare([counts[slot] for slot in sorted(empty)]).pvalue


@pytest.mark.parametrize(
    ("allocated", "full", "picks"),
    [
        (40, 36, 2000),
        # Three map rows, 90 % full: 300 empty slots over all three, chi-square over 300 cells.
        (3000, 2700, 6000),
    ],
)
def test_every_empty_slot_is_as_likely_when_most_are_full(
    db, open_round_id, monkeypatch, allocated, full, picks
):
    monkeypatch.setattr(slots, "_rng", random.Random(allocated))
    _allocate(db, open_round_id, allocated)
    _fill(db, open_round_id, full)
    empty = _empty_ids(db, open_round_id)
    assert len(empty) == allocated - full
    assert _uniform(_picks(db, open_round_id, picks), empty) > 0.01


def test_the_last_empty_slot_is_found(db, open_round_id):
    _allocate(db, open_round_id, 200)
    _fill(db, open_round_id, 199)
    assert set(_picks(db, open_round_id, 5)) == _empty_ids(db, open_round_id)
    _fill(db, open_round_id, 1)
    _fill(db, open_round_id, 1)  # no empty slot left: one is made (imports, demo data)
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 201


def test_a_comment_slot_is_as_likely_as_any_other_of_its_question(db, open_round_id, monkeypatch):
    """A question with more slots than the others (comments moved in from older storage)
    is a list of its own, and every empty slot of it stays as likely as any other."""
    monkeypatch.setattr(slots, "_rng", random.Random(11))
    _allocate(db, open_round_id, 10)
    with write_transaction(db):
        for _ in range(30):
            slots.insert_comment(db, open_round_id, "a", "need", "moved in")
    _fill(db, open_round_id, 6, comment="earlier")
    empty = _empty_ids(db, open_round_id, "comment_slots")
    assert len(empty) == 4
    assert _uniform(_picks(db, open_round_id, 1200, comment="picked"), empty) > 0.01


def _steps(db, round_id: int) -> int:
    """SQLite virtual-machine steps one Send's fill takes (rolled back): its work, free of
    whatever else the machine is doing."""
    counter = [0]

    def count() -> int:
        counter[0] += 1
        return 0

    db.conn.execute("BEGIN IMMEDIATE")
    db.conn.set_progress_handler(count, 1)
    try:
        slots.fill(db, round_id, QUESTIONNAIRE, "a", ONE_ANSWER, {"need": "x", "better": "y"})
    finally:
        db.conn.set_progress_handler(None, 1)
        db.conn.rollback()
    return counter[0]


def test_a_send_costs_the_same_in_a_fresh_and_a_nearly_full_round(db, open_round_id):
    """Issue 23: a round of 5,000 slots a side, fresh and 90 % full: the same work."""
    _allocate(db, open_round_id, 5000)
    fresh = _steps(db, open_round_id)
    _fill(db, open_round_id, 4500, comment="x")
    full = _steps(db, open_round_id)
    assert full <= 1.05 * fresh, (fresh, full)


def test_filling_leaves_every_cell_where_it_was_allocated(db, db_path, open_round_id):
    """Slots, their positions and the map rows: filling 90 % of 3,000 slots moves no cell
    of any table or index (cell offsets in a page would follow arrival)."""
    _allocate(db, open_round_id, 3000)
    before = cell_layout(Path(db_path))
    _fill(db, open_round_id, 2700, comment="x")
    after = cell_layout(Path(db_path))
    for name in set(before) | set(after):
        if name not in ("day_counts", "sqlite_autoindex_day_counts_1"):
            assert after[name] == before[name], name
