"""``analyzer validate``: every problem and warning of a set of input files, at once.

It runs only the validation layer (:func:`analyzer.services.inputs.load_inputs` with
``collect=True``), never the engine, so it is as fast as reading the files.
"""

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
from analyzer.messages import register as register_messages
from analyzer.messages import text

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
    from analyzer.commands import _shared
    from analyzer.errors import InputError, UnacceptedWarningError
    from analyzer.io.provenance import Provenance
    from analyzer.services.inputs import load_inputs

    accept = _shared.check_accepted(accept_warning)
    correlations = _shared.correlations_path(assumptions, correlations)
    problems: tuple = ()
    pending: tuple = ()
    accepted: tuple = ()
    prov = Provenance()
    try:
        inputs = load_inputs(
            holdings=holdings,
            company=company,
            assumptions=assumptions,
            correlations=correlations,
            templates=templates,
            mapping=mapping,
            accept=accept,
            collect=True,
            look_through=look_through,
            trades=trades,
        )
        accepted = tuple(inputs.warnings)
        prov = _shared.provenance(inputs)
        _shared.show_notes(inputs)
    except UnacceptedWarningError as err:
        pending = err.warnings
    except InputError as err:
        problems = err.problems
        pending = tuple(getattr(err, "warnings", ()) or ())
    files = [
        p
        for p in (
            holdings,
            company,
            assumptions,
            correlations,
            templates,
            mapping,
            look_through,
            trades,
        )
        if p
    ]
    ok = not problems and not pending
    if format is Format.json:
        from analyzer.commands._shared import emit_json

        emit_json(
            {
                "ok": ok,
                "files": [str(p) for p in files],
                "problems": [
                    {
                        "file": p.file,
                        "row": p.row,
                        "column": p.column,
                        "message": p.message,
                        "message_zh": p.message_zh,
                    }
                    for p in problems
                ],
                "warnings": [w.to_dict() for w in pending],
                "accepted_warnings": [w.to_dict() for w in accepted],
                "provenance": prov.to_dict(),
            }
        )
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
            typer.echo(text("validate.clean", count=len(files)).render())
        if prov.inputs:
            _shared.print_footer(prov)
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
