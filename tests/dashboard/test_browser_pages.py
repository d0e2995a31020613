"""Browser tests of the Overview, Solvency and Data pages (headless chromium, dash_duo).

Each test starts its server on a free port (``free_port``), not dash's fixed default, so
several suites can run side by side.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.settings import REPO_DATA_DIR

pytestmark = pytest.mark.browser

LIFE = REPO_DATA_DIR / "life"


def severe(dash_duo: Any) -> list[Any]:
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def go(dash_duo: Any, path: str) -> None:
    dash_duo.find_element(f"#{ids.NAV_LINKS[path]}").click()


def bad_csv(tmp_path: Path) -> Path:
    lines = (LIFE / "holdings.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[4].split(",")  # spreadsheet row 5
    cells[header.index("asset_type")] = "bogus_type"
    lines[4] = ",".join(cells)
    path = tmp_path / "bad_holdings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_pages_load_without_console_errors(dash_duo: Any, settings: Any, free_port: int) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    dash_duo.wait_for_contains_text("#overview-core-ratio", "%", timeout=20)
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_WATERFALL} .main-svg", timeout=10)
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_TREEMAP} .main-svg", timeout=10)

    go(dash_duo, "solvency")
    dash_duo.wait_for_element(f"#{ids.SOLVENCY_POSITIONS} .ag-row", timeout=20)
    dash_duo.wait_for_element("#solvency-regimes-table", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.SOLVENCY_COMPLIANCE}", "%", timeout=10)

    go(dash_duo, "data")
    dash_duo.wait_for_contains_text(f"#{ids.DATA_CURRENT}", "holdings.csv", timeout=10)
    assert severe(dash_duo) == []


def test_bad_upload_shows_row_level_errors(
    dash_duo: Any, settings: Any, tmp_path: Path, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    go(dash_duo, "data")
    upload = dash_duo.wait_for_element(f"#{ids.DATA_HOLDINGS_UPLOAD} input[type=file]")
    upload.send_keys(str(bad_csv(tmp_path)))
    dash_duo.wait_for_element("#data-errors-table", timeout=20)
    text = dash_duo.find_element("#data-errors-table").text
    assert "asset_type" in text and "bad_holdings.csv" in text
    rows = [r.text for r in dash_duo.find_elements("#data-errors-table tbody tr")]
    assert any(r.split()[1] == "5" for r in rows)
    # nothing was loaded: still the sample
    assert "holdings.csv" in dash_duo.find_element(f"#{ids.DATA_CURRENT}").text
    assert severe(dash_duo) == []


def test_good_upload_then_save_reload_and_download(
    dash_duo: Any, settings: Any, tmp_path: Path, free_port: int
) -> None:
    dash_duo.start_server(create_app(settings), port=free_port)
    go(dash_duo, "data")
    upload = dash_duo.wait_for_element(f"#{ids.DATA_HOLDINGS_UPLOAD} input[type=file]")
    upload.send_keys(str(REPO_DATA_DIR / "pc" / "holdings.csv"))
    # P&C positions (5.0e10 CNY) against the start-up life company (total assets 3.0e11 CNY):
    # 17% of total assets stops the upload until the warning is accepted
    dash_duo.wait_for_contains_text(
        "#data-warnings-table", "inputs.sum_vs_total_assets", timeout=20
    )
    dash_duo.find_element("#data-accept-warnings input[type=checkbox]").click()
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "已载入", timeout=20)
    dash_duo.wait_for_contains_text(
        f"#{ids.DATA_CURRENT}", "inputs.sum_vs_total_assets", timeout=10
    )

    dash_duo.find_element(f"#{ids.DATA_SCENARIO_NAME}").send_keys("pc-mix")
    dash_duo.find_element(f"#{ids.DATA_SCENARIO_SAVE}").click()
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "pc-mix", timeout=10)

    dash_duo.find_element(f"#{ids.DATA_RESET}").click()
    dash_duo.wait_for_contains_text(f"#{ids.DATA_CURRENT}", "data/life/holdings.csv", timeout=10)

    dash_duo.select_dcc_dropdown(f"#{ids.DATA_SCENARIO_LIST}", index=0)
    dash_duo.find_element(f"#{ids.DATA_SCENARIO_LOAD}").click()
    dash_duo.wait_for_contains_text(f"#{ids.DATA_CURRENT}", "pc-mix", timeout=10)

    dash_duo.find_element(f"#{ids.DATA_DOWNLOAD_BUTTON}").click()
    folder = Path(dash_duo.download_path)
    deadline = time.time() + 15
    while time.time() < deadline and not list(folder.glob("*.xlsx")):
        time.sleep(0.2)
    files = list(folder.glob("*.xlsx"))
    assert files and files[0].stat().st_size > 1000
    assert severe(dash_duo) == []


def test_executive_is_refused_upload_and_save(
    dash_duo: Any, login_settings: Any, accounts: Any, free_port: int
) -> None:
    dash_duo.start_server(create_app(login_settings), navigate=False, port=free_port)
    dash_duo.driver.get(dash_duo.server.url + "/data")
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=10)
    name, password = accounts["executive"]
    dash_duo.find_element(f"#{ids.LOGIN_USERNAME}").send_keys(name)
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys(password)
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()
    dash_duo.wait_for_contains_text(f"#{ids.USER}", "管理层", timeout=10)
    if not dash_duo.driver.current_url.endswith("/data"):
        go(dash_duo, "data")
    upload = dash_duo.wait_for_element(f"#{ids.DATA_HOLDINGS_UPLOAD} input[type=file]")
    upload.send_keys(str(REPO_DATA_DIR / "pc" / "holdings.csv"))
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "无权操作", timeout=10)
    assert "data/life/holdings.csv" in dash_duo.find_element(f"#{ids.DATA_CURRENT}").text

    dash_duo.find_element(f"#{ids.DATA_SCENARIO_NAME}").send_keys("nope")
    dash_duo.find_element(f"#{ids.DATA_SCENARIO_SAVE}").click()
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "保存情景", timeout=10)
