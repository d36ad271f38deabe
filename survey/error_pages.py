"""Every error page, and the one place that registers error handlers (create_app calls
`register`). An HTTP status or a broken domain rule becomes a page in the person's
language, in the layout of the area it was asked in, Datasette-style: the area's page for
the status when there is one (templates/console/403.html), else the area's error page,
else the site's (templates/error.html).

No page shows the request's path to a respondent (it can carry an invite code), and no
handler logs anything: an unhandled exception is logged by LustroFlask.log_exception,
which leaves out respondent paths.
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from jinja2 import Template
from werkzeug.exceptions import HTTPException, InternalServerError

from .areas import area
from .i18n import translated
from .respond.refusals import REFUSALS, RETRY_AFTER_SECONDS
from .store.errors import NotFound, SurveyError

# What each status means to a person: the title and message of its page.
TEXTS = {
    400: (
        _l("Something is not right"),
        _l("This site could not read what the page sent. Go back, reload the page and try again."),
    ),
    403: (_l("Not allowed"), _l("This page is not open to your account.")),
    404: (_l("Not found"), _l("The page you asked for does not exist.")),
    405: (
        _l("Not available like this"),
        _l("This address only takes a form sent from its own page. Go back and use its buttons."),
    ),
    410: (_l("No longer here"), _l("What you asked for is no longer available.")),
    413: (
        _l("Too much at once"),
        _l("What the page sent is larger than this site takes. Send less at a time."),
    ),
    414: (
        _l("The address is too long"),
        _l("This site cannot read an address this long. Open the page from a link instead."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Too many requests came from here in a short time. Wait a minute, then try again."),
    ),
    503: (
        _l("Please try again in a minute"),
        _l(
            "The site is very busy at this moment. Nothing you sent was stored, so nothing "
            "was lost: wait a minute, then send it again."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "The page could not be shown because of a problem on the server, not because of "
            "anything you did. Try again in a few minutes; if it keeps happening, tell "
            "whoever runs Lustro."
        ),
    ),
}
EXPIRED = (
    _l("The page had expired"),
    _l(
        "The page was open too long (or you logged out meanwhile), so what it sent was not "
        "taken. Go back, reload the page and send it again."
    ),
)
# Fields a stale form never echoes: the token it failed on, and any password.
NOT_ECHOED = ("csrf_token",)


def page(status: int, title: str, message: str, **values):
    """The error page for `status` in the request's area and the person's language."""
    where = area(request.path)
    if where == "respond":
        # The language links lead to the start page: a respondent path can carry a code.
        values.setdefault("here", url_for("pages.index"))
    templates: list[str | Template] = [
        f"{where}/{status}.html",
        f"{where}/error.html",
        "error.html",
    ]
    values.update(status=status, title=title, message=message)
    return render_template(templates, **values), status


def http_error(error: HTTPException):
    """Any HTTP status the app answers with (404, 405, 413, an abort in a view)."""
    status = error.code or 500
    title, message = TEXTS.get(status) or TEXTS[500 if status >= 500 else 400]
    return page(status, title, message)


def server_error(error: InternalServerError):
    """Flask has logged the exception already. The page must not fail in turn: every
    page asks the database who is logged in (Flask-Login's context processor), and a
    damaged database fails there again; then the site's plain page, rendered without
    the context processors."""
    try:
        return http_error(error)
    except Exception:
        current_app.log_exception(sys.exc_info())
        title, message = TEXTS[500]
        values = {"status": 500, "title": title, "message": message}
        plain = current_app.jinja_env.get_template("error.html")
        return plain.render(here=url_for("pages.index"), **values), 500


@dataclass(frozen=True)
class StaleForm:
    """A console form whose CSRF token had expired, ready to be sent again with a fresh
    one: its fields as posted, less the token and any password (typed again instead)."""

    action: str
    fields: list[tuple[str, str]]
    passwords: list[str]

    @classmethod
    def from_request(cls) -> StaleForm | None:
        """Only for a POST from one of our own console pages: Sec-Fetch-Site, set by the
        browser and beyond any page's reach, says so. A form posted from another site
        gets no prefilled form with a fresh token to lure a click on."""
        if (
            request.method != "POST"
            or area(request.path) != "console"
            or request.headers.get("Sec-Fetch-Site") != "same-origin"
            or request.endpoint is None
        ):
            return None
        # The URL of the route that matched (a path on this site), with the query as sent.
        action = url_for(request.endpoint, **(request.view_args or {}))
        if request.query_string:
            action += "?" + request.query_string.decode("utf-8", "replace")
        fields, passwords = [], []
        for name, values in request.form.lists():
            if "password" in name.lower():
                passwords.append(name)
            elif name not in NOT_ECHOED:
                fields += [(name, value) for value in values]
        return cls(action, fields, passwords)

    @property
    def typed(self) -> list[str]:
        """What the person typed or chose, to show them (the buttons' own labels left out)."""
        return [value for name, value in self.fields if value.strip() and name != "submit"]


def stale_form(_error: CSRFError):
    """A form sent with an expired or missing CSRF token: nothing was done. On the
    console the page offers the same form again, one click from being sent."""
    title, message = EXPIRED
    return page(400, title, message, resend=StaleForm.from_request())


def refused(error: SurveyError):
    """A domain rule broken by a request. On console and workshop pages the message says
    it was refused; a respondent sees the bare message. A missing thing is a 404."""
    status = 404 if isinstance(error, NotFound) else 400
    message = translated(error)
    if status == 400 and area(request.path) != "respond":
        message = gettext("That was refused: %(reason)s", reason=message)
    return page(status, TEXTS[status][0], message)


# SQLite's answers when the lock could not be had in time ("database is locked").
BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def database_busy(error: sqlite3.OperationalError):
    """The database stayed locked past the busy timeout: nothing of the request was
    written (its transaction is rolled back), so a 503 asks to try again, never a bare
    "database is locked". Any other OperationalError is a 500 as before."""
    if error.sqlite_errorcode not in BUSY_CODES:
        raise error
    title, message = TEXTS[503]
    html, status = page(503, title, message)
    return html, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def register(app: Flask) -> None:
    """Every error handler of the app. Flask picks the most specific one: a respondent
    refusal before SurveyError, CSRFError and 500 before any other HTTP status."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(CSRFError, stale_form)
    app.register_error_handler(SurveyError, refused)
    app.register_error_handler(sqlite3.OperationalError, database_busy)
    for error, view in REFUSALS.items():
        app.register_error_handler(error, view)
