"""The one xlsx writer of every workbook the analyzer produces (command line and dashboard).

Text is always written as text. A holdings id, asset class or counterparty name that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (the OWASP "CSV / formula
injection" characters) would otherwise become a formula when the workbook is written, or when
a user edits the cell in Excel: such cells are stored as strings *and* marked with Excel's
quote prefix (shown as ``'=...`` in the formula bar, kept as text when edited), so the value
itself is unchanged and reads back exactly. Numbers stay numbers (a negative amount is a
number, never text); NaN is written as an empty cell.

>>> import pandas as pd
>>> import io
>>> buf = io.BytesIO()
>>> write_workbook(buf, {"Holdings": pd.DataFrame({"id": ["=1+1"], "market_value": [-5.0]})})
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import pandas as pd

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")

# characters XML 1.0 cannot hold (openpyxl refuses them): written as visible escapes
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would read ``value`` as (the start of) a formula."""
    return value.startswith(FORMULA_PREFIXES)


def plain(value: Any) -> Any:
    """A cell value openpyxl can write: Python numbers, bools, dates, str or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and not isinstance(value, str | bytes):
        with contextlib.suppress(TypeError, ValueError):
            value = item()
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.date):
        return value
    if value is pd.NaT or (not isinstance(value, str) and _is_na(value)):
        return None
    return str(value)


def _is_na(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def safe_cell(sheet: Any, value: Any) -> Any:
    """An openpyxl write-only cell holding ``value``; text is never a formula."""
    from openpyxl.cell import WriteOnlyCell

    v = plain(value)
    if isinstance(v, str):
        v = _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", v)
    cell = WriteOnlyCell(sheet, value=v)
    if isinstance(v, str):
        cell.data_type = "s"  # openpyxl would turn "=..." into a formula cell
        if formula_like(v):
            cell.quotePrefix = True
    return cell


def write_rows(sheet: Any, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """Append a header and rows to a write-only sheet through `safe_cell`."""
    sheet.append([safe_cell(sheet, h) for h in header])
    for row in rows:
        sheet.append([safe_cell(sheet, v) for v in row])


def write_workbook(target: str | Path | IO[bytes], sheets: Mapping[str, pd.DataFrame]) -> None:
    """Write each frame (without its index) to a sheet of that name.

    Parameters
    ----------
    target : path or binary file object
    sheets : sheet name -> DataFrame, in workbook order.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name)
        write_rows(sheet, frame.columns, frame.itertuples(index=False, name=None))
    book.save(target)
