"""The respondent's path as plain functions: check a code, then submit atomically.

Opening a link or typing a code never spends it, writes nothing and answers the same for
a used and an unused code. Submit spends the code and stores the response in one
transaction, so a double click, a second tab or a replay stores nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from ..store import committer, invites
from ..store.errors import InvalidInput, NotFound, SurveyError, WrongState
from ..store.responses import Submission, insert_response, require_open, validate
from ..store.rounds import Round, get_round


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
    """The browser no longer holds a started survey (its cookie is gone)."""


@dataclass(frozen=True)
class Entry:
    code: str
    invite: invites.Invite
    round: Round


def check_code(db: Database, entered: str, key: str) -> Entry:
    """What a typed or scanned code opens; raises when it cannot be used. Spends nothing,
    and says nothing about whether the code was used: that is learnt only at Send, by
    spending it (anything else would tell whoever holds a slip who has answered)."""
    invite = invites.find(db, entered, key)
    if invite is None:
        raise UnknownCode("Unknown code.")
    round_ = get_round(db, invite.round_id)
    if round_.status == "draft":
        raise RoundNotStarted(f"Round {round_.id} has not started.")
    if round_.status == "closed":
        raise RoundClosed(f"Round {round_.id} is closed.")
    return Entry(invites.normalise(entered) or entered, invite, round_)


def submit(db: Database, entry: Entry, submission: Submission, key: str) -> None:
    """Spend the code and store the answers as one response, all or nothing.

    The answers are checked first, outside the write transaction (against the round's
    questionnaire, frozen since the round opened): a bad submission is refused before
    anything is spent, so its answer never says whether the code was used (issue 20, O1).
    Inside the transaction happens only what must be atomic: spend, check the round is
    still open, fill the slots."""
    validate(entry.round.questionnaire, submission)
    if submission.side != entry.invite.side:
        raise InvalidInput("The answers belong to another side.")

    def store(writer: Database) -> None:
        # Spent first, in one statement: a refusal below raises, and the rollback of its
        # savepoint gives the code back.
        invite = invites.spend_code(writer, entry.code, key) or invites.find(
            writer, entry.code, key
        )
        if invite is None:
            raise UnknownCode("Unknown code.")
        try:
            round_ = require_open(writer, invite.round_id)
        except WrongState as exc:
            raise RoundClosed(str(exc)) from exc
        if invite.spent:
            raise SpentCode("This code has already been used.")
        insert_response(writer, round_, submission)

    # Stored by this process's writer with every other Send waiting at this moment, in one
    # fsynced commit (store/committer.py); refused with Busy when that takes too long.
    committer.write(db, store)
