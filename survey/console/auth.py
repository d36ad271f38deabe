"""Logging in and out. Login is throttled per address, per address and account, and (far
higher) per account, so a stranger cannot lock HR out; logout ends the session for good."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..db import get_db
from ..extensions import limiter
from ..form_values import required
from ..pages import same_site_path
from ..store.accounts import authenticate, end_sessions, normalise_email
from ..store.audit import record
from .blueprint import bp
from .forms import ActionForm, LoginForm

LOGIN_LIMIT = "5/minute"
# Per address: a stranger can try only so often, and never reaches the account's limit.
ADDRESS_LIMIT = "5/minute;30/hour"
# Per account from anywhere: caps a spread-out brute force (passwords have 10+ characters)
# yet takes over four addresses a whole hour to reach, so one stranger cannot lock HR out.
ACCOUNT_LIMIT = "120/hour"


def _email() -> str:
    return normalise_email(request.form.get("email", ""))


def _address_account_key() -> str:
    return f"login:{get_remote_address()}:{_email()}"


def _account_key() -> str:
    return "login-account:" + _email()


def _failed(response) -> bool:
    """Only failed attempts count towards the limits; a successful login redirects."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ADDRESS_LIMIT, methods=["POST"], deduct_when=_failed)
@limiter.limit(LOGIN_LIMIT, methods=["POST"], key_func=_address_account_key, deduct_when=_failed)
@limiter.limit(ACCOUNT_LIMIT, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.rounds"))
    form = LoginForm()
    if form.validate_on_submit():
        db = get_db()
        user = authenticate(db, required(form.email.data), required(form.password.data))
        if user is not None:
            login_user(user)
            record(db, user.email, "login")
            return redirect(_safe_next(request.args.get("next")))
        # A validated field's errors is a list; types-wtforms types it a Sequence.
        form.password.errors.append(_("The email or the password is not right."))  # type: ignore[attr-defined]
    status = 400 if request.method == "POST" else 200
    return render_template("console/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    target = same_site_path(target, url_for("console.rounds"))
    return target if target.startswith("/console/") else url_for("console.rounds")


@bp.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            end_sessions(get_db(), current_user.email)
        logout_user()
    return redirect(url_for("console.login"))
