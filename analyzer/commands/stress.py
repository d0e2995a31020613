"""``analyzer stress`` (Annex 4, historical, user and reverse stress tests) and
``analyzer simulate`` (one-year solvency-ratio distribution; VC commitment projection)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer

from analyzer.commands._shared import (
    accept_option,
    look_through_option,
    mapping_option,
    trades_option,
)
from analyzer.errors import InputError, InputProblem
from analyzer.messages import register, text

register(
    {
        "cli.commitments.missing_column": (
            "required column is missing; the header must name year, commitment",
            "缺少必需的列；表头须包含 year、commitment",
        ),
        "cli.commitments.year": (
            "must be a whole year >= 1 (1 = next year)",
            "须为不小于 1 的整数年份（1 = 下一年）",
        ),
        "cli.commitments.calendar_year": (
            "{year} looks like a calendar year; years count from 1 (next year) to the "
            "{horizon} years projected (--horizon)",
            "{year} 看起来是日历年份；年份从 1（下一年）数起，至多为预测的 {horizon} 年"
            "（--horizon）",
        ),
        "cli.commitments.beyond_horizon": (
            "year {year} is beyond the {horizon} years projected (--horizon); its commitment "
            "would not show",
            "第 {year} 年超出预测的 {horizon} 年（--horizon）；其承诺出资不会显示",
        ),
        "cli.commitments.not_number": (
            "'{value}' is not a number (CNY, >= 0)",
            "'{value}' 不是数字（元，>= 0）",
        ),
        "cli.commitments.not_finite": (
            "'{value}' is not a finite number (CNY, >= 0)",
            "'{value}' 不是有限数值（元，>= 0）",
        ),
        "cli.commitments.negative": ("must be >= 0 (CNY)", "须不小于 0（元）"),
    }
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
    from analyzer.commands._shared import emit_json

    if prov is not None:
        data = {**data, "provenance": prov.to_dict()}
    emit_json(data)


def stress(
    holdings: Path = typer.Argument(..., help="Holdings file (.csv, .xlsx, .parquet)."),
    company: Path = typer.Option(..., "--company", "-c", help="Company file (.toml)."),
    regime: str = typer.Option("cross2-2025-12", "--regime", "-r", help="Regulatory regime."),
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
    from analyzer.commands import _shared
    from analyzer.services.inputs import load_inputs
    from analyzer.stress import annex4 as a4
    from analyzer.stress.forward import Stresser
    from analyzer.stress.reverse import reverse_stress
    from analyzer.stress.scenario_file import read_scenarios
    from analyzer.stress.shocks import StressParameters

    accept = _shared.check_accepted(accept_warning)

    def _scenario_reader(path: Path):
        kind = "historical" if "historical" in path.name else "user"

        def read(done: dict):
            h = done["holdings"]
            classes = None if h is None else set(h.frame["asset_class"].astype(str)) - {""}
            return read_scenarios(path, kind=kind, known_classes=classes)

        return read

    inputs = load_inputs(
        holdings=holdings,
        company=company,
        mapping=mapping,
        accept=accept,
        extra=[("scenarios", p, _scenario_reader(p)) for p in scenarios],
        look_through=look_through,
        trades=trades,
    )
    _shared.show_notes(inputs)
    h, c = inputs.holdings, inputs.company
    shocks = a4.scenarios(c.company_type) if annex4 else []
    n_annex4 = len(shocks)
    for more in inputs.extra:
        shocks += list(more)
    share = 1.0 if fair_value_share is None else fair_value_share
    if fair_value_share is not None and h is not None:
        from analyzer.io.accounting import given

        n_given = int(given(h.frame).sum())
        if n_given:
            typer.echo(
                text(
                    "cli.note",
                    file=str(holdings),
                    message=text(
                        "stress.accounting_wins",
                        given=n_given,
                        blank=len(h.frame) - n_given,
                        share=share,
                    ).render(),
                ).render(),
                err=True,
            )
    stresser = Stresser(
        h,
        c,
        regime,
        params=StressParameters(fair_value_share=share, mixed_equity_share=mixed_equity_share),
    )
    base = stresser.base
    _shared.check_finite(base.to_dict(), "base")
    accepted = _shared.check_ratios(
        {"comprehensive": base.comprehensive_ratio, "core": base.core_ratio}, accept, str(company)
    )
    prov = _shared.with_warnings(_shared.provenance(inputs, regime=stresser.regime.name), accepted)
    results = []
    with _progress(len(shocks) + (4 if reverse else 0), "stress", quiet) as tick:
        for s in shocks:
            results.append(stresser.run(s))
            if tick:
                tick(1)
        not_run = []
        if annex4:  # the insurance-risk scenarios and life scenario 三 (analyzer.stress.mandatory)
            from analyzer.stress.mandatory import mandatory_scenarios

            more, not_run = mandatory_scenarios(stresser)
            results[n_annex4:n_annex4] = more
        rev = []
        if reverse:
            for driver in ("equity", "rates", "spread", "vc"):
                rev += reverse_stress(stresser, [driver])
                if tick:
                    tick(1)
    if format is Format.json:
        _write(
            {
                "company": c.name,
                "regime": stresser.regime.name,
                "base": stresser.base.to_dict(),
                "parameters": stresser.params.to_dict(),
                "scenarios": [r.to_dict() for r in results],
                "reverse": [r.to_dict() for r in rev],
                "not_run": [n.to_dict() for n in not_run],
            },
            prov,
        )
        return
    _shared.check_finite([r.to_dict() for r in results], "scenarios")
    _shared.check_finite([r.to_dict() for r in rev], "reverse")
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
    _shared.print_footer(prov, con)


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
    regime: str = typer.Option("cross2-2025-12", "--regime", "-r", help="Regulatory regime."),
    n: int = typer.Option(100_000, "--scenarios", "-n", min=1, help="Number of scenarios."),
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
    from analyzer.commands import _shared
    from analyzer.services.inputs import load_inputs
    from analyzer.stress.montecarlo import market_model, simulation_context
    from analyzer.stress.montecarlo import simulate as run

    if assumptions is None and commitments is None:
        raise InputError.single(
            "--assumptions",
            None,
            None,
            text("cli.simulate_needs_input"),
        )
    accept = _shared.check_accepted(accept_warning)
    correlations = _shared.correlations_path(assumptions, correlations)
    extra = []
    if commitments is not None:
        extra.append(("commitments", commitments, lambda _read: _read_plan(commitments, horizon)))
    monte_carlo = assumptions is not None
    inputs = load_inputs(
        holdings=holdings if monte_carlo else None,
        company=company if monte_carlo else None,
        assumptions=assumptions,
        correlations=correlations,
        mapping=mapping if monte_carlo else None,
        look_through=look_through if monte_carlo else None,
        accept=accept,
        extra=extra,
        trades=trades if monte_carlo else None,
    )
    _shared.show_notes(inputs)
    prov = _shared.provenance(inputs, regime=regime)
    out: dict = {}
    con = None
    if format is Format.table:
        from rich.console import Console

        con = Console(width=140, soft_wrap=False)
    if monte_carlo:
        h, c = inputs.holdings, inputs.company
        from analyzer.solvency.capital_map import build_capital_map

        classes = build_capital_map(h, c, regime).classes
        model = market_model(assumptions, correlations, classes, dof if dof else None)
        ctx = simulation_context(h, c, model, regime)
        with _progress(n, "simulate", quiet) as tick:
            res = run(
                ctx,
                n,
                seed,
                chunk_size=chunk_size,
                backend="dask" if dask or scheduler else "local",
                scheduler=scheduler,
                n_workers=workers,
                progress=tick,
            )
        out["simulation"] = res.to_dict()
        _shared.check_finite(out["simulation"], "simulation")
        accepted = _shared.check_ratios(
            {"comprehensive": res.base["comprehensive"], "core": res.base["core"]},
            accept,
            str(company),
        )
        prov = _shared.with_warnings(prov, accepted)
        if con is not None:
            _print_simulation(con, c.name, res)
    if commitments is not None:
        from analyzer.stress.commitments import project_commitments

        proj = project_commitments(inputs.extra[0], horizon)
        out["commitments"] = proj.to_dict()
        _shared.check_finite(out["commitments"], "commitments")
        if con is not None:
            _print_commitments(con, proj)
    if format is Format.json:
        _write(out, prov)
    elif con is not None:
        _shared.print_footer(prov, con)


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
    for p in res.percentiles["comprehensive"]:
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


def _read_plan(path: Path, horizon: int) -> dict[int, float]:
    """Read a commitment plan (``year``, ``commitment`` in CNY): first-call year counted from
    1 (next year) -> amount.

    Raises
    ------
    InputError
        A missing column, a year that is not a whole number from 1 to ``horizon`` (a calendar
        year such as 2026 is named as such), a commitment that is not a finite number >= 0.
    """
    import math

    from analyzer.io.tables import read_table

    label = str(path)
    frame = read_table(path, name=label)
    problems = [
        InputProblem(label, 1, col, text("cli.commitments.missing_column"))
        for col in ("year", "commitment")
        if col not in frame.columns
    ]
    if problems:
        raise InputError(problems)
    plan: dict[int, float] = {}
    for i in range(len(frame)):
        row = i + 2
        try:
            year = int(str(frame["year"].iloc[i]).strip())
            if year < 1:
                raise ValueError
        except ValueError:
            problems.append(InputProblem(label, row, "year", text("cli.commitments.year")))
            continue
        if year > horizon:
            key = (
                "cli.commitments.calendar_year"
                if year >= 1900
                else "cli.commitments.beyond_horizon"
            )
            problems.append(InputProblem(label, row, "year", text(key, year=year, horizon=horizon)))
            continue
        raw = str(frame["commitment"].iloc[i]).strip().replace(",", "")
        try:
            amount = float(raw)
        except ValueError:
            msg = text("cli.commitments.not_number", value=raw) if raw else text("value.required")
            problems.append(InputProblem(label, row, "commitment", msg))
            continue
        if not math.isfinite(amount):
            problems.append(
                InputProblem(
                    label, row, "commitment", text("cli.commitments.not_finite", value=raw)
                )
            )
            continue
        if amount < 0:
            problems.append(
                InputProblem(label, row, "commitment", text("cli.commitments.negative"))
            )
            continue
        plan[year] = plan.get(year, 0.0) + amount
    if problems:
        raise InputError(problems)
    return plan


def _print_commitments(con, proj) -> None:
    from rich.table import Table

    p = proj.params
    t = Table(
        title=f"VC commitment programme, Takahashi-Alexander (L={p.lifetime}, "
        f"B={p.bow}, G={_pct(p.growth)}), 亿元; capital at factor "
        f"{proj.capital_factor}",
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
