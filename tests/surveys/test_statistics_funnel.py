"""Funnel plots for means and response rates, against PHE's and FunnelPlotR's published methods."""

from __future__ import annotations

import math

import pytest

from surveys.statistics import (
    Band,
    FunnelLimits,
    Rollup,
    additive_tau2,
    band_for,
    mean_funnel,
    mean_funnel_curve,
    mean_funnel_limits,
    proportion_funnel,
    proportion_funnel_curve,
    proportion_funnel_limits,
    winsorise,
)

# PHEindicatormethods, tests/testthat/testdata_funnel_prop_outputs.csv (ukhsa-collaboration):
# population, lower 95%, upper 95%, lower 99.8%, upper 99.8% (percentages; baseline 80.642448%).
PHE_BASELINE = 0.80642448
PHE_FUNNEL_ROWS = [
    (1, 3.204264, 100, 0, 100),
    (10, 56.154344, 100, 42.03259, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (102, 72.974925, 88.309971, 68.553233, 92.731663),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


@pytest.mark.parametrize(("n", "low95", "high95", "low998", "high998"), PHE_FUNNEL_ROWS)
def test_proportion_limits_match_phe_fingertips_funnel(n, low95, high95, low998, high998):
    limits = proportion_funnel_limits(target=PHE_BASELINE, n=n)
    assert 100 * limits.lower_95 == pytest.approx(low95, abs=1e-5)
    assert 100 * limits.upper_95 == pytest.approx(high95, abs=1e-5)
    assert 100 * limits.lower_998 == pytest.approx(low998, abs=1e-5)
    assert 100 * limits.upper_998 == pytest.approx(high998, abs=1e-5)


def test_mean_limits_are_target_plus_or_minus_z_sd_over_root_n():
    limits = mean_funnel_limits(target=3.0, sd=1.0, n=25)
    assert limits.upper_95 == pytest.approx(3.0 + 1.959964 / 5)
    assert limits.lower_998 == pytest.approx(3.0 - 3.090232 / 5)
    widened = mean_funnel_limits(target=3.0, sd=1.0, n=25, tau2=0.01)
    assert widened.upper_95 == pytest.approx(3.0 + 1.959964 * math.sqrt(0.04 + 0.01))
    with pytest.raises(ValueError):
        mean_funnel_limits(target=3.0, sd=1.0, n=0)


def test_curves_run_from_one_to_max_n_and_narrow():
    curve = mean_funnel_curve(target=3.0, sd=1.0, max_n=50)
    assert [row.n for row in curve] == list(range(1, 51))
    widths = [row.upper_95 - row.lower_95 for row in curve]
    assert widths == sorted(widths, reverse=True)
    rates = proportion_funnel_curve(target=0.5, max_n=10, min_n=8)
    assert [row.n for row in rates] == [8, 9, 10]


def test_bands_and_a_value_on_the_line_is_within():
    limits = FunnelLimits(n=10, lower_998=1.0, lower_95=2.0, upper_95=4.0, upper_998=5.0)
    assert band_for(5.1, limits) is Band.ABOVE_998
    assert band_for(4.5, limits) is Band.ABOVE_95
    assert band_for(4.0, limits) is Band.WITHIN
    assert band_for(2.0, limits) is Band.WITHIN
    assert band_for(1.5, limits) is Band.BELOW_95
    assert band_for(0.9, limits) is Band.BELOW_998


def test_mean_funnel_places_teams_and_suppresses_small_ones():
    units = {
        "steady": Rollup.of([3, 4] * 50),  # mean 3.5 from 100
        "high": Rollup.of([5, 4] * 50),  # mean 4.5 from 100
        "tiny": Rollup.of([1, 1, 1, 1, 1, 1, 1]),  # 7 responses: suppressed
    }
    funnel = mean_funnel(units=units, target=3.5, sd=1.0)
    by_key = {unit.key: unit for unit in funnel.units}
    assert by_key["steady"].band is Band.WITHIN
    # 4.5 is 1.0 above 3.5; the 99.8% limit at n = 100 is 3.5 + 0.309
    assert by_key["high"].band is Band.ABOVE_998
    assert by_key["tiny"].band is Band.SUPPRESSED
    assert (by_key["tiny"].value, by_key["tiny"].limits) == (None, None)
    assert funnel.tau2 == 0.0


def test_mean_funnel_target_and_sd_default_to_all_responses_together():
    units = {"a": Rollup.of([1, 2, 3, 4, 5, 1, 2, 3]), "b": Rollup.of([2, 3, 4, 5, 2, 3, 4, 5])}
    everyone = Rollup.of([1, 2, 3, 4, 5, 1, 2, 3, 2, 3, 4, 5, 2, 3, 4, 5])
    funnel = mean_funnel(units=units)
    assert funnel.target == pytest.approx(everyone.mean)
    assert funnel.spread == pytest.approx(everyone.sd)


def test_a_funnel_without_spread_is_refused():
    with pytest.raises(ValueError):
        mean_funnel(units={"a": Rollup.of([3] * 10)})
    with pytest.raises(ValueError):
        mean_funnel(units={})


def test_winsorise_uses_r_type_7_quantiles():
    # R: quantile(1:10, c(0.1, 0.9)) is 1.9 and 9.1
    assert winsorise([float(v) for v in range(1, 11)]) == [1.9, 2, 3, 4, 5, 6, 7, 8, 9, 9.1]
    assert winsorise([]) == []


def test_additive_tau2_follows_funnelplotr():
    # FunnelPlotR R/od_adjustment.R: phi = mean(z^2); below (k - 1) / k there is no widening.
    assert additive_tau2(z_scores=[0.5, -0.5, 0.2, -0.2], standard_errors=[0.1] * 4) == 0.0
    # k = 4, phi = (4 + 4 + 9 + 9) / 4 = 6.5; w = 100 each: sum w - sum w^2 / sum w = 400 - 100 = 300
    # tau^2 = (4 * 6.5 - 3) / 300 = 23 / 300
    tau2 = additive_tau2(z_scores=[2, -2, 3, -3], standard_errors=[0.1] * 4)
    assert tau2 == pytest.approx(23 / 300)
    assert additive_tau2(z_scores=[], standard_errors=[]) == 0.0


def test_overdispersed_teams_get_wider_limits():
    spread_out = {
        f"team{i}": Rollup.of([centre - 0.5, centre + 0.5] * 50)
        for i, centre in enumerate([2.0, 2.6, 3.0, 3.2, 3.5, 3.8, 4.0, 4.4, 3.1, 2.9])
    }
    plain = mean_funnel(units=spread_out, target=3.25, sd=0.5)
    widened = mean_funnel(units=spread_out, target=3.25, sd=0.5, overdispersion=True)
    assert widened.tau2 > 0
    flagged = sum(u.band is not Band.WITHIN for u in plain.units)
    assert sum(u.band is not Band.WITHIN for u in widened.units) < flagged
    # tau^2 by hand: z = (mean - 3.25) / (0.5 / 10), winsorised at R's 10% and 90% quantiles
    means = [2.0, 2.6, 3.0, 3.2, 3.5, 3.8, 4.0, 4.4, 3.1, 2.9]
    z = winsorise([(m - 3.25) / 0.05 for m in means])
    phi = sum(v * v for v in z) / 10
    assert widened.tau2 == pytest.approx((10 * phi - 9) / (10 * 400 - 10 * 400**2 / (10 * 400)))


def test_proportion_funnel_bands_response_rates():
    funnel = proportion_funnel(
        units={"usual": (40, 100), "low": (10, 100), "few": (1, 7), "none": (0, 0)}, target=0.4
    )
    by_key = {unit.key: unit for unit in funnel.units}
    assert by_key["usual"].band is Band.WITHIN
    assert by_key["low"].band is Band.BELOW_998
    assert by_key["few"].band is Band.SUPPRESSED
    assert by_key["none"].band is Band.SUPPRESSED
    pooled = proportion_funnel(units={"a": (30, 100), "b": (50, 100)})
    assert pooled.target == pytest.approx(0.4)
    with pytest.raises(ValueError):
        proportion_funnel(units={"a": (5, 4)})
    with pytest.raises(ValueError):
        proportion_funnel(units={"a": (0, 0)})
