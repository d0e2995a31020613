"""Interest-rate risk of P&C insurers and reinsurers: the duration factor (Rule 8 Art. 11, 14, 17).

RF0 = D (a D + b) on the bands of modified duration D; the capital is the arithmetic sum over
domestic bonds. Life insurers use the scenario method of :mod:`life_interest_rate`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.solvency import equity
from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def duration_factor(duration: np.ndarray, bands: tuple) -> np.ndarray:
    """RF0 of Rule 8 Art. 14 for modified durations (years)."""
    d = np.asarray(duration, dtype=float)
    out = np.zeros_like(d)
    lower = 0.0
    for band in bands:
        inside = (d > lower) & (d <= band["upper"])
        out = np.where(inside, d * (band["a"] * d + band["b"]), out)
        lower = band["upper"]
    return out


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Duration-factor charges (P&C and reinsurers only; charge tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Duration-factor charges (P&C and reinsurers only)."""
    if ctx.company.company_type == "life":
        return []
    t = ctx.regime.table("interest_rate", "pc_duration_factor")
    # non-financial perpetual bonds are corporate bonds (Rule 8 Art. 11 scope; not Art. 36)
    mask = ctx.of_type(*t["scope"]) | (ctx.domestic & equity.non_financial_perpetual(ctx))
    if not mask.any():
        return []
    rf0 = duration_factor(ctx.values("modified_duration")[mask], t["bands"])
    return [block(ctx, mask, "interest_rate", rf0, 0.0, "duration factor", t["article"])]
