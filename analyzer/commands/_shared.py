"""What every command that reads input files shares: the ``--accept-warning``,
``--mapping``, ``--look-through`` and ``--trades`` options, the options a run records in its
provenance, the readers' notices and the provenance footer below a table.

The checks themselves (accepted codes, plausible ratios, finite numbers) are services
(:mod:`analyzer.api`); this module only parses and formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from analyzer import api
from analyzer.api import RATIO_RULE, Text, check_finite, plain, register_messages, text

ACCEPT_HELP = (
    "Accept a warning by its code (repeatable), after checking what it says; the accepted "
    "warnings are recorded in the output's provenance. `analyzer validate` lists them all."
)
MAPPING_HELP = (
    "Mapping file (.toml) that turns an insurer's own holdings export into the holdings "
    "format (headers, asset codes, the unit of each amount column); recorded in the output."
)

LOOK_THROUGH_HELP = (
    "Look-through file (.csv, .xlsx, .parquet): one row per underlying of a looked-through "
    "position (parent_id, share, and the holdings columns of the underlying); each parent is "
    "charged on its underlyings (Rule 7 Art. 14-24; docs/formats.md §11)."
)

register_messages(
    {
        "cli.note": ("note: {file}: {message}", "提示：{file}：{message}"),
        "cli.output_needed": (
            "--format {format} needs --output FILE.{format}",
            "--format {format} 需要 --output FILE.{format}",
        ),
        "cli.provenance_footer": ("inputs: {files}", "输入文件：{files}"),
        "cli.accepted_footer": ("accepted warnings: {codes}", "已接受的警告：{codes}"),
        "cli.version_footer": (
            "analyzer {version}, regime {regime}",
            "analyzer {version}，监管口径 {regime}",
        ),
    }
)


def accept_option() -> Any:
    """The ``--accept-warning CODE`` option (repeatable)."""
    return typer.Option([], "--accept-warning", help=ACCEPT_HELP, show_default=False)


def look_through_option() -> Any:
    """The ``--look-through FILE`` option."""
    return typer.Option(None, "--look-through", help=LOOK_THROUGH_HELP, show_default=False)


def mapping_option() -> Any:
    """The ``--mapping FILE`` option."""
    return typer.Option(None, "--mapping", help=MAPPING_HELP, show_default=False)


TRADES_HELP = (
    "Trade history (.csv/.xlsx: date, id, quantity, optional price): each stock's "
    "holding_years becomes its first-in-first-out weighted-average holding period over the "
    "past six years (four for STAR) at the company's valuation_date (2025-12 notice 一, 二)."
)


def trades_option() -> Any:
    """The ``--trades FILE`` option."""
    return typer.Option(None, "--trades", help=TRADES_HELP, show_default=False)


def command_options() -> dict[str, Any]:
    """The options of the running command, as given on the command line (with defaults),
    for the provenance of its output."""
    ctx = None
    try:  # typer >= 0.17 bundles its own click
        from typer._click.globals import get_current_context as typer_context

        ctx = typer_context(silent=True)
    except ImportError:
        pass
    if ctx is None:
        import click

        ctx = click.get_current_context(silent=True)
    if ctx is None:
        return {}
    out: dict[str, Any] = {"command": ctx.info_name}
    out.update({k: plain(v) for k, v in ctx.params.items() if v is not None})
    return out


def show_notes(inputs: Any) -> None:
    """Print the readers' notices (ignored columns, units converted) to stderr, once each,
    in the user's language: nothing a reader decided goes unsaid."""
    for file, note in getattr(inputs, "notes", ()):
        shown = note.render() if isinstance(note, Text) else str(note)
        typer.echo(text("cli.note", file=file, message=shown).render(), err=True)


def emit_json(data: dict, output: Path | None = None) -> None:
    """Write ``data`` as JSON to ``output`` (atomically) or to stdout, after the non-finite
    check."""
    api.write_json(data, output)


def footer_lines(prov: Any, lang: str | None = None) -> list[str]:
    """Short provenance footer of a table: file names with the first 12 hex digits of their
    SHA-256, the accepted warnings, the version and regime."""
    files = ", ".join(f"{Path(f.name).name} ({f.role}) {f.sha256[:12]}" for f in prov.inputs)
    lines = [text("cli.provenance_footer", files=files or "-").render(lang)]
    if prov.accepted_warnings:
        codes = ", ".join(sorted({w.code for w in prov.accepted_warnings}))
        lines.append(text("cli.accepted_footer", codes=codes).render(lang))
    regime = prov.options.get("regime")
    if regime is None:
        lines.append(f"analyzer {prov.version}")
    else:
        lines.append(text("cli.version_footer", version=prov.version, regime=regime).render(lang))
    return lines


def print_footer(prov: Any, console=None) -> None:
    """Print :func:`footer_lines` (dim, below a table)."""
    lines = footer_lines(prov)
    if console is not None:
        for line in lines:
            console.print(line, markup=False, style="dim", highlight=False)
    else:
        for line in lines:
            typer.echo(line)


__all__ = [
    "RATIO_RULE",
    "accept_option",
    "check_finite",
    "command_options",
    "emit_json",
    "footer_lines",
    "look_through_option",
    "mapping_option",
    "print_footer",
    "show_notes",
    "trades_option",
]
