"""A response goes into an empty slot chosen at random: every empty slot as likely as any
other, however many are already full (a choice that favoured some slots would hint at
which responses came first)."""

from __future__ import annotations

import random
from collections import Counter

from survey.store import slots
from survey.store.connection import write_transaction
from survey.store.questionnaire import load

ANSWER = "x"


def _slot_ids(db, round_id: int) -> list[int]:
    return [
        row[0] for row in db.execute("SELECT id FROM response_slots WHERE round_id = ?", [round_id])
    ]


def _picks(db, round_id: int, trials: int) -> Counter:
    """Which slot each of `trials` fills takes (each fill rolled back)."""
    counts: Counter = Counter()
    for _ in range(trials):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            assert slots._fill_one(db, "response_slots", "", [round_id, "a"], "answers", ANSWER)
            taken = db.execute("SELECT id FROM response_slots WHERE answers = ?", [ANSWER])
            counts[taken.fetchone()[0]] += 1
        finally:
            db.conn.rollback()
    return counts


def test_every_empty_slot_is_as_likely_when_most_are_full(db, open_round_id, monkeypatch):
    monkeypatch.setattr(slots, "_rng", random.Random(7))
    with write_transaction(db):
        slots.allocate(db, open_round_id, load("sales-production"), "a", 40)
    ids = _slot_ids(db, open_round_id)
    full, empty = ids[:36], ids[36:]
    db.execute(f"UPDATE response_slots SET filled = 1 WHERE id IN ({','.join('?' * 36)})", full)
    db.conn.commit()
    counts = _picks(db, open_round_id, 2000)
    assert set(counts) == set(empty)  # never a full one
    assert all(400 <= counts[slot] <= 600 for slot in empty), counts  # 500 each expected


def test_the_last_empty_slot_is_found(db, open_round_id, monkeypatch):
    monkeypatch.setattr(slots, "PICKS", 1)  # the random positions miss: the scan decides
    with write_transaction(db):
        slots.allocate(db, open_round_id, load("sales-production"), "a", 200)
    ids = _slot_ids(db, open_round_id)
    db.execute(f"UPDATE response_slots SET filled = 1 WHERE id IN ({','.join('?' * 199)})", ids[1:])
    db.conn.commit()
    assert set(_picks(db, open_round_id, 5)) == {ids[0]}


def test_a_comment_slot_is_as_likely_as_any_other_of_its_question(db, open_round_id, monkeypatch):
    """Through fill(), which counts all of a side's slots in one statement: a question
    with more slots than the others (comments moved in from older storage) is counted on
    its own, and every empty slot of it stays as likely as any other."""
    monkeypatch.setattr(slots, "_rng", random.Random(11))
    questionnaire = load("sales-production")
    with write_transaction(db):
        slots.allocate(db, open_round_id, questionnaire, "a", 10)
        for _ in range(30):
            slots.insert_comment(db, open_round_id, "a", "need", "moved in")
    need = [
        row[0]
        for row in db.execute("SELECT id FROM comment_slots WHERE question = 'need' ORDER BY id")
    ]
    empty = need[:2] + need[-2:]  # the first and the last in the index's order
    db.execute("UPDATE comment_slots SET filled = 1 WHERE question = 'need'")
    db.execute("UPDATE comment_slots SET filled = 0 WHERE id IN (?, ?, ?, ?)", empty)
    db.conn.commit()
    counts: Counter = Counter()
    for _ in range(1200):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            slots.fill(db, open_round_id, questionnaire, "a", {}, {"need": ANSWER})
            taken = db.execute("SELECT id FROM comment_slots WHERE text LIKE ?", [ANSWER + " %"])
            counts[taken.fetchone()[0]] += 1
        finally:
            db.conn.rollback()
    assert set(counts) == set(empty)  # 40 slots of 'need', of which 4 empty
    assert all(240 <= counts[slot] <= 360 for slot in empty), counts  # 300 each expected
