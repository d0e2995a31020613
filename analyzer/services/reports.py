"""The report writers a front end calls to put a result in a file or on stdout: JSON
(atomically, after the non-finite check), the solvency report as JSON or Parquet. The Excel
workbook is in :mod:`analyzer.services.workbook`, the terminal tables in
:mod:`analyzer.services.terminal` (each loads only what it needs)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.report import files
from analyzer.services.checks import check_finite

if TYPE_CHECKING:  # annotations only: writing JSON needs no engine
    from analyzer.services.solvency import SolvencyRun


def write_json(data: dict, output: str | Path | None = None) -> None:
    """Check ``data`` (:func:`~analyzer.services.checks.check_finite`) and write it as JSON
    to ``output`` (atomically) or to stdout."""
    check_finite(data)
    body = files.to_json(data) + "\n"
    if output is not None:
        files.atomic_write(output, lambda p: p.write_text(body, encoding="utf-8"))
    else:
        sys.stdout.write(body)
        sys.stdout.flush()


def write_solvency_json(
    run: SolvencyRun, output: str | Path | None, positions: bool = True
) -> None:
    """The solvency report as JSON (docs/formats.md §5) to ``output`` or stdout, with the
    per-position rows under ``holdings`` when ``positions``."""
    data = run.result.to_dict(holdings=False)
    data["provenance"] = run.provenance.to_dict()
    check_finite(data)
    tables = {"holdings": run.result.position_table()} if positions else {}
    files.write_json_file(output, data, tables)


def write_solvency_parquet(run: SolvencyRun, output: str | Path) -> None:
    """The per-position table (one row per position and module) as Parquet, the provenance
    in its metadata."""
    files.write_parquet(
        output, run.result.holdings, metadata={"provenance": run.provenance.to_dict()}
    )


__all__ = [
    "write_json",
    "write_solvency_json",
    "write_solvency_parquet",
]
