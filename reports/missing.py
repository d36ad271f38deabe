"""Skipped answers (issue 19, item 5): when the people who skip differ in their views from
those who answer, a cell's average drifts, and more people answering does not cure it.
Each cell shows the share of its side's respondents who skipped a statement; a gap whose
two views' shares differ by more than SKIP_WARNING_ABOVE carries a warning in words."""

from __future__ import annotations

from typing import Any

from survey.store.sides import other

from .gaps import GAP_KINDS

SKIP_WARNING_ABOVE = 0.10  # a difference of skipped shares, as a fraction (10 points)
SKIP_RULE = (
    "a gap carries a warning when the shares of people who skipped a statement of its "
    f"two views differ by more than {SKIP_WARNING_ABOVE * 100:.0f} percentage points"
)


def skips_differ(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Whether two shown cells' skipped shares differ markedly (the rule above)."""
    difference = abs(first["skipped_share"] - second["skipped_share"])
    return round(difference, 9) > SKIP_WARNING_ABOVE  # rounded: 0.3 - 0.2 is not above 0.1


def mark_skip_warnings(dimension: dict[str, Any]) -> None:
    """Set `skip_warning` on every shown gap of one dimension (held-back gaps keep null)."""
    for key, gap in dimension["gaps"].items():
        if gap["suppressed"]:
            continue
        side, kind = key.split(".")
        first, second = GAP_KINDS[kind].cells(side, other(side))
        gap["skip_warning"] = skips_differ(dimension["cells"][first], dimension["cells"][second])
