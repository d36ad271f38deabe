"""A sending from start to end: who it goes to, the run that counts it, and the messages
sent in random order, with the states written back every PROGRESS_EVERY messages. Used by
the CLI (in the foreground) and the console (in a thread, while a page shows progress).

A process killed mid-way leaves the invitations it had not yet marked as pending: the next
sending mails them again (a second copy, never a lost invitation)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
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
    progress: Callable[[int, int, int], None] | None = None,
) -> mailing.Run:
    """Send the plan's messages; returns the finished run (sent, failed)."""
    base_url = current_app.config["PUBLIC_URL"]
    words = messages.texts(round_, job.run.kind, base_url)
    counted = {"sent": 0, "failed": 0}
    went: dict[bool, list[int]] = {True: [], False: []}

    def write_back(finished: bool) -> None:
        if job.run.kind == "invite":
            mailing.mark(db, went[True], mailing.SENT)
            mailing.mark(db, went[False], mailing.FAILED)
        went[True].clear()
        went[False].clear()
        mailing.update_run(db, job.run.id, counted["sent"], counted["failed"], finished)
        if progress:
            progress(counted["sent"], counted["failed"], job.run.total)

    def done(recipient_id: int, sent: bool) -> None:
        counted["sent" if sent else "failed"] += 1
        went[sent].append(recipient_id)
        if (counted["sent"] + counted["failed"]) % PROGRESS_EVERY == 0:
            write_back(False)

    template = messages.html_template()
    each = (
        (target.id, messages.compose(words, target, base_url, mail.sender, template))
        for target in job.targets
    )
    try:
        sending.send_each(mail, each, done)
    finally:
        write_back(True)
    return mailing.get_run(db, job.run.id)


def in_background(app: Flask, round_id: int, job: Plan, mail: MailSettings) -> None:
    """Deliver in a thread of its own, with its own connection; the console's progress
    page reads the run."""

    def work() -> None:
        with app.app_context():
            db = open_db(app.config["DATABASE"])
            try:
                deliver(db, get_round(db, round_id), job, mail)
            finally:
                db.conn.close()

    threading.Thread(target=work, name="mail", daemon=True).start()
