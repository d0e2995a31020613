"""Spread risk of domestic standardised debt (Rule 9 Art. 11-17).

Policy-bank bonds (Art. 13) and agency bonds (Art. 14) have their own curves; corporate,
enterprise and financial bonds, sci-tech innovation bonds and listed ABS use the rating x
duration table (Art. 15); carbon-reduction green bonds k1 = -0.1 (Art. 16). Government bonds
carry no credit charge (Art. 10). Financial perpetual bonds are equity (Art. 16 -> Rule 8
Art. 36).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.solvency import equity
from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def curve(duration: np.ndarray, short: dict, long: dict) -> np.ndarray:
    """RF0 = D (a D + b) for D <= 5, D c + d above (Art. 13-14)."""
    d = np.asarray(duration, dtype=float)
    return np.where(d <= 5.0, d * (short["a"] * d + short["b"]), d * long["c"] + long["d"])


def _rated(ctx: ChargeContext, mask: np.ndarray, table: dict) -> np.ndarray:
    """RF0 of Art. 15 for the positions in ``mask`` (rating looked up by code)."""
    codes, index = ctx.codes("rating")
    abc = np.full((len(index) + 1, 3), np.nan)
    for value, i in index.items():
        if value in table:
            abc[i] = table[value]
    abc = abc[codes[mask]]
    missing = np.isnan(abc[:, 0])
    if missing.any():  # a rating key absent from the table: KeyError, as a dict lookup
        names = {i: v for v, i in index.items()}
        raise KeyError(names.get(int(codes[mask][np.flatnonzero(missing)[0]]), ""))
    d = ctx.values("modified_duration")[mask]
    return np.where(d <= 5.0, d * (abc[:, 0] * d + abc[:, 1]), d * abc[:, 2])


def rated_scope(ctx: ChargeContext) -> np.ndarray:
    """Positions on the Art. 15 rated table: corporate, financial bonds and ABS; perpetual
    bonds of non-financial issuers (not Rule 8 Art. 36 instruments: rated corporate bonds);
    local-government bonds when option ``local_government_credit_exempt`` is False (not
    政府债券 of Art. 10, charged by their rating)."""
    mask = ctx.of_type("corporate_bond", "financial_bond", "abs")
    mask |= ctx.domestic & equity.non_financial_perpetual(ctx)
    if not ctx.options.local_government_credit_exempt:
        mask |= ctx.of_type("local_government_bond")
    return mask


def rating_required(ctx: ChargeContext) -> np.ndarray:
    """Positions that need a rating beyond the holdings file's own rule: those on the rated
    table by an option or by issuer type (non-financial perpetuals, local-government bonds
    not exempt)."""
    extra = ctx.domestic & equity.non_financial_perpetual(ctx)
    if not ctx.options.local_government_credit_exempt:
        extra |= ctx.of_type("local_government_bond")
    return extra


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Spread charges of domestic standardised debt (charge tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Spread charges of domestic standardised debt."""
    out = []
    dur = ctx.values("modified_duration")
    green_t = ctx.regime.table("spread", "green")
    green_k = green_t["k1"]
    green = ctx.values("green").astype(bool)
    for kind in ("policy_bank", "agency"):
        mask = ctx.of_type(f"{kind}_bond")
        if mask.any():
            t = ctx.regime.table("spread", kind)
            out.append(
                block(
                    ctx,
                    mask,
                    "spread",
                    curve(dur[mask], t["short"], t["long"]),
                    np.where(green[mask], green_k, 0.0),
                    f"{kind.replace('_', ' ')} bond",
                    t["article"],
                )
            )
    mask = rated_scope(ctx)
    if mask.any():
        t = ctx.regime.table("spread", "rated")
        rf0 = _rated(ctx, mask, t)
        k1 = np.where(green[mask], green_k, 0.0)
        art = t["article"] + "; green k1: " + green_t["article"]
        out.append(block(ctx, mask, "spread", rf0, k1, "rated credit bond / ABS", art))
    return out
