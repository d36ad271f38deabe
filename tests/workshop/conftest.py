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


@pytest.fixture
def app(make_app):
    """The workshop's pages as plain forms post them (no CSRF tokens to copy)."""
    return make_app(WTF_CSRF_ENABLED=False)


@pytest.fixture
def presenter(app, facilitator):
    """The facilitator's browser, logged in to the console."""
    client = app.test_client()
    response = client.post("/console/login", data={"email": facilitator, "password": PASSWORD})
    assert response.status_code == 302
    return client
