"""Downloadable reports of the current scenario (pure: result -> bytes)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from analyzer.api import Company, SolvencyResult, solvency_xlsx

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def solvency_report_bytes(result: SolvencyResult, company: Company | None = None) -> bytes:
    """The solvency workbook (`analyzer.report.solvency_xlsx.write`) as bytes; ``company``
    gives the filing sheets their ``[filing]`` figures (without it they read "not provided")."""
    with tempfile.TemporaryDirectory(prefix="analyzer-report-") as tmp:
        path = solvency_xlsx.write(result, Path(tmp) / "solvency.xlsx", company)
        return Path(path).read_bytes()


def report_filename(result: SolvencyResult) -> str:
    """``solvency-<company>-<regime>.xlsx`` with only safe characters."""
    company = re.sub(r"[^\w.-]+", "_", result.company, flags=re.UNICODE).strip("_") or "company"
    return f"solvency-{company}-{result.regime}.xlsx"
