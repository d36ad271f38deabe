"""The respondent pages through Flask's test client: the path and every refusal."""

from __future__ import annotations

import logging

import pytest
from respondent_helpers import (
    answer_everything,
    browser_state,
    csrf_token,
    new_code,
    post_page,
    thanked,
)

from survey.store import invites
from survey.store.responses import MAX_COMMENT_LENGTH
from survey.store.rounds import close_round, create_round, open_round

PL = {"Accept-Language": "pl"}
EN = {"Accept-Language": "en"}


def stored(db) -> dict[str, int]:
    return {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("responses", "answers", "comments")
    }


def is_spent(app, db, code: str) -> bool:
    return invites.find(db, code, app.config["INVITE_KEY"]).spent


def test_answering_everything_stores_one_response_and_spends_the_code(
    app, client, db, open_round_id
):
    code = new_code(app, open_round_id, side="b")
    sent = answer_everything(client, app, open_round_id, code, value="2", comment="Więcej rozmów")
    assert thanked(sent) and "Twoje odpowiedzi dotarły" in sent.get_data(as_text=True)
    assert db.execute("SELECT side FROM responses").fetchall() == [("b",)]
    assert {row[0] for row in db.execute("SELECT value FROM answers")} == {2}
    assert (
        db.execute("SELECT count(*) FROM comments WHERE text = 'Więcej rozmów'").fetchone()[0] == 3
    )
    assert browser_state(client, app) is None  # the browser forgot the answers
    assert is_spent(app, db, code)


def test_opening_a_link_or_typing_a_code_never_spends_it(app, client, db, open_round_id):
    code = new_code(app, open_round_id)
    assert client.get(f"/r/{code}").headers["Location"] == "/welcome"
    token = csrf_token(client.get("/").get_data(as_text=True))
    typed = client.post("/code", data={"code": code.lower().replace("-", " "), "csrf_token": token})
    assert typed.headers["Location"] == "/welcome"
    assert client.get("/welcome").status_code == 200
    assert not is_spent(app, db, code)
    assert stored(db)["responses"] == 0


@pytest.mark.parametrize(
    "headers,text",
    [(PL, "Nie znamy tego kodu"), (EN, "We don&#39;t know this code")],
)
def test_unknown_code_is_refused_in_the_persons_language(client, headers, text):
    page = client.get("/r/ABCD-EFGH-JKMN", headers=headers)
    assert page.status_code == 404 and text in page.get_data(as_text=True)
    token = csrf_token(client.get("/", headers=headers).get_data(as_text=True))
    typed = client.post("/code", data={"code": "nonsense", "csrf_token": token}, headers=headers)
    assert typed.status_code == 404 and text in typed.get_data(as_text=True)


def test_opening_the_same_slip_again_keeps_the_answers_so_far(app, client, db, open_round_id):
    code = new_code(app, open_round_id)
    client.get(f"/r/{code}")
    post_page(client, "/page/1", {"information.timely.self": "5"})
    client.get(f"/r/{code.lower()}")
    html = client.get("/page/1").get_data(as_text=True)
    assert '<input checked id="information.timely.self-4"' in html
    assert browser_state(client, app).answers == {"information.timely.self": 5}


def test_expired_token_on_the_start_page_keeps_the_typed_code(app, client, db, open_round_id):
    code = new_code(app, open_round_id)
    page = client.post("/code", data={"code": code, "csrf_token": "stale"}, headers=PL)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Strona wygasła" in html and f'value="{code}"' in html
    assert browser_state(client, app) is None


def test_a_spent_code_is_refused_only_when_sent_again_from_another_browser(
    app, client, db, open_round_id
):
    code = new_code(app, open_round_id)
    answer_everything(client, app, open_round_id, code)
    other = app.test_client()
    other.get("/lang/pl")
    again = answer_everything(other, app, open_round_id, code)  # opening it still works
    assert again.status_code == 410
    assert "Ten kod został już wykorzystany" in again.get_data(as_text=True)
    assert stored(db)["responses"] == 1
    # In the browser that sent it, the link thanks the person again.
    mine = client.get(f"/r/{code}", headers=PL)
    assert mine.status_code == 200 and "już do nas dotarły" in mine.get_data(as_text=True)


def test_codes_of_draft_and_closed_rounds_are_refused(app, client, db, open_round_id):
    draft_round = create_round(db, "Later", "pulse", "Sprzedaż", "Produkcja")
    draft_code = new_code(app, draft_round)
    page = client.get(f"/r/{draft_code}", headers=PL)
    assert page.status_code == 403 and "Ankieta jeszcze się nie rozpoczęła" in page.get_data(
        as_text=True
    )
    code = new_code(app, open_round_id)
    close_round(db, open_round_id)
    page = client.get(f"/r/{code}", headers=EN)
    assert page.status_code == 410 and "The survey is closed" in page.get_data(as_text=True)


def test_a_round_closed_while_answering_takes_nothing_and_keeps_the_code(
    app, client, db, open_round_id
):
    code = new_code(app, open_round_id)
    client.get(f"/r/{code}")
    post_page(client, "/page/1", {"information.timely.self": "5"})
    token = csrf_token(client.get("/review").get_data(as_text=True))
    close_round(db, open_round_id)
    sent = client.post("/submit", data={"csrf_token": token}, headers=PL)
    assert sent.status_code == 410 and "Ankieta jest zamknięta" in sent.get_data(as_text=True)
    assert stored(db)["responses"] == 0 and not is_spent(app, db, code)


def test_replayed_submit_stores_once_and_says_already_received(app, client, db, open_round_id):
    code = new_code(app, open_round_id)
    client.get(f"/r/{code}")
    post_page(client, "/page/1", {"information.timely.self": "3"})
    token = csrf_token(client.get("/review").get_data(as_text=True))
    cookie_before = client.get_cookie("lustro_survey").value
    assert thanked(client.post("/submit", data={"csrf_token": token}))
    # The same request again with the old cookie (a double click or a replay) ...
    client.set_cookie("lustro_survey", cookie_before)
    replay = client.post("/submit", data={"csrf_token": token}, headers=PL)
    assert replay.status_code == 200
    assert "Twoje odpowiedzi już do nas dotarły" in replay.get_data(as_text=True)
    # ... and a second tab that already has the new cookie.
    client.set_cookie("lustro_survey", cookie_before)
    client.post("/submit", data={"csrf_token": token})
    client.get("/lang/en")
    tab = client.post("/submit", data={"csrf_token": token})
    assert "Your answers were already received" in tab.get_data(as_text=True)
    assert stored(db)["responses"] == 1


def test_back_and_next_keep_answers_and_a_changed_answer_is_what_is_stored(
    app, client, db, open_round_id
):
    code = new_code(app, open_round_id)
    client.get(f"/r/{code}")
    post_page(client, "/page/1", {"information.timely.self": "2", "information.timely.other": "dk"})
    back = post_page(client, "/page/2", {}, button="back")
    assert back.headers["Location"] == "/page/1"
    html = client.get("/page/1").get_data(as_text=True)
    assert '<input checked id="information.timely.self-1"' in html  # value 2
    post_page(client, "/page/1", {"information.timely.self": "5", "information.timely.other": "dk"})
    token = csrf_token(client.get("/review").get_data(as_text=True))
    client.post("/submit", data={"csrf_token": token})
    rows = dict(
        ((r[0], r[1]), r[2]) for r in db.execute("SELECT item, perspective, value FROM answers")
    )
    assert rows == {("timely", "self"): 5, ("timely", "other"): None}


def test_expired_csrf_token_keeps_the_answers_and_asks_again(app, client, db, open_round_id):
    code = new_code(app, open_round_id)
    client.get(f"/r/{code}")
    page = client.post(
        "/page/1",
        data={"information.timely.self": "4", "csrf_token": "stale", "next": "1"},
        headers=PL,
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Twoje odpowiedzi są zachowane" in html
    assert '<input checked id="information.timely.self-3"' in html  # value 4, not saved yet
    assert browser_state(client, app).answers == {}
    post_page(client, "/page/1", {"information.timely.self": "4"})
    refused = client.post("/submit", data={"csrf_token": "stale"})
    assert refused.status_code == 400
    assert "Twoje odpowiedzi są zachowane" in refused.get_data(as_text=True)
    assert stored(db)["responses"] == 0 and not is_spent(app, db, code)
    token = csrf_token(refused.get_data(as_text=True))
    assert thanked(client.post("/submit", data={"csrf_token": token}))
    assert db.execute("SELECT value FROM answers").fetchall() == [(4,)]


@pytest.mark.parametrize("value", ["7", "0", "-1", "abc", "<b>4</b>"])
def test_tampered_values_are_rejected_and_nothing_is_kept(app, client, db, open_round_id, value):
    code = new_code(app, open_round_id)
    client.get(f"/r/{code}")
    post_page(client, "/page/1", {"information.timely.self": "3"})
    page = client.post(
        "/page/1",
        data={
            "information.timely.self": value,
            "csrf_token": csrf_token(client.get("/page/1").get_data(as_text=True)),
        },
        headers=PL,
    )
    assert page.status_code == 400
    assert "Niektóre odpowiedzi były nieprawidłowe" in page.get_data(as_text=True)
    assert browser_state(client, app).answers == {"information.timely.self": 3}
    assert stored(db)["responses"] == 0


def test_too_long_comment_is_refused_with_the_text_kept_for_shortening(
    app, client, db, open_round_id
):
    code = new_code(app, open_round_id)
    client.get(f"/r/{code}")
    long_text = "x" * (MAX_COMMENT_LENGTH + 1)
    token = csrf_token(client.get("/comments").get_data(as_text=True))
    page = client.post("/comments", data={"harder": long_text, "csrf_token": token}, headers=PL)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Jedna z odpowiedzi jest za długa" in html
    assert long_text in html
    assert browser_state(client, app).comments == {}


def test_pages_without_a_started_survey_ask_for_the_code_again(client):
    page = client.get("/page/1", headers=PL)
    assert page.status_code == 400 and "Sesja ankiety wygasła" in page.get_data(as_text=True)


def test_welcome_speaks_the_rounds_language_and_switches(app, client, db):
    round_id = create_round(
        db, "Round EN", "pulse", "Sales", "Production", lang="en", threshold=4, comment_threshold=8
    )
    from survey.store.rounds import open_round

    open_round(db, round_id)
    client.get(f"/r/{new_code(app, round_id, 'b')}", headers=PL)
    html = client.get("/welcome", headers=PL).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "groups of at least 4 people" in html and "at least 8 people" in html
    client.get("/lang/pl?next=/welcome")
    html = client.get("/welcome").get_data(as_text=True)
    assert "co najmniej 4 osoby" in html and "Odpowiadasz jako osoba z działu „Production”" in html
    page = client.get("/page/1").get_data(as_text=True)
    assert "Przekazujemy działowi „Sales”" in page


def test_guessing_codes_is_throttled_without_logging_the_address(client, caplog):
    caplog.set_level(logging.DEBUG)
    statuses = [client.get("/r/AAAA-BBBB-CCCC", headers=PL).status_code for _ in range(11)]
    assert statuses[:10] == [404] * 10 and statuses[10] == 429
    page = client.get("/r/AAAA-BBBB-CCCC", headers=PL)
    assert page.status_code == 429 and "Zbyt wiele prób" in page.get_data(as_text=True)
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/code", data={"code": "x", "csrf_token": token}).status_code == 429
    assert "127.0.0.1" not in caplog.text and "AAAA" not in caplog.text


def test_a_team_on_one_shared_address_with_good_codes_is_never_throttled(
    app, client, db, open_round_id
):
    codes = [new_code(app, open_round_id, "a") for _ in range(15)]
    statuses = [client.get(f"/r/{code}", headers=PL).status_code for code in codes]
    assert statuses == [302] * 15
    # ...while failed tries from that address still count.
    statuses = [client.get("/r/AAAA-BBBB-CCCC", headers=PL).status_code for _ in range(11)]
    assert statuses[-1] == 429


def test_the_longest_comments_fit_the_browsers_cookie_limits(app, client, open_round_id):
    """The answers travel in cookies: each under 4 KB, all together under the 8 KB a proxy
    or gunicorn accepts in one header, even with every open answer at its byte limit."""
    from survey.store.slots import COMMENT_BYTES

    client.get(f"/r/{new_code(app, open_round_id)}")
    full = {q: "ż" * (COMMENT_BYTES // 2) for q in ("harder", "need", "better")}
    assert post_page(client, "/comments", full).status_code == 302
    sizes = [len(c.key) + len(c.value) for c in client._cookies.values()]
    assert max(sizes) < 4000 and sum(sizes) < 8000
    assert browser_state(client, app).comments == full


@pytest.mark.parametrize(
    "threshold,scores,comments",
    [
        (3, "co najmniej 3 osoby.", "odpowiedziały co najmniej 3 osoby z"),
        (5, "co najmniej 5 osób.", "odpowiedziało co najmniej 5 osób z"),
        (22, "co najmniej 22 osoby.", "odpowiedziały co najmniej 22 osoby z"),
    ],
)
def test_welcome_counts_people_in_polish_plural_forms(app, client, db, threshold, scores, comments):
    from survey.store.rounds import open_round

    round_id = create_round(
        db, "Runda", "pulse", "Sala", "Kuchnia", threshold=threshold, comment_threshold=threshold
    )
    open_round(db, round_id)
    client.get(f"/r/{new_code(app, round_id, 'a')}", headers=PL)
    html = client.get("/welcome", headers=PL).get_data(as_text=True)
    assert scores in html and comments in html


def test_a_blank_choice_counts_as_not_answered(app, client, open_round_id):
    client.get(f"/r/{new_code(app, open_round_id)}")
    post_page(client, "/page/1", {"information.timely.self": "3"})
    assert post_page(client, "/page/1", {"information.timely.self": "  "}).status_code == 302
    assert browser_state(client, app).answers == {}


def test_two_rounds_of_one_questionnaire_show_their_own_side_names(app, db, open_round_id):
    """Question pages are built once and kept: each round still gets its own labels."""
    other = create_round(db, "Kitchen", "sales-production", "Sala", "Kuchnia")
    open_round(db, other)
    pages = {}
    for round_id in (open_round_id, other):
        client = app.test_client()
        client.get(f"/r/{new_code(app, round_id)}")
        pages[round_id] = client.get("/page/1", headers=PL).get_data(as_text=True)
    # Side a's statements name the other side: "Produkcja" in one round, "Kuchnia" in the other.
    assert "Produkcja" in pages[open_round_id] and "Kuchnia" not in pages[open_round_id]
    assert "Kuchnia" in pages[other] and "Produkcja" not in pages[other]


def test_the_thank_you_page_switches_language_on_itself(app, client, open_round_id):
    sent = answer_everything(client, app, open_round_id, new_code(app, open_round_id))
    assert thanked(sent) and 'href="/lang/en?next=/thanks"' in sent.get_data(as_text=True)
    english = client.get("/lang/en?next=/thanks", follow_redirects=True)
    assert english.status_code == 200
    assert "Your answers have been received." in english.get_data(as_text=True)


def test_a_message_for_one_browser_never_reaches_anothers_thank_you_page(app, open_round_id):
    """The thank-you page is written once per language; a browser's own pending message
    (HR trying the survey) must not be written into it."""
    pages = []
    for message in ("Tylko dla tej przeglądarki", None):
        client = app.test_client()
        client.get(f"/r/{new_code(app, open_round_id)}")
        token = csrf_token(client.get("/review").get_data(as_text=True))
        if message:
            with client.session_transaction() as session:
                session["_flashes"] = [("error", message)]
        pages.append(client.post("/submit", data={"csrf_token": token}))
    assert all(thanked(page) for page in pages)
    assert "Tylko dla tej przeglądarki" in pages[0].get_data(as_text=True)
    assert "Tylko dla" not in pages[1].get_data(as_text=True)
