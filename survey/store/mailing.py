"""Mailed invitations: who gets which code, kept sealed, and only until the round closes.

An address and its code are kept together in one sealed token (Fernet under a key in the
instance folder, a file HR never sees), so a reminder can go to exactly the people whose
code is still unspent, with their own code again. Nothing else about an address is stored
in the clear: a keyed tag (HMAC under the same key) refuses a second invitation to it.
Rows are written in random order and the addresses are shuffled before codes are made for
them (mail_invites.invite), so neither row order nor the upload's order maps an address to
an invite. The token carries no time (Fernet's
timestamp is written as 0).

At close every row of the round is deleted (rounds.close_round calls `forget_round` in
its own transaction): secure_delete zeroes the cells and the journal is zeroed after the
commit (store/connection.py), so a copy of the file taken after close holds no address.
This module imports neither rounds nor invites, so that rounds may call it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlite_utils import Database

from .connection import private_file, write_transaction
from .errors import InvalidInput
from .languages import LANGUAGES

BOUNCE_TOKEN_LENGTH = 24  # hex digits: 96 bits
KEY_FILE = "mail.key"  # in the instance folder, mode 0600
MAX_ADDRESS_LENGTH = 254  # RFC 5321's limit for a path
MAX_ADDRESSES = 5000  # one upload, as for codes
PENDING, SENT, FAILED = "pending", "sent", "failed"
BOUNCED = "bounced"  # a count, not a state: a sent invitation a delivery report refused later
KINDS = ("invite", "remind")
# Why a sending stopped before its end (mail_runs.stopped); the console says each in words.
STOPPED_BY_CLOSE = "closed"
_SEPARATOR = re.compile(r"[\s,;]+")  # between an address and its language: `a@b.pl uk`, CSV too
ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


@dataclass(frozen=True)
class Listed:
    """One line of an address list: the address, and the person's language when the line
    names one (else the round's language is theirs)."""

    address: str
    lang: str | None = None

    def line(self) -> str:
        """The line again, as parse_addresses reads it (the console's confirm form)."""
        return f"{self.address} {self.lang}" if self.lang else self.address


@dataclass(frozen=True)
class Recipient:
    """One mailed invitation, opened: only ever in memory, on its way to the mail server."""

    id: int
    side: str
    address: str
    code: str
    lang: str | None = None  # the person's own language; None: the round's


class Sealer:
    """Seals and opens address+code tokens with the instance's mail key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._tag_key = hashlib.sha256(b"lustro mail tag\0" + key).digest()

    def seal(self, address: str, code: str, lang: str | None = None) -> str:
        """The address, its code and the person's language (when given), in one token: the
        language is about the person too, so it is sealed and goes at close with them."""
        fields = {"address": address, "code": code} | ({"lang": lang} if lang else {})
        data = json.dumps(fields).encode()
        return self._fernet.encrypt_at_time(data, current_time=0).decode()

    def open(self, token: str) -> tuple[str, str, str | None]:
        try:
            data = json.loads(self._fernet.decrypt(token))
        except InvalidToken as exc:
            raise RuntimeError("The mail key does not open these invitations.") from exc
        return data["address"], data["code"], data.get("lang")

    def tag(self, address: str) -> str:
        """The same for an address however it is capitalised; useless without the key."""
        return hmac.new(self._tag_key, address.lower().encode(), hashlib.sha256).hexdigest()

    def bounce_token(self, round_id: int, tag: str) -> str:
        """The opaque part of an invitation's envelope sender (MAIL_BOUNCE_ADDRESS's local
        part + this), so a delivery report sent back to it names its invitation: worked
        out again from the key, never stored; names nobody without the key."""
        data = f"bounce\0{round_id}\0{tag}".encode()
        return hmac.new(self._tag_key, data, hashlib.sha256).hexdigest()[:BOUNCE_TOKEN_LENGTH]


def load_key(instance_path: str | Path) -> bytes:
    """The instance's mail key, made on first use (owner-only, never in config.toml)."""
    path = Path(instance_path) / KEY_FILE
    if not path.is_file() or path.stat().st_size == 0:
        path.parent.mkdir(parents=True, exist_ok=True)
        private_file(path)
        path.write_bytes(Fernet.generate_key())
        os.chmod(path, 0o600)
    return path.read_bytes().strip()


def parse_addresses(text: str) -> list[Listed]:
    """One address a line, optionally followed by the person's language (`anna@firma.pl
    uk`, or `anna@firma.pl,uk` from a spreadsheet); blank lines skipped, repeats dropped
    (the first line of an address counts). All or nothing: the first line that is not an
    address, or names a language Lustro does not speak, refuses the whole list."""
    addresses: list[Listed] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().strip(",;").strip()
        if not stripped:
            continue
        address, *rest = _SEPARATOR.split(stripped, maxsplit=1)
        if len(address) > MAX_ADDRESS_LENGTH or not ADDRESS.fullmatch(address):
            raise InvalidInput(
                "Line %(line)s is not an e-mail address: “%(text)s”. Nothing was sent.",
                line=number,
                text=stripped[:80],
            )
        lang = rest[0].strip().lower() if rest else None
        if lang is not None and lang not in LANGUAGES:
            raise InvalidInput(
                "Line %(line)s names the language “%(lang)s”, which Lustro does not speak "
                "(it speaks %(languages)s). Nothing was sent.",
                line=number,
                lang=rest[0][:20],
                languages=", ".join(LANGUAGES),
            )
        if address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(Listed(address, lang))
    if not addresses:
        raise InvalidInput("The list holds no e-mail address.")
    if len(addresses) > MAX_ADDRESSES:
        raise InvalidInput(
            "Too many addresses at once: the limit is %(max)s, and this list has %(count)s.",
            max=MAX_ADDRESSES,
            count=len(addresses),
        )
    return addresses


def new_addresses(
    db: Database, round_id: int, addresses: list[Listed], sealer: Sealer
) -> list[Listed]:
    """The addresses of the list this round has not invited yet."""
    known = {
        row["tag"]
        for row in db.query("SELECT tag FROM mail_recipients WHERE round_id = ?", [round_id])
    }
    return [listed for listed in addresses if sealer.tag(listed.address) not in known]


def store(
    db: Database, round_id: int, side: str, pairs: list[tuple[Listed, str]], sealer: Sealer
) -> None:
    """Keep the (address, code) pairs sealed, in random order. Call inside the write
    transaction that made the codes, so an address never waits without its code."""
    shuffled = list(pairs)
    secrets.SystemRandom().shuffle(shuffled)
    db.table("mail_recipients").insert_all(
        {
            "round_id": round_id,
            "side": side,
            "tag": sealer.tag(listed.address),
            "sealed": sealer.seal(listed.address, code, listed.lang),
            "state": PENDING,
        }
        for listed, code in shuffled
    )


def recipients(db: Database, round_id: int, sealer: Sealer, state: str) -> list[Recipient]:
    """The round's invitations in one state, opened, in a fresh random order."""
    found = []
    for row in db.query(
        "SELECT id, side, sealed FROM mail_recipients"
        " WHERE round_id = ? AND state = ? AND bounced = 0",
        [round_id, state],
    ):
        address, code, lang = sealer.open(row["sealed"])
        found.append(Recipient(row["id"], row["side"], address, code, lang))
    secrets.SystemRandom().shuffle(found)
    return found


def mark(db: Database, ids: list[int], state: str) -> None:
    """Set the state of invitations just sent (or given up on)."""
    with write_transaction(db):
        db.conn.executemany(
            "UPDATE mail_recipients SET state = ? WHERE id = ?", [(state, id_) for id_ in ids]
        )


def counts(db: Database, round_id: int) -> dict[str, int]:
    """How many invitations are pending, sent and failed, and how many of those sent
    bounced later (counts only, never who)."""
    found = dict.fromkeys((PENDING, SENT, FAILED, BOUNCED), 0)
    for row in db.query(
        "SELECT state, count(*) AS n, sum(bounced) AS b FROM mail_recipients"
        " WHERE round_id = ? GROUP BY state",
        [round_id],
    ):
        found[row["state"]] = row["n"]
        found[BOUNCED] += row["b"] or 0
    return found


@dataclass(frozen=True)
class Report:
    """What one delivery report (RFC 3464) names as failed: the tokens of the envelope
    address it came back to, and the recipient addresses it gives."""

    tokens: frozenset[str]
    addresses: frozenset[str]


def mark_bounced(
    db: Database, round_id: int, reports: list[Report], sealer: Sealer
) -> tuple[int, int]:
    """Mark the sent invitations the reports name as bounced (never reminded again):
    matched by envelope token, else by the address's tag. Returns (newly bounced, reports
    that matched no invitation of the round)."""
    rows = list(
        db.query(
            "SELECT id, tag, bounced FROM mail_recipients WHERE round_id = ? AND state = ?",
            [round_id, SENT],
        )
    )
    by_token = {sealer.bounce_token(round_id, row["tag"]): row for row in rows}
    by_tag = {row["tag"]: row for row in rows}
    hit: set[int] = set()
    unmatched = 0
    for report in reports:
        found = [by_token[t] for t in report.tokens if t in by_token] or [
            by_tag[sealer.tag(a)] for a in report.addresses if sealer.tag(a) in by_tag
        ]
        if not found:
            unmatched += 1
        hit.update(row["id"] for row in found if not row["bounced"])
    with write_transaction(db):
        db.conn.executemany(
            "UPDATE mail_recipients SET bounced = 1 WHERE id = ?", [(id_,) for id_ in hit]
        )
    return len(hit), unmatched


def forget_round(db: Database, round_id: int) -> int:
    """Delete every address and address-code link of the round (at close); how many."""
    with write_transaction(db):
        cursor = db.execute("DELETE FROM mail_recipients WHERE round_id = ?", [round_id])
    return cursor.rowcount


# --- runs: what a sending did, in counts, and the one reminder a day ---------------------


@dataclass(frozen=True)
class Run:
    id: int
    round_id: int
    kind: str
    day: str
    total: int
    sent: int
    failed: int
    finished: bool
    stopped: str | None = None  # why it ended before its end (STOPPED_BY_CLOSE, ...)


def start_run(db: Database, round_id: int, kind: str, day: str, total: int) -> Run:
    """Note a sending about to start; for a reminder, refuse a second one the same day."""
    if kind not in KINDS:
        raise ValueError(kind)
    with write_transaction(db):
        if (
            kind == "remind"
            and db.execute(
                "SELECT 1 FROM mail_runs WHERE round_id = ? AND kind = 'remind' AND day = ?",
                [round_id, day],
            ).fetchone()
        ):
            raise InvalidInput(
                "Round %(id)s had its reminder today; the next one can go tomorrow.",
                id=round_id,
            )
        table = db.table("mail_runs")
        table.insert(
            {"round_id": round_id, "kind": kind, "day": day, "total": total, "sent": 0}
            | {"failed": 0, "finished": 0}
        )
        run_id = table.last_pk
    return get_run(db, int(run_id))  # type: ignore[arg-type]


def update_run(
    db: Database, run_id: int, sent: int, failed: int, finished: bool, stopped: str | None = None
) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE mail_runs SET sent = ?, failed = ?, finished = ?, stopped = ? WHERE id = ?",
            [sent, failed, int(finished), stopped, run_id],
        )


def get_run(db: Database, run_id: int) -> Run:
    row = db.execute(
        "SELECT id, round_id, kind, day, total, sent, failed, finished, stopped"
        " FROM mail_runs WHERE id = ?",
        [run_id],
    ).fetchone()
    id_, round_id, kind, day, total, sent, failed, finished, stopped = row
    return Run(id_, round_id, kind, day, total, sent, failed, bool(finished), stopped)


def runs(db: Database, round_id: int) -> list[Run]:
    """The round's sendings, latest first."""
    ids = [
        row[0]
        for row in db.execute(
            "SELECT id FROM mail_runs WHERE round_id = ? ORDER BY id DESC", [round_id]
        )
    ]
    return [get_run(db, run_id) for run_id in ids]
