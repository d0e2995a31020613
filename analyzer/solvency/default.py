"""Counterparty default risk of cash, deposits and policy loans (Rule 9 Art. 18-39).

Cash 0, interbank lending 0.03 (Art. 20); deposits by bank type and capital adequacy ratio,
structured deposits principal-protected or not (Art. 21); policy loans 0.05 (Art. 32).
Debt-type non-base assets (surface and underlying loans) are in :mod:`look_through`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def deposit_factor(
    bank_type: np.ndarray, car: np.ndarray, structured: np.ndarray, table: dict
) -> np.ndarray:
    """RF0 of Rule 9 Art. 21 by bank type and CAR (fraction).

    A missing CAR takes the highest factor of the bank type, as Art. 21 requires when no CAR
    within one year is available.
    """
    out = np.full(len(bank_type), np.nan)
    for btype in pd.unique(pd.Series(bank_type, dtype=object)):
        bands = table[btype]
        rows = bank_type == btype
        c = car[rows]
        time = np.full(rows.sum(), max(b["time"] for b in bands))
        struct = np.full(rows.sum(), max(b["structured"] for b in bands))
        for band in sorted(bands, key=lambda b: b["car_from"]):
            ok = ~np.isnan(c) & (c >= band["car_from"])
            time = np.where(ok, band["time"], time)
            struct = np.where(ok, band["structured"], struct)
        out[rows] = np.where(structured[rows], struct, time)
    return out


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Default charges of cash, interbank lending, deposits and policy loans (tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Default charges of cash, interbank lending, deposits and policy loans."""
    out = []
    cash_t = ctx.regime.table("default", "cash")
    for kind, key in (("cash", "cash"), ("interbank", "interbank")):
        mask = ctx.of_type(kind, domestic=None)
        if mask.any():
            out.append(
                block(ctx, mask, "default", cash_t["rf0"][key], 0.0, kind, cash_t["article"])
            )
    dep = ctx.of_type("deposit", "structured_deposit", domestic=None)
    if dep.any():
        t = ctx.regime.table("default", "deposit")
        structured = ctx.column_in("asset_type", ("structured_deposit",))[dep]
        protected = ctx.values("principal_protected")[dep].astype(bool)
        codes, index = ctx.codes("bank_type")
        names = np.empty(len(index) + 1, dtype=object)
        for value, i in index.items():
            names[i] = value
        rf0 = deposit_factor(names[codes[dep]], ctx.values("bank_car")[dep], structured, t)
        rf0 = np.where(structured & ~protected, t["non_protected_structured"], rf0)
        out.append(block(ctx, dep, "default", rf0, 0.0, "deposit", t["article"]))
    loans = ctx.of_type("policy_loan", domestic=None)
    if loans.any():
        t = ctx.regime.table("default", "policy_loan")
        out.append(block(ctx, loans, "default", t["rf0"], 0.0, "policy loan", t["article"]))
    return out
