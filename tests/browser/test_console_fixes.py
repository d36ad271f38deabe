"""The console as a new HR person meets it, in Chromium at phone (360 px) and laptop
(1366 px) widths: no sideways scrolling, axe-clean pages, refusals that say what to do,
and codes that a reload cannot multiply."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from survey.store.accounts import add_user
from survey.store.invites import issued_counts
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, open_round

PASSWORD = "browser test password"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
SIZES = [pytest.param(PHONE, id="phone-360"), pytest.param(LAPTOP, id="laptop-1366")]


@pytest.fixture
def restaurant(live_server):
    """HR and a facilitator; an open round for a restaurant (Sala 8, Kuchnia 7) and a
    closed one with answers, so every console page has something to show."""
    db = live_server.db()
    add_user(db, "hr@restauracja.pl", "hr", PASSWORD)
    add_user(db, "fac@restauracja.pl", "facilitator", PASSWORD)
    settings = {"headcount_a": 8, "headcount_b": 7, "threshold": 3, "comment_threshold": 3}
    open_id, closed_id = (
        create_round(db, name, questionnaire, "Sala", "Kuchnia", **settings)
        for name, questionnaire in [
            ("Restauracja – wiosna 2026", "sales-production"),
            ("Restauracja – zima 2025", "pulse"),
        ]
    )
    open_round(db, open_id)
    open_round(db, closed_id)
    add_responses(
        db,
        closed_id,
        [
            Submission(side, {("information", "timely", "self"): 4}, {"change": f"{side} {i}"})
            for side in "ab"
            for i in range(3)
        ],
    )
    close_round(db, closed_id)
    db.conn.close()
    return open_id, closed_id


def log_in(page, axe, url, email, lang="en"):
    """Log in from the login page; both it and the rounds list are checked with axe."""
    page.goto(f"{url}/lang/{lang}?next=/console/login")
    axe("login")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/console/$"))
    axe("rounds")


def open_new_round_form(page, axe, url, viewport) -> None:
    """HR, logged in at this window size, on the new round form."""
    page.set_viewport_size(viewport)
    log_in(page, axe, url, "hr@restauracja.pl")
    page.get_by_role("link", name="New round").click()


def fits(page, viewport) -> None:
    """Nothing wider than the window (names the widest element when something is)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    widest = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > limit + 0.5)
             .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
        viewport["width"],
    )
    assert width <= viewport["width"], f"{page.url}: {width} px wide: {widest}"


@pytest.mark.parametrize("viewport", SIZES)
def test_every_console_page_fits_and_passes_axe(page, live_server, restaurant, axe, viewport):
    open_id, closed_id = restaurant
    page.set_viewport_size(viewport)
    log_in(page, axe, live_server.url, "hr@restauracja.pl")
    for path in (
        "/console/",
        f"/console/rounds/{open_id}",
        f"/console/rounds/{open_id}/edit",
        f"/console/rounds/{open_id}/invites",
        f"/console/rounds/{open_id}/close",
        "/console/rounds/new",
        f"/console/rounds/{closed_id}",
        f"/console/rounds/{closed_id}/comments",
        f"/console/rounds/{closed_id}/report",
        "/console/audit",
    ):
        page.goto(live_server.url + path)
        fits(page, viewport)
        axe(path)
    # A new batch of codes and its slips page, too.
    page.goto(f"{live_server.url}/console/rounds/{open_id}/invites")
    page.get_by_label("Sala").check()
    page.get_by_label("How many codes").fill("9")
    page.get_by_role("button", name="Generate codes").click()
    expect(page.locator("ol.codes li")).to_have_count(9)
    fits(page, viewport)
    axe("new codes")
    page.get_by_role("button", name="Download slips to print (PDF)").click()
    expect(page.get_by_role("button", name="Download the slips (PDF)")).to_be_visible(
        timeout=20_000
    )
    fits(page, viewport)
    axe("slips ready")
    # And the login page, logged out.
    page.get_by_role("button", name="Log out").click()
    fits(page, viewport)
    axe("login")


@pytest.mark.parametrize("viewport", SIZES)
def test_reloading_the_new_codes_page_makes_no_second_batch(
    page, live_server, restaurant, axe, viewport
):
    open_id, _closed_id = restaurant
    page.set_viewport_size(viewport)
    log_in(page, axe, live_server.url, "hr@restauracja.pl")
    page.goto(f"{live_server.url}/console/rounds/{open_id}/invites")
    axe("invites")
    page.get_by_label("Sala").check()
    page.get_by_label("How many codes").fill("8")
    page.get_by_role("button", name="Generate codes").click()
    expect(page.locator("ol.codes li")).to_have_count(8)
    first = page.locator("ol.codes code").first.inner_text()
    axe("codes")
    page.reload()
    expect(page.locator("ol.codes li")).to_have_count(0)
    expect(page.locator(".notice")).to_contain_text("shown once and are not shown again")
    expect(page.locator("main")).not_to_contain_text(first)
    db = live_server.db()
    assert issued_counts(db, open_id) == {"a": 8, "b": 0}
    db.conn.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_new_round_form_defaults_to_the_main_questionnaire_and_refuses_clearly(
    page, live_server, restaurant, axe, viewport
):
    open_new_round_form(page, axe, live_server.url, viewport)
    expect(page.get_by_label("Questionnaire")).to_have_value("sales-production")
    axe("new round")
    page.get_by_label("Name of the round").fill("Restauracja – lato 2026")
    long_name = "Sala restauracyjna wraz z barem, tarasem i obsługą przyjęć okolicznościowych"
    page.get_by_label("Side A", exact=True).press_sequentially(long_name)
    # The browser keeps every character typed; the server says what the limit is.
    expect(page.get_by_label("Side A", exact=True)).to_have_value(long_name)
    page.get_by_label("Side B", exact=True).fill("Kuchnia")
    page.get_by_label("People on side A").fill("8")
    page.get_by_label("People on side B").fill("1.5")
    page.get_by_label("Smallest side whose comments are shown (comment threshold)").fill("10")
    page.get_by_label("Planned closing date").fill("2020-01-15")
    page.get_by_role("button", name="Save").click()
    errors = page.locator(".field .error")
    expect(errors).to_have_text(
        [
            "Keep it to 60 characters or fewer: the name appears in every question.",
            "Enter a whole number from 1 to 100000.",
            re.compile(r"^No comment of .* could ever be shown: .* has 8 people\."),
            "The closing date is in the past: choose today or later.",
        ]
    )
    fits(page, viewport)
    axe("refused")
    page.get_by_label("Side A", exact=True).fill("Sala")
    page.get_by_label("People on side B").fill("7")
    page.get_by_label("Smallest side whose comments are shown (comment threshold)").fill("7")
    page.get_by_label("Planned closing date").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("The round is created as a draft.")
    # The main questionnaire (sales-production), shown by its title.
    expect(page.locator("dl.settings")).to_contain_text("Lustro: how we see each other")
    axe("created")


@pytest.mark.parametrize("viewport", SIZES)
def test_a_form_sent_with_an_expired_token_comes_back_and_sends_in_one_click(
    page, live_server, restaurant, axe, viewport
):
    open_new_round_form(page, axe, live_server.url, viewport)
    typed = {
        "Name of the round": "Restauracja – jesień 2026",
        "Side A": "Sala",
        "Side B": "Kuchnia",
    }
    for label, value in (typed | {"People on side A": "30", "People on side B": "40"}).items():
        page.get_by_label(label, exact=True).fill(value)
    # The token the page was given has gone stale (as after a restart with a new key).
    page.locator("main input[name=csrf_token]").evaluate("input => input.value = 'stale'")
    with page.expect_response(re.compile(r"/console/rounds/new$")) as sent:
        page.get_by_role("button", name="Save").click()
    assert sent.value.status == 400
    expect(page.locator("h1")).to_have_text("The page had expired")
    expect(page.locator("main")).to_contain_text("Restauracja – jesień 2026")
    fits(page, viewport)
    axe("stale form")
    page.get_by_role("button", name="Send it again").click()
    expect(page.locator(".flash")).to_have_text("The round is created as a draft.")
    expect(page.locator("h1")).to_contain_text("Restauracja – jesień 2026")
    axe("created after the stale form")


@pytest.mark.parametrize("viewport", SIZES)
def test_a_facilitator_refused_an_hr_page_is_told_why_and_led_back(
    page, live_server, restaurant, axe, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, axe, live_server.url, "fac@restauracja.pl")
    response = page.goto(f"{live_server.url}/console/rounds/new")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Only HR can do this")
    expect(page.locator("main")).to_contain_text("fac@restauracja.pl")
    expect(page.locator("main")).to_contain_text("ask a person with an HR account")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()  # still in the console
    fits(page, viewport)
    axe("403")
    page.get_by_role("link", name="Back to the list of rounds").click()
    expect(page.locator("h1")).to_have_text("Survey rounds")


def test_polish_counts_agree_with_the_number(page, live_server, restaurant, axe):
    _open_id, closed_id = restaurant
    page.set_viewport_size(PHONE)
    log_in(page, axe, live_server.url, "hr@restauracja.pl", lang="pl")
    page.goto(f"{live_server.url}/console/rounds/{closed_id}/report")
    expect(page.locator("main")).to_contain_text("mniej niż 3 osoby.")
    fits(page, PHONE)
    axe("report")
