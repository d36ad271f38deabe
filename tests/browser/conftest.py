"""Browser tests: Debian's Chromium driven by Playwright against the app on 127.0.0.1.

Playwright's own browser download is never used (no internet here): we launch
/usr/bin/chromium with flags that keep it off the network.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from survey.app import create_app
from survey.store.connection import open_db
from survey.store.migrations import migrate

from .axe import AXE_JS, describe, page_key, violations

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def buffered(app):
    """Read each response body (static files are open files) before werkzeug writes it.

    When Chromium drops a connection mid-transfer (it cancels stylesheet and script
    requests on navigation), werkzeug's development server can leave the file object
    open; under `-W error` that ResourceWarning fails whichever test is running when
    the garbage collector finds it. Nothing the app serves is streamed, so buffering
    changes no response."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class LiveServer:
    """The real app served by werkzeug in a thread, on a fresh database."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        app.config["PUBLIC_URL"] = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def db(self):
        return open_db(self.app.config["DATABASE"])


@pytest.fixture
def live_server(tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    db_path = tmp_path / "survey.db"
    database = open_db(db_path)
    migrate(database)
    database.conn.close()
    app = create_app(
        {
            "DATABASE": str(db_path),
            "SECRET_KEY": "browser-test-secret",
            "INVITE_KEY": "browser-test-invite-key",
            "RATELIMIT_ENABLED": True,
        }
    )
    server = LiveServer(app)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.thread.join(timeout=5)


@pytest.fixture(autouse=True)
def axe(page):
    """Check the current page with axe-core; at the end, every page the test
    navigated to must have been checked (at any viewport the test used). Used by every
    browser test: a page a test visits and never checks fails the test."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make test-setup`")
    visited: set[str] = set()
    checked: set[str] = set()

    def on_navigated(frame):
        if frame == page.main_frame and frame.url.startswith("http"):
            visited.add(page_key(frame.url))

    page.on("framenavigated", on_navigated)

    def check(label: str = "") -> None:
        found = violations(page)
        assert not found, f"axe-core on {page.url} {label}:\n{describe(found)}"
        checked.add(page_key(page.url))

    yield check
    unchecked = visited - checked
    assert not unchecked, f"pages visited but never checked with axe: {sorted(unchecked)}"


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-results/screenshots/ to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
