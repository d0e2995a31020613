"""``analyzer regimes``: the bundled regulatory regimes and what each changed."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from analyzer.api import describe_regimes


class RegimesFormat(StrEnum):
    table = "table"
    json = "json"


def describe() -> list[dict]:
    """One record per bundled regime, oldest first (:func:`analyzer.api.describe_regimes`)."""
    return describe_regimes()


def render_table(records: list[dict]) -> str:
    """Plain-text listing, one block per regime."""
    lines = []
    for rec in records:
        mark = "  (default)" if rec["default"] else ""
        lines.append(f"{rec['name']}{mark}")
        lines.append(f"  title:     {rec['title']}")
        lines.append(f"  effective: {rec['effective']}")
        lines.append(f"  notice:    {rec['notice']}")
        lines.append(
            f"  base:      {rec['base'] or '-'}"
            + (f"   (lineage: {' -> '.join(rec['lineage'])})" if rec["base"] else "")
        )
        lines.append("  changes:")
        lines.extend(f"    - {change}" for change in rec["changes"])
        lines.append("")
    return "\n".join(lines)


def regimes(
    fmt: RegimesFormat = typer.Option(
        RegimesFormat.table, "--format", "-f", help="table (default) or json."
    ),
) -> None:
    records = describe()
    if fmt is RegimesFormat.json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_table(records))


def run_light(args: list[str]) -> int | None:
    """Run ``analyzer regimes [--format table|json]`` without building the typer command.

    typer (0.29 and later) converts a command's options through pydantic, which costs the
    quickest command more than its work. The command line calls this first; any other
    arguments (``--help``, a bad value) return ``None`` and go through the full command line,
    which prints the same output and the usage errors.
    """
    formats = {f.value for f in RegimesFormat}
    if not args:
        fmt = RegimesFormat.table.value
    elif len(args) == 2 and args[0] in ("--format", "-f") and args[1] in formats:
        fmt = args[1]
    elif len(args) == 1 and args[0].partition("=")[::2] in {("--format", f) for f in formats}:
        fmt = args[0].partition("=")[2]
    else:
        return None
    regimes(RegimesFormat(fmt))
    return 0


def register(app: typer.Typer) -> None:
    """Add ``analyzer regimes`` to the application."""
    app.command(
        "regimes",
        help="List the bundled regulatory regimes (--regime names): title, effective date, "
        "notice, the regime each builds on, and what it changed. The default is marked.",
        short_help="List the regulatory regimes.",
    )(regimes)
