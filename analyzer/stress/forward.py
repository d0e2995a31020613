"""Deterministic (forward) stress tests: shock the positions, re-run the full engine.

For each scenario the positions are revalued (:mod:`analyzer.stress.shocks`), the value change
hits core tier 1 (``admitted_capital(core_tier1_change)`` applies the tier limits of Rule 1
Art. 41), and minimum capital is recomputed by the engine on the shocked holdings (Rule 10,
implementation guide 三: "各压力情景及反向压力情景下，最低资本的计量方法与基本情景相同").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.solvency.capital import admitted_capital
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, Regime, load_regime
from analyzer.solvency.result import SolvencyResult
from analyzer.stress.shocks import (
    Scopes,
    Shock,
    StressParameters,
    revalue,
    scopes,
    shocked_holdings,
)


@dataclass(frozen=True)
class Snapshot:
    """Solvency position at one point (CNY; ratios as fractions, 1.5 = 150%)."""

    actual_capital: float
    core_capital: float
    minimum_capital: float
    core_ratio: float
    comprehensive_ratio: float
    market: float
    credit: float
    submodules: dict[str, float] = field(default_factory=dict)
    #: the loss absorption of the (stressed) book, Rule 2 Art. 19 (recomputed by the engine)
    loss_absorption: float = 0.0

    @classmethod
    def of(
        cls, result: SolvencyResult, actual: float | None = None, core: float | None = None
    ) -> Snapshot:
        """Snapshot of an engine result, optionally with other capital figures."""
        a = result.actual_capital if actual is None else actual
        c = result.core_capital if core is None else core
        mc = result.minimum_capital
        return cls(
            actual_capital=a,
            core_capital=c,
            minimum_capital=mc,
            core_ratio=c / mc if mc > 0 else float("inf"),
            comprehensive_ratio=a / mc if mc > 0 else float("inf"),
            market=float(result.market["total"]),
            credit=float(result.credit["total"]),
            submodules=dict(result.submodules),
            loss_absorption=float(result.loss_absorption),
        )

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class StressResult:
    """Outcome of one deterministic stress scenario.

    Attributes
    ----------
    shock : the scenario
    asset_value_change : float
        Sum of ``x' - x`` over positions, CNY (negative = loss).
    liability_value_change : float
        Increase of the liabilities' value, CNY (0 unless the scenario revalues them).
    loss_actual, loss_core : float
        Base minus stressed actual / core capital, CNY (positive = loss).
    base, stressed : Snapshot
    by_driver : dict
        First-order attribution of the asset value change to drivers, CNY.
    separate_account_value_change : float
        Value change of the separate-account positions, CNY: borne by the policyholders
        (Rule 2 Art. 12; the separate-account liabilities move with it), so not in
        ``asset_value_change`` and not in capital.
    """

    shock: Shock
    asset_value_change: float
    liability_value_change: float
    loss_actual: float
    loss_core: float
    base: Snapshot
    stressed: Snapshot
    by_driver: dict[str, float] = field(default_factory=dict)
    separate_account_value_change: float = 0.0

    @property
    def name(self) -> str:
        """Scenario name."""
        return self.shock.name

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {
            "scenario": self.shock.to_dict(),
            "asset_value_change": self.asset_value_change,
            "liability_value_change": self.liability_value_change,
            "loss_actual_capital": self.loss_actual,
            "loss_core_capital": self.loss_core,
            "minimum_capital_change": self.stressed.minimum_capital - self.base.minimum_capital,
            "base": self.base.to_dict(),
            "stressed": self.stressed.to_dict(),
            "by_driver": dict(self.by_driver),
            "separate_account_value_change": self.separate_account_value_change,
        }


class Stresser:
    """Runs shocks against one portfolio; caches the base result and the driver scopes.

    Parameters
    ----------
    holdings, company : validated inputs
    regime : name or object
    options : engine interpretation switches
    params : revaluation assumptions (:class:`StressParameters`)
    """

    def __init__(
        self,
        holdings: Holdings,
        company: Company,
        regime: str | Regime = DEFAULT_REGIME,
        options: EngineOptions | None = None,
        params: StressParameters | None = None,
    ):
        from analyzer.solvency.engine import evaluate

        self.holdings = holdings
        self.company = company
        self.regime = regime if isinstance(regime, Regime) else load_regime(regime)
        self.options = options or EngineOptions()
        self.params = params or StressParameters()
        self._evaluate = evaluate
        self.base_result = evaluate(holdings, company, self.regime, self.options, scitech=False)
        self.base = Snapshot.of(self.base_result)
        self.scopes: Scopes = scopes(holdings, company, self.regime, self.options, self.params)

    def liability_change(self, shock: Shock) -> float:
        """Increase of the liabilities' value under the shock's rate move (life, optional).

        Liability net outflows discounted on the company's spot curve (years beyond the curve
        flat), before and after a parallel shift by the ``rates`` driver plus any
        ``liability_rates`` driver (the Annex 4 life sensitivity of the reserve curve), CNY.
        """
        move = shock.driver("liability_rates")
        if self.params.revalue_liabilities:
            move += shock.driver("rates")
        liab = self.company.liabilities
        if not move or liab is None:
            return 0.0
        return liability_pv_change(liab.cash_flows, liab.spot_curve, move)

    def run(self, shock: Shock) -> StressResult:
        """Apply one shock and re-run the engine on the shocked holdings."""
        rv = revalue(self.holdings, shock, self.scopes, self.params)
        dl = self.liability_change(shock)
        dv = float(rv.value_change.sum())
        change = (dv - dl) * self.params.capital_share_of_loss
        tiers = admitted_capital(self.company.capital, self.regime, change)
        shocked = shocked_holdings(self.holdings, rv, self.params)
        res = self._evaluate(shocked, self.company, self.regime, self.options, scitech=False)
        stressed = Snapshot.of(res, tiers.actual, tiers.core)
        by_driver = dict(rv.by_driver)
        if dl:
            by_driver["liabilities"] = -dl
        return StressResult(
            shock,
            dv,
            dl,
            self.base.actual_capital - tiers.actual,
            self.base.core_capital - tiers.core,
            self.base,
            stressed,
            by_driver,
            rv.separate_value_change,
        )

    def run_all(self, shocks: Iterable[Shock]) -> list[StressResult]:
        """Apply each shock in turn."""
        return [self.run(s) for s in shocks]


def liability_pv_change(cash_flows: np.ndarray, spot: np.ndarray, move_bp: float) -> float:
    """PV change (CNY) of year-end net outflows when the spot curve moves by ``move_bp``.

    ``PV = sum_t CF_t (1 + s_t) ** -t``; years beyond the curve take its last rate.
    """
    cf = np.asarray(cash_flows, dtype=float)
    s = np.asarray(spot, dtype=float)
    t = np.arange(1, len(cf) + 1)
    rates = s[np.minimum(t, len(s)) - 1]
    base = (cf * (1 + rates) ** -t).sum()
    moved = (cf * (1 + rates + move_bp / 1e4) ** -t).sum()
    return float(moved - base)


def run_stress(
    holdings: Holdings,
    company: Company,
    shocks: Iterable[Shock],
    regime: str | Regime = DEFAULT_REGIME,
    options: EngineOptions | None = None,
    params: StressParameters | None = None,
) -> list[StressResult]:
    """Run deterministic stress scenarios on a portfolio (see :class:`Stresser`)."""
    return Stresser(holdings, company, regime, options, params).run_all(shocks)
