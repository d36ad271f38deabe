"""`survey mail invite`, `survey mail remind` and `survey mail bounces`: invitations and
reminders by mail, and the delivery reports that come back. They print counts only: no code
of a mailed invitation, and no address, is ever shown."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..mail import bounces, delivery
from ..store import mail_invites, mailing
from ..store.audit import record
from ..store.languages import LANGUAGES
from ..store.rounds import get_round
from ..store.sides import SIDES
from .base import SurveyGroup, current_db, public_url_for_links


@click.group("mail", cls=SurveyGroup)
def mail_group() -> None:
    """Invite people by mail (one code each, never shown) and remind those who have not answered."""


def _progress(sent: int, failed: int, total: int) -> None:
    click.echo(f"Sent {sent} of {total}, failed {failed}.", err=True)


@mail_group.command(
    "invite",
    help="Mail each address in FILE its own code and link (- reads standard input).\n\n"
    "One address a line, optionally followed by the person's language, after a space or a "
    f"comma: one of {', '.join(LANGUAGES)} (for example `anna@firma.pl uk`, or "
    "`anna@firma.pl,uk` saved from a spreadsheet, no header line). A line without one "
    "gets the round's language.",
)
@click.argument("round_id", metavar="ROUND")
@click.option(
    "--side", type=click.Choice(SIDES), required=True, help="The side these people are on."
)
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def invite_command(round_id: str, side: str, file) -> None:
    db = current_db()
    round_ = get_round(db, round_id)
    addresses = mailing.parse_addresses(file.read())
    mail = delivery.settings()  # before any code is made: a sending that cannot start makes none
    base_url = public_url_for_links("the links in the mails")
    added, known = mail_invites.invite(
        db, round_.id, side, addresses, current_app.config["INVITE_KEY"], delivery.sealer()
    )
    record(
        db,
        None,
        "mail.invite",
        round_.id,
        num=added,
        side=side,
        label=round_.label(side),
        via="cli",
    )
    if known:
        click.echo(f"{known} addresses were invited to this round before: not again.")
    run = delivery.deliver(
        db, round_, delivery.plan(db, round_, "invite"), mail, base_url, _progress
    )
    _say_stopped(run)
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
    base_url = public_url_for_links("the links in the mails")
    run = delivery.deliver(
        db, round_, delivery.plan(db, round_, "remind"), mail, base_url, _progress
    )
    record(db, None, "mail.remind", round_.id, num=run.sent, via="cli")  # also when stopped
    _say_stopped(run)
    click.echo(f"Reminded {run.sent}, failed {run.failed}.")


def _say_stopped(run: mailing.Run) -> None:
    if run.stopped == mailing.STOPPED_BY_CLOSE:
        raise click.ClickException(
            f"The round was closed while the messages were going out: the sending stopped "
            f"after {run.sent} sent ({run.total - run.sent - run.failed} not sent)."
        )


@mail_group.command("bounces")
@click.argument("round_id", metavar="ROUND")
@click.argument("paths", metavar="FILE...", nargs=-1, required=True, type=click.Path(exists=True))
@with_appcontext
def bounces_command(round_id: str, paths: tuple[str, ...]) -> None:
    """Count the addresses that bounced, from delivery reports (RFC 3464) saved as
    message files, maildir folders or mbox files: they get no reminder. Prints counts only."""
    db = current_db()
    round_ = get_round(db, round_id)
    found = bounces.read_reports(paths, delivery.settings().bounce_address)
    added, unmatched = mailing.mark_bounced(db, round_.id, found.reports, delivery.sealer())
    record(db, None, "mail.bounces", round_.id, num=added, via="cli")
    click.echo(
        f"Read {found.messages} messages, {len(found.reports)} of them reports of a failed "
        f"delivery: {added} more addresses bounced, "
        f"{mailing.counts(db, round_.id)[mailing.BOUNCED]} in all."
    )
    if unmatched:
        click.echo(f"{unmatched} reports named no invitation of this round.")
