from playwright.sync_api import expect

from .conftest import PHONE


def test_start_page_renders_in_chromium_at_phone_width(page, live_server, screenshot, axe):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/lang/en?next=/")
    expect(page.locator("h1")).to_have_text("Lustro")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe("English")
    page.get_by_role("link", name="Polski").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    axe("Polish")
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("start-page-phone")
