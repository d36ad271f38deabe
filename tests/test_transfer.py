import csv
import io
import random

import pytest

from survey.demo import simulate
from survey.store.errors import InvalidInput, WrongState
from survey.store.questionnaire import csv_columns
from survey.store.responses import add_responses, count_by_side
from survey.store.rounds import close_round, create_round, get_round, open_round
from survey.store.transfer import export_rows, export_text, import_csv


def _csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _good_rows(round_, count=12):
    columns = csv_columns(round_.questionnaire)
    rows = []
    for index in range(count):
        row = {name: str(1 + (index + position) % 5) for position, name in enumerate(columns)}
        row["side"] = "a" if index % 2 else "b"
        row["information.timely.meta"] = "dk"
        row["understanding.limits.self"] = ""
        for name in columns:
            if name.startswith("open."):
                row[name] = f"Uwaga {index} — zażółć gęślą jaźń"
        rows.append(row)
    return rows, columns


def _answer_table(db, round_id):
    return sorted(
        (r["side"], r["dimension"], r["item"], r["perspective"], r["value"])
        for r in db.query(
            """SELECT r.side, a.dimension, a.item, a.perspective, a.value FROM answers a
               JOIN responses r ON r.id = a.response_id WHERE r.round_id = ?""",
            [round_id],
        )
    )


def _comment_table(db, round_id):
    return sorted(
        (r["side"], r["question"], r["text"])
        for r in db.query(
            "SELECT side, question, text FROM comments WHERE round_id = ?", [round_id]
        )
    )


def test_import_stores_every_row_with_dont_know_and_skips(db, open_round_id):
    round_ = get_round(db, open_round_id)
    rows, columns = _good_rows(round_)
    assert import_csv(db, open_round_id, _csv(rows, columns)) == 12
    assert count_by_side(db, open_round_id) == {"a": 6, "b": 6}
    answers = _answer_table(db, open_round_id)
    dont_know = [a for a in answers if a[1:4] == ("information", "timely", "meta")]
    assert len(dont_know) == 12 and all(a[4] is None for a in dont_know)
    assert not [a for a in answers if a[1:4] == ("understanding", "limits", "self")]


def test_import_then_export_round_trips(db, open_round_id):
    round_ = get_round(db, open_round_id)
    rows, columns = _good_rows(round_, count=24)  # 12 a side: comments are shown too
    import_csv(db, open_round_id, _csv(rows, columns))
    close_round(db, open_round_id)
    exported = export_text(db, open_round_id)

    copy_id = create_round(db, "Copy", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, copy_id)
    import_csv(db, copy_id, exported)
    assert _answer_table(db, copy_id) == _answer_table(db, open_round_id)
    assert _comment_table(db, copy_id) == _comment_table(db, open_round_id)
    assert len(_comment_table(db, copy_id)) == 24 * 3


def test_export_order_does_not_follow_import_order(db, open_round_id):
    round_ = get_round(db, open_round_id)
    questionnaire = round_.questionnaire
    rng = random.Random(1)
    add_responses(db, open_round_id, [simulate(questionnaire, s, rng) for s in "ab" * 30])
    close_round(db, open_round_id)
    orders = {
        tuple(row["side"] for row in export_rows(db, open_round_id, random.Random(seed)))
        for seed in range(5)
    }
    assert len(orders) > 1


def test_export_needs_a_closed_round(db, open_round_id):
    with pytest.raises(WrongState):
        export_rows(db, open_round_id)


def test_export_leaves_out_a_side_below_the_threshold_and_its_comments(db, open_round_id):
    round_ = get_round(db, open_round_id)
    rows, columns = _good_rows(round_, count=12)
    rows = [r for r in rows if r["side"] == "b"] + [r for r in rows if r["side"] == "a"][:4]
    import_csv(db, open_round_id, _csv(rows, columns))
    close_round(db, open_round_id)
    exported = export_rows(db, open_round_id)
    assert {row["side"] for row in exported} == {"b"}
    # six people on side b: above the score threshold (5), below the comment threshold (10)
    assert all(not row[c] for row in exported for c in columns if c.startswith("open."))


BAD_ROWS = [
    ("side", "c", "Row 2, column side: 'c' is not 'a' or 'b'"),
    ("information.timely.self", "7", "Row 2, column information.timely.self: '7' is not 1–5"),
    ("information.timely.self", "0", "Row 2, column information.timely.self: '0' is not 1–5"),
    ("information.timely.self", "3.5", "'3.5' is not 1–5"),
    ("information.timely.self", "x", "'x' is not 1–5"),
    ("open.harder", "ż" * 751, "Row 2, column open.harder: longer than 1500 bytes"),
    ("open.harder", "a\u202eb", "Row 2, column open.harder: holds control or text-direction"),
]


@pytest.mark.parametrize(
    "column,value,message", BAD_ROWS, ids=[b[0] + "=" + b[1][:5] for b in BAD_ROWS]
)
def test_a_bad_row_aborts_the_whole_import(db, open_round_id, column, value, message):
    round_ = get_round(db, open_round_id)
    rows, columns = _good_rows(round_, count=3)
    rows[0][column] = value
    with pytest.raises(InvalidInput) as error:
        import_csv(db, open_round_id, _csv(rows, columns))
    assert message in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert count_by_side(db, open_round_id) == {"a": 0, "b": 0}
    assert _comment_table(db, open_round_id) == []


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty"),
        ("side,nonsense.item.self\na,3\n", "unknown columns: nonsense.item.self"),
        ("information.timely.self\n3\n", "column 'side' is missing"),
        ("side,side\na,a\n", "repeated columns: side"),
        ("side,information.timely.self\na,3,4\n", "Row 2: has 3 cells, the header has 2"),
        ("side,information.timely.self\n", "no responses"),
    ],
)
def test_malformed_csv_files_are_refused_with_a_reason(db, open_round_id, text, message):
    with pytest.raises(InvalidInput, match=message):
        import_csv(db, open_round_id, text)
    assert count_by_side(db, open_round_id) == {"a": 0, "b": 0}


def test_import_needs_an_open_round(db):
    round_id = create_round(db, "Draft", "pulse", "A", "B")
    with pytest.raises(WrongState, match="draft"):
        import_csv(db, round_id, "side\na\n")
