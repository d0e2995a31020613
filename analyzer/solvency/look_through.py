"""Non-base assets and look-through (Rule 7).

- PE/VC funds looked through: the underlying unlisted equity, RF0 0.41 (0.4 in strategic
  emerging industries from 金规〔2023〕5号 (八)) x (1 + K + K_p), K_p = n x 0.1 (Art. 14, 18).
- Public infrastructure REITs looked through: underlying RF0 (option ``reit_underlying``)
  with k1 = -0.2 (Art. 19) and K_p = n x 0.1.
- Equity trusts (``trust_kind = equity``), equity investment plans and debt-to-equity plans
  looked through: the underlying unlisted equity; real-estate financial products: the
  underlying investment property (real-estate risk, k1 by ``property_tier``); K_p = n x 0.1.
- Debt-type products (debt investment plans, fixed-income trust plans, insurance ABS plans)
  looked through: the surface default charge by the product's rating (Art. 21-23; debt plans
  k = -0.2) plus the underlying loans by five-category class (Rule 9 Art. 37) with
  K_p = (n - 1) x 0.1.
- Exempt products (Art. 25): ABS plans default by rating (Art. 28); portfolio insurance
  asset-management products and bank wealth-management products equity by product kind
  (Art. 26-27), unless the exemption is waived (Art. 29).
- Not looked through (Art. 30-32): equity-type 0.6 (REITs 0.5 from 2023-09), debt-type
  default 0.6. Look-through data older than the previous quarter (Art. 11, company
  ``valuation_date`` against ``look_through_date``) make the product not looked through.
- Partly looked through (Art. 33, ``look_through_share`` s): the underlyings on s x EX, the
  rest (1 - s) x EX as not looked through, a debt-type surface on the whole EX. Art. 34 (the
  insurer may treat a product more than 90% unidentified as not looked through) is the
  insurer's choice: ``look_through = false``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.holdings import look_through_age
from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Charges of domestic non-base assets (charge tables)."""
    return frames(blocks(ctx))


def looked_through(ctx: ChargeContext) -> np.ndarray:
    """Mask of positions charged as looked through: ``look_through`` true and, when the
    company gives a valuation date, look-through data of the current or previous quarter
    (Rule 7 Art. 11; a blank ``look_through_date`` keeps the flag's declaration)."""
    if "looked_through" not in ctx.cache:
        lt = ctx.values("look_through").astype(bool)
        day = getattr(ctx.company, "valuation_day", None)
        if day is not None and "look_through_date" in ctx.frame:
            stale, _ = look_through_age(ctx.frame, day)
            lt = lt & ~stale
        ctx.cache["looked_through"] = lt
    return ctx.cache["looked_through"]


def looked_through_share(ctx: ChargeContext) -> np.ndarray:
    """Fraction of each position's value looked through (Rule 7 Art. 33): the
    ``look_through_share`` column (blank: 1) where looked through, else 0."""
    if "looked_through_share" not in ctx.cache:
        raw = (
            ctx.values("look_through_share").astype(float)
            if "look_through_share" in ctx.frame
            else np.full(ctx.n, np.nan)
        )
        share = np.clip(np.where(np.isnan(raw), 1.0, raw), 0.0, 1.0)
        ctx.cache["looked_through_share"] = np.where(looked_through(ctx), share, 0.0)
    return ctx.cache["looked_through_share"]


def exempt(ctx: ChargeContext) -> np.ndarray:
    """Mask of positions charged as exempt from look-through (Rule 7 Art. 25-28): ``exempt``
    true on an ABS plan, or on an AM / wealth-management product whose exemption is not
    waived (Art. 29). Domestic and overseas."""
    flag = ctx.values("exempt").astype(bool)
    waived = (
        ctx.values("waive_exemption").astype(bool)
        if "waive_exemption" in ctx.frame
        else np.zeros(ctx.n, dtype=bool)
    )
    abs_plan = ctx.column_in("asset_type", ("insurance_abs_plan",))
    products = ctx.column_in("asset_type", PRODUCT_TYPES)
    return flag & (abs_plan | (products & ~waived))


def equity_trust(ctx: ChargeContext) -> np.ndarray:
    """Mask of equity trust plans (``trust_kind = equity``): Rule 7 Art. 31 (一)."""
    if "trust_kind" not in ctx.frame:
        return np.zeros(ctx.n, dtype=bool)
    return ctx.column_in("asset_type", ("trust_plan",)) & ctx.column_in("trust_kind", ("equity",))


PRODUCT_TYPES = ("am_product", "wealth_management_product")


def _unlisted_rf0(ctx: ChargeContext, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """RF0 and K_p of underlying unlisted equity (Rule 8 Art. 27; 金规〔2023〕5号 三(八))."""
    t = ctx.regime.table("equity", "unlisted_equity")
    step = ctx.regime.table("look_through", "structure")["step"]
    se = ctx.values("strategic_emerging").astype(bool)[m]
    rf0 = np.where(se, t["rf0_strategic_emerging"], t["rf0"])
    k_p = ctx.values("layers")[m] * step
    if not ctx.options.strategic_emerging_layer_coefficient:
        k_p = np.where(se, 0.0, k_p)
    return rf0, k_p, t["article"]


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Charges of domestic non-base assets."""
    out = []
    lt = looked_through(ctx)
    share = looked_through_share(ctx)
    mv = ctx.values("market_value")
    # the value charged as not looked through: all of it, or the part not looked through
    rest = mv * (1.0 - share)
    partial = lt & (share < 1.0)
    layers = ctx.values("layers")
    structure = ctx.regime.table("look_through", "structure")
    step = structure["step"]
    nlt = ctx.regime.table("look_through", "not_looked_through")
    ex = exempt(ctx)

    def not_looked(mask: np.ndarray, sub: str, rf0, rule: str) -> None:
        m = mask & (~lt | partial)
        if m.any():
            rf0 = rf0(m) if callable(rf0) else rf0
            out.append(block(ctx, m, sub, rf0, 0.0, rule, nlt["article"], exposure=rest[m]))

    fund = ctx.of_type("pe_vc_fund")
    if fund.any():
        m = fund & lt
        if m.any():
            rf0, k_p, art = _unlisted_rf0(ctx, m)
            out.append(
                block(
                    ctx,
                    m,
                    "equity",
                    rf0,
                    0.0,
                    "PE/VC fund, looked through to unlisted equity",
                    f"Rule 7 Art. 14, 18; {art}",
                    k_p=k_p,
                    exposure=mv[m] * share[m],
                )
            )
        not_looked(
            fund, "equity", nlt["equity_rf0"]["pe_vc_fund"], "PE/VC fund, not looked through"
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
                    exposure=mv[m] * share[m],
                )
            )
        not_looked(reit, "equity", nlt["equity_rf0"]["reit"], "REIT, not looked through")

    eq_t = ctx.regime.table("look_through", "equity_products")
    eq_trust = equity_trust(ctx) & ctx.domestic
    plans = ctx.of_type(*[t for t in eq_t["underlying"] if t != "trust_plan"]) | eq_trust
    if plans.any():
        equity_under = plans & ~ctx.column_in(
            "asset_type",
            [t for t, u in eq_t["underlying"].items() if u != "unlisted_equity"],
        )
        m = equity_under & lt
        if m.any():
            rf0, k_p, art = _unlisted_rf0(ctx, m)
            out.append(
                block(
                    ctx,
                    m,
                    "equity",
                    rf0,
                    0.0,
                    "equity-type product, looked through to unlisted equity",
                    f"{eq_t['article']}; {art}",
                    k_p=k_p,
                    exposure=mv[m] * share[m],
                )
            )
        m = plans & ~equity_under & lt
        if m.any():
            t = ctx.regime.table("real_estate", "investment_property")
            out.append(
                block(
                    ctx,
                    m,
                    "real_estate",
                    t["rf0"],
                    ctx.lookup("property_tier", t["k1"], m),
                    "real-estate financial product, looked through to investment property",
                    f"{eq_t['article']}; {t['article']}",
                    k_p=layers[m] * step,
                    exposure=mv[m] * share[m],
                )
            )
        not_looked(
            plans,
            "equity",
            lambda m: ctx.lookup("asset_type", nlt["equity_rf0"], m),
            "equity-type product, not looked through",
        )

    products = ctx.of_type(*PRODUCT_TYPES)
    if products.any():
        for kind in PRODUCT_TYPES:
            m = products & ex & ctx.column_in("asset_type", (kind,))
            if m.any():
                t = ctx.regime.table("look_through", f"exempt_{kind}")
                out.append(
                    block(
                        ctx,
                        m,
                        "equity",
                        ctx.lookup("product_kind", t["rf0"], m),
                        0.0,
                        f"{kind.replace('_', ' ')}, exempt from look-through",
                        t["article"],
                    )
                )
        # the reader refuses a looked-through product whose exemption is not claimed (its
        # underlyings are not given): what is left is not looked through (Art. 31 (六)(八))
        m = products & ~ex
        if m.any():
            out.append(
                block(
                    ctx,
                    m,
                    "equity",
                    ctx.lookup("asset_type", nlt["equity_rf0"], m),
                    0.0,
                    "AM / wealth-management product, not looked through",
                    nlt["article"],
                )
            )

    debt = ctx.of_type(*structure["debt_types"]) & ~eq_trust
    if debt.any():
        surface = ctx.regime.table("look_through", "surface_default")
        exempt_t = ctx.regime.table("look_through", "exempt_abs_plan")
        loan_t = ctx.regime.table("default", "loan")
        d_ex = debt & ex
        if d_ex.any():
            out.append(
                block(
                    ctx,
                    d_ex,
                    "default",
                    ctx.lookup("rating", exempt_t["rf0"], d_ex),
                    0.0,
                    "ABS plan, exempt from look-through",
                    exempt_t["article"],
                )
            )
        m = debt & ~d_ex & lt
        if m.any():
            k_s = np.where(
                ctx.column_in("asset_type", ("debt_investment_plan",))[m],
                surface["k_debt_investment_plan"],
                0.0,
            )
            # Art. 33 (三): the surface default charge is on the whole admitted value
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
                    exposure=mv[m] * share[m],
                )
            )
        not_looked(
            debt & ~d_ex,
            "default",
            lambda m: ctx.lookup("asset_type", nlt["default_rf0"], m),
            "debt-type product, not looked through",
        )
    return out


SURFACE_RULE = "debt-type product, surface default"
UNDERLYING_RULE = "debt-type product, underlying loans"
