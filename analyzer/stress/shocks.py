"""Shocks and the position-level revaluation model of the deterministic stress tests.

A :class:`Shock` moves risk drivers (equity prices, the risk-free curve, credit spreads,
defaults, VC valuations, property, overseas equity) and, optionally, whole asset classes. Each
position gets a value multiplier ``m`` (new market value ``x' = m x``) and a cash-flow
multiplier (face value, for the life interest-rate scenario method). Which positions a driver
touches is decided from the engine's own charge table, so that the scopes follow the rule
texts Annex 4 points to (see :class:`StressParameters` and ``docs/stress.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from analyzer.errors import ParameterError
from analyzer.io.accounting import fair_value_shares
from analyzer.io.company import Company
from analyzer.io.holdings import BONDS, Holdings
from analyzer.solvency.charges import ChargeContext
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import Regime
from analyzer.stress.messages import compose

#: the risk drivers a scenario may move, with their unit
DRIVERS: Mapping[str, str] = MappingProxyType(
    {
        "equity": "return (fraction) of the assets charged for equity price risk, Rule 8 "
        "(direct and looked-through equity; money-market funds excluded)",
        "rates": "parallel move of the domestic risk-free curve, basis points; value change "
        "-D x move on fixed income measured at fair value",
        "spread": "widening of credit spreads, basis points; value change -D x move on the "
        "bonds charged for spread risk, Rule 9",
        "default": "default loss as a fraction (0..1) of the admitted value of the assets "
        "charged for credit risk, Rule 9 (spread or default charge)",
        "vc": "return (fraction) of PE/VC funds and unlisted equity (a write-down is negative)",
        "property": "return (fraction) of investment property",
        "overseas_equity": "return (fraction) of overseas equity and property",
        "liability_rates": "parallel move (bp) of the curve that discounts the liabilities; a "
        "fall raises their value (life insurers with liability cash flows)",
    }
)
BP_DRIVERS = frozenset({"rates", "spread", "liability_rates"})
RETURN_DRIVERS = frozenset({"equity", "vc", "property", "overseas_equity"})
#: asset types whose value moves with the domestic risk-free curve (when they carry a duration)
RATE_TYPES: tuple[str, ...] = (*BONDS, "perpetual_bond")


@dataclass(frozen=True)
class StressParameters:
    """Every assumption of the revaluation model, named (see ``docs/stress.md``).

    Attributes
    ----------
    fair_value_share : float
        Share (0..1) of the fixed income in the rate scope that is measured at fair value
        (Annex 4: the +50bp shock hits "以公允价值计量的固定收益类资产"), for the positions
        whose holdings column ``accounting`` is blank; a position with ``accounting`` given
        moves fully (``fvoci``, ``fvtpl``) or not at all (``amortised_cost``)
        (:func:`analyzer.io.accounting.fair_value_shares`). Default 1.0 (all fair value, the
        prudent reading).
    capital_share_of_loss : float
        Share of a value change that reaches core tier 1: 1.0 means before tax and before
        policyholder sharing (Annex 4 says nothing of either).
    k1_follows_prices : bool
        True: purchase cost stays, so the stock-book P&L coefficient k1 of Rule 8 Art. 26
        reacts to the price fall (the rule's effect). False: purchase cost scales with the
        price, k1 stays at its current value (as in :class:`CapitalMap`).
    credit_scope : {"charged", "any_row"}
        Default-loss scope: positions with a positive spread or default charge ("charged",
        so cash at RF 0 loses nothing), or any position with a credit-risk row.
    include_overseas_equity : bool
        Whether the equity driver also moves overseas equity (Annex 4 names the assets of
        Rule 8's equity price risk, which excludes overseas assets; default False).
    revalue_liabilities : bool
        Life insurers: whether a rate move also revalues the liabilities (PV of the liability
        cash flows on the company's spot curve). Annex 4's +50bp names fair-value fixed
        income assets only; default False.
    rate_floor : float
        Smallest value multiplier a duration shock may give (0.0: a bond cannot go below 0).
    """

    fair_value_share: float = 1.0
    capital_share_of_loss: float = 1.0
    k1_follows_prices: bool = True
    credit_scope: str = "charged"
    include_overseas_equity: bool = False
    revalue_liabilities: bool = False
    rate_floor: float = 0.0

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class Shock:
    """One stress scenario: driver moves and asset-class returns.

    Attributes
    ----------
    name : str
    drivers : mapping driver -> move (returns as fractions, rates/spread in basis points,
        default as a loss fraction); see :data:`DRIVERS`.
    class_returns : mapping asset_class -> return (fraction, >= -1)
    description, reference, source : str
        What it is, the article it implements, where its numbers come from.
    kind : str
        ``annex4``, ``component``, ``historical``, ``user`` or ``reverse``.
    rows : mapping field -> spreadsheet row of the scenario file (for messages)
    """

    name: str
    drivers: Mapping[str, float] = field(default_factory=dict)
    class_returns: Mapping[str, float] = field(default_factory=dict)
    description: str = ""
    reference: str = ""
    source: str = ""
    kind: str = "user"
    rows: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def driver(self, name: str) -> float:
        """The move of a driver (0 when not set)."""
        return float(self.drivers.get(name, 0.0))

    def with_drivers(self, **moves: float) -> Shock:
        """A copy with some drivers replaced."""
        return replace(self, drivers={**self.drivers, **moves})

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {
            "name": self.name,
            "kind": self.kind,
            "drivers": dict(self.drivers),
            "class_returns": dict(self.class_returns),
            "description": self.description,
            "reference": self.reference,
            "source": self.source,
        }


@dataclass(frozen=True)
class Scopes:
    """Position masks of each driver, from the engine's charge table."""

    equity: np.ndarray
    rates: np.ndarray
    spread: np.ndarray
    default: np.ndarray
    vc: np.ndarray
    property: np.ndarray
    overseas_equity: np.ndarray
    duration: np.ndarray  # modified duration, years (0 where blank)


def scopes(
    holdings: Holdings,
    company: Company,
    regime: Regime,
    options: EngineOptions,
    params: StressParameters,
) -> Scopes:
    """Which positions each driver moves (Annex 4 scopes read off the charge table)."""
    from analyzer.solvency.engine import build_charges

    f = holdings.frame
    n = len(f)
    ctx = ChargeContext(f, regime, company, options, look_through=holdings.look_through)
    charges, _ = build_charges(ctx, holdings.source)
    pos = charges["position"].to_numpy()
    sub = charges["submodule"].to_numpy()
    cap = charges["capital"].to_numpy()
    at = f["asset_type"].to_numpy()
    domestic = f["region"].to_numpy() == "domestic"

    def mask(rows: np.ndarray) -> np.ndarray:
        m = np.zeros(n, dtype=bool)
        m[pos[rows]] = True
        return m

    equity = mask(sub == "equity") & (at != "money_market_fund")
    overseas_eq = mask(np.char.startswith(sub.astype(str), "overseas_equity"))
    if params.include_overseas_equity:
        equity |= overseas_eq
    credit_rows = np.isin(sub, ["spread", "default"])
    if params.credit_scope == "charged":
        credit_rows &= cap > 0
    elif params.credit_scope != "any_row":
        raise ParameterError(compose("stress.credit_scope", scope=params.credit_scope))
    dur = np.nan_to_num(f["modified_duration"].to_numpy(dtype=float), nan=0.0)
    rates = np.isin(at, RATE_TYPES) & domestic & (dur > 0)
    return Scopes(
        equity=equity,
        rates=rates,
        spread=mask(sub == "spread") & (dur > 0),
        default=mask(credit_rows),
        vc=np.isin(at, ["pe_vc_fund", "unlisted_equity"]),
        property=(at == "investment_property") & domestic,
        overseas_equity=overseas_eq,
        duration=dur,
    )


@dataclass(frozen=True)
class Revaluation:
    """Position-level outcome of a shock (CNY)."""

    value_multiplier: np.ndarray
    cash_flow_multiplier: np.ndarray
    value_change: np.ndarray  # x' - x per position
    by_driver: dict[str, float]  # first-order attribution of the value change, CNY


def revalue(holdings: Holdings, shock: Shock, sc: Scopes, params: StressParameters) -> Revaluation:
    """Value multipliers of every position under a shock.

    The drivers compose multiplicatively per position (a corporate bond in the combined Annex 4
    scenario loses ``D x 0.005`` to rates, then 10% of what is left to default).

    Returns
    -------
    Revaluation
    """
    f = holdings.frame
    x = f["market_value"].to_numpy(dtype=float)
    n = len(f)
    parts: dict[str, np.ndarray] = {}
    for name in RETURN_DRIVERS:
        r = shock.driver(name)
        if r:
            parts[name] = np.where(getattr(sc, name), 1.0 + r, 1.0)
    move = shock.driver("rates") / 1e4
    if move:
        share = fair_value_shares(f, params.fair_value_share)
        m = 1.0 - sc.duration * move * share
        parts["rates"] = np.where(sc.rates, np.maximum(m, params.rate_floor), 1.0)
    move = shock.driver("spread") / 1e4
    if move:
        m = 1.0 - sc.duration * move
        parts["spread"] = np.where(sc.spread, np.maximum(m, params.rate_floor), 1.0)
    loss = shock.driver("default")
    if loss:
        parts["default"] = np.where(sc.default, 1.0 - loss, 1.0)
    if shock.class_returns:
        cr = pd.Series(dict(shock.class_returns), dtype=float)
        parts["asset_class"] = 1.0 + f["asset_class"].map(cr).fillna(0.0).to_numpy()
    value = np.ones(n)
    for m in parts.values():
        value = value * m
    cash = np.ones(n)
    for key in ("default", "asset_class"):
        if key in parts:
            cash = cash * parts[key]
    by_driver = {k: float(((m - 1.0) * x).sum()) for k, m in parts.items()}
    return Revaluation(value, cash, x * (value - 1.0), by_driver)


def shocked_holdings(holdings: Holdings, rv: Revaluation, params: StressParameters) -> Holdings:
    """Holdings with the shocked values (market and book value), face values and costs."""
    frame = holdings.frame.copy()
    m = rv.value_multiplier
    for col in ("market_value", "book_value"):
        frame[col] = frame[col].to_numpy() * m
    frame["face_value"] = frame["face_value"].to_numpy() * rv.cash_flow_multiplier
    if not params.k1_follows_prices:
        frame["purchase_cost"] = frame["purchase_cost"].to_numpy() * m
    return Holdings(frame, holdings.source, look_through=holdings.look_through)
