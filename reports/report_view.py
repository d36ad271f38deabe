"""Arranges the analysis dict for the report templates: ordering, picking the cells a gap
compares, colours, the workshop agenda. No statistic is computed here, and no word,
colour or title is chosen here except from a gap's `clear` (the one rule, reports.gaps)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey.store import questionnaire as qn
from survey.store.errors import NotFound
from survey.store.sides import SIDES, other

from .gaps import (
    BLIND_SPOT,
    FELT_MISJUDGEMENT,
    GAP_KINDS,
    INDEPENDENT_KINDS,
    META_ERROR,
    most_certain_first,
)
from .suppression import RELIABILITY

TOP_GAPS_SHOWN = 5
DISCUSSION_PER_GAP = 3
FOLLOW_UP_WEEKS = 6
CELL_ORDER = ("a.self", "a.other", "a.meta", "b.self", "b.other", "b.meta")
# Each kind of gap for both sides, in the gap model's order.
HEAT_COLUMNS = tuple(f"{side}.{kind}" for kind in GAP_KINDS for side in SIDES)
# A comparison with an earlier round shows the gaps between the sides only.
COMPARE_COLUMNS = tuple(key for key in HEAT_COLUMNS if key.split(".")[1] in INDEPENDENT_KINDS)


def compared_cells(gap_key: str) -> tuple[str, str]:
    """The two cells a gap ("a.blind_spot") subtracts, as its kind defines them."""
    side, kind = gap_key.split(".")
    return GAP_KINDS[kind].cells(side, other(side))


def _in_language(analysis: dict[str, Any], lang: str) -> dict[str, Any]:
    """Dimension names in the report's language (the analysis names them in the round's)."""
    dimensions = [
        dimension | {"name": (dimension.get("names") or {}).get(lang, dimension["name"])}
        for dimension in analysis["dimensions"]
    ]
    return analysis | {"dimensions": dimensions}


def _sized(gap: dict[str, Any]) -> dict[str, Any]:
    """A gap's size without its sign, with the interval turned the same way, for sentences
    that carry the direction in words ("higher", "lower")."""
    low, high = gap.get("ci95") or (gap["diff"], gap["diff"])
    if gap["diff"] < 0:
        low, high = -high, -low
    return {"size": abs(gap["diff"]), "size_low": low, "size_high": high}


def _meta_rows(analysis: dict[str, Any], side: str) -> dict[str, Any]:
    """Meta errors of one side, most certain first; only clear ones are counted."""
    rows = []
    for dimension in analysis["dimensions"]:
        gap = dimension["gaps"][f"{side}.{META_ERROR.key}"]
        if gap["suppressed"]:
            continue
        predicted, actual = META_ERROR.cells(side, other(side))
        rows.append(
            {
                "name": dimension["name"],
                "gap": gap,
                "predicted": dimension["cells"][predicted],
                "actual": dimension["cells"][actual],
            }
        )
    rows.sort(key=lambda row: most_certain_first(row["gap"]))
    clear = [row for row in rows if row["gap"].get("clear")]
    return {
        "side": side,
        "rows": rows,
        "better": sum(1 for row in clear if row["gap"]["diff"] < 0),
        "worse": sum(1 for row in clear if row["gap"]["diff"] > 0),
    }


def _seen_mode(meta: list[dict[str, Any]]) -> str:
    """Which title the perception-gap chapter gets: from the clear gaps only."""
    better = sum(block["better"] for block in meta)
    worse = sum(block["worse"] for block in meta)
    if better and worse:
        return "mixed"
    if better:
        return "better"
    return "worse" if worse else "none"


def _top_gaps(analysis: dict[str, Any], gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {dimension["id"]: dimension for dimension in analysis["dimensions"]}
    result = []
    for top in gaps:
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
                "figures": dimension["gaps"][top["gap"]],
                **_sized(dimension["gaps"][top["gap"]]),
            }
        )
    return result


def _heat_rows(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for dimension in analysis["dimensions"]:
        cells = []
        for key in HEAT_COLUMNS:
            gap = dimension["gaps"][key]
            tone = "none"
            if gap.get("clear"):  # colour only what the rule calls clear
                tone = "neg" if gap["diff"] < 0 else "pos"
            n = gap.get("n")
            cells.append({"key": key, "gap": gap, "css": f"heat-{tone}", "n": n})
        rows.append({"name": dimension["name"], "cells": cells, "mirror": dimension["mirror"]})
    return rows


# A printed report shows at most this many comments per question and side (the analysis
# already shuffled them, so these are a random sample); the PDF must not grow with the
# number of respondents. All of them stay in the analysis JSON and the console.
MAX_PRINTED_COMMENTS = 25


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
                        "comments": None
                        if given.get(side) is None
                        else given[side][:MAX_PRINTED_COMMENTS],
                        "total": None if given.get(side) is None else len(given[side]),
                    }
                    for side in SIDES
                ],
            }
        )
    return questions


def _once_per_dimension(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first (most certain) finding of each dimension: a blind spot and a perception
    gap that share the other side's view are one topic for the workshop, not two."""
    seen: set[str] = set()
    result = []
    for finding in findings:
        if finding["dimension"] not in seen:
            seen.add(finding["dimension"])
            result.append(finding)
    return result


def _discussion(
    findings: list[dict[str, Any]],
    analysis: dict[str, Any],
    questionnaire: qn.Questionnaire,
    lang: str,
) -> list[dict[str, Any]]:
    """Workshop questions for each dimension with a clear finding (once per dimension),
    from the questionnaire's discussion texts, {own}/{other} as the side whose gap it is."""
    labels = {side: analysis["sides"][side]["label"] for side in SIDES}
    blocks = []
    for gap in _once_per_dimension(findings)[:TOP_GAPS_SHOWN]:
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


def _agreement_blocks(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """Carried agreements grouped by the workshop's round they came from, each group with
    the change of every gap since that round (one row per dimension)."""
    blocks: dict[int, dict[str, Any]] = {}
    for agreement in analysis.get("agreements") or []:
        since = agreement["since"]
        block = blocks.setdefault(
            since["round"]["id"],
            {
                "round": since["round"],
                "agreements": [],
                "rows": [
                    {"name": d["name"], "changes": since["dimensions"].get(d["id"], {})}
                    for d in analysis["dimensions"]
                ],
            },
        )
        block["agreements"].append(agreement)
    return list(blocks.values())


def _has_figures(analysis: dict[str, Any]) -> bool:
    """Whether anything can be shown: a cell of some dimension or a side's view of a carried
    agreement. Without one, the report is the short one that says so, not a chapter per
    figure that is missing and a first page saying no gap is larger than chance."""
    cells = (cell for d in analysis["dimensions"] for cell in d["cells"].values())
    views = (view for a in analysis.get("agreements") or [] for view in a["sides"].values())
    return any(not part["suppressed"] for part in (*cells, *views))


def view_model(
    analysis: dict[str, Any], questionnaire: qn.Questionnaire, lang: str
) -> dict[str, Any]:
    """Everything the templates show, in the order they show it."""
    analysis = _in_language(analysis, lang)
    sides = analysis["sides"]
    top = _top_gaps(analysis, analysis["top_gaps"][:TOP_GAPS_SHOWN])
    findings = _top_gaps(analysis, analysis.get("findings") or [])
    meta = [_meta_rows(analysis, side) for side in SIDES]
    guide = _once_per_dimension(findings)
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
        "empty": not _has_figures(analysis),
        "scale": questionnaire.scale.get(lang, []),
        "dimensions": analysis["dimensions"],
        "meta": meta,
        "seen_mode": _seen_mode(meta),
        "top_gaps": top,
        "findings": findings,
        # Felt misjudgements are in the rule's one family but not among `findings` (which
        # compare the two sides): the first page counts the clear ones on their own.
        "felt_clear": sum(
            1
            for dimension in analysis["dimensions"]
            for side in SIDES
            if dimension["gaps"][f"{side}.{FELT_MISJUDGEMENT.key}"].get("clear")
        ),
        "guide_meta": [f for f in guide if f["kind"] == META_ERROR.key],
        "guide_blind": [f for f in guide if f["kind"] == BLIND_SPOT.key],
        "detectable": analysis.get("detectable"),
        "method": analysis.get("method") or {},
        "reliability": _reliability_rows(analysis),
        "skip_warnings": {d["id"]: _skip_warnings(d) for d in analysis["dimensions"]},
        "dimension_names": {d["id"]: d["name"] for d in analysis["dimensions"]},
        "weak": {d["id"]: _weak(d) for d in analysis["dimensions"]},
        "flagged": any(_weak(d) for d in analysis["dimensions"]),
        "heat_columns": HEAT_COLUMNS,
        "heat_rows": _heat_rows(analysis),
        "comments": _comments(analysis, questionnaire, lang),
        "discussion": _discussion(findings, analysis, questionnaire, lang),
        "follow_up": follow_up,
        "compare": analysis.get("compare"),
        "compare_rows": _compare_rows(analysis),
        "compare_columns": COMPARE_COLUMNS,
        "agreement_blocks": _agreement_blocks(analysis),
        "suppressed": analysis.get("suppressed") or [],
        "example": top[0] if top else None,
    }


def _weak(dimension: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The side-and-perspective scales of a dimension flagged as unreliable."""
    given = dimension.get("reliability") or {}
    return [(key, given[key]) for key in CELL_ORDER if given.get(key) and given[key]["flag"]]


def _skip_warnings(dimension: dict[str, Any]) -> list[dict[str, Any]]:
    """The gaps of a dimension that carry a skip warning (reports.missing), with their two
    cells, in the heat map's order."""
    return [
        {"gap": key, "cells": [(cell, dimension["cells"][cell]) for cell in compared_cells(key)]}
        for key in HEAT_COLUMNS
        if dimension["gaps"][key].get("skip_warning")
    ]


def _reliability_rows(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """Per dimension and side: alpha of each perspective that can be shown, and which
    ones complementary suppression held back (reports.suppression)."""
    held = {
        (entry["dimension"], entry["part"])
        for entry in analysis.get("suppressed") or []
        if entry.get("figure") == RELIABILITY
    }
    rows = []
    for dimension in analysis["dimensions"]:
        given = dimension.get("reliability") or {}
        for side in SIDES:
            cells = [given.get(f"{side}.{p}") for p in qn.PERSPECTIVES]
            rows.append(
                {
                    "name": dimension["name"],
                    "side": side,
                    "items": dimension["items"],
                    "cells": cells,
                    "held": [(dimension["id"], f"{side}.{p}") in held for p in qn.PERSPECTIVES],
                }
            )
    return rows
