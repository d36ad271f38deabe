"""The gap analysis: figures against scipy and hand counts, anonymity rules, JSON shape."""

import json
import math
import random
from statistics import NormalDist

import numpy as np
import pytest
from scipy import stats as sps

from reports import stats
from reports.analysis import CELL_FIELDS, analyse
from reports.gaps import certainty
from survey.store.errors import InvalidInput, NotFound, WrongState
from survey.store.questionnaire import PERSPECTIVES
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, get_round, open_round

CELLS = [f"{s}.{p}" for s in "ab" for p in PERSPECTIVES]
INDEPENDENT = ["a.blind_spot", "a.meta_error", "b.blind_spot", "b.meta_error"]


def make_round(db, submissions, *, close=True, threshold=5, comment_threshold=10, **options):
    options.setdefault("team_size", 1)  # independent people, unless a test says otherwise
    round_id = create_round(
        db,
        options.pop("name", "Runda"),
        options.pop("questionnaire", "sales-production"),
        options.pop("side_a", "Sprzedaż"),
        options.pop("side_b", "Produkcja"),
        threshold=threshold,
        comment_threshold=comment_threshold,
        **options,
    )
    open_round(db, round_id)
    add_responses(db, round_id, submissions)
    if close:
        close_round(db, round_id)
    return round_id


def uniform(db, side, value, **comments):
    """A respondent answering `value` to every item in every perspective."""
    keys = get_round_questionnaire(db).item_keys()
    return Submission(side=side, answers=dict.fromkeys(keys, value), comments=comments)


def get_round_questionnaire(db):
    from survey.store.questionnaire import load

    return load("sales-production")


def respondent(side, answers, **comments):
    """answers: {(dimension, item, perspective): value or None}."""
    return Submission(side=side, answers=answers, comments=comments)


def dimension(report, dimension_id):
    return next(d for d in report["dimensions"] if d["id"] == dimension_id)


# --- state -----------------------------------------------------------------------


def test_only_closed_rounds_are_analysed(db):
    round_id = make_round(db, [], close=False)
    with pytest.raises(WrongState, match="only closed rounds"):
        analyse(db, round_id)
    with pytest.raises(NotFound):
        analyse(db, 999)


# --- figures ---------------------------------------------------------------------

# "information" has items timely and accurate; respondents' self answers per item:
SELF_A = [(4, 5), (3, None), (5, 5), (2, 4), (4, 3)]  # None = don't know
OTHER_B = [(2, 3), (3, 3), (1, 2), (4, 4), (2, None)]


def small_round(db):
    subs = []
    for t, a in SELF_A:
        answers = {("information", "timely", "self"): t, ("information", "accurate", "self"): a}
        answers[("information", "timely", "meta")] = 3
        subs.append(respondent("a", answers))
    for t, a in OTHER_B:
        answers = {("information", "timely", "other"): t}
        if a is not None:  # skipped, not don't know
            answers[("information", "accurate", "other")] = a
        subs.append(respondent("b", answers))
    return make_round(db, subs, threshold=3)


def test_cell_figures_by_hand(db):
    report = analyse(db, small_round(db))
    cell = dimension(report, "information")["cells"]["a.self"]
    scores = [4.5, 3.0, 5.0, 3.0, 3.5]  # don't know left out of the second score
    assert cell["n"] == 5
    assert cell["mean"] == pytest.approx(np.mean(scores), abs=1e-12)
    assert cell["median"] == 3.5
    assert cell["sd"] == pytest.approx(np.std(scores, ddof=1), abs=1e-12)
    assert cell["counts"] == [0, 1, 2, 3, 3]  # 4,5 3 5,5 2,4 4,3
    assert cell["dont_know"] == 1
    assert cell["top2"] == pytest.approx(2 / 5)  # people whose own score is 4 or more
    assert cell["people"] == 5 and cell["dont_know_share"] == pytest.approx(1 / 5)
    low, high = cell["ci95"]
    assert low < cell["mean"] < high


def test_gaps_against_scipy(db):
    report = analyse(db, small_round(db))
    info = dimension(report, "information")
    self_a = [4.5, 3.0, 5.0, 3.0, 3.5]
    other_b = [2.5, 3.0, 1.5, 4.0, 2.0]
    gap = info["gaps"]["a.blind_spot"]
    assert gap["diff"] == pytest.approx(np.mean(self_a) - np.mean(other_b), abs=1e-12)
    greater = sum(x > y for x in self_a for y in other_b)
    less = sum(x < y for x in self_a for y in other_b)
    assert gap["cliffs_delta"] == pytest.approx((greater - less) / 25, abs=1e-12)
    # Five a side: a permutation test of Welch's |t|, exact here (252 splits), so scipy's
    # exact permutation test of the same statistic agrees; the p used is never below
    # Student's t with the smaller side's degrees of freedom (4), nor is the interval.
    exact = sps.permutation_test(
        (self_a, other_b),
        lambda x, y: abs(sps.ttest_ind(x, y, equal_var=False).statistic),
        permutation_type="independent",
        alternative="greater",
    )
    welch = sps.ttest_ind(self_a, other_b, equal_var=False)
    student = 2 * sps.t.sf(abs(welch.statistic), df=4)
    assert gap["test"] == "permutation" and gap["n"] == [5, 5]
    assert gap["resamples"] == "exact"
    assert gap["p"] == pytest.approx(max(exact.pvalue, student), abs=1e-12)
    half = sps.t.ppf(0.975, df=4) * (gap["diff"] / welch.statistic)  # t(4) × Welch's SE
    assert gap["ci95"] == pytest.approx([gap["diff"] - half, gap["diff"] + half], abs=1e-9)
    assert gap["magnitude"] == stats.magnitude(gap["cliffs_delta"])
    felt = info["gaps"]["a.felt_misjudgement"]
    differences = np.array(self_a) - 3
    assert felt["n"] == 5
    assert felt["diff"] == pytest.approx(differences.mean(), abs=1e-12)
    assert felt["p"] == pytest.approx(sps.wilcoxon(differences).pvalue, abs=1e-9)


def random_round(db, per_side, seed, name="Runda", **options):
    rng = random.Random(seed)
    questionnaire = get_round_questionnaire(db)
    subs = [
        Submission(side, {k: rng.randint(1, 5) for k in questionnaire.item_keys()})
        for side in "ab"
        for _ in range(per_side)
    ]
    return analyse(db, make_round(db, subs, name=name, **options))


def test_ten_or_more_a_side_get_welchs_t(db):
    report = random_round(db, 12, seed=3)
    gap = dimension(report, "information")["gaps"]["a.blind_spot"]
    assert gap["test"] == "welch" and gap["n"] == [12, 12]
    assert 0 <= gap["p"] <= 1 and gap["ci95"][0] < gap["diff"] < gap["ci95"][1]


def test_one_rule_over_the_declared_family_decides_what_is_clear(db):
    report = random_round(db, 12, seed=3)
    gaps = [d["gaps"][key] for d in report["dimensions"] for key in INDEPENDENT]
    felt = [d["gaps"][f"{s}.felt_misjudgement"] for d in report["dimensions"] for s in "ab"]
    # One family: 2 sides x (blind spot, meta error, felt misjudgement) per dimension.
    family = 6 * len(report["dimensions"])
    assert len(gaps + felt) == family == report["method"]["family_size"]
    assert report["method"]["paired_family_size"] == len(felt)
    expected = sps.false_discovery_control([g["p"] for g in gaps + felt], method="bh")
    assert [g["q"] for g in gaps + felt] == pytest.approx(expected)
    for gap in gaps + felt:
        excludes_zero = gap["ci95"][0] > 0 or gap["ci95"][1] < 0
        assert gap["clear"] is (gap["q"] < 0.05 and excludes_zero)
    bounds = [certainty(g) for g in report["top_gaps"]]
    assert bounds == sorted(bounds, reverse=True) and len(bounds) == len(gaps)
    assert report["findings"] == []  # answers at random: nothing is clear


def test_dont_know_everywhere_in_a_dimension_suppresses_its_cells(db):
    questionnaire = get_round_questionnaire(db)
    subs = []
    for side in "ab":
        for value in (2, 3, 4, 4, 5, 3):
            answers = dict.fromkeys(questionnaire.item_keys(), value)
            answers.update({k: None for k in answers if k[0] == "respect"})
            subs.append(Submission(side, answers))
    report = analyse(db, make_round(db, subs))
    respect = dimension(report, "respect")
    for key in CELLS:
        assert respect["cells"][key] == {
            **dict.fromkeys(CELL_FIELDS),
            "suppressed": True,
            "reason": "fewer than 5 answers",
        }
    assert all(g["suppressed"] for g in respect["gaps"].values())
    assert respect["alpha"] is None and respect["mirror"] is False
    assert dimension(report, "information")["cells"]["a.self"]["n"] == 6


@pytest.mark.parametrize("n_b,shown", [(4, False), (5, True)])
def test_a_side_below_the_threshold_is_held_back_everywhere(db, n_b, shown):
    subs = [uniform(db, "a", v, harder="Za późno") for v in (1, 2, 3, 4, 5, 3)]
    subs += [uniform(db, "b", v, harder="Zmiany") for v in (2, 4, 3, 5, 1)[:n_b]]
    report = analyse(db, make_round(db, subs))
    side = report["sides"]["b"]
    assert side["suppressed"] is not shown
    if shown:
        assert side["n"] == 5
        return
    assert side["n"] is None and side["n_text"] == "fewer than 5"
    assert side["reason"] == "fewer than 5 respondents"
    assert {"side": "b", "reason": "fewer than 5 respondents"} in report["suppressed"]
    for d in report["dimensions"]:
        for key in ("b.self", "b.other", "b.meta"):
            assert d["cells"][key]["suppressed"] and d["cells"][key]["n"] is None
        uses_b = [k for k in d["gaps"] if k != "a.felt_misjudgement"]
        assert all(d["gaps"][k]["suppressed"] for k in uses_b)
        assert d["gaps"]["a.felt_misjudgement"]["n"] == 6
        assert d["cells"]["a.self"]["n"] == 6
    assert report["top_gaps"] == []
    assert report["comments"]["harder"] == {"a": None, "b": None}  # 6 < comment threshold
    # No count of side b anywhere: its 4 respondents gave 4 × (items) answers per perspective.
    per_perspective = 4 * len(get_round_questionnaire(db).item_keys()) // len(PERSPECTIVES)
    text = json.dumps(report)
    assert '"n": 4' not in text and str(per_perspective) not in text
    assert report["detectable"] is None and report["findings"] == []


def test_a_side_with_no_responses(db):
    subs = [uniform(db, "a", v) for v in (1, 2, 3, 4, 5)]
    report = analyse(db, make_round(db, subs))
    assert report["sides"]["b"]["n"] is None and report["sides"]["b"]["suppressed"]
    assert report["sides"]["a"]["n"] == 5
    info = dimension(report, "information")
    assert info["cells"]["b.other"]["suppressed"] and info["gaps"]["a.blind_spot"]["suppressed"]
    assert info["alpha"] is not None  # side a alone still has a reliability


def test_identical_answers_everywhere(db):
    subs = [uniform(db, side, 3) for side in "ab" for _ in range(6)]
    report = analyse(db, make_round(db, subs))
    json.dumps(report, allow_nan=False)
    for d in report["dimensions"]:
        assert d["cells"]["a.self"]["ci95"] == [3.0, 3.0]
        assert d["cells"]["a.self"]["sd"] == 0
        for key in INDEPENDENT:
            gap = d["gaps"][key]
            assert gap["diff"] == 0 and gap["cliffs_delta"] == 0
            assert gap["p"] is None and gap["p_holm"] is None
            assert gap["magnitude"] == "negligible"
        assert d["gaps"]["a.felt_misjudgement"]["p"] is None
        assert d["alpha"] is None and d["mirror"] is False


def test_report_is_reproducible(db):
    rng = random.Random(8)
    from survey.demo import simulate

    questionnaire = get_round_questionnaire(db)
    subs = [simulate(questionnaire, side, rng) for side in "ab" for _ in range(15)]
    round_id = make_round(db, subs)
    first, second = analyse(db, round_id), analyse(db, round_id)
    assert first["dimensions"] == second["dimensions"]
    assert analyse(db, round_id, seed=1)["dimensions"] != first["dimensions"]


# --- planted gaps -----------------------------------------------------------------


def planted(questionnaire, side, rng, shifts):
    """A respondent whose answers centre on 3, shifted where `shifts` says so."""
    person = rng.gauss(0, 0.4)
    answers = {}
    for d, item, p in questionnaire.item_keys():
        centre = 3 + person + shifts.get((side, d, p), 0.0)
        answers[(d, item, p)] = min(5, max(1, round(centre + rng.gauss(0, 0.7))))
    return Submission(side, answers)


def test_a_planted_blind_spot_is_found_and_nothing_else(db):
    questionnaire = get_round_questionnaire(db)
    shifts = {("a", "understanding", "self"): 1.0}
    # The generator's per-person SD (person 0.4; item noise 0.7 plus rounding, averaged over
    # a dimension's items) at 40 a side and the threshold a lone gap must pass under BH.
    items = len(questionnaire.dimension("understanding").items)
    sd = math.sqrt(0.4**2 + (0.7**2 + 1 / 12) / items)
    family = 4 * len(questionnaire.dimensions)
    z = NormalDist().inv_cdf(1 - 0.05 / family / 2) + NormalDist().inv_cdf(0.8)
    expected_detectable = z * sd * math.sqrt(2 / 40)
    found, false_claims = 0, 0
    for seed in range(10):
        rng = random.Random(seed)
        subs = [planted(questionnaire, s, rng, shifts) for s in "ab" for _ in range(40)]
        report = analyse(db, make_round(db, subs, name=f"Seed {seed}"))
        claims = [(f["dimension"], f["gap"]) for f in report["findings"]]
        found += ("understanding", "a.blind_spot") in claims
        false_claims += sum(1 for claim in claims if claim != ("understanding", "a.blind_spot"))
        gap = dimension(report, "understanding")["gaps"]["a.blind_spot"]
        assert gap["diff"] == pytest.approx(1.0, abs=0.35)
        assert report["top_gaps"][0]["dimension"] == "understanding"
        assert report["top_gaps"][0]["gap"] == "a.blind_spot"
        assert report["detectable"] == pytest.approx(expected_detectable, abs=0.1)
    assert found == 10
    assert false_claims <= 1  # of 10 x (family - 1) null gaps


def test_mirror_when_both_sides_flatter_themselves(db):
    questionnaire = get_round_questionnaire(db)
    shifts = {("a", "respect", "self"): 1.0, ("b", "respect", "self"): 1.0}
    rng = random.Random(1)
    subs = [planted(questionnaire, s, rng, shifts) for s in "ab" for _ in range(40)]
    report = analyse(db, make_round(db, subs))
    assert dimension(report, "respect")["mirror"] is True
    assert dimension(report, "information")["mirror"] is False


# --- comments ---------------------------------------------------------------------


def test_comments_only_from_sides_reaching_the_comment_threshold(db):
    subs = [uniform(db, "a", 3, harder=f"Uwaga {i}") for i in range(10)]
    subs += [uniform(db, "b", 3, need="Prognoz") for _ in range(9)]
    round_id = make_round(db, subs)
    db.execute("UPDATE comment_slots SET hidden = 1 WHERE rtrim(text) = 'Uwaga 0'")
    db.conn.commit()
    report = analyse(db, round_id)
    harder = report["comments"]["harder"]
    assert sorted(harder["a"]) == sorted(f"Uwaga {i}" for i in range(1, 10))
    assert harder["b"] is None and report["comments"]["need"] == {"a": [], "b": None}
    assert any(s.get("comments") and s["side"] == "b" for s in report["suppressed"])


# --- compare ----------------------------------------------------------------------


def test_compare_with_an_earlier_round(db):
    earlier = make_round(db, [uniform(db, s, v) for s in "ab" for v in (2, 3, 3, 4, 4)])
    later = make_round(db, [uniform(db, s, v) for s in "ab" for v in (3, 3, 4, 4, 5)])
    report = analyse(db, later, compare_with=earlier)
    compare = report["compare"]
    assert compare["round"]["id"] == earlier
    info = compare["dimensions"]["information"]
    change = info["a.blind_spot"]
    assert (change["before"], change["after"], change["change"]) == (0.0, 0.0, 0.0)
    # Tested as the follow-up's changes are (reports.changes): no change, nothing clear.
    low, high = change["ci95"]
    assert low < 0 < high and change["p"] == 1 and change["clear"] is False
    assert change["direction"] is None
    assert set(info) == set(dimension(report, "information")["gaps"])


@pytest.mark.parametrize(
    "options", [{"side_b": "Magazyn"}, {"questionnaire": "pulse"}], ids=["sides", "questionnaire"]
)
def test_compare_refuses_rounds_that_differ(db, options):
    later = make_round(db, [uniform(db, "a", 3)] * 5)
    other = make_round(db, [], **options)
    with pytest.raises(InvalidInput, match="cannot be compared"):
        analyse(db, later, compare_with=other)


def test_compare_refuses_an_open_round(db):
    later = make_round(db, [uniform(db, "a", 3)] * 5)
    still_open = make_round(db, [], close=False)
    with pytest.raises(WrongState):
        analyse(db, later, compare_with=still_open)
    assert get_round(db, still_open).status == "open"


@pytest.mark.parametrize("questionnaire", ["sales-production", "pulse"])
def test_a_round_without_any_response_is_all_held_back(db, questionnaire):
    report = analyse(db, make_round(db, [], questionnaire=questionnaire))
    assert all(side["suppressed"] for side in report["sides"].values())
    assert report["top_gaps"] == [] and len(report["dimensions"]) >= 5
    for d in report["dimensions"]:
        assert all(cell["suppressed"] for cell in d["cells"].values())
        assert d["alpha"] is None


def test_comments_come_in_random_order(db):
    subs = [uniform(db, "a", 3, better=f"Pomysł {i}") for i in range(12)]
    round_id = make_round(db, subs)
    orders = {tuple(analyse(db, round_id)["comments"]["better"]["a"]) for _ in range(3)}
    assert len(orders) > 1  # the same order three times: about 1 in 10^17


def test_the_analysis_does_not_depend_on_the_web_layer():
    import ast
    from pathlib import Path

    import reports

    web_modules = ("flask", "flask_babel", "flask_wtf", "flask_login", "werkzeug")
    web_modules += ("survey.respond", "survey.console", "survey.pages")
    for path in Path(reports.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(web_modules), f"{path.name} imports {name}"


@pytest.mark.parametrize("skipping,shown", [(2, False), (1, True)])
def test_a_cell_below_the_threshold_is_held_back(db, skipping, shown):
    subs = [uniform(db, side, v) for side in "ab" for v in (1, 2, 3, 4, 5, 3)]
    for sub in subs[:skipping]:  # these side-a respondents skip every meta item
        sub.answers = {k: v for k, v in sub.answers.items() if k[2] != "meta"}
    report = analyse(db, make_round(db, subs))
    for d in report["dimensions"]:
        cell = d["cells"]["a.meta"]
        assert cell["suppressed"] is not shown
        assert cell["n"] == (5 if shown else None)
        assert d["gaps"]["a.meta_error"]["suppressed"] is not shown
        # Shown or not, the pairs lack the skippers: 1 fewer would single one out (D1).
        felt = d["gaps"]["a.felt_misjudgement"]
        assert felt["suppressed"] and felt["diff"] is None
        assert felt["reason"] == (
            "would single out fewer than 5 people" if shown else "fewer than 5 pairs"
        )
        assert not d["cells"]["a.self"]["suppressed"]


# --- issue 19: teams, uneven groups, the honest planning figure --------------------------


def test_the_team_allowance_widens_the_standard_error_by_the_root_of_the_design_effect(db):
    alone = random_round(db, 20, seed=5, name="Alone", team_size=1)
    teams = random_round(db, 20, seed=5, name="Teams", team_size=6)
    deff = 1 + (6 - 1) * stats.ASSUMED_ICC  # 2.0: 20 people count as 10
    for key in ("a.blind_spot", "b.meta_error"):
        one, six = (
            dimension(alone, "information")["gaps"][key],
            dimension(teams, "information")["gaps"][key],
        )
        assert one["diff"] == pytest.approx(six["diff"], abs=1e-12)
        assert six["se"] == pytest.approx(one["se"] * math.sqrt(deff), rel=1e-12)
        half = (six["ci95"][1] - six["ci95"][0]) / 2
        assert half == pytest.approx(float(sps.t.ppf(0.975, six["df"])) * six["se"], rel=1e-9)
        assert six["df"] < one["df"]  # 19 / (1 + 5 · 0.2²) a side, not 19
        assert six["p"] > one["p"]
    felt_one = dimension(alone, "information")["gaps"]["a.felt_misjudgement"]
    felt_six = dimension(teams, "information")["gaps"]["a.felt_misjudgement"]
    assert felt_six["p"] == pytest.approx(stats.design_adjusted(felt_one["p"], deff), rel=1e-9)
    assert teams["method"]["teams"]["team_size"] == 6
    assert teams["method"]["teams"]["icc"] == stats.ASSUMED_ICC
    assert teams["method"]["teams"]["effective_n"] == {
        "a": pytest.approx(10),
        "b": pytest.approx(10),
    }
    assert alone["method"]["teams"]["design_effect"] == {"a": 1, "b": 1}
    assert teams["detectable"] > alone["detectable"] * 1.3


def test_a_round_made_without_a_team_size_assumes_teams_of_eight(db):
    round_id = create_round(db, "Runda", "sales-production", "Sprzedaż", "Produkcja")
    assert get_round(db, round_id).team_size == 8
    with pytest.raises(InvalidInput, match="team size"):
        create_round(db, "Runda", "sales-production", "A", "B", team_size=0)


def test_the_planning_figure_at_five_a_side_is_null_with_a_reason(db):
    report = random_round(db, 5, seed=2)
    assert report["detectable"] is None
    assert "no single gap can be clear" in report["detectable_reason"]
    plan = report["planning"]
    assert plan["test"] == "permutation" and plan["p_floor"] == pytest.approx(2 / 252)
    assert plan["bar"] == pytest.approx(0.05 / report["method"]["family_size"])
    assert plan["felt_can_be_clear"] is False
    gap = dimension(report, "information")["gaps"]["a.blind_spot"]
    assert gap["resamples"] == "exact"  # 252 splits, every one counted


def test_the_json_says_how_many_resamples_were_used(db):
    welch = dimension(random_round(db, 12, seed=3, name="Welch"), "information")["gaps"][
        "a.blind_spot"
    ]
    assert welch["test"] == "welch" and welch["resamples"] is None
    rng = random.Random(8)
    questionnaire = get_round_questionnaire(db)
    subs = [
        Submission(side, {k: rng.randint(1, 5) for k in questionnaire.item_keys()})
        for side, n in (("a", 8), ("b", 40))
        for _ in range(n)
    ]
    report = analyse(db, make_round(db, subs, name="8 vs 40"))
    gap = dimension(report, "information")["gaps"]["a.blind_spot"]
    assert gap["test"] == "permutation"
    assert gap["resamples"] in (stats.PERMUTATION_FIRST_RESAMPLES, stats.PERMUTATION_RESAMPLES)
    assert report["planning"]["detectable"] == report["detectable"]


def test_clear_findings_carry_intervals_adjusted_for_the_selection(db):
    questionnaire = get_round_questionnaire(db)
    shifts = {("a", "understanding", "self"): 1.5}
    rng = random.Random(1)
    subs = [planted(questionnaire, s, rng, shifts) for s in "ab" for _ in range(40)]
    report = analyse(db, make_round(db, subs, name="Planted"))
    clear = [g for d in report["dimensions"] for g in d["gaps"].values() if g["clear"]]
    assert clear
    level = report["method"]["selection"]["level"]
    assert level == pytest.approx(1 - len(clear) * 0.05 / report["method"]["family_size"])
    for gap in clear:
        low, high = gap["ci_selected"]
        assert low < gap["ci95"][0] and gap["ci95"][1] < high  # wider than the plain 95 %
        half = (high - low) / 2
        assert half == pytest.approx(
            float(sps.t.ppf(0.5 + level / 2, gap["df"])) * gap["se"], rel=1e-9
        )
    assert all(f["ci_selected"] for f in report["findings"])
    unclear = [g for d in report["dimensions"] for g in d["gaps"].values() if not g["clear"]]
    assert all(g.get("ci_selected") is None for g in unclear)


def test_the_planning_figure_is_null_where_it_would_exceed_the_scale(db):
    """Seven a side in teams of about 8: 2.6 independent people a side, so even a 4-point
    gap (5 against 1) would not show four times in five; no size in points is promised."""
    alone = random_round(db, 7, seed=6, name="Alone", team_size=1)
    teams = random_round(db, 7, seed=6, name="Teams", team_size=8)
    assert alone["detectable"] is not None and alone["planning"]["why"] is None
    assert teams["detectable"] is None and teams["planning"]["why"] == "scale"
    assert "largest gap the scale allows" in teams["detectable_reason"]
