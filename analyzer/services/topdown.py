"""The top-down service: minimum capital and ratios from module capitals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer.io.tables import read_table
from analyzer.solvency.regime import DEFAULT_REGIME, load_regime
from analyzer.topdown import aggregate_modules


def aggregate(
    modules: str | Path, regime: str = DEFAULT_REGIME, assets_unit: str = "yuan"
) -> pd.DataFrame:
    """Minimum capital and solvency ratios from module capitals (top-down, Rule 2): the rows
    of the table ``modules`` with the size coefficient, diversification, quantifiable and
    minimum capital and the ratios added (:func:`analyzer.topdown.aggregate_modules`).

    ``assets_unit`` is the unit of ``total_assets``: ``yuan``, ``wan`` or ``yi``.
    """
    reg = load_regime(regime)
    frame = read_table(modules, name=str(modules))
    return aggregate_modules(frame, reg, str(modules), assets_unit=assets_unit)


__all__ = [
    "aggregate",
]
