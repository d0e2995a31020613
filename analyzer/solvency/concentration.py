"""Concentration add-ons (Rule 8 Art. 60-67; Rule 9 Art. 40-41).

1. Counterparty: book value against one counterparty above the regressive threshold on total
   assets puts k = 0.4 on every related asset's equity, overseas and credit charge (Art. 65);
   for a looked-through debt-type product the counterparty is the financing entity (Art. 63):
   the add-on is on its underlying-loan rows, not on its surface default row.
2. Asset class: directly held equity, other financial and overseas assets of a class above its
   ratio cap get k = 0.2 (Art. 66).
3. Real estate above 25% of total assets: k = 0.5 on every real-estate charge (Art. 67); the
   test counts what the add-on hits: investment property domestic and overseas (whose charge
   sits in the overseas equity sub-module) and REITs looked through to real estate.
The add-on of a charge is ``EX x RF0 x k`` (docs/formats.md §7.3), in the same sub-module, as its
own row so that it can be traced; option ``concentration_basis = "excess"`` scales it by the
share of the counterparty's exposure above the threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import compliance
from analyzer.solvency import look_through
from analyzer.solvency.charges import (
    SUBMODULE_INDEX,
    SUBMODULES,
    ChargeArrays,
    ChargeBlock,
    ChargeContext,
    frames,
)

RELATED = (
    "equity",
    "overseas_fixed_income_developed",
    "overseas_fixed_income_emerging",
    "overseas_equity_developed",
    "overseas_equity_emerging",
    "spread",
    "default",
)
_RELATED_CODE = np.array([name in RELATED for name in SUBMODULES])


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


def _counterparty_totals(ctx: ChargeContext, t: dict) -> tuple[np.ndarray, np.ndarray]:
    """(codes of each position's counterparty, book value per code); blank counterparties
    and exempt assets (Art. 64) are left out."""
    codes, index = ctx.codes("counterparty")
    key = (
        "counterparty_totals",
        exempt_types(ctx, t),
        tuple(t["exempt_bank_types"]),
        tuple(t["exempt_issuer_types"]),
    )
    if key not in ctx.cache:
        keep = counterparty_counted(ctx, t)
        kept = codes[keep]
        totals = np.bincount(kept, weights=ctx.values("book_value")[keep], minlength=len(index))
        counted = np.bincount(kept, minlength=len(index)) > 0
        ctx.cache[key] = np.where(counted, totals, np.nan)
    return codes, ctx.cache[key]


def counterparty_counted(ctx: ChargeContext, t: dict | None = None) -> np.ndarray:
    """Mask of the positions counted in the Art. 65 counterparty totals: a named counterparty
    and no Art. 64 exemption (the one definition; the optimiser reads it too)."""
    t = t if t is not None else ctx.regime.table("concentration", "counterparty")
    codes, index = ctx.codes("counterparty")
    keep = (codes >= 0) & ~_exempt_all(ctx, t)
    blank = index.get("")
    if blank is not None:
        keep &= codes != blank
    return keep


def counterparty_exposures(ctx: ChargeContext) -> pd.Series:
    """Book value (CNY) per counterparty, exempt assets left out (Art. 64)."""
    t = ctx.regime.table("concentration", "counterparty")
    _, totals = _counterparty_totals(ctx, t)
    _, index = ctx.codes("counterparty")
    names = np.empty(len(index), dtype=object)
    for value, i in index.items():
        names[i] = value
    keep = ~np.isnan(totals)
    return pd.Series(totals[keep], index=names[keep]).sort_index()


def _exempt_all(ctx: ChargeContext, t: dict) -> np.ndarray:
    """Art. 64 exemptions of every position: exempt asset types, deposits with (bank type) and
    instruments issued by (issuer type: preferred shares, perpetual bonds) large state-owned
    and policy banks (Art. 64(二)(三))."""
    key = (
        "exempt",
        exempt_types(ctx, t),
        tuple(t["exempt_bank_types"]),
        tuple(t["exempt_issuer_types"]),
    )
    if key not in ctx.cache:
        ctx.cache[key] = (
            ctx.column_in("asset_type", exempt_types(ctx, t))
            | ctx.column_in("bank_type", t["exempt_bank_types"])
            | ctx.column_in("issuer_type", t["exempt_issuer_types"])
        )
    return ctx.cache[key]


def exempt_types(ctx: ChargeContext, t: dict) -> tuple[str, ...]:
    """Asset types exempt from counterparty concentration (Art. 64): the table's, less cash,
    public money-market funds and policy loans (which the article does not name) under option
    ``concentration_exempt_unnamed = False``."""
    if ctx.options.concentration_exempt_unnamed:
        return tuple(t["exempt_types"])
    unnamed = set(t.get("unnamed_exempt_types", ()))
    return tuple(x for x in t["exempt_types"] if x not in unnamed)


def _exempt(ctx: ChargeContext, pos: np.ndarray, t: dict) -> np.ndarray:
    """Art. 64 exemptions of the positions ``pos``."""
    return _exempt_all(ctx, t)[pos]


def _addon(
    base: ChargeArrays,
    rows: np.ndarray,
    k: float,
    scale: np.ndarray | float,
    rule: str,
    article: str,
) -> ChargeBlock:
    rf0 = base.rf0[rows]
    exposure = base.exposure[rows]
    factor = rf0 * k * scale
    return ChargeBlock(
        base.position[rows],
        base.submodule[rows],
        exposure,
        rf0,
        np.full(len(rf0), float(k)),
        factor,
        exposure * factor,
        rule,
        article,
    )


def charges(ctx: ChargeContext, base: pd.DataFrame) -> list[pd.DataFrame]:
    """Add-on rows (charge tables) for the base charges ``base`` (all other modules' rows)."""
    if base.empty:
        return []
    sub = base["submodule"].map(SUBMODULE_INDEX).to_numpy(dtype=np.int8)
    arrays = ChargeArrays(
        base["position"].to_numpy(dtype=np.int64),
        sub,
        *(base[c].to_numpy(dtype=float) for c in ("exposure", "rf0", "k", "factor", "capital")),
        *pd.factorize(pd.concat([base["rule"], base["article"]], ignore_index=True).to_numpy())[
            0
        ].reshape(2, -1),
        texts=(),
    )
    return frames(blocks(ctx, arrays, base["rule"].to_numpy()))


def blocks(
    ctx: ChargeContext, base: ChargeArrays, base_rules: np.ndarray | None = None
) -> list[ChargeBlock]:
    """Add-on rows for the base charges ``base`` (all other modules' rows)."""
    if len(base) == 0:
        return []
    company = ctx.company
    out = []
    t = ctx.regime.table("concentration", "counterparty")
    related = np.flatnonzero(_RELATED_CODE[base.submodule])
    if base_rules is not None:
        surface = np.asarray(base_rules, dtype=object) == look_through.SURFACE_RULE
    elif look_through.SURFACE_RULE in base.texts:
        surface = base.rule == base.texts.index(look_through.SURFACE_RULE)
    else:
        surface = np.zeros(len(base), dtype=bool)
    # "总资产为5亿元以下的，不计提" (Art. 65): 以下 includes 5亿 itself (民法典 Art. 1259)
    if company.total_assets > t["exempt_below_total_assets"] and len(related):
        threshold = counterparty_threshold(company.total_assets, company.company_type, t)
        codes, totals = _counterparty_totals(ctx, t)
        over = np.nan_to_num(totals, nan=0.0) > threshold
        if over.any():
            pos = base.position[related]
            cp = codes[pos]
            hit = (cp >= 0) & over[np.maximum(cp, 0)] & ~_exempt(ctx, pos, t)
            # Art. 63: for a looked-through debt-type product the counterparty is the
            # financing entity: the add-on is on the underlying-loan rows, not on the
            # product's own (surface) default charge.
            hit &= ~surface[related]
            if hit.any():
                rows = related[hit]
                if ctx.options.concentration_basis == "excess":
                    total = totals[cp[hit]]
                    scale = (total - threshold) / total
                else:
                    scale = 1.0
                out.append(
                    _addon(
                        base,
                        rows,
                        t["k"],
                        scale,
                        "concentration: counterparty over threshold",
                        t["article"],
                    )
                )
    if ctx.options.class_concentration:
        caps = ctx.regime.table("ratio_caps", "caps")
        key = (
            "class_values",
            tuple(
                sorted((k, tuple(v)) for k, v in ctx.regime.table("ratio_caps", "classes").items())
            ),
        )
        if key not in ctx.cache:
            ctx.cache[key] = (
                compliance.ratio_class_codes(ctx.frame, ctx.regime),
                compliance.class_values(ctx.frame, ctx.regime),
            )
        cls, vals = ctx.cache[key]
        eq_cap = compliance.equity_cap(company.prior_comprehensive_ratio, ctx.regime)
        limits = {"equity": eq_cap, "other_financial": caps["other_financial"]}
        ct = ctx.regime.table("concentration", "asset_class")
        pos = base.position[related]
        for name, cap in limits.items():
            if vals[name] > cap * company.total_assets:
                hit = (cls[pos] == compliance.CLASSES.index(name)) & ctx.domestic[pos]
                if hit.any():
                    out.append(
                        _addon(
                            base,
                            related[hit],
                            ct["k"],
                            1.0,
                            f"concentration: {name} above its ratio cap",
                            ct["article"],
                        )
                    )
        if vals["overseas"] > caps["overseas"] * company.total_assets:
            hit = ~ctx.domestic[pos]
            if hit.any():
                out.append(
                    _addon(
                        base,
                        related[hit],
                        ct["k"],
                        1.0,
                        "concentration: overseas above its ratio cap",
                        ct["article"],
                    )
                )
    rt = ctx.regime.table("concentration", "real_estate")
    # Art. 67: the 25% test counts the real estate the add-on hits: investment property
    # domestic and overseas, and looked-through REITs charged as real estate.
    re_rows = real_estate_rows(ctx, base)
    property_value = real_estate_value(ctx)
    if (
        len(re_rows)
        and property_value > rt["threshold_share_of_total_assets"] * company.total_assets
    ):
        out.append(
            _addon(
                base,
                re_rows,
                rt["k"],
                1.0,
                "concentration: real estate above 25% of total assets",
                rt["article"],
            )
        )
    return out


def real_estate_counted(ctx: ChargeContext) -> np.ndarray:
    """Mask of the positions counted by the Art. 67 test: investment property, domestic and
    overseas, looked-through real-estate financial products, and looked-through REITs when
    their underlying is charged as real estate (option ``reit_underlying = "real_estate"``)."""
    lt = look_through.looked_through(ctx)
    mask = ctx.column_in("asset_type", ("investment_property",))
    mask = mask | (ctx.of_type("real_estate_financial_product") & lt)
    if ctx.options.reit_underlying == "real_estate":
        mask = mask | (ctx.of_type("reit") & lt)
    return mask


def real_estate_value(ctx: ChargeContext) -> float:
    """Real estate counted by the Art. 67 test (CNY)."""
    return float(ctx.values("market_value")[real_estate_counted(ctx)].sum())


def real_estate_rows(ctx: ChargeContext, base: ChargeArrays) -> np.ndarray:
    """Rows of ``base`` that are real-estate charges: the real-estate sub-module (domestic
    property, REITs looked through to real estate) and overseas property's rows in the
    overseas equity sub-modules."""
    re_sub = base.submodule == SUBMODULE_INDEX["real_estate"]
    overseas_eq = (base.submodule == SUBMODULE_INDEX["overseas_equity_developed"]) | (
        base.submodule == SUBMODULE_INDEX["overseas_equity_emerging"]
    )
    prop = ctx.column_in("asset_type", ("investment_property",))
    return np.flatnonzero(re_sub | (overseas_eq & prop[base.position]))
