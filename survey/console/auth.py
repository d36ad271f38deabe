"""Logging in and out. Login is throttled per address, per address and account, and (far
higher) per account from everywhere. A stranger with many addresses can fill the account's
cap, so a browser where the account logged in before (the known-device cookie, login.py)
skips that cap and meets only its own limits: the stranger cannot lock HR out of HR's own
PC. Logout ends the session for good."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..db import get_db
from ..extensions import limiter
from ..form_values import required
from ..pages import same_site_path
from ..respond.kiosk_mark import kiosk_round
from ..store.accounts import authenticate, end_sessions, normalise_email
from ..store.audit import record
from .blueprint import bp
from .forms import ActionForm, LoginForm
from .login import device_key, known_device, remember_device

LOGIN_LIMIT = "5/minute"
# Per address: a stranger can try only so often, and never reaches the account's limit.
ADDRESS_LIMIT = "5/minute;30/hour"
# Per account from anywhere: caps a spread-out brute force (passwords have 10+ characters).
# 24 addresses reach it within a minute, so a known device skips it (issue 20, L1).
ACCOUNT_LIMIT = "120/hour"
# Per known-device cookie: one copied to many addresses still guesses only this often.
DEVICE_LIMIT = "20/hour"


def _email() -> str:
    return normalise_email(request.form.get("email", ""))


def _address_account_key() -> str:
    return f"login:{get_remote_address()}:{_email()}"


def _account_key() -> str:
    return "login-account:" + _email()


def _from_known_device() -> bool:
    """Whether this browser logged in to the account being tried before (asked once a
    request: two limits depend on it)."""
    if "known_device" not in g:
        g.known_device = known_device(_email())
    return bool(g.known_device)


def _from_elsewhere() -> bool:
    return not _from_known_device()


def _failed(response) -> bool:
    """Only failed attempts count towards the limits; a successful login redirects."""
    return response.status_code != 302


def _failed_logins(limit: str, **options):
    """A limit on failed login attempts (POST only; a success never counts)."""
    return limiter.limit(limit, methods=["POST"], deduct_when=_failed, **options)


@bp.route("/login", methods=["GET", "POST"])
@_failed_logins(ADDRESS_LIMIT)
@_failed_logins(LOGIN_LIMIT, key_func=_address_account_key)
@_failed_logins(ACCOUNT_LIMIT, key_func=_account_key, exempt_when=_from_known_device)
@_failed_logins(DEVICE_LIMIT, key_func=device_key, exempt_when=_from_elsewhere)
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
            response = redirect(_safe_next(request.args.get("next")))
            if kiosk_round() is None:  # a kiosk is everyone's device, never a known one
                remember_device(response, user.email)
            return response
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
