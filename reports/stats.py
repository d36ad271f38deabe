"""Exact statistics over samples held as distinct values with counts.

Dimension scores take few distinct values (means of one or two answers from 1 to 5), so
a cell of 10,000 respondents is a handful of (value, count) pairs. Every statistic here
works on that form and gives what scipy gives on the expanded data: BCa bootstrap as
`scipy.stats.bootstrap`, Mann–Whitney U as `scipy.stats.mannwhitneyu`, the signed-rank
test as `scipy.stats.wilcoxon`. Where scipy would use an exact or permutation method
(tiny samples), it is called on the expanded data instead.

Distributions come from `scipy.special` (the functions `scipy.stats` itself calls, so the
figures are the same): importing `scipy.stats` costs about 0.6 s of CPU, a third of what
the report adds to WeasyPrint's own time. It is imported only inside the tiny-sample
paths that need its exact and permutation tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.special import betaincinv, fdtri, ndtr, ndtri, stdtr, stdtrit

BOOTSTRAP_RESAMPLES = 9_999
CONFIDENCE = 0.95
MAGNITUDES = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"))
WILCOXON_EXACT_UP_TO = 50  # scipy's cut-offs for its exact and permutation tests
WILCOXON_PERMUTATION_UP_TO = 13
PERMUTATION_BELOW = 10  # a side with fewer people gets a permutation test, not Welch's t
PERMUTATION_EXACT_UP_TO = 100_000  # splits of the people into the two groups: all of them
PERMUTATION_FIRST_RESAMPLES = 10_000  # enough to see that p is far above any line
PERMUTATION_RESAMPLES = 200_000  # where p may be near a line
P_BOUND_CONFIDENCE = 0.999  # a Monte Carlo p is its upper bound at this confidence
ASSUMED_ICC = 0.2  # intraclass correlation of a team's answers (LeBreton & Senter 2008)
RELIABLE_ALPHA = 0.6  # below this a scale is flagged as too unreliable to lean on


@dataclass(frozen=True)
class Sample:
    """n observations as sorted distinct values and their counts. Values are held as
    integers over a common denominator (`scale`) so sums and comparisons are exact."""

    units: np.ndarray  # int64, sorted, distinct: value * scale
    weights: np.ndarray  # int64, > 0
    scale: int

    @classmethod
    def from_counts(cls, counts: Mapping[Fraction, int] | Mapping[int, int]) -> Sample:
        kept = sorted((Fraction(v), int(c)) for v, c in counts.items() if c > 0)
        scale = math.lcm(1, *(v.denominator for v, _ in kept))
        merged: dict[int, int] = {}
        for value, count in kept:
            unit = int(value * scale)
            merged[unit] = merged.get(unit, 0) + count
        return cls(
            units=np.fromiter(merged.keys(), np.int64, len(merged)),
            weights=np.fromiter(merged.values(), np.int64, len(merged)),
            scale=scale,
        )

    @classmethod
    def of(cls, values: Iterable[float | int | Fraction]) -> Sample:
        """From plain observations (tests, small data)."""
        counts: dict[Fraction, int] = {}
        for value in values:
            key = Fraction(value)
            counts[key] = counts.get(key, 0) + 1
        return cls.from_counts(counts)

    @property
    def n(self) -> int:
        return int(self.weights.sum())

    @property
    def values(self) -> np.ndarray:
        return self.units / self.scale

    def expand(self) -> np.ndarray:
        return np.repeat(self.values, self.weights)


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    median: float
    sd: float | None  # ddof=1; None for a single observation


def describe(sample: Sample) -> Summary:
    n = sample.n
    values = sample.values
    mean = float(sample.weights @ sample.units) / (n * sample.scale)
    cumulative = np.cumsum(sample.weights)
    low, high = np.searchsorted(cumulative, [(n - 1) // 2, n // 2], side="right")
    median = (values[low] + values[high]) / 2
    sd = None
    if n > 1:
        sd = math.sqrt(float(sample.weights @ (values - mean) ** 2) / (n - 1))
    return Summary(n=n, mean=mean, median=float(median), sd=sd)


def bca_interval(
    sample: Sample,
    seed: int,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    confidence: float = CONFIDENCE,
) -> tuple[float, float] | None:
    """BCa bootstrap interval of the mean, as `scipy.stats.bootstrap(method="BCa")`.

    A resample of n observations over k distinct values is a multinomial draw of k
    counts, and the jackknife has only k distinct leave-one-out means, so this costs
    O(resamples × k) whatever n is. Same sample and seed → same interval.
    """
    n = sample.n
    total = int(sample.weights @ sample.units)
    mean = total / (n * sample.scale)
    if len(sample.units) < 2:  # every resample is the sample itself
        return (mean, mean)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, sample.weights / n, size=n_resamples)
    totals = counts @ sample.units  # exact integers: resampled sums in units
    # Bias correction: the share of resampled means below the observed one (ties count half).
    share = (np.count_nonzero(totals < total) + np.count_nonzero(totals <= total)) / (
        2 * n_resamples
    )
    z0 = ndtri(share)
    # Acceleration: leaving out an observation of value v moves the mean so that
    # scipy's U_i = (n-1)(mean of jackknife means - jackknife mean i) = v - mean.
    deviation = sample.values - mean
    num = float(sample.weights @ deviation**3) / n**3
    den = float(sample.weights @ deviation**2) / n**2
    accel = num / den**1.5 / 6
    z_alpha = ndtri((1 - confidence) / 2)
    levels = [ndtr(z0 + (z0 + z) / (1 - accel * (z0 + z))) for z in (z_alpha, -z_alpha)]
    if not np.isfinite(levels).all():  # degenerate bootstrap: scipy gives NaN too
        return None
    low, high = np.quantile(totals, levels) / (n * sample.scale)
    return (float(low), float(high))


def _aligned(x: Sample, y: Sample) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of x and y over the union of their values (as fractions, exactly)."""
    scale = math.lcm(x.scale, y.scale)
    ux = x.units * (scale // x.scale)
    uy = y.units * (scale // y.scale)
    units = np.union1d(ux, uy)
    wx = np.zeros(len(units), np.int64)
    wy = np.zeros(len(units), np.int64)
    wx[np.searchsorted(units, ux)] = x.weights
    wy[np.searchsorted(units, uy)] = y.weights
    return units, wx, wy


def cliffs_delta(x: Sample, y: Sample) -> float:
    """P(X > Y) − P(X < Y) over all pairs."""
    _, wx, wy = _aligned(x, y)
    below = np.cumsum(wy) - wy
    above = y.n - below - wy
    return float(wx @ below - wx @ above) / (x.n * y.n)


def mann_whitney_p(x: Sample, y: Sample) -> float | None:
    """Two-sided p of `scipy.stats.mannwhitneyu` (default method); None when every
    observation is tied, where the test says nothing."""
    _, wx, wy = _aligned(x, y)
    ties = wx + wy
    n1, n2 = x.n, y.n
    if not (ties > 1).any():  # no ties: scipy may use its exact test on tiny samples
        from scipy import stats as sps

        return float(sps.mannwhitneyu(x.expand(), y.expand()).pvalue)
    below = np.cumsum(wy) - wy
    u1 = float(wx @ below) + float(wx @ wy) / 2
    u = max(u1, n1 * n2 - u1)
    big_n = n1 + n2
    tie_term = float(np.sum(ties.astype(float) ** 3 - ties))
    variance = n1 * n2 / 12 * ((big_n + 1) - tie_term / (big_n * (big_n - 1)))
    if variance <= 0:
        return None
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(variance)
    return float(min(1.0, 2 * ndtr(-z)))


def wilcoxon_p(differences: Sample) -> float | None:
    """Two-sided p of `scipy.stats.wilcoxon` on paired differences (zeros dropped);
    None when every difference is zero. Follows scipy's choice of method: exact for
    up to 50 differences without ties or zeros, every sign flip for up to 13 with
    them, else the normal approximation with tie correction (computed from counts)."""
    units, weights = differences.units, differences.weights
    nonzero = units != 0
    if not nonzero.any():
        return None
    n = differences.n
    _, group = np.unique(np.abs(units[nonzero]), return_inverse=True)
    ties = np.bincount(group, weights=weights[nonzero]).astype(np.int64)
    if n <= WILCOXON_EXACT_UP_TO and nonzero.all() and (ties == 1).all():
        from scipy import stats as sps

        return float(sps.wilcoxon(differences.expand()).pvalue)
    if n <= WILCOXON_PERMUTATION_UP_TO:
        return _sign_flip_p(differences.expand())
    units, weights = units[nonzero], weights[nonzero]
    ranks = np.cumsum(ties) - ties + (ties + 1) / 2  # average rank of each |d|
    r_plus = float(weights[units > 0] @ ranks[group[units > 0]])
    count = int(weights.sum())
    mean = count * (count + 1) / 4
    tie_term = float(np.sum(ties.astype(float) ** 3 - ties))
    z = (r_plus - mean) / math.sqrt((count * (count + 1) * (2 * count + 1) - tie_term / 2) / 24)
    return float(min(1.0, 2 * ndtr(-abs(z))))


def _sign_flip_p(d: np.ndarray) -> float:
    """scipy's exact permutation p for the signed-rank sum: all 2^n sign flips
    (scipy's own enumeration is slow; this is the same null distribution)."""
    from scipy.stats import rankdata

    n = len(d)
    ranks = np.zeros(n)
    ranks[d != 0] = rankdata(np.abs(d[d != 0]))
    flipped = (np.arange(2**n)[:, None] >> np.arange(n)) & 1 == 1
    null = np.where(flipped, d < 0, d > 0) @ ranks
    observed = ranks[d > 0].sum()
    gamma = abs(np.finfo(float).eps * 100 * observed)  # scipy's tolerance for equal sums
    less = np.mean(null <= observed + gamma)
    greater = np.mean(null >= observed - gamma)
    return float(min(1.0, 2 * min(less, greater)))


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm step-down adjustment over the p values given (None stays None)."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(tested)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(tested):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


def magnitude(delta: float) -> str:
    """Romano et al. (2006) labels for |Cliff's delta|."""
    size = abs(delta)
    for limit, label in MAGNITUDES:
        if size < limit:
            return label
    return "large"


def cronbach_alpha(rows: Sequence[Sequence[float]], weights: Sequence[int]) -> float | None:
    """Alpha of complete cases given as distinct item vectors with counts; None when
    fewer than two items or two cases, or the total score does not vary."""
    if not rows:
        return None
    x = np.asarray(rows, float)
    w = np.asarray(weights, float)
    n, k = w.sum(), x.shape[1]
    if k < 2 or n < 2:
        return None
    centred = x - (w @ x) / n
    covariance = (centred.T * w) @ centred / (n - 1)
    total_variance = covariance.sum()
    if total_variance <= 0:
        return None
    return float(k / (k - 1) * (1 - np.trace(covariance) / total_variance))


@dataclass(frozen=True)
class Teams:
    """The allowance for people who work in teams of about `size` and answer alike: the
    variance of a side's mean grows by the design effect 1 + (m − 1)·ICC (m no more than
    the side's people), so a side of n carries the information of n / deff independent
    people. No team is ever recorded: the allowance is a stated assumption, the same for
    every response. size 1: people work alone (deff 1, the textbook tests)."""

    size: int = 1
    icc: float = ASSUMED_ICC

    def _team(self, n: int) -> int:
        """The team size that applies to a side of n: no team is larger than its side."""
        return min(self.size, max(n, 1))

    def deff(self, n: int) -> float:
        return 1 + (self._team(n) - 1) * self.icc

    def effective(self, n: int) -> float:
        return n / self.deff(n)

    def variance_df(self, n: int) -> float:
        """Degrees of freedom of a side's variance estimated from its n people: answers
        alike within a team make squared deviations correlate by ICC², so the n − 1 of
        independent people shrink by 1 + (m − 1)·ICC² (n − 1 when people work alone)."""
        return max(n - 1, 1) / (1 + (self._team(n) - 1) * self.icc**2)


ALONE = Teams(1)


@dataclass(frozen=True)
class GapTest:
    """A difference of two groups' mean scores, in points, with its 95 % interval."""

    diff: float
    ci95: tuple[float, float]
    p: float | None  # None when every score on both sides is the same
    method: str  # "welch", "permutation" or, for two shares, "fisher"
    se: float = 0.0  # standard error of diff (with the team allowance)
    df: float = math.inf  # degrees of freedom of its t distribution
    resamples: int | str | None = None  # permutation: how many, or "exact"


def _welch(x: Summary, y: Summary, teams: Teams = ALONE) -> tuple[float, float]:
    """Standard error and Welch–Satterthwaite degrees of freedom of mean(x) − mean(y),
    with the groups' effective sizes and variance degrees of freedom under `teams`."""
    nx, ny = teams.effective(x.n), teams.effective(y.n)
    vx, vy = (x.sd or 0.0) ** 2 / nx, (y.sd or 0.0) ** 2 / ny
    se = math.sqrt(vx + vy)
    fx, fy = teams.variance_df(x.n), teams.variance_df(y.n)
    if se == 0:
        return 0.0, fx + fy
    return se, _satterthwaite(vx, vy, fx, fy)


def _satterthwaite(vx: float, vy: float, fx: float, fy: float) -> float:
    """Welch–Satterthwaite degrees of freedom of a sum of two variances of the mean, `vx`
    and `vy`, whose spreads carry `fx` and `fy` degrees of freedom."""
    return (vx + vy) ** 2 / (vx**2 / fx + vy**2 / fy)


def mean_gap(
    x: Sample, y: Sample, seed: int, teams: Teams = ALONE, decisive_below: float = 0.05
) -> GapTest:
    """Compare two independent groups' per-person scores. Welch's t with the standard
    error of the effective sizes and the degrees of freedom of every person's spread
    (`teams`) when both groups have at least PERMUTATION_BELOW people. Otherwise the
    larger of two p values, each valid on its own ground: a permutation test of Welch's t
    (studentized, unlike the raw difference of means; exact for equal spreads whatever
    their shape), the observed t shrunk by the team allowance, and Student's t with the
    smaller side's degrees of freedom (valid for any two spreads); the interval then uses
    those degrees of freedom too. A gap counts as
    clear only when the test and the interval agree. `decisive_below`: a p above it decides
    nothing under the rule, so its Monte Carlo estimate may stop early."""
    sx, sy = describe(x), describe(y)
    diff = sx.mean - sy.mean
    raw_se, _ = _welch(sx, sy)
    se, df = _welch(sx, sy, teams)
    if se == 0:
        return GapTest(diff, (diff, diff), None if diff == 0 else 0.0, "welch", 0.0, df)
    half = float(stdtrit(df, 0.5 + CONFIDENCE / 2)) * se  # Student t quantile
    ci = (diff - half, diff + half)
    if min(x.n, y.n) >= PERMUTATION_BELOW:
        p = float(2 * stdtr(df, -abs(diff) / se))  # both tails of Student t
        return GapTest(diff, ci, min(1.0, p), "welch", se, df)
    # Few people: Student's t with the cautious degrees of freedom of the smaller side
    # (its effective people − 1; Hsu, Scheffé), which holds its level for any two spreads,
    # where Welch–Satterthwaite's and the permutation's run about twice too often into the
    # far tail a family of 30 needs (4 vs 12 or 8 vs 40 people, one side spreading more).
    df = max(min(teams.effective(x.n), teams.effective(y.n)) - 1, 1.0)
    half = float(stdtrit(df, 0.5 + CONFIDENCE / 2)) * se
    ci = (diff - half, diff + half)
    permuted, resamples = permutation_welch_p(x, y, abs(diff) / se, seed, decisive_below)
    # Valid when either is: the permutation p is exact for equal spreads of any shape.
    p = max(permuted, float(2 * stdtr(df, -abs(diff) / se)))
    return GapTest(diff, ci, min(1.0, p), "permutation", se, df, resamples)


def _welch_t(
    s1: np.ndarray, q1: np.ndarray, n1: int, total: float, squares: float, n: int
) -> np.ndarray:
    """|Welch's t| of every split given by the first group's sums and sums of squares."""
    n2 = n - n1
    s2, q2 = total - s1, squares - q1
    v1 = np.maximum(q1 - s1 * s1 / n1, 0.0) / (n1 - 1) / n1
    v2 = np.maximum(q2 - s2 * s2 / n2, 0.0) / (n2 - 1) / n2
    diff = np.abs(s1 / n1 - s2 / n2)
    se = np.sqrt(v1 + v2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, diff / np.where(se > 0, se, 1.0), np.where(diff > 0, np.inf, 0.0))
    return t


def permutation_welch_p(
    x: Sample, y: Sample, observed: float, seed: int, decisive_below: float = 0.05
) -> tuple[float, int | str]:
    """Two-sided permutation p of Welch's t: the share of splits of everyone into groups of
    x.n and y.n whose |t| reaches `observed`. Every split when there are at most
    PERMUTATION_EXACT_UP_TO ("exact"); else seeded random splits, first
    PERMUTATION_FIRST_RESAMPLES and, unless p is then surely above `decisive_below`,
    PERMUTATION_RESAMPLES, and p is the upper P_BOUND_CONFIDENCE bound of the Monte Carlo
    estimate (Clopper–Pearson), so a verdict near the line does not hang on the seed.
    Returns (p, resamples used or "exact")."""
    values = np.concatenate([x.expand(), y.expand()])
    n, k = len(values), min(x.n, y.n)
    total, squares = float(values.sum()), float(values @ values)
    limit = observed * (1 - 1e-9)  # equal t values count as reaching it
    splits = math.comb(n, k)
    if splits <= PERMUTATION_EXACT_UP_TO:
        from itertools import chain, combinations

        chosen = np.fromiter(chain.from_iterable(combinations(range(n), k)), np.int64)
        picked = values[chosen.reshape(splits, k)]
        t = _welch_t(picked.sum(axis=1), (picked * picked).sum(axis=1), k, total, squares, n)
        return float(np.count_nonzero(t >= limit) / splits), "exact"
    distinct, weights = np.unique(values, return_counts=True)
    rng = np.random.default_rng(seed)
    hits, drawn = 0, 0
    for target in (PERMUTATION_FIRST_RESAMPLES, PERMUTATION_RESAMPLES):
        counts = rng.multivariate_hypergeometric(weights, k, size=target - drawn, method="count")
        t = _welch_t(counts @ distinct, counts @ (distinct * distinct), k, total, squares, n)
        hits += int(np.count_nonzero(t >= limit))
        drawn = target
        lower = float(betaincinv(hits, drawn - hits + 1, 1 - P_BOUND_CONFIDENCE)) if hits else 0.0
        if lower > decisive_below:
            break
    upper = float(betaincinv(hits + 1, drawn - hits, P_BOUND_CONFIDENCE)) if hits < drawn else 1.0
    return min(1.0, max(upper, (hits + 1) / (drawn + 1))), drawn


def permutation_floor(n1: int, n2: int) -> float:
    """The smallest p the permutation test can give with groups of n1 and n2: one split
    (two with equal groups, mirror images) of all; for Monte Carlo the bound of no hit."""
    splits = math.comb(n1 + n2, min(n1, n2))
    if splits <= PERMUTATION_EXACT_UP_TO:
        return (2 if n1 == n2 else 1) / splits
    return float(betaincinv(1, PERMUTATION_RESAMPLES, P_BOUND_CONFIDENCE))


def wilcoxon_floor(n: int) -> float:
    """The smallest two-sided p of the signed-rank test with n pairs: every sign alike,
    2 / 2^n where it is exact or enumerated (up to 50 pairs), else the normal approximation's."""
    if n <= WILCOXON_EXACT_UP_TO:
        return min(1.0, 2 / 2**n)
    z = math.sqrt(3 * n * (n + 1) / (2 * n + 1))
    return float(2 * ndtr(-z))


def design_adjusted(p: float | None, deff: float) -> float | None:
    """A p value with its z shrunk by √deff (the first-order design-effect correction of a
    test that assumed independent people): p itself when deff is 1."""
    if p is None or deff <= 1:
        return p
    z = float(ndtri(1 - p / 2)) if p > 0 else math.inf
    return float(2 * ndtr(-z / math.sqrt(deff)))


def paired_interval(
    differences: Sample, teams: Teams = ALONE
) -> tuple[float, float, float, float] | None:
    """Student's t 95 % interval of the mean paired difference, from the effective number
    of pairs; returns (low, high, standard error, degrees of freedom)."""
    summary = describe(differences)
    if summary.sd is None:
        return None
    effective = teams.effective(summary.n)
    se = summary.sd / math.sqrt(effective)
    df = max(effective - 1, 1.0)
    half = float(stdtrit(df, 0.5 + CONFIDENCE / 2)) * se
    return (summary.mean - half, summary.mean + half, se, df)


def selected_interval(diff: float, se: float, df: float, level: float) -> tuple[float, float]:
    """The interval of a selected finding at confidence `level` (Benjamini & Yekutieli's
    false-coverage-adjusted level 1 − R·q/m for R selected of m)."""
    if se == 0:
        return (diff, diff)
    half = float(stdtrit(df, 0.5 + level / 2)) * se
    return (diff - half, diff + half)


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini–Hochberg adjusted p values (q) over the p values given (None stays None),
    computed as `scipy.stats.false_discovery_control(method="bh")` does."""
    tested = [i for i, p in enumerate(p_values) if p is not None]
    adjusted: list[float | None] = [None] * len(p_values)
    if tested:
        ps = np.asarray([p_values[i] for i in tested], float)
        order = np.argsort(ps)
        ranked = ps[order] * (len(ps) / np.arange(1, len(ps) + 1))
        # Each q is the smallest ranked value from its rank on: step-up, never above 1.
        q = np.empty_like(ps)
        q[order] = np.minimum.accumulate(ranked[::-1])[::-1]
        for index, value in zip(tested, np.clip(q, 0.0, 1.0), strict=True):
            adjusted[index] = float(value)
    return adjusted


def detectable_gap(
    sd: float, n1: float, n2: float, alpha: float, power: float = 0.8, df: float = math.inf
) -> float:
    """Smallest difference of means that a two-sided test at `alpha` detects with
    `power`: (t(1 − alpha/2) + t(power)) · sd · √(1/n1 + 1/n2), t with `df` degrees of
    freedom (normal when infinite); n1, n2 the effective sizes."""
    if math.isinf(df):
        z = float(ndtri(1 - alpha / 2) + ndtri(power))
    else:
        z = float(stdtrit(df, 1 - alpha / 2) + stdtrit(df, power))
    return z * sd * math.sqrt(1 / n1 + 1 / n2)


@dataclass(frozen=True)
class Planning:
    """What a round of n1 and n2 people can detect, for the test the gaps actually get."""

    detectable: float | None  # points; None when no single gap can be clear
    test: str  # "welch" or "permutation"
    bar: float  # the p a lone real gap must reach (alpha / family size)
    floor: float  # the smallest p the test can give at this size (0 for Welch)
    level: float  # the attainable test level at or below the bar
    felt_floor: float  # the signed-rank test's smallest p, with the team allowance


def planning(
    sd: float, n1: int, n2: int, bar: float, teams: Teams = ALONE, power: float = 0.8
) -> Planning:
    """The planning figure: the smallest blind spot found with `power`, by the test the
    round's gaps get (Welch with effective sizes, or the permutation test's attainable
    levels, which are multiples of one split), at the bar a lone gap must pass. None when
    even the most extreme data could not pass it."""
    e1, e2 = teams.effective(n1), teams.effective(n2)
    felt_floor = design_adjusted(wilcoxon_floor(min(n1, n2)), teams.deff(min(n1, n2)))
    assert felt_floor is not None
    test, floor, level = "welch", 0.0, bar
    if min(n1, n2) < PERMUTATION_BELOW:
        test, floor = "permutation", permutation_floor(n1, n2)
        splits = math.comb(n1 + n2, min(n1, n2))
        if splits <= PERMUTATION_EXACT_UP_TO:
            step = (2 if n1 == n2 else 1) / splits
            level = math.floor(bar / step + 1e-9) * step
        elif floor > bar:
            level = 0.0
    if level <= 0 or floor > bar:
        return Planning(None, test, bar, floor, 0.0, felt_floor)
    if sd <= 0:  # every score alike: any difference at all would show
        return Planning(0.0, test, bar, floor, level, felt_floor)
    vx, vy = sd * sd / e1, sd * sd / e2
    df = _satterthwaite(vx, vy, teams.variance_df(n1), teams.variance_df(n2))
    if test == "permutation":  # as mean_gap: the smaller side's degrees of freedom
        df = max(min(e1, e2) - 1, 1.0)
    return Planning(
        detectable_gap(sd, e1, e2, level, power, df), test, bar, floor, level, felt_floor
    )


def alpha_interval(alpha: float, n: int, k: int) -> tuple[float, float]:
    """Feldt's 95 % interval of Cronbach's alpha from n complete cases of k items."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - CONFIDENCE) / 2
    low = 1 - (1 - alpha) * float(fdtri(df1, df2, 1 - tail))  # F quantiles
    high = 1 - (1 - alpha) * float(fdtri(df1, df2, tail))
    return (low, high)


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's interval of a share k/n (sensible at 0 and n, unlike the Wald one)."""
    z = float(ndtri(0.5 + confidence / 2))
    share = k / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe_interval(
    k1: int, n1: int, k2: int, n2: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Newcombe's hybrid score interval of k1/n1 − k2/n2 (his method 10: the two shares'
    Wilson intervals combined), at `confidence`."""
    p1, p2 = k1 / n1, k2 / n2
    (low1, high1), (low2, high2) = (
        wilson_interval(k1, n1, confidence),
        wilson_interval(k2, n2, confidence),
    )
    diff = p1 - p2
    return (diff - math.hypot(p1 - low1, high2 - p2), diff + math.hypot(high1 - p1, p2 - low2))


def share_difference(k1: int, n1: int, k2: int, n2: int) -> GapTest:
    """k1/n1 − k2/n2 with Newcombe's hybrid score interval and Fisher's exact test. Welch's
    t on 0/1 answers gives a zero-width interval when each side answers alike (10 of 10
    against 0 of 10)."""
    from scipy.stats import fisher_exact

    table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
    p = float(fisher_exact(table).pvalue)
    interval = newcombe_interval(k1, n1, k2, n2)
    return GapTest(k1 / n1 - k2 / n2, interval, min(1.0, p), "fisher")
