"""Allocation lab in headless chromium (dash.testing's ``dash_duo``)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from tokens import open_token

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

KPI_COMP = "#lab-kpi-comprehensive"


def open_lab(dash_duo: Any) -> None:
    dash_duo.find_element(f"#{ids.NAV_LINKS['lab']}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "资产配置实验室", timeout=15)
    dash_duo.wait_for_element(KPI_COMP, timeout=20)


def cell(dash_duo: Any, row: str, col: str = "proposed") -> Any:
    return dash_duo.find_element(
        f"#{ids.LAB_GRID} .ag-center-cols-container .ag-row[row-id='{row}'] "
        f".ag-cell[col-id='{col}']"
    )


def type_into(dash_duo: Any, row: str, value: float) -> None:
    target = cell(dash_duo, row)
    target.click()  # singleClickEdit
    editor = dash_duo.wait_for_element(
        f"#{ids.LAB_GRID} .ag-row[row-id='{row}'] .ag-cell[col-id='proposed'] input", timeout=5
    )
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(f"{value:.4f}", Keys.ENTER)


def wait_until(predicate: Any, timeout: float = 20.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def severe(dash_duo: Any) -> list[Any]:
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


def test_editing_a_weight_updates_the_ratio(dash_duo: Any, settings: Any) -> None:
    app = create_app(settings)
    dash_duo.start_server(app)
    open_lab(dash_duo)
    before = dash_duo.find_element(KPI_COMP).text
    cash = float(cell(dash_duo, "cash").text)
    fund = float(cell(dash_duo, "equity_fund").text)

    type_into(dash_duo, "cash", cash - 0.5)  # total now 99.5%: an error, not a rescale
    dash_duo.wait_for_contains_text(f"#{ids.LAB_ERROR}", "须为 100%", timeout=10)
    type_into(dash_duo, "equity_fund", fund + 0.5)
    dash_duo.wait_for_element(KPI_COMP, timeout=10)
    assert wait_until(lambda: dash_duo.find_element(KPI_COMP).text not in ("", before))
    assert dash_duo.find_element(f"#{ids.LAB_ERROR}").text == ""
    assert "股票型基金" in dash_duo.find_element(f"#{ids.LAB_TRADES}").text  # equity_fund

    # apply: the proposal goes to the session store the other pages read
    dash_duo.find_element(f"#{ids.LAB_APPLY}").click()
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "拟议配置已应用", timeout=10)
    token = dash_duo.driver.execute_script(
        "return JSON.parse(window.sessionStorage.getItem(arguments[0]));", ids.PROPOSED_WEIGHTS
    )
    assert isinstance(token, str)  # the browser holds a signed token, not the weights
    stored = open_token(app, ids.PROPOSED_WEIGHTS, token)
    assert stored["equity_fund"] == pytest.approx((fund + 0.5) / 100, abs=1e-6)
    assert sum(stored.values()) == pytest.approx(1.0, abs=1e-6)

    # a language switch re-renders the page; the working weights stay
    edited = dash_duo.find_element(KPI_COMP).text
    edited_fund = cell(dash_duo, "equity_fund").text
    dash_duo.find_element(f"#{ids.LANG} input[value='en']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "Allocation lab", timeout=15)
    assert wait_until(lambda: cell(dash_duo, "equity_fund").text == edited_fund)
    assert wait_until(lambda: dash_duo.find_element(KPI_COMP).text == edited)
    dash_duo.find_element(f"#{ids.LANG} input[value='zh']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "资产配置实验室", timeout=15)
    assert severe(dash_duo) == []


def frontier_points(dash_duo: Any, graph: str) -> list[Any]:
    return dash_duo.driver.find_elements(
        "css selector", f"#{graph} .scatterlayer .trace:first-child .point"
    )


def test_optimise_draws_frontiers_and_a_click_loads_a_point(dash_duo: Any, settings: Any) -> None:
    dash_duo.start_server(create_app(settings))
    open_lab(dash_duo)
    assert frontier_points(dash_duo, ids.LAB_FRONTIER_VOL) == []
    cash_before = cell(dash_duo, "cash").text

    dash_duo.find_element(f"#{ids.LAB_OPTIMISE}").click()
    dash_duo.wait_for_contains_text(f"#{ids.LAB_RESULT_STATUS}", "优化完成", timeout=90)
    assert wait_until(lambda: len(frontier_points(dash_duo, ids.LAB_FRONTIER_VOL)) >= 2)
    assert len(frontier_points(dash_duo, ids.LAB_FRONTIER_SOLV)) >= 2
    assert dash_duo.find_element(f"#{ids.LAB_PROGRESS}").get_attribute("value") == "4"

    # click the first point of the volatility frontier (minimum volatility: much cash)
    point = frontier_points(dash_duo, ids.LAB_FRONTIER_VOL)[0]
    ActionChains(dash_duo.driver).move_to_element(point).pause(0.3).click().perform()
    if not wait_until(lambda: cell(dash_duo, "cash").text != cash_before, timeout=5):
        # fallback if plotly hit-testing misses under headless selenium: the same clickData
        dash_duo.driver.execute_script(
            "window.dash_clientside.set_props(arguments[0], {clickData: {points: "
            "[{curveNumber: 0, pointNumber: 0, pointIndex: 0, customdata: 0}]}});",
            ids.LAB_FRONTIER_VOL,
        )
    assert wait_until(lambda: cell(dash_duo, "cash").text != cash_before, timeout=10)
    dash_duo.wait_for_element(KPI_COMP, timeout=10)
    assert dash_duo.find_element(f"#{ids.LAB_ERROR}").text == ""
    assert severe(dash_duo) == []


def test_an_executive_is_refused_optimise(
    dash_duo: Any, login_settings: Any, accounts: Any
) -> None:
    dash_duo.start_server(create_app(login_settings), navigate=False)
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=10)
    name, password = accounts["executive"]
    dash_duo.find_element(f"#{ids.LOGIN_USERNAME}").send_keys(name)
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys(password)
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()
    dash_duo.wait_for_contains_text(f"#{ids.USER}", "管理层", timeout=10)
    open_lab(dash_duo)
    dash_duo.find_element(f"#{ids.LAB_OPTIMISE}").click()
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "无权操作", timeout=10)
    time.sleep(1.0)
    assert "优化完成" not in dash_duo.find_element(f"#{ids.LAB_RESULT_STATUS}").text
    assert severe(dash_duo) == []
