"""Kiosk mode on one shared browser: three people in a row, and the third reaches
nothing of the first two (Back, history, reload, the review page, typed text)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from survey.store import invites
from survey.store.accounts import add_user
from survey.store.rounds import create_round, open_round

from .test_console_fixes import PASSWORD, SIZES, log_in

IDLE = 8  # seconds; two minutes in use (KIOSK_IDLE_SECONDS)
FIRST_COMMENT = "Pierwsza osoba: spóźnione zamówienia"
SECOND_COMMENT = "Druga osoba: tego nie wysłałam"


@pytest.fixture
def kiosk_round(live_server):
    db = live_server.db()
    add_user(db, "hr@restauracja.pl", "hr", PASSWORD)
    round_id = create_round(db, "Restauracja", "pulse", "Sala", "Kuchnia", lang="pl")
    open_round(db, round_id)
    codes = invites.generate(db, round_id, "a", 3, live_server.app.config["INVITE_KEY"])
    db.conn.close()
    live_server.app.config["KIOSK_IDLE_SECONDS"] = IDLE
    return round_id, codes


def enter_code(page, axe, code: str) -> None:
    expect(page).to_have_url(re.compile(r"/kiosk/$"))
    assert page.locator("input[name=code]").get_attribute("autocomplete") == "off"
    page.locator("input[name=code]").fill(code)
    page.locator(".code-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/welcome$"))
    axe("kiosk welcome")
    page.get_by_role("link", name="Rozpocznij").click()


def to_comments(page, axe) -> None:
    while page.locator("textarea").count() == 0:
        axe("kiosk question")
        page.locator("input[type=radio]").first.check()
        page.get_by_role("button", name="Dalej").click()
    axe("kiosk comments")


def nothing_of_others(page) -> None:
    typed = "[...document.querySelectorAll('textarea, input')].map(e => e.value).join(' ')"
    text = page.locator("body").inner_text() + page.evaluate(typed)
    assert FIRST_COMMENT not in text and SECOND_COMMENT not in text
    assert page.locator("input[type=radio]:checked").count() == 0
    assert page.evaluate("sessionStorage.length") == 0


@pytest.mark.parametrize("viewport", SIZES)
def test_three_people_in_a_row_on_one_kiosk(page, live_server, kiosk_round, axe, viewport):
    round_id, (first, second, third) = kiosk_round
    page.set_viewport_size(viewport)
    log_in(page, axe, live_server.url, "hr@restauracja.pl", lang="pl")
    page.goto(f"{live_server.url}/console/rounds/{round_id}")
    axe("round page")
    page.get_by_role("button", name="Zrób z tego urządzenia kiosk ankiety").click()
    expect(page.locator("h1")).to_have_text("Witaj! Wpisz kod ze swojej kartki")
    axe("kiosk start")
    # HR is signed out on this device: the next people cannot reach the console.
    page.goto(f"{live_server.url}/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))
    axe("login")
    page.goto(f"{live_server.url}/kiosk/")

    # 1. Answers everything and sends; the kiosk returns to its start screen.
    enter_code(page, axe, first)
    to_comments(page, axe)
    page.locator("textarea").first.fill(FIRST_COMMENT)
    page.get_by_role("button", name="Dalej").click()
    axe("kiosk review")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator("h1")).to_have_text("Dziękujemy")
    axe("kiosk thanks")
    page.get_by_role("link", name="Następna osoba").click()

    # 2. Answers a page, types a comment, walks away: after the idle time, a clean start.
    enter_code(page, axe, second)
    to_comments(page, axe)
    page.locator("textarea").first.fill(SECOND_COMMENT)
    expect(page).to_have_url(re.compile(r"/kiosk/$"), timeout=(IDLE + 10) * 1000)
    axe("kiosk start after idle")
    nothing_of_others(page)

    # 3. Tries every way back to the others' answers.
    for _ in range(8):
        page.go_back()
        page.wait_for_load_state()
        nothing_of_others(page)
    page.reload()
    nothing_of_others(page)
    for path in ("/review", "/comments", "/page/1", "/welcome", "/thanks"):
        page.goto(f"{live_server.url}{path}")
        nothing_of_others(page)
        axe(path)
    page.goto(f"{live_server.url}/kiosk/")
    enter_code(page, axe, third)
    nothing_of_others(page)
    to_comments(page, axe)
    expect(page.locator("textarea").first).to_have_value("")
    page.goto(f"{live_server.url}/review")
    nothing_of_others(page)
    axe("review of the third")
    # Only the first person's answers were stored.
    db = live_server.db()
    stored = [r[0] for r in db.execute("SELECT trim(text) FROM comments WHERE trim(text) != ''")]
    db.conn.close()
    assert stored == [FIRST_COMMENT]

    # HR ends kiosk mode: sign in on the device, confirm.
    page.goto(f"{live_server.url}/kiosk/")
    page.get_by_role("link", name="Dział kadr: zakończ tryb kiosku").click()
    axe("login")
    page.locator("input[type=email]").fill("hr@restauracja.pl")
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/console/kiosk/end$"))
    axe("end kiosk")
    page.get_by_role("button", name="Zakończ tryb kiosku na tym urządzeniu").click()
    axe("rounds")
    page.goto(f"{live_server.url}/kiosk/")
    expect(page).to_have_url(re.compile(r"/$"))
    axe("start page")
