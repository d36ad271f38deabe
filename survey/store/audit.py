"""The audit log of console actions: who did what to which round, and when.

Only console users' actions are recorded, never a respondent's. A console action may
carry a full timestamp: it says nothing about when anyone answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from .connection import write_transaction

ACTIONS = (
    "login",
    "round.create",
    "round.edit",
    "round.open",
    "round.close",
    "invites.generate",
    "invites.download",
    "responses.import",
    "comment.hide",
    "comment.unhide",
    "report.download",
    "workshop.create",
    "workshop.download",
    "kiosk.start",
    "kiosk.end",
)


@dataclass(frozen=True)
class Entry:
    at: str
    user_email: str | None
    action: str
    round_id: int | None
    detail: str | None


def record(
    db: Database,
    user_email: str | None,
    action: str,
    round_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Append one line to the audit log (UTC, to the second)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    with write_transaction(db):
        db.table("audit_log").insert(
            {
                "at": at,
                "user_email": user_email,
                "action": action,
                "round_id": round_id,
                "detail": detail,
            }
        )


def entries(db: Database, limit: int = 500) -> list[Entry]:
    """The latest entries first."""
    return [
        Entry(**row)
        for row in db.query(
            "SELECT at, user_email, action, round_id, detail FROM audit_log "
            "ORDER BY id DESC LIMIT ?",
            [limit],
        )
    ]
