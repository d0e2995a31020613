"""The application services: everything the command line and the dashboard call.

A front end (``analyzer/commands/``, ``dashboard/``) imports from this module and from
:mod:`analyzer.errors` only: it parses what the user gave, calls one service and formats the
result. The services take typed inputs (checked once by the one validation layer) and return
the immutable result objects re-exported here.

Typical use::

    import analyzer as az
    inputs = az.load_inputs("holdings.csv", "company.toml")
    result = az.evaluate(inputs)
"""

from __future__ import annotations

from analyzer.optimize.kinds import OBJECTIVES, ObjectiveName

__all__ = [
    "OBJECTIVES",
    "ObjectiveName",
]

# --- dashboard services
# the dashboard's services, by namespace (``api.lab.live_figures``, ``api.scenarios.result_for``
# ...), and the result and model types its pages format
from analyzer.io.assumptions import Assumptions  # noqa: E402
from analyzer.io.company import Company  # noqa: E402
from analyzer.io.holdings import Holdings  # noqa: E402
from analyzer.report import solvency_xlsx  # noqa: E402
from analyzer.samples import sample_dir  # noqa: E402
from analyzer.services import (
    lab,  # noqa: E402
    stress_page,  # noqa: E402
)
from analyzer.services import scenario as scenarios  # noqa: E402
from analyzer.services import upload as uploads  # noqa: E402
from analyzer.services.cache import CACHE, ContentCache, clear_cache  # noqa: E402
from analyzer.services.lab import LabModel, LiveFigures, WeightProblem  # noqa: E402
from analyzer.services.scenario import NoData, Scenario  # noqa: E402
from analyzer.services.upload import UploadOutcome, apply_upload  # noqa: E402
from analyzer.solvency.capital_map import CapitalMap  # noqa: E402
from analyzer.solvency.regime import DEFAULT_REGIME, available_regimes  # noqa: E402
from analyzer.solvency.result import SolvencyResult  # noqa: E402
from analyzer.stress import ReverseResult, SimulationResult, Stresser, StressResult  # noqa: E402

__all__ += [
    "CACHE",
    "DEFAULT_REGIME",
    "Assumptions",
    "CapitalMap",
    "Company",
    "ContentCache",
    "Holdings",
    "LabModel",
    "LiveFigures",
    "NoData",
    "ReverseResult",
    "Scenario",
    "SimulationResult",
    "SolvencyResult",
    "StressResult",
    "Stresser",
    "UploadOutcome",
    "WeightProblem",
    "apply_upload",
    "available_regimes",
    "clear_cache",
    "lab",
    "sample_dir",
    "scenarios",
    "solvency_xlsx",
    "stress_page",
    "uploads",
]
