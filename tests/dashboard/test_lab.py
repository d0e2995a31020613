"""Allocation lab: plain functions of `dashboard.lab_logic` and the page's callbacks over HTTP."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from tokens import open_token

from analyzer.api import lab as lab_logic
from analyzer.solvency.engine import evaluate
from dashboard import ids
from dashboard.app import create_app
from dashboard.settings import DEFAULT_COMPANY, DEFAULT_HOLDINGS

pytestmark = pytest.mark.skipif(
    not (DEFAULT_HOLDINGS.exists() and DEFAULT_COMPANY.exists()), reason="sample data missing"
)


@pytest.fixture(scope="module")
def model() -> lab_logic.LabModel:
    return lab_logic.load_model(DEFAULT_HOLDINGS, DEFAULT_COMPANY)


@pytest.fixture(scope="module")
def optimum(model: lab_logic.LabModel) -> dict[str, Any]:
    settings = {"min_comprehensive": 150, "min_core": 100, "min_sci_tech": 8}
    return lab_logic.optimise(model, settings, frontier_points=4)


def moved(model: lab_logic.LabModel, to: str, pp: float = 5.0) -> dict[str, float]:
    w = model.current_percent()
    w["government_bond"] -= pp
    w[to] += pp
    return w


# -- live figures ----------------------------------------------------------------------------
def test_current_weights_reproduce_the_engine(model: lab_logic.LabModel) -> None:
    f = lab_logic.live_figures(model, model.current_percent())
    r = evaluate(model.holdings, model.company)
    assert f.error is None
    assert f.comprehensive_ratio == pytest.approx(r.comprehensive_ratio, abs=1e-9)
    assert f.core_ratio == pytest.approx(r.core_ratio, abs=1e-9)
    assert f.sci_tech_share == pytest.approx(r.scitech.share, abs=1e-12)
    assert np.allclose(f.trades, 0.0, atol=1e-3)


@pytest.mark.parametrize("to", ["equity_fund", "stock_csi300", "stock_star"])
def test_moving_bonds_to_equity_lowers_the_ratio_exactly_as_the_engine(
    model: lab_logic.LabModel, to: str
) -> None:
    base = lab_logic.live_figures(model, model.current_percent())
    weights = moved(model, to)
    f = lab_logic.live_figures(model, weights)
    assert f.comprehensive_ratio < base.comprehensive_ratio
    assert f.core_ratio < base.core_ratio
    r = evaluate(lab_logic.scaled_holdings(model, weights), model.company)
    # stock classes change the stock book's k1: the map is rebuilt at the new P&L ratio
    assert abs(f.comprehensive_ratio - r.comprehensive_ratio) < 1e-9
    assert abs(f.core_ratio - r.core_ratio) < 1e-9
    assert f.minimum_capital == pytest.approx(r.minimum_capital, rel=1e-12)
    assert f.sci_tech_share == pytest.approx(r.scitech.share, abs=1e-12)
    trade = dict(zip(model.classes, f.trades, strict=True))
    assert trade["government_bond"] == pytest.approx(-0.05 * model.total, rel=1e-9)
    assert trade[to] == pytest.approx(0.05 * model.total, rel=1e-9)


def test_weights_not_summing_to_100_are_an_error_not_renormalised(
    model: lab_logic.LabModel,
) -> None:
    w = model.current_percent()
    w["government_bond"] -= 3
    f = lab_logic.live_figures(model, w)
    assert f.error is not None and f.error.key == "lab.error.sum"
    assert f.error.params["total"] == "97.00"
    assert f.comprehensive_ratio is None and f.trades is None
    assert f.total_percent == pytest.approx(97.0)
    assert lab_logic.proposed_fractions(model, w) is None
    w["government_bond"] = -1
    assert lab_logic.live_figures(model, w).error.key == "lab.error.negative"  # type: ignore[union-attr]
    w["government_bond"] = "abc"
    assert lab_logic.live_figures(model, w).error.key == "lab.error.number"  # type: ignore[union-attr]


def test_grid_rows_and_edits(model: lab_logic.LabModel) -> None:
    rows = lab_logic.grid_rows(model)
    assert [r["asset_class"] for r in rows] == list(model.classes)
    assert sum(r["proposed"] for r in rows) == pytest.approx(100.0, abs=1e-3)
    rows[0]["min"] = 1.0
    edited = dict(rows[1], proposed=rows[1]["proposed"] + 1)
    change = [
        {
            "rowId": rows[1]["asset_class"],
            "colId": "proposed",
            "data": edited,
            "oldValue": rows[1]["proposed"],
            "value": edited["proposed"],
        }
    ]
    weights = lab_logic.weights_from_rows(rows, change)
    assert weights[rows[1]["asset_class"]] == pytest.approx(rows[1]["proposed"] + 1)
    assert lab_logic.bounds_from_rows(rows) == {rows[0]["asset_class"]: [1.0, None]}
    again = lab_logic.grid_rows(model, weights, rows)
    assert again[0]["min"] == 1.0  # bounds survive a reload of weights


# -- optimiser -------------------------------------------------------------------------------
def test_optimise_meets_the_floors(model: lab_logic.LabModel, optimum: dict[str, Any]) -> None:
    assert optimum["status"] == "optimal"
    assert optimum["comprehensive_ratio"] >= 1.5 - 1e-6
    assert optimum["core_ratio"] >= 1.0 - 1e-6
    assert sum(optimum["weights"].values()) == pytest.approx(100.0, abs=1e-6)
    f = lab_logic.live_figures(model, optimum["weights"])
    assert f.error is None
    assert f.sci_tech_share >= 0.08 - 1e-6
    assert f.comprehensive_ratio == pytest.approx(optimum["comprehensive_ratio"], rel=1e-6)
    assert optimum["binding"] and all("shadow_price" in b for b in optimum["binding"])
    assert all(len(optimum["frontiers"][axis]) == 4 for axis in lab_logic.AXES)
    json.dumps(optimum)  # goes into a dcc.Store


def test_limits_from_the_panel() -> None:
    lim = lab_logic.limits_from(
        {
            "min_comprehensive": 150,
            "min_core": "",
            "min_sci_tech": 5,
            "max_turnover": None,
            "bounds": {"cash": [1, None], "abs": [None, None]},
        }
    )
    assert lim.min_comprehensive == pytest.approx(1.5)
    assert lim.min_core == pytest.approx(0.5)
    assert lim.min_sci_tech == pytest.approx(0.05)
    assert lim.max_turnover is None
    assert lim.class_bounds == {"cash": (0.01, 1.0)}


def test_infeasible_settings_return_the_conflicts(model: lab_logic.LabModel) -> None:
    out = lab_logic.optimise(
        model,
        {"min_comprehensive": 150, "min_sci_tech": 20, "max_turnover": 0.1},
        frontier_points=2,
    )
    assert out["status"] == "infeasible"
    assert out["conflicts"] and all(isinstance(c, str) and c for c in out["conflicts"])
    text = " ".join(out["conflicts"])
    assert "sci-tech" in text and "turnover" in text
    assert "cannot" in out["message"]


def test_frontier_click_loads_that_points_weights(optimum: dict[str, Any]) -> None:
    for axis in lab_logic.AXES:
        points = optimum["frontiers"][axis]
        index = max(i for i, p in enumerate(points) if p["status"] == "optimal")
        click = {"points": [{"curveNumber": 0, "pointIndex": 0, "customdata": index}]}
        assert lab_logic.frontier_weights(optimum, axis, click) == points[index]["weights"]
    assert lab_logic.frontier_weights(optimum, "volatility", {"points": [{}]}) is None
    assert (
        lab_logic.frontier_weights(optimum, "volatility", {"points": [{"customdata": 99}]}) is None
    )
    assert lab_logic.frontier_weights(None, "volatility", {"points": [{"customdata": 0}]}) is None


def test_frontier_figure_carries_point_indices(optimum: dict[str, Any]) -> None:
    from dashboard.lab_figures import frontier_figure

    fig = frontier_figure(
        optimum["frontiers"]["solvency"],
        "solvency",
        "en",
        {"optimum": (optimum["comprehensive_ratio"], optimum["expected_return"])},
    )
    ok = [i for i, p in enumerate(optimum["frontiers"]["solvency"]) if p["status"] == "optimal"]
    assert list(fig.data[0].customdata) == ok
    assert fig.data[1].name == "Optimum"


# -- callbacks over HTTP ---------------------------------------------------------------------
def _ok(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 200, resp.data
    return json.loads(resp.data)["response"]


def test_live_callback_reports_ratio_and_error(
    settings: Any, dash_call: Any, callback_id: Any, model: Any
) -> None:
    from dashboard.pages.lab import source_key

    app = create_app(settings)
    client = app.server.test_client()
    env = app.server.extensions["analyzer_env"]
    cid = callback_id(app, ids.LAB_FIGURES)
    weights = moved(model, "stock_csi300")
    out = _ok(dash_call(client, app, cid, [weights, "yi", "en"], [source_key(env), None]))
    expected = lab_logic.live_figures(model, weights)
    assert f"{expected.comprehensive_ratio * 100:.1f}%" in json.dumps(out)
    weights["cash"] += 10
    out = _ok(dash_call(client, app, cid, [weights, "yi", "en"], [source_key(env), None]))
    assert "not 100%" in json.dumps(out[ids.LAB_ERROR])
    # an unknown source key is refused (the browser never names files)
    resp = dash_call(client, app, cid, [weights, "yi", "en"], ["not-a-key", None])
    assert resp.status_code == 500


def test_optimise_needs_the_optimize_permission(
    login_settings: Any, log_in: Any, dash_call: Any, callback_id: Any
) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    log_in(client, "exec")
    cid = callback_id(app, ids.LAB_RESULT, "data")
    resp = dash_call(client, app, cid, [1], [150, 100, 0, None, "max_return", [], "x", None])
    body = json.loads(resp.data)
    assert body["response"] == {}
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.denied"


def test_apply_writes_proposed_weights(
    login_settings: Any, log_in: Any, dash_call: Any, callback_id: Any, model: Any
) -> None:
    from dashboard.pages.lab import source_key

    app = create_app(login_settings)
    key = source_key(app.server.extensions["analyzer_env"])
    cid = callback_id(app, ids.PROPOSED_WEIGHTS, "data")
    weights = moved(model, "equity_fund")
    client = app.server.test_client()
    log_in(client, "exec")
    body = json.loads(dash_call(client, app, cid, [1], [weights, key, None]).data)
    assert body["response"] == {}  # refused: executives may not edit
    client = app.server.test_client()
    log_in(client, "manager")
    out = _ok(dash_call(client, app, cid, [1], [weights, key, None]))
    written = open_token(app, ids.PROPOSED_WEIGHTS, out[ids.PROPOSED_WEIGHTS]["data"], "manager")
    assert sum(written.values()) == pytest.approx(1.0)
    assert written["equity_fund"] == pytest.approx(weights["equity_fund"] / 100)
    weights["cash"] += 1  # 101%: refused with a notice, store unchanged
    body = json.loads(dash_call(client, app, cid, [1], [weights, key, None]).data)
    assert ids.PROPOSED_WEIGHTS not in body.get("response", {})


def test_an_uploaded_scenario_is_the_portfolio(model: lab_logic.LabModel) -> None:
    from dashboard import state
    from dashboard.pages.lab import model_for, scenario_key

    scenario = state.make_inputs(model.holdings.scaled({"cash": 3.0}), model.company)
    key = scenario_key(scenario)
    other = model_for("s-made-up-key", scenario)  # cached under the real hash, not the given key
    assert lab_logic.cached_model("s-made-up-key") is None
    assert model_for(key) is other
    cash = other.classes.index("cash")
    assert other.current[cash] == pytest.approx(3.0 * model.current[cash])
    f = lab_logic.live_figures(other, other.current_percent())
    r = evaluate(other.holdings, other.company)
    assert f.comprehensive_ratio == pytest.approx(r.comprehensive_ratio, abs=1e-9)
    with pytest.raises(KeyError):
        model_for("s-unknown")


def test_lab_reads_the_engines_stock_book():
    """Rule 8 Art. 26: the lab's live model measures the stock book (book value against
    purchase cost of domestic stocks) as the engine does, also when book value differs from
    market value (the samples hold them equal, which once hid a drift)."""
    from pathlib import Path

    import numpy as np

    from analyzer.io import read_company, read_holdings
    from analyzer.io.holdings import Holdings
    from analyzer.solvency import equity

    build_model = lab_logic.build_model

    data = Path(__file__).resolve().parents[2] / "data" / "pc"
    h = read_holdings(data / "holdings.csv")
    f = h.frame
    stock = ((f["asset_type"] == "stock") & (f["region"] == "domestic")).to_numpy()
    h = Holdings(
        f.assign(
            book_value=np.where(
                stock, f["market_value"].to_numpy() * 1.3, f["book_value"].to_numpy()
            )
        ),
        h.source,
    )
    model = build_model(h, read_company(data / "company.toml"))
    assert model.stock_x(model.base) == pytest.approx(equity.stock_book_ratio(h.frame), rel=1e-9)
