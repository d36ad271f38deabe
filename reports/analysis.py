"""The gap analysis of a closed round, as the JSON-ready dict of ANALYSIS_CONTRACT.md.

Reads SQL aggregates (reports.aggregates), computes exact statistics (reports.stats)
and applies the anonymity rules: a side or cell below the round's threshold is held
back with its reason, and no count below the threshold appears anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from survey.errors import InvalidInput, WrongState
from survey.padding import disclosures
from survey.questionnaire import PERSPECTIVES, Questionnaire
from survey.responses import SIDES
from survey.rounds import Round, get_round

from . import stats
from .aggregates import RoundData, read_round

DEFAULT_SEED = 20261125
CELL_FIELDS = ("n", "mean", "median", "sd", "ci95", "counts", "dont_know", "top2")
INDEPENDENT_FIELDS = ("diff", "cliffs_delta", "p", "p_holm", "magnitude")
PAIRED_FIELDS = ("diff", "n", "p")
# gap -> (first cell, second cell) for side s facing side t
INDEPENDENT_GAPS = {"blind_spot": ("s.self", "t.other"), "meta_error": ("s.meta", "t.other")}


def other(side: str) -> str:
    return "b" if side == "a" else "a"


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
    report["compare"] = None
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
        report["compare"] = _compare(_analyse_round(db, earlier, seed), report)
    return report


def closed_round(db: Database, round_id: int) -> Round:
    round_ = get_round(db, round_id)
    if round_.status != "closed":
        state = "still a draft" if round_.status == "draft" else "still open"
        raise WrongState(f"Round {round_.id} is {state}; only closed rounds can be reported.")
    return round_


def _analyse_round(db: Database, round_: Round, seed: int) -> dict[str, Any]:
    questionnaire = round_.questionnaire
    data = read_round(db, round_.id, questionnaire)
    threshold = round_.threshold
    side_reason = {
        s: f"fewer than {threshold} respondents" for s in SIDES if data.respondents[s] < threshold
    }
    dimensions = [
        _dimension(round_, questionnaire, data, d.id, side_reason, seed)
        for d in questionnaire.dimensions
    ]
    _adjust_holm(dimensions)
    for dimension in dimensions:
        gaps = dimension["gaps"]
        dimension["mirror"] = all(
            not gaps[f"{s}.blind_spot"]["suppressed"]
            and gaps[f"{s}.blind_spot"]["diff"] > 0
            and gaps[f"{s}.blind_spot"]["magnitude"] != "negligible"
            for s in SIDES
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
        "top_gaps": _top_gaps(dimensions),
        "comments": _comments(db, round_, questionnaire, data),
        "suppressed": _suppressed(round_, data, dimensions, side_reason),
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
                cells[key] = _cell(sample, cell, seed)
                samples[key] = sample
    gaps: dict[str, dict[str, Any]] = {}
    for side in SIDES:
        for gap, (first, second) in INDEPENDENT_GAPS.items():
            x_key = first.replace("s.", f"{side}.")
            y_key = second.replace("t.", f"{other(side)}.")
            gaps[f"{side}.{gap}"] = _independent_gap(samples, cells, x_key, y_key)
    for side in SIDES:
        differences = stats.Sample.from_counts(data.differences.get((side, dimension_id), {}))
        if side in side_reason:
            gap = held_back(PAIRED_FIELDS, side_reason[side])
        elif differences.n < threshold:
            gap = held_back(PAIRED_FIELDS, f"fewer than {threshold} pairs")
        else:
            gap = {
                "diff": stats.describe(differences).mean,
                "n": differences.n,
                "p": stats.wilcoxon_p(differences),
                "suppressed": False,
            }
        gaps[f"{side}.felt_misjudgement"] = gap
    vectors: dict[tuple[int, ...], int] = {}
    for side in SIDES:
        if side not in side_reason:  # a held-back side contributes to no figure
            for vector, n in data.vectors.get((side, dimension_id), {}).items():
                vectors[vector] = vectors.get(vector, 0) + n
    alpha = None
    if len(dimension.items) >= 2 and sum(vectors.values()) >= threshold:
        alpha = stats.cronbach_alpha(list(vectors), list(vectors.values()))
    return {
        "id": dimension.id,
        "name": dimension.name.get(round_.lang) or next(iter(dimension.name.values())),
        "names": dict(dimension.name),
        "items": len(dimension.items),
        "alpha": alpha,
        "cells": cells,
        "gaps": gaps,
    }


def _cell(sample: stats.Sample, cell: Any, seed: int) -> dict[str, Any]:
    summary = stats.describe(sample)
    interval = stats.bca_interval(sample, seed)
    answered = sum(cell.counts)
    return {
        "n": summary.n,
        "mean": summary.mean,
        "median": summary.median,
        "sd": summary.sd,
        "ci95": list(interval) if interval else None,
        "counts": list(cell.counts),
        "dont_know": cell.dont_know,
        "top2": (cell.counts[3] + cell.counts[4]) / answered if answered else None,
        "suppressed": False,
    }


def _independent_gap(
    samples: dict[str, stats.Sample], cells: dict[str, dict], x_key: str, y_key: str
) -> dict[str, Any]:
    for key in (x_key, y_key):
        if cells[key]["suppressed"]:
            return held_back(INDEPENDENT_FIELDS, cells[key]["reason"])
    x, y = samples[x_key], samples[y_key]
    delta = stats.cliffs_delta(x, y)
    return {
        "diff": cells[x_key]["mean"] - cells[y_key]["mean"],
        "cliffs_delta": delta,
        "p": stats.mann_whitney_p(x, y),
        "p_holm": None,
        "magnitude": stats.magnitude(delta),
        "suppressed": False,
    }


def _independent(dimensions: list[dict]) -> Iterator[tuple[str, str, dict]]:
    """(dimension id, gap key, gap) of every independent-groups gap in the report."""
    for dimension in dimensions:
        for side in SIDES:
            for gap in INDEPENDENT_GAPS:
                key = f"{side}.{gap}"
                yield dimension["id"], key, dimension["gaps"][key]


def _adjust_holm(dimensions: list[dict]) -> None:
    gaps = [gap for _, _, gap in _independent(dimensions)]
    for gap, adjusted in zip(gaps, stats.holm([g["p"] for g in gaps]), strict=True):
        gap["p_holm"] = adjusted


def _top_gaps(dimensions: list[dict]) -> list[dict[str, Any]]:
    shown = [
        {"dimension": d, "gap": key, **{f: gap[f] for f in INDEPENDENT_FIELDS}}
        for d, key, gap in _independent(dimensions)
        if not gap["suppressed"]
    ]
    return sorted(shown, key=lambda g: -abs(g["cliffs_delta"]))


def _comments(
    db: Database, round_: Round, questionnaire: Questionnaire, data: RoundData
) -> dict[str, dict[str, list[str] | None]]:
    """Visible comments of sides that reach the comment threshold, in random order."""
    result = {q.id: {s: None for s in SIDES} for q in questionnaire.open_questions}
    shown = [s for s in SIDES if data.respondents[s] >= round_.comment_threshold]
    for question in result.values():
        for side in shown:
            question[side] = []
    if shown:
        rows = db.query(
            f"""SELECT side, question, text FROM comments
                WHERE round_id = ? AND hidden = 0 AND side IN ({", ".join("?" for _ in shown)})
                ORDER BY random()""",
            [round_.id, *shown],
        )
        for row in rows:
            if row["question"] in result:
                result[row["question"]][row["side"]].append(row["text"])
    return result


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


def _compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Per dimension and gap: the earlier round's diff, this round's, and the change."""
    earlier = {d["id"]: d["gaps"] for d in before["dimensions"]}
    result: dict[str, dict[str, dict[str, float | None]]] = {}
    for dimension in after["dimensions"]:
        result[dimension["id"]] = {}
        for key, gap in dimension["gaps"].items():
            old = earlier.get(dimension["id"], {}).get(key, {}).get("diff")
            new = gap["diff"]
            change = new - old if old is not None and new is not None else None
            result[dimension["id"]][key] = {"before": old, "after": new, "change": change}
    return {
        "round": {k: before["round"][k] for k in ("id", "name", "closed_on")},
        "dimensions": result,
    }
