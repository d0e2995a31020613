"""Concentration add-ons (Rule 8 Art. 60-67; Rule 9 Art. 40-41).

1. Counterparty: book value against one counterparty above the regressive threshold on total
   assets puts k = 0.4 on every related asset's equity, overseas and credit charge (Art. 65).
2. Asset class: directly held equity, other financial and overseas assets of a class above its
   ratio cap get k = 0.2 (Art. 66).
3. Real estate above 25% of total assets: k = 0.5 on every real-estate charge (Art. 67).
The add-on of a charge is ``EX x RF0 x k`` (contract 7.3), in the same sub-module, as its own
row so that it can be traced; option ``concentration_basis = "excess"`` scales it by the
share of the counterparty's exposure above the threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import compliance
from analyzer.solvency.charges import ChargeContext, empty_charges, isin

RELATED = ("equity", "overseas_fixed_income_developed", "overseas_fixed_income_emerging",
           "overseas_equity_developed", "overseas_equity_emerging", "spread", "default")


def counterparty_threshold(total_assets: float, company_type: str, table: dict) -> float:
    """Regressive threshold (CNY) of Rule 8 Art. 65 for total assets (CNY)."""
    slices = table["pc" if company_type == "pc" else company_type]
    threshold, lower = 0.0, 0.0
    for band in slices:
        upper = band["upto"]
        if total_assets > lower:
            threshold += (min(total_assets, upper) - lower) * band["rate"]
        lower = upper
    return threshold


def counterparty_exposures(ctx: ChargeContext) -> pd.Series:
    """Book value (CNY) per counterparty, exempt assets left out (Art. 64)."""
    f = ctx.frame
    t = ctx.regime.table("concentration", "counterparty")
    cp = f["counterparty"].to_numpy()
    keep = (cp != "") & ~_exempt(ctx, np.arange(len(f)), t)
    return pd.Series(f["book_value"].to_numpy()[keep]).groupby(cp[keep]).sum()


def _exempt(ctx: ChargeContext, pos: np.ndarray, t: dict) -> np.ndarray:
    """Art. 64 exemptions of the positions ``pos``: exempt asset types, deposits with (bank
    type) and instruments issued by (issuer type: preferred shares, perpetual bonds) large
    state-owned and policy banks (Art. 64(二)(三))."""
    return (ctx.column_in("asset_type", t["exempt_types"])
            | ctx.column_in("bank_type", t["exempt_bank_types"])
            | ctx.column_in("issuer_type", t["exempt_issuer_types"]))[pos]


def _addon(rows: pd.DataFrame, k: float, scale: np.ndarray | float, rule: str,
           article: str) -> pd.DataFrame:
    out = rows.copy()
    out["k"] = k
    out["factor"] = out["rf0"].to_numpy() * k * scale
    out["capital"] = out["exposure"].to_numpy() * out["factor"].to_numpy()
    out["rule"] = rule
    out["article"] = article
    return out


def charges(ctx: ChargeContext, base: pd.DataFrame) -> list[pd.DataFrame]:
    """Add-on rows for the base charges ``base`` (all other modules' rows)."""
    if base.empty:
        return []
    f = ctx.frame
    company = ctx.company
    out = []
    t = ctx.regime.table("concentration", "counterparty")
    related = base[base["submodule"].isin(RELATED)]
    # "总资产为5亿元以下的，不计提" (Art. 65): 以下 includes 5亿 itself (民法典 Art. 1259)
    if company.total_assets > t["exempt_below_total_assets"] and not related.empty:
        threshold = counterparty_threshold(company.total_assets, company.company_type, t)
        exposures = counterparty_exposures(ctx)
        over = exposures[exposures > threshold]
        if len(over):
            cp = f["counterparty"].to_numpy()[related["position"].to_numpy()]
            exempt = _exempt(ctx, related["position"].to_numpy(), t)
            hit = isin(cp, over.index) & ~exempt
            if hit.any():
                rows = related[hit]
                if ctx.options.concentration_basis == "excess":
                    total = over.reindex(cp[hit]).to_numpy()
                    scale = (total - threshold) / total
                else:
                    scale = 1.0
                out.append(_addon(rows, t["k"], scale,
                                  "concentration: counterparty over threshold", t["article"]))
    if ctx.options.class_concentration:
        caps = ctx.regime.table("ratio_caps", "caps")
        cls = compliance.ratio_class(f["asset_type"].to_numpy(), ctx.regime)
        vals = compliance.class_values(f, ctx.regime)
        eq_cap = compliance.equity_cap(company.prior_comprehensive_ratio, ctx.regime)
        limits = {"equity": eq_cap, "other_financial": caps["other_financial"]}
        ct = ctx.regime.table("concentration", "asset_class")
        pos = related["position"].to_numpy()
        for name, cap in limits.items():
            if vals[name] > cap * company.total_assets:
                hit = (cls[pos] == name) & ctx.domestic[pos]
                if hit.any():
                    out.append(_addon(related[hit], ct["k"], 1.0,
                                      f"concentration: {name} above its ratio cap",
                                      ct["article"]))
        if vals["overseas"] > caps["overseas"] * company.total_assets:
            hit = ~ctx.domestic[pos]
            if hit.any():
                out.append(_addon(related[hit], ct["k"], 1.0,
                                  "concentration: overseas above its ratio cap", ct["article"]))
    rt = ctx.regime.table("concentration", "real_estate")
    re_rows = base[base["submodule"] == "real_estate"]
    property_value = f["market_value"].to_numpy()[
        f["asset_type"].to_numpy() == "investment_property"].sum()
    if not re_rows.empty and property_value > rt["threshold_share_of_total_assets"] * \
            company.total_assets:
        out.append(_addon(re_rows, rt["k"], 1.0, "concentration: real estate above 25% of "
                          "total assets", rt["article"]))
    return out or [empty_charges()]
