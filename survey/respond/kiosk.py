"""Kiosk mode: one shared device (a tablet on the shop floor) answers a round, person
after person, and nothing of one person is left for the next.

HR turns the device into a kiosk from the console (survey/console/kiosk_views.py); a
long-lived signed cookie then marks the browser. On a kiosk the respondent's encrypted
state expires after KIOSK_IDLE_SECONDS without a request (checked on the server, since
JavaScript may be off), the sent-codes memory is not kept, and every way back leads to
a clean start screen.
"""

from __future__ import annotations

from flask import Blueprint, Request, Response, current_app, g, redirect, render_template, request

from ..extensions import csrf
from . import state as browser
from .forms import CodeForm
from .kiosk_mark import KIOSK_COOKIE, KIOSK_DAYS, idle_seconds, kiosk_round, signer

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
csrf.exempt(bp)  # only the idle timer's keep-alive posts here, and it changes nothing


def start(response: Response, round_id: int) -> None:
    """Mark this browser as a kiosk for `round_id` (until HR ends it)."""
    response.set_cookie(
        KIOSK_COOKIE,
        signer().dumps({"round": round_id}),
        max_age=KIOSK_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    forget_person(response, request)


def end(response: Response) -> None:
    response.delete_cookie(KIOSK_COOKIE)
    forget_person(response, request)


def forget_person(response: Response, req: Request) -> None:
    """Drop everything a respondent left in this browser: the started survey, the notes,
    and the memory of sent codes."""
    browser.clear(response, req)
    response.delete_cookie(browser.SENT_COOKIE)


@bp.get("/")
def home():
    """The clean start screen: asks for the next person's code."""
    if kiosk_round() is None:
        return redirect("/")
    g.kiosk_reset = True
    return render_template("kiosk/start.html", form=CodeForm())


@bp.post("/alive")
def alive():
    """The page's idle timer saw a touch: restart the started survey's clock (reading
    the state re-saves it on a kiosk). Nothing else is read or written."""
    if kiosk_round() is not None:
        browser.load(request)
    return "", 204


@bp.after_request
def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    if g.get("kiosk_reset"):
        forget_person(response, request)
    elif g.get("state") is not None:
        browser.save(response, g.state, request)
    return response


@bp.app_context_processor
def kiosk_page() -> dict:
    """Every page on a kiosk carries the idle timer's settings (see respond.js)."""
    on = request.blueprint in ("respond", "kiosk", "pages") and kiosk_round() is not None
    return {"kiosk_mode": on, "kiosk_idle": idle_seconds() if on else None}
