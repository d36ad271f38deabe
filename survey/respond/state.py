"""A started survey lives in the respondent's own browser, encrypted, never on the server.

The code and the answers so far travel in an encrypted, authenticated cookie (Fernet,
keyed from SECRET_KEY with HKDF); each open answer in a cookie of its own, bound to the
survey by a random nonce, so that the whole fits the browsers' 4 KB per cookie. The
server writes nothing until Send, and nobody who sees a cookie can read the code in it.
A second cookie remembers which codes this browser has sent, to thank the person again
instead of showing a refusal.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Request, Response, current_app, g

from .kiosk_mark import idle_seconds, kiosk_round

SURVEY_COOKIE = "lustro_survey"
NOTE_PREFIX = "lustro_note_"
SENT_COOKIE = "lustro_sent"
SENT_KEEP = 10  # codes remembered per browser
SENT_DAYS = 120
# The clock the cookies' timestamps are written and checked with (Fernet's own, which
# the kiosk's idle time reads); tests move it instead of sleeping through that time.
now: Callable[[], float] = time.time


@dataclass
class State:
    code: str
    round_id: int
    answers: dict[str, int | None] = field(default_factory=dict)  # "dim.item.persp" -> value
    comments: dict[str, str] = field(default_factory=dict)
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    step: int = 0  # the page last shown (0 welcome … review), for "keep my answers and go on"


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"lustro respondent cookies"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(data: bytes) -> str:
    return _fernet(current_app.config["SECRET_KEY"]).encrypt_at_time(data, int(now())).decode()


def _open(token: str | None, ttl: int | None = None) -> bytes | None:
    """The sealed data, or None for a token we cannot read or, given `ttl`, one sealed
    more than `ttl` seconds ago."""
    if not token:
        return None
    fernet = _fernet(current_app.config["SECRET_KEY"])
    try:
        if ttl is None:
            return fernet.decrypt(token.encode())
        return fernet.decrypt_at_time(token.encode(), ttl, int(now()))
    except (InvalidToken, ValueError):
        return None


def _kiosk_idle(request: Request) -> int | None:
    """On a kiosk, seconds a started survey lives after its last request; else None."""
    return idle_seconds() if kiosk_round(request) is not None else None


def load(request: Request) -> State | None:
    """The survey started in this browser, or None (none, or a cookie we cannot read).
    On a kiosk a survey untouched for the idle time is gone (Fernet's own timestamp,
    checked here, since the page's idle timer needs JavaScript), and a live one is
    written again with every response so that its clock restarts."""
    idle = _kiosk_idle(request)
    raw = _open(request.cookies.get(SURVEY_COOKIE), idle)
    if raw is None:
        return None
    try:
        data = json.loads(zlib.decompress(raw))
        state = State(data["c"], int(data["r"]), data["a"], {}, data["n"], int(data.get("s", 0)))
    except (ValueError, KeyError, TypeError, zlib.error):
        return None
    for name, token in request.cookies.items():
        if name.startswith(NOTE_PREFIX):
            note = _open(token, idle)
            if note is not None:
                nonce, _, text = note.partition(b"\0")
                if nonce.decode(errors="replace") == state.nonce:
                    state.comments[name[len(NOTE_PREFIX) :]] = text.decode("utf-8", "replace")
    if idle is not None and g.get("state") is None:
        g.state = state
    return state


def _cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def save(response: Response, state: State, request: Request) -> None:
    """Write the state into the response's cookies (and drop notes no longer there)."""
    data = {
        "c": state.code,
        "r": state.round_id,
        "a": state.answers,
        "n": state.nonce,
        "s": state.step,
    }
    idle = _kiosk_idle(request)  # on a kiosk the browser drops it too
    _cookie(response, SURVEY_COOKIE, _seal(zlib.compress(json.dumps(data).encode())), idle)
    for question, text in state.comments.items():
        _cookie(response, NOTE_PREFIX + question, _seal(f"{state.nonce}\0{text}".encode()), idle)
    for name in request.cookies:
        if name.startswith(NOTE_PREFIX) and name[len(NOTE_PREFIX) :] not in state.comments:
            response.delete_cookie(name)


def clear(response: Response, request: Request) -> None:
    response.delete_cookie(SURVEY_COOKIE)
    for name in request.cookies:
        if name.startswith(NOTE_PREFIX):
            response.delete_cookie(name)


def sent_codes(request: Request) -> list[str]:
    """Codes this browser has sent (and only this browser knows)."""
    raw = _open(request.cookies.get(SENT_COOKIE))
    try:
        return list(json.loads(raw)) if raw else []
    except ValueError:
        return []


def remember_sent(response: Response, request: Request, code: str) -> None:
    codes = [code] + [c for c in sent_codes(request) if c != code]
    _cookie(
        response,
        SENT_COOKIE,
        _seal(json.dumps(codes[:SENT_KEEP]).encode()),
        max_age=SENT_DAYS * 86400,
    )


def seal_code(code: str) -> str:
    """A code to carry in a form without showing it (the restart confirmation)."""
    return _seal(code.encode())


def open_code(token: str | None) -> str | None:
    raw = _open(token)
    return raw.decode() if raw else None
