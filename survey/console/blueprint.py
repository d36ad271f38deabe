"""The console blueprint: its role checks, refusal pages and cache rule. The view
modules add their routes to it; the package gathers them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..error_pages import refused
from ..store.errors import SurveyError

bp = Blueprint("console", __name__, url_prefix="/console")


def role_required(*roles: str) -> Callable:
    """Anonymous → the login page; a logged-in user without the role → 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


hr_only = role_required("hr")
staff = role_required("hr", "facilitator")


def _refusal(status: int, title: str, message: str, help: str):
    """A refusal as a console page: what happened, who can help, and a way back."""
    page = render_template("console/error.html", title=title, message=message, help=help)
    return page, status


@bp.errorhandler(403)
def forbidden(_error):
    return _refusal(
        403,
        _("Only HR can do this"),
        _(
            "You are logged in as %(email)s with a facilitator account. Facilitators read "
            "rounds, moderate comments and download reports; creating or changing rounds, "
            "invite codes and accounts is for HR.",
            email=current_user.email,
        ),
        _("If you need this done, ask a person with an HR account in Lustro."),
    )


@bp.errorhandler(410)
def gone(_error):
    return _refusal(
        410,
        _("These codes are no longer here"),
        _(
            "New codes stay on the server for an hour at most, until you press Done, and "
            "only for the person who made them. The codes themselves still work."
        ),
        _("If the slips are lost, generate new codes for the people who have none."),
    )


# A rule broken by a console request: a page in the person's language, never a 500.
bp.register_error_handler(SurveyError, refused)


@bp.errorhandler(429)
def throttled(_error):
    return render_template("console/throttled.html"), 429


@bp.after_request
def no_store(response):
    """Console pages can show codes and comments: keep them out of any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
