"""The multi-year plan: one convex program, re-solved against the full engine.

Round ``r``: every date's linear data is taken at the iterate (round 0: today's book for every
date; then the projector's book of the previous round), the program of
:mod:`analyzer.forward.plan_program` is solved, its class amounts and commitments become the
projector's :class:`~analyzer.forward.projection.Amounts` policy, and the projector runs the
full engine at every date. Where the engine's ratio falls below a floor, that date's floor in
the program is raised by the gap and the program is re-solved, until every floor holds (to
1e-6) or ``max_rounds``.

What the program holds at the iterate (non-convex in the amounts): the stock-book k1 of
Rule 8 Art. 26, the holding-period steps of stocks, the size band, loss absorption, the life
interest-rate scenario method (relaxed to ``t_ir >= max(up, down, 0)``), the equity-cap tier
(from the prior date's ratio) and the Annex 4 stress fractions.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from analyzer.errors import InfeasibleError, ParameterError, SolverError
from analyzer.forward.plan_program import (
    OBJECTIVES,
    SOLVER_OK,
    DateModel,
    Floors,
    PlanInputs,
    PlanProgram,
    Vintage,
    date_model,
)
from analyzer.forward.projection import TIERS, Amounts, Projection
from analyzer.forward.vintages import programme_flows, unit_flows
from analyzer.messages import Text, register
from analyzer.optimize.limits import check_values
from analyzer.optimize.messages import compose, join
from analyzer.optimize.universe import build_universe

register(
    {
        "plan.objective": (
            "objective must be one of {allowed}, got '{value}'",
            "优化目标必须是 {allowed} 之一，实际为 '{value}'",
        ),
        "plan.bad_value": ("{name}: {message}", "{name}：{message}"),
        "plan.max_rounds": (
            "max_rounds must be a whole number >= 1, got {value}",
            "max_rounds 必须是 >= 1 的整数，实际为 {value}",
        ),
        "plan.path_length": (
            "the sci-tech path gives {given} values; the plan has {steps} dates",
            "科技投资占比路径给出 {given} 个值；规划共有 {steps} 个时点",
        ),
        "plan.vintage_class": (
            "new vintage of year {year}: asset class '{cls}' is not in the assumptions or the book",
            "第 {year} 年的新基金：资产类别 '{cls}' 不在资本市场假设或持仓中",
        ),
        "plan.limit.min_stressed_ratio": (
            "the {floor:.0%} floor on the comprehensive ratio under the Annex 4 macro scenario",
            "附件4宏观压力情景下综合偿付能力充足率 {floor:.0%} 的下限",
        ),
        "plan.at": ("{name} at {date}", "{date}的{name}"),
        "plan.relax_ratio": (
            "{name}: best reachable {reachable:.1%} (relax by {points:.2f} ratio points, or "
            "add {cny:.2f} 亿元 of capital)",
            "{name}：最多可达到 {reachable:.1%}（需放宽 {points:.2f} 个百分点，或补充 "
            "{cny:.2f} 亿元资本）",
        ),
        "plan.relax_share": (
            "{name}: relax by {points:.2f} percentage points ({cny:.2f} 亿元)",
            "{name}：需放宽 {points:.2f} 个百分点（{cny:.2f} 亿元）",
        ),
        "plan.infeasible": (
            "no plan meets every floor and limit at every date; the smallest relaxations: "
            "{conflicts}",
            "没有任何规划能在每个时点满足全部下限与限制；最小的放宽幅度：{conflicts}",
        ),
        "plan.myopic_infeasible": (
            "the chain of one-period plans cannot continue at {date} (earlier decisions "
            "fixed); the smallest relaxations: {conflicts}",
            "逐期单期优化在 {date} 无法继续（之前的决策已固定）；最小的放宽幅度：{conflicts}",
        ),
        "plan.not_converged": (
            "after {rounds} rounds the engine's ratios still miss a floor by up to {gap:.4f} "
            "(ratio); raise the floor by that much or allow more rounds",
            "经过 {rounds} 轮后，引擎计算的充足率仍低于下限最多 {gap:.4f}；"
            "请将下限提高相应幅度或增加轮数",
        ),
        "plan.note.no_turnover": (
            "no turnover cap: each date chooses its own allocation and the plan may trade the "
            "whole book at every step; give --max-turnover for a path a real book can follow",
            "未设换手率上限：每个时点各自选择配置，规划可能每期调整整个组合；"
            "请用 --max-turnover 给出实际组合可执行的路径",
        ),
        "plan.note.terminal": (
            "the objective is the solvency surplus at the last date, which is largest when the "
            "book carries the least risk on that date: the plan sells risk towards the horizon",
            "目标为最后时点的偿付能力溢额，该时点组合风险越低溢额越大：规划会在临近期末时降低风险",
        ),
        "plan.note.iterate": (
            "held at each round's iterate (non-convex in the amounts): the stock-book k1, "
            "holding-period steps, size band, loss absorption, the life interest-rate scenario "
            "method, the equity-cap tier (prior date's ratio) and the Annex 4 stress fractions",
            "每轮在迭代点固定（对金额非凸）：股票账面 k1、持有期档位、规模档位、损失吸收效应、"
            "寿险利率情景法、权益上限档位（上一时点的充足率）以及附件4压力情景的损失比例",
        ),
        "plan.note.turnover_drift": (
            "turnover is measured against the book drifted at expected returns with the "
            "step's net cash in cash (bond repayments are not counted as trades)",
            "换手率相对于按预期收益漂移、净现金流计入现金后的组合计量（债券到期兑付不计为交易）",
        ),
        "plan.solver_failed": (
            "the solver failed on the plan (status {status}) in round {round}",
            "求解器在第 {round} 轮求解规划失败（状态 {status}）",
        ),
    }
)

#: tolerance on the engine's ratios against the floors (ratio, absolute)
FLOOR_TOL = 1e-6
#: dual below this (CNY of objective per CNY) is not reported as binding
DUAL_TOL = 1e-7
LIMIT_NAMES = {
    "min_comprehensive_ratio": "optimize.limit.min_comprehensive_ratio",
    "min_core_ratio": "optimize.limit.min_core_ratio",
    "min_stressed_ratio": "plan.limit.min_stressed_ratio",
}


@dataclass(frozen=True)
class PlanRound:
    """One round: the program's objective (CNY), the worst engine gap below a floor (ratio;
    0 when every floor holds) and the solver status."""

    round: int
    objective: float
    worst_gap: float
    status: str
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class BindingLimit:
    """A limit binding in the final program, with its shadow price.

    Attributes
    ----------
    date : ISO date
    limit : name (``min_comprehensive_ratio``, ``equity_cap``, ``min_weight`` ...)
    subject : a class for a per-class limit, else ""
    value : the limit (ratio or share, fraction)
    shadow_price : CNY of objective per CNY of the limit's right-hand side (per CNY of
        capital for a floor, per CNY of headroom for a cap)
    per_point : CNY of objective per 1 ratio point of a floor, or per 1 pp of total assets /
        of the book for a share limit
    bp_per_yi : floors only: 1 亿元 more capital at the date, in bp of the terminal book
        (``shadow_price x 1e8 / terminal book x 1e4``)
    requested : floors only: the floor asked for at the date (``value`` is the floor the
        final program stated, raised by the rounds where the engine's ratio fell short)
    """

    date: str
    limit: str
    subject: str
    value: float
    shadow_price: float
    per_point: float
    bp_per_yi: float | None = None
    requested: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class PlanResult:
    """The multi-year plan, evaluated by the engine at every date.

    Attributes
    ----------
    projection : the projector's run of the plan (the engine at every date)
    classes : the plan's classes
    amounts : date -> class -> CNY held after rebalancing
    trades : date -> class -> CNY bought (+) / sold (-) (the projector's)
    commitments : ``"<year>:<class>"`` -> CNY committed to each new vintage
    objective : ``terminal_surplus`` or ``cumulative_return``
    objective_value : the program's optimum, CNY
    rounds : the rounds (objective, worst floor gap, status, seconds)
    final_gap : worst engine gap below a floor in the final projection (ratio; 0 = all met)
    binding : the binding limits with their shadow prices
    notes : what the plan held at its iterate and anything a reader must know
    seconds : wall time of the solve, rounds and projections included
    """

    projection: Projection = field(repr=False)
    classes: tuple[str, ...]
    amounts: Mapping[str, Mapping[str, float]]
    trades: Mapping[str, Mapping[str, float]]
    commitments: Mapping[str, float]
    objective: str
    objective_value: float
    rounds: tuple[PlanRound, ...]
    final_gap: float
    binding: tuple[BindingLimit, ...]
    notes: tuple[Any, ...] = ()
    seconds: float = 0.0

    @property
    def converged(self) -> bool:
        """Every floor met by the engine (to 1e-6)."""
        return self.final_gap <= FLOOR_TOL

    def to_dict(self, projection: bool = True) -> dict[str, Any]:
        """Plain dict for JSON (``projection=False`` leaves the projection's dates out)."""
        out = {
            "objective": self.objective,
            "objective_value": self.objective_value,
            "objective_value_yi": self.objective_value / 1e8,
            "classes": list(self.classes),
            "amounts": {d: dict(v) for d, v in self.amounts.items()},
            "trades": {d: dict(v) for d, v in self.trades.items()},
            "commitments": dict(self.commitments),
            "rounds": [r.to_dict() for r in self.rounds],
            "final_gap": self.final_gap,
            "converged": self.converged,
            "binding": [b.to_dict() for b in self.binding],
            "notes": [str(n) for n in self.notes],
            "seconds": self.seconds,
        }
        if projection:
            out["projection"] = self.projection.to_dict()
        return out


#: Planner argument -> the Limits field whose check (the limits file's) it takes
CHECKED_AS = {
    "min_comprehensive": "min_comprehensive",
    "min_core": "min_core",
    "stressed_min_comprehensive": "min_comprehensive",
    "sci_tech_path": "min_sci_tech",
    "max_turnover": "max_turnover",
    "min_liquid": "min_liquid",
}


def _path(value: Any, T: int, name: str) -> np.ndarray | None:
    """A per-date array from a number, a sequence of T numbers or None, each value checked
    as the limits file checks its key (finite, in range, not a percent for a fraction).

    Raises
    ------
    ParameterError
        Naming the argument and, for a path, the date index.
    """
    if value is None:
        return None
    if np.ndim(value) == 0:
        values = [value] * T
    else:
        values = list(value)
        if len(values) != T:
            raise ParameterError(compose("plan.path_length", given=len(values), steps=T))
    for k, v in enumerate(values):
        if name == "stressed_min_comprehensive" and isinstance(v, (int, float)) and v == 0:
            continue  # no stressed floor at that date
        try:
            problems = check_values({CHECKED_AS[name]: float(v)}, "plan")
        except (TypeError, ValueError):
            problems = check_values({CHECKED_AS[name]: v}, "plan")
        for problem in problems.values():
            where = name if np.ndim(value) == 0 else f"{name}[{k}]"
            raise ParameterError(
                compose(
                    "plan.bad_value",
                    name=where,
                    message=Text(problem.message, problem.message_zh or problem.message),
                )
            )
    return np.array([float(v) for v in values])


class Planner:
    """The multi-year plan over a :class:`~analyzer.forward.projection.Projector`'s dates.

    Parameters
    ----------
    projector : the projector (book, company, assumptions, plan file, dates)
    min_comprehensive, min_core : ratio floors at every date (fractions; legal 1.0 and 0.5)
    stressed_min_comprehensive : floor on the comprehensive ratio under the Annex 4 macro
        scenario at the year-ends (fraction): a number for every year-end, or one per date
        (0 = none at that date; dates that are not year-ends are ignored), or None
    sci_tech_path : minimum sci-tech share of the book (programme NAV included) at each date:
        a number or one per date (fractions), or None
    max_turnover : one-way turnover per step (fraction of the book), or None
    min_liquid : minimum share of liquid classes (fraction), or None
    new_vintages : the vintages the plan may commit to (``NewVintage`` of the plan file:
        ``year``, ``asset_class``, ``max_commitment`` CNY)
    objective : ``terminal_surplus`` (actual minus minimum capital at the last date) or
        ``cumulative_return`` (expected investment income over the plan), CNY
    max_rounds : most re-solves against the engine
    myopic : solve a chain of one-period plans instead (each date with its own limits only,
        earlier decisions fixed): what a plan made one period at a time reaches
    """

    def __init__(
        self,
        projector: Any,
        *,
        min_comprehensive: float = 1.0,
        min_core: float = 0.5,
        stressed_min_comprehensive: float | None = None,
        sci_tech_path: float | Sequence[float] | None = None,
        max_turnover: float | None = None,
        min_liquid: float | None = None,
        new_vintages: Sequence[Any] = (),
        objective: str = "cumulative_return",
        max_rounds: int = 5,
        myopic: bool = False,
    ) -> None:
        if objective not in OBJECTIVES:
            raise ParameterError(
                compose("plan.objective", allowed=", ".join(OBJECTIVES), value=objective)
            )
        self.projector = projector
        T = len(projector.dates)
        self.T = T
        self.floors = Floors(
            comprehensive=_path(min_comprehensive, T, "min_comprehensive"),
            core=_path(min_core, T, "min_core"),
            stressed=_path(stressed_min_comprehensive, T, "stressed_min_comprehensive"),
            sci_tech=_path(sci_tech_path, T, "sci_tech_path"),
            max_turnover=None
            if max_turnover is None
            else float(_path(max_turnover, 1, "max_turnover")[0]),
            min_liquid=None if min_liquid is None else float(_path(min_liquid, 1, "min_liquid")[0]),
        )
        if isinstance(max_rounds, bool) or int(max_rounds) != max_rounds or max_rounds < 1:
            raise ParameterError(compose("plan.max_rounds", value=max_rounds))
        self.new_vintages = tuple(new_vintages)
        self.objective = objective
        self.max_rounds = int(max_rounds)
        self.myopic = myopic
        self.universe0 = build_universe(
            projector.holdings,
            projector.company,
            projector.assumptions,
            projector.regime,
            projector.options,
            "class",
            templates=projector.templates,
        )
        self.inputs = self._inputs()

    # -- inputs of the program -------------------------------------------------------------
    def _inputs(self) -> PlanInputs:
        p = self.projector
        u = self.universe0
        classes = tuple(u.units)
        for v in self.new_vintages:
            if v.asset_class not in classes:
                raise ParameterError(compose("plan.vintage_class", year=v.year, cls=v.asset_class))
        T, spy = self.T, p.spy
        sched = p.schedule
        actions = np.asarray(
            sched.actions_all if p.include_unapproved else sched.actions_approved, dtype=float
        ).reshape(T, len(TIERS))
        ta = p._ta()
        signed = programme_flows(p.commitments, T, spy, ta)
        new_money = np.asarray(sched.new_money, dtype=float)
        retained = np.asarray(sched.retained_profit, dtype=float)
        dividends = np.asarray(sched.dividends, dtype=float)
        net = (
            new_money
            + retained
            - dividends
            + actions.sum(axis=1)
            + signed.distributions
            - signed.calls
        )
        cap = p.company.capital
        tiers0 = np.array([cap.core_tier2, cap.supplementary_tier1, cap.supplementary_tier2])
        other = tiers0 + np.cumsum(actions[:, 1:], axis=0)
        vins = []
        for v in self.new_vintages:
            f = unit_flows(int(v.year), T, spy, ta)
            vins.append(
                Vintage(
                    int(v.year),
                    str(v.asset_class),
                    float(v.max_commitment),
                    f.calls,
                    f.distributions,
                    f.nav,
                    f.growth,
                )
            )
        prog_class = None
        if p.commitments:
            prog_class = p._programme_class({})
        frame = p.holdings.frame
        cash = frame.loc[frame["asset_type"].astype(str) == "cash", "asset_class"].astype(str)
        x0 = np.where(u.new_unit, 0.0, u.w0 * u.V) if u.new_unit is not None else u.w0 * u.V
        return PlanInputs(
            dates=tuple(p.dates),
            steps_per_year=spy,
            classes=classes,
            x0=np.asarray(x0, dtype=float),
            mu=np.asarray(u.mu, dtype=float),
            net_flow=net,
            core_tier1_0=float(cap.core_tier1),
            core_tier1_flow=retained - dividends + actions[:, 0],
            other_tiers=other,
            future_surplus=float(cap.future_surplus_in_core),
            kappa=float(getattr(p.plan, "income_to_capital", 0.75)),
            programme_nav=signed.nav,
            programme_growth=signed.growth,
            programme_class=prog_class if prog_class in classes else None,
            vintages=tuple(vins),
            total_assets0=float(p.company.total_assets),
            cash_class=str(cash.iloc[0]) if len(cash) else None,
            min_weight=np.asarray(u.min_weight, dtype=float),
            max_weight=np.asarray(u.max_weight, dtype=float),
        )

    # -- linearisation ---------------------------------------------------------------------
    def _stressed(self) -> bool:
        return self.floors.stressed is not None

    def models_today(self) -> list[DateModel]:
        """Round 0: today's book linearised for every date, with the plan file's insurance
        minimum capital and loss absorption of each date where it gives them."""
        u = self.universe0
        m = date_model(
            u,
            self.inputs.classes,
            self.projector.company.prior_comprehensive_ratio,
            stressed=self._stressed(),
        )
        sched = self.projector.schedule
        out = []
        for k in range(self.T):
            upd = {}
            for key in ("life_insurance", "nonlife_insurance", "loss_absorption"):
                v = float(np.asarray(getattr(sched, key), dtype=float)[k])
                if np.isfinite(v):
                    upd[key] = v
            out.append(_with_constants(m, upd) if upd else m)
        return out

    def models_at(self, projection: Projection, fallback: Sequence[DateModel]) -> list[DateModel]:
        """Every date linearised at the projector's book of ``projection``."""
        p = self.projector
        out = []
        prev = projection.today.comprehensive_ratio
        ends = set(self.inputs.year_ends)
        for k, d in enumerate(projection.periods):
            u = build_universe(
                d.holdings,
                d.company,
                p.assumptions,
                p.regime,
                p.options,
                "class",
                templates=p.templates,
            )
            out.append(
                date_model(
                    u,
                    self.inputs.classes,
                    prev,
                    fallback=fallback[k],
                    stressed=self._stressed() and k in ends,
                )
            )
            prev = d.result.comprehensive_ratio
        return out

    # -- engine check ------------------------------------------------------------------------
    def gaps(self, projection: Projection) -> dict[str, np.ndarray]:
        """Floor minus the engine's ratio per date (positive: the floor is missed)."""
        T = self.T
        fl = self.floors
        comp = np.array([d.result.comprehensive_ratio for d in projection.periods])
        core = np.array([d.result.core_ratio for d in projection.periods])
        out = {"comprehensive": fl.comprehensive - comp, "core": fl.core - core}
        if fl.stressed is not None:
            st = np.full(T, -np.inf)
            for k in self.inputs.year_ends:
                macro = [s for s in projection.periods[k].stressed if s.name == "annex4_macro"]
                if macro:
                    st[k] = fl.stressed[k] - macro[0].stressed.comprehensive_ratio
            out["stressed"] = st
        return out

    def policy(self, program: PlanProgram) -> Amounts:
        """The program's solution as the projector's :class:`Amounts` policy."""
        X = program.amounts
        classes = self.inputs.classes
        amounts = tuple(
            {c: float(X[k, i]) for i, c in enumerate(classes) if X[k, i] > 0} for k in range(self.T)
        )
        commit = {}
        for v, amount in zip(self.inputs.vintages, program.commitments, strict=True):
            if amount > 0.0:
                key = (v.year, v.asset_class)
                commit[key] = commit.get(key, 0.0) + float(amount)
        return Amounts(amounts, commit)

    # -- the solve ---------------------------------------------------------------------------
    def program(self, models: Sequence[DateModel], floors: Floors | None = None, **kw: Any):
        """The convex program on ``models`` (the floors of the planner unless given)."""
        return PlanProgram(
            self.inputs,
            models,
            floors or self.floors,
            self.objective,
            regime=self.projector.regime,
            **kw,
        )

    def solve(self) -> PlanResult:
        """Solve the plan, re-solving against the engine (see the module docstring).

        Raises
        ------
        InfeasibleError
            No plan meets the floors and limits: the dates and limits to relax, by how much.
        SolverError
            The solver failed.
        """
        start = time.perf_counter()
        if self.myopic:
            return self._solve_myopic(start)
        models = self.models_today()
        floors = self.floors
        program = self.program(models, floors)
        rounds: list[PlanRound] = []
        projection = None
        gap = np.inf
        for r in range(max(self.max_rounds, 1)):
            t0 = time.perf_counter()
            status = program.solve()
            if status == "infeasible" or status == "infeasible_inaccurate":
                raise self.explain(models, floors)
            if status not in SOLVER_OK:
                raise SolverError(compose("plan.solver_failed", status=status, round=r))
            projection = self.projector.run(self.policy(program), reverse=False)
            g = self.gaps(projection)
            gap = max(float(np.max(np.maximum(v, 0.0))) for v in g.values())
            rounds.append(PlanRound(r, program.value, gap, status, time.perf_counter() - t0))
            if gap <= FLOOR_TOL or r + 1 >= self.max_rounds:
                break
            # tighten the floors the engine missed, re-linearise at the new iterate
            floors = Floors(
                comprehensive=_tighten(floors.comprehensive, g["comprehensive"]),
                core=_tighten(floors.core, g["core"]),
                stressed=None
                if floors.stressed is None
                else _tighten(floors.stressed, g["stressed"]),
                sci_tech=floors.sci_tech,
                max_turnover=floors.max_turnover,
                min_liquid=floors.min_liquid,
            )
            models = self.models_at(projection, models)
            program.update(models, floors)
        notes = [compose("plan.note.iterate")]
        if self.floors.max_turnover is None:
            notes.append(compose("plan.note.no_turnover"))
        if self.objective == "terminal_surplus":
            notes.append(compose("plan.note.terminal"))
        if self.floors.max_turnover is not None:
            notes.append(compose("plan.note.turnover_drift"))
        if gap > FLOOR_TOL:
            notes.append(compose("plan.not_converged", rounds=len(rounds), gap=gap))
        return self._result(program, projection, rounds, gap, notes, start)

    def _result(self, program, projection, rounds, gap, notes, start) -> PlanResult:
        classes = self.inputs.classes
        dates = [d.isoformat() for d in self.inputs.dates]
        X = program.amounts
        amounts = {
            d: {c: float(X[k, i]) for i, c in enumerate(classes)} for k, d in enumerate(dates)
        }
        trades = {d: dict(p.trades) for d, p in zip(dates, projection.periods, strict=True)}
        commitments = {
            f"{v.year}:{v.asset_class}": float(a)
            for v, a in zip(self.inputs.vintages, program.commitments, strict=True)
        }
        return PlanResult(
            projection=projection,
            classes=classes,
            amounts=amounts,
            trades=trades,
            commitments=commitments,
            objective=self.objective,
            objective_value=program.value if program.problem.value is not None else np.nan,
            rounds=tuple(rounds),
            final_gap=float(gap),
            binding=tuple(self.binding(program, projection)),
            notes=tuple(notes) + tuple(projection.notes),
            seconds=time.perf_counter() - start,
        )

    def binding(self, program: PlanProgram, projection: Projection | None) -> list[BindingLimit]:
        """The limits with a positive dual in ``program``'s solution, in business units."""
        V0 = self.inputs.V0
        terminal = float(np.sum(program.amounts[-1]))
        if projection is not None:
            terminal = float(projection.periods[-1].result.total_invested) or terminal
        out = []
        for st in program.stated:
            for i, dual in enumerate(st.dual()):
                if dual < DUAL_TOL:
                    continue
                per_yi = asked = None
                if st.floor_kind is not None:
                    per_yi = float(dual) * 1e8 / terminal * 1e4
                    asked_path = getattr(self.floors, st.floor_kind, None)
                    if asked_path is not None:
                        asked = float(np.asarray(asked_path, dtype=float)[int(st.steps[i])])
                out.append(
                    BindingLimit(
                        date=self.inputs.dates[int(st.steps[i])].isoformat(),
                        limit=st.name,
                        subject=st.labels[i],
                        value=float(st.limit[i]),
                        shadow_price=float(dual),
                        per_point=float(dual) * float(st.scale[i]) * V0,
                        bp_per_yi=per_yi,
                        requested=asked,
                    )
                )
        return out

    # -- infeasible plans ------------------------------------------------------------------
    def explain(
        self,
        models: Sequence[DateModel],
        floors: Floors,
        code: str = "plan.infeasible",
        **kw: Any,
    ) -> InfeasibleError:
        """Solve the elastic program (a slack on every floor and limit, weighted per ratio
        point or percentage point) and name each date and limit that must give, by how much."""
        el = self.program(
            models, floors, elastic=True, **{k: v for k, v in kw.items() if k != "date"}
        )
        status = el.solve()
        if status not in SOLVER_OK:
            return SolverError(compose("optimize.elastic_failed"))  # type: ignore[return-value]
        conflicts = []
        for st in el.stated:
            if st.slack is None or st.slack.value is None:
                continue
            for i, s in enumerate(np.ravel(np.asarray(st.slack.value, dtype=float))):
                if s / st.scale[i] <= 1e-4:  # less than 0.0001 of a point: solver noise
                    continue
                conflicts.append(self._conflict(el, st, i, float(s), float(st.scale[i])))
        if not conflicts:
            return InfeasibleError(compose("optimize.infeasible_tolerance"), [])
        parts = [Text(c["message"], c["message_zh"]) for c in conflicts]
        return InfeasibleError(
            compose(code, conflicts=join(parts, "solvency.join.list"), **_extra(kw)), conflicts
        )

    def _conflict(self, el: PlanProgram, st: Any, i: int, s: float, scale: float) -> dict:
        """One limit that must give: date, limit, best reachable, relaxation (points, CNY)."""
        V0 = self.inputs.V0
        label = st.labels[i]
        limit = float(st.limit[i])
        name = _limit_name(st, limit, label)
        step = int(st.steps[i])
        when = self.inputs.dates[step].isoformat()
        at = compose("plan.at", name=name, date=when)
        cny = s * V0
        if st.floor_kind is not None:
            mc = el.minimum_capital(step, stressed=st.floor_kind == "stressed")
            points = cny / mc * 100 if mc > 0 else float("inf")
            reach = limit - points / 100
            msg = compose(
                "plan.relax_ratio", name=at, reachable=reach, points=points, cny=cny / 1e8
            )
        else:
            points = s / scale
            reach = None
            msg = compose("plan.relax_share", name=at, points=points, cny=cny / 1e8)
        return {
            "date": when,
            "constraint": st.name + (f":{label}" if label else ""),
            "limit": limit,
            "reachable": reach,
            "relaxation_points": points,
            "relaxation_cny": cny,
            "message": msg.en,
            "message_zh": msg.zh,
        }

    # -- the myopic chain ----------------------------------------------------------------------
    def _solve_myopic(self, start: float) -> PlanResult:
        models = self.models_today()
        fixed_x: dict[int, np.ndarray] = {}
        fixed_c: dict[int, float] = {}
        spy = self.inputs.steps_per_year
        prog = None
        rounds = []
        for k in range(self.T):
            year = k // spy + 1
            for v, vin in enumerate(self.inputs.vintages):
                if vin.year < year and v not in fixed_c:
                    fixed_c[v] = 0.0
            later = {v: 0.0 for v, vin in enumerate(self.inputs.vintages) if vin.year > year}
            kw = dict(
                active=(k,),
                fixed_x=dict(fixed_x),
                fixed_c={**fixed_c, **later},
                step_objective=k,
            )
            prog = self.program(models, self.floors, **kw)
            status = prog.solve()
            if status not in SOLVER_OK:
                raise self.explain(
                    models,
                    self.floors,
                    code="plan.myopic_infeasible",
                    date=self.inputs.dates[k].isoformat(),
                    **kw,
                )
            rounds.append(PlanRound(k, prog.value, 0.0, status))
            fixed_x[k] = prog.amounts[k]
            for v, vin in enumerate(self.inputs.vintages):
                if vin.year == year:
                    fixed_c[v] = float(prog.commitments[v])
        projection = self.projector.run(self.policy(prog), reverse=False)
        g = self.gaps(projection)
        gap = max(float(np.max(np.maximum(v, 0.0))) for v in g.values())
        return self._result(prog, projection, rounds, gap, [compose("plan.note.iterate")], start)


def _extra(kw: Mapping[str, Any]) -> dict[str, Any]:
    return {"date": kw["date"]} if "date" in kw else {}


def _with_constants(m: DateModel, upd: Mapping[str, float]) -> DateModel:
    """``m`` with the insurance minimum capital / loss absorption of ``upd`` (CNY)."""
    cap = replace(m.capital, constants=replace(m.capital.constants, **upd))
    out = replace(m, capital=cap)
    if m.stressed_capital is not None:
        sc = m.stressed_capital
        out = replace(out, stressed_capital=replace(sc, constants=replace(sc.constants, **upd)))
    return out


def _tighten(floor: np.ndarray, gap: np.ndarray) -> np.ndarray:
    return floor + np.where(np.isfinite(gap), np.maximum(gap, 0.0), 0.0)


def _limit_name(st: Any, limit: float, label: str) -> Text:
    if st.floor_kind is not None:
        return compose(LIMIT_NAMES[st.name], floor=limit)
    if st.name == "equity_cap":
        return compose("optimize.limit.equity_cap", cap=limit, tier=0.0)
    if st.name.endswith("_cap"):
        return compose(f"optimize.limit.{st.name}", cap=limit)
    if st.name in ("single_counterparty", "single_asset"):
        base = compose(f"optimize.limit.{st.name}", cap=limit)
    elif st.name == "counterparty_threshold":
        base = compose("optimize.limit.counterparty_threshold", threshold=limit)
    elif st.name == "property_concentration":
        base = compose("optimize.limit.property_concentration", share=limit)
    elif st.name == "min_sci_tech":
        base = compose("optimize.limit.min_sci_tech", minimum=limit)
    elif st.name == "min_liquidity":
        base = compose("optimize.limit.min_liquidity", minimum=limit)
    elif st.name == "turnover":
        base = compose("optimize.limit.turnover", maximum=limit)
    else:
        base = compose(f"optimize.limit.{st.name}")
    return compose("optimize.limit.labelled", name=base, label=label) if label else base
