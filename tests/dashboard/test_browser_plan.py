"""Browser test of the Plan page (headless chromium, dash_duo): the projected ratios the user
sees in both languages are the projector's, and a re-run with edited plan inputs shows the
service's results for those inputs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from analyzer.forward.projection import Projector
from analyzer.io import read_company, read_holdings
from analyzer.services.scenario import bundled_assumptions, bundled_templates, startup_scenario
from dashboard import i18n, ids
from dashboard.app import create_app
from dashboard.units import fmt_pct

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"
LIFE = DATA / "life"


def core_rows() -> list[tuple[str, ...]]:
    """The projector's own run of the start-up files with no plan (what the page's default
    inputs mean: no new money, no new commitments, today's weights held): per date the
    comprehensive and core ratio and, at year-ends, the Annex 4 macro scenario's, formatted as
    the page formats them."""
    projection = Projector(
        read_holdings(LIFE / "holdings.csv"),
        read_company(LIFE / "company.toml"),
        bundled_assumptions(),
        None,
        templates=bundled_templates(),
        reverse=False,
    ).run()
    rows = []
    for p in projection.periods:
        macro = {s.name: s.stressed for s in p.stressed}.get("annex4_macro")
        rows.append(
            (
                p.date.isoformat(),
                fmt_pct(p.result.comprehensive_ratio),
                fmt_pct(p.result.core_ratio),
                fmt_pct(macro.comprehensive_ratio) if macro else "—",
                fmt_pct(macro.core_ratio) if macro else "—",
            )
        )
    return rows


def shown_rows(dash_duo: Any) -> list[tuple[str, ...]]:
    """The projected dates' rows of the ratio table (date, ratios, stressed ratios)."""
    for _ in range(20):  # the table may be replaced while it is read
        try:
            rows = dash_duo.find_elements("#plan-ratios-table tbody tr")
            return [
                tuple(td.text for td in r.find_elements(By.TAG_NAME, "td")[:5]) for r in rows[1:]
            ]
        except StaleElementReferenceException:
            time.sleep(0.1)
    raise AssertionError("the ratio table kept changing")


def wait_value(dash_duo: Any, selector: str, value: str, timeout: float = 20) -> None:
    """Wait until the input's current value (the DOM property) is ``value``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if dash_duo.find_element(selector).get_attribute("value") == value:
            return
        time.sleep(0.2)
    assert dash_duo.find_element(selector).get_attribute("value") == value


def severe(dash_duo: Any) -> list[Any]:
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def test_plan_page_shows_the_projection_in_both_languages_and_reruns(
    dash_duo: Any, settings: Any, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    dash_duo.find_element(f"#{ids.NAV_LINKS['plan']}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", i18n.t("page.plan.title", "zh"))
    dash_duo.wait_for_element("#plan-ratios-table", timeout=60)
    expected = core_rows()
    assert shown_rows(dash_duo) == expected
    assert len(expected) == 12 and sum(r[3] != "—" for r in expected) == 3
    head = dash_duo.find_element("#plan-ratios-table thead").text
    assert i18n.t("plan_page.col.stressed_comprehensive", "zh") in head
    # the inputs hold the defaults: the company's sci-tech target (8%), floors 120% / 60%
    wait_value(dash_duo, f"#{ids.PLAN_TARGET_SHARE}", "8")
    wait_value(dash_duo, f"#{ids.PLAN_FLOOR_COMPREHENSIVE}", "120")
    wait_value(dash_duo, f"#{ids.PLAN_FLOOR_CORE}", "60")
    dash_duo.wait_for_element(f"#{ids.PLAN_RATIO_CHART} .main-svg", timeout=20)
    assert len(dash_duo.find_elements(f"#{ids.PLAN_GLIDE_CHART} .scatterlayer .trace")) >= 5
    assert severe(dash_duo) == []

    # English: the same numbers, English labels, no Chinese label of the page left
    dash_duo.find_element(f"#{ids.LANG} input[value='en']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", i18n.t("page.plan.title", "en"))
    dash_duo.wait_for_contains_text(
        "#plan-ratios-table thead", i18n.t("plan_page.col.stressed_comprehensive", "en"), timeout=30
    )
    assert shown_rows(dash_duo) == expected
    body = dash_duo.find_element(f"#{ids.PLAN_BODY}").text
    leaked = [
        zh
        for key, (zh, _en) in i18n.pairs("plan.").items()
        if "{" not in zh and len(zh) > 1 and zh in body
    ]
    assert leaked == []

    # edit the plan: 50 亿 (CNY 5bn) of new money a year, a 20 亿 vintage in year 1; re-run
    for year, box in ((1, "new-money"), (2, "new-money"), (3, "new-money"), (1, "commitment")):
        field = dash_duo.find_element(f"input[id*='\"plan-{box}\"'][id*='\"index\":{year}']")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("50" if box == "new-money" else "20", Keys.TAB)
    dash_duo.find_element(f"#{ids.PLAN_RUN}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PLAN_PROGRAMME} tbody tr td:nth-child(3)", "5.00", 60)
    scenario = startup_scenario(LIFE / "holdings.csv", LIFE / "company.toml")
    from analyzer.api import plan_page

    edits = {
        "new_money": [5e9, 5e9, 5e9],
        "commitments": [2e9, 0.0, 0.0],
        "commitment_class": "vc_fund",
        "target_sci_tech_share": 0.08,
        "floors": {"comprehensive": 1.2, "core": 0.6},
    }
    run = plan_page.run(scenario, edits)
    after = [
        (
            p["date"],
            fmt_pct(p["comprehensive_ratio"]),
            fmt_pct(p["core_ratio"]),
            fmt_pct(p["stressed"]["comprehensive_ratio"]) if p["stressed"] else "—",
            fmt_pct(p["stressed"]["core_ratio"]) if p["stressed"] else "—",
        )
        for p in run["periods"]
    ]
    assert shown_rows(dash_duo) == after
    assert after != expected  # the new money and the vintage do move the ratios
    progress = dash_duo.find_element(f"#{ids.PLAN_PROGRESS}")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "12"
    assert severe(dash_duo) == []


def test_plans_are_saved_and_compared(dash_duo: Any, settings: Any, free_port: int) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    dash_duo.find_element(f"#{ids.NAV_LINKS['plan']}").click()
    dash_duo.wait_for_element("#plan-ratios-table", timeout=60)
    wait_value(dash_duo, f"#{ids.PLAN_TARGET_SHARE}", "8")

    def save(name: str) -> None:
        box = dash_duo.find_element(f"#{ids.PLAN_SAVE_NAME}")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(name)
        dash_duo.find_element(f"#{ids.PLAN_SAVE}").click()
        dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", name, timeout=20)

    save("基准规划")
    field = dash_duo.find_element("input[id*='\"plan-new-money\"'][id*='\"index\":1']")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("80", Keys.TAB)
    before = shown_rows(dash_duo)
    dash_duo.find_element(f"#{ids.PLAN_RUN}").click()
    deadline = time.time() + 60
    while shown_rows(dash_duo) == before and time.time() < deadline:
        time.sleep(0.25)
    assert shown_rows(dash_duo) != before
    save("增资规划")
    dash_duo.select_dcc_dropdown(f"#{ids.PLAN_COMPARE_A}", index=1)  # newest first
    dash_duo.select_dcc_dropdown(f"#{ids.PLAN_COMPARE_B}", index=0)
    dash_duo.wait_for_element("#plan-compare-table", timeout=60)
    head = dash_duo.find_element("#plan-compare-table thead").text
    assert "基准规划" in head and "增资规划" in head
    rows = dash_duo.find_elements("#plan-compare-table tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows] == ["第1年", "第2年", "第3年"]

    from analyzer.api import plan_page

    scenario = startup_scenario(LIFE / "holdings.csv", LIFE / "company.toml")
    for edits, first in (({}, 1), ({"new_money": [8e9, 0.0, 0.0]}, 4)):
        ends = [p for p in plan_page.run(scenario, edits)["periods"] if p["stressed"]]
        shown = [r.find_elements(By.TAG_NAME, "td")[first].text for r in rows]
        assert shown == [fmt_pct(p["comprehensive_ratio"]) for p in ends]
    assert severe(dash_duo) == []
