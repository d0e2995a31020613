"""Building and solving one convex case: the constraint terms of the limits, the cvxpy
problem with its capital cones, and Clarabel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer.optimize import constraints as C
from analyzer.optimize.capital import ir_gap, mc_star_value, state_capital
from analyzer.optimize.cases import Case
from analyzer.optimize.context import Context
from analyzer.optimize.limits import Limits
from analyzer.optimize.objectives import Objective
from analyzer.optimize.universe import Universe

SOLVER = "CLARABEL"
BINDING_TOL = 1e-7
#: a relaxed life interest-rate case is accepted when ``t_ir - max(up, down, 0)`` is at most
#: this (per CNY of V; the floors keep a relative margin of 1e-6 of a budget of about 0.1)
IR_TIGHT_TOL = 1e-7
#: above this many units a one-off solve ignores DPP: cvxpy's parameter tensor makes the
#: DPP compile of a 2,000-position problem take seconds, and it is solved once, not re-solved
DPP_MAX_UNITS = 300
OK_STATUSES = ("optimal", "optimal_inaccurate")


def constraint_terms(universe: Universe, limits: Limits, case: Case) -> list[C.Constraint]:
    """The constraint terms of a case (order: floors first)."""
    u = universe
    terms: list[C.Constraint] = [
        C.SolvencyFloor(limits.min_core, max(limits.min_comprehensive, case.tier_floor)),
        C.RatioCaps(),
        C.EquityCap(case.equity_cap, case.tier_ratio),
        C.VentureCapitalCap(),
        C.CounterpartyLimit(limits.counterparty_concentration),
        C.SingleAssetLimit(),
        C.PropertyConcentration(),
    ]
    lo = u.min_weight.copy() if limits.use_assumption_bounds else np.zeros(u.n)
    hi = u.max_weight.copy() if limits.use_assumption_bounds else np.ones(u.n)
    hi = np.where(u.buyable, hi, 0.0)  # an empty unit without templates cannot be bought
    index = {name: i for i, name in enumerate(u.units)}
    for name, (a, b) in limits.class_bounds.items():
        if name in index:
            lo[index[name]] = max(lo[index[name]], a)
            hi[index[name]] = min(hi[index[name]], b)
        else:  # a class at the position level: bound the class's positions together
            members = np.array([c == name for c in u.unit_class], dtype=float)
            terms.append(C.GroupBounds(name, members, a, b))
    terms.append(C.ClassBounds(lo, hi))
    if limits.use_assumption_bounds and u.class_members is not None:  # position level
        terms.append(
            C.ClassBounds(u.class_min_weight, u.class_max_weight, u.class_members, u.class_units)
        )
    for name, (members, a, b) in limits.groups.items():
        mask = np.array(
            [(x in members) or (c in members) for x, c in zip(u.units, u.unit_class, strict=True)],
            dtype=float,
        )
        terms.append(C.GroupBounds(name, mask, a, b))
    if limits.min_sci_tech > 0:
        terms.append(C.SciTechMinimum(limits.min_sci_tech))
    if limits.min_liquid > 0:
        terms.append(C.LiquidityFloor(limits.min_liquid))
    if limits.duration is not None:
        terms.append(C.DurationBand(*limits.duration))
    if limits.max_turnover is not None:
        terms.append(C.Turnover(limits.max_turnover))
    if limits.max_volatility is not None:
        terms.append(C.MaxVolatility(limits.max_volatility))
    if limits.target_return is not None:
        terms.append(C.MinReturn(limits.target_return))
    if limits.min_lcr2 is not None:
        terms.append(C.LiquidityCoverage(limits.min_lcr2))
    return terms


@dataclass
class Built:
    """One compiled case: the cvxpy problem, its variables and context."""

    case: Case
    problem: cp.Problem
    w: cp.Variable
    t: Any
    ctx: Context


def relaxed_label(b: Built) -> str:
    """The exact life case a tight relaxed solution belongs to (``up``, ``down`` or ``zero``)."""
    _, up, down = b.ctx.ir
    u, d = float(np.asarray(up.value)), float(np.asarray(down.value))
    if max(u, d) <= 0:
        return "zero"
    return "up" if u >= d else "down"


def relaxation_exact(b: Built, objective: Objective) -> bool:
    """Whether a relaxed life case's solution is feasible, hence optimal, for the exact problem.

    Either ``t_ir`` is tight (``t_ir = max(up, down, 0)``), or, for objectives that do not
    depend on capital, the exact capital of the weights (the map in numpy, with the true
    ``max``) still meets both budgets: then the same weights are feasible for the exact
    problem and have the same objective value.
    """
    if ir_gap(b.ctx) <= IR_TIGHT_TOL:
        return True
    if objective.needs_capital or objective.charnes_cooper:
        return False
    w = np.clip(np.asarray(b.w.value, dtype=float), 0.0, None)
    z = mc_star_value(b.ctx, w, b.case.equity_addon)
    budget = min(float(b.ctx.params[k].value) for k in ("b_core", "b_comprehensive"))
    return z <= budget * (1 + 1e-9)


def build_case(
    universe: Universe,
    objective: Objective,
    limits: Limits,
    case: Case,
    elastic: bool = False,
    extra_terms: list[C.Constraint] | None = None,
) -> Built:
    """Build the cvxpy problem of one case (a fresh problem; Parameters in ``ctx.params``)."""
    n = universe.n
    w = cp.Variable(n, nonneg=True, name="w")
    t: Any = 1.0
    if objective.charnes_cooper:
        t = cp.Variable(nonneg=True, name="t")
    ctx = Context(universe, t=t, elastic=elastic)
    state_capital(w, ctx, case.life_case, case.equity_addon)
    cons: list[Any] = [cp.sum(w) == t]
    for term in constraint_terms(universe, limits, case) + list(extra_terms or []):
        cons += term.to_cvxpy(w, ctx)
    if universe.stock_cost.any():
        # the stock-book ratio x may not exceed the x at which the map's k1 is evaluated, so
        # the map stays an upper bound of the engine's capital (k1 is non-decreasing in x)
        cons.append(
            universe.stock_value @ w <= (1.0 + universe.stock_x + 1e-12) * (universe.stock_cost @ w)
        )
    obj = objective.build(w, ctx)
    cons += ctx.extra
    if elastic:
        obj = cp.Minimize(ctx.slack_penalty())
    return Built(case, cp.Problem(obj, cons), w, t, ctx)


def solve_built(b: Built, **kw: Any) -> str:
    """Solve with Clarabel; return the status (never raises on a numerical failure)."""
    if b.ctx.universe.n > DPP_MAX_UNITS:
        kw.setdefault("ignore_dpp", True)
    try:
        b.problem.solve(solver=SOLVER, **kw)
    except cp.error.SolverError:
        return "solver_error"
    return b.problem.status
