"""Invitations by mail: a code per address, made and sealed in one step; and who is due
a reminder (the mailed codes still unspent). The sealed rows themselves are mailing.py's."""

from __future__ import annotations

import secrets

from sqlite_utils import Database

from . import invites, mailing
from .connection import write_transaction
from .errors import WrongState
from .rounds import Round, check_language, get_round
from .sides import require


def invite(
    db: Database,
    round_id: int,
    side: str,
    addresses: list[mailing.Listed],
    key: str,
    sealer: mailing.Sealer,
) -> tuple[int, int]:
    """Make one code for each address the round has not invited yet and keep the pairs
    sealed, to be sent; returns (added, already invited). The side's code limit holds."""
    require(side)
    with write_transaction(db):
        round_ = open_for_mail(db, round_id)
        check_languages(round_, addresses)
        fresh = mailing.new_addresses(db, round_id, addresses, sealer)
        # Codes are written in the order made, and a page's cells keep that order: shuffled
        # first, so the invites' order says nothing of the uploaded list's order.
        secrets.SystemRandom().shuffle(fresh)
        if fresh:
            codes = invites.generate(db, round_.id, side, len(fresh), key)
            mailing.store(db, round_.id, side, list(zip(fresh, codes, strict=True)), sealer)
    return len(fresh), len(addresses) - len(fresh)


def check_languages(round_: Round, addresses: list[mailing.Listed]) -> None:
    """Every language the lines name must be one the round's questionnaire has texts in."""
    for lang in sorted({listed.lang for listed in addresses if listed.lang}):
        check_language(round_.questionnaire, lang)


def due_reminder(
    db: Database, round_id: int, key: str, sealer: mailing.Sealer
) -> list[mailing.Recipient]:
    """The invitations sent whose code is still unspent, in random order."""
    open_for_mail(db, round_id)
    due = []
    for recipient in mailing.recipients(db, round_id, sealer, mailing.SENT):
        found = invites.find(db, recipient.code, key)
        if found is not None and not found.spent:
            due.append(recipient)
    return due


def open_for_mail(db: Database, round_id: int) -> Round:
    """The round, when it is open: a link mailed for a draft would open nothing yet."""
    round_ = get_round(db, round_id)
    if round_.status == "closed":
        raise WrongState("Round %(id)s is closed; it takes no more responses.", id=round_.id)
    if round_.status != "open":
        raise WrongState(
            "Round %(id)s is not open yet; open it before mailing invitations.", id=round_.id
        )
    return round_


def still_open(db: Database, round_id: int) -> bool:
    """Whether the round takes responses still: asked before each message of a sending,
    so closing the round stops it at once (its codes would be refused anyway)."""
    row = db.execute("SELECT status FROM rounds WHERE id = ?", [round_id]).fetchone()
    return row is not None and row[0] == "open"
