"""The schema's history: m201_slots moves data of the old schema into slots exactly as
the code of its day did, and migrations.py depends on none of today's code."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import survey.store.migrations
from survey.store.connection import open_db
from survey.store.migrations import migrate, migrations
from survey.store.questionnaire import CarriedAgreement, Questionnaire, load

COMMENT_BYTES = 1500
TIMEZONE = "Pacific/Kiritimati"  # UTC+14: its date is not the server's for most of a day
TODAY = dt.datetime.now(ZoneInfo(TIMEZONE)).date()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()


def _questionnaires() -> tuple[Questionnaire, Questionnaire]:
    """The shipped questionnaire, and a copy carrying one agreement (asked after the items)."""
    plain = load("sales-production")
    agreement = CarriedAgreement("ag1", "Weekly call", "en", "Sales", "2026-01-31", 1)
    return plain, dataclasses.replace(plain, agreements=[agreement])


def _round(db, round_id: int, status: str, questionnaire: Questionnaire | None) -> None:
    db["rounds"].insert(
        {
            "id": round_id,
            "name": f"Round {round_id}",
            "questionnaire_id": "sales-production",
            "questionnaire_version": 1,
            "questionnaire_json": questionnaire.to_json() if questionnaire else None,
            "side_a": "Sales",
            "side_b": "Production",
            "status": status,
            "timezone": TIMEZONE,
            "created_on": YESTERDAY,
        }
    )


def _old_answers(questionnaire: Questionnaire, seed: int) -> dict[tuple, int | None]:
    """Every kind of answer: values 1-5, don't know (NULL) and skipped (no row). The old
    table held the three perspectives only, so a carried agreement stays unanswered."""
    answers: dict[tuple, int | None] = {}
    for index, key in enumerate(questionnaire.item_keys()):
        kind = (index + seed) % 7
        if kind == 6:
            continue
        answers[key] = None if kind == 5 else kind + 1
    return answers


def _response(db, response_id: str, round_id: int, side: str, on: str, answers: dict) -> None:
    db["responses"].insert(
        {"id": response_id, "round_id": round_id, "side": side, "submitted_on": on}
    )
    rows = [
        {"response_id": response_id, "dimension": d, "item": i, "perspective": p, "value": v}
        for (d, i, p), v in answers.items()
    ]
    db["answers"].insert_all(rows)


def _old_database(path: Path):
    """Round 1 open, round 2 closed (with a carried agreement), round 3 a draft: the data a
    database of the schema before m201_slots held."""
    plain, with_agreement = _questionnaires()
    db = open_db(path)
    migrations.apply(db, stop_before="m201_slots")
    _round(db, 1, "open", plain)
    _round(db, 2, "closed", with_agreement)
    _round(db, 3, "draft", None)
    old = {}
    responses = [
        ("r1", 1, "a", YESTERDAY, plain),
        ("r2", 1, "a", TODAY.isoformat(), plain),
        ("r3", 1, "a", YESTERDAY, plain),
        ("r4", 1, "b", TODAY.isoformat(), plain),
        ("r5", 2, "a", YESTERDAY, with_agreement),
        ("r6", 2, "b", YESTERDAY, with_agreement),
    ]
    for seed, (response_id, round_id, side, on, questionnaire) in enumerate(responses):
        answers = _old_answers(questionnaire, seed)
        old[response_id] = (round_id, side, answers)
        _response(db, response_id, round_id, side, on, answers)
    # An answer to an item the round's questionnaire does not ask is not carried over.
    db["answers"].insert(
        {"response_id": "r1", "dimension": "gone", "item": "x", "perspective": "self", "value": 3}
    )
    long_text = "a" + "ż" * 750  # 1,501 bytes: the cut at 1,500 splits the last "ż"
    comments = [
        ("c1", 1, "a", "harder", "Too many changes.", 0, None),
        ("c2", 1, "a", "harder", "\u3000 Spaces around\n ", 0, None),
        ("c3", 1, "b", "need", "Named a person", 1, "names a person"),
        ("c4", 1, "b", "better", "x" * 1499 + "żółw", 0, None),
        ("c5", 2, "a", "need", long_text, 0, None),
    ]
    for comment_id, round_id, side, question, text, hidden, reason in comments:
        db["comments"].insert(
            {
                "id": comment_id,
                "round_id": round_id,
                "side": side,
                "question": question,
                "text": text,
                "hidden": hidden,
                "hidden_reason": reason,
            }
        )
    unspent = {(1, "a"): 3, (1, "b"): 2, (2, "a"): 4}
    for (round_id, side), count in unspent.items():
        for n in range(count):
            db["invites"].insert(
                {
                    "code_hash": f"u{round_id}{side}{n}",
                    "round_id": round_id,
                    "side": side,
                    "spent": 0,
                }
            )
    db["invites"].insert({"code_hash": "s1", "round_id": 1, "side": "a", "spent": 1})
    return db, old, comments


def _encoded(questionnaire: Questionnaire, answers: dict) -> str:
    """What the slot code of m201's day stored: '1'-'5', '0' don't know, '-' skipped."""
    return "".join(
        ("0" if answers[key] is None else str(answers[key])) if key in answers else "-"
        for key in questionnaire.answer_keys()
    )


def _stored_comment(text: str) -> str:
    kept = text.encode()[:COMMENT_BYTES].decode(errors="ignore").strip()
    return kept + " " * (COMMENT_BYTES - len(kept.encode()))


def test_m201_slots_moves_old_responses_and_comments_into_slots_as_they_were(tmp_path):
    plain, with_agreement = _questionnaires()
    db, old, comments = _old_database(tmp_path / "old.db")
    assert "m201_slots" in migrate(db)

    for round_id, questionnaire in ((1, plain), (2, with_agreement)):
        positions = db.execute(
            "SELECT position, dimension, item, perspective FROM answer_positions "
            "WHERE round_id = ? ORDER BY position",
            [round_id],
        ).fetchall()
        assert positions == [(i + 1, *key) for i, key in enumerate(questionnaire.answer_keys())]
    assert positions[-1] == (61, "agreement", "ag1", "kept")
    assert db.execute("SELECT count(*) FROM answer_positions WHERE round_id = 3").fetchone() == (0,)

    # Each response's answers string, and the same answers read back through the view.
    expected = Counter(
        (round_id, side, _encoded(plain if round_id == 1 else with_agreement, answers))
        for round_id, side, answers in old.values()
    )
    filled = db.execute(
        "SELECT round_id, side, answers FROM response_slots WHERE filled = 1"
    ).fetchall()
    assert Counter(filled) == expected
    by_response: dict[int, set] = {}
    for row in db.query("SELECT * FROM answers"):
        key = (row["dimension"], row["item"], row["perspective"])
        by_response.setdefault(row["response_id"], set()).add((key, row["value"]))
    assert Counter(frozenset(a) for a in by_response.values()) == Counter(
        frozenset(answers.items()) for _, _, answers in old.values()
    )

    # Comments: filled slots of exactly COMMENT_BYTES, stripped, cut at a character.
    stored = db.execute(
        "SELECT round_id, side, question, text, hidden, hidden_reason FROM comment_slots "
        "WHERE filled = 1"
    ).fetchall()
    assert Counter(stored) == Counter(
        (round_id, side, question, _stored_comment(text), hidden, reason)
        for _, round_id, side, question, text, hidden, reason in comments
    )
    assert _stored_comment(comments[4][4]).rstrip() == "a" + "ż" * 749
    assert _stored_comment(comments[3][4]).rstrip() == "x" * 1499
    texts = [row[0] for row in db.execute("SELECT text FROM comment_slots").fetchall()]
    assert {len(text.encode()) for text in texts} == {COMMENT_BYTES}
    shown = db.execute("SELECT text FROM comments WHERE question = 'harder' ORDER BY text")
    assert [row[0] for row in shown] == ["Spaces around", "Too many changes."]

    # Empty slots: one response slot per unspent code of an open round; per side and open
    # question one comment slot per moved response and per unspent code of an open round.
    empty_responses = db.execute(
        "SELECT round_id, side, answers, count(*) FROM response_slots WHERE filled = 0 "
        "GROUP BY round_id, side, answers"
    ).fetchall()
    assert empty_responses == [(1, "a", "-" * 60, 3), (1, "b", "-" * 60, 2)]
    empty_comments = db.execute(
        "SELECT round_id, side, question, count(*) FROM comment_slots "
        "WHERE filled = 0 AND text = ? GROUP BY round_id, side, question",
        [" " * COMMENT_BYTES],
    ).fetchall()
    slots_per_side = {(1, "a"): 3 + 3, (1, "b"): 1 + 2, (2, "a"): 1, (2, "b"): 1}
    assert sorted(empty_comments) == sorted(
        (round_id, side, question.id, count)
        for (round_id, side), count in slots_per_side.items()
        for question in plain.open_questions
    )
    ids = [
        row[0]
        for row in db.execute(
            "SELECT id FROM response_slots UNION ALL SELECT id FROM comment_slots"
        ).fetchall()
    ]
    assert len(set(ids)) == len(ids) and all(1 <= i <= 2**62 for i in ids)
    assert len(set(i % 1000 for i in ids)) > 10  # random, not counted up

    # Day counts, only for the open round: responses before today in the round's zone.
    assert sorted(db.execute("SELECT * FROM day_counts").fetchall()) == [
        (1, "a", TODAY.isoformat(), 2),
        (1, "b", TODAY.isoformat(), 0),
    ]
    assert {"responses", "answers", "comments", "drafts"}.isdisjoint(db.table_names())
    assert {"responses", "answers", "comments"} <= set(db.view_names())
    assert "invites_round_side" in [i.name for i in db["invites"].indexes]
    assert "invites_round" not in [i.name for i in db["invites"].indexes]


def test_migrations_import_nothing_of_lustro():
    """A shipped migration is frozen history: were it to call today's modules, it would
    change whenever they do."""
    tree = ast.parse(Path(survey.store.migrations.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert {name for name in imported if name.startswith((".", "survey", "reports"))} == set()


def test_m204_gives_every_workshop_count_a_fixed_width_row_and_its_phones_their_places(
    tmp_path,
):
    """Issue 20 (W6): the old guess rows (inserted as guesses came) and dot counts become
    preallocated six-digit counts, the old table is dropped, and each workshop gets its
    phone places; the counts stay what they were."""
    plain, _ = _questionnaires()
    db = open_db(tmp_path / "old.db")
    migrations.apply(db, stop_before="m204_workshop_counts_in_place")
    _round(db, 1, "closed", plain)
    db["workshops"].insert(
        {
            "id": 1,
            "round_id": 1,
            "join_code": "ACDEFH",
            "variant": "2h",
            "dimensions": '["information", "respect"]',
            "figures": "{}",
            "created_on": "2026-01-01",
        }
    )
    old = {("information", "a", 3): 2, ("information", "b", 5): 1, ("respect", "a", 1): 140}
    for (dimension, side, value), count in old.items():
        db.execute(
            "INSERT INTO workshop_guesses VALUES (1, ?, ?, ?, ?)", [dimension, side, value, count]
        )
    db["workshop_agreements"].insert(
        {
            "id": "ag1",
            "workshop_id": 1,
            "position": 1,
            "lang": "en",
            "what": "Weekly call",
            "responsible": "both",
            "due_on": "2026-01-31",
            "evidence": "Minutes",
            "dots": 7,
        }
    )
    assert "m204_workshop_counts_in_place" in migrate(db)
    rows = db.execute("SELECT dimension, side, value, count FROM workshop_guesses").fetchall()
    assert len(rows) == 2 * 2 * 5 and all(len(count) == 6 for *_, count in rows)
    assert {(d, s, v): int(c) for d, s, v, c in rows if int(c)} == old
    assert db.execute("SELECT * FROM workshop_dots").fetchall() == [("ag1", "000007")]
    assert "dots" not in db["workshop_agreements"].columns_dict
    places = db.execute(
        "SELECT side, count(*), sum(joined), min(guessed), max(guessed) "
        "FROM workshop_phones WHERE workshop_id = 1 GROUP BY side ORDER BY side"
    ).fetchall()
    assert places == [("a", 100, 0, "00", "00"), ("b", 100, 0, "00", "00")]
    assert db.execute("SELECT in_room FROM workshops").fetchone() == ("{}",)
