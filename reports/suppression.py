"""Complementary suppression (issue 20, D1): no two figures of a report rest on nested
groups of one side's people that differ by 1 to threshold - 1 people, since subtracting
them would show those few people's answers.

Every figure of a cell rests on the cell's people (those with a score there). Three kinds
of figure rest on part of them:
- a felt misjudgement on its pairs: the people with both an own and an expected view (with
  the two cells' averages, 6 x 3.00 - 5 x (2.65 + 0.50) = 2.25 was one person's own view);
- a cell's answer bar (answer counts, "don't know" answers) on each statement's answers: a
  person who answered only some statements weighs in the bar but not in the average as a
  whole person, so bar and average together give that person's answers;
- a reliability (Cronbach's alpha) on those who answered every statement.
The rule: where such a figure rests on 1 to threshold - 1 fewer people than its cell, the
figure on fewer people is held back, with the reason REASON; the cell stays. A figure that
pools parts (a dimension's alpha over both sides) pools only parts shown on their own.
Applied to each round's analysis before the decision rule and before anything else reads
it, so the JSON, the PDF, the workshop and every comparison or follow-up that uses a
round's figures get the same held-back figures. Counts and shares of a whole side's
respondents (n, skipped, "don't know") are not such figures: no score follows from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from survey.store.questionnaire import PERSPECTIVES
from survey.store.sides import SIDES, other

from .gaps import FELT_MISJUDGEMENT

if TYPE_CHECKING:  # aggregates loads numpy, which the report's view must not need
    from .aggregates import RoundData

# The reason of every part this rule holds back, with the round's threshold.
REASON = "would single out fewer than {threshold} people"
# What each kind of held-back part is called in the report's `suppressed` list.
PAIRS, ANSWERS, RELIABILITY = "felt_misjudgement", "answer_counts", "reliability"
RULE = (
    "a figure resting on 1 to threshold - 1 fewer people than its cell (a felt "
    "misjudgement's pairs, a cell's answer counts, a reliability) is held back; a pooled "
    "alpha pools only the sides whose own alpha is shown"
)
ANSWER_FIELDS = ("counts", "dont_know")  # of a cell: what rests on each statement's answers


def singles_out(larger: int, smaller: int, threshold: int) -> bool:
    """Whether figures on nested groups of `larger` and `smaller` people would, subtracted,
    show the answers of the few people between them."""
    return 0 < larger - smaller < threshold


def reason(threshold: int) -> str:
    """The reason a held-back part carries in the JSON (worded per language in the PDF)."""
    return REASON.format(threshold=threshold)


def hold_back(dimension: dict[str, Any], data: RoundData, threshold: int) -> list[dict[str, Any]]:
    """Hold back, in place, every part of one dimension of the analysis that the rule
    forbids; returns one entry per held-back part for the report's `suppressed` list."""
    why = reason(threshold)
    cells, gaps, reliability = dimension["cells"], dimension["gaps"], dimension["reliability"]
    held: list[dict[str, Any]] = []

    def entry(side: str, part: str, figure: str) -> None:
        held.append(
            {"side": side, "dimension": dimension["id"], "part": part, "figure": figure}
            | {"reason": why}
        )

    for side in SIDES:
        key = f"{side}.{FELT_MISJUDGEMENT.key}"
        gap = gaps[key]
        views = FELT_MISJUDGEMENT.cells(side, other(side))
        if not gap["suppressed"] and any(
            singles_out(cells[view]["n"], gap["n"], threshold) for view in views
        ):
            gaps[key] = dict.fromkeys(gap) | {"suppressed": True, "reason": why}
            entry(side, key, PAIRS)
        for perspective in PERSPECTIVES:
            cell_key = f"{side}.{perspective}"
            cell = cells[cell_key]
            if cell["suppressed"] or dimension["items"] < 2:
                continue  # one statement: a person's answers are all or nothing
            vectors = data.vectors.get((side, perspective, dimension["id"]), {})
            if singles_out(cell["n"], sum(vectors.values()), threshold):
                cell.update(dict.fromkeys(ANSWER_FIELDS))
                entry(side, cell_key, ANSWERS)
            shown = reliability.get(cell_key)
            if shown and singles_out(cell["n"], shown["n"], threshold):
                reliability[cell_key] = None
                entry(side, cell_key, RELIABILITY)
    return held


def pooled_sides(dimension: dict[str, Any]) -> list[str]:
    """The sides whose own-view answers a dimension's pooled alpha may use: those whose
    own-view reliability is shown, so the pooled figure and each side's differ by a
    whole shown group or not at all."""
    given = dimension["reliability"]
    return [side for side in SIDES if given.get(f"{side}.self")]
