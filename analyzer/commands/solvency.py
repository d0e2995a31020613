"""``analyzer solvency``: the solvency report of a portfolio."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from analyzer import api
from analyzer.api import text
from analyzer.commands._shared import (
    accept_option,
    command_options,
    look_through_option,
    mapping_option,
    print_footer,
    show_notes,
    trades_option,
)
from analyzer.errors import InputError


class Format(str, Enum):
    """Output formats."""

    table = "table"
    json = "json"
    xlsx = "xlsx"
    parquet = "parquet"


class Unit(str, Enum):
    """Money units for the table."""

    yi = "yi"
    wan = "wan"
    cny = "cny"


def solvency(
    holdings: Path = typer.Argument(
        ...,
        help="Holdings file (.csv, .xlsx, .parquet), one row per position (docs/formats.md §1).",
    ),
    company: Path = typer.Option(
        ...,
        "--company",
        "-c",
        help="Company file (.toml): capital, insurance-risk capital, liabilities.",
    ),
    regime: str = typer.Option(
        "cross2-2025-12", "--regime", "-r", help="Regulatory regime; see `analyzer regimes`."
    ),
    format: Format = typer.Option(
        Format.table,
        "--format",
        "-f",
        help="table, json, xlsx, or parquet (the per-position table: one row per position "
        "and module).",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write to this file (required for xlsx and parquet; optional for json).",
    ),
    positions: bool = typer.Option(
        True,
        "--positions/--no-positions",
        help="json: include the per-position rows (key holdings); --no-positions leaves them out.",
    ),
    unit: Unit = typer.Option(
        Unit.yi, "--unit", help="Money unit of the table: yi (亿元), wan (万元) or cny."
    ),
    top: int = typer.Option(10, "--top", help="How many largest capital consumers to list."),
    mapping: Path | None = mapping_option(),
    look_through: Path | None = look_through_option(),
    accept_warning: list[str] = accept_option(),
    trades: Path | None = trades_option(),
) -> None:
    """Solvency of a portfolio: ratios, capital by module, compliance, top consumers, sci-tech.

    Computes C-ROSS II minimum capital for the investment portfolio (market risk, Rule 8;
    credit risk, Rule 9; look-through, Rule 7; concentration, Rule 8 Art. 60-67), aggregates it
    with the company's insurance risks (Rule 2), and reports the core and comprehensive ratios
    against the 50% / 100% minimums and 60% / 120% watch levels.
    """
    if format in (Format.xlsx, Format.parquet) and output is None:
        raise InputError.single(
            "--output", None, None, text("cli.output_needed", format=format.value)
        )
    inputs = api.load_inputs(
        holdings=holdings,
        company=company,
        mapping=mapping,
        accept=accept_warning,
        regime=regime,
        look_through=look_through,
        trades=trades,
    )
    show_notes(inputs)
    run = api.evaluate(
        inputs, regime, accept=accept_warning, options=command_options(), where=str(company)
    )
    if format is Format.json:
        api.write_solvency_json(run, output, positions=positions)
    elif format is Format.parquet:
        api.write_solvency_parquet(run, output)
        typer.echo(f"wrote {output}", err=True)
    elif format is Format.xlsx:
        api.write_solvency_xlsx(run, output)
        typer.echo(f"wrote {output}", err=True)
    else:
        from rich.console import Console

        console = Console(width=140, soft_wrap=False)
        api.render_solvency_table(run, console, unit=unit.value, top=top)
        print_footer(run.provenance, console)


def register(app: typer.Typer) -> None:
    """Add the command to the CLI."""
    app.command("solvency")(solvency)
