"""Rollups, suppression, Student's t and Wilson, against published values and worked examples."""

from __future__ import annotations

import math

import pytest

from surveys.statistics import (
    Rollup,
    is_suppressed,
    mean_estimate,
    merge_all,
    t_quantile,
    wilson_interval,
    z_for,
)


def test_rollup_of_values_gives_mean_and_sample_sd():
    rollup = Rollup.of([2, 4, 4, 4, 5, 5, 7, 9])
    assert (rollup.count, rollup.total, rollup.total_squares) == (8, 40, 232)
    assert rollup.mean == 5
    # sum of squared deviations 32 over n - 1 = 7
    assert rollup.variance == pytest.approx(32 / 7)
    assert rollup.sd == pytest.approx(math.sqrt(32 / 7))


def test_merging_two_rollups_equals_the_rollup_of_the_union():
    first, second = [1.0, 2.5, 3.0, 4.0], [5.0, 2.0, 3.5]
    merged = Rollup.of(first).merge(Rollup.of(second))
    union = Rollup.of(first + second)
    assert merged == union
    assert Rollup.of(first) + Rollup.of(second) == union
    assert merge_all([Rollup.of(first), Rollup(), Rollup.of(second)]) == union
    assert merged.sd == pytest.approx(union.sd)


def test_no_responses_and_one_response_are_undefined_not_zero():
    empty = Rollup()
    assert (empty.mean, empty.variance, empty.sd) == (None, None, None)
    one = Rollup.of([4])
    assert one.mean == 4
    assert (one.variance, one.sd) == (None, None)


def test_zero_variance_is_exactly_zero_despite_rounding():
    # 3.7 ten times: sum of squares minus square of sum over n is not exactly 0 in floating point
    rollup = Rollup.of([3.7] * 10)
    assert rollup.variance == 0.0
    assert rollup.sd == 0.0
    estimate = mean_estimate(rollup)
    assert estimate.mean == pytest.approx(3.7)
    assert estimate.lower == estimate.upper == pytest.approx(3.7)


def test_suppression_boundary_seven_is_withheld_eight_is_shown():
    assert is_suppressed(7)
    assert not is_suppressed(8)
    assert is_suppressed(0)
    assert not is_suppressed(5, threshold=5)
    seven = mean_estimate(Rollup.of([1, 2, 3, 4, 5, 4, 3]))
    assert seven.suppressed
    assert (seven.mean, seven.sd, seven.lower, seven.upper) == (None, None, None, None)
    eight = mean_estimate(Rollup.of([1, 2, 3, 4, 5, 4, 3, 2]))
    assert not eight.suppressed
    assert eight.mean == 3


def test_one_response_with_suppression_off_has_a_mean_but_no_interval():
    estimate = mean_estimate(Rollup.of([4]), threshold=1)
    assert not estimate.suppressed
    assert estimate.mean == 4
    assert (estimate.sd, estimate.lower, estimate.upper) == (None, None, None)
    assert mean_estimate(Rollup(), threshold=0).suppressed


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        # Upper critical values of Student's t at 0.025 in one tail (95% two-sided), as tabled in
        # NIST/SEMATECH e-Handbook of Statistical Methods 1.3.6.7.2 (3 decimals).
        (1, 12.706),
        (2, 4.303),
        (9, 2.262),
        (29, 2.045),
        (100, 1.984),
    ],
)
def test_t_quantile_matches_the_95_percent_table(df, expected):
    assert t_quantile(0.975, df=df) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        # 99.8% two-sided (0.001 in one tail): Quené, Quantitative Methods, appendix C critical t.
        (1, 318.309),
        (9, 4.297),
        (20, 3.552),
    ],
)
def test_t_quantile_matches_the_99_8_percent_table(df, expected):
    assert t_quantile(0.999, df=df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_is_symmetric_and_tends_to_the_normal():
    assert t_quantile(0.5, df=3) == 0.0
    assert t_quantile(0.025, df=9) == pytest.approx(-t_quantile(0.975, df=9))
    assert t_quantile(0.975, df=100_000) == pytest.approx(1.959964, abs=1e-4)
    assert z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_for(0.998) == pytest.approx(3.090232, abs=1e-6)
    with pytest.raises(ValueError):
        t_quantile(0.975, df=0)


def test_mean_interval_uses_t_with_n_minus_1_df():
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sd sqrt(32/7) = 2.13809, se = 0.75593, t(7) = 2.364624
    estimate = mean_estimate(Rollup.of([2, 4, 4, 4, 5, 5, 7, 9]))
    assert estimate.lower == pytest.approx(5 - 2.364624 * 0.755929, abs=1e-5)
    assert estimate.upper == pytest.approx(5 + 2.364624 * 0.755929, abs=1e-5)
    wider = mean_estimate(Rollup.of([2, 4, 4, 4, 5, 5, 7, 9]), confidence=0.998)
    assert wider.lower is not None and estimate.lower is not None
    assert wider.lower < estimate.lower


def test_wilson_interval_against_published_value():
    # 13 of 16: 95% CI 0.5699 to 0.9341. ocbe-uio/contingencytables, tests/testthat/test-ch2.R
    # (Wilson_score_CI_1x2(X = 13, n = 16)), from Fagerland, Lydersen and Laake (2017), chapter 2.
    lower, upper = wilson_interval(successes=13, n=16)
    assert lower == pytest.approx(0.5699, abs=5e-5)
    assert upper == pytest.approx(0.9341, abs=5e-5)


def test_wilson_interval_at_0_and_100_percent_stays_in_range():
    lower, upper = wilson_interval(successes=0, n=20)
    assert lower == 0.0
    assert upper == pytest.approx(0.16113, abs=1e-5)  # z^2 / (n + z^2) = 3.8415 / 23.8415
    lower, upper = wilson_interval(successes=20, n=20)
    assert upper == 1.0
    assert lower == pytest.approx(1 - 0.16113, abs=1e-5)
    with pytest.raises(ValueError):
        wilson_interval(successes=1, n=0)
    with pytest.raises(ValueError):
        wilson_interval(successes=5, n=4)


def test_mean_interval_by_phe_means_method():
    # PHEindicatormethods R/Means.R (phe_mean): mean +/- |qt(p, n - 1)| * sd / sqrt(n). On its
    # documented example values 30, 40, 50, 60: mean 45, sd 12.909944, qt(0.975, 3) = 3.182446
    # (3.182 in the NIST table), so 45 +/- 20.541.
    estimate = mean_estimate(Rollup.of([30, 40, 50, 60]), threshold=4)
    assert estimate.sd == pytest.approx(12.909944, abs=1e-6)
    assert estimate.lower == pytest.approx(45 - 3.182446 * 12.909944 / 2, abs=1e-5)
    assert estimate.upper == pytest.approx(45 + 3.182446 * 12.909944 / 2, abs=1e-5)
