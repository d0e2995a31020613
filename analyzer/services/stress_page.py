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
from analyzer.solvency.capital_map import build_capital_map
from analyzer.stress import (
    MarketModel,
    SimulationResult,
    Stresser,
    StressResult,
    annex4_scenarios,
    market_model,
    read_scenarios,
    reverse_stress,
    simulate,
    simulation_context,
)
from analyzer.stress.reverse import REVERSE_DRIVERS as DRIVER_SPECS
from analyzer.stress.reverse import ReverseResult

SCENARIO_DIR = sample_dir() / "scenarios"
ASSUMPTIONS_FILE = sample_dir() / "assumptions.csv"
#: the drivers of the reverse stress tests, in the order shown
REVERSE_DRIVERS = ("equity", "rates", "spread", "vc")
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


def scenario_kind(path: Path) -> str:
    """``historical`` for a file whose name says so, else ``user``."""
    return "historical" if "historical" in path.name else "user"


def shocks_for(company_type: str, classes: set[str]) -> tuple[list[Any], list[tuple[str, str]]]:
    """Annex 4 scenarios of the company type + every scenario file; files whose asset classes
    the portfolio does not hold are skipped (file, reason)."""
    shocks = list(annex4_scenarios(company_type))
    skipped = []
    for path in scenario_files():
        try:
            shocks += read_scenarios(path, kind=scenario_kind(path), known_classes=classes)
        except InputError as exc:
            skipped.append((f"data/scenarios/{path.name}", str(exc).splitlines()[0]))
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
    """Reverse stress for equity, rates, spread and VC to the default thresholds (cached)."""
    stresser = stresser_for(inputs)
    return CACHE.get_or_build(
        "reverse|" + portfolio_key(inputs),
        lambda: reverse_stress(stresser, REVERSE_DRIVERS, grid_points=11, xtol=1e-6),
    )


def simulation_for(
    inputs: ScenarioLike, n: int, seed: int, progress: Callable[[int], None] | None = None
) -> SimulationResult:
    """The Monte Carlo ``SimulationResult`` of the inputs (Student-t, the scenario's
    assumptions)."""
    scenario = as_scenario(inputs)
    holdings, company = parsed(scenario)
    regime = normalize_regime(scenario.regime)
    classes = build_capital_map(holdings, company, regime).classes
    model = scenario_market_model(scenario, classes)
    ctx = simulation_context(holdings, company, model, regime)
    return simulate(ctx, n, seed, chunk_size=CHUNK, progress=progress)


def scenario_market_model(inputs: ScenarioLike, classes: Any) -> MarketModel:
    """The Monte Carlo market model of the scenario's assumptions (an upload, else the bundled
    file); the core raises `InputError` for a class of the holdings without assumptions."""
    scenario = as_scenario(inputs)
    if scenario.assumptions is None:
        return market_model(ASSUMPTIONS_FILE, None, classes, DOF)
    a = assumptions_for(scenario)
    assert a is not None  # uploaded assumptions parse or raise
    a = a.subset(list(classes))
    return MarketModel(tuple(classes), a.expected_return, a.volatility, a.correlation, DOF)


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


def max_move(driver: str) -> float:
    """The largest move the reverse stress searches for ``driver`` (its unit's numbers)."""
    return float(DRIVER_SPECS[driver][2])
