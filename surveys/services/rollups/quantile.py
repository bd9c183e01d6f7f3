"""The t quantile of the league figures, shared by the SQL and the portable paths."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from ...statistics import t_quantile, z_for

# The t quantile is looked up exactly up to this many degrees of freedom (about 7 ms each to
# work out, once per process); beyond it the Cornish-Fisher expansion around the normal value
# is within 1e-10 of it.
T_TABLE_MAX_DF = 100


# --- the t quantile, shared by both paths ------------------------------------------------------


@cache
def t_table() -> tuple[tuple[int, ...], tuple[Decimal, ...]]:
    """t(0.975, df) for df 1..T_TABLE_MAX_DF, from `surveys.statistics.t_quantile`."""
    dfs = tuple(range(1, T_TABLE_MAX_DF + 1))
    return dfs, tuple(Decimal(repr(t_quantile(0.975, df=df))) for df in dfs)


_Z = Decimal(repr(z_for(0.95)))
# Cornish-Fisher terms of t(df) around z: z + g1/df + g2/df^2 + g3/df^3 + g4/df^4.
_G1 = (_Z**3 + _Z) / 4
_G2 = (5 * _Z**5 + 16 * _Z**3 + 3 * _Z) / 96
_G3 = (3 * _Z**7 + 19 * _Z**5 + 17 * _Z**3 - 15 * _Z) / 384
_G4 = (79 * _Z**9 + 776 * _Z**7 + 1482 * _Z**5 - 1920 * _Z**3 - 945 * _Z) / 92160


def t_975(df: int) -> Decimal:
    if df <= T_TABLE_MAX_DF:
        return t_table()[1][df - 1]
    d = Decimal(df)
    return _Z + _G1 / d + _G2 / d**2 + _G3 / d**3 + _G4 / d**4
