"""Issue 20's attacks on the workshop, each named after its id: the order of guesses and
dots in the file (W6), made-up phones and replayed cookies (W1/W2), join codes tried at
will and working for ever (W3). Every test goes through the phones' and the projector's
pages, as the attacker did."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from survey.app import create_app
from survey.store.connection import backup, open_db
from survey.workshop import store
from survey.workshop.agenda import agenda_of

PL, EN = {"Accept-Language": "pl"}, {"Accept-Language": "en"}
# The attack's order of arrival, and each phone's own guess (phone i guesses VALUES[i]).
ORDER = [2, 4, 0, 1, 3, 6, 5]
VALUES = [1, 2, 3, 3, 4, 5, 3]


@pytest.fixture
def workshop(db, closed_round_id):
    made = store.create_workshop(db, closed_round_id, "2h", ["information", "respect"])
    return store.set_step(db, made, 1, len(agenda_of(made)))  # the first dimension


def _phone(app, code: str, side: str):
    phone = app.test_client()
    assert phone.post(f"/w/{code}/side", data={"side": side}).status_code == 302
    return phone


def _in_room(presenter, workshop, a: int, b: int) -> None:
    # Not checked here: on code without the count, the post is a 404 and the rest shows why.
    presenter.post(f"/console/workshops/{workshop.id}/room", data={"in_room-a": a, "in_room-b": b})


def _guess(phone, code: str, value: int, dimension: str = "information"):
    return phone.post(f"/w/{code}/guess", data={"dimension": dimension, "value": value})


def _as(app, cookie: str):
    """A phone of `app` holding a copy of a saved session cookie."""
    phone = app.test_client()
    phone.set_cookie("session", cookie)
    return phone


# --- W6: the order of arrival ------------------------------------------------------


def _room_in_order(app, db, workshop, cookies: list[str], order: list[int], folder) -> bytes:
    """A copy of the database as the phones joined, then their guesses and dots sent in
    `order`; returns the copy's bytes, and those of a backup made of it after."""
    copy = folder / "survey.db"
    backup(db, copy)
    room = create_app(app.config | {"DATABASE": str(copy)})
    for i in order:
        assert _guess(_as(room, cookies[i]), workshop.join_code, VALUES[i]).status_code == 302
    copy_db = open_db(copy)
    vote = [b.kind for b in agenda_of(workshop)].index("vote")
    store.set_step(copy_db, workshop, vote, len(agenda_of(workshop)))
    first, second = (a.id for a in store.agreements(copy_db, workshop.id))
    for i in order:
        dots = {f"dots-{first}": i % 3, f"dots-{second}": 3 - i % 3}
        assert _as(room, cookies[i]).post(f"/w/{workshop.join_code}/dots", data=dots).status_code
    backup(copy_db, folder / "backup.db")
    copy_db.conn.close()
    return copy.read_bytes() + (folder / "backup.db").read_bytes()


def test_w6_the_file_and_a_backup_keep_no_order_of_guesses_or_dots(app, db, workshop, tmp_path):
    """W6: the cells of workshop_guesses and of the dots kept the order of arrival
    (guess order 3, 5, 1, 2, 4 read back from the file and a backup). The same room,
    its guesses and dots sent in two different orders, must leave the very same bytes."""
    store.add_agreement(db, workshop, "Plan tygodniowy", "both", "2026-12-31", "Notatka")
    store.add_agreement(db, workshop, "Wspólny kalendarz", "a", "2026-12-31", "Kalendarz")
    phones = [_phone(app, workshop.join_code, "ab"[i % 2]) for i in range(len(VALUES))]
    cookies = [phone.get_cookie("session").value for phone in phones]
    folders = [tmp_path / "attack-order", tmp_path / "sorted-order"]
    for folder in folders:
        folder.mkdir()
    in_attack_order = _room_in_order(app, db, workshop, cookies, ORDER, folders[0])
    in_sorted_order = _room_in_order(app, db, workshop, cookies, sorted(ORDER), folders[1])
    counted = open_db(folders[0] / "survey.db")
    assert sum(map(sum, store.guess_counts(counted, workshop.id)["information"].values())) == 7
    assert sum(a.dots for a in store.agreements(counted, workshop.id)) == 21
    counted.conn.close()
    assert in_attack_order == in_sorted_order


# The tables a phone writes to, and the index of its places.
PHONE_WRITES = ("workshop_guesses", "workshop_dots", "workshop_phones", "workshop_phones_side")


def _layout(path) -> dict[int, bytes]:
    """Per page of PHONE_WRITES: its b-tree header and cell pointer array, that is where
    every cell sits. A cell inserted, or rewritten at another size, changes it."""
    conn = sqlite3.connect(path)
    marks = ",".join("?" * len(PHONE_WRITES))
    pages = conn.execute(f"SELECT pageno FROM dbstat WHERE name IN ({marks})", PHONE_WRITES)
    numbers = [n for (n,) in pages]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = Path(path).read_bytes()
    layout = {}
    for number in numbers:
        start = (number - 1) * size + (100 if number == 1 else 0)
        header = 12 if data[start] in (2, 5) else 8  # interior pages have a right child
        cells = int.from_bytes(data[start + 3 : start + 5], "big")
        layout[number] = data[start : start + header + 2 * cells]
    return layout


def test_w6_joining_guessing_and_voting_move_no_cell_of_the_file(app, db, db_path, workshop):
    """W6: each first guess of a value inserted a cell, each later one rewrote it at a
    new size, so the cells' offsets kept the order. Now every page a phone writes to has
    its cells where they were before the first phone joined."""
    agreement = store.add_agreement(db, workshop, "Plan", "both", "2026-12-31", "Mail")
    before = _layout(db_path)
    phones = [_phone(app, workshop.join_code, "ab"[i % 2]) for i in range(len(VALUES))]
    for i in ORDER:
        assert _guess(phones[i], workshop.join_code, VALUES[i]).status_code == 302
    vote = [b.kind for b in agenda_of(workshop)].index("vote")
    store.set_step(db, workshop, vote, len(agenda_of(workshop)))
    for i in ORDER:
        phones[i].post(f"/w/{workshop.join_code}/dots", data={f"dots-{agreement}": 1 + i % 3})
    assert store.agreements(db, workshop.id)[0].dots == sum(1 + i % 3 for i in ORDER)
    assert _layout(db_path) == before


# --- W1/W2: made-up phones and replayed cookies ------------------------------------


def test_w1_made_up_phones_beside_one_real_guess_do_not_reveal_it(app, presenter, db, workshop):
    """W1: four cookie-less phones plus one real guess reached the threshold of 5 and
    the mean gave the real guess away. The facilitator counted 3 people of that side in
    the room: 5 guesses are more than 3, so the side is held back on every page."""
    _in_room(presenter, workshop, 3, 6)
    real = _phone(app, workshop.join_code, "a")
    assert _guess(real, workshop.join_code, 2).status_code == 302
    for _ in range(4):  # each without cookies: a new phone every time
        assert _guess(_phone(app, workshop.join_code, "a"), workshop.join_code, 5).status_code
    counting = presenter.get(f"/console/workshops/{workshop.id}", headers=EN)
    html = counting.get_data(as_text=True)  # the room sees more guesses than people
    assert 'data-count="a">5<' in html and "of 3 people in the room" in html
    presenter.post(f"/console/workshops/{workshop.id}/reveal")
    page = presenter.get(f"/console/workshops/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "reveal-chart" in page
    assert "held back: 5 guessed, more than the 3 people in the room" in page
    assert "4.4" not in page and "(5 guesses)" not in page  # (2 + 4 · 5) / 5
    polish = presenter.get(f"/console/workshops/{workshop.id}", headers=PL).get_data(as_text=True)
    assert "wstrzymane: typów 5, więcej niż 3 osoby na sali" in polish
    slides = presenter.get(f"/console/workshops/{workshop.id}/download/slides.pdf?lang=en")
    text = " ".join(PdfReader(io.BytesIO(slides.get_data())).pages[0].extract_text().split())
    assert "more than the 3 people in the room" in text and "4.4" not in text


def test_w1_a_side_not_counted_in_the_room_is_held_back_and_the_rule_is_on_the_screen(
    app, presenter, db, workshop
):
    """W1: until the facilitator enters how many of a side are in the room, that side's
    guesses stay held back however many came in; the projector says the rule."""
    before = presenter.get(f"/console/workshops/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "only if no more of that side have guessed than the people of that side" in before
    assert 'name="in_room-a"' in before and 'name="in_room-b"' in before
    for _ in range(5):
        assert _guess(_phone(app, workshop.join_code, "b"), workshop.join_code, 4).status_code
    presenter.post(f"/console/workshops/{workshop.id}/reveal")
    page = presenter.get(f"/console/workshops/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "held back: the people of this side in the room were not counted" in page
    assert "(5 guesses)" not in page
    _in_room(presenter, workshop, 0, 5)
    counted = presenter.get(f"/console/workshops/{workshop.id}", headers=EN).get_data(as_text=True)
    assert re.search(r"4\.0 <span class=\"n\">\(5 guesses\)", counted)


def test_w2_a_replayed_cookie_gets_no_more_dots(app, presenter, db, workshop):
    """W2: saving the cookie before voting and sending it again gave one phone 18 dots."""
    (agreement,) = [store.add_agreement(db, workshop, "Plan", "both", "2026-12-31", "Mail")]
    vote = [b.kind for b in agenda_of(workshop)].index("vote")
    store.set_step(db, workshop, vote, len(agenda_of(workshop)))
    phone = _phone(app, workshop.join_code, "a")
    saved = phone.get_cookie("session").value
    for _ in range(6):
        replay = _as(app, saved)
        replay.post(f"/w/{workshop.join_code}/dots", data={f"dots-{agreement}": 3})
    assert [a.dots for a in store.agreements(db, workshop.id)] == [3]
    page = _as(app, saved).get(f"/w/{workshop.join_code}").get_data(as_text=True)
    assert f"dots-{agreement}" not in page  # the replayed phone is not offered dots again


def test_w2_a_replayed_cookie_gets_no_second_guess(app, db, workshop):
    """W2: the same replay before a guess counted the phone's guess again and again."""
    phone = _phone(app, workshop.join_code, "b")
    saved = phone.get_cookie("session").value
    for value in (1, 1, 1, 1, 1):
        _guess(_as(app, saved), workshop.join_code, value)
    assert store.guess_counts(db, workshop.id)["information"]["b"] == [1, 0, 0, 0, 0]


# --- W3: join codes tried at will, and for ever -------------------------------------


def test_w3_failed_join_codes_are_throttled_per_address_without_logging_it(app, workshop, caplog):
    """W3: about 600 tries a second were answered, never slowed. Failed codes now count
    per address (in memory only): after 20 in a minute even the right code waits."""
    caplog.set_level(logging.DEBUG)
    guesser = app.test_client()
    statuses = [guesser.get(f"/w/AAAA{i:02d}", headers=PL).status_code for i in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429
    page = guesser.get(f"/w/{workshop.join_code}", headers=PL)
    assert page.status_code == 429 and "Zbyt wiele prób" in page.get_data(as_text=True)
    assert guesser.post(f"/w/{workshop.join_code}/side", data={"side": "a"}).status_code == 429
    assert "127.0.0.1" not in caplog.text and "AAAA" not in caplog.text


def test_a_room_on_one_address_with_the_right_code_is_never_throttled(app, workshop):
    phones = [_phone(app, workshop.join_code, "ab"[i % 2]) for i in range(30)]
    statuses = [phone.get(f"/w/{workshop.join_code}").status_code for phone in phones]
    assert statuses == [200] * 30


def test_w3_the_live_state_tells_a_stranger_nothing_about_a_code(app, workshop):
    """W3: state.json answered any code at once (200 for a workshop, 404 for none), so
    codes could be tried through it too. To a phone that has not joined, every code is
    the same 404."""
    stranger = app.test_client()
    known = stranger.get(f"/w/{workshop.join_code}/state.json")
    unknown = stranger.get("/w/AAAAAA/state.json")
    assert (known.status_code, unknown.status_code) == (404, 404)
    page = known.get_data(as_text=True).replace(workshop.join_code, "AAAAAA")
    assert page == unknown.get_data(as_text=True)


def _age(db, workshop, days: int) -> None:
    made = (dt.date.today() - dt.timedelta(days=days)).isoformat()
    db.execute("UPDATE workshops SET created_on = ? WHERE id = ?", [made, workshop.id])
    db.conn.commit()


@pytest.mark.parametrize(
    "headers,text",
    [
        (PL, "Ten warsztat się zakończył"),
        (EN, "This workshop has ended"),
    ],
)
def test_w3_a_workshop_expires_after_the_day_after_it_was_set_up(app, db, workshop, headers, text):
    """W3: a join code worked for ever. It works on the day the workshop was set up and
    the next day; then a phone gets a clear page in its language, and nothing counts."""
    phone = _phone(app, workshop.join_code, "a")
    _age(db, workshop, 1)
    assert phone.get(f"/w/{workshop.join_code}").status_code == 200  # the day after: open
    _age(db, workshop, 2)
    page = app.test_client().get(f"/w/{workshop.join_code}", headers=headers)
    assert page.status_code == 410 and text in page.get_data(as_text=True)
    late = phone.post(
        f"/w/{workshop.join_code}/guess",
        data={"dimension": "information", "value": 3},
        headers=headers,
    )
    assert late.status_code == 410 and text in late.get_data(as_text=True)
    assert store.guess_counts(db, workshop.id) == {}
