"""The HR and facilitator console under /console/: a blueprint with role checks.

HR can do everything; a facilitator reads rounds, moderates comments and downloads
reports. Views stay thin: the rules live in survey/rounds.py, participation.py,
moderation.py, accounts.py and audit.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

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


@bp.errorhandler(403)
def forbidden(_error):
    message = _("Your account cannot do this. Ask HR if you need it.")
    return render_template("error.html", status=403, message=message), 403


@bp.errorhandler(429)
def throttled(_error):
    return render_template("console/throttled.html"), 429


@bp.after_request
def no_store(response):
    """Console pages can show codes and comments: keep them out of any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


from . import auth, review, round_views  # noqa: E402,F401  (registers the routes)
