"""Helpers for driving the respondent pages with Flask's test client."""

from __future__ import annotations

import re

from survey import invites
from survey.db import open_db
from survey.rounds import get_round

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    return TOKEN.search(html).group(1)


def new_code(app, round_id: int, side: str = "a") -> str:
    db = open_db(app.config["DATABASE"])
    try:
        return invites.generate(db, round_id, side, 1, app.config["INVITE_KEY"])[0]
    finally:
        db.conn.close()


def page_count(app, round_id: int) -> int:
    """Question pages of the round (two dimensions a page)."""
    db = open_db(app.config["DATABASE"])
    try:
        dims = len(get_round(db, round_id).questionnaire.dimensions)
    finally:
        db.conn.close()
    return (dims + 1) // 2


def post_page(client, url: str, data: dict, button: str = "next"):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token, button: "1"})


def answer_everything(client, app, round_id: int, code: str, value: str = "4", comment: str = ""):
    """Open the code's link, answer every question with `value`, and send."""
    assert client.get(f"/r/{code}").status_code == 302
    from survey.rounds import get_round as _get

    db = open_db(app.config["DATABASE"])
    questionnaire = _get(db, round_id).questionnaire
    db.conn.close()
    pages = page_count(app, round_id)
    dims = questionnaire.dimensions
    for page in range(1, pages + 1):
        data = {
            f"{d.id}.{i.id}.{p}": value
            for d in dims[(page - 1) * 2 : page * 2]
            for i in d.items
            for p in ("self", "other", "meta")
        }
        assert post_page(client, f"/page/{page}", data).status_code == 302
    comments = {q.id: comment for q in questionnaire.open_questions}
    assert post_page(client, "/comments", comments).status_code == 302
    token = csrf_token(client.get("/review").get_data(as_text=True))
    return client.post("/submit", data={"csrf_token": token})
