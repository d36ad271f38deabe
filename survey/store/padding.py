"""Thresholds must count real people: what could pad a group is limited, logged per
round and side, and disclosed on the report's first page.

Codes per side are limited to the headcount plus a stated spare. Codes made after the
round opened and responses imported into it are counted here (no date: only how many),
and the report lists them, so the workshop sees when a group may hold non-people. A
headcount changed once codes exist (raising it allows more codes) goes to the audit log,
and the report counts those changes; its first page prints each side's headcount, codes
issued and responses side by side, so a group padded beyond its people shows.
"""

from __future__ import annotations

import math

from sqlite_utils import Database

from . import audit
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


def headcount_changes(before: Round, after: Round, issued: dict[str, int]) -> list[str]:
    """The audit details ("Kuchnia: 1 → 5") of the headcounts an edit changed while the
    round has codes: a headcount raised after codes exist lets more codes be made."""
    if not any(issued.values()):
        return []
    return [
        f"{after.label(side)}: {_shown(before.headcount(side))} → {_shown(after.headcount(side))}"
        for side in SIDES
        if before.headcount(side) != after.headcount(side)
    ]


def _shown(headcount: int | None) -> str:
    return "–" if headcount is None else str(headcount)


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
    changed = audit.count(db, round_.id, "round.headcount")
    if changed:  # one line for the round: the audit log's detail names the side
        found.append({"kind": "headcount_after_codes", "side": None, "count": changed})
    found += [
        {"kind": "no_headcount", "side": side, "count": None}
        for side in SIDES
        if round_.headcount(side) is None
    ]
    return found
