"""Browser test (headless chromium): with the bundled template positions the lab optimises the
P&C sample (vc_fund and sci_tech_abs not held) into the new classes and marks them "新增"."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from selenium.webdriver.common.keys import Keys

from dashboard import ids
from dashboard.app import create_app
from dashboard.settings import REPO_DATA_DIR

pytestmark = pytest.mark.browser

PC = REPO_DATA_DIR / "pc"
NEW = ("sci_tech_abs", "vc_fund")
KPI_COMP = "#lab-kpi-comprehensive"


def severe(dash_duo: Any) -> list[Any]:
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


def wait_until(predicate: Any, timeout: float = 20.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001 - element re-rendered while polling
            pass
        time.sleep(0.2)
    return False


def cell_text(dash_duo: Any, row: str, col: str) -> str:
    """The rendered text of a grid cell (scrolled into view first: the grid virtualises rows)."""
    dash_duo.driver.execute_script(
        "const api = dash_ag_grid.getApi(arguments[0]);"
        "api.ensureNodeVisible(api.getRowNode(arguments[1]), 'middle');",
        ids.LAB_GRID,
        row,
    )
    return str(
        dash_duo.find_element(
            f"#{ids.LAB_GRID} .ag-row[row-id='{row}'] .ag-cell[col-id='{col}']"
        ).text
    )


def test_lab_optimises_into_new_classes_with_templates(
    dash_duo: Any, make_settings: Any, tmp_path: Path, free_port: int
) -> None:
    raw = pd.read_csv(PC / "holdings.csv", dtype=str, keep_default_na=False)
    holdings = tmp_path / "pc_dropped.csv"
    raw[~raw["asset_class"].isin(NEW)].to_csv(holdings, index=False)
    settings = make_settings(holdings_path=holdings, company_path=PC / "company.toml")
    dash_duo.start_server(create_app(settings), port=free_port)
    dash_duo.find_element(f"#{ids.NAV_LINKS['lab']}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "资产配置实验室", timeout=15)
    dash_duo.wait_for_element(KPI_COMP, timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.LAB_TEMPLATES}", "data/templates.csv", timeout=10)
    assert wait_until(lambda: cell_text(dash_duo, "vc_fund", "current") == "0.00")

    floor = dash_duo.find_element(f"#{ids.LAB_MIN_SCITECH}")
    floor.send_keys(Keys.CONTROL, "a")
    floor.send_keys("60", Keys.TAB)
    dash_duo.find_element(f"#{ids.LAB_OPTIMISE}").click()
    dash_duo.wait_for_contains_text(f"#{ids.LAB_RESULT_STATUS}", "优化完成", timeout=90)
    dash_duo.wait_for_contains_text(f"#{ids.LAB_NOTES}", "新增资产类别", timeout=10)
    assert "not buyable" in dash_duo.find_element(f"#{ids.LAB_NOTES}").text

    dash_duo.find_element(f"#{ids.LAB_USE_OPTIMUM}").click()
    for c in NEW:
        assert wait_until(lambda c=c: float(cell_text(dash_duo, c, "proposed") or 0) > 0.1)
        assert cell_text(dash_duo, c, "new") == "新增"
        assert cell_text(dash_duo, c, "current") == "0.00"
    assert cell_text(dash_duo, "government_bond", "new") == ""
    assert dash_duo.find_element(f"#{ids.LAB_ERROR}").text == ""
    assert "创" in dash_duo.find_element(f"#{ids.LAB_TRADES}").text
    assert severe(dash_duo) == []
