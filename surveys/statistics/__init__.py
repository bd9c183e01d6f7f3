"""Statistics for comparing teams honestly: rollups and intervals.

Pure functions over plain numbers (no database), so each rule can be checked against the published
reference implementations named in its docstring.
"""

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
    "MeanEstimate",
    "Rollup",
    "is_suppressed",
    "mean_estimate",
    "merge_all",
    "t_quantile",
    "wilson_interval",
    "z_for",
]
