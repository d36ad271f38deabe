"""HR turns this device into a kiosk for an open round, and ends kiosk mode again."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..db import get_db
from ..respond import kiosk
from ..respond.kiosk_mark import kiosk_round
from ..store.audit import record
from ..store.rounds import get_round
from .blueprint import bp, hr_only
from .forms import ActionForm
from .login import forget_device


@bp.post("/rounds/<int:round_id>/kiosk")
@hr_only
def start_kiosk(round_id: int):
    """Sign HR out on this device (the next people must not reach the console) and show
    the kiosk's start screen."""
    round_ = get_round(get_db(), round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if round_.status != "open":
        flash(_("A kiosk can only be started for an open round."), "error")
        return redirect(url_for("console.round_detail", round_id=round_id))
    record(get_db(), current_user.email, "kiosk.start", round_id)
    logout_user()
    response = make_response(redirect(url_for("kiosk.home")))
    kiosk.start(response, round_id)
    forget_device(response)  # the next people must not skip the account's login cap
    return response


@bp.route("/kiosk/end", methods=["GET", "POST"])
@hr_only
def end_kiosk():
    """HR signs in on the kiosk and confirms: the device is an ordinary browser again."""
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("console/kiosk_end.html", form=form, on=kiosk_round())
    record(get_db(), current_user.email, "kiosk.end", kiosk_round())
    flash(_("Kiosk mode has ended on this device."), "success")
    response = make_response(redirect(url_for("console.rounds")))
    kiosk.end(response)
    return response
