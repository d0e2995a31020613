"""The solvency service: the capital and ratios of a portfolio, checked, with provenance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analyzer.io.provenance import Provenance
from analyzer.services.checks import build_provenance, check_result_ratios, with_warnings
from analyzer.services.reading import Inputs
from analyzer.solvency import engine
from analyzer.solvency.regime import DEFAULT_REGIME, load_regime
from analyzer.solvency.result import SolvencyResult


@dataclass(frozen=True)
class SolvencyRun:
    """The solvency of a portfolio and the provenance of the run.

    Attributes
    ----------
    result : the engine's result (ratios, capital by module, per-position table)
    company : the company the result is for (its targets, its name)
    provenance : inputs' digests, options, accepted warnings
    """

    result: SolvencyResult
    company: Any
    provenance: Provenance


def evaluate(
    inputs: Inputs,
    regime: str = DEFAULT_REGIME,
    *,
    accept: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    where: str = "result",
) -> SolvencyRun:
    """The solvency of the holdings and company of ``inputs`` under ``regime``.

    Parameters
    ----------
    inputs : what :func:`load_inputs` returned (holdings and company)
    regime : regime name (see :func:`describe_regimes`)
    accept : accepted warning codes (a ratio above 1000% needs ``result.ratio_above_10``)
    options : the options the run was given, recorded in the provenance
    where : what the ratios belong to, named by a warning (the company file)

    Raises
    ------
    AnalyzerError
        A non-finite number in the result (exit 1).
    UnacceptedWarningError
        A ratio above 1000% not accepted.
    """
    reg = load_regime(regime)
    result = engine.evaluate(inputs.holdings, inputs.company, reg)
    accepted = check_result_ratios(result, accept, where)
    prov = with_warnings(build_provenance(inputs, options, regime=reg.name), accepted)
    return SolvencyRun(result, inputs.company, prov)


__all__ = [
    "SolvencyRun",
    "evaluate",
]
