"""Storage without arrival order: responses and comments go into preallocated slots.

When codes are made (or a round opens), one response slot per code and one comment slot
per code and open question are inserted, shuffled, under random integer ids. A submit
fills a random empty slot of its side with a payload of exactly the slot's byte size, so
SQLite overwrites the cell where it already is: neither the position of a cell in the
file nor a row id says which response came first, and nothing links a response slot to
a comment slot or to a code. Answers are one fixed-width text (one character per item and
perspective); comments are padded to a fixed number of bytes.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Mapping

from sqlite_utils import Database

from .errors import InvalidInput
from .questionnaire import Questionnaire

COMMENT_BYTES = 1500  # a comment slot's size (UTF-8): fits one cell, never overflows
# The stored answer text's characters besides 1–5 (the `answers` view reads "0" as NULL).
SKIPPED, DONT_KNOW_STORED = "-", "0"
_rng = random.SystemRandom()

AnswerKey = tuple[str, str, str]


def _slot_id() -> int:
    return secrets.randbits(62) + 1


def encode_answers(questionnaire: Questionnaire, answers: Mapping[AnswerKey, int | None]) -> str:
    """One character per item and perspective, in questionnaire order: '1'–'5', '0' for
    don't know, '-' for skipped. Every response of a round has the same length."""
    return "".join(
        (DONT_KNOW_STORED if answers[key] is None else str(answers[key]))
        if key in answers
        else SKIPPED
        for key in questionnaire.answer_keys()
    )


def comment_size(text: str) -> int:
    """The bytes an open answer takes in its slot: UTF-8, stripped, as the browser sends
    it (a line break is CR LF, two bytes)."""
    return len(text.strip().replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))


def characters_over(text: str) -> int:
    """How many characters must go from the end of an open answer for it to fit its slot
    (0 when it fits). People count characters, the slot bytes: a Polish letter takes two,
    an emoji four; a line break counts as one character. static/respond.js's counter
    counts the same way."""
    chars = list(text.strip().replace("\r\n", "\n"))
    excess = comment_size(text) - COMMENT_BYTES
    removed = 0
    while excess > 0 and chars:
        last = chars.pop()
        excess -= 2 if last == "\n" else len(last.encode("utf-8"))
        removed += 1
    return removed


def pad_comment(text: str) -> str:
    """The text padded with spaces to exactly COMMENT_BYTES bytes (comments are stored
    stripped, so trailing spaces are padding only)."""
    size = len(text.encode("utf-8"))
    if size > COMMENT_BYTES:
        raise InvalidInput(f"An open answer is longer than {COMMENT_BYTES} bytes.")
    return text + " " * (COMMENT_BYTES - size)


def record_positions(db: Database, round_id: int, questionnaire: Questionnaire) -> None:
    """Where each (dimension, item, perspective) sits in a round's answer strings; the
    `answers` view reads them back with substr()."""
    db.execute("DELETE FROM answer_positions WHERE round_id = ?", [round_id])
    db.conn.executemany(
        "INSERT INTO answer_positions (round_id, position, dimension, item, perspective) "
        "VALUES (?, ?, ?, ?, ?)",
        [(round_id, i + 1, *key) for i, key in enumerate(questionnaire.answer_keys())],
    )


def allocate(db: Database, round_id: int, questionnaire: Questionnaire, side: str, count: int):
    """Empty slots for `count` more respondents of one side, inserted in random order.
    Call inside the caller's write transaction."""
    width = len(questionnaire.answer_keys())
    rows: list[tuple] = [("r", None)] * count
    rows += [("c", q.id) for q in questionnaire.open_questions for _ in range(count)]
    _rng.shuffle(rows)
    empty_answers, empty_text = SKIPPED * width, " " * COMMENT_BYTES
    for kind, question in rows:
        if kind == "r":
            db.execute(
                "INSERT INTO response_slots (id, round_id, side, filled, answers) "
                "VALUES (?, ?, ?, 0, ?)",
                [_slot_id(), round_id, side, empty_answers],
            )
        else:
            db.execute(
                "INSERT INTO comment_slots (id, round_id, side, question, filled, text) "
                "VALUES (?, ?, ?, ?, 0, ?)",
                [_slot_id(), round_id, side, question, empty_text],
            )


def insert_comment(
    db: Database, round_id: int, side: str, question: str, text: str, hidden: int = 0, reason=None
) -> int:
    """A filled comment slot made directly (data moved from older storage, tests)."""
    slot_id = _slot_id()
    db.execute(
        "INSERT INTO comment_slots (id, round_id, side, question, filled, hidden, "
        "hidden_reason, text) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
        [slot_id, round_id, side, question, hidden, reason, pad_comment(text.strip())],
    )
    return slot_id


PICKS = 16  # random positions tried before one scan of the empty slots decides


def _fill_one(
    db: Database,
    table: str,
    where: str,
    params: list,
    column: str,
    value: str,
    total: int | None = None,
) -> bool:
    """Fill an empty slot chosen at random, each empty slot as likely as any other.

    A random position among all the side's `total` slots (counted here when not given)
    is read from the index alone (its entries are narrow; a comment slot's row holds
    1,500 bytes) and taken when still empty, in one statement; after PICKS full ones, a
    scan of the empty slots picks one. Either way the choice is uniform over the empty
    slots, so it says nothing about arrival order."""
    match = f"FROM {table} WHERE round_id = ? AND side = ? {where}"
    if total is None:
        total = db.execute(f"SELECT count(*) {match}", params).fetchone()[0]
    fill = f"UPDATE {table} SET filled = 1, {column} = ? WHERE id = "
    probe = f"{fill}(SELECT id {match} LIMIT 1 OFFSET ?) AND filled = 0"
    for _ in range(PICKS if total else 0):
        if db.execute(probe, [value, *params, _rng.randrange(total)]).rowcount == 1:
            return True
    row = db.execute(
        f"SELECT id {match} AND filled = 0 ORDER BY random() LIMIT 1", params
    ).fetchone()
    if row is None:
        return False
    db.execute(f"{fill}? AND filled = 0", [value, row[0]])
    return True


def _slot_counts(db: Database, round_id: int, side: str, questions) -> dict[str | None, int]:
    """All slots of a side, full or empty, in one statement: response slots under None,
    comment slots under their question (only when some comment is to be stored)."""
    sql = "SELECT NULL, count(*) FROM response_slots WHERE round_id = ? AND side = ?"
    params: list = [round_id, side]
    if questions:
        sql += (
            " UNION ALL SELECT question, count(*) FROM comment_slots"
            " WHERE round_id = ? AND side = ? GROUP BY question"
        )
        params += [round_id, side]
    return dict(db.execute(sql, params).fetchall())


def fill(
    db: Database,
    round_id: int,
    questionnaire: Questionnaire,
    side: str,
    answers: Mapping[AnswerKey, int | None],
    comments: Mapping[str, str],
) -> None:
    """Store one validated response in random empty slots of its side (inside the
    caller's write transaction). A side without a free slot gets one first: only imports
    and demo data, which have no codes, get there."""
    encoded = encode_answers(questionnaire, answers)
    texts = {q: pad_comment(t.strip()) for q, t in comments.items() if t and t.strip()}
    totals = _slot_counts(db, round_id, side, texts)
    if not _fill_one(db, "response_slots", "", [round_id, side], "answers", encoded, totals[None]):
        allocate(db, round_id, questionnaire, side, 1)
        _fill_one(db, "response_slots", "", [round_id, side], "answers", encoded)
    for question, text in texts.items():
        where, params = "AND question = ?", [round_id, side, question]
        if not _fill_one(db, "comment_slots", where, params, "text", text, totals.get(question, 0)):
            allocate(db, round_id, questionnaire, side, 1)
            _fill_one(db, "comment_slots", where, params, "text", text)


def filled_count(db: Database, round_id: int, side: str) -> int:
    return db.execute(
        "SELECT count(*) FROM response_slots WHERE round_id = ? AND side = ? AND filled = 1",
        [round_id, side],
    ).fetchone()[0]


def note_day(db: Database, round_id: int, side: str, today: dt.date) -> None:
    """Before the first response of a new day: remember how many there were at the
    start of the day. Only this per-side count is kept, never a response's date."""
    row = db.execute(
        "SELECT day FROM day_counts WHERE round_id = ? AND side = ?", [round_id, side]
    ).fetchone()
    if row is not None and row[0] >= today.isoformat():
        return
    db.execute(
        "INSERT OR REPLACE INTO day_counts (round_id, side, day, at_day_start) VALUES (?, ?, ?, ?)",
        [round_id, side, today.isoformat(), filled_count(db, round_id, side)],
    )


def count_at_day_start(db: Database, round_id: int, side: str, today: dt.date) -> int:
    """Responses of one side that arrived before `today`."""
    row = db.execute(
        "SELECT day, at_day_start FROM day_counts WHERE round_id = ? AND side = ?",
        [round_id, side],
    ).fetchone()
    if row is not None and row[0] >= today.isoformat():
        return row[1]
    return filled_count(db, round_id, side)  # nothing arrived today yet
