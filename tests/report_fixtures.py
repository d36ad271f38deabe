"""Analysis dicts shaped exactly like the JSON report (its shape is pinned in
tests/test_report_json.py), for rendering the PDF before (and independently of)
reports.analysis. The numbers are made up but consistent:
gaps are differences of the cells they name, suppressed parts are null."""

from __future__ import annotations

import math
import random
from typing import Any

from reports import analysis as an
from reports import changes, stats
from survey.store import questionnaire as qn

QUESTIONNAIRE_ID = "sales-production"
CELLS = ("a.self", "a.other", "a.meta", "b.self", "b.other", "b.meta")
INDEPENDENT_GAPS = ("a.blind_spot", "a.meta_error", "b.blind_spot", "b.meta_error")
SCRIPT_COMMENT = "<script>alert(1)</script> and <b>bold</b> in one comment"
LABELS = {"pl": ("Sprzedaż", "Produkcja"), "en": ("Sales", "Production")}


def _magnitude(delta: float | None) -> str | None:
    return None if delta is None else stats.magnitude(delta)


def _cell(rng: random.Random, mean: float, n: int) -> dict[str, Any]:
    """A plausible 1-5 distribution around a mean, with its descriptive figures."""
    weights = [math.exp(-((point - mean) ** 2) / 1.6) for point in range(1, 6)]
    total = sum(weights)
    dont_know = rng.randint(0, max(1, n // 8))
    answered = n - dont_know
    counts = [round(answered * w / total) for w in weights]
    counts[round(mean) - 1] += answered - sum(counts)
    actual = sum((i + 1) * c for i, c in enumerate(counts)) / answered
    half = round(1.96 * 0.9 / answered**0.5, 2)
    return {
        "n": answered,
        "mean": round(actual, 2),
        "median": float(
            sorted(p for p, c in zip(range(1, 6), counts, strict=True) for _ in range(c))[
                answered // 2
            ]
        ),
        "sd": 0.9,
        "ci95": [round(actual - half, 2), round(actual + half, 2)],
        "counts": counts,
        "dont_know": dont_know,
        "top2": round((counts[3] + counts[4]) / answered, 2),
        "people": n,
        "dont_know_share": round(dont_know / n, 2),
        "skipped_share": 0.0,
        "suppressed": False,
    }


def _suppressed(reason: str) -> dict[str, Any]:
    return dict.fromkeys(an.CELL_FIELDS) | {"suppressed": True, "reason": reason}


def _gap(first: dict, second: dict, paired: bool = False) -> dict[str, Any]:
    """A gap with a normal-approximation p and interval (SD 0.9); q and clear are left to
    the analysis's own rule (reports.analysis.decide) in build_analysis."""
    if first["suppressed"] or second["suppressed"]:
        fields = an.PAIRED_FIELDS if paired else an.INDEPENDENT_FIELDS
        return an.held_back(fields, "fewer than 5 respondents")
    diff = round(first["mean"] - second["mean"], 2)
    n = min(first["n"], second["n"]) if paired else [first["n"], second["n"]]
    se = 0.9 * (1 / n if paired else 1 / n[0] + 1 / n[1]) ** 0.5
    p = round(float(2 * stats.ndtr(-abs(diff) / se)), 6)
    figures = {"diff": diff, "n": n, "p": p, "ci95": [diff - 1.96 * se, diff + 1.96 * se]}
    figures |= {"skip_warning": False, "skip_difference": 0.0, "skip_p": 1.0}
    figures |= {"se": se, "df": 10_000.0, "ci_selected": None}  # about normal
    if paired:
        return figures | {"q": None, "clear": False, "suppressed": False}
    delta = round(max(-0.95, min(0.95, diff * 0.55)), 2)
    return figures | {
        "cliffs_delta": delta,
        "p_holm": None,
        "magnitude": _magnitude(delta),
        "q": None,
        "clear": False,
        "test": "welch",
        "resamples": None,
        "suppressed": False,
    }


# Means per dimension: a.self, a.other, a.meta, b.self, b.other, b.meta. Each side rates
# itself well and the other lower (a mirror pattern on some dimensions), and each expects
# to be seen worse than it is (negative meta errors), as the literature predicts.
MEANS = [
    (3.9, 2.7, 2.6, 3.8, 3.1, 2.9),
    (3.6, 2.3, 2.5, 3.9, 2.6, 2.4),
    (4.2, 3.4, 3.0, 4.0, 3.7, 3.1),
    (3.5, 3.0, 2.8, 3.4, 3.2, 2.7),
    (3.8, 3.5, 2.9, 4.1, 3.3, 3.2),
    (3.7, 3.4, 3.3, 3.6, 3.5, 3.0),
    (4.4, 2.9, 3.6, 3.9, 3.9, 2.8),
    (3.2, 2.4, 2.9, 3.7, 3.6, 2.6),
    (2.9, 3.1, 3.2, 3.8, 2.5, 3.0),
    (3.1, 3.6, 2.7, 4.0, 2.8, 2.9),
    (3.4, 2.6, 2.8, 3.6, 2.9, 2.5),
]


# No gap anywhere: every view of every dimension averages the same.
NULL_MEANS = [(3.3,) * 6] * 6
# Both sides expect to be seen better than they are (positive perception gaps only).
WORSE_MEANS = [(3.3, 3.3, 4.3, 3.3, 3.3, 4.3)] + [(3.3,) * 6] * 5


def build_analysis(
    lang: str = "pl",
    suppress_b: bool = False,
    comments: bool = True,
    compare: bool = False,
    n_a: int = 23,
    n_b: int = 31,
    thin_cell: bool = True,
    means: list[tuple[float, ...]] | None = None,
) -> dict[str, Any]:
    """A contract-shaped analysis of a demo round of the sales-production questionnaire.
    With thin_cell, side b's predicted view of the last dimension has too few answers (many
    "don't know") and is suppressed on its own, as the contract allows."""
    rng = random.Random(20261125)
    questionnaire = qn.load(QUESTIONNAIRE_ID)
    label_a, label_b = LABELS[lang]
    dimensions = []
    for dimension, row in zip(questionnaire.dimensions, means or MEANS, strict=False):
        cells = {}
        for key, mean in zip(CELLS, row, strict=True):
            if suppress_b and key.startswith("b."):
                cells[key] = _suppressed("fewer than 5 respondents")
            else:
                cells[key] = _cell(rng, mean, n_a if key.startswith("a.") else n_b)
        if thin_cell and not suppress_b and dimension is questionnaire.dimensions[-1]:
            cells["b.meta"] = _suppressed("fewer than 5 answers")
        gaps = {}
        for side, other in (("a", "b"), ("b", "a")):
            gaps[f"{side}.blind_spot"] = _gap(cells[f"{side}.self"], cells[f"{other}.other"])
            gaps[f"{side}.meta_error"] = _gap(cells[f"{side}.meta"], cells[f"{other}.other"])
            gaps[f"{side}.felt_misjudgement"] = _gap(
                cells[f"{side}.self"], cells[f"{side}.meta"], paired=True
            )
        n_items = len(dimension.items)
        dimensions.append(
            {
                "id": dimension.id,
                "name": dimension.name[lang],
                "names": dict(dimension.name),
                "items": n_items,
                "alpha": round(0.62 + 0.03 * len(dimensions), 2) if n_items > 1 else None,
                "reliability": _reliability(cells, n_items, len(dimensions)),
                "cells": cells,
                "gaps": gaps,
            }
        )
    family = an.decide(dimensions)
    level = an.select_intervals(dimensions, family)
    for d in dimensions:
        d["mirror"] = all(
            d["gaps"][f"{s}.blind_spot"]["clear"] and d["gaps"][f"{s}.blind_spot"]["diff"] > 0
            for s in ("a", "b")
        )
    side_b: dict[str, Any] = {"label": label_b, "n": n_b, "headcount": 40, "suppressed": False}
    if suppress_b:
        side_b = {
            "label": label_b,
            "n": None,
            "n_text": "fewer than 5",
            "headcount": 40,
            "suppressed": True,
            "reason": "fewer than 5 respondents",
        }
    compared, compare_method = _compare(dimensions) if compare else (None, None)
    shown = {"a": n_a} if suppress_b else {"a": n_a, "b": n_b}
    method = an.method(family, stats.Teams(1), shown, level)
    method |= {"compare": compare_method} if compare else {}
    return {
        "round": {
            "id": 2,
            "name": "Jesień 2026" if lang == "pl" else "Autumn 2026",
            "questionnaire": QUESTIONNAIRE_ID,
            "questionnaire_version": questionnaire.version,
            "lang": lang,
            "threshold": 5,
            "comment_threshold": 10,
            "opened_on": "2026-10-01",
            "closed_on": "2026-10-20",
        },
        "sides": {
            "a": {"label": label_a, "n": n_a, "headcount": 30, "suppressed": False},
            "b": side_b,
        },
        "dimensions": dimensions,
        "top_gaps": an.top_gaps(dimensions),
        "findings": an.findings(dimensions),
        **_planning(suppress_b, n_a, n_b, family["size"]),
        "method": method,
        "comments": _comments(questionnaire, comments, suppress_b),
        "suppressed": [{"side": "b", "reason": "fewer than 5 respondents"}]
        if suppress_b
        else [
            {
                "side": "b",
                "dimension": questionnaire.dimensions[-1].id,
                "cell": "b.meta",
                "reason": "fewer than 5 answers",
            }
        ]
        if thin_cell
        else [],
        "compare": compared,
    }


def _planning(suppress_b: bool, n_a: int, n_b: int, size: int) -> dict[str, Any]:
    """`detectable`, `detectable_reason` and `planning` as the analysis gives them (SD 0.9,
    people working alone)."""
    if suppress_b:
        reason = "a side is held back (fewer respondents than the threshold)"
        plan = dict.fromkeys(
            ("detectable", "test", "bar", "p_floor", "felt_p_floor", "felt_can_be_clear")
        )
        plan["why"] = "held_back"
        return {"detectable": None, "detectable_reason": reason, "planning": plan}
    result = stats.planning(0.9, n_a, n_b, 0.05 / size)
    plan = {"detectable": result.detectable, "why": None, "test": result.test, "bar": result.bar}
    plan |= {"p_floor": result.floor, "felt_p_floor": result.felt_floor}
    plan["felt_can_be_clear"] = result.felt_floor < result.bar
    return {"detectable": result.detectable, "detectable_reason": None, "planning": plan}


def _reliability(cells: dict[str, Any], items: int, index: int) -> dict[str, Any]:
    """Made-up alphas; the first dimension's side b self view is unreliable (flagged)."""
    result: dict[str, Any] = {}
    for key, cell in cells.items():
        if cell["suppressed"] or items < 2:
            result[key] = None
            continue
        alpha = 0.42 if (index, key) == (0, "b.self") else round(0.7 + 0.02 * index, 2)
        interval = stats.alpha_interval(alpha, cell["n"], items)
        flag = alpha < stats.RELIABLE_ALPHA
        result[key] = {"alpha": alpha, "ci95": list(interval), "n": cell["n"], "flag": flag}
    return result


def _comments(questionnaire: qn.Questionnaire, shown: bool, suppress_b: bool) -> dict[str, Any]:
    """Side a always reaches the comment threshold here when shown; side b never when
    suppressed. Hidden comments are simply absent, as the analysis leaves them out."""
    texts = {
        "a": [
            "Zmiany w zamówieniu dostajemy w piątek po południu, a klient czeka w poniedziałek.",
            "Chcielibyśmy wiedzieć wcześniej, że linia stoi – wtedy możemy uprzedzić klienta.",
            SCRIPT_COMMENT,
        ],
        "b": [
            "Obiecujecie terminy, których nikt z nami nie uzgodnił; źle się z tym czujemy.",
            "Prognozy sprzedaży przychodzą za późno, żeby zaplanować zmiany.",
        ],
    }
    result: dict[str, Any] = {}
    for question in questionnaire.open_questions:
        result[question.id] = {
            "a": list(texts["a"]) if shown else None,
            "b": None if (suppress_b or not shown) else list(texts["b"]),
        }
    return result


def _compare(dimensions: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """An earlier round whose independent gaps differed from this one's by +0.2 or -0.4
    points (alternating by dimension), compared as reports.changes does, rule included."""
    earlier = []
    for index, dimension in enumerate(dimensions):
        gaps = {}
        for key, gap in dimension["gaps"].items():
            shift = 0.4 if index % 2 else -0.2
            if key in INDEPENDENT_GAPS and gap["diff"] is not None:
                gap = gap | {"diff": gap["diff"] + shift, "ci95": [c + shift for c in gap["ci95"]]}
            else:  # only the gaps between the sides were compared in this made-up round
                gap = an.held_back(an.PAIRED_FIELDS, "not compared")
            gaps[key] = gap
        earlier.append({"id": dimension["id"], "gaps": gaps})
    round_ = {"id": 1, "name": "Wiosna 2026", "closed_on": "2026-04-30"}
    compare = changes.gap_changes(
        {"round": round_, "dimensions": earlier}, {"dimensions": dimensions}
    )
    return compare, changes.decide_changes([compare], "every gap change since round 1")
