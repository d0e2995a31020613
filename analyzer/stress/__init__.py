"""Stress tests and the solvency-ratio distribution.

- :mod:`annex4`: the investment-related mandatory scenarios of Rule 10 Annex 4;
- :mod:`mandatory`: the Annex 4 insurance-risk scenarios and life scenario 三 (rates x 130%);
- :mod:`shocks`: scenario definitions, driver scopes and the position-level revaluation;
- :mod:`forward`: deterministic stresses through the full engine (:class:`Stresser`);
- :mod:`scenario_file`: historical and user scenario files;
- :mod:`reverse`: reverse stress tests (smallest move to a ratio threshold);
- :mod:`montecarlo`: one-year Monte Carlo (Student-t), chunked numpy, local or Dask;
- :mod:`commitments`: Takahashi-Alexander projection of VC fund commitments.
"""

from analyzer.stress.annex4 import scenarios as annex4_scenarios
from analyzer.stress.commitments import (
    CommitmentProjection,
    TakahashiAlexander,
    project_commitments,
)
from analyzer.stress.forward import Snapshot, Stresser, StressResult, run_stress
from analyzer.stress.mandatory import NotRun, mandatory_scenarios
from analyzer.stress.montecarlo import (
    MarketModel,
    SimulationContext,
    SimulationResult,
    market_model,
    simulate,
    simulate_returns,
    simulation_context,
)
from analyzer.stress.reverse import ReverseResult, Threshold, reverse_stress
from analyzer.stress.scenario_file import read_scenarios
from analyzer.stress.shocks import DRIVERS, Shock, StressParameters

__all__ = [
    "DRIVERS",
    "CommitmentProjection",
    "MarketModel",
    "ReverseResult",
    "Shock",
    "SimulationContext",
    "SimulationResult",
    "Snapshot",
    "StressParameters",
    "StressResult",
    "Stresser",
    "TakahashiAlexander",
    "Threshold",
    "annex4_scenarios",
    "market_model",
    "project_commitments",
    "read_scenarios",
    "reverse_stress",
    "run_stress",
    "simulate",
    "simulate_returns",
    "simulation_context",
    "NotRun",
    "mandatory_scenarios",
]
