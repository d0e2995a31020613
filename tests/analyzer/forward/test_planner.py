"""The multi-year plan on the sample life insurer: engine-checked floors, monotone objective,
shadow prices against finite differences, the joint plan against the myopic chain, and the
explanation of an infeasible plan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from analyzer.errors import InfeasibleError
from analyzer.forward.plan_file import NewVintage
from analyzer.forward.plan_program import Floors, PlanProgram
from analyzer.forward.planner import Planner
from analyzer.forward.projection import Projector
from analyzer.io.assumptions import read_assumptions
from analyzer.io.company import read_company
from analyzer.io.holdings import read_holdings

DATA = Path(__file__).resolve().parents[3] / "data"
DAY = dt.date(2026, 12, 31)


def vintage(year: int, cls: str, amount: float) -> NewVintage:
    return NewVintage(year=year, asset_class=cls, max_commitment=amount, row=2)


@pytest.fixture(scope="module")
def inputs():
    a = read_assumptions(DATA / "assumptions.csv", DATA / "correlations.csv")
    h = read_holdings(DATA / "life" / "holdings.csv")
    c = read_company(DATA / "life" / "company.toml")
    t = read_holdings(DATA / "templates.csv")
    return h, c, a, t


@pytest.fixture(scope="module")
def projector(inputs):
    h, c, a, t = inputs
    return Projector(
        h, c, a, None, templates=t, years=3, step="year", reverse=False, valuation_date=DAY
    )


@pytest.fixture(scope="module")
def planner(projector):
    return Planner(
        projector,
        min_comprehensive=1.5,
        min_core=0.75,
        stressed_min_comprehensive=1.0,
        new_vintages=(vintage(1, "vc_fund", 3e9), vintage(2, "pe_fund", 3e9)),
    )


@pytest.fixture(scope="module")
def plan(planner):
    return planner.solve()


def test_engine_meets_every_floor_at_every_date(plan):
    """After the rounds, the engine's own ratios of the planned book meet every floor."""
    assert plan.converged and plan.final_gap <= 1e-6
    assert len(plan.projection.periods) == 3
    for p in plan.projection.periods:
        assert p.result.comprehensive_ratio >= 1.5 - 1e-6
        assert p.result.core_ratio >= 0.75 - 1e-6
        macro = [s for s in p.stressed if s.name == "annex4_macro"]
        assert len(macro) == 1  # annual steps: every date is a year-end
        assert macro[0].stressed.comprehensive_ratio >= 1.0 - 1e-6
    # round 0 (today's book for every date) missed a floor, the rounds repaired it
    assert plan.rounds[0].worst_gap > 1e-6
    assert plan.rounds[-1].worst_gap <= 1e-6
    # the policy the engine evaluated is the program's: every class amount lands in the book
    last = plan.projection.periods[-1]
    planned = plan.amounts[last.date.isoformat()]
    w = last.weights
    total = sum(planned.values())
    for cls, amount in planned.items():
        assert w.get(cls, 0.0) == pytest.approx(amount / total, abs=1e-6)
    d = json.loads(json.dumps(plan.to_dict()))
    assert d["converged"] and d["rounds"][0]["round"] == 0
    assert d["commitments"] == pytest.approx(plan.commitments)
    assert len(d["projection"]["periods"]) == 3


def program_case(planner, comprehensive: float = 1.5) -> PlanProgram:
    """The convex program at round 0 (today's book linearised for every date)."""
    T = planner.T
    floors = Floors(
        comprehensive=np.full(T, comprehensive),
        core=np.full(T, 0.75),
        stressed=np.full(T, 1.0),
        max_turnover=0.15,
    )
    return planner.program(planner.models_today(), floors)


def test_tightening_a_floor_never_raises_the_objective(planner):
    values = []
    for floor in (1.5, 1.7, 1.9, 2.1):
        prog = program_case(planner, floor)
        assert prog.solve() == "optimal"
        values.append(prog.value)
    assert all(b <= a + 1e-6 * abs(a) for a, b in zip(values, values[1:], strict=False))
    assert values[-1] < values[0]  # the floors bind at 210%: the objective pays for them


def test_shadow_price_of_a_floor_is_the_finite_difference(planner):
    prog = program_case(planner, 1.9)
    assert prog.solve() == "optimal"
    duals = {(kind, k): prog.floor_dual(kind, k) for kind, k in prog.floors_stated()}
    kind, k = max(duals, key=duals.get)
    dual = duals[(kind, k)]
    assert dual > 1e-4  # a binding floor
    mc = prog.minimum_capital(k, stressed=kind == "stressed")
    # 1) per CNY of capital at the date: bump the capital of that floor by +-1 亿
    h = 1e8
    prog.set_bump(kind, k, h)
    up = (prog.solve(), prog.value)[1]
    prog.set_bump(kind, k, -h)
    down = (prog.solve(), prog.value)[1]
    prog.set_bump(kind, k, 0.0)
    assert (up - down) / (2 * h) == pytest.approx(dual, rel=1e-3)
    # 2) per ratio point of the floor: d objective / d floor = -dual x MC (x 1 + margin)
    T = planner.T
    fl = {"comprehensive": np.full(T, 1.9), "core": np.full(T, 0.75), "stressed": np.full(T, 1.0)}
    eps = 1e-3  # 0.1 ratio point: the change of the optimum is well above solver noise
    vals = []
    for sign in (1, -1):
        f = {key: v.copy() for key, v in fl.items()}
        f[kind][k] += sign * eps
        prog.set_floors(Floors(f["comprehensive"], f["core"], f["stressed"], max_turnover=0.15))
        assert prog.solve() == "optimal"
        vals.append(prog.value)
    assert (vals[0] - vals[1]) / (2 * eps) == pytest.approx(-dual * mc, rel=1e-3)
    # the result reports it per 亿 in bp of the terminal book
    prog.set_floors(Floors(fl["comprehensive"], fl["core"], fl["stressed"], max_turnover=0.15))
    assert prog.solve() == "optimal"
    b = [x for x in planner.binding(prog, None) if x.limit == f"min_{kind}_ratio"]
    assert b and max(x.shadow_price for x in b) == pytest.approx(dual)
    terminal = float(prog.amounts[-1].sum())
    top = max(b, key=lambda x: x.shadow_price)
    assert top.bp_per_yi == pytest.approx(dual * 1e8 / terminal * 1e4)


def test_joint_plan_succeeds_where_the_myopic_chain_fails(projector):
    """A year-1 private-equity vintage is called over years 1-3; a chain of one-period plans
    commits all it may in year 1 (the fund's growth is the best one-period income) and cannot
    meet the year-3 stressed floor under the turnover limit; the joint plan commits less."""
    kw = dict(
        stressed_min_comprehensive=[0.0, 0.0, 1.3],
        new_vintages=(vintage(1, "pe_fund", 5e10),),
        objective="cumulative_return",
        max_turnover=0.1,
    )
    with pytest.raises(InfeasibleError) as err:
        Planner(projector, myopic=True, **kw).solve()
    conflicts = err.value.conflicts
    assert conflicts and {c["date"] for c in conflicts} == {"2029-12-31"}
    assert "2029-12-31" in str(err.value)
    # the chain's first step (year 1's limits only) commits all it may
    chain = Planner(projector, myopic=True, **kw)
    first = chain.program(chain.models_today(), active=(0,), step_objective=0)
    assert first.solve() == "optimal"
    assert first.commitments[0] == pytest.approx(5e10, rel=1e-6)
    joint = Planner(projector, **kw).solve()
    assert joint.converged
    committed = joint.commitments["1:pe_fund"]
    assert 1e8 < committed < 5e10 * 0.5  # commits, but far less than the chain would
    # what the plan committed is what the projector ran: the model's calls (25% in year 1,
    # a third of the rest in year 2, half of the rest in year 3)
    calls = [row["calls"] for row in joint.projection.commitments["vintages"]["new:1:pe_fund"]]
    assert calls == pytest.approx([0.25 * committed, 0.25 * committed, 0.25 * committed])
    y3 = joint.projection.periods[2]
    macro = next(s for s in y3.stressed if s.name == "annex4_macro")
    assert macro.stressed.comprehensive_ratio >= 1.3 - 1e-6
    # with a negligible commitment the chain goes through: the commitment breaks it
    small = dict(kw, new_vintages=(vintage(1, "pe_fund", 1e3),))
    Planner(projector, myopic=True, **small).solve()


def test_infeasible_plan_names_the_date_and_the_limit(projector):
    """A 900% stressed floor at the first year-end: the explanation names that date and
    floor, and its best reachable ratio is the program's largest feasible floor there."""
    planner = Planner(projector, stressed_min_comprehensive=[9.0, 0.0, 0.0])
    with pytest.raises(InfeasibleError) as err:
        planner.solve()
    conflicts = err.value.conflicts
    assert [(c["date"], c["constraint"]) for c in conflicts] == [
        ("2027-12-31", "min_stressed_ratio")
    ]
    c = conflicts[0]
    assert c["limit"] == 9.0 and 1.0 < c["reachable"] < 9.0
    assert c["relaxation_points"] == pytest.approx((9.0 - c["reachable"]) * 100)
    assert c["relaxation_cny"] > 0
    assert (
        "900% floor on the comprehensive ratio under the Annex 4 macro scenario at "
        in (c["message"])
    )
    assert "2027-12-31" in c["message"] and "2027-12-31" in c["message_zh"]
    assert "附件4" in c["message_zh"]
    # the smallest relaxation: the program is feasible just below it, not just above
    models = planner.models_today()
    T = planner.T

    def status(floor: float) -> str:
        stressed = np.array([floor, 0.0, 0.0])
        return planner.program(models, Floors(np.full(T, 1.0), np.full(T, 0.5), stressed)).solve()

    assert status(c["reachable"] - 1e-3) == "optimal"
    assert status(c["reachable"] + 1e-2) == "infeasible"


def test_infeasible_share_limits_are_named_with_their_date(projector):
    """A 90% sci-tech share at year 3 is out of reach: the explanation names that date, the
    sci-tech minimum and the VC cap it runs into, each with its relaxation in percentage
    points of the book and in CNY."""
    with pytest.raises(InfeasibleError) as err:
        Planner(projector, sci_tech_path=[0.0, 0.0, 0.9]).solve()
    conflicts = {c["constraint"]: c for c in err.value.conflicts}
    assert {c["date"] for c in conflicts.values()} == {"2029-12-31"}
    assert "min_sci_tech" in conflicts
    sci = conflicts["min_sci_tech"]
    assert sci["limit"] == pytest.approx(0.9) and 0 < sci["relaxation_points"] < 90
    V0 = float(np.sum(list(Planner(projector).inputs.x0)))
    assert sci["relaxation_cny"] == pytest.approx(sci["relaxation_points"] * 0.01 * V0)
    assert "90.0% sci-tech minimum at 2029-12-31" in sci["message"]


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"min_comprehensive": 150.0}, "min_comprehensive: 150 reads as a ratio of 15000%"),
        ({"stressed_min_comprehensive": [1.0, float("nan"), 1.0]}, "[1]: 'nan'"),
        ({"sci_tech_path": [0.05, 0.06]}, "gives 2 values; the plan has 3 dates"),
        ({"max_turnover": -0.1}, "max_turnover"),
        ({"objective": "max_return"}, "terminal_surplus, cumulative_return"),
        ({"max_rounds": 0}, "max_rounds must be a whole number >= 1"),
    ],
)
def test_arguments_are_checked(projector, kw, needle):
    from analyzer.errors import ParameterError

    with pytest.raises(ParameterError) as err:
        Planner(projector, **kw)
    assert needle in str(err.value)


def test_quarterly_plan_states_stressed_floors_at_year_ends_only(inputs):
    """Three years of quarters: the stressed floor is stated at the fourth, eighth and twelfth
    step, and after the rounds the engine meets every floor at all twelve dates."""
    h, c, a, t = inputs
    projector = Projector(
        h, c, a, None, templates=t, years=3, step="quarter", reverse=False, valuation_date=DAY
    )
    planner = Planner(
        projector,
        min_comprehensive=1.5,
        min_core=0.75,
        stressed_min_comprehensive=1.0,
        new_vintages=(vintage(1, "vc_fund", 3e9), vintage(3, "pe_fund", 3e9)),
    )
    prog = planner.program(planner.models_today())
    stressed = sorted(k for kind, k in prog.floors_stated() if kind == "stressed")
    assert stressed == [3, 7, 11]
    plan = planner.solve()
    assert plan.converged
    periods = plan.projection.periods
    assert [p.date.isoformat() for p in periods][3::4] == [
        "2027-12-31",
        "2028-12-31",
        "2029-12-31",
    ]
    for k, p in enumerate(periods):
        assert p.result.comprehensive_ratio >= 1.5 - 1e-6
        assert p.result.core_ratio >= 0.75 - 1e-6
        if k in (3, 7, 11):
            macro = next(s for s in p.stressed if s.name == "annex4_macro")
            assert macro.stressed.comprehensive_ratio >= 1.0 - 1e-6


@pytest.fixture(scope="module")
def sample_plan(inputs):
    """The sample life insurer's plan file, signed programme and new vintages, by quarter."""
    from analyzer.forward.plan_file import read_new_commitments, read_plan
    from analyzer.stress.commitments import read_commitments

    h, c, a, t = inputs
    plan = read_plan(DATA / "life" / "plan.toml", valuation_date=None, classes=None)
    signed = read_commitments(DATA / "life" / "commitments.csv", 3)
    new = read_new_commitments(DATA / "life" / "new_commitments.csv", classes=None, years=3)
    projector = Projector(
        h, c, a, plan, templates=t, commitments=signed, years=3, step="quarter", reverse=False
    )
    return projector, new


def test_program_accounting_is_the_projectors(sample_plan):
    """New money, profit, dividends, the signed programme's calls and distributions and the
    insurance capital of the plan file: the program's book total at every date is the one the
    projector builds from the program's own amounts, and at the last date (whose surplus the
    program maximises, so its capital hypographs are tight) so is its actual capital."""
    projector, new = sample_plan
    planner = Planner(
        projector,
        min_comprehensive=1.5,
        min_core=0.75,
        new_vintages=new,
        objective="terminal_surplus",
    )
    prog = planner.program(planner.models_today())
    assert prog.solve() == "optimal"
    proj = projector.run(planner.policy(prog))
    V0 = prog.inputs.V0
    program_total = np.asarray(prog.E.value).sum(axis=1) * V0
    engine_total = [p.result.total_invested for p in proj.periods]
    assert program_total == pytest.approx(engine_total, rel=1e-8)  # solver tolerance
    assert program_total[-1] > program_total[0] + 3 * 1e10  # about 200亿 of new money a year
    last = proj.periods[-1].result
    actual = (prog.K.value[-1] + prog.S.value[-1]) * V0
    assert actual == pytest.approx(last.actual_capital, rel=1e-7)  # solver tolerance
    assert prog.K.value[-1] * V0 == pytest.approx(last.core_capital, rel=1e-7)
    # the signed programme (15亿 and 10亿) is called through the book
    signed = proj.commitments["vintages"]
    assert "signed:1" in signed and "signed:2" in signed
    # the engine's minimum capital differs from today's map (bonds roll down, liabilities run
    # off): that is what the rounds correct
    result = Planner(
        projector, min_comprehensive=1.5, min_core=0.75, new_vintages=new, max_turnover=0.1
    ).solve()
    assert result.converged and len(result.rounds) >= 2
    for p in result.projection.periods:
        assert p.result.comprehensive_ratio >= 1.5 - 1e-6
