"""The follow-up section of a report (issue 12, item 5): per carried workshop agreement,
the share of each side that sees it as kept, whether the sides differ clearly (a
difference of two shares: Newcombe's interval, Fisher's exact test), and beside it the
change of every gap since the workshop's round.

Two families of their own under the one decision rule (reports.gaps): the agreements'
differences between the sides, and the gap changes since a workshop's round (reports.changes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from survey.store.rounds import Round
from survey.store.sides import SIDES

from . import stats
from .aggregates import read_agreements
from .changes import decide_changes, gap_changes
from .gaps import CLEAR_RULE, adjust_for_selection, mark_clear

KEPT_FROM = 4  # "was kept" counts as kept at 4 or 5
SIDE_FIELDS = ("n", "kept_share", "ci95", "dont_know")
DIFFERENCE_FIELDS = ("diff", "ci95", "p", "q", "clear", "test", "ci_selected")


def _held_back(fields: tuple[str, ...], reason: str) -> dict[str, Any]:
    return {**dict.fromkeys(fields), "suppressed": True, "reason": reason}


def _side(counts: list[int], respondents: int | None, threshold: int) -> dict[str, Any]:
    """One side's view of one agreement, or why it is held back."""
    if respondents is None:
        return _held_back(SIDE_FIELDS, f"fewer than {threshold} respondents")
    n = sum(counts[1:])
    if n < threshold:
        return _held_back(SIDE_FIELDS, f"fewer than {threshold} answers other than don't know")
    kept = sum(counts[KEPT_FROM:])
    return {
        "n": n,
        "kept_share": kept / n,
        "ci95": list(stats.wilson_interval(kept, n)),
        "dont_know": counts[0],
        "suppressed": False,
        "_kept": kept,
    }


def _difference(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Side A's share kept minus side B's (reports.stats.share_difference); `clear` is set
    later over the family."""
    for view in (a, b):
        if view["suppressed"]:
            return _held_back(DIFFERENCE_FIELDS, view["reason"])
    test = stats.share_difference(a["_kept"], a["n"], b["_kept"], b["n"])
    return {
        "diff": test.diff,
        "ci95": list(test.ci95),
        "p": test.p,
        "q": None,
        "clear": False,
        "test": test.method,
        "ci_selected": None,
        "suppressed": False,
        "_counts": (a["_kept"], a["n"], b["_kept"], b["n"]),
    }


def _interval_at(difference: dict[str, Any], level: float) -> tuple[float, float]:
    """A difference's Newcombe interval at `level` (from the counts kept beside it)."""
    k1, n1, k2, n2 = difference["_counts"]
    return stats.newcombe_interval(k1, n1, k2, n2, confidence=level)


def carried_agreements(
    db: Database,
    round_: Round,
    report: dict[str, Any],
    analyse_round: Callable[[int], dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The JSON `agreements` list (empty when the round carries none) and what the method
    page states about its two families."""
    carried = round_.questionnaire.agreements
    if not carried:
        return [], {}
    counts = read_agreements(db, round_.id)
    respondents = {s: report["sides"][s]["n"] for s in SIDES}
    since: dict[int, dict[str, Any]] = {}
    for round_id in dict.fromkeys(a.since_round for a in carried):  # each earlier round once
        since[round_id] = gap_changes(analyse_round(round_id), report)
    result: list[dict[str, Any]] = []
    for agreement in carried:
        views = {
            s: _side(counts.get((s, agreement.id), [0] * 6), respondents[s], round_.threshold)
            for s in SIDES
        }
        result.append(
            {
                "id": agreement.id,
                "what": agreement.what,
                "lang": agreement.lang,
                "responsible": agreement.responsible,
                "due_on": agreement.due_on,
                "sides": views,
                "difference": _difference(views["a"], views["b"]),
                "since": since[agreement.since_round],
            }
        )
    differences = [e["difference"] for e in result if not e["difference"]["suppressed"]]
    agreements_size = mark_clear(differences)
    level = adjust_for_selection(differences, agreements_size, _interval_at)
    for entry in result:
        entry["difference"].pop("_counts", None)
        for view in entry["sides"].values():
            view.pop("_kept", None)
    family = "every gap change since the round of the workshop that recorded the agreements"
    changes = decide_changes(list(since.values()), family)
    return result, {
        "agreements": {
            "kept": f"answer {KEPT_FROM} or 5 to 'was kept'; don't know is left out of n",
            "share_interval": "95% Wilson interval",
            "test": "Fisher's exact test of the difference of shares (two-sided)",
            "interval": "Newcombe's hybrid score interval of the difference (method 10)",
            "family": "differences between the sides in the share seeing a carried agreement as kept",
            "family_size": agreements_size,
            "clear": CLEAR_RULE,
            "selection_level": level,
        },
        "gap_changes": changes,
    }
