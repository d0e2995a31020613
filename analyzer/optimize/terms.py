"""The terms that objectives and constraints share: the risk vector, the expected return, the
transaction cost and the capital per CNY of the invested total.

A leaf of the optimiser: it imports only the build context and the capital model, so
objectives and constraints both build on it without importing each other.

The risk model is ``vol(w) = ||[F w; d * w]||`` (``F`` one Parameter; ``d`` a Parameter at the
position level), never a dense ``quad_form``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer.optimize.capital import scalars
from analyzer.optimize.context import Context


def risk_vector(w: cp.Expression, ctx: Context) -> cp.Expression:
    """``[F w; d * w]`` with ``||.||`` the annual volatility (a fraction)."""
    u = ctx.universe
    F = ctx.param("risk_factor", u.risk_factor)
    if u.risk_specific is None:
        return F @ w
    d = ctx.param("risk_specific", u.risk_specific, nonneg=True)
    return cp.hstack([F @ w, cp.multiply(d, w)])


def volatility(w: cp.Expression, ctx: Context) -> cp.Expression:
    """Annual volatility ``||[F w; d * w]||`` (a fraction), a second-order cone."""
    return cp.norm(risk_vector(w, ctx), 2)


def variance(w: cp.Expression, ctx: Context) -> cp.Expression:
    """Annual variance ``||[F w; d * w]||^2`` (a fraction)."""
    return cp.sum_squares(risk_vector(w, ctx))


def expected_return(w: cp.Expression, ctx: Context) -> cp.Expression:
    """Expected return ``mu' w`` (annual fraction of the invested total)."""
    return ctx.universe.mu @ w


def minimum_capital_share(ctx: Context) -> Any:
    """Minimum capital per CNY of the invested total, ``MC(z, t) / V``, from the capital
    epigraph ``ctx.z`` (homogenised by ``ctx.t`` in the Charnes-Cooper form)."""
    return scalars(ctx).minimum_capital_share(ctx.z, ctx.t)


@dataclass
class TransactionCost:
    """Proportional cost (fraction of the amount traded, per unit) charged to the objective."""

    rate: np.ndarray | float = 0.0

    def expression(self, w: cp.Expression, ctx: Context) -> Any:
        """``rate' |w - w0 t|`` (a fraction of the invested total), or 0 without a rate."""
        rate = np.broadcast_to(np.asarray(self.rate, dtype=float), (ctx.universe.n,))
        if not rate.any():
            return cp.Constant(0.0)
        return rate @ cp.abs(w - ctx.universe.w0 * ctx.t)
