"""A Ukrainian-speaking person answers on a phone in Debian's Chromium (issue 22, item 4):
a round in Ukrainian from the slip's link to the thanks, and a Polish round switched to
Ukrainian midway. axe-core checks every page."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from survey.documents.slips import codes_csv
from survey.store import invites
from survey.store.rounds import create_round, get_round, open_round

from .conftest import PHONE


def slip_link(live_server, lang: str) -> str:
    """A link exactly as printed on a slip of a new open round in `lang`."""
    db = live_server.db()
    round_id = create_round(
        db, "Осінь 2026", "sales-production", "Продажі", "Виробництво", lang=lang
    )
    open_round(db, round_id)
    codes = invites.generate(db, round_id, "b", 1, live_server.app.config["INVITE_KEY"])
    (row,) = csv.DictReader(io.StringIO(codes_csv(get_round(db, round_id), codes, live_server.url)))
    db.conn.close()
    return row["url"]


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_ukrainian_round_on_a_phone_from_the_slip_to_the_thanks(page, live_server, axe):
    page.set_viewport_size(PHONE)
    page.goto(slip_link(live_server, "uk"))
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("h1")).to_have_text("Lustro: як ми бачимо одне одного")
    expect(page.get_by_text("Ви відповідаєте як особа з відділу «Виробництво».")).to_be_visible()
    expect(page.locator("nav.lang [aria-current]")).to_have_text("Українська")
    fits(page)
    axe("welcome, Ukrainian")
    page.get_by_role("link", name="Розпочати").click()

    statement = "Ми передаємо відділу «Продажі» потрібну інформацію вчасно, а не в останню хвилину."
    page.get_by_role("group", name=statement).get_by_label("Скоріше погоджуюся", exact=True).check()
    while page.get_by_role("heading", name="Своїми словами").count() == 0:
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        fits(page)
        axe("question page, Ukrainian")
        page.get_by_role("button", name="Далі").click()
    axe("comments, Ukrainian")
    page.get_by_label(
        "Що відділ «Продажі» робить – або чого не робить – і цим ускладнює нам роботу?"
    ).fill("Пізні зміни в замовленнях.")
    page.get_by_role("button", name="Далі").click()
    expect(page.locator("h1")).to_have_text("Перевірити й надіслати")
    page.locator("summary").first.click()
    expect(page.get_by_text("4 – Скоріше погоджуюся")).to_be_visible()
    fits(page)
    axe("review, Ukrainian")
    page.get_by_role("button", name="Надіслати відповіді").click()
    expect(page.locator("h1")).to_have_text("Дякуємо")
    expect(page.get_by_text("Ваші відповіді отримано.")).to_be_visible()
    fits(page)
    axe("thanks, Ukrainian")

    db = live_server.db()
    stored = db.execute(
        "SELECT value FROM answers WHERE item = 'timely' AND perspective = 'self'"
    ).fetchall()
    comments = db.execute("SELECT text FROM comments").fetchall()
    db.conn.close()
    assert stored == [(4,)] and comments == [("Пізні зміни в замовленнях.",)]


def test_a_respondent_in_a_polish_round_switches_to_ukrainian(page, live_server, axe):
    page.set_viewport_size(PHONE)
    page.goto(slip_link(live_server, "pl"))
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    axe("welcome, Polish")
    page.get_by_role("link", name="Rozpocznij").click()
    polish = (
        "Dział „Продажі” przekazuje nam potrzebne informacje na czas, a nie w ostatniej chwili."
    )
    expect(page.get_by_role("group", name=polish)).to_be_visible()
    axe("question, Polish")
    page.get_by_role("button", name="Українська").click()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    statement = "Відділ «Продажі» передає нам потрібну інформацію вчасно, а не в останню хвилину."
    expect(page.get_by_role("group", name=statement)).to_be_visible()
    expect(page.get_by_role("button", name="Далі")).to_be_visible()
    expect(page.get_by_role("group", name=polish)).to_have_count(0)
    fits(page)
    axe("question, switched to Ukrainian")
