"""A closed round with answers on both sides: what every workshop starts from."""

from __future__ import annotations

import random

import pytest

from survey.accounts import add_user
from survey.responses import Submission, add_responses
from survey.rounds import close_round, create_round, get_round, open_round

PASSWORD = "workshop test password"


def closed_round(db, per_side: int = 8, seed: int = 12) -> int:
    """A closed sales-production round, `per_side` respondents a side, random answers."""
    rng = random.Random(seed)
    round_id = create_round(db, "Warsztat", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    keys = get_round(db, round_id).questionnaire.item_keys()
    add_responses(
        db,
        round_id,
        [
            Submission(side, {key: rng.randint(1, 5) for key in keys})
            for side in ("a", "b")
            for _ in range(per_side)
        ],
    )
    close_round(db, round_id)
    return round_id


@pytest.fixture
def closed_round_id(db):
    return closed_round(db)


@pytest.fixture
def facilitator(db):
    add_user(db, "fac@example.com", "facilitator", PASSWORD)
    return "fac@example.com"
