"""The ``analyzer`` command line.

Each command lives in ``analyzer/commands/<name>.py`` and exposes ``register(app)``. Errors are
mapped to messages and exit codes here, in one place: bad input 2, infeasible plan 3,
internal failure 1 (contract section 4). Messages go to stderr; nothing is half-written.
"""

from __future__ import annotations

import sys

import typer

from analyzer.errors import AnalyzerError, InfeasibleError, InputError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help=(
        "C-ROSS II (偿二代二期) solvency capital, investment-ratio compliance and "
        "solvency-constrained allocation for an insurer's investment portfolio.\n\n"
        "Start with: analyzer solvency data/life/holdings.csv --company data/life/company.toml"
    ),
    pretty_exceptions_enable=False,
)

_COMMANDS = ("solvency", "aggregate", "regimes", "optimize", "stress", "dashboard", "validate")


def _register() -> None:
    import importlib

    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"analyzer.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"analyzer.commands.{name}":
                continue  # command not built yet
            raise
        module.register(app)


def report_error(err: AnalyzerError) -> int:
    """Print an analyzer error to stderr and return its exit code."""
    if isinstance(err, InputError):
        typer.echo(f"error: {err.problems[0]}", err=True)
        for problem in err.problems[1:10]:
            typer.echo(f"       {problem}", err=True)
        if len(err.problems) > 10:
            typer.echo(f"       ... {len(err.problems) - 10} more", err=True)
    elif isinstance(err, InfeasibleError):
        typer.echo(f"infeasible: {err}", err=True)
        for conflict in err.conflicts:
            typer.echo(f"  - {conflict.get('message', conflict)}", err=True)
    else:
        typer.echo(f"error: {err}", err=True)
    return err.exit_code


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    _register()
    try:
        app(args=argv, standalone_mode=False)
    except AnalyzerError as err:
        sys.exit(report_error(err))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(2)
        raise
    sys.exit(0)


if __name__ == "__main__":
    main()
