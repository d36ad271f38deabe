"""Helpers for driving the respondent pages with Flask's test client."""

from __future__ import annotations

import re

from survey.respond.views import DIMENSIONS_PER_PAGE
from survey.store import invites
from survey.store.connection import open_db
from survey.store.questionnaire import PERSPECTIVES
from survey.store.rounds import get_round

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def browser_state(client, app):
    """What this browser holds of a started survey (its encrypted cookies), or None."""
    from flask import request

    from survey.respond import state as respondent_state

    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    with app.test_request_context(headers={"Cookie": cookie}):
        return respondent_state.load(request)


def csrf_token(html: str) -> str:
    return TOKEN.search(html).group(1)


def new_code(app, round_id: int, side: str = "a") -> str:
    db = open_db(app.config["DATABASE"])
    try:
        return invites.generate(db, round_id, side, 1, app.config["INVITE_KEY"])[0]
    finally:
        db.conn.close()


def post_page(client, url: str, data: dict, button: str = "next"):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token, button: "1"})


RECEIVED = ("Twoje odpowiedzi dotarły.", "Your answers have been received.")


def thanked(response) -> bool:
    """Send was acknowledged: the answer is the thank-you page (not a refusal, nor the
    page that says the answers had already arrived)."""
    text = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    return response.status_code == 200 and any(words in text for words in RECEIVED)


def question_pages(questionnaire) -> list[list]:
    """The dimensions of each question page, split as the survey splits them."""
    dims, per_page = questionnaire.dimensions, DIMENSIONS_PER_PAGE
    return [dims[i : i + per_page] for i in range(0, len(dims), per_page)]


def answer_everything(client, app, round_id: int, code: str, value: str = "4", comment: str = ""):
    """Open the code's link, answer every question with `value`, and send."""
    assert client.get(f"/r/{code}").status_code == 302
    db = open_db(app.config["DATABASE"])
    questionnaire = get_round(db, round_id).questionnaire
    db.conn.close()
    for page, dims in enumerate(question_pages(questionnaire), start=1):
        data = {f"{d.id}.{i.id}.{p}": value for d in dims for i in d.items for p in PERSPECTIVES}
        assert post_page(client, f"/page/{page}", data).status_code == 302
    comments = {q.id: comment for q in questionnaire.open_questions}
    assert post_page(client, "/comments", comments).status_code == 302
    token = csrf_token(client.get("/review").get_data(as_text=True))
    return client.post("/submit", data={"csrf_token": token})
