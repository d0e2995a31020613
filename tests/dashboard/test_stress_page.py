"""Stress page, its figures and the regime selector: callback bodies and pure builders, no
browser. Figure values are compared with the core's result objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tokens import open_token

from analyzer.io import read_company, read_holdings
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import DEFAULT_REGIME
from analyzer.stress import (
    Stresser,
    annex4_scenarios,
    read_scenarios,
    reverse_stress,
)
from dashboard import auth, ids, names, state
from dashboard import stress_figures as sf
from dashboard.app import create_app
from dashboard.context import app_env
from dashboard.pages import data as data_page
from dashboard.pages import overview, solvency, stress
from dashboard.settings import REPO_DATA_DIR
from dashboard.units import fmt_money, fmt_pct, to_unit

LIFE = REPO_DATA_DIR / "life"
PC = REPO_DATA_DIR / "pc"


@pytest.fixture(scope="module")
def life() -> tuple[Any, Any]:
    return read_holdings(LIFE / "holdings.csv"), read_company(LIFE / "company.toml")


@pytest.fixture(scope="module")
def stresser(life: tuple[Any, Any]) -> Stresser:
    return Stresser(*life)


@pytest.fixture(scope="module")
def core_results(life: tuple[Any, Any], stresser: Stresser) -> list[Any]:
    """What ``analyzer stress`` runs: Annex 4 for the type + the scenario files."""
    holdings, company = life
    classes = set(holdings.frame["asset_class"].astype(str)) - {""}
    shocks = annex4_scenarios(company.company_type)
    for path in sorted((REPO_DATA_DIR / "scenarios").glob("*.csv")):
        kind = "historical" if "historical" in path.name else "user"
        shocks += read_scenarios(path, kind=kind, known_classes=classes)
    return [stresser.run(s) for s in shocks]


@pytest.fixture(scope="module")
def sim_result(life: tuple[Any, Any]) -> Any:
    inputs = {
        "holdings": state.holdings_records(life[0]),
        "company": state.company_dict(life[1]),
        "regime": DEFAULT_REGIME,
    }
    return stress.simulation_for(inputs, 5_000, 7)


def rows_of(table: Any) -> list[list[str]]:
    body = table.children[1]
    return [
        [
            td.children if isinstance(td.children, str) else td.children.children
            for td in tr.children
        ]
        for tr in body.children
    ]


def regime_callback(app: Any) -> str:
    return next(k for k in app.callback_map if ids.REGIME_SELECT_TYPE in k)


def post_regime(client: Any, app: Any, store: Any, regime: str | None, changed: bool) -> Any:
    """POST the regime callback like the browser: the store's data and the page's one
    selector (a pattern-matching ALL input/output); ``changed`` says the dropdown changed,
    otherwise the store (first render)."""
    cid = regime_callback(app)
    store_out = cid[2:-2].split("...")[0]
    sel_json = json.dumps(ids.REGIME_SELECT, sort_keys=True, separators=(",", ":"))
    body = {
        "output": cid,
        "outputs": [
            {"id": ids.CURRENT_SCENARIO, "property": store_out.rsplit(".", 1)[1]},
            [{"id": ids.REGIME_SELECT, "property": "value"}],
        ],
        "inputs": [
            {"id": ids.CURRENT_SCENARIO, "property": "data", "value": store},
            [{"id": ids.REGIME_SELECT, "property": "value", "value": regime}],
        ],
        "state": [],
        "changedPropIds": [f"{sel_json}.value" if changed else f"{ids.CURRENT_SCENARIO}.data"],
    }
    resp = client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert resp.status_code in (200, 204), resp.get_data(as_text=True)
    return resp.get_json() if resp.status_code == 200 else None


# -- figures ---------------------------------------------------------------------------------
def test_ratio_bars_show_the_results_ratios_and_the_minimum_lines(
    core_results: list[Any], stresser: Stresser
) -> None:
    fig = sf.ratio_bars(
        core_results, stresser.base_result.thresholds, stresser.company.targets.comprehensive, "en"
    )
    assert [tr.type for tr in fig.data] == ["bar"] * 4
    comp_after = fig.data[1]
    assert list(comp_after.x) == [r.name for r in core_results]
    assert list(comp_after.y) == pytest.approx(
        [100 * r.stressed.comprehensive_ratio for r in core_results]
    )
    assert list(fig.data[0].y) == pytest.approx(
        [100 * r.base.comprehensive_ratio for r in core_results]
    )
    assert list(fig.data[3].y) == pytest.approx([100 * r.stressed.core_ratio for r in core_results])
    lines = sorted(round(s.y0, 6) for s in fig.layout.shapes)
    assert lines == [50.0, 100.0, 150.0]  # core minimum, comprehensive minimum, target
    assert fig.layout.barmode == "group"


def test_simulation_summary_and_histogram_equal_the_result(sim_result: Any) -> None:
    summary = sf.simulation_summary(sim_result, bins=40, key="k")
    json.dumps(summary)  # JSON-able: goes to a dcc.Store
    counts, edges = np.histogram(sim_result.comprehensive * 100, bins=40)
    assert summary["histogram"]["counts"] == counts.tolist()
    assert summary["histogram"]["edges"] == pytest.approx(edges.tolist())
    assert sum(summary["histogram"]["counts"]) == sim_result.n_scenarios == 5_000
    assert summary["percentiles"] == sim_result.percentiles
    assert summary["probabilities"] == sim_result.probabilities

    fig = sf.histogram(summary, "en")
    assert list(fig.data[0].y) == counts.tolist()
    assert list(fig.data[0].x) == pytest.approx(((edges[:-1] + edges[1:]) / 2).tolist())
    xs = sorted(round(s.x0, 6) for s in fig.layout.shapes)
    target = 100 * sim_result.targets["comprehensive"]
    base = round(100 * sim_result.base["comprehensive"], 6)
    assert xs == sorted([100.0, 120.0, target, base])
    assert "5,000" in fig.layout.title.text


def test_tail_bars_and_tables_equal_the_result(sim_result: Any) -> None:
    summary = sf.simulation_summary(sim_result)
    fig = sf.tail_bars(summary, "yi", "en", top=5)
    top = sim_result.tail[:5]
    assert list(fig.data[0].y) == [names.asset_class(d.asset_class, "en") for d in reversed(top)]
    assert list(fig.data[0].x) == pytest.approx([to_unit(d.mean_pnl, "yi") for d in reversed(top)])
    rows = stress.percentile_rows(summary)
    assert rows[0] == [
        "0.5%",
        fmt_pct(sim_result.percentiles["comprehensive"]["0.5"]),
        fmt_pct(sim_result.percentiles["core"]["0.5"]),
    ]
    probs = {r[0]: r[1] for r in stress.probability_rows(summary, "en")}
    assert probs["Comprehensive < 100%"] == fmt_pct(
        sim_result.probabilities["comprehensive_below_100"], 2
    )
    assert "Comprehensive < target 150%" in probs
    tail = stress.tail_rows(summary, "yi", "en")
    assert tail[0][:2] == [
        names.asset_class(top[0].asset_class, "en"),
        fmt_money(top[0].mean_pnl, "yi", "en"),
    ]


# -- page content ----------------------------------------------------------------------------
def test_scenario_table_has_every_scenario_with_the_cores_numbers(
    env: Any, core_results: list[Any]
) -> None:
    notes, tbl, fig = stress.stress_content(None, None, "current", "yi", "en", env)
    rows = rows_of(tbl)
    assert len(rows) == len(core_results) == 12  # 7 Annex 4 (life) + 3 historical + 2 user
    for row, r in zip(rows, core_results, strict=True):
        assert row[4] == fmt_money(r.loss_actual, "yi", "en")
        assert row[5] == fmt_money(r.loss_core, "yi", "en")
        assert row[6] == fmt_money(r.stressed.minimum_capital, "yi", "en")
        assert row[7] == (
            f"{fmt_pct(r.base.comprehensive_ratio)} → {fmt_pct(r.stressed.comprehensive_ratio)}"
        )
    assert list(fig.data[1].y) == pytest.approx(
        [100 * r.stressed.comprehensive_ratio for r in core_results]
    )
    assert "before stress" in repr(notes)


def test_reverse_table_matches_the_core(env: Any, stresser: Stresser) -> None:
    out = stress.reverse_content(None, None, "current", "en", env)
    rows = rows_of(out.children[1])
    assert [r[0] for r in rows] == [
        "Equity fall",
        "Rate rise",
        "Spread widening",
        "VC / unlisted write-down",
    ]
    core = {(r.driver, r.threshold.name): r for r in reverse_stress(stresser, ["equity"])}
    mine = {
        (r.driver, r.threshold.name): r for r in stress.reverse_results(state.default_inputs(env))
    }
    for th in stress.THRESHOLDS:
        assert mine[("equity", th)].move == pytest.approx(core[("equity", th)].move, abs=1e-5)
    assert rows[0][1] == fmt_pct(core[("equity", "comprehensive_100")].move, 2)
    # the move applied as a forward stress lands on the threshold
    r = mine[("equity", "comprehensive_100")]
    assert stresser.run(r.shock()).stressed.comprehensive_ratio == pytest.approx(1.0, abs=1e-4)


def test_proposed_allocation_flows_through(env: Any) -> None:
    weights = {"stock_csi300": 0.01, "cash": 0.10}
    inputs, is_proposed = stress.portfolio_inputs(None, weights, "proposed", env)
    assert is_proposed
    expected = state.result_for(state.proposed_inputs(state.default_inputs(env), weights))
    assert stress.stresser_for(inputs).base.minimum_capital == pytest.approx(
        expected.minimum_capital
    )
    notes, _tbl, _fig = stress.stress_content(None, None, "proposed", "yi", "en", env)
    assert "No proposed allocation" in repr(notes)


def test_uploaded_pc_scenario_runs_the_pc_annex4_set(env: Any) -> None:
    h, c = read_holdings(PC / "holdings.csv"), read_company(PC / "company.toml")
    upload = json.loads(json.dumps(state.make_inputs(h, c)))
    _notes, tbl, _fig = stress.stress_content(upload, None, "current", "yi", "en", env)
    names = [r[0] for r in rows_of(tbl)]
    assert len(names) == len(annex4_scenarios("pc")) + 5
    assert not any("reserve curve" in n for n in names)  # life-only scenario


def test_simulation_job_reports_progress_and_a_summary(env: Any, sim_result: Any) -> None:
    calls: list[tuple[str, str]] = []
    summary = stress.run_simulation(
        calls.append, 1, 5_000, 7, None, None, "current", stress.source_key(env)
    )
    assert calls[0] == ("0", "5000") and calls[-1] == ("5000", "5000")
    assert summary["percentiles"] == sim_result.percentiles  # same seed, same numbers
    assert summary["key"] == stress.portfolio_key(state.default_inputs(env))
    status, fig, style, tables = stress.simulation_content(summary, summary["key"], "yi", "en")
    assert style == {} and fig.data[0].type == "bar" and tables is not None
    assert "stale" not in repr(status)
    status, *_ = stress.simulation_content(summary, "another", "yi", "en")
    assert "another portfolio" in repr(status)
    status, fig, style, tables = stress.simulation_content(None, None, "yi", "en")
    assert style == {"display": "none"} and tables is None


def test_simulation_inputs_are_clamped() -> None:
    assert stress.clamp_n(None) == stress.DEFAULT_N
    assert stress.clamp_n(10) == stress.MIN_N
    assert stress.clamp_n(5e9) == stress.MAX_N
    assert stress.clamp_seed("x") == stress.DEFAULT_SEED and stress.clamp_seed(-3) == 0


def test_simulation_is_a_view_action_and_refused_without_login(
    login_settings: Any, log_in: Any
) -> None:
    app = create_app(login_settings)
    protected = auth.state(app).protected
    key = next(k for k in protected if ids.STRESS_SIM_RESULT in k)
    assert protected[key] == "view"
    client = app.server.test_client()
    assert client.get("/stress").status_code == 302  # login first
    log_in(client, "exec")
    assert client.get("/stress").status_code == 200


def test_stress_page_is_in_the_router(env: Any) -> None:
    from dashboard import pages
    from dashboard.auth import LOCAL_USER
    from dashboard.context import PageContext

    page = pages.find("/stress")
    assert page is not None and page.key == "stress"
    body = page.layout(PageContext("en", "yi", LOCAL_USER, env, "/stress"))
    assert "Stress tests and ratio distribution" in repr(body)
    assert ids.REGIME_SELECT_TYPE in repr(body)


# -- regime selector -------------------------------------------------------------------------
def test_switching_to_2022_gives_the_engines_minimum_capital(
    app: Any, env: Any, life: tuple[Any, Any]
) -> None:
    expected = evaluate(*life, "cross2-2022")
    default = evaluate(*life, DEFAULT_REGIME)
    assert expected.minimum_capital != default.minimum_capital  # the switch matters

    client = app.server.test_client()
    sel_json = json.dumps(ids.REGIME_SELECT, sort_keys=True, separators=(",", ":"))
    # first render: the dropdown shows the store's regime (the engine default)
    first = post_regime(client, app, None, DEFAULT_REGIME, changed=False)
    assert first["response"][sel_json]["value"] == DEFAULT_REGIME
    assert ids.CURRENT_SCENARIO not in first["response"]
    # the user picks cross2-2022: the store gets it (the dropdown is left alone)
    second = post_regime(client, app, None, "cross2-2022", changed=True)
    store = open_token(app, ids.CURRENT_SCENARIO, second["response"][ids.CURRENT_SCENARIO]["data"])
    assert second["response"].get(sel_json, {}).get("value") is None  # left alone
    assert state.current_regime(store) == "cross2-2022"

    result = state.result_for(state.current_inputs(store, env))
    assert result.regime == "cross2-2022"
    assert result.minimum_capital == expected.minimum_capital
    kpis, *_ = overview.overview_content(store, None, "yi", "en", env)
    assert fmt_money(expected.minimum_capital, "yi", "en") in repr(kpis)
    assert "cross2-2022" in repr(kpis)
    # the stress page follows the regime too
    assert stress.stresser_for(
        state.current_inputs(store, env)
    ).base.minimum_capital == pytest.approx(expected.minimum_capital)


def test_sync_regime_body(app: Any) -> None:
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    def call(trigger: str | None, data: Any, value: Any) -> Any:
        token = context_value.set(
            AttributeDict(
                triggered_inputs=[{"prop_id": f"{trigger}.value", "value": value}]
                if trigger
                else [],
                inputs_list=[],
                states_list=[],
                outputs_list=[],
            )
        )
        try:
            return overview.sync_regime(data, [value])
        finally:
            context_value.reset(token)

    from dash import no_update

    sel = json.dumps(ids.REGIME_SELECT, sort_keys=True, separators=(",", ":"))
    assert call(None, None, DEFAULT_REGIME) == (no_update, [DEFAULT_REGIME])
    assert call(None, {"regime": "cross2-2023-09"}, DEFAULT_REGIME) == (
        no_update,
        ["cross2-2023-09"],
    )
    assert call(sel, None, "cross2-2022") == ({"regime": "cross2-2022"}, [no_update])
    full = {"holdings": [{"id": "x"}], "company": {"name": "c"}, "regime": DEFAULT_REGIME}
    new, _ = call(sel, full, "cross2-2022")
    assert new["regime"] == "cross2-2022" and new["holdings"] == full["holdings"]


def test_a_saved_scenario_keeps_its_regime(env: Any, life: tuple[Any, Any]) -> None:
    store = state.with_regime(None, "cross2-2022")
    inputs = state.current_inputs(store, env)
    sid = data_page.save_inputs(env.store, "old rules", inputs, "tester")
    assert env.store.get(sid).regime == "cross2-2022"
    reloaded = data_page.scenario_inputs(env.store, sid)
    assert state.current_regime(reloaded) == "cross2-2022"
    assert (
        state.result_for(reloaded).minimum_capital == evaluate(*life, "cross2-2022").minimum_capital
    )
    # an upload keeps the chosen regime
    assert (
        state.current_inputs(state.with_regime(reloaded, "cross2-2023-09"), env).regime
        == "cross2-2023-09"
    )


def test_solvency_page_uses_the_selected_regime(env: Any, life: tuple[Any, Any]) -> None:
    store = {"regime": "cross2-2022"}
    rows, _ = solvency.positions_content(store, None, "cny", "en", env)
    expected = evaluate(*life, "cross2-2022")
    assert sum(r["marginal_capital"] for r in rows) == pytest.approx(expected.investment_capital)
    layout = solvency.layout(
        __import__("dashboard.context", fromlist=["PageContext"]).PageContext(
            "en", "yi", auth.LOCAL_USER, env, "/solvency"
        )
    )
    assert ids.REGIME_SELECT_TYPE in repr(layout)


def test_unknown_regime_falls_back_to_the_default(env: Any) -> None:
    assert state.current_regime({"regime": "nope"}) == DEFAULT_REGIME
    assert state.current_inputs({"regime": "nope"}, env).regime == DEFAULT_REGIME


def test_no_data_is_reported(make_settings: Any, tmp_path: Path) -> None:
    app = create_app(
        make_settings(), holdings_path=tmp_path / "no.csv", company_path=tmp_path / "no.toml"
    )
    notes, tbl, fig = stress.stress_content(None, None, "current", "yi", "en", app_env(app))
    assert "No data to show" in repr(notes) and tbl is None
    assert "No data to show" in repr(
        stress.reverse_content(None, None, "current", "en", app_env(app))
    )


def test_percentile_rows_ascend_whatever_the_key_order(sim_result: Any) -> None:
    """The session store may return the levels in the text order of their keys ("0.5" after
    "99"); the table lists them from the lowest level up."""
    summary = sf.simulation_summary(sim_result)
    shuffled = {
        k: dict(sorted(v.items(), key=lambda kv: kv[0])) for k, v in summary["percentiles"].items()
    }
    text_order = [float(k) for k in shuffled["comprehensive"]]
    assert text_order != sorted(text_order)  # the case the table must survive
    rows = stress.percentile_rows({**summary, "percentiles": shuffled})
    levels = [float(r[0].rstrip("%")) for r in rows]
    assert levels == sorted(levels) and levels[0] == 0.5
