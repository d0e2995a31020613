"""Reading a run's input files: the one validation layer
(:func:`analyzer.services.reading.load_inputs`) behind the checks every front end makes first (the
accepted warning codes, the regime's name, the correlation matrix beside the assumptions)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from analyzer.services import reading
from analyzer.services.checks import check_accepted, correlations_path
from analyzer.services.reading import Inputs
from analyzer.solvency.regime import load_regime

#: a progress callback: called with the number of steps just done
Tick = Callable[[int], None]


def load_inputs(
    holdings: str | Path | None = None,
    company: str | Path | None = None,
    assumptions: str | Path | None = None,
    correlations: str | Path | None = None,
    templates: str | Path | None = None,
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    repair: bool = False,
    collect: bool = False,
    *,
    regime: str | None = None,
    extra: Sequence[tuple[str, str | Path, Callable[[dict], Any]]] = (),
    look_through: str | Path | None = None,
    trades: str | Path | None = None,
) -> Inputs:
    """Read, validate and cross-check the input files of a run (the one validation layer,
    :func:`analyzer.services.reading.load_inputs`), after checking the accepted warning codes and,
    when given, the regime's name.

    The correlation matrix defaults to ``correlations.csv`` beside the assumptions, so that
    its digest is recorded (:func:`~analyzer.services.checks.correlations_path`).

    Raises
    ------
    InputError
        An unknown warning code, an unknown regime, or any problem of the files.
    """
    accept = check_accepted(accept)
    if regime is not None:
        load_regime(regime)
    return reading.load_inputs(
        holdings=holdings,
        company=company,
        assumptions=assumptions,
        correlations=correlations_path(assumptions, correlations),
        templates=templates,
        mapping=mapping,
        accept=accept,
        repair=repair,
        collect=collect,
        extra=extra,
        look_through=look_through,
        trades=trades,
    )


__all__ = [
    "Inputs",
    "Tick",
    "load_inputs",
]
