"""``analyzer stress`` (Annex 4, historical, user and reverse stress tests) and
``analyzer simulate`` (one-year solvency-ratio distribution; VC commitment projection)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer

from analyzer import api
from analyzer.api import DEFAULT_REGIME, check_finite, text
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


class Format(str, Enum):
    """Output formats."""

    table = "table"
    json = "json"


YI = 1e8  # 亿元


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def _yi(v: float) -> str:
    return f"{v / YI:,.2f}"


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr (off with --quiet or when stderr is not a terminal)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        "{task.completed:,}/{task.total:,}",
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _write(data: dict, prov=None) -> None:
    if prov is not None:
        data = {**data, "provenance": prov.to_dict()}
    emit_json(data)


def stress(
    holdings: Path = typer.Argument(..., help="Holdings file (.csv, .xlsx, .parquet)."),
    company: Path = typer.Option(..., "--company", "-c", help="Company file (.toml)."),
    regime: str = typer.Option(DEFAULT_REGIME, "--regime", "-r", help="Regulatory regime."),
    scenarios: list[Path] = typer.Option(
        [],
        "--scenarios",
        "-s",
        help="Scenario file(s) "
        "(.csv/.xlsx: scenario, driver or asset_class, shock, "
        "source); repeatable. See data/scenarios/.",
    ),
    annex4: bool = typer.Option(
        True,
        "--annex4/--no-annex4",
        help="Run the Annex 4 mandatory scenarios and factors (investment moves; insurance-risk "
        "scenarios from the company's [stress_inputs]; life scenario 3, rates x 130%).",
    ),
    reverse: bool = typer.Option(
        True,
        "--reverse/--no-reverse",
        help="Run the reverse stress tests (equity, rates, spread, VC).",
    ),
    fair_value_share: float | None = typer.Option(
        None,
        "--fair-value-share",
        min=0.0,
        max=1.0,
        help="Share of fixed income at fair value (the +50bp shock hits only that), for the "
        "positions whose holdings column `accounting` is blank (default 1.0); a position with "
        "`accounting` given moves fully (fvoci, fvtpl) or not at all (amortised_cost).",
        show_default=False,
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    mapping: Path | None = mapping_option(),
    look_through: Path | None = look_through_option(),
    accept_warning: list[str] = accept_option(),
    trades: Path | None = trades_option(),
    mixed_equity_share: float = typer.Option(
        0.8,
        "--mixed-equity-share",
        min=0.0,
        max=1.0,
        help="Equity share of a mixed AM / wealth-management product not looked through (the "
        "rest moves as fixed income); default 0.8, the largest a mixed product may hold.",
    ),
) -> None:
    """Stress tests: Annex 4 scenarios, historical and user scenarios, reverse stress.

    Each scenario shows the loss to actual and core capital, the minimum capital recomputed on
    the shocked positions by the full engine, and the ratios after the shock (Rule 10).
    """
    inputs = api.load_stress_inputs(
        holdings,
        company,
        scenarios,
        mapping,
        accept_warning,
        look_through=look_through,
        trades=trades,
    )
    show_notes(inputs)
    note = api.accounting_note(inputs, fair_value_share)
    if note is not None:
        typer.echo(text("cli.note", file=str(holdings), message=note.render()).render(), err=True)
    setup = api.stress_setup(
        inputs,
        regime,
        annex4_scenarios=annex4,
        fair_value_share=fair_value_share,
        mixed_equity_share=mixed_equity_share,
        accept=accept_warning,
        options=command_options(),
        where=str(company),
    )
    prov = setup.provenance
    steps = len(setup.shocks) + (len(api.reverse_stress_drivers()) if reverse else 0)
    with _progress(steps, "stress", quiet) as tick:
        run = api.run_stresses(setup, reverse=reverse, tick=tick)
    if format is Format.json:
        _write(run.to_dict(), prov)
        return
    c, stresser = setup.company, setup.stresser
    results, not_run, rev = run.results, run.not_run, run.reverse
    check_finite([r.to_dict() for r in results], "scenarios")
    check_finite([r.to_dict() for r in rev], "reverse")
    from rich.console import Console
    from rich.table import Table

    con = Console(width=160, soft_wrap=False)
    b = stresser.base
    con.print(
        f"[bold]{c.name}[/] ({c.company_type}, {stresser.regime.name})  base: "
        f"comprehensive {_pct(b.comprehensive_ratio)}, core {_pct(b.core_ratio)}, "
        f"minimum capital {_yi(b.minimum_capital)} 亿元"
    )
    if results:
        t = Table(title="Stress scenarios (亿元)", title_justify="left")
        for col in (
            "scenario",
            "reference",
            "asset Δ",
            "loss actual",
            "loss core",
            "MC after",
            "comprehensive",
            "core",
        ):
            t.add_column(col, justify="left" if col in ("scenario", "reference") else "right")
        for r in results:
            s = r.stressed
            t.add_row(
                r.name,
                r.shock.reference or r.shock.source[:40],
                _yi(r.asset_value_change),
                _yi(r.loss_actual),
                _yi(r.loss_core),
                _yi(s.minimum_capital),
                _pct(s.comprehensive_ratio),
                _pct(s.core_ratio),
            )
        con.print(t)
    if not_run:
        t = Table(title="Annex 4 scenarios not run", title_justify="left")
        for col in ("scenario", "reference", "reason"):
            t.add_column(col, overflow="fold")
        for n in not_run:
            t.add_row(n.name, n.reference, n.reason.render())
        con.print(t)
    if rev:
        t = Table(
            title="Reverse stress: smallest adverse move to each threshold", title_justify="left"
        )
        for col in ("driver", "threshold", "move", "unit", "status"):
            t.add_column(col)
        for r in rev:
            mv = (
                "-"
                if r.move is None
                else (f"{100 * r.move:.2f}%" if "fraction" in r.unit else f"{r.move:.1f} bp")
            )
            t.add_row(
                r.driver, f"{r.threshold.ratio} {_pct(r.threshold.level)}", mv, r.unit, r.status
            )
        con.print(t)
    print_footer(prov, con)


def simulate(
    holdings: Path = typer.Argument(..., help="Holdings file (.csv, .xlsx, .parquet)."),
    company: Path = typer.Option(..., "--company", "-c", help="Company file (.toml)."),
    assumptions: Path | None = typer.Option(
        None,
        "--assumptions",
        "-a",
        help="assumptions.csv (expected_return, volatility per asset_class).",
    ),
    correlations: Path | None = typer.Option(
        None,
        "--correlations",
        help="Correlation matrix (default: correlations.csv beside assumptions).",
    ),
    regime: str = typer.Option(DEFAULT_REGIME, "--regime", "-r", help="Regulatory regime."),
    n: int = typer.Option(
        100_000,
        "--n-scenarios",
        "-n",
        "--scenarios",
        min=1,
        help="Number of scenarios (--scenarios, the earlier name, still works; in "
        "`analyzer stress` --scenarios is a scenario file).",
    ),
    seed: int = typer.Option(20240601, "--seed", min=0, help="Random seed."),
    dof: float = typer.Option(
        5.0, "--dof", help="Student-t degrees of freedom (> 2); 0 for Gaussian returns."
    ),
    chunk_size: int = typer.Option(
        131_072, "--chunk-size", min=1, help="Scenarios per task (does not change the result)."
    ),
    dask: bool = typer.Option(
        False, "--dask", help="Run on Dask (a local cluster unless --scheduler is given)."
    ),
    workers: int = typer.Option(2, "--workers", min=1, help="Local Dask workers."),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Address of an existing dask.distributed scheduler (implies --dask).",
    ),
    commitments: Path | None = typer.Option(
        None,
        "--commitments",
        help="VC commitment plan "
        "(.csv: year, commitment in CNY) to project with "
        "the Takahashi-Alexander model.",
    ),
    horizon: int = typer.Option(15, "--horizon", min=1, help="Years of the commitment projection."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    mapping: Path | None = mapping_option(),
    look_through: Path | None = look_through_option(),
    accept_warning: list[str] = accept_option(),
    trades: Path | None = trades_option(),
) -> None:
    """Distribution of the solvency ratios after one year (Monte Carlo, Student-t), and the
    yearly calls, distributions, NAV and capital of a VC commitment programme."""
    inputs = api.load_simulation_inputs(
        holdings,
        company,
        assumptions,
        correlations,
        mapping,
        accept_warning,
        commitments=commitments,
        horizon=horizon,
        look_through=look_through,
        trades=trades,
    )
    show_notes(inputs)
    with _progress(n, "simulate", quiet or assumptions is None) as tick:
        run = api.simulate(
            inputs,
            regime,
            assumptions=assumptions,
            correlations=correlations,
            n=n,
            seed=seed,
            dof=dof,
            chunk_size=chunk_size,
            backend="dask" if dask or scheduler else "local",
            scheduler=scheduler,
            n_workers=workers,
            horizon=horizon,
            progress=tick,
            accept=accept_warning,
            options=command_options(),
            where=str(company),
        )
    if format is Format.json:
        _write(run.to_dict(), run.provenance)
        return
    from rich.console import Console

    con = Console(width=140, soft_wrap=False)
    if run.simulation is not None:
        _print_simulation(con, run.company.name, run.simulation)
    if run.commitments is not None:
        _print_commitments(con, run.commitments)
    print_footer(run.provenance, con)


def _print_simulation(con, name: str, res) -> None:
    from rich.table import Table

    con.print(
        f"[bold]{name}[/]: {res.n_scenarios:,} one-year scenarios, seed {res.seed}, "
        f"Student-t dof {res.dof or 'Gaussian'}, {res.backend}, {res.elapsed:.2f} s"
    )
    con.print(
        f"today: comprehensive {_pct(res.base['comprehensive'])}, core {_pct(res.base['core'])}"
    )
    t = Table(title="Ratio percentiles", title_justify="left")
    t.add_column("percentile", justify="right")
    t.add_column("comprehensive", justify="right")
    t.add_column("core", justify="right")
    for p in sorted(res.percentiles["comprehensive"], key=float):
        t.add_row(
            f"{p}%", _pct(res.percentiles["comprehensive"][p]), _pct(res.percentiles["core"][p])
        )
    con.print(t)
    t = Table(title="Probability after one year", title_justify="left")
    t.add_column("event")
    t.add_column("probability", justify="right")
    t.add_column("± s.e.", justify="right")
    tg = res.targets
    labels = {
        "comprehensive_below_100": "comprehensive < 100%",
        "comprehensive_below_120": "comprehensive < 120%",
        "comprehensive_below_target": f"comprehensive < target {_pct(tg['comprehensive'])}",
        "core_below_50": "core < 50%",
        "core_below_60": "core < 60%",
        "core_below_target": f"core < target {_pct(tg['core'])}",
    }
    for k, p in res.probabilities.items():
        t.add_row(labels[k], f"{100 * p:.2f}%", f"{100 * res.standard_errors[k]:.2f}%")
    con.print(t)
    con.print(
        f"1-in-200 worst (0.5% quantile): comprehensive "
        f"{_pct(res.worst_995['comprehensive'])}, core {_pct(res.worst_995['core'])}"
    )
    t = Table(
        title="Tail drivers (worst 0.5% of scenarios by comprehensive ratio)", title_justify="left"
    )
    for col in ("asset class", "mean P&L (亿元)", "share of loss", "mean return"):
        t.add_column(col, justify="left" if col == "asset class" else "right")
    for d in res.tail[:10]:
        t.add_row(d.asset_class, _yi(d.mean_pnl), _pct(d.share_of_loss), _pct(d.mean_return))
    con.print(t)


def _print_commitments(con, proj) -> None:
    from rich.table import Table

    p = proj.params
    t = Table(
        title=f"VC commitment programme, Takahashi-Alexander (L={p.lifetime}, "
        f"B={p.bow}, G={_pct(p.growth)}), 亿元; capital at factor "
        f"{proj.capital_factor:.4g}",
        title_justify="left",
    )
    for col in ("year", "calls", "distributions", "net cash", "NAV", "unfunded", "capital"):
        t.add_column(col, justify="right")
    for r in proj.to_dict()["years"]:
        t.add_row(
            str(r["year"]),
            _yi(r["calls"]),
            _yi(r["distributions"]),
            _yi(r["net_cash_flow"]),
            _yi(r["nav"]),
            _yi(r["unfunded"]),
            _yi(r["capital"]),
        )
    con.print(t)


def register(app: typer.Typer) -> None:
    """Register ``stress`` and ``simulate``."""
    app.command("stress")(stress)
    app.command("simulate")(simulate)
