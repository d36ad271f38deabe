"""Rounds in the console: creating, editing, thresholds that only go up, final closing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from survey.store.audit import entries
from survey.store.errors import InvalidInput, WrongState
from survey.store.rounds import close_round, get_round, list_rounds, open_round, update_round

from .conftest import generate_codes

SOON = (dt.date.today() + dt.timedelta(days=20)).isoformat()
LATER = (dt.date.today() + dt.timedelta(days=40)).isoformat()
NEW_ROUND = {
    "questionnaire": "sales-production",
    "name": "Jesień 2026",
    "side_a": "Sprzedaż",
    "side_b": "Produkcja",
    "lang": "pl",
    "headcount_a": "30",
    "headcount_b": "40",
    "threshold": "5",
    "comment_threshold": "10",
    "closes_on": SOON,
}


def test_hr_creates_a_draft_round_and_it_is_audited(hr, db):
    response = hr.post("/console/rounds/new", data=NEW_ROUND)
    assert response.status_code == 302
    (round_,) = list_rounds(db)
    assert response.headers["Location"] == f"/console/rounds/{round_.id}"
    assert (round_.name, round_.status, round_.headcount_b, round_.closes_on) == (
        "Jesień 2026",
        "draft",
        40,
        SOON,
    )
    assert entries(db)[0].action == "round.create"
    page = hr.get(response.headers["Location"]).get_data(as_text=True)
    assert "Jesień 2026" in page and "Sprzedaż: 30" in page


@pytest.mark.parametrize(
    "change,message",
    [
        ({"threshold": "2"}, "Podaj liczbę całkowitą od 3 do 1000."),
        ({"threshold": "6", "comment_threshold": "5"}, "Próg komentarzy nie może być niższy"),
        ({"side_b": "sprzedaż"}, "Oba działy muszą mieć różne nazwy."),
        ({"name": ""}, "To pole jest wymagane."),
        ({"headcount_a": "0"}, "Podaj liczbę całkowitą od 1 do 100000."),
        ({"closes_on": "2020-01-15"}, "Data zamknięcia jest w przeszłości"),
        ({"comment_threshold": "50"}, "Żaden komentarz działu „Sprzedaż” nie mógłby zostać"),
        ({"side_a": "Sala", "headcount_a": "8"}, "dział „Sala” liczy 8 osób. Wpisz najwyżej 8"),
        ({"side_a": "Sprzedaż " + "bardzo " * 10}, "Nazwa może mieć najwyżej 60 zn."),
    ],
)
def test_a_bad_new_round_is_refused_with_the_reason_and_nothing_is_stored(hr, db, change, message):
    response = hr.post(
        "/console/rounds/new", data={**NEW_ROUND, **change}, headers={"Accept-Language": "pl"}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert list_rounds(db) == []


@pytest.mark.parametrize(
    "lang,message",
    [
        ("pl", "Podaj liczbę całkowitą od 1 do 100000."),
        ("en", "Enter a whole number from 1 to 100000."),
    ],
)
def test_a_fractional_headcount_gets_one_clear_message(hr, db, lang, message):
    response = hr.post(
        "/console/rounds/new",
        data={**NEW_ROUND, "headcount_a": "1.5"},
        headers={"Accept-Language": lang},
    )
    errors = re.findall(r'<p class="error"[^>]*>(.*?)</p>', response.get_data(as_text=True))
    assert errors == [message]
    assert list_rounds(db) == []


def test_comment_threshold_above_the_headcount_is_refused_in_english(hr, db):
    data = {**NEW_ROUND, "side_a": "Sala", "headcount_a": "8", "comment_threshold": "10"}
    page = hr.post("/console/rounds/new", data=data, headers={"Accept-Language": "en"})
    assert "No comment of Sala could ever be shown: Sala has 8 people." in page.get_data(
        as_text=True
    )
    assert list_rounds(db) == []


def test_new_round_offers_the_main_questionnaire_first(hr):
    page = hr.get("/console/rounds/new").get_data(as_text=True)
    assert re.search(r'<option selected value="sales-production">', page)


def test_an_open_round_keeps_its_passed_closing_date_when_thresholds_change(hr, db, open_round_id):
    update_round(db, open_round_id, closes_on="2020-01-15")
    response = hr.post(
        f"/console/rounds/{open_round_id}/edit",
        data={"threshold": "5", "comment_threshold": "10", "closes_on": "2020-01-15"},
    )
    assert response.status_code == 302
    assert get_round(db, open_round_id).closes_on == "2020-01-15"


def test_a_draft_can_be_edited_entirely(hr, db, draft_round_id):
    data = {**NEW_ROUND, "name": "Renamed", "threshold": "4", "comment_threshold": "4"}
    assert hr.post(f"/console/rounds/{draft_round_id}/edit", data=data).status_code == 302
    round_ = get_round(db, draft_round_id)
    assert (round_.name, round_.threshold, round_.side_a) == ("Renamed", 4, "Sprzedaż")
    assert ["name", "Draft", "Renamed"] in entries(db)[0].figures["changes"]


def test_open_round_thresholds_can_be_raised_but_not_lowered(hr, db, open_round_id):
    lower = hr.post(
        f"/console/rounds/{open_round_id}/edit",
        data={"threshold": "4", "comment_threshold": "10"},
        headers={"Accept-Language": "en"},
    )
    assert "can be raised but not lowered" in lower.get_data(as_text=True)
    assert get_round(db, open_round_id).threshold == 5
    raise_ = hr.post(
        f"/console/rounds/{open_round_id}/edit",
        data={"threshold": "7", "comment_threshold": "12", "closes_on": LATER},
    )
    assert raise_.status_code == 302
    round_ = get_round(db, open_round_id)
    assert (round_.threshold, round_.comment_threshold, round_.closes_on) == (7, 12, LATER)


def test_update_round_refuses_lowering_after_open_and_locks_other_settings(db, open_round_id):
    with pytest.raises(WrongState, match="never lowered"):
        update_round(db, open_round_id, threshold=4)
    with pytest.raises(WrongState, match="never lowered"):
        update_round(db, open_round_id, comment_threshold=9)
    with pytest.raises(WrongState, match="side_a can no longer be changed"):
        update_round(db, open_round_id, side_a="Handel")
    assert update_round(db, open_round_id, threshold=6, comment_threshold=10).threshold == 6


@pytest.mark.parametrize(
    "changes,error",
    [
        ({"threshold": 2, "comment_threshold": 10}, "at least 3"),
        ({"threshold": 8, "comment_threshold": 7}, "not be lower than the threshold"),
        ({"side_b": " Sala "}, "different labels"),
        ({"closes_on": "15.12.2026"}, "not a date"),
        ({"questionnaire_id": "pulse"}, "Unknown round settings"),
    ],
)
def test_update_round_keeps_the_rules_of_create(db, draft_round_id, changes, error):
    with pytest.raises(InvalidInput, match=error):
        update_round(db, draft_round_id, **changes)
    assert get_round(db, draft_round_id).threshold == 5


def test_a_closed_round_is_final(hr, db, closed_round_id):
    with pytest.raises(WrongState, match="final"):
        update_round(db, closed_round_id, threshold=9)
    with pytest.raises(WrongState, match="final"):
        open_round(db, closed_round_id)
    edit = hr.get(f"/console/rounds/{closed_round_id}/edit", follow_redirects=True)
    assert "Zamknięte badanie jest ostateczne" in edit.get_data(as_text=True)
    hr.post(f"/console/rounds/{closed_round_id}/open")
    assert get_round(db, closed_round_id).status == "closed"
    invites = hr.post(
        f"/console/rounds/{closed_round_id}/invites", data={"side": "a", "count": "5"}
    )
    assert invites.status_code == 400
    assert db["invites"].count == 0


def test_closing_asks_for_confirmation_then_closes_for_good(hr, db, open_round_id):
    page = hr.get(f"/console/rounds/{open_round_id}/close", headers={"Accept-Language": "en"})
    assert "Closing is final." in page.get_data(as_text=True)
    assert get_round(db, open_round_id).status == "open"
    assert hr.post(f"/console/rounds/{open_round_id}/close").status_code == 302
    assert get_round(db, open_round_id).status == "closed"
    again = hr.post(
        f"/console/rounds/{open_round_id}/close",
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    assert "closing is final" in again.get_data(as_text=True)
    assert [e.action for e in entries(db)][:1] == ["round.close"]


def test_opening_from_the_console_freezes_the_questionnaire(hr, db, draft_round_id):
    assert hr.post(f"/console/rounds/{draft_round_id}/open").status_code == 302
    round_ = get_round(db, draft_round_id)
    assert round_.status == "open" and round_.questionnaire_json
    assert entries(db)[0].action == "round.open"


def test_unknown_round_is_a_404(hr):
    assert hr.get("/console/rounds/999").status_code == 404


def test_codes_are_shown_once_and_only_their_count_afterwards(hr, db, open_round_id):
    response = generate_codes(hr, open_round_id, "b", 4)
    html = hr.get(response.headers["Location"]).get_data(as_text=True)
    codes = re.findall(r"<code>([A-Z0-9-]{14})</code>", html)
    assert len(codes) == 4
    stored = [row["code_hash"] for row in db["invites"].rows]
    assert len(stored) == 4 and not set(codes) & set(stored)
    later = hr.get(f"/console/rounds/{open_round_id}/invites").get_data(as_text=True)
    assert not any(code in later for code in codes)
    assert re.search(r"<td[^>]*>4</td>", later)
    assert entries(db)[0].figures == {"num": 4, "side": "b", "label": "Produkcja"}


def test_spent_codes_are_counted_only_once_the_round_is_closed(hr, db, open_round_id):
    from survey.store.invites import generate

    codes = generate(db, open_round_id, "a", 6, "test-invite-key")
    db.execute("UPDATE invites SET spent = 1")  # as if all six had answered
    assert "Codes used" not in hr.get(
        f"/console/rounds/{open_round_id}/invites", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    close_round(db, open_round_id)
    page = hr.get(
        f"/console/rounds/{open_round_id}/invites", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Codes used" in page and re.search(r"<td[^>]*>6</td>", page)
    assert "fewer than 5" in page
    assert len(codes) == 6


def test_the_round_form_asks_how_big_the_teams_are_and_keeps_it(hr, db):
    """Issue 19 item 1: a round setting, 8 unless HR says otherwise; changeable until close."""
    form = hr.get("/console/rounds/new", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Ludzie pracują tu w zespołach liczących około" in form
    assert re.search(r'name="team_size"[^>]*value="8"', form)
    hr.post("/console/rounds/new", data={**NEW_ROUND, "team_size": "1"})
    (round_,) = list_rounds(db)
    assert round_.team_size == 1
    open_round(db, round_.id)
    response = hr.post(
        f"/console/rounds/{round_.id}/edit",
        data={"threshold": "5", "comment_threshold": "10", "closes_on": SOON, "team_size": "6"},
    )
    assert response.status_code == 302 and get_round(db, round_.id).team_size == 6
    refused = hr.post(
        f"/console/rounds/{round_.id}/edit",
        data={"threshold": "5", "comment_threshold": "10", "team_size": "0"},
        headers={"Accept-Language": "pl"},
    )
    assert "Podaj liczbę całkowitą od 1 do 100." in refused.get_data(as_text=True)
    assert get_round(db, round_.id).team_size == 6
