"""The "provenance" sheet of every workbook the analyzer writes: what produced its numbers
(input files and their SHA-256, mapping, options and regime, accepted warnings, version), so
that a figure handed to a board can be reproduced.

Every value is written as text or number, never as a formula: a file name or an option that
starts with ``=``, ``+``, ``-`` or ``@`` stays text (OWASP CSV-injection rule).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analyzer.io.provenance import Provenance

SHEET = "provenance"


def provenance_rows(prov: Provenance) -> list[tuple[str, str, str]]:
    """The sheet's rows as (section, item, value) text triples.

    Sections: ``analyzer`` (version), ``input`` (one row per file: role and name, SHA-256),
    ``mapping``, ``option`` (one row per option, JSON value), ``accepted warning`` (code, then
    file, rows, column and message), ``default used`` (holdings column, number of positions).
    """
    d = prov.to_dict()
    rows: list[tuple[str, str, str]] = [("analyzer", "version", str(d["analyzer_version"]))]
    for f in d["inputs"]:
        rows.append(("input", f"{f['role']}: {f['name']}", f["sha256"]))
    if d.get("mapping"):
        rows.append(("mapping", "mapping", json.dumps(d["mapping"], ensure_ascii=False)))
    for k, v in d["options"].items():
        rows.append(("option", str(k), _text(v)))
    for w in d["accepted_warnings"]:
        where = w["file"]
        if w.get("rows"):
            where += f", rows {', '.join(str(r) for r in w['rows'][:20])}"
        if w.get("column"):
            where += f", column {w['column']}"
        rows.append(("accepted warning", w["code"], f"{where}: {w['message']}"))
    for column, count in d.get("defaults_used", {}).items():
        rows.append(("default used", str(column), str(count)))
    return rows


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def fill_sheet(ws, prov: Provenance) -> None:
    """Write the provenance rows into the openpyxl worksheet ``ws`` (every cell as text)."""
    ws.append(["section", "item", "value"])
    for row in provenance_rows(prov):
        ws.append(list(row))
    for line in ws.iter_rows(min_row=1):
        for cell in line:
            cell.data_type = "s"  # never a formula, whatever the text starts with
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 80


def write_sheet(writer, prov: Provenance) -> None:
    """Add the sheet to an open ``pandas.ExcelWriter`` (openpyxl engine); the one call a
    workbook writer makes before it closes."""
    ws = writer.book.create_sheet(SHEET)
    fill_sheet(ws, prov)


def append_sheet(path: str | Path, prov: Provenance) -> None:
    """Add the sheet to the workbook at ``path`` (used on a temporary file before it is moved
    into place, so the output is complete or absent)."""
    from openpyxl import load_workbook

    with open(path, "rb") as fh:  # a file object: the temporary name has no .xlsx suffix
        wb = load_workbook(fh)
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    fill_sheet(wb.create_sheet(SHEET), prov)
    wb.save(path)
