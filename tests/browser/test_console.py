"""A whole round in the console, in real Chromium: HR sets it up, people answer through the
survey, HR closes it, a facilitator moderates and downloads the report. Screenshots at laptop and tablet
widths go to test-results/screenshots/."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from survey.store.accounts import add_user
from survey.store.responses import Submission, add_responses

from .conftest import DESKTOP

TABLET = {"width": 768, "height": 1024}
PASSWORD = "browser test password"


def _log_in(page, url, email, axe):
    page.goto(url + "/console/login")
    axe("login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Survey rounds")
    axe("rounds")


def _paper_forms(live_server, round_id):
    """Two paper forms per side typed in (as `survey import` would): with the two answers
    sent online, each side reaches the thresholds of 3 and its comments can be moderated."""
    db = live_server.db()
    add_responses(
        db,
        round_id,
        [
            Submission(side, {("information", "timely", "self"): 4}, {"change": text})
            for side, text in [
                ("a", "Weekly planning meeting together."),
                ("a", "Earlier warnings about delays."),
                ("b", "More reliable forecasts."),
                ("b", "Ask us before promising dates."),
            ]
        ],
    )
    db.conn.close()


def _answer_online(browser, url, code, comment):
    """A respondent with a slip, in a browser of their own: opens the link, skips to the
    open question (every question may be skipped), writes a comment and sends."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{url}/r/{code}")  # the round's language: Polish
    page.get_by_role("link", name="Rozpocznij").click()
    while page.get_by_role("heading", name="Własnymi słowami").count() == 0:
        page.get_by_role("button", name="Dalej").click()
    page.locator("textarea").first.fill(comment)
    page.get_by_role("button", name="Dalej").click()
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator("h1")).to_have_text("Dziękujemy")
    context.close()


def _generate(page, side_label, count, axe):
    """Generate codes for one side; return them as the page shows them (once)."""
    axe("invite codes")
    page.get_by_label(side_label).check()
    page.get_by_label("How many codes").fill(str(count))
    page.get_by_role("button", name="Generate codes").click()
    expect(page.locator("ol.codes li")).to_have_count(count)
    axe("new codes")
    return page.locator("ol.codes code").all_inner_texts()


def _laptop_and_tablet(page, screenshot, name, axe):
    axe(f"{name}, laptop")
    screenshot(f"{name}-laptop")
    page.set_viewport_size(TABLET)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    axe(f"{name}, tablet")
    screenshot(f"{name}-tablet")
    page.set_viewport_size(DESKTOP)


def test_hr_runs_a_round_and_a_facilitator_moderates(browser, page, live_server, screenshot, axe):
    db = live_server.db()
    add_user(db, "hr@firma.pl", "hr", PASSWORD)
    add_user(db, "fac@firma.pl", "facilitator", PASSWORD)
    db.conn.close()
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/lang/en?next=/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))
    _log_in(page, live_server.url, "hr@firma.pl", axe)

    page.get_by_role("link", name="New round").click()
    axe("new round")
    page.get_by_label("Questionnaire").select_option("pulse")
    page.get_by_label("Name of the round").fill("Autumn 2026")
    page.get_by_label("Side A", exact=True).fill("Sales")
    page.get_by_label("Side B", exact=True).fill("Production")
    page.get_by_label("People on side A").fill("12")
    page.get_by_label("People on side B").fill("20")
    page.get_by_label("Smallest group shown (score threshold)").fill("3")
    page.get_by_label("Smallest side whose comments are shown (comment threshold)").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error")).to_have_text("Enter a whole number from 3 to 1000.")
    axe("new round refused")
    screenshot("console-new-round-error-laptop")
    page.get_by_label("Smallest side whose comments are shown (comment threshold)").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("The round is created as a draft.")
    round_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    axe("draft round")

    page.get_by_role("link", name="Invite codes").click()
    production_codes = _generate(page, "Production", 5, axe)
    screenshot("console-codes-laptop")
    page.get_by_role("button", name="Download slips to print (PDF)").click()
    # The slips are drawn in the background; the page follows them in place until ready.
    ready = page.get_by_role("button", name="Download the slips (PDF)")
    expect(ready).to_be_visible(timeout=20_000)
    axe("slips ready")
    with page.expect_download() as slips:
        ready.click()
    assert slips.value.suggested_filename == f"lustro-round-{round_id}-b-codes.pdf"
    page.get_by_role("link", name="Back to the batch").click()
    page.get_by_role("button", name="Done: delete these codes from the server").click()
    sales_codes = _generate(page, "Sales", 3, axe)
    page.get_by_role("button", name="Done: delete these codes from the server").click()
    expect(page.locator("table.counts")).to_contain_text("5")
    expect(page.locator("main")).not_to_contain_text(production_codes[0])
    page.get_by_role("link", name="Autumn 2026").click()
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator(".flash")).to_contain_text("The round is open")

    _answer_online(
        browser, live_server.url, sales_codes[0], "Jan Kowalski from planning never calls back."
    )
    _answer_online(
        browser, live_server.url, production_codes[0], "Fewer urgent orders on Friday afternoon."
    )
    _paper_forms(live_server, round_id)
    page.reload()
    # Today's answers are not counted yet: the count is as of the start of today.
    expect(page.locator("table.participation")).to_contain_text("fewer than 3")
    _laptop_and_tablet(page, screenshot, "console-round-open", axe)

    page.get_by_role("link", name="Close the round").click()
    axe("close")
    page.get_by_role("button", name="Yes, close the round for good").click()
    expect(page.locator(".flash")).to_have_text(
        "The round is closed. It will never accept responses again."
    )
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server.url, "fac@firma.pl", axe)
    expect(page.get_by_role("link", name="New round")).to_have_count(0)
    page.get_by_role("link", name="Autumn 2026").click()
    page.get_by_role("link", name="Moderate comments").click()
    expect(page.locator("blockquote")).to_have_count(6)
    comment = page.locator("li.comment", has_text="Jan Kowalski")
    comment.get_by_label("Reason for hiding").fill("names a person")
    comment.get_by_role("button", name="Hide from the report").click()
    expect(page.locator(".flash")).to_contain_text("The comment is hidden from the report")
    expect(page.locator("li.hidden-comment")).to_contain_text("names a person")
    expect(page.locator("main")).to_contain_text("1 comment hidden")
    _laptop_and_tablet(page, screenshot, "console-comments", axe)
    page.get_by_role("link", name="Autumn 2026").click()
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("h1")).to_have_text("Reports")
    axe("reports")
    screenshot("console-reports-laptop")
    with page.expect_download() as report:
        page.get_by_role("button", name="Gap report, English (PDF)").click()
    assert report.value.suggested_filename == f"lustro-round-{round_id}-report.en.pdf"
    assert Path(report.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as analysis:
        page.get_by_role("button", name="Analysis (JSON)").click()
    comments = json.loads(Path(analysis.value.path()).read_text())["comments"]["change"]
    assert "Jan Kowalski from planning never calls back." not in comments["a"]
    assert "Fewer urgent orders on Friday afternoon." in comments["b"]

    # HR reads in the audit log who did what, in Polish.
    page.get_by_role("button", name="Log out").click()
    _log_in(page, live_server.url, "hr@firma.pl", axe)
    page.get_by_role("link", name="Polski").click()
    page.get_by_role("link", name="Dziennik zdarzeń").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_contain_text("hr@firma.pl")
    expect(page.locator("table.audit")).to_contain_text("ukrycie komentarza")
    expect(page.locator("table.audit")).to_contain_text("names a person")
    axe("audit")
    screenshot("console-audit-laptop")
    page.get_by_role("link", name="Badania", exact=True).click()
    expect(page.locator("table.participation")).to_contain_text("3")
    _laptop_and_tablet(page, screenshot, "console-rounds-pl", axe)
