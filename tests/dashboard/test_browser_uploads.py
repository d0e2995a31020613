"""An upload the server refuses before any callback runs (413) shows a message instead of
leaving the previous "loaded" notice (headless chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.settings import REPO_DATA_DIR

pytestmark = pytest.mark.browser

LIFE = REPO_DATA_DIR / "life"


def test_too_large_upload_shows_a_message(
    dash_duo: Any, make_settings: Any, tmp_path: Path, free_port: int
) -> None:
    # 0.05 MiB of file (+ 1 MiB for the rest of the request): the sample holdings pass
    dash_duo.start_server(create_app(make_settings(max_upload_mb=0.05)), port=free_port)
    dash_duo.find_element(f"#{ids.NAV_LINKS['data']}").click()
    upload = dash_duo.wait_for_element(f"#{ids.DATA_HOLDINGS_UPLOAD} input[type=file]")
    upload.send_keys(str(LIFE / "holdings.csv"))
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "已载入", timeout=20)

    big = tmp_path / "big_holdings.csv"
    big.write_bytes((LIFE / "holdings.csv").read_bytes() * 30)
    assert big.stat().st_size > 2 * 1024 * 1024
    dash_duo.driver.refresh()
    upload = dash_duo.wait_for_element(f"#{ids.DATA_HOLDINGS_UPLOAD} input[type=file]", timeout=15)
    upload.send_keys(str(big))
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "文件过大（上限 0.05 MB）", timeout=20)
    assert "已载入" not in dash_duo.find_element(f"#{ids.NOTICE}").text
