"""Participation is never live: counted as of the start of today, small groups withheld."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from survey.store import slots
from survey.store.connection import write_transaction
from survey.store.participation import participation, spent_codes
from survey.store.rounds import close_round, create_round, get_round, open_round


def _stored_responses(db, round_id, side, count, day):
    """Responses arriving on `day` (call in the order of the days), as a submit stores them."""
    round_ = get_round(db, round_id)
    with write_transaction(db):
        for _ in range(count):
            slots.note_day(db, round_id, side, dt.date.fromisoformat(day))
            slots.fill(db, round_id, round_.questionnaire, side, {}, {})


@pytest.fixture
def round_id(db):
    round_id = create_round(
        db,
        "R",
        "pulse",
        "Sala",
        "Kuchnia",
        headcount_a=10,
        headcount_b=20,
        threshold=3,
        comment_threshold=3,
    )
    open_round(db, round_id)
    return round_id


def _days(round_):
    today = round_.today()
    return today.isoformat(), (today - dt.timedelta(days=1)).isoformat()


def test_a_response_from_today_appears_only_tomorrow(db, round_id):
    today, yesterday = _days(get_round(db, round_id))
    _stored_responses(db, round_id, "a", 4, yesterday)
    _stored_responses(db, round_id, "a", 3, today)
    side_a, _ = participation(db, get_round(db, round_id))
    assert side_a.responses == 4
    assert side_a.share == pytest.approx(0.4)


def test_fewer_than_the_threshold_is_withheld_not_counted(db, round_id):
    today, yesterday = _days(get_round(db, round_id))
    _stored_responses(db, round_id, "b", 2, yesterday)
    _stored_responses(db, round_id, "b", 5, today)  # today's do not lift it over the threshold
    _, side_b = participation(db, get_round(db, round_id))
    assert side_b.responses is None and side_b.share is None
    # An unknown figure is never flagged: it may hide a team that answered today.
    assert not side_b.low


def test_participation_below_60_percent_is_flagged(db, round_id):
    _, yesterday = _days(get_round(db, round_id))
    _stored_responses(db, round_id, "a", 6, yesterday)
    _stored_responses(db, round_id, "b", 11, yesterday)
    side_a, side_b = participation(db, get_round(db, round_id))
    assert (side_a.share, side_a.low) == (0.6, False)
    assert (side_b.share, side_b.low) == (0.55, True)


def test_a_withheld_small_count_is_not_flagged_when_it_might_be_high(db):
    round_id = create_round(db, "Tiny", "pulse", "Sala", "Kuchnia", headcount_a=4, threshold=5)
    open_round(db, round_id)
    _stored_responses(db, round_id, "a", 4, "2000-01-01")
    side_a, _ = participation(db, get_round(db, round_id))
    assert side_a.responses is None and not side_a.low


def test_once_closed_the_final_count_includes_every_day(db, round_id):
    today, yesterday = _days(get_round(db, round_id))
    _stored_responses(db, round_id, "a", 2, yesterday)
    _stored_responses(db, round_id, "a", 2, today)
    close_round(db, round_id)
    side_a, _ = participation(db, get_round(db, round_id))
    assert side_a.responses == 4


def test_spent_codes_only_for_a_closed_round(db, round_id):
    assert spent_codes(db, get_round(db, round_id)) is None
    db["invites"].insert_all(
        {"code_hash": f"h{i}", "round_id": round_id, "side": "a", "spent": 1} for i in range(3)
    )
    close_round(db, round_id)
    assert spent_codes(db, get_round(db, round_id)) == {"a": 3, "b": None}


def test_console_pages_show_the_day_old_count_and_fewer_than(hr, db, round_id):
    today, yesterday = _days(get_round(db, round_id))
    _stored_responses(db, round_id, "a", 5, yesterday)
    _stored_responses(db, round_id, "a", 1, today)
    _stored_responses(db, round_id, "b", 2, yesterday)
    for path in ("/console/", f"/console/rounds/{round_id}"):
        html = hr.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert re.search(r"<td[^>]*>5</td>", html) and "50%" in html
        assert not re.search(r"<td[^>]*>6</td>", html)
        assert "fewer than 3" in html and "below 60%" in html
    polish = hr.get("/console/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "mniej niż 3" in polish and "poniżej 60%" in polish
