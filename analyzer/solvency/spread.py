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

from analyzer.solvency.charges import ChargeContext, make_charges


def curve(duration: np.ndarray, short: dict, long: dict) -> np.ndarray:
    """RF0 = D (a D + b) for D <= 5, D c + d above (Art. 13-14)."""
    d = np.asarray(duration, dtype=float)
    return np.where(d <= 5.0, d * (short["a"] * d + short["b"]), d * long["c"] + long["d"])


def rated_factor(duration: np.ndarray, ratings: np.ndarray, table: dict) -> np.ndarray:
    """RF0 of Art. 15: D (a D + b) for D <= 5 and D c above, by rating."""
    d = np.asarray(duration, dtype=float)
    abc = np.array([table[r] for r in ratings], dtype=float).reshape(-1, 3)
    return np.where(d <= 5.0, d * (abc[:, 0] * d + abc[:, 1]), d * abc[:, 2])


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Spread charges of domestic standardised debt."""
    f = ctx.frame
    out = []
    dur = f["modified_duration"].to_numpy()
    green_k = ctx.regime.table("spread", "green")["k1"]
    green = f["green"].to_numpy(dtype=bool)
    for kind in ("policy_bank", "agency"):
        mask = ctx.of_type(f"{kind}_bond")
        if mask.any():
            t = ctx.regime.table("spread", kind)
            out.append(make_charges(ctx, mask, "spread", curve(dur[mask], t["short"], t["long"]),
                                    np.where(green[mask], green_k, 0.0),
                                    f"{kind.replace('_', ' ')} bond", t["article"]))
    mask = ctx.of_type("corporate_bond", "financial_bond", "abs")
    if mask.any():
        t = ctx.regime.table("spread", "rated")
        rf0 = rated_factor(dur[mask], f["rating"].to_numpy()[mask], t)
        k1 = np.where(green[mask], green_k, 0.0)
        art = t["article"] + "; green k1: " + ctx.regime.table("spread", "green")["article"]
        out.append(make_charges(ctx, mask, "spread", rf0, k1, "rated credit bond / ABS", art))
    return out
