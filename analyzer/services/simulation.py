"""The simulation services: the one-year distribution of the solvency ratios (Monte Carlo)
and the projection of a VC commitment programme."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import InputError, InputProblem
from analyzer.io.assumptions import Assumptions
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.io.provenance import Provenance
from analyzer.io.tables import read_table
from analyzer.messages import register, text
from analyzer.services.checks import (
    build_provenance,
    check_finite,
    check_ratios,
    correlations_path,
    with_warnings,
)
from analyzer.services.inputs import Tick, load_inputs
from analyzer.services.reading import Inputs
from analyzer.solvency.capital_map import build_capital_map
from analyzer.solvency.regime import DEFAULT_REGIME
from analyzer.stress.commitments import CommitmentProjection, project_commitments
from analyzer.stress.montecarlo import (
    MarketModel,
    SimulationResult,
    market_model,
    model_from_assumptions,
    simulation_context,
)
from analyzer.stress.montecarlo import simulate as run_simulation

register(
    {
        "cli.simulate_needs_input": (
            "give --assumptions (Monte Carlo) and/or --commitments (VC commitment projection)",
            "请给出 --assumptions（蒙特卡洛模拟）和/或 --commitments（创投基金承诺出资预测）",
        ),
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


def read_commitment_plan(path: str | Path, horizon: int) -> dict[int, float]:
    """Read a commitment plan (``year``, ``commitment`` in CNY): first-call year counted from
    1 (next year) -> amount.

    Raises
    ------
    InputError
        A missing column, a year that is not a whole number from 1 to ``horizon`` (a calendar
        year such as 2026 is named as such), a commitment that is not a finite number >= 0.
    """
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


def load_simulation_inputs(
    holdings: str | Path,
    company: str | Path,
    assumptions: str | Path | None = None,
    correlations: str | Path | None = None,
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    *,
    commitments: str | Path | None = None,
    horizon: int = 15,
    look_through: str | Path | None = None,
    trades: str | Path | None = None,
) -> Inputs:
    """:func:`load_inputs` for a simulation: the portfolio files only with ``assumptions``
    (the Monte Carlo), the commitment plan (:func:`read_commitment_plan`) in
    ``inputs.extra``.

    Raises
    ------
    InputError
        Neither assumptions nor commitments given, or any problem of the files.
    """
    if assumptions is None and commitments is None:
        raise InputError.single("--assumptions", None, None, text("cli.simulate_needs_input"))
    extra = []
    if commitments is not None:
        extra.append(
            ("commitments", commitments, lambda _read: read_commitment_plan(commitments, horizon))
        )
    monte_carlo = assumptions is not None
    return load_inputs(
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


@dataclass(frozen=True)
class SimulationRun:
    """The one-year ratio distribution and/or the VC commitment projection of a run.

    Attributes
    ----------
    simulation : the Monte Carlo result (None without assumptions)
    commitments : the commitment projection (None without a plan)
    company : the company simulated (None without assumptions)
    provenance : the run's provenance
    """

    simulation: SimulationResult | None
    commitments: CommitmentProjection | None
    company: Any
    provenance: Provenance

    def to_dict(self) -> dict:
        """The JSON form (docs/formats.md §5), without the provenance."""
        out: dict = {}
        if self.simulation is not None:
            out["simulation"] = self.simulation.to_dict()
        if self.commitments is not None:
            out["commitments"] = self.commitments.to_dict()
        return out


def simulation_model(
    assumptions: str | Path | Assumptions,
    correlations: str | Path | None,
    classes: Sequence[str],
    dof: float | None = 5.0,
) -> MarketModel:
    """The Monte Carlo market model of ``classes``: from an assumptions file (and its
    correlation matrix) or from assumptions already read (an upload).

    Raises
    ------
    InputError
        A class without assumptions, or a bad assumptions file.
    """
    if isinstance(assumptions, Assumptions):
        return model_from_assumptions(assumptions, classes, dof)
    return market_model(assumptions, correlations, classes, dof)


def monte_carlo(
    holdings: Holdings,
    company: Company,
    assumptions: str | Path | Assumptions,
    regime: str,
    n: int,
    seed: int,
    *,
    correlations: str | Path | None = None,
    dof: float | None = 5.0,
    **run: Any,
) -> SimulationResult:
    """The one-year distribution of the ratios of a portfolio (Monte Carlo, Student-t returns
    of :func:`simulation_model`).

    Parameters
    ----------
    holdings, company : the portfolio
    assumptions, correlations, dof : as for :func:`simulation_model`
    regime : regime name
    n : scenarios; seed : random seed
    **run : passed to :func:`analyzer.stress.montecarlo.simulate` (``chunk_size``,
        ``backend``, ``scheduler``, ``n_workers``, ``progress``; none changes the result)
    """
    classes = build_capital_map(holdings, company, regime).classes
    model = simulation_model(assumptions, correlations, classes, dof)
    ctx = simulation_context(holdings, company, model, regime)
    return run_simulation(ctx, n, seed, **run)


def simulate(
    inputs: Inputs,
    regime: str = DEFAULT_REGIME,
    *,
    assumptions: str | Path | None = None,
    correlations: str | Path | None = None,
    n: int = 100_000,
    seed: int = 20240601,
    dof: float | None = 5.0,
    chunk_size: int = 131_072,
    backend: str = "local",
    scheduler: str | None = None,
    n_workers: int = 2,
    horizon: int = 15,
    progress: Tick | None = None,
    accept: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    where: str = "result",
) -> SimulationRun:
    """Simulate the solvency ratios one year on (Monte Carlo, Student-t returns; with
    ``assumptions``) and project the commitment plan of ``inputs.extra`` (when there is one).

    Parameters
    ----------
    inputs : what :func:`load_simulation_inputs` returned
    regime : regime name
    assumptions, correlations : the files of the market model (None: no Monte Carlo)
    n : scenarios; seed : random seed; dof : Student-t degrees of freedom (None or 0: normal)
    chunk_size : scenarios per task (does not change the result)
    backend : ``local`` or ``dask``; scheduler : a dask scheduler's address; n_workers : local
        dask workers
    horizon : years of the commitment projection
    progress : called with the scenarios done
    accept, options, where : as for :func:`evaluate`
    """
    prov = build_provenance(inputs, options, regime=regime)
    sim = None
    company = None
    if assumptions is not None:
        h, c = inputs.holdings, inputs.company
        company = c
        sim = monte_carlo(
            h,
            c,
            assumptions,
            regime,
            n,
            seed,
            correlations=correlations_path(Path(assumptions), correlations),
            dof=dof if dof else None,
            chunk_size=chunk_size,
            backend=backend,
            scheduler=scheduler,
            n_workers=n_workers,
            progress=progress,
        )
        check_finite(sim.to_dict(), "simulation")
        accepted = check_ratios(
            {"comprehensive": sim.base["comprehensive"], "core": sim.base["core"]}, accept, where
        )
        prov = with_warnings(prov, accepted)
    proj = None
    if inputs.extra:
        proj = project_commitments(inputs.extra[0], horizon)
        check_finite(proj.to_dict(), "commitments")
    return SimulationRun(sim, proj, company, prov)


__all__ = [
    "SimulationRun",
    "load_simulation_inputs",
    "monte_carlo",
    "read_commitment_plan",
    "simulate",
    "simulation_model",
]
