"""Constraint terms. Each has ``to_cvxpy(w, ctx)``, states its limits through
:meth:`Context.leq` (so they can be homogenised, made elastic and priced), and returns the
cvxpy constraints it added.

Weights are fractions of the invested total ``V``; a cap ``c`` on a share of total assets ``TA``
is ``share' w <= c TA / V``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer.messages import Text
from analyzer.optimize.capital import MARGIN, scalars
from analyzer.optimize.context import Context
from analyzer.optimize.messages import compose
from analyzer.solvency.regime import legal_minimum


class Constraint:
    """Base class of constraint terms."""

    name = "constraint"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:  # pragma: no cover
        raise NotImplementedError

    def _added(self, ctx: Context, before: int) -> list[Any]:
        return [lim.constraint for lim in ctx.limits[before:]]


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

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        if ctx.z is None:
            raise RuntimeError("state the capital cones before the solvency floor")
        k = len(ctx.limits)
        s = scalars(ctx)
        for which, capital, floor in (
            ("core", s.core, self.min_core),
            ("comprehensive", s.actual, self.min_comprehensive),
        ):
            b = ctx.param(f"b_{which}", s.budget(capital, floor) * (1 - MARGIN), nonneg=True)
            d = s.d_budget_d_floor(capital, floor)

            def reach(slack: float, capital: float = capital, b: cp.Parameter = b) -> float:
                return s.ratio(capital, (float(b.value) + slack) / (1 - MARGIN))

            ctx.leq(
                ctx.z,
                b,
                f"min_{which}_ratio",
                floor,
                "pp of " + which + " ratio",
                -d * 0.01,
                reach=reach,
                describe=compose(f"optimize.limit.min_{which}_ratio", floor=floor),
            )
        return self._added(ctx, k)


def _share_cap(
    ctx: Context,
    w: cp.Expression,
    share: np.ndarray,
    cap: float,
    name: str,
    describe: Text,
    margin: float = 0.0,
) -> None:
    u = ctx.universe
    per = u.total_assets / u.V * 0.01  # d rhs / d (1 pp of total assets)
    ctx.leq(
        share @ w,
        cap * u.total_assets / u.V * (1 - margin),
        name,
        cap,
        "pp of total assets",
        per,
        describe=describe,
    )


@dataclass
class RatioCaps(Constraint):
    """保监发〔2014〕13号 caps: real estate 30%, other financial 25%, overseas 15% of total assets
    (shares of each unit's value in each group are fixed: pro rata)."""

    name = "ratio_caps"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        u = ctx.universe
        caps = u.regime.table("ratio_caps", "caps")
        for group in ("real_estate", "other_financial", "overseas"):
            if u.group_share[group].any():
                _share_cap(
                    ctx,
                    w,
                    u.group_share[group],
                    caps[group],
                    f"{group}_cap",
                    compose(f"optimize.limit.{group}_cap", cap=caps[group]),
                    MARGIN,
                )
        return self._added(ctx, k)


@dataclass
class EquityCap(Constraint):
    """权益类 cap for a tier (share of total assets)."""

    cap: float = 0.3
    tier_ratio: float = 0.0
    name = "equity_cap"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        share = ctx.universe.group_share["equity"]
        if share.any():
            _share_cap(
                ctx,
                w,
                share,
                self.cap,
                "equity_cap",
                compose("optimize.limit.equity_cap", cap=self.cap, tier=self.tier_ratio),
                MARGIN,
            )
        return self._added(ctx, k)


@dataclass
class VentureCapitalCap(Constraint):
    """VC funds at most 2% of total assets (2014 VC notice)."""

    name = "venture_capital_cap"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        u = ctx.universe
        cap = float(u.regime.table("ratio_caps", "venture_capital")["cap"])
        if u.group_share["venture_capital"].any():
            _share_cap(
                ctx,
                w,
                u.group_share["venture_capital"],
                cap,
                "venture_capital_cap",
                compose("optimize.limit.venture_capital_cap", cap=cap),
                MARGIN,
            )
        return self._added(ctx, k)


@dataclass
class CounterpartyLimit(Constraint):
    """Single counterparty at most 20% of total assets; with ``concentration`` also keep every
    counterparty below its Rule 8 Art. 65 threshold (so no add-on switches on)."""

    concentration: bool = True
    name = "single_counterparty"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        u = ctx.universe
        cap = float(u.regime.table("ratio_caps", "caps")["single_counterparty"])
        if len(u.counterparties):
            ctx.leq(
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
            ctx.leq(
                u.concentration_share @ w,
                np.full(len(u.concentration_names), thr / u.V * (1 - MARGIN)),
                "counterparty_threshold",
                thr / 1e8,
                "亿元 of exposure",
                1e8 / u.V,
                labels=u.concentration_names,
                describe=compose("optimize.limit.counterparty_threshold", threshold=thr / 1e8),
            )
        return self._added(ctx, k)


@dataclass
class SingleAssetLimit(Constraint):
    """Single asset at most 5% of total assets (the largest non-exempt position of each unit)."""

    name = "single_asset"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        u = ctx.universe
        cap = float(u.regime.table("ratio_caps", "caps")["single_asset"])
        mask = u.largest_position_share > 0
        if mask.any():
            idx = np.flatnonzero(mask)
            ctx.leq(
                cp.multiply(u.largest_position_share[idx], w[idx]),
                np.full(len(idx), cap * u.total_assets / u.V),
                "single_asset",
                cap,
                "pp of total assets",
                u.total_assets / u.V * 0.01,
                labels=[u.units[i] for i in idx],
                describe=compose("optimize.limit.single_asset", cap=cap),
            )
        return self._added(ctx, k)


@dataclass
class PropertyConcentration(Constraint):
    """Keep investment property at or below 25% of total assets (Rule 8 Art. 67 add-on)."""

    name = "property_concentration"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        u = ctx.universe
        share = float(
            u.regime.table("concentration", "real_estate")["threshold_share_of_total_assets"]
        )
        if u.property_share.any() and not u.property_currently_over:
            _share_cap(
                ctx,
                w,
                u.property_share,
                share,
                "property_concentration",
                compose("optimize.limit.property_concentration", share=share),
                MARGIN,
            )
        return self._added(ctx, k)


@dataclass
class SciTechMinimum(Constraint):
    """Sci-tech share of the invested total at least ``minimum`` (fraction)."""

    minimum: float = 0.0
    name = "min_sci_tech"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        ctx.leq(
            ctx.universe.sci_tech_share @ w,
            self.minimum,
            "min_sci_tech",
            self.minimum,
            "pp of invested total",
            0.01,
            lower=True,
            describe=compose("optimize.limit.min_sci_tech", minimum=self.minimum),
        )
        return self._added(ctx, k)


@dataclass
class LiquidityFloor(Constraint):
    """Liquid classes (``liquid`` in the assumptions) at least ``minimum`` of the invested total."""

    minimum: float = 0.0
    name = "min_liquid"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        ctx.leq(
            ctx.universe.liquid @ w,
            self.minimum,
            "min_liquid",
            self.minimum,
            "pp of invested total",
            0.01,
            lower=True,
            describe=compose("optimize.limit.min_liquidity", minimum=self.minimum),
        )
        return self._added(ctx, k)


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

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
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
            ctx.leq(
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
            ctx.leq(
                part(hi),
                self.upper[hi],
                "max_weight",
                self.upper[hi],
                "pp of invested total",
                0.01,
                labels=[units[i] for i in hi],
                describe=compose("optimize.limit.max_weight"),
            )
        return self._added(ctx, k)


@dataclass
class GroupBounds(Constraint):
    """Bounds on the sum of weights of a named group of units."""

    group: str = "group"
    members: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 0/1 per unit
    lower: float = 0.0
    upper: float = 1.0
    name = "group_bounds"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        if self.lower > 0:
            ctx.leq(
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
            ctx.leq(
                self.members @ w,
                self.upper,
                f"group_max:{self.group}",
                self.upper,
                "pp of invested total",
                0.01,
                describe=compose("optimize.limit.group_max", bound=self.upper, group=self.group),
            )
        return self._added(ctx, k)


@dataclass
class DurationBand(Constraint):
    """Portfolio modified duration (years, value-weighted over the invested total) in a band."""

    lower: float | None = None
    upper: float | None = None
    name = "duration_band"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        d = ctx.universe.duration
        if self.lower is not None:
            ctx.leq(
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
            ctx.leq(
                d @ w,
                self.upper,
                "max_duration",
                self.upper,
                "years",
                1.0,
                describe=compose("optimize.limit.max_duration", years=self.upper),
            )
        return self._added(ctx, k)


@dataclass
class Turnover(Constraint):
    """One-way turnover ``sum |w - w0| / 2 <= maximum`` (fraction of the invested total)."""

    maximum: float = 1.0
    name = "max_turnover"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        w0 = ctx.universe.w0
        ctx.leq(
            0.5 * cp.norm(w - w0 * ctx.t, 1),
            self.maximum,
            "max_turnover",
            self.maximum,
            "pp of invested total",
            0.01,
            describe=compose("optimize.limit.turnover", maximum=self.maximum),
        )
        return self._added(ctx, k)


@dataclass
class MaxVolatility(Constraint):
    """Volatility at most ``maximum`` (annual fraction); a Parameter ``sigma_max``."""

    maximum: float = 1.0
    name = "max_volatility"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        from analyzer.optimize.objectives import risk_vector

        k = len(ctx.limits)
        sigma = ctx.param("sigma_max", float(self.maximum), nonneg=True)
        ctx.leq(
            cp.norm(risk_vector(w, ctx), 2),
            sigma,
            "max_volatility",
            self.maximum,
            "pp of volatility",
            0.01,
            describe=compose("optimize.limit.volatility", maximum=self.maximum),
        )
        return self._added(ctx, k)


@dataclass
class MinReturn(Constraint):
    """Expected return at least ``minimum`` (annual fraction); a Parameter ``target_return``."""

    minimum: float = 0.0
    name = "min_return"

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        k = len(ctx.limits)
        r = ctx.param("target_return", float(self.minimum))
        ctx.leq(
            ctx.universe.mu @ w,
            r,
            "min_return",
            self.minimum,
            "bp of expected return",
            1e-4,
            lower=True,
            describe=compose("optimize.limit.target_return", minimum=self.minimum),
        )
        return self._added(ctx, k)


@dataclass
class TransactionCost:
    """Proportional cost (fraction of the amount traded, per unit) charged to the objective."""

    rate: np.ndarray | float = 0.0

    def expression(self, w: cp.Expression, ctx: Context) -> Any:
        rate = np.broadcast_to(np.asarray(self.rate, dtype=float), (ctx.universe.n,))
        if not rate.any():
            return cp.Constant(0.0)
        return rate @ cp.abs(w - ctx.universe.w0 * ctx.t)


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

    def to_cvxpy(self, w: cp.Expression, ctx: Context) -> list[Any]:
        from analyzer.errors import ParameterError
        from analyzer.solvency import liquidity

        k = len(ctx.limits)
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
            ctx.leq(
                rho @ w,
                need / u.V,
                f"min_lcr2_{months}m",
                self.minimum,
                "pp of LCR2",
                flows.outflow / u.V * 0.01,
                lower=True,
                describe=compose("optimize.limit.min_lcr2", floor=self.minimum, months=months),
            )
        return self._added(ctx, k)
