"""Logging in and out. Login is throttled per address and per account."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..accounts import authenticate, normalise_email
from ..audit import record
from ..db import get_db
from ..extensions import limiter
from . import bp
from .forms import ActionForm, LoginForm

LOGIN_LIMIT = "5/minute"


def _account_key() -> str:
    return "login-account:" + normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    """Only failed attempts count towards the limits; a successful login redirects."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"], deduct_when=_failed)
@limiter.limit(LOGIN_LIMIT, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.rounds"))
    form = LoginForm()
    if form.validate_on_submit():
        db = get_db()
        user = authenticate(db, form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            record(db, user.email, "login")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("The email or the password is not right."))
    status = 400 if request.method == "POST" else 200
    return render_template("console/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return url_for("console.rounds")


@bp.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        logout_user()
    return redirect(url_for("console.login"))
