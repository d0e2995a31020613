"""Solvency-constrained allocation: the engine's capital model as second-order cones,
composable objective and constraint terms, frontiers, and explained infeasibility.

Typical use::

    from analyzer.optimize import build_universe, AllocationProblem, Limits
    u = build_universe(holdings, company, read_assumptions("data/assumptions.csv"))
    result = AllocationProblem(u, "max_return", Limits(min_comprehensive=1.5)).solve()
"""

from analyzer.optimize.frontier import Frontier, FrontierPoint, frontier
from analyzer.optimize.problem import (
    OBJECTIVES,
    AllocationProblem,
    AllocationResult,
    BindingConstraint,
    Limits,
    make_objective,
)
from analyzer.optimize.universe import Universe, build_universe, with_templates

__all__ = [
    "OBJECTIVES",
    "AllocationProblem",
    "AllocationResult",
    "BindingConstraint",
    "Frontier",
    "FrontierPoint",
    "Limits",
    "Universe",
    "build_universe",
    "frontier",
    "make_objective",
    "with_templates",
]
