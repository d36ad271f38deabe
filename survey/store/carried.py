"""Workshop agreements carried into a later round with the same two sides (issue 12, item 5).

HR chooses them while the round is a draft (rounds.choose_agreements); at open they are frozen into the round's copy
of the questionnaire, like the items, so each respondent answers "…was kept" (1–5 or don't
know) once per agreement from their own side's view. The answers string of every response
grows by one character per agreement, the same for the whole round.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

from sqlite_utils import Database

from .languages import catalogue, long_date
from .questionnaire import (
    AGREEMENT_DIMENSION,
    KEPT,
    CarriedAgreement,
    Dimension,
    Item,
    Questionnaire,
)

# The extra page's heading and item text, translated in the respondent catalogues (the
# agreement's own words stay in the language they were written in).
PAGE_NAME = "Agreements from the workshop"
ITEM_TEXT = (
    "“%(what)s” (done by: %(who)s, by %(due)s). From where I stand, this agreement was kept."
)


def _wording(lang: str, text: str) -> str:
    return catalogue(lang, "respondent").gettext(text)


class RoundSides(Protocol):
    """What this module reads of a round (rounds.Round has it; rounds builds on this
    module, so it names no class of that one)."""

    @property
    def id(self) -> int: ...
    @property
    def side_a(self) -> str: ...
    @property
    def side_b(self) -> str: ...


@dataclass(frozen=True)
class Offer:
    """An agreement HR may carry: recorded in a workshop of an earlier closed round."""

    id: str
    what: str
    lang: str
    responsible: str
    due_on: str
    round_id: int
    round_name: str
    side_a: str
    side_b: str


_OFFERS = """
    SELECT a.id, a.what, a.lang, a.responsible, a.due_on, r.id AS round_id,
           r.name AS round_name, r.side_a, r.side_b
    FROM workshop_agreements a
    JOIN workshops w ON w.id = a.workshop_id
    JOIN rounds r ON r.id = w.round_id
    WHERE r.status = 'closed' {where}
    ORDER BY r.id, w.id, a.position
"""


def offered(db: Database, round_: RoundSides | None = None) -> list[Offer]:
    """Agreements of earlier workshops; for a round, only those whose round had the same
    two sides (same labels in the same order)."""
    if round_ is None:
        return [Offer(**row) for row in db.query(_OFFERS.format(where=""))]
    sql = _OFFERS.format(where="AND r.side_a = ? AND r.side_b = ? AND r.id <> ?")
    return [Offer(**row) for row in db.query(sql, [round_.side_a, round_.side_b, round_.id])]


def chosen(db: Database, round_id: int) -> list[str]:
    """The ids a draft round will carry (an open round's are in its frozen copy)."""
    return [
        row["agreement_id"]
        for row in db.query(
            "SELECT agreement_id FROM round_agreements WHERE round_id = ? ORDER BY agreement_id",
            [round_id],
        )
    ]


def freeze(db: Database, round_: RoundSides, questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire to freeze at open, with the chosen agreements (those still
    matching the round's sides) as extra items. Call inside the open's transaction."""
    ids = set(chosen(db, round_.id))
    labels = {"a": round_.side_a, "b": round_.side_b}
    labels["both"] = f"{round_.side_a} + {round_.side_b}"
    carried = [
        CarriedAgreement(
            id=offer.id,
            what=offer.what,
            lang=offer.lang,
            responsible=labels[offer.responsible],
            due_on=offer.due_on,
            since_round=offer.round_id,
        )
        for offer in offered(db, round_)
        if offer.id in ids
    ]
    return dataclasses.replace(questionnaire, agreements=carried)


def page(questionnaire: Questionnaire) -> Dimension | None:
    """The extra respondent page, shaped as a dimension whose items have one perspective
    ("kept"): the question pages show it like any other. None when nothing is carried."""
    if not questionnaire.agreements:
        return None
    langs = questionnaire.languages
    items = [
        Item(
            id=agreement.id,
            texts={
                KEPT: {
                    lang: _wording(lang, ITEM_TEXT)
                    % {
                        "what": agreement.what,
                        "who": agreement.responsible,
                        "due": long_date(agreement.due_on, lang),
                    }
                    for lang in langs
                }
            },
        )
        for agreement in questionnaire.agreements
    ]
    return Dimension(
        id=AGREEMENT_DIMENSION,
        name={lang: _wording(lang, PAGE_NAME) for lang in langs},
        items=items,
    )
