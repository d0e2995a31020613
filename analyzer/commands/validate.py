"""``analyzer validate``: every problem and warning of a set of input files, at once.

It runs only the validation service (:func:`analyzer.api.validate`), never the engine, so it
is as fast as reading the files.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from analyzer import api
from analyzer.api import register_messages, text
from analyzer.commands._shared import (
    accept_option,
    command_options,
    emit_json,
    look_through_option,
    mapping_option,
    print_footer,
    show_notes,
    trades_option,
)
from analyzer.errors import InputError

register_messages(
    {
        "validate.clean": (
            "no problem found in {count} file(s)",
            "{count} 个文件均未发现问题",
        ),
        "validate.summary": (
            "{problems} problem(s), {warnings} warning(s) not accepted, {accepted} accepted",
            "{problems} 个问题，{warnings} 条未接受的警告，{accepted} 条已接受",
        ),
        "validate.problems": ("problems (refused):", "问题（拒绝）："),
        "validate.warnings": (
            "warnings (pass --accept-warning CODE after checking):",
            "警告（核对后用 --accept-warning 编号 接受）：",
        ),
        "validate.accepted": ("accepted warnings:", "已接受的警告："),
    }
)


class Format(str, Enum):
    """Output formats."""

    table = "table"
    json = "json"


def validate(
    holdings: Path = typer.Argument(
        ..., help="Holdings file (.csv, .xlsx, .parquet).", show_default=False
    ),
    company: Path | None = typer.Option(
        None, "--company", "-c", help="Company file (.toml); checked against the holdings."
    ),
    assumptions: Path | None = typer.Option(
        None, "--assumptions", "-a", help="Capital market assumptions (assumptions.csv)."
    ),
    correlations: Path | None = typer.Option(
        None,
        "--correlations",
        help="Correlation matrix (default: correlations.csv beside the assumptions).",
    ),
    templates: Path | None = typer.Option(
        None, "--templates", help="Model positions for classes not held (holdings format)."
    ),
    mapping: Path | None = mapping_option(),
    look_through: Path | None = look_through_option(),
    accept_warning: list[str] = accept_option(),
    trades: Path | None = trades_option(),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Check input files without computing anything: lists every problem and every warning
    across the files given, with file, row and column. Exit 0 when clean (accepted warnings
    allowed), 2 otherwise."""
    report = api.validate(
        holdings,
        company,
        assumptions,
        correlations,
        templates,
        mapping,
        accept_warning,
        look_through=look_through,
        trades=trades,
        options=command_options(),
    )
    if report.inputs is not None:
        show_notes(report.inputs)
    problems, pending, accepted = report.problems, report.warnings, report.accepted
    prov, ok = report.provenance, report.ok
    if format is Format.json:
        emit_json(report.to_dict())
    else:
        if problems:
            typer.echo(text("validate.problems").render())
            for p in problems:
                typer.echo(f"  {p.render()}")
        if pending:
            typer.echo(text("validate.warnings").render())
            for w in pending:
                typer.echo(f"  {w.render()}")
        if accepted:
            typer.echo(text("validate.accepted").render())
            for w in accepted:
                typer.echo(f"  {w.render()}")
        if ok:
            typer.echo(text("validate.clean", count=len(report.files)).render())
        if prov.inputs:
            print_footer(prov)
    if not ok:  # exit 2, the summary on stderr (the list is the output, on stdout)
        summary = text(
            "validate.summary",
            problems=len(problems),
            warnings=len(pending),
            accepted=len(accepted),
        )
        raise InputError.single(str(holdings), None, None, summary)


def register(app: typer.Typer) -> None:
    """Add ``analyzer validate`` to the application."""
    app.command(
        "validate",
        short_help="Check input files: every problem and warning at once.",
    )(validate)
