"""The workshop in real Chromium: a facilitator on the projector counts the people in the
room, twelve phones (six a side, each its own browser context) join with the code on the
screen, guess, see the reveal held back below the threshold and shown above it, record
an agreement, put their dots on it, and the facilitator downloads the agreements PDF.
Screenshots of the projector and a phone go to test-results/screenshots/."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader
from workshop_helpers import closed_round

from survey.store.accounts import add_user
from survey.store.questionnaire import load

from .axe import describe, violations
from .conftest import PHONE, SCREENSHOTS

PASSWORD = "browser test password"
PROJECTOR = {"width": 1280, "height": 720}
INFORMATION, RESPECT = (
    load("sales-production").dimension(d).name["en"] for d in ("information", "respect")
)


def _checked(phone, label: str) -> None:
    """axe-core on a phone's page (the `axe` fixture watches the projector's page)."""
    found = violations(phone)
    assert not found, f"axe-core on the phone's {label} page:\n{describe(found)}"


def _join(browser, url: str, code: str, side_label: str, check: bool):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    phone = context.new_page()
    phone.goto(url + "/w")
    if check:
        _checked(phone, "join")
    phone.get_by_label("Code from the screen").fill(code.lower())
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("h1")).to_have_text("Which side are you on?")
    if check:
        _checked(phone, "side")
    phone.get_by_label(side_label, exact=True).check()
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator("h1")).to_have_text("Look at the screen")
    return phone


def _key(page, key: str) -> None:
    """Press a key on the projector once its script listens: the keys are the script's,
    and a key pressed while a page after a click is still loading would be lost."""
    page.wait_for_load_state("load")
    page.keyboard.press(key)


def _guess(phone, value: int) -> None:
    # The phone follows the projector by itself (polling), no tap on Refresh needed.
    phone.get_by_label(str(value), exact=True).check(timeout=6000)
    phone.get_by_role("button", name="Send my guess").click()
    expect(phone.get_by_text("Your guess is counted.")).to_be_visible()


def test_a_workshop_with_a_projector_and_twelve_phones(page, browser, live_server, axe, screenshot):
    db = live_server.db()
    round_id = closed_round(db, per_side=8)
    add_user(db, "fac@example.com", "facilitator", PASSWORD)
    db.conn.close()
    url = live_server.url

    page.set_viewport_size(PROJECTOR)
    page.goto(url + "/console/login?lang=en")
    axe("login")
    page.get_by_label("Email").fill("fac@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Survey rounds")
    axe("rounds")
    page.goto(f"{url}/console/rounds/{round_id}/workshops")
    axe("new workshop")
    page.get_by_label(INFORMATION).check()
    page.get_by_label(RESPECT).check()
    page.get_by_role("button", name="Start the workshop").click()
    expect(page.locator("h1")).to_have_text("Welcome and ground rules")
    axe("welcome slide")
    code = page.locator(".code-big").inner_text()
    assert len(code) == 6 and page.locator("svg.qr").count() == 1
    screenshot("workshop-projector-welcome")
    # The facilitator counts each side's people in the room: a side with more guesses
    # than people is held back at the reveal.
    page.get_by_label("Sprzedaż", exact=True).fill("6")
    page.get_by_label("Produkcja", exact=True).fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The number of people in the room is saved.")).to_be_visible()
    axe("welcome slide, people in the room counted")

    phones = [
        _join(browser, url, code, label, check=(i == 0))
        for label in ("Sprzedaż", "Produkcja")
        for i in range(6)
    ]
    sales, production = phones[:6], phones[6:]

    # First dimension: three of sales and all six of production guess.
    _key(page, "ArrowRight")
    expect(page.locator("h1")).to_have_text(INFORMATION)
    axe("dimension before the reveal")
    expect(sales[0].get_by_role("button", name="Send my guess")).to_be_visible(timeout=6000)
    _checked(sales[0], "guess")
    sales[0].screenshot(path=str(SCREENSHOTS / "workshop-phone-guess.png"), full_page=True)
    for phone in sales[:3]:
        _guess(phone, 2)
    _checked(sales[0], "waiting")
    for phone, value in zip(production, (3, 3, 4, 4, 4, 5), strict=True):
        _guess(phone, value)
    # The projector counts them by itself (it polls), and shows no value before the reveal.
    expect(page.locator('[data-count="a"]')).to_have_text("3")
    expect(page.locator('[data-count="b"]')).to_have_text("6")
    assert page.locator(".reveal-chart").count() == 0
    screenshot("workshop-projector-counting")

    _key(page, "r")
    expect(page.locator(".reveal-chart")).to_be_visible()
    axe("reveal")
    rows = page.locator(".reveal-table tbody tr")
    expect(rows.nth(0)).to_contain_text("held back: 3 guessed, fewer than 5")
    expect(rows.nth(1)).to_contain_text("3.8 (6 guesses)")
    screenshot("workshop-projector-reveal")
    # Guessing is over for this dimension: a late phone cannot add to the shown figure.
    expect(sales[4].locator("h1")).to_have_text("Look at the screen")

    # Second dimension: everyone guesses, both sides are shown.
    _key(page, "ArrowRight")
    expect(page.locator("h1")).to_have_text(RESPECT)
    for phone in phones:
        _guess(phone, 4)
    expect(page.locator('[data-count="a"]')).to_have_text("6")
    page.get_by_role("button", name="Reveal").click()
    rows = page.locator(".reveal-table tbody tr")
    expect(rows.nth(0)).to_contain_text("4.0 (6 guesses)")
    expect(rows.nth(1)).to_contain_text("4.0 (6 guesses)")

    # Agreements: recorded on the projector, then dot-voted on the phones.
    _key(page, "ArrowRight")
    expect(page.locator("h1")).to_have_text("Agreements")
    page.get_by_label("What will change").fill("A joint planning meeting every Monday")
    page.get_by_label("Who does it").select_option(label="Both sides")
    page.get_by_label("By when").fill("2026-12-31")
    page.get_by_label("How both sides will know it happened").fill("Minutes in both calendars")
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.get_by_role("cell", name="A joint planning meeting every Monday")).to_be_visible()
    axe("agreements")
    _key(page, "ArrowRight")
    expect(page.locator("h1")).to_have_text("Dot vote: which agreements matter most")
    for index, phone in enumerate(phones):
        select = phone.get_by_label("A joint planning meeting every Monday")
        select.select_option("3" if index % 2 else "1", timeout=6000)
        if index == 0:
            _checked(phone, "dots")
        phone.get_by_role("button", name="Put my dots").click()
        expect(phone.get_by_text("Your dots are counted.")).to_be_visible()
    expect(page.locator(".dots").first).to_have_text(str(6 * 3 + 6 * 1))
    axe("dot vote")

    with page.expect_download() as download:
        page.get_by_role("link", name="Agreements PDF").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "A joint planning meeting every Monday" in text
    assert "Minutes in both calendars" in text and "24" in text
    for phone in phones:
        phone.context.close()
