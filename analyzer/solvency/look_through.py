"""Non-base assets and look-through (Rule 7).

- PE/VC funds looked through: the underlying unlisted equity, RF0 0.41 (0.4 in strategic
  emerging industries from 金规〔2023〕5号 (八)) x (1 + K + K_p), K_p = n x 0.1 (Art. 14, 18).
- Public infrastructure REITs looked through: underlying RF0 (option ``reit_underlying``)
  with k1 = -0.2 (Art. 19) and K_p = n x 0.1.
- Debt-type products (debt investment plans, trust plans, insurance ABS plans) looked through:
  the surface default charge by the product's rating (Art. 21-23; debt plans k = -0.2) plus
  the underlying loans by five-category class (Rule 9 Art. 37) with K_p = (n - 1) x 0.1.
- Exempt ABS plans (Art. 25-28): default charge by rating only.
- Not looked through (Art. 30-32, 34): equity 0.6 (REITs 0.5 from 2023-09), debt-type
  default 0.6; the whole product is treated as not looked through.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Charges of domestic non-base assets (charge tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Charges of domestic non-base assets."""
    out = []
    lt = ctx.values("look_through").astype(bool)
    layers = ctx.values("layers")
    structure = ctx.regime.table("look_through", "structure")
    step = structure["step"]
    nlt = ctx.regime.table("look_through", "not_looked_through")

    fund = ctx.of_type("pe_vc_fund")
    if fund.any():
        t = ctx.regime.table("equity", "unlisted_equity")
        m = fund & lt
        if m.any():
            se = ctx.values("strategic_emerging").astype(bool)[m]
            rf0 = np.where(se, t["rf0_strategic_emerging"], t["rf0"])
            k_p = layers[m] * step
            if not ctx.options.strategic_emerging_layer_coefficient:
                k_p = np.where(se, 0.0, k_p)
            out.append(
                block(
                    ctx,
                    m,
                    "equity",
                    rf0,
                    0.0,
                    "PE/VC fund, looked through to unlisted equity",
                    f"Rule 7 Art. 14, 18; {t['article']}",
                    k_p=k_p,
                )
            )
        m = fund & ~lt
        if m.any():
            out.append(
                block(
                    ctx,
                    m,
                    "equity",
                    nlt["equity_rf0"]["pe_vc_fund"],
                    0.0,
                    "PE/VC fund, not looked through",
                    nlt["article"],
                )
            )

    reit = ctx.of_type("reit")
    if reit.any():
        k1 = ctx.regime.table("look_through", "reit")
        m = reit & lt
        if m.any():
            if ctx.options.reit_underlying == "unlisted_equity":
                rf0, sub = ctx.regime.table("equity", "unlisted_equity")["rf0"], "equity"
            else:
                rf0, sub = (
                    ctx.regime.table("real_estate", "investment_property")["rf0"],
                    "real_estate",
                )
            out.append(
                block(
                    ctx,
                    m,
                    sub,
                    rf0,
                    k1["k1"],
                    f"REIT, looked through ({ctx.options.reit_underlying})",
                    f"Rule 7 Art. 14, 18; {k1['article']}",
                    k_p=layers[m] * step,
                )
            )
        m = reit & ~lt
        if m.any():
            out.append(
                block(
                    ctx,
                    m,
                    "equity",
                    nlt["equity_rf0"]["reit"],
                    0.0,
                    "REIT, not looked through",
                    nlt["article"],
                )
            )

    debt = ctx.of_type(*structure["debt_types"])
    if debt.any():
        surface = ctx.regime.table("look_through", "surface_default")
        exempt_t = ctx.regime.table("look_through", "exempt_abs_plan")
        loan_t = ctx.regime.table("default", "loan")
        exempt = (
            debt
            & ctx.column_in("asset_type", ("insurance_abs_plan",))
            & ctx.values("exempt").astype(bool)
        )
        if exempt.any():
            out.append(
                block(
                    ctx,
                    exempt,
                    "default",
                    ctx.lookup("rating", exempt_t["rf0"], exempt),
                    0.0,
                    "ABS plan, exempt from look-through",
                    exempt_t["article"],
                )
            )
        m = debt & ~exempt & lt
        if m.any():
            k_s = np.where(
                ctx.column_in("asset_type", ("debt_investment_plan",))[m],
                surface["k_debt_investment_plan"],
                0.0,
            )
            out.append(
                block(
                    ctx,
                    m,
                    "default",
                    ctx.lookup("rating", surface["rf0"], m),
                    k_s,
                    SURFACE_RULE,
                    surface["article"],
                )
            )
            out.append(
                block(
                    ctx,
                    m,
                    "default",
                    ctx.lookup("loan_class", loan_t["rf0"], m),
                    0.0,
                    UNDERLYING_RULE,
                    f"Rule 7 Art. 14, 18; {loan_t['article']}",
                    k_p=(layers[m] - 1) * step,
                )
            )
        m = debt & ~exempt & ~lt
        if m.any():
            out.append(
                block(
                    ctx,
                    m,
                    "default",
                    ctx.lookup("asset_type", nlt["default_rf0"], m),
                    0.0,
                    "debt-type product, not looked through",
                    nlt["article"],
                )
            )
    return out


SURFACE_RULE = "debt-type product, surface default"
UNDERLYING_RULE = "debt-type product, underlying loans"
