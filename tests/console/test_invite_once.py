"""Issue 21 item 11: a double click on *Generate codes* made two batches (the first one's
codes never shown, yet counted as issued). The form carries a one-time token: the same
form sent again, at once or later, leads to the first sending's batch page."""

from __future__ import annotations

import re
import threading

from survey.store.audit import entries
from survey.store.invites import issued_counts

from .conftest import generate_codes


def _form(client, round_id) -> dict[str, str]:
    """The Generate codes form as the page shows it, filled in for 5 codes of side B."""
    page = client.get(f"/console/rounds/{round_id}/invites").get_data(as_text=True)
    (once,) = re.findall(r'name="once" type="hidden" value="([^"]*)"', page)
    return {"side": "b", "count": "5", "once": once}


def test_the_same_form_sent_twice_shows_the_same_batch_and_makes_no_second_one(
    hr, db, open_round_id
):
    url = f"/console/rounds/{open_round_id}/invites"
    form = _form(hr, open_round_id)
    first, again = hr.post(url, data=form), hr.post(url, data=form)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert issued_counts(db, open_round_id) == {"a": 0, "b": 5}
    assert [e.action for e in entries(db)].count("invites.generate") == 1
    # The browser shows the answer to the last click: the codes are listed there.
    page = hr.get(again.headers["Location"]).get_data(as_text=True)
    assert len(re.findall(r"<code>([A-Z0-9-]{14})</code>", page)) == 5


def test_a_double_click_sent_at_the_same_moment_makes_one_batch(console_app, hr, db, open_round_id):
    url = f"/console/rounds/{open_round_id}/invites"
    form = _form(hr, open_round_id)
    cookie = hr.get_cookie("session").value
    locations: list[str] = []

    def click() -> None:
        client = console_app.test_client()
        client.set_cookie("session", cookie)
        locations.append(client.post(url, data=form).headers["Location"])

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert len(locations) == 2 and locations[0] == locations[1]
    assert issued_counts(db, open_round_id) == {"a": 0, "b": 5}


def test_a_form_sent_again_after_done_finds_its_batch_gone_not_a_new_one(hr, db, open_round_id):
    url = f"/console/rounds/{open_round_id}/invites"
    form = _form(hr, open_round_id)
    batch = hr.post(url, data=form).headers["Location"]
    hr.post(f"{batch}/forget")
    replay = hr.post(url, data=form, follow_redirects=True, headers={"Accept-Language": "pl"})
    assert replay.status_code == 410 and "Te kody są już niedostępne" in replay.get_data(True)
    assert issued_counts(db, open_round_id) == {"a": 0, "b": 5}


def test_a_new_form_makes_a_new_batch(hr, db, open_round_id):
    first = generate_codes(hr, open_round_id, "b", 2).headers["Location"]
    second = generate_codes(hr, open_round_id, "b", 2).headers["Location"]
    assert first != second and issued_counts(db, open_round_id) == {"a": 0, "b": 4}


def test_a_form_without_a_valid_token_generates_nothing_and_says_why(hr, db, open_round_id):
    url = f"/console/rounds/{open_round_id}/invites"
    for once in ("", "forged-token"):
        refused = hr.post(
            url, data={"side": "b", "count": "3", "once": once}, headers={"Accept-Language": "pl"}
        )
        page = refused.get_data(as_text=True)
        assert refused.status_code == 400 and "nic nie zostało wygenerowane" in page
    assert issued_counts(db, open_round_id) == {"a": 0, "b": 0}


def test_a_refused_sending_can_be_corrected_and_sent_again(hr, db, draft_round_id):
    url = f"/console/rounds/{draft_round_id}/invites"
    form = _form(hr, draft_round_id) | {"side": "a", "count": "13"}  # limit: 10 + 2 spare
    assert hr.post(url, data=form).status_code == 400
    assert hr.post(url, data=form | {"count": "12"}).status_code == 302
    assert issued_counts(db, draft_round_id)["a"] == 12
