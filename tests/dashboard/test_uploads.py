"""Uploads: xlsx bombs refused before parsing, company files read only the files uploaded with
them, errors in both languages (request level and pure helpers)."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.pages import data as data_page
from dashboard.settings import REPO_DATA_DIR

LIFE = REPO_DATA_DIR / "life"


def bomb() -> bytes:
    """A valid xlsx whose sheet is 60 MB of XML in well under 1 MB."""
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + row * (60 * 1024 * 1024 // len(row)) + b"</sheetData></worksheet>"
    )
    src = io.BytesIO()
    pd.read_csv(LIFE / "holdings.csv").head(3).to_excel(src, index=False)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = xml if info.filename == "xl/worksheets/sheet1.xml" else zin.read(info)
            zout.writestr(info.filename, data)
    return out.getvalue()


def test_xlsx_bomb_is_refused_before_anything_parses_it(env: Any) -> None:
    raw = bomb()
    assert len(raw) < 1024 * 1024
    with mock.patch("pandas.read_excel", side_effect=AssertionError("parsed")) as parse:
        out, rows = data_page.apply_upload(None, env, holdings=("big.xlsx", raw))
    assert out is None and parse.call_count == 0
    assert len(rows) == 1 and rows[0]["file"] == "big.xlsx"
    assert "compressed" in rows[0]["message"] or "expands" in rows[0]["message"]
    assert "压缩比" in rows[0]["message_zh"] or "解压后" in rows[0]["message_zh"]
    # the same guard on every xlsx upload: templates and assumptions
    _, rows = data_page.apply_upload(None, env, templates=("t.xlsx", raw))
    assert rows and rows[0]["file"] == "t.xlsx"
    _, rows = data_page.apply_upload(None, env, assumptions=[("a.xlsx", raw)])
    assert rows and rows[0]["file"] == "a.xlsx"


def test_an_ordinary_xlsx_still_loads(env: Any) -> None:
    buf = io.BytesIO()
    pd.read_csv(LIFE / "holdings.csv", dtype=str, keep_default_na=False).to_excel(buf, index=False)
    company = [("company.toml", (LIFE / "company.toml").read_bytes())] + [
        (n, (LIFE / n).read_bytes()) for n in ("liability_cash_flows.csv", "spot_curve.csv")
    ]
    out, rows = data_page.apply_upload(None, env, ("h.xlsx", buf.getvalue()), company)
    assert rows == [] and out is not None and len(out["holdings"]) > 100


# -- company files read only what was uploaded with them -------------------------------------
def company_upload(cash_flows: str) -> list[tuple[str, bytes]]:
    toml = (LIFE / "company.toml").read_text(encoding="utf-8")
    toml = toml.replace('cash_flows = "liability_cash_flows.csv"', f"cash_flows = {cash_flows!r}")
    return [
        ("company.toml", toml.encode("utf-8")),
        ("spot_curve.csv", (LIFE / "spot_curve.csv").read_bytes()),
    ]


def test_company_file_cannot_read_the_servers_files(env: Any, tmp_path: Path) -> None:
    secret = tmp_path / "server_side" / "cash.csv"
    secret.parent.mkdir()
    secret.write_bytes((LIFE / "liability_cash_flows.csv").read_bytes())  # a readable file
    relative = "../" * 12 + str(secret).lstrip("/")
    messages = []
    for ref in (str(secret), relative, str(tmp_path / "missing.csv"), "sub/cash.csv"):
        with mock.patch("analyzer.services.upload.read_company") as core:
            out, rows = data_page.apply_upload(None, env, company=company_upload(ref))
        assert out is None and core.call_count == 0, ref  # refused before the core reads
        assert [(r["file"], r["column"]) for r in rows] == [
            ("company.toml", "liabilities.cash_flows")
        ]
        messages.append(rows[0]["message"].replace(ref, "<ref>"))
        assert "上传" in rows[0]["message_zh"]
    # an existing and a missing server file give the same message: no oracle
    assert messages[0] == messages[2]


def test_company_file_with_its_uploaded_files_loads(env: Any) -> None:
    files = company_upload("liability_cash_flows.csv") + [
        ("liability_cash_flows.csv", (LIFE / "liability_cash_flows.csv").read_bytes())
    ]
    company = data_page.parse_company_upload(files)
    assert company.liabilities is not None and len(company.liabilities.cash_flows) > 10


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("../../etc/x.csv", "x.csv"),
        ("..", "upload"),
        ("a\x00b.csv", "ab.csv"),
        ("C:\\x\\y.csv", "y.csv"),
    ],
)
def test_upload_names_stay_in_the_upload_folder(given: str, written: str) -> None:
    assert data_page._safe_name(given) == written


def test_problem_rows_are_shown_in_the_users_language(env: Any) -> None:
    _, rows = data_page.apply_upload(None, env, company=company_upload("/etc/passwd"))
    zh = data_page.errors_table(rows, "zh")
    en = data_page.errors_table(rows, "en")
    assert "上传" in repr(zh) and "uploaded with the company file" in repr(en)


# -- request size --------------------------------------------------------------------------
def test_shell_tells_the_browser_the_upload_limit(make_settings: Any) -> None:
    app = create_app(make_settings(max_upload_mb=3))
    layout = app.server.test_client().get("/_dash-layout").get_json()
    text = repr(layout)
    assert ids.UPLOAD_LIMIT in text and "'data-mb': '3'" in text
    assert (Path(data_page.__file__).resolve().parents[1] / "assets" / "upload_errors.js").is_file()


def test_data_url_upload_over_the_limit_is_413(make_settings: Any, dash_call: Any) -> None:
    app = create_app(make_settings(max_upload_mb=0.05))
    client = app.server.test_client()
    raw = b"x" * 2_000_000  # 1.9 MiB: above 0.05 MiB plus the 1 MiB allowed for the rest
    url = "data:text/csv;base64," + base64.b64encode(raw).decode()
    upload = next(k for k in app.callback_map if ids.DATA_ERRORS in k)
    resp = dash_call(client, app, upload, [url, None], ["h.csv", None, None, "en"])
    assert resp.status_code == 413
