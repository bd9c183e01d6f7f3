"""XmR statistical process control charts, as NHS England's "Making Data Count" draws them.

A month's dip is usually noise. An XmR chart says when a change is a signal ("special cause") and
whether it is good or bad news for this measure. The rules follow NHSRplotthedots
(nhs-r-community/NHSRplotthedots: R/ptd_spc_standard.R, R/ptd_calculate_point_type.R), so our
charts agree with the ones trusts already read:

- limits mean +/- 2.66 x mean moving range; "two sigma" lines mean +/- 2 x (2.66 / 3) x mmr;
- moving ranges of 3.267 x the mean moving range or more are left out of it (screen_outliers,
  on by default there and here), then the mean moving range is taken again;
- signals, in this order of precedence: a point outside the limits; a run of points rising or
  falling (every step strictly up or down); two of three consecutive points, all three on the same
  side of the mean, between the two-sigma line and the limit (a point beyond the limit is flagged
  as such, not counted here, as in NHSRplotthedots); a run of points on one side of the mean
  (a point exactly on the mean breaks the run). NHSRplotthedots uses 7 for both runs, as our issue
  does; both lengths are parameters;
- limits and runs are per segment between rebase points; a segment of fewer than 12 points has
  trial limits;
- the variation icon is read from the last point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

LIMIT = 2.66
TWO_SIGMA = 2 * (LIMIT / 3)
MOVING_RANGE_SCREEN = 3.267
TRIAL_BELOW = 12
RUN_LENGTH = 7


class Direction(StrEnum):
    """Which way is better for the measure (hope scores: up; waiting times: down)."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"


class SpecialCause(StrEnum):
    NONE = "common_cause"
    ABOVE_LIMIT = "above_upper_limit"
    BELOW_LIMIT = "below_lower_limit"
    TREND_UP = "trend_increasing"
    TREND_DOWN = "trend_decreasing"
    TWO_IN_THREE_HIGH = "two_in_three_high"
    TWO_IN_THREE_LOW = "two_in_three_low"
    SHIFT_HIGH = "shift_high"
    SHIFT_LOW = "shift_low"

    @property
    def side(self) -> int:
        """+1 for a signal of a high value, -1 for low, 0 for none."""
        if self is SpecialCause.NONE:
            return 0
        high = {
            SpecialCause.ABOVE_LIMIT,
            SpecialCause.TREND_UP,
            SpecialCause.TWO_IN_THREE_HIGH,
            SpecialCause.SHIFT_HIGH,
        }
        return 1 if self in high else -1


class PointType(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"


class VariationIcon(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"


@dataclass(frozen=True)
class Segment:
    """Points start..end-1 share these limits; limits are None for a single point (no range)."""

    start: int
    end: int
    mean: float
    mean_moving_range: float | None
    lower_limit: float | None
    upper_limit: float | None
    lower_two_sigma: float | None
    upper_two_sigma: float | None
    trial: bool


@dataclass(frozen=True)
class SpcPoint:
    index: int
    value: float
    segment: int
    moving_range: float | None  # None for the first point of a segment
    special_cause: SpecialCause
    point_type: PointType


@dataclass(frozen=True)
class XmrChart:
    points: tuple[SpcPoint, ...]
    segments: tuple[Segment, ...]
    icon: VariationIcon | None  # None for an empty chart
    trial_limits: bool  # the latest segment's limits rest on fewer than 12 points


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _segment(
    values: Sequence[float], *, start: int, fix_after: int | None, screen_outliers: bool
) -> Segment:
    basis = list(values[:fix_after] if fix_after is not None else values)
    mean = _mean(basis)
    ranges = [abs(b - a) for a, b in pairwise(basis)]
    trial = len(basis) < TRIAL_BELOW
    if not ranges:
        return Segment(start, start + len(values), mean, None, None, None, None, None, trial)
    mmr = _mean(ranges)
    if screen_outliers and mmr > 0:
        # NHSRplotthedots keeps ranges strictly below 3.267 x mmr. When every range is 0 it would
        # keep none and have no limits; we keep mmr = 0 instead: the limits sit on the mean.
        kept = [r for r in ranges if r < MOVING_RANGE_SCREEN * mmr]
        mmr = _mean(kept)
    return Segment(
        start=start,
        end=start + len(values),
        mean=mean,
        mean_moving_range=mmr,
        lower_limit=mean - LIMIT * mmr,
        upper_limit=mean + LIMIT * mmr,
        lower_two_sigma=mean - TWO_SIGMA * mmr,
        upper_two_sigma=mean + TWO_SIGMA * mmr,
        trial=trial,
    )


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def special_causes(
    values: Sequence[float],
    segment: Segment,
    *,
    trend_length: int = RUN_LENGTH,
    shift_length: int = RUN_LENGTH,
) -> list[SpecialCause]:
    """The signal at each point of one segment, the strongest rule winning where several apply."""
    n = len(values)
    side = [_sign(v - segment.mean) for v in values]
    outside = [0] * n
    close = [False] * n
    if segment.lower_limit is not None and segment.upper_limit is not None:
        assert segment.lower_two_sigma is not None and segment.upper_two_sigma is not None
        for i, v in enumerate(values):
            if v > segment.upper_limit:
                outside[i] = 1
            elif v < segment.lower_limit:
                outside[i] = -1
            else:
                close[i] = v > segment.upper_two_sigma or v < segment.lower_two_sigma

    trend = [0] * n
    if trend_length >= 2:
        for end in range(trend_length - 1, n):
            window = values[end - trend_length + 1 : end + 1]
            steps = {_sign(b - a) for a, b in pairwise(window)}
            if steps in ({1}, {-1}):
                direction = steps.pop()
                # A point ending one run and starting another takes the later run's direction.
                for i in range(end - trend_length + 1, end + 1):
                    trend[i] = direction

    two_in_three = [0] * n
    for first in range(n - 2):
        window = range(first, first + 3)
        same_side = abs(sum(side[i] for i in window)) == 3
        if same_side and sum(close[i] for i in window) >= 2:
            for i in window:
                if close[i]:
                    two_in_three[i] = side[i]

    shift = [0] * n
    if shift_length >= 1:
        for end in range(shift_length - 1, n):
            run = side[end - shift_length + 1 : end + 1]
            if run[0] != 0 and all(s == run[0] for s in run):
                for i in range(end - shift_length + 1, end + 1):
                    shift[i] = run[0]

    causes: list[SpecialCause] = []
    for i in range(n):
        if outside[i]:
            causes.append(SpecialCause.ABOVE_LIMIT if outside[i] > 0 else SpecialCause.BELOW_LIMIT)
        elif trend[i]:
            causes.append(SpecialCause.TREND_UP if trend[i] > 0 else SpecialCause.TREND_DOWN)
        elif two_in_three[i]:
            causes.append(
                SpecialCause.TWO_IN_THREE_HIGH
                if two_in_three[i] > 0
                else SpecialCause.TWO_IN_THREE_LOW
            )
        elif shift[i]:
            causes.append(SpecialCause.SHIFT_HIGH if shift[i] > 0 else SpecialCause.SHIFT_LOW)
        else:
            causes.append(SpecialCause.NONE)
    return causes


def point_type(cause: SpecialCause, *, improvement: Direction) -> PointType:
    """Good or bad news: a high signal is improvement when higher is better, concern when lower is."""
    if cause.side == 0:
        return PointType.COMMON_CAUSE
    if improvement is Direction.NEUTRAL:
        return PointType.NEUTRAL_HIGH if cause.side > 0 else PointType.NEUTRAL_LOW
    better = 1 if improvement is Direction.INCREASE else -1
    return PointType.IMPROVEMENT if cause.side == better else PointType.CONCERN


def variation_icon(kind: PointType, *, improvement: Direction) -> VariationIcon:
    """Making Data Count's variation icon for a point type (as NHSRplotthedots' geom_ptd_icon)."""
    if kind is PointType.COMMON_CAUSE:
        return VariationIcon.COMMON_CAUSE
    if kind is PointType.NEUTRAL_HIGH:
        return VariationIcon.NEUTRAL_HIGH
    if kind is PointType.NEUTRAL_LOW:
        return VariationIcon.NEUTRAL_LOW
    higher_is_better = improvement is not Direction.DECREASE
    if kind is PointType.IMPROVEMENT:
        return VariationIcon.IMPROVEMENT_HIGH if higher_is_better else VariationIcon.IMPROVEMENT_LOW
    return VariationIcon.CONCERN_LOW if higher_is_better else VariationIcon.CONCERN_HIGH


def xmr_chart(
    values: Sequence[float],
    *,
    improvement: Direction = Direction.INCREASE,
    rebase_at: Iterable[int] = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
    trend_length: int = RUN_LENGTH,
    shift_length: int = RUN_LENGTH,
) -> XmrChart:
    """An XmR chart of values in time order, one per period with no gaps.

    `rebase_at` lists the indexes where a recorded change starts a new segment with its own limits.
    `fix_after` computes each segment's limits from its first n points only (NHSRplotthedots'
    fix_after_n_points), so later points are judged against the baseline.
    """
    if fix_after is not None and fix_after < 1:
        raise ValueError("fix_after must be at least 1")
    starts = sorted({0, *(i for i in rebase_at if 0 < i < len(values))})
    bounds = list(zip(starts, [*starts[1:], len(values)], strict=True)) if values else []
    segments: list[Segment] = []
    points: list[SpcPoint] = []
    for number, (start, end) in enumerate(bounds):
        chunk = values[start:end]
        segment = _segment(chunk, start=start, fix_after=fix_after, screen_outliers=screen_outliers)
        segments.append(segment)
        causes = special_causes(
            chunk, segment, trend_length=trend_length, shift_length=shift_length
        )
        for offset, (value, cause) in enumerate(zip(chunk, causes, strict=True)):
            points.append(
                SpcPoint(
                    index=start + offset,
                    value=value,
                    segment=number,
                    moving_range=abs(value - chunk[offset - 1]) if offset else None,
                    special_cause=cause,
                    point_type=point_type(cause, improvement=improvement),
                )
            )
    icon = variation_icon(points[-1].point_type, improvement=improvement) if points else None
    return XmrChart(
        points=tuple(points),
        segments=tuple(segments),
        icon=icon,
        trial_limits=segments[-1].trial if segments else False,
    )
