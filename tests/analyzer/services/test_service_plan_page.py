"""The plan page's service: the edits checked at the boundary, the schedule they make, and the
page data against the projector run independently (the sample life insurer)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.forward.projection import Projector
from analyzer.io import read_company, read_holdings
from analyzer.services import plan_page
from analyzer.services.reading import load_inputs
from analyzer.services.scenario import bundled_assumptions, bundled_templates, startup_scenario

DATA = Path(__file__).resolve().parents[3] / "data"
LIFE = DATA / "life"


@pytest.fixture(scope="module")
def scenario() -> Any:
    return startup_scenario(LIFE / "holdings.csv", LIFE / "company.toml")


@pytest.fixture(scope="module")
def default_run(scenario: Any) -> dict[str, Any]:
    return plan_page.run(scenario, {})


def _fields(err: InputError) -> list[str | None]:
    return [p.column for p in err.problems]


# -- the edits -------------------------------------------------------------------------------
def test_defaults_are_the_companys_target_and_the_regimes_watch_levels(scenario: Any) -> None:
    d = plan_page.default_edits(scenario)
    assert d["target_sci_tech_share"] == 0.08  # data/life/company.toml [targets]
    assert d["floors"] == {"comprehensive": 1.2, "core": 0.6}  # C-ROSS II watch levels
    assert d["new_money"] == d["commitments"] == [0.0, 0.0, 0.0]
    assert plan_page.commitment_classes(scenario) == ["pe_fund", "vc_fund"]
    assert d["commitment_class"] == "vc_fund"


def test_unknown_key_is_refused_with_the_near_name() -> None:
    with pytest.raises(InputError) as err:
        plan_page.check_edits({"new_mony": [1, 2, 3]})
    assert "new_money" in str(err.value)
    with pytest.raises(InputError) as err:
        plan_page.check_edits({"floors": {"comprehensiv": 1.2}})
    assert _fields(err.value) == ["floors.comprehensiv"] and "comprehensive" in str(err.value)


@pytest.mark.parametrize(
    ("edits", "field"),
    [
        ({"new_money": [1.0, math.nan, 0.0]}, "new_money[2]"),
        ({"new_money": [1.0, "x", 0.0]}, "new_money[2]"),
        ({"commitments": [0.0, -1.0, 0.0]}, "commitments[2]"),
        ({"commitments": [1.0, 2.0]}, "commitments"),
        ({"target_sci_tech_share": 1.5}, "target_sci_tech_share"),
        ({"target_sci_tech_share": math.inf}, "target_sci_tech_share"),
        ({"floors": {"core": -0.1}}, "floors.core"),
        ({"floors": {"comprehensive": 11.0}}, "floors.comprehensive"),
        ({"years": 0}, "years"),
        ({"years": True}, "years"),
        ({"years": 11}, "years"),
    ],
)
def test_bad_edits_are_refused_naming_the_field(edits: dict, field: str) -> None:
    with pytest.raises(InputError) as err:
        plan_page.check_edits(edits)
    assert field in _fields(err.value)


def test_a_negative_new_money_is_an_outflow_and_accepted() -> None:
    e = plan_page.check_edits({"new_money": [-1e9, 0, 2e9]})
    assert e.new_money == (-1e9, 0.0, 2e9)


def test_commitments_need_a_class_of_pe_vc_fund_positions() -> None:
    with pytest.raises(InputError) as err:
        plan_page.check_edits(
            {"commitments": [1e9, 0, 0], "commitment_class": "stock_star"},
            ["pe_fund", "vc_fund"],
        )
    assert _fields(err.value) == ["commitment_class"] and "vc_fund" in str(err.value)
    # no commitment: the class does not matter
    plan_page.check_edits({"commitment_class": "stock_star"}, ["vc_fund"])


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InputError) as err:
        plan_page.check_edits({"commitments": [-1, 0, 0], "target_sci_tech_share": 2})
    assert set(_fields(err.value)) == {"commitments[1]", "target_sci_tech_share"}


def test_a_blank_floor_is_no_floor() -> None:
    e = plan_page.check_edits({"floors": {"comprehensive": 1.3}})
    assert dict(e.floors) == {"comprehensive": 1.3}


def test_the_plan_spreads_a_year_over_its_quarters() -> None:
    import datetime as dt

    from analyzer.forward.plan_file import step_dates

    e = plan_page.check_edits({"new_money": [4e9, 0.0, -2e9], "commitment_class": "vc_fund"})
    plan = plan_page.plan_of(e)
    assert plan.policy == "hold" and plan.commitment_class == "vc_fund"
    today = dt.date(2026, 12, 31)
    s = plan.schedule(today, step_dates(today, 3, "quarter"), {"cash": 1.0})
    assert s.new_money.tolist() == [1e9] * 4 + [0.0] * 4 + [-5e8] * 4
    assert np.isnan(s.life_insurance).all() and np.isnan(s.loss_absorption).all()
    assert not s.actions_approved.any() and not s.actions_all.any()
    assert not s.retained_profit.any() and not s.dividends.any()


# -- the run ---------------------------------------------------------------------------------
def test_default_run_is_the_projector_without_a_plan(default_run: dict[str, Any]) -> None:
    projection = Projector(
        read_holdings(LIFE / "holdings.csv"),
        read_company(LIFE / "company.toml"),
        bundled_assumptions(),
        None,
        templates=bundled_templates(),
        reverse=False,
    ).run()
    got = default_run["periods"]
    assert [p["date"] for p in got] == [p.date.isoformat() for p in projection.periods]
    for g, p in zip(got, projection.periods, strict=True):
        assert g["comprehensive_ratio"] == p.result.comprehensive_ratio
        assert g["core_ratio"] == p.result.core_ratio
        assert g["sci_tech_share"] == p.sci_tech_share
        macro = {s.name: s.stressed for s in p.stressed}.get("annex4_macro")
        if macro is None:
            assert g["stressed"] is None
        else:
            assert g["stressed"]["comprehensive_ratio"] == macro.comprehensive_ratio
    assert [p["year_end"] for p in got] == [False, False, False, True] * 3
    assert default_run["today"]["comprehensive_ratio"] == projection.today.comprehensive_ratio
    json.dumps(default_run, allow_nan=False)  # plain JSON for the browser store


def test_default_run_weights_sum_to_one(default_run: dict[str, Any]) -> None:
    for p in default_run["periods"]:
        assert sum(p["weights"].values()) == pytest.approx(1.0, abs=1e-12)


def test_new_money_reaches_the_book_a_quarter_at_a_time(
    scenario: Any, default_run: dict[str, Any]
) -> None:
    run = plan_page.run(scenario, {"new_money": [8e9, 0.0, 0.0]})
    flows = [p["flows"]["new_money"] for p in run["periods"]]
    assert flows == [2e9] * 4 + [0.0] * 8
    # the first quarter: the same accrual on the same book, plus 2e9 CNY of cash
    diff = run["periods"][0]["total_invested"] - default_run["periods"][0]["total_invested"]
    assert diff == pytest.approx(2e9, rel=1e-9)
    assert run["edits"]["new_money"] == [8e9, 0.0, 0.0]


def test_a_vintage_is_called_at_the_takahashi_alexander_rates(scenario: Any) -> None:
    c = 2e9
    run = plan_page.run(scenario, {"commitments": [c, 0.0, 0.0]})
    prog = run["programme"]
    assert [r["year"] for r in prog] == [1, 2, 3]
    # calls: 25% of the commitment in year 1, then a third of what is left, then half
    assert prog[0]["calls"] == pytest.approx(0.25 * c, rel=1e-12)
    assert prog[1]["calls"] == pytest.approx(0.75 * c / 3, rel=1e-12)
    assert prog[2]["calls"] == pytest.approx(0.5 * c / 2, rel=1e-12)
    assert prog[0]["distributions"] == 0.0 and prog[0]["nav"] == pytest.approx(0.25 * c)
    calls = [p["flows"]["calls"] for p in run["periods"]]
    assert calls[:4] == [0.25 * c / 4] * 4


def test_checks_name_the_dates_below_a_floor_and_short_of_the_target(scenario: Any) -> None:
    run = plan_page.run(
        scenario,
        {"floors": {"comprehensive": 1.0}, "target_sci_tech_share": 0.0},
    )
    # the macro scenario takes the comprehensive ratio below 100% at some year-ends
    expected = [
        p["date"]
        for p in run["periods"]
        if p["stressed"] and p["stressed"]["comprehensive_ratio"] < 1.0
    ]
    assert expected  # the check can fail
    got = run["checks"]
    assert [c["date"] for c in got] == expected
    assert {(c["check"], c["basis"], c["limit"]) for c in got} == {
        ("comprehensive_floor", "stressed", 1.0)
    }
    high = plan_page.run(scenario, {"floors": {}, "target_sci_tech_share": 1.0})
    assert [c["date"] for c in high["checks"]] == [p["date"] for p in high["periods"]]
    assert all(
        c["value"] == p["sci_tech_share"]
        for c, p in zip(high["checks"], high["periods"], strict=True)
    )


def test_progress_ticks_once_per_date(scenario: Any) -> None:
    from analyzer.services.cache import CACHE

    CACHE.clear()
    done: list[int] = []
    edits = {"years": 1, "new_money": [1e9], "commitments": [0]}
    plan_page.run(scenario, edits, done.append)
    assert done == [1] * 4
    plan_page.run(scenario, edits, done.append)  # from the cache: done at once
    assert done == [1] * 4 + [4]


def test_files_read_by_the_validation_layer_give_the_same_run(
    default_run: dict[str, Any],
) -> None:
    inputs = load_inputs(
        LIFE / "holdings.csv",
        LIFE / "company.toml",
        DATA / "assumptions.csv",
        templates=DATA / "templates.csv",
        accept=["holdings.face_value_ratio"],
    )
    run = plan_page.run(inputs, {})
    assert [p["comprehensive_ratio"] for p in run["periods"]] == [
        p["comprehensive_ratio"] for p in default_run["periods"]
    ]
    assert run["scenario"] == plan_page.scenario_key(inputs) != default_run["scenario"]


def test_bad_edits_stop_the_run(scenario: Any) -> None:
    with pytest.raises(InputError) as err:
        plan_page.run(scenario, {"commitments": [1e9, 0, 0], "commitment_class": "cash"})
    assert _fields(err.value) == ["commitment_class"]


def test_the_optimised_path_meets_the_floors_and_the_target_by_the_engine() -> None:
    from analyzer.services.reading import load_inputs

    inputs = load_inputs(
        "data/life/holdings.csv",
        "data/life/company.toml",
        "data/assumptions.csv",
        templates="data/templates.csv",
        accept=["holdings.face_value_ratio"],
    )
    ticks: list[int] = []
    edits = {
        "optimise": True,
        "commitments": [2e9, 2e9, 2e9],
        "commitment_class": "vc_fund",
        "target_sci_tech_share": 0.12,
        "floors": {"comprehensive": 1.5, "core": 0.75},
        "new_money": [2e10] * 3,
    }
    out = plan_page.run(inputs, edits, tick=ticks.append)
    assert out["edits"]["optimise"] is True and out["plan"]["final_gap"] == 0.0
    for p in out["periods"]:
        assert p["comprehensive_ratio"] >= 1.5 - 1e-6 and p["core_ratio"] >= 0.75 - 1e-6
    assert out["periods"][-1]["sci_tech_share"] >= 0.12 - 1e-6
    assert all(0.0 <= v <= 2e9 + 1.0 for v in out["plan"]["commitments"].values())
    assert sum(ticks) == plan_page.steps(plan_page.check_edits(edits, None, None))
    with pytest.raises(InputError) as err:
        plan_page.run(inputs, {**edits, "optimise": "yes"})
    assert err.value.problems[0].column == "optimise"
