"""Overseas assets (Rule 8 Art. 44-54) and FX risk (Rule 8 Art. 55-59).

Overseas fixed income and overseas equity / real estate are charged by developed or emerging
market (k1 = 0 / 0.25; property 0.2 / 0.4) into separate sub-modules, which aggregate with
rho = 0.1365 (fixed income) and 0.375 (equity) in :mod:`aggregation`. Every position held in a
foreign currency adds ``EX x RF0(currency)`` to FX risk (no foreign-currency liabilities are
modelled, so the net position per currency is the sum of the assets).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.solvency.charges import ChargeContext, isin, lookup, make_charges


def currencies(ctx: ChargeContext) -> np.ndarray:
    """Currency of each position: the column, else CNY domestic / the option overseas."""
    cur = ctx.frame["currency"].to_numpy().astype(object)
    blank = cur == ""
    domestic = ctx.domestic
    return np.where(blank & domestic, "CNY",
                    np.where(blank, ctx.options.overseas_default_currency, cur))


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Overseas fixed-income, overseas equity/property and FX charges."""
    f = ctx.frame
    out = []
    t = ctx.regime.table("overseas", "overseas")
    at = f["asset_type"].to_numpy()
    region = f["region"].to_numpy()
    overseas = ~ctx.domestic
    for kind, table in (("fixed_income", t["fixed_income_rf0"]), ("equity", t["equity_rf0"])):
        for market in ("developed", "emerging"):
            mask = overseas & (region == market) & isin(at, table.keys())
            if not mask.any():
                continue
            rf0 = lookup(at[mask], table)
            prop = isin(at[mask], t["property_types"])
            k1 = np.where(prop, t["property_k1"][market], t["k1"][market])
            if kind == "equity":
                # Art. 49: overseas LTEI takes the Art. 28 factors; the market k1 applies to
                # joint ventures and associates only.
                ltei = at[mask] == "long_term_equity_investment"
                investee = f["investee"].to_numpy()[mask]
                ltei_t = ctx.regime.table("equity", "long_term_equity_investment")
                rf0 = np.where(ltei, lookup(investee, ltei_t["rf0"]), rf0)
                k1 = np.where(ltei & ~isin(investee, t["ltei_k1_investees"]), 0.0, k1)
            # Art. 50-51 assign the emerging-market property k1 = 0.4 explicitly: a value the
            # [-0.25, 0.25] clamp of Art. 6 would make meaningless, so it is the "另有规定" of
            # Art. 6 and is not clamped (passed like K_p).
            out.append(make_charges(ctx, mask, f"overseas_{kind}_{market}", rf0,
                                    np.where(prop, 0.0, k1),
                                    f"overseas {kind.replace('_', ' ')} ({market})",
                                    t["article"], k_p=np.where(prop, k1, 0.0)))
    fx = ctx.regime.table("overseas", "fx")
    cur = currencies(ctx)
    foreign = cur != "CNY"
    if foreign.any():
        rf0 = lookup(cur[foreign], fx["rf0"], default=fx["rf0"]["other"])
        out.append(make_charges(ctx, foreign, "fx", rf0, 0.0, "foreign-currency position",
                                fx["article"]))
    return out


def unsupported_overseas(ctx: ChargeContext) -> np.ndarray:
    """Mask of overseas positions whose type has no overseas rule (an input error)."""
    t = ctx.regime.table("overseas", "overseas")
    known = set(t["fixed_income_rf0"]) | set(t["equity_rf0"]) | {
        "cash", "deposit", "structured_deposit"}
    return ~ctx.domestic & ~isin(ctx.frame["asset_type"].to_numpy(), known)
