"""Constraint terms. A term names the left and the right side of each of its limits
(:meth:`Constraint.sides`, one :class:`Inequality` each, with its business unit); the base
class states them through :meth:`Context.leq` (so they can be homogenised, made elastic and
priced) and returns the cvxpy constraints they became.

Weights are fractions of the invested total ``V``; a cap ``c`` on a share of total assets ``TA``
is ``share' w <= c TA / V``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer.errors import ParameterError
from analyzer.messages import Text
from analyzer.optimize.capital import MARGIN, scalars
from analyzer.optimize.context import Context
from analyzer.optimize.messages import compose
from analyzer.optimize.terms import volatility
from analyzer.solvency import liquidity
from analyzer.solvency.regime import legal_minimum

__all__ = [
    "ClassBounds",
    "Constraint",
    "CounterpartyLimit",
    "DurationBand",
    "EquityCap",
    "GroupBounds",
    "Inequality",
    "LiquidityCoverage",
    "LiquidityFloor",
    "MaxVolatility",
    "MinReturn",
    "PropertyConcentration",
    "RatioCaps",
    "SciTechMinimum",
    "ShareFloor",
    "SingleAssetLimit",
    "SolvencyFloor",
    "Turnover",
    "VentureCapitalCap",
]


@dataclass(frozen=True)
class Inequality:
    """One limit ``lhs <= rhs`` (``lhs >= rhs`` when ``lower``), possibly a vector.

    Attributes
    ----------
    lhs : cvxpy expression of the weights
    rhs : number, array or Parameter (multiplied by ``t`` in the Charnes-Cooper form)
    name : the limit's name (``equity_cap``, ``min_weight`` ...)
    limit : the limit in its business unit (ratio, share, years ...)
    unit : that business unit (``"pp of total assets"`` ...)
    per_unit : d rhs / d limit (converts a dual into a shadow price per unit of the limit)
    labels : element names of a vector limit
    lower : a floor
    reach : ``reach(slack)`` -> the limit value a slack makes reachable (default linear)
    describe : the limit in words (zh and en)
    """

    lhs: Any
    rhs: Any
    name: str
    limit: Any
    unit: str
    per_unit: Any
    labels: Sequence[str] | None = None
    lower: bool = False
    reach: Callable[[float], float] | None = None
    describe: str | Text = ""


class Constraint:
    """Base class of constraint terms (cvxportfolio's ``InequalityConstraint`` is the model):
    a subclass names its inequalities in :meth:`sides` and nothing else."""

    name = "constraint"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:  # pragma: no cover
        """The term's inequalities (none when it does not apply to the universe)."""
        raise NotImplementedError

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        """State every inequality of :meth:`sides`; return the cvxpy constraints added."""
        added = []
        for s in self.sides(w, ctx):
            lim = ctx.leq(
                s.lhs,
                s.rhs,
                s.name,
                s.limit,
                s.unit,
                s.per_unit,
                labels=s.labels,
                lower=s.lower,
                reach=s.reach,
                describe=s.describe,
            )
            added.append(lim.constraint)
        return added


def share_cap(
    ctx: Context,
    w: cp.Expression,
    share: np.ndarray,
    cap: float,
    name: str,
    describe: Text,
    margin: float = 0.0,
) -> Inequality:
    """A cap on a share of total assets: ``share' w <= cap TA / V (1 - margin)``."""
    u = ctx.universe
    per = u.total_assets / u.V * 0.01  # d rhs / d (1 pp of total assets)
    return Inequality(
        share @ w,
        cap * u.total_assets / u.V * (1 - margin),
        name,
        cap,
        "pp of total assets",
        per,
        describe=describe,
    )


@dataclass
class SolvencyFloor(Constraint):
    """Core and comprehensive ratio floors (fractions, e.g. 0.75 and 1.5) as ``z <= budget``.

    The budgets are scalar Parameters ``b_core``, ``b_comprehensive`` (frontier on the solvency
    axis re-solves by changing them). Shadow prices: per percentage point of the floor and per
    1 亿元 (1e8 CNY) of capital.
    """

    min_core: float = field(default_factory=lambda: legal_minimum("core"))
    min_comprehensive: float = field(default_factory=lambda: legal_minimum("comprehensive"))
    name = "solvency_floor"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        if ctx.z is None:
            raise RuntimeError("state the capital cones before the solvency floor")
        s = scalars(ctx)
        for which, capital, floor in (
            ("core", s.core, self.min_core),
            ("comprehensive", s.actual, self.min_comprehensive),
        ):
            b = ctx.param(f"b_{which}", s.budget(capital, floor) * (1 - MARGIN), nonneg=True)
            d = s.d_budget_d_floor(capital, floor)

            def reach(slack: float, capital: float = capital, b: cp.Parameter = b) -> float:
                return s.ratio(capital, (float(b.value) + slack) / (1 - MARGIN))

            yield Inequality(
                ctx.z,
                b,
                f"min_{which}_ratio",
                floor,
                "pp of " + which + " ratio",
                -d * 0.01,
                reach=reach,
                describe=compose(f"optimize.limit.min_{which}_ratio", floor=floor),
            )


@dataclass
class RatioCaps(Constraint):
    """保监发〔2014〕13号 caps: real estate 30%, other financial 25%, overseas 15% of total assets
    (shares of each unit's value in each group are fixed: pro rata)."""

    name = "ratio_caps"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        u = ctx.universe
        caps = u.regime.table("ratio_caps", "caps")
        for group in ("real_estate", "other_financial", "overseas"):
            if u.group_share[group].any():
                yield share_cap(
                    ctx,
                    w,
                    u.group_share[group],
                    caps[group],
                    f"{group}_cap",
                    compose(f"optimize.limit.{group}_cap", cap=caps[group]),
                    MARGIN,
                )


@dataclass
class EquityCap(Constraint):
    """权益类 cap for a tier (share of total assets)."""

    cap: float = 0.3
    tier_ratio: float = 0.0
    name = "equity_cap"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        share = ctx.universe.group_share["equity"]
        if share.any():
            yield share_cap(
                ctx,
                w,
                share,
                self.cap,
                "equity_cap",
                compose("optimize.limit.equity_cap", cap=self.cap, tier=self.tier_ratio),
                MARGIN,
            )


@dataclass
class VentureCapitalCap(Constraint):
    """VC funds at most 2% of total assets (2014 VC notice)."""

    name = "venture_capital_cap"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        u = ctx.universe
        cap = float(u.regime.table("ratio_caps", "venture_capital")["cap"])
        if u.group_share["venture_capital"].any():
            yield share_cap(
                ctx,
                w,
                u.group_share["venture_capital"],
                cap,
                "venture_capital_cap",
                compose("optimize.limit.venture_capital_cap", cap=cap),
                MARGIN,
            )


@dataclass
class CounterpartyLimit(Constraint):
    """Single counterparty at most 20% of total assets; with ``concentration`` also keep every
    counterparty below its Rule 8 Art. 65 threshold (so no add-on switches on)."""

    concentration: bool = True
    name = "single_counterparty"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        u = ctx.universe
        cap = float(u.regime.table("ratio_caps", "caps")["single_counterparty"])
        if len(u.counterparties):
            yield Inequality(
                u.counterparty_share @ w,
                np.full(len(u.counterparties), cap * u.total_assets / u.V),
                "single_counterparty",
                cap,
                "pp of total assets",
                u.total_assets / u.V * 0.01,
                labels=u.counterparties,
                describe=compose("optimize.limit.single_counterparty", cap=cap),
            )
        if (
            self.concentration
            and len(u.concentration_names)
            and np.isfinite(u.concentration_threshold)
        ):
            thr = u.concentration_threshold
            yield Inequality(
                u.concentration_share @ w,
                np.full(len(u.concentration_names), thr / u.V * (1 - MARGIN)),
                "counterparty_threshold",
                thr / 1e8,
                "亿元 of exposure",
                1e8 / u.V,
                labels=u.concentration_names,
                describe=compose("optimize.limit.counterparty_threshold", threshold=thr / 1e8),
            )


@dataclass
class SingleAssetLimit(Constraint):
    """Single asset at most 5% of total assets (the largest non-exempt position of each unit)."""

    name = "single_asset"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        u = ctx.universe
        cap = float(u.regime.table("ratio_caps", "caps")["single_asset"])
        mask = u.largest_position_share > 0
        if mask.any():
            idx = np.flatnonzero(mask)
            yield Inequality(
                cp.multiply(u.largest_position_share[idx], w[idx]),
                np.full(len(idx), cap * u.total_assets / u.V),
                "single_asset",
                cap,
                "pp of total assets",
                u.total_assets / u.V * 0.01,
                labels=[u.units[i] for i in idx],
                describe=compose("optimize.limit.single_asset", cap=cap),
            )


@dataclass
class PropertyConcentration(Constraint):
    """Keep investment property at or below 25% of total assets (Rule 8 Art. 67 add-on)."""

    name = "property_concentration"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        u = ctx.universe
        share = float(
            u.regime.table("concentration", "real_estate")["threshold_share_of_total_assets"]
        )
        if u.property_share.any() and not u.property_currently_over:
            yield share_cap(
                ctx,
                w,
                u.property_share,
                share,
                "property_concentration",
                compose("optimize.limit.property_concentration", share=share),
                MARGIN,
            )


@dataclass
class ShareFloor(Constraint):
    """A share of the invested total at least ``minimum`` (fraction): ``share' w >= minimum``.

    A subclass names the share (:meth:`share`, per unit of each decision unit), its limit's
    ``name`` and the message id of its description."""

    minimum: float = 0.0
    message = ""

    def share(self, ctx: Context) -> np.ndarray:  # pragma: no cover
        """Per decision unit, the fraction of its value that counts towards the share."""
        raise NotImplementedError

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        yield Inequality(
            self.share(ctx) @ w,
            self.minimum,
            self.name,
            self.minimum,
            "pp of invested total",
            0.01,
            lower=True,
            describe=compose(self.message, minimum=self.minimum),
        )


@dataclass
class SciTechMinimum(ShareFloor):
    """Sci-tech share of the invested total at least ``minimum`` (fraction)."""

    name = "min_sci_tech"
    message = "optimize.limit.min_sci_tech"

    def share(self, ctx: Context) -> np.ndarray:
        return ctx.universe.sci_tech_share


@dataclass
class LiquidityFloor(ShareFloor):
    """Liquid classes (``liquid`` in the assumptions) at least ``minimum`` of the invested total."""

    name = "min_liquid"
    message = "optimize.limit.min_liquidity"

    def share(self, ctx: Context) -> np.ndarray:
        return ctx.universe.liquid


@dataclass
class ClassBounds(Constraint):
    """Per-unit bounds (fractions of the invested total); units at 0/1 bounds are skipped.

    With ``members`` (classes x units, 0/1) the bounds hold for each class's sum of units
    (the assumptions' class bounds at the position level), labelled by ``names``.
    """

    lower: np.ndarray = field(default_factory=lambda: np.zeros(0))
    upper: np.ndarray = field(default_factory=lambda: np.zeros(0))
    members: np.ndarray | None = None
    names: tuple[str, ...] = ()
    name = "class_bounds"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        if self.members is None:
            units = ctx.universe.units

            def part(idx):
                return w[idx]
        else:
            units = self.names
            members = self.members

            def part(idx):
                return members[idx] @ w

        lo = np.flatnonzero(self.lower > 0)
        hi = np.flatnonzero(self.upper < 1)
        if len(lo):
            yield Inequality(
                part(lo),
                self.lower[lo],
                "min_weight",
                self.lower[lo],
                "pp of invested total",
                0.01,
                labels=[units[i] for i in lo],
                lower=True,
                describe=compose("optimize.limit.min_weight"),
            )
        if len(hi):
            yield Inequality(
                part(hi),
                self.upper[hi],
                "max_weight",
                self.upper[hi],
                "pp of invested total",
                0.01,
                labels=[units[i] for i in hi],
                describe=compose("optimize.limit.max_weight"),
            )


@dataclass
class GroupBounds(Constraint):
    """Bounds on the sum of weights of a named group of units."""

    group: str = "group"
    members: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 0/1 per unit
    lower: float = 0.0
    upper: float = 1.0
    name = "group_bounds"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        if self.lower > 0:
            yield Inequality(
                self.members @ w,
                self.lower,
                f"group_min:{self.group}",
                self.lower,
                "pp of invested total",
                0.01,
                lower=True,
                describe=compose("optimize.limit.group_min", bound=self.lower, group=self.group),
            )
        if self.upper < 1:
            yield Inequality(
                self.members @ w,
                self.upper,
                f"group_max:{self.group}",
                self.upper,
                "pp of invested total",
                0.01,
                describe=compose("optimize.limit.group_max", bound=self.upper, group=self.group),
            )


@dataclass
class DurationBand(Constraint):
    """Portfolio modified duration (years, value-weighted over the invested total) in a band."""

    lower: float | None = None
    upper: float | None = None
    name = "duration_band"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        d = ctx.universe.duration
        if self.lower is not None:
            yield Inequality(
                d @ w,
                self.lower,
                "min_duration",
                self.lower,
                "years",
                1.0,
                lower=True,
                describe=compose("optimize.limit.min_duration", years=self.lower),
            )
        if self.upper is not None:
            yield Inequality(
                d @ w,
                self.upper,
                "max_duration",
                self.upper,
                "years",
                1.0,
                describe=compose("optimize.limit.max_duration", years=self.upper),
            )


@dataclass
class Turnover(Constraint):
    """One-way turnover ``sum |w - w0| / 2 <= maximum`` (fraction of the invested total)."""

    maximum: float = 1.0
    name = "max_turnover"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        w0 = ctx.universe.w0
        yield Inequality(
            0.5 * cp.norm(w - w0 * ctx.t, 1),
            self.maximum,
            "max_turnover",
            self.maximum,
            "pp of invested total",
            0.01,
            describe=compose("optimize.limit.turnover", maximum=self.maximum),
        )


@dataclass
class MaxVolatility(Constraint):
    """Volatility at most ``maximum`` (annual fraction); a Parameter ``sigma_max``."""

    maximum: float = 1.0
    name = "max_volatility"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        sigma = ctx.param("sigma_max", float(self.maximum), nonneg=True)
        yield Inequality(
            volatility(w, ctx),
            sigma,
            "max_volatility",
            self.maximum,
            "pp of volatility",
            0.01,
            describe=compose("optimize.limit.volatility", maximum=self.maximum),
        )


@dataclass
class MinReturn(Constraint):
    """Expected return at least ``minimum`` (annual fraction); a Parameter ``target_return``."""

    minimum: float = 0.0
    name = "min_return"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        r = ctx.param("target_return", float(self.minimum))
        yield Inequality(
            ctx.universe.mu @ w,
            r,
            "min_return",
            self.minimum,
            "bp of expected return",
            1e-4,
            lower=True,
            describe=compose("optimize.limit.target_return", minimum=self.minimum),
        )


@dataclass
class LiquidityCoverage(Constraint):
    """Stressed liquidity coverage ratio LCR2 (with asset realisation, Rule 13 Annex 2 一) at
    least ``minimum`` (fraction) over each horizon (3 and 12 months).

    LCR2 = (stressed inflows + cash + realisable reserve) / stressed outflows, and the cash
    and realisable reserve are ``V * rho_h @ w`` (book value x factor per CNY of each unit,
    :func:`analyzer.solvency.liquidity.realisable_per_unit`), so the floor is linear:
    ``rho_h @ w >= (minimum x outflows - inflows - cash outside the holdings) / V``.
    """

    minimum: float = 1.0
    name = "min_lcr2"

    def sides(self, w: cp.Expression, ctx: Context) -> Iterator[Inequality]:
        u = ctx.universe
        liq = u.company.liquidity
        if liq is None:
            raise ParameterError(
                compose("optimize.min_lcr2_no_liquidity", company=u.company.source)
            )
        members = u.capmap.members.to_numpy()
        base = u.base_value if u.base_value is not None else u.w0 * u.V
        for months in liquidity.horizons(u.regime):
            rho = liquidity.realisable_per_unit(
                u.holdings.frame, members, base, u.regime, u.options, months
            )
            flows = liq.scenario("stress", months)
            need = self.minimum * flows.outflow - flows.inflow - liq.cash_outside_holdings
            need += MARGIN * self.minimum * flows.outflow  # the engine's LCR2 meets the floor
            yield Inequality(
                rho @ w,
                need / u.V,
                f"min_lcr2_{months}m",
                self.minimum,
                "pp of LCR2",
                flows.outflow / u.V * 0.01,
                lower=True,
                describe=compose("optimize.limit.min_lcr2", floor=self.minimum, months=months),
            )
