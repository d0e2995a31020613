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
    out = []
    if mask.any():
        rf0 = duration_factor(ctx.values("modified_duration")[mask], t["bands"])
        out.append(block(ctx, mask, "interest_rate", rf0, 0.0, "duration factor", t["article"]))
    products = non_base_duration_scope(ctx)
    if products.any():
        # the engine refuses a blank duration of these rows first (its check names the file)
        duration = ctx.values("modified_duration")
        life = ctx.regime.table("life_interest_rate", "life_interest_rate")
        out.append(
            block(
                ctx,
                products,
                "interest_rate",
                duration_factor(duration[products], t["bands"]),
                0.0,
                "duration factor, fixed-income non-base asset",
                f"{t['article']}; {life['article']}",
            )
        )
    return out


def non_base_duration_scope(ctx: ChargeContext) -> np.ndarray:
    """Mask of the non-base assets of :func:`non_base_in_scope` charged the duration factor:
    none under the default reading of 金规〔2023〕5号 二(五) (the life scenario method only),
    all of them for a P&C insurer or reinsurer under ``non_base_interest_rate_scope =
    "every_method"``."""
    if ctx.options.non_base_interest_rate_scope != "every_method":
        return np.zeros(ctx.n, dtype=bool)
    if scenario_method(ctx.company):
        return np.zeros(ctx.n, dtype=bool)
    return non_base_in_scope(ctx)


def non_base_in_scope(ctx: ChargeContext) -> np.ndarray:
    """Mask of the domestic non-base assets 金规〔2023〕5号 二(五) brings into interest-rate risk:
    fixed-income products (the regime's ``non_base_scope``) of at most ``non_base_max_layers``
    layers counting the surface (none before 2023-09); an equity trust (``trust_kind =
    equity``) does not aim at principal and fixed interest (Rule 7 Art. 31 (一)) and stays out."""
    t = ctx.regime.table("life_interest_rate", "life_interest_rate")
    if not t["non_base_scope"]:
        return np.zeros(ctx.n, dtype=bool)
    equity_trust = ctx.column_in("asset_type", ("trust_plan",)) & (
        ctx.column_in("trust_kind", ("equity",))
        if "trust_kind" in ctx.frame
        else np.zeros(ctx.n, dtype=bool)
    )
    return (
        ctx.of_type(*t["non_base_scope"])
        & (ctx.values("layers") <= t["non_base_max_layers"])
        & ~equity_trust
    )
