"""`survey mail invite` and `survey mail remind`: invitations and reminders by mail.
They print counts only: no code of a mailed invitation is ever shown."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..mail import delivery
from ..store import mail_invites, mailing
from ..store.audit import record
from ..store.rounds import get_round
from ..store.sides import SIDES
from .base import SurveyGroup, current_db


@click.group("mail", cls=SurveyGroup)
def mail_group() -> None:
    """Invite people by mail (one code each, never shown) and remind those who have not answered."""


def _progress(sent: int, failed: int, total: int) -> None:
    click.echo(f"Sent {sent} of {total}, failed {failed}.", err=True)


@mail_group.command("invite")
@click.argument("round_id", metavar="ROUND")
@click.option(
    "--side", type=click.Choice(SIDES), required=True, help="The side these people are on."
)
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def invite_command(round_id: str, side: str, file) -> None:
    """Mail each address in FILE (one a line; - reads standard input) its own code and link."""
    db = current_db()
    round_ = get_round(db, round_id)
    addresses = mailing.parse_addresses(file.read())
    mail = delivery.settings()  # before any code is made: a sending that cannot start makes none
    added, known = mail_invites.invite(
        db, round_.id, side, addresses, current_app.config["INVITE_KEY"], delivery.sealer()
    )
    record(db, None, "mail.invite", round_.id, f"{added} × {side} (command line)")
    if known:
        click.echo(f"{known} addresses were invited to this round before: not again.")
    run = delivery.deliver(db, round_, delivery.plan(db, round_, "invite"), mail, _progress)
    click.echo(f"Invitations: {run.sent} sent, {run.failed} failed.")
    if run.failed:
        raise click.ClickException(
            f"{run.failed} invitations could not be sent; run the same command again "
            "to retry them (nobody is invited twice)."
        )


@mail_group.command("remind")
@click.argument("round_id", metavar="ROUND")
@with_appcontext
def remind_command(round_id: str) -> None:
    """Remind the mailed people whose code is still unspent (at most once a day)."""
    db = current_db()
    round_ = get_round(db, round_id)
    mail = delivery.settings()
    run = delivery.deliver(db, round_, delivery.plan(db, round_, "remind"), mail, _progress)
    record(db, None, "mail.remind", round_.id, f"{run.sent} (command line)")
    click.echo(f"Reminded {run.sent}, failed {run.failed}.")
