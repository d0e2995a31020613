"""The dashboard plan page's service: the projected ratios, allocation, VC programme and
sci-tech share of a scenario under the plan inputs a user edits on the page.

The edits (what the page sends, JSON):

``years``
    whole years projected, 1 to 10 (quarterly steps).
``new_money``
    CNY of new money per projection year (list, year 1 first), spread evenly over the year's
    quarters; a negative amount is an outflow.
``commitments``
    CNY committed to the VC programme per vintage (list, by first-call year: year 1 first),
    drawn down and distributed by the Takahashi-Alexander model.
``commitment_class``
    the asset class the programme's positions are held in (a class of ``pe_vc_fund``
    positions of the book or the templates).
``target_sci_tech_share``
    the sci-tech share aimed at (fraction of the book).
``floors``
    ``{"comprehensive": fraction, "core": fraction}``: the ratios the plan must keep, at every
    date and after the Annex 4 macro scenario at year-ends.
``optimise``
    false (default): the book is projected with today's weights and the commitments as
    given, and the floors and the target are checked. True: the best path is solved
    (:class:`analyzer.forward.planner.Planner`, objective ``cumulative_return``): the
    floors hold at every date (a blank floor is the legal minimum), the sci-tech share
    reaches the target by the last date, each vintage's commitment is at most the amount
    given, and the book turns over at most :data:`OPTIMISE_TURNOVER` a quarter.

Every edit is checked here (:func:`check_edits`): an unknown key is refused with the near
name, a number that is not finite, a negative commitment, a share outside [0, 1] or a floor
outside [0, 10] is refused naming the field. :func:`run` is the one function the page calls:
it projects the book with the edits as the plan's flows (today's weights held, the
Annex 4 scenarios at year-ends), or solves the best path under them (``optimise``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.errors import InputError, InputProblem
from analyzer.io.fields import unknown_name
from analyzer.messages import Text, register, text
from analyzer.services.cache import CACHE, content_key
from analyzer.services.reading import Inputs
from analyzer.services.scenario import (
    ScenarioLike,
    as_scenario,
    assumptions_for,
    inputs_hash,
    normalize_regime,
    parsed,
    templates_for,
)

register(
    {
        "plan_page.not_number": (
            "must be a finite number, got {value}",
            "必须是有限数值，实际为 {value}",
        ),
        "plan_page.negative": (
            "must not be negative, got {value}",
            "不能为负数，实际为 {value}",
        ),
        "plan_page.range": (
            "must be between {low} and {high}, got {value}",
            "必须在 {low} 与 {high} 之间，实际为 {value}",
        ),
        "plan_page.years": (
            "must be a whole number of years from 1 to {high}, got {value}",
            "必须是 1 到 {high} 之间的整数年，实际为 {value}",
        ),
        "plan_page.length": (
            "needs one amount per projection year ({years}), got {count}",
            "每个预测年度需要一个金额（共 {years} 个），实际为 {count} 个",
        ),
        "plan_page.not_bool": (
            "must be true or false, got {value}",
            "必须为 true 或 false，实际为 {value}",
        ),
        "plan_page.not_object": (
            "the plan inputs must be a table of named values",
            "规划输入必须是带名称的取值表",
        ),
        "plan_page.no_class": (
            "no class to hold the VC programme in: the book and the templates have no "
            "pe_vc_fund position",
            "没有可承载创投基金计划的资产类别：持仓和模板中均无 pe_vc_fund 持仓",
        ),
        "plan_page.class": (
            "'{value}' holds no pe_vc_fund position of the book or the templates; "
            "candidates: {candidates}",
            "'{value}' 在持仓和模板中均无 pe_vc_fund 持仓；可选：{candidates}",
        ),
    }
)

#: the "file" named by a problem of the edits
SOURCE = "plan"
#: the most years the page projects
MAX_YEARS = 10
DEFAULT_YEARS = 3
#: steps per year of the page's projection (quarters)
STEPS_PER_YEAR = 4
#: the Annex 4 scenario shown as "stressed" at year-ends
STRESS_SCENARIO = "annex4_macro"
#: largest floor accepted (fraction)
MAX_FLOOR = 10.0
KEYS = (
    "years",
    "new_money",
    "commitments",
    "commitment_class",
    "target_sci_tech_share",
    "floors",
    "optimise",
)
#: the most the optimised path turns the book over in a quarter (one-way, fraction of the
#: book): a path a real book can follow (docs/dashboard.md, "Plan")
OPTIMISE_TURNOVER = 0.10
FLOOR_KEYS = ("comprehensive", "core")


# --- the edits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edits:
    """Checked plan inputs (CNY, fractions).

    Attributes
    ----------
    years : years projected
    new_money : CNY of new money per year (year 1 first)
    commitments : CNY committed per vintage (first-call year 1 first)
    commitment_class : the VC programme's asset class (None: no programme)
    target_sci_tech_share : fraction of the book
    floors : ``{"comprehensive": fraction, "core": fraction}``
    optimise : solve the best path (else project today's weights)
    """

    years: int
    new_money: tuple[float, ...]
    commitments: tuple[float, ...]
    commitment_class: str | None
    target_sci_tech_share: float
    floors: Mapping[str, float]
    optimise: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (what the page sends and a saved plan scenario keeps)."""
        return {
            "years": self.years,
            "new_money": list(self.new_money),
            "commitments": list(self.commitments),
            "commitment_class": self.commitment_class,
            "target_sci_tech_share": self.target_sci_tech_share,
            "floors": dict(self.floors),
            "optimise": self.optimise,
        }


def _number(value: Any, field: str, problems: list[InputProblem]) -> float | None:
    if isinstance(value, bool) or value is None:
        ok = False
    else:
        try:
            value = float(value)
            ok = math.isfinite(value)
        except (TypeError, ValueError):
            ok = False
    if not ok:
        problems.append(
            InputProblem(SOURCE, None, field, text("plan_page.not_number", value=value))
        )
        return None
    return float(value)


def _amounts(
    values: Any, field: str, years: int, problems: list[InputProblem], negative: bool
) -> tuple[float, ...]:
    values = [] if values is None else values
    if not isinstance(values, Sequence) or isinstance(values, str):
        values = [values]
    if len(values) != years:
        problems.append(
            InputProblem(
                SOURCE, None, field, text("plan_page.length", years=years, count=len(values))
            )
        )
        return ()
    out = []
    for i, v in enumerate(values):
        name = f"{field}[{i + 1}]"
        x = _number(0.0 if v is None or v == "" else v, name, problems)
        if x is not None and x < 0 and not negative:
            problems.append(InputProblem(SOURCE, None, name, text("plan_page.negative", value=x)))
        out.append(0.0 if x is None else x)
    return tuple(out)


def _fraction(value: Any, field: str, high: float, problems: list[InputProblem]) -> float | None:
    x = _number(value, field, problems)
    if x is not None and not 0.0 <= x <= high:
        problems.append(
            InputProblem(SOURCE, None, field, text("plan_page.range", low=0, high=high, value=x))
        )
    return x


def check_edits(
    edits: Any, classes: Sequence[str] | None = None, defaults: Mapping[str, Any] | None = None
) -> Edits:
    """The edits checked (see the module's docstring); missing keys take ``defaults``.

    Parameters
    ----------
    edits : mapping sent by the page
    classes : the classes the VC programme may be held in (:func:`commitment_classes`);
        None skips that check
    defaults : values of missing keys (:func:`default_edits`)

    Raises
    ------
    InputError
        Every problem of the edits, each naming its field.
    """
    if edits is None:
        edits = {}
    if not isinstance(edits, Mapping):
        raise InputError.single(SOURCE, None, None, text("plan_page.not_object"))
    problems: list[InputProblem] = [
        unknown_name(SOURCE, str(k), str(k), KEYS) for k in edits if k not in KEYS
    ]
    doc = {**(defaults or {}), **{k: v for k, v in edits.items() if k in KEYS}}
    y = doc.get("years", DEFAULT_YEARS)
    if isinstance(y, float) and y.is_integer():
        y = int(y)
    if not (isinstance(y, int) and not isinstance(y, bool) and 1 <= y <= MAX_YEARS):
        problems.append(
            InputProblem(SOURCE, None, "years", text("plan_page.years", high=MAX_YEARS, value=y))
        )
        raise InputError(problems)
    new_money = _amounts(doc.get("new_money", [0.0] * y), "new_money", y, problems, True)
    commitments = _amounts(doc.get("commitments", [0.0] * y), "commitments", y, problems, False)
    share = _fraction(doc.get("target_sci_tech_share", 0.0), "target_sci_tech_share", 1.0, problems)
    floors_in = doc.get("floors") or {}
    floors: dict[str, float] = {}
    if not isinstance(floors_in, Mapping):
        problems.append(InputProblem(SOURCE, None, "floors", text("plan_page.not_object")))
        floors_in = {}
    for k in floors_in:
        if k not in FLOOR_KEYS:
            problems.append(unknown_name(SOURCE, f"floors.{k}", str(k), FLOOR_KEYS))
    for k in FLOOR_KEYS:
        if floors_in.get(k) is not None:
            x = _fraction(floors_in[k], f"floors.{k}", MAX_FLOOR, problems)
            if x is not None:
                floors[k] = x
    optimise = doc.get("optimise", False)
    if not isinstance(optimise, bool):
        problems.append(
            InputProblem(SOURCE, None, "optimise", text("plan_page.not_bool", value=optimise))
        )
    cls = doc.get("commitment_class") or None
    if classes is not None and any(commitments):
        if not classes:
            problems.append(
                InputProblem(SOURCE, None, "commitment_class", text("plan_page.no_class"))
            )
        elif cls not in classes:
            problems.append(
                InputProblem(
                    SOURCE,
                    None,
                    "commitment_class",
                    text("plan_page.class", value=cls, candidates=", ".join(classes)),
                )
            )
    if problems:
        raise InputError(problems)
    return Edits(
        years=y,
        new_money=new_money,
        commitments=commitments,
        commitment_class=None if cls is None else str(cls),
        target_sci_tech_share=float(share or 0.0),
        floors=floors,
        optimise=bool(optimise),
    )


# --- the inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parts:
    holdings: Any
    company: Any
    assumptions: Any
    templates: Any
    regime: str
    signed: Mapping[int, float]
    key: str


def _parts(inputs: Inputs | ScenarioLike, regime: str | None = None) -> _Parts:
    """The book, company, assumptions, templates and regime of a page's scenario (a store
    value or `Scenario`) or of :class:`~analyzer.services.reading.Inputs` read from files."""
    if isinstance(inputs, Inputs):
        key = content_key(
            "plan-inputs",
            [f.to_dict() for f in inputs.provenance.inputs],
            inputs.provenance.mapping,
            {str(k): v for k, v in (inputs.commitments or {}).items()},
            normalize_regime(regime),
        )
        return _Parts(
            inputs.holdings,
            inputs.company,
            inputs.assumptions,
            inputs.templates,
            normalize_regime(regime),
            dict(inputs.commitments or {}),
            key,
        )
    scenario = as_scenario(inputs)
    reg = normalize_regime(regime or scenario.regime)
    holdings, company = parsed(scenario)
    return _Parts(
        holdings,
        company,
        assumptions_for(scenario),
        templates_for(scenario),
        reg,
        {},
        inputs_hash(scenario, reg),
    )


def scenario_key(inputs: Inputs | ScenarioLike, regime: str | None = None) -> str:
    """What a run's page data belongs to (``scenario`` of :func:`run`'s result): the
    scenario's content hash under its regime."""
    if isinstance(inputs, Inputs):
        return _parts(inputs, regime).key
    scenario = as_scenario(inputs)
    return inputs_hash(scenario, normalize_regime(regime or scenario.regime))


def commitment_classes(inputs: Inputs | ScenarioLike) -> list[str]:
    """The asset classes of the ``pe_vc_fund`` positions of the book and the templates (the
    classes a VC programme can be held in), sorted."""
    from analyzer.forward.projection import programme_classes

    p = _parts(inputs)
    return programme_classes(p.holdings, p.templates)


def default_edits(inputs: Inputs | ScenarioLike) -> dict[str, Any]:
    """The page's starting plan inputs for a scenario: no new money, no new commitments, the
    company's sci-tech target, floors at the regime's watch levels (120% / 60% today), the
    programme in ``vc_fund`` when that is a candidate class, else the first candidate."""
    from analyzer.services.scenario import result_for

    p = _parts(inputs)
    classes = commitment_classes(inputs)
    if isinstance(inputs, Inputs):
        from analyzer.solvency.engine import evaluate

        thresholds = evaluate(p.holdings, p.company, p.regime).thresholds
    else:
        thresholds = result_for(inputs).thresholds
    targets = p.company.targets
    return {
        "years": DEFAULT_YEARS,
        "new_money": [0.0] * DEFAULT_YEARS,
        "commitments": [0.0] * DEFAULT_YEARS,
        "commitment_class": "vc_fund" if "vc_fund" in classes else (classes or [None])[0],
        "target_sci_tech_share": float(getattr(targets, "sci_tech_share", None) or 0.0),
        "floors": {
            "comprehensive": float(thresholds["comprehensive_watch"]),
            "core": float(thresholds["core_watch"]),
        },
        "optimise": False,
    }


# --- the plan of the edits -----------------------------------------------------------------


def plan_of(edits: Edits) -> Any:
    """The edits as a plan (:class:`analyzer.forward.plan_file.Plan`, what a plan file reads
    into): today's weights held, one period per year with its new money (spread evenly over
    the year's steps by the plan's schedule), nothing else (no profit, dividends or capital
    actions; insurance capital held)."""
    from analyzer.forward.plan_file import Plan, PlanPeriod

    return Plan(
        valuation_date=None,
        policy="hold",
        periods=tuple(
            PlanPeriod(row=y, year=y, date=None, new_money=float(m), given=("year", "new_money"))
            for y, m in enumerate(edits.new_money, start=1)
        ),
        commitment_class=edits.commitment_class,
        source=SOURCE,
    )


# --- the run -------------------------------------------------------------------------------


def _projector_class() -> type:
    from analyzer.forward.projection import Projector

    class _Ticking(Projector):  # type: ignore[misc,valid-type]
        """The projector, calling ``tick(1)`` after each date's company roll-forward."""

        tick: Callable[[int], None] | None = None

        def _company(self, *args: Any, **kwargs: Any) -> Any:
            out = super()._company(*args, **kwargs)
            if self.tick is not None:
                self.tick(1)
            return out

    return _Ticking


#: the progress an optimised run reports: its rounds' projections, counted as this many
#: (the rounds usually number two; a third or later ticks no further)
OPTIMISE_ROUNDS_SHOWN = 2


def steps(edits: Edits) -> int:
    """The progress total of a run: the dates it projects (an optimised run projects every
    date once per round)."""
    n = edits.years * STEPS_PER_YEAR
    return n * OPTIMISE_ROUNDS_SHOWN if edits.optimise else n


def _capped(tick: Callable[[int], None], total: int) -> Callable[[int], None]:
    """``tick`` that stops at ``total`` (a round beyond those shown ticks no further)."""
    done = [0]

    def capped(k: int) -> None:
        step = max(0, min(k, total - done[0]))
        done[0] += step
        if step:
            tick(step)

    return capped


def run(
    inputs: Inputs | ScenarioLike,
    edits: Mapping[str, Any] | None = None,
    tick: Callable[[int], None] | None = None,
    *,
    regime: str | None = None,
) -> dict[str, Any]:
    """The plan page's figures for ``inputs`` under the plan ``edits`` (plain JSON data).

    Parameters
    ----------
    inputs : the page's scenario (store value or `Scenario`) or files read by
        :func:`analyzer.services.reading.load_inputs`
    edits : plan inputs (module docstring); missing keys take :func:`default_edits`
    tick : called with 1 after each projected date (with the number of dates at once when
        the same run is in the services' cache)
    regime : the regime (default the scenario's)

    Returns
    -------
    dict
        ``company``, ``regime``, ``valuation_date``, ``edits`` (checked), ``today``,
        ``thresholds`` and ``targets`` (fractions), ``periods`` (per date: ratios, minimum
        and actual capital and the invested book CNY, sci-tech share, class weights, flows
        CNY, ``stressed``: the Annex 4 macro scenario's ratios at year-ends, else None),
        ``programme`` (per year:
        calls, distributions CNY, NAV CNY at the year-end), ``checks`` (dates breaching a
        floor or short of the sci-tech target), ``notes`` (``{"en", "zh"}``), ``key`` (of
        the inputs and edits) and ``scenario`` (:func:`scenario_key`).

    Raises
    ------
    InputError
        Edits refused (each naming its field), or the projection refused (a bond without
        maturity, an outflow the book cannot pay).
    """
    p = _parts(inputs, regime)
    checked = check_edits(edits or {}, commitment_classes(inputs), default_edits(inputs))
    key = content_key("plan-page", p.key, p.regime, checked.to_dict())

    built = []

    def build() -> dict[str, Any]:
        built.append(True)
        return _run(p, checked, tick, key)

    out = CACHE.get_or_build(key, build)
    if not built and tick is not None:
        tick(steps(checked))  # the same run was made before: all of it is done
    return out


def _run(p: _Parts, e: Edits, tick: Callable[[int], None] | None, key: str) -> dict[str, Any]:
    commitments = {int(y): float(a) for y, a in p.signed.items() if a}
    for i, amount in enumerate(() if e.optimise else e.commitments):
        if amount:  # optimised: the amounts are each new vintage's most (the plan decides)
            commitments[i + 1] = commitments.get(i + 1, 0.0) + amount
    if e.optimise and tick is not None:
        tick = _capped(tick, steps(e))
    cls = _projector_class()
    projector = cls(
        p.holdings,
        p.company,
        p.assumptions,
        plan_of(e),
        regime=p.regime,
        templates=p.templates,
        commitments=commitments,
        years=e.years,
        step="quarter",
        stresses=True,
        reverse=False,
        commitment_class=e.commitment_class if commitments or e.optimise else None,
    )
    projector.tick = tick
    if not e.optimise:
        return summary(projector.run(), p.company, e, key, p.key)
    return _optimised(projector, e, key, p)


def _optimised(projector: Any, e: Edits, key: str, p: _Parts) -> dict[str, Any]:
    """The best path under the edits (see ``optimise`` in the module docstring)."""
    from analyzer.forward.plan_file import NewVintage
    from analyzer.forward.planner import Planner
    from analyzer.solvency.regime import legal_minimum

    vintages = tuple(
        NewVintage(i + 1, str(e.commitment_class), float(a), 0)
        for i, a in enumerate(e.commitments)
        if a
    )
    n = len(projector.dates)
    target = e.target_sci_tech_share
    result = Planner(
        projector,
        min_comprehensive=e.floors.get("comprehensive", legal_minimum("comprehensive")),
        min_core=e.floors.get("core", legal_minimum("core")),
        sci_tech_path=[0.0] * (n - 1) + [target] if target else None,
        max_turnover=OPTIMISE_TURNOVER,
        new_vintages=vintages,
    ).solve()
    out = summary(result.projection, p.company, e, key, p.key)
    out["plan"] = {
        "commitments": dict(result.commitments),
        "rounds": len(result.rounds),
        "final_gap": result.final_gap,
        "objective": result.objective,
        "objective_value": result.objective_value,
        "seconds": result.seconds,
    }
    out["notes"] = [*out.get("notes", []), *(_note(n) for n in result.notes)]
    return out


def _stressed(period: Any) -> dict[str, float] | None:
    for s in period.stressed:
        if s.name == STRESS_SCENARIO:
            return {
                "core_ratio": float(s.stressed.core_ratio),
                "comprehensive_ratio": float(s.stressed.comprehensive_ratio),
            }
    return None


def _programme(projection: Any, years: int) -> list[dict[str, Any]]:
    rows = list(projection.commitments.get("total", []))
    n = len(rows)
    spy = max(1, n // max(years, 1))
    out = []
    for y in range(years):
        part = rows[y * spy : (y + 1) * spy]
        if not part:
            break
        out.append(
            {
                "year": y + 1,
                "date": part[-1]["date"],
                "calls": float(sum(r["calls"] for r in part)),
                "distributions": float(sum(r["distributions"] for r in part)),
                "nav": float(part[-1]["nav"]),
            }
        )
    return out


def _checks(periods: list[dict[str, Any]], e: Edits) -> list[dict[str, Any]]:
    out = []
    for p in periods:
        for basis, ratios in (("base", p), ("stressed", p["stressed"])):
            if ratios is None:
                continue
            for k in FLOOR_KEYS:
                floor = e.floors.get(k)
                value = ratios[f"{k}_ratio"]
                if floor is not None and value < floor:
                    out.append(
                        {
                            "date": p["date"],
                            "check": f"{k}_floor",
                            "basis": basis,
                            "value": value,
                            "limit": floor,
                        }
                    )
        if p["sci_tech_share"] < e.target_sci_tech_share:
            out.append(
                {
                    "date": p["date"],
                    "check": "sci_tech_target",
                    "basis": "base",
                    "value": p["sci_tech_share"],
                    "limit": e.target_sci_tech_share,
                }
            )
    return out


def _note(n: Any) -> dict[str, str]:
    if isinstance(n, Text):
        return {"en": n.render("en"), "zh": n.render("zh")}
    return {"en": str(n), "zh": str(n)}


def summary(
    projection: Any, company: Any, e: Edits, key: str = "", scenario: str = ""
) -> dict[str, Any]:
    """The JSON-able page data of a :class:`~analyzer.forward.projection.Projection` (see
    :func:`run`)."""
    periods = []
    for p in projection.periods:
        r = p.result
        periods.append(
            {
                "date": p.date.isoformat(),
                "years": float(p.years),
                "year_end": bool(p.year_end),
                "core_ratio": float(r.core_ratio),
                "comprehensive_ratio": float(r.comprehensive_ratio),
                "minimum_capital": float(r.minimum_capital),
                "actual_capital": float(r.actual_capital),
                "total_invested": float(r.total_invested),
                "sci_tech_share": float(p.sci_tech_share),
                "weights": {str(c): float(w) for c, w in p.weights.items()},
                "flows": {str(k): float(v) for k, v in p.flows.items()},
                "stressed": _stressed(p),
            }
        )
    today = projection.today
    targets = company.targets
    return {
        "key": key,
        "scenario": scenario,
        "company": company.name,
        "regime": projection.regime,
        "valuation_date": projection.valuation_date.isoformat(),
        "step": projection.step,
        "policy": projection.policy,
        "edits": e.to_dict(),
        "today": {
            "core_ratio": float(today.core_ratio),
            "comprehensive_ratio": float(today.comprehensive_ratio),
            "minimum_capital": float(today.minimum_capital),
        },
        "thresholds": {k: float(v) for k, v in today.thresholds.items()},
        "targets": {
            "comprehensive": _opt(getattr(targets, "comprehensive", None)),
            "core": _opt(getattr(targets, "core", None)),
            "sci_tech_share": _opt(getattr(targets, "sci_tech_share", None)),
        },
        "periods": periods,
        "programme": _programme(projection, e.years),
        "checks": _checks(periods, e),
        "notes": [_note(n) for n in projection.notes],
    }


def _opt(value: Any) -> float | None:
    return None if value is None else float(value)


__all__ = [
    "DEFAULT_YEARS",
    "Edits",
    "MAX_YEARS",
    "STRESS_SCENARIO",
    "check_edits",
    "commitment_classes",
    "default_edits",
    "plan_of",
    "run",
    "scenario_key",
    "steps",
    "summary",
]
