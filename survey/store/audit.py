"""The audit log of console actions: who did what to which round, and when.

Only console users' actions are recorded, never a respondent's. A console action may
carry a full timestamp: it says nothing about when anyone answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from .connection import write_transaction

# Every console action the log records, with its label: an English msgid the console
# translates when it shows the log (the store imports no Flask-Babel; the Polish texts
# are in the "console" and "workshop" catalogues).
ACTIONS = {
    "login": "logged in",
    "round.create": "created the round",
    "round.edit": "changed the settings",
    "round.headcount": "changed a headcount after invite codes were made",
    "round.open": "opened the round",
    "round.close": "closed the round",
    "invites.generate": "generated invite codes",
    "invites.download": "downloaded invite codes",
    "mail.invite": "mailed invitations",
    "mail.remind": "mailed a reminder",
    "responses.import": "imported responses",
    "comment.hide": "hid a comment",
    "comment.unhide": "showed a comment again",
    "report.download": "downloaded a report",
    "workshop.create": "started a workshop",
    "workshop.download": "downloaded a workshop document",
    "kiosk.start": "started kiosk mode on a device",
    "kiosk.end": "ended kiosk mode on a device",
}


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


def entries(db: Database, limit: int = 500, round_id: int | None = None) -> list[Entry]:
    """The latest entries first; with `round_id`, that round's only."""
    where, params = ("WHERE round_id = ? ", [round_id]) if round_id is not None else ("", [])
    return [
        Entry(**row)
        for row in db.query(
            "SELECT at, user_email, action, round_id, detail FROM audit_log "
            f"{where}ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
    ]


def count(db: Database, round_id: int, action: str) -> int:
    """How often `action` was recorded for a round (the report discloses some of them)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    row = db.execute(
        "SELECT count(*) FROM audit_log WHERE round_id = ? AND action = ?", [round_id, action]
    ).fetchone()
    return int(row[0])
