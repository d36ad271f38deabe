"""Participants' phones: join with the code on the screen, pick a side, guess, put dots.

No invite code, no account, no JavaScript needed. What a phone has done (its side, the
dimensions it guessed, whether it has put its dots) lives only in its own signed session
cookie; the server keeps counts, never a row per person, and logs nothing here.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from ..db import get_db
from ..form_values import required
from ..store.errors import InvalidInput
from ..store.sides import SIDES
from . import store
from .agenda import current_block, dimension_name, state
from .blueprint import bp
from .forms import GuessForm, JoinForm, SideForm, dots_form

SESSION_KEY = "workshops"


def _mine(workshop: store.Workshop) -> dict:
    """This phone's marker for the workshop: {"side", "guessed": [...], "dots": bool}."""
    return session.get(SESSION_KEY, {}).get(str(workshop.id), {})


def _remember(workshop: store.Workshop, marker: dict) -> None:
    markers = dict(session.get(SESSION_KEY, {}))
    markers[str(workshop.id)] = marker
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
def phone(code: str):
    db = get_db()
    workshop = store.find_by_code(db, code)
    mine = _mine(workshop)
    if not mine.get("side"):
        return render_template("workshop/side.html", workshop=workshop, form=_side_form(workshop))
    block = current_block(workshop)
    lang = _lang(workshop)
    context = {
        "workshop": workshop,
        "block": block,
        "side": mine["side"],
        "name_of": lambda d: dimension_name(workshop, d, lang),
    }
    if block.dimension:
        context["dimension_name"] = dimension_name(workshop, block.dimension, lang)
        if block.dimension not in workshop.revealed and block.dimension not in mine["guessed"]:
            form = GuessForm(dimension=block.dimension)
            return render_template("workshop/guess.html", form=form, **context)
    if block.kind == "vote" and not mine.get("dots"):
        items = store.agreements(db, workshop.id)
        if items:
            form = dots_form([a.id for a in items])()
            return render_template("workshop/dots.html", form=form, agreements=items, **context)
    return render_template("workshop/wait.html", guessed=mine["guessed"], **context)


def _lang(workshop: store.Workshop) -> str:
    from flask_babel import get_locale

    return str(get_locale() or workshop.figures["lang"])


@bp.post("/w/<code>/side")
def choose_side(code: str):
    workshop = store.find_by_code(get_db(), code)
    form = _side_form(workshop)
    if not form.validate_on_submit():
        return render_template("workshop/side.html", workshop=workshop, form=form), 400
    if not _mine(workshop).get("side"):  # the side is chosen once per phone
        _remember(workshop, {"side": form.side.data, "guessed": [], "dots": False})
    return _back(workshop)


@bp.post("/w/<code>/guess")
def guess(code: str):
    db = get_db()
    workshop = store.find_by_code(db, code)
    mine = _mine(workshop)
    if not mine.get("side"):
        return _back(workshop)
    form = GuessForm()
    if not form.validate_on_submit():
        flash(_("Choose a number from 1 to 5."), "error")
        return _back(workshop)
    dimension = form.dimension.data or ""  # "" when a post leaves it out: add_guess refuses it
    if dimension in mine["guessed"]:
        flash(_("You have already guessed this one."), "error")
    else:
        store.add_guess(db, workshop, dimension, mine["side"], form.value.data)
        _remember(workshop, mine | {"guessed": [*mine["guessed"], dimension]})
        flash(_("Your guess is counted. Look at the screen."), "success")
    return _back(workshop)


@bp.post("/w/<code>/dots")
def dots(code: str):
    db = get_db()
    workshop = store.find_by_code(db, code)
    mine = _mine(workshop)
    items = store.agreements(db, workshop.id)
    if not mine.get("side") or mine.get("dots"):
        return _back(workshop)
    form = dots_form([a.id for a in items])()
    if not form.validate_on_submit():
        flash(_("Choose from 0 to 3 dots per agreement."), "error")
        return _back(workshop)
    chosen = {a.id: form[f"dots-{a.id}"].data for a in items}
    try:
        store.cast_dots(db, workshop, chosen)
    except InvalidInput:
        flash(_("You have 3 dots in all: put at least one and no more than three."), "error")
    else:
        _remember(workshop, mine | {"dots": True})
        flash(_("Your dots are counted. Thank you."), "success")
    return _back(workshop)


@bp.get("/w/<code>/state.json")
def live_state(code: str):
    """What the projector and the phones poll: counts of guesses and dots, never a value."""
    db = get_db()
    workshop = store.find_by_code(db, code)
    dots_now = {a.id: a.dots for a in store.agreements(db, workshop.id)}
    return jsonify(state(workshop, store.guess_counts(db, workshop.id), dots_now))
