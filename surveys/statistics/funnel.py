"""Funnel plots: which teams differ from the target by more than chance, given how many answered.

A league table ranks noise; a funnel plot (Spiegelhalter 2005, Statistics in Medicine 24:1185) asks of
each team whether its figure lies outside the limits expected from its own number of responses,
target +/- z * sd / sqrt(n), at 95% and 99.8%. Where teams differ for reasons beyond sampling (case
mix), the limits can be widened by an additive between-team variance, as FunnelPlotR does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .intervals import SUPPRESSION_THRESHOLD, Z_95, Z_998, Rollup, is_suppressed, merge_all


class Band(StrEnum):
    ABOVE_998 = "above_99_8"
    ABOVE_95 = "above_95"
    WITHIN = "within"
    BELOW_95 = "below_95"
    BELOW_998 = "below_99_8"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class FunnelLimits:
    n: int
    lower_998: float
    lower_95: float
    upper_95: float
    upper_998: float


@dataclass(frozen=True)
class FunnelUnit:
    """One team on the funnel; value and limits are None when its count is suppressed."""

    key: str
    count: int
    band: Band
    value: float | None = None
    limits: FunnelLimits | None = None


@dataclass(frozen=True)
class Funnel:
    target: float
    spread: float  # the sd for means; for proportions, sqrt(target * (1 - target))
    tau2: float  # the additive between-team variance; 0 when limits are not widened
    units: tuple[FunnelUnit, ...]


def band_for(value: float, limits: FunnelLimits) -> Band:
    """A value exactly on a limit is within it: only beyond the line is unusual."""
    if value > limits.upper_998:
        return Band.ABOVE_998
    if value > limits.upper_95:
        return Band.ABOVE_95
    if value < limits.lower_998:
        return Band.BELOW_998
    if value < limits.lower_95:
        return Band.BELOW_95
    return Band.WITHIN


def mean_funnel_limits(*, target: float, sd: float, n: int, tau2: float = 0.0) -> FunnelLimits:
    """target +/- z * sqrt(sd^2 / n + tau2): Spiegelhalter's limits, widened by tau2 if given."""
    if n < 1:
        raise ValueError("funnel limits need at least one response")
    se = math.sqrt(sd * sd / n + tau2)
    return FunnelLimits(
        n=n,
        lower_998=target - Z_998 * se,
        lower_95=target - Z_95 * se,
        upper_95=target + Z_95 * se,
        upper_998=target + Z_998 * se,
    )


def mean_funnel_curve(
    *, target: float, sd: float, max_n: int, tau2: float = 0.0, min_n: int = 1
) -> list[FunnelLimits]:
    """The limit lines as data, one row per n from min_n to max_n, for the chart to draw."""
    return [
        mean_funnel_limits(target=target, sd=sd, n=n, tau2=tau2) for n in range(min_n, max_n + 1)
    ]


def winsorise(values: Sequence[float], *, trim: float = 0.1) -> list[float]:
    """Pull values beyond the trim and 1 - trim quantiles in to those quantiles.

    Quantiles as R's default (type 7), so the result matches FunnelPlotR's winsorisation().
    """
    if not values:
        return []
    low, high = _quantile(values, trim), _quantile(values, 1.0 - trim)
    return [min(max(value, low), high) for value in values]


def _quantile(values: Sequence[float], probability: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * probability
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def additive_tau2(*, z_scores: Sequence[float], standard_errors: Sequence[float]) -> float:
    """The between-team variance tau^2 from (winsorised) z-scores, a DerSimonian-Laird estimator.

    As FunnelPlotR's phi_func and tau_func (nhs-r-community/FunnelPlotR, R/od_adjustment.R):
    phi = mean(z^2); tau^2 = 0 when k * phi < k - 1, else
    max(0, (k * phi - (k - 1)) / (sum(w) - sum(w^2) / sum(w))) with w = 1 / s^2.
    """
    k = len(z_scores)
    if k == 0 or len(standard_errors) != k:
        return 0.0
    phi = sum(z * z for z in z_scores) / k
    if k * phi < k - 1:
        return 0.0
    weights = [1.0 / (s * s) for s in standard_errors]
    denominator = sum(weights) - sum(w * w for w in weights) / sum(weights)
    if denominator <= 0:
        return 0.0
    return max(0.0, (k * phi - (k - 1)) / denominator)


def mean_funnel(
    *,
    units: Mapping[str, Rollup],
    target: float | None = None,
    sd: float | None = None,
    overdispersion: bool = False,
    trim: float = 0.1,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> Funnel:
    """Each team's mean against funnel limits around the target.

    The target and sd default to those of all responses together (the trust's mean and spread).
    Suppressed teams still count towards the target, as they do towards any trust figure, but are
    neither placed nor used to estimate overdispersion. With `overdispersion`, z-scores are
    winsorised at `trim` and tau^2 added to every team's variance (FunnelPlotR's additive method).
    """
    pooled = merge_all(units.values())
    centre = target if target is not None else pooled.mean
    spread = sd if sd is not None else pooled.sd
    if centre is None or spread is None or spread <= 0:
        raise ValueError(
            "a funnel needs a target and a positive sd (at least two varied responses)"
        )
    shown = {
        key: rollup
        for key, rollup in units.items()
        if not is_suppressed(rollup.count, threshold=threshold) and rollup.count > 0
    }
    tau2 = 0.0
    if overdispersion and shown:
        errors = [spread / math.sqrt(rollup.count) for rollup in shown.values()]
        z_scores = [
            (rollup.total / rollup.count - centre) / error
            for rollup, error in zip(shown.values(), errors, strict=True)
        ]
        tau2 = additive_tau2(z_scores=winsorise(z_scores, trim=trim), standard_errors=errors)
    placed: list[FunnelUnit] = []
    for key, rollup in units.items():
        if key not in shown:
            placed.append(FunnelUnit(key=key, count=rollup.count, band=Band.SUPPRESSED))
            continue
        value = rollup.total / rollup.count
        limits = mean_funnel_limits(target=centre, sd=spread, n=rollup.count, tau2=tau2)
        placed.append(
            FunnelUnit(
                key=key,
                count=rollup.count,
                band=band_for(value, limits),
                value=value,
                limits=limits,
            )
        )
    return Funnel(target=centre, spread=spread, tau2=tau2, units=tuple(placed))


def proportion_funnel_limits(*, target: float, n: int) -> FunnelLimits:
    """The proportions whose Wilson interval at n would just reach the target, clipped to 0..1.

    Inverting Wilson's score interval gives the score-test limits target +/- z * sqrt(t(1-t)/n):
    the same values as PHE Fingertips' funnel (PHEindicatormethods, sigma_adjustment in R/Funnels.R).
    """
    if n < 1:
        raise ValueError("funnel limits need at least one response")
    if not 0.0 <= target <= 1.0:
        raise ValueError("a target proportion lies between 0 and 1")
    se = math.sqrt(target * (1.0 - target) / n)
    return FunnelLimits(
        n=n,
        lower_998=max(0.0, target - Z_998 * se),
        lower_95=max(0.0, target - Z_95 * se),
        upper_95=min(1.0, target + Z_95 * se),
        upper_998=min(1.0, target + Z_998 * se),
    )


def proportion_funnel_curve(*, target: float, max_n: int, min_n: int = 1) -> list[FunnelLimits]:
    return [proportion_funnel_limits(target=target, n=n) for n in range(min_n, max_n + 1)]


def proportion_funnel(
    *,
    units: Mapping[str, tuple[int, int]],
    target: float | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> Funnel:
    """Response rates (successes, n) per team against funnel limits; target defaults to the pooled rate.

    A team with no one to ask (n = 0) is suppressed like any team below the threshold.
    """
    for successes, n in units.values():
        if not 0 <= successes <= n:
            raise ValueError("successes must be between 0 and n")
    asked = sum(n for _, n in units.values())
    if target is None and not asked:
        raise ValueError("a funnel needs a target or at least one response")
    centre = target if target is not None else sum(s for s, _ in units.values()) / asked
    placed: list[FunnelUnit] = []
    for key, (successes, n) in units.items():
        if n == 0 or is_suppressed(n, threshold=threshold):
            placed.append(FunnelUnit(key=key, count=n, band=Band.SUPPRESSED))
            continue
        value = successes / n
        limits = proportion_funnel_limits(target=centre, n=n)
        placed.append(
            FunnelUnit(key=key, count=n, band=band_for(value, limits), value=value, limits=limits)
        )
    return Funnel(
        target=centre, spread=math.sqrt(centre * (1 - centre)), tau2=0.0, units=tuple(placed)
    )
