"""``analyzer dashboard``: start the Dash dashboard on the bundled sample insurer."""

from __future__ import annotations

from pathlib import Path

import typer


def dashboard(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8050, help="Port."),
    holdings: Path | None = typer.Option(
        None, help="Holdings file to open (default: the bundled sample life insurer)."
    ),
    company: Path | None = typer.Option(None, "--company", "-c", help="Company file to open."),
    debug: bool = typer.Option(False, help="Dash debug mode (development only)."),
) -> None:
    """Run the dashboard (development server; see docs/dashboard.md for production)."""
    try:
        from dashboard.app import create_app
    except ModuleNotFoundError as exc:  # the optional extra is not installed
        raise typer.BadParameter(
            f"the dashboard needs the 'dashboard' extra: pip install -e '.[dashboard]' ({exc})"
        ) from exc
    app = create_app(holdings_path=holdings, company_path=company)
    typer.echo(f"dashboard on http://{host}:{port}/", err=True)
    app.run(host=host, port=port, debug=debug)


def register(app: typer.Typer) -> None:
    """Add the command to the CLI."""
    app.command("dashboard")(dashboard)
