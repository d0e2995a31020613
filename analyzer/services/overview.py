"""The executives' overview: the figures it shows beside the ratios."""

from __future__ import annotations

import pandas as pd

from analyzer.io.assumptions import Assumptions
from analyzer.solvency.result import SolvencyResult


def allocation_frame(result: SolvencyResult) -> pd.DataFrame:
    """One row per position: id, asset_class, asset_type, exposure (CNY); a position the
    result lists on several rows counts once, at its exposure."""
    return (
        result.holdings.groupby("id", sort=False)
        .agg(
            asset_class=("asset_class", "first"),
            asset_type=("asset_type", "first"),
            exposure=("exposure", "max"),
        )
        .reset_index()
    )


def exposure_by_class(result: SolvencyResult) -> dict[str, float]:
    """Exposure by asset class (CNY), each position counted once."""
    by_class = allocation_frame(result).groupby("asset_class", sort=False)["exposure"].sum()
    return {str(c): float(v) for c, v in by_class.items()}


def expected_return(result: SolvencyResult, assumptions: Assumptions | None) -> float | None:
    """The portfolio's expected annual return (a fraction): the weights by asset class (of
    the total exposure) times the assumptions' ``expected_return``.

    A class the assumptions do not list counts at 0. None without assumptions or without a
    positive total exposure.
    """
    if assumptions is None:
        return None
    returns = dict(zip(assumptions.classes, assumptions.expected_return, strict=True))
    values = exposure_by_class(result)
    total = sum(values.values())
    if total <= 0:
        return None
    return float(sum(v / total * float(returns.get(c, 0.0)) for c, v in values.items()))
