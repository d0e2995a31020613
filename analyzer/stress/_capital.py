"""Actual and core capital after a gain or loss, vectorised over scenarios.

Thin wrapper: the tier limits of Rule 1 Art. 41 exist once, in
:func:`analyzer.solvency.capital.admitted_capital`, which accepts a batch of changes.
"""

from __future__ import annotations

import numpy as np

from analyzer.io.company import Capital
from analyzer.solvency.capital import admitted_capital
from analyzer.solvency.regime import Regime


def admitted_batch(
    capital: Capital, regime: Regime, core_tier1_change: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Actual and core capital (CNY) after each change to core tier 1 (CNY, array)."""
    a = admitted_capital(capital, regime, np.asarray(core_tier1_change, dtype=float))
    return np.asarray(a.actual), np.asarray(a.core)
