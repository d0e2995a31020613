"""Real-estate price risk (Rule 8 Art. 38-43): investment property, RF0 0.15, k1 by location."""

from __future__ import annotations

import pandas as pd

from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Charges of domestic investment property (charge tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Charges of domestic investment property."""
    mask = ctx.of_type("investment_property")
    if not mask.any():
        return []
    t = ctx.regime.table("real_estate", "investment_property")
    k1 = ctx.lookup("property_tier", t["k1"], mask)
    return [block(ctx, mask, "real_estate", t["rf0"], k1, "investment property", t["article"])]
