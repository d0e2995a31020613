"""Counterparty default risk of cash, deposits and policy loans (Rule 9 Art. 18-39).

Cash 0, interbank lending 0.03 (Art. 20); deposits by bank type and capital adequacy ratio,
structured deposits principal-protected or not (Art. 21); policy loans 0.05 (Art. 32).
Debt-type non-base assets (surface and underlying loans) are in :mod:`look_through`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.solvency.charges import ChargeContext, make_charges


def deposit_factor(bank_type: np.ndarray, car: np.ndarray, structured: np.ndarray,
                   table: dict) -> np.ndarray:
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
    """Default charges of cash, interbank lending, deposits and policy loans."""
    f = ctx.frame
    at = f["asset_type"].to_numpy()
    out = []
    cash_t = ctx.regime.table("default", "cash")
    for kind, key in (("cash", "cash"), ("interbank", "interbank")):
        mask = ctx.of_type(kind, domestic=None)
        if mask.any():
            out.append(make_charges(ctx, mask, "default", cash_t["rf0"][key], 0.0, kind,
                                    cash_t["article"]))
    dep = ctx.of_type("deposit", "structured_deposit", domestic=None)
    if dep.any():
        t = ctx.regime.table("default", "deposit")
        structured = at[dep] == "structured_deposit"
        protected = f["principal_protected"].to_numpy(dtype=bool)[dep]
        rf0 = deposit_factor(f["bank_type"].to_numpy()[dep], f["bank_car"].to_numpy()[dep],
                             structured, t)
        rf0 = np.where(structured & ~protected, t["non_protected_structured"], rf0)
        out.append(make_charges(ctx, dep, "default", rf0, 0.0, "deposit", t["article"]))
    loans = ctx.of_type("policy_loan", domestic=None)
    if loans.any():
        t = ctx.regime.table("default", "policy_loan")
        out.append(make_charges(ctx, loans, "default", t["rf0"], 0.0, "policy loan",
                                t["article"]))
    return out
