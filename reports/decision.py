"""The one decision rule every claim of a report passes: within a family declared before
the data, Benjamini–Hochberg q; a difference is clear when q < ALPHA and its 95 %
interval leaves out zero. Gaps, carried agreements and changes since a workshop each form
their own family (reports.analysis, reports.agreements)."""

from __future__ import annotations

from typing import Any

from . import stats

ALPHA = 0.05  # the false-discovery rate of each declared family


def mark_clear(family: list[dict[str, Any]]) -> int:
    """Set `q` and `clear` on every tested difference of one family (each a dict with `p`
    and `ci95`); returns the family's size (the differences that have a p value)."""
    for difference, q in zip(
        family, stats.benjamini_hochberg([d["p"] for d in family]), strict=True
    ):
        difference["q"] = q
        low, high = difference["ci95"] or (0.0, 0.0)
        difference["clear"] = q is not None and q < ALPHA and (low > 0 or high < 0)
    return sum(1 for difference in family if difference["p"] is not None)
