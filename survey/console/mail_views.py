"""HR's mail invitations (issue 22): paste or upload a side's addresses, preview the
message, send in the background with progress, and remind those who have not answered.
Every page shows counts only: no address list, and never a code."""

from __future__ import annotations

from collections import Counter

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from ..db import get_db
from ..form_values import required
from ..mail import delivery, messages
from ..public_address import public_url
from ..store import mail_invites, mailing
from ..store.audit import record
from ..store.errors import SurveyError
from ..store.languages import LANGUAGE_NAMES
from ..store.rounds import Round, get_round
from ..store.sides import SIDES, count_per_side, require
from .blueprint import bp, hr_only
from .forms import ActionForm
from .mail_forms import MailListForm, MailSendForm
from .round_views import _refused

EXAMPLE_CODE = "XXXX-XXXX-XXXX"  # stands in for the person's own code in the preview


def _page(round_: Round, form: MailListForm, status: int = 200):
    db = get_db()
    return (
        render_template(
            "console/mail.html",
            round=round_,
            form=form,
            held=count_per_side(db, "mail_recipients", round_.id),
            states=mailing.counts(db, round_.id),
            runs=mailing.runs(db, round_.id),
            reminder=_preview(round_, "remind"),
            action=ActionForm(),
        ),
        status,
    )


def _preview(round_: Round, kind: str) -> dict[str, str | None]:
    """The message as a person will get it, with a stand-in for their code."""
    base_url = public_url()
    words = messages.texts(round_, kind, base_url)
    return {"subject": words["subject"], "text": messages.plain_text(words, EXAMPLE_CODE, base_url)}


def _side_choices(form, round_: Round) -> None:
    form.side.choices = [SelectChoice(side, round_.label(side)) for side in SIDES]


@bp.route("/rounds/<int:round_id>/mail", methods=["GET", "POST"])
@hr_only
def round_mail(round_id: int):
    """The mail page; a list sent here comes back as a preview to confirm."""
    round_ = get_round(get_db(), round_id)
    form = MailListForm()
    _side_choices(form, round_)
    if round_.status == "closed" or not form.validate_on_submit():
        return _page(round_, form, 400 if request.method == "POST" else 200)
    text = form.addresses.data or ""
    if form.upload.data:
        try:
            text += "\n" + form.upload.data.read(2 * 1024 * 1024).decode("utf-8-sig")
        except UnicodeDecodeError:
            form.upload.errors = [_not_text()]
            return _page(round_, form, 400)
    try:
        addresses = mailing.parse_addresses(text)
        mail_invites.check_languages(round_, addresses)
        delivery.settings()
    except SurveyError as exc:
        _refused(exc)
        return _page(round_, form, 400)
    fresh = mailing.new_addresses(get_db(), round_id, addresses, delivery.sealer())
    confirm = MailSendForm(
        formdata=None, side=form.side.data, addresses="\n".join(a.line() for a in addresses)
    )
    return render_template(
        "console/mail_preview.html",
        round=round_,
        side=form.side.data,
        fresh=len(fresh),
        known=len(addresses) - len(fresh),
        preview=_preview(round_, "invite"),
        languages=_languages(round_, fresh),
        form=confirm,
    )


def _languages(round_: Round, fresh: list[mailing.Listed]) -> list[tuple[str, str, int]]:
    """How many of the new addresses get each language (code, its own name, count), most
    first: so HR sees the languages on the lines were read as meant."""
    counted = Counter(listed.lang or round_.lang for listed in fresh)
    return [(lang, LANGUAGE_NAMES[lang], n) for lang, n in counted.most_common()]


def _not_text() -> str:
    return _("The file is not a text file (UTF-8): save it as plain text, one address a line.")


@bp.post("/rounds/<int:round_id>/mail/send")
@hr_only
def send_mail(round_id: int):
    """Make the codes, seal them with the addresses, and send in the background."""
    db = get_db()
    round_ = get_round(db, round_id)
    form = MailSendForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        side = require(required(form.side.data))
        addresses = mailing.parse_addresses(required(form.addresses.data))
        delivery.settings()  # before any code is made: a sending that cannot start makes none
        added, _known = mail_invites.invite(
            db, round_id, side, addresses, current_app.config["INVITE_KEY"], delivery.sealer()
        )
    except SurveyError as exc:
        _refused(exc)
        return redirect(url_for("console.round_mail", round_id=round_id))
    record(
        db,
        current_user.email,
        "mail.invite",
        round_id,
        num=added,
        side=side,
        label=round_.label(side),
    )
    return _start(round_, "invite")


@bp.post("/rounds/<int:round_id>/mail/retry")
@hr_only
def retry_mail(round_id: int):
    """Send the invitations that failed or were not sent yet (a server restart), again."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _start(get_round(get_db(), round_id), "invite")


@bp.post("/rounds/<int:round_id>/mail/remind")
@hr_only
def send_reminder(round_id: int):
    """Remind every mailed person whose code is still unspent (once a day)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _start(get_round(get_db(), round_id), "remind")


def _start(round_: Round, kind: str):
    """Start a sending in the background and go to its progress page (or back, refused)."""
    db = get_db()
    try:
        mail = delivery.settings()
        job = delivery.plan(db, round_, kind)
    except SurveyError as exc:
        _refused(exc)
        return redirect(url_for("console.round_mail", round_id=round_.id))
    if kind == "remind":
        record(db, current_user.email, "mail.remind", round_.id, num=job.run.total)
    delivery.in_background(current_app._get_current_object(), round_.id, job, mail, public_url())  # type: ignore[attr-defined]
    return redirect(url_for("console.mail_progress", round_id=round_.id, run_id=job.run.id))


@bp.get("/rounds/<int:round_id>/mail/runs/<int:run_id>")
@hr_only
def mail_progress(round_id: int, run_id: int):
    """How far the sending is (mail-progress.js asks this page again every two seconds):
    counts only."""
    db = get_db()
    round_ = get_round(db, round_id)
    run = next((run for run in mailing.runs(db, round_id) if run.id == run_id), None)
    if run is None:
        abort(404)
    return render_template("console/mail_progress.html", round=round_, run=run)
