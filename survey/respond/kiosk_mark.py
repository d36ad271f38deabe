"""The kiosk's mark on a browser: a long-lived signed cookie naming the round the device
answers, and how long a started survey lives there without a request. The kiosk pages
(kiosk.py) and the respondent's state (state.py) both read it."""

from __future__ import annotations

from flask import Request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

KIOSK_COOKIE = "lustro_kiosk"
KIOSK_DAYS = 365
IDLE_SECONDS = 120


def signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lustro kiosk")


def kiosk_round(req: Request | None = None) -> int | None:
    """The round this browser is a kiosk for, or None when it is not a kiosk."""
    token = (req or request).cookies.get(KIOSK_COOKIE)
    if not token:
        return None
    try:
        return int(signer().loads(token)["round"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def idle_seconds() -> int:
    return int(current_app.config.get("KIOSK_IDLE_SECONDS", IDLE_SECONDS))
