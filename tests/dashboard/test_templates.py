"""Template positions of asset classes not held yet (docs/dashboard.md, "New asset classes"):
the Data page's upload (row-by-row errors, ``upload`` permission), the lab buying new classes
with exact live ratios, the other pages' proposed scenario, saved scenarios keeping them."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from tokens import open_token

from analyzer.api import lab as lab_logic
from analyzer.io import read_company, read_holdings
from analyzer.optimize.universe import TEMPLATE_PREFIX
from analyzer.solvency.engine import evaluate
from dashboard import ids, state
from dashboard.app import create_app
from dashboard.context import app_env
from dashboard.pages import data as data_page
from dashboard.pages import lab
from dashboard.settings import REPO_DATA_DIR

TEMPLATES = REPO_DATA_DIR / "templates.csv"
PC = REPO_DATA_DIR / "pc"
NEW = ("sci_tech_abs", "vc_fund")

pytestmark = pytest.mark.skipif(not TEMPLATES.is_file(), reason="data/templates.csv missing")


def pc_dropped_csv() -> bytes:
    """The P&C sample holdings without vc_fund and sci_tech_abs."""
    raw = pd.read_csv(PC / "holdings.csv", dtype=str, keep_default_na=False)
    return raw[~raw["asset_class"].isin(NEW)].to_csv(index=False).encode("utf-8")


def templates_csv(row: int | None = None, column: str = "asset_type", value: str = "") -> bytes:
    """The bundled templates with one cell changed at spreadsheet ``row`` (header = 1)."""
    raw = pd.read_csv(TEMPLATES, dtype=str, keep_default_na=False)
    if row is not None:
        raw.loc[row - 2, column] = value
    return raw.to_csv(index=False).encode("utf-8")


def data_url(raw: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(raw).decode("ascii")


@pytest.fixture(scope="module")
def scenario() -> dict[str, Any]:
    """The dropped P&C sample as an uploaded scenario (bundled templates apply)."""
    return state.make_inputs(
        read_holdings(pc_dropped_csv(), name="pc_dropped.csv"),
        read_company(PC / "company.toml"),
        source={"holdings": "pc_dropped.csv", "company": "company.toml"},
    )


@pytest.fixture(scope="module")
def model(scenario: dict[str, Any]) -> lab_logic.LabModel:
    return lab.model_for(lab.scenario_key(scenario), scenario)


@pytest.fixture(scope="module")
def optimum(scenario: dict[str, Any]) -> dict[str, Any]:
    """The lab's optimise callback body: a 60% sci-tech floor needs the new classes."""
    steps: list[Any] = []
    out = lab.run_optimise(
        steps.append, 1, 150, 100, 60, None, "max_return", [], lab.scenario_key(scenario), scenario
    )
    assert steps[-1] == ("4", "4")
    return out


def upload(app: Any, contents: str, name: str, current: Any = None, lang: str = "en") -> Any:
    with (
        app.server.test_request_context(),
        mock.patch.object(data_page.notices, "notify") as notify,
    ):
        out = data_page.upload_templates(contents, name, current, lang, env=app_env(app))
    return out, notify


# -- Data page: upload -------------------------------------------------------------------------
def test_bundled_templates_apply_without_an_upload(env: Any) -> None:
    inputs = state.default_inputs(env)
    assert "templates" not in inputs
    assert state.templates_source(inputs) == "data/templates.csv"
    assert len(state.templates_for(inputs).frame) == len(pd.read_csv(TEMPLATES))
    assert "template positions: data/templates.csv (bundled)" in data_page.current_text(
        None, env, "en"
    )
    assert "模板持仓：data/templates.csv（内置）" in data_page.current_text(None, env, "zh")


def test_good_templates_upload_goes_into_the_scenario(app: Any, env: Any) -> None:
    raw = templates_csv()
    (store, errors), notify = upload(app, data_url(raw), "my_templates.csv")
    assert errors is None
    assert store["templates"]["source"] == "my_templates.csv"
    assert len(store["templates"]["rows"]) == len(pd.read_csv(TEMPLATES))
    assert notify.call_args.args[0] == "data.templates_loaded"
    # the portfolio is unchanged; the templates are part of the lab's key
    base = state.default_inputs(env)
    assert store["holdings"] == base["holdings"] and store["company"] == base["company"]
    assert lab.scenario_key(store) != lab.scenario_key(base)
    assert "template positions: my_templates.csv" in data_page.current_text(store, env, "en")
    assert state.templates_for(store).source == "my_templates.csv"


def test_xlsx_templates(app: Any, tmp_path: Path) -> None:
    pd.read_csv(TEMPLATES, dtype=str, keep_default_na=False).to_excel(
        tmp_path / "t.xlsx", index=False
    )
    contents = "data:application/octet-stream;base64," + base64.b64encode(
        (tmp_path / "t.xlsx").read_bytes()
    ).decode("ascii")
    (store, errors), _ = upload(app, contents, "t.xlsx")
    assert errors is None and store["templates"]["source"] == "t.xlsx"


def test_bad_templates_are_refused_row_by_row(app: Any) -> None:
    from dash import no_update

    # row 3 (T-ABS-1): an unknown asset_type -- the holdings reader's error
    (store, errors), notify = upload(
        app, data_url(templates_csv(3, "asset_type", "bitcoin")), "bad.csv"
    )
    assert store is no_update and not notify.called
    text = repr(errors)
    assert "bad.csv" in text and "asset_type" in text and "bitcoin" in text
    assert "data-errors-table" in text
    rows = data_page.apply_upload(
        None, app_env(app), templates=("bad.csv", templates_csv(3, "asset_type", "bitcoin"))
    )[1]
    assert rows[0]["file"] == "bad.csv" and rows[0]["row"] == 3
    assert rows[0]["column"] == "asset_type"
    # a class without capital market assumptions: checked against the scenario
    rows = data_page.apply_upload(
        None, app_env(app), templates=("t.csv", templates_csv(2, "asset_class", "moon_fund"))
    )[1]
    assert rows[0]["file"] == "t.csv" and rows[0]["row"] == 2
    assert rows[0]["column"] == "asset_class" and "moon_fund" in rows[0]["message"]
    # not a spreadsheet
    rows = data_page.apply_upload(None, app_env(app), templates=("t.txt", b"x"))[1]
    assert rows and rows[0]["file"] == "t.txt"


def test_templates_upload_needs_the_upload_permission(
    login_settings: Any, log_in: Any, dash_call: Any
) -> None:
    app = create_app(login_settings)
    cid = next(
        k
        for k, spec in app.callback_map.items()
        if spec["inputs"] and spec["inputs"][0]["id"] == ids.DATA_TEMPLATES_UPLOAD
    )
    good = data_url(templates_csv())
    client = app.server.test_client()
    log_in(client, "exec")
    body = dash_call(client, app, cid, [good], ["t.csv", None, "en"]).get_json()
    assert body["response"] == {}
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.denied"
    client = app.server.test_client()
    log_in(client, "manager")
    body = dash_call(client, app, cid, [good], ["t.csv", None, "en"]).get_json()
    token = next(
        v["data"] for k, v in body["response"].items() if k.startswith(ids.CURRENT_SCENARIO)
    )
    stored = open_token(app, ids.CURRENT_SCENARIO, token, "manager")
    assert stored["templates"]["source"] == "t.csv"


def test_holdings_upload_keeps_the_templates_and_save_reload_keeps_them(app: Any, env: Any) -> None:
    (store, _), _ = upload(app, data_url(templates_csv()), "my_templates.csv")
    company = [("company.toml", (PC / "company.toml").read_bytes())]
    after, rows = data_page.apply_upload(store, env, ("pc_dropped.csv", pc_dropped_csv()), company)
    assert rows == [] and after["templates"] == store["templates"]
    sid = data_page.save_inputs(env.store, "with-templates", after, "tester")
    loaded = data_page.scenario_inputs(env.store, sid)
    assert loaded["templates"] == after["templates"]
    assert "my_templates.csv" in data_page.current_text(loaded, env, "en")
    assert "modified" not in data_page.current_text(loaded, env, "en")
    m = lab.model_for(lab.scenario_key(loaded), loaded)
    assert m.new_classes == NEW and m.templates.source == "my_templates.csv"
    # a scenario saved without an upload reloads with the bundled templates
    plain = data_page.scenario_inputs(
        env.store, data_page.save_inputs(env.store, "plain", state.default_inputs(env), "t")
    )
    assert "templates" not in plain and state.templates_source(plain) == "data/templates.csv"


# -- lab ---------------------------------------------------------------------------------------
def test_new_classes_in_the_grid_with_weight_0(model: lab_logic.LabModel) -> None:
    assert model.new_classes == NEW and model.template_problem is None
    rows = {r["asset_class"]: r for r in lab_logic.grid_rows(model)}
    for c in NEW:
        assert rows[c]["new"] is True and rows[c]["current"] == 0 and rows[c]["proposed"] == 0
    assert not rows["government_bond"]["new"]
    assert sum(r["current"] for r in rows.values()) == pytest.approx(100.0, abs=1e-6)
    # today's figures are the engine's on the holdings (the 1-CNY rows at weight 0)
    f = lab_logic.live_figures(model, model.current_percent())
    r = evaluate(model.holdings, model.company)
    assert f.comprehensive_ratio == pytest.approx(r.comprehensive_ratio, abs=1e-9)
    assert f.core_ratio == pytest.approx(r.core_ratio, abs=1e-9)
    assert model.total == pytest.approx(r.total_invested, rel=1e-12)
    cols = {c["field"]: c for c in lab.column_defs("zh")}
    assert "'新增'" in cols["new"]["valueFormatter"]["function"]
    assert "'new'" in lab.column_defs("en")[1]["valueFormatter"]["function"]


@pytest.mark.parametrize(
    "moves",
    [
        {"vc_fund": 1.0},
        {"sci_tech_abs": 3.0},
        {"vc_fund": 0.5, "sci_tech_abs": 2.0, "stock_star": 1.0},
    ],
)
def test_typed_weights_of_new_classes_are_exact(
    model: lab_logic.LabModel, moves: dict[str, float]
) -> None:
    w = model.current_percent()
    w["government_bond"] -= sum(moves.values())
    for c, pp in moves.items():
        w[c] += pp
    f = lab_logic.live_figures(model, w)
    assert f.error is None
    u = model.universe()
    frac = np.array([w[c] / 100 for c in u.units])
    scaled = u.scaled_holdings(frac)
    r = evaluate(scaled, model.company)
    assert abs(f.comprehensive_ratio - r.comprehensive_ratio) < 1e-9
    assert abs(f.core_ratio - r.core_ratio) < 1e-9
    assert f.minimum_capital == pytest.approx(r.minimum_capital, rel=1e-12)
    assert f.sci_tech_share == pytest.approx(r.scitech.share, abs=1e-12)
    ids_new = scaled.frame["id"].astype(str).str.startswith(TEMPLATE_PREFIX)
    for c in moves:
        i = model.classes.index(c)
        if c in NEW:  # a buy from 0, in the template mix
            assert f.trades[i] == pytest.approx(moves[c] / 100 * model.total, rel=1e-9)
            part = scaled.frame[ids_new & (scaled.frame["asset_class"] == c)]
            assert part["market_value"].sum() == pytest.approx(f.exposure[i], rel=1e-12)
    # the lab's own scaled holdings are the universe's
    mine = lab_logic.scaled_holdings(model, w)
    assert evaluate(mine, model.company).comprehensive_ratio == pytest.approx(
        r.comprehensive_ratio, abs=1e-12
    )


def test_optimise_buys_the_new_classes(model: lab_logic.LabModel, optimum: dict[str, Any]) -> None:
    assert optimum["status"] == "optimal"
    assert optimum["new_classes"] == list(NEW)
    for c in NEW:
        assert optimum["weights"][c] > 0.1
    assert "policy_loan" in optimum["not_buyable"]
    assert any("not buyable" in n for n in optimum["notes"])
    assert any("templates ignored" in n for n in optimum["notes"])
    f = lab_logic.live_figures(model, optimum["weights"])
    assert f.sci_tech_share >= 0.60 - 1e-6
    assert f.comprehensive_ratio == pytest.approx(optimum["comprehensive_ratio"], rel=1e-6)
    # without templates the same floor cannot hold (the classes are not buyable)
    bare = lab_logic.build_model(model.holdings, model.company, model.assumptions)
    assert bare.new_classes == ()
    out = lab_logic.optimise(
        bare, {"min_comprehensive": 150, "min_core": 100, "min_sci_tech": 60}, frontier_points=2
    )
    assert out["status"] == "infeasible"
    assert "sci_tech_abs" in out["not_buyable"] and "vc_fund" in out["not_buyable"]


def test_result_shows_the_notes_and_new_classes(
    scenario: dict[str, Any], optimum: dict[str, Any], env: Any
) -> None:
    key = lab.scenario_key(scenario)
    *_, notes = lab.show_result(optimum, optimum["weights"], "zh", key, scenario)
    text = repr(notes)
    assert "优化说明" in text and "新增资产类别" in text and "科创" in text
    assert "not buyable" in text and "policy_loan" in text
    *_, notes = lab.show_result(None, None, "zh", key, scenario)
    assert notes is None
    # the grid: "load the optimum" puts the new classes' weights in
    with mock.patch.object(lab, "ctx", mock.Mock(triggered_id=ids.LAB_USE_OPTIMUM)):
        weights, rows, _ = lab.on_grid_event(
            None,
            None,
            None,
            1,
            None,
            scenario,
            lab_logic.grid_rows(lab.model_for(key, scenario)),
            optimum,
            key,
            env=env,
        )
    row = next(r for r in rows if r["asset_class"] == "vc_fund")
    assert row["new"] and row["proposed"] == pytest.approx(optimum["weights"]["vc_fund"], abs=1e-6)
    # the live callback tells what "new" means
    *_, help_ = lab.show_live(weights, "yi", "en", key, scenario)
    assert "not held today" in repr(help_) and "data/templates.csv" in repr(help_)


def test_applied_weights_buy_the_new_classes_on_the_other_pages(
    scenario: dict[str, Any], model: lab_logic.LabModel, optimum: dict[str, Any]
) -> None:
    fractions = lab_logic.proposed_fractions(model, optimum["weights"])
    prop = state.proposed_inputs(scenario, fractions)
    r = state.result_for(prop)
    f = lab_logic.live_figures(model, optimum["weights"])
    assert abs(r.comprehensive_ratio - f.comprehensive_ratio) < 1e-9
    assert abs(r.core_ratio - f.core_ratio) < 1e-9
    assert r.total_invested == pytest.approx(model.total, rel=1e-12)
    h, _ = state.parsed(prop)
    frame = h.frame
    for c in NEW:
        rows = frame[frame["asset_class"] == c]
        assert len(rows) and rows["id"].astype(str).str.startswith(TEMPLATE_PREFIX).all()
        assert rows["market_value"].sum() == pytest.approx(
            optimum["weights"][c] / 100 * model.total, rel=1e-9
        )
    # a new class left at 0 adds no rows
    zero = dict(
        fractions, vc_fund=0.0, government_bond=fractions["government_bond"] + fractions["vc_fund"]
    )
    h0, _ = state.parsed(state.proposed_inputs(scenario, zero))
    assert "vc_fund" not in set(h0.frame["asset_class"].astype(str))


def test_unusable_templates_are_told_not_fatal(model: lab_logic.LabModel) -> None:
    from analyzer.io.holdings import Holdings

    bad = read_holdings(templates_csv(2, "asset_class", "moon_fund"), name="t.csv")
    m = lab_logic.build_model(
        model.holdings, model.company, model.assumptions, templates=Holdings(bad.frame, "t.csv")
    )
    assert m.new_classes == () and m.templates is None
    assert "moon_fund" in (m.template_problem or "")
    assert "Template positions not used" in repr(lab.template_help(m, "en"))
