"""A closed round to run a workshop on, for the workshop's unit, view and browser tests."""

from __future__ import annotations

import random

from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, get_round, open_round


def closed_round(
    db, per_side: int = 8, seed: int = 12, sides: tuple[str, str] = ("Sprzedaż", "Produkcja")
) -> int:
    """A closed sales-production round, `per_side` respondents a side, random answers."""
    rng = random.Random(seed)
    round_id = create_round(db, "Warsztat", "sales-production", *sides)
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
