"""After a round closes: comment moderation, the reports page; and HR's audit log."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from ..db import get_db
from ..form_values import required
from ..store.audit import ACTIONS, entries, record
from ..store.moderation import comments_for_moderation, hide_comment, unhide_comment
from ..store.rounds import Round, comparable_rounds, get_round
from .audit_words import worded
from .blueprint import bp, hr_only, staff
from .forms import ActionForm, CompareForm, HideForm


def _closed_or_back(round_: Round):
    """Moderation and reports exist only for closed rounds: anything else goes back."""
    if round_.status == "closed":
        return None
    flash(_("This is available once the round is closed."), "error")
    return redirect(url_for("console.round_detail", round_id=round_.id))


@bp.get("/rounds/<int:round_id>/comments")
@staff
def comments(round_id: int):
    db = get_db()
    round_ = get_round(db, round_id)
    back = _closed_or_back(round_)
    if back:
        return back
    return render_template(
        "console/comments.html",
        round=round_,
        questions=comments_for_moderation(db, round_, str(get_locale())),
        hide_form=HideForm(),
    )


@bp.post("/comments/<comment_id>/hide")
@staff
def hide(comment_id: str):
    db = get_db()
    form = HideForm()
    if not form.validate_on_submit():
        flash(_("Say why the comment is hidden (a short reason)."), "error")
        return redirect(url_for("console.rounds"))
    reason = required(form.reason.data)
    round_ = hide_comment(db, comment_id, reason)
    record(db, current_user.email, "comment.hide", round_.id, reason.strip())
    flash(_("The comment is hidden from the report (and still counted)."), "success")
    return redirect(url_for("console.comments", round_id=round_.id, _anchor=f"c-{comment_id}"))


@bp.post("/comments/<comment_id>/unhide")
@staff
def unhide(comment_id: str):
    db = get_db()
    if not ActionForm().validate_on_submit():
        return redirect(url_for("console.rounds"))
    round_ = unhide_comment(db, comment_id)
    record(db, current_user.email, "comment.unhide", round_.id)
    flash(_("The comment is back in the report."), "success")
    return redirect(url_for("console.comments", round_id=round_.id, _anchor=f"c-{comment_id}"))


REPORT_FILES = ("pdf-pl", "pdf-en", "json")


def _compare_form(round_: Round) -> CompareForm:
    form = CompareForm(request.args)
    form.compare.choices = [SelectChoice("", _("No comparison"))] + [
        SelectChoice(str(other.id), f"{other.name} ({other.closed_on})")
        for other in comparable_rounds(get_db(), round_)
    ]
    return form


@bp.get("/rounds/<int:round_id>/report")
@staff
def report(round_id: int):
    round_ = get_round(get_db(), round_id)
    back = _closed_or_back(round_)
    if back:
        return back
    return render_template("console/report.html", round=round_, form=_compare_form(round_))


@bp.get("/rounds/<int:round_id>/report/download")
@staff
def download_report(round_id: int):
    """The gap report (PDF, Polish or English) or the analysis (JSON), optionally compared
    with an earlier closed round of the same questionnaire and sides."""
    db = get_db()
    round_ = get_round(db, round_id)
    form = _compare_form(round_)
    wanted = request.args.get("file")
    if round_.status != "closed" or wanted not in REPORT_FILES or not form.validate():
        abort(400)
    compare_with = int(form.compare.data) if form.compare.data else None
    # Imported here, not at the top: the analysis (scipy) and the PDF (WeasyPrint) weigh
    # about 120 MB, and only this view needs them, not every server worker.
    if wanted == "json":
        from reports.analysis import analyse

        report = analyse(db, round_id, compare_with=compare_with)
        body: str | bytes = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        mimetype, extension = "application/json", "json"
    else:
        from reports.pdf import render_pdf

        body = render_pdf(db, round_id, lang=wanted[-2:], compare_with=compare_with)
        mimetype, extension = "application/pdf", f"{wanted[-2:]}.pdf"
    record(db, current_user.email, "report.download", round_id, report=wanted, compare=compare_with)
    name = f"lustro-round-{round_id}-report.{extension}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/audit")
@hr_only
def audit():
    """The whole log, or one round's (`?round=ID`, linked from the round's page)."""
    db = get_db()
    round_ = get_round(db, request.args["round"]) if "round" in request.args else None
    return render_template(
        "console/audit.html",
        entries=[
            (entry, worded(entry)) for entry in entries(db, round_id=round_.id if round_ else None)
        ],
        round=round_,
        action_labels={action: _(label) for action, label in ACTIONS.items()},
    )
