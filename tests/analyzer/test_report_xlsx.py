"""Workbooks never turn text into formulas (OWASP formula injection); numbers stay numbers."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analyzer.io import read_company, read_holdings
from analyzer.report import solvency_xlsx
from analyzer.report.xlsx import FORMULA_PREFIXES, write_workbook
from analyzer.solvency.engine import evaluate

LIFE = Path(__file__).resolve().parents[2] / "data" / "life"
EVIL = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def cells(raw: bytes | Path, sheet: str) -> list[tuple[openpyxl.cell.Cell, ...]]:
    src = io.BytesIO(raw) if isinstance(raw, bytes) else raw
    return list(openpyxl.load_workbook(src)[sheet].iter_rows())


def test_formula_text_written_as_quoted_text_and_numbers_as_numbers() -> None:
    frame = pd.DataFrame(
        {
            "id": EVIL + ["plain"],
            "market_value": [-5.0, 1e8, np.float64(2.5), np.int64(7), 0.0, -1e-9, np.nan],
        }
    )
    buf = io.BytesIO()
    write_workbook(buf, {"Holdings": frame})
    rows = cells(buf.getvalue(), "Holdings")
    assert [c.value for c in rows[0]] == ["id", "market_value"]
    for row, value in zip(rows[1:], EVIL, strict=False):
        idc = row[0]
        assert idc.data_type == "s", value
        assert idc.value == value  # unchanged: reads back exactly
        assert idc.quotePrefix
    plain = rows[-1][0]
    assert plain.value == "plain" and not plain.quotePrefix
    numbers = [r[1] for r in rows[1:]]
    assert [c.data_type for c in numbers[:-1]] == ["n"] * 6
    assert [c.value for c in numbers] == [-5.0, 1e8, 2.5, 7, 0, -1e-9, None]
    # pandas reads the same table back
    back = pd.read_excel(io.BytesIO(buf.getvalue()), dtype={"id": str})
    assert back["id"].tolist() == EVIL + ["plain"]


def test_pandas_own_writer_would_have_made_a_formula() -> None:
    """The failure the writer exists for (so the test above can fail)."""
    buf = io.BytesIO()
    pd.DataFrame({"id": [EVIL[0]]}).to_excel(buf, index=False)
    assert cells(buf.getvalue(), "Sheet1")[1][0].data_type == "f"


@pytest.mark.parametrize("field", ["id", "counterparty", "asset_class"])
def test_cli_workbook_keeps_hostile_names_as_text(tmp_path: Path, field: str) -> None:
    frame = pd.read_csv(LIFE / "holdings.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["asset_type"] != ""].reset_index(drop=True)
    frame.loc[:3, field] = [f"{p}x{i}" for i, p in enumerate(FORMULA_PREFIXES[:4])]
    holdings = read_holdings(frame.to_csv(index=False).encode(), name="h.csv")
    result = evaluate(holdings, read_company(LIFE / "company.toml"))
    path = solvency_xlsx.write(result, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    formulas = [
        (ws.title, c.coordinate, c.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    sheet = book["Holdings"]
    header = [c.value for c in next(sheet.iter_rows())]
    if field in header:
        col = header.index(field)
        quoted = [r[col].value for r in sheet.iter_rows(min_row=2) if r[col].quotePrefix]
        assert {"=x0", "+x1", "-x2", "@x3"} <= set(quoted)
    # numbers are numbers
    mv = header.index("exposure")
    assert all(isinstance(r[mv].value, float | int) for r in sheet.iter_rows(min_row=2))


def test_report_equals_pandas_on_ordinary_data(tmp_path: Path) -> None:
    """Independent formulation: the same frames written by pandas read back equal."""
    result = evaluate(read_holdings(LIFE / "holdings.csv"), read_company(LIFE / "company.toml"))
    path = solvency_xlsx.write(result, tmp_path / "r.xlsx")
    ours = pd.read_excel(path, sheet_name=None)
    ref_path = tmp_path / "ref.xlsx"
    with pd.ExcelWriter(ref_path, engine="openpyxl") as xl:
        solvency_xlsx.summary_frame(result).to_excel(xl, sheet_name="Summary", index=False)
        result.holdings.drop(columns=["position"]).to_excel(xl, sheet_name="Holdings", index=False)
        result.charges.drop(columns=["position"]).to_excel(xl, sheet_name="Charges", index=False)
        result.compliance.to_frame().to_excel(xl, sheet_name="Compliance", index=False)
    ref = pd.read_excel(ref_path, sheet_name=None)
    for name, frame in ref.items():
        pd.testing.assert_frame_equal(ours[name], frame, check_dtype=False)
