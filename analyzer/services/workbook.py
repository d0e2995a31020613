"""The solvency report as an Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.report import files, solvency_xlsx
from analyzer.report import provenance as provenance_sheet

if TYPE_CHECKING:  # annotations only: writing JSON needs no engine
    from analyzer.services.solvency import SolvencyRun


def write_solvency_xlsx(run: SolvencyRun, output: str | Path) -> None:
    """The solvency report as an Excel workbook, with a provenance sheet (atomically)."""

    def _write(tmp: Path) -> None:
        solvency_xlsx.write(run.result, tmp, company=run.company)
        provenance_sheet.append_sheet(tmp, run.provenance)

    files.atomic_write(output, _write)


__all__ = ["write_solvency_xlsx"]
