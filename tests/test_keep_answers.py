""" "Keep my answers and go on" (issue 21, item 12): a link to another code, opened while a
survey is in progress in this browser, asks before starting again; keeping the answers goes
back to the page the person was on, not to the welcome page."""

from __future__ import annotations

import re

import pytest
from respondent_helpers import new_code, post_page, question_pages

from survey.store.rounds import get_round


def _keep_link(html: str) -> str:
    assert "Zacząć od nowa z innym kodem?" in html
    return re.search(r'<a class="button secondary" href="([^"]+)">', html).group(1)


@pytest.mark.parametrize("where", ["page 2", "comments", "review"])
def test_keeping_the_answers_returns_to_the_page_the_person_was_on(app, db, open_round_id, where):
    mine, other = new_code(app, open_round_id), new_code(app, open_round_id)
    pages = len(question_pages(get_round(db, open_round_id).questionnaire))
    url = {"page 2": "/page/2", "comments": "/comments", "review": "/review"}[where]
    client = app.test_client()
    client.get(f"/r/{mine}")
    assert post_page(client, "/page/1", {"information.timely.self": "5"}).status_code == 302
    assert pages >= 2 and client.get(url).status_code == 200  # the person is here
    link = _keep_link(client.get(f"/r/{other}").get_data(as_text=True))
    assert link == url
    page = client.get(link)
    assert page.status_code == 200
    html = client.get("/page/1").get_data(as_text=True)
    assert '<input checked id="information.timely.self-4"' in html  # the answers are kept


def test_back_on_the_first_page_and_a_new_link_keep_to_the_welcome(app, db, open_round_id):
    mine, other = new_code(app, open_round_id), new_code(app, open_round_id)
    client = app.test_client()
    client.get(f"/r/{mine}")
    response = post_page(client, "/page/1", {"information.timely.self": "5"}, button="back")
    assert response.headers["Location"] == "/welcome"
    client.get("/welcome")
    assert _keep_link(client.get(f"/r/{other}").get_data(as_text=True)) == "/welcome"
