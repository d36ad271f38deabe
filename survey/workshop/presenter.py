"""The facilitator's side: start a workshop for a closed round, run the projector, record
agreements, download the documents. Console accounts only (HR or facilitator)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from ..console.blueprint import staff
from ..console.forms import ActionForm
from ..db import get_db
from ..form_values import required
from ..i18n import translated
from ..store.audit import record
from ..store.errors import SurveyError
from ..store.rounds import get_round
from ..store.sides import SIDES
from . import documents, store
from .agenda import agenda_of, current_block, dimension_name, dimension_view
from .blueprint import bp
from .forms import AgreementForm, NewWorkshopForm, room_form
from .qr import join_qr_svg, join_url


def _lang() -> str:
    return str(get_locale())


def _dimension_choices(round_, suggested: list[str]) -> list[SelectChoice]:
    """Suggested dimensions first (clear findings, most certain first), then the rest."""
    lang = _lang()
    dimensions = {d.id: d for d in round_.questionnaire.dimensions}
    order = suggested + [d for d in dimensions if d not in suggested]
    return [SelectChoice(d, dimensions[d].name.get(lang, d)) for d in order]


@bp.route("/console/rounds/<int:round_id>/workshops", methods=["GET", "POST"])
@staff
def workshops(round_id: int):
    db = get_db()
    round_ = get_round(db, round_id)
    form = NewWorkshopForm()
    suggested: list[str] = []
    if round_.status == "closed":
        from reports.analysis import analyse

        analysis = analyse(db, round_id)
        figures = store.workshop_figures(round_, analysis)
        suggested = store.suggested_dimensions(figures, store.MAX_DIMENSIONS["half-day"])
        form.dimensions.choices = _dimension_choices(round_, suggested)
        if request.method == "GET":
            form.dimensions.data = suggested[: store.MAX_DIMENSIONS["2h"]]
        if form.validate_on_submit():
            try:
                workshop = store.create_workshop(
                    db, round_id, form.variant.data, required(form.dimensions.data), analysis
                )
            except SurveyError as exc:
                flash(_("That was refused: %(reason)s", reason=translated(exc)), "error")
            else:
                record(db, current_user.email, "workshop.create", round_id, workshop.join_code)
                return redirect(url_for("workshop.present", workshop_id=workshop.id))
    return render_template(
        "workshop/workshops.html",
        round=round_,
        form=form,
        suggested=suggested,
        existing=store.workshops_of_round(db, round_id),
    )


def _slide_context(workshop: store.Workshop) -> dict:
    db = get_db()
    lang = _lang()
    blocks = agenda_of(workshop)
    block = current_block(workshop)
    counts = store.guess_counts(db, workshop.id)
    questionnaire = get_round(db, workshop.round_id).questionnaire
    agreement_form = AgreementForm()
    agreement_form.responsible.choices = documents.responsible_choices(workshop)
    return {
        "workshop": workshop,
        "blocks": blocks,
        "block": block,
        "lang": lang,
        "dimension": (
            dimension_view(workshop, counts, questionnaire, block.dimension, lang)
            if block.dimension
            else None
        ),
        "agreements": store.agreements(db, workshop.id),
        "agreement_form": agreement_form,
        "room_form": _room_form(workshop),
        "last_day": format_date(workshop.last_day, format="long"),
        "action": ActionForm(),
        "join_url": join_url(workshop),
        "qr": join_qr_svg(workshop),
        "name_of": lambda d: dimension_name(workshop, d, lang),
    }


def _room_form(workshop: store.Workshop):
    form = room_form({side: workshop.label(side) for side in SIDES})()
    if not form.is_submitted():
        for side, n in workshop.in_room.items():
            form[f"in_room-{side}"].data = n
    return form


@bp.post("/console/workshops/<int:workshop_id>/room")
@staff
def in_room(workshop_id: int):
    """The facilitator's count of each side's people in the room."""
    db = get_db()
    workshop = store.get_workshop(db, workshop_id)
    form = _room_form(workshop)
    if form.validate_on_submit():
        store.set_in_room(db, workshop, {side: form[f"in_room-{side}"].data for side in SIDES})
        flash(_("The number of people in the room is saved."), "success")
    else:
        flash(
            _(
                "Enter how many people of each side are in the room, from 0 to %(max)s.",
                max=store.MAX_IN_ROOM,
            ),
            "error",
        )
    return _back(workshop_id, "room")


def _back(workshop_id: int, anchor: str | None = None):
    return redirect(url_for("workshop.present", workshop_id=workshop_id, _anchor=anchor))


@bp.get("/console/workshops/<int:workshop_id>")
@staff
def present(workshop_id: int):
    workshop = store.get_workshop(get_db(), workshop_id)
    return render_template("workshop/present.html", **_slide_context(workshop))


@bp.post("/console/workshops/<int:workshop_id>/step")
@staff
def step(workshop_id: int):
    db = get_db()
    workshop = store.get_workshop(db, workshop_id)
    if ActionForm().validate_on_submit():
        moves = {"next": workshop.step + 1, "previous": workshop.step - 1}
        target = moves.get(request.form.get("to", ""))
        if target is None:
            target = request.form.get("to", type=int, default=workshop.step)
        store.set_step(db, workshop, target, len(agenda_of(workshop)))
    return _back(workshop_id)


@bp.post("/console/workshops/<int:workshop_id>/reveal")
@staff
def reveal(workshop_id: int):
    db = get_db()
    workshop = store.get_workshop(db, workshop_id)
    block = current_block(workshop)
    if ActionForm().validate_on_submit() and block.dimension:
        store.reveal(db, workshop, block.dimension)
    return _back(workshop_id)


@bp.post("/console/workshops/<int:workshop_id>/agreements")
@staff
def add_agreement(workshop_id: int):
    db = get_db()
    workshop = store.get_workshop(db, workshop_id)
    form = AgreementForm()
    form.responsible.choices = documents.responsible_choices(workshop)
    if form.validate_on_submit():
        store.add_agreement(
            db,
            workshop,
            required(form.what.data),
            form.responsible.data,
            required(form.due_on.data).isoformat(),
            required(form.evidence.data),
            role=form.role.data or "",
        )
        flash(_("The agreement is recorded."), "success")
    else:
        flash(
            _("Fill in what changes, who does it, by when and how both sides will know."), "error"
        )
    return _back(workshop_id, "agreements")


@bp.post("/console/workshops/<int:workshop_id>/agreements/<agreement_id>/delete")
@staff
def delete_agreement(workshop_id: int, agreement_id: str):
    db = get_db()
    workshop = store.get_workshop(db, workshop_id)
    if ActionForm().validate_on_submit():
        store.delete_agreement(db, workshop, agreement_id)
    return _back(workshop_id, "agreements")


@bp.get("/console/workshops/<int:workshop_id>/download/<name>")
@staff
def download(workshop_id: int, name: str):
    """agreements.pdf/.csv/.json, handout.pdf, slides.pdf; ?lang=pl|en for the PDFs."""
    db = get_db()
    workshop = store.get_workshop(db, workshop_id)
    lang = request.args.get("lang") or workshop.figures["lang"]
    body, mimetype = documents.render(db, workshop, name, lang)
    record(db, current_user.email, "workshop.download", workshop.round_id, name)
    filename = f"lustro-workshop-{workshop.id}-{name}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
