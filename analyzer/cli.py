"""The ``analyzer`` command line.

Each command lives in ``analyzer/commands/<module>.py`` and exposes ``register(app)``. The
commands are loaded lazily: ``analyzer --help`` lists them from :data:`COMMANDS` without
importing any of them, and ``analyzer NAME`` imports only the module of ``NAME``, so that help
and the light commands start without pandas, numpy or cvxpy.

Errors are mapped to messages and exit codes here, in one place: 0 success, 2 bad input or a
usage error (unknown command or option, a bad option value, a missing argument, no command at
all), 3 infeasible plan, 1 internal failure (docs/formats.md §4). Messages go to stderr, in
the language chosen with ``--lang`` (default: ``ANALYZER_LANG``, else the locale); nothing is
half-written.

``analyzer`` without a command prints this help to stderr and exits 2 (like any other missing
argument); ``analyzer --help`` prints it to stdout and exits 0.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import typer
import typer.core
import typer.main

from analyzer import api
from analyzer.errors import AnalyzerError, InfeasibleError, InputError

PROG = "analyzer"

#: command name -> (module in ``analyzer/commands``, the one line ``analyzer --help`` shows).
#: The line must equal the command's own ``short_help`` (else the first paragraph of its
#: help); a test checks it. A module in ``analyzer/commands`` that is missing here still works
#: but is imported whenever the command list is needed (and a test says so).
COMMANDS: dict[str, tuple[str, str]] = {
    "solvency": (
        "solvency",
        "Solvency of a portfolio: ratios, capital by module, compliance, top consumers, sci-tech.",
    ),
    "aggregate": ("aggregate", "Minimum capital and ratios from module capitals (top-down)."),
    "regimes": ("regimes", "List the regulatory regimes."),
    "optimize": ("optimize", "Best allocation under solvency and investment-ratio limits."),
    "frontier": ("optimize", "Capital-aware efficient frontier."),
    "stress": (
        "stress",
        "Stress tests: Annex 4 scenarios, historical and user scenarios, reverse stress.",
    ),
    "simulate": (
        "stress",
        "Distribution of the solvency ratios after one year (Monte Carlo, Student-t), and the "
        "yearly calls, distributions, NAV and capital of a VC commitment programme.",
    ),
    "project": (
        "forward",
        "Projected solvency: ratios each quarter or year, year-end stresses, VC programme.",
    ),
    "plan": (
        "forward",
        "Best multi-year path: allocation and VC commitments per period under ratio floors.",
    ),
    "dashboard": (
        "dashboard",
        "Run the dashboard (development server; see docs/dashboard.md for production).",
    ),
    "validate": ("validate", "Check input files: every problem and warning at once."),
    "samples": ("samples", "Copy the bundled sample data into a folder."),
    "template": (
        "template",
        "Write a holdings input workbook: every column, drop-downs, instructions, examples.",
    ),
}

#: commands whose module offers ``run_light(args) -> int | None`` for their plain calls
LIGHT = ("regimes",)

api.register_messages(
    {
        "cli.error": ("error: {message}", "错误：{message}"),
        "cli.infeasible": ("infeasible: {message}", "无可行解：{message}"),
        "cli.try_help": (
            "Try '{command} --help' for help.",
            "运行 '{command} --help' 查看用法。",
        ),
        "cli.aborted": ("aborted", "已中止"),
    }
)


def _unlisted_modules() -> list[str]:
    """Command modules present in ``analyzer/commands`` but not in :data:`COMMANDS`."""
    import analyzer.commands

    known = {module for module, _ in COMMANDS.values()}
    return [
        m.name
        for m in pkgutil.iter_modules(analyzer.commands.__path__)
        if not m.name.startswith("_") and m.name not in known
    ]


def _load_module_commands(module: str) -> dict[str, Any]:
    """Import one command module and build its click commands (rich help, like typer's)."""
    sub = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    importlib.import_module(f"analyzer.commands.{module}").register(sub)
    return dict(typer.main.get_group(sub).commands)


class LazyGroup(typer.core.TyperGroup):
    """The root command: lists every command from :data:`COMMANDS` and imports a command's
    module only when that command runs or shows its own help.

    The root help is plain click text (no rich import); each command's help stays typer's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rich_markup_mode = None
        self._loaded: dict[str, Any] = {}
        self._listing = False

    def _extra(self) -> dict[str, Any]:
        """Commands of modules missing from :data:`COMMANDS` (imported, hence slow)."""
        out: dict[str, Any] = {}
        for module in _unlisted_modules():
            for name, cmd in _load_module_commands(module).items():
                self._loaded.setdefault(name, cmd)
                out[name] = cmd
        return out

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(COMMANDS)
        return names + [n for n in self._extra() if n not in COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self._loaded:
            return self._loaded[cmd_name]
        if cmd_name in COMMANDS:
            module, short = COMMANDS[cmd_name]
            if self._listing:  # the root help needs only the one line
                return typer.core.TyperCommand(name=cmd_name, short_help=short, help=short)
            self._loaded.update(_load_module_commands(module))
            return self._loaded.get(cmd_name)
        return self._extra().get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # typer suggests close names from ``self.commands``: give it the list when the name
        # is unknown (a known name resolves without importing the other modules)
        if args and args[0] not in COMMANDS and not self.commands:
            self.commands = dict.fromkeys(self.list_commands(ctx))  # type: ignore[assignment]
        return super().resolve_command(ctx, args)


class Language(StrEnum):
    zh = "zh"
    en = "en"


app = typer.Typer(
    cls=LazyGroup,
    add_completion=False,
    help=(
        "C-ROSS II (偿二代二期) solvency capital, investment-ratio compliance and "
        "solvency-constrained allocation for an insurer's investment portfolio.\n\n"
        "Start with: analyzer solvency data/life/holdings.csv --company data/life/company.toml"
    ),
    pretty_exceptions_enable=False,
)

_LANG_SET = False


def _set_lang(value: Language | None) -> Language | None:
    global _LANG_SET
    if value is not None:
        api.set_language(Language(value).value)
        _LANG_SET = True
    return value


@app.callback()
def _root(
    lang: Language | None = typer.Option(
        None,
        "--lang",
        help="Language of messages: zh (中文) or en. Default: ANALYZER_LANG, else the locale.",
        callback=_set_lang,
        is_eager=True,
        show_default=False,
    ),
) -> None:
    """C-ROSS II solvency, compliance and allocation."""


def report_error(err: AnalyzerError) -> int:
    """Print an analyzer error to stderr in the chosen language and return its exit code."""
    lang = api.language()
    if isinstance(err, InputError):
        lines = err.render(lang)
        typer.echo(api.text("cli.error", message=lines[0]).render(lang), err=True)
        for line in lines[1:]:
            typer.echo(f"       {line}", err=True)
    elif isinstance(err, InfeasibleError):
        lines = err.lines(lang)
        typer.echo(api.text("cli.infeasible", message=lines[0]).render(lang), err=True)
        for line in lines[1:]:
            typer.echo(line, err=True)
    else:
        typer.echo(api.text("cli.error", message=err.localized(lang)).render(lang), err=True)
    return err.exit_code


def _is_usage_error(exc: BaseException) -> bool:
    """A click error (from click itself or the copy bundled in typer): it carries an exit
    code and a message. Recognised by behaviour, not by class, so that any typer works."""
    return hasattr(exc, "exit_code") and callable(getattr(exc, "format_message", None))


def _is_abort(exc: BaseException) -> bool:
    return any(cls.__name__ == "Abort" for cls in type(exc).__mro__)


def report_usage_error(exc: BaseException) -> int:
    """One line for a usage error (plus where to get help) on stderr; returns 2."""
    lang = api.language()
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        typer.echo(ctx.get_help(), err=True)
        return 2
    message = " ".join(str(exc.format_message()).split())  # type: ignore[attr-defined]
    # some typer/click pairs both append "Did you mean ...?": say it once
    head, sep, hint = message.partition(" Did you mean ")
    if sep:
        message = f"{head} Did you mean {hint.split(' Did you mean ')[0]}"
    typer.echo(api.text("cli.error", message=message).render(lang), err=True)
    command = getattr(ctx, "command_path", None) or PROG
    typer.echo(api.text("cli.try_help", command=command).render(lang), err=True)
    return 2


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    global _LANG_SET
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in LIGHT:  # quick commands that need no typer command built
        module = importlib.import_module(f"analyzer.commands.{COMMANDS[args[0]][0]}")
        rv = module.run_light(args[1:])
        if rv is not None:
            return rv
    command = typer.main.get_command(app)
    try:
        if not args:  # no command: the help, as a usage error (same on every click version)
            ctx = command.make_context(PROG, [], resilient_parsing=True)
            typer.echo(command.get_help(ctx), err=True)
            return 2
        rv = command.main(args=args, prog_name=PROG, standalone_mode=False)
        return rv if isinstance(rv, int) else 0  # click returns the code of a ctx.exit()
    except AnalyzerError as err:
        return report_error(err)
    except Exception as exc:
        if _is_usage_error(exc):
            return report_usage_error(exc)
        if _is_abort(exc):
            typer.echo(api.text("cli.aborted").render(api.language()), err=True)
            return 1
        if isinstance(getattr(exc, "exit_code", None), int):  # click's Exit raised through
            return exc.exit_code  # type: ignore[attr-defined]
        raise
    finally:
        if _LANG_SET:  # --lang lasts one run (tests call main() repeatedly in one process)
            api.set_language(None)
            _LANG_SET = False


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run and exit with the code."""
    sys.exit(run(argv))


if __name__ == "__main__":
    main()
