"""Browser tests of the Stress page, the regime selector and an English pass over every page
(headless chromium, dash_duo, each server on a free port)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from analyzer.io import read_company, read_holdings
from analyzer.solvency.regime import DEFAULT_REGIME
from analyzer.stress import Stresser, annex4_scenarios, read_scenarios
from dashboard import i18n, ids, pages
from dashboard.app import create_app
from dashboard.units import fmt_money, fmt_pct

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"


def core_stress_rows() -> tuple[Any, list[tuple[str, str, str]]]:
    """The core's own stress run on the start-up files (the life sample, default regime):
    the Annex 4 scenarios of its company type, then the bundled historical and user scenario
    files. Returns (base result, [(MC after, comprehensive "before → after", core "before →
    after")] per scenario), formatted as the Stress page formats them (亿元, one decimal %)."""
    holdings = read_holdings(DATA / "life" / "holdings.csv")
    company = read_company(DATA / "life" / "company.toml")
    stresser = Stresser(holdings, company, DEFAULT_REGIME)
    classes = set(holdings.frame["asset_class"].astype(str)) - {""}
    shocks = list(annex4_scenarios(company.company_type))
    for name, kind in (("historical.csv", "historical"), ("user_example.csv", "user")):
        shocks += read_scenarios(DATA / "scenarios" / name, kind=kind, known_classes=classes)
    rows = []
    for r in (stresser.run(s) for s in shocks):
        b, s = r.base, r.stressed
        rows.append(
            (
                fmt_money(s.minimum_capital, "yi", "zh"),
                f"{fmt_pct(b.comprehensive_ratio)} → {fmt_pct(s.comprehensive_ratio)}",
                f"{fmt_pct(b.core_ratio)} → {fmt_pct(s.core_ratio)}",
            )
        )
    return stresser.base, rows


def severe(dash_duo: Any) -> list[Any]:
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def go(dash_duo: Any, key: str) -> None:
    dash_duo.find_element(f"#{ids.NAV_LINKS[key]}").click()


def settle(dash_duo: Any, timeout: float = 20) -> None:
    """Wait until no Dash callback is pending (no element marked as loading)."""
    deadline = time.time() + timeout
    script = "return document.querySelectorAll('[data-dash-is-loading=\"true\"]').length"
    quiet = 0
    while time.time() < deadline:
        quiet = quiet + 1 if dash_duo.driver.execute_script(script) == 0 else 0
        if quiet >= 3:
            return
        time.sleep(0.25)


def test_stress_page_shows_scenarios_chart_and_reverse(
    dash_duo: Any, settings: Any, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    go(dash_duo, "stress")
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "压力测试与偿付能力分布", timeout=10)
    dash_duo.wait_for_element("#stress-scenarios-table", timeout=30)
    rows = dash_duo.find_elements("#stress-scenarios-table tbody tr")
    assert len(rows) == 12
    assert "附件4" in rows[0].text
    # every scenario's minimum capital and ratios after the shock are the core's, as formatted
    base, expected = core_stress_rows()
    shown = [tuple(td.text for td in row.find_elements(By.TAG_NAME, "td")[6:9]) for row in rows]
    assert shown == expected
    assert len({row[1:] for row in expected}) > 6  # the scenarios do move the ratios
    line = dash_duo.find_element("#stress-base-line").text
    assert fmt_pct(base.comprehensive_ratio) in line and fmt_pct(base.core_ratio) in line
    assert fmt_money(base.minimum_capital, "yi", "zh") in line
    dash_duo.wait_for_element(f"#{ids.STRESS_CHART} .main-svg", timeout=10)
    bars = dash_duo.find_elements(f"#{ids.STRESS_CHART} .point")
    assert len(bars) >= 4 * 12
    dash_duo.wait_for_element("#stress-reverse-table", timeout=30)
    assert "%" in dash_duo.find_element("#stress-reverse-table").text
    assert severe(dash_duo) == []


def test_small_simulation_shows_the_histogram(dash_duo: Any, settings: Any, free_port: int) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    go(dash_duo, "stress")
    dash_duo.wait_for_contains_text(f"#{ids.STRESS_SIM_STATUS}", "尚未运行", timeout=20)
    n = dash_duo.find_element(f"#{ids.STRESS_SIM_N}")
    n.send_keys(Keys.CONTROL, "a")
    n.send_keys("5000", Keys.TAB)
    seed = dash_duo.find_element(f"#{ids.STRESS_SIM_SEED}")
    seed.send_keys(Keys.CONTROL, "a")
    seed.send_keys("11", Keys.TAB)
    dash_duo.find_element(f"#{ids.STRESS_SIMULATE}").click()
    dash_duo.wait_for_contains_text("#stress-sim-line", "5,000", timeout=60)
    assert "11" in dash_duo.find_element("#stress-sim-line").text
    dash_duo.wait_for_element(f"#{ids.STRESS_HISTOGRAM} .main-svg", timeout=10)
    assert dash_duo.find_element(f"#{ids.STRESS_HISTOGRAM}").is_displayed()
    assert len(dash_duo.find_elements(f"#{ids.STRESS_HISTOGRAM} .point")) > 10
    assert dash_duo.find_elements("#stress-probabilities-table tbody tr")
    assert dash_duo.find_elements("#stress-tail-table tbody tr")
    progress = dash_duo.find_element(f"#{ids.STRESS_PROGRESS}")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "5000"
    assert not dash_duo.find_element(f"#{ids.STRESS_SIMULATE}").get_attribute("disabled")
    assert severe(dash_duo) == []


def test_regime_selector_changes_overview_and_solvency(
    dash_duo: Any, settings: Any, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    dash_duo.wait_for_contains_text("#overview-minimum-capital", "亿元", timeout=20)
    before = dash_duo.find_element("#overview-minimum-capital").text
    dash_duo.select_dcc_dropdown(f"#{ids.REGIME_BOX} .dash-dropdown", value="cross2-2022")
    dash_duo.wait_for_contains_text(f"#{ids.OVERVIEW_KPIS}", "cross2-2022", timeout=20)
    assert dash_duo.find_element("#overview-minimum-capital").text != before
    go(dash_duo, "solvency")  # the store keeps the regime: the selector shows it
    dash_duo.wait_for_contains_text(f"#{ids.REGIME_BOX}", "cross2-2022", timeout=20)
    go(dash_duo, "stress")
    dash_duo.wait_for_contains_text("#stress-base-line", "cross2-2022", timeout=30)
    dash_duo.wait_for_element("#stress-reverse-table", timeout=30)  # let the server finish
    assert severe(dash_duo) == []


def test_solvency_bar_click_drills_down(dash_duo: Any, settings: Any, free_port: int) -> None:
    """Clicking a plotly bar in selenium: the bar's <path> sits under plotly's transparent
    drag layer, so ``element.click()`` is refused ("click intercepted"); plotly finds the
    point from the mouse position on that layer, so we hover the bar's centre and click
    there (ActionChains), as a user does. The callback body is also tested without a browser
    (test_pages_overview_solvency_data.py)."""
    dash_duo.start_server(create_app(settings), port=free_port)
    go(dash_duo, "solvency")
    dash_duo.wait_for_element(f"#{ids.SOLVENCY_POSITIONS} .ag-row", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.SOLVENCY_MODULE_FILTER}", "全部模块", timeout=10)
    dash_duo.wait_for_element(f"#{ids.SOLVENCY_MODULES} .point path", timeout=10)
    bars = dash_duo.find_elements(f"#{ids.SOLVENCY_MODULES} .point path")
    ActionChains(dash_duo.driver).move_to_element(bars[1]).pause(0.3).click().perform()
    # bars[1]: the equity bar (second sub-module)
    # the module's display name (dashboard.names): equity -> 权益价格风险
    dash_duo.wait_for_contains_text(f"#{ids.SOLVENCY_MODULE_FILTER}", "权益价格风险", timeout=10)
    settle(dash_duo)
    modules = {
        cell.text
        for cell in dash_duo.find_elements(
            f"#{ids.SOLVENCY_POSITIONS} .ag-row [col-id=module_name]"
        )
    }
    assert modules == {"权益价格风险"}
    dash_duo.find_element(f"#{ids.SOLVENCY_MODULE_CLEAR}").click()
    dash_duo.wait_for_contains_text(f"#{ids.SOLVENCY_MODULE_FILTER}", "全部模块", timeout=10)
    assert severe(dash_duo) == []


def key_pattern() -> re.Pattern[str]:
    all_keys = i18n.keys()
    prefixes = sorted({k.split(".")[0] for k in all_keys})
    return re.compile(
        r"(?<![\w/.-])(?:"
        + "|".join(map(re.escape, prefixes))
        + r")\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b"
    )


def test_every_page_in_english_has_no_untranslated_keys(
    dash_duo: Any, settings: Any, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    dash_duo.wait_for_contains_text("#overview-core-ratio", "%", timeout=20)
    dash_duo.find_element(f"#{ids.LANG} input[value='en']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "Solvency overview", timeout=10)
    pattern = key_pattern()
    known = set(i18n.keys())
    seen = {}
    for page in pages.PAGES:
        go(dash_duo, page.key)
        title = i18n.t(page.title_key, "en")
        dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", title, timeout=10)
        settle(dash_duo)
        text = dash_duo.find_element(f"#{ids.APP_ROOT}").text
        seen[page.key] = text
        found = set(pattern.findall(text)) | {k for k in known if k in text.split()}
        assert not found, f"untranslated keys on {page.path}: {sorted(found)}"
        assert i18n.t(page.nav_key, "en") in dash_duo.find_element(f"#{ids.NAV}").text
    assert "Reverse stress" in seen["stress"] and "Regime" in seen["solvency"]
    logs = severe(dash_duo)
    assert logs == [], [entry["message"][:600] for entry in logs]
