"""``analyzer solvency``: the solvency report of a portfolio."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from analyzer.commands._shared import (
    accept_option,
    look_through_option,
    mapping_option,
    trades_option,
)
from analyzer.errors import InputError
from analyzer.messages import text


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
    from analyzer.commands import _shared
    from analyzer.report import files
    from analyzer.services.inputs import load_inputs
    from analyzer.solvency.engine import evaluate
    from analyzer.solvency.regime import load_regime

    if format in (Format.xlsx, Format.parquet) and output is None:
        raise InputError.single(
            "--output", None, None, text("cli.output_needed", format=format.value)
        )
    accept = _shared.check_accepted(accept_warning)
    reg = load_regime(regime)
    inputs = load_inputs(
        holdings=holdings,
        company=company,
        mapping=mapping,
        accept=accept,
        look_through=look_through,
        trades=trades,
    )
    _shared.show_notes(inputs)
    c = inputs.company
    result = evaluate(inputs.holdings, c, reg)
    _shared.check_solvency(result)
    ratio_warnings = _shared.check_ratios(
        {"comprehensive": result.comprehensive_ratio, "core": result.core_ratio},
        accept,
        str(company),
    )
    prov = _shared.with_warnings(_shared.provenance(inputs, regime=reg.name), ratio_warnings)
    if format is Format.json:
        data = result.to_dict(holdings=False)
        data["provenance"] = prov.to_dict()
        _shared.check_finite(data)
        tables = {"holdings": result.position_table()} if positions else {}
        files.write_json_file(output, data, tables)
    elif format is Format.parquet:
        files.write_parquet(output, result.holdings, metadata={"provenance": prov.to_dict()})
        typer.echo(f"wrote {output}", err=True)
    elif format is Format.xlsx:
        from analyzer.report import provenance as prov_sheet
        from analyzer.report import solvency_xlsx

        def _write(tmp: Path) -> None:
            solvency_xlsx.write(result, tmp, company=c)
            prov_sheet.append_sheet(tmp, prov)

        files.atomic_write(output, _write)
        typer.echo(f"wrote {output}", err=True)
    else:
        from rich.console import Console

        from analyzer.report import solvency_text

        console = Console(width=140, soft_wrap=False)
        solvency_text.render(
            result,
            console,
            unit=unit.value,
            targets=(c.targets.comprehensive, c.targets.core),
            top=top,
        )
        _shared.print_footer(prov, console)


def register(app: typer.Typer) -> None:
    """Add the command to the CLI."""
    app.command("solvency")(solvency)
