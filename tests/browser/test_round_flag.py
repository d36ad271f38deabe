"""The round page flags low participation only where the figure is known (issue 13, 3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_console_fixes import SIZES, log_in, restaurant  # noqa: F401  (fixture)


@pytest.mark.parametrize("viewport", SIZES)
def test_fewer_than_the_threshold_gets_no_red_flag(page, live_server, restaurant, axe, viewport):  # noqa: F811
    open_id, _closed = restaurant
    page.set_viewport_size(viewport)
    log_in(page, axe, live_server.url, "hr@restauracja.pl")
    page.goto(f"{live_server.url}/console/rounds/{open_id}")
    table = page.locator("table.participation")
    expect(table.get_by_text("fewer than 3")).to_have_count(2)
    expect(table.locator(".flag")).to_have_count(0)
    expect(page.locator("tr.low")).to_have_count(0)
    expect(page.get_by_text("below 60% it is flagged")).to_be_visible()
    axe("round page")
