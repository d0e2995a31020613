"""Interest-rate risk of P&C insurers and P&C reinsurers: the duration factor (Rule 8 Art. 11,
14, 17, 21).

RF0 = D (a D + b) on the bands of modified duration D; the capital is the arithmetic sum over
domestic bonds. Life insurers and life reinsurers (Art. 22) use the scenario method of
:mod:`life_interest_rate`; :func:`scenario_method` says which applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.errors import InputError
from analyzer.io.company import Company
from analyzer.messages import text
from analyzer.solvency import equity
from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def scenario_method(company: Company) -> bool:
    """Whether the company's interest-rate risk is measured by the life scenario method.

    Rule 8 prescribes the method by business, not as a choice: a life insurer (Art. 18) and a
    reinsurer writing only life reinsurance (Art. 22) use the scenario method; a P&C insurer
    (Art. 14) and a reinsurer writing only P&C reinsurance (Art. 21) the duration factor.

    Raises
    ------
    InputError
        A reinsurer whose ``reinsurance_business`` is missing, or ``composite`` (Art. 23
        needs the book split by business).
    """
    if company.company_type != "reinsurer":
        return company.company_type == "life"
    business = company.reinsurance_business
    if business in ("life", "pc"):
        return business == "life"
    msg = (
        "company.reinsurance_business_required"
        if business is None
        else "company.reinsurance_composite"
    )
    raise InputError.single(company.source, None, "reinsurance_business", text(msg))


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
    """Duration-factor charges (P&C insurers and P&C reinsurers only; charge tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Duration-factor charges (P&C insurers and P&C reinsurers only)."""
    if scenario_method(ctx.company):
        return []
    t = ctx.regime.table("interest_rate", "pc_duration_factor")
    # non-financial perpetual bonds are corporate bonds (Rule 8 Art. 11 scope; not Art. 36)
    mask = ctx.of_type(*t["scope"]) | (ctx.domestic & equity.non_financial_perpetual(ctx))
    if not mask.any():
        return []
    rf0 = duration_factor(ctx.values("modified_duration")[mask], t["bands"])
    return [block(ctx, mask, "interest_rate", rf0, 0.0, "duration factor", t["article"])]
