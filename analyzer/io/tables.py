"""Read a tabular file (.csv, .xlsx, .parquet) into a DataFrame, refusing what cannot be read
safely: a file that is not UTF-8, a header that names a column twice, a row with more or fewer
cells than the header (a file cut short), an Excel formula without a saved value.

CSV files are parsed by pyarrow (strict about the number of cells of every row, multithreaded);
every problem is an :class:`~analyzer.errors.InputError` naming the file, the spreadsheet row
(header = row 1) or cell, and what to do, in Chinese and English.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem
from analyzer.messages import Text, register, text

SUPPORTED = (".csv", ".xlsx", ".parquet")

register(
    {
        "table.duplicate_header": (
            "the header names column '{column}' more than once (columns {positions}); every "
            "column must appear once, otherwise one of them would be read and the other dropped",
            "表头中列 '{column}' 出现了不止一次（第 {positions} 列）；每一列只能出现一次，"
            "否则只会读取其中一列而丢弃另一列",
        ),
        "table.row_cells": (
            "the row has {found} cell(s) but the header has {expected}; a row with missing or "
            "extra cells (a file cut short, or a comma inside a value without quotes) cannot be "
            "read safely",
            "该行有 {found} 个单元格，而表头有 {expected} 列；单元格缺失或多出的行"
            "（文件被截断，或数值中含未加引号的逗号）无法安全读取",
        ),
        "table.formula_no_value": (
            "{cell} is a formula with no saved value; open and save the file in Excel, or paste "
            "values, so that the value Excel shows is the value read",
            "{cell} 是没有保存计算结果的公式；请在 Excel 中打开并保存该文件，或选择性粘贴为数值，"
            "使读取的值与 Excel 显示的值一致",
        ),
        "table.utf16_no_bom": (
            "UTF-16 without a byte-order mark",
            "不带字节顺序标记（BOM）的 UTF-16",
        ),
        "table.legacy_encoding": (
            "a legacy code page such as Latin-1 or Windows-1252",
            "Latin-1 或 Windows-1252 等旧代码页",
        ),
    }
)

#: columns without a header get this name (``unnamed: <1-based position>``), as pandas does
UNNAMED = re.compile(r"^unnamed: ?\d+$")


def _label_and_suffix(source: str | Path | bytes, name: str | None) -> tuple[str, str]:
    label = name or str(source if not isinstance(source, bytes) else "<upload>")
    suffix = Path(name or (source if not isinstance(source, bytes) else "")).suffix.lower()
    return label, suffix


def _encoding_error(label: str, data: bytes) -> InputError:
    """The "save as UTF-8" refusal, naming the encoding the bytes most likely are in."""
    sample = data[:65536]
    if sample.count(b"\x00") > len(sample) // 8:
        kind = text("table.utf16_no_bom")
    else:
        try:
            sample.decode("gb18030")
            kind = Text("GBK / GB18030", "GBK / GB18030")
        except UnicodeDecodeError:
            kind = text("table.legacy_encoding")
    message = Text(
        text("file.encoding", encoding=kind.en).en, text("file.encoding", encoding=kind.zh).zh
    )
    return InputError.single(label, None, None, message)


def utf8_bytes(data: bytes, label: str, check: bool = True) -> bytes:
    """The bytes of a text file as UTF-8 without a byte-order mark.

    A UTF-8 byte-order mark is dropped; UTF-16 with a byte-order mark is converted; anything
    else must be UTF-8 (checked when ``check``), else the file is refused with the catalogue
    message ``file.encoding`` ("save it as UTF-8").
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _encoding_error(label, data) from exc
    if b"\x00" in data[:65536]:  # UTF-16 without a byte-order mark (NUL is valid UTF-8)
        raise _encoding_error(label, data)
    if check:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _encoding_error(label, data) from exc
    return data


def decode_text(data: bytes, label: str) -> str:
    """A text file's content (UTF-8 with or without BOM, or UTF-16 with BOM), else refused."""
    return utf8_bytes(data, label).decode("utf-8")


def _first_record(data: bytes, label: str) -> list[str]:
    """The header record of a CSV (UTF-8 bytes)."""
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_error(label, data) from exc
    return next(csv.reader([line.rstrip("\r")]), [])


def _names(header: list[object]) -> list[str]:
    """Lower-cased, stripped column names; a blank header cell becomes ``unnamed: <pos>``."""
    out = []
    for j, h in enumerate(header):
        s = "" if h is None or (isinstance(h, float) and np.isnan(h)) else str(h).strip()
        out.append(s.lower() if s else f"unnamed: {j + 1}")
    return out


def check_header(header: list[str], label: str) -> None:
    """Refuse a header that names a column twice (compared lower-cased and stripped)."""
    seen: dict[str, list[int]] = {}
    for j, h in enumerate(header):
        if not UNNAMED.match(h):
            seen.setdefault(h, []).append(j + 1)
    problems = [
        InputProblem(
            label,
            1,
            name,
            text(
                "table.duplicate_header",
                column=name,
                positions=", ".join(str(p) for p in pos),
            ),
        )
        for name, pos in seen.items()
        if len(pos) > 1
    ]
    if problems:
        raise InputError(problems)


def _bad_rows(data: bytes, expected: int, label: str) -> InputError:
    """The rows whose number of cells differs from the header's (slow path: only on error)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))
    problems: list[InputProblem] = []
    count = 0
    for k, record in enumerate(reader):
        if not record or k == 0:
            continue
        if len(record) != expected:
            count += 1
            if len(problems) < 20:
                problems.append(
                    InputProblem(
                        label,
                        reader.line_num,
                        None,
                        text("table.row_cells", found=len(record), expected=expected),
                    )
                )
    if count > len(problems):
        problems.append(
            InputProblem(label, None, None, text("value.more_rows", count=count - len(problems)))
        )
    if not problems:  # pyarrow and the csv module disagree: still refuse
        problems.append(
            InputProblem(label, None, None, text("table.row_cells", found="?", expected=expected))
        )
    return InputError(problems)


def _read_csv(data: bytes, label: str, numeric: Collection[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    data = utf8_bytes(data, label, check=False)
    raw_header = _first_record(data, label)
    names = _names(raw_header)
    check_header(names, label)
    end = data.find(b"\n")
    if not names or end < 0 or re.compile(rb"\S").search(data, end + 1) is None:
        raise InputError.single(label, None, None, text("file.no_rows"))
    wanted = {c.lower() for c in numeric}
    invalid: list[object] = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pcsv.ParseOptions(
                newlines_in_values=b'"' in data, invalid_row_handler=on_invalid
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names if n not in wanted},
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                true_values=["\x00"],
                false_values=["\x00"],
                timestamp_parsers=[],
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf-8" in str(exc).lower():
            raise _encoding_error(label, data) from exc
        raise InputError.single(label, None, None, text("file.unreadable", reason=exc)) from exc
    if invalid:
        raise _bad_rows(data, len(names), label)
    columns = {}
    for n in names:
        col = table.column(n)
        if n in wanted:
            t = col.type
            if pa.types.is_null(t):
                col = col.cast(pa.float64())
            elif pa.types.is_floating(t):
                # a cell reading "nan" parses as NaN, not as a blank: keep it as text so that
                # it is refused, not defaulted
                if pc.any(pc.is_nan(col)).as_py():
                    col = col.cast(pa.string())
            elif not pa.types.is_integer(t):
                col = col.cast(pa.string())
        columns[n] = col
    frame = pa.table(columns).to_pandas()
    frame.attrs["header"] = list(raw_header)
    return frame


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _first_sheet(zf: zipfile.ZipFile) -> tuple[str, str]:
    """(title, part name) of the workbook's first sheet (the one read)."""
    wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    sheet = wb.find("m:sheets/m:sheet", _NS)
    if sheet is None:
        raise KeyError("no sheet")
    rid = sheet.get(f"{{{_NS['r']}}}id")
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(
        r.get("Target") for r in rels.findall("rel:Relationship", _NS) if r.get("Id") == rid
    )
    target = target.lstrip("/")
    part = target if target.startswith("xl/") else "xl/" + target
    return sheet.get("name") or "Sheet1", part


def formula_cells_without_value(data: bytes) -> tuple[str, list[str]]:
    """(sheet title, references of the first sheet's formula cells that have no saved value).

    Read from the sheet XML in one streaming pass: a ``<c>`` with an ``<f>`` child and no (or an
    empty) ``<v>`` child. openpyxl and pandas read such a cell as blank.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        title, part = _first_sheet(zf)
        cells: list[str] = []
        c_tag, f_tag, v_tag = (f"{{{_NS['m']}}}{t}" for t in ("c", "f", "v"))
        with zf.open(part) as fh:
            for _, el in ElementTree.iterparse(fh, events=("end",)):
                if el.tag != c_tag:
                    continue
                f = el.find(f_tag)
                if f is not None:
                    v = el.find(v_tag)
                    if v is None or v.text is None or v.text == "":
                        cells.append(el.get("r") or "?")
                el.clear()
    return title, cells


def _header_by_letter(data: bytes) -> dict[str, str]:
    """Column letter -> header text of the first sheet's first row (for messages)."""
    from openpyxl.utils import get_column_letter

    try:
        first = pd.read_excel(io.BytesIO(data), header=None, nrows=1, dtype=object)
    except Exception:  # only used to name a column in a message
        return {}
    return {
        get_column_letter(i + 1): str(v).strip().lower()
        for i, v in enumerate(first.iloc[0].tolist() if len(first) else [])
        if isinstance(v, str) and v.strip()
    }


def _read_xlsx(data: bytes, label: str) -> pd.DataFrame:
    from analyzer.io.xlsx_guard import check_xlsx

    check_xlsx(data, label)  # sizes, zip bomb, Excel's limits: before anything is parsed
    try:
        title, cells = formula_cells_without_value(data)
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise InputError.single(label, None, None, text("file.unreadable", reason=exc)) from exc
    if cells:
        header = _header_by_letter(data)
        problems = []
        for c in cells[:20]:
            letters = c.rstrip("0123456789")
            digits = c[len(letters) :]
            problems.append(
                InputProblem(
                    label,
                    int(digits) if digits.isdigit() else None,
                    header.get(letters),
                    text("table.formula_no_value", cell=f"{title}!{c}"),
                )
            )
        if len(cells) > 20:
            problems.append(
                InputProblem(label, None, None, text("value.more_rows", count=len(cells) - 20))
            )
        raise InputError(problems)
    grid = pd.read_excel(
        io.BytesIO(data),
        header=None,
        dtype=object,
        engine="openpyxl",
        keep_default_na=False,
        na_values=[""],
    )
    if grid.empty:
        raise InputError.single(label, None, None, text("file.no_rows"))
    raw_header = list(grid.iloc[0])
    names = _names(raw_header)
    check_header(names, label)
    frame = grid.iloc[1:].reset_index(drop=True)
    frame.columns = names
    frame = frame.astype(object).where(frame.notna(), "")
    frame.attrs["header"] = [str(h) for h in raw_header]
    return frame


def read_table(
    source: str | Path | bytes, name: str | None = None, numeric: Collection[str] = ()
) -> pd.DataFrame:
    """Read a table, refusing what cannot be read safely.

    Parameters
    ----------
    source : path or bytes
        A file path, or the raw bytes of an upload (then ``name`` gives its file name,
        whose extension picks the format).
    name : str, optional
        The name used in error messages (defaults to the path).
    numeric : column names (lower case) that may be parsed as numbers in a CSV. A column
        whose every cell is a number (or blank, read as NaN) arrives as float; one with any
        other text (including ``nan``) arrives as text, so the caller still reports the bad
        cell exactly.

    Returns
    -------
    pandas.DataFrame
        Columns lower-cased and stripped (a blank header cell: ``unnamed: <position>``); text
        cells as read (blank: ``""``). ``frame.attrs["header"]`` holds the header as written.

    Raises
    ------
    InputError
        When the file is missing, unreadable, empty, of an unsupported type, not UTF-8 (CSV),
        has a column twice in its header, a row whose number of cells differs from the
        header's (CSV), or formula cells without a saved value (.xlsx).
    """
    label, suffix = _label_and_suffix(source, name)
    if suffix not in SUPPORTED:
        raise InputError.single(
            label,
            None,
            None,
            text("file.unsupported_type", suffix=suffix or "?", allowed=", ".join(SUPPORTED)),
        )
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError.single(label, None, None, text("file.not_found"))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError.single(label, None, None, text("file.unreadable", reason=exc)) from exc
    try:
        if suffix == ".csv":
            frame = _read_csv(data, label, numeric)
        elif suffix == ".xlsx":
            frame = _read_xlsx(data, label)
        else:
            frame = pd.read_parquet(io.BytesIO(data))
            frame.attrs["header"] = [str(c) for c in frame.columns]
            names = _names(list(frame.columns))
            check_header(names, label)
            frame.columns = names
    except InputError:
        raise
    except Exception as exc:  # any parser failure is the user's file, not our bug
        raise InputError.single(label, None, None, text("file.unreadable", reason=exc)) from exc
    if frame.empty:
        raise InputError.single(label, None, None, text("file.no_rows"))
    return frame


def read_toml(path: str | Path) -> dict:
    """Read a TOML file (UTF-8, with or without a byte-order mark); a missing, unreadable or
    malformed file is an :class:`InputError`."""
    import tomllib

    path = Path(path)
    label = str(path)
    if not path.is_file():
        raise InputError.single(label, None, None, text("file.not_found"))
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        data = path.read_bytes()
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            content = decode_text(data, label)
        else:
            raise _encoding_error(label, data) from exc
    except OSError as exc:
        raise InputError.single(label, None, None, text("file.unreadable", reason=exc)) from exc
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise InputError.single(label, None, None, text("file.not_toml", reason=exc)) from exc
