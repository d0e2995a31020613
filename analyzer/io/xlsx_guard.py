"""Refuse an xlsx file that would exhaust memory or time before anything parses it.

An xlsx file is a zip archive of XML parts. A few hundred kilobytes can expand to gigabytes
of XML (a "zip bomb"), and openpyxl (behind pandas) builds every cell in memory: a 1.4 MB
upload expanding to 401 MB of XML once took minutes and several GB. `check_xlsx` looks only at
the archive's directory and streams the worksheet XML (never building cells) to refuse, with
a message in Chinese and English:

* an archive that is not a zip file, or is damaged (a member larger than its declared size is
  caught while reading: the stream is bounded and its checksum verified);
* more members than a workbook plausibly has;
* a total uncompressed size above ``max_uncompressed`` bytes (declared sizes, and again the
  bytes actually read from the worksheets);
* a member compressed more than ``max_ratio`` times (real spreadsheets compress 5-30 times);
* a worksheet with more rows than ``max_rows`` or more columns than ``max_columns`` (from its
  ``<dimension>`` element and from the rows actually present);
* anything beyond Excel's own limits, 1,048,576 rows and 16,384 columns (XFD).

Call it before ``pandas.read_excel`` / ``openpyxl.load_workbook``::

    check_xlsx(raw_bytes, "holdings.xlsx")
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from analyzer.errors import InputError
from analyzer.messages import register, text

#: Excel's own sheet limits (rows, columns), Microsoft "Excel specifications and limits".
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384

#: Default bound of the uncompressed size of all members together, bytes (256 MiB).
DEFAULT_MAX_UNCOMPRESSED = 256 * 1024 * 1024
#: Default bound of one member's compression ratio (uncompressed / compressed).
DEFAULT_MAX_RATIO = 100.0
#: Members smaller than this (bytes) are not checked for their ratio (tiny parts of blank
#: space compress thousands of times and are harmless).
RATIO_FLOOR = 1024 * 1024
#: Most members a workbook may have.
MAX_MEMBERS = 10_000

_CHUNK = 1024 * 1024

register(
    {
        "xlsx.not_zip": (
            "not a valid xlsx file ({reason}); save it again from Excel as .xlsx",
            "不是有效的 xlsx 文件（{reason}）；请在 Excel 中重新另存为 .xlsx",
        ),
        "xlsx.damaged": (
            "the xlsx file is damaged: part '{member}' cannot be read ({reason})",
            "xlsx 文件已损坏：无法读取其中的 '{member}'（{reason}）",
        ),
        "xlsx.too_many_members": (
            "the xlsx file has {count} parts; at most {limit} are allowed",
            "xlsx 文件含 {count} 个部件；最多允许 {limit} 个",
        ),
        "xlsx.too_large": (
            "the xlsx file expands to more than {limit_mb} MB of data ({size_mb} MB); "
            "split it or save it as CSV",
            "xlsx 文件解压后超过 {limit_mb} MB（{size_mb} MB）；请拆分文件或另存为 CSV",
        ),
        "xlsx.ratio": (
            "part '{member}' of the xlsx file is compressed {ratio:.0f} times (at most "
            "{limit:.0f} allowed): this is not an ordinary spreadsheet",
            "xlsx 文件中的 '{member}' 压缩比为 {ratio:.0f} 倍（最多允许 {limit:.0f} 倍）："
            "这不是普通的电子表格",
        ),
        "xlsx.rows": (
            "sheet '{sheet}' has {rows} rows; at most {limit} are allowed",
            "工作表 '{sheet}' 有 {rows} 行；最多允许 {limit} 行",
        ),
        "xlsx.columns": (
            "sheet '{sheet}' has {columns} columns; at most {limit} are allowed",
            "工作表 '{sheet}' 有 {columns} 列；最多允许 {limit} 列",
        ),
        "xlsx.excel_limit": (
            "sheet '{sheet}' goes beyond Excel's own limits ({what}); Excel allows "
            "1,048,576 rows and 16,384 columns",
            "工作表 '{sheet}' 超出 Excel 本身的上限（{what}）；Excel 最多 1,048,576 行、16,384 列",
        ),
        "xlsx.no_sheet": (
            "the xlsx file has no worksheet",
            "xlsx 文件中没有工作表",
        ),
    }
)

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_SPANS = re.compile(rb'\bspans="\d+:(\d+)"')
# cells whose column has 3 letters or more (AAA...), the only ones that can pass XFD
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{3,})\d')
_CELL_REF = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")


def column_number(letters: str) -> int:
    """Excel column letters to a 1-based number: ``A`` -> 1, ``XFD`` -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _fail(name: str, message_id: str, **fields: object) -> InputError:
    return InputError.single(name, None, None, text(message_id, **fields))


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.0f}"


def check_xlsx(
    source: bytes | Path | str,
    name: str,
    *,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_rows: int = EXCEL_MAX_ROWS,
    max_columns: int = EXCEL_MAX_COLUMNS,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> None:
    """Raise `InputError` when an xlsx file is too large, too compressed or beyond Excel's
    limits; return None when pandas / openpyxl may parse it.

    Parameters
    ----------
    source : bytes or path
        The file's bytes (an upload) or its path.
    name : str
        The file name shown in the message.
    max_uncompressed : int
        Largest uncompressed size of all parts together, bytes.
    max_rows, max_columns : int
        Most rows (header included) and columns of any worksheet; never more than Excel's
        1,048,576 rows and 16,384 columns.
    max_ratio : float
        Largest compression ratio (uncompressed / compressed size) of a part above 1 MiB.

    Raises
    ------
    InputError
        One problem naming the file (no row or column: the file as a whole is refused).
    """
    max_rows = min(int(max_rows), EXCEL_MAX_ROWS)
    max_columns = min(int(max_columns), EXCEL_MAX_COLUMNS)
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else Path(source)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _fail(name, "xlsx.not_zip", reason=str(exc) or type(exc).__name__) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _fail(name, "xlsx.too_many_members", count=len(infos), limit=MAX_MEMBERS)
        declared = sum(max(i.file_size, 0) for i in infos)
        if declared > max_uncompressed:
            raise _fail(
                name, "xlsx.too_large", limit_mb=_mb(max_uncompressed), size_mb=_mb(declared)
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > max_ratio:
                raise _fail(name, "xlsx.ratio", member=info.filename, ratio=ratio, limit=max_ratio)
        sheets = [
            i
            for i in infos
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
        ]
        if not sheets:
            raise _fail(name, "xlsx.no_sheet")
        budget = max_uncompressed
        for info in sheets:
            budget -= _scan_sheet(archive, info, name, budget, max_rows, max_columns)


def _scan_sheet(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    budget: int,
    max_rows: int,
    max_columns: int,
) -> int:
    """Stream one worksheet's XML, refusing it as soon as a limit is passed; bytes read."""
    sheet = Path(info.filename).stem
    read = 0
    rows = 0
    tail = b""
    seen_dimension = False
    try:
        with archive.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                if read > info.file_size or read > budget:  # bounded whatever was declared
                    raise _fail(
                        name,
                        "xlsx.too_large",
                        limit_mb=_mb(min(budget, info.file_size)),
                        size_mb=_mb(read),
                    )
                # a tag split between two chunks is seen whole in tail + chunk; tail holds
                # only the unfinished tag (after its last '<'), so nothing is counted twice
                data = tail + chunk
                cut = data.rfind(b"<")
                if cut >= 0 and data.find(b">", cut) < 0:
                    data, tail = data[:cut], data[cut:]
                else:
                    tail = b""
                if len(tail) > 65536:  # an absurd tag: treat as damaged
                    raise _fail(name, "xlsx.damaged", member=info.filename, reason="tag too long")
                if not seen_dimension:
                    m = _DIMENSION.search(data)
                    if m:
                        seen_dimension = True
                        _check_dimension(
                            m.group(1).decode("ascii", "replace"),
                            name,
                            sheet,
                            max_rows,
                            max_columns,
                        )
                for m in _ROW.finditer(data):
                    rows += 1
                    attrs = m.group(1)
                    number = _ROW_NUMBER.search(attrs)
                    last = int(number.group(1)) if number else rows
                    spans = _SPANS.search(attrs)
                    _check_extent(
                        max(rows, last),
                        int(spans.group(1)) if spans else 0,
                        name,
                        sheet,
                        max_rows,
                        max_columns,
                    )
                for m in _WIDE_CELL.finditer(data):
                    _check_extent(
                        0,
                        column_number(m.group(1).decode("ascii")),
                        name,
                        sheet,
                        max_rows,
                        max_columns,
                    )
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        # e.g. "Bad CRC-32": the member holds more (or other) data than its directory says
        raise _fail(
            name, "xlsx.damaged", member=info.filename, reason=str(exc) or type(exc).__name__
        ) from None
    except Exception as exc:  # zlib.error and other decompressor failures
        raise _fail(
            name, "xlsx.damaged", member=info.filename, reason=str(exc) or type(exc).__name__
        ) from None
    return read


def _check_dimension(ref: str, name: str, sheet: str, max_rows: int, max_columns: int) -> None:
    """``<dimension ref="A1:K500"/>``: the used range the writer declared."""
    last = ref.split(":")[-1].strip().upper()
    m = _CELL_REF.match(last)
    if not m:
        return  # an odd reference proves nothing; the rows themselves are counted
    _check_extent(int(m.group(2)), column_number(m.group(1)), name, sheet, max_rows, max_columns)


def _check_extent(
    rows: int, columns: int, name: str, sheet: str, max_rows: int, max_columns: int
) -> None:
    if rows > EXCEL_MAX_ROWS:
        raise _fail(name, "xlsx.excel_limit", sheet=sheet, what=f"{rows:,} rows")
    if columns > EXCEL_MAX_COLUMNS:
        raise _fail(name, "xlsx.excel_limit", sheet=sheet, what=f"{columns:,} columns")
    if rows > max_rows:
        raise _fail(name, "xlsx.rows", sheet=sheet, rows=f"{rows:,}", limit=f"{max_rows:,}")
    if columns > max_columns:
        raise _fail(
            name, "xlsx.columns", sheet=sheet, columns=f"{columns:,}", limit=f"{max_columns:,}"
        )
