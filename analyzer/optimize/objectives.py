"""Objective terms. Each builds a cvxpy objective from the weights and the context and states
its business unit, so that duals can be turned into shadow prices.

:func:`make_objective` turns a user's objective name (:class:`~analyzer.optimize.kinds.
ObjectiveName`) into its term through one table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import cvxpy as cp

from analyzer.errors import ParameterError
from analyzer.optimize.context import Context
from analyzer.optimize.kinds import OBJECTIVES, ObjectiveName
from analyzer.optimize.messages import compose
from analyzer.optimize.terms import (
    TransactionCost,
    expected_return,
    minimum_capital_share,
    variance,
)


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
    name = ObjectiveName.max_return.value

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        return cp.Maximize(expected_return(w, ctx) - self.cost.expression(w, ctx))


@dataclass
class MeanVariance(Objective):
    """Maximise ``mu' w - risk_aversion / 2 * w' Sigma w`` (PyPortfolioOpt's quadratic utility).

    ``risk_aversion`` is a constant: the risk model is already a Parameter, and a Parameter
    times a Parameter-dependent expression would not be DPP."""

    risk_aversion: float = 1.0
    cost: TransactionCost = field(default_factory=TransactionCost)
    name = ObjectiveName.mean_variance.value
    unit = "bp of utility"

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        g = float(self.risk_aversion)
        return cp.Maximize(
            expected_return(w, ctx) - 0.5 * g * variance(w, ctx) - self.cost.expression(w, ctx)
        )


@dataclass
class MinVolatility(Objective):
    """Minimise volatility (annual fraction; the variance is minimised, same optimum)."""

    name = ObjectiveName.min_volatility.value
    sense = "min"
    unit = "bp of variance"

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        return cp.Minimize(variance(w, ctx))


@dataclass
class MinCapital(Objective):
    """Minimise minimum capital (MC* per CNY of V) subject to a target return (a constraint the
    problem adds, :class:`~analyzer.optimize.constraints.MinReturn`)."""

    target_return: float | None = None
    name = ObjectiveName.min_capital.value
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
    name = ObjectiveName.max_return_on_capital.value
    unit = "bp of return on capital"
    needs_capital = True
    charnes_cooper = True

    def build(self, w: cp.Expression, ctx: Context) -> Any:
        ctx.extra.append(minimum_capital_share(ctx) <= 1)
        return cp.Maximize(
            expected_return(w, ctx) - self.risk_free * ctx.t - self.cost.expression(w, ctx)
        )


@dataclass(frozen=True)
class ObjectiveSettings:
    """What the objectives may take from a user (each takes its own).

    Attributes
    ----------
    risk_aversion : ``mean_variance``'s risk aversion (dimensionless)
    target_return : ``min_capital``'s target return (annual fraction) or None
    risk_free : ``max_return_on_capital``'s risk-free return (annual fraction)
    cost : the transaction cost charged to the return objectives
    """

    risk_aversion: float = 1.0
    target_return: float | None = None
    risk_free: float = 0.0
    cost: TransactionCost = field(default_factory=TransactionCost)


#: each objective's name -> its term built from the settings (one entry per name)
OBJECTIVE_TERMS: Mapping[ObjectiveName, Callable[[ObjectiveSettings], Objective]] = (
    MappingProxyType(
        {
            ObjectiveName.max_return: lambda s: MaxReturn(s.cost),
            ObjectiveName.mean_variance: lambda s: MeanVariance(s.risk_aversion, s.cost),
            ObjectiveName.min_volatility: lambda s: MinVolatility(),
            ObjectiveName.min_capital: lambda s: MinCapital(s.target_return),
            ObjectiveName.max_return_on_capital: lambda s: MaxReturnOnCapital(s.risk_free, s.cost),
        }
    )
)


def make_objective(
    name: str,
    risk_aversion: float = 1.0,
    target_return: float | None = None,
    risk_free: float = 0.0,
    transaction_cost: Any = 0.0,
) -> Objective:
    """Objective by name (``OBJECTIVES``).

    Raises
    ------
    ParameterError
        An unknown name (the message lists the allowed ones).
    """
    if name not in OBJECTIVES:
        raise ParameterError(
            compose("optimize.unknown_objective", name=name, allowed=", ".join(OBJECTIVES))
        )
    settings = ObjectiveSettings(
        risk_aversion, target_return, risk_free, TransactionCost(transaction_cost)
    )
    return OBJECTIVE_TERMS[ObjectiveName(name)](settings)
