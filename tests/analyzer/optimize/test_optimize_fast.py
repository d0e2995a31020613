"""Fast paths against the exhaustive reference: the life interest-rate relaxation, the direct
Clarabel frontier, the objective check of frontiers, optimal_inaccurate statuses and the
position-level solve without DPP."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from analyzer.errors import ParameterError
from analyzer.optimize import OBJECTIVES, AllocationProblem, Limits, frontier
from analyzer.optimize.build import build_case, solve_built
from analyzer.optimize.capital import RELAXED
from analyzer.optimize.fast import ConicCase
from analyzer.optimize.objectives import MaxReturn
from analyzer.optimize.universe import build_universe

LIMITS = Limits(min_comprehensive=1.2, min_core=0.6)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["life", "pc"])
@pytest.mark.parametrize("axis", ["volatility", "solvency"])
def test_fast_frontier_equals_exhaustive(samples, kind, axis):
    """Same targets: the relaxation + direct Clarabel path returns the exhaustive optimum at
    every point (expected return within solver tolerance), and every point's map-based
    ratio meets its target."""
    u = samples[kind][2]
    ref = frontier(u, LIMITS, points=20, axis=axis, exhaustive=True)
    fast = frontier(u, LIMITS, axis=axis, targets=[p.target for p in ref.points])
    assert fast.is_dpp and len(fast.points) == 20
    for p, q in zip(fast.points, ref.points, strict=True):
        if q.status != "optimal" or p.status != "optimal":
            continue
        assert p.expected_return == pytest.approx(q.expected_return, abs=2e-7)
        if axis == "volatility":
            assert p.volatility <= p.target * (1 + 1e-6)
        else:
            assert p.comprehensive_ratio >= p.target * (1 - 1e-6)
    assert fast.solves < ref.solves or kind == "pc"


@pytest.mark.parametrize("kind", ["life", "pc"])
def test_fast_end_points_bound_the_exhaustive_ones(samples, kind):
    """The fast minimum volatility (smallest feasible sigma) is at most the exhaustive one
    (the exhaustive end minimises the variance to solver tolerance), within 1e-6."""
    u = samples[kind][2]
    ref = frontier(u, LIMITS, points=2, exhaustive=True)
    fast = frontier(u, LIMITS, points=2)
    assert fast.points[0].target <= ref.points[0].target * (1 + 1e-6)
    assert fast.points[0].target == pytest.approx(ref.points[0].target, rel=1e-3)
    assert fast.points[-1].expected_return == pytest.approx(
        ref.points[-1].expected_return, abs=2e-7
    )


@pytest.mark.slow
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_relaxed_life_case_equals_case_split(life_universe, objective):
    """One relaxed problem (or its fallback) gives the optimum of the three exact cases, and
    reports the exact case that binds."""
    for floor in (1.0, 1.5):
        lim = Limits(
            min_comprehensive=floor,
            min_core=floor / 2,
            target_return=0.03 if objective == "min_capital" else None,
        )
        fast = AllocationProblem(life_universe, objective, lim).solve()
        ref = AllocationProblem(life_universe, objective, lim, exhaustive=True).solve()
        assert fast.objective_value == pytest.approx(ref.objective_value, rel=1e-6, abs=1e-8)
        assert fast.case == ref.case
        assert len(fast.cases) == 3
        assert fast.solvency.comprehensive_ratio >= floor * (1 - 1e-7)


def test_relaxation_contains_the_exact_cases(life_universe):
    """The relaxed problem's optimum is at least every exact case's (it is a relaxation)."""
    p = AllocationProblem(life_universe, MaxReturn(), LIMITS, exhaustive=True)
    exact = [b.problem.value for b, s in p.solve_cases() if s == "optimal"]
    b = build_case(life_universe, p.objective, LIMITS, replace(p.cases[0], life_case=RELAXED))
    assert solve_built(b) == "optimal"
    assert b.problem.value >= max(exact) - 1e-8


@pytest.mark.parametrize("kind", ["life", "pc"])
def test_direct_clarabel_matches_cvxpy(samples, kind):
    """The direct Clarabel path (conic data taken once from cvxpy, b moved affinely) returns
    cvxpy's own solution at several Parameter values."""
    u = samples[kind][2]
    lim = replace(LIMITS, max_volatility=0.1)
    p = AllocationProblem(u, MaxReturn(), lim)
    case = replace(p.cases[0], life_case=RELAXED) if u.capmap.life else p.cases[0]
    cc = ConicCase(p.build(case), "sigma_max")
    ref = p.build(case)
    for sigma in (0.03, 0.06, 0.1):
        status, w, _ = cc.solve(sigma)
        ref.ctx.params["sigma_max"].value = sigma
        assert solve_built(ref) == status == "optimal"
        assert float(u.mu @ w) == pytest.approx(float(u.mu @ ref.w.value), abs=1e-7)
        assert np.abs(w - ref.w.value).max() < 1e-4


def test_frontier_rejects_other_objectives(pc_universe):
    with pytest.raises(ParameterError, match="mean_variance"):
        frontier(pc_universe, LIMITS, points=3, objective="mean_variance")


def test_inaccurate_points_are_reported_as_such(life_universe):
    """A point Clarabel only solves to reduced tolerances keeps ``optimal_inaccurate`` (the
    last point of the life solvency axis sits at the highest reachable ratio)."""
    f = frontier(life_universe, LIMITS, points=50, axis="solvency")
    statuses = {p.status for p in f.points}
    assert statuses <= {
        "optimal",
        "optimal_inaccurate",
        "infeasible",
        "user_limit",
        "solver_error",
        "infeasible_inaccurate",
    }
    assert len(f.inaccurate) == sum(p.status == "optimal_inaccurate" for p in f.points)
    assert all(p.weights is not None for p in f.inaccurate)
    assert f.to_dict()["inaccurate"] == len(f.inaccurate)


def test_position_level_solve_skips_dpp(samples, assumptions):
    """Above DPP_MAX_UNITS a one-off solve ignores DPP; same optimum as the DPP path."""
    from analyzer.optimize import build as P

    h, c, _ = samples["pc"]
    u = build_universe(h, c, assumptions, level="position")
    lim = Limits(min_comprehensive=1.5)
    p = AllocationProblem(u, "max_return", lim)
    b1, b2 = p.build(p.cases[0]), p.build(p.cases[0])
    assert solve_built(b1, ignore_dpp=True) == "optimal"
    b2.problem.solve(solver=P.SOLVER)
    assert b1.problem.value == pytest.approx(b2.problem.value, rel=1e-7)


@pytest.mark.parametrize("axis", ["volatility", "solvency"])
def test_threads_do_not_change_the_frontier(life_universe, axis):
    """Frontier points are independent: solving them on two threads gives exactly the points
    of the sequential run (same targets, statuses and weights)."""
    from analyzer.optimize import Limits, frontier

    seq = frontier(life_universe, Limits(), points=12, axis=axis, threads=1)
    par = frontier(life_universe, Limits(), points=12, axis=axis, threads=2)
    assert [p.status for p in seq.points] == [p.status for p in par.points]
    for a, b in zip(seq.points, par.points, strict=True):
        assert a.target == b.target
        if a.weights is not None:
            np.testing.assert_array_equal(a.weights, b.weights)
