"""``analyzer template``: the holdings input workbook to fill in Excel."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer


class Lang(StrEnum):
    """Language shown first in the workbook."""

    zh = "zh"
    en = "en"


def template(
    output: Path = typer.Option(
        Path("holdings.xlsx"), "--output", "-o", help="The workbook to write (.xlsx)."
    ),
    lang: Lang | None = typer.Option(
        None,
        "--lang",
        help="Language shown first (notes, drop-down messages); default: the user's language "
        "(ANALYZER_LANG or the locale). The instructions sheet always has both.",
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the output file if it exists (it may hold your positions)."
    ),
) -> None:
    """Write a holdings input workbook: every column, drop-downs, instructions, examples.

    The first sheet takes one position a row; columns with a fixed set of values (asset type,
    rating, board, bank type, region, ..., and every true/false column) have drop-down lists;
    the instructions sheet explains each column in Chinese and English (meaning, unit, allowed
    values, default, which positions need it); one example row per asset type shows realistic
    values that pass validation.
    """
    from analyzer.errors import InputError
    from analyzer.io.template import write_template
    from analyzer.messages import language, text

    if output.suffix.lower() != ".xlsx":
        raise InputError.single(
            str(output), None, None, text("template.not_xlsx", suffix=output.suffix or "?")
        )
    if output.exists() and not force:
        raise InputError.single(str(output), None, None, text("template.exists"))
    chosen = lang.value if lang is not None else language()
    write_template(output, lang=chosen)
    typer.echo(text("template.written", path=str(output)).render(chosen), err=True)


def register(app: typer.Typer) -> None:
    """Add the command to the CLI."""
    app.command("template")(template)
