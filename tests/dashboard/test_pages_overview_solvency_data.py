"""Overview, Solvency and Data pages: callback bodies and pure helpers, no browser."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tokens import open_token

from analyzer.io import read_company, read_holdings
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import available_regimes
from dashboard import ids, reports, state
from dashboard.app import create_app
from dashboard.context import app_env
from dashboard.pages import data as data_page
from dashboard.pages import overview, solvency
from dashboard.settings import REPO_DATA_DIR

LIFE = REPO_DATA_DIR / "life"
PC = REPO_DATA_DIR / "pc"


@pytest.fixture(scope="module")
def engine_result() -> Any:
    return evaluate(read_holdings(LIFE / "holdings.csv"), read_company(LIFE / "company.toml"))


def bad_csv(row: int = 5, column: str = "asset_type", value: str = "bogus_type") -> bytes:
    """The sample holdings with one bad cell at spreadsheet ``row`` (header = row 1)."""
    lines = (LIFE / "holdings.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode("utf-8")


def data_url(raw: bytes, mime: str = "text/csv") -> str:
    return f"data:{mime};base64," + base64.b64encode(raw).decode("ascii")


# -- state -----------------------------------------------------------------------------------
def test_loading_the_sample_gives_the_engines_ratios(env: Any, engine_result: Any) -> None:
    result = state.current_result(None, env)
    assert result.core_ratio == engine_result.core_ratio
    assert result.comprehensive_ratio == engine_result.comprehensive_ratio
    assert result.minimum_capital == engine_result.minimum_capital
    assert state.current_result(None, env) is result  # cached by the inputs' hash


def test_inputs_survive_json_and_give_the_same_numbers(env: Any, engine_result: Any) -> None:
    inputs = json.loads(json.dumps(state.default_inputs(env)))  # what a dcc.Store sends back
    state.clear_cache()
    assert state.result_for(inputs).minimum_capital == engine_result.minimum_capital


def test_proposed_weights_scale_asset_classes(env: Any) -> None:
    inputs = state.default_inputs(env)
    holdings, _ = state.parsed(inputs)
    values = state.class_values(holdings)
    total = sum(values.values())
    proposed = state.proposed_inputs(inputs, {"stock_csi300": 0.10, "cash": 0.05})
    new_values = state.class_values(state.parsed(proposed)[0])
    assert new_values["stock_csi300"] == pytest.approx(0.10 * total)
    assert new_values["cash"] == pytest.approx(0.05 * total)
    assert state.proposed_inputs(inputs, None) is None


# -- overview --------------------------------------------------------------------------------
def test_overview_shows_ratios_and_figures(env: Any, engine_result: Any) -> None:
    kpis, comp, wf, tm, compare, _er = overview.overview_content(None, None, "yi", "zh", env)
    text = json.dumps(kpis.__repr__() if not isinstance(kpis, list) else [repr(k) for k in kpis])
    assert f"{engine_result.core_ratio * 100:,.1f}%" in text
    assert f"{engine_result.comprehensive_ratio * 100:,.1f}%" in text
    assert wf.data[0].type == "waterfall"
    assert tm.data[0].type == "treemap"
    assert compare is None


def test_overview_compares_a_proposed_allocation(env: Any) -> None:
    """The proposed column shows the engine's ratios for the holdings with CSI 300 stocks
    scaled to 1% of today's invested total (computed here independently of state.py)."""
    *_, compare, _er = overview.overview_content(None, {"stock_csi300": 0.01}, "yi", "en", env)
    assert compare is not None
    text = repr(compare)
    assert "Proposed" in text
    holdings = read_holdings(LIFE / "holdings.csv")
    f = holdings.frame
    mv = f["market_value"].to_numpy()
    csi = (f["asset_class"] == "stock_csi300").to_numpy()
    proposed = evaluate(
        holdings.scaled({"stock_csi300": 0.01 * mv.sum() / mv[csi].sum()}),
        read_company(LIFE / "company.toml"),
    )
    today = evaluate(holdings, read_company(LIFE / "company.toml"))
    assert proposed.comprehensive_ratio > today.comprehensive_ratio  # less equity risk
    assert f"{proposed.comprehensive_ratio * 100:,.1f}%" in text
    assert f"{proposed.core_ratio * 100:,.1f}%" in text


def test_expected_return_is_weights_times_assumptions(engine_result: Any) -> None:
    """The overview's expected return, worked position by position from the bundled
    assumptions file (read here with pandas, independently of the service)."""
    from analyzer.api import overview as overview_service
    from analyzer.io.assumptions import read_assumptions

    table = pd.read_csv(REPO_DATA_DIR / "assumptions.csv")
    mu = dict(zip(table["asset_class"], table["expected_return"], strict=True))
    positions = engine_result.holdings.drop_duplicates("id")
    by_position = sum(
        float(e) * mu.get(c, 0.0)
        for c, e in zip(positions["asset_class"], positions["exposure"], strict=True)
    )
    expected = by_position / float(positions["exposure"].sum())
    er = overview_service.expected_return(
        engine_result, read_assumptions(REPO_DATA_DIR / "assumptions.csv")
    )
    assert er == pytest.approx(expected, rel=1e-12)
    assert 0.0 < er < 0.1  # an annual fraction, not percent
    assert overview_service.expected_return(engine_result, None) is None


def test_overview_without_data_says_so(make_settings: Any, tmp_path: Path) -> None:
    app = create_app(
        make_settings(), holdings_path=tmp_path / "no.csv", company_path=tmp_path / "no.toml"
    )
    kpis, *_ = overview.overview_content(None, None, "yi", "en", app_env(app))
    assert "No data to show" in repr(kpis)


# -- solvency --------------------------------------------------------------------------------
def test_positions_grid_carries_euler_contributions(env: Any, engine_result: Any) -> None:
    rows = solvency.positions_rows(state.current_result(None, env), None, "cny")
    assert len(rows) == len(engine_result.holdings)
    assert sum(r["marginal_capital"] for r in rows) == pytest.approx(
        engine_result.investment_capital
    )


def test_click_on_a_bar_filters_the_grid_to_that_module(env: Any) -> None:
    click = {"points": [{"customdata": "overseas_equity_developed"}]}
    module = solvency.selected_module(click)
    assert module == "overseas_equity"
    rows, label = solvency.positions_content(None, module, "yi", "en", env)
    assert rows and {r["module"] for r in rows} == {"overseas_equity"}
    assert "Overseas equity" in label  # the module's display name (dashboard.names)
    rows_all, _ = solvency.positions_content(None, None, "yi", "en", env)
    assert len(rows_all) > len(rows)


def test_compliance_and_regime_tables(env: Any, engine_result: Any) -> None:
    rows = solvency.compliance_rows(engine_result, "yi", "zh")
    assert len(rows) == len(engine_result.compliance.checks)
    results = solvency.regime_results(state.default_inputs(env))
    assert list(results) == list(available_regimes())
    assert results["cross2-2025-12"].minimum_capital == engine_result.minimum_capital
    table = solvency.regime_rows(results, "yi", "en")
    assert len(table[0]) == 1 + len(results)
    fig, comp, regimes, cols = solvency.solvency_content(None, "yi", "en", env)
    assert fig.data[0].type == "bar" and comp is not None and regimes is not None
    assert any(c["field"] == "marginal_capital" for c in cols)


# -- data: uploads ---------------------------------------------------------------------------
def test_bad_csv_gives_row_level_errors(env: Any) -> None:
    inputs, rows = data_page.apply_upload(None, env, holdings=("bad.csv", bad_csv()))
    assert inputs is None
    assert any(r["row"] == 5 and r["column"] == "asset_type" for r in rows)
    assert all(r["file"] == "bad.csv" for r in rows)
    html = repr(data_page.errors_table(rows, "en"))
    assert "asset_type" in html and "5" in html


def test_good_upload_becomes_the_current_scenario(env: Any) -> None:
    raw = (PC / "holdings.csv").read_bytes()
    company = [("company.toml", (PC / "company.toml").read_bytes())]
    inputs, rows = data_page.apply_upload(None, env, ("pc.csv", raw), company)
    assert rows == []
    expected = evaluate(read_holdings(PC / "holdings.csv"), read_company(PC / "company.toml"))
    assert state.result_for(inputs).minimum_capital == pytest.approx(
        expected.minimum_capital, rel=1e-12
    )
    assert inputs["source"]["holdings"] == "pc.csv"


def test_life_company_upload_needs_its_liability_files(env: Any) -> None:
    toml = [("company.toml", (LIFE / "company.toml").read_bytes())]
    _, rows = data_page.apply_upload(None, env, company=toml)
    assert rows and "/tmp" not in rows[0]["file"]
    files = toml + [
        (n, (LIFE / n).read_bytes()) for n in ("liability_cash_flows.csv", "spot_curve.csv")
    ]
    inputs, rows = data_page.apply_upload(None, env, company=files)
    assert rows == [] and inputs is not None


def test_unsupported_holdings_type_is_refused(env: Any) -> None:
    _, rows = data_page.apply_upload(None, env, holdings=("h.xls", b"junk"))
    assert rows and "unsupported" in rows[0]["message"]


def test_decode_upload_roundtrip() -> None:
    assert data_page.decode_upload(data_url(b"a,b\n1,2\n")) == b"a,b\n1,2\n"


# -- data: report and scenarios --------------------------------------------------------------
def test_report_bytes_are_an_xlsx_workbook(engine_result: Any, tmp_path: Path) -> None:
    import openpyxl

    raw = reports.solvency_report_bytes(engine_result)
    path = tmp_path / "r.xlsx"
    path.write_bytes(raw)
    assert {"Summary", "Holdings", "Compliance"} <= set(openpyxl.load_workbook(path).sheetnames)
    assert reports.report_filename(engine_result).endswith(".xlsx")


def test_save_and_reload_reproduce_minimum_capital(env: Any) -> None:
    inputs = state.default_inputs(env)
    before = state.result_for(inputs)
    sid = data_page.save_inputs(env.store, "base", inputs, "tester")
    state.clear_cache()
    reloaded = data_page.scenario_inputs(env.store, sid)
    after = state.result_for(reloaded)
    assert after.minimum_capital == before.minimum_capital
    assert after.core_ratio == before.core_ratio
    assert after.comprehensive_ratio == before.comprehensive_ratio


def test_compare_two_saved_scenarios(env: Any) -> None:
    inputs = state.default_inputs(env)
    a = data_page.save_inputs(env.store, "a", inputs, "tester")
    b = data_page.save_inputs(
        env.store, "b", state.proposed_inputs(inputs, {"stock_csi300": 0.01}), "tester"
    )
    headers, rows = data_page.compare_rows(env.store, a, b, "yi", "en")
    assert headers == ["", "a", "b"]
    assert rows[2][1] != rows[2][2]  # less equity, less minimum capital
    options = data_page.scenario_options(env.store, "en")
    assert {o["value"] for o in options} == {a, b}


# -- server-side permissions (Flask test client) --------------------------------------------
def callback_by_input(app: Any, input_id: str) -> str:
    """The callback_map key of the callback triggered by ``input_id`` (first input)."""
    for key, spec in app.callback_map.items():
        if spec["inputs"] and spec["inputs"][0]["id"] == input_id:
            return key
    raise KeyError(input_id)


def test_executive_is_refused_upload_and_save(
    login_settings: Any, log_in: Any, dash_call: Any, callback_id: Any
) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    log_in(client, "exec")
    upload = callback_id(app, ids.DATA_ERRORS)
    resp = dash_call(
        client,
        app,
        upload,
        [data_url((PC / "holdings.csv").read_bytes()), None],
        ["pc.csv", None, None, "zh"],
    )
    body = resp.get_json()
    assert body["response"] == {}  # no output changed
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.denied"
    save = callback_by_input(app, ids.DATA_SCENARIO_SAVE)
    resp = dash_call(client, app, save, [1], ["x", None, None, 0])
    assert resp.get_json()["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.denied"
    assert app_env(app).store.list() == []


def test_manager_may_upload(
    login_settings: Any, log_in: Any, dash_call: Any, callback_id: Any
) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    log_in(client, "manager")
    upload = callback_id(app, ids.DATA_ERRORS)
    resp = dash_call(
        client, app, upload, [data_url(bad_csv()), None], ["bad.csv", None, None, "en"]
    )
    assert resp.status_code == 200
    assert "asset_type" in resp.get_data(as_text=True)


def test_xlsx_holdings_upload(env: Any, tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "h.xlsx"
    pd.read_csv(PC / "holdings.csv", dtype=str, keep_default_na=False).to_excel(path, index=False)
    company = [("company.toml", (PC / "company.toml").read_bytes())]
    inputs, rows = data_page.apply_upload(None, env, ("h.xlsx", path.read_bytes()), company)
    assert rows == []
    expected = evaluate(read_holdings(PC / "holdings.csv"), read_company(PC / "company.toml"))
    assert state.result_for(inputs).minimum_capital == pytest.approx(
        expected.minimum_capital, rel=1e-9
    )


def test_scenario_table_lists_saved_scenarios(env: Any) -> None:
    assert "No saved scenarios" in repr(data_page.scenario_table(env.store, "en"))
    sid = data_page.save_inputs(env.store, "s1", state.default_inputs(env), "tester")
    env.store.mark_reviewed(sid, "risk")
    text = repr(data_page.scenario_table(env.store, "en"))
    assert "s1" in text and "risk" in text


def test_only_risk_officers_may_review(login_settings: Any, log_in: Any, dash_call: Any) -> None:
    app = create_app(login_settings)
    env = app_env(app)
    sid = data_page.save_inputs(env.store, "s1", state.default_inputs(env), "manager")
    review = callback_by_input(app, ids.DATA_SCENARIO_REVIEW)
    manager = app.server.test_client()
    log_in(manager, "manager")
    resp = dash_call(manager, app, review, [1], [sid, 0])
    assert resp.get_json()["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.denied"
    assert not env.store.get(sid).reviewed
    risk = app.server.test_client()
    log_in(risk, "risk")
    resp = dash_call(risk, app, review, [1], [sid, 0])
    assert resp.status_code == 200
    assert env.store.get(sid).reviewed_by == "risk"


def test_load_scenario_callback_restores_inputs_and_weights(settings: Any, dash_call: Any) -> None:
    app = create_app(settings)
    env = app_env(app)
    inputs = state.default_inputs(env)
    values = state.class_values(state.parsed(inputs)[0])
    weights = {c: v / sum(values.values()) for c, v in values.items()}
    sid = data_page.save_inputs(env.store, "w", inputs, "local", weights=weights)
    load = callback_by_input(app, ids.DATA_SCENARIO_LOAD)
    resp = dash_call(app.server.test_client(), app, load, [1], [sid])
    body = resp.get_json()["response"]
    loaded = open_token(app, ids.CURRENT_SCENARIO, body[ids.CURRENT_SCENARIO]["data"])
    assert open_token(app, ids.PROPOSED_WEIGHTS, body[ids.PROPOSED_WEIGHTS]["data"]) == weights
    assert state.result_for(loaded).minimum_capital == state.result_for(inputs).minimum_capital


def test_report_bytes_carry_the_company_filing_figures(env: Any, tmp_path: Path) -> None:
    """The dashboard's workbook shows the company file's [filing] figures (认可资产, the
    integrated risk rating) on the filing sheet, not "not provided", and a valuation date
    survives the scenario's JSON round trip."""
    import datetime as dt
    import json

    import openpyxl

    from analyzer.io.company import Filing

    inputs = state.default_inputs(env)
    company = state.parsed(inputs)[1].model_copy(
        update={
            "filing": Filing(admitted_assets=3.1e11, integrated_risk_rating="A"),
            "valuation_date": dt.date(2026, 9, 30),
        }
    )
    data = json.loads(json.dumps(state.company_dict(company)))
    assert data["valuation_date"] == "2026-09-30"
    assert state.company_from_json(data).valuation_date == dt.date(2026, 9, 30)
    result = state.result_for(inputs)
    path = tmp_path / "r.xlsx"
    path.write_bytes(reports.solvency_report_bytes(result, company))
    sheet = openpyxl.load_workbook(path)["主要指标 Main indicators"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert 3.1e11 in cells and "A" in cells
