"""HR's invite codes: generate a batch, see it once, download it as CSV or slips.

Generating answers with a redirect (POST/redirect/GET), so reloading the page that shows
the codes cannot generate a second batch; the batch page lists the codes on its first
view only. The form carries a one-time token (once.py): sending it twice (a double click,
Back and send again) leads to the first sending's batch instead of making another. Slips are drawn in the background while a self-refreshing page (no JavaScript
needed) shows the progress; see survey/batches.py for how the codes are kept meanwhile.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from ..db import get_db
from ..documents import batches
from ..documents.slips import codes_csv, slip_texts
from ..form_values import required
from ..public_address import public_url
from ..store import invites
from ..store.audit import record
from ..store.errors import SurveyError
from ..store.participation import spent_codes
from ..store.rounds import Round, get_round
from ..store.sides import SIDES
from .blueprint import bp, hr_only
from .forms import ActionForm, InvitesForm
from .once import new_token, read_token
from .round_views import _refused


@bp.route("/rounds/<int:round_id>/invites", methods=["GET", "POST"])
@hr_only
def round_invites(round_id: int):
    """Generate codes for one side; the codes live on only in the batch just made."""
    db = get_db()
    round_ = get_round(db, round_id)
    form = InvitesForm()
    form.side.choices = [SelectChoice(side, round_.label(side)) for side in SIDES]
    if round_.status != "closed" and form.validate_on_submit():
        once = read_token(form.once.data, batches.BATCH_TTL)
        if once is None:
            flash(
                _(
                    "This form was open for more than an hour, so nothing was generated. "
                    "Check the side and the number, then press Generate codes again."
                ),
                "error",
            )
        else:
            made = _generate_once(round_, form, once)
            if made is not None:
                return made
    form.once.data = new_token()
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "console/invites.html",
            round=round_,
            form=form,
            issued=invites.issued_counts(db, round_id),
            spent=spent_codes(db, round_),
        ),
        status,
    )


def _generate_once(round_: Round, form: InvitesForm, once: str) -> BaseResponse | None:
    """Make the batch of one sending of the form; a second sending of the same form goes to
    the batch the first made (or its "no longer here" page, once HR pressed Done). None
    when the codes were refused: the form is shown again with the reason."""
    folder, owner = _folder(), current_user.email
    made = batches.claim(folder, once, owner, round_.id)
    if made is None:
        side = form.side.data
        try:
            codes = invites.generate(
                get_db(),
                round_.id,
                side,
                required(form.count.data),
                current_app.config["INVITE_KEY"],
            )
        except SurveyError as exc:
            batches.release(folder, once, owner, round_.id)
            _refused(exc)
            return None
        record(
            get_db(),
            owner,
            "invites.generate",
            round_.id,
            num=len(codes),
            side=side,
            label=round_.label(side),
        )
        made = batches.create(folder, owner, round_.id, side, codes, once=once)
    elif not made:
        flash(
            _(
                "These codes are still being made. Look at “Codes issued” below before "
                "generating more."
            ),
            "error",
        )
        return redirect(url_for("console.round_invites", round_id=round_.id))
    return redirect(url_for("console.invite_batch", round_id=round_.id, token=made))


def _folder():
    return batches.folder_for(current_app.instance_path)


def _batch(round_id: int, token: str) -> batches.Batch:
    """This user's batch of this round, or a page that says it is gone."""
    batch = batches.load(_folder(), token, current_user.email, round_id)
    if batch is None:
        abort(410)
    return batch


@bp.get("/rounds/<int:round_id>/invites/<token>")
@hr_only
def invite_batch(round_id: int, token: str):
    """The codes of a new batch: listed on the first view, never again."""
    round_ = get_round(get_db(), round_id)
    batch = _batch(round_id, token)
    if not batch.shown:
        batches.mark_shown(_folder(), batch)
    return render_template(
        "console/codes.html",
        round=round_,
        batch=batch,
        codes=None if batch.shown else batch.codes,
        slips=batches.progress(_folder(), batch),
        action=ActionForm(),
    )


@bp.post("/rounds/<int:round_id>/invites/<token>/csv")
@hr_only
def download_codes_csv(round_id: int, token: str):
    db = get_db()
    round_ = get_round(db, round_id)
    batch = _batch(round_id, token)
    if not ActionForm().validate_on_submit():
        abort(400)
    _audit_download(batch, "csv")
    body = codes_csv(round_, batch.codes, public_url(), batch.side)
    return _attachment(body, "text/csv; charset=utf-8", batch, "csv")


@bp.post("/rounds/<int:round_id>/invites/<token>/slips")
@hr_only
def start_slips(round_id: int, token: str):
    """Start drawing the slips (once per batch) and go to the progress page."""
    round_ = get_round(get_db(), round_id)
    batch = _batch(round_id, token)
    if not ActionForm().validate_on_submit():
        abort(400)
    progress = batches.progress(_folder(), batch)
    if progress is None or progress.failed:
        base_url = public_url()
        texts = slip_texts(round_, base_url, batch.side)
        batches.start_slips(_folder(), batch, texts, base_url)
    return redirect(url_for("console.slips_progress", round_id=round_id, token=token))


@bp.get("/rounds/<int:round_id>/invites/<token>/slips")
@hr_only
def slips_progress(round_id: int, token: str):
    """How far the slips are, offering the PDF once it is ready."""
    round_ = get_round(get_db(), round_id)
    batch = _batch(round_id, token)
    progress = batches.progress(_folder(), batch)
    if progress is None:
        return redirect(url_for("console.invite_batch", round_id=round_id, token=token))
    return render_template(
        "console/slips_progress.html",
        round=round_,
        batch=batch,
        progress=progress,
        state=_slips_state(progress),
        message=_slips_message(progress),
        action=ActionForm(),
    )


@bp.get("/rounds/<int:round_id>/invites/<token>/slips.json")
@hr_only
def slips_progress_state(round_id: int, token: str):
    """What the progress page's script asks every second: the state and its sentence."""
    batch = _batch(round_id, token)
    progress = batches.progress(_folder(), batch)
    if progress is None:  # taken meanwhile (another tab): the batch page says what is left
        return {"state": "gone", "done": 0, "total": len(batch.codes), "message": ""}
    return {
        "state": _slips_state(progress),
        "done": progress.done,
        "total": progress.total,
        "message": _slips_message(progress),
    }


def _slips_state(progress: batches.SlipsProgress) -> str:
    return "failed" if progress.failed else "ready" if progress.ready else "drawing"


def _slips_message(progress: batches.SlipsProgress) -> str:
    """The one sentence the page and its live region show for this state."""
    if progress.failed:
        return _(
            "The slips could not be made. Try again; if it fails again, ask your "
            "administrator to look at the server log."
        )
    if progress.ready:
        return ngettext(
            "The PDF with %(num)s slip is ready. It can be downloaded once, then it is deleted from the server.",
            "The PDF with %(num)s slips is ready. It can be downloaded once, then it is deleted from the server.",
            progress.total,
        )
    return ngettext(
        "%(done)s of %(num)s slip drawn…",
        "%(done)s of %(num)s slips drawn…",
        progress.total,
        done=progress.done,
    )


@bp.post("/rounds/<int:round_id>/invites/<token>/slips.pdf")
@hr_only
def download_slips(round_id: int, token: str):
    """The finished slips, once: the file is deleted as it is handed over."""
    batch = _batch(round_id, token)
    if not ActionForm().validate_on_submit():
        abort(400)
    body = batches.take_slips(_folder(), batch)
    if body is None:
        flash(_("These slips were already downloaded. Make them again if you need them."), "error")
        return redirect(url_for("console.invite_batch", round_id=round_id, token=token))
    _audit_download(batch, "pdf")
    return _attachment(body, "application/pdf", batch, "pdf")


@bp.post("/rounds/<int:round_id>/invites/<token>/forget")
@hr_only
def forget_batch(round_id: int, token: str):
    """HR is done with the batch: its codes and slips are deleted from the server now."""
    if ActionForm().validate_on_submit():
        batches.forget(_folder(), _batch(round_id, token).token)
        flash(_("The codes of that batch are deleted from the server."), "success")
    return redirect(url_for("console.round_invites", round_id=round_id))


def _audit_download(batch: batches.Batch, fmt: str) -> None:
    label = get_round(get_db(), batch.round_id).label(batch.side)
    record(
        get_db(),
        current_user.email,
        "invites.download",
        batch.round_id,
        num=len(batch.codes),
        side=batch.side,
        label=label,
        format=fmt.upper(),
    )


def _attachment(body: bytes | str, mimetype: str, batch: batches.Batch, fmt: str) -> Response:
    name = f"lustro-round-{batch.round_id}-{batch.side}-codes.{fmt}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
