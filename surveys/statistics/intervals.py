"""Rollups of scores and the uncertainty around them: means with Student's t, proportions with Wilson.

A rollup keeps only count, sum and sum of squares, so a team's figure and a directorate's figure come
from the same three numbers (the database can sum them, and two rollups merge by adding). Every
figure says how many responses it rests on, and one resting on too few is suppressed rather than
shown, as NHS Digital does for secondary care below national level.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

# NHS Digital's secondary-care rule: below national level a mean of fewer than 8 values is "*".
SUPPRESSION_THRESHOLD = 8

# Two-sided normal quantiles for 95% and 99.8%, to the precision Spiegelhalter and FunnelPlotR use.
Z_95 = 1.959964
Z_998 = 3.090232

# Below this, a variance from sums of squares is rounding error, not spread (e.g. 3.7 * 10 times).
_RELATIVE_ROUNDING = 1e-12


def is_suppressed(count: int, *, threshold: int = SUPPRESSION_THRESHOLD) -> bool:
    """Whether a figure resting on `count` responses must be withheld (7 is, 8 is not)."""
    return count < threshold


@dataclass(frozen=True)
class Rollup:
    """Count, sum and sum of squares of some scores: enough for a mean, its spread and its CI."""

    count: int = 0
    total: float = 0.0
    total_squares: float = 0.0

    @classmethod
    def of(cls, values: Iterable[float]) -> Rollup:
        count, total, squares = 0, 0.0, 0.0
        for value in values:
            count += 1
            total += value
            squares += value * value
        return cls(count=count, total=total, total_squares=squares)

    def merge(self, other: Rollup) -> Rollup:
        """The rollup of both sets of responses together, as if summed in one pass."""
        return Rollup(
            count=self.count + other.count,
            total=self.total + other.total,
            total_squares=self.total_squares + other.total_squares,
        )

    __add__ = merge

    @property
    def mean(self) -> float | None:
        """None for no responses: an empty team has no mean, not a mean of 0."""
        return self.total / self.count if self.count else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n - 1), None below two responses where it is undefined."""
        if self.count < 2:
            return None
        spread = self.total_squares - self.total * self.total / self.count
        if spread <= _RELATIVE_ROUNDING * self.total_squares:
            return 0.0
        return spread / (self.count - 1)

    @property
    def sd(self) -> float | None:
        variance = self.variance
        return None if variance is None else math.sqrt(variance)


def merge_all(rollups: Iterable[Rollup]) -> Rollup:
    merged = Rollup()
    for rollup in rollups:
        merged = merged.merge(rollup)
    return merged


@dataclass(frozen=True)
class MeanEstimate:
    """A mean ready to show: withheld (all None) when suppressed, so no page can leak it."""

    count: int
    suppressed: bool
    mean: float | None = None
    sd: float | None = None
    lower: float | None = None
    upper: float | None = None


def t_quantile(probability: float, *, df: int) -> float:
    """Student's t quantile, by bisection on the CDF (exact to ~1e-12, enough for any table).

    Written here rather than adding SciPy for one function; tested against published tables.
    """
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if not 0.0 < probability < 1.0:
        raise ValueError("probability must be strictly between 0 and 1")
    if probability == 0.5:
        return 0.0
    if probability < 0.5:
        return -t_quantile(1.0 - probability, df=df)
    tail = 1.0 - probability
    low, high = 0.0, 1.0
    while _t_upper_tail(high, df) > tail:
        low, high = high, high * 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if _t_upper_tail(middle, df) > tail:
            low = middle
        else:
            high = middle
        if high - low <= 1e-13 * high:
            break
    return (low + high) / 2.0


def _t_upper_tail(t: float, df: int) -> float:
    """P(T > t) for t >= 0: half the regularised incomplete beta at df / (df + t^2)."""
    return 0.5 * _incomplete_beta(df / (df + t * t), df / 2.0, 0.5)


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """Regularised incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes 6.4)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1.0) / (a + b + 2.0):
        # The fraction converges fast only below the mean: use the symmetry I_x(a,b) = 1 - I_1-x(b,a).
        return 1.0 - _incomplete_beta(1.0 - x, b, a)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return front * fraction / a


def z_for(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level such as 0.95."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be strictly between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def mean_estimate(
    rollup: Rollup, *, confidence: float = 0.95, threshold: int = SUPPRESSION_THRESHOLD
) -> MeanEstimate:
    """The mean with its confidence interval, mean +/- t(n-1) * sd / sqrt(n) (as phe_mean does).

    Suppressed below the threshold. Shown with one response, the mean has no interval (sd and the
    limits are None): one answer says nothing about how far the team's mean could be from it.
    """
    if is_suppressed(rollup.count, threshold=threshold) or rollup.mean is None:
        return MeanEstimate(count=rollup.count, suppressed=True)
    mean, sd = rollup.mean, rollup.sd
    if sd is None:
        return MeanEstimate(count=rollup.count, suppressed=False, mean=mean)
    half_width = (
        t_quantile(0.5 + confidence / 2.0, df=rollup.count - 1) * sd / math.sqrt(rollup.count)
    )
    return MeanEstimate(
        count=rollup.count,
        suppressed=False,
        mean=mean,
        sd=sd,
        lower=mean - half_width,
        upper=mean + half_width,
    )


def wilson_interval(*, successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson's score interval for successes / n: stays inside 0..1 and behaves at small n and 0%."""
    if n <= 0:
        raise ValueError("a proportion needs at least one response")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half_width = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Clamp the rounding at 0 and 1 (0/n gives a lower limit of exactly 0 in exact arithmetic).
    return max(0.0, centre - half_width), min(1.0, centre + half_width)
