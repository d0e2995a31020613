"""Objective terms. Each builds a cvxpy objective from the weights and the context and states
its business unit, so that duals can be turned into shadow prices.

The risk model is ``vol(w) = ||[F w; d * w]||`` (``F`` one Parameter; ``d`` a Parameter at the
position level), never a dense ``quad_form``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cvxpy as cp

from analyzer.optimize.constraints import TransactionCost
from analyzer.optimize.context import Context


def risk_vector(w: cp.Expression, ctx: Context) -> cp.Expression:
    """``[F w; d * w]`` with ``||.||`` the annual volatility (a fraction)."""
    u = ctx.universe
    F = ctx.param("risk_factor", u.risk_factor)
    if u.risk_specific is None:
        return F @ w
    d = ctx.param("risk_specific", u.risk_specific, nonneg=True)
    return cp.hstack([F @ w, cp.multiply(d, w)])


class Objective:
    """Base class. ``sense`` is ``"max"`` or ``"min"``; ``scale`` converts the objective's value
    into ``unit`` (e.g. 1e4 for basis points of return)."""

    name = "objective"
    sense = "max"
    unit = "bp of expected return"
    scale = 1e4
    needs_capital = False
    charnes_cooper = False

    def build(self, w: cp.Expression, ctx: Context) -> Any:  # pragma: no cover
        raise NotImplementedError


@dataclass
class MaxReturn(Objective):
    """Maximise expected return net of transaction costs (annual fraction)."""

    cost: TransactionCost = field(default_factory=TransactionCost)
    name = "max_return"

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        return cp.Maximize(ctx.universe.mu @ w - self.cost.expression(w, ctx))


@dataclass
class MeanVariance(Objective):
    """Maximise ``mu' w - risk_aversion / 2 * w' Sigma w`` (PyPortfolioOpt's quadratic utility).

    ``risk_aversion`` is a constant: the risk model is already a Parameter, and a Parameter
    times a Parameter-dependent expression would not be DPP."""

    risk_aversion: float = 1.0
    cost: TransactionCost = field(default_factory=TransactionCost)
    name = "mean_variance"
    unit = "bp of utility"

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        g = float(self.risk_aversion)
        return cp.Maximize(
            ctx.universe.mu @ w
            - 0.5 * g * cp.sum_squares(risk_vector(w, ctx))
            - self.cost.expression(w, ctx)
        )


@dataclass
class MinVolatility(Objective):
    """Minimise volatility (annual fraction; the variance is minimised, same optimum)."""

    name = "min_volatility"
    sense = "min"
    unit = "bp of variance"

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        return cp.Minimize(cp.sum_squares(risk_vector(w, ctx)))


@dataclass
class MinCapital(Objective):
    """Minimise minimum capital (MC* per CNY of V) subject to a target return (a constraint the
    problem adds, :class:`~analyzer.optimize.constraints.MinReturn`)."""

    target_return: float | None = None
    name = "min_capital"
    sense = "min"
    unit = "亿元 of MC*"
    needs_capital = True

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        self.scale = ctx.universe.V / 1e8
        return cp.Minimize(ctx.z)


@dataclass
class MaxReturnOnCapital(Objective):
    """Maximise ``(mu' w - risk_free) / minimum_capital(w)`` exactly by Charnes-Cooper
    (docs/optimizer.md §4): ``y = t w``, every limit homogenised by ``t``, the capital perspective
    ``MC(y, t) / V <= 1``, maximise ``mu' y - risk_free t``.

    The value is expected excess return (CNY a year) per CNY of minimum capital.
    """

    risk_free: float = 0.0
    cost: TransactionCost = field(default_factory=TransactionCost)
    name = "max_return_on_capital"
    unit = "bp of return on capital"
    needs_capital = True
    charnes_cooper = True

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        from analyzer.optimize.capital import scalars

        ctx.extra.append(scalars(ctx).minimum_capital_share(ctx.z, ctx.t) <= 1)
        return cp.Maximize(
            ctx.universe.mu @ w - self.risk_free * ctx.t - self.cost.expression(w, ctx)
        )
