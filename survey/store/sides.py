"""The sides of a round: the departments whose views of each other the survey compares.

The one place that says which sides there are, so that a round of more than two
departments changes this module (and the schema) and not every loop over "a" and "b".
"""

from __future__ import annotations

from sqlite_utils import Database

from .errors import InvalidInput

SIDES = ("a", "b")
# Tables with a round_id and a side whose rows are counted per side.
COUNTED_TABLES = frozenset({"responses", "invites", "mail_recipients"})


def require(side: str) -> str:
    """The side itself when it is one of SIDES; else InvalidInput for the person who gave it."""
    if side not in SIDES:
        raise InvalidInput("Unknown side '%(side)s'; use 'a' or 'b'.", side=side)
    return side


def other(side: str) -> str:
    """The side facing `side` (with two sides, the one that is not it)."""
    require(side)
    if len(SIDES) != 2:
        raise ValueError(f"'the other side' is not one side among {len(SIDES)} sides")
    return SIDES[1 - SIDES.index(side)]


def count_per_side(db: Database, table: str, round_id: int, where: str = "") -> dict[str, int]:
    """Rows of `table` per side for one round, every side present (0 for a side with none);
    `where` narrows the rows with an extra SQL condition written in code, e.g. "spent = 1"."""
    if table not in COUNTED_TABLES:
        raise ValueError(f"{table!r} is not counted per side; use one of {sorted(COUNTED_TABLES)}")
    condition = f" AND ({where})" if where else ""
    counts = dict.fromkeys(SIDES, 0)
    for row in db.query(
        f"SELECT side, count(*) AS n FROM {table} WHERE round_id = ?{condition} GROUP BY side",
        [round_id],
    ):
        counts[row["side"]] = row["n"]
    return counts
