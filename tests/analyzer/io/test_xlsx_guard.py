"""The xlsx guard refuses zip bombs and sheets beyond the limits before anything parses."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io.xlsx_guard import EXCEL_MAX_COLUMNS, check_xlsx, column_number

DATA = Path(__file__).resolve().parents[3] / "data" / "life" / "holdings.csv"

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def real_xlsx() -> bytes:
    buf = io.BytesIO()
    pd.read_csv(DATA).to_excel(buf, index=False)
    return buf.getvalue()


def sheet_zip(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal archive with one worksheet part (enough for the guard)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return buf.getvalue()


def rows_xml(n: int, dimension: str | None = None, cells: int = 2) -> bytes:
    parts = [HEAD]
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>'.encode())
    parts.append(b"<sheetData>")
    for r in range(1, n + 1):
        cs = "".join(f'<c r="{chr(65 + j)}{r}"><v>{r}</v></c>' for j in range(cells))
        parts.append(f'<row r="{r}">{cs}</row>'.encode())
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


def problem(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, str, str]:
    p = exc.value.problems[0]
    assert p.file == "h.xlsx" and p.row is None
    assert p.message_zh and p.message_zh != p.message  # both languages
    return p.file, p.message, p.message_zh


def test_real_workbook_passes(tmp_path: Path) -> None:
    raw = real_xlsx()
    check_xlsx(raw, "h.xlsx")
    path = tmp_path / "h.xlsx"
    path.write_bytes(raw)
    check_xlsx(path, "h.xlsx")


def test_not_a_zip() -> None:
    with pytest.raises(InputError) as exc:
        check_xlsx(b"id,market_value\n1,2\n", "h.xlsx")
    assert "not a valid xlsx" in problem(exc)[1]


def test_zip_bomb_refused_by_declared_size_before_decompressing() -> None:
    # 40 MB of one repeated row compresses to well under 1 MB
    row = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    bomb = sheet_zip(HEAD + b"<sheetData>" + row * (40 * 1024 * 1024 // len(row)) + b"</sheetData>")
    assert len(bomb) < 1024 * 1024
    with pytest.raises(InputError) as exc:
        check_xlsx(bomb, "h.xlsx", max_uncompressed=8 * 1024 * 1024)
    assert "expands to more than 8 MB" in problem(exc)[1]
    # within the size bound it is still refused for its compression ratio
    with pytest.raises(InputError) as exc:
        check_xlsx(bomb, "h.xlsx")
    assert "compressed" in problem(exc)[1]


def _lie_about_size(raw: bytes, member: str, size: int) -> bytes:
    """Patch the central directory (and local header) to declare ``size`` bytes."""
    data = bytearray(raw)
    name = member.encode()
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", data, i + 28)[0]
        if bytes(data[i + 46 : i + 46 + n]) == name:
            struct.pack_into("<I", data, i + 24, size)
            offset = struct.unpack_from("<I", data, i + 42)[0]
            struct.pack_into("<I", data, offset + 22, size)
        i = data.find(b"PK\x01\x02", i + 4)
    return bytes(data)


def test_declared_size_that_lies_is_caught_while_reading() -> None:
    xml = rows_xml(20_000)
    raw = _lie_about_size(sheet_zip(xml), "xl/worksheets/sheet1.xml", 1000)
    with pytest.raises(InputError) as exc:
        check_xlsx(raw, "h.xlsx", max_uncompressed=len(xml) // 2)
    msg = problem(exc)[1]
    assert "damaged" in msg or "expands" in msg


def test_rows_counted_even_without_dimension() -> None:
    raw = sheet_zip(rows_xml(3000))
    check_xlsx(raw, "h.xlsx", max_rows=3000)
    with pytest.raises(InputError) as exc:
        check_xlsx(raw, "h.xlsx", max_rows=2999)
    assert "3,000 rows; at most 2,999" in problem(exc)[1]


def test_dimension_beyond_excel_rows() -> None:
    raw = sheet_zip(rows_xml(3, dimension="A1:B1048577"))
    with pytest.raises(InputError) as exc:
        check_xlsx(raw, "h.xlsx")
    assert "Excel's own limits" in problem(exc)[1]
    check_xlsx(sheet_zip(rows_xml(3, dimension="A1:XFD1048576")), "h.xlsx")


def test_row_number_beyond_excel_rows() -> None:
    xml = HEAD + b'<sheetData><row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>'
    with pytest.raises(InputError) as exc:
        check_xlsx(sheet_zip(xml), "h.xlsx")
    assert "1,048,577 rows" in problem(exc)[1]


def test_cell_beyond_column_xfd() -> None:
    assert column_number("XFD") == EXCEL_MAX_COLUMNS
    xml = HEAD + b'<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>'
    with pytest.raises(InputError) as exc:
        check_xlsx(sheet_zip(xml), "h.xlsx")
    assert "16,385 columns" in problem(exc)[1]
    wide = HEAD + b'<sheetData><row r="1"><c r="AAA1"><v>1</v></c></row></sheetData>'
    check_xlsx(sheet_zip(wide), "h.xlsx")
    with pytest.raises(InputError):
        check_xlsx(sheet_zip(wide), "h.xlsx", max_columns=500)


def test_tag_split_across_chunks_counted_once() -> None:
    # ~1.5 MB of rows: the reader's 1 MiB chunks split a row tag somewhere
    raw = sheet_zip(rows_xml(40_000, cells=1))
    check_xlsx(raw, "h.xlsx", max_rows=40_000)
    with pytest.raises(InputError):
        check_xlsx(raw, "h.xlsx", max_rows=39_999)


def test_no_worksheet() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", b"x")
    with pytest.raises(InputError) as exc:
        check_xlsx(buf.getvalue(), "h.xlsx")
    assert "no worksheet" in problem(exc)[1]
