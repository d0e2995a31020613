"""Real-estate price risk (Rule 8 Art. 38-43): investment property, RF0 0.15, k1 by location."""

from __future__ import annotations

import pandas as pd

from analyzer.solvency.charges import ChargeContext, lookup, make_charges


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Charges of domestic investment property."""
    mask = ctx.of_type("investment_property")
    if not mask.any():
        return []
    t = ctx.regime.table("real_estate", "investment_property")
    k1 = lookup(ctx.frame["property_tier"].to_numpy()[mask], t["k1"])
    return [make_charges(ctx, mask, "real_estate", t["rf0"], k1, "investment property",
                         t["article"])]
