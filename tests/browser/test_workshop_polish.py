"""The projector in Polish, in real Chromium (issue 21, item 6): the live count of guesses
takes its Polish plural form as phones guess ("1 osoba już wytypowała", "2 osoby już
wytypowały"), where it used to read "Kuchnia 4 już typuje". axe-core runs on each page."""

from __future__ import annotations

from playwright.sync_api import expect
from workshop_helpers import closed_round

from survey.store.accounts import add_user
from survey.store.questionnaire import load

from .test_workshop import PASSWORD, PROJECTOR, _checked, _guess, _join, _key

INFORMATION_PL = load("sales-production").dimension("information").name["pl"]


def test_the_polish_projector_counts_guesses_in_polish_as_they_arrive(browser, live_server):
    db = live_server.db()
    round_id = closed_round(db, per_side=8)
    add_user(db, "fac@example.com", "facilitator", PASSWORD)
    db.conn.close()
    url = live_server.url
    projector = browser.new_context(viewport=PROJECTOR, locale="pl-PL").new_page()
    projector.goto(url + "/console/login")
    _checked(projector, "login")
    projector.get_by_label("E-mail").fill("fac@example.com")
    projector.get_by_label("Hasło").fill(PASSWORD)
    projector.get_by_role("button", name="Zaloguj się").click()
    projector.goto(f"{url}/console/rounds/{round_id}/workshops")
    _checked(projector, "new workshop")
    projector.get_by_label(INFORMATION_PL).check()
    projector.get_by_role("button", name="Rozpocznij warsztat").click()
    code = projector.locator(".code-big").inner_text()
    phones = [_join(browser, url, code, "Sprzedaż", check=(i == 0)) for i in range(2)]
    _key(projector, "ArrowRight")
    expect(projector.locator("h1")).to_have_text(INFORMATION_PL)
    _checked(projector, "counting slide")
    unit = projector.locator('[data-count="a"] + .unit')
    expect(unit).to_have_text("osób już wytypowało")  # 0, as drawn by the server

    _guess(phones[0], 2)
    expect(projector.locator('[data-count="a"]')).to_have_text("1")
    expect(unit).to_have_text("osoba już wytypowała")  # written by the projector's script
    _guess(phones[1], 3)
    expect(projector.locator('[data-count="a"]')).to_have_text("2")
    expect(unit).to_have_text("osoby już wytypowały")
    _checked(projector, "counting slide, two guesses")
