"""Figure builders: the traces carry the result's numbers."""

from __future__ import annotations

from typing import Any

import pytest

from analyzer.io import read_company, read_holdings
from analyzer.solvency.engine import evaluate
from dashboard import figures
from dashboard.settings import REPO_DATA_DIR
from dashboard.units import to_unit


@pytest.fixture(scope="module", params=["life", "pc"])
def result(request: pytest.FixtureRequest) -> Any:
    folder = REPO_DATA_DIR / request.param
    return evaluate(read_holdings(folder / "holdings.csv"), read_company(folder / "company.toml"))


def test_waterfall_steps_sum_to_minimum_capital(result: Any) -> None:
    steps = figures.waterfall_steps(result)
    assert sum(v for _, v in steps) == pytest.approx(result.minimum_capital, rel=1e-12)
    named = dict(steps)
    assert named["market"] == result.market["total"]
    assert named["credit"] == result.credit["total"]
    assert named["diversification"] == -result.diversification
    assert named["control"] == result.control


@pytest.mark.parametrize("unit", ["yi", "cny"])
def test_waterfall_figure_totals_the_minimum_capital(result: Any, unit: str) -> None:
    trace = figures.waterfall(result, unit, "en").data[0]
    assert trace.type == "waterfall"
    assert trace.measure[-1] == "total"
    assert trace.y[-1] == pytest.approx(to_unit(result.minimum_capital, unit))
    assert sum(trace.y[:-1]) == pytest.approx(to_unit(result.minimum_capital, unit), rel=1e-9)
    assert trace.x[-1] == "Minimum capital"


def test_modules_bar_values_and_drilldown_keys(result: Any) -> None:
    trace = figures.modules_bar(result, "cny", "zh").data[0]
    assert list(trace.customdata) == list(result.submodules)
    assert list(trace.y) == pytest.approx(list(result.submodules.values()))


def test_treemap_root_is_total_invested(result: Any) -> None:
    trace = figures.treemap(result, "yi", "zh").data[0]
    assert trace.type == "treemap"
    assert trace.values[0] == pytest.approx(
        to_unit(result.holdings.groupby("id")["exposure"].max().sum(), "yi")
    )
    children = [v for v, p in zip(trace.values, trace.parents, strict=True) if p == trace.ids[0]]
    assert sum(children) == pytest.approx(trace.values[0])


def test_compare_bars_show_both_results(result: Any) -> None:
    fig = figures.compare_bars(result, result, "yi", "en")
    assert [t.name for t in fig.data] == ["Current", "Proposed"]
    assert fig.data[0].y[-1] == pytest.approx(to_unit(result.minimum_capital, "yi"))
