"""Participation per side, never live: counted as of the start of today in the round's
time zone, so nobody can tie a submission to the moment a number went up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from . import slots
from .rounds import Round
from .sides import SIDES, count_per_side

LOW_PARTICIPATION = 0.6


@dataclass(frozen=True)
class SideParticipation:
    side: str
    label: str
    headcount: int | None
    responses: int | None  # None: below the threshold, shown as "fewer than N"
    threshold: int

    @property
    def suppressed(self) -> bool:
        return self.responses is None

    @property
    def share(self) -> float | None:
        if self.responses is None or not self.headcount:
            return None
        return self.responses / self.headcount

    @property
    def above_headcount(self) -> bool:
        """More responses than the headcount HR gave (spare codes, imports, a headcount
        out of date): the share passes 100% and must not pass without a word."""
        return self.share is not None and self.share > 1

    @property
    def low(self) -> bool:
        """Below 60% of the headcount, only where the count is known: a withheld count
        ("fewer than N") may hide a team that has mostly answered today, so it is not flagged."""
        return self.share is not None and self.share < LOW_PARTICIPATION


def counts_before_today(db: Database, round_: Round) -> dict[str, int]:
    """Responses per side submitted before today (the round's time zone), from the one
    count per side kept at the start of each day (no response carries a date). Once a
    round is closed its total is final and no longer moves, so every response counts."""
    if round_.status == "closed":
        return {side: slots.filled_count(db, round_.id, side) for side in SIDES}
    today = round_.today()
    return {side: slots.count_at_day_start(db, round_.id, side, today) for side in SIDES}


def participation(db: Database, round_: Round) -> list[SideParticipation]:
    """Each side's responses against its headcount; counts below the round's threshold
    are withheld."""
    counts = counts_before_today(db, round_)
    return [
        SideParticipation(
            side=side,
            label=round_.label(side),
            headcount=round_.headcount(side),
            responses=counts[side] if counts[side] >= round_.threshold else None,
            threshold=round_.threshold,
        )
        for side in SIDES
    ]


def spent_codes(db: Database, round_: Round) -> dict[str, int | None] | None:
    """Invite codes spent per side, only once the round is closed (while open, a spent
    code is a live count of responses). None per side below the threshold."""
    if round_.status != "closed":
        return None
    counts = count_per_side(db, "invites", round_.id, where="spent = 1")
    return {side: n if n >= round_.threshold else None for side, n in counts.items()}
