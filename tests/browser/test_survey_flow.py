"""A person with a printed slip and a phone answers the survey in Debian's Chromium."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from survey.documents.slips import codes_csv
from survey.store import invites
from survey.store.rounds import create_round, get_round, open_round

from .conftest import DESKTOP, PHONE


def slip_links(live_server, count: int = 1) -> list[str]:
    """Links exactly as printed on slips (the CSV carries the same URL as the QR code)."""
    db = live_server.db()
    round_id = create_round(db, "Badanie 2026", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    codes = invites.generate(db, round_id, "a", count, live_server.app.config["INVITE_KEY"])
    rows = csv.DictReader(io.StringIO(codes_csv(get_round(db, round_id), codes, live_server.url)))
    db.conn.close()
    return [row["url"] for row in rows]


def choose(page, statement: str, answer: str) -> None:
    page.get_by_role("group", name=statement).get_by_label(answer, exact=True).check()


def fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_answer_from_a_slip_switch_language_change_an_answer_and_send(
    page, live_server, screenshot, viewport, name, axe
):
    page.set_viewport_size(viewport)
    (link,) = slip_links(live_server)
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("h1")).to_have_text("Lustro: jak widzimy siebie nawzajem")
    expect(page.get_by_text("co najmniej 5 osób")).to_be_visible()
    fits(page, viewport)
    axe("welcome")
    screenshot(f"respond-welcome-{name}")
    page.get_by_role("link", name="Rozpocznij").click()

    first = (
        "Przekazujemy działowi „Produkcja” potrzebne informacje na czas, a nie w ostatniej chwili."
    )
    choose(page, first, "Raczej się zgadzam")
    expect(page.locator("progress")).to_have_attribute("value", "1")
    fits(page, viewport)
    axe("question, Polish")
    screenshot(f"respond-question-{name}")
    page.get_by_role("button", name="Dalej").click()

    # Midway, switch to English: the questions follow, with the side names filled in.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe("question, English")
    page.locator("fieldset").first.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Back").click()
    # Back on page 1, in English, the earlier answer is still chosen; change it.
    statement = "We give Produkcja the information they need on time, not at the last minute."
    expect(
        page.get_by_role("group", name=statement).get_by_label("Agree", exact=True)
    ).to_be_checked()
    choose(page, statement, "Strongly disagree")
    while page.get_by_role("heading", name="In your own words").count() == 0:
        axe("question")
        page.get_by_role("button", name="Next").click()
    axe("comments")
    page.get_by_label("What does Produkcja do, or not do, that makes our work harder?").fill(
        "Late changes to orders."
    )
    page.get_by_role("button", name="Next").click()
    expect(page.locator("h1")).to_have_text("Check and send")
    page.locator("summary").first.click()
    expect(page.get_by_text("1 – Strongly disagree")).to_be_visible()
    fits(page, viewport)
    axe("review")
    screenshot(f"respond-review-{name}")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("h1")).to_have_text("Thank you")
    fits(page, viewport)
    axe("thanks")
    screenshot(f"respond-thanks-{name}")

    db = live_server.db()
    stored = db.execute(
        "SELECT value FROM answers WHERE item = 'timely' AND perspective = 'self'"
    ).fetchall()
    comments = db.execute("SELECT text FROM comments").fetchall()
    db.conn.close()
    assert stored == [(1,)] and comments == [("Late changes to orders.",)]

    # The same slip again in this browser: thanked again (anyone else sees the survey,
    # exactly as for an unused code, and is refused only at Send).
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Your answers were already received")
    fits(page, viewport)
    axe("spent code")
    screenshot(f"respond-spent-{name}")


def test_keyboard_only_from_typed_code_to_the_second_page(page, live_server, screenshot, axe):
    page.set_viewport_size(PHONE)
    (link,) = slip_links(live_server)
    code = link.rsplit("/", 1)[1]
    page.goto(live_server.url + "/lang/pl?next=/")
    axe("start")
    page.get_by_label("Twój kod").focus()
    page.keyboard.type(code.lower().replace("-", ""))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Lustro: jak widzimy siebie nawzajem")
    axe("welcome")
    begin = page.get_by_role("link", name="Rozpocznij")
    for _ in range(12):
        page.keyboard.press("Tab")
        if begin.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/page/1$"))
    axe("first page")
    page.keyboard.press("Tab")  # skip link
    first_radio = page.locator("input[type=radio]").first
    for _ in range(6):
        if first_radio.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # 2: Raczej się nie zgadzam
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    screenshot("respond-keyboard-focus-phone")
    page.keyboard.press("Enter")  # Enter sends the form forward, not back
    expect(page.locator("progress")).to_have_attribute("value", "2")
    axe("second page")
    # The answer is kept in this browser's encrypted cookie, not on the server.
    from flask import request

    from survey.respond import state as respondent_state

    jar = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    with live_server.app.test_request_context(headers={"Cookie": jar}):
        assert respondent_state.load(request).answers == {"information.timely.self": 2}
    assert outline != "none"
