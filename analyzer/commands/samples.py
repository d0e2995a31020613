"""``analyzer samples DIR``: copy the bundled sample insurers into a folder to try every command."""

from __future__ import annotations

from pathlib import Path

import typer

from analyzer import api


def samples(
    directory: Path = typer.Argument(
        ..., help="Folder to copy the samples into (created if missing).", show_default=False
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace sample files that already exist in the folder."
    ),
) -> None:
    """Copy the two synthetic sample insurers (life/, pc/), the capital-market assumptions,
    correlations, templates and stress scenarios into DIRECTORY, then print the first command
    to run on them."""
    written = api.copy_samples(directory, overwrite=overwrite)
    for path in written:
        typer.echo(str(path))
    life = directory / "life"
    typer.echo(
        f"\nnext: analyzer solvency {life / 'holdings.csv'} --company {life / 'company.toml'}",
        err=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``analyzer samples`` to the application."""
    app.command(
        "samples",
        help="Copy the bundled sample insurers (life/, pc/), assumptions.csv, correlations.csv, "
        "templates.csv and scenarios/ into DIRECTORY, keeping the layout the README's "
        "commands use. Existing files are left alone unless --overwrite is given.",
        short_help="Copy the bundled sample data into a folder.",
    )(samples)
