"""Storing responses so that none can be traced to a person, a code or a moment.

A response fills a random empty slot of its side (survey/slots.py) and carries no date;
open answers fill comment slots with no link to the response. Callers that also spend
an invite code do both inside one `write_transaction`, so a response is stored exactly
when its code is spent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlite_utils import Database

from . import slots
from .connection import write_transaction
from .errors import InvalidInput, WrongState
from .questionnaire import Questionnaire
from .rounds import Round, get_round
from .sides import SIDES, count_per_side, require
from .text_rules import unsafe_characters

MAX_COMMENT_LENGTH = slots.COMMENT_BYTES  # characters; the byte limit is checked too

AnswerKey = tuple[str, str, str]  # (dimension, item, perspective)


@dataclass
class Submission:
    """One respondent's answers. A value of None means "don't know"; a key that is
    missing means the item was skipped."""

    side: str
    answers: dict[AnswerKey, int | None] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def validate(questionnaire: Questionnaire, submission: Submission) -> Submission:
    """Check a submission against the round's questionnaire; raise InvalidInput."""
    require(submission.side)
    known = set(questionnaire.answer_keys())
    for key, value in submission.answers.items():
        if key not in known:
            raise InvalidInput(f"Unknown question {'.'.join(key)!r}.")
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5
        ):
            raise InvalidInput(f"{'.'.join(key)}: {value!r} is not an answer from 1 to 5.")
    open_ids = {q.id for q in questionnaire.open_questions}
    for question, text in submission.comments.items():
        if question not in open_ids:
            raise InvalidInput(f"Unknown open question {question!r}.")
        if len(text.strip().encode("utf-8")) > slots.COMMENT_BYTES:
            raise InvalidInput(
                f"open.{question}: the answer is longer than {slots.COMMENT_BYTES} bytes."
            )
        if unsafe_characters(text):
            raise InvalidInput(f"open.{question}: the answer holds control characters.")
    return submission


def insert_response(db: Database, round_: Round, submission: Submission) -> None:
    """Write one validated submission into random empty slots. Call inside a write
    transaction."""
    slots.note_day(db, round_.id, submission.side, round_.today())
    slots.fill(
        db,
        round_.id,
        round_.questionnaire,
        submission.side,
        submission.answers,
        submission.comments,
    )


def require_open(db: Database, round_id: int) -> Round:
    """Re-read the round inside the caller's transaction: a round closed a moment ago
    must not take one more response."""
    round_ = get_round(db, round_id)
    if round_.status != "open":
        state = "still a draft" if round_.status == "draft" else "closed"
        raise WrongState(f"Round {round_.id} is {state}; it does not accept responses.")
    return round_


def add_responses(db: Database, round_id: int, submissions: Iterable[Submission]) -> int:
    """Store many submissions all-or-nothing (CSV import, demo data). Returns the count."""
    submissions = list(submissions)
    with write_transaction(db):
        round_ = require_open(db, round_id)
        questionnaire = round_.questionnaire
        for submission in submissions:
            insert_response(db, round_, validate(questionnaire, submission))
    return len(submissions)


def count_by_side(db: Database, round_id: int) -> Mapping[str, int]:
    """Respondents per side (no breakdown finer than the side)."""
    return count_per_side(db, "responses", round_id)


def sides_reaching(db: Database, round_id: int, threshold: int) -> list[str]:
    """The sides with at least `threshold` respondents: the only ones whose figures (or,
    with the comment threshold, comments) may be shown anywhere."""
    counts = count_by_side(db, round_id)
    return [side for side in SIDES if counts[side] >= threshold]
