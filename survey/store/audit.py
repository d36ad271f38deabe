"""The audit log of console actions: who did what to which round, and when.

Only console users' actions are recorded, never a respondent's. A console action may
carry a full timestamp: it says nothing about when anyone answered.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

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
    "mail.bounces": "read delivery reports",
    "responses.import": "imported responses",
    "comment.hide": "hid a comment",
    "comment.unhide": "showed a comment again",
    "report.download": "downloaded a report",
    "workshop.create": "started a workshop",
    "workshop.download": "downloaded a workshop document",
    "kiosk.start": "started kiosk mode on a device",
    "kiosk.end": "ended kiosk mode on a device",
}

# What an entry's details say, for the actions that record figures rather than a person's
# own words (a round's name, a reason, a join code, a file name are shown as typed): English
# msgids, singular and plural, with the placeholders `record` stores; the console translates
# them with the count, so a Polish log reads "4 kody dla działu „Produkcja”".
DETAILS = {
    "invites.generate": ("%(num)s code for %(label)s", "%(num)s codes for %(label)s"),
    "invites.generate.cli": (
        "%(num)s code for %(label)s, on the command line",
        "%(num)s codes for %(label)s, on the command line",
    ),
    "invites.download": (
        "%(num)s code for %(label)s, as %(format)s",
        "%(num)s codes for %(label)s, as %(format)s",
    ),
    "responses.import": ("%(num)s response from %(file)s", "%(num)s responses from %(file)s"),
    "mail.invite": ("%(num)s address of %(label)s", "%(num)s addresses of %(label)s"),
    "mail.invite.cli": (
        "%(num)s address of %(label)s, on the command line",
        "%(num)s addresses of %(label)s, on the command line",
    ),
    "mail.remind": ("%(num)s person reminded", "%(num)s people reminded"),
    "mail.remind.cli": (
        "%(num)s person reminded, on the command line",
        "%(num)s people reminded, on the command line",
    ),
    "mail.bounces.cli": (
        "%(num)s more address bounced, on the command line",
        "%(num)s more addresses bounced, on the command line",
    ),
}
# A downloaded report, and a comparison (report.download).
REPORTS = {
    "pdf-pl": "gap report in Polish (PDF)",
    "pdf-en": "gap report in English (PDF)",
    "json": "analysis (JSON)",
}
COMPARED = "compared with round %(round)s"
# The round settings a "round.edit" entry names, with their labels.
SETTINGS = {
    "name": "name",
    "side_a": "side A",
    "side_b": "side B",
    "lang": "language",
    "headcount_a": "people on side A",
    "headcount_b": "people on side B",
    "threshold": "score threshold",
    "comment_threshold": "comment threshold",
    "closes_on": "planned closing date",
}


@dataclass(frozen=True)
class Entry:
    at: str
    user_email: str | None
    action: str
    round_id: int | None
    detail: str | None

    @property
    def figures(self) -> dict[str, Any] | None:
        """The values recorded for the console to word (see DETAILS), or None for details
        kept as text (a person's own words, and entries written before the figures were)."""
        if not self.detail or not self.detail.startswith("{"):
            return None
        try:
            value = json.loads(self.detail)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


def record(
    db: Database,
    user_email: str | None,
    action: str,
    round_id: int | None = None,
    detail: str | None = None,
    **figures: Any,
) -> None:
    """Append one line to the audit log (UTC, to the second). `figures` (counts, a side,
    a format) are stored as JSON in place of a text, for the console to word in the
    reader's language."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    if figures:
        detail = json.dumps(figures, ensure_ascii=False, sort_keys=True)
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
