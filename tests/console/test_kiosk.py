"""Kiosk mode without a browser: what the server itself guarantees when JavaScript is
off (the idle expiry), and what HR's button does to the device."""

from __future__ import annotations

import time

import pytest
from respondent_helpers import browser_state, new_code

from survey.respond import state as respondent_state
from survey.respond.kiosk_mark import IDLE_SECONDS, KIOSK_COOKIE
from survey.store.rounds import create_round, open_round


class Clock:
    """The respondent cookies' clock, moved by hand instead of slept through."""

    def __init__(self) -> None:
        self.seconds = float(int(time.time()))

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(respondent_state, "now", moved)
    return moved


def _kiosk(hr, console_app, round_id):
    response = hr.post(f"/console/rounds/{round_id}/kiosk")
    assert response.status_code == 302 and response.location.endswith("/kiosk/")
    return hr


def test_the_button_signs_hr_out_and_marks_the_device(hr, console_app, open_round_id):
    _kiosk(hr, console_app, open_round_id)
    assert hr.get_cookie(KIOSK_COOKIE) is not None
    assert hr.get("/console/").status_code == 302  # signed out on this device
    page = hr.get("/kiosk/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'autocomplete="off"' in page.get_data(as_text=True)


def test_a_draft_round_cannot_become_a_kiosk(hr, db):
    draft = create_round(db, "Draft", "pulse", "Sala", "Kuchnia")
    hr.post(f"/console/rounds/{draft}/kiosk")
    assert hr.get_cookie(KIOSK_COOKIE) is None


def test_without_the_kiosk_cookie_the_kiosk_page_is_the_start_page(anonymous):
    assert anonymous.get("/kiosk/").location == "/"


def test_a_survey_untouched_for_the_idle_time_is_gone_even_without_javascript(
    hr, console_app, open_round_id, clock
):
    _kiosk(hr, console_app, open_round_id)
    hr.get(f"/r/{new_code(console_app, open_round_id)}")
    hr.post("/page/1", data={"information.timely.self": "4", "next": "1"})  # CSRF off here
    clock.advance(IDLE_SECONDS)
    assert browser_state(hr, console_app).answers == {"information.timely.self": 4}
    clock.advance(1)
    assert browser_state(hr, console_app) is None
    for path in ("/review", "/page/1", "/comments", "/welcome"):
        assert hr.get(path).location == "/kiosk/"


def test_a_touch_keeps_a_slow_person_going(hr, console_app, open_round_id, clock):
    _kiosk(hr, console_app, open_round_id)
    hr.get(f"/r/{new_code(console_app, open_round_id)}")
    for _ in range(3):
        clock.advance(IDLE_SECONDS * 0.6)
        assert hr.post("/kiosk/alive").status_code == 204
    assert hr.get("/page/1").status_code == 200
    clock.advance(IDLE_SECONDS + 1)  # then no touch for the idle time
    assert hr.get("/page/1").location == "/kiosk/"


def test_a_kiosk_remembers_no_sent_code_and_refuses_other_rounds(
    hr, console_app, open_round_id, db
):
    _kiosk(hr, console_app, open_round_id)
    other = create_round(db, "Other", "pulse", "Sala", "Kuchnia")
    open_round(db, other)
    assert hr.get(f"/r/{new_code(console_app, other)}").status_code == 404
    hr.get(f"/r/{new_code(console_app, open_round_id)}")
    assert hr.post("/submit").location == "/thanks"
    assert hr.get_cookie(respondent_state.SENT_COOKIE) is None
    assert hr.get_cookie(respondent_state.SURVEY_COOKIE) is None


def test_a_new_code_on_a_kiosk_never_offers_the_previous_persons_answers(
    hr, console_app, open_round_id
):
    _kiosk(hr, console_app, open_round_id)
    hr.get(f"/r/{new_code(console_app, open_round_id)}")
    hr.post("/page/1", data={"information.timely.self": "5", "next": "1"})
    started = hr.get(f"/r/{new_code(console_app, open_round_id)}")
    assert started.location == "/welcome"  # not "keep my answers and go on"
    assert browser_state(hr, console_app).answers == {}
