"""The results of an allocation: the allocation, its binding limits and their shadow prices."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer.optimize.build import BINDING_TOL, Built
from analyzer.optimize.capital import scalars
from analyzer.optimize.objectives import Objective
from analyzer.solvency.result import SolvencyResult


@dataclass(frozen=True)
class BindingConstraint:
    """A binding limit and its shadow price.

    ``shadow_price`` is the objective's improvement (in ``unit``, e.g. bp of expected return)
    per one unit of relaxation of the limit (``per``: 1 pp of a ratio floor, 1 pp of total
    assets for a cap ...). ``shadow_price_per_yi`` (solvency floors only) is the improvement per
    1 亿元 (1e8 CNY) of additional capital.
    """

    constraint: str
    subject: str
    limit: float
    shadow_price: float
    unit: str
    shadow_price_per_yi: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "constraint": self.constraint,
            "subject": self.subject,
            "limit": self.limit,
            "shadow_price": self.shadow_price,
            "unit": self.unit,
        }
        if self.shadow_price_per_yi is not None:
            out["shadow_price_per_yi"] = self.shadow_price_per_yi
        return out


@dataclass(frozen=True)
class AllocationResult:
    """Immutable outcome of :meth:`AllocationProblem.solve`.

    Attributes
    ----------
    status : ``optimal``, or ``optimal_inaccurate`` when Clarabel reached only its reduced
        tolerances on the winning case
    objective : objective name
    units : decision units (classes or position ids)
    weights, current_weights : fractions of the invested total
    trades : CNY to buy (+) or sell (-) per unit
    expected_return : annual fraction (gross of transaction costs)
    volatility : annual fraction
    objective_value : in the objective's own terms
    solvency : the engine's evaluation of the optimal portfolio
    binding : binding limits with shadow prices
    case : the winning convex case
    cases : status and objective of every case tried
    solve_time : seconds inside the solver (Clarabel), summed over cases
    notes : what a reader should know (templates ignored, classes not buyable, solver notes)
    new_classes : classes bought from template positions (current weight 0)
    not_buyable : class -> why it cannot be bought (in the assumptions, not held, no template)
    loss_absorption_gap : the engine's loss absorption of the result minus the one the solve
        held fixed (the current book's, Rule 2 Art. 19), CNY; negative when the result
        absorbs less than the solve assumed (docs/optimizer.md)
    """

    status: str
    objective: str
    units: tuple[str, ...]
    weights: np.ndarray
    current_weights: np.ndarray
    trades: np.ndarray
    expected_return: float
    volatility: float
    objective_value: float
    solvency: SolvencyResult
    binding: tuple[BindingConstraint, ...]
    case: str
    cases: tuple[dict, ...]
    solve_time: float
    notes: tuple[str, ...] = ()
    new_classes: tuple[str, ...] = ()
    not_buyable: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    loss_absorption_gap: float = 0.0

    @property
    def weight_map(self) -> MappingProxyType:
        """unit -> weight."""
        return MappingProxyType(dict(zip(self.units, self.weights.tolist(), strict=True)))

    def to_dict(self, holdings: bool = False) -> dict[str, Any]:
        """JSON of docs/formats.md §6."""
        return {
            "status": self.status,
            "objective": self.objective,
            "weights": dict(zip(self.units, self.weights.tolist(), strict=True)),
            "current_weights": dict(zip(self.units, self.current_weights.tolist(), strict=True)),
            "trades": dict(zip(self.units, self.trades.tolist(), strict=True)),
            "expected_return": self.expected_return,
            "volatility": self.volatility,
            "objective_value": self.objective_value,
            "solvency": self.solvency.to_dict(holdings=holdings),
            "binding": [b.to_dict() for b in self.binding],
            "case": self.case,
            "cases": list(self.cases),
            "notes": list(self.notes),
            "new_classes": list(self.new_classes),
            "not_buyable": dict(self.not_buyable),
            "loss_absorption_gap": self.loss_absorption_gap,
        }


def binding(b: Built, objective: Objective) -> list[BindingConstraint]:
    """Limits that hold with equality at the optimum, with their duals in business units."""
    out = []
    s = scalars(b.ctx)
    t = float(b.t.value) if isinstance(b.t, cp.Variable) else 1.0
    for lim in b.ctx.limits:
        if lim.constraint.dual_value is None:
            continue
        dual = np.abs(np.atleast_1d(np.asarray(lim.constraint.dual_value, dtype=float)))
        per = np.broadcast_to(np.asarray(lim.per_unit, dtype=float), dual.shape)
        limit = np.broadcast_to(np.asarray(lim.limit, dtype=float), dual.shape)
        lhs, rhs = lim.constraint.args
        gap = np.abs(
            np.atleast_1d(np.asarray(lhs.value, dtype=float) - np.asarray(rhs.value, dtype=float))
        )
        scale = 1.0 + np.abs(np.atleast_1d(np.asarray(rhs.value, dtype=float)))
        gap = np.broadcast_to(gap / np.broadcast_to(scale, gap.shape), dual.shape)
        for i in range(dual.size):
            if gap[i] > BINDING_TOL * 10 * max(1.0, t):
                continue
            # a dual is d(objective)/d(rhs); rhs enters as rhs * t (Charnes-Cooper)
            price = float(dual[i] * per[i] * objective.scale) * t
            per_yi = None
            if lim.name in ("min_core_ratio", "min_comprehensive_ratio"):
                per_yi = float(dual[i] * 1e8 / (limit[i] * s.alpha * s.V) * objective.scale) * t
            subject = lim.labels[i] if lim.labels else ""
            out.append(
                BindingConstraint(
                    lim.name,
                    subject,
                    float(limit[i]),
                    price,
                    f"{objective.unit} per {lim.unit}",
                    per_yi,
                )
            )
    return out
