"""A closed round with answers on both sides: what every workshop starts from."""

from __future__ import annotations

import pytest
from workshop_helpers import closed_round

from survey.store.accounts import add_user

PASSWORD = "workshop test password"


@pytest.fixture
def closed_round_id(db):
    return closed_round(db)


@pytest.fixture
def facilitator(db):
    add_user(db, "fac@example.com", "facilitator", PASSWORD)
    return "fac@example.com"
