"""``analyzer aggregate``: module capitals -> minimum capital and solvency ratios (top-down)."""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path

import pandas as pd
import typer

from analyzer import api
from analyzer.api import DEFAULT_REGIME, available_regimes, register_messages
from analyzer.errors import InputError

register_messages(
    {
        "aggregate.cannot_write": (
            "cannot write the output here: {reason}",
            "无法在此处写入输出：{reason}",
        ),
    }
)


class OutputFormat(StrEnum):
    csv = "csv"
    json = "json"


class AssetsUnit(StrEnum):
    yuan = "yuan"
    wan = "wan"
    yi = "yi"


HELP = (
    "Minimum capital and solvency ratios from the module capitals you already have.\n\n"
    "MODULES is a table (.csv, .xlsx or .parquet) with one row per company and period, as in "
    "the minimum-capital table of the quarterly solvency report summary (偿付能力季度报告摘要). "
    "Columns:\n\n"
    "- company, period, company_type (life, pc or reinsurer)\n"
    "- life_insurance, nonlife_insurance, market, credit, loss_absorption\n"
    "- control: the control-risk capital as an amount (negative for a good SARMRA score)\n"
    "- additional, core_capital, actual_capital\n"
    "- per row either total_assets or size_coefficient (0, -0.05 or -0.1, 金规〔2023〕5号)\n\n"
    "Instead of market you may give its sub-items ir, eq, re, os_fi, os_eq, fx (Rule 8 Art. "
    "70), and instead of credit its sub-items spread, default (Rule 9 Art. 43).\n\n"
    "Amounts may be in any one unit (e.g. 万元, as the summaries print them); the ratios do "
    "not depend on it. Only total_assets is compared with the size bands, so give its unit "
    "with --assets-unit (default yuan).\n\n"
    "Output: the same rows plus size_coefficient (the k applied), diversification, "
    "quantifiable = (MC* - loss absorption) x (1 + k), minimum_capital = quantifiable + "
    "control + additional, core_ratio and comprehensive_ratio (fractions: 1.85 means 185%), "
    "with the Rule 2 Art. 16-18 correlation matrices of the chosen regime "
    f"(default {DEFAULT_REGIME})."
)


def _records(frame: pd.DataFrame) -> list[dict]:
    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if hasattr(value, "item"):  # numpy scalar
            return clean(value.item())
        return value

    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def render(frame: pd.DataFrame, fmt: OutputFormat) -> str:
    """The result as CSV or as a JSON list of records (NaN as null)."""
    if fmt is OutputFormat.json:
        return json.dumps(_records(frame), ensure_ascii=False, indent=2) + "\n"
    return frame.to_csv(index=False, lineterminator="\n")


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError.single(
            str(path), None, None, api.text("aggregate.cannot_write", reason=exc.strerror)
        ) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def aggregate(
    modules: Path = typer.Argument(
        ...,
        help="Module capitals, one row per company and period (.csv, .xlsx or .parquet).",
        show_default=False,
    ),
    regime: str = typer.Option(
        DEFAULT_REGIME,
        "--regime",
        help="Regulatory regime: " + ", ".join(available_regimes()) + ". See 'analyzer regimes'.",
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.csv, "--format", help="csv (default) or json (a list of records)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of the screen."
    ),
    assets_unit: AssetsUnit = typer.Option(
        AssetsUnit.yuan,
        "--assets-unit",
        help="Unit of total_assets: yuan (元), wan (万元) or yi (亿元).",
    ),
) -> None:
    result = api.aggregate(modules, regime, assets_unit=assets_unit.value)
    text = render(result, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(output, text)


def register(app: typer.Typer) -> None:
    """Add ``analyzer aggregate`` to the application."""
    app.command(
        "aggregate",
        help=HELP,
        short_help="Minimum capital and ratios from module capitals (top-down).",
    )(aggregate)
