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

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from analyzer.errors import InfeasibleError, ParameterError
from analyzer.optimize.build import IR_TIGHT_TOL, OK_STATUSES, Built, build_case, solve_built
from analyzer.optimize.capital import MARGIN, RELAXED, mc_star_value, scalars
from analyzer.optimize.cases import Case, equity_groups
from analyzer.optimize.elastic import explain_infeasible
from analyzer.optimize.fast import ConicCase
from analyzer.optimize.limits import Limits
from analyzer.optimize.messages import compose
from analyzer.optimize.objectives import MaxReturn, MinCapital, MinVolatility
from analyzer.optimize.problem import AllocationProblem
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
        out = {
            k: getattr(self, k)
            for k in (
                "target",
                "status",
                "expected_return",
                "volatility",
                "comprehensive_ratio",
                "core_ratio",
                "minimum_capital",
            )
        }
        out["weights"] = (
            None if self.weights is None else dict(zip(units, self.weights.tolist(), strict=True))
        )
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
    fallbacks: int = 0  # points where a relaxed life case was not exact (case split solved)
    solves: int = 0  # solver calls along the points (end points not counted)

    @property
    def failed(self) -> tuple[FrontierPoint, ...]:
        """Points without a solution (``optimal_inaccurate`` points have one)."""
        return tuple(p for p in self.points if p.status not in OK_STATUSES)

    @property
    def inaccurate(self) -> tuple[FrontierPoint, ...]:
        """Points Clarabel solved only to its reduced tolerances (``optimal_inaccurate``)."""
        return tuple(p for p in self.points if p.status == "optimal_inaccurate")

    def to_dict(self) -> dict[str, Any]:
        return {
            "axis": self.axis,
            "points": [p.to_dict(self.units) for p in self.points],
            "wall_time": self.wall_time,
            "solve_time": self.solve_time,
            "is_dpp": self.is_dpp,
            "failed": len(self.failed),
            "inaccurate": len(self.inaccurate),
            "fallbacks": self.fallbacks,
        }


def _end(
    universe: Universe, limits: Limits, objective: Any, exhaustive: bool = False
) -> tuple[np.ndarray, float]:
    p = AllocationProblem(universe, objective, limits, exhaustive=exhaustive)
    solved = p.solve_cases()
    best = p.pick(solved)
    if best is None:
        raise explain_infeasible(AllocationProblem(universe, "max_return", limits))
    return np.clip(np.asarray(best.w.value, dtype=float), 0, None), _solver_time(solved)


def _figures(universe: Universe, built: Built, w: np.ndarray) -> dict[str, float]:
    s = scalars(built.ctx)
    z = mc_star_value(built.ctx, w, built.case.equity_addon)
    mc = s.minimum_capital(z)
    return {
        "expected_return": float(universe.mu @ w),
        "volatility": universe.volatility(w),
        "comprehensive_ratio": s.actual / mc,
        "core_ratio": s.core / mc,
        "minimum_capital": mc,
    }


class _Group:
    """One equity case of the frontier: the relaxed (or only) case, solved directly by
    Clarabel, and the exact life cases compiled lazily when the relaxation is not exact."""

    def __init__(
        self, universe: Universe, problem: AllocationProblem, cases: list[Case], param: str
    ) -> None:
        self.universe, self.problem, self.cases, self.param = universe, problem, cases, param
        life = universe.capmap.life
        first = replace(cases[0], life_case=RELAXED) if life else cases[0]
        self.main = ConicCase(problem.build(first), param)
        self.exact: list[ConicCase] | None = None if life else [self.main]
        self._lock = threading.Lock()

    def conic(self) -> list[ConicCase]:
        return [self.main] + (self.exact if self.exact and self.exact[0] is not self.main else [])

    def exact_cases(self) -> list[ConicCase]:
        with self._lock:  # points run on threads: compile the exact cases once
            if self.exact is None:
                self.exact = [ConicCase(self.problem.build(c), self.param) for c in self.cases]
        return self.exact


def _relaxation_exact(
    universe: Universe, cc: ConicCase, w: np.ndarray, t_ir: float, budget: float
) -> bool:
    """:func:`analyzer.optimize.build.relaxation_exact` on a direct Clarabel solution."""
    cm = universe.capmap
    up = cm.ir_liability_up / universe.V - float(cm.ir_asset_up @ w)
    down = cm.ir_liability_down / universe.V - float(cm.ir_asset_down @ w)
    if t_ir - max(up, down, 0.0) <= IR_TIGHT_TOL:
        return True
    z = mc_star_value(cc.built.ctx, np.clip(w, 0.0, None), cc.built.case.equity_addon)
    return z <= budget * (1 + 1e-9)


def frontier(
    universe: Universe,
    limits: Limits | None = None,
    points: int = 50,
    axis: str = "volatility",
    objective: str = "max_return",
    exhaustive: bool = False,
    targets: Any = None,
    threads: int | None = None,
) -> Frontier:
    """Trace a frontier (see module docstring).

    Parameters
    ----------
    universe : decision units
    limits : the plan's limits (default: legal ones)
    points : number of points (>= 2)
    axis : ``"volatility"`` or ``"solvency"``
    objective : only ``"max_return"`` (each point maximises expected return at its target);
        any other value is rejected rather than silently ignored
    exhaustive : solve every exact life case at every point through ``problem.solve``
        (today's reference method) instead of the relaxation and the direct Clarabel path
    targets : explicit targets (volatilities or ratios) instead of the ``points`` from end to
        end (the end points are still solved)
    threads : solver threads for the points (default: one per core; 1 = sequential). The
        points are independent, so the result does not depend on it.

    Raises
    ------
    ParameterError
        Unknown axis, fewer than 2 points, or an objective other than ``max_return``.
    InfeasibleError
        When even the end points are infeasible (with the limits to relax).
    """

    if axis not in AXES:
        raise ParameterError(compose("optimize.bad_axis", allowed=", ".join(AXES)))
    if points < 2:
        raise ParameterError(compose("optimize.frontier_points"))
    if objective != "max_return":
        raise ParameterError(compose("optimize.frontier_objective", axis=axis, objective=objective))
    limits = limits or Limits()
    start = time.perf_counter()
    solve_time = 0.0
    user_targets = None if targets is None else np.asarray(targets, dtype=float)
    targets = None
    if axis == "volatility" and exhaustive:
        lim = replace(limits, max_volatility=None)
        w_lo, t_lo = _end(universe, lim, MinVolatility(), exhaustive)
        w_hi, t_hi = _end(universe, lim, MaxReturn(), exhaustive)
        solve_time += t_lo + t_hi
        lo, hi = universe.volatility(w_lo), universe.volatility(w_hi)
        targets = np.linspace(lo * (1 + 1e-6), hi, points)
        lim = replace(lim, max_volatility=float(hi))
        param = "sigma_max"
    elif axis == "volatility":
        # end points from the frontier's own compiled data (no extra compile): the minimum
        # volatility is the smallest feasible sigma_max; the maximum-return portfolio is the
        # point at a sigma_max no portfolio reaches
        lim = replace(limits, max_volatility=1.0)
        param = "sigma_max"
    else:
        lim = replace(limits, target_return=None)
        p = AllocationProblem(universe, MinCapital(target_return=-1.0), lim, exhaustive=exhaustive)
        solved = p.solve_cases()
        solve_time += _solver_time(solved)
        best = p.pick(solved)
        if best is None:
            raise explain_infeasible(AllocationProblem(universe, "max_return", lim))
        s = scalars(best.ctx)
        z_min = mc_star_value(best.ctx, np.asarray(best.w.value), best.case.equity_addon)
        r_max = s.actual / s.minimum_capital(z_min)
        targets = np.linspace(limits.min_comprehensive, r_max * (1 - 1e-6), points)
        lim = limits
        param = "b_comprehensive"
    problem = AllocationProblem(universe, MaxReturn(), lim, exhaustive=exhaustive)

    def theta(b: Built, target: float) -> float:
        if axis == "volatility":
            return float(target)
        s = scalars(b.ctx)
        return s.budget(s.actual, max(float(target), b.case.tier_floor)) * (1 - MARGIN)

    if exhaustive:
        if user_targets is not None:
            targets = user_targets
        out, built, t = _exhaustive(universe, problem, targets, param, theta)
        solve_time += t
        is_dpp = all(b.problem.is_dcp(dpp=True) for b in built)
        return Frontier(
            axis,
            universe.units,
            tuple(out),
            time.perf_counter() - start,
            solve_time,
            is_dpp,
            len(built),
            solves=len(built) * len(targets),
        )
    gs = [_Group(universe, problem, members, param) for members in equity_groups(problem.cases)]
    is_dpp = all(g.main.built.problem.is_dcp(dpp=True) for g in gs)
    life = universe.capmap.life
    fallbacks = 0
    if targets is None:
        lo, hi = np.inf, None
        best_hi = -np.inf
        big = 10.0 * float(np.sqrt(np.max(np.diag(universe.covariance())))) + 1.0
        for g in gs:
            budget = min(
                float(g.main.built.ctx.params[k].value) for k in ("b_core", "b_comprehensive")
            )
            st, sigma, w, t_ir = g.main.minimise_parameter()
            if (
                st in OK_STATUSES
                and life
                and not _relaxation_exact(universe, g.main, w, t_ir, budget)
            ):
                fallbacks += 1
                for cc in g.exact_cases():
                    st_c, sigma_c, _, _ = cc.minimise_parameter()
                    if st_c in OK_STATUSES:
                        lo = min(lo, sigma_c)
            elif st in OK_STATUSES:
                lo = min(lo, sigma)
            st, w, t_ir = g.main.solve(big)
            cands = [(st, w)]
            if (
                st in OK_STATUSES
                and life
                and not _relaxation_exact(universe, g.main, w, t_ir, budget)
            ):
                fallbacks += 1
                cands = [cc.solve(big)[:2] for cc in g.exact_cases()]
            for st_c, wc in cands:
                if st_c in OK_STATUSES and float(universe.mu @ wc) > best_hi:
                    best_hi = float(universe.mu @ wc)
                    hi = universe.volatility(np.clip(wc, 0, None) / np.clip(wc, 0, None).sum())
        if hi is None or not np.isfinite(lo):
            raise explain_infeasible(
                AllocationProblem(universe, "max_return", replace(lim, max_volatility=None))
            )
        targets = np.linspace(lo * (1 + 1e-6), max(hi, lo * (1 + 1e-6)), points)
    if user_targets is not None:
        targets = user_targets

    def point(target: float) -> tuple[FrontierPoint, int]:
        """Solve one frontier point (independent of the others: safe on a thread)."""
        used_fallback = 0
        best_w, best_v, best_s, best_b = None, -np.inf, "", None
        statuses = []
        for g in gs:
            b = g.main.built
            th = theta(b, target)
            status, w, t_ir = g.main.solve(th)
            cands = [(status, w, b)]
            if life and status in OK_STATUSES:
                budget = min(
                    float(b.ctx.params["b_core"].value),
                    th if axis == "solvency" else float(b.ctx.params["b_comprehensive"].value),
                )
                if not _relaxation_exact(universe, g.main, w, t_ir, budget):
                    used_fallback += 1
                    cands = []
                    for cc in g.exact_cases():
                        st, wc, _ = cc.solve(theta(cc.built, target))
                        cands.append((st, wc, cc.built))
            elif life and status == "solver_error":
                cands = []
                for cc in g.exact_cases():
                    st, wc, _ = cc.solve(theta(cc.built, target))
                    cands.append((st, wc, cc.built))
            for st, wc, bc in cands:
                statuses.append(st)
                if st in OK_STATUSES:
                    v = float(universe.mu @ wc)
                    if v > best_v:
                        best_w, best_v, best_s, best_b = wc, v, st, bc
        if best_w is None:
            worst = next((s for s in statuses if s not in ("infeasible",)), "infeasible")
            return FrontierPoint(float(target), worst), used_fallback
        w = np.clip(np.asarray(best_w, dtype=float), 0, None)
        w = w / w.sum()
        return FrontierPoint(
            float(target), best_s, weights=w, **_figures(universe, best_b, w)
        ), used_fallback

    # Points are independent and Clarabel releases the GIL while it solves, so the points run
    # on a small thread pool (one thread per core; results keep the order of the targets).
    workers = max(1, min(threads if threads is not None else (os.cpu_count() or 1), len(targets)))
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(point, targets))
    else:
        results = [point(t) for t in targets]
    out = [r[0] for r in results]
    fallbacks += sum(r[1] for r in results)
    conic = [cc for g in gs for cc in g.conic()]
    solve_time += sum(cc.solve_time for cc in conic)
    return Frontier(
        axis,
        universe.units,
        tuple(out),
        time.perf_counter() - start,
        solve_time,
        is_dpp,
        len(conic),
        fallbacks=fallbacks,
        solves=sum(cc.solves for cc in conic),
    )


def _solver_time(solved: list[tuple[Built, str]]) -> float:
    return float(
        sum(
            (b.problem.solver_stats.solve_time or 0.0)
            for b, _ in solved
            if b.problem.solver_stats is not None
        )
    )


def _exhaustive(
    universe: Universe, problem: AllocationProblem, targets: np.ndarray, param: str, theta: Any
) -> tuple[list[FrontierPoint], list[Built], float]:
    """The reference method: every exact case at every point, through ``problem.solve``."""
    built = [
        build_case(universe, problem.objective, problem.limits, case) for case in problem.cases
    ]
    solve_time = 0.0
    out = []
    for target in targets:
        best_b, best_v, best_s = None, -np.inf, ""
        statuses = []
        for b in built:
            b.ctx.params[param].value = theta(b, target)
            status = solve_built(b)
            statuses.append(status)
            if b.problem.solver_stats is not None and b.problem.solver_stats.solve_time:
                solve_time += b.problem.solver_stats.solve_time
            if status in OK_STATUSES and b.problem.value > best_v:
                best_b, best_v, best_s = b, float(b.problem.value), status
        if best_b is None:
            worst = next((s for s in statuses if s not in ("infeasible",)), "infeasible")
            out.append(FrontierPoint(float(target), worst))
            continue
        if any(s not in ("optimal", "infeasible") for s in statuses):
            # a competing case that did not solve cleanly may hold the true optimum: the
            # point is the best of the cases that did, not certainly the optimum
            best_s = "optimal_inaccurate"
        w = np.clip(np.asarray(best_b.w.value, dtype=float), 0, None)
        w = w / w.sum()
        out.append(FrontierPoint(float(target), best_s, weights=w, **_figures(universe, best_b, w)))
    return out, built, solve_time


__all__ = ["AXES", "Frontier", "FrontierPoint", "frontier", "InfeasibleError"]
