"""The forward services: the projected base scenario (``analyzer project``) and the optimised
multi-year plan (``analyzer plan``), their files and their tables.

Every input goes through the one validation layer (:func:`analyzer.services.reading.load_inputs`);
the plan file and the new-commitments file are read there as extra files, checked against the
company's valuation date and the assumptions' classes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer.errors import InputError, InputProblem
from analyzer.io.provenance import Provenance
from analyzer.messages import Text, register, text
from analyzer.services.checks import build_provenance, check_finite
from analyzer.services.inputs import load_inputs
from analyzer.services.reading import Inputs
from analyzer.solvency.regime import DEFAULT_REGIME

register(
    {
        "forward.plan_needs": (
            "the plan file is read against the company and assumptions files: give "
            "--company and --assumptions",
            "规划文件需对照公司文件和资本市场假设文件读取：请给出 --company 和 --assumptions",
        ),
        "forward.export_exists": (
            "{dir} exists and is not empty; choose a new directory (nothing is overwritten)",
            "{dir} 已存在且非空；请选择新目录（不会覆盖任何文件）",
        ),
        "forward.limits_not_planned": (
            "the multi-year plan does not apply {keys} (it states the ratio floors, the "
            "sci-tech share, liquidity and turnover of the limits file, the assumptions' class "
            "bounds and the investment-ratio caps): remove them, or use analyzer optimize",
            "多年规划不适用 {keys}（规划只采用限额文件中的充足率下限、科技投资占比、"
            "流动性和换手率，以及资本市场假设的类别上下限和投资比例上限）："
            "请删除，或使用 analyzer optimize",
        ),
        "forward.limits_checked": (
            "the limits file is read and checked; a projection follows its policy and applies "
            "no limit (the investment-ratio table of every date shows where the book stands; "
            "analyzer plan applies the floors)",
            "限额文件已读取并校验；预测按配置策略执行，不施加任何限额（各时点的投资比例表"
            "显示组合所处位置；analyzer plan 会施加下限）",
        ),
        "forward.years": (
            "must be a whole number of years from 1 to 10, got {value}",
            "必须是 1 到 10 之间的整数年，实际为 {value}",
        ),
    }
)

#: the most years a projection runs
MAX_YEARS = 10


def _classes(read: Mapping[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    a = read.get("assumptions")
    if a is not None:
        out += list(a.classes)
    for key in ("holdings", "templates"):
        h = read.get(key)
        if h is not None:
            out += [str(c) for c in h.frame["asset_class"].astype(str).unique() if c]
    return tuple(dict.fromkeys(out))


def load_forward_inputs(
    holdings: str | Path,
    company: str | Path,
    assumptions: str | Path,
    plan: str | Path | None = None,
    *,
    correlations: str | Path | None = None,
    templates: str | Path | None = None,
    look_through: str | Path | None = None,
    limits: str | Path | None = None,
    commitments: str | Path | None = None,
    new_commitments: str | Path | None = None,
    sci_tech_path: str | Path | None = None,
    trades: str | Path | None = None,
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    regime: str | None = None,
    years: int = 3,
    step: str = "quarter",
) -> Inputs:
    """Read and check the inputs of a projection or a plan.

    ``extra`` of the result holds the plan (or None), the new vintages (or ()) and the
    sci-tech path (the floor at each projected date, or None), in that order.
    """
    from analyzer.forward import plan_file

    check_years(years)
    state: dict[str, Any] = {}

    def read_plan(read: dict) -> Any:
        co, a = read.get("company"), read.get("assumptions")
        if co is None or a is None:
            raise InputError([InputProblem(str(plan), None, None, text("forward.plan_needs"))])
        state["plan"] = plan_file.read_plan(
            plan, valuation_date=co.valuation_date, classes=_classes(read)
        )
        return state["plan"]

    def read_path(read: dict) -> Any:
        import datetime as dt

        co = read.get("company")
        p = state.get("plan")
        day = (
            getattr(p, "valuation_date", None)
            or getattr(co, "valuation_date", None)
            or dt.date.today()
        )
        dates = plan_file.step_dates(day, years, step)
        return plan_file.read_sci_tech_path(sci_tech_path, valuation_date=day, dates=dates)

    def read_new(read: dict) -> Any:
        return plan_file.read_new_commitments(new_commitments, classes=_classes(read), years=years)

    extra = []
    if plan is not None:
        extra.append(("plan", plan, read_plan))
    if new_commitments is not None:
        extra.append(("new_commitments", new_commitments, read_new))
    if sci_tech_path is not None:
        extra.append(("sci_tech_path", sci_tech_path, read_path))
    inputs = load_inputs(
        holdings,
        company,
        assumptions,
        correlations,
        templates,
        mapping,
        accept,
        regime=regime,
        commitments=commitments,
        horizon=years,
        limits=limits,
        extra=extra,
        look_through=look_through,
        trades=trades,
    )
    got = list(inputs.extra)
    p = got.pop(0) if plan is not None else None
    nv = got.pop(0) if new_commitments is not None else ()
    path = got.pop(0) if sci_tech_path is not None else None
    from dataclasses import replace

    return replace(inputs, extra=(p, tuple(nv or ()), path))


def check_years(years: Any) -> int:
    """``years`` as a whole number from 1 to :data:`MAX_YEARS`, else refused."""
    ok = isinstance(years, int) and not isinstance(years, bool) and 1 <= years <= MAX_YEARS
    if not ok:
        raise InputError.single("--years", None, None, text("forward.years", value=years))
    return years


def projector(
    inputs: Inputs,
    regime: str = DEFAULT_REGIME,
    *,
    years: int = 3,
    step: str = "quarter",
    stresses: bool = True,
    reverse: bool = True,
    include_unapproved: bool = False,
    derive_maturity: bool = False,
) -> Any:
    """The :class:`~analyzer.forward.projection.Projector` of ``inputs``
    (what :func:`load_forward_inputs` returned)."""
    from analyzer.forward.projection import Projector

    plan = inputs.extra[0] if inputs.extra else None
    return Projector(
        inputs.holdings,
        inputs.company,
        inputs.assumptions,
        plan,
        regime=regime,
        templates=inputs.templates,
        commitments=inputs.commitments,
        years=check_years(years),
        step=step,
        stresses=stresses,
        reverse=reverse,
        include_unapproved=include_unapproved,
        derive_maturity=derive_maturity,
    )


@dataclass(frozen=True)
class ProjectionRun:
    """A projection and the provenance of its inputs.

    Attributes
    ----------
    projection : :class:`~analyzer.forward.projection.Projection`
    company : the company as read
    provenance : inputs' digests, options
    """

    projection: Any
    company: Any
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs/formats.md, ``analyzer project --format json``)."""
        data = self.projection.to_dict()
        data["company"] = self.company.name
        data["provenance"] = self.provenance.to_dict()
        return data


def project(
    inputs: Inputs,
    regime: str = DEFAULT_REGIME,
    *,
    years: int = 3,
    step: str = "quarter",
    stresses: bool = True,
    reverse: bool = True,
    include_unapproved: bool = False,
    derive_maturity: bool = False,
    options: Mapping[str, Any] | None = None,
) -> ProjectionRun:
    """The projected base scenario of ``inputs`` (see :mod:`analyzer.forward.projection`)."""
    p = projector(
        inputs,
        regime,
        years=years,
        step=step,
        stresses=stresses,
        reverse=reverse,
        include_unapproved=include_unapproved,
        derive_maturity=derive_maturity,
    )
    result = p.run()
    if inputs.limits is not None:
        from dataclasses import replace

        result = replace(result, notes=(*result.notes, text("forward.limits_checked")))
    check_finite(_ratios(result), "projection")
    return ProjectionRun(result, inputs.company, build_provenance(inputs, options, regime=regime))


def _ratios(projection: Any) -> dict[str, Any]:
    return {
        p.date.isoformat(): {
            "core_ratio": p.result.core_ratio,
            "comprehensive_ratio": p.result.comprehensive_ratio,
            "minimum_capital": p.result.minimum_capital,
        }
        for p in projection.periods
    }


# --- the optimised plan -------------------------------------------------------------------


def _given(limits: Any, key: str) -> float | None:
    """A limit of the limits file, when the file set it (differs from the default)."""
    if limits is None:
        return None
    from analyzer.optimize.limits import Limits

    value = getattr(limits[0], key, None)
    return None if value is None or value == getattr(Limits(), key, None) else value


#: the Limits fields the plan applies (``Planner`` arguments); any other field the limits file
#: sets is refused, never dropped
PLANNED_LIMITS = ("min_comprehensive", "min_core", "min_sci_tech", "min_liquid", "max_turnover")


def _check_planned_limits(inputs: Inputs, source: str) -> None:
    """Refuse the limits a plan would not apply (a class bound, a group cap, a volatility
    cap ... given in the limits file)."""
    if inputs.limits is None:
        return
    import dataclasses

    from analyzer.optimize.limits import Limits

    given, default = inputs.limits[0], Limits()
    keys = [
        f.name
        for f in dataclasses.fields(Limits)
        if f.name not in PLANNED_LIMITS and getattr(given, f.name) != getattr(default, f.name)
    ]
    if keys:
        raise InputError.single(
            source, None, None, text("forward.limits_not_planned", keys=", ".join(keys))
        )


@dataclass(frozen=True)
class PlanRun:
    """An optimised plan and the provenance of its inputs.

    Attributes
    ----------
    plan : :class:`~analyzer.forward.planner.PlanResult` (its ``projection`` is the engine's
        evaluation of the plan at every date)
    company : the company as read
    provenance : inputs' digests, options
    """

    plan: Any
    company: Any
    provenance: Provenance

    @property
    def projection(self) -> Any:
        """The engine's evaluation of the plan at every date."""
        return self.plan.projection

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs/formats.md, ``analyzer plan --format json``): the projection's
        keys plus ``plan``."""
        data = self.projection.to_dict()
        data["plan"] = self.plan.to_dict(projection=False)
        data["company"] = self.company.name
        data["provenance"] = self.provenance.to_dict()
        return data

    def tables(self) -> dict[str, pd.DataFrame]:
        """The plan's own tables: ``plan_amounts`` and ``plan_trades`` (CNY per class per
        date), ``plan_commitments``, ``binding`` (with shadow prices), ``rounds``."""
        p = self.plan
        amounts = pd.DataFrame([{"date": d, **v} for d, v in p.amounts.items()]).fillna(0.0)
        trades = pd.DataFrame([{"date": d, **v} for d, v in p.trades.items()]).fillna(0.0)
        commitments = pd.DataFrame(
            [{"vintage": k, "commitment": v} for k, v in p.commitments.items()],
            columns=["vintage", "commitment"],
        )
        binding = pd.DataFrame([b.to_dict() for b in p.binding])
        rounds = pd.DataFrame([r.to_dict() for r in p.rounds])
        return {
            "plan_amounts": amounts,
            "plan_trades": trades,
            "plan_commitments": commitments,
            "binding": binding,
            "rounds": rounds,
        }

    def render_extra(self, console: Any, unit: str = "yi") -> None:
        """Print the plan's allocation, commitments, binding limits and rounds."""
        from analyzer.report.projection_text import render_plan

        render_plan(self.plan, console, unit=unit)


def plan(
    inputs: Inputs,
    regime: str = DEFAULT_REGIME,
    *,
    years: int = 3,
    step: str = "quarter",
    min_comprehensive: float | None = None,
    min_core: float | None = None,
    stressed_min_comprehensive: float | None = None,
    max_turnover: float | None = None,
    min_liquid: float | None = None,
    objective: str = "cumulative_return",
    include_unapproved: bool = False,
    derive_maturity: bool = False,
    max_rounds: int = 5,
    options: Mapping[str, Any] | None = None,
) -> PlanRun:
    """The best path of ``inputs`` (what :func:`load_forward_inputs` returned): one convex
    program over every date, re-solved against the engine (docs/optimizer.md, "Multi-year
    plan").

    The floors default to the limits file's, else the legal minimums (100% comprehensive,
    50% core); the sci-tech path comes from ``--sci-tech-path`` (else the limits file's
    ``min_sci_tech`` at every date).

    Raises
    ------
    InfeasibleError
        No plan meets the floors: which date, which limit, the smallest relaxation.
    """
    from analyzer.forward.planner import Planner
    from analyzer.optimize.limits import Limits

    legal = Limits()
    lim = inputs.limits
    limits_file = next((f.name for f in inputs.provenance.inputs if f.role == "limits"), "limits")
    _check_planned_limits(inputs, limits_file)
    path = inputs.extra[2] if len(inputs.extra) > 2 else None
    if path is None and _given(lim, "min_sci_tech") is not None:
        path = _given(lim, "min_sci_tech")
    elif path is not None:
        import numpy as np

        path = np.nan_to_num(np.asarray(path, dtype=float), nan=0.0)
    p = projector(
        inputs,
        regime,
        years=years,
        step=step,
        include_unapproved=include_unapproved,
        derive_maturity=derive_maturity,
    )
    planner = Planner(
        p,
        min_comprehensive=min_comprehensive
        if min_comprehensive is not None
        else (_given(lim, "min_comprehensive") or legal.min_comprehensive),
        min_core=min_core if min_core is not None else (_given(lim, "min_core") or legal.min_core),
        stressed_min_comprehensive=stressed_min_comprehensive,
        sci_tech_path=path,
        max_turnover=max_turnover if max_turnover is not None else _given(lim, "max_turnover"),
        min_liquid=min_liquid if min_liquid is not None else _given(lim, "min_liquid"),
        new_vintages=inputs.extra[1] if len(inputs.extra) > 1 else (),
        objective=objective,
        max_rounds=max_rounds,
    )
    result = planner.solve()
    if p.reverse:  # the reverse stress reports on the final plan only, not on every round
        from dataclasses import replace

        result = replace(result, projection=p.with_reverse(result.projection))
    check_finite(_ratios(result.projection), "plan")
    return PlanRun(result, inputs.company, build_provenance(inputs, options, regime=regime))


# --- tables, files ------------------------------------------------------------------------


def projection_tables(projection: Any) -> dict[str, pd.DataFrame]:
    """The projection as tables (CNY; ratios as fractions): ``periods``, ``stressed``,
    ``reverse``, ``weights``, ``trades``, ``commitments``, ``compliance`` (the investment-ratio
    limits at each date), ``notes``."""
    periods = pd.DataFrame(
        [
            {
                "date": p.date.isoformat(),
                "core_ratio": p.result.core_ratio,
                "comprehensive_ratio": p.result.comprehensive_ratio,
                "minimum_capital": p.result.minimum_capital,
                "actual_capital": p.result.actual_capital,
                "core_capital": p.result.core_capital,
                "loss_absorption": p.result.loss_absorption,
                "market": float(p.result.market["total"]),
                "credit": float(p.result.credit["total"]),
                "sci_tech_share": p.sci_tech_share,
                "total_invested": p.result.total_invested,
                **{f"flow_{k}": v for k, v in p.flows.items()},
            }
            for p in projection.periods
        ]
    )
    stressed = pd.DataFrame(
        [
            {
                "date": p.date.isoformat(),
                "scenario": s.name,
                "core_ratio": s.stressed.core_ratio,
                "comprehensive_ratio": s.stressed.comprehensive_ratio,
                "loss_actual_capital": s.loss_actual,
                "minimum_capital": s.stressed.minimum_capital,
            }
            for p in projection.periods
            for s in p.stressed
        ],
        columns=[
            "date",
            "scenario",
            "core_ratio",
            "comprehensive_ratio",
            "loss_actual_capital",
            "minimum_capital",
        ],
    )
    reverse = pd.DataFrame(
        [{"date": p.date.isoformat(), **r.to_dict()} for p in projection.periods for r in p.reverse]
    )
    weights = pd.DataFrame(
        [{"date": p.date.isoformat(), **p.weights} for p in projection.periods]
    ).fillna(0.0)
    trades = pd.DataFrame(
        [{"date": p.date.isoformat(), **p.trades} for p in projection.periods]
    ).fillna(0.0)
    commitments = pd.DataFrame(projection.commitments.get("total", []))
    compliance = pd.DataFrame(
        [
            {"date": p.date.isoformat(), **c.__dict__}
            for p in projection.periods
            for c in p.result.compliance.checks
        ]
    )
    notes = pd.DataFrame(
        {
            "note": [n.render() if isinstance(n, Text) else str(n) for n in projection.notes],
        }
    )
    return {
        "periods": periods,
        "stressed": stressed,
        "reverse": reverse,
        "weights": weights,
        "trades": trades,
        "commitments": commitments,
        "compliance": compliance,
        "notes": notes,
    }


def write_projection_xlsx(run: Any, output: str | Path) -> None:
    """The projection (or plan) as an Excel workbook with a provenance sheet (atomically)."""
    from analyzer.report import files
    from analyzer.report import provenance as provenance_sheet
    from analyzer.report.xlsx import write_workbook

    tables = projection_tables(run.projection)
    extra = getattr(run, "tables", None)
    if callable(extra):
        tables = {**extra(), **tables}

    def _write(tmp: Path) -> None:
        write_workbook(tmp, {k: v for k, v in tables.items()})
        provenance_sheet.append_sheet(tmp, run.provenance)

    files.atomic_write(output, _write)


def render_projection(run: Any, console: Any, unit: str = "yi") -> None:
    """Print the projection (or plan) as tables on a rich console."""
    from analyzer.report.projection_text import render

    render(run.projection, run.company.name, console, unit=unit)
    extra = getattr(run, "render_extra", None)
    if callable(extra):
        extra(console, unit)


def export_holdings(projection: Any, directory: str | Path) -> list[Path]:
    """Write each projected date's inputs to ``directory/<date>/`` (holdings, company and the
    files they refer to), so that ``analyzer solvency`` on them gives the projection's
    ratios. All dates are written to a temporary directory first and moved into place at
    once: a failed export leaves nothing behind. An existing non-empty directory is refused.
    """
    from analyzer.io.export import export_inputs

    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise InputError(
            [InputProblem(str(target), None, None, text("forward.export_exists", dir=target))]
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        for p in projection.periods:
            export_inputs(p.holdings, p.company, tmp / p.date.isoformat())
        if target.exists():
            target.rmdir()
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [target / p.date.isoformat() for p in projection.periods]


__all__ = [
    "MAX_YEARS",
    "PlanRun",
    "ProjectionRun",
    "plan",
    "check_years",
    "export_holdings",
    "load_forward_inputs",
    "project",
    "projection_tables",
    "projector",
    "render_projection",
    "write_projection_xlsx",
]
