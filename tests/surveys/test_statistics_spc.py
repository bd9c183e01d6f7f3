"""XmR charts against NHSRplotthedots' own tests (nhs-r-community/NHSRplotthedots, tests/testthat)."""

from __future__ import annotations

import pytest

from surveys.statistics.spc import (
    TWO_SIGMA,
    Direction,
    PointType,
    Segment,
    SpecialCause,
    VariationIcon,
    point_type,
    special_causes,
    variation_icon,
    xmr_chart,
)

# set.seed(123); rnorm(20): the data of NHSRplotthedots tests/testthat/test-ptd_spc_standard.R,
# values as printed in its snapshot tests/testthat/_snaps/ptd_spc_standard.md.
RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip

NO_RUNS = {"trend_length": 100, "shift_length": 100}


def test_limits_match_nhsrplotthedots_snapshot():
    # _snaps/ptd_spc_standard.md, r1: mean_col 0.1416238, lpl -3.01138, upl 3.294627
    segment = xmr_chart(RNORM_20).segments[0]
    assert segment.mean == pytest.approx(0.1416238, abs=1e-7)
    assert segment.lower_limit == pytest.approx(-3.01138, abs=1e-5)
    assert segment.upper_limit == pytest.approx(3.294627, abs=1e-6)
    assert segment.upper_two_sigma is not None and segment.mean_moving_range is not None
    assert segment.upper_two_sigma == pytest.approx(
        segment.mean + 2 * (2.66 / 3) * segment.mean_moving_range
    )
    assert all(p.special_cause is SpecialCause.NONE for p in xmr_chart(RNORM_20).points)


def test_moving_range_outliers_are_screened_by_default_as_nhsrplotthedots():
    # Same data with y[15] <- 10. Snapshot r2 (screen_outliers = TRUE): mean 0.6694159,
    # lpl -2.383666, upl 3.722497; r3 (screen_outliers = FALSE): lpl -4.596625, upl 5.935457.
    values = list(RNORM_20)
    values[14] = 10
    screened = xmr_chart(values).segments[0]
    assert screened.mean == pytest.approx(0.6694159, abs=1e-7)
    assert screened.lower_limit == pytest.approx(-2.383666, abs=1e-6)
    assert screened.upper_limit == pytest.approx(3.722497, abs=1e-6)
    unscreened = xmr_chart(values, screen_outliers=False).segments[0]
    assert unscreened.lower_limit == pytest.approx(-4.596625, abs=1e-6)
    assert unscreened.upper_limit == pytest.approx(5.935457, abs=1e-6)
    assert xmr_chart(values).points[14].special_cause is SpecialCause.ABOVE_LIMIT


def segment(n: int, *, mean: float = 0.0, mmr: float | None = 1.0) -> Segment:
    if mmr is None:
        return Segment(0, n, mean, None, None, None, None, None, trial=n < 12)
    return Segment(
        0, n, mean, mmr, mean - 2.66 * mmr, mean + 2.66 * mmr,
        mean - TWO_SIGMA * mmr, mean + TWO_SIGMA * mmr, trial=n < 12,
    )  # fmt: skip


def shifts(values: list[float]) -> list[int]:
    causes = special_causes(values, segment(len(values), mmr=None), trend_length=100)
    return [c.side if c in (SpecialCause.SHIFT_HIGH, SpecialCause.SHIFT_LOW) else 0 for c in causes]


def test_seven_on_one_side_of_the_mean():
    # test-ptd_calculate_point_type.R, ptd_seven_point_one_side_mean + ptd_part_of_seven_trend:
    # rep(1, 6) and c(rep(1, 6), -1) give no run; c(rep(1, 8), -1) flags the 8 points above.
    assert shifts([1.0] * 6) == [0] * 6
    assert shifts([1.0] * 6 + [-1.0]) == [0] * 7
    assert shifts([1.0] * 8 + [-1.0]) == [1] * 8 + [0]
    assert shifts([-1.0] * 8 + [1.0]) == [-1] * 8 + [0]
    # a point exactly on the mean breaks the run
    assert shifts([1.0] * 3 + [0.0] + [1.0] * 3) == [0] * 7


def trends(values: list[float]) -> list[int]:
    causes = special_causes(values, segment(len(values), mmr=None), shift_length=100)
    return [c.side if c in (SpecialCause.TREND_UP, SpecialCause.TREND_DOWN) else 0 for c in causes]


def test_seven_rising_or_falling():
    # test-ptd_calculate_point_type.R, ptd_seven_point_trend: 1:6 none; c(1:3, 3:6) none (a tie
    # breaks it); 1:7 a trend; c(2, 1:7, 3) the middle seven; and the same falling.
    assert trends([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert trends([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert trends([1, 2, 3, 4, 5, 6, 7]) == [1] * 7
    assert trends([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] + [1] * 7 + [0]
    assert trends([7, 6, 5, 4, 3, 2, 1]) == [-1] * 7
    assert trends([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] + [-1] * 7 + [0]


def test_run_lengths_are_parameters():
    causes = special_causes([1, 2, 3, 4, 5, 6], segment(6, mmr=None), trend_length=6)
    assert all(c is SpecialCause.TREND_UP for c in causes)
    causes = special_causes([1.0] * 6, segment(6, mmr=None), shift_length=6)
    assert all(c is SpecialCause.SHIFT_HIGH for c in causes)


def two_in_three(close: list[int], sides: list[int]) -> list[int]:
    # mean 0, mmr 1: 2.0 lies between the two-sigma line (1.773) and the limit (2.66)
    values = [s * (2.0 if c else 0.5) for c, s in zip(close, sides, strict=True)]
    causes = special_causes(values, segment(len(values)), **NO_RUNS)
    hits = (SpecialCause.TWO_IN_THREE_HIGH, SpecialCause.TWO_IN_THREE_LOW)
    return [1 if c in hits else 0 for c in causes]


def test_two_of_three_beyond_two_sigma_on_one_side():
    # test-ptd_calculate_point_type.R, ptd_part_of_two_in_three: only the points near the limit
    # are flagged, and only when all three of the window are on the same side of the mean.
    assert two_in_three([1, 0, 1], [1, 1, 1]) == [1, 0, 1]
    assert two_in_three([0, 1, 1], [1, 1, 1]) == [0, 1, 1]
    assert two_in_three([1, 1, 0], [1, 1, 1]) == [1, 1, 0]
    assert two_in_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 0, 1, 0, 0]
    assert two_in_three([1, 0, 0, 1], [1] * 4) == [0, 0, 0, 0]
    assert two_in_three([1, 0, 0, 1, 1], [1] * 5) == [0, 0, 0, 1, 1]
    # ptd_two_in_three "when points are on opposite sides of the mean"
    assert two_in_three([1, 0, 1], [1, -1, 1]) == [0, 0, 0]
    assert two_in_three([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1]) == [0] * 7
    low = special_causes([-2.0, -0.5, -2.0], segment(3), **NO_RUNS)
    assert low == [SpecialCause.TWO_IN_THREE_LOW, SpecialCause.NONE, SpecialCause.TWO_IN_THREE_LOW]


def test_two_near_the_limits_on_opposite_sides_are_common_cause():
    # test-ptd_spc_standard.R: rep(c(1, -1), 8) with points 15 and 16 set to 5.5 and -5.5
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    chart = xmr_chart(values)
    assert [p.point_type for p in chart.points[-2:]] == [PointType.COMMON_CAUSE] * 2


def test_outside_the_limits_outranks_a_trend():
    # ptd_special_cause_type: outside limits, then trend, then two in three, then the shift
    values = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 9.0]
    causes = special_causes(values, segment(7, mean=0.2, mmr=1.0))
    assert causes[-1] is SpecialCause.ABOVE_LIMIT
    assert causes[:-1] == [SpecialCause.TREND_UP] * 6


def test_improvement_or_concern_depends_on_which_way_is_better():
    assert point_type(SpecialCause.SHIFT_HIGH, improvement=Direction.INCREASE) is (
        PointType.IMPROVEMENT
    )
    assert point_type(SpecialCause.SHIFT_HIGH, improvement=Direction.DECREASE) is PointType.CONCERN
    assert point_type(SpecialCause.BELOW_LIMIT, improvement=Direction.DECREASE) is (
        PointType.IMPROVEMENT
    )
    assert point_type(SpecialCause.TREND_DOWN, improvement=Direction.INCREASE) is PointType.CONCERN
    assert point_type(SpecialCause.TREND_UP, improvement=Direction.NEUTRAL) is (
        PointType.NEUTRAL_HIGH
    )
    assert point_type(SpecialCause.NONE, improvement=Direction.INCREASE) is PointType.COMMON_CAUSE


def test_variation_icons_follow_geom_ptd_icon():
    # R/geom_ptd_icon.R: concern is "improvement_low" art when increase is better, and so on
    up, down = Direction.INCREASE, Direction.DECREASE
    assert variation_icon(PointType.IMPROVEMENT, improvement=up) is VariationIcon.IMPROVEMENT_HIGH
    assert variation_icon(PointType.IMPROVEMENT, improvement=down) is VariationIcon.IMPROVEMENT_LOW
    assert variation_icon(PointType.CONCERN, improvement=up) is VariationIcon.CONCERN_LOW
    assert variation_icon(PointType.CONCERN, improvement=down) is VariationIcon.CONCERN_HIGH
    assert variation_icon(PointType.COMMON_CAUSE, improvement=up) is VariationIcon.COMMON_CAUSE
    assert (
        variation_icon(PointType.NEUTRAL_LOW, improvement=Direction.NEUTRAL)
        is VariationIcon.NEUTRAL_LOW
    )


def test_chart_icon_reads_the_last_point():
    rising_hope = [3.0, 3.1, 2.9, 3.0, 3.1, 2.9, 3.0, 3.1, 2.9, 3.0, 3.1, 2.9, 4.5]
    chart = xmr_chart(rising_hope)
    assert chart.points[-1].special_cause is SpecialCause.ABOVE_LIMIT
    assert chart.icon is VariationIcon.IMPROVEMENT_HIGH
    assert xmr_chart(rising_hope, improvement=Direction.DECREASE).icon is VariationIcon.CONCERN_HIGH
    assert xmr_chart(RNORM_20).icon is VariationIcon.COMMON_CAUSE


def test_fewer_than_twelve_points_give_trial_limits():
    assert xmr_chart(RNORM_20[:11]).trial_limits
    assert not xmr_chart(RNORM_20[:12]).trial_limits


def test_rebasing_computes_limits_per_segment():
    before, after = RNORM_20[:10], [v + 5 for v in RNORM_20[10:]]
    chart = xmr_chart(before + after, rebase_at=[10])
    assert [(s.start, s.end) for s in chart.segments] == [(0, 10), (10, 20)]
    assert chart.segments[0].mean == pytest.approx(sum(before) / 10)
    assert chart.segments[1].mean == pytest.approx(sum(after) / 10)
    assert [p.segment for p in chart.points] == [0] * 10 + [1] * 10
    # no moving range across the change, and each segment's runs start afresh
    assert chart.points[10].moving_range is None
    assert all(p.special_cause is SpecialCause.NONE for p in chart.points)
    assert chart.trial_limits  # the latest segment has 10 points
    unrebased = xmr_chart(before + after)
    assert any(p.special_cause is not SpecialCause.NONE for p in unrebased.points)


def test_fix_after_judges_later_points_against_the_baseline():
    values = [3.0, 3.2, 2.8] * 4 + [5.0, 5.1, 5.2]
    chart = xmr_chart(values, fix_after=12)
    assert chart.segments[0].mean == pytest.approx(3.0)
    assert all(p.special_cause is SpecialCause.ABOVE_LIMIT for p in chart.points[12:])
    with pytest.raises(ValueError):
        xmr_chart(values, fix_after=0)


def test_all_points_equal_is_common_cause_with_limits_on_the_mean():
    chart = xmr_chart([4.0] * 15)
    s = chart.segments[0]
    assert (s.mean, s.mean_moving_range, s.lower_limit, s.upper_limit) == (4.0, 0.0, 4.0, 4.0)
    assert all(p.point_type is PointType.COMMON_CAUSE for p in chart.points)
    assert chart.icon is VariationIcon.COMMON_CAUSE


def test_empty_and_single_point_charts():
    empty = xmr_chart([])
    assert (empty.points, empty.segments, empty.icon, empty.trial_limits) == ((), (), None, False)
    one = xmr_chart([3.5])
    assert one.segments[0].upper_limit is None
    assert one.points[0].special_cause is SpecialCause.NONE
    assert one.trial_limits
