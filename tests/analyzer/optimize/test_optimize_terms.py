"""The optimiser's shared terms and its bookkeeping: the objective table covers every name,
constraint terms state exactly the inequalities they name, the limits are validated, and no
module of the optimiser imports inside a function (the import circles that hid there)."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import cvxpy as cp
import numpy as np
import pydantic
import pytest

from analyzer.errors import InputError, ParameterError
from analyzer.optimize import OBJECTIVES, Limits
from analyzer.optimize import constraints as C
from analyzer.optimize.context import Context
from analyzer.optimize.kinds import ObjectiveName
from analyzer.optimize.limits import read_limits
from analyzer.optimize.objectives import OBJECTIVE_TERMS, make_objective
from analyzer.optimize.terms import TransactionCost, volatility

PACKAGE = Path(__file__).resolve().parents[3] / "analyzer" / "optimize"


def test_every_objective_name_has_its_term():
    assert set(OBJECTIVE_TERMS) == set(ObjectiveName)
    for name in OBJECTIVES:
        assert make_objective(name, target_return=0.03).name == name


def test_unknown_objective_names_the_allowed_ones():
    with pytest.raises(ParameterError, match="max_return_on_capital"):
        make_objective("max_sharpe")


def test_make_objective_passes_each_setting_to_its_term():
    mv = make_objective("mean_variance", risk_aversion=4.0, transaction_cost=0.002)
    assert mv.risk_aversion == 4.0 and mv.cost.rate == 0.002
    assert make_objective("min_capital", target_return=0.035).target_return == 0.035
    assert make_objective("max_return_on_capital", risk_free=0.02).risk_free == 0.02


def test_share_floors_state_one_floor_on_their_share(pc_universe):
    """SciTechMinimum and LiquidityFloor are one ShareFloor: ``share' w >= minimum`` with the
    universe's share, 1 pp of the invested total per unit of the limit."""
    u = pc_universe
    for term, share in (
        (C.SciTechMinimum(0.08), u.sci_tech_share),
        (C.LiquidityFloor(0.05), u.liquid),
    ):
        ctx = Context(u)
        w = cp.Variable(u.n, nonneg=True)
        added = term.to_cvxpy(w, ctx)
        assert len(added) == len(ctx.limits) == 1 and added[0] is ctx.limits[0].constraint
        lim = ctx.limits[0]
        assert (lim.name, lim.limit, lim.unit, lim.per_unit, lim.lower) == (
            term.name,
            term.minimum,
            "pp of invested total",
            0.01,
            True,
        )
        w.value = u.w0
        assert float(np.asarray(added[0].args[1].value)) == pytest.approx(float(share @ u.w0))


def test_a_term_adds_only_its_own_constraints(life_universe):
    """to_cvxpy returns the constraints the term stated, after those stated before it."""
    u = life_universe
    ctx = Context(u)
    w = cp.Variable(u.n, nonneg=True)
    first = C.SciTechMinimum(0.01).to_cvxpy(w, ctx)
    second = C.DurationBand(2.0, 12.0).to_cvxpy(w, ctx)
    assert len(first) == 1 and len(second) == 2
    assert [lim.constraint for lim in ctx.limits] == first + second
    assert [lim.name for lim in ctx.limits] == ["min_sci_tech", "min_duration", "max_duration"]


def test_volatility_term_is_the_universes_volatility(pc_universe):
    u = pc_universe
    w = cp.Variable(u.n)
    w.value = u.w0
    assert float(volatility(w, Context(u)).value) == pytest.approx(u.volatility(u.w0), rel=1e-9)


def test_transaction_cost_is_rate_times_amount_traded(pc_universe):
    u = pc_universe
    w = cp.Variable(u.n)
    target = u.w0.copy()
    target[0] += 0.01
    target[1] -= 0.01
    w.value = target
    cost = TransactionCost(0.001).expression(w, Context(u))
    assert float(cost.value) == pytest.approx(0.001 * 0.02)
    assert float(TransactionCost(0.0).expression(w, Context(u)).value) == 0.0


def test_limits_are_validated_and_frozen():
    with pytest.raises(pydantic.ValidationError):
        Limits(min_core="half")
    lim = Limits(min_comprehensive=1.5, class_bounds={"cash": (0.01, 0.2)})
    moved = replace(lim, max_turnover=0.2)
    assert (moved.min_comprehensive, moved.max_turnover, moved.class_bounds) == (
        1.5,
        0.2,
        {"cash": (0.01, 0.2)},
    )
    with pytest.raises(AttributeError):
        lim.min_core = 0.6  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        replace(lim, duration="5 to 10")


def test_limits_file_reports_every_problem_in_order(tmp_path):
    """A class whose min exceeds its max and whose cost is out of range: both problems, in the
    order of the table (bounds first), then the groups' and options' problems."""
    path = tmp_path / "limits.toml"
    path.write_text(
        "[classes.cash]\nmin = 0.5\nmax = 0.2\ntransaction_cost_bp = -3\n"
        "[groups.g]\nclasses = ['cash']\nmin = 2\n"
        "[options]\ncounterparty_concentration = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_limits(path)
    got = [(p.column, p.message) for p in err.value.problems]
    assert got == [
        ("classes.cash.min", "min 0.5 exceeds max 0.2"),
        ("classes.cash.transaction_cost_bp", "must be between 0 and 10000, found -3"),
        ("groups.g.min", "must be a fraction between 0 and 1 (0.08 = 8%), found 2"),
        ("options.counterparty_concentration", err.value.problems[-1].message),
    ]
    assert all(p.message_zh for p in err.value.problems)


def test_no_import_inside_a_function():
    """Imports inside functions hid the circles constraints <-> objectives and elastic <->
    problem. capital.py is the capital formula's module and not checked here."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "capital.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        found.append(f"{path.name}:{inner.lineno}")
    assert found == []
