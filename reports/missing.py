"""Skipped answers (issue 19, item 5): when the people who skip differ in their views from
those who answer, a cell's average drifts, and more people answering does not cure it.
Each cell shows the share of its side's respondents who skipped a statement; a gap whose
two views' shares differ markedly carries a warning in words.

"Markedly" is two conditions, both needed: the shares differ by more than
SKIP_WARNING_ABOVE, and the test of two shares the report uses elsewhere
(reports.stats.share_difference, Fisher's exact test) puts the difference's p below
SKIP_LEVEL. The size alone warned on chance in small rounds: at 6 a side one person is
17 points. The test is the one of two independent groups; for a felt misjudgement both
views are the same people's; where those who skip one view tend to skip the other, the
test is then cautious (it warns less often than a paired test would). No paired count of
who skipped which view is read for it."""

from __future__ import annotations

from typing import Any

from survey.store.sides import other

from .gaps import GAP_KINDS

SKIP_WARNING_ABOVE = 0.10  # a difference of skipped shares, as a fraction (10 points)
SKIP_LEVEL = 0.05  # the two-sided p below which the difference is not put down to chance
SKIP_POINTS = round(SKIP_WARNING_ABOVE * 100)  # as the report's words say it
SKIP_RULE = (
    "a gap carries a warning when the shares of people who skipped a statement of its "
    f"two views differ by more than {SKIP_POINTS} percentage points and "
    f"Fisher's exact test of the two shares gives p < {SKIP_LEVEL} (per gap); "
    "skip_difference is the first view's share minus the second's, skip_p that test's p"
)


def skip_test(
    first: dict[str, Any], second: dict[str, Any], people: tuple[int, int]
) -> tuple[float, float, bool]:
    """(difference of the two shown cells' skipped shares, its p, whether it warns), the
    shares being of `people`, the respondents of each cell's side."""
    from . import stats  # here: the report's view reads this module's rule, without scipy

    skipped = [
        round(cell["skipped_share"] * n) for cell, n in zip((first, second), people, strict=True)
    ]
    test = stats.share_difference(skipped[0], people[0], skipped[1], people[1])
    p = 1.0 if test.p is None else test.p
    large = round(abs(test.diff), 9) > SKIP_WARNING_ABOVE  # rounded: 0.3 - 0.2 is not above 0.1
    return test.diff, p, large and p < SKIP_LEVEL


def mark_skip_warnings(dimension: dict[str, Any], respondents: dict[str, int]) -> None:
    """Set `skip_warning`, `skip_difference` and `skip_p` on every shown gap of one
    dimension (held-back gaps keep null)."""
    for key, gap in dimension["gaps"].items():
        if gap["suppressed"]:
            continue
        side, kind = key.split(".")
        first, second = GAP_KINDS[kind].cells(side, other(side))
        people = (respondents[first.split(".")[0]], respondents[second.split(".")[0]])
        cells = dimension["cells"]
        difference, p, warn = skip_test(cells[first], cells[second], people)
        gap |= {"skip_warning": warn, "skip_difference": difference, "skip_p": p}
