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
from scipy.special import fdtri, ndtr, ndtri, stdtr, stdtrit

BOOTSTRAP_RESAMPLES = 9_999
CONFIDENCE = 0.95
MAGNITUDES = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"))
WILCOXON_EXACT_UP_TO = 50  # scipy's cut-offs for its exact and permutation tests
WILCOXON_PERMUTATION_UP_TO = 13
PERMUTATION_BELOW = 10  # a side with fewer people gets a permutation test, not Welch's t
PERMUTATION_RESAMPLES = 9_999
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
class GapTest:
    """A difference of two groups' mean scores, in points, with its 95 % interval."""

    diff: float
    ci95: tuple[float, float]
    p: float | None  # None when every score on both sides is the same
    method: str  # "welch", "permutation" or, for two shares, "fisher"


def _welch(x: Summary, y: Summary) -> tuple[float, float]:
    """Standard error and Welch–Satterthwaite degrees of freedom of mean(x) − mean(y)."""
    vx, vy = (x.sd or 0.0) ** 2 / x.n, (y.sd or 0.0) ** 2 / y.n
    se = math.sqrt(vx + vy)
    if se == 0:
        return 0.0, float(x.n + y.n - 2)
    df = (vx + vy) ** 2 / (vx**2 / max(x.n - 1, 1) + vy**2 / max(y.n - 1, 1))
    return se, df


def mean_gap(x: Sample, y: Sample, seed: int) -> GapTest:
    """Compare two independent groups' per-person scores. Welch's t from the summaries
    when both groups have at least PERMUTATION_BELOW people; otherwise a permutation
    test of the difference of means (exact when there are few arrangements, else
    Monte Carlo with a fixed seed, so the report is reproducible). The interval is
    Welch's either way; a gap counts as clear only when the test and the interval agree."""
    sx, sy = describe(x), describe(y)
    diff = sx.mean - sy.mean
    se, df = _welch(sx, sy)
    if se == 0:
        return GapTest(diff, (diff, diff), None if diff == 0 else 0.0, "welch")
    half = float(stdtrit(df, 0.5 + CONFIDENCE / 2)) * se  # Student t quantile
    ci = (diff - half, diff + half)
    if min(x.n, y.n) >= PERMUTATION_BELOW:
        p = float(2 * stdtr(df, -abs(diff) / se))  # both tails of Student t
        return GapTest(diff, ci, min(1.0, p), "welch")
    from scipy.stats import permutation_test

    result = permutation_test(
        (x.expand(), y.expand()),
        lambda a, b, axis: np.mean(a, axis=axis) - np.mean(b, axis=axis),
        permutation_type="independent",
        vectorized=True,
        n_resamples=PERMUTATION_RESAMPLES,
        rng=np.random.default_rng(seed),
    )
    return GapTest(diff, ci, float(result.pvalue), "permutation")


def paired_interval(differences: Sample) -> tuple[float, float] | None:
    """Student's t 95 % interval of the mean paired difference."""
    summary = describe(differences)
    if summary.sd is None:
        return None
    half = float(stdtrit(summary.n - 1, 0.5 + CONFIDENCE / 2)) * summary.sd / math.sqrt(summary.n)
    return (summary.mean - half, summary.mean + half)


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


def detectable_gap(sd: float, n1: int, n2: int, alpha: float, power: float = 0.8) -> float:
    """Smallest difference of means that a two-sided test at `alpha` detects with
    `power` (normal approximation): (z(1 − alpha/2) + z(power)) · sd · √(1/n1 + 1/n2)."""
    z = float(ndtri(1 - alpha / 2) + ndtri(power))
    return z * sd * math.sqrt(1 / n1 + 1 / n2)


def alpha_interval(alpha: float, n: int, k: int) -> tuple[float, float]:
    """Feldt's 95 % interval of Cronbach's alpha from n complete cases of k items."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - CONFIDENCE) / 2
    low = 1 - (1 - alpha) * float(fdtri(df1, df2, 1 - tail))  # F quantiles
    high = 1 - (1 - alpha) * float(fdtri(df1, df2, tail))
    return (low, high)


def wilson_interval(k: int, n: int) -> tuple[float, float]:
    """Wilson's 95 % interval of a share k/n (sensible at 0 and n, unlike the Wald one)."""
    z = float(ndtri(0.5 + CONFIDENCE / 2))
    share = k / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def share_difference(k1: int, n1: int, k2: int, n2: int) -> GapTest:
    """k1/n1 − k2/n2 with Newcombe's hybrid score interval (his method 10: the two shares'
    Wilson intervals combined) and Fisher's exact test. Welch's t on 0/1 answers gives a
    zero-width interval when each side answers alike (10 of 10 against 0 of 10)."""
    from scipy.stats import fisher_exact

    p1, p2 = k1 / n1, k2 / n2
    (low1, high1), (low2, high2) = wilson_interval(k1, n1), wilson_interval(k2, n2)
    diff = p1 - p2
    low = diff - math.hypot(p1 - low1, high2 - p2)
    high = diff + math.hypot(high1 - p1, p2 - low2)
    table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
    p = float(fisher_exact(table).pvalue)
    return GapTest(diff, (low, high), min(1.0, p), "fisher")
