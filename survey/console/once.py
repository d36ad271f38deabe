"""One-time form tokens: a form that makes something (a batch of codes) carries a fresh
random token, signed with the app's key and dated, so the server can tell a second
sending of the same form (a double click, Back and send again, a replayed POST) from a
new one. Which tokens were used is kept by whatever the form makes (batches.claim)."""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "lustro-one-time-form"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def new_token() -> str:
    """A token for one rendering of a form."""
    return _serializer().dumps(secrets.token_urlsafe(18))


def read_token(value: str | None, max_age: int) -> str | None:
    """The random part of a token this app signed at most `max_age` seconds ago, else None."""
    if not value:
        return None
    try:
        nonce = _serializer().loads(value, max_age=max_age)
    except BadSignature:  # SignatureExpired is one too
        return None
    return nonce if isinstance(nonce, str) else None
