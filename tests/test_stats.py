"""The statistics on (value, count) samples agree with scipy on the expanded data."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats as sps

from reports import stats

RNG = np.random.default_rng(7)


def scores(n: int, rng=RNG) -> np.ndarray:
    """Dimension scores as the survey makes them: means of two answers from 1 to 5."""
    return rng.integers(1, 6, (n, 2)).mean(axis=1)


@pytest.mark.parametrize("n", [1, 2, 5, 12, 101])
def test_describe_matches_numpy(n):
    x = scores(n)
    summary = stats.describe(stats.Sample.of(x))
    assert summary.n == n
    assert summary.mean == pytest.approx(np.mean(x), abs=1e-12)
    assert summary.median == np.median(x)
    if n > 1:
        assert summary.sd == pytest.approx(np.std(x, ddof=1), abs=1e-12)
    else:
        assert summary.sd is None


def test_sample_keeps_thirds_exact_and_merges_equal_values():
    sample = stats.Sample.from_counts({Fraction(10, 3): 2, Fraction(7, 2): 1, Fraction(3): 1})
    assert sample.scale == 6 and sample.n == 4
    assert list(sample.units) == [18, 20, 21]
    merged = stats.Sample.of([3, 3.0, Fraction(6, 2), 1.5])
    assert list(merged.units) == [3, 6] and list(merged.weights) == [1, 3]


@pytest.mark.parametrize("seed", range(4))
def test_bca_interval_agrees_with_scipy_within_monte_carlo_error(seed):
    rng = np.random.default_rng(seed)
    x = np.clip(np.round(rng.normal(3.4, 1.0, (60, 2)) * 2) / 2, 1, 5).mean(axis=1)
    ours = stats.bca_interval(stats.Sample.of(x), seed=11)
    theirs = sps.bootstrap((x,), np.mean, method="BCa", n_resamples=9_999, rng=seed)
    low, high = theirs.confidence_interval
    # Different random streams: each end may differ by Monte Carlo error only.
    assert ours[0] == pytest.approx(low, abs=0.02)
    assert ours[1] == pytest.approx(high, abs=0.02)


def test_bca_interval_is_the_same_for_the_same_data_and_seed():
    sample = stats.Sample.of(scores(40))
    again = stats.Sample.of(list(reversed(sample.expand())))
    assert stats.bca_interval(sample, seed=5) == stats.bca_interval(again, seed=5)
    assert stats.bca_interval(sample, seed=5) != stats.bca_interval(sample, seed=6)


def test_bca_interval_of_identical_values_is_the_value():
    assert stats.bca_interval(stats.Sample.of([4, 4, 4, 4, 4]), seed=1) == (4.0, 4.0)


def test_bca_interval_is_fast_for_ten_thousand_respondents():
    sample = stats.Sample.of(scores(10_000))
    low, high = stats.bca_interval(sample, seed=3)
    mean = stats.describe(sample).mean
    assert low < mean < high and high - low < 0.1


def brute_force_delta(x, y):
    greater = sum(a > b for a, b in itertools.product(x, y))
    less = sum(a < b for a, b in itertools.product(x, y))
    return (greater - less) / (len(x) * len(y))


@pytest.mark.parametrize(
    "n1,n2,distinct",
    [(3, 4, True), (6, 8, True), (5, 7, False), (20, 31, False), (400, 350, False)],
)
def test_cliffs_delta_and_mann_whitney_match_scipy(n1, n2, distinct):
    for _ in range(5):
        if distinct:  # no ties: scipy's exact test
            pool = RNG.permutation(np.arange(1, 5.5, 0.5))
            x, y = pool[:n1], pool[n1 : n1 + n2]
        else:
            x, y = scores(n1), scores(n2) + 0.5
        sx, sy = stats.Sample.of(x), stats.Sample.of(y)
        if n1 * n2 < 5_000:
            assert stats.cliffs_delta(sx, sy) == pytest.approx(brute_force_delta(x, y), abs=1e-12)
        expected = sps.mannwhitneyu(x, y, alternative="two-sided").pvalue
        assert stats.mann_whitney_p(sx, sy) == pytest.approx(expected, abs=1e-9)


def test_mann_whitney_p_is_null_when_every_score_is_the_same():
    same = stats.Sample.of([3, 3, 3, 3, 3])
    assert stats.mann_whitney_p(same, same) is None
    assert stats.cliffs_delta(same, same) == 0


def test_cliffs_delta_of_separated_groups_is_one():
    assert stats.cliffs_delta(stats.Sample.of([4, 5, 5]), stats.Sample.of([1, 2])) == 1


@pytest.mark.parametrize("n", [3, 6, 12, 13, 14, 30, 50, 51, 200, 3_000])
def test_wilcoxon_matches_scipy_with_zeros_and_ties(n):
    # scipy enumerates 2^13 sign flips slowly: one data set at that size is enough.
    for _ in range(1 if n == 13 else 3):
        d = RNG.integers(-4, 5, n) / 2 + RNG.choice([0, 0.5], n)
        if not d.any():
            continue
        expected = sps.wilcoxon(d).pvalue
        assert stats.wilcoxon_p(stats.Sample.of(d)) == pytest.approx(expected, abs=1e-9)


def test_wilcoxon_matches_scipy_without_ties():
    d = np.array([0.5, -1.0, 1.5, 2.0, -2.5, 3.0, 3.5, 4.0])
    assert stats.wilcoxon_p(stats.Sample.of(d)) == pytest.approx(sps.wilcoxon(d).pvalue, abs=1e-12)


def test_wilcoxon_is_null_when_all_differences_are_zero():
    assert stats.wilcoxon_p(stats.Sample.of([0.0] * 8)) is None
    assert stats.wilcoxon_p(stats.Sample.of([0.0] * 80)) is None


def test_holm_by_hand():
    # sorted: .005×4=.02, .01×3=.03, .03×2=.06, .04×1=.04 → kept monotone at .06
    assert stats.holm([0.01, 0.04, 0.03, None, 0.005]) == pytest.approx(
        [0.03, 0.06, 0.06, None, 0.02]
    )
    assert stats.holm([0.5, 0.9]) == [1.0, 1.0]
    assert stats.holm([]) == []


@pytest.mark.parametrize(
    "delta,label",
    [(0.0, "negligible"), (-0.146, "negligible"), (0.147, "small"), (-0.329, "small"),
     (0.33, "medium"), (0.473, "medium"), (-0.474, "large"), (1.0, "large")],
)  # fmt: skip
def test_magnitude_labels(delta, label):
    assert stats.magnitude(delta) == label


def test_cronbach_alpha_by_hand():
    # items (1,2,3,4,5) and (2,2,4,5,5): variances 2.5 and 2.3, total variance 9.3
    # alpha = 2 × (1 − 4.8 / 9.3) = 9 / 9.3
    rows = [(1, 2), (2, 2), (3, 4), (4, 5), (5, 5)]
    assert stats.cronbach_alpha(rows, [1] * 5) == pytest.approx(9 / 9.3, abs=1e-12)


def test_cronbach_alpha_counts_repeated_vectors_as_cases():
    rows = [(1, 2), (3, 3), (4, 5)]
    expanded = [(1, 2), (1, 2), (3, 3), (4, 5), (4, 5), (4, 5)]
    assert stats.cronbach_alpha(rows, [2, 1, 3]) == pytest.approx(
        stats.cronbach_alpha(expanded, [1] * 6), abs=1e-12
    )


def test_cronbach_alpha_is_null_when_undefined():
    assert stats.cronbach_alpha([(3, 3)], [10]) is None  # no variance
    assert stats.cronbach_alpha([(3,), (4,)], [1, 1]) is None  # one item
    assert stats.cronbach_alpha([], []) is None


def test_share_difference_gives_newcombes_published_interval():
    """Newcombe (1998), Statistics in Medicine 17:873, Table II, example (a): 56/70 − 48/80
    = 0.2000, hybrid score interval (method 10) 0.0524 to 0.3339."""
    test = stats.share_difference(56, 70, 48, 80)
    assert test.diff == pytest.approx(0.2)
    assert test.ci95 == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert test.p == pytest.approx(sps.fisher_exact([[56, 14], [48, 32]]).pvalue)
    assert test.method == "fisher"


# --- issue 19: the small-sample path permutes Welch's t ---------------------------------


def _quarters(rng: np.random.Generator, centre: float, sd: float, n: int) -> list[Fraction]:
    """n scores on a grid of quarter points, as dimension means of four statements are."""
    return [Fraction(round(v * 4), 4) for v in rng.normal(centre, sd, n)]


def test_the_permutation_p_is_welchs_t_over_every_split():
    x = [Fraction(v) for v in (1, 5, 2, 5, 4)]
    y = [Fraction(v, 4) for v in (12, 13, 12, 14)]
    sx, sy = stats.Sample.of(x), stats.Sample.of(y)
    pooled = np.array([float(v) for v in x + y])
    observed = abs(sps.ttest_ind(pooled[:5], pooled[5:], equal_var=False).statistic)
    reached = total = 0
    for chosen in itertools.combinations(range(9), 5):
        rest = [i for i in range(9) if i not in chosen]
        t = abs(sps.ttest_ind(pooled[list(chosen)], pooled[rest], equal_var=False).statistic)
        reached += t >= observed * (1 - 1e-9)
        total += 1
    p, resamples = stats.permutation_welch_p(sx, sy, observed, seed=1)
    assert resamples == "exact" and p == pytest.approx(reached / total, abs=1e-12)
    raw = sps.permutation_test(
        (pooled[:5], pooled[5:]),
        lambda a, b: np.mean(a) - np.mean(b),
        permutation_type="independent",
    )
    assert abs(p - raw.pvalue) > 0.01  # not the raw difference of means
    gap = stats.mean_gap(sx, sy, seed=1)
    assert gap.method == "permutation" and gap.resamples == "exact" and gap.p >= p


def test_permuting_welchs_t_holds_the_size_when_spreads_differ():
    """No gap, 4 people spreading widely against 12 who agree (seeded, so deterministic).
    The permutation test of the raw difference of means rejects 18 % of such rounds at
    the 5 % level, and one of Welch's t alone 12 % (6 % at the 1 % level); bounded by
    Student's t with the smaller side's degrees of freedom, the test keeps its level."""
    rng = np.random.default_rng(19)
    draws = 600
    p = []
    for seed in range(draws):
        x = stats.Sample.of(_quarters(rng, 3.0, 1.6, 4))
        y = stats.Sample.of(_quarters(rng, 3.0, 0.4, 12))
        p.append(stats.mean_gap(x, y, seed=seed).p)
    at_5 = sum(value < 0.05 for value in p) / draws
    at_1 = sum(value < 0.01 for value in p) / draws
    assert at_5 <= 0.07 and at_1 <= 0.015, (at_5, at_1)


def test_a_monte_carlo_p_near_the_line_does_not_hang_on_the_seed():
    """8 against 40 (C(48, 8) splits, too many to count): a permutation p near 0.05 / 30,
    the bar of a lone gap. With 9,999 resamples one seed's p was a quarter off another's."""
    rng = np.random.default_rng(2)
    x = stats.Sample.of(_quarters(rng, 4.2, 0.6, 8))
    y = stats.Sample.of(_quarters(rng, 3.0, 0.8, 40))
    observed = abs(stats.describe(x).mean - stats.describe(y).mean) / stats.mean_gap(x, y, 0).se
    runs = [stats.permutation_welch_p(x, y, observed, seed) for seed in range(4)]
    assert {resamples for _, resamples in runs} == {stats.PERMUTATION_RESAMPLES}
    p = [value for value, _ in runs]
    assert 0.001 < min(p) and max(p) < 0.003
    assert max(p) / min(p) < 1.2


def test_the_team_allowance_shrinks_n_by_the_design_effect():
    teams = stats.Teams(6, 0.2)
    assert teams.deff(40) == pytest.approx(2.0) and teams.effective(40) == pytest.approx(20)
    assert stats.Teams(8).deff(5) == pytest.approx(1 + 4 * stats.ASSUMED_ICC)  # teams ≤ side
    assert stats.ALONE.deff(40) == 1


def test_welchs_degrees_of_freedom_with_teams_come_from_every_person():
    """A side's spread is estimated from all its people; answers alike in a team make the
    squared deviations correlate by ICC², so the estimate is less certain by 1 + (m − 1)·ICC²,
    far less than the mean by 1 + (m − 1)·ICC. Two sides of 40 in teams of 8: about
    2 · 39 / 1.28 = 60.9 degrees of freedom, not the 31.3 of two effective sides of 16.7."""
    rng = np.random.default_rng(3)
    x = stats.Sample.of(_quarters(rng, 3.4, 0.8, 40))
    y = stats.Sample.of(_quarters(rng, 3.0, 0.9, 40))
    gap = stats.mean_gap(x, y, 0, stats.Teams(8, 0.2))
    vx, vy = (stats.describe(s).sd ** 2 / (40 / 2.4) for s in (x, y))
    per_side = 39 / (1 + 7 * 0.2**2)
    assert gap.df == pytest.approx((vx + vy) ** 2 / (vx**2 / per_side + vy**2 / per_side))
    assert 55 < gap.df < 61
    assert gap.se == pytest.approx((vx + vy) ** 0.5)
    assert gap.p == pytest.approx(2 * sps.t.sf(abs(gap.diff) / gap.se, gap.df))
    assert stats.ALONE.variance_df(40) == 39
    assert stats.Teams(8).variance_df(5) == pytest.approx(4 / 1.16)  # teams ≤ side


def test_the_planning_figure_knows_the_tests_floor():
    bar = 0.05 / 30
    at_five = stats.planning(0.8, 5, 5, bar)
    assert at_five.detectable is None and at_five.floor == pytest.approx(2 / 252)
    assert stats.planning(0.8, 6, 6, bar).detectable is None  # 2 / 924 > 0.05 / 30
    at_seven = stats.planning(0.8, 7, 7, bar)
    assert at_seven.detectable is not None and at_seven.level == pytest.approx(4 / 3432)
    # The signed-rank test's floor: below 11 pairs no felt misjudgement can pass the bar.
    assert (
        stats.planning(0.8, 10, 10, bar).felt_floor
        > bar
        > stats.planning(0.8, 11, 11, bar).felt_floor
    )
