"""A sending from start to end: who it goes to, the run that counts it, and the messages
sent in random order, with the states written back every PROGRESS_EVERY messages. Used by
the CLI (in the foreground) and the console (in a thread, while a page shows progress).

A process killed mid-way leaves the invitations it had not yet marked as pending: the next
sending mails them again (a second copy, never a lost invitation)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from flask import Flask, current_app
from sqlite_utils import Database

from ..instance_config import read_config
from ..store import mail_invites, mailing
from ..store.connection import open_db
from ..store.rounds import Round, get_round
from . import messages, sending
from .settings import MailSettings, settings_from

PROGRESS_EVERY = 100


@dataclass(frozen=True)
class Plan:
    """A sending ready to go: its run (counts only) and the opened invitations."""

    run: mailing.Run
    targets: list[mailing.Recipient]


def sealer() -> mailing.Sealer:
    """The instance's sealer (its key made on first use). Needs an app context."""
    return mailing.Sealer(mailing.load_key(current_app.instance_path))


def settings() -> MailSettings:
    """The mail server's settings of the current app; refuses what is missing."""
    file_config = read_config(Path(current_app.instance_path) / "config.toml")
    return settings_from(current_app.config, file_config)


def plan(db: Database, round_: Round, kind: str) -> Plan:
    """Who a sending of `kind` goes to; starts its run (a second reminder a day refused).
    Invitations: those not sent yet, and those that failed before."""
    mail_invites.open_for_mail(db, round_.id)
    if kind == "remind":
        targets = mail_invites.due_reminder(
            db, round_.id, current_app.config["INVITE_KEY"], sealer()
        )
    else:
        targets = [
            *mailing.recipients(db, round_.id, sealer(), mailing.PENDING),
            *mailing.recipients(db, round_.id, sealer(), mailing.FAILED),
        ]
    run = mailing.start_run(db, round_.id, kind, round_.today().isoformat(), len(targets))
    return Plan(run, targets)


def deliver(
    db: Database,
    round_: Round,
    job: Plan,
    mail: MailSettings,
    base_url: str,
    progress: Callable[[int, int, int], None] | None = None,
) -> mailing.Run:
    """Send the plan's messages, each in its person's language with its link under
    `base_url`; returns the finished run (sent, failed). The round's status is asked before
    each message: closing it stops the sending at once (the run says so). A mail server
    that refuses its certificate, the login or TLS stops it too (MailRefused, raised)."""
    by_lang = {
        lang: messages.texts(round_, job.run.kind, base_url, lang)
        for lang in {target.lang or round_.lang for target in job.targets}
    }
    seal = sealer()
    counted = {"sent": 0, "failed": 0}
    stopped: list[str] = []
    went: dict[bool, list[int]] = {True: [], False: []}

    def write_back(finished: bool) -> None:
        if job.run.kind == "invite":
            mailing.mark(db, went[True], mailing.SENT)
            mailing.mark(db, went[False], mailing.FAILED)
        went[True].clear()
        went[False].clear()
        mailing.update_run(
            db,
            job.run.id,
            counted["sent"],
            counted["failed"],
            finished,
            stopped[0] if stopped else None,
        )
        if progress:
            progress(counted["sent"], counted["failed"], job.run.total)

    def done(recipient_id: int, sent: bool) -> None:
        counted["sent" if sent else "failed"] += 1
        went[sent].append(recipient_id)
        if (counted["sent"] + counted["failed"]) % PROGRESS_EVERY == 0:
            write_back(False)

    def each() -> Iterator[tuple[int, Message, str | None]]:
        for target in job.targets:  # taken one at a time, under send_each's lock
            if not mail_invites.still_open(db, round_.id):
                stopped.append(mailing.STOPPED_BY_CLOSE)
                return
            words = by_lang[target.lang or round_.lang]
            message = messages.compose(words, target, base_url, mail.sender, template)
            yield target.id, message, envelope_sender(mail, seal, round_.id, target.address)

    template = messages.html_template()
    try:
        sending.send_each(mail, each(), done)
    except sending.MailRefused as refused:
        stopped.append(refused.reason)
        raise
    finally:
        write_back(True)
    return mailing.get_run(db, job.run.id)


def envelope_sender(
    mail: MailSettings, seal: mailing.Sealer, round_id: int, address: str
) -> str | None:
    """MAIL_BOUNCE_ADDRESS with the invitation's bounce token after a "+" in its local part
    (`ankieta+3f9c…@firma.pl`), so a delivery report sent back names its invitation; None
    (the From address) when no bounce address is set."""
    if not mail.bounce_address:
        return None
    local, _, domain = mail.bounce_address.rpartition("@")
    return f"{local}+{seal.bounce_token(round_id, seal.tag(address))}@{domain}"


def in_background(app: Flask, round_id: int, job: Plan, mail: MailSettings, base_url: str) -> None:
    """Deliver in a thread of its own, with its own connection; the console's progress
    page reads the run."""

    def work() -> None:
        with app.app_context():
            db = open_db(app.config["DATABASE"])
            try:
                deliver(db, get_round(db, round_id), job, mail, base_url)
            except sending.MailRefused:
                pass  # the run says why it stopped; the progress page shows it
            finally:
                db.conn.close()

    threading.Thread(target=work, name="mail", daemon=True).start()
