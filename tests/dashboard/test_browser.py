"""Browser tests: headless Debian chromium through dash.testing's ``dash_duo``."""

from __future__ import annotations

from typing import Any

import pytest
from dash import Input, Output, html

from dashboard import ids
from dashboard.app import create_app
from dashboard.auth import protected_callback

pytestmark = pytest.mark.browser


def choose(dash_duo: Any, radio_id: str, value: str) -> None:
    """Click the option ``value`` of a dcc.RadioItems."""
    dash_duo.find_element(f"#{radio_id} input[value='{value}']").click()


def test_app_loads_and_switches_language(dash_duo: Any, settings: Any) -> None:
    app = create_app(settings)
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "偿付能力总览", timeout=10)
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV_LINKS['lab']}", "配置实验室")
    assert "本地用户" in dash_duo.find_element(f"#{ids.USER}").text

    choose(dash_duo, ids.LANG, "en")
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "Solvency overview", timeout=10)
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV_LINKS['lab']}", "Allocation lab")
    dash_duo.wait_for_contains_text(f"#{ids.USER}", "Local user (Risk officer)")

    dash_duo.find_element(f"#{ids.NAV_LINKS['solvency']}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "Solvency and risk capital")
    assert dash_duo.driver.current_url.endswith("/solvency")

    choose(dash_duo, ids.LANG, "zh")
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "偿付能力与风险资本")
    assert dash_duo.get_logs() == []


def test_login_then_refused_action_shows_a_notice(
    dash_duo: Any, login_settings: Any, accounts: Any
) -> None:
    app = create_app(login_settings)
    # a stand-in for a page action that needs the "save" permission
    app.layout = html.Div([app.layout, html.Button("save", id="t-save"), html.Div(id="t-out")])
    protected_callback(
        app,
        "save",
        Output("t-out", "children"),
        Input("t-save", "n_clicks"),
        prevent_initial_call=True,
    )(lambda n: f"saved {n}")
    dash_duo.start_server(app, navigate=False)  # the app page would redirect to /login
    dash_duo.driver.get(dash_duo.server.url)

    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=10)  # redirected to login
    assert "/login" in dash_duo.driver.current_url
    name, password = accounts["executive"]
    dash_duo.find_element(f"#{ids.LOGIN_USERNAME}").send_keys(name)
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys(password)
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()

    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "偿付能力总览", timeout=10)
    dash_duo.wait_for_contains_text(f"#{ids.USER}", "管理层")
    dash_duo.find_element("#t-save").click()
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "无权操作", timeout=10)
    assert dash_duo.find_element("#t-out").text == ""  # the server refused: nothing saved

    dash_duo.find_element(f"#{ids.LOGOUT}").click()
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=10)

    name, password = accounts["asset_manager"]
    dash_duo.find_element(f"#{ids.LOGIN_USERNAME}").send_keys(name)
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys(password)
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()
    dash_duo.wait_for_contains_text(f"#{ids.USER}", "资产管理人员", timeout=10)
    dash_duo.find_element("#t-save").click()
    dash_duo.wait_for_text_to_equal("#t-out", "saved 1", timeout=10)


def slow_square(set_progress: Any, n_clicks: int) -> str:
    """A stand-in background job (runs in a child process via the app's DiskcacheManager)."""
    for i in range(1, 4):
        set_progress((str(i), "3"))
    return f"job done {n_clicks * n_clicks}"


def test_background_callback_runs_through_the_shared_cache(dash_duo: Any, settings: Any) -> None:
    app = create_app(settings)
    app.layout = html.Div(
        [
            app.layout,
            html.Button("run", id="t-run"),
            html.Progress(id="t-progress"),
            html.Div(id="t-result"),
        ]
    )
    protected_callback(
        app,
        "optimize",
        Output("t-result", "children"),
        Input("t-run", "n_clicks"),
        background=True,
        progress=[Output("t-progress", "value"), Output("t-progress", "max")],
        running=[(Output("t-run", "disabled"), True, False)],
        prevent_initial_call=True,
    )(slow_square)
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "偿付能力总览", timeout=10)
    dash_duo.find_element("#t-run").click()
    dash_duo.wait_for_text_to_equal("#t-result", "job done 1", timeout=30)
    assert any(settings.cache_dir.iterdir())  # the job went through the configured cache
