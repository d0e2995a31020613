"""The dashboard stress page's service: the Annex 4 and historical scenarios, the reverse
stress and the Monte Carlo simulation of a scenario (`analyzer.services.scenario`), each kept
in the services' one cache under the scenario's content hash.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzer.errors import InputError
from analyzer.samples import sample_dir
from analyzer.services.cache import CACHE
from analyzer.services.scenario import (
    ScenarioLike,
    as_scenario,
    assumptions_for,
    inputs_hash,
    normalize_regime,
    parsed,
)
from analyzer.services.simulation import monte_carlo, simulation_model
from analyzer.services.stress import (
    read_scenario_file,
    reverse_max_move,
    reverse_stress,
    scenarios_to_run,
)
from analyzer.stress import MarketModel, SimulationResult, Stresser, StressResult
from analyzer.stress.reverse import ReverseResult
from analyzer.stress.shocks import Shock

SCENARIO_DIR = sample_dir() / "scenarios"
ASSUMPTIONS_FILE = sample_dir() / "assumptions.csv"
DEFAULT_N = 50_000
MAX_N = 1_000_000
MIN_N = 1_000
DEFAULT_SEED = 20240601
DOF = 5.0
CHUNK = 16_384  # one random block per chunk: progress after each (does not change results)


def portfolio_key(inputs: ScenarioLike) -> str:
    """What a stress result belongs to (the scenario's content hash)."""
    return inputs_hash(inputs)


def stresser_for(inputs: ScenarioLike) -> Stresser:
    """The `Stresser` of the scenario under its regime (cached)."""
    scenario = as_scenario(inputs)
    regime = normalize_regime(scenario.regime)

    def build() -> Stresser:
        holdings, company = parsed(scenario)
        return Stresser(holdings, company, regime)

    return CACHE.get_or_build("stresser|" + portfolio_key(scenario), build)


def scenario_files(folder: Path = SCENARIO_DIR) -> list[Path]:
    """The scenario files of a folder (``*.csv``), sorted."""
    return sorted(p for p in folder.glob("*.csv") if p.is_file()) if folder.is_dir() else []


def shocks_for(company_type: str, classes: set[str]) -> tuple[list[Shock], list[tuple[str, str]]]:
    """Annex 4 scenarios of the company type + every scenario file; files whose asset classes
    the portfolio does not hold are skipped (file, reason)."""
    files = []
    skipped = []
    for path in scenario_files():
        try:
            files.append(read_scenario_file(path, classes))
        except InputError as exc:
            skipped.append((f"data/scenarios/{path.name}", str(exc).splitlines()[0]))
    shocks, _ = scenarios_to_run(company_type, files)
    return shocks, skipped


def scenario_results(
    inputs: ScenarioLike,
) -> tuple[Stresser, list[StressResult], list[tuple[str, str]]]:
    """(stresser, [StressResult], skipped files) for the inputs (cached)."""
    stresser = stresser_for(inputs)

    def build() -> tuple[list[StressResult], list[tuple[str, str]]]:
        classes = set(stresser.holdings.frame["asset_class"].astype(str)) - {""}
        shocks, skipped = shocks_for(stresser.company.company_type, classes)
        return [stresser.run(s) for s in shocks], skipped

    results, skipped = CACHE.get_or_build("scenarios|" + portfolio_key(inputs), build)
    return stresser, results, skipped


def reverse_results(inputs: ScenarioLike) -> list[ReverseResult]:
    """Reverse stress for equity, rates, spread and VC to the default thresholds (cached;
    a coarser search than the command line's: 11 grid points, moves to 1e-6)."""
    stresser = stresser_for(inputs)
    return CACHE.get_or_build(
        "reverse|" + portfolio_key(inputs),
        lambda: reverse_stress(stresser, grid_points=11, xtol=1e-6),
    )


def simulation_for(
    inputs: ScenarioLike, n: int, seed: int, progress: Callable[[int], None] | None = None
) -> SimulationResult:
    """The Monte Carlo ``SimulationResult`` of the inputs (Student-t, the scenario's
    assumptions)."""
    scenario = as_scenario(inputs)
    holdings, company = parsed(scenario)
    return monte_carlo(
        holdings,
        company,
        _assumptions(scenario),
        normalize_regime(scenario.regime),
        n,
        seed,
        dof=DOF,
        chunk_size=CHUNK,
        progress=progress,
    )


def scenario_market_model(inputs: ScenarioLike, classes: Any) -> MarketModel:
    """The Monte Carlo market model of the scenario's assumptions (an upload, else the bundled
    file); the core raises `InputError` for a class of the holdings without assumptions."""
    return simulation_model(_assumptions(as_scenario(inputs)), None, classes, DOF)


def _assumptions(scenario: Any) -> Any:
    """The scenario's uploaded assumptions (read), else the bundled file."""
    if scenario.assumptions is None:
        return ASSUMPTIONS_FILE
    a = assumptions_for(scenario)
    assert a is not None  # uploaded assumptions parse or raise
    return a


def clamp_n(n: Any) -> int:
    """The number of simulated scenarios asked for, within [MIN_N, MAX_N] (default DEFAULT_N)."""
    try:
        value = int(float(n))
    except (TypeError, ValueError):
        return DEFAULT_N
    return max(MIN_N, min(MAX_N, value))


def clamp_seed(seed: Any) -> int:
    """The seed asked for (>= 0; default DEFAULT_SEED)."""
    try:
        value = int(float(seed))
    except (TypeError, ValueError):
        return DEFAULT_SEED
    return max(0, value)


#: the largest move the reverse stress searches for a driver (its unit's numbers)
max_move = reverse_max_move
