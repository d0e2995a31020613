"""``analyzer optimize`` and ``analyzer frontier``: solvency-constrained allocation
(docs/formats.md §4 and §6; docs/optimizer.md)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import numpy as np
import typer

from analyzer import api
from analyzer.api import DEFAULT_REGIME, ObjectiveName, check_finite
from analyzer.commands._shared import (
    accept_option,
    command_options,
    look_through_option,
    mapping_option,
    print_footer,
    show_notes,
    trades_option,
)
from analyzer.errors import InfeasibleError


class Fmt(str, Enum):
    table = "table"
    json = "json"


class Axis(str, Enum):
    volatility = "volatility"
    solvency = "solvency"


class Basis(str, Enum):
    prior_quarter = "prior_quarter"
    resulting = "resulting"


class Level(str, Enum):
    cls = "class"
    position = "position"


def _setup(
    holdings: Path,
    company: Path,
    assumptions: Path,
    correlations: Path | None,
    regime: str,
    limits: dict,
    transaction_cost_bp: float | None,
    limits_file: Path | None,
    equity_cap_basis: Basis | None,
    level: Level,
    repair: bool,
    templates: Path | None,
    mapping: Path | None,
    accept: list[str],
    look_through: Path | None,
    trades: Path | None,
):
    """Read the inputs (the notes shown), then the universe and limits of the allocation."""
    inputs = api.load_allocation_inputs(
        holdings,
        company,
        assumptions,
        correlations,
        templates,
        mapping,
        accept,
        repair,
        regime=regime,
        limits_file=limits_file,
        look_through=look_through,
        trades=trades,
    )
    show_notes(inputs)
    return api.allocation_setup(
        inputs,
        regime,
        limits=limits,
        equity_cap_basis=None if equity_cap_basis is None else equity_cap_basis.value,
        level=level.value,
        transaction_cost_bp=transaction_cost_bp,
        accept=accept,
        options=command_options(),
        where=str(company),
    )


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:8.2%}"


def _print_result(r, u, prov=None) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console(width=160)
    s = r.solvency
    con.print(f"[bold]{s.company}[/bold]  objective {r.objective}  ({r.case})")
    con.print(
        f"expected return {r.expected_return:.2%}   volatility {r.volatility:.2%}   "
        f"comprehensive ratio {s.comprehensive_ratio:.1%}   core ratio {s.core_ratio:.1%}"
        f"   minimum capital {s.minimum_capital / 1e8:,.2f} 亿元"
    )
    t = Table(title="allocation", show_lines=False)
    for col in ("unit", "current", "optimal", "trade (亿元)"):
        t.add_column(col, justify="right" if col != "unit" else "left")
    order = np.argsort(-np.maximum(r.weights, r.current_weights))
    for i in order:
        if r.weights[i] < 5e-5 and r.current_weights[i] < 5e-5:
            continue
        name = r.units[i] + (" (new)" if u.new_unit is not None and u.new_unit[i] else "")
        t.add_row(
            name, f"{r.current_weights[i]:.2%}", f"{r.weights[i]:.2%}", f"{r.trades[i] / 1e8:+,.2f}"
        )
    con.print(t)
    if r.binding:
        b = Table(title="binding limits (shadow price: objective gained per unit of relaxation)")
        for col in ("limit", "subject", "value", "shadow price", "unit", "per 1 亿元 capital"):
            b.add_column(col)
        for x in r.binding:
            b.add_row(
                x.constraint,
                x.subject,
                f"{x.limit:g}",
                f"{x.shadow_price:.3f}",
                x.unit,
                "" if x.shadow_price_per_yi is None else f"{x.shadow_price_per_yi:.3f}",
            )
        con.print(b)
    _print_notes(con, r.notes)
    if prov is not None:
        print_footer(prov, con)


def _print_notes(con, notes) -> None:
    for note in notes:
        con.print(f"note: {note}", markup=False)


def _json_default(o):
    if isinstance(o, np.integer | np.floating):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def _emit(obj: dict, prov=None) -> None:
    if prov is not None:
        obj = {**obj, "provenance": prov.to_dict()}
    check_finite(obj)
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n")
    sys.stdout.flush()


_H = {
    "holdings": "Holdings file (.csv, .xlsx or .parquet) with an asset_class column.",
    "company": "Company file (.toml).",
    "assumptions": "Capital market assumptions (assumptions.csv, docs/formats.md §3).",
    "correlations": "Correlation matrix (default: correlations.csv beside the assumptions).",
    "templates": "Model positions (holdings format) for asset classes not held yet, so they "
    "can be bought (docs/optimizer.md, 'New asset classes').",
}


def optimize(
    holdings: Path = typer.Argument(..., help=_H["holdings"], show_default=False),
    company: Path = typer.Option(..., "--company", "-c", help=_H["company"], show_default=False),
    assumptions: Path = typer.Option(
        ..., "--assumptions", "-a", help=_H["assumptions"], show_default=False
    ),
    correlations: Path | None = typer.Option(None, "--correlations", help=_H["correlations"]),
    templates: Path | None = typer.Option(None, "--templates", help=_H["templates"]),
    regime: str = typer.Option(DEFAULT_REGIME, "--regime", "-r", help="Regulatory regime."),
    objective: ObjectiveName = typer.Option(ObjectiveName.max_return, "--objective"),
    min_comprehensive: float | None = typer.Option(
        None, "--min-comprehensive", help="Comprehensive-ratio floor (fraction; legal 1.0)."
    ),
    min_core: float | None = typer.Option(
        None, "--min-core", help="Core-ratio floor (fraction; legal 0.5)."
    ),
    min_sci_tech: float | None = typer.Option(
        None, "--min-sci-tech", help="Minimum sci-tech share (fraction)."
    ),
    min_liquid: float | None = typer.Option(
        None, "--min-liquid", help="Minimum share of liquid classes."
    ),
    risk_aversion: float = typer.Option(
        1.0, "--risk-aversion", help="mean_variance: mu'w - delta/2 w'Sigma w."
    ),
    target_return: float | None = typer.Option(
        None, "--target-return", help="Minimum expected return (min_capital)."
    ),
    risk_free: float = typer.Option(
        0.0, "--risk-free", help="max_return_on_capital: return subtracted."
    ),
    max_volatility: float | None = typer.Option(None, "--max-volatility"),
    max_turnover: float | None = typer.Option(
        None, "--max-turnover", help="One-way turnover cap (fraction)."
    ),
    transaction_cost_bp: float | None = typer.Option(
        None, "--transaction-cost-bp", help="Cost per unit traded, bp."
    ),
    limits: Path | None = typer.Option(None, "--limits", help="TOML of extra limits."),
    equity_cap_basis: Basis | None = typer.Option(None, "--equity-cap-basis"),
    level: Level = typer.Option(Level.cls, "--level", help="class or position."),
    repair_correlations: bool = typer.Option(
        False, "--repair-correlations", help="Use the nearest correlation matrix."
    ),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
    mapping: Path | None = mapping_option(),
    look_through: Path | None = look_through_option(),
    accept_warning: list[str] = accept_option(),
    min_lcr2: float | None = typer.Option(
        None,
        "--min-lcr2",
        help="Floor on the stressed liquidity coverage ratio LCR2 (Rule 13, fraction; needs "
        "[liquidity] in the company file).",
    ),
    trades: Path | None = trades_option(),
) -> None:
    setup = _setup(
        holdings,
        company,
        assumptions,
        correlations,
        regime,
        {
            "min_comprehensive": min_comprehensive,
            "min_core": min_core,
            "min_sci_tech": min_sci_tech,
            "min_liquid": min_liquid,
            "max_volatility": max_volatility,
            "target_return": target_return,
            "max_turnover": max_turnover,
            "min_lcr2": min_lcr2,
        },
        transaction_cost_bp,
        limits,
        equity_cap_basis,
        level,
        repair_correlations,
        templates,
        mapping,
        accept_warning,
        look_through,
        trades,
    )
    u, prov = setup.universe, setup.provenance
    try:
        result = api.optimise(
            setup, objective.value, risk_aversion=risk_aversion, risk_free=risk_free
        )
    except InfeasibleError as err:
        if fmt is Fmt.json:
            _emit(
                {
                    "status": "infeasible",
                    "objective": objective.value,
                    "message": str(err),
                    "conflicts": err.conflicts,
                    "notes": list(u.notes),
                    "not_buyable": dict(u.not_buyable),
                },
                prov,
            )
        raise
    if fmt is Fmt.json:
        _emit(result.to_dict(), prov)
    else:
        check_finite(result.to_dict())
        _print_result(result, u, prov)


def frontier_cmd(
    holdings: Path = typer.Argument(..., help=_H["holdings"], show_default=False),
    company: Path = typer.Option(..., "--company", "-c", help=_H["company"], show_default=False),
    assumptions: Path = typer.Option(
        ..., "--assumptions", "-a", help=_H["assumptions"], show_default=False
    ),
    correlations: Path | None = typer.Option(None, "--correlations", help=_H["correlations"]),
    templates: Path | None = typer.Option(None, "--templates", help=_H["templates"]),
    regime: str = typer.Option(DEFAULT_REGIME, "--regime", "-r"),
    objective: ObjectiveName = typer.Option(
        ObjectiveName.max_return,
        "--objective",
        help="Accepted for symmetry; a frontier maximises return at each point.",
    ),
    min_comprehensive: float | None = typer.Option(None, "--min-comprehensive"),
    min_core: float | None = typer.Option(None, "--min-core"),
    min_sci_tech: float | None = typer.Option(None, "--min-sci-tech"),
    min_liquid: float | None = typer.Option(None, "--min-liquid"),
    max_turnover: float | None = typer.Option(None, "--max-turnover"),
    transaction_cost_bp: float | None = typer.Option(None, "--transaction-cost-bp"),
    limits: Path | None = typer.Option(None, "--limits"),
    equity_cap_basis: Basis | None = typer.Option(None, "--equity-cap-basis"),
    level: Level = typer.Option(Level.cls, "--level"),
    repair_correlations: bool = typer.Option(False, "--repair-correlations"),
    points: int = typer.Option(50, "--points", help="Number of points."),
    axis: Axis = typer.Option(Axis.volatility, "--axis"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
    mapping: Path | None = mapping_option(),
    look_through: Path | None = look_through_option(),
    accept_warning: list[str] = accept_option(),
    min_lcr2: float | None = typer.Option(None, "--min-lcr2"),
    trades: Path | None = trades_option(),
) -> None:
    setup = _setup(
        holdings,
        company,
        assumptions,
        correlations,
        regime,
        {
            "min_comprehensive": min_comprehensive,
            "min_core": min_core,
            "min_sci_tech": min_sci_tech,
            "min_liquid": min_liquid,
            "max_turnover": max_turnover,
            "min_lcr2": min_lcr2,
        },
        transaction_cost_bp,
        limits,
        equity_cap_basis,
        level,
        repair_correlations,
        templates,
        mapping,
        accept_warning,
        look_through,
        trades,
    )
    u, prov = setup.universe, setup.provenance
    try:
        f = api.frontiers(setup, points=points, axis=axis.value, objective=objective.value)
    except InfeasibleError as err:
        if fmt is Fmt.json:
            _emit(
                {
                    "status": "infeasible",
                    "message": str(err),
                    "conflicts": err.conflicts,
                    "notes": list(u.notes),
                    "not_buyable": dict(u.not_buyable),
                },
                prov,
            )
        raise
    if fmt is Fmt.json:
        _emit(
            {
                "status": "optimal" if not f.failed else "partial",
                **f.to_dict(),
                "notes": list(u.notes),
                "new_classes": list(u.new_classes),
                "not_buyable": dict(u.not_buyable),
            },
            prov,
        )
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(
        title=f"frontier ({axis.value} axis): {len(f.points)} points, "
        f"{len(f.failed)} failed, {f.wall_time:.2f} s"
    )
    for col in ("target", "status", "return", "volatility", "comprehensive", "core", "MC (亿元)"):
        t.add_column(col, justify="right")
    for p in f.points:
        t.add_row(
            _pct(p.target),
            p.status,
            _pct(p.expected_return),
            _pct(p.volatility),
            _pct(p.comprehensive_ratio),
            _pct(p.core_ratio),
            "-" if p.minimum_capital is None else f"{p.minimum_capital / 1e8:,.1f}",
        )
    check_finite(f.to_dict())
    con = Console(width=160)
    con.print(t)
    _print_notes(con, u.notes)
    print_footer(prov, con)


def register(app: typer.Typer) -> None:
    """Add ``analyzer optimize`` and ``analyzer frontier``."""
    app.command(
        "optimize",
        help="Solvency-constrained allocation across asset classes (docs/optimizer.md).",
        short_help="Best allocation under solvency and investment-ratio limits.",
    )(optimize)
    app.command(
        "frontier",
        help="Efficient frontier with every limit in force: return "
        "against volatility or against the solvency ratio.",
        short_help="Capital-aware efficient frontier.",
    )(frontier_cmd)
