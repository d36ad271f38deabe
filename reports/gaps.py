"""The gap model, in one place: the kinds of gap (which two cells each subtracts, and its
label), how sure a gap is (`certainty`, and `most_certain_first`, the one order of every
"most certain first" list), and the one
decision rule every claim of a report passes: within a family declared before the data,
Benjamini–Hochberg q; a difference is clear when q < ALPHA and its 95 % interval leaves
out zero. Gaps, carried agreements and changes since a workshop each form their own
family (reports.analysis, reports.agreements)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ALPHA = 0.05  # the false-discovery rate of each declared family
CLEAR_RULE = f"q < {ALPHA} and the 95% interval excludes 0"  # as the method page states it

OWN, FACING = "own", "facing"  # whose cell: the side whose gap it is, or the other side


@dataclass(frozen=True)
class GapKind:
    """One kind of gap of a side facing the other: `first` minus `second`, each cell named
    by whose it is (OWN or FACING) and its perspective."""

    key: str
    first: tuple[str, str]
    second: tuple[str, str]
    label: str  # English msgid of the report's "report" domain, with %(side)s
    paired: bool  # the same people answer both cells (else two independent groups)

    def cells(self, side: str, facing: str) -> tuple[str, str]:
        """The keys of the two cells this gap subtracts for `side` facing `facing`."""
        whose = {OWN: side, FACING: facing}
        (first, first_view), (second, second_view) = self.first, self.second
        return f"{whose[first]}.{first_view}", f"{whose[second]}.{second_view}"


BLIND_SPOT = GapKind(
    "blind_spot", (OWN, "self"), (FACING, "other"), "Blind spot of %(side)s", paired=False
)
META_ERROR = GapKind(
    "meta_error", (OWN, "meta"), (FACING, "other"), "Perception gap of %(side)s", paired=False
)
FELT_MISJUDGEMENT = GapKind(
    "felt_misjudgement", (OWN, "self"), (OWN, "meta"), "Felt misjudgement of %(side)s", paired=True
)
# In the order the report lists them (the JSON's keys, the heat map's columns).
GAP_KINDS = {kind.key: kind for kind in (BLIND_SPOT, META_ERROR, FELT_MISJUDGEMENT)}
INDEPENDENT_KINDS = {key: kind for key, kind in GAP_KINDS.items() if not kind.paired}


def certainty(gap: dict[str, Any]) -> float:
    """How sure a gap is: how far its 95 % interval stays from zero, i.e. its bound nearest
    zero, in points (negative when the interval spans zero, 0 without an interval)."""
    low, high = gap.get("ci95") or (0.0, 0.0)
    return max(low, -high)


def most_certain_first(gap: dict[str, Any]) -> tuple[float, float]:
    """The sort key of the one order every "most certain first" list of a report follows
    (first page, clearest gaps, perception gaps, guide): by `certainty`, then the larger
    difference. Not by q: q ranks by p, which favours the large side's small gap."""
    return (-certainty(gap), -abs(gap.get("diff") or 0.0))


def mark_clear(family: list[dict[str, Any]]) -> int:
    """Set `q` and `clear` on every tested difference of one family (each a dict with `p`
    and `ci95`); returns the family's size (the differences that have a p value)."""
    # Imported here: stats loads numpy and scipy, and the web pages that only read the gap
    # kinds (the workshop, the report's view) must not load them into every server worker.
    from . import stats

    for difference, q in zip(
        family, stats.benjamini_hochberg([d["p"] for d in family]), strict=True
    ):
        difference["q"] = q
        low, high = difference["ci95"] or (0.0, 0.0)
        difference["clear"] = q is not None and q < ALPHA and (low > 0 or high < 0)
    return sum(1 for difference in family if difference["p"] is not None)


def adjust_for_selection(
    family: list[dict[str, Any]],
    size: int,
    interval_at: Callable[[dict[str, Any], float], tuple[float, float]],
) -> float | None:
    """Benjamini & Yekutieli's false-coverage-adjusted intervals of the selected findings of
    one family (after `mark_clear`): with R of its `size` tested differences clear, each
    clear one gets `ci_selected`, its interval at level 1 − R·ALPHA/size (`interval_at`
    computes a difference's interval at a level), so that on average at most ALPHA of the
    printed intervals of findings miss the real value. Every printed interval of a clear
    difference is this one; the others keep their plain 95 % one. Returns the level (None
    when nothing is clear)."""
    clear = [difference for difference in family if difference.get("clear")]
    if not clear or not size:
        return None
    level = 1 - len(clear) * ALPHA / size
    for difference in clear:
        difference["ci_selected"] = list(interval_at(difference, level))
    return level
