"""Storage without arrival order: responses and comments go into preallocated slots.

When codes are made (or a round opens), one response slot per code and one comment slot
per code and open question are inserted, shuffled, under random integer ids. A submit
fills a random empty slot of its side with a payload of exactly the slot's byte size, so
SQLite overwrites the cell where it already is: neither the position of a cell in the
file nor a row id says which response came first, and nothing links a response slot to
a comment slot or to a code. Answers are one fixed-width text (one character per item and
perspective); comments are padded to a fixed number of bytes. Which empty slot a submit
takes is read from a fixed-width map of the empty positions of a shuffled list, at the
same cost however full the round is (issue 23; see "The slot lists" below).
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
    """Empty slots for `count` more respondents of one side, inserted in random order, and
    given the next positions of their list in that order. Call inside the caller's write
    transaction."""
    width = len(questionnaire.answer_keys())
    rows: list[tuple] = [("r", None)] * count
    rows += [("c", q.id) for q in questionnaire.open_questions for _ in range(count)]
    _rng.shuffle(rows)
    empty_answers, empty_text = SKIPPED * width, " " * COMMENT_BYTES
    made: dict[str, list[int]] = {}
    for kind, question in rows:
        slot_id = _slot_id()
        if kind == "r":
            db.execute(
                "INSERT INTO response_slots (id, round_id, side, filled, answers) "
                "VALUES (?, ?, ?, 0, ?)",
                [slot_id, round_id, side, empty_answers],
            )
        else:
            db.execute(
                "INSERT INTO comment_slots (id, round_id, side, question, filled, text) "
                "VALUES (?, ?, ?, ?, 0, ?)",
                [slot_id, round_id, side, question, empty_text],
            )
        made.setdefault(question or RESPONSES, []).append(slot_id)
    for list_name, slot_ids in made.items():
        _add_positions(db, round_id, side, list_name, slot_ids, FREE)


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
    _add_positions(db, round_id, side, question, [slot_id], TAKEN)
    return slot_id


# --- The slot lists (issue 23) ----------------------------------------------------------
#
# Each side's response slots, and its comment slots of each open question, form a list:
# every slot has a fixed position in it (slot_positions, written once when the slot is
# made, in the shuffled order the slots were inserted in). Fixed-width map rows, CHUNK
# positions each, hold one character per position: FREE while the slot is empty, TAKEN
# once full. A Send reads its list's map rows (a few for the largest round), picks the
# k-th free position for a uniformly random k, and overwrites one character in place: the
# same work however full the round is. The map is a function of which slots are full, so
# neither it nor anything else in the file says in which order they were filled.

CHUNK = 1024
FREE, TAKEN, UNUSED = "1", "0", "."
RESPONSES = ""  # the list name of response slots; comment slots' lists are named by question


def _add_positions(
    db: Database, round_id: int, side: str, list_name: str, slot_ids: list[int], mark: str
) -> None:
    """The next positions of a list for new slots, in the order given, marked `mark`."""
    key = [round_id, side, list_name]
    start = db.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM slot_positions "
        "WHERE round_id = ? AND side = ? AND question = ?",
        key,
    ).fetchone()[0]
    db.conn.executemany(
        "INSERT INTO slot_positions (round_id, side, question, position, slot_id) "
        "VALUES (?, ?, ?, ?, ?)",
        [(*key, start + i, slot_id) for i, slot_id in enumerate(slot_ids)],
    )
    end = start + len(slot_ids)
    for chunk in range(start // CHUNK, (end - 1) // CHUNK + 1):
        row = db.execute(
            "SELECT free FROM slot_maps WHERE round_id = ? AND side = ? AND question = ? "
            "AND chunk = ?",
            [*key, chunk],
        ).fetchone()
        text = row[0] if row else UNUSED * CHUNK
        low, high = (
            max(start, chunk * CHUNK) - chunk * CHUNK,
            min(end, (chunk + 1) * CHUNK) - chunk * CHUNK,
        )
        text = text[:low] + mark * (high - low) + text[high:]
        if row:
            _write_map(db, key, chunk, text)
        else:
            db.execute(
                "INSERT INTO slot_maps (round_id, side, question, chunk, free) "
                "VALUES (?, ?, ?, ?, ?)",
                [*key, chunk, text],
            )


def _write_map(db: Database, key: list, chunk: int, text: str) -> None:
    """Overwrite a map row with a text of the same width: SQLite rewrites the cell where it is."""
    db.execute(
        "UPDATE slot_maps SET free = ? WHERE round_id = ? AND side = ? AND question = ? "
        "AND chunk = ?",
        [text, *key, chunk],
    )


def _take(db: Database, round_id: int, side: str, list_name: str) -> int | None:
    """Mark a uniformly random free position of a list taken; its slot's id, or None when
    the list has no free slot."""
    key = [round_id, side, list_name]
    rows = db.execute(
        "SELECT chunk, free FROM slot_maps WHERE round_id = ? AND side = ? AND question = ?",
        key,
    ).fetchall()
    counts = [free.count(FREE) for _, free in rows]
    if not sum(counts):
        return None
    k = _rng.randrange(sum(counts))
    index = 0
    while k >= counts[index]:
        k -= counts[index]
        index += 1
    chunk, free = rows[index]
    offset = -1
    for _ in range(k + 1):
        offset = free.find(FREE, offset + 1)
    _write_map(db, key, chunk, free[:offset] + TAKEN + free[offset + 1 :])
    return db.execute(
        "SELECT slot_id FROM slot_positions WHERE round_id = ? AND side = ? AND question = ? "
        "AND position = ?",
        [*key, chunk * CHUNK + offset],
    ).fetchone()[0]


def _fill_one(
    db: Database, table: str, round_id: int, side: str, list_name: str, column: str, value: str
) -> bool:
    """Fill a uniformly random empty slot of a list with `value`, in place; False when none is empty."""
    while (slot_id := _take(db, round_id, side, list_name)) is not None:
        if db.execute(
            f"UPDATE {table} SET filled = 1, {column} = ? WHERE id = ? AND filled = 0",
            [value, slot_id],
        ).rowcount:
            return True
        # A slot filled outside the map (never by Lustro itself): now marked, try again.
    return False


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
    if not _fill_one(db, "response_slots", round_id, side, RESPONSES, "answers", encoded):
        allocate(db, round_id, questionnaire, side, 1)
        _fill_one(db, "response_slots", round_id, side, RESPONSES, "answers", encoded)
    for question, text in texts.items():
        if not _fill_one(db, "comment_slots", round_id, side, question, "text", text):
            allocate(db, round_id, questionnaire, side, 1)
            _fill_one(db, "comment_slots", round_id, side, question, "text", text)


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
