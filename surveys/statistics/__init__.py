"""Statistics for comparing teams honestly: rollups, intervals, funnel plots and SPC charts.

Pure functions over plain numbers (no database), so each rule can be checked against the published
reference implementations named in its docstring.
"""

from .funnel import (
    Band,
    Funnel,
    FunnelLimits,
    FunnelUnit,
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
from .intervals import (
    SUPPRESSION_THRESHOLD,
    Z_95,
    Z_998,
    MeanEstimate,
    Rollup,
    is_suppressed,
    mean_estimate,
    merge_all,
    t_quantile,
    wilson_interval,
    z_for,
)

__all__ = [
    "SUPPRESSION_THRESHOLD",
    "Z_95",
    "Z_998",
    "Band",
    "Funnel",
    "FunnelLimits",
    "FunnelUnit",
    "MeanEstimate",
    "Rollup",
    "additive_tau2",
    "band_for",
    "is_suppressed",
    "mean_estimate",
    "mean_funnel",
    "mean_funnel_curve",
    "mean_funnel_limits",
    "merge_all",
    "proportion_funnel",
    "proportion_funnel_curve",
    "proportion_funnel_limits",
    "t_quantile",
    "wilson_interval",
    "winsorise",
    "z_for",
]
