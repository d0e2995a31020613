"""Efficient frontiers with every limit in force, re-solved through cvxpy Parameters (DPP):
each convex case is compiled once and each point only changes a Parameter value.

* ``axis="volatility"``: maximise expected return subject to ``vol <= sigma`` (Parameter
  ``sigma_max``), sigma from the minimum-volatility portfolio to the maximum-return one.
* ``axis="solvency"``: maximise expected return subject to ``comprehensive ratio >= r``
  (Parameter ``b_comprehensive``), r from the plan's floor to the highest reachable ratio:
  the capital-aware frontier.

Points that fail (infeasible, solver trouble) are kept with their status, never dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from analyzer.errors import InfeasibleError
from analyzer.optimize.capital import MARGIN, mc_star_value, scalars
from analyzer.optimize.objectives import MaxReturn, MinCapital, MinVolatility
from analyzer.optimize.problem import AllocationProblem, Built, Limits, build_case, solve_built
from analyzer.optimize.universe import Universe

AXES = ("volatility", "solvency")


@dataclass(frozen=True)
class FrontierPoint:
    """One point: the target (volatility or ratio), status and the portfolio's figures."""

    target: float
    status: str
    expected_return: float | None = None
    volatility: float | None = None
    comprehensive_ratio: float | None = None
    core_ratio: float | None = None
    minimum_capital: float | None = None
    weights: np.ndarray | None = None

    def to_dict(self, units: tuple[str, ...]) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("target", "status", "expected_return", "volatility",
                                             "comprehensive_ratio", "core_ratio",
                                             "minimum_capital")}
        out["weights"] = None if self.weights is None else \
            dict(zip(units, self.weights.tolist(), strict=True))
        return out


@dataclass(frozen=True)
class Frontier:
    """A frontier: its points, timings and the DPP check."""

    axis: str
    units: tuple[str, ...]
    points: tuple[FrontierPoint, ...]
    wall_time: float
    solve_time: float  # seconds inside Clarabel
    is_dpp: bool
    compiled_problems: int

    @property
    def failed(self) -> tuple[FrontierPoint, ...]:
        """Points without an optimal solution."""
        return tuple(p for p in self.points if p.status != "optimal")

    def to_dict(self) -> dict[str, Any]:
        return {"axis": self.axis, "points": [p.to_dict(self.units) for p in self.points],
                "wall_time": self.wall_time, "solve_time": self.solve_time,
                "is_dpp": self.is_dpp, "failed": len(self.failed)}


def _end(universe: Universe, limits: Limits, objective: Any) -> np.ndarray:
    p = AllocationProblem(universe, objective, limits)
    best = p.pick(p.solve_cases())
    if best is None:
        from analyzer.optimize.elastic import explain_infeasible

        raise explain_infeasible(AllocationProblem(universe, "max_return", limits))
    return np.clip(np.asarray(best.w.value, dtype=float), 0, None)


def _figures(universe: Universe, built: Built, w: np.ndarray) -> dict[str, float]:
    s = scalars(built.ctx)
    z = mc_star_value(built.ctx, w, built.case.equity_addon)
    mc = s.minimum_capital(z)
    return {"expected_return": float(universe.mu @ w), "volatility": universe.volatility(w),
            "comprehensive_ratio": s.actual / mc, "core_ratio": s.core / mc,
            "minimum_capital": mc}


def frontier(universe: Universe, limits: Limits | None = None, points: int = 50,
             axis: str = "volatility") -> Frontier:
    """Trace a frontier (see module docstring).

    Parameters
    ----------
    universe : decision units
    limits : the plan's limits (default: legal ones)
    points : number of points (>= 2)
    axis : ``"volatility"`` or ``"solvency"``

    Raises
    ------
    InfeasibleError
        When even the end points are infeasible (with the limits to relax).
    """
    from analyzer.errors import ParameterError

    if axis not in AXES:
        raise ParameterError(f"axis must be one of {', '.join(AXES)}")
    if points < 2:
        raise ParameterError("a frontier needs at least 2 points")
    limits = limits or Limits()
    start = time.perf_counter()
    if axis == "volatility":
        lim = replace(limits, max_volatility=None)
        w_lo = _end(universe, lim, MinVolatility())
        w_hi = _end(universe, lim, MaxReturn())
        lo, hi = universe.volatility(w_lo), universe.volatility(w_hi)
        targets = np.linspace(lo * (1 + 1e-6), hi, points)
        lim = replace(lim, max_volatility=float(hi))
        param = "sigma_max"
    else:
        lim = replace(limits, target_return=None)
        p = AllocationProblem(universe, MinCapital(target_return=-1.0), lim)
        best = p.pick(p.solve_cases())
        if best is None:
            from analyzer.optimize.elastic import explain_infeasible

            raise explain_infeasible(AllocationProblem(universe, "max_return", lim))
        s = scalars(best.ctx)
        z_min = mc_star_value(best.ctx, np.asarray(best.w.value), best.case.equity_addon)
        r_max = s.actual / s.minimum_capital(z_min)
        targets = np.linspace(limits.min_comprehensive, r_max * (1 - 1e-6), points)
        lim = limits
        param = "b_comprehensive"
    problem = AllocationProblem(universe, MaxReturn(), lim)
    built = [build_case(universe, problem.objective, lim, case) for case in problem.cases]
    is_dpp = all(b.problem.is_dcp(dpp=True) for b in built)
    solve_time = 0.0
    out = []
    for target in targets:
        best_b, best_v = None, -np.inf
        statuses = []
        for b in built:
            if axis == "volatility":
                b.ctx.params[param].value = float(target)
            else:
                s = scalars(b.ctx)
                floor = max(float(target), b.case.tier_floor)
                b.ctx.params[param].value = s.budget(s.actual, floor) * (1 - MARGIN)
            status = solve_built(b)
            statuses.append(status)
            if b.problem.solver_stats is not None and b.problem.solver_stats.solve_time:
                solve_time += b.problem.solver_stats.solve_time
            if status in ("optimal", "optimal_inaccurate") and b.problem.value > best_v:
                best_b, best_v = b, float(b.problem.value)
        if best_b is None:
            worst = next((s for s in statuses if s not in ("infeasible",)), "infeasible")
            out.append(FrontierPoint(float(target), worst))
            continue
        w = np.clip(np.asarray(best_b.w.value, dtype=float), 0, None)
        w = w / w.sum()
        out.append(FrontierPoint(float(target), "optimal", weights=w,
                                 **_figures(universe, best_b, w)))
    return Frontier(axis, universe.units, tuple(out), time.perf_counter() - start, solve_time,
                    is_dpp, len(built))


__all__ = ["AXES", "Frontier", "FrontierPoint", "frontier", "InfeasibleError"]
