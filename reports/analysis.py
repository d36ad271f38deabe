"""The gap analysis of a closed round, as the JSON-ready dict `survey report --format json` prints.

Reads SQL aggregates (reports.aggregates), computes exact statistics (reports.stats)
and applies the anonymity rules: a side or cell below the round's threshold is held
back with its reason, and no count below the threshold appears anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from survey.store.errors import InvalidInput, WrongState
from survey.store.invites import issued_counts
from survey.store.padding import disclosures
from survey.store.questionnaire import PERSPECTIVES, Questionnaire
from survey.store.rounds import Round, get_round
from survey.store.sides import SIDES, other

from . import stats, suppression
from .aggregates import SCALE, RoundData, read_round
from .agreements import carried_agreements
from .changes import decide_changes, gap_changes
from .gaps import (
    ALPHA,
    CLEAR_RULE,
    FELT_MISJUDGEMENT,
    INDEPENDENT_KINDS,
    adjust_for_selection,
    mark_clear,
    most_certain_first,
)
from .missing import SKIP_LEVEL, SKIP_RULE, SKIP_WARNING_ABOVE, mark_skip_warnings

DEFAULT_SEED = 20261125
CELL_FIELDS: tuple[str, ...] = ("n", "mean", "median", "sd", "ci95", "counts", "dont_know")
CELL_FIELDS += ("top2", "people", "dont_know_share", "skipped_share")
INDEPENDENT_FIELDS: tuple[str, ...] = ("diff", "cliffs_delta", "p", "p_holm", "magnitude", "ci95")
INDEPENDENT_FIELDS += ("q", "clear", "n", "test", "skip_warning", "resamples", "se", "df")
INDEPENDENT_FIELDS += ("ci_selected", "skip_difference", "skip_p")
PAIRED_FIELDS: tuple[str, ...] = ("diff", "n", "p", "ci95", "q", "clear", "skip_warning")
PAIRED_FIELDS += ("se", "df", "ci_selected", "skip_difference", "skip_p")
POWER = 0.8  # of the planning figure `detectable`
LARGEST_GAP = max(SCALE) - min(SCALE)  # points: 5 against 1


def held_back(fields: tuple[str, ...], reason: str, **extra: Any) -> dict[str, Any]:
    """A suppressed part: every figure null, and why."""
    return {**dict.fromkeys(fields), **extra, "suppressed": True, "reason": reason}


def analyse(
    db: Database, round_id: int, compare_with: int | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The report of a closed round (optionally compared with an earlier closed round)."""
    round_ = closed_round(db, round_id)
    report = _analyse_round(db, round_, seed)
    report["disclosures"] = disclosures(db, round_)
    # Codes issued beside each side's headcount and n, so a padded group shows (P1).
    for side, issued in issued_counts(db, round_.id).items():
        report["sides"][side]["codes_issued"] = issued
    report["compare"] = None
    earlier_rounds: dict[int, dict[str, Any]] = {}

    def gaps_of(earlier_id: int) -> dict[str, Any]:
        """An earlier round's analysis, once per round (the comparison and the workshop's
        round are often the same), without the cells' bootstrap intervals: only its gaps
        are used, and the bootstrap is most of the analysis time."""
        if earlier_id not in earlier_rounds:
            earlier = closed_round(db, earlier_id)
            earlier_rounds[earlier_id] = _analyse_round(db, earlier, seed, intervals=False)
        return earlier_rounds[earlier_id]

    if compare_with is not None:
        earlier = closed_round(db, compare_with)
        if (earlier.questionnaire_id, earlier.side_a, earlier.side_b) != (
            round_.questionnaire_id,
            round_.side_a,
            round_.side_b,
        ):
            raise InvalidInput(
                f"Round {earlier.id} cannot be compared with round {round_.id}: "
                "the questionnaire or the sides' labels differ."
            )
        report["compare"] = gap_changes(gaps_of(compare_with), report)
        family = f"every gap change since round {compare_with}"
        report["method"]["compare"] = decide_changes([report["compare"]], family)
    report["agreements"], families = carried_agreements(db, round_, report, gaps_of)
    report["method"].update(families)
    return report


def closed_round(db: Database, round_id: int) -> Round:
    round_ = get_round(db, round_id)
    if round_.status != "closed":
        state = "still a draft" if round_.status == "draft" else "still open"
        raise WrongState(f"Round {round_.id} is {state}; only closed rounds can be reported.")
    return round_


def _analyse_round(
    db: Database, round_: Round, seed: int, intervals: bool = True
) -> dict[str, Any]:
    """One round's figures; `intervals=False` leaves the cells' ci95 out (None)."""
    questionnaire = round_.questionnaire
    data = read_round(db, round_.id, questionnaire)
    return analyse_data(round_, data, seed, intervals) | {
        "comments": _comments(db, round_, questionnaire, data),
    }


def analyse_data(
    round_: Round, data: RoundData, seed: int, intervals: bool = True
) -> dict[str, Any]:
    """Every figure of one round from its aggregates (everything but the comments): what
    `survey report` computes, callable without a database (bench/validity.py's fast path)."""
    questionnaire = round_.questionnaire
    threshold = round_.threshold
    teams = stats.Teams(round_.team_size)
    side_reason = {
        s: f"fewer than {threshold} respondents" for s in SIDES if data.respondents[s] < threshold
    }
    dimensions = [
        _dimension(round_, questionnaire, data, d.id, side_reason, seed, intervals, teams)
        for d in questionnaire.dimensions
    ]
    # Complementary suppression before the decision rule: a held-back gap is in no family.
    held = [part for d in dimensions for part in suppression.hold_back(d, data, threshold)]
    for dimension in dimensions:
        dimension["alpha"] = _pooled_alpha(data, dimension)
        mark_skip_warnings(dimension, data.respondents)
    _adjust_holm(dimensions)
    family = decide(dimensions)
    selection_level = select_intervals(dimensions, family)
    plan = _planning(data, dimensions, side_reason, family, teams)
    for dimension in dimensions:
        gaps = dimension["gaps"]
        dimension["mirror"] = all(
            gaps[f"{s}.blind_spot"]["clear"] and gaps[f"{s}.blind_spot"]["diff"] > 0 for s in SIDES
        )
    return {
        "round": {
            "id": round_.id,
            "name": round_.name,
            "questionnaire": round_.questionnaire_id,
            "questionnaire_version": round_.questionnaire_version,
            "lang": round_.lang,
            "threshold": threshold,
            "comment_threshold": round_.comment_threshold,
            "opened_on": round_.opened_on,
            "closed_on": round_.closed_on,
        },
        "sides": {s: _side(round_, data, s, side_reason) for s in SIDES},
        "dimensions": dimensions,
        "top_gaps": top_gaps(dimensions),
        "findings": findings(dimensions),
        "detectable": plan["detectable"],
        "detectable_reason": plan.pop("reason"),
        "planning": plan,
        "method": method(
            family,
            teams,
            {s: data.respondents[s] for s in SIDES if s not in side_reason},
            selection_level,
        ),
        "suppressed": _suppressed(round_, data, dimensions, side_reason) + held,
    }


def _side(round_: Round, data: RoundData, side: str, side_reason: dict[str, str]) -> dict:
    shown = {"label": round_.label(side), "headcount": round_.headcount(side)}
    if side in side_reason:
        return {
            **shown,
            "n": None,
            "n_text": f"fewer than {round_.threshold}",
            "suppressed": True,
            "reason": side_reason[side],
        }
    return {**shown, "n": data.respondents[side], "suppressed": False}


def _dimension(
    round_: Round,
    questionnaire: Questionnaire,
    data: RoundData,
    dimension_id: str,
    side_reason: dict[str, str],
    seed: int,
    intervals: bool,
    teams: stats.Teams,
) -> dict[str, Any]:
    dimension = questionnaire.dimension(dimension_id)
    threshold = round_.threshold
    cells: dict[str, dict[str, Any]] = {}
    samples: dict[str, stats.Sample] = {}
    for side in SIDES:
        for perspective in PERSPECTIVES:
            key = f"{side}.{perspective}"
            cell = data.cells.get((side, perspective, dimension_id))
            sample = stats.Sample.from_counts(cell.scores if cell else {})
            if side in side_reason:
                cells[key] = held_back(CELL_FIELDS, side_reason[side])
            elif sample.n < threshold:
                cells[key] = held_back(CELL_FIELDS, f"fewer than {threshold} answers")
            else:
                cells[key] = _cell(sample, cell, data.respondents[side], seed, intervals)
                samples[key] = sample
    gaps: dict[str, dict[str, Any]] = {}
    for side in SIDES:
        for kind in INDEPENDENT_KINDS.values():
            x_key, y_key = kind.cells(side, other(side))
            gaps[f"{side}.{kind.key}"] = _independent_gap(samples, cells, x_key, y_key, seed, teams)
    for side in SIDES:
        differences = stats.Sample.from_counts(data.differences.get((side, dimension_id), {}))
        if side in side_reason:
            paired = held_back(PAIRED_FIELDS, side_reason[side])
        elif differences.n < threshold:
            paired = held_back(PAIRED_FIELDS, f"fewer than {threshold} pairs")
        else:
            interval = stats.paired_interval(differences, teams)
            deff = teams.deff(differences.n)
            paired = {
                "diff": stats.describe(differences).mean,
                "n": differences.n,
                "p": stats.design_adjusted(stats.wilcoxon_p(differences), deff),
                "ci95": list(interval[:2]) if interval else None,
                "q": None,
                "clear": False,
                "skip_warning": None,
                "skip_difference": None,
                "skip_p": None,
                "se": interval[2] if interval else None,
                "df": interval[3] if interval else None,
                "ci_selected": None,
                "suppressed": False,
            }
        gaps[f"{side}.{FELT_MISJUDGEMENT.key}"] = paired
    return {
        "id": dimension.id,
        "name": dimension.name.get(round_.lang) or next(iter(dimension.name.values())),
        "names": dict(dimension.name),
        "items": len(dimension.items),
        "alpha": None,  # pooled over the sides once suppression is applied (_pooled_alpha)
        "reliability": _reliability(
            data, dimension_id, len(dimension.items), side_reason, threshold
        ),
        "cells": cells,
        "gaps": gaps,
    }


def _pooled_alpha(data: RoundData, dimension: dict[str, Any]) -> float | None:
    """Cronbach's alpha of the own-view answers of the sides it may pool (reports.suppression)."""
    vectors: dict[tuple[int, ...], int] = {}
    for side in suppression.pooled_sides(dimension):
        for vector, n in data.vectors.get((side, "self", dimension["id"]), {}).items():
            vectors[vector] = vectors.get(vector, 0) + n
    if not vectors:
        return None
    return stats.cronbach_alpha(list(vectors), list(vectors.values()))


def _cell(
    sample: stats.Sample, cell: Any, respondents: int, seed: int, intervals: bool
) -> dict[str, Any]:
    summary = stats.describe(sample)
    interval = stats.bca_interval(sample, seed) if intervals else None
    return {
        "n": summary.n,
        "mean": summary.mean,
        "median": summary.median,
        "sd": summary.sd,
        "ci95": list(interval) if interval else None,
        "counts": list(cell.counts),
        "dont_know": cell.dont_know,
        # Shares of people, not of answers: agreeing = own score of 4 or more.
        "top2": sum(c for score, c in cell.scores.items() if score >= 4) / summary.n,
        "people": cell.people,
        "dont_know_share": cell.dont_know_people / cell.people if cell.people else None,
        # Of the side's respondents: who left a statement of this view empty.
        "skipped_share": (respondents - cell.full) / respondents,
        "suppressed": False,
    }


def _independent_gap(
    samples: dict[str, stats.Sample],
    cells: dict[str, dict],
    x_key: str,
    y_key: str,
    seed: int,
    teams: stats.Teams,
) -> dict[str, Any]:
    for key in (x_key, y_key):
        if cells[key]["suppressed"]:
            return held_back(INDEPENDENT_FIELDS, cells[key]["reason"])
    x, y = samples[x_key], samples[y_key]
    delta = stats.cliffs_delta(x, y)
    test = stats.mean_gap(x, y, seed, teams, decisive_below=ALPHA)
    return {
        "diff": test.diff,
        "cliffs_delta": delta,
        "p": test.p,
        "p_holm": None,
        "magnitude": stats.magnitude(delta),
        "ci95": list(test.ci95),
        "q": None,
        "clear": False,
        "n": [x.n, y.n],
        "test": test.method,
        "skip_warning": None,
        "skip_difference": None,
        "skip_p": None,
        "resamples": test.resamples,
        "se": test.se,
        "df": test.df,
        "ci_selected": None,
        "suppressed": False,
    }


def _independent(dimensions: list[dict]) -> Iterator[tuple[str, str, dict]]:
    """(dimension id, gap key, gap) of every independent-groups gap in the report."""
    for dimension in dimensions:
        for side in SIDES:
            for kind in INDEPENDENT_KINDS:
                key = f"{side}.{kind}"
                yield dimension["id"], key, dimension["gaps"][key]


def _adjust_holm(dimensions: list[dict]) -> None:
    gaps = [gap for _, _, gap in _independent(dimensions)]
    for gap, adjusted in zip(gaps, stats.holm([g["p"] for g in gaps]), strict=True):
        gap["p_holm"] = adjusted


def _paired(dimensions: list[dict]) -> Iterator[tuple[str, str, dict]]:
    """(dimension id, gap key, gap) of every felt misjudgement in the report."""
    for dimension in dimensions:
        for side in SIDES:
            key = f"{side}.{FELT_MISJUDGEMENT.key}"
            yield dimension["id"], key, dimension["gaps"][key]


def decide(dimensions: list[dict]) -> dict[str, int]:
    """The decision rule over one family declared before any data: every blind spot,
    perception gap and felt misjudgement of the shown sides over all dimensions.
    Benjamini–Hochberg q over the whole family; a gap is clear when q < ALPHA and its
    95 % interval leaves out zero. One family, not one per kind of gap, so that in a
    round without any real gap the chance of any clear claim anywhere in the report
    stays at ALPHA (with two families it would be the chance of either, above ALPHA). Returns the
    family's size and how many of it are felt misjudgements."""
    independent = [gap for _, _, gap in _independent(dimensions) if not gap["suppressed"]]
    paired = [gap for _, _, gap in _paired(dimensions) if not gap["suppressed"]]
    size = mark_clear(independent + paired)
    return {"size": size, "paired": sum(1 for gap in paired if gap["p"] is not None)}


def top_gaps(dimensions: list[dict]) -> list[dict[str, Any]]:
    """Every shown independent gap, the most certain first (reports.gaps)."""
    shown = [
        {"dimension": d, "gap": key, **{f: gap[f] for f in INDEPENDENT_FIELDS}}
        for d, key, gap in _independent(dimensions)
        if not gap["suppressed"]
    ]
    return sorted(shown, key=most_certain_first)


def findings(dimensions: list[dict]) -> list[dict[str, Any]]:
    """The clear gaps, most certain first (reports.gaps): the same order as `top_gaps`."""
    clear = [
        {"dimension": d, "gap": key, **{f: gap[f] for f in ("diff", "ci95", "ci_selected", "q")}}
        for d, key, gap in _independent(dimensions)
        if gap["clear"]
    ]
    return sorted(clear, key=most_certain_first)


def select_intervals(dimensions: list[dict], family: dict[str, int]) -> float | None:
    """The selection-adjusted intervals (`ci_selected`) of the clear gaps of the one family
    (reports.gaps.adjust_for_selection): Welch's or Student's t with each gap's df. Returns
    the level (None when nothing is clear)."""
    gaps = [gap for _, _, gap in _independent(dimensions)] + [g for _, _, g in _paired(dimensions)]
    return adjust_for_selection(
        gaps,
        family["size"],
        lambda gap, level: stats.selected_interval(gap["diff"], gap["se"], gap["df"], level),
    )


def _planning(
    data: RoundData,
    dimensions: list[dict],
    side_reason: dict[str, str],
    family: dict[str, int],
    teams: stats.Teams,
) -> dict[str, Any]:
    """The planning figure `detectable`: the smallest blind spot this round finds with 80 %
    power by the test its gaps actually get (Welch's t with the team allowance, or the
    permutation test with its attainable levels), with the pooled per-person SD, at the bar a
    lone real gap must pass under Benjamini–Hochberg (ALPHA / family size). Null with a
    `reason` where no single gap can be clear at this size, or nothing can be computed."""
    plan: dict[str, Any] = {"detectable": None, "reason": None, "why": None, "test": None}
    plan["bar"] = None
    plan |= {"p_floor": None, "felt_p_floor": None, "felt_can_be_clear": None}
    if side_reason:
        reason = "a side is held back (fewer respondents than the threshold)"
        return plan | {"reason": reason, "why": "held_back"}
    if not family["size"]:
        return plan | {"reason": "no gap could be tested", "why": "untested"}
    squares, df = 0.0, 0
    for dimension in dimensions:
        for cell in dimension["cells"].values():
            if not cell["suppressed"] and cell["sd"] is not None:
                squares += cell["sd"] ** 2 * (cell["n"] - 1)
                df += cell["n"] - 1
    if not df:
        return plan | {"reason": "no score varies", "why": "untested"}
    sd = (squares / df) ** 0.5
    n_a, n_b = (data.respondents[s] for s in SIDES)
    bar = ALPHA / family["size"]
    result = stats.planning(sd, n_a, n_b, bar, teams, POWER)
    plan |= {
        "detectable": result.detectable,
        "test": result.test,
        "bar": bar,
        "p_floor": result.floor,
        "felt_p_floor": result.felt_floor,
        "felt_can_be_clear": result.felt_floor < bar,
    }
    if result.detectable is None:
        plan["why"] = "floor"
        plan["reason"] = (
            f"no single gap can be clear at this size: the smallest p the {result.test} test "
            f"can give with {n_a} and {n_b} people ({result.floor:.4f}) is above the bar a "
            f"lone gap must pass ({ALPHA} / {family['size']} = {bar:.4f})"
        )
    elif result.detectable > LARGEST_GAP:
        plan |= {"detectable": None, "why": "scale"}
        plan["reason"] = (
            f"no single gap shows reliably at this size: the test would find only gaps of "
            f"{result.detectable:.1f} points four times in five, more than the largest gap "
            f"the scale allows ({LARGEST_GAP} points)"
        )
    return plan


def method(
    family: dict[str, int],
    teams: stats.Teams,
    shown: dict[str, int],
    selection_level: float | None = None,
) -> dict[str, Any]:
    """The `method` dict of the JSON: what decided every claim (`shown`: the respondents
    of each side shown)."""
    return {
        "unit": "points: per-person dimension means on the 1-5 scale",
        "test": "Welch t with the team allowance; below "
        f"{stats.PERMUTATION_BELOW} people a side, a permutation test of Welch's t (every "
        f"split when there are at most {stats.PERMUTATION_EXACT_UP_TO}, else seeded random "
        f"splits, {stats.PERMUTATION_FIRST_RESAMPLES} then {stats.PERMUTATION_RESAMPLES} "
        f"unless p is surely above {ALPHA}, p being the upper "
        f"{stats.P_BOUND_CONFIDENCE:.1%} bound of the estimate), p never below Student t's "
        "with the smaller side's effective n - 1 degrees of freedom (also the interval's); "
        "each gap's `resamples` says how many splits were used, or exact",
        "paired_test": "Wilcoxon signed-rank, its z shrunk by the square root of the design effect",
        "interval": "95% Welch t interval of the difference (Student t for paired), from the "
        "effective sample sizes; Welch's degrees of freedom from each side's variance_df, "
        "(n - 1) / (1 + (m - 1) * ICC^2)",
        "adjustment": "Benjamini-Hochberg",
        "promise": f"among the clear findings, on average at most {ALPHA:.0%} are chance "
        "(false discovery rate); when no gap is real, the chance of any clear claim is "
        f"about {ALPHA:.0%}",
        "family": "all blind spots, perception gaps and felt misjudgements of the shown "
        "sides, all dimensions: one family",
        "family_size": family["size"],
        "paired_family_size": family["paired"],  # of which felt misjudgements
        "alpha": ALPHA,
        "clear": CLEAR_RULE,
        "power": POWER,
        "teams": {
            "team_size": teams.size,
            "icc": teams.icc,
            "design_effect": {s: teams.deff(n) for s, n in shown.items()},
            "effective_n": {s: teams.effective(n) for s, n in shown.items()},
            "variance_df": {s: teams.variance_df(n) for s, n in shown.items()},
        },
        "selection": {
            "method": "Benjamini-Yekutieli false coverage rate: ci_selected of each clear "
            "gap at level 1 - R*alpha/m",
            "level": selection_level,
        },
        "reliability_flag_below": stats.RELIABLE_ALPHA,
        "suppression": suppression.RULE,
        "skips": SKIP_RULE,
        "skip_above": SKIP_WARNING_ABOVE,
        "skip_level": SKIP_LEVEL,
    }


def _reliability(
    data: RoundData, dimension_id: str, items: int, side_reason: dict[str, str], threshold: int
) -> dict[str, Any]:
    """Cronbach's alpha per side and perspective, with Feldt's 95 % interval; `flag`
    when below RELIABLE_ALPHA (negative included). None where it cannot be shown."""
    result: dict[str, Any] = {}
    for side in SIDES:
        for perspective in PERSPECTIVES:
            vectors = data.vectors.get((side, perspective, dimension_id), {})
            n = sum(vectors.values())
            value = None
            if items >= 2 and side not in side_reason and n >= threshold:
                value = stats.cronbach_alpha(list(vectors), list(vectors.values()))
            if value is None:
                result[f"{side}.{perspective}"] = None
                continue
            result[f"{side}.{perspective}"] = {
                "alpha": value,
                "ci95": list(stats.alpha_interval(value, n, items)),
                "n": n,
                "flag": value < stats.RELIABLE_ALPHA,
            }
    return result


def _comments(
    db: Database, round_: Round, questionnaire: Questionnaire, data: RoundData
) -> dict[str, dict[str, list[str] | None]]:
    """Visible comments of sides that reach the comment threshold, in random order."""
    shown = [s for s in SIDES if data.respondents[s] >= round_.comment_threshold]
    texts: dict[str, dict[str, list[str]]] = {
        q.id: {s: [] for s in shown} for q in questionnaire.open_questions
    }
    if shown:
        rows = db.query(
            f"""SELECT side, question, text FROM comments
                WHERE round_id = ? AND hidden = 0 AND side IN ({", ".join("?" for _ in shown)})
                ORDER BY random()""",
            [round_.id, *shown],
        )
        for row in rows:
            if row["question"] in texts:
                texts[row["question"]][row["side"]].append(row["text"])
    return {question: {s: by_side.get(s) for s in SIDES} for question, by_side in texts.items()}


def _suppressed(
    round_: Round, data: RoundData, dimensions: list[dict], side_reason: dict[str, str]
) -> list[dict[str, Any]]:
    """What the report holds back and why (for the appendix)."""
    held: list[dict[str, Any]] = [{"side": s, "reason": r} for s, r in side_reason.items()]
    for side in SIDES:
        if side not in side_reason and data.respondents[side] < round_.comment_threshold:
            held.append(
                {
                    "side": side,
                    "comments": True,
                    "reason": f"comments of fewer than {round_.comment_threshold} respondents",
                }
            )
    for dimension in dimensions:
        for key, cell in dimension["cells"].items():
            side = key.split(".")[0]
            if cell["suppressed"] and side not in side_reason:
                held.append(
                    {
                        "side": side,
                        "dimension": dimension["id"],
                        "cell": key,
                        "reason": cell["reason"],
                    }
                )
    return held
