"""The console blueprint: its role checks and cache rule. The view modules add their
routes to it; the package gathers them. Its error pages (403 for a facilitator on an HR
page, 410, 429) are templates/console/<status>.html, registered in survey/error_pages.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort
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


@bp.after_request
def no_store(response):
    """Console pages can show codes and comments: keep them out of any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
