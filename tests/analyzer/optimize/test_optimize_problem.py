"""The allocation problem: engine re-evaluation meets the floors, independent checks of the
capital-constrained optimum, shadow prices, cases, DPP, PyPortfolioOpt agreement."""

from __future__ import annotations

from dataclasses import replace

import cvxpy as cp
import numpy as np
import pytest

from analyzer.errors import InfeasibleError
from analyzer.optimize import OBJECTIVES, AllocationProblem, Limits
from analyzer.optimize.capital import mc_star_value, scalars
from analyzer.optimize.universe import build_universe
from analyzer.solvency.capital_map import build_capital_map

TARGETS = {"min_capital": 0.03}


def _solve(u, objective, **kw):
    limits = Limits(
        min_comprehensive=kw.pop("min_comprehensive", 1.5),
        min_core=kw.pop("min_core", 0.75),
        target_return=TARGETS.get(objective),
        **kw,
    )
    return AllocationProblem(u, objective, limits).solve()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["life", "pc"])
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_engine_meets_floors_for_every_insurer_and_objective(samples, kind, objective):
    """The engine's own evaluation of the optimum meets the company's 150% / 75% targets, the
    weights add to 1, and the investment-ratio caps hold."""
    u = samples[kind][2]
    r = _solve(u, objective)
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-9)
    assert (r.weights >= 0).all()
    assert r.solvency.comprehensive_ratio >= 1.5 * (1 - 1e-7)
    assert r.solvency.core_ratio >= 0.75 * (1 - 1e-7)
    caps = {c.limit: c for c in r.solvency.compliance.checks}
    for name in (
        "equity",
        "real_estate",
        "other_financial",
        "overseas",
        "venture_capital",
        "single_asset",
        "single_counterparty",
    ):
        if name in caps:
            assert caps[name].share <= caps[name].cap + 1e-7, name
    if objective == "min_capital":
        assert r.expected_return >= 0.03 - 1e-7


def test_binding_floor_equals_engine_ratio_and_relaxing_improves(life_universe):
    """KKT-style check: when the comprehensive floor binds, the engine's ratio equals it; the
    optimum improves when the floor relaxes, by about the reported shadow price."""
    r = _solve(life_universe, "max_return", min_comprehensive=1.5)
    names = {b.constraint: b for b in r.binding}
    assert "min_comprehensive_ratio" in names
    assert r.solvency.comprehensive_ratio == pytest.approx(1.5, rel=1e-5)
    r2 = _solve(life_universe, "max_return", min_comprehensive=1.499)
    gain_bp = (r2.expected_return - r.expected_return) * 1e4 / 0.1  # per pp
    assert gain_bp > 0
    assert gain_bp == pytest.approx(names["min_comprehensive_ratio"].shadow_price, rel=0.03)


@pytest.mark.parametrize("kind", ["life", "pc"])
def test_cones_match_their_numpy_twin_and_bound_the_engine(samples, kind):
    """At the optimum the cone epigraph equals the capital map's numpy aggregation (the cones
    are tight), the map is an upper bound of the engine's minimum capital (status-dependent
    add-ons can only switch off), and within 3% of it."""
    u = samples[kind][2]
    p = AllocationProblem(u, "max_return", Limits(min_comprehensive=1.5, min_core=0.75))
    r = p.solve()
    best = p.pick(p.solve_cases())
    w = p._weights(best)
    z = mc_star_value(best.ctx, w)
    assert float(best.ctx.z.value) == pytest.approx(z, rel=1e-6)
    mc = scalars(best.ctx).minimum_capital(z)
    assert mc >= r.solvency.minimum_capital * (1 - 1e-7)
    assert mc <= r.solvency.minimum_capital * 1.03


def test_tighter_floor_never_raises_optimum(pc_universe):
    values = [
        _solve(pc_universe, "max_return", min_comprehensive=f).expected_return
        for f in (1.0, 1.5, 2.0, 2.5)
    ]
    assert all(a >= b - 1e-9 for a, b in zip(values, values[1:], strict=False))


def test_dpp_every_objective(life_universe):
    for objective in OBJECTIVES:
        limits = Limits(
            target_return=0.03,
            max_volatility=0.2,
            max_turnover=0.5,
            min_sci_tech=0.02,
            transaction_cost=0.001,
        )
        p = AllocationProblem(life_universe, objective, limits)
        for case in p.cases:
            assert p.build(case).problem.is_dcp(dpp=True), (objective, case)


def test_life_cases_are_exact(life_universe):
    """The three interest-rate cases cover max(up, down, 0): the winning case's IR equals the
    scenario method on the optimum."""
    r = _solve(life_universe, "max_return")
    assert r.case.startswith("IR ")
    assert len(r.cases) == 3
    lir = r.solvency.life_interest_rate
    assert lir["binding"] in r.case or (lir["capital"] == 0 and "zero" in r.case)
    # the numbers, not the labels: the scenario deltas of the optimum, summed from the
    # capital map's per-class deltas, give the engine's life interest-rate capital and its
    # binding scenario (Rule 8 Art. 18: the worse of up and down, at least 0)
    m = life_universe.capmap
    x = np.asarray(r.weights) * life_universe.V
    up = m.ir_liability_up - x @ m.ir_asset_up
    down = m.ir_liability_down - x @ m.ir_asset_down
    assert max(up, down, 0.0) == pytest.approx(lir["capital"], rel=1e-9, abs=1.0)
    assert lir["binding"] == ("none" if max(up, down) <= 0 else "up" if up >= down else "down")
    # and the winning case is the best of the three the optimiser solved
    best = max(c["value"] for c in r.cases if c["value"] is not None)
    assert r.objective_value == pytest.approx(best, rel=1e-9)


def test_resulting_equity_basis_tries_every_tier(pc_universe):
    prior = _solve(pc_universe, "max_return", min_comprehensive=1.0)
    res = AllocationProblem(pc_universe, "max_return", Limits(equity_cap_basis="resulting")).solve()
    assert len(res.cases) >= 5
    assert (
        res.expected_return >= prior.expected_return - 1e-9
        or res.solvency.comprehensive_ratio >= 1.0
    )


def test_shadow_price_units(life_universe):
    r = _solve(life_universe, "max_return")
    floor = next(b for b in r.binding if b.constraint == "min_comprehensive_ratio")
    assert floor.unit == "bp of expected return per pp of comprehensive ratio"
    assert floor.shadow_price > 0 and floor.shadow_price_per_yi > 0
    d = r.to_dict()
    assert set(d) >= {
        "status",
        "objective",
        "weights",
        "current_weights",
        "expected_return",
        "volatility",
        "solvency",
        "binding",
    }
    assert d["binding"][0]["constraint"]


def test_max_return_on_capital_is_exact(pc_universe):
    """Charnes-Cooper optimum beats every point of a fine grid over the capital floor."""
    u = pc_universe
    p = AllocationProblem(u, "max_return_on_capital", Limits())
    r = p.solve()
    b = p.build(p.cases[0])
    s = scalars(b.ctx)

    def roc(w):
        return (u.mu @ w) / (s.minimum_capital(mc_star_value(b.ctx, w)) / u.V)

    assert roc(r.weights) == pytest.approx(r.objective_value, rel=1e-6)
    for floor in np.linspace(1.0, 3.0, 9):
        try:
            other = AllocationProblem(u, "max_return", Limits(min_comprehensive=floor)).solve()
        except InfeasibleError:
            continue
        assert roc(other.weights) <= r.objective_value * (1 + 1e-6)


def test_infeasible_reports_what_to_relax(life_universe):
    with pytest.raises(InfeasibleError) as err:
        AllocationProblem(
            life_universe, "max_return", Limits(min_comprehensive=3.0, min_sci_tech=0.9)
        ).solve()
    e = err.value
    assert e.conflicts and "sci-tech" in str(e)
    c = next(x for x in e.conflicts if x["constraint"] == "min_sci_tech")
    assert c["limit"] == 0.9 and 0 < c["reachable"] < 0.9
    # the reachable value is indeed reachable
    AllocationProblem(
        life_universe,
        "max_return",
        Limits(min_comprehensive=3.0, min_sci_tech=c["reachable"] - 1e-4),
    ).solve()


def test_two_way_conflict_message(pc_universe):
    with pytest.raises(InfeasibleError) as err:
        AllocationProblem(
            pc_universe, "max_return", Limits(min_comprehensive=4.0, min_sci_tech=0.5)
        ).solve()
    msg = str(err.value)
    assert "cannot" in msg and "reachable" in msg


def test_turnover_and_costs(pc_universe):
    u = pc_universe
    r = AllocationProblem(u, "max_return", Limits(max_turnover=0.1)).solve()
    assert 0.5 * np.abs(r.weights - u.w0).sum() <= 0.1 + 1e-6
    free = AllocationProblem(u, "max_return", Limits()).solve()
    costly = AllocationProblem(u, "max_return", Limits(transaction_cost=0.05)).solve()
    assert np.abs(costly.weights - u.w0).sum() < np.abs(free.weights - u.w0).sum()


def test_sci_tech_liquidity_duration_groups(pc_universe):
    u = pc_universe
    lim = Limits(
        min_sci_tech=0.1,
        min_liquid=0.3,
        duration=(3.0, 6.0),
        groups={"bonds": (("government_bond", "policy_bank_bond"), 0.2, 0.5)},
        class_bounds={"stock_csi300": (0.01, 0.05)},
    )
    r = AllocationProblem(u, "max_return", lim).solve()
    w = dict(zip(r.units, r.weights, strict=True))
    assert u.sci_tech_share @ r.weights >= 0.1 - 1e-7
    assert u.liquid @ r.weights >= 0.3 - 1e-7
    assert 3.0 - 1e-6 <= u.duration @ r.weights <= 6.0 + 1e-6
    assert 0.2 - 1e-7 <= w["government_bond"] + w["policy_bank_bond"] <= 0.5 + 1e-7
    assert 0.01 - 1e-7 <= w["stock_csi300"] <= 0.05 + 1e-7
    assert r.solvency.scitech.share >= 0.1 - 1e-6


def test_pypfopt_agreement_without_capital(pc_universe):
    """Without capital or regulatory constraints the mean-variance weights equal
    PyPortfolioOpt's max_quadratic_utility to 1e-6."""
    pypfopt = pytest.importorskip("pypfopt")
    from analyzer.optimize.context import Context
    from analyzer.optimize.objectives import MeanVariance

    u = pc_universe
    for delta in (2.0, 10.0):
        w = cp.Variable(u.n, nonneg=True)
        ctx = Context(u)
        prob = cp.Problem(MeanVariance(delta).build(w, ctx), [cp.sum(w) == 1])
        prob.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
        ef = pypfopt.EfficientFrontier(
            u.mu, u.covariance(), weight_bounds=(0, 1), solver="CLARABEL"
        )
        ef.max_quadratic_utility(risk_aversion=delta)
        theirs = np.array([ef.weights[i] for i in range(u.n)])
        assert np.abs(np.asarray(w.value) - theirs).max() < 1e-6


def test_position_level_factor_model(samples, assumptions):
    h, c, _ = samples["pc"]
    u = build_universe(h, c, assumptions, level="position")
    assert u.n == len(h)
    r = AllocationProblem(u, "max_return", Limits(min_comprehensive=1.5)).solve()
    assert r.solvency.comprehensive_ratio >= 1.5 * (1 - 1e-7)
    # factor risk equals the dense covariance
    w = r.weights
    assert u.volatility(w) == pytest.approx(np.sqrt(w @ u.covariance() @ w), rel=1e-9)


def test_stock_book_tightening_keeps_map_an_upper_bound(life_universe):
    r = _solve(life_universe, "max_return", min_comprehensive=1.0)
    m = build_capital_map(life_universe.scaled_holdings(r.weights), life_universe.company)
    assert m.minimum_capital(m.current_exposure) == pytest.approx(
        r.solvency.minimum_capital, rel=1e-9
    )
    assert r.solvency.comprehensive_ratio >= 1.0 * (1 - 1e-7)
    assert replace(Limits(), min_core=0.6).min_core == 0.6


def test_numerical_failure_is_told_apart_from_infeasibility(pc_universe, monkeypatch):
    """When every case fails numerically (Clarabel 'solver_error' at the edge of the feasible
    set), the elastic problem decides: conflicting limits give the InfeasibleError with what
    to relax; consistent limits give a SolverError, never a silent 'infeasible'."""
    from analyzer.errors import SolverError

    real = AllocationProblem.solve_cases

    def failing(self):
        return [(b, "solver_error") for b, _ in real(self)]

    monkeypatch.setattr(AllocationProblem, "solve_cases", failing)
    with pytest.raises(InfeasibleError) as err:
        AllocationProblem(pc_universe, "min_volatility", Limits(min_sci_tech=0.9)).solve()
    assert err.value.conflicts and "sci-tech" in str(err.value)
    with pytest.raises(SolverError):
        AllocationProblem(pc_universe, "min_volatility", Limits(min_sci_tech=0.1)).solve()


def test_credit_items_enter_the_cones_and_the_floor_binds_at_the_engine_ratio(samples, assumptions):
    """The company's non-investment credit items (here a 50亿 guarantee, Rule 9 Art. 38: 15亿
    of default capital) do not move with the weights but take capital: the optimiser's cones
    carry them, so a binding floor is met by the engine's own ratio (not above it, as cones
    without the items would give, nor below), and the optimum earns less than without them."""
    from analyzer.io.company import company_from_dict
    from analyzer.optimize import build_universe

    h, c, u = samples["life"]
    data = c.model_dump(exclude={"source", "liabilities"})
    data["liabilities"] = c.liabilities
    data["credit_items"] = [{"id": "g1", "item_type": "guarantee", "amount": 5.0e9}]
    with_items = company_from_dict(data, "<test>")
    u2 = build_universe(h, with_items, assumptions)
    assert u2.capmap.fixed.sum() == pytest.approx(0.3 * 5.0e9, rel=1e-12)
    r = _solve(u2, "max_return", min_comprehensive=1.5)
    assert "min_comprehensive_ratio" in {b.constraint for b in r.binding}
    assert r.solvency.credit_items_capital == pytest.approx(1.5e9, rel=1e-12)
    assert r.solvency.comprehensive_ratio == pytest.approx(1.5, rel=1e-5)
    assert r.expected_return < _solve(u, "max_return", min_comprehensive=1.5).expected_return
