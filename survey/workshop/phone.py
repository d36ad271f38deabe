"""Participants' phones: join with the code on the screen, pick a side, guess, put dots.

No invite code, no account, no JavaScript needed. A phone that picks its side takes one of
the workshop's preallocated places; the place's random id, the phone's one-time token,
lives in its own signed session cookie, and the place records which dimensions it has
guessed and whether it has voted, so a copied or replayed cookie gets no second guess and
no more dots (issue 20, W1/W2). The server keeps counts, never a guess per phone, and logs
nothing here.

Join codes are throttled per address, failed tries only (W3), and stop working after the
workshop's days (store.OPEN_DAYS).
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from ..db import get_db
from ..error_pages import page
from ..extensions import limiter
from ..form_values import required
from ..store.errors import InvalidInput
from ..store.sides import SIDES
from . import store
from .agenda import current_block, dimension_name, state
from .blueprint import bp
from .forms import GuessForm, JoinForm, SideForm, dots_form

SESSION_KEY = "workshops"
# Failed join codes (unknown or expired) per address, in memory only: a room behind one
# shared address mistypes a few; a guesser at 600 tries a second gets 20 a minute.
JOIN_LIMIT = "20/minute"


def _failed_code(response) -> bool:
    """Only an unknown (404) or expired (410) code counts toward the limit."""
    return response.status_code in (404, 410)


throttled = limiter.shared_limit(JOIN_LIMIT, scope="workshop-codes", deduct_when=_failed_code)


class Ended(Exception):
    """A phone asked for a workshop past its last day."""

    def __init__(self, workshop: store.Workshop) -> None:
        super().__init__(workshop.join_code)
        self.workshop = workshop


@bp.errorhandler(Ended)
def ended(error: Ended):
    """A clear page in the person's language; the code tells nothing more."""
    last = format_date(error.workshop.last_day, format="long")
    message = _(
        "A workshop's code works on the day the workshop was set up and the next day; "
        "this one's last day was %(date)s. Ask the facilitator for the code of a new one.",
        date=last,
    )
    return page(410, _("This workshop has ended"), message)


def _open(code: str) -> store.Workshop:
    """The workshop of a code a phone uses, while phones may still take part."""
    workshop = store.find_by_code(get_db(), code)
    if workshop.expired():
        raise Ended(workshop)
    return workshop


def _token(workshop: store.Workshop) -> object:
    return session.get(SESSION_KEY, {}).get(workshop.join_code)


def _mine(workshop: store.Workshop) -> store.Phone | None:
    """This phone's place in the workshop, from the token in its cookie (None: not joined)."""
    return store.phone(get_db(), workshop, _token(workshop))


def _remember(workshop: store.Workshop, token: int) -> None:
    markers = dict(session.get(SESSION_KEY, {}))
    markers[workshop.join_code] = token
    session[SESSION_KEY] = markers


def _back(workshop: store.Workshop):
    """After every post: the phone's page again (post, redirect, get)."""
    return redirect(url_for("workshop.phone", code=workshop.join_code))


@bp.route("/w", methods=["GET", "POST"])
def join():
    form = JoinForm()
    if form.validate_on_submit():
        code = store.normalise_code(required(form.code.data))
        return redirect(url_for("workshop.phone", code=code))
    return render_template("workshop/join.html", form=form)


def _side_form(workshop: store.Workshop) -> SideForm:
    form = SideForm()
    form.side.choices = [SelectChoice(side, workshop.label(side)) for side in SIDES]
    return form


@bp.get("/w/<code>")
@throttled
def phone(code: str):
    db = get_db()
    workshop = _open(code)
    mine = _mine(workshop)
    if mine is None:
        return render_template("workshop/side.html", workshop=workshop, form=_side_form(workshop))
    block = current_block(workshop)
    lang = _lang(workshop)
    context = {
        "workshop": workshop,
        "block": block,
        "side": mine.side,
        "name_of": lambda d: dimension_name(workshop, d, lang),
    }
    if block.dimension:
        context["dimension_name"] = dimension_name(workshop, block.dimension, lang)
        if block.dimension not in workshop.revealed and block.dimension not in mine.guessed:
            form = GuessForm(dimension=block.dimension)
            return render_template("workshop/guess.html", form=form, **context)
    if block.kind == "vote" and not mine.voted:
        items = store.agreements(db, workshop.id)
        if items:
            form = dots_form([a.id for a in items])()
            return render_template("workshop/dots.html", form=form, agreements=items, **context)
    return render_template("workshop/wait.html", guessed=mine.guessed, **context)


def _lang(workshop: store.Workshop) -> str:
    from flask_babel import get_locale

    return str(get_locale() or workshop.figures["lang"])


@bp.post("/w/<code>/side")
@throttled
def choose_side(code: str):
    workshop = _open(code)
    form = _side_form(workshop)
    if not form.validate_on_submit():
        return render_template("workshop/side.html", workshop=workshop, form=form), 400
    if _mine(workshop) is None:  # a phone joins once, on one side
        _remember(workshop, store.join(get_db(), workshop, form.side.data))
    return _back(workshop)


@bp.post("/w/<code>/guess")
@throttled
def guess(code: str):
    db = get_db()
    workshop = _open(code)
    mine = _mine(workshop)
    if mine is None:
        return _back(workshop)
    form = GuessForm()
    if not form.validate_on_submit():
        flash(_("Choose a number from 1 to 5."), "error")
        return _back(workshop)
    dimension = form.dimension.data or ""  # "" when a post leaves it out: add_guess refuses it
    if dimension in mine.guessed:
        flash(_("You have already guessed this one."), "error")
    else:
        store.add_guess(db, workshop, mine.token, dimension, form.value.data)
        flash(_("Your guess is counted. Look at the screen."), "success")
    return _back(workshop)


@bp.post("/w/<code>/dots")
@throttled
def dots(code: str):
    db = get_db()
    workshop = _open(code)
    mine = _mine(workshop)
    items = store.agreements(db, workshop.id)
    if mine is None or mine.voted:
        return _back(workshop)
    form = dots_form([a.id for a in items])()
    if not form.validate_on_submit():
        flash(_("Choose from 0 to 3 dots per agreement."), "error")
        return _back(workshop)
    chosen = {a.id: form[f"dots-{a.id}"].data for a in items}
    try:
        store.cast_dots(db, workshop, mine.token, chosen)
    except InvalidInput:
        flash(_("You have 3 dots in all: put at least one and no more than three."), "error")
    else:
        flash(_("Your dots are counted. Thank you."), "success")
    return _back(workshop)


@bp.get("/w/<code>/state.json")
def live_state(code: str):
    """What the projector and the phones poll: counts of guesses and dots, never a value.
    Only for a phone that has joined this code or a console login: to anyone else every
    code is the same 404, so polling needs no throttle and tests no code."""
    normalised = store.normalise_code(code)
    if normalised not in session.get(SESSION_KEY, {}) and not current_user.is_authenticated:
        raise HTTPNotFound()
    db = get_db()
    workshop = store.find_by_code(db, normalised)
    dots_now = {a.id: a.dots for a in store.agreements(db, workshop.id)}
    return jsonify(state(workshop, store.guess_counts(db, workshop.id), dots_now))
