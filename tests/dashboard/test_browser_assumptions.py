"""Browser tests (headless chromium): assumptions upload on the Data page reaching the lab, and
the lab grid's display names in both languages."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.settings import REPO_DATA_DIR

pytestmark = pytest.mark.browser

ASSUMPTIONS = REPO_DATA_DIR / "assumptions.csv"
CORRELATIONS = REPO_DATA_DIR / "correlations.csv"
KPI_RETURN = "#lab-kpi-return"


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


def edited(
    tmp_path: Path, name: str, asset_class: str | None, row: int | None, column: str, value: str
) -> Path:
    lines = ASSUMPTIONS.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    if asset_class is not None:
        row = next(i + 1 for i, ln in enumerate(lines) if ln.startswith(asset_class + ","))
    assert row is not None
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def lab_cell(dash_duo: Any, row: str, col: str) -> Any:
    return dash_duo.find_element(
        f"#{ids.LAB_GRID} .ag-row[row-id='{row}'] .ag-cell[col-id='{col}']"
    )


def open_lab(dash_duo: Any, title: str = "资产配置实验室") -> None:
    dash_duo.find_element(f"#{ids.NAV_LINKS['lab']}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", title, timeout=15)
    dash_duo.wait_for_element(KPI_RETURN, timeout=20)


def test_assumptions_upload_errors_then_lab_uses_them(
    dash_duo: Any, settings: Any, tmp_path: Path, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    open_lab(dash_duo)
    before_er = lab_cell(dash_duo, "government_bond", "expected_return").text
    before_kpi = dash_duo.find_element(KPI_RETURN).text
    assert before_er and before_er != "5.00"

    dash_duo.find_element(f"#{ids.NAV_LINKS['data']}").click()
    upload = dash_duo.wait_for_element(f"#{ids.DATA_ASSUMPTIONS_UPLOAD} input[type=file]")
    bad = edited(tmp_path, "bad_assumptions.csv", None, 4, "volatility", "-0.05")
    upload.send_keys(str(bad))
    dash_duo.wait_for_element("#data-errors-table", timeout=20)
    rows = [r.text for r in dash_duo.find_elements("#data-errors-table tbody tr")]
    assert any(
        "bad_assumptions.csv" in r and r.split()[1] == "4" and "volatility" in r for r in rows
    ), rows
    assert "data/assumptions.csv" in dash_duo.find_element(f"#{ids.DATA_CURRENT}").text

    good = edited(
        tmp_path, "good_assumptions.csv", "government_bond", None, "expected_return", "0.05"
    )
    # chromedriver appends to a `multiple` file input (a user's new choice replaces it):
    # start from a fresh page
    dash_duo.driver.refresh()
    upload = dash_duo.wait_for_element(
        f"#{ids.DATA_ASSUMPTIONS_UPLOAD} input[type=file]", timeout=15
    )
    upload.send_keys(f"{good}\n{CORRELATIONS}")
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "已载入资本市场假设", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_CURRENT}", "good_assumptions.csv", timeout=10)
    assert dash_duo.find_elements("#data-errors-table") == []

    open_lab(dash_duo)
    assert wait_until(
        lambda: lab_cell(dash_duo, "government_bond", "expected_return").text == "5.00"
    )
    assert wait_until(lambda: dash_duo.find_element(KPI_RETURN).text not in ("", before_kpi))
    assert severe(dash_duo) == []


def test_lab_grid_shows_chinese_and_english_names(
    dash_duo: Any, settings: Any, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    open_lab(dash_duo)
    assert wait_until(lambda: lab_cell(dash_duo, "government_bond", "asset_class").text == "国债")
    dash_duo.find_element(f"#{ids.LANG} input[value='en']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "Allocation lab", timeout=15)
    assert wait_until(
        lambda: lab_cell(dash_duo, "government_bond", "asset_class").text == "Government bonds"
    )
    dash_duo.find_element(f"#{ids.LANG} input[value='zh']").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.PAGE_TITLE}", "资产配置实验室", timeout=15)
    assert severe(dash_duo) == []
