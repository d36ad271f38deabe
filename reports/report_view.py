"""Arranges the analysis dict for the report templates: ordering, picking the cells a gap
compares, colour bins, the workshop agenda. No statistic is computed here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey import questionnaire as qn
from survey.errors import NotFound

TOP_GAPS_SHOWN = 5
DISCUSSION_PER_GAP = 3
FOLLOW_UP_WEEKS = 6
SIDES = ("a", "b")
HEAT_COLUMNS = (
    "a.blind_spot",
    "b.blind_spot",
    "a.meta_error",
    "b.meta_error",
    "a.felt_misjudgement",
    "b.felt_misjudgement",
)
# Cliff's delta edges of the magnitude words; a heat-map cell's shade is its magnitude.
MAGNITUDE_SHADE = {"negligible": 0, "small": 1, "medium": 2, "large": 3}


def other(side: str) -> str:
    return "b" if side == "a" else "a"


def compared_cells(gap_key: str) -> tuple[str, str]:
    """The two cells a gap subtracts: blind spot s.self − t.other, meta error s.meta −
    t.other, felt misjudgement s.self − s.meta (as the contract defines them)."""
    side, kind = gap_key.split(".")
    if kind == "blind_spot":
        return f"{side}.self", f"{other(side)}.other"
    if kind == "meta_error":
        return f"{side}.meta", f"{other(side)}.other"
    return f"{side}.self", f"{side}.meta"


def _in_language(analysis: dict[str, Any], lang: str) -> dict[str, Any]:
    """Dimension names in the report's language (the analysis names them in the round's)."""
    dimensions = [
        dimension | {"name": (dimension.get("names") or {}).get(lang, dimension["name"])}
        for dimension in analysis["dimensions"]
    ]
    return analysis | {"dimensions": dimensions}


def _meta_rows(analysis: dict[str, Any], side: str) -> dict[str, Any]:
    """Meta errors of one side, largest first; counted by direction for the headline."""
    rows = []
    for dimension in analysis["dimensions"]:
        gap = dimension["gaps"][f"{side}.meta_error"]
        if gap["suppressed"]:
            continue
        rows.append(
            {
                "name": dimension["name"],
                "gap": gap,
                "predicted": dimension["cells"][f"{side}.meta"],
                "actual": dimension["cells"][f"{other(side)}.other"],
            }
        )
    rows.sort(key=lambda row: -abs(row["gap"]["diff"]))
    notable = [row for row in rows if row["gap"]["magnitude"] != "negligible"]
    return {
        "side": side,
        "rows": rows,
        "better": sum(1 for row in notable if row["gap"]["diff"] < 0),
        "worse": sum(1 for row in notable if row["gap"]["diff"] > 0),
    }


def _top_gaps(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {dimension["id"]: dimension for dimension in analysis["dimensions"]}
    result = []
    for top in analysis["top_gaps"][:TOP_GAPS_SHOWN]:
        dimension = by_id[top["dimension"]]
        side, kind = top["gap"].split(".")
        first, second = compared_cells(top["gap"])
        result.append(
            top
            | {
                "name": dimension["name"],
                "side": side,
                "other": other(side),
                "kind": kind,
                "cells": [(first, dimension["cells"][first]), (second, dimension["cells"][second])],
                "ci_gap": dimension["gaps"][top["gap"]].get("ci95"),
            }
        )
    return result


def _heat_rows(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for dimension in analysis["dimensions"]:
        cells = []
        for key in HEAT_COLUMNS:
            gap = dimension["gaps"][key]
            delta = gap.get("cliffs_delta")
            shade = MAGNITUDE_SHADE.get(gap.get("magnitude") or "", 0)
            tone = "none" if delta is None else ("neg" if delta < 0 else "pos")
            cells.append({"key": key, "gap": gap, "css": f"heat-{tone}-{shade}"})
        rows.append({"name": dimension["name"], "cells": cells, "mirror": dimension["mirror"]})
    return rows


def _comments(
    analysis: dict[str, Any], questionnaire: qn.Questionnaire, lang: str
) -> list[dict[str, Any]]:
    labels = {side: analysis["sides"][side]["label"] for side in SIDES}
    questions = []
    for question in questionnaire.open_questions:
        given = (analysis.get("comments") or {}).get(question.id)
        if given is None:
            continue
        questions.append(
            {
                "id": question.id,
                "sides": [
                    {
                        "side": side,
                        "question": qn.fill(question.text[lang], labels[side], labels[other(side)]),
                        "comments": given.get(side),
                    }
                    for side in SIDES
                ],
            }
        )
    return questions


def _discussion(
    top_gaps: list[dict[str, Any]],
    analysis: dict[str, Any],
    questionnaire: qn.Questionnaire,
    lang: str,
) -> list[dict[str, Any]]:
    """Two or three workshop questions per top gap, from the questionnaire's discussion
    texts, with {own}/{other} as the side whose gap it is."""
    labels = {side: analysis["sides"][side]["label"] for side in SIDES}
    blocks = []
    for gap in top_gaps:
        try:
            texts = questionnaire.dimension(gap["dimension"]).discussion.get(lang, [])
        except NotFound:  # a dimension missing from the frozen copy: no questions for it
            texts = []
        own, them = labels[gap["side"]], labels[gap["other"]]
        blocks.append(
            gap | {"questions": [qn.fill(t, own, them) for t in texts[:DISCUSSION_PER_GAP]]}
        )
    return blocks


def _compare_rows(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    compare = analysis.get("compare")
    if not compare:
        return []
    return [
        {"name": dimension["name"], "changes": compare["dimensions"].get(dimension["id"], {})}
        for dimension in analysis["dimensions"]
    ]


def view_model(
    analysis: dict[str, Any], questionnaire: qn.Questionnaire, lang: str
) -> dict[str, Any]:
    """Everything the templates show, in the order they show it."""
    analysis = _in_language(analysis, lang)
    sides = analysis["sides"]
    top = _top_gaps(analysis)
    closed = analysis["round"].get("closed_on")
    follow_up = (
        dt.date.fromisoformat(closed) + dt.timedelta(weeks=FOLLOW_UP_WEEKS) if closed else None
    )
    return {
        "analysis": analysis,
        "round": analysis["round"],
        "sides": sides,
        "label": {side: sides[side]["label"] for side in SIDES},
        "title": questionnaire.title.get(lang, questionnaire.id),
        "scale": questionnaire.scale.get(lang, []),
        "dimensions": analysis["dimensions"],
        "meta": [_meta_rows(analysis, side) for side in SIDES],
        "top_gaps": top,
        "heat_columns": HEAT_COLUMNS,
        "heat_rows": _heat_rows(analysis),
        "comments": _comments(analysis, questionnaire, lang),
        "discussion": _discussion(top, analysis, questionnaire, lang),
        "follow_up": follow_up,
        "compare": analysis.get("compare"),
        "compare_rows": _compare_rows(analysis),
        "compare_columns": HEAT_COLUMNS[:4],
        "suppressed": analysis.get("suppressed") or [],
        "example": top[0] if top else None,
    }
