"""The stress and simulation services both front ends call: the scenario list of a stress
test, the scenario files' kind and the Monte Carlo of a file or of assumptions already read."""

from __future__ import annotations

from analyzer.io import read_company, read_holdings
from analyzer.io.assumptions import read_assumptions
from analyzer.samples import sample_dir
from analyzer.services.simulation import monte_carlo
from analyzer.services.stress import read_scenario_file, scenario_file_kind, scenarios_to_run
from analyzer.stress import annex4

SCENARIOS = sample_dir() / "scenarios"


def test_annex4_scenarios_run_first_then_each_files() -> None:
    hist = read_scenario_file(SCENARIOS / "historical.csv")
    user = read_scenario_file(SCENARIOS / "user_example.csv")
    assert hist and user
    shocks, n = scenarios_to_run("life", [hist, user])
    names = [s.name for s in annex4.scenarios("life")]
    assert n == len(names) > 0
    assert [s.name for s in shocks] == names + [s.name for s in hist + user]
    only_files, none = scenarios_to_run("life", [hist], annex4_scenarios=False)
    assert none == 0 and [s.name for s in only_files] == [s.name for s in hist]


def test_a_file_named_historical_replays_history() -> None:
    assert scenario_file_kind(SCENARIOS / "historical.csv") == "historical"
    assert scenario_file_kind("user_example.csv") == "user"
    assert {s.kind for s in read_scenario_file(SCENARIOS / "historical.csv")} == {"historical"}
    assert {s.kind for s in read_scenario_file(SCENARIOS / "user_example.csv")} == {"user"}


def test_the_monte_carlo_of_a_file_and_of_its_assumptions_read_agree() -> None:
    """The command line simulates from the assumptions file, the dashboard from assumptions
    already read (an upload): the same assumptions give the same distribution."""
    h = read_holdings(sample_dir() / "life" / "holdings.csv")
    c = read_company(sample_dir() / "life" / "company.toml")
    path = sample_dir() / "assumptions.csv"
    from_file = monte_carlo(h, c, path, "cross2-2025-12", 2_000, 11)
    from_read = monte_carlo(h, c, read_assumptions(path), "cross2-2025-12", 2_000, 11)
    assert _numbers(from_file) == _numbers(from_read)
    other_seed = monte_carlo(h, c, path, "cross2-2025-12", 2_000, 12)
    assert _numbers(other_seed) != _numbers(from_file)  # the comparison can fail


def _numbers(result: object) -> dict:
    out = dict(result.to_dict())  # type: ignore[attr-defined]
    out.pop("elapsed_seconds")  # the run's time, not a result
    return out
