"""The application services: everything the command line and the dashboard call.

A front end (``analyzer/commands/``, ``dashboard/``) imports from this module and from
:mod:`analyzer.errors` only: it parses what the user gave, calls one service and formats the
result. The services take typed inputs (checked once by the one validation layer) and return
the immutable result objects re-exported here.

Typical use::

    import analyzer as az
    inputs = az.load_inputs("holdings.csv", "company.toml")
    run = az.evaluate(inputs)
    run.result.comprehensive_ratio

The services and result types load on first use (each from its own module), so that
``import analyzer.api`` costs no numpy, pandas or cvxpy: ``analyzer --help`` and
``analyzer regimes`` stay quick. Only the messages' functions are imported here eagerly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from analyzer.messages import Text, language, set_language, text
from analyzer.messages import register as register_messages

# --------------------------------------------------------------------------- run services
#: name -> the module that defines it, imported on first use (see the module's docstring).
#: A later block may add its own names to this table and to ``__all__``.
_LAZY: dict[str, str] = {
    # the names a user picks from
    "OBJECTIVES": "analyzer.optimize.kinds",
    "ObjectiveName": "analyzer.optimize.kinds",
    # the regimes
    "DEFAULT_REGIME": "analyzer.services.regimes",
    "available_regimes": "analyzer.services.regimes",
    "describe_regimes": "analyzer.services.regimes",
    # reading and checking inputs
    "load_inputs": "analyzer.services.inputs",
    "Inputs": "analyzer.services.inputs",
    "Tick": "analyzer.services.inputs",
    "check_accepted": "analyzer.services.checks",
    "known_warning_codes": "analyzer.services.checks",
    "correlations_path": "analyzer.services.checks",
    "check_finite": "analyzer.services.checks",
    "check_ratios": "analyzer.services.checks",
    "check_solvency": "analyzer.services.checks",
    "check_result_ratios": "analyzer.services.checks",
    "build_provenance": "analyzer.services.checks",
    "with_warnings": "analyzer.services.checks",
    "plain": "analyzer.services.checks",
    "RATIO_RULE": "analyzer.services.checks",
    "RATIO_WARN_ABOVE": "analyzer.services.checks",
    # solvency
    "evaluate": "analyzer.services.solvency",
    "SolvencyRun": "analyzer.services.solvency",
    # allocation
    "load_allocation_inputs": "analyzer.services.allocation",
    "allocation_setup": "analyzer.services.allocation",
    "AllocationSetup": "analyzer.services.allocation",
    "optimise": "analyzer.services.allocation",
    "frontiers": "analyzer.services.allocation",
    # stress
    "load_stress_inputs": "analyzer.services.stress",
    "accounting_note": "analyzer.services.stress",
    "stress_setup": "analyzer.services.stress",
    "StressSetup": "analyzer.services.stress",
    "run_stresses": "analyzer.services.stress",
    "StressRun": "analyzer.services.stress",
    "reverse_stress": "analyzer.services.stress",
    "reverse_stress_drivers": "analyzer.services.stress",
    "scenario_file_kind": "analyzer.services.stress",
    "read_scenario_file": "analyzer.services.stress",
    # simulation
    "load_simulation_inputs": "analyzer.services.simulation",
    "read_commitment_plan": "analyzer.services.simulation",
    "simulate": "analyzer.services.simulation",
    "SimulationRun": "analyzer.services.simulation",
    # the forward projection and the multi-year plan
    "load_forward_inputs": "analyzer.services.forward",
    "project": "analyzer.services.forward",
    "ProjectionRun": "analyzer.services.forward",
    "plan": "analyzer.services.forward",
    "PlanRun": "analyzer.services.forward",
    "export_holdings": "analyzer.services.forward",
    "write_projection_xlsx": "analyzer.services.forward",
    "render_projection": "analyzer.services.forward",
    "projection_tables": "analyzer.services.forward",
    # validation, top-down, template, samples
    "validate": "analyzer.services.validation",
    "ValidationReport": "analyzer.services.validation",
    "aggregate": "analyzer.services.topdown",
    "render_aggregate": "analyzer.services.topdown",
    "write_aggregate": "analyzer.services.topdown",
    "write_template": "analyzer.services.template",
    "copy_samples": "analyzer.samples",
    "sample_dir": "analyzer.samples",
    # report writers
    "write_json": "analyzer.services.reports",
    "write_solvency_json": "analyzer.services.reports",
    "write_solvency_parquet": "analyzer.services.reports",
    "write_solvency_xlsx": "analyzer.services.workbook",
    "render_solvency_table": "analyzer.services.terminal",
    # result types
    "Provenance": "analyzer.io.provenance",
    "InputFile": "analyzer.io.provenance",
    "SolvencyResult": "analyzer.solvency.result",
    "AllocationResult": "analyzer.optimize",
    "BindingConstraint": "analyzer.optimize",
    "Frontier": "analyzer.optimize",
    "FrontierPoint": "analyzer.optimize",
    "Limits": "analyzer.optimize",
    "Universe": "analyzer.optimize",
    "StressResult": "analyzer.stress.forward",
    "Snapshot": "analyzer.stress.forward",
    "ReverseResult": "analyzer.stress.reverse",
    "NotRun": "analyzer.stress.mandatory",
    "SimulationResult": "analyzer.stress.montecarlo",
    "CommitmentProjection": "analyzer.stress.commitments",
}

if TYPE_CHECKING:  # what the table above loads, for type checkers and editors
    from analyzer import messages as catalogue
    from analyzer.io.assumptions import Assumptions
    from analyzer.io.company import Company
    from analyzer.io.holdings import Holdings
    from analyzer.io.provenance import InputFile, Provenance
    from analyzer.optimize import (
        AllocationResult,
        BindingConstraint,
        Frontier,
        FrontierPoint,
        Limits,
        Universe,
    )
    from analyzer.optimize.kinds import OBJECTIVES, ObjectiveName
    from analyzer.report import solvency_xlsx
    from analyzer.samples import copy_samples, sample_dir
    from analyzer.services import lab, overview, plan_page, stress_page
    from analyzer.services import scenario as scenarios
    from analyzer.services import upload as uploads
    from analyzer.services.allocation import (
        AllocationSetup,
        allocation_setup,
        frontiers,
        load_allocation_inputs,
        optimise,
    )
    from analyzer.services.cache import CACHE, ContentCache, clear_cache
    from analyzer.services.checks import (
        RATIO_RULE,
        RATIO_WARN_ABOVE,
        build_provenance,
        check_accepted,
        check_finite,
        check_ratios,
        check_result_ratios,
        check_solvency,
        correlations_path,
        known_warning_codes,
        plain,
        with_warnings,
    )
    from analyzer.services.forward import (
        PlanRun,
        ProjectionRun,
        export_holdings,
        load_forward_inputs,
        plan,
        project,
        projection_tables,
        render_projection,
        write_projection_xlsx,
    )
    from analyzer.services.inputs import Inputs, Tick, load_inputs
    from analyzer.services.lab import LabModel, LiveFigures, WeightProblem
    from analyzer.services.regimes import DEFAULT_REGIME, available_regimes, describe_regimes
    from analyzer.services.reports import write_json, write_solvency_json, write_solvency_parquet
    from analyzer.services.scenario import NoData, Scenario
    from analyzer.services.simulation import (
        SimulationRun,
        load_simulation_inputs,
        read_commitment_plan,
        simulate,
    )
    from analyzer.services.solvency import SolvencyRun, evaluate
    from analyzer.services.stress import (
        StressRun,
        StressSetup,
        accounting_note,
        load_stress_inputs,
        read_scenario_file,
        reverse_stress,
        reverse_stress_drivers,
        run_stresses,
        scenario_file_kind,
        stress_setup,
    )
    from analyzer.services.template import write_template
    from analyzer.services.terminal import render_solvency_table
    from analyzer.services.topdown import aggregate, render_aggregate, write_aggregate
    from analyzer.services.upload import UploadOutcome, apply_upload
    from analyzer.services.validation import ValidationReport, validate
    from analyzer.services.workbook import write_solvency_xlsx
    from analyzer.solvency.capital_map import CapitalMap
    from analyzer.solvency.result import SolvencyResult
    from analyzer.stress import Stresser
    from analyzer.stress.commitments import CommitmentProjection
    from analyzer.stress.forward import Snapshot, StressResult
    from analyzer.stress.mandatory import NotRun
    from analyzer.stress.montecarlo import SimulationResult
    from analyzer.stress.reverse import ReverseResult


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_MODULES})


__all__ = [
    "AllocationResult",
    "AllocationSetup",
    "BindingConstraint",
    "CommitmentProjection",
    "DEFAULT_REGIME",
    "Frontier",
    "FrontierPoint",
    "InputFile",
    "Inputs",
    "Limits",
    "NotRun",
    "OBJECTIVES",
    "ObjectiveName",
    "Provenance",
    "RATIO_RULE",
    "RATIO_WARN_ABOVE",
    "ReverseResult",
    "SimulationResult",
    "SimulationRun",
    "Snapshot",
    "SolvencyResult",
    "SolvencyRun",
    "StressResult",
    "StressRun",
    "StressSetup",
    "Text",
    "Tick",
    "Universe",
    "ValidationReport",
    "accounting_note",
    "aggregate",
    "allocation_setup",
    "available_regimes",
    "build_provenance",
    "check_accepted",
    "check_finite",
    "check_ratios",
    "check_result_ratios",
    "check_solvency",
    "copy_samples",
    "correlations_path",
    "describe_regimes",
    "evaluate",
    "export_holdings",
    "load_forward_inputs",
    "plan",
    "project",
    "projection_tables",
    "render_projection",
    "write_projection_xlsx",
    "PlanRun",
    "ProjectionRun",
    "frontiers",
    "known_warning_codes",
    "language",
    "load_allocation_inputs",
    "load_inputs",
    "load_simulation_inputs",
    "load_stress_inputs",
    "optimise",
    "plain",
    "read_commitment_plan",
    "read_scenario_file",
    "register_messages",
    "render_aggregate",
    "render_solvency_table",
    "reverse_stress",
    "reverse_stress_drivers",
    "run_stresses",
    "sample_dir",
    "scenario_file_kind",
    "set_language",
    "simulate",
    "stress_setup",
    "text",
    "validate",
    "with_warnings",
    "write_aggregate",
    "write_json",
    "write_solvency_json",
    "write_solvency_parquet",
    "write_solvency_xlsx",
    "write_template",
]

# --------------------------------------------------------------------------- dashboard services
# the dashboard's services, by namespace (``api.lab.live_figures``, ``api.scenarios.result_for``
# ...), and the result and model types its pages format; loaded on first use as above
_MODULES: dict[str, str] = {
    "catalogue": "analyzer.messages",  # the one zh / en catalogue of every user-facing text
    "lab": "analyzer.services.lab",
    "overview": "analyzer.services.overview",
    "scenarios": "analyzer.services.scenario",
    "plan_page": "analyzer.services.plan_page",
    "stress_page": "analyzer.services.stress_page",
    "uploads": "analyzer.services.upload",
    "solvency_xlsx": "analyzer.report.solvency_xlsx",
}
_LAZY.update(
    {
        "Assumptions": "analyzer.io.assumptions",
        "Company": "analyzer.io.company",
        "Holdings": "analyzer.io.holdings",
        "CACHE": "analyzer.services.cache",
        "ContentCache": "analyzer.services.cache",
        "clear_cache": "analyzer.services.cache",
        "LabModel": "analyzer.services.lab",
        "LiveFigures": "analyzer.services.lab",
        "WeightProblem": "analyzer.services.lab",
        "NoData": "analyzer.services.scenario",
        "Scenario": "analyzer.services.scenario",
        "UploadOutcome": "analyzer.services.upload",
        "apply_upload": "analyzer.services.upload",
        "CapitalMap": "analyzer.solvency.capital_map",
        "Stresser": "analyzer.stress",
    }
)

__all__ += [
    "CACHE",
    "Assumptions",
    "CapitalMap",
    "Company",
    "ContentCache",
    "Holdings",
    "LabModel",
    "LiveFigures",
    "NoData",
    "Scenario",
    "Stresser",
    "UploadOutcome",
    "WeightProblem",
    "apply_upload",
    "clear_cache",
    "catalogue",
    "lab",
    "overview",
    "plan_page",
    "scenarios",
    "solvency_xlsx",
    "stress_page",
    "uploads",
]
