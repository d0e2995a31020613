"""``analyzer aggregate``: module capitals -> minimum capital and solvency ratios (top-down)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from analyzer import api
from analyzer.api import DEFAULT_REGIME, available_regimes


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


def aggregate(
    modules: Path = typer.Argument(
        ...,
        help="Module capitals, one row per company and period (.csv, .xlsx or .parquet).",
        show_default=False,
    ),
    regime: str = typer.Option(
        DEFAULT_REGIME,
        "--regime",
        "-r",
        help="Regulatory regime: " + ", ".join(available_regimes()) + ". See 'analyzer regimes'.",
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.csv, "--format", "-f", help="csv (default) or json (a list of records)."
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
    api.write_aggregate(result, fmt.value, output)


def register(app: typer.Typer) -> None:
    """Add ``analyzer aggregate`` to the application."""
    app.command(
        "aggregate",
        help=HELP,
        short_help="Minimum capital and ratios from module capitals (top-down).",
    )(aggregate)
