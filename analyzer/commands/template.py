"""``analyzer template``: the holdings input workbook to fill in Excel."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from analyzer import api
from analyzer.api import text


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
    chosen = api.write_template(output, lang=None if lang is None else lang.value, force=force)
    typer.echo(text("template.written", path=str(output)).render(chosen), err=True)


def register(app: typer.Typer) -> None:
    """Add the command to the CLI."""
    app.command("template")(template)
