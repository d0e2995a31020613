"""The mapping file (``mapping.toml``): how an insurer's own holdings export becomes the
holdings format (``docs/formats.md`` section 8).

Exports carry Chinese headers, internal asset codes and amounts in 万元 or 亿元. A mapping file
declares, once, what each means; it is saved with the export and reused every month, and the
output records it (``Holdings.mapping``, the ``provenance`` record). Nothing is guessed:

.. code-block:: toml

    description = "资产管理系统持仓导出 (monthly)"   # optional, for the reader
    ignore = ["序号", "备注"]                      # headers the analyzer may ignore silently

    [columns]            # header in the export -> holdings column
    "证券代码" = "id"
    "资产类别代码" = "asset_type"
    "市值（万元）" = "market_value"

    [values.asset_type]  # code in the export -> holdings value (every code must be listed)
    "GZ" = "government_bond"
    "QYZ" = "corporate_bond"

    [units]              # the unit of every amount column the export carries
    market_value = "万元"  # 元 | 万元 | 亿元 (or cny | wan | yi)

Rules: an unknown key is refused; a header named in ``[columns]`` but absent from the export
is refused; a code absent from a ``[values.<column>]`` table is refused by row; an amount
column (``market_value``, ``face_value``, ``purchase_cost``, ``book_value``) present in a
mapped export without a unit in ``[units]`` is refused (write ``"元"`` when it is in CNY).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem
from analyzer.io.columns import AMOUNT_COLUMNS, COLUMN_NAMES, COLUMNS, suggest_column
from analyzer.io.fields import factorized_text
from analyzer.messages import Text, register, text

register(
    {
        "holdings.mapping_unknown_key": (
            "'{key}' is not a key of a mapping file; allowed: {allowed}",
            "'{key}' 不是映射文件的键；允许：{allowed}",
        ),
        "holdings.mapping_not_table": (
            '\'{key}\' must be a table of "text" = "text" entries',
            '\'{key}\' 必须是由 "文本" = "文本" 组成的表',
        ),
        "holdings.mapping_not_column": (
            "'{value}' is not a holdings column{hint}; allowed: see docs/formats.md section 1",
            "'{value}' 不是持仓文件的列{hint}；允许的列见 docs/formats.md 第 1 节",
        ),
        "holdings.mapping_twice": (
            "headers {headers} are all mapped to '{column}'; a column can come from one header",
            "表头 {headers} 都映射到 '{column}'；一列只能来自一个表头",
        ),
        "holdings.mapping_no_values": (
            "codes can be mapped for choice, flag and asset_class columns, not '{column}'",
            "只能为选择型、布尔型列和 asset_class 映射代码，不能为 '{column}'",
        ),
        "holdings.mapping_bad_value": (
            "code '{source}' maps to '{value}', which is not allowed for '{column}'; allowed: "
            "{allowed}",
            "代码 '{source}' 映射为 '{value}'，而 '{column}' 不允许该值；允许的取值：{allowed}",
        ),
        "holdings.mapping_bad_unit": (
            "'{value}' is not a unit; allowed: 元, 万元, 亿元 (or cny, wan, yi)",
            "'{value}' 不是单位；允许：元、万元、亿元（或 cny、wan、yi）",
        ),
        "holdings.mapping_not_amount": (
            "a unit can be declared for an amount column ({allowed}), not '{column}'",
            "只能为金额列（{allowed}）声明单位，不能为 '{column}'",
        ),
        "holdings.mapping_header_missing": (
            "the mapping file names header '{header}' (for '{column}'), but the file has no such "
            "column; headers of the file: {headers}",
            "映射文件指定了表头 '{header}'（对应 '{column}'），但文件中没有该列；"
            "文件的表头：{headers}",
        ),
        "holdings.mapping_values_absent": (
            "the mapping file maps codes of '{column}', but the mapped file has no such column",
            "映射文件为 '{column}' 映射了代码，但映射后的文件中没有该列",
        ),
        "holdings.mapping_code": (
            "'{value}' is not a code listed under [values.{column}] of the mapping file; listed: "
            "{allowed}",
            "'{value}' 不在映射文件 [values.{column}] 所列的代码中；已列出：{allowed}",
        ),
        "holdings.mapping_unit_missing": (
            'the unit of \'{column}\' is not declared; add {column} = "元" (or "万元", '
            '"亿元") under [units] of the mapping file: the analyzer never guesses a unit',
            "未声明 '{column}' 的单位；请在映射文件的 [units] 中添加 {column} = \"元\"（或"
            '"万元"、"亿元"）：本工具从不猜测单位',
        ),
    }
)

#: unit names of a mapping file -> (multiplier to CNY, Chinese name)
UNITS: dict[str, tuple[float, str]] = {
    "元": (1.0, "元"),
    "cny": (1.0, "元"),
    "yuan": (1.0, "元"),
    "万元": (1.0e4, "万元"),
    "wan": (1.0e4, "万元"),
    "亿元": (1.0e8, "亿元"),
    "yi": (1.0e8, "亿元"),
}
KEYS = ("description", "ignore", "columns", "values", "units")
_KINDS = {c.name: c for c in COLUMNS}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _norm(header: str) -> str:
    return str(header).strip().lower()


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file.

    Attributes
    ----------
    columns : dict
        Export header (lower-cased, stripped) -> holdings column.
    values : dict
        Holdings column -> {code in the export -> holdings value}.
    units : dict
        Amount column -> multiplier to CNY (1, 1e4 for 万元, 1e8 for 亿元).
    unit_names : dict
        Amount column -> the unit as declared (元, 万元, 亿元).
    ignore : tuple of str
        Headers (lower-cased, stripped) the analyzer may ignore without "did you mean".
    source : str
        The mapping file's name.
    content : dict
        The file as written (for provenance).
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    units: dict[str, float] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    source: str = "<mapping>"
    content: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The mapping as recorded with an output (file name and content as written)."""
        return {"file": self.source, **self.content}

    def numeric_headers(self, numeric: list[str]) -> list[str]:
        """The export's headers that hold the numeric holdings columns ``numeric``."""
        by_column = {v: k for k, v in self.columns.items()}
        return [by_column.get(c, c) for c in numeric]


def _allowed_values(column: str) -> tuple[str, ...] | None:
    col = _KINDS[column]
    if col.kind == "choice":
        return col.choices
    if col.kind == "bool":
        return ("true", "false")
    return None


def load_mapping(source: str | Path | dict, name: str | None = None) -> Mapping:
    """Read and check a mapping file (path) or its parsed content (dict).

    Raises
    ------
    InputError
        Unknown keys, columns that are not holdings columns, values not allowed for their
        column, unknown units; every problem at once.
    """
    if isinstance(source, dict):
        data, label = source, name or "<mapping>"
    else:
        from analyzer.io.tables import read_toml

        label = name or str(source)
        data = read_toml(source)
    problems: list[InputProblem] = []

    def bad(key: str | None, message: Text) -> None:
        problems.append(InputProblem(label, None, key, message))

    for key in data:
        if key not in KEYS:
            bad(key, text("holdings.mapping_unknown_key", key=key, allowed=", ".join(KEYS)))
    columns: dict[str, str] = {}
    raw_columns = data.get("columns", {})
    if not isinstance(raw_columns, dict):
        bad("columns", text("holdings.mapping_not_table", key="columns"))
        raw_columns = {}
    for header, column in raw_columns.items():
        if not isinstance(column, str) or column.strip().lower() not in COLUMN_NAMES:
            guess = suggest_column(str(column))
            hint = f" (did you mean '{guess}'?)" if guess else ""
            hint_zh = f"（是否应为 '{guess}'？）" if guess else ""
            en = text("holdings.mapping_not_column", value=column, hint=hint).en
            zh = text("holdings.mapping_not_column", value=column, hint=hint_zh).zh
            bad(f"columns.{header}", Text(en, zh))
            continue
        columns[_norm(header)] = column.strip().lower()
    targets: dict[str, list[str]] = {}
    for header, column in columns.items():
        targets.setdefault(column, []).append(header)
    for column, headers in targets.items():
        if len(headers) > 1:
            bad(
                "columns",
                text("holdings.mapping_twice", headers=", ".join(headers), column=column),
            )
    values: dict[str, dict[str, str]] = {}
    raw_values = data.get("values", {})
    if not isinstance(raw_values, dict):
        bad("values", text("holdings.mapping_not_table", key="values"))
        raw_values = {}
    for column, table in raw_values.items():
        key = f"values.{column}"
        if column not in COLUMN_NAMES:
            bad(key, text("holdings.mapping_not_column", value=column, hint=""))
            continue
        allowed = _allowed_values(column)
        if allowed is None and column != "asset_class":
            bad(key, text("holdings.mapping_no_values", column=column))
            continue
        if not isinstance(table, dict):
            bad(key, text("holdings.mapping_not_table", key=key))
            continue
        out: dict[str, str] = {}
        for code, value in table.items():
            if isinstance(value, bool) and _KINDS[column].kind == "bool":
                value = "true" if value else "false"
            ok = isinstance(value, str) and value.strip() != ""
            if ok and allowed is not None:
                lookup = {a.lower(): a for a in allowed}
                ok = value.strip().lower() in lookup
                if ok:
                    value = lookup[value.strip().lower()]
            if not ok:
                bad(
                    key,
                    text(
                        "holdings.mapping_bad_value",
                        source=code,
                        value=value,
                        column=column,
                        allowed=", ".join(allowed) if allowed else "any text",
                    ),
                )
                continue
            out[str(code).strip()] = str(value).strip()
        values[column] = out
    units: dict[str, float] = {}
    unit_names: dict[str, str] = {}
    raw_units = data.get("units", {})
    if not isinstance(raw_units, dict):
        bad("units", text("holdings.mapping_not_table", key="units"))
        raw_units = {}
    for column, unit in raw_units.items():
        target = columns.get(_norm(column), _norm(column))
        if target not in AMOUNT_COLUMNS:
            bad(
                f"units.{column}",
                text(
                    "holdings.mapping_not_amount", column=column, allowed=", ".join(AMOUNT_COLUMNS)
                ),
            )
            continue
        key = str(unit).strip().lower() if isinstance(unit, str) else None
        if key not in UNITS:
            bad(f"units.{column}", text("holdings.mapping_bad_unit", value=unit))
            continue
        units[target], unit_names[target] = UNITS[key]
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(h, str) for h in ignore):
        bad("ignore", text("holdings.mapping_not_table", key="ignore"))
        ignore = []
    if problems:
        raise InputError(problems)
    return Mapping(
        columns=columns,
        values=values,
        units=units,
        unit_names=unit_names,
        ignore=tuple(_norm(h) for h in ignore),
        source=label,
        content=dict(data),
    )


def apply_mapping(
    raw: pd.DataFrame, mapping: Mapping, file: str
) -> tuple[pd.DataFrame, dict[str, float], list[Text]]:
    """Rename the export's headers, translate its codes and return the unit multipliers.

    Parameters
    ----------
    raw : the export as read (headers lower-cased and stripped).

    Returns
    -------
    frame, scale, notes
        The frame in holdings columns (amounts still in the export's unit), the multiplier to
        CNY of each amount column, and the notes to show (units converted).

    Raises
    ------
    InputError
        A mapped header absent from the file, a code not listed, an amount without a unit.
    """
    problems: list[InputProblem] = []
    headers = list(raw.columns)
    for header, column in mapping.columns.items():
        if header not in headers:
            problems.append(
                InputProblem(
                    file,
                    1,
                    header,
                    text(
                        "holdings.mapping_header_missing",
                        header=header,
                        column=column,
                        headers=", ".join(headers),
                    ),
                )
            )
    if problems:
        raise InputError(problems)
    frame = raw.rename(columns=mapping.columns)
    for column, table in mapping.values.items():
        if column not in frame.columns:
            problems.append(
                InputProblem(
                    mapping.source,
                    None,
                    column,
                    text("holdings.mapping_values_absent", column=column),
                )
            )
            continue
        if list(frame.columns).count(column) > 1:
            continue  # the duplicate header is reported by the caller
        codes, texts = factorized_text(frame[column], blank_words=False)
        known = np.array([t == "" or t in table for t in texts], dtype=bool)
        rows = np.flatnonzero(~known[codes])
        listed = ", ".join(table)
        for i in rows[:20]:
            problems.append(
                InputProblem(
                    file,
                    int(i) + 2,
                    column,
                    text(
                        "holdings.mapping_code",
                        value=texts[codes[i]],
                        column=column,
                        allowed=listed,
                    ),
                )
            )
        if len(rows) > 20:
            problems.append(
                InputProblem(file, None, column, text("value.more_rows", count=len(rows) - 20))
            )
        translated = np.array([table.get(t, "") for t in texts], dtype=object)
        frame[column] = translated[codes]
    scale: dict[str, float] = {}
    notes: list[Text] = []
    for column in AMOUNT_COLUMNS:
        if column not in frame.columns:
            continue
        if column not in mapping.units:
            problems.append(
                InputProblem(file, 1, column, text("holdings.mapping_unit_missing", column=column))
            )
            continue
        factor = mapping.units[column]
        if factor != 1.0:
            scale[column] = factor
            unit = mapping.unit_names[column]
            notes.append(
                text("holdings.converted_unit", column=column, unit=unit, factor=f"{factor:,.0f}")
            )
    if problems:
        raise InputError(problems)
    return frame, scale, notes
