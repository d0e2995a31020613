"""Write validated inputs back as input files (docs/formats.md §11, exported inputs).

The holdings, the look-through underlyings and the company (with its liability cash flows and
spot curve) are written in the documented formats, so that the files read back with the
ordinary readers give the same objects, number for number: ``analyzer solvency`` on the
exported files gives the same ratios as the objects they were written from. This is what
``analyzer project --export-holdings DIR`` writes for each projected date.

Exactness:

- every number is written as the shortest text that reads back to the same float (Python's
  ``repr``, Arrow's cast for whole columns), never rounded; a NaN is a blank cell (the reader's
  blank), an infinity is refused (it cannot be an input);
- a blank cell that took a documented default when the holdings were read stays blank while
  the position still holds that default (``Holdings.defaulted``), so that the defaults count
  and the warnings of blank cells (``holdings.issuer_ratios_unknown``) are those of the file
  the holdings came from; every other cell is written explicitly;
- the company file is TOML written by :func:`company_toml` (no TOML library is needed): text
  escaped, floats by ``repr``, the valuation date as a TOML date, ``[[credit_items]]`` with
  the keys of each item type.

Every file is written atomically (:func:`analyzer.report.files.atomic_write`): a failed write
leaves either the complete new file or the old one, never a half-written one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from analyzer.errors import AnalyzerError
from analyzer.io.columns import COLUMNS, Column
from analyzer.io.company import ITEM_KEYS, Company, CreditItem
from analyzer.messages import register, text
from analyzer.report.files import atomic_write

register(
    {
        "export.not_finite": (
            "cannot write {file}: {column} of row {row} is {value}, not a finite number; "
            "nothing was written",
            "无法写出 {file}：第 {row} 行的 {column} 为 {value}，不是有限数值；未写出任何内容",
        ),
        "export.not_finite_key": (
            "cannot write {file}: {key} is {value}, not a finite number; nothing was written",
            "无法写出 {file}：{key} 为 {value}，不是有限数值；未写出任何内容",
        ),
        "export.missing_column": (
            "cannot write {file}: the holdings have no column '{column}' (every holdings "
            "column of docs/formats.md §1 is written); nothing was written",
            "无法写出 {file}：持仓缺少列 '{column}'（须写出 docs/formats.md §1 的每一列）；"
            "未写出任何内容",
        ),
    }
)

#: the file names of an exported directory (docs/formats.md §11)
HOLDINGS_FILE = "holdings.csv"
COMPANY_FILE = "company.toml"
CASH_FLOWS_FILE = "liability_cash_flows.csv"
SPOT_CURVE_FILE = "spot_curve.csv"
LOOK_THROUGH_FILE = "look_through.csv"

#: the columns of a look-through file before the holdings columns (analyzer.io.look_through)
_LOOK_THROUGH_OWN = ("parent_id", "share")
#: amounts of an underlying that scale with its parent's value (CNY)
_LOOK_THROUGH_AMOUNTS = ("face_value", "purchase_cost", "book_value")
#: the keys every credit item may carry (analyzer.io.company)
_ITEM_COMMON = ("id", "item_type", "amount", "counterparty")
#: TOML keys that need no quotes
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


# --------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------


def _not_finite(file: str, column: str, row: int, value: float) -> AnalyzerError:
    return AnalyzerError(text("export.not_finite", file=file, column=column, row=row, value=value))


def number_cells(values: np.ndarray, file: str = "", column: str = "") -> np.ndarray:
    """The CSV text of a float column: the shortest text that reads back to the same float,
    blank for NaN.

    Parameters
    ----------
    values : array of float
        The column (CNY, years or fractions as the column documents).
    file, column : str
        Named in the error.

    Raises
    ------
    AnalyzerError
        An infinite value (row numbered as the file's: the header is row 1).
    """
    values = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero(np.isinf(values))
    if len(bad):
        raise _not_finite(file, column, int(bad[0]) + 2, float(values[bad[0]]))
    if not len(values):
        return np.array([], dtype=object)
    # Arrow's float-to-text cast writes the shortest round-trip digits (as repr does) in one
    # pass; NaN becomes null, written blank. Arrow writes 1e10 and above with an exponent
    # (3e+11) where repr writes every digit (300000000000.0): those few cells take repr, as
    # does a negative zero (Arrow's "-0" would read back as the integer 0)
    cells = pc.cast(pa.array(values, from_pandas=True), pa.string())
    out = np.asarray(cells.fill_null("").to_numpy(zero_copy_only=False), dtype=object)
    with np.errstate(invalid="ignore"):
        odd = np.flatnonzero((np.abs(values) >= 1e10) | ((values == 0) & np.signbit(values)))
    for i in odd:
        out[i] = repr(float(values[i]))
    return out


def _text_cells(series: pd.Series) -> np.ndarray:
    """The text of a text or choice column (each distinct value converted once)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        texts = [str(c) for c in series.cat.categories]
    else:
        codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
        texts = [str(u) for u in uniques]
    table = np.array([*texts, ""], dtype=object)  # code -1 (missing) is a blank cell
    return table[np.where(codes < 0, len(texts), codes)]


_FLAGS = np.array(["false", "true"], dtype=object)


def _row_defaults(frame: pd.DataFrame, column: Column, rows: np.ndarray) -> np.ndarray:
    """The value a blank cell of ``column`` takes on ``rows`` (book value: the market value,
    0 for a derivative whose fair value is negative)."""
    if column.name == "book_value":
        from analyzer.io.holdings import _derivative_rows

        mv = frame["market_value"].to_numpy(dtype=float)[rows]
        deriv = _derivative_rows(frame["asset_type"])[rows]
        return np.where(deriv, np.maximum(mv, 0.0), mv)
    return np.full(len(rows), column.default, dtype=object)


def holdings_cells(
    frame: pd.DataFrame,
    defaulted: Mapping[str, np.ndarray] | None = None,
    file: str = HOLDINGS_FILE,
    columns: tuple[Column, ...] = COLUMNS,
) -> pd.DataFrame:
    """The text of every cell of a holdings file, column by column in the documented order.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed positions (``Holdings.frame``): every column of :data:`COLUMNS`.
    defaulted : mapping of column -> rows, optional
        The rows whose cell was blank and took the column's default when read
        (``Holdings.defaulted``): written blank again where the value is still that default.
    file : str
        Named in errors.
    columns : tuple of Column
        The columns to write, in order.

    Returns
    -------
    pandas.DataFrame
        Text cells (numbers as shortest round-trip text, flags ``true``/``false``, blanks ``""``).

    Raises
    ------
    AnalyzerError
        A missing column or an infinite number.
    """
    n = len(frame)
    out: dict[str, np.ndarray] = {}
    for column in columns:
        name = column.name
        if name not in frame.columns:
            raise AnalyzerError(text("export.missing_column", file=file, column=name))
        series = frame[name]
        if column.kind in ("number", "int"):
            cells = number_cells(series.to_numpy(dtype=float), file, name)
        elif column.kind == "bool":
            cells = _FLAGS[series.to_numpy(dtype=bool).astype(np.intp)]
        else:
            cells = _text_cells(series)
        rows = np.asarray((defaulted or {}).get(name, ()), dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < n)]
        if len(rows):
            default = _row_defaults(frame, column, rows)
            if column.kind in ("number", "int"):
                now = series.to_numpy(dtype=float)[rows]
                same = now == default.astype(float)  # NaN defaults are blank already
            elif column.kind == "bool":
                same = series.to_numpy(dtype=bool)[rows] == bool(column.default)
            else:
                same = cells[rows] == ("" if column.default is None else str(column.default))
            cells[rows[same]] = ""
        out[name] = cells
    frame_out = _frame(out, n)
    frame_out.attrs["plain"] = [c.name for c in columns if c.kind in ("number", "int", "bool")]
    return frame_out


def _frame(columns: Mapping[str, np.ndarray], n: int) -> pd.DataFrame:
    """Text cells as a frame of object columns (no conversion to another string type)."""
    return pd.DataFrame(
        {
            k: pd.Series(v, dtype=object, index=pd.RangeIndex(n), copy=False)
            for k, v in columns.items()
        }
    )


def _quoted(cells: np.ndarray) -> np.ndarray:
    """A column's cells as CSV fields: a cell with a comma, a quote or a line break is quoted
    (quotes doubled), as the standard ``csv`` module does; each distinct value once."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    fields = np.array(
        [
            '"' + u.replace('"', '""') + '"' if any(ch in u for ch in ',"\r\n') else u
            for u in (str(v) for v in uniques)
        ],
        dtype=object,
    )
    return fields[codes] if len(fields) else np.array([], dtype=object)


#: rows joined into one piece of text at a time when writing a CSV file
CHUNK_ROWS = 100_000


def _csv_chunks(cells: pd.DataFrame) -> Iterator[str]:
    """The CSV text of a frame of text cells in pieces: the header line, then the rows
    (``\\n`` line ends), :data:`CHUNK_ROWS` at a time. Columns named in
    ``cells.attrs["plain"]`` (numbers, flags) are known to need no quotes."""
    yield ",".join(_quoted(np.array(list(cells.columns), dtype=object))) + "\n"
    plain = set(cells.attrs.get("plain", ()))
    columns = [
        cells[c].to_numpy(dtype=object) if c in plain else _quoted(cells[c].to_numpy(dtype=object))
        for c in cells.columns
    ]
    for start in range(0, len(cells), CHUNK_ROWS):
        part = [c[start : start + CHUNK_ROWS] for c in columns]
        yield "\n".join(map(",".join, zip(*part, strict=True))) + "\n"


def csv_text(cells: pd.DataFrame) -> str:
    """The CSV text of a frame of text cells (what :func:`write_holdings` writes)."""
    return "".join(_csv_chunks(cells))


def _write_csv(cells: pd.DataFrame, path: str | Path) -> Path:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for piece in _csv_chunks(cells):
                handle.write(piece)

    return atomic_write(path, write)


# --------------------------------------------------------------------------------------------
# Holdings and look-through files
# --------------------------------------------------------------------------------------------


def write_holdings(holdings: Any, path: str | Path) -> Path:
    """Write positions as a holdings file (docs/formats.md §1), atomically.

    Every column of :data:`analyzer.io.columns.COLUMNS` is written, in that order; flags as
    ``true``/``false``; NaN as a blank cell; every number as the shortest text that reads
    back to the same float. A cell that was blank when the holdings were read and still holds
    the column's default is written blank (``Holdings.defaulted``), so that reading the file
    gives the same defaults count and the same warnings.

    Parameters
    ----------
    holdings : Holdings
        Validated positions (:func:`analyzer.io.holdings.read_holdings`, or a holdings object
        derived from them such as ``Holdings.scaled``).
    path : path
        The CSV file to write (its folder is created).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    AnalyzerError
        An infinite number or a missing column (nothing is written).
    """
    path = Path(path)
    cells = holdings_cells(
        holdings.frame, getattr(holdings, "defaulted", None) or {}, file=path.name
    )
    return _write_csv(cells, path)


def look_through_cells(look_through: Any, parents: Any = None, file: str = "") -> pd.DataFrame:
    """The text of a look-through file (:mod:`analyzer.io.look_through`) for ``look_through``.

    With ``parents`` (the holdings the underlyings belong to), the underlyings are written as
    the engine charges them against those holdings: an underlying whose parent is no longer
    held or no longer looked through is left out (the engine leaves it out), and the amounts
    (``face_value``, ``purchase_cost``, ``book_value``) are scaled by the parent's market value
    now against its value when the file was read, as the engine scales them, so that the file
    read back against ``parents`` gives the same charges.
    """
    lt = look_through.frame
    parent_id = lt["parent_id"].astype(object).to_numpy().astype(str)
    keep = np.ones(len(lt), dtype=bool)
    ratio = np.ones(len(lt))
    if parents is not None:
        hf = parents.frame
        index = pd.Index(hf["id"].astype(object).to_numpy())
        where = index.get_indexer(parent_id)
        keep = where >= 0
        flagged = hf["look_through"].to_numpy(dtype=bool)
        keep[keep] &= flagged[where[keep]]
        now = hf["market_value"].to_numpy(dtype=float)[np.where(keep, where, 0)]
        read = lt["parent_value"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(read > 0, now / read, 1.0)
    frame = lt.loc[keep].reset_index(drop=True).copy()
    ratio = ratio[keep]
    parent_id = parent_id[keep]
    for col in _LOOK_THROUGH_AMOUNTS:
        frame[col] = frame[col].to_numpy(dtype=float) * ratio
    ids = frame["id"].astype(object).to_numpy().astype(str)
    own = np.array(
        [
            i[len(p) + 1 :] if i.startswith(p + "/") else i
            for i, p in zip(ids, parent_id, strict=True)
        ],
        dtype=object,
    )
    frame["id"] = own
    columns = tuple(c for c in COLUMNS if c.name != "market_value")
    body = holdings_cells(frame, None, file=file, columns=columns)
    head = {
        "parent_id": parent_id.astype(object),
        "share": number_cells(frame["share"].to_numpy(dtype=float), file, "share"),
    }
    cells = _frame({**head, **{c: body[c].to_numpy(dtype=object) for c in body.columns}}, len(body))
    cells.attrs["plain"] = ["share", *body.attrs.get("plain", ())]
    return cells


def write_look_through(look_through: Any, path: str | Path, *, parents: Any = None) -> Path:
    """Write look-through underlyings as a look-through file, atomically.

    The columns are ``parent_id``, ``share`` and every holdings column but ``market_value``
    (an underlying's value is its share of the parent's); ``id`` is the underlying's own id
    (without the ``<parent_id>/`` the reader adds). Numbers, flags and blanks as in
    :func:`write_holdings`.

    Parameters
    ----------
    look_through : LookThrough
        Validated underlyings (``Holdings.look_through``).
    path : path
        The CSV file to write.
    parents : Holdings, optional
        The holdings they belong to now: underlyings of a parent no longer held or looked
        through are left out, and amounts follow the parent's current value (see
        :func:`look_through_cells`). Without it the underlyings are written as read.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    return _write_csv(look_through_cells(look_through, parents, file=path.name), path)


# --------------------------------------------------------------------------------------------
# Company file (TOML)
# --------------------------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any, where: str = "") -> str:
    """A TOML value: booleans, integers, floats by ``repr`` (read back exactly), text, dates.

    Raises
    ------
    AnalyzerError
        A NaN or infinite float (``where`` names the key).
    TypeError
        A value of another kind (a programming error).
    """
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise AnalyzerError(
                text("export.not_finite_key", file=COMPANY_FILE, key=where, value=v)
            )
        return repr(v)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"{where}: no TOML form for {type(value).__name__}")


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else toml_string(name)


def _pairs(model: BaseModel, where: str, keys: tuple[str, ...] | None = None) -> list[str]:
    """``key = value`` lines of a model's fields that are set (None is left out)."""
    lines = []
    for name in keys if keys is not None else tuple(type(model).model_fields):
        value = getattr(model, name)
        if value is None or isinstance(value, BaseModel):
            continue
        lines.append(f"{_key(name)} = {toml_value(value, f'{where}.{name}' if where else name)}")
    return lines


def _item_keys(item: CreditItem) -> tuple[str, ...]:
    """The keys of a credit item to write: those of its item type, and any other key whose
    value is not the field's default (the reader then refuses it: nothing is dropped)."""
    allowed = (*_ITEM_COMMON, *ITEM_KEYS.get(item.item_type, ()))
    fields = CreditItem.model_fields
    other = tuple(k for k in fields if k not in allowed and getattr(item, k) != fields[k].default)
    return (*allowed, *other)


def company_toml(
    company: Company,
    cash_flows_file: str | None = CASH_FLOWS_FILE,
    spot_curve_file: str | None = SPOT_CURVE_FILE,
) -> str:
    """The text of a company file (docs/formats.md §2) holding everything ``company`` holds.

    Every section the company has is written (``[capital]``, ``[minimum_capital]``,
    ``[targets]``, ``[fx_liabilities]``, and when present ``[loss_absorption]``,
    ``[stress_inputs]``, ``[filing]``, ``[liabilities]``, ``[liquidity]``,
    ``[[credit_items]]``); optional figures that are not set are left out.
    ``[liabilities]`` names ``cash_flows_file`` and ``spot_curve_file`` (relative names, in
    the company file's folder).
    """
    lines = [
        "# Company file written by the analyzer (docs/formats.md §2); every amount in CNY.",
        *_pairs(
            company,
            "",
            (
                "name",
                "company_type",
                "total_assets",
                "prior_comprehensive_ratio",
                "reinsurance_business",
                "valuation_date",
            ),
        ),
    ]
    for section in (
        "capital",
        "minimum_capital",
        "targets",
        "fx_liabilities",
        "loss_absorption",
        "stress_inputs",
        "filing",
    ):
        model = getattr(company, section)
        if model is None:
            continue
        lines += ["", f"[{section}]", *_pairs(model, section)]
    if company.liabilities is not None:
        lines += [
            "",
            "[liabilities]",
            f"cash_flows = {toml_string(cash_flows_file or CASH_FLOWS_FILE)}",
            f"spot_curve = {toml_string(spot_curve_file or SPOT_CURVE_FILE)}",
        ]
    liq = company.liquidity
    if liq is not None:
        lines += ["", "[liquidity]", *_pairs(liq, "liquidity")]
        for name, value in liq:
            if isinstance(value, BaseModel):
                lines += ["", f"[liquidity.{name}]", *_pairs(value, f"liquidity.{name}")]
    for i, item in enumerate(company.credit_items):
        lines += ["", "[[credit_items]]", *_pairs(item, f"credit_items[{i + 1}]", _item_keys(item))]
    return "\n".join(lines) + "\n"


def series_cells(values: np.ndarray, column: str, file: str) -> pd.DataFrame:
    """A ``year, <column>`` table (years 1..N) of a liability cash-flow or spot-curve file."""
    values = np.asarray(values, dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise _not_finite(file, column, int(bad[0]) + 2, float(values[bad[0]]))
    return _frame(
        {
            "year": np.array([str(k) for k in range(1, len(values) + 1)], dtype=object),
            column: np.array([repr(float(v)) for v in values], dtype=object),
        },
        len(values),
    )


def write_company(company: Company, directory: str | Path, name: str = COMPANY_FILE) -> Path:
    """Write a company file and, for a company with liabilities, its cash-flow and spot-curve
    files beside it, atomically.

    The liability files are ``liability_cash_flows.csv`` (``year, net_outflow``, CNY) and
    ``spot_curve.csv`` (``year, rate``, fractions), written before the company file that names
    them: a company file is never left naming a file that was not written.

    Parameters
    ----------
    company : Company
        A validated company (:func:`analyzer.io.company.read_company`, or one derived from it).
    directory : path
        The folder to write into (created).
    name : str
        The company file's name.

    Returns
    -------
    Path
        The company file.

    Raises
    ------
    AnalyzerError
        A non-finite number (checked first: nothing is written).
    """
    directory = Path(directory)
    body, flows, curve = _company_files(company)  # checked before any file is written
    if flows is not None and curve is not None:
        _write_csv(flows, directory / CASH_FLOWS_FILE)
        _write_csv(curve, directory / SPOT_CURVE_FILE)

    def write(tmp: Path) -> None:
        tmp.write_text(body, encoding="utf-8")

    return atomic_write(directory / name, write)


def _company_files(company: Company) -> tuple[str, pd.DataFrame | None, pd.DataFrame | None]:
    """The company file's text and its liability tables (None without liabilities)."""
    body = company_toml(company)
    liab = company.liabilities
    if liab is None:
        return body, None, None
    flows = series_cells(liab.cash_flows, "net_outflow", CASH_FLOWS_FILE)
    curve = series_cells(liab.spot_curve, "rate", SPOT_CURVE_FILE)
    return body, flows, curve


def export_inputs(holdings: Any, company: Company, directory: str | Path) -> dict[str, Path]:
    """Write the input files of one solvency run into ``directory`` (docs/formats.md §11).

    ``analyzer solvency DIR/holdings.csv --company DIR/company.toml [--look-through
    DIR/look_through.csv]`` on the files gives the same ratios as ``holdings`` and ``company``.

    Parameters
    ----------
    holdings : Holdings
        The positions, with their look-through underlyings if any (``Holdings.look_through``).
    company : Company
    directory : path
        The folder (created). A ``look_through.csv`` or liability file left there by an
        earlier export and not written now is removed, so that the folder holds one run.

    Returns
    -------
    dict of str to Path
        ``holdings``, ``company`` and, when written, ``liability_cash_flows``,
        ``spot_curve`` and ``look_through``.
    """
    directory = Path(directory)
    # check everything before writing anything: a bad number stops the export at once
    holdings_text = holdings_cells(
        holdings.frame, getattr(holdings, "defaulted", None) or {}, file=HOLDINGS_FILE
    )
    lt = getattr(holdings, "look_through", None)
    lt_text = look_through_cells(lt, holdings, LOOK_THROUGH_FILE) if lt is not None else None
    _company_files(company)
    out: dict[str, Path] = {}
    if lt_text is not None:
        out["look_through"] = _write_csv(lt_text, directory / LOOK_THROUGH_FILE)
    else:
        (directory / LOOK_THROUGH_FILE).unlink(missing_ok=True)
    out["holdings"] = _write_csv(holdings_text, directory / HOLDINGS_FILE)
    out["company"] = write_company(company, directory)
    if company.liabilities is not None:
        out["liability_cash_flows"] = directory / CASH_FLOWS_FILE
        out["spot_curve"] = directory / SPOT_CURVE_FILE
    else:
        for stale in (CASH_FLOWS_FILE, SPOT_CURVE_FILE):
            (directory / stale).unlink(missing_ok=True)
    return out


__all__ = [
    "CASH_FLOWS_FILE",
    "COMPANY_FILE",
    "HOLDINGS_FILE",
    "LOOK_THROUGH_FILE",
    "SPOT_CURVE_FILE",
    "company_toml",
    "export_inputs",
    "holdings_cells",
    "look_through_cells",
    "write_company",
    "write_holdings",
    "write_look_through",
]
