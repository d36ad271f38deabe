"""CSV import and export of responses (paper forms typed in, other tools' exports).

One row per respondent: `side`, then `<dimension>.<item>.<perspective>` (1–5, empty =
skipped, `dk` = don't know), then `open.<question>`. Import is all or nothing.
Export is for closed rounds only, in random order, and leaves out what the reporting
rules hide (a side below the threshold, comments below the comment threshold).
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import defaultdict

from sqlite_utils import Database

from . import padding
from .connection import write_transaction
from .errors import InvalidInput, WrongState
from .questionnaire import csv_columns
from .responses import Submission, add_responses, sides_reaching
from .rounds import Round, get_round
from .sides import SIDES
from .slots import COMMENT_BYTES
from .text_rules import csv_cell, unsafe_characters

CSV_DONT_KNOW = "dk"  # a CSV cell's "don't know" (stored as slots.DONT_KNOW_STORED)
MAX_REPORTED_ERRORS = 20


def parse_csv(round_: Round, text: str) -> list[Submission]:
    """Parse a whole CSV; raise InvalidInput naming every bad row, column and reason."""
    questionnaire = round_.questionnaire
    expected = csv_columns(questionnaire)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InvalidInput("The CSV file is empty; it needs a header row.") from exc
    except csv.Error as exc:
        raise InvalidInput(f"Row 1: not valid CSV ({exc}).") from exc
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in expected]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if unknown or "side" not in header or duplicated:
        parts = []
        if "side" not in header:
            parts.append("column 'side' is missing")
        if unknown:
            parts.append("unknown columns: " + ", ".join(unknown[:10]))
        if duplicated:
            parts.append("repeated columns: " + ", ".join(duplicated))
        raise InvalidInput(
            "Row 1 (header): "
            + "; ".join(parts)
            + f". Expected columns are printed by `survey questionnaire columns {questionnaire.id}`."
        )
    # Columns may be left out: those items count as skipped.

    submissions: list[Submission] = []
    errors: list[str] = []
    row_number = 1
    try:
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                errors.append(
                    f"Row {row_number}: has {len(row)} cells, the header has {len(header)}."
                )
                continue
            submission, row_errors = _parse_row(dict(zip(header, row, strict=True)), row_number)
            errors.extend(row_errors)
            if not row_errors:
                submissions.append(submission)
    except csv.Error as exc:
        errors.append(f"Row {row_number + 1}: not valid CSV ({exc}).")
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        raise InvalidInput(
            "Nothing was imported.\n" + "\n".join(shown) + (f"\n… and {more} more." if more else "")
        )
    if not submissions:
        raise InvalidInput("The CSV file has no responses; nothing was imported.")
    return submissions


def _parse_row(row: dict[str, str], row_number: int) -> tuple[Submission, list[str]]:
    errors = []
    side = row["side"].strip().lower()
    if side not in SIDES:
        errors.append(f"Row {row_number}, column side: {row['side']!r} is not 'a' or 'b'.")
    submission = Submission(side=side)
    for column, raw in row.items():
        value = raw.strip()
        if column == "side" or not value:
            continue
        if column.startswith("open."):
            if len(value.encode("utf-8")) > COMMENT_BYTES:
                errors.append(
                    f"Row {row_number}, column {column}: longer than {COMMENT_BYTES} bytes."
                )
            if unsafe_characters(value):
                errors.append(
                    f"Row {row_number}, column {column}: holds control or text-direction characters."
                )
            submission.comments[column.removeprefix("open.")] = value
            continue
        dimension, item, perspective = column.split(".")  # the header matched csv_columns
        key = (dimension, item, perspective)
        if value.lower() == CSV_DONT_KNOW:
            submission.answers[key] = None
        elif value in {"1", "2", "3", "4", "5"}:
            submission.answers[key] = int(value)
        else:
            errors.append(
                f"Row {row_number}, column {column}: {raw!r} is not 1–5, '{CSV_DONT_KNOW}' or empty."
            )
    return submission, errors


def import_csv(db: Database, round_id: int, text: str) -> int:
    """Import a CSV into an open round, all or nothing. Returns the number of responses."""
    round_ = get_round(db, round_id)
    if round_.status != "open":
        state = "still a draft" if round_.status == "draft" else "closed"
        raise WrongState(f"Round {round_.id} is {state}; import needs an open round.")
    submissions = parse_csv(round_, text)
    with write_transaction(db):
        count = add_responses(db, round_.id, submissions)
        for side in SIDES:
            n = sum(1 for s in submissions if s.side == side)
            if n:
                padding.log(db, round_.id, side, "import", n)
    return count


def export_rows(db: Database, round_id: int, rng: random.Random | None = None) -> list[dict]:
    """Rows in the import shape, shuffled. Open answers are dealt to random rows of
    their side: they were never linked to a response, and export must not invent a link."""
    rng = rng or random.SystemRandom()
    round_ = get_round(db, round_id)
    if round_.status != "closed":
        raise WrongState(f"Round {round_.id} is not closed; only closed rounds can be exported.")
    questionnaire = round_.questionnaire
    columns = csv_columns(questionnaire)
    shown_sides = sides_reaching(db, round_.id, round_.threshold)
    commenting_sides = sides_reaching(db, round_.id, round_.comment_threshold)

    rows_by_id: dict[str, dict] = {}
    for side in shown_sides:
        for response in db.query(
            "SELECT id FROM responses WHERE round_id = ? AND side = ?", [round_.id, side]
        ):
            rows_by_id[response["id"]] = {name: "" for name in columns} | {"side": side}
    for answer in db.query(
        """SELECT a.response_id, a.dimension, a.item, a.perspective, a.value
           FROM answers a JOIN responses r ON r.id = a.response_id
           WHERE r.round_id = ?""",
        [round_.id],
    ):
        row = rows_by_id.get(answer["response_id"])
        column = f"{answer['dimension']}.{answer['item']}.{answer['perspective']}"
        if row is not None and column in row:
            row[column] = CSV_DONT_KNOW if answer["value"] is None else str(answer["value"])

    rows = list(rows_by_id.values())
    rng.shuffle(rows)
    by_side: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_side[row["side"]].append(row)
    for side in commenting_sides:  # the comment threshold is never below the score one
        for question in questionnaire.open_questions:
            texts = [
                c["text"]
                for c in db.query(
                    """SELECT text FROM comments WHERE round_id = ? AND side = ?
                       AND question = ? AND hidden = 0""",
                    [round_.id, side, question.id],
                )
            ]
            rng.shuffle(texts)
            for row, text in zip(rng.sample(by_side[side], len(texts)), texts, strict=True):
                row[f"open.{question.id}"] = text
    return rows


def export_text(db: Database, round_id: int, fmt: str = "csv") -> str:
    """The export as CSV (import shape) or JSON (a list of row objects)."""
    round_ = get_round(db, round_id)
    rows = export_rows(db, round_id)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_columns(round_.questionnaire), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def hidden_sides(db: Database, round_id: int) -> list[str]:
    """Sides left out of an export because they have fewer respondents than the threshold."""
    shown = sides_reaching(db, round_id, get_round(db, round_id).threshold)
    return [side for side in SIDES if side not in shown]
