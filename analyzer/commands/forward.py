"""``analyzer project`` and ``analyzer plan``: the projected base scenario and the optimised
multi-year plan."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

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


class Step(str, Enum):
    """Projection steps."""

    quarter = "quarter"
    year = "year"


class Unit(str, Enum):
    """Money units for the table."""

    yi = "yi"
    wan = "wan"
    cny = "cny"


H = {
    "holdings": "Holdings file (.csv, .xlsx, .parquet), one row per position.",
    "company": "Company file (.toml): capital, insurance-risk capital, liabilities.",
    "assumptions": "Capital market assumptions (.csv): each class's expected return.",
    "plan": "Plan file (.toml or .xlsx): new money, insurance capital, profit, capital "
    "actions, allocation policy, per year or date (docs/formats.md §11).",
    "templates": "Model positions (holdings format) for classes not held.",
    "commitments": "The VC programme already signed (.csv/.xlsx: year, commitment in CNY).",
    "years": "Years projected (1 to 10).",
    "step": "quarter or year.",
    "export": "Write each date's holdings.csv and company.toml (and the files they refer to) "
    "to DIR/<date>/, so `analyzer solvency` re-runs any date.",
    "unapproved": "Count capital actions not yet approved (the Rule 10 Art. 16 base "
    "scenario counts approved ones only).",
    "derive": "Take a bond's missing maturity_years from its duration (said in the output) "
    "instead of refusing it.",
}


def _check_output(fmt: Format, output: Path | None) -> None:
    if fmt is Format.xlsx and output is None:
        raise InputError.single("--output", None, None, text("cli.output_needed", format="xlsx"))


def _emit(run: Any, fmt: Format, output: Path | None, unit: Unit, export: Path | None) -> None:
    """Write the result; the exported dates are removed again when the result cannot be
    written (a failed run leaves no half-written output)."""
    written = api.export_holdings(run.projection, export) if export is not None else []
    try:
        if fmt is Format.json:
            api.write_json(run.to_dict(), output)
        elif fmt is Format.xlsx:
            api.write_projection_xlsx(run, output)
            typer.echo(f"wrote {output}", err=True)
        else:
            from rich.console import Console

            console = Console(width=160, soft_wrap=False)
            api.render_projection(run, console, unit=unit.value)
            print_footer(run.provenance, console)
    except BaseException:
        if export is not None:
            import shutil

            shutil.rmtree(export, ignore_errors=True)
        raise
    if written:
        typer.echo(f"wrote {len(written)} dates to {export}", err=True)


def project(
    holdings: Path = typer.Argument(..., help=H["holdings"]),
    company: Path = typer.Option(..., "--company", "-c", help=H["company"], show_default=False),
    assumptions: Path = typer.Option(
        ..., "--assumptions", "-a", help=H["assumptions"], show_default=False
    ),
    plan: Path = typer.Option(..., "--plan", "-p", help=H["plan"], show_default=False),
    correlations: Path | None = typer.Option(None, "--correlations"),
    templates: Path | None = typer.Option(None, "--templates", help=H["templates"]),
    look_through: Path | None = look_through_option(),
    limits: Path | None = typer.Option(None, "--limits", help="Limits file (TOML), checked."),
    commitments: Path | None = typer.Option(None, "--commitments", help=H["commitments"]),
    years: int = typer.Option(3, "--years", help=H["years"]),
    step: Step = typer.Option(Step.quarter, "--step", help=H["step"]),
    regime: str = typer.Option(api.DEFAULT_REGIME, "--regime", "-r"),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
    export_holdings: Path | None = typer.Option(
        None, "--export-holdings", help=H["export"], show_default=False
    ),
    include_unapproved: bool = typer.Option(False, "--include-unapproved", help=H["unapproved"]),
    derive_maturity: bool = typer.Option(False, "--derive-maturity", help=H["derive"]),
    unit: Unit = typer.Option(Unit.yi, "--unit", help="yi (亿元), wan (万元) or cny."),
    mapping: Path | None = mapping_option(),
    trades: Path | None = trades_option(),
    accept_warning: list[str] = accept_option(),
) -> None:
    """Projected solvency: ratios each quarter or year, year-end stresses, VC programme.

    The book ages as it would (expected returns accrue, bonds roll down and mature into cash,
    holding periods grow across the 2- and 3-year lines of the 2025-12 factors, VC
    commitments are called, valued and distributed by the Takahashi-Alexander model), the
    plan's new money and the policy's trades are applied, and the full engine evaluates every
    date; at each year-end the Annex 4 scenarios run on the projected book (Rule 10 Art. 23),
    with a reverse stress where the comprehensive ratio is between 100% and 150% (Art. 30).
    Only approved capital actions count unless --include-unapproved (Art. 16).
    """
    _check_output(fmt, output)
    inputs = api.load_forward_inputs(
        holdings,
        company,
        assumptions,
        plan,
        correlations=correlations,
        templates=templates,
        look_through=look_through,
        limits=limits,
        commitments=commitments,
        trades=trades,
        mapping=mapping,
        accept=accept_warning,
        regime=regime,
        years=years,
        step=step.value,
    )
    show_notes(inputs)
    run = api.project(
        inputs,
        regime,
        years=years,
        step=step.value,
        include_unapproved=include_unapproved,
        derive_maturity=derive_maturity,
        options=command_options(),
    )
    _emit(run, fmt, output, unit, export_holdings)


class Objective(str, Enum):
    """What the plan maximises."""

    terminal_surplus = "terminal_surplus"
    cumulative_return = "cumulative_return"


P = {
    "new": "New VC vintages the plan may commit to (.csv/.xlsx: year, asset_class, "
    "max_commitment in CNY).",
    "min_comprehensive": "Comprehensive ratio floor at every date (fraction; default the "
    "limits file's, else the legal 1.0).",
    "min_core": "Core ratio floor at every date (fraction; default the limits file's, else "
    "the legal 0.5).",
    "stressed": "Floor on the comprehensive ratio under the Annex 4 macro scenario at every "
    "year-end (fraction).",
    "path": "Sci-tech path (.csv/.xlsx: year or date, min_share): the minimum sci-tech share "
    "from each date on.",
    "turnover": "Most one-way turnover per step (fraction of the book).",
    "objective": "terminal_surplus (actual minus minimum capital at the end) or "
    "cumulative_return (expected investment income over the plan).",
}


def plan(
    holdings: Path = typer.Argument(..., help=H["holdings"]),
    company: Path = typer.Option(..., "--company", "-c", help=H["company"], show_default=False),
    assumptions: Path = typer.Option(
        ..., "--assumptions", "-a", help=H["assumptions"], show_default=False
    ),
    plan_file: Path = typer.Option(..., "--plan", "-p", help=H["plan"], show_default=False),
    correlations: Path | None = typer.Option(None, "--correlations"),
    templates: Path | None = typer.Option(None, "--templates", help=H["templates"]),
    look_through: Path | None = look_through_option(),
    limits: Path | None = typer.Option(None, "--limits", help="Limits file (TOML)."),
    regime: str = typer.Option(api.DEFAULT_REGIME, "--regime", "-r"),
    commitments: Path | None = typer.Option(None, "--commitments", help=H["commitments"]),
    new_commitments: Path | None = typer.Option(None, "--new-commitments", help=P["new"]),
    years: int = typer.Option(3, "--years", help=H["years"]),
    step: Step = typer.Option(Step.quarter, "--step", help=H["step"]),
    min_comprehensive: float | None = typer.Option(
        None, "--min-comprehensive", help=P["min_comprehensive"]
    ),
    min_core: float | None = typer.Option(None, "--min-core", help=P["min_core"]),
    stressed_min_comprehensive: float | None = typer.Option(
        None, "--stressed-min-comprehensive", help=P["stressed"]
    ),
    sci_tech_path: Path | None = typer.Option(None, "--sci-tech-path", help=P["path"]),
    max_turnover: float | None = typer.Option(None, "--max-turnover", help=P["turnover"]),
    objective: Objective = typer.Option(
        Objective.cumulative_return, "--objective", help=P["objective"]
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
    export_holdings: Path | None = typer.Option(
        None, "--export-holdings", help=H["export"], show_default=False
    ),
    include_unapproved: bool = typer.Option(False, "--include-unapproved", help=H["unapproved"]),
    derive_maturity: bool = typer.Option(False, "--derive-maturity", help=H["derive"]),
    unit: Unit = typer.Option(Unit.yi, "--unit", help="yi (亿元), wan (万元) or cny."),
    mapping: Path | None = mapping_option(),
    trades: Path | None = trades_option(),
    accept_warning: list[str] = accept_option(),
) -> None:
    """Best multi-year path: allocation and VC commitments per period under ratio floors.

    One convex program over every date: each period's holdings in CNY and the commitment of
    each new VC vintage are the decisions; minimum capital is the capital model's cone at
    each date, actual capital after the tier limits is concave, so the floors (base, and
    stressed at the year-ends), the investment-ratio caps, turnover and the sci-tech path
    hold together. What is not convex (stock-book factor, holding-period steps, size bands,
    loss absorption, the life interest-rate scenario method) is fixed at the current
    iterate; every date is then re-evaluated by the full engine and the plan re-solved until
    the engine's ratios meet every floor. Prints the plan, the projected ratios (base and
    stressed), the binding limits with their shadow prices, and the rounds.
    """
    _check_output(fmt, output)
    inputs = api.load_forward_inputs(
        holdings,
        company,
        assumptions,
        plan_file,
        correlations=correlations,
        templates=templates,
        look_through=look_through,
        limits=limits,
        commitments=commitments,
        new_commitments=new_commitments,
        sci_tech_path=sci_tech_path,
        trades=trades,
        mapping=mapping,
        accept=accept_warning,
        regime=regime,
        years=years,
        step=step.value,
    )
    show_notes(inputs)
    run = api.plan(
        inputs,
        regime,
        years=years,
        step=step.value,
        min_comprehensive=min_comprehensive,
        min_core=min_core,
        stressed_min_comprehensive=stressed_min_comprehensive,
        max_turnover=max_turnover,
        objective=objective.value,
        include_unapproved=include_unapproved,
        derive_maturity=derive_maturity,
        options=command_options(),
    )
    _emit(run, fmt, output, unit, export_holdings)


def register(app: typer.Typer) -> None:
    """Add the commands to the CLI."""
    app.command("project")(project)
    app.command("plan")(plan)
