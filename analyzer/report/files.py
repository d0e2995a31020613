"""File output: atomic writes (a failed run leaves no half-written file) and the JSON and
Parquet writers of the reports.

Large per-position tables are written column by column: each column is turned into JSON
text by Arrow in one pass (floats as the shortest text that reads back to the same float),
the rows are assembled by Arrow and streamed out in chunks, so that a million positions need
neither a Python object per value nor the whole text in memory.
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analyzer import messages
from analyzer.errors import AnalyzerError

messages.register(
    {
        "report.not_finite": (
            "internal error: the output would contain a non-finite number ({value}) at "
            "'{where}'; nothing was written",
            "内部错误：输出的 '{where}' 处出现非有限数值（{value}）；未写出任何内容",
        ),
    }
)

#: rows per chunk when streaming a table into JSON
CHUNK_ROWS = 50_000

#: characters the standard library's ``json`` escapes in a string (``ensure_ascii=False``)
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then move the temp file onto ``path``.

    The temp file lives in the target folder (same file system) and is removed if ``write``
    raises, so the target is either the complete new file or untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


def _not_finite(where: str, value: Any) -> AnalyzerError:
    return AnalyzerError(messages.text("report.not_finite", where=where, value=value))


def _clean(value: Any, strict: bool = False, where: str = "") -> Any:
    """Plain Python values for ``json``: numpy scalars converted; a non-finite float becomes
    ``null``, or with ``strict`` raises (exit code 1)."""
    if isinstance(value, dict):
        return {
            str(k): _clean(v, strict, f"{where}.{k}" if where else str(k)) for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_clean(v, strict, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (np.floating, float)):
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            if strict:
                raise _not_finite(where, v)
            return None
        return v
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def to_json(data: Any, strict: bool = False) -> str:
    """JSON text with numpy scalars converted; UTF-8 kept readable. A NaN or infinity is
    written as ``null``, or with ``strict`` raises instead (nothing is written)."""
    return json.dumps(_clean(data, strict), ensure_ascii=False, indent=2)


def _tokens(column: pd.Series, where: str) -> pa.Array:
    """The JSON text of every value of ``column``, as one Arrow string array (no Python
    object per value).

    Floats: Arrow's shortest round-trip text (the same double when read back, to the last
    bit), with ``.0`` added where it has neither a point nor an exponent, so that every float
    reads back as a float (``5.0``, ``-0.0``). Integers as integers, booleans as true/false,
    text escaped as the standard library's ``json`` escapes it (each distinct value once);
    missing text is ``null``. A NaN or infinity raises.
    """
    values = column.to_numpy()
    kind = values.dtype.kind
    if kind == "f":
        values = values.astype(np.float64, copy=False)
        finite = np.isfinite(values)
        if not finite.all():
            bad = int(np.flatnonzero(~finite)[0])
            raise _not_finite(f"{where}[{bad}]", values[bad])
        text = pc.cast(pa.array(values), pa.string())
        whole = pc.invert(pc.match_substring_regex(text, r"[.eE]"))
        return pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
    if kind in "iu":
        return pc.cast(pa.array(values), pa.string())
    if kind == "b":
        return pc.if_else(pa.array(values), "true", "false")
    # text: quoted by Arrow when nothing needs escaping, else each distinct value encoded once
    try:
        text = pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, UnicodeError):
        text = None  # not all text (or not encodable): the general path
    if text is not None and not pc.any(pc.match_substring_regex(text, _NEEDS_ESCAPE)).as_py():
        return pc.fill_null(pc.binary_join_element_wise('"', text, '"', ""), "null")
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    encoded = [_token(v, where) for v in uniques.tolist()] + ["null"]
    codes[codes < 0] = len(uniques)  # missing -> null
    return pc.take(pa.array(encoded, pa.string()), pa.array(codes))


def _token(value: Any, where: str) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(_clean(value, strict=True, where=where), ensure_ascii=False)


def _string_bytes(array: pa.Array) -> memoryview:
    """The UTF-8 bytes of all strings of ``array``, back to back (its data buffer)."""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(array.buffers()[1], dtype=width)
    first, last = offsets[array.offset], offsets[array.offset + len(array)]
    return memoryview(array.buffers()[2])[first:last]


def _record_chunks(table: pd.DataFrame, where: str, indent: str) -> Iterator[memoryview]:
    """The rows of ``table`` as JSON objects, one per line, as UTF-8 bytes, ``CHUNK_ROWS``
    rows at a time. Each row is assembled by Arrow from the columns' texts; the chunk's bytes
    are the string array's data buffer, written as they are."""
    keys = [encode_basestring(str(c)) for c in table.columns]
    fixed = [f",\n{indent}{{{keys[0]}: "] + [f", {k}: " for k in keys[1:]]
    for start in range(0, len(table), CHUNK_ROWS):
        chunk = table.iloc[start : start + CHUNK_ROWS]
        parts: list[Any] = []
        for piece, col in zip(fixed, table.columns, strict=True):
            parts += [piece, _tokens(chunk[col], f"{where}[{start}:].{col}")]
        rows = pc.binary_join_element_wise(*parts, "}", "")
        data = _string_bytes(rows)
        yield data[2:] if start == 0 else data  # no comma before the first row


def _check_tables(tables: Mapping[str, pd.DataFrame]) -> None:
    """Refuse a non-finite number in any float column before anything is written."""
    for key, table in tables.items():
        for col in table.columns:
            values = table[col].to_numpy()
            if values.dtype.kind == "f" and not np.isfinite(values).all():
                bad = int(np.flatnonzero(~np.isfinite(values))[0])
                raise _not_finite(f"{key}[{bad}].{col}", values[bad])


def write_json(
    data: Mapping[str, Any], out: BinaryIO, tables: Mapping[str, pd.DataFrame] | None = None
) -> None:
    """Write ``data`` as an indented JSON object (UTF-8) to the binary stream ``out``, then
    each of ``tables`` as a further key holding a list of records (one line per row).

    Non-finite numbers are refused (:class:`~analyzer.errors.AnalyzerError`, exit code 1)
    before the first byte is written. Parsed, the result equals ``json.dumps({**data, key:
    table.to_dict(orient="records"), ...})``: same keys in the same order, same strings,
    floats identical to the last bit (a float may be written in another notation, e.g.
    ``1e-7`` for ``1e-07``, and is always written as a float).
    """
    tables = dict(tables or {})
    clash = set(tables) & set(data)
    if clash:
        raise ValueError(f"keys given twice: {sorted(clash)}")
    _check_tables(tables)
    head = json.dumps(_clean(dict(data), strict=True), ensure_ascii=False, indent=2)
    if not tables:
        out.write((head + "\n").encode("utf-8"))
        return
    out.write((head[:-2] if data else "{").encode("utf-8"))  # drop the closing "\n}"
    for i, (key, table) in enumerate(tables.items()):
        sep = ",\n" if (data or i) else "\n"
        out.write(f"{sep}  {encode_basestring(key)}: [".encode())
        if len(table):
            out.write(b"\n")
            for chunk in _record_chunks(table, key, "    "):
                out.write(chunk)
            out.write(b"\n  ]")
        else:
            out.write(b"]")
    out.write(b"\n}\n")


def write_json_file(
    path: str | Path | None,
    data: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """:func:`write_json` to ``path`` atomically, or to stdout when ``path`` is None.

    Everything is checked before the first byte goes out, so a refused number leaves
    neither a file nor partial output.
    """
    if path is None:
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stdout (e.g. a notebook): through memory
            memory = io.BytesIO()
            write_json(data, memory, tables)
            sys.stdout.write(memory.getvalue().decode("utf-8"))
            return
        sys.stdout.flush()
        write_json(data, binary, tables)
        binary.flush()
        return

    def _write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            write_json(data, fh, tables)

    atomic_write(path, _write)


def write_parquet(path: str | Path, table: pd.DataFrame, metadata: dict | None = None) -> Path:
    """Write ``table`` to a Parquet file atomically (no index; non-finite numbers refused).

    ``metadata`` (JSON-able, e.g. the provenance record) is stored in the file's key-value
    metadata, each key prefixed ``analyzer.`` (``pyarrow.parquet.read_schema(path).metadata``).
    """
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    _check_tables({"table": table})
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if metadata:
        extra = {f"analyzer.{k}".encode(): json.dumps(v).encode() for k, v in metadata.items()}
        arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **extra})
    return atomic_write(path, lambda tmp: pq.write_table(arrow, tmp))
