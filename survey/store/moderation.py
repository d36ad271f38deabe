"""Moderating open answers of a closed round before the report: a comment that names a
person can be hidden with a reason. Hidden comments are kept and counted, never deleted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlite_utils import Database

from .connection import write_transaction
from .errors import InvalidInput, NotFound, WrongState
from .questionnaire import fill
from .responses import sides_reaching
from .rounds import Round, get_round
from .sides import SIDES, other
from .text_rules import unsafe_characters

MAX_REASON_LENGTH = 300


@dataclass(frozen=True)
class Comment:
    id: str
    side: str
    question: str
    text: str
    hidden: bool
    hidden_reason: str | None


@dataclass
class QuestionComments:
    question: str
    texts: dict[str, str]  # side -> the question as that side read it (labels filled in)
    by_side: dict[str, list[Comment]] = field(default_factory=dict)  # withheld sides absent

    @property
    def hidden_count(self) -> int:
        return sum(c.hidden for comments in self.by_side.values() for c in comments)


def require_closed(round_: Round) -> Round:
    if round_.status != "closed":
        raise WrongState(
            "Round %(id)s is not closed yet; comments are moderated after it.", id=round_.id
        )
    return round_


def visible_sides(db: Database, round_: Round) -> list[str]:
    """Sides with at least the comment threshold of respondents: only their comments are
    ever shown, here or in the report."""
    return sides_reaching(db, round_.id, round_.comment_threshold)


def comments_for_moderation(
    db: Database, round_: Round, lang: str, rng: random.Random | None = None
) -> list[QuestionComments]:
    """Open answers per question, shuffled (stored order must never hint at arrival)."""
    require_closed(round_)
    rng = rng or random.SystemRandom()
    sides = visible_sides(db, round_)
    result = []
    for question in round_.questionnaire.open_questions:
        text = question.text.get(lang) or question.text[round_.lang]
        texts = {side: fill(text, round_.label(side), round_.label(other(side))) for side in SIDES}
        group = QuestionComments(question.id, texts)
        for side in sides:
            comments = [
                Comment(
                    row["id"],
                    row["side"],
                    row["question"],
                    row["text"],
                    bool(row["hidden"]),
                    row["hidden_reason"],
                )
                for row in db.query(
                    "SELECT id, side, question, text, hidden, hidden_reason FROM comments "
                    "WHERE round_id = ? AND side = ? AND question = ?",
                    [round_.id, side, question.id],
                )
            ]
            rng.shuffle(comments)
            group.by_side[side] = comments
        result.append(group)
    return result


def _comment_round(db: Database, comment_id: str | int) -> Round:
    try:
        comment_id = int(comment_id)
    except ValueError:
        raise NotFound("There is no such comment.") from None
    if not 0 < comment_id < 2**63:
        raise NotFound("There is no such comment.")
    rows = list(db.query("SELECT round_id, side FROM comments WHERE id = ?", [comment_id]))
    if not rows:
        raise NotFound("There is no such comment.")
    round_ = require_closed(get_round(db, rows[0]["round_id"]))
    if rows[0]["side"] not in visible_sides(db, round_):
        raise NotFound("There is no such comment.")
    return round_


def hide_comment(db: Database, comment_id: str, reason: str) -> Round:
    """Hide a comment from the report, with a reason; returns its round."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the comment is hidden.")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput("The reason is longer than %(max)s characters.", max=MAX_REASON_LENGTH)
    if unsafe_characters(reason):
        raise InvalidInput("The reason holds control or text-direction characters.")
    with write_transaction(db):
        round_ = _comment_round(db, comment_id)
        db.execute(
            "UPDATE comment_slots SET hidden = 1, hidden_reason = ? WHERE id = ?",
            [reason, int(comment_id)],
        )
    return round_


def unhide_comment(db: Database, comment_id: str) -> Round:
    with write_transaction(db):
        round_ = _comment_round(db, comment_id)
        db.execute(
            "UPDATE comment_slots SET hidden = 0, hidden_reason = NULL WHERE id = ?",
            [int(comment_id)],
        )
    return round_
