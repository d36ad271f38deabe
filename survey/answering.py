"""The respondent's path as plain functions: check a code, then submit atomically.

Opening a link or typing a code never spends it. Submit spends the code and stores the
response in one transaction, so a double click, a second tab or a replay stores nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from . import drafts, invites
from .db import write_transaction
from .errors import NotFound, SurveyError, WrongState
from .responses import insert_response, require_open, validate
from .rounds import Round, get_round


class UnknownCode(NotFound):
    """No such code (mistyped, guessed, or from another instance)."""


class SpentCode(SurveyError):
    """The code has already been used."""


class RoundNotStarted(WrongState):
    """The code's round is still a draft."""


class RoundClosed(WrongState):
    """The code's round is closed."""


class AlreadyReceived(SurveyError):
    """Submit came again for a code that was just spent (double click, second tab, replay)."""


class SessionEnded(SurveyError):
    """The browser no longer holds a started survey (cookie gone or draft cleared)."""


@dataclass(frozen=True)
class Entry:
    code: str
    invite: invites.Invite
    round: Round


def check_code(db: Database, entered: str, key: str) -> Entry:
    """What a typed or scanned code opens; raises when it cannot be used. Spends nothing."""
    invite = invites.find(db, entered, key)
    if invite is None:
        raise UnknownCode("Unknown code.")
    round_ = get_round(db, invite.round_id)
    if round_.status == "draft":
        raise RoundNotStarted(f"Round {round_.id} has not started.")
    if round_.status == "closed":
        raise RoundClosed(f"Round {round_.id} is closed.")
    if invite.spent:
        raise SpentCode("This code has already been used.")
    return Entry(invites.normalise(entered) or entered, invite, round_)


def submit(db: Database, code: str, draft_id: str, key: str) -> None:
    """Spend the code and store the draft's answers as one response, all or nothing."""
    # Deleted drafts are overwritten on disk, not left in free pages of the file.
    db.execute("PRAGMA secure_delete = ON")
    with write_transaction(db):
        invite = invites.find(db, code, key)
        if invite is None:
            raise UnknownCode("Unknown code.")
        try:
            round_ = require_open(db, invite.round_id)
        except WrongState as exc:
            raise RoundClosed(str(exc)) from exc
        if not invites.spend(db, invite):
            raise AlreadyReceived("These answers were already received.")
        draft = drafts.load(db, draft_id)
        if draft is None or draft.round_id != round_.id:
            raise SessionEnded("The started survey is no longer there.")
        submission = validate(round_.questionnaire, draft.to_submission(invite.side))
        insert_response(db, round_, submission)
        drafts.delete(db, draft_id)
