"""The presenter view on a projector (issue 21, item 5): every slide of the half-day agenda
(the welcome with its QR code and agenda, each dimension before and after the reveal, the
break, rooms, needs, agreements with and without the form, the dot vote, the follow-up)
fits 1280x720 and 1920x1080 without scrolling, in English and Polish, checked in Chromium
by each slide's bounding box; and at 360 px the agreements table does not scroll sideways.
axe-core checks every page. Screenshots of the 1280x720 slides go to test-results/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from workshop_helpers import closed_round

from survey.store.accounts import add_user
from survey.workshop import store as workshops
from survey.workshop.agenda import agenda_of

from .conftest import PHONE, SCREENSHOTS

PASSWORD = "browser test password"
PROJECTORS = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
DIMENSIONS = ["information", "understanding", "respect", "shared_goals", "customer"]
# Realistic agreements: long enough to wrap, as a facilitator types them in the room.
AGREEMENTS = [
    (
        "Sales sends the week's confirmed orders to production every Monday by 10:00, "
        "with the changes since last week marked",
        "a",
        "Minutes of the Monday meeting in both calendars",
    ),
    ("Production says within a day whether a rush order can be done", "b", "A reply in the log"),
    ("A joint half-hour review of every missed deadline", "both", "The review notes, monthly"),
]

# Everything the slide draws must lie inside the window: no element's box past its right
# or bottom edge, and the document no larger than the window (no scroll bar either way).
# What sits inside a box that scrolls by itself (a long list) is that box's to show: the
# box itself must lie inside the window.
OUTSIDE = """() => {
  const w = window.innerWidth, h = window.innerHeight, out = [];
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowY);
  for (const el of document.body.querySelectorAll("*")) {
    let up = el.parentElement, inside = false;
    while (up && up !== document.body) { if (scrolls(up)) { inside = true; break; } up = up.parentElement; }
    if (inside) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > w + 0.5 || r.bottom > h + 0.5 || r.left < -0.5 || r.top < -0.5) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}x${Math.round(r.bottom)}`);
    }
  }
  const d = document.documentElement;
  return {outside: out.slice(0, 8), scroll: [d.scrollWidth, d.scrollHeight], window: [w, h]};
}"""


def assert_fits(page, label: str) -> None:
    found = page.evaluate(OUTSIDE)
    width, height = found["window"]
    assert found["outside"] == [], f"{label} at {width}x{height}: {found}"
    assert found["scroll"] == [width, height], f"{label} scrolls at {width}x{height}: {found}"


@pytest.fixture
def half_day(live_server):
    """A half-day workshop on five dimensions (the most slides of any agenda), with
    guesses: side a below the threshold (held back), side b above it."""
    db = live_server.db()
    round_id = closed_round(db, per_side=8)
    add_user(db, "fac@example.com", "facilitator", PASSWORD)
    from reports.analysis import analyse

    workshop = workshops.create_workshop(
        db, round_id, "half-day", DIMENSIONS, analyse(db, round_id)
    )
    for dimension in DIMENSIONS:
        for value in (2, 3, 3):
            workshops.add_guess(db, workshop, dimension, "a", value)
        for value in (3, 4, 4, 4, 5, 5):
            workshops.add_guess(db, workshop, dimension, "b", value)
    db.conn.close()
    return workshop


def _log_in(page, axe, url: str, lang: str) -> None:
    page.goto(f"{url}/lang/{lang}?next=/console/login")
    axe("login")
    page.locator("input[type=email]").fill("fac@example.com")
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    axe("rounds")


def _check_slide(page, axe, label: str, shot: str | None = None) -> None:
    axe(label)
    for size in PROJECTORS:
        page.set_viewport_size(size)
        assert_fits(page, label)
        if shot and size["width"] == 1280:
            page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"))


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_slide_of_the_half_day_agenda_fits_the_projector(
    page, axe, live_server, half_day, lang
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PROJECTORS[0])
    _log_in(page, axe, live_server.url, lang)
    page.goto(f"{live_server.url}/console/workshops/{half_day.id}")
    blocks = agenda_of(half_day)
    for index, block in enumerate(blocks):
        expect(page.locator(".progress-text")).to_contain_text(str(index + 1))
        kind = block.kind
        shot = f"presenter-{lang}-{kind}" if kind in ("welcome", "agreements", "vote") else None
        if kind == "dimension":
            first = block.dimension == DIMENSIONS[0]
            _check_slide(page, axe, f"{block.dimension} counting")
            page.locator("#reveal button").click()
            expect(page.locator(".reveal-chart")).to_be_visible()
            expect(page.locator(".reveal-table")).to_contain_text("3")
            _check_slide(
                page,
                axe,
                f"{block.dimension} reveal",
                f"presenter-{lang}-reveal" if first else None,
            )
        elif kind == "agreements":
            # With none recorded yet the form is open; then with three agreements.
            expect(page.locator("details.add-agreement")).to_have_attribute("open", "")
            _check_slide(
                page, axe, "agreements, the form open", f"presenter-{lang}-agreements-form"
            )
            db = live_server.db()
            for what, who, evidence in AGREEMENTS:
                workshops.add_agreement(db, half_day, what, who, "2027-01-15", evidence)
            db.conn.close()
            # The projector polls and reloads itself when the number of agreements changes.
            expect(page.locator("table.agreements tbody tr")).to_have_count(len(AGREEMENTS))
            page.wait_for_load_state("load")
            _check_slide(page, axe, "agreements", shot)
        else:
            _check_slide(page, axe, kind, shot)
        if index + 1 < len(blocks):
            page.set_viewport_size(PROJECTORS[0])
            page.locator("#next button").click()
            page.wait_for_load_state("load")


def test_the_agreements_table_does_not_scroll_sideways_at_360_px(page, axe, live_server, half_day):
    db = live_server.db()
    for what, who, evidence in AGREEMENTS:
        workshops.add_agreement(db, half_day, what, who, "2027-01-15", evidence)
    workshops.set_step(db, half_day, len(agenda_of(half_day)) - 2, len(agenda_of(half_day)))
    db.conn.close()
    page.set_viewport_size(PHONE)
    _log_in(page, axe, live_server.url, "en")
    page.goto(f"{live_server.url}/console/workshops/{half_day.id}")
    expect(page.locator("h1")).to_have_text("Dot vote: which agreements matter most")
    axe("dot vote at 360 px")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " document.querySelector('table.agreements').getBoundingClientRect().right]"
    )
    assert widths[0] == widths[1] == PHONE["width"], widths
    assert widths[2] <= PHONE["width"], widths
    # Each row still says what its figures are: the column names lead the cells.
    expect(page.get_by_role("cell", name=re.compile("^By when: "))).to_have_count(len(AGREEMENTS))


def test_a_long_list_of_agreements_scrolls_in_its_own_box_and_the_slide_stays_put(
    page, axe, live_server, half_day
):
    """Twelve agreements cannot fit in large type: the list scrolls inside its box (which
    takes the keyboard focus), while the slide, its title and its buttons stay in view."""
    db = live_server.db()
    for index in range(12):
        what, who, evidence = AGREEMENTS[index % len(AGREEMENTS)]
        workshops.add_agreement(db, half_day, f"{index + 1}. {what}", who, "2027-01-15", evidence)
    blocks = len(agenda_of(half_day))
    workshops.set_step(db, half_day, blocks - 2, blocks)
    db.conn.close()
    page.set_viewport_size(PROJECTORS[0])
    _log_in(page, axe, live_server.url, "en")
    page.goto(f"{live_server.url}/console/workshops/{half_day.id}")
    expect(page.locator("table.agreements tbody tr")).to_have_count(12)
    _check_slide(page, axe, "dot vote with twelve agreements")
    box = page.locator(".agreements-list")
    assert box.evaluate("el => el.scrollHeight > el.clientHeight")
    box.focus()
    page.keyboard.press("End")
    expect(page.get_by_role("cell", name=re.compile("^12[.] "))).to_be_in_viewport()
