"""Plan page and its figures: callback bodies and pure builders, no browser. Numbers are
compared with the plan service's page data (itself tested against the projector)."""

from __future__ import annotations

from typing import Any

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from analyzer.api import plan_page as plan_service
from analyzer.api import scenarios
from dashboard import auth, i18n, ids, names, pages
from dashboard import plan_figures as pf
from dashboard.app import create_app
from dashboard.pages import plan
from dashboard.settings import REPO_DATA_DIR
from dashboard.units import fmt_money, fmt_pct, to_unit

LIFE = REPO_DATA_DIR / "life"
EDITS = {
    "new_money": [5e9, 5e9, 0.0],
    "commitments": [2e9, 1e9, 0.0],
    "commitment_class": "vc_fund",
    "target_sci_tech_share": 0.075,
    "floors": {"comprehensive": 1.3, "core": 0.6},
}


@pytest.fixture(scope="module")
def scenario() -> Any:
    return scenarios.startup_scenario(LIFE / "holdings.csv", LIFE / "company.toml")


@pytest.fixture(scope="module")
def summary(scenario: Any) -> dict[str, Any]:
    return plan_service.run(scenario, EDITS)


# -- fields <-> edits ------------------------------------------------------------------------
def test_blank_fields_ask_for_the_scenarios_defaults() -> None:
    assert plan.edits_from_fields([None] * 3, [None] * 3, None, None, None, None) == {}


def test_fields_are_converted_from_yi_and_percent() -> None:
    edits = plan.edits_from_fields([50, None, "-10"], [20, 0, 0], "vc_fund", 9, 130, None)
    assert edits == {
        "years": 3,
        "new_money": [5e9, 0.0, -1e9],
        "commitments": [2e9, 0.0, 0.0],
        "floors": {"comprehensive": 1.3},  # a blank floor is no floor
        "commitment_class": "vc_fund",
        "target_sci_tech_share": 0.09,
    }
    checked = plan_service.check_edits(edits).to_dict()
    assert plan.fields_from_edits(checked) == (
        [50.0, 0.0, -10.0],
        [20.0, 0.0, 0.0],
        "vc_fund",
        9.0,
        130.0,
        None,
    )


# -- tables ----------------------------------------------------------------------------------
def test_ratio_rows_are_the_services_ratios(summary: dict[str, Any]) -> None:
    rows = plan.ratio_rows(summary, "cny", "en")
    assert len(rows) == 1 + 12
    assert rows[0][0] == f"Today {summary['valuation_date']}"
    assert rows[0][1] == fmt_pct(summary["today"]["comprehensive_ratio"])
    for row, p in zip(rows[1:], summary["periods"], strict=True):
        s = p["stressed"]
        assert row == [
            p["date"],
            fmt_pct(p["comprehensive_ratio"]),
            fmt_pct(p["core_ratio"]),
            fmt_pct(s["comprehensive_ratio"]) if s else "—",
            fmt_pct(s["core_ratio"]) if s else "—",
            fmt_pct(p["sci_tech_share"], 2),
            fmt_money(p["minimum_capital"], "cny", "en"),
        ]
    assert [r[3] != "—" for r in rows[1:]] == [False, False, False, True] * 3


def test_programme_rows_in_the_display_unit(summary: dict[str, Any]) -> None:
    rows = plan.programme_rows(summary, "yi", "zh")
    assert [r[0] for r in rows] == ["第1年", "第2年", "第3年"]
    # year 1: a quarter of the 2e9 vintage is called (Takahashi-Alexander, 25%)
    assert rows[0][2] == "5.00"
    assert rows[1][4] == fmt_money(summary["programme"][1]["nav"], "yi", "zh", with_unit=False)


def test_check_lines_in_both_languages(summary: dict[str, Any]) -> None:
    checks = summary["checks"]
    assert checks  # the 130% floor is broken after the macro scenario
    zh, en = plan.check_lines(summary, "zh"), plan.check_lines(summary, "en")
    c = checks[0]
    digits = 2 if c["check"] == "sci_tech_target" else 1
    for line in (zh[0], en[0]):
        assert c["date"] in line
        assert fmt_pct(c["value"], digits) in line and fmt_pct(c["limit"], digits) in line
    stressed = next(i for i, c in enumerate(checks) if c["basis"] == "stressed")
    assert "压力后" in zh[stressed] and "(stressed)" in en[stressed]


def test_content_before_a_run_and_after_a_failure() -> None:
    for lang in ("zh", "en"):
        status, *rest = plan.plan_content(None, None, "yi", lang)
        assert i18n.t("plan_page.not_run", lang) in repr(status)
        assert rest[2] == plan.EMPTY_FIGURE
    failed = {"error": {"en": "bad plan", "zh": "规划有误"}}
    assert "规划有误" in repr(plan.plan_content(failed, None, "yi", "zh")[0])
    assert "bad plan" in repr(plan.plan_content(failed, None, "yi", "en")[0])


def test_content_warns_when_the_run_is_of_another_scenario(summary: dict[str, Any]) -> None:
    fresh = plan.plan_content(summary, summary["scenario"], "yi", "en")
    stale = plan.plan_content(summary, "another", "yi", "en")
    text = i18n.t("plan_page.stale", "en")
    assert text not in repr(fresh[0]) and text in repr(stale[0])


# -- figures ---------------------------------------------------------------------------------
def _hlines(fig: Any) -> list[float]:
    return sorted(round(s.y0, 9) for s in fig.layout.shapes)


def test_ratio_chart_plots_the_ratios_with_the_lines(summary: dict[str, Any]) -> None:
    fig = pf.ratio_lines(summary, "en")
    by = {tr.name: tr for tr in fig.data}
    comp = by[i18n.t("plan_fig.comprehensive", "en")]
    assert list(comp.x) == [summary["valuation_date"]] + [p["date"] for p in summary["periods"]]
    assert list(comp.y) == [100 * summary["today"]["comprehensive_ratio"]] + [
        100 * p["comprehensive_ratio"] for p in summary["periods"]
    ]
    stressed = by[i18n.t("plan_fig.comprehensive_stressed", "en")]
    assert [y is not None for y in stressed.y] == [False] + [False, False, False, True] * 3
    # 100% minimum, 120% early warning, the company's 150% target, the plan's 130% floor;
    # the 60% core floor too (the comprehensive watch line does not stand for it)
    assert _hlines(fig) == [60.0, 100.0, 120.0, 130.0, 150.0]


def test_a_floor_on_a_line_already_drawn_is_not_drawn_twice(summary: dict[str, Any]) -> None:
    other = {**summary, "edits": {**summary["edits"], "floors": {"comprehensive": 1.2}}}
    assert _hlines(pf.ratio_lines(other, "zh")) == [100.0, 120.0, 150.0]


def test_ratio_chart_needs_the_regimes_thresholds(summary: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="comprehensive_watch"):
        pf.ratio_lines({**summary, "thresholds": {"comprehensive_minimum": 1.0}}, "zh")


def test_glide_path_stacks_to_the_whole_book(summary: dict[str, Any]) -> None:
    fig = pf.glide_area(summary, "zh", top=3)
    assert len(fig.data) == 4 and fig.data[-1].name == i18n.t("plan_fig.other", "zh")
    for k in range(len(summary["periods"])):
        assert sum(tr.y[k] for tr in fig.data) == pytest.approx(100.0, abs=1e-9)
    biggest = max(summary["periods"][0]["weights"].items(), key=lambda kv: kv[1])
    assert fig.data[0].y[0] == pytest.approx(100 * biggest[1])


def test_programme_chart_in_the_display_unit(summary: dict[str, Any]) -> None:
    fig = pf.programme_bars(summary, "yi", "en")
    calls, dists, nav = fig.data
    assert list(calls.y) == [to_unit(r["calls"], "yi") for r in summary["programme"]]
    assert list(dists.y) == [to_unit(r["distributions"], "yi") for r in summary["programme"]]
    assert list(nav.y) == [to_unit(r["nav"], "yi") for r in summary["programme"]]
    assert "CNY 100m" in fig.layout.title.text


def test_sci_tech_chart_has_the_target_line(summary: dict[str, Any]) -> None:
    fig = pf.sci_tech_line(summary, "zh")
    assert list(fig.data[0].y) == [100 * p["sci_tech_share"] for p in summary["periods"]]
    assert _hlines(fig) == [7.5]


# -- callbacks -------------------------------------------------------------------------------
def test_fill_inputs_shows_the_defaults_then_the_last_run(env: Any, summary: dict) -> None:
    money, commit, options, cls, share, fc, fcore = plan.fill_inputs(None, None, env=env)
    assert (money, commit, cls, share, fc, fcore) == (
        [0.0] * 3,
        [0.0] * 3,
        "vc_fund",
        8.0,
        120.0,
        60.0,
    )
    assert [o["value"] for o in options] == ["pe_fund", "vc_fund"]
    labels = [o["label"] for o in plan.fill_inputs(None, None, "en", env=env)[2]]
    assert labels == [names.asset_class("pe_fund", "en"), names.asset_class("vc_fund", "en")]
    assert labels[1] != "vc_fund"
    money, commit, _, cls, share, fc, fcore = plan.fill_inputs(summary, None, env=env)
    assert (money, commit, share, fc, fcore) == (
        [50.0, 50.0, 0.0],
        [20.0, 10.0, 0.0],
        7.5,
        130.0,
        60.0,
    )
    with pytest.raises(PreventUpdate):  # a failed run keeps what the user typed
        plan.fill_inputs({"error": {"en": "x", "zh": "x"}}, None, env=env)


def test_opening_keeps_a_fresh_stored_run_and_a_click_reruns(
    env: Any, summary: dict[str, Any]
) -> None:
    src = plan.source_key(env)
    plan._SOURCES[src] = env
    assert plan.first_run(src, None, summary, env=env) is no_update
    stale = {**summary, "scenario": "another"}
    defaults = plan_service.default_edits(
        scenarios.startup_scenario(LIFE / "holdings.csv", LIFE / "company.toml")
    )
    assert plan.first_run(src, None, stale, env=env)["edits"] == defaults
    assert plan.first_run(src, None, None, env=env)["edits"] == defaults
    progress: list[tuple[str, str]] = []
    clicked = plan.run_plan(
        progress.append, 1, [50, 50, 0], [20, 10, 0], "vc_fund", 7.5, 130, 60, None, src, stale
    )
    assert clicked["edits"] == summary["edits"]
    assert clicked["periods"] == summary["periods"]
    assert progress[0] == ("0", "12") and progress[-1] == ("12", "12")


def test_a_refused_edit_is_stored_as_the_reason_in_both_languages(env: Any) -> None:
    src = plan.source_key(env)
    plan._SOURCES[src] = env
    out = plan.run_plan(
        lambda _: None, 1, [0, 0, 0], [-1, 0, 0], "vc_fund", 8, 120, 60, None, src, None
    )
    assert set(out) == {"error"}
    assert "commitments[1]" in out["error"]["en"] and "不能为负数" in out["error"]["zh"]


def test_save_then_compare_two_plans(
    app: Any, env: Any, dash_call: Any, callback_id: Any, scenario: Any
) -> None:
    client = app.server.test_client()
    save = callback_id(app, ids.PLAN_SAVED, "data")
    runs = {}
    for name, edits in (("plan a", EDITS), ("plan b", {**EDITS, "new_money": [0.0] * 3})):
        runs[name] = plan_service.run(scenario, edits)
        resp = dash_call(client, app, save, [1], [name, None, runs[name], 0])
        assert resp.status_code == 200, resp.text
    saved = {i.name: env.store.get(i.id) for i in env.store.list()}
    assert saved["plan a"].options["plan"] == runs["plan a"]["edits"]
    options = plan.plan_options(env.store)
    assert [o["label"].split(" · ")[0] for o in options] == ["plan b", "plan a"]
    headers, rows = plan.compare_rows(env.store, saved["plan a"].id, saved["plan b"].id, "en")
    assert headers[1] == f"plan a · {i18n.t('plan_page.col.comprehensive', 'en')}"
    ends = {n: [p for p in r["periods"] if p["stressed"]] for n, r in runs.items()}
    assert [r[0] for r in rows] == ["Year 1", "Year 2", "Year 3"]
    for y, row in enumerate(rows):
        a, b = ends["plan a"][y], ends["plan b"][y]
        assert row[1:] == [
            fmt_pct(a["comprehensive_ratio"]),
            fmt_pct(a["core_ratio"]),
            fmt_pct(a["stressed"]["comprehensive_ratio"]),
            fmt_pct(b["comprehensive_ratio"]),
            fmt_pct(b["core_ratio"]),
            fmt_pct(b["stressed"]["comprehensive_ratio"]),
        ]
    assert rows[0][1] != rows[0][4]  # the new money does move the ratios


def test_a_stale_run_is_not_saved(
    app: Any, env: Any, dash_call: Any, callback_id: Any, summary: dict[str, Any]
) -> None:
    client = app.server.test_client()
    save = callback_id(app, ids.PLAN_SAVED, "data")
    resp = dash_call(client, app, save, [1], ["stale", None, {**summary, "scenario": "x"}, 0])
    assert resp.status_code == 204
    assert env.store.list() == []


def test_saving_needs_the_save_permission(login_settings: Any, log_in: Any) -> None:
    app = create_app(login_settings)
    protected = auth.state(app).protected
    assert protected[next(k for k in protected if ids.PLAN_SAVED in k)] == "save"
    assert protected[next(k for k in protected if ids.PLAN_RESULT in k)] == "view"
    client = app.server.test_client()
    assert client.get("/plan").status_code == 302
    log_in(client, "exec")
    assert client.get("/plan").status_code == 200


def test_plan_page_is_in_the_router(env: Any) -> None:
    from dashboard.auth import LOCAL_USER
    from dashboard.context import PageContext

    page = pages.find("/plan")
    assert page is not None and page.key == "plan"
    assert [p.key for p in pages.PAGES][:2] == ["overview", "plan"]
    body = repr(page.layout(PageContext("en", "yi", LOCAL_USER, env, "/plan")))
    assert "Multi-year plan: projected solvency" in body and ids.REGIME_SELECT_TYPE in body
    assert "New money (CNY 100m)" in body and "新增资金" not in body


def test_loading_a_plan_scenario_makes_it_current_with_its_run(
    app: Any, env: Any, dash_call: Any, scenario: Any, opened: Any
) -> None:
    from dashboard.pages import data as data_page

    edits = plan_service.check_edits(EDITS).to_dict()
    sid = data_page.save_inputs(env.store, "p", scenario, "local", plan=edits)
    load = next(k for k, s in app.callback_map.items() if s["inputs"][0]["id"] == ids.PLAN_LOAD)
    resp = dash_call(app.server.test_client(), app, load, [1], [sid])
    body = resp.get_json()["response"]
    current = opened(app, ids.CURRENT_SCENARIO, body[ids.CURRENT_SCENARIO]["data"])
    run = body[ids.PLAN_RESULT]["data"]
    assert run["edits"] == edits
    assert run["scenario"] == plan_service.scenario_key(current)  # fresh: no stale warning
    assert run["periods"] == plan_service.run(scenario, EDITS)["periods"]


def test_the_optimise_box_solves_the_best_path_with_its_progress(env: Any) -> None:
    src = plan.source_key(env)
    plan._SOURCES[src] = env
    progress: list[tuple[str, str]] = []
    out = plan.run_plan(
        progress.append,
        1,
        [50, 50, 50],
        [20, 20, 20],
        "vc_fund",
        10,
        150,
        75,
        None,
        src,
        None,
        ["on"],
    )
    assert out["edits"]["optimise"] is True and "plan" in out
    assert min(p["comprehensive_ratio"] for p in out["periods"]) >= 1.5 - 1e-6
    assert progress[0] == ("0", "24") and progress[-1] == ("24", "24")
