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


#: the Parameter each axis moves
PARAMETERS = {"volatility": "sigma_max", "solvency": "b_comprehensive"}


def _theta(axis: str, b: Built, target: float) -> float:
    """The Parameter value of a target: the volatility itself, or the MC* / V budget of a
    comprehensive-ratio floor (at least the case's tier floor)."""
    if axis == "volatility":
        return float(target)
    s = scalars(b.ctx)
    return s.budget(s.actual, max(float(target), b.case.tier_floor)) * (1 - MARGIN)


def _ratio_range(
    universe: Universe, limits: Limits, points: int, exhaustive: bool
) -> tuple[np.ndarray, float]:
    """The solvency axis's targets, from the plan's floor to the highest reachable ratio
    (the minimum-capital portfolio), and the solver time spent finding it."""
    lim = replace(limits, target_return=None)
    p = AllocationProblem(universe, MinCapital(target_return=-1.0), lim, exhaustive=exhaustive)
    solved = p.solve_cases()
    best = p.pick(solved)
    if best is None:
        raise explain_infeasible(AllocationProblem(universe, "max_return", lim))
    s = scalars(best.ctx)
    z_min = mc_star_value(best.ctx, np.asarray(best.w.value), best.case.equity_addon)
    r_max = s.actual / s.minimum_capital(z_min)
    return np.linspace(limits.min_comprehensive, r_max * (1 - 1e-6), points), _solver_time(solved)


class Sweep:
    """A frontier's problem compiled once and re-solved along one Parameter by Clarabel
    directly (:class:`~analyzer.optimize.fast.ConicCase`, the faster of the two paths:
    benchmarks/bench_frontier.py).

    One :class:`_Group` per equity case holds the relaxed (or only) case; the exact life
    cases are compiled only when a relaxation is not exact at some point.

    Parameters
    ----------
    universe : decision units
    limits : the plan's limits, with ``max_volatility`` set on the volatility axis (the
        Parameter ``sigma_max`` exists only then)
    axis : ``"volatility"`` or ``"solvency"``
    """

    def __init__(self, universe: Universe, limits: Limits, axis: str) -> None:
        self.universe, self.limits, self.axis = universe, limits, axis
        self.life = universe.capmap.life
        problem = AllocationProblem(universe, MaxReturn(), limits)
        self.groups = [
            _Group(universe, problem, members, PARAMETERS[axis])
            for members in equity_groups(problem.cases)
        ]
        self.is_dpp = all(g.main.built.problem.is_dcp(dpp=True) for g in self.groups)
        self.fallbacks = 0  # relaxed life cases that were not exact (exact split solved)

    def _exact(self, g: _Group, w: np.ndarray, t_ir: float, budget: float) -> bool:
        return not self.life or _relaxation_exact(self.universe, g.main, w, t_ir, budget)

    def volatility_range(self, points: int) -> np.ndarray:
        """The volatility axis's targets from the compiled data (no extra compile): the
        minimum volatility is the smallest feasible ``sigma_max``; the maximum-return
        portfolio is the point at a ``sigma_max`` no portfolio reaches."""
        u = self.universe
        lo, hi = np.inf, None
        best_hi = -np.inf
        big = 10.0 * float(np.sqrt(np.max(np.diag(u.covariance())))) + 1.0
        for g in self.groups:
            budget = min(
                float(g.main.built.ctx.params[k].value) for k in ("b_core", "b_comprehensive")
            )
            st, sigma, w, t_ir = g.main.minimise_parameter()
            if st in OK_STATUSES and not self._exact(g, w, t_ir, budget):
                self.fallbacks += 1
                for cc in g.exact_cases():
                    st_c, sigma_c, _, _ = cc.minimise_parameter()
                    if st_c in OK_STATUSES:
                        lo = min(lo, sigma_c)
            elif st in OK_STATUSES:
                lo = min(lo, sigma)
            st, w, t_ir = g.main.solve(big)
            cands = [(st, w)]
            if st in OK_STATUSES and not self._exact(g, w, t_ir, budget):
                self.fallbacks += 1
                cands = [cc.solve(big)[:2] for cc in g.exact_cases()]
            for st_c, wc in cands:
                if st_c in OK_STATUSES and float(u.mu @ wc) > best_hi:
                    best_hi = float(u.mu @ wc)
                    hi = u.volatility(np.clip(wc, 0, None) / np.clip(wc, 0, None).sum())
        if hi is None or not np.isfinite(lo):
            raise explain_infeasible(
                AllocationProblem(u, "max_return", replace(self.limits, max_volatility=None))
            )
        return np.linspace(lo * (1 + 1e-6), max(hi, lo * (1 + 1e-6)), points)

    def _candidates(self, g: _Group, target: float) -> tuple[list[tuple], int]:
        """(status, weights, built) of an equity case at ``target``: the relaxed case, or the
        exact life cases when it is not exact (or failed); and whether they were needed."""
        b = g.main.built
        th = _theta(self.axis, b, target)
        status, w, t_ir = g.main.solve(th)
        if self.life and status in OK_STATUSES:
            budget = min(
                float(b.ctx.params["b_core"].value),
                th if self.axis == "solvency" else float(b.ctx.params["b_comprehensive"].value),
            )
            if _relaxation_exact(self.universe, g.main, w, t_ir, budget):
                return [(status, w, b)], 0
            return self._exact_candidates(g, target), 1
        if self.life and status == "solver_error":
            return self._exact_candidates(g, target), 0
        return [(status, w, b)], 0

    def _exact_candidates(self, g: _Group, target: float) -> list[tuple]:
        out = []
        for cc in g.exact_cases():
            st, wc, _ = cc.solve(_theta(self.axis, cc.built, target))
            out.append((st, wc, cc.built))
        return out

    def point(self, target: float) -> tuple[FrontierPoint, int]:
        """One frontier point (independent of the others: safe on a thread), and the number of
        relaxations that were not exact there."""
        used_fallback = 0
        best_w, best_v, best_s, best_b = None, -np.inf, "", None
        statuses = []
        for g in self.groups:
            cands, fell_back = self._candidates(g, target)
            used_fallback += fell_back
            for st, wc, bc in cands:
                statuses.append(st)
                if st in OK_STATUSES:
                    v = float(self.universe.mu @ wc)
                    if v > best_v:
                        best_w, best_v, best_s, best_b = wc, v, st, bc
        if best_w is None:
            worst = next((s for s in statuses if s not in ("infeasible",)), "infeasible")
            return FrontierPoint(float(target), worst), used_fallback
        w = np.clip(np.asarray(best_w, dtype=float), 0, None)
        w = w / w.sum()
        return FrontierPoint(
            float(target), best_s, weights=w, **_figures(self.universe, best_b, w)
        ), used_fallback

    def trace(self, targets: np.ndarray, threads: int | None = None) -> list[FrontierPoint]:
        """The points at ``targets``, in their order.

        Points are independent and Clarabel releases the GIL while it solves, so they run on a
        small thread pool (default one thread per core).
        """
        workers = max(
            1, min(threads if threads is not None else (os.cpu_count() or 1), len(targets))
        )
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(self.point, targets))
        else:
            results = [self.point(t) for t in targets]
        self.fallbacks += sum(r[1] for r in results)
        return [r[0] for r in results]

    @property
    def conic(self) -> list[ConicCase]:
        """Every case compiled so far."""
        return [cc for g in self.groups for cc in g.conic()]


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
    user_targets = None if targets is None else np.asarray(targets, dtype=float)
    if exhaustive:
        return _exhaustive(universe, limits, points, axis, user_targets, start)
    solve_time = 0.0
    if axis == "volatility":
        lim = replace(limits, max_volatility=1.0)
        sweep = Sweep(universe, lim, axis)
        targets = sweep.volatility_range(points)
    else:
        targets, solve_time = _ratio_range(universe, limits, points, False)
        sweep = Sweep(universe, limits, axis)
    if user_targets is not None:
        targets = user_targets
    out = sweep.trace(targets, threads)
    conic = sweep.conic
    return Frontier(
        axis,
        universe.units,
        tuple(out),
        time.perf_counter() - start,
        solve_time + sum(cc.solve_time for cc in conic),
        sweep.is_dpp,
        len(conic),
        fallbacks=sweep.fallbacks,
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
    universe: Universe,
    limits: Limits,
    points: int,
    axis: str,
    user_targets: np.ndarray | None,
    start: float,
) -> Frontier:
    """The reference method: every exact case at every point, through ``problem.solve``
    (a cvxpy Parameter sweep)."""
    solve_time = 0.0
    if axis == "volatility":
        lim = replace(limits, max_volatility=None)
        w_lo, t_lo = _end(universe, lim, MinVolatility(), True)
        w_hi, t_hi = _end(universe, lim, MaxReturn(), True)
        solve_time += t_lo + t_hi
        lo, hi = universe.volatility(w_lo), universe.volatility(w_hi)
        targets = np.linspace(lo * (1 + 1e-6), hi, points)
        lim = replace(lim, max_volatility=float(hi))
    else:
        targets, solve_time = _ratio_range(universe, limits, points, True)
        lim = limits
    if user_targets is not None:
        targets = user_targets
    param = PARAMETERS[axis]
    problem = AllocationProblem(universe, MaxReturn(), lim, exhaustive=True)
    built = [build_case(universe, problem.objective, problem.limits, c) for c in problem.cases]
    out = []
    for target in targets:
        best_b, best_v, best_s = None, -np.inf, ""
        statuses = []
        for b in built:
            b.ctx.params[param].value = _theta(axis, b, target)
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
    return Frontier(
        axis,
        universe.units,
        tuple(out),
        time.perf_counter() - start,
        solve_time,
        all(b.problem.is_dcp(dpp=True) for b in built),
        len(built),
        solves=len(built) * len(targets),
    )


__all__ = ["AXES", "Frontier", "FrontierPoint", "Sweep", "frontier", "InfeasibleError"]
