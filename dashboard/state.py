"""The current scenario of a browser session: the ``dcc.Store`` value -> a validated
`Scenario` (`analyzer.api.scenarios`), and the app's start-up files.

The store (``ids.CURRENT_SCENARIO``, kept in the browser as a token signed by the server, see
`dashboard.trust`) holds the scenario's JSON form (`Scenario.to_store`), or
``{"regime": name}`` (the start-up files under that regime), or ``None`` (the start-up files,
`AppEnv.holdings_path` / ``company_path``). Whatever the store holds is validated again here
(`Scenario.from_store`: a value not of the scenario's shape is refused with an `InputError`
naming the field) before a callback uses it; the rows and the company are then read by the
core's readers. The work (parsing, results, proposals, the one cache) is the services'; the
names below are re-exported for the pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.api import DEFAULT_REGIME, NoData, Scenario, SolvencyResult
from analyzer.api import scenarios as _scenarios
from dashboard.context import AppEnv

BUNDLED_ASSUMPTIONS = _scenarios.BUNDLED_ASSUMPTIONS
BUNDLED_TEMPLATES = _scenarios.BUNDLED_TEMPLATES
BUNDLED_TEMPLATES_LABEL = _scenarios.BUNDLED_TEMPLATES_LABEL
WEIGHT_SUM_TOLERANCE = _scenarios.WEIGHT_SUM_TOLERANCE
assumptions_dict = _scenarios.assumptions_dict
assumptions_for = _scenarios.assumptions_for
assumptions_from_json = _scenarios.assumptions_from_json
assumptions_source = _scenarios.assumptions_source
bundled_assumptions = _scenarios.bundled_assumptions
bundled_templates = _scenarios.bundled_templates
check_assumptions = _scenarios.check_assumptions
check_templates = _scenarios.check_templates
class_values = _scenarios.class_values
company_dict = _scenarios.company_dict
company_from_json = _scenarios.company_from_json
current_regime = _scenarios.current_regime
holdings_from_records = _scenarios.holdings_from_records
holdings_records = _scenarios.holdings_records
inputs_hash = _scenarios.inputs_hash
make_inputs = _scenarios.make_inputs
missing_classes = _scenarios.missing_classes
normalize_regime = _scenarios.normalize_regime
parsed = _scenarios.parsed
proposed_inputs = _scenarios.proposed_inputs
result_for = _scenarios.result_for
templates_dict = _scenarios.templates_dict
templates_for = _scenarios.templates_for
templates_source = _scenarios.templates_source
validated_inputs = _scenarios.validated_inputs
validated_weights = _scenarios.validated_weights
with_regime = _scenarios.with_regime
has_rows = _scenarios.has_rows
as_scenario = _scenarios.as_scenario

#: a store value as the browser sends it (validated by `current_inputs` before any use)
StoreData = Mapping[str, Any] | None

__all__ = ["DEFAULT_REGIME", "NoData", "Scenario"]


def startup_scenario(env: AppEnv) -> Scenario:
    """The scenario of the app's start-up files; raises `NoData` naming a missing file."""
    return _scenarios.startup_scenario(
        env.holdings_path,
        env.company_path,
        (env.display_path(env.holdings_path), env.display_path(env.company_path)),
    )


def default_inputs(env: AppEnv) -> dict[str, Any]:
    """The start-up scenario in its JSON form (what a store holds)."""
    return startup_scenario(env).to_store()


def current_inputs(data: StoreData, env: AppEnv | None) -> Scenario:
    """The scenario of a store value, validated (`Scenario.from_store`), or the start-up
    scenario when the store holds no holdings (under the store's regime if it names one;
    `NoData` without ``env``)."""
    if _scenarios.has_rows(data):
        return Scenario.from_store(data)
    return _scenarios.scenario_of_store(data, startup_scenario(env) if env else None)


def current_result(data: StoreData, env: AppEnv) -> SolvencyResult:
    """The SolvencyResult of the store's scenario."""
    return result_for(current_inputs(data, env))


def clear_cache() -> None:
    """Empty the services' one cache (tests)."""
    _scenarios.CACHE.clear()
