"""Single-use invite codes. Only a keyed hash of each code is stored; a spent code keeps
no trace of when it was spent or of the response it produced (the flag is overwritten in
place, and no index holds it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from . import padding, slots
from .connection import write_transaction
from .errors import InvalidInput, WrongState
from .rounds import get_round
from .sides import count_per_side, require

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to type from paper
CODE_LENGTH = 12
GROUP = 4
MAX_CODES_PER_CALL = 5000


@dataclass(frozen=True)
class Invite:
    code_hash: str
    round_id: int
    side: str
    spent: bool


def new_code() -> str:
    """A random code, grouped XXXX-XXXX-XXXX (about 59 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise(entered: str) -> str | None:
    """What a person typed, as the canonical code: case, spaces and dashes don't matter.
    None when it cannot be a code at all."""
    raw = "".join(ch for ch in (entered or "").upper() if ch not in " -\t\n")
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return format_code(raw)


def code_hash(code: str, key: str) -> str:
    """HMAC-SHA256 of the canonical code under the instance's INVITE_KEY."""
    if not key:
        raise RuntimeError("INVITE_KEY is not set: run `survey init` first.")
    return hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()


def generate(db: Database, round_id: int, side: str, count: int, key: str) -> list[str]:
    """Create `count` new codes for one round and side; return them (they are never
    stored in plain text, so this is the only time anyone sees them)."""
    require(side)
    if not 1 <= count <= MAX_CODES_PER_CALL:
        raise InvalidInput(
            "The number of codes must be between 1 and %(max)s.", max=MAX_CODES_PER_CALL
        )
    codes = [new_code() for _ in range(count)]
    with write_transaction(db):
        round_ = get_round(db, round_id)
        if round_.status == "closed":
            raise WrongState("Round %(id)s is closed; it takes no more responses.", id=round_.id)
        padding.check_code_limit(round_, side, issued_counts(db, round_id)[side], count)
        db.table("invites").insert_all(
            {"code_hash": code_hash(code, key), "round_id": round_id, "side": side, "spent": 0}
            for code in codes
        )
        if round_.status == "open":  # slots for them now; and the report will say so
            slots.allocate(db, round_id, round_.questionnaire, side, count)
            padding.log(db, round_id, side, "codes_after_opening", count)
    return codes


def find(db: Database, entered: str, key: str) -> Invite | None:
    """The invite a typed or scanned code stands for, or None when there is no such code."""
    code = normalise(entered)
    if code is None:
        return None
    row = db.execute(
        "SELECT code_hash, round_id, side, spent FROM invites WHERE code_hash = ?",
        [code_hash(code, key)],
    ).fetchone()
    if row is None:
        return None
    return Invite(row[0], row[1], row[2], bool(row[3]))


def spend_code(db: Database, entered: str, key: str) -> Invite | None:
    """Spend a typed or scanned code in one statement and return its invite as it was;
    None when there is no such unspent code (call `find` to tell which). Call inside the
    write transaction that stores the response."""
    code = normalise(entered)
    if code is None:
        return None
    rows = db.execute(  # fetched to the end, so the statement is finished
        "UPDATE invites SET spent = 1 WHERE code_hash = ? AND spent = 0 "
        "RETURNING code_hash, round_id, side",
        [code_hash(code, key)],
    ).fetchall()
    if not rows:
        return None
    hashed, round_id, side = rows[0]
    return Invite(hashed, round_id, side, spent=False)


def issued_counts(db: Database, round_id: int) -> dict[str, int]:
    """Codes issued per side. (How many are spent is a live count of responses: show it
    only where live counts are allowed.)"""
    return count_per_side(db, "invites", round_id)
