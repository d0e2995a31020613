"""Overseas assets (Rule 8 Art. 44-54) and FX risk (Rule 8 Art. 55-59).

Overseas fixed income and overseas equity / real estate are charged by developed or emerging
market (k1 = 0 / 0.25; property 0.2 / 0.4; NCDs and commercial paper 0.03, Art. 46; exempt
AM / wealth-management products 0.39, Art. 48) into separate sub-modules, which aggregate with
rho = 0.1365 (fixed income) and 0.375 (equity) in :mod:`aggregation`. Every position held in a
foreign currency adds ``EX x RF0(currency)`` to FX risk; the company's foreign-currency
liabilities and the FX forwards are netted against these rows by :mod:`derivatives` (Rule 8
Art. 57-58).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.holdings import DERIVATIVES
from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def currencies(ctx: ChargeContext) -> np.ndarray:
    """Currency of each position: the column, else CNY domestic / the option overseas."""
    cur = ctx.frame["currency"].to_numpy().astype(object)
    blank = cur == ""
    domestic = ctx.domestic
    return np.where(
        blank & domestic, "CNY", np.where(blank, ctx.options.overseas_default_currency, cur)
    )


def _fx_rf0(ctx: ChargeContext, table: dict) -> np.ndarray:
    """FX RF0 of every position (0 for CNY), by currency code."""
    codes, index = ctx.codes("currency")
    other = table["other"]
    by_code = np.zeros(len(index) + 1)
    for value, i in index.items():
        by_code[i] = 0.0 if value == "CNY" else table.get(value, other)
    blank = index.get("", -2)
    rf0 = by_code[codes]
    if blank != -2:  # blank currency: CNY domestic, the option's currency overseas
        default = ctx.options.overseas_default_currency
        fill = 0.0 if default == "CNY" else table.get(default, other)
        rf0 = np.where(codes == blank, np.where(ctx.domestic, 0.0, fill), rf0)
    return rf0


def _foreign(ctx: ChargeContext) -> np.ndarray:
    codes, index = ctx.codes("currency")
    cny = index.get("CNY", -2)
    blank = index.get("", -2)
    foreign = codes != cny
    if blank != -2:
        foreign &= ~((codes == blank) & ctx.domestic)
    return foreign


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Overseas fixed-income, overseas equity/property and FX charges (charge tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Overseas fixed-income, overseas equity/property and FX charges."""
    out = []
    t = ctx.regime.table("overseas", "overseas")
    overseas = ~ctx.domestic
    if overseas.any():
        ltei_t = ctx.regime.table("equity", "long_term_equity_investment")
        for kind, table in (("fixed_income", t["fixed_income_rf0"]), ("equity", t["equity_rf0"])):
            in_table = ctx.column_in("asset_type", table.keys())
            for market in ("developed", "emerging"):
                mask = overseas & ctx.column_in("region", (market,)) & in_table
                if not mask.any():
                    continue
                rf0 = ctx.lookup("asset_type", table, mask)
                if kind == "fixed_income" and "money_market_instrument" in ctx.frame:
                    # Art. 46: overseas NCDs and commercial paper 0.03
                    mmi = ctx.lookup(
                        "money_market_instrument", t["money_market_instrument_rf0"], mask
                    )
                    rf0 = np.where(np.isnan(mmi), rf0, mmi)
                prop = ctx.column_in("asset_type", t["property_types"])[mask]
                k1 = np.where(prop, t["property_k1"][market], t["k1"][market])
                if kind == "equity":
                    # Art. 49: overseas LTEI takes the Art. 28 factors; the market k1 applies
                    # to joint ventures and associates only.
                    ltei = ctx.column_in("asset_type", ("long_term_equity_investment",))[mask]
                    rf0 = np.where(ltei, ctx.lookup("investee", ltei_t["rf0"], mask), rf0)
                    k1 = np.where(
                        ltei & ~ctx.column_in("investee", t["ltei_k1_investees"])[mask], 0.0, k1
                    )
                # Art. 50-51 assign the emerging-market property k1 = 0.4 explicitly: a value
                # the [-0.25, 0.25] clamp of Art. 6 would make meaningless, so it is the
                # "另有规定" of Art. 6 and is not clamped (passed like K_p).
                out.append(
                    block(
                        ctx,
                        mask,
                        f"overseas_{kind}_{market}",
                        rf0,
                        np.where(prop, 0.0, k1),
                        f"overseas {kind.replace('_', ' ')} ({market})",
                        t["article"],
                        k_p=np.where(prop, k1, 0.0),
                    )
                )
        products = exempt_overseas_products(ctx)
        for market in ("developed", "emerging"):
            mask = products & ctx.column_in("region", (market,))
            if mask.any():
                out.append(
                    block(
                        ctx,
                        mask,
                        f"overseas_equity_{market}",
                        ctx.lookup("asset_type", t["exempt_product_rf0"], mask),
                        t["k1"][market],
                        f"exempt AM / wealth-management product, overseas ({market})",
                        f"{t['article']}; Art. 48: exempt products investing mainly overseas",
                    )
                )
    fx = ctx.regime.table("overseas", "fx")
    # a derivative's FX risk is its notional's (Rule 8 Art. 58, :mod:`derivatives`)
    foreign = _foreign(ctx) & ~ctx.column_in("asset_type", DERIVATIVES)
    if foreign.any():
        out.append(
            block(
                ctx,
                foreign,
                "fx",
                _fx_rf0(ctx, fx["rf0"])[foreign],
                0.0,
                "foreign-currency position",
                fx["article"],
            )
        )
    return out


def exempt_overseas_products(ctx: ChargeContext) -> np.ndarray:
    """Mask of overseas AM / wealth-management products exempt from look-through (Rule 7
    Art. 25; Rule 8 Art. 48: overseas equity, RF0 0.39, k1 by market)."""
    from analyzer.solvency.look_through import exempt

    t = ctx.regime.table("overseas", "overseas")
    return ~ctx.domestic & ctx.column_in("asset_type", tuple(t["exempt_product_rf0"])) & exempt(ctx)


def unsupported_overseas(ctx: ChargeContext) -> np.ndarray:
    """Mask of overseas positions whose type has no overseas rule (an input error); an
    overseas AM / wealth-management product has one only when exempt (Rule 8 Art. 48)."""
    t = ctx.regime.table("overseas", "overseas")
    known = (
        set(t["fixed_income_rf0"])
        | set(t["equity_rf0"])
        | {"cash", "deposit", "structured_deposit"}
    )
    return ~ctx.domestic & ~ctx.column_in("asset_type", known) & ~exempt_overseas_products(ctx)
