"""Error pages: a domain rule broken by a request, and the statuses the app answers with."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext

from .i18n import translated
from .store.errors import NotFound, SurveyError


def refused(error: SurveyError):
    """A domain rule broken by a console or workshop request: the error page in the
    person's language, saying it was refused (a missing thing is a plain 404). The two
    blueprints register it; elsewhere the app's handlers below show the bare message."""
    if isinstance(error, NotFound):
        status, message = 404, translated(error)
    else:
        status, message = 400, gettext("That was refused: %(reason)s", reason=translated(error))
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    def render_error(status: int, message: str | None = None):
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(404)
    def not_found(_error):
        return render_error(404)

    @app.errorhandler(NotFound)
    def domain_not_found(error):
        return render_error(404, translated(error))

    @app.errorhandler(SurveyError)
    def domain_error(error):
        return render_error(400, translated(error))
