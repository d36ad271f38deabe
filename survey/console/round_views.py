"""HR's round pages: list, create, edit, open, close (invite codes: invite_views.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from types import SimpleNamespace

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from ..db import get_db
from ..form_values import required
from ..i18n import translated
from ..store import carried, invites, padding
from ..store import questionnaire as qn
from ..store.audit import record
from ..store.connection import write_transaction
from ..store.errors import SurveyError
from ..store.participation import participation, spent_codes
from ..store.rounds import (
    Round,
    choose_agreements,
    close_round,
    create_round,
    get_round,
    list_rounds,
    open_round,
    update_round,
)
from .blueprint import bp, hr_only, staff
from .forms import ActionForm, RoundForm, SettingsForm


def _refused(exc: SurveyError) -> None:
    """A rule the form could not check beforehand: say so in the person's language."""
    flash(_("That was refused: %(reason)s", reason=translated(exc)), "error")


@bp.get("/")
@staff
def rounds():
    db = get_db()
    listed = [(round_, participation(db, round_)) for round_ in reversed(list_rounds(db))]
    return render_template("console/rounds.html", rounds=listed)


@bp.route("/rounds/new", methods=["GET", "POST"])
@hr_only
def new_round():
    form = RoundForm()
    form.questionnaire.choices = [
        SelectChoice(q.id, q.title.get(str(get_locale()), q.id)) for q in qn.available()
    ]
    db = get_db()
    form.agreements.choices = _offers(carried.offered(db))
    if form.validate_on_submit():
        try:
            with write_transaction(db):  # the round and its agreements, or neither
                round_id = create_round(
                    db,
                    required(form.name.data),
                    form.questionnaire.data,
                    required(form.side_a.data),
                    required(form.side_b.data),
                    **_settings(form),
                    lang=form.lang.data,
                    headcount_a=form.headcount_a.data,
                    headcount_b=form.headcount_b.data,
                )
                choose_agreements(db, round_id, form.agreements.data or [])
        except SurveyError as exc:
            _refused(exc)
        else:
            record(
                db, current_user.email, "round.create", round_id, required(form.name.data).strip()
            )
            flash(_("The round is created as a draft."), "success")
            return redirect(url_for("console.round_detail", round_id=round_id))
    return render_template("console/round_form.html", form=form, round=None)


def _offers(offers: list[carried.Offer]) -> list[SelectChoice]:
    """Checkbox labels: the agreement, then where it was agreed (round and sides)."""
    return [
        SelectChoice(
            offer.id,
            f"{offer.what} ({offer.round_name}: {offer.side_a} / {offer.side_b}, {offer.due_on})",
        )
        for offer in offers
    ]


def _settings(form: SettingsForm) -> dict:
    """The settings as sent; a team size left out keeps the round's (or the default)."""
    settings = {
        "threshold": form.threshold.data,
        "comment_threshold": form.comment_threshold.data,
        "closes_on": form.closes_on.data.isoformat() if form.closes_on.data else None,
    }
    if form.team_size.data is not None:
        settings["team_size"] = form.team_size.data
    return settings


@bp.get("/rounds/<int:round_id>")
@staff
def round_detail(round_id: int):
    db = get_db()
    round_ = get_round(db, round_id)
    return render_template(
        "console/round.html",
        round=round_,
        participation=participation(db, round_),
        issued=invites.issued_counts(db, round_id),
        spent=spent_codes(db, round_),
        action=ActionForm(),
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@hr_only
def edit_round(round_id: int):
    db = get_db()
    round_ = get_round(db, round_id)
    if round_.status == "closed":
        flash(_("A closed round is final; nothing in it can change."), "error")
        return redirect(url_for("console.round_detail", round_id=round_id))
    form_class = RoundForm if round_.status == "draft" else SettingsForm
    saved = _form_data(round_)
    if round_.status == "draft":
        saved.agreements = carried.chosen(db, round_id)
    form = form_class(obj=saved)
    form.saved_closes_on = saved.closes_on
    if round_.status == "draft":
        del form.questionnaire
        form.agreements.choices = _offers(carried.offered(db, round_))
    else:
        form.minimum_threshold = round_.threshold
        form.minimum_comment_threshold = round_.comment_threshold
        form.sides = {side: (round_.label(side), round_.headcount(side)) for side in "ab"}
    if form.validate_on_submit():
        changes = _settings(form)
        if round_.status == "draft":
            changes.update(
                name=form.name.data,
                side_a=form.side_a.data,
                side_b=form.side_b.data,
                lang=form.lang.data,
                headcount_a=form.headcount_a.data,
                headcount_b=form.headcount_b.data,
            )
        try:
            # The settings, the agreements and a changed headcount's audit line, or none.
            with write_transaction(db):
                issued = invites.issued_counts(db, round_id)
                updated = update_round(db, round_id, **changes)
                if round_.status == "draft":
                    choose_agreements(db, round_id, form.agreements.data or [])
                for detail in padding.headcount_changes(round_, updated, issued):
                    record(db, current_user.email, "round.headcount", round_id, detail)
        except SurveyError as exc:
            _refused(exc)
        else:
            record(
                db, current_user.email, "round.edit", round_id, changes=_changed(round_, changes)
            )
            flash(_("The changes are saved."), "success")
            return redirect(url_for("console.round_detail", round_id=round_id))
    return render_template("console/round_form.html", form=form, round=round_)


def _form_data(round_: Round) -> SimpleNamespace:
    """The round's values in the shape the form expects (a date object for the date)."""
    values = asdict(round_)
    values["closes_on"] = dt.date.fromisoformat(round_.closes_on) if round_.closes_on else None
    return SimpleNamespace(**values)


def _changed(round_: Round, changes: dict) -> list[tuple[str, str, str]]:
    """Each setting that changed, with its old and new value (the log words the names)."""
    return [
        (key, str(getattr(round_, key)), str(value))
        for key, value in sorted(changes.items())
        if getattr(round_, key) != value
    ]


@bp.post("/rounds/<int:round_id>/open")
@hr_only
def open_round_view(round_id: int):
    db = get_db()
    if ActionForm().validate_on_submit():
        try:
            open_round(db, round_id)
        except SurveyError as exc:
            _refused(exc)
        else:
            record(db, current_user.email, "round.open", round_id)
            flash(_("The round is open: hand out the invite codes."), "success")
    return redirect(url_for("console.round_detail", round_id=round_id))


@bp.route("/rounds/<int:round_id>/close", methods=["GET", "POST"])
@hr_only
def close_round_view(round_id: int):
    db = get_db()
    round_ = get_round(db, round_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            close_round(db, round_id)
        except SurveyError as exc:
            _refused(exc)
        else:
            record(db, current_user.email, "round.close", round_id)
            flash(_("The round is closed. It will never accept responses again."), "success")
        return redirect(url_for("console.round_detail", round_id=round_id))
    return render_template("console/close.html", round=round_, form=form)
