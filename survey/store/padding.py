"""Thresholds must count real people: what could pad a group is limited, logged per
round and side, and disclosed on the report's first page.

Codes per side are limited to the headcount plus a stated spare. Codes made after the
round opened and responses imported into it are counted here (no date: only how many),
and the report lists them, so the workshop sees when a group may hold non-people.
"""

from __future__ import annotations

import math

from sqlite_utils import Database

from .errors import InvalidInput
from .rounds import Round
from .sides import SIDES

SPARE_SHARE = 0.10  # spare codes: 10 % of the headcount, at least
SPARE_MIN = 2  # two (a lost slip, a newcomer)
KINDS = ("codes_after_opening", "import")


def spare(headcount: int) -> int:
    return max(SPARE_MIN, math.ceil(headcount * SPARE_SHARE))


def check_code_limit(round_: Round, side: str, issued: int, count: int) -> None:
    """Refuse codes beyond the side's headcount plus the spare."""
    headcount = round_.headcount(side)
    if headcount is None:
        return  # disclosed on the report instead: "no headcount, codes not limited"
    limit = headcount + spare(headcount)
    if issued + count > limit:
        raise InvalidInput(
            "%(side)s: at most %(limit)s codes (headcount %(headcount)s + spare %(spare)s); "
            "already issued: %(issued)s.",
            side=round_.label(side),
            limit=limit,
            headcount=headcount,
            spare=spare(headcount),
            issued=issued,
        )


def log(db: Database, round_id: int, side: str, kind: str, count: int) -> None:
    """Count one padding-capable action (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO padding_log (round_id, side, kind, count) VALUES (?, ?, ?, ?)",
        [round_id, side, kind, count],
    )


def disclosures(db: Database, round_: Round) -> list[dict]:
    """What the report's first page must say about how the groups were made."""
    found = [
        {"kind": row["kind"], "side": row["side"], "count": row["n"]}
        for row in db.query(
            "SELECT kind, side, sum(count) AS n FROM padding_log WHERE round_id = ? "
            "GROUP BY kind, side ORDER BY kind, side",
            [round_.id],
        )
    ]
    found += [
        {"kind": "no_headcount", "side": side, "count": None}
        for side in SIDES
        if round_.headcount(side) is None
    ]
    return found
