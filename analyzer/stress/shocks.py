"""Shocks and the position-level revaluation model of the deterministic stress tests.

A :class:`Shock` moves risk drivers (equity prices, the risk-free curve, credit spreads,
defaults, VC valuations, property, overseas equity, foreign currencies) and, optionally, whole
asset classes; derivatives gain or lose their signed notional times the move. Each
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
from analyzer.io.holdings import BONDS, DERIVATIVES, KIND_PRODUCTS, Holdings
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
        "fx": "return (fraction) of the foreign currencies against CNY: overseas positions held "
        "in a foreign currency move by it, an fx_forward by +/- notional x move",
    }
)
BP_DRIVERS = frozenset({"rates", "spread", "liability_rates"})
RETURN_DRIVERS = frozenset({"equity", "vc", "property", "overseas_equity", "fx"})
#: asset types whose value moves with the domestic risk-free curve (when they carry a duration)
RATE_TYPES: tuple[str, ...] = (*BONDS, "perpetual_bond")
#: debt-type products of Rule 7 Art. 32 (fixed-income trusts by ``trust_kind``): fixed income,
#: so the rate move reaches them where they carry a duration and are at fair value
DEBT_PRODUCTS: tuple[str, ...] = ("insurance_abs_plan", "debt_investment_plan")
#: asset types the property driver moves (domestic investment property; Rule 7 Art. 31 (七)
#: real-estate financial products, on top of the equity move their charge gives them)
PROPERTY_TYPES: tuple[str, ...] = ("investment_property", "real_estate_financial_product")


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
    products_by_kind : bool
        True (default): a portfolio product not looked through (``am_product``,
        ``wealth_management_product``) moves by what its ``product_kind`` says it holds:
        ``equity`` with the equity driver, ``fixed_income`` with rates (with a duration, at
        fair value) and default, ``mixed`` split by ``mixed_equity_share``, ``money_market``
        not at all (Annex 4 excludes money-market funds). False: the literal scope of its
        charge (Rule 7 Art. 31 charges every such product for equity price risk, so every
        kind falls with equity).
    mixed_equity_share : float
        Equity share (0..1) of a ``mixed`` product not looked through; the rest is fixed
        income. Default 0.8: a mixed product holds less than 80% in equity (an equity product
        at least 80%, 《关于规范金融机构资产管理业务的指导意见》 Art. 4), and the largest
        equity share gives the largest Annex 4 macro loss.
    default_fixed_income_products : bool
        Whether the default driver reaches the fixed-income share of portfolio products not
        looked through (default True, the prudent reading: they hold fixed income, which the
        Annex 4 credit component names; literally they carry no Rule 9 charge, Rule 7
        Art. 31). Debt-type products (Rule 7 Art. 32) always carry a default charge.
    """

    fair_value_share: float = 1.0
    capital_share_of_loss: float = 1.0
    k1_follows_prices: bool = True
    credit_scope: str = "charged"
    include_overseas_equity: bool = False
    revalue_liabilities: bool = False
    rate_floor: float = 0.0
    products_by_kind: bool = True
    mixed_equity_share: float = 0.8
    default_fixed_income_products: bool = True

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
    """Weights of each driver per row, from the engine's charge table.

    The rows are the positions, followed (with a look-through file) by the underlyings of the
    looked-through products and their unexplained remainders (the engine's expanded frame,
    :func:`analyzer.solvency.underlyings.expand`); ``origin`` maps each row to its position.
    A weight is 1 where the driver moves the row and 0 elsewhere; a mixed product not looked
    through is two rows (its equity share, its fixed-income share, each valued at its part).
    A looked-through product has weight 0 on its own row: its underlyings move instead.
    The ``*_notional`` arrays are the derivatives' signed sensitivities (CNY of gain per unit
    move: per unit return for equity and fx, per unit rate, i.e. notional x duration, for
    rates).
    """

    equity: np.ndarray
    rates: np.ndarray
    spread: np.ndarray
    default: np.ndarray
    vc: np.ndarray
    property: np.ndarray
    overseas_equity: np.ndarray
    duration: np.ndarray  # modified duration, years (0 where blank)
    fx: np.ndarray | None = None
    value: np.ndarray | None = None  # market value of each row, CNY
    origin: np.ndarray | None = None  # position of each row
    separate: np.ndarray | None = None  # rows of separate accounts (never moved)
    equity_notional: np.ndarray | None = None
    rates_notional: np.ndarray | None = None
    fx_notional: np.ndarray | None = None
    fair_value: np.ndarray | None = None  # fair-value share of each row (the +50bp scope)


def _sign(direction: np.ndarray, positive: str) -> np.ndarray:
    return np.where(direction == positive, 1.0, -1.0)


def scopes(
    holdings: Holdings,
    company: Company,
    regime: Regime,
    options: EngineOptions,
    params: StressParameters,
) -> Scopes:
    """Which rows each driver moves, and by which share (Annex 4 scopes read off the charge
    table; docs/stress.md §1 lists the mapping of every asset type)."""
    from analyzer.solvency import underlyings
    from analyzer.solvency.charges import SUBMODULES, ChargeArrays
    from analyzer.solvency.engine import _rule_rows
    from analyzer.solvency.loss_absorption import separate_mask

    if params.credit_scope not in ("charged", "any_row"):
        raise ParameterError(compose("stress.credit_scope", scope=params.credit_scope))
    if not 0.0 <= params.mixed_equity_share <= 1.0:
        raise ParameterError(compose("stress.mixed_equity_share", share=params.mixed_equity_share))
    base = ChargeContext(
        holdings.frame, regime, company, options, look_through=holdings.look_through
    )
    ctx = underlyings.expand(base)
    f = ctx.frame
    n = len(f)
    exp = ctx.expansion
    origin = np.arange(n) if exp is None else exp.origin
    replaced = np.zeros(n, dtype=bool)
    if exp is not None:
        replaced[: exp.n] = exp.replaced
    by_module = _rule_rows(ctx)
    rows = ChargeArrays.concat([b for m in by_module.values() for b in m.rows])
    pos = rows.position
    sub = np.asarray(SUBMODULES, dtype=object)[rows.submodule.astype(int)]
    cap = rows.capital

    def mask(selected: np.ndarray) -> np.ndarray:
        m = np.zeros(n, dtype=bool)
        m[pos[selected]] = True
        return m

    def col(name: str) -> np.ndarray:
        return f[name].astype(object).fillna("").to_numpy() if name in f else np.full(n, "")

    at = col("asset_type")
    kind = col("product_kind")
    domestic = col("region") == "domestic"
    currency = col("currency")
    direction = col("direction")
    dur = np.nan_to_num(f["modified_duration"].to_numpy(dtype=float), nan=0.0)
    derivative = np.isin(at, DERIVATIVES)
    products = np.isin(at, KIND_PRODUCTS) & params.products_by_kind
    # equity share / fixed-income share of a portfolio product not looked through, by kind
    eq_share = np.where(kind == "equity", 1.0, 0.0)
    eq_share = np.where(kind == "mixed", params.mixed_equity_share, eq_share)
    fi_share = np.where(np.isin(kind, ["fixed_income", "mixed"]), 1.0 - eq_share, 0.0)

    equity = (mask(sub == "equity") & (at != "money_market_fund") & ~derivative).astype(float)
    equity = np.where(products, (eq_share > 0).astype(float), equity)
    overseas_eq = mask(np.char.startswith(sub.astype(str), "overseas_equity"))
    if params.include_overseas_equity:
        equity = np.maximum(equity, overseas_eq)
    credit_rows = np.isin(sub, ["spread", "default"])
    if params.credit_scope == "charged":
        credit_rows &= cap > 0
    default = mask(credit_rows).astype(float)
    charged = default > 0
    if params.default_fixed_income_products:
        default = np.where(products, np.maximum(default, fi_share > 0), default)
    # a debt-type product looked through carries a surface default charge on its full value
    # (Rule 7 Art. 21-23): the 10% loss is taken once, on all of it (its underlyings)
    if exp is not None:
        surface = charged[origin]
        default = np.where((exp.kind != "") & surface, 1.0, default)
    trust_fi = (at == "trust_plan") & (col("trust_kind") == "fixed_income")
    rate_types = np.isin(at, (*RATE_TYPES, *DEBT_PRODUCTS)) | trust_fi
    rates = np.where(rate_types, 1.0, 0.0)
    rates = np.where(products, (fi_share > 0).astype(float), rates)
    rates = np.where(domestic & (dur > 0) & ~derivative, rates, 0.0)
    fx = (~domestic & ~np.isin(currency, ["", "CNY"]) & ~derivative).astype(float)
    weights = {
        "equity": equity,
        "rates": rates,
        "spread": (mask(sub == "spread") & (dur > 0)).astype(float),
        "default": default,
        "vc": np.isin(at, ["pe_vc_fund", "unlisted_equity"]).astype(float),
        "property": (np.isin(at, PROPERTY_TYPES) & domestic).astype(float),
        "overseas_equity": overseas_eq.astype(float),
        "fx": fx,
    }
    separate = separate_mask(base)[origin]
    # separate-account rows move (their change is the policyholders', reported apart)
    weights = {k: np.where(replaced, 0.0, w) for k, w in weights.items()}
    # derivatives (Rule 8 Art. 15-16, 35, 57-58): fair value moves with the driver
    notional = (
        np.nan_to_num(f["notional"].to_numpy(dtype=float), nan=0.0)
        if "notional" in f
        else np.zeros(n)
    )
    live = ~separate
    eq_n = np.where((at == "stock_index_future") & live, _sign(direction, "long") * notional, 0.0)
    swap = (at == "interest_rate_swap") & live
    fut = (at == "treasury_future") & live
    rates_n = np.where(swap, _sign(direction, "pay_fixed") * notional * dur, 0.0)
    rates_n = np.where(fut, -_sign(direction, "long") * notional * dur, rates_n)
    fx_n = np.where((at == "fx_forward") & live, _sign(direction, "long") * notional, 0.0)
    value = f["market_value"].to_numpy(dtype=float)
    fair = fair_value_shares(f, params.fair_value_share)
    # a mixed product is two rows: its equity share (equity driver) and its fixed-income share
    # (rates, default), each moving as a product of that kind would
    split = np.flatnonzero(products & (eq_share > 0) & (fi_share > 0) & ~replaced)
    if len(split):
        idx = np.concatenate([np.arange(n), split])
        part = np.zeros(len(idx), dtype=bool)
        part[n:] = True
        value = value[idx]
        value[split] *= eq_share[split]
        value[n:] *= fi_share[split]
        weights = {k: w[idx] for k, w in weights.items()}
        for k in ("rates", "default", "spread"):
            weights[k][split] = 0.0
        weights["equity"][n:] = 0.0
        origin, dur, fair, separate = origin[idx], dur[idx], fair[idx], separate[idx]
        eq_n, rates_n, fx_n = (np.where(part, 0.0, a[idx]) for a in (eq_n, rates_n, fx_n))
    return Scopes(
        duration=dur,
        value=value,
        origin=np.asarray(origin, dtype=np.int64),
        separate=separate,
        equity_notional=eq_n,
        rates_notional=rates_n,
        fx_notional=fx_n,
        fair_value=fair,
        **weights,
    )


@dataclass(frozen=True)
class Revaluation:
    """Position-level outcome of a shock (CNY)."""

    value_multiplier: np.ndarray
    cash_flow_multiplier: np.ndarray
    value_change: np.ndarray  # x' - x per position
    by_driver: dict[str, float]  # first-order attribution of the value change, CNY
    #: value change of the separate-account positions, CNY: borne by the policyholders (the
    #: separate-account liabilities move with it), not in ``value_change``
    separate_value_change: float = 0.0


#: derivative sensitivities per driver (Scopes attribute) and the unit of the move
_DERIVATIVE_DRIVERS = (
    ("equity", "equity_notional", 1.0),
    ("rates", "rates_notional", 1e-4),
    ("fx", "fx_notional", 1.0),
)


def revalue(holdings: Holdings, shock: Shock, sc: Scopes, params: StressParameters) -> Revaluation:
    """Value multipliers of every position under a shock.

    The drivers compose multiplicatively per row (a corporate bond in the combined Annex 4
    scenario loses ``D x 0.005`` to rates, then 10% of what is left to default); a row moved
    by a share ``w`` of a driver takes ``1 + w r``. A looked-through product is the sum of its
    underlyings' and remainder's new values. A derivative gains its signed sensitivity times
    the move (linear, added to the position's value change). Separate-account positions keep
    their value for the company (their change is reported apart).

    Returns
    -------
    Revaluation
    """
    f = holdings.frame
    x = f["market_value"].to_numpy(dtype=float)
    n = len(f)
    xr = x if sc.value is None else sc.value
    nr = len(xr)
    origin = np.arange(n) if sc.origin is None else sc.origin
    parts: dict[str, np.ndarray] = {}
    for name in RETURN_DRIVERS:
        r = shock.driver(name)
        w = getattr(sc, name)
        if r and w is not None:
            parts[name] = 1.0 + np.asarray(w, dtype=float) * r
    move = shock.driver("rates") / 1e4
    if move:
        share = (
            fair_value_shares(f, params.fair_value_share)
            if sc.fair_value is None
            else sc.fair_value
        )
        m = 1.0 - sc.duration * move * share * sc.rates
        parts["rates"] = np.where(sc.rates > 0, np.maximum(m, params.rate_floor), 1.0)
    move = shock.driver("spread") / 1e4
    if move:
        m = 1.0 - sc.duration * move * sc.spread
        parts["spread"] = np.where(sc.spread > 0, np.maximum(m, params.rate_floor), 1.0)
    loss = shock.driver("default")
    if loss:
        parts["default"] = 1.0 - np.asarray(sc.default, dtype=float) * loss
    if shock.class_returns:
        cr = pd.Series(dict(shock.class_returns), dtype=float)
        ac = f["asset_class"].map(cr).fillna(0.0).to_numpy()
        parts["asset_class"] = 1.0 + ac[origin]
    value = np.ones(nr)
    for m in parts.values():
        value = value * m
    cash = np.ones(nr)
    for key in ("default", "asset_class"):
        if key in parts:
            cash = cash * parts[key]
    separate = np.zeros(nr, dtype=bool) if sc.separate is None else sc.separate
    gains = np.zeros(nr)
    by_driver = {k: float(((m - 1.0) * xr)[~separate].sum()) for k, m in parts.items()}
    for name, attr, unit in _DERIVATIVE_DRIVERS:
        sens = getattr(sc, attr)
        move = shock.driver(name) * unit
        if sens is not None and move and np.any(sens):
            g = sens * move
            gains = gains + g
            by_driver[name] = by_driver.get(name, 0.0) + float(g.sum())
    row_change = xr * (value - 1.0)
    separate_change = float(row_change[separate].sum())
    row_change = np.where(separate, 0.0, row_change)
    change = np.bincount(origin, weights=row_change, minlength=n)[:n]
    gain = np.bincount(origin, weights=gains, minlength=n)[:n]
    cash_change = np.bincount(
        origin, weights=np.where(separate, 0.0, xr * (cash - 1.0)), minlength=n
    )[:n]
    with np.errstate(divide="ignore", invalid="ignore"):
        mult = np.where(x > 0, 1.0 + change / x, 1.0)
        cash_mult = np.where(x > 0, 1.0 + cash_change / x, 1.0)
    return Revaluation(mult, cash_mult, change + gain, by_driver, separate_change)


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
