"""Result objects of the capital engine: immutable, with their breakdown and their regime."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from analyzer.compliance import ComplianceResult
from analyzer.solvency.liquidity import LiquidityResult

#: columns of the per-position rows in the solvency JSON (key ``holdings``)
#: the JSON ``liquidity`` reason when the company file has no ``[liquidity]`` section
LIQUIDITY_NOT_COMPUTED = "company file lacks [liquidity]"
POSITION_COLUMNS = ("id", "module", "exposure", "factor", "capital", "marginal_capital")


@dataclass(frozen=True)
class SciTechView:
    """What measures 15-16 ask for: the sci-tech share and the capital relief the sci-tech
    positions get from the newer rules, beside the rest of the change since the rules as
    issued.

    Money in CNY; a positive relief is minimum capital released by the current regime against
    ``baseline_regime`` (``cross2-2022``). Each relief is marginal: the minimum capital with
    that one cause put back to the baseline regime, everything else as in the current regime,
    minus the current minimum capital. Minimum capital is not additive in its causes (square
    roots in the aggregation, the size coefficient multiplies the rest), so the causes leave a
    ``relief_remainder``, shown explicitly: ``relief + relief_other_factors +
    relief_size_coefficient + relief_remainder = regime_change``.

    Attributes
    ----------
    share : float
        Market value of ``sci_tech`` positions / total invested, fraction.
    value : float
        Market value of sci-tech positions, CNY.
    target : float
        The company's target share (``[targets] sci_tech_share``), fraction.
    capital : float
        Stand-alone capital of the sci-tech positions (sum of their charges other than
        interest rate), this regime.
    capital_baseline : float
        The same under ``baseline_regime`` (``cross2-2022``).
    minimum_capital_baseline : float
        Minimum capital of the whole portfolio under the baseline regime.
    relief : float
        The sci-tech relief: ``minimum_capital_scitech_at_baseline - minimum_capital``, CNY.
        It contains no size coefficient effect: both terms use the current one.
    comprehensive_ratio_baseline, core_ratio_baseline : float
        The ratios under the baseline regime, fractions.
    baseline_regime : str
    minimum_capital_scitech_at_baseline : float
        Minimum capital with every charge of the ``sci_tech`` positions computed by the
        baseline regime's rule tables, everything else as in the current regime: the other
        positions' charges, the concentration tests, the life scenario method's curves, the
        aggregation, the size coefficient and control risk. CNY.
    relief_other_factors : float
        The same marginal effect for the positions not marked ``sci_tech``, CNY.
    relief_size_coefficient : float
        Minimum capital with the baseline regime's size coefficient (金规〔2023〕5号 一; 0
        before), everything else current, minus the current minimum capital, CNY.
    relief_remainder : float
        ``regime_change`` minus the three reliefs: the interaction of the causes through the
        aggregation and the size coefficient, and what the causes do not cover (e.g. a
        concentration threshold crossed in one regime only), CNY.
    regime_change : float
        ``minimum_capital_baseline - minimum_capital``: the whole change, CNY (earlier
        releases reported this figure as ``relief``).
    size_coefficient_baseline : float
        The size coefficient under the baseline regime (0 for ``cross2-2022``), fraction.
    """

    share: float
    value: float
    target: float
    capital: float
    capital_baseline: float
    minimum_capital_baseline: float
    relief: float
    comprehensive_ratio_baseline: float
    core_ratio_baseline: float
    baseline_regime: str
    minimum_capital_scitech_at_baseline: float
    relief_other_factors: float
    relief_size_coefficient: float
    relief_remainder: float
    regime_change: float
    size_coefficient_baseline: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class SolvencyResult:
    """The solvency of a portfolio under one regime.

    Money in CNY, ratios as fractions. ``charges`` is the full trace: one row per capital
    charge with the article it comes from; ``holdings`` one row per (position, module) with
    its Euler contribution ``marginal_capital``; ``euler`` the contributions that are not
    holdings (insurance risks, the liabilities' interest-rate position, loss absorption,
    additional capital). ``holdings.marginal_capital.sum() + sum(euler.values())`` equals
    ``minimum_capital``.
    """

    regime: str
    company: str
    company_type: str
    actual_capital: float
    core_capital: float
    minimum_capital: float
    core_ratio: float
    comprehensive_ratio: float
    quantifiable: float
    control: float
    additional: float
    market: dict[str, float]
    credit: dict[str, float]
    insurance: dict[str, float]
    diversification: float
    loss_absorption: float
    size_coefficient: float
    control_q: float
    submodules: dict[str, float]
    capital_tiers: dict[str, float]
    euler: dict[str, float]
    life_interest_rate: dict[str, Any] | None
    total_invested: float
    compliance: ComplianceResult
    thresholds: dict[str, float]
    holdings_table: Callable[[], pd.DataFrame] = field(repr=False, compare=False)
    charges_table: Callable[[], pd.DataFrame] = field(repr=False, compare=False)
    scitech: SciTechView | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: the company's non-investment credit items charged to default risk (Rule 9 Art. 22-38):
    #: one dict per charge row (``credit_items.ITEM_COLUMNS``)
    credit_items: tuple[dict[str, Any], ...] = ()
    #: their capital, CNY (Rule 9 Art. 39), included in ``credit["default"]``
    credit_items_capital: float = 0.0
    #: the liquidity coverage ratios (Rule 13 Annex 2 一), None when the company file has no
    #: ``[liquidity]`` section
    liquidity: LiquidityResult | None = None
    #: how ``loss_absorption`` was found (Rule 2 Art. 19): ``LossAbsorption.to_dict()`` of
    #: :mod:`analyzer.solvency.loss_absorption` (value, source, mc_par, beta, cap ...)
    loss_absorption_detail: dict[str, Any] | None = None

    @cached_property
    def holdings(self) -> pd.DataFrame:
        """One row per (position, module): id, asset_type, asset_class, module, exposure,
        factor, capital, marginal_capital (Euler), sci_tech, position.

        A report table, built from the engine's arrays on first use (the capital, ratios and
        Euler contributions are computed before it): reading it once costs one table build.
        """
        return self.holdings_table()

    @cached_property
    def charges(self) -> pd.DataFrame:
        """The trace: one row per charge with rf0, k, factor, capital, marginal_capital, the
        rule and its article (built on first use, like :attr:`holdings`)."""
        return self.charges_table()

    @property
    def investment_capital(self) -> float:
        """Sum of the holdings' Euler contributions (CNY)."""
        return float(self.holdings["marginal_capital"].sum())

    def top_consumers(self, n: int = 10) -> pd.DataFrame:
        """The n positions with the largest Euler contributions."""
        by_pos = self.holdings.groupby("id", sort=False).agg(
            asset_type=("asset_type", "first"),
            asset_class=("asset_class", "first"),
            exposure=("exposure", "max"),
            capital=("capital", "sum"),
            marginal_capital=("marginal_capital", "sum"),
        )
        return by_pos.sort_values("marginal_capital", ascending=False).head(n).reset_index()

    def to_dict(self, holdings: bool = True) -> dict[str, Any]:
        """The JSON of docs/formats.md §5 (plus added keys)."""
        out: dict[str, Any] = {
            "regime": self.regime,
            "company": self.company,
            "company_type": self.company_type,
            "actual_capital": self.actual_capital,
            "core_capital": self.core_capital,
            "minimum_capital": self.minimum_capital,
            "core_ratio": self.core_ratio,
            "comprehensive_ratio": self.comprehensive_ratio,
            "quantifiable": self.quantifiable,
            "control": self.control,
            "additional": self.additional,
            "market": dict(self.market),
            "credit": dict(self.credit),
            "insurance": dict(self.insurance),
            "diversification": self.diversification,
            "loss_absorption": self.loss_absorption,
            "size_coefficient": self.size_coefficient,
            "control_q": self.control_q,
            "submodules": dict(self.submodules),
            "capital_tiers": dict(self.capital_tiers),
            "euler": dict(self.euler),
            "total_invested": self.total_invested,
            "thresholds": dict(self.thresholds),
            "compliance": self.compliance.to_dict(),
            "scitech": self.scitech.to_dict() if self.scitech else None,
            "life_interest_rate": self.life_interest_rate,
            "options": dict(self.options),
            "credit_items": [dict(r) for r in self.credit_items],
            "credit_items_capital": self.credit_items_capital,
            "liquidity": (
                self.liquidity.to_dict()
                if self.liquidity is not None
                else {"computed": False, "reason": LIQUIDITY_NOT_COMPUTED}
            ),
            "loss_absorption_detail": (
                dict(self.loss_absorption_detail) if self.loss_absorption_detail else None
            ),
        }
        if holdings:
            out["holdings"] = self.position_table().to_dict(orient="records")
        return out

    def position_table(self) -> pd.DataFrame:
        """The per-position rows of the JSON's ``holdings`` key, as one table: one row per
        (position, module) with ``id``, ``module``, ``exposure`` (CNY), ``factor``
        (fraction), ``capital`` (stand-alone, CNY), ``marginal_capital`` (Euler, CNY)."""
        return self.holdings[list(POSITION_COLUMNS)]
