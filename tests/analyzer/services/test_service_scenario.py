"""The typed `Scenario`: its JSON form round-trips, and a value not of its shape (what a
tampered browser store would send) is refused with an `InputError` naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analyzer.errors import InputError
from analyzer.io import read_company, read_holdings
from analyzer.samples import sample_dir
from analyzer.services import scenario as sc
from analyzer.solvency.engine import evaluate

PC = sample_dir() / "pc"


@pytest.fixture(scope="module")
def pc() -> tuple[Any, Any]:
    return read_holdings(PC / "holdings.csv"), read_company(PC / "company.toml")


@pytest.fixture(scope="module")
def store(pc: tuple[Any, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(sc.make_inputs(*pc, source={"holdings": "h.csv"})))


def test_the_json_form_round_trips(store: dict[str, Any]) -> None:
    scenario = sc.Scenario.from_store(store)
    assert scenario.to_store() == store
    assert scenario.source.holdings == "h.csv" and scenario.assumptions is None
    # the values keep their JSON types (an int stays an int: the content hash depends on it)
    assert json.dumps(scenario.to_store(), sort_keys=True) == json.dumps(store, sort_keys=True)


def test_a_scenario_gives_the_engines_numbers(store: dict[str, Any], pc: tuple[Any, Any]) -> None:
    assert sc.result_for(store).minimum_capital == evaluate(*pc).minimum_capital


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"holdings": "all of them"}, "holdings"),
        ({"company": ["not", "a", "table"]}, "company"),
        ({"regime": {"name": "x"}}, "regime"),
        ({"source": {"holdings": "h.csv", "path": "/etc/passwd"}}, "source.path"),
        ({"injected": True}, "injected"),
        ({"assumptions": {"classes": ["cash"]}}, "assumptions.correlation"),
        ({"templates": {"rows": "x"}}, "templates.rows"),
        ({"scenario_id": "drop table"}, "scenario_id"),
    ],
)
def test_a_value_not_of_the_scenarios_shape_is_refused(
    store: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as err:
        sc.Scenario.from_store({**store, **change})
    problems = err.value.problems
    assert [p.file for p in problems] == ["<scenario>"] * len(problems)
    assert field in [p.column for p in problems]
    assert all("scenario sent by the browser is not valid" in p.message for p in problems)


def test_a_row_holding_more_than_a_cell_is_refused(store: dict[str, Any]) -> None:
    rows = [dict(r) for r in store["holdings"]]
    rows[3]["market_value"] = [1, 2, 3]
    with pytest.raises(InputError) as err:
        sc.Scenario.from_store({**store, "holdings": rows})
    assert any(str(p.column).startswith("holdings.3.market_value") for p in err.value.problems)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InputError, match="not an object"):
        sc.Scenario.from_store(["holdings"])
    with pytest.raises(InputError, match="not an object"):
        sc.scenario_of_store("token", None)


def test_cells_of_the_right_shape_still_go_through_the_core(store: dict[str, Any]) -> None:
    """The model checks the shape; the values are the core readers' (every row rule)."""
    rows = [dict(r) for r in store["holdings"]]
    rows[0].update(asset_type="nonsense", market_value=-5)
    bad = sc.Scenario.from_store({**store, "holdings": rows})  # the shape is right
    with pytest.raises(InputError) as err:
        sc.parsed(bad)
    assert {p.column for p in err.value.problems} >= {"asset_type"}


def test_a_regime_only_store_is_the_start_up_scenario(store: dict[str, Any]) -> None:
    startup = sc.Scenario.from_store(store)
    assert sc.scenario_of_store(None, startup) is startup
    other = sc.scenario_of_store({"regime": "cross2-2022"}, startup)
    assert other.regime == "cross2-2022" and other.holdings == startup.holdings
    assert sc.inputs_hash(other) != sc.inputs_hash(startup)  # the copy's hash is its own
    with pytest.raises(sc.NoData):
        sc.scenario_of_store({"regime": "cross2-2022"}, None)


@pytest.mark.parametrize("weights", [["cash"], {"cash": "0.5"}, {"cash": [0.5]}, {"cash": True}])
def test_a_proposal_not_of_its_shape_is_refused(store: dict[str, Any], weights: Any) -> None:
    with pytest.raises(InputError, match="proposal sent by the browser is not valid"):
        sc.proposed_inputs(store, weights)
