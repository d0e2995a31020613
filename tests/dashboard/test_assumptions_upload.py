"""Capital market assumptions uploaded on the Data page: validation row by row (the core's
`read_assumptions`), the current scenario carrying them to the lab, overview and stress
pages, saved scenarios keeping them; and the "modified" source label of a loaded scenario."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tokens import open_token

from analyzer.api import lab as lab_logic
from analyzer.api import overview as overview_service
from dashboard import ids, state
from dashboard.app import create_app
from dashboard.context import app_env
from dashboard.pages import data as data_page
from dashboard.pages import overview, stress
from dashboard.pages.lab import model_for, scenario_key
from dashboard.settings import REPO_DATA_DIR

ASSUMPTIONS = REPO_DATA_DIR / "assumptions.csv"
CORRELATIONS = REPO_DATA_DIR / "correlations.csv"
PC = REPO_DATA_DIR / "pc"


def assumptions_csv(
    row: int | None = None, column: str = "volatility", value: str = "", drop: str | None = None
) -> bytes:
    """The bundled assumptions with one cell changed at spreadsheet ``row`` (header = 1)."""
    lines = ASSUMPTIONS.read_text(encoding="utf-8").splitlines()
    if row is not None:
        header = lines[0].split(",")
        cells = lines[row - 1].split(",")
        cells[header.index(column)] = value
        lines[row - 1] = ",".join(cells)
    if drop:
        lines = [ln for ln in lines if not ln.startswith(drop + ",")]
    return ("\n".join(lines) + "\n").encode("utf-8")


def row_of(asset_class: str) -> int:
    lines = ASSUMPTIONS.read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, ln in enumerate(lines) if ln.startswith(asset_class + ","))


def higher_bond_return() -> bytes:
    """Government bonds at 5% expected return (bundled: well below)."""
    return assumptions_csv(row_of("government_bond"), "expected_return", "0.05")


def not_psd() -> bytes:
    corr = pd.read_csv(CORRELATIONS, index_col=0)
    for a, b, v in (
        ("cash", "government_bond", 0.99),
        ("cash", "stock_csi300", 0.99),
        ("government_bond", "stock_csi300", -0.99),
    ):
        corr.loc[a, b] = corr.loc[b, a] = v
    return corr.to_csv().encode("utf-8")


def data_url(raw: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(raw).decode("ascii")


def callback_by_input(app: Any, input_id: str) -> str:
    for key, spec in app.callback_map.items():
        if spec["inputs"] and spec["inputs"][0]["id"] == input_id:
            return key
    raise KeyError(input_id)


# -- validation ------------------------------------------------------------------------------
def test_negative_volatility_is_a_row_level_error(env: Any) -> None:
    files = [
        ("my_assumptions.csv", assumptions_csv(4, "volatility", "-0.05")),
        ("my_correlations.csv", CORRELATIONS.read_bytes()),
    ]
    inputs, rows = data_page.apply_upload(None, env, assumptions=files)
    assert inputs is None
    assert [{k: r[k] for k in ("file", "row", "column", "message")} for r in rows] == [
        {
            "file": "my_assumptions.csv",
            "row": 4,
            "column": "volatility",
            "message": "must be >= 0, found -0.05",
        }
    ]
    html = repr(data_page.errors_table(rows, "en"))
    assert "my_assumptions.csv" in html and "volatility" in html


def test_a_non_psd_matrix_is_refused_unless_repaired(env: Any) -> None:
    files = [("a.csv", ASSUMPTIONS.read_bytes()), ("corr.csv", not_psd())]
    inputs, rows = data_page.apply_upload(None, env, assumptions=files)
    assert inputs is None and len(rows) == 1
    assert rows[0]["file"] == "corr.csv" and "positive semi-definite" in rows[0]["message"]
    assert "data-repair-hint" in repr(data_page.errors_table(rows, "en"))
    inputs, rows = data_page.apply_upload(None, env, assumptions=files, repair=True)
    assert rows == [] and inputs is not None
    a = state.assumptions_for(inputs)
    assert a is not None and a.repaired
    assert np.linalg.eigvalsh(a.correlation).min() > -1e-8


def test_every_class_of_the_holdings_needs_assumptions(env: Any) -> None:
    files = [("a.csv", assumptions_csv(drop="cash")), ("c.csv", CORRELATIONS.read_bytes())]
    inputs, rows = data_page.apply_upload(None, env, assumptions=files)
    assert inputs is None
    assert rows[0]["file"] == "a.csv" and rows[0]["column"] == "asset_class"
    assert "'cash'" in rows[0]["message"]


def test_table_alone_uses_the_bundled_matrix_and_files_are_told_apart(env: Any) -> None:
    inputs, rows = data_page.apply_upload(None, env, assumptions=[("a.csv", higher_bond_return())])
    assert rows == []
    assert state.assumptions_source(inputs) == "a.csv + data/correlations.csv"
    # the matrix first, names without a hint: recognised by the table's columns
    files = [("m.csv", CORRELATIONS.read_bytes()), ("t.csv", higher_bond_return())]
    inputs, rows = data_page.apply_upload(None, env, assumptions=files)
    assert rows == [] and state.assumptions_source(inputs) == "t.csv + m.csv"


def test_xlsx_assumptions(env: Any, tmp_path: Path) -> None:
    table = pd.read_csv(io.BytesIO(higher_bond_return()), dtype=str, keep_default_na=False)
    table.to_excel(tmp_path / "a.xlsx", index=False)
    pd.read_csv(CORRELATIONS, dtype=str).to_excel(tmp_path / "c.xlsx", index=False)
    files = [
        ("a.xlsx", (tmp_path / "a.xlsx").read_bytes()),
        ("c.xlsx", (tmp_path / "c.xlsx").read_bytes()),
    ]
    inputs, rows = data_page.apply_upload(None, env, assumptions=files)
    assert rows == []
    a = state.assumptions_for(inputs)
    assert a.expected_return[a.index()["government_bond"]] == pytest.approx(0.05)


def test_stored_assumptions_have_no_negative_zero() -> None:
    """The browser's session store writes -0 as 0; a -0.0 would make it re-set itself."""
    import math

    d = state.assumptions_dict(state.bundled_assumptions())
    values = [x for row in d["correlation"] for x in row] + d["expected_return"]
    assert not any(x == 0 and math.copysign(1.0, x) < 0 for x in values)


def test_unsupported_type_is_refused(env: Any) -> None:
    _, rows = data_page.apply_upload(None, env, assumptions=[("a.txt", b"x")])
    assert rows and rows[0]["file"] == "a.txt"


# -- the scenario carries them to every page --------------------------------------------------
def test_uploaded_assumptions_drive_lab_overview_and_stress(env: Any) -> None:
    base = state.default_inputs(env)
    inputs, rows = data_page.apply_upload(None, env, assumptions=[("a.csv", higher_bond_return())])
    assert rows == []
    # the portfolio is unchanged; only the assumptions are new
    assert inputs["holdings"] == base["holdings"] and inputs["company"] == base["company"]
    assert state.result_for(inputs).minimum_capital == state.result_for(base).minimum_capital

    # lab: expected returns of the grid and the live figure
    old = lab_logic.load_model(env.holdings_path, env.company_path)
    new = model_for(scenario_key(inputs), inputs)
    gb = new.classes.index("government_bond")
    assert new.mu[gb] == pytest.approx(0.05) and old.mu[gb] < 0.05
    row = next(r for r in lab_logic.grid_rows(new) if r["asset_class"] == "government_bond")
    assert row["expected_return"] == pytest.approx(5.0)
    er_new = lab_logic.live_figures(new, new.current_percent()).expected_return
    er_old = lab_logic.live_figures(old, old.current_percent()).expected_return
    w_gb = new.current_percent()["government_bond"] / 100
    assert er_new - er_old == pytest.approx(w_gb * (0.05 - old.mu[gb]), rel=1e-9)
    # the optimiser's universe uses them too
    assert new.universe().mu[list(new.universe().units).index("government_bond")] == pytest.approx(
        0.05
    )

    # overview: expected return
    result = state.result_for(inputs)
    assert overview_service.expected_return(result, state.assumptions_for(inputs)) == pytest.approx(
        er_new, rel=1e-9
    )
    *_, er_text = overview.overview_content(inputs, None, "yi", "en", env)
    assert f"{er_new * 100:.2f}%" in repr(er_text)

    # stress: the Monte Carlo market model
    model = stress.scenario_market_model(inputs, new.classes)
    assert model.mu[gb] == pytest.approx(0.05)
    assert stress.portfolio_key(inputs) != stress.portfolio_key(base)


def test_holdings_upload_keeps_the_scenarios_assumptions(env: Any) -> None:
    inputs, _ = data_page.apply_upload(None, env, assumptions=[("a.csv", higher_bond_return())])
    company = [("company.toml", (PC / "company.toml").read_bytes())]
    raw = (PC / "holdings.csv").read_bytes()
    after, rows = data_page.apply_upload(inputs, env, ("pc.csv", raw), company)
    assert rows == [] and after["assumptions"] == inputs["assumptions"]


def test_saved_scenarios_keep_and_reload_the_assumptions(env: Any) -> None:
    inputs, _ = data_page.apply_upload(None, env, assumptions=[("a.csv", higher_bond_return())])
    sid = data_page.save_inputs(env.store, "high-bonds", inputs, "tester")
    loaded = data_page.scenario_inputs(env.store, sid)
    assert loaded["assumptions"] == inputs["assumptions"]
    a = state.assumptions_for(loaded)
    assert a.expected_return[a.index()["government_bond"]] == pytest.approx(0.05)
    assert "a.csv" in data_page.current_text(loaded, env, "en")
    # a scenario saved without an upload reloads with the bundled assumptions
    plain = data_page.scenario_inputs(
        env.store, data_page.save_inputs(env.store, "plain", state.default_inputs(env), "t")
    )
    assert "assumptions" not in plain
    assert "data/assumptions.csv" in data_page.current_text(plain, env, "en")


def test_upload_callback_needs_the_upload_permission(
    login_settings: Any, log_in: Any, dash_call: Any
) -> None:
    app = create_app(login_settings)
    cid = callback_by_input(app, ids.DATA_ASSUMPTIONS_UPLOAD)
    bad = data_url(assumptions_csv(4, "volatility", "-0.05"))
    client = app.server.test_client()
    log_in(client, "exec")
    body = dash_call(client, app, cid, [[bad], []], [["bad.csv"], None, "en", None]).get_json()
    assert body["response"] == {}
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.denied"
    client = app.server.test_client()
    log_in(client, "manager")
    text = dash_call(client, app, cid, [[bad], []], [["bad.csv"], None, "en", None]).get_data(
        as_text=True
    )
    assert "volatility" in text and "bad.csv" in text
    good = data_url(higher_bond_return())
    body = dash_call(client, app, cid, [[good], []], [["good.csv"], None, "en", None]).get_json()
    token = next(
        v["data"] for k, v in body["response"].items() if k.startswith(ids.CURRENT_SCENARIO)
    )
    stored = open_token(app, ids.CURRENT_SCENARIO, token, "manager")
    assert stored["assumptions"]["source"]["assumptions"] == "good.csv"


def test_ticking_repair_rereads_a_refused_upload(env: Any, app: Any) -> None:
    from unittest import mock

    from dash.exceptions import PreventUpdate

    contents = [data_url(ASSUMPTIONS.read_bytes()), data_url(not_psd())]
    names = ["a.csv", "corr.csv"]

    def call(trigger: str, repair: list[str], shown: Any) -> Any:
        with (
            app.server.test_request_context(),
            mock.patch.object(data_page, "ctx", mock.Mock(triggered_id=trigger)),
            mock.patch.object(data_page.notices, "notify") as notify,
        ):
            out = data_page.upload_assumptions(
                contents, repair, names, None, "en", shown, env=app_env(app)
            )
        return out, notify

    (store, errors), _ = call(ids.DATA_ASSUMPTIONS_UPLOAD, [], None)
    assert "positive semi-definite" in repr(errors)
    (store, errors), notify = call(ids.DATA_ASSUMPTIONS_REPAIR, ["repair"], "shown")
    assert errors is None and store["assumptions"]["repaired"] is True
    assert notify.call_args.kwargs["repaired"] == "@data.repaired"
    with pytest.raises(PreventUpdate):  # nothing refused on screen: ticking does not re-read
        call(ids.DATA_ASSUMPTIONS_REPAIR, [], None)


# -- the source label of a loaded scenario ----------------------------------------------------
def test_changing_the_regime_marks_a_loaded_scenario_modified(env: Any) -> None:
    inputs = state.default_inputs(env)
    sid = data_page.save_inputs(env.store, "base", inputs, "tester")
    loaded = data_page.scenario_inputs(env.store, sid)
    assert "scenario: base" in data_page.current_text(loaded, env, "en")
    assert "modified" not in data_page.current_text(loaded, env, "en")
    other = next(r for r in ("cross2-2022", "cross2-2023-09") if r != loaded["regime"])
    changed = state.with_regime(loaded, other)
    assert "scenario: base (modified: regime)" in data_page.current_text(changed, env, "en")
    assert "已修改：监管规则" in data_page.current_text(changed, env, "zh")
    back = state.with_regime(changed, loaded["regime"])
    assert "modified" not in data_page.current_text(back, env, "en")
    # new assumptions on top of the loaded scenario: its inputs are modified too
    up, _ = data_page.apply_upload(changed, env, assumptions=[("a.csv", higher_bond_return())])
    assert "(modified: regime, inputs)" in data_page.current_text(up, env, "en")
