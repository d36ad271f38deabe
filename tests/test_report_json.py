"""The JSON report's shape (every field and its type) and `survey report` on the command line."""

import json
import random
from dataclasses import dataclass

import pytest

from reports.analysis import CELL_FIELDS, INDEPENDENT_FIELDS, PAIRED_FIELDS, analyse
from survey.demo import simulate
from survey.store.languages import LANGUAGES
from survey.store.questionnaire import load
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, open_round

NUMBER = (int, float)


@dataclass(frozen=True)
class Null:
    """The schema, or null."""

    schema: object


@dataclass(frozen=True)
class Either:
    options: tuple


@dataclass(frozen=True)
class ListOf:
    item: object
    length: int | None = None


def exactly(value):
    return ("exactly", value)


def check(value, schema, path="report"):
    """Assert that `value` has the shape `schema` (dicts: exactly these keys)."""
    if isinstance(schema, Null):
        if value is not None:
            check(value, schema.schema, path)
    elif isinstance(schema, Either):
        problems = []
        for option in schema.options:
            try:
                check(value, option, path)
                return
            except AssertionError as exc:
                problems.append(str(exc))
        raise AssertionError(f"{path}: matches no shape: {problems}")
    elif isinstance(schema, ListOf):
        assert isinstance(value, list), f"{path}: {value!r} is not a list"
        if schema.length is not None:
            assert len(value) == schema.length, f"{path}: length {len(value)}"
        for i, item in enumerate(value):
            check(item, schema.item, f"{path}[{i}]")
    elif isinstance(schema, dict):
        assert isinstance(value, dict), f"{path}: {value!r} is not an object"
        assert set(value) == set(schema), f"{path}: keys {sorted(value)} != {sorted(schema)}"
        for key, sub in schema.items():
            check(value[key], sub, f"{path}.{key}")
    elif isinstance(schema, tuple) and schema and schema[0] == "exactly":
        assert value == schema[1], f"{path}: {value!r} != {schema[1]!r}"
    else:
        assert isinstance(value, schema), f"{path}: {value!r} is not {schema}"
        assert schema is bool or not isinstance(value, bool), f"{path}: {value!r} is a bool"


def held(*fields, **extra):
    return {
        **dict.fromkeys(fields, exactly(None)),
        **extra,
        "suppressed": exactly(True),
        "reason": str,
    }


CELL = Either(
    (
        {
            "n": int,
            "mean": NUMBER,
            "median": NUMBER,
            "sd": NUMBER,
            "ci95": ListOf(NUMBER, 2),
            # Held back where they would single out a few people (reports.suppression).
            "counts": Null(ListOf(int, 5)),
            "dont_know": Null(int),
            "top2": NUMBER,
            "people": int,
            "dont_know_share": NUMBER,
            "skipped_share": NUMBER,
            "suppressed": exactly(False),
        },
        held(*CELL_FIELDS),
    )
)
INDEPENDENT_FIGURES = {
    "diff": NUMBER,
    "cliffs_delta": NUMBER,
    "p": Null(NUMBER),
    "p_holm": Null(NUMBER),
    "magnitude": str,
    "ci95": ListOf(NUMBER, 2),
    "q": Null(NUMBER),
    "clear": bool,
    "n": ListOf(int, 2),
    "test": Either((exactly("welch"), exactly("permutation"))),
    "skip_warning": bool,
    # Permutation tests: how many random splits, or "exact" (every split); Welch: null.
    "resamples": Null(Either((int, exactly("exact")))),
    "se": NUMBER,
    "df": NUMBER,
    # Clear gaps only: the interval adjusted for the selection (Benjamini-Yekutieli).
    "ci_selected": Null(ListOf(NUMBER, 2)),
    # The figures behind skip_warning: the first view's skipped share minus the second's,
    # and Fisher's exact p of the two shares (reports.missing).
    "skip_difference": NUMBER,
    "skip_p": NUMBER,
}
INDEPENDENT_GAP = Either(
    (
        {**INDEPENDENT_FIGURES, "suppressed": exactly(False)},
        held(*INDEPENDENT_FIELDS),
    )
)
PAIRED_GAP = Either(
    (
        {
            "diff": NUMBER,
            "n": int,
            "p": Null(NUMBER),
            "ci95": Null(ListOf(NUMBER, 2)),
            "q": Null(NUMBER),
            "clear": bool,
            "skip_warning": bool,
            "se": Null(NUMBER),
            "df": Null(NUMBER),
            "ci_selected": Null(ListOf(NUMBER, 2)),
            "skip_difference": NUMBER,
            "skip_p": NUMBER,
            "suppressed": exactly(False),
        },
        held(*PAIRED_FIELDS),
    )
)
RELIABILITY = Null({"alpha": NUMBER, "ci95": ListOf(NUMBER, 2), "n": int, "flag": bool})
SIDE = Either(
    (
        {
            "label": str,
            "n": int,
            "headcount": Null(int),
            "codes_issued": int,  # beside headcount and n, so padding shows (issue 20, P1)
            "suppressed": exactly(False),
        },
        {
            "label": str,
            "n": exactly(None),
            "n_text": str,
            "headcount": Null(int),
            "codes_issued": int,
            "suppressed": exactly(True),
            "reason": str,
        },
    )
)
CHANGE_METHOD = {
    "interval": str,
    "family": str,
    "family_size": int,
    "clear": str,
    "selection_level": Null(NUMBER),  # of the clear changes' ci_selected; null: none clear
}
METHOD = {
    "unit": str,
    "test": str,
    "paired_test": str,
    "interval": str,
    "adjustment": str,
    "family": str,
    "family_size": int,
    "paired_family_size": int,
    "alpha": NUMBER,
    "clear": str,
    "power": NUMBER,
    "promise": str,
    # The allowance for teams (issue 19 item 1): which m and ICC were used.
    "teams": {
        "team_size": int,
        "icc": NUMBER,
        "design_effect": dict,
        "effective_n": dict,
        "variance_df": dict,
    },
    "selection": {"method": str, "level": Null(NUMBER)},
    "reliability_flag_below": NUMBER,
    "suppression": str,
    "skips": str,
    "skip_above": NUMBER,  # skip_warning: the shares differ by more than this fraction
    "skip_level": NUMBER,  # and Fisher's exact p is below this
}
# A gap's change since an earlier round (reports.changes): tested, or held back with the
# gaps that are known.
CHANGE = Either(
    (
        {
            "before": NUMBER,
            "after": NUMBER,
            "change": NUMBER,
            "ci95": ListOf(NUMBER, 2),
            "p": Null(NUMBER),
            "q": Null(NUMBER),
            "clear": bool,
            "direction": Null(Either((exactly("smaller"), exactly("larger")))),
            # Clear changes only: the interval adjusted for the selection.
            "ci_selected": Null(ListOf(NUMBER, 2)),
            "suppressed": exactly(False),
        },
        {
            "before": Null(NUMBER),
            "after": Null(NUMBER),
            **held("change", "ci95", "p", "q", "clear", "direction", "ci_selected"),
        },
    )
)
SIDES_OF = {"a": Null(ListOf(str)), "b": Null(ListOf(str))}
SCHEMA = {
    "round": {
        "id": int,
        "name": str,
        "questionnaire": str,
        "questionnaire_version": int,
        "lang": str,
        "threshold": int,
        "comment_threshold": int,
        "opened_on": str,
        "closed_on": str,
    },
    "sides": {"a": SIDE, "b": SIDE},
    "dimensions": ListOf(
        {
            "id": str,
            "name": str,
            "names": dict.fromkeys(LANGUAGES, str),  # the questionnaire speaks every one
            "items": int,
            "alpha": Null(NUMBER),
            "reliability": {
                f"{s}.{p}": RELIABILITY for s in "ab" for p in ("self", "other", "meta")
            },
            "cells": {f"{s}.{p}": CELL for s in "ab" for p in ("self", "other", "meta")},
            "gaps": {
                **{f"{s}.{g}": INDEPENDENT_GAP for s in "ab" for g in ("blind_spot", "meta_error")},
                **{f"{s}.felt_misjudgement": PAIRED_GAP for s in "ab"},
            },
            "mirror": bool,
        }
    ),
    "top_gaps": ListOf({"dimension": str, "gap": str, **INDEPENDENT_FIGURES}),
    "findings": ListOf(
        {"dimension": str, "gap": str, "diff": NUMBER, "ci95": ListOf(NUMBER, 2), "q": NUMBER}
    ),
    "detectable": Null(NUMBER),
    # Why `detectable` is null (a held-back side, or no single gap can be clear at this size).
    "detectable_reason": Null(str),
    "planning": {
        "detectable": Null(NUMBER),
        # Why detectable is null: held_back, untested, floor (the test's smallest p is
        # above the bar) or scale (it would exceed the largest gap the scale allows).
        "why": Null(Either(tuple(exactly(w) for w in ("held_back", "untested", "floor", "scale")))),
        "test": Null(str),
        "bar": Null(NUMBER),
        "p_floor": Null(NUMBER),
        "felt_p_floor": Null(NUMBER),
        "felt_can_be_clear": Null(bool),
    },
    "method": METHOD,
    "comments": {"harder": SIDES_OF, "need": SIDES_OF, "better": SIDES_OF},
    "suppressed": ListOf(
        Either(
            (
                {"side": str, "reason": str},
                {"side": str, "comments": exactly(True), "reason": str},
                {"side": str, "dimension": str, "cell": str, "reason": str},
                {"side": str, "dimension": str, "part": str, "figure": str, "reason": str},
            )
        )
    ),
    # What could pad a group (issue 11): codes after opening, imports, no headcount; and
    # headcounts changed after codes were made (issue 20, P1: one line for the round).
    "disclosures": ListOf({"kind": str, "side": Null(str), "count": Null(int)}),
    "compare": Null(
        {
            "round": {"id": int, "name": str, "closed_on": str},
            "dimensions": dict,
        }
    ),
    # Workshop agreements the round carried (issue 12, item 5); tests/test_follow_up.py.
    "agreements": ListOf(dict),
}


def closed_round(db, per_side: dict[str, int], seed=1, name="Jesień 2026", close=True):
    round_id = create_round(db, name, "sales-production", "Sprzedaż", "Produkcja", headcount_a=40)
    round_ = open_round(db, round_id)
    rng = random.Random(seed)
    questionnaire = round_.questionnaire
    subs = [simulate(questionnaire, s, rng) for s, n in per_side.items() for _ in range(n)]
    add_responses(db, round_id, subs)
    if close:
        close_round(db, round_id)
    return round_id


def test_a_full_report_has_the_contract_shape(db):
    earlier = closed_round(db, {"a": 14, "b": 12}, name="Wiosna 2026")
    round_id = closed_round(db, {"a": 12, "b": 9}, seed=2)
    report = json.loads(json.dumps(analyse(db, round_id, compare_with=earlier), allow_nan=False))
    check(report, SCHEMA | {"method": METHOD | {"compare": CHANGE_METHOD}})
    assert report["comments"]["harder"]["b"] is None and report["comments"]["harder"]["a"]
    check(report["method"], METHOD | {"compare": CHANGE_METHOD})
    for gaps in report["compare"]["dimensions"].values():
        for key, change in gaps.items():
            check(change, CHANGE, key)
    compare = report["compare"]["dimensions"]["information"]["a.blind_spot"]
    assert compare["suppressed"] is False
    assert compare["change"] == pytest.approx(compare["after"] - compare["before"])


def test_the_shape_check_catches_a_wrong_report(db):
    report = analyse(db, closed_round(db, {"a": 6, "b": 6}))
    check(report, SCHEMA)
    report["dimensions"][0]["cells"]["a.self"]["n"] = None  # held back without a reason
    with pytest.raises(AssertionError, match="matches no shape"):
        check(report, SCHEMA)
    report["dimensions"][0]["cells"]["a.self"] = None
    del report["top_gaps"]
    with pytest.raises(AssertionError, match="keys"):
        check(report, SCHEMA)


def test_suppressed_shapes_follow_the_contract(db):
    questionnaire = load("sales-production")
    subs = [Submission("a", dict.fromkeys(questionnaire.item_keys(), v)) for v in (2, 3, 4, 5, 4)]
    for sub in subs[:2]:  # two people skip a whole perspective: that cell falls below 5
        for key in questionnaire.item_keys():
            if key[2] == "meta":
                sub.answers.pop(key)
    subs.append(Submission("b", dict.fromkeys(questionnaire.item_keys(), 3)))
    round_id = create_round(db, "Mała", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    add_responses(db, round_id, subs)
    close_round(db, round_id)
    report = analyse(db, round_id)
    check(report, SCHEMA)
    info = report["dimensions"][0]
    assert info["cells"]["a.meta"]["reason"] == "fewer than 5 answers"
    assert info["cells"]["b.self"]["reason"] == "fewer than 5 respondents"
    assert info["gaps"]["a.felt_misjudgement"]["reason"] == "fewer than 5 pairs"
    assert report["sides"]["b"]["n_text"] == "fewer than 5"


# --- command line ---------------------------------------------------------------------


def test_report_of_an_open_round_is_refused_in_one_line(run_cli, db):
    round_id = closed_round(db, {"a": 6, "b": 6}, close=False)
    result = run_cli("report", str(round_id), "--format", "json")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: Round {round_id} is still open; only closed rounds can be reported."
    ]


def test_report_prints_json_or_writes_a_file(run_cli, db, tmp_path):
    round_id = closed_round(db, {"a": 6, "b": 7})
    printed = run_cli("report", str(round_id), "--format", "json")
    assert printed.exit_code == 0, repr(printed.exception)
    report = json.loads(printed.stdout)
    check(report, SCHEMA)
    assert report["round"]["id"] == round_id and report["sides"]["b"]["n"] == 7
    target = tmp_path / "raport.json"
    written = run_cli("report", str(round_id), "-o", str(target))
    assert written.exit_code == 0 and written.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["dimensions"] == report["dimensions"]
    assert "Produkcja" in target.read_text(encoding="utf-8")  # not \\u-escaped


def test_report_compare_on_the_command_line(run_cli, db):
    earlier = closed_round(db, {"a": 6, "b": 6}, name="Wiosna")
    later = closed_round(db, {"a": 6, "b": 6}, seed=3)
    result = run_cli("report", str(later), "--compare", str(earlier))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["compare"]["round"]["id"] == earlier
    missing = run_cli("report", str(later), "--compare", "99")
    assert missing.exit_code == 1 and "Round 99 does not exist" in missing.output
