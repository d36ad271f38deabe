"""How each gap changed since an earlier round, tested under the one decision rule
(reports.gaps): the follow-up's "Gaps since the workshop's round" and the "Before and
after" comparison both use these, so the two pages never say different things about
the same change. Rounds are independent samples."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from .gaps import CLEAR_RULE, adjust_for_selection, mark_clear

Z95 = 1.959963984540054
TEST_FIELDS = ("change", "ci95", "p", "q", "clear", "direction", "ci_selected")
INTERVAL = (
    "rounds are independent samples: the half-widths of the two rounds' "
    "95% intervals combined as root sum of squares (normal approximation)"
)


def gap_change(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """A gap's change between two rounds: the interval combines the two rounds' 95 %
    intervals (root sum of squares of the half-widths, normal approximation). Held back,
    with the gaps that are known, when either gap has no interval."""
    before = None if old is None else old["diff"]
    known = {"before": before, "after": new["diff"]}
    if old is None:
        reason = "not asked in the earlier round"
        return known | dict.fromkeys(TEST_FIELDS) | {"suppressed": True, "reason": reason}
    for gap in (old, new):
        if gap["suppressed"] or gap["diff"] is None or not gap.get("ci95"):
            reason = gap.get("reason") or "no interval"
            return known | dict.fromkeys(TEST_FIELDS) | {"suppressed": True, "reason": reason}
    change = new["diff"] - old["diff"]
    half = math.hypot(*((g["ci95"][1] - g["ci95"][0]) / 2 for g in (old, new)))
    se = half / Z95
    p = (None if change == 0 else 0.0) if se == 0 else math.erfc(abs(change) / se / math.sqrt(2))
    return known | {
        "change": change,
        "ci95": [change - half, change + half],
        "p": p,
        "q": None,
        "clear": False,
        "direction": None,
        "ci_selected": None,
        "suppressed": False,
    }


def gap_changes(earlier: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """Every gap's change from an earlier round's analysis to this one's; `q`, `clear`
    and `direction` are set by `decide_changes` over the family."""
    before = {d["id"]: d["gaps"] for d in earlier["dimensions"]}
    return {
        "round": {k: earlier["round"][k] for k in ("id", "name", "closed_on")},
        "dimensions": {
            dimension["id"]: {
                key: gap_change(before.get(dimension["id"], {}).get(key), gap)
                for key, gap in dimension["gaps"].items()
            }
            for dimension in report["dimensions"]
        },
    }


def decide_changes(blocks: list[dict[str, Any]], family: str) -> dict[str, Any]:
    """The decision rule over the changes of `blocks` (one family), then the word of each
    clear change: "smaller" or "larger", the gap's distance from zero. Returns what the
    method page states about the family."""
    changes = [
        change
        for block in blocks
        for gaps in block["dimensions"].values()
        for change in gaps.values()
        if not change["suppressed"]
    ]
    size = mark_clear(changes)
    level = adjust_for_selection(changes, size, _interval_at)
    for change in changes:
        if change["clear"]:
            smaller = abs(change["after"]) < abs(change["before"])
            change["direction"] = "smaller" if smaller else "larger"
    return {
        "interval": INTERVAL,
        "family": family,
        "family_size": size,
        "clear": CLEAR_RULE,
        "selection_level": level,
    }


def _interval_at(change: dict[str, Any], level: float) -> tuple[float, float]:
    """A change's interval at `level`: its 95 % one's normal approximation, widened."""
    low, high = change["ci95"]
    half = (high - low) / 2 / Z95 * NormalDist().inv_cdf(0.5 + level / 2)
    return (change["change"] - half, change["change"] + half)
