"""Issue 13, the respondent's path in Chromium at phone (360 px) and laptop (1366 px)
widths: the language switch and a reload keep unsent answers, Back comes before Next,
the review fits a phone, Polish counts of people, a second device is told the truth."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from survey.store import invites
from survey.store.questionnaire import load
from survey.store.rounds import create_round, open_round

from .axe import describe, violations

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
SIZES = [pytest.param(PHONE, id="phone-360"), pytest.param(LAPTOP, id="laptop-1366")]
FIRST = "Przekazujemy działowi „Kuchnia” potrzebne informacje na czas, a nie w ostatniej chwili."
FIRST_EN = "We give Kuchnia the information they need on time, not at the last minute."


def codes(live_server, count: int = 1, **settings) -> list[str]:
    db = live_server.db()
    round_id = create_round(db, "Restauracja", "sales-production", "Sala", "Kuchnia", **settings)
    open_round(db, round_id)
    made = invites.generate(db, round_id, "a", count, live_server.app.config["INVITE_KEY"])
    db.conn.close()
    return made


def begin(page, axe, live_server, code: str) -> None:
    page.goto(f"{live_server.url}/r/{code}")
    axe("welcome")
    page.get_by_role("link", name="Rozpocznij").click()
    expect(page).to_have_url(re.compile(r"/page/1$"))
    axe("page 1")


def choice(page, statement: str, answer: str):
    return page.get_by_role("group", name=statement).get_by_label(answer, exact=True)


@pytest.mark.parametrize("viewport", SIZES)
def test_switching_language_keeps_the_pages_unsent_answers(page, live_server, axe, viewport):
    page.set_viewport_size(viewport)
    begin(page, axe, live_server, codes(live_server)[0])
    choice(page, FIRST, "Raczej się zgadzam").check()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/page/1$"))
    expect(choice(page, FIRST_EN, "Agree")).to_be_checked()
    axe("page 1 in English")


def test_switching_language_keeps_answers_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/r/{codes(live_server)[0]}")
    page.get_by_role("link", name="Rozpocznij").click()
    choice(page, FIRST, "Raczej się zgadzam").check()
    page.get_by_role("button", name="English").click()
    expect(choice(page, FIRST_EN, "Agree")).to_be_checked()
    context.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_a_reload_keeps_what_was_typed_and_send_forgets_it(page, live_server, axe, viewport):
    page.set_viewport_size(viewport)
    begin(page, axe, live_server, codes(live_server)[0])
    choice(page, FIRST, "Raczej się zgadzam").check()
    page.reload()
    expect(choice(page, FIRST, "Raczej się zgadzam")).to_be_checked()
    while page.get_by_role("heading", name="Własnymi słowami").count() == 0:
        axe("question")
        page.get_by_role("button", name="Dalej").click()
    axe("comments")
    box = page.locator("textarea").first
    box.fill("Zmiany zamówień w ostatniej chwili")
    page.reload()
    expect(page.locator("textarea").first).to_have_value("Zmiany zamówień w ostatniej chwili")
    page.get_by_role("button", name="Dalej").click()
    axe("review")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator("h1")).to_have_text("Dziękujemy")
    axe("thanks")
    assert page.evaluate("sessionStorage.length") == 0


@pytest.mark.parametrize("viewport", SIZES)
def test_tab_goes_to_back_before_next_and_enter_still_moves_forward(
    page, live_server, axe, viewport
):
    page.set_viewport_size(viewport)
    begin(page, axe, live_server, codes(live_server)[0])
    page.get_by_role("button", name="Dalej").click()
    axe("page 2")
    page.locator("input[type=radio]").last.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Wstecz"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Dalej"
    back, nxt = (page.get_by_role("button", name=n).bounding_box() for n in ("Wstecz", "Dalej"))
    assert back["x"] < nxt["x"]  # drawn in the same order
    page.locator("input[type=radio]").first.check()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/page/3$"))
    axe("page 3")


@pytest.mark.parametrize("viewport", SIZES)
def test_review_is_one_line_per_dimension_with_send_on_the_first_screen(
    page, live_server, axe, viewport
):
    page.set_viewport_size(viewport)
    begin(page, axe, live_server, codes(live_server)[0])
    choice(page, FIRST, "Zdecydowanie się zgadzam").check()
    page.get_by_role("button", name="Dalej").click()
    axe("page 2")
    page.goto(f"{live_server.url}/review")
    axe("review")
    send = page.get_by_role("button", name="Wyślij odpowiedzi")
    box = send.bounding_box()
    print(
        f"review at {viewport['width']} px: {page.evaluate('document.documentElement.scrollHeight')} px tall, Send ends at {box['y'] + box['height']:.0f} px"
    )
    assert box["y"] + box["height"] <= 2 * viewport["height"]  # was 12 screens down
    changes = page.get_by_role("link", name=re.compile(r"^Zmień"))
    dimensions = load("sales-production").dimensions
    assert changes.count() == len(dimensions) + 1  # one per dimension, and the comments
    assert page.evaluate("document.documentElement.scrollHeight") <= 2 * viewport["height"]
    asked = 3 * len(dimensions[0].items)  # self, other and meta of each statement
    page.get_by_text(f"Odpowiedzi: 1 z {asked}").click()
    expect(page.get_by_text("5 – Zdecydowanie się zgadzam")).to_be_visible()
    axe("review, opened")


@pytest.mark.parametrize("threshold,words", [(3, "co najmniej 3 osoby"), (5, "co najmniej 5 osób")])
def test_welcome_counts_people_in_the_right_polish_form(page, live_server, axe, threshold, words):
    page.set_viewport_size(PHONE)
    code = codes(live_server, threshold=threshold, comment_threshold=threshold)[0]
    page.goto(f"{live_server.url}/r/{code}")
    expect(page.get_by_text(words).first).to_be_visible()
    axe("welcome")


def test_a_second_device_is_told_its_answers_were_not_stored(page, browser, live_server, axe):
    page.set_viewport_size(PHONE)
    (code,) = codes(live_server)
    other = browser.new_context(viewport=LAPTOP).new_page()
    other.goto(f"{live_server.url}/r/{code}")
    other.get_by_role("link", name="Rozpocznij").click()
    choice(other, FIRST, "Raczej się nie zgadzam").check()

    begin(page, axe, live_server, code)
    choice(page, FIRST, "Raczej się zgadzam").check()
    page.goto(f"{live_server.url}/review")
    axe("review")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator("h1")).to_have_text("Dziękujemy")
    axe("thanks")

    other.get_by_role("button", name="Dalej").click()
    other.goto(f"{live_server.url}/review")
    other.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(other.locator("h1")).to_have_text("Ten kod został już wykorzystany")
    expect(other.locator(".lead")).to_contain_text("Tych odpowiedzi nie zapisano")
    assert not violations(other), describe(violations(other))
    other.context.close()

    # The person who did answer opens their own link again: thanked, not alarmed.
    page.goto(f"{live_server.url}/r/{code}")
    expect(page.locator("h1")).to_have_text("Twoje odpowiedzi już do nas dotarły")
    expect(page.get_by_text("nowy kupon")).to_have_count(0)
    axe("already received")
