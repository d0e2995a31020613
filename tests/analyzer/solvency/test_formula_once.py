"""Minimum capital ``MC = (1 + Q)(1 + k)(MC* - LA) + additional`` exists once
(``analyzer.solvency.aggregation.minimum_capital`` and its inverse ``diversified_for``), gives
numbers for numpy and expressions for cvxpy, and every caller's numbers equal a plain
implementation of the rule written here.

The reference is an independent, straightforward implementation of the formula (Rule 2
Art. 15-19, Rule 8 Art. 70, Rule 9 Art. 43, Rule 12 Art. 120, 金规〔2023〕5号 一) in this file:
explicit loops and ``math.sqrt`` over the regime's tables, sharing no code with the engine. It
is applied to the engine's results on both bundled samples (three regimes each), to the
top-down aggregation of every row of tests/data's public figures, and to the optimiser on the
life sample. (Before and after single-sourcing the formula, the engine and top-down numbers
were equal to the last bit; the optimiser's to solver tolerance.)
"""

from __future__ import annotations

import ast
import dataclasses
import math
from pathlib import Path
from types import MappingProxyType

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest

from analyzer.io import read_company, read_holdings
from analyzer.io.assumptions import read_assumptions
from analyzer.optimize import AllocationProblem, Limits, build_universe, frontier
from analyzer.optimize.capital import CapitalScalars
from analyzer.solvency import aggregation
from analyzer.solvency.capital_map import build_capital_map
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import load_regime
from analyzer.topdown import aggregate_modules

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
PUBLIC = ROOT / "tests" / "data" / "public-solvency-reports.csv"
REGIMES = ("cross2-2022", "cross2-2023-09", "cross2-2025-12")
REL = 1e-12


# -- the plain reference ---------------------------------------------------------------------
def plain_minimum(mc_star, la, k, q, additional):
    """(1 + Q)(1 + k)(MC* - LA) + additional, as the rules state it."""
    return (1 + q) * (1 + k) * (mc_star - la) + additional


def plain_pair(a, b, rho):
    return math.sqrt(a * a + 2 * rho * a * b + b * b)


def plain_quad(v, m):
    return math.sqrt(
        max(sum(v[i] * m[i][j] * v[j] for i in range(len(v)) for j in range(len(v))), 0)
    )


def plain_mc_star(regime, company_type, s, life, nonlife):
    """MC* from the ten sub-module capitals ``s`` (dict, CNY) and the insurance risks."""
    t = regime.tables["aggregation"]
    os_fi = plain_pair(
        s["overseas_fixed_income_developed"],
        s["overseas_fixed_income_emerging"],
        t["overseas_fixed_income"]["rho_developed_emerging"],
    )
    os_eq = plain_pair(
        s["overseas_equity_developed"],
        s["overseas_equity_emerging"],
        t["overseas_equity"]["rho_developed_emerging"],
    )
    v = [s["interest_rate"], s["equity"], s["real_estate"], os_fi, os_eq, s["fx"]]
    market = plain_quad(v, t["market"]["matrix"])
    credit = plain_pair(s["spread"], s["default"], t["credit"]["rho_spread_default"])
    return plain_quad([life, nonlife, market, credit], t["top_level"][company_type])


def close(got, want, rel=REL):
    return abs(got - want) <= rel * max(abs(want), 1.0)


def check_result(result, regime):
    """The engine's minimum capital, its parts and ratios against the plain formula."""
    s = result.submodules
    mc_star = plain_mc_star(
        regime, result.company_type, s, result.insurance["life"], result.insurance["nonlife"]
    )
    la, k, q, add = (
        result.loss_absorption,
        result.size_coefficient,
        result.control_q,
        result.additional,
    )
    mc = plain_minimum(mc_star, la, k, q, add)
    assert close(result.minimum_capital, mc), (result.minimum_capital, mc)
    assert close(result.quantifiable, (1 + k) * (mc_star - la))
    assert close(result.control, q * (1 + k) * (mc_star - la))
    assert close(result.comprehensive_ratio, result.actual_capital / mc)
    assert close(result.core_ratio, result.core_capital / mc)
    return mc


# -- the function itself ---------------------------------------------------------------------
def test_minimum_capital_numbers_batches_and_the_inverse():
    mc_star = np.array([[1.0e9, 2.5e9], [4.0e8, 7.0e9]])
    got = aggregation.minimum_capital(mc_star, 1e8, -0.05, 0.012, 3e7)
    want = np.vectorize(lambda m: plain_minimum(m, 1e8, -0.05, 0.012, 3e7))(mc_star)
    assert got.shape == (2, 2)
    assert np.allclose(got, want, rtol=REL, atol=0)
    # (1 + 0.012)(1 - 0.05)(1e9 - 1e8) + 3e7 worked by hand
    assert got[0, 0] == pytest.approx(1.012 * 0.95 * 9e8 + 3e7, rel=REL)
    # the control-risk capital may be given as an amount (the quarterly summaries do)
    assert aggregation.minimum_capital(1e9, 1e8, -0.1, additional=5.0, control=-7.0) == (
        pytest.approx(0.9 * 9e8 - 7.0 + 5.0, rel=REL)
    )
    # the inverse: the MC* whose minimum capital is the given amount
    back = aggregation.diversified_for(got, 1e8, -0.05, 0.012, 3e7)
    assert np.allclose(back, mc_star, rtol=REL, atol=0)
    c = aggregation.Constants(0.0, 0.0, 1e8, -0.05, 0.012, 3e7)
    assert c.minimum_capital(2.5e9) == pytest.approx(got[0, 1], rel=1e-15)
    assert c.diversified_for(got[1, 1]) == pytest.approx(7.0e9, rel=REL)
    assert c.multiplier == pytest.approx(1.012 * 0.95, rel=1e-15)


def test_minimum_capital_is_a_cvxpy_expression_for_a_variable():
    """The PyPortfolioOpt way: the same function states the cone's affine bound."""
    z = cp.Variable(nonneg=True)
    t = cp.Variable(nonneg=True)
    expr = aggregation.minimum_capital(z, 0.2 * t, -0.1, 0.05, 0.3 * t)
    assert isinstance(expr, cp.Expression) and expr.is_affine()
    z.value, t.value = np.array(2.0), np.array(1.5)
    assert float(expr.value) == pytest.approx(plain_minimum(2.0, 0.3, -0.1, 0.05, 0.45), rel=REL)
    # usable in a problem: the largest z with minimum capital <= 1 (t = 1) is the inverse
    prob = cp.Problem(cp.Maximize(z), [aggregation.minimum_capital(z, 0.2, -0.1, 0.05, 0.3) <= 1])
    prob.solve()
    assert float(z.value) == pytest.approx(
        aggregation.diversified_for(1.0, 0.2, -0.1, 0.05, 0.3), rel=1e-7
    )


# -- every caller against the plain formula --------------------------------------------------
@pytest.mark.parametrize("kind", ["life", "pc"])
@pytest.mark.parametrize("regime_name", REGIMES)
def test_evaluate_on_the_samples_equals_the_plain_formula(kind, regime_name):
    regime = load_regime(regime_name)
    h = read_holdings(DATA / kind / "holdings.csv")
    c = read_company(DATA / kind / "company.toml")
    result = evaluate(h, c, regime, scitech=False)
    mc = check_result(result, regime)
    # the capital map aggregates the same way, and the MC* budget of both ratio floors is
    # the formula's inverse (aggregation.diversified_for, as the optimiser's budget uses it)
    cmap = build_capital_map(h, c, regime)
    assert close(float(cmap.minimum_capital(cmap.current_exposure)), mc, 1e-9)
    core, actual = result.core_capital, result.actual_capital
    cst = cmap.constants
    limit = min(core / 0.5, actual / 1.0)
    bound = float(cst.diversified_for(limit))
    assert close(
        bound,
        limit / ((1 + cst.control_q) * (1 + cst.size_coefficient))
        - cst.additional / ((1 + cst.control_q) * (1 + cst.size_coefficient))
        + cst.loss_absorption,
        1e-12,
    )
    assert close(
        plain_minimum(
            bound, cst.loss_absorption, cst.size_coefficient, cst.control_q, cst.additional
        ),
        limit,
    )


def test_topdown_on_the_public_figures_equals_the_plain_formula():
    """Every row of the public summaries, k cycling through 0, -0.05, -0.10."""
    data = pd.read_csv(PUBLIC, encoding="utf-8")
    data = data[data["N"] > 0].reset_index(drop=True)
    zero = data.fillna({c: 0.0 for c in ("P", "Q", "U", "V", "additional", "J", "K")})
    ks = np.array([0.0, -0.05, -0.10])[np.arange(len(data)) % 3]
    types = data["segment"].map({"property": "pc", "life": "life", "reins": "reinsurer"})
    frame = pd.DataFrame(
        {
            "company": data["company"],
            "period": data["period"],
            "company_type": types,
            "life_insurance": zero["P"],
            "nonlife_insurance": zero["Q"],
            "market": data["R"].fillna(0.0),
            "credit": data["S"],
            "loss_absorption": zero["U"],
            "control": zero["V"],
            "additional": zero["additional"],
            "core_capital": zero["J"] + zero["K"],
            "actual_capital": data["I"],
            "size_coefficient": ks,
        }
    )
    regime = load_regime()
    out = aggregate_modules(frame, regime, str(PUBLIC))
    top = regime.tables["aggregation"]["top_level"]
    assert len(out) > 2000
    for i, row in frame.iterrows():
        u = [row["life_insurance"], row["nonlife_insurance"], row["market"], row["credit"]]
        mc_star = plain_quad(u, top[row["company_type"]])
        quantifiable = (1 + row["size_coefficient"]) * (mc_star - row["loss_absorption"])
        mc = quantifiable + row["control"] + row["additional"]
        assert close(out["quantifiable"][i], quantifiable), i
        assert close(out["minimum_capital"][i], mc), i
        assert close(out["comprehensive_ratio"][i], row["actual_capital"] / mc), i
        assert close(out["core_ratio"][i], row["core_capital"] / mc), i


@pytest.fixture(scope="module")
def life_universe():
    a = read_assumptions(DATA / "assumptions.csv")
    h = read_holdings(DATA / "life" / "holdings.csv")
    c = read_company(DATA / "life" / "company.toml")
    return build_universe(h, c, a)


def test_optimiser_scalars_equal_the_plain_formula_and_its_inverse(life_universe):
    u = life_universe
    cst = u.capmap.constants
    adm = u.capmap.admitted_capital()
    s = CapitalScalars(core=adm.core, actual=adm.actual, constants=cst, V=u.V)
    la, k, q, add = cst.loss_absorption, cst.size_coefficient, cst.control_q, cst.additional
    for z in (0.05, 0.1, 0.3):  # MC > 0 (LA is 6e9 CNY of V = 2.8e11 CNY)
        assert close(s.minimum_capital(z), plain_minimum(z * u.V, la, k, q, add))
        assert close(s.ratio(s.actual, z), s.actual / plain_minimum(z * u.V, la, k, q, add))
    for floor in (0.5, 1.0, 1.2, 1.5):
        b = s.budget(s.actual, floor)
        assert close(b, ((s.actual / floor - add) / ((1 + q) * (1 + k)) + la) / u.V)
        assert close(s.ratio(s.actual, b), floor)


def test_optimiser_on_the_life_sample_equals_the_plain_formula(life_universe):
    u = life_universe
    cst = u.capmap.constants
    la, k, q, add = cst.loss_absorption, cst.size_coefficient, cst.control_q, cst.additional
    regime = u.capmap.regime
    # return on capital: the Charnes-Cooper capital bound MC(y, t) / V <= 1 is the formula
    p = AllocationProblem(u, "max_return_on_capital", Limits())
    best = p.pick(p.solve_cases())
    z, t = float(best.ctx.z.value), float(best.ctx.t.value)
    share = plain_minimum(z * u.V, la * t, k, q, add * t) / u.V
    assert share <= 1 + 1e-6
    assert share == pytest.approx(1.0, abs=1e-5)  # binding at the optimum
    result = p.solve()
    check_result(result.solvency, regime)
    # the frontier on the solvency axis: each point's minimum capital is the formula
    adm = u.capmap.admitted_capital()
    f = frontier(u, Limits(), points=4, axis="solvency")
    for point in f.points:
        assert point.weights is not None, point.status
        agg = u.capmap.aggregate(np.asarray(point.weights) * u.V)
        mc = plain_minimum(float(agg.diversified), la, k, q, add)
        assert close(point.minimum_capital, mc, 1e-9)
        assert close(point.comprehensive_ratio, adm.actual / point.minimum_capital)
        assert point.comprehensive_ratio >= point.target * (1 - 1e-5)


# -- thresholds from the regime --------------------------------------------------------------
def _with_thresholds(regime, **changes):
    capital = dict(regime.tables["capital"])
    capital["thresholds"] = MappingProxyType({**capital["thresholds"], **changes})
    tables = MappingProxyType({**regime.tables, "capital": MappingProxyType(capital)})
    return dataclasses.replace(regime, tables=tables)


def test_monte_carlo_events_use_the_regimes_thresholds():
    """A regime with other thresholds moves the event probabilities (none is typed in)."""
    from analyzer.stress.montecarlo import MarketModel, simulate, simulation_context

    h = read_holdings(DATA / "pc" / "holdings.csv")
    c = read_company(DATA / "pc" / "company.toml")
    classes = build_capital_map(h, c).classes
    n = len(classes)
    model = MarketModel(classes, np.full(n, 0.03), np.full(n, 0.15), np.eye(n), 5.0)
    base = simulate(simulation_context(h, c, model), 20_000, seed=3)
    comp, core = base.comprehensive, base.core
    levels = {
        "comprehensive_minimum": float(np.quantile(comp, 0.3)),
        "comprehensive_watch": float(np.quantile(comp, 0.6)),
        "core_minimum": float(np.quantile(core, 0.2)),
        "core_watch": float(np.quantile(core, 0.7)),
    }
    regime = _with_thresholds(load_regime(), **levels)
    res = simulate(simulation_context(h, c, model, regime), 20_000, seed=3)
    assert np.array_equal(res.comprehensive, comp)
    assert res.thresholds == levels
    p = res.probabilities
    assert p["comprehensive_below_100"] == pytest.approx(
        (comp < levels["comprehensive_minimum"]).mean()
    )
    assert p["comprehensive_below_120"] == pytest.approx(
        (comp < levels["comprehensive_watch"]).mean()
    )
    assert p["core_below_50"] == pytest.approx((core < levels["core_minimum"]).mean())
    assert p["core_below_60"] == pytest.approx((core < levels["core_watch"]).mean())
    assert p["comprehensive_below_100"] == pytest.approx(0.3, abs=0.01)
    # the shipped regime's table gives the shipped levels
    assert base.thresholds == {
        "comprehensive_minimum": 1.0,
        "comprehensive_watch": 1.2,
        "core_minimum": 0.5,
        "core_watch": 0.6,
    }


# -- written once ----------------------------------------------------------------------------
def _is_one_plus(node: ast.AST) -> bool:
    """``1 + x`` or ``x + 1`` (also 1.0)."""
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and any(
            isinstance(side, ast.Constant) and side.value == 1 for side in (node.left, node.right)
        )
    )


def formula_copies(root: Path) -> list[str]:
    """Places outside aggregation.py that write the top-level formula themselves: a product
    ``(1 + a)(1 + b)`` (control x size), or ``(x - y)(1 + k)`` (the quantifiable capital)."""
    found = []
    for path in sorted((root / "analyzer").rglob("*.py")):
        if path.relative_to(root).as_posix() == "analyzer/solvency/aggregation.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
                continue
            sides = (node.left, node.right)
            both = all(_is_one_plus(s) for s in sides)
            quantifiable = any(_is_one_plus(s) for s in sides) and any(
                isinstance(s, ast.BinOp) and isinstance(s.op, ast.Sub) for s in sides
            )
            if both or quantifiable:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_the_formula_is_written_once():
    assert formula_copies(ROOT) == []


def test_the_check_finds_a_copy(tmp_path):
    """The scan is not vacuous: a module multiplying (1 + Q)(1 + k) is reported."""
    (tmp_path / "analyzer").mkdir()
    (tmp_path / "analyzer" / "copy.py").write_text(
        "def mc(z, c):\n"
        "    a = (1 + c.control_q) * (1.0 + c.size_coefficient)\n"
        "    return (z - c.loss_absorption) * (1.0 + c.size_coefficient) + a\n"
    )
    assert formula_copies(tmp_path) == ["analyzer/copy.py:2", "analyzer/copy.py:3"]
