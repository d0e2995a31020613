"""The C-ROSS II capital model for an insurer's investment portfolio.

Entry points
------------
- :func:`analyzer.solvency.engine.evaluate` gives a :class:`SolvencyResult` for holdings and a
  company under a regime.
- :func:`analyzer.solvency.capital_map.build_capital_map` gives the linear map from asset-class
  exposures to sub-module capital that the optimiser and the simulation use.
- :func:`analyzer.solvency.regime.load_regime` loads a regime's tables.
"""

from analyzer.solvency.regime import DEFAULT_REGIME, Regime, available_regimes, load_regime

__all__ = ["DEFAULT_REGIME", "Regime", "available_regimes", "load_regime"]
