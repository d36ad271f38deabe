"""Issue 21, what a new HR person, an employee and a facilitator hit, in Chromium with
axe-core on every page: slips, the codes CSV and the projector used 127.0.0.1:5000 when
PUBLIC_URL was unset (item 1); a too-long comment was refused only after *Dalej*, in bytes
(item 7); the slips progress page refreshed itself with a meta refresh (item 9); a console
404 and ten wrong codes (item 10)."""

from __future__ import annotations

import csv
import io
import re
import threading

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from workshop_helpers import closed_round

from survey.documents import batches
from survey.store import invites
from survey.store.accounts import add_user
from survey.store.rounds import create_round, open_round
from survey.store.slots import COMMENT_BYTES, characters_over

from .test_console_fixes import PASSWORD, log_in

LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1280, "height": 720}
# 1,450 characters of Polish with emoji: 1,634 bytes, 118 characters more than fit.
LONG = ("Kuchnia i sala współpracują lepiej, gdy zamówienia są jasne 👍. " * 30)[:1450]


@pytest.fixture
def hr_round(live_server):
    """HR's account and an open round (Sala 8 people, Kuchnia 7)."""
    db = live_server.db()
    add_user(db, "hr@restauracja.pl", "hr", PASSWORD)
    add_user(db, "fac@restauracja.pl", "facilitator", PASSWORD)
    round_id = create_round(
        db, "Restauracja – wiosna", "sales-production", "Sala", "Kuchnia",
        headcount_a=8, headcount_b=7, threshold=3, comment_threshold=3,
    )  # fmt: skip
    open_round(db, round_id)
    db.conn.close()
    return round_id


def generate(page, axe, url: str, round_id: int, side: str, count: int) -> list[str]:
    page.goto(f"{url}/console/rounds/{round_id}/invites")
    axe("invites")
    page.get_by_label(side, exact=True).check()
    page.get_by_label("How many codes").fill(str(count))
    page.get_by_role("button", name="Generate codes").click()
    expect(page.locator("ol.codes li")).to_have_count(count)
    axe("new codes")
    return page.locator("ol.codes code").all_inner_texts()


# --- Item 1: the served address when PUBLIC_URL is unset ------------------------------


def test_without_public_url_slips_csv_and_projector_use_the_served_address_and_say_so(
    page, live_server, hr_round, axe
):
    live_server.app.config["PUBLIC_URL"] = None  # as after `survey init`: nothing set
    url = live_server.url  # 127.0.0.1 on a port picked for this test, never 5000
    assert not url.endswith(":5000")
    page.set_viewport_size(LAPTOP)
    log_in(page, axe, url, "hr@restauracja.pl")
    codes = generate(page, axe, url, hr_round, "Sala", 3)
    notice = page.locator(".public-url")
    expect(notice).to_contain_text(f"use the address this page was opened at, {url}")
    expect(notice).to_contain_text("Only this computer can open that address")
    expect(notice).to_contain_text('add PUBLIC_URL = "https://survey.example.com"')
    expect(notice).to_contain_text("instance/config.toml")

    with page.expect_download() as got:
        page.get_by_role("button", name="Download codes (CSV, for mail merge)").click()
    rows = list(csv.DictReader(io.StringIO(got.value.path().read_text(encoding="utf-8"))))
    assert [row["url"] for row in rows] == [f"{url}/r/{code}" for code in codes]

    page.get_by_role("button", name="Download slips to print (PDF)").click()
    ready = page.get_by_role("button", name="Download the slips (PDF)")
    expect(ready).to_be_visible(timeout=20_000)
    axe("slips ready")
    with page.expect_download() as got:
        ready.click()
    text = " ".join(PdfReader(got.value.path()).pages[0].extract_text().split())
    assert url.split("://")[1] in text and "127.0.0.1:5000" not in text

    # The projector: the join link and its QR code, and the same notice on the first slide.
    db = live_server.db()
    closed = closed_round(db, per_side=8)
    db.conn.close()
    page.goto(f"{url}/console/rounds/{closed}/workshops")
    axe("new workshop")
    for box in page.get_by_role("checkbox").all()[:2]:
        box.check()  # random answers: no clear finding ticks a dimension by itself
    page.get_by_role("button", name="Start the workshop").click()
    page.set_viewport_size(PROJECTOR)
    expect(page.locator(".qr-box")).to_contain_text(f"{url}/w/")
    assert page.locator("svg.qr title").text_content().startswith(f"{url}/w/")
    expect(page.locator(".public-url")).to_contain_text(
        f"The join link and QR code use the address this page was opened at, {url}"
    )
    axe("welcome slide")


def test_with_public_url_set_the_links_use_it_and_no_notice_shows(page, live_server, hr_round, axe):
    live_server.app.config["PUBLIC_URL"] = "https://ankieta.restauracja.example"
    log_in(page, axe, live_server.url, "hr@restauracja.pl")
    generate(page, axe, live_server.url, hr_round, "Kuchnia", 2)
    expect(page.locator(".public-url")).to_have_count(0)
    with page.expect_download() as got:
        page.get_by_role("button", name="Download codes (CSV, for mail merge)").click()
    rows = list(csv.DictReader(io.StringIO(got.value.path().read_text(encoding="utf-8"))))
    assert all(r["url"].startswith("https://ankieta.restauracja.example/r/") for r in rows)


# --- Item 7: the comment counter ----------------------------------------------------------


def _to_comments(page, axe, live_server, round_id: int) -> None:
    db = live_server.db()
    (code,) = invites.generate(db, round_id, "a", 1, live_server.app.config["INVITE_KEY"])
    db.conn.close()
    page.goto(f"{live_server.url}/r/{code}")
    axe("welcome")
    page.get_by_role("link", name="Rozpocznij").click()
    while page.get_by_role("heading", name="Własnymi słowami").count() == 0:
        axe("questions")
        page.get_by_role("button", name="Dalej").click()
    axe("comments")


def _stored_size(box) -> int:
    """The answer's bytes as the server counts them (stripped; a line break is CR LF)."""
    return box.evaluate(
        "a => new TextEncoder().encode(a.value.trim().replace(/\\r?\\n/g, '\\r\\n')).length"
    )


def test_the_comment_counter_counts_characters_and_typing_stops_at_the_room(
    page, live_server, hr_round, axe
):
    page.set_viewport_size({"width": 360, "height": 740})
    _to_comments(page, axe, live_server, hr_round)
    box = page.locator("textarea").first
    counter = page.locator(".counter").first
    expect(counter).to_have_text(f"Pozostało znaków: {COMMENT_BYTES}")  # Polish: no "1 500"
    assert box.get_attribute("maxlength") == str(COMMENT_BYTES)
    # The hint under the question says what takes more room; the counter is read with it.
    described = box.get_attribute("aria-describedby").split()
    assert (
        page.locator(f"#{described[0]}").inner_text().startswith("Miejsce na 1500 zwykłych liter")
    )
    assert counter.get_attribute("id") in described

    typed = "Zażółć gęślą jaźń 👍"  # 19 characters, 31 bytes
    box.press_sequentially(typed)
    expect(counter).to_have_text(f"Pozostało znaków: {COMMENT_BYTES - len(typed.encode())}")
    # Nearly full (a paste of 1,460 plain letters), then typed key by key: typing stops
    # where the room ends, nothing past the limit.
    box.fill("x" * (COMMENT_BYTES - 40))
    expect(counter).to_have_text("Pozostało znaków: 40")
    box.press_sequentially(" Zażółć gęślą jaźń 👍" * 3)  # 93 bytes more
    expect(counter).to_have_text(re.compile(r"Pozostało znaków: \d$"))
    assert COMMENT_BYTES - 3 <= _stored_size(box) <= COMMENT_BYTES
    axe("comments, full")
    page.get_by_role("button", name="Dalej").click()
    expect(page).to_have_url(re.compile(r"/review$"))  # taken, not refused after Dalej
    axe("review")


def test_a_pasted_answer_too_long_says_by_how_many_characters_and_holds_dalej(
    page, live_server, hr_round, axe
):
    _to_comments(page, axe, live_server, hr_round)
    box = page.locator("textarea").first
    counter = page.locator(".counter").first
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", LONG)
    box.focus()
    page.keyboard.press("Control+V")  # a paste: 1,450 characters at once
    over = characters_over(LONG)
    expect(counter).to_have_text(f"Znaków ponad limit: {over}")
    expect(box).to_have_attribute("aria-invalid", "true")
    axe("comments, too long")
    page.get_by_role("button", name="Dalej").click()
    expect(page).to_have_url(re.compile(r"/comments$"))
    expect(box).to_be_focused()
    expect(page.locator(".field [role=status]").first).to_have_text(
        f"Skróć tę odpowiedź, aby przejść dalej. Znaków ponad limit: {over}"
    )
    for _ in range(over):
        page.keyboard.press("Backspace")
    expect(counter).to_have_text(re.compile(r"Pozostało znaków: \d+$"))
    page.get_by_role("button", name="Dalej").click()
    expect(page).to_have_url(re.compile(r"/review$"))
    axe("review")


# --- Item 9: the slips progress page -----------------------------------------------------


@pytest.fixture
def held_slips(monkeypatch):
    """Slips that wait to be drawn until the test lets them go."""
    gate = threading.Event()
    draw = batches.write_slips_pdf

    def held(texts, codes, base_url, target, progress=None):
        gate.wait(30)
        draw(texts, codes, base_url, target, progress)

    monkeypatch.setattr(batches, "write_slips_pdf", held)
    yield gate
    gate.set()


def test_the_slips_progress_page_updates_in_place_without_a_meta_refresh(
    page, browser, live_server, hr_round, axe, held_slips
):
    log_in(page, axe, live_server.url, "hr@restauracja.pl")
    generate(page, axe, live_server.url, hr_round, "Sala", 9)
    page.get_by_role("button", name="Download slips to print (PDF)").click()
    expect(page.locator("h1")).to_have_text("Slips to print")
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    status = page.get_by_role("status")
    expect(status).to_have_text("0 of 9 slips drawn…")
    expect(page.get_by_role("button", name="Download the slips (PDF)")).to_be_hidden()
    axe("slips drawing")

    # Without JavaScript: a link shows the progress again (and no page reloads by itself).
    plain = browser.new_context(
        java_script_enabled=False, storage_state=page.context.storage_state()
    )
    still = plain.new_page()
    still.goto(page.url)
    link = still.get_by_role("link", name="Show how far the slips are now")
    expect(link).to_be_visible()
    # (axe-core is a script: it cannot run where JavaScript is off. This is the same page
    # as the one checked above, with a plain link in place of the script.)

    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    held_slips.set()
    ready = page.get_by_role("button", name="Download the slips (PDF)")
    expect(ready).to_be_visible(timeout=20_000)
    expect(status).to_have_text(
        "The PDF with 9 slips is ready. It can be downloaded once, then it is deleted from the server."
    )
    assert loads == []  # the same page, updated in place
    axe("slips ready")

    link.click()
    expect(still.get_by_role("button", name="Download the slips (PDF)")).to_be_visible()
    plain.close()
    with page.expect_download() as got:
        ready.click()
    assert got.value.suggested_filename.endswith("-codes.pdf")


# --- Item 10: the console's 404, ten wrong codes --------------------------------------


def test_a_console_404_is_a_console_page_that_leads_back_to_the_console(
    page, live_server, hr_round, axe
):
    page.goto(f"{live_server.url}/lang/en?next=/console/no-such-page")
    expect(page.locator("h1")).to_have_text("Not found")
    assert page.locator(".console-page").count() == 1
    expect(page.get_by_role("link", name="Log in to the console")).to_be_visible()
    assert page.get_by_role("link", name="Back to the start page").count() == 0
    axe("console 404, logged out")
    log_in(page, axe, live_server.url, "hr@restauracja.pl")
    for path in ("/console/no-such-page", "/console/rounds/999", "/console/workshops/999"):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_have_text("Not found")
        assert page.locator(".console-page").count() == 1
        assert page.get_by_role("link", name="Back to the start page").count() == 0
        axe(f"console 404 {path}")
        page.get_by_role("link", name="Back to the list of rounds").click()
        expect(page.locator("h1")).to_have_text("Survey rounds")


def test_ten_wrong_codes_a_minute_are_each_answered_and_the_eleventh_is_refused(
    page, live_server, axe
):
    page.goto(f"{live_server.url}/lang/en?next=/")
    axe("start")
    for i in range(10):
        page.get_by_label("Your code").fill(f"AAAA-BBBB-CC{'DEFGHJKMNP'[i]}{'DEFGHJKMNP'[i]}")
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.get_by_role("button", name="Start").click()
        assert sent.value.status == 404  # "no such code", answered: not yet throttled
        expect(page.locator("h1")).not_to_have_text("Too many tries")
    axe("wrong code")
    page.get_by_label("Your code").fill("AAAA-BBBB-CCQQ")
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Start").click()
    assert sent.value.status == 429
    expect(page.locator("h1")).to_have_text("Too many tries")
    axe("too many tries")
