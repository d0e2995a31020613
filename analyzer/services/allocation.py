"""The allocation services: the inputs and limits of an allocation, the best allocation and
the capital-aware efficient frontier."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analyzer.errors import ParameterError
from analyzer.io.provenance import Provenance
from analyzer.messages import Text, register, template
from analyzer.optimize import (
    AllocationProblem,
    AllocationResult,
    Frontier,
    Limits,
    Universe,
    build_universe,
    frontier,
)
from analyzer.optimize.limits import check_values, cost_vector, read_limits
from analyzer.optimize.messages import compose as optimize_message
from analyzer.services.checks import (
    build_provenance,
    check_result_ratios,
    with_warnings,
)
from analyzer.services.inputs import load_inputs
from analyzer.services.reading import Inputs
from analyzer.solvency import engine
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, load_regime

register(
    {
        "cli.limit_option": ("--{option}: {message}", "--{option}：{message}"),
    }
)


def _check_limit_options(limits: dict[str, Any]) -> None:
    """Refuse a limit option by the limits file's own check of the same key (a finite
    number, its range, the percent-for-a-fraction rules), naming the option."""
    for field, problem in check_values(limits, "command line").items():
        option = field.replace("_", "-")
        raise ParameterError(
            Text(
                template("cli.limit_option", "en").format(option=option, message=problem.message),
                template("cli.limit_option", "zh").format(
                    option=option, message=problem.message_zh or problem.message
                ),
            )
        )


def _classes(read: dict) -> tuple[str, ...]:
    """The classes a limits file may bound: those held and those templates make buyable."""
    names = set()
    if read["holdings"] is not None:
        names |= set(read["holdings"].frame["asset_class"].astype(str))
    t, a = read["templates"], read["assumptions"]
    if t is not None and a is not None:  # classes bought from templates may be bounded
        names |= set(t.frame["asset_class"].astype(str)) & set(a.classes)
    return tuple(sorted(names))


def load_allocation_inputs(
    holdings: str | Path,
    company: str | Path,
    assumptions: str | Path,
    correlations: str | Path | None = None,
    templates: str | Path | None = None,
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    repair: bool = False,
    *,
    regime: str = DEFAULT_REGIME,
    limits_file: str | Path | None = None,
    look_through: str | Path | None = None,
    trades: str | Path | None = None,
) -> Inputs:
    """:func:`load_inputs` for an allocation: with the limits file (read on top of the
    default limits, its classes checked against those held or buyable) in ``inputs.extra``.
    ``repair`` uses the nearest correlation matrix when the one given is not one."""
    extra = []
    if limits_file is not None:
        extra.append(
            ("limits", limits_file, lambda read: read_limits(limits_file, Limits(), _classes(read)))
        )
    return load_inputs(
        holdings=holdings,
        company=company,
        assumptions=assumptions,
        correlations=correlations,
        templates=templates,
        mapping=mapping,
        accept=accept,
        repair=repair,
        regime=regime,
        extra=extra,
        look_through=look_through,
        trades=trades,
    )


@dataclass(frozen=True)
class AllocationSetup:
    """What an allocation or a frontier is solved on.

    Attributes
    ----------
    universe : the units to allocate, their capital model and returns
    limits : every limit in force (the file's, then the overrides)
    inputs : the validated inputs
    provenance : the run's provenance (with the accepted ratio warning of today's holdings)
    """

    universe: Universe
    limits: Limits
    inputs: Inputs
    provenance: Provenance


def allocation_setup(
    inputs: Inputs,
    regime: str = DEFAULT_REGIME,
    *,
    limits: Mapping[str, float | None] | None = None,
    equity_cap_basis: str | None = None,
    level: str = "class",
    transaction_cost_bp: float | None = None,
    accept: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    where: str = "result",
) -> AllocationSetup:
    """Build the universe and the limits of an allocation, after the plausibility check of
    today's ratios.

    Parameters
    ----------
    inputs : what :func:`load_allocation_inputs` returned
    regime : regime name
    limits : overrides of :class:`~analyzer.optimize.Limits` fields (``min_comprehensive``,
        ``min_core``, ``min_sci_tech``, ``min_liquid``, ``max_volatility``, ``target_return``,
        ``max_turnover``, ``min_lcr2``; fractions); None values are not overrides
    equity_cap_basis : ``prior_quarter`` or ``resulting`` (None: the limits' own)
    level : ``class`` or ``position``
    transaction_cost_bp : cost per unit traded of the classes the limits file prices not, bp
    accept, options, where : as for :func:`evaluate`

    Raises
    ------
    ParameterError
        A limit the limits file would refuse for the same key (not a finite number, out of
        its range, a percent written for a fraction); an LCR2 floor without ``[liquidity]``.
    """
    reg = load_regime(regime)
    h, c, a, t = inputs.holdings, inputs.company, inputs.assumptions, inputs.templates
    lim = Limits()
    costs: dict[str, float] = {}
    if inputs.extra:
        lim, costs = inputs.extra[0]
    kw = {k: v for k, v in (limits or {}).items() if v is not None}
    _check_limit_options(kw)
    if equity_cap_basis is not None:
        kw["equity_cap_basis"] = equity_cap_basis
    lim = replace(lim, **kw)
    if lim.min_lcr2 is not None and c.liquidity is None:
        raise ParameterError(optimize_message("optimize.min_lcr2_no_liquidity", company=c.source))
    engine_options = EngineOptions(equity_cap_basis=lim.equity_cap_basis)
    u = build_universe(h, c, a, reg, engine_options, level=level, templates=t)
    default_cost = (transaction_cost_bp or 0.0) / 1e4
    if costs or default_cost:
        lim = replace(lim, transaction_cost=cost_vector(u.units, u.unit_class, costs, default_cost))
    # today's ratios, on the current holdings as the universe maps them
    held = u.source_holdings if u.source_holdings is not None else u.holdings
    base = engine.evaluate(held, u.company, u.regime, u.options, scitech=False)
    accepted = check_result_ratios(base, accept, where)
    prov = with_warnings(build_provenance(inputs, options, regime=u.regime.name), accepted)
    return AllocationSetup(u, lim, inputs, prov)


def optimise(
    setup: AllocationSetup,
    objective: str = "max_return",
    *,
    risk_aversion: float = 1.0,
    risk_free: float = 0.0,
) -> AllocationResult:
    """The best allocation under every limit of ``setup``.

    Parameters
    ----------
    setup : what :func:`allocation_setup` returned
    objective : one of :data:`~analyzer.api.OBJECTIVES`
    risk_aversion : mean_variance's delta in mu'w - delta/2 w'Sigma w
    risk_free : max_return_on_capital's return subtracted (fraction)

    Raises
    ------
    InfeasibleError
        No allocation meets the limits (its conflicts name them).
    """
    problem = AllocationProblem(
        setup.universe,
        str(objective),
        setup.limits,
        risk_aversion=risk_aversion,
        risk_free=risk_free,
    )
    return problem.solve()


def frontiers(
    setup: AllocationSetup,
    *,
    points: int = 50,
    axis: str = "volatility",
    objective: str = "max_return",
) -> Frontier:
    """The capital-aware efficient frontier of ``setup``: return against volatility
    (``axis="volatility"``) or against the comprehensive ratio (``"solvency"``).

    Raises
    ------
    InfeasibleError
        No point meets the limits.
    """
    return frontier(
        setup.universe, setup.limits, points=points, axis=axis, objective=str(objective)
    )


__all__ = [
    "AllocationSetup",
    "allocation_setup",
    "frontiers",
    "load_allocation_inputs",
    "optimise",
]
