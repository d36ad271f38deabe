"""Partial answers kept between pages, under a random id known only to the person's
session cookie. A draft carries no invite code and is deleted when the answers are sent."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field

from sqlite_utils import Database

from .db import write_transaction
from .responses import Submission
from .rounds import Round

KEEP_ABANDONED_DAYS = 14


@dataclass
class Draft:
    id: str
    round_id: int
    answers: dict[str, int | None] = field(default_factory=dict)  # "dim.item.persp" -> value
    comments: dict[str, str] = field(default_factory=dict)

    def to_submission(self, side: str) -> Submission:
        return Submission(
            side=side,
            answers={tuple(key.split(".")): value for key, value in self.answers.items()},
            comments=dict(self.comments),
        )


def start(db: Database, round_: Round) -> str:
    """A new empty draft; abandoned drafts older than two weeks are cleared on the way."""
    draft_id = secrets.token_urlsafe(24)
    today = round_.today()
    with write_transaction(db):
        db.execute(
            "DELETE FROM drafts WHERE started_on < ?",
            [(today - dt.timedelta(days=KEEP_ABANDONED_DAYS)).isoformat()],
        )
        db["drafts"].insert(
            {"id": draft_id, "round_id": round_.id, "started_on": today.isoformat()}
        )
    return draft_id


def load(db: Database, draft_id: str) -> Draft | None:
    rows = list(db.query("SELECT * FROM drafts WHERE id = ?", [draft_id]))
    if not rows:
        return None
    row = rows[0]
    return Draft(
        row["id"], row["round_id"], json.loads(row["answers"]), json.loads(row["comments"])
    )


def save(db: Database, draft: Draft) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE drafts SET answers = ?, comments = ? WHERE id = ?",
            [json.dumps(draft.answers), json.dumps(draft.comments), draft.id],
        )


def delete(db: Database, draft_id: str) -> None:
    """Call inside the transaction that stores the response."""
    db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
