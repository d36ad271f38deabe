"""The respondent's refusal pages: each domain refusal of the answering path (an unknown
or spent code, a round not open, a session that ended) as a page in the person's
language with its own status. survey/error_pages.py registers them with the app."""

from __future__ import annotations

from collections.abc import Callable

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _

from ..store.committer import Busy
from ..store.errors import SurveyError
from .answering import (
    AlreadyReceived,
    RoundClosed,
    RoundNotStarted,
    SessionEnded,
    SpentCode,
    UnknownCode,
)
from .forms import CodeForm
from .kiosk_mark import kiosk_round


def problem(
    status: int, title: str, message: str, *, back: str | None = None, code_form: bool = False
):
    return (
        render_template(
            "respond/problem.html",
            title=title,
            message=message,
            back=back,
            form=CodeForm() if code_form else None,
        ),
        status,
    )


def unknown_code(_exc: UnknownCode):
    return problem(
        404,
        _("We don't know this code"),
        _(
            "Check the code on your slip and type it again. Capital or small letters and dashes don't matter."
        ),
        code_form=True,
    )


def spent_code(_exc: SpentCode):
    g.clear_state = True
    return problem(
        410,
        _("This code has already been used"),
        _(
            "These answers were not stored: the code had already been used. If you pressed Send twice, your first press was received. Otherwise ask HR for a new slip."
        ),
    )


def round_not_started(_exc: RoundNotStarted):
    return problem(
        403,
        _("The survey has not started yet"),
        _(
            "This code belongs to a survey that is not open yet. Please try again when HR announces the start."
        ),
    )


def round_closed(_exc: RoundClosed):
    return problem(
        410,
        _("The survey is closed"),
        _("This survey no longer takes answers. Thank you for your interest."),
    )


def already_received(_exc: AlreadyReceived):
    if kiosk_round() is not None:
        return redirect(url_for("kiosk.home"))
    return problem(
        200,
        _("Your answers were already received"),
        _("Thank you: your answers were stored once. There is nothing more to do."),
    )


RETRY_AFTER_SECONDS = 60


def busy(_exc: Busy):
    """Send could not be stored in time (issue 23): nothing was written, the answers stay
    in the browser and the code is still valid, so sending again later works."""
    html, status = problem(
        503,
        _("Please try again in a minute"),
        _(
            "Very many answers are arriving at this moment. Nothing was lost: your answers are still here and your code is still valid. Please press Send again in a minute."
        ),
        back=url_for("respond.review"),
    )
    return html, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def session_ended(_exc: SessionEnded):
    if kiosk_round() is not None:  # Back, reload or an old page on a kiosk: a clean start
        return redirect(url_for("kiosk.home"))
    return problem(
        400,
        _("Your survey session has ended"),
        _("Nothing was sent. Please enter your code again to start."),
        code_form=True,
    )


# Raised only on the answering path (survey/respond/views.py), so registered app-wide.
REFUSALS: dict[type[SurveyError], Callable] = {
    UnknownCode: unknown_code,
    SpentCode: spent_code,
    RoundNotStarted: round_not_started,
    RoundClosed: round_closed,
    AlreadyReceived: already_received,
    SessionEnded: session_ended,
    Busy: busy,
}
