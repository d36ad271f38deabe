"""Every error is the site's own page: in the person's language, in the layout of the area
it was asked in (console, workshop phones, respondent pages), with the right status and
none of werkzeug's bare English. A console form sent with an expired token comes back,
typed values kept (never a password), one click from being sent again. And `survey
serve` refuses a damaged database file before serving it."""

from __future__ import annotations

import logging
import sqlite3
from html.parser import HTMLParser

import pytest
from console.test_rounds_console import NEW_ROUND
from werkzeug.exceptions import abort, default_exceptions

from survey.store.accounts import add_user
from survey.store.rounds import list_rounds

PASSWORD = "correct horse battery"
AREAS = {"console": "/console", "workshop": "/w", "respond": ""}
STATUSES = [400, 403, 404, 405, 410, 413, 414, 429, 500]
# (English, Polish) title of each status's page; an area's own wording where it has one.
TITLES = {
    400: ("Something is not right", "Coś jest nie tak"),
    403: ("Not allowed", "Brak dostępu"),
    404: ("Not found", "Nie znaleziono"),
    405: ("Not available like this", "Niedostępne w ten sposób"),
    410: ("No longer here", "Już niedostępne"),
    413: ("Too much at once", "Za dużo naraz"),
    414: ("The address is too long", "Adres jest za długi"),
    429: ("Too many attempts", "Zbyt wiele prób"),
    500: ("Something went wrong on our side", "Coś poszło nie tak po naszej stronie"),
    ("console", 410): ("These codes are no longer here", "Te kody są już niedostępne"),
    ("respond", 429): ("Too many tries", "Zbyt wiele prób"),
}
LANGUAGES = {"en": 0, "pl": 1}
SECRET_CODE = "KX7P-Q2M9-ZZ4T"  # stands for an invite code in a respondent path


def in_area(page: str) -> str:
    """Which area's layout a page has: the console's and the phones' wrap their content."""
    if 'class="console-page"' in page:
        return "console"
    if 'class="phone"' in page:
        return "workshop"
    assert '<header class="site">' in page, "not one of the site's pages"
    return "respond"


def assert_site_page(response, status: int, area: str, lang: str = "en") -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert in_area(page) == area
    assert f'<html lang="{lang}">' in page
    werkzeug = default_exceptions[status]
    assert werkzeug.description not in page and f"{status} {werkzeug.name}" not in page
    return page


def browser(app, lang: str = "en"):
    """A test client whose browser prefers `lang` (without one the site is Polish)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


class Forms(HTMLParser):
    """The forms of a page: each one's action and its fields as (name, value)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action", ""), []))
        elif tag == "input" and self.forms and "name" in attrs:
            self.forms[-1][1].append((attrs["name"], attrs.get("value") or ""))

    def sending_to(self, action: str) -> list[tuple[str, str]]:
        (fields,) = [fields for to, fields in self.forms if to == action]
        return fields


@pytest.fixture
def failing_app(make_app):
    """An app with a route in each area that answers a given status (500: raises)."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def fail(status: int, code: str | None = None):
        if status == 500:
            raise RuntimeError("the disk is full")
        abort(status)

    for area, prefix in AREAS.items():
        app.add_url_rule(f"{prefix}/test-fail/<int:status>", f"fail_{area}", fail)
    app.add_url_rule("/test-fail/<int:status>/<code>", "fail_with_code", fail)
    return app


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("area", AREAS)
def test_every_status_is_the_sites_own_page_in_the_areas_layout_and_language(
    failing_app, area, status
):
    client = browser(failing_app)
    for lang, index in LANGUAGES.items():
        response = client.get(
            f"{AREAS[area]}/test-fail/{status}", headers={"Accept-Language": lang}
        )
        page = assert_site_page(response, status, area, lang)
        assert TITLES.get((area, status), TITLES[status])[index] in page


@pytest.mark.parametrize(
    "method,path,status,area",
    [
        ("GET", "/console/no-such-page", 404, "console"),
        ("GET", "/w/no/such/page", 404, "workshop"),
        ("GET", "/no-such-page", 404, "respond"),
        ("GET", "/console/logout", 405, "console"),
        ("GET", "/w/ABCD/side", 405, "workshop"),
        ("GET", "/code", 405, "respond"),
    ],
)
def test_real_errors_get_their_areas_page_in_polish(app, method, path, status, area):
    response = browser(app, "pl").open(path, method=method)
    page = assert_site_page(response, status, area, "pl")
    assert TITLES[status][1] in page


@pytest.mark.parametrize("path,area", [("/console/login", "console"), ("/code", "respond")])
def test_a_post_over_the_size_limit_is_a_413_page(app, path, area):
    response = browser(app).post(path, data={"code": "x" * (3 * 1024 * 1024)})
    assert "Too much at once" in assert_site_page(response, 413, area)


def test_a_server_error_is_a_page_and_a_log_line_without_the_respondents_path(failing_app, caplog):
    client = browser(failing_app)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/test-fail/500/{SECRET_CODE}", headers={"Accept-Language": "pl"})
    page = assert_site_page(response, 500, "respond", "pl")
    assert "Coś poszło nie tak po naszej stronie" in page
    assert SECRET_CODE not in page
    assert "the disk is full" in caplog.text  # the traceback is logged for whoever runs it
    assert "(respondent page)" in caplog.text and SECRET_CODE not in caplog.text


def test_a_console_page_on_a_database_that_fails_still_gets_the_sites_500_page(
    make_app, db, monkeypatch
):
    """The console's layout asks the database who is logged in: when that fails too (a
    damaged page of the file), the site's plain page is shown, not werkzeug's."""
    add_user(db, "hr@example.com", "hr", PASSWORD)
    client = browser(make_app(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False))
    client.post("/console/login", data={"email": "hr@example.com", "password": PASSWORD})

    def damaged(*_args):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr("survey.console.login.find_user", damaged)
    page = assert_site_page(client.get("/console/"), 500, "respond")
    assert "Something went wrong on our side" in page


def test_an_error_page_on_a_respondent_path_never_shows_the_code(app):
    response = browser(app).post(f"/r/{SECRET_CODE}")  # GET only
    assert SECRET_CODE not in assert_site_page(response, 405, "respond")


def test_a_domain_refusal_on_a_workshop_phone_is_a_phone_page(app):
    response = browser(app, "pl").get("/w/ZZZZ")
    assert "Nie znaleziono" in assert_site_page(response, 404, "workshop", "pl")


# --- A stale form --------------------------------------------------------------------

OWN_PAGE = {"Sec-Fetch-Site": "same-origin"}  # what a browser sends with our own forms
TYPED = {**NEW_ROUND, "name": "Wiosna <2027>"}  # the new round form, as typed


@pytest.fixture
def csrf_app(make_app, db):
    add_user(db, "hr@example.com", "hr", PASSWORD)
    return make_app(WTF_CSRF_ENABLED=True)


def log_in(client) -> None:
    token = Forms(client.get("/console/login").get_data(as_text=True)).sending_to("")
    data = dict(token) | {"email": "hr@example.com", "password": PASSWORD}
    assert client.post("/console/login", data=data).status_code == 302


def test_a_stale_console_form_comes_back_with_what_was_typed_and_sends_in_one_click(csrf_app, db):
    client = browser(csrf_app)
    log_in(client)
    stale = {**TYPED, "csrf_token": "expired"}
    response = client.post("/console/rounds/new", data=stale, headers=OWN_PAGE)
    page = assert_site_page(response, 400, "console")
    assert "The page had expired" in page and "Wiosna &lt;2027&gt;" in page
    assert list_rounds(db) == []  # nothing was done
    fields = Forms(page).sending_to("/console/rounds/new")
    assert ("csrf_token", "expired") not in fields
    assert {name: value for name, value in fields if name != "csrf_token"} == TYPED
    again = client.post("/console/rounds/new", data=dict(fields), headers=OWN_PAGE)
    assert again.status_code == 302
    assert [round_.name for round_ in list_rounds(db)] == ["Wiosna <2027>"]


def test_a_stale_login_keeps_the_email_never_the_password(csrf_app):
    client = browser(csrf_app)
    typed = {"email": "hr@example.com", "password": PASSWORD, "csrf_token": "expired"}
    response = client.post(
        "/console/login?next=/console/audit",
        data=typed,
        headers={**OWN_PAGE, "Accept-Language": "pl"},
    )
    page = assert_site_page(response, 400, "console", "pl")
    assert "Strona wygasła" in page and "wpisz je ponownie" in page
    assert PASSWORD not in page
    fields = dict(Forms(page).sending_to("/console/login?next=/console/audit"))
    assert fields["email"] == "hr@example.com" and fields["password"] == ""
    fields["password"] = PASSWORD  # typed again into the page's password box
    logged_in = client.post("/console/login?next=/console/audit", data=fields)
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == "/console/audit"


def test_a_form_outlasting_its_session_is_sent_after_logging_in_in_another_tab(csrf_app, db):
    client = browser(csrf_app)  # the browser was restarted: no session cookie left
    response = client.post("/console/rounds/new", data=TYPED, headers=OWN_PAGE)
    page = assert_site_page(response, 400, "console")
    assert "You are no longer logged in" in page
    fields = Forms(page).sending_to("/console/rounds/new")
    log_in(client)  # the other tab shares the browser's cookie
    assert client.post("/console/rounds/new", data=dict(fields)).status_code == 302
    assert [round_.name for round_ in list_rounds(db)] == ["Wiosna <2027>"]


@pytest.mark.parametrize("fetched_from", [{"Sec-Fetch-Site": "cross-site"}, {}])
def test_a_form_posted_from_elsewhere_gets_no_prefilled_form_to_send(csrf_app, fetched_from):
    client = browser(csrf_app)
    log_in(client)
    response = client.post("/console/rounds/new", data=TYPED, headers=fetched_from)
    page = assert_site_page(response, 400, "console")
    assert "The page had expired" in page and "Wiosna" not in page
    assert "/console/rounds/new" not in [action for action, _ in Forms(page).forms]


def test_a_missing_workshop_on_the_presenters_side_is_a_console_page(csrf_app):
    client = browser(csrf_app, "pl")
    log_in(client)
    page = assert_site_page(client.get("/console/workshops/999"), 404, "console", "pl")
    assert "Nie znaleziono" in page


def test_a_stale_phone_form_is_a_phone_page_in_polish(csrf_app):
    client = browser(csrf_app)
    response = client.post(
        "/w", data={"code": "ABCD", "csrf_token": "x"}, headers={"Accept-Language": "pl"}
    )
    assert "Strona wygasła" in assert_site_page(response, 400, "workshop", "pl")


# --- `survey serve` refuses a damaged file --------------------------------------------


@pytest.fixture
def served(monkeypatch):
    """Starts of the development server or of gunicorn (neither runs in a test)."""
    calls = []
    monkeypatch.setattr("survey.serving.serve", lambda *args: calls.append(args))
    monkeypatch.setattr("os.execv", lambda *args: calls.append(args))
    return calls


def damage(path, page: int) -> None:
    """Overwrite one page of the database file with garbage, as a bad disk would."""
    with open(path, "r+b") as file:
        size = int.from_bytes(file.read(18)[16:18], "big")  # the header's page size
        file.seek((page - 1) * size)
        file.write(b"\xa5" * size)


@pytest.mark.parametrize("page", [1, 2])
@pytest.mark.parametrize("args", [[], ["--prod"]])
def test_serve_refuses_a_damaged_database_before_serving(run_cli, db_path, served, page, args):
    damage(db_path, page)
    result = run_cli("serve", *args)
    assert result.exit_code == 1 and not served
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: {db_path} is damaged (SQLite: ")
    assert "Traceback" not in result.output


def test_serve_starts_on_a_sound_database(run_cli, served):
    result = run_cli("serve", "--port", "5999")
    assert result.exit_code == 0, result.output
    assert len(served) == 1
