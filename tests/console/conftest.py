"""Console fixtures: accounts and clients logged in as each role (CSRF off unless a
test turns it on: its own tests check the refusal)."""

from __future__ import annotations

import re

import pytest

from survey.store.accounts import add_user
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, open_round

PASSWORD = "correct horse battery"


@pytest.fixture
def console_app(make_app):
    return make_app(WTF_CSRF_ENABLED=False)


@pytest.fixture
def accounts(db):
    add_user(db, "hr@example.com", "hr", PASSWORD)
    add_user(db, "fac@example.com", "facilitator", PASSWORD)


def _logged_in(app, email):
    client = app.test_client()
    response = client.post("/console/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def hr(console_app, accounts):
    return _logged_in(console_app, "hr@example.com")


@pytest.fixture
def facilitator(console_app, accounts):
    return _logged_in(console_app, "fac@example.com")


@pytest.fixture
def anonymous(console_app):
    return console_app.test_client()


def respond(db, round_id, side, count, comment=None, question="change"):
    """`count` responses of one side (each with the same comment when given)."""
    submissions = [
        Submission(
            side=side,
            answers={("information", "timely", "self"): 4},
            comments={question: comment} if comment else {},
        )
        for _ in range(count)
    ]
    add_responses(db, round_id, submissions)


@pytest.fixture
def closed_round_id(db):
    """A closed pulse round, thresholds 3/3, three respondents per side with comments."""
    round_id = create_round(
        db, "Closed", "pulse", "Sala", "Kuchnia", threshold=3, comment_threshold=3
    )
    open_round(db, round_id)
    respond(db, round_id, "a", 3, "Sala comment")
    respond(db, round_id, "b", 3, "Kuchnia comment")
    close_round(db, round_id)
    return round_id


@pytest.fixture
def draft_round_id(db):
    return create_round(db, "Draft", "pulse", "Sala", "Kuchnia", headcount_a=10, headcount_b=8)


def generate_codes(client, round_id, side: str, count: int | str, **kwargs):
    """Send the Generate codes form as a browser does: with the one-time token of the page
    it was shown on. Returns the response."""
    page = client.get(f"/console/rounds/{round_id}/invites").get_data(as_text=True)
    (once,) = re.findall(r'name="once" type="hidden" value="([^"]*)"', page)
    data = {"side": side, "count": str(count), "once": once}
    return client.post(f"/console/rounds/{round_id}/invites", data=data, **kwargs)
