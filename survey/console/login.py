"""Flask-Login for the console: who is logged in, looked up from the session cookie; and
which accounts have logged in on this browser before (the known-device cookie)."""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, request
from flask_babel import lazy_gettext
from flask_login import LoginManager
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from ..db import get_db
from ..store.accounts import User, device_fingerprint, find_user

login_manager = LoginManager()

# A browser where an account logged in keeps a signed list of account fingerprints, so a
# stranger's wrong passwords from many addresses (which fill the account's cap) never keep
# that account out of its own devices. Sent to /console/ only: no respondent page sees it.
DEVICE_COOKIE = "lustro_device"
DEVICE_DAYS = 90
DEVICE_PATH = "/console/"
MAX_KNOWN_ACCOUNTS = 5  # HR and a facilitator sharing a PC, and a few more


def init_app(app: Flask) -> None:
    """Flask-Login for the console: sessions only (no remember-me cookie)."""
    login_manager.init_app(app)
    login_manager.login_view = "console.login"
    login_manager.login_message = lazy_gettext("Please log in to use the console.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The account a session cookie names, while that session still stands (see User.get_id)."""
    email = user_id.split(":", 2)[-1]
    user = find_user(get_db(), email)
    if user is None or not user.has_session(user_id):
        return None
    return user


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lustro known device")


def _known_fingerprints() -> list[str]:
    """The fingerprints this browser's cookie vouches for: none when it is missing, forged,
    or older than DEVICE_DAYS."""
    token = request.cookies.get(DEVICE_COOKIE)
    if not token:
        return []
    try:
        value = _device_signer().loads(token, max_age=DEVICE_DAYS * 86400)
    except BadSignature:  # a SignatureExpired is one too
        return []
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def known_device(email: str) -> bool:
    """Whether this browser logged in to `email`'s account since its password was last set."""
    known = _known_fingerprints()
    return bool(known) and device_fingerprint(get_db(), email) in known


def device_key() -> str:
    """The throttling key of this browser's known-device cookie: a copied cookie's wrong
    passwords from many addresses share one budget."""
    token = request.cookies.get(DEVICE_COOKIE, "")
    return "login-device:" + hashlib.sha256(token.encode()).hexdigest()


def remember_device(response: Response, email: str) -> None:
    """After a successful login: this browser is known to `email`'s account from now on
    (the newest account first; the cookie's 90 days start again)."""
    fingerprint = device_fingerprint(get_db(), email)
    if fingerprint is None:
        return
    others = [known for known in _known_fingerprints() if known != fingerprint]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_signer().dumps([fingerprint, *others][:MAX_KNOWN_ACCOUNTS]),
        max_age=DEVICE_DAYS * 86400,
        path=DEVICE_PATH,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def forget_device(response: Response) -> None:
    """A device that becomes a kiosk knows no account any more."""
    response.delete_cookie(DEVICE_COOKIE, path=DEVICE_PATH)
