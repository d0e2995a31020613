"""The projected base scenario: the book and the company date by date, the full engine on each.

Rule 10 Art. 13-14 asks for a base scenario projected to the end of the next financial years,
counting only the capital actions the regulator has approved (Art. 16), with the stress
scenarios applied at the next year-end (Art. 23) and a reverse stress test where the
projected comprehensive ratio lies between 100% and 150% (Art. 30).

A :class:`Projector` stores the inputs; :meth:`Projector.run` moves the book one step at a
time (:mod:`analyzer.forward.ageing`) under an allocation policy (:class:`Hold`,
:class:`Glide` or :class:`Amounts`), and returns a :class:`Projection`: per date the engine's
:class:`~analyzer.solvency.result.SolvencyResult` on the projected holdings and company, the
trades and cash flows of the step and, at year-ends, the Annex 4 scenarios.

Per step (``dt`` = 0.25 or 1 year), in this order:

1. accrual at the assumptions' expected return (positions of the VC programme, derivatives and
   separate accounts excepted); ``income_to_capital`` of the gain reaches core tier 1;
2. durations and maturities roll down, repaid positions move into cash, holding times grow;
3. cash receives the plan's new money, retained profit less dividends, the counted capital
   actions and the VC programme's distributions less its calls;
4. the rebalanceable book is brought to the policy's class amounts;
5. the company moves: capital by tier, insurance minimum capital and LA from the plan,
   ``total_assets`` with the book, ``prior_comprehensive_ratio`` the previous date's ratio,
   liability cash flows run off (life; spot curve held).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem
from analyzer.forward import ageing
from analyzer.forward.plan_file import step_dates
from analyzer.forward.vintages import VintageFlows, programme_flows, unit_flows, zero_flows
from analyzer.io.assumptions import Assumptions
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.messages import Text, register, text
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, Regime, load_regime
from analyzer.solvency.result import SolvencyResult
from analyzer.stress.commitments import TakahashiAlexander

register(
    {
        "forward.no_maturity": (
            "a bond without maturity_years cannot be projected (when is it repaid?); give "
            "maturity_years, or run with derive_maturity to take it from the duration",
            "缺少 maturity_years 的债券无法预测（何时到期兑付？）；请填写 maturity_years，"
            "或使用 derive_maturity 由久期推算",
        ),
        "forward.cannot_pay": (
            "the book cannot pay a net outflow of {outflow:,.0f} CNY at {date}: its liquid "
            "assets are {liquid:,.0f} CNY",
            "{date} 的净流出 {outflow:,.0f} 元超出账户可支付能力：流动性资产仅 {liquid:,.0f} 元",
        ),
        "forward.no_commitment_class": (
            "the VC programme needs a class for its positions: set commitment_class in the "
            "plan file (candidates: {candidates})",
            "创投基金承诺出资计划需要指定其持仓的资产类别：请在规划文件中设置 commitment_class"
            "（可选：{candidates}）",
        ),
        "forward.commitment_model": (
            "no position of class '{cls}' to model the VC programme on: add a pe_vc_fund "
            "template of that class (--templates) or hold one",
            "没有类别为 '{cls}' 的持仓可作为创投基金承诺出资的模型：请在模板（--templates）"
            "中加入该类别的 pe_vc_fund 持仓，或持有一个",
        ),
        "forward.loss_absorption_computed": (
            "the company file computes loss absorption from its [loss_absorption] inputs, so "
            "the plan cannot set it; remove loss_absorption from the plan",
            "公司文件依据 [loss_absorption] 计算损失吸收效应，规划文件不能再设定；"
            "请删除规划中的 loss_absorption",
        ),
    }
)

#: capital tiers a capital action may move, in the order of the schedule's columns
TIERS = ("core_tier1", "core_tier2", "supplementary_tier1", "supplementary_tier2")
#: steps per year
STEPS = {"quarter": 4, "year": 1}


# --- allocation policies -------------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    """Rebalance every date to today's class weights of the rebalanceable book."""

    name: str = "hold"


@dataclass(frozen=True)
class Glide:
    """Rebalance every date to given class weights (one mapping per date, summing to 1)."""

    weights: tuple[Mapping[str, float], ...]
    name: str = "glide"


@dataclass(frozen=True)
class Amounts:
    """Rebalance every date to given class amounts (CNY per class per date) and commit to
    new VC vintages: ``new_commitments[(first_call_year, asset_class)] = CNY``.

    What the amounts leave of the rebalanceable book (the plan's solution up to solver
    tolerance) stays in cash, and the projection says how much.
    """

    amounts: tuple[Mapping[str, float], ...]
    new_commitments: Mapping[tuple[int, str], float] = field(default_factory=dict)
    name: str = "amounts"


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectedDate:
    """One projected date.

    Attributes
    ----------
    date : the date
    years : years from the valuation date
    holdings, company : the projected book and company (what ``--export-holdings`` writes)
    result : the engine on them
    stressed : the Annex 4 scenarios at a year-end (empty otherwise)
    reverse : the reverse stress where the comprehensive ratio is within [100%, 150%]
    trades : CNY bought (+) or sold (-) per class at the date
    flows : the step's cash flows and gains, CNY (``new_money``, ``retained_profit``,
        ``dividends``, ``capital_actions``, ``calls``, ``distributions``, ``matured``,
        ``income``, ``unallocated``)
    weights : class weights of the rebalanceable book after the trades
    sci_tech_share : sci-tech market value / total market value (as the engine's sci-tech
        view)
    """

    date: dt.date
    years: float
    holdings: Holdings = field(repr=False)
    company: Company = field(repr=False)
    result: SolvencyResult = field(repr=False)
    stressed: tuple = ()
    reverse: tuple = ()
    trades: Mapping[str, float] = field(default_factory=dict)
    flows: Mapping[str, float] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    sci_tech_share: float = 0.0

    @property
    def year_end(self) -> bool:
        """Whether the date closes a projection year."""
        return bool(self.stressed) or abs(self.years - round(self.years)) < 1e-9

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the date (docs/formats.md, ``analyzer project --format json``)."""
        r = self.result
        return {
            "date": self.date.isoformat(),
            "years": self.years,
            "core_ratio": r.core_ratio,
            "comprehensive_ratio": r.comprehensive_ratio,
            "minimum_capital": r.minimum_capital,
            "actual_capital": r.actual_capital,
            "core_capital": r.core_capital,
            "loss_absorption": r.loss_absorption,
            "capital_tiers": dict(r.capital_tiers),
            "modules": {"market": r.market["total"], "credit": r.credit["total"]}
            | {k: v for k, v in r.insurance.items()},
            "sci_tech_share": self.sci_tech_share,
            "total_invested": r.total_invested,
            "weights": dict(self.weights),
            "trades": dict(self.trades),
            "flows": dict(self.flows),
            "liquidity": None if r.liquidity is None else r.liquidity.to_dict(),
            "compliance": r.compliance.to_dict(),
            "compliance_breaches": [c.limit for c in r.compliance.breaches],
            "stressed": [
                {
                    "scenario": s.name,
                    "core_ratio": s.stressed.core_ratio,
                    "comprehensive_ratio": s.stressed.comprehensive_ratio,
                    "loss_actual_capital": s.loss_actual,
                }
                for s in self.stressed
            ],
            "reverse": [x.to_dict() for x in self.reverse],
        }


@dataclass(frozen=True)
class Projection:
    """The projected base scenario.

    Attributes
    ----------
    valuation_date : today
    today : the engine on today's book (date 0)
    periods : one :class:`ProjectedDate` per step
    commitments : the VC programme per step (calls, distributions, NAV; CNY), existing and
        new vintages together, and per vintage
    policy : the allocation policy's name
    regime : the regime used
    notes : what the projection assumed or did that a reader must know
    step : ``quarter`` or ``year``
    """

    valuation_date: dt.date
    today: SolvencyResult = field(repr=False)
    periods: tuple[ProjectedDate, ...]
    commitments: Mapping[str, Any]
    policy: str
    regime: str
    notes: tuple[Any, ...] = ()
    step: str = "quarter"

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The projected dates."""
        return tuple(p.date for p in self.periods)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs/formats.md, ``analyzer project --format json``)."""
        return {
            "valuation_date": self.valuation_date.isoformat(),
            "regime": self.regime,
            "step": self.step,
            "policy": self.policy,
            "today": {
                "core_ratio": self.today.core_ratio,
                "comprehensive_ratio": self.today.comprehensive_ratio,
                "minimum_capital": self.today.minimum_capital,
                "actual_capital": self.today.actual_capital,
                "core_capital": self.today.core_capital,
            },
            "dates": [d.isoformat() for d in self.dates],
            "periods": [p.to_dict() for p in self.periods],
            "commitments": list(self.commitments.get("total", [])),
            "programme": {k: v for k, v in self.commitments.items() if k != "total"},
            "notes": [n.render() if isinstance(n, Text) else str(n) for n in self.notes],
        }


# --- the projector -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Flat:
    """A schedule of nothing: no flows, everything held."""

    dates: tuple[dt.date, ...]

    def __post_init__(self) -> None:
        n = len(self.dates)
        zero, nan = np.zeros(n), np.full(n, np.nan)
        for name in ("new_money", "retained_profit", "dividends"):
            object.__setattr__(self, name, zero.copy())
        for name in ("life_insurance", "nonlife_insurance", "loss_absorption"):
            object.__setattr__(self, name, nan.copy())
        object.__setattr__(self, "actions_approved", np.zeros((n, len(TIERS))))
        object.__setattr__(self, "actions_all", np.zeros((n, len(TIERS))))
        object.__setattr__(self, "glide", None)
        object.__setattr__(self, "sources", {})


class Projector:
    """Projects a book and its company over the next years.

    Parameters
    ----------
    holdings, company, assumptions : validated inputs (the assumptions give each class's
        expected return)
    plan : the plan file (:func:`analyzer.forward.plan_file.read_plan`), or None for no
        flows (new money, profit, capital actions all zero; insurance capital held)
    regime : regime name or object
    templates : model positions for classes not held (holdings format)
    commitments : the VC programme already signed: first-call year (1 = next year) -> CNY
    years : years projected
    step : ``quarter`` or ``year``
    stresses : run the Annex 4 scenarios at every year-end
    reverse : run the reverse stress at a year-end whose comprehensive ratio is in
        [100%, 150%] (Rule 10 Art. 30)
    include_unapproved : count capital actions not yet approved (Rule 10 Art. 16 counts
        only approved ones in the base scenario; default False)
    accrue, age : switch off the accrual or the roll-down and holding-time ageing (to
        separate their effects; both on by default)
    derive_maturity : take a bond's missing maturity from its duration instead of
        refusing it
    commitment_class : the asset class of the signed VC programme's positions (default the
        plan's ``commitment_class``, else the one class of the book's and templates'
        ``pe_vc_fund`` positions)
    options : engine options
    """

    def __init__(
        self,
        holdings: Holdings,
        company: Company,
        assumptions: Assumptions | None,
        plan: Any = None,
        *,
        regime: str | Regime = DEFAULT_REGIME,
        templates: Holdings | None = None,
        commitments: Mapping[int, float] | None = None,
        years: int = 3,
        step: str = "quarter",
        stresses: bool = True,
        reverse: bool = True,
        include_unapproved: bool = False,
        accrue: bool = True,
        age: bool = True,
        derive_maturity: bool = False,
        commitment_class: str | None = None,
        valuation_date: dt.date | None = None,
        options: EngineOptions | None = None,
    ):
        if step not in STEPS:
            raise ValueError(f"step must be one of {tuple(STEPS)}")
        self.holdings = holdings
        self.company = company
        self.assumptions = assumptions
        self.plan = plan
        self.regime = regime if isinstance(regime, Regime) else load_regime(regime)
        self.templates = templates
        self.commitments = dict(commitments or {})
        self.years = int(years)
        self.step = step
        self.stresses = stresses
        self.reverse = reverse
        self.include_unapproved = include_unapproved
        self.accrue = accrue
        self.age = age
        self.derive_maturity = derive_maturity
        self.commitment_class = commitment_class or getattr(plan, "commitment_class", None)
        self.options = options or EngineOptions()
        self._dated = bool(
            valuation_date or getattr(plan, "valuation_date", None) or company.valuation_date
        )
        self.valuation_date = (
            valuation_date
            or getattr(plan, "valuation_date", None)
            or company.valuation_date
            or dt.date.today()
        )
        self.dates = step_dates(self.valuation_date, self.years, step)
        self.spy = STEPS[step]
        self._frame0 = self._checked_frame()
        self._w0: dict[str, float] | None = None
        self._book: ageing.Book | None = None
        self._today: SolvencyResult | None = None
        self.schedule = (
            _Flat(self.dates)
            if plan is None
            else plan.schedule(self.valuation_date, self.dates, self.weights0())
        )
        self._check_plan_against_company()

    # -- inputs ---------------------------------------------------------------------------

    def _checked_frame(self) -> pd.DataFrame:
        frame = self.holdings.frame
        rows = ageing.bonds_without_maturity(frame)
        if len(rows):
            if not self.derive_maturity:
                raise InputError(
                    [
                        InputProblem(
                            self.holdings.source,
                            int(r) + 2,
                            "maturity_years",
                            text("forward.no_maturity"),
                        )
                        for r in rows[:20]
                    ]
                )
            frame = ageing.derive_maturity(frame, rows)
        return frame

    def _check_plan_against_company(self) -> None:
        la = np.asarray(self.schedule.loss_absorption, dtype=float)
        if self.company.loss_absorption is not None and np.isfinite(la).any():
            src = getattr(self.plan, "source", "plan")
            raise InputError(
                [
                    InputProblem(
                        src, None, "loss_absorption", text("forward.loss_absorption_computed")
                    )
                ]
            )

    def weights0(self) -> dict[str, float]:
        """Today's class weights of the rebalanceable book."""
        if self._w0 is None:
            book = self._book0()
            v = book.class_values(book.rebalanceable)
            total = sum(v.values())
            self._w0 = {c: x / total for c, x in v.items()} if total > 0 else {}
        return dict(self._w0)

    def _book0(self) -> ageing.Book:
        """Today's book (a fresh copy for each run: a run moves it)."""
        if self._book is None:
            self._book = ageing.Book(self._frame0)
        return self._book.copy()

    def _growth(self) -> dict[str, float]:
        if not self.accrue or self.assumptions is None:
            return {}
        a = self.assumptions
        return {
            c: (1.0 + float(mu)) ** (1.0 / self.spy)
            for c, mu in zip(a.classes, a.expected_return, strict=True)
        }

    def _programme_class(self, new: Mapping[tuple[int, str], float]) -> str | None:
        cls = self.commitment_class
        if cls or not self.commitments:
            return cls
        cands = programme_classes(self.holdings, self.templates)
        if len(cands) == 1:
            return cands[0]
        src = getattr(self.plan, "source", "plan")
        raise InputError(
            [
                InputProblem(
                    src,
                    None,
                    "commitment_class",
                    text("forward.no_commitment_class", candidates=", ".join(cands) or "-"),
                )
            ]
        )

    def _model_row(self, cls: str) -> pd.DataFrame:
        """A one-row model position of class ``cls`` (templates first, then a held one)."""
        for f in ([self.templates.frame] if self.templates is not None else []) + [self._frame0]:
            rows = f[(f["asset_class"].astype(str) == cls)]
            vc = rows[rows["asset_type"].astype(str) == "pe_vc_fund"]
            pick = vc if len(vc) else rows
            if len(pick):
                return pick.iloc[[0]]
        raise InputError(
            [
                InputProblem(
                    getattr(self.plan, "source", "plan"),
                    None,
                    "commitment_class",
                    text("forward.commitment_model", cls=cls),
                )
            ]
        )

    def _today_rows(self, cls: str) -> pd.DataFrame | None:
        """Today's positions of ``cls`` (rebalanceable ones): the mix a class whose
        positions have all been repaid is bought again in (same terms as today)."""
        f = self._frame0
        self._book0()  # today's book, built once
        rows = f[(ageing.text_values(f, "asset_class") == cls) & self._book.rebalanceable]
        return rows if len(rows) else None

    def _template_rows(self, cls: str) -> pd.DataFrame | None:
        if self.templates is None:
            return None
        f = self.templates.frame
        rows = f[f["asset_class"].astype(str) == cls]
        return rows if len(rows) else None

    # -- the run ----------------------------------------------------------------------------

    def _ta(self) -> TakahashiAlexander:
        return getattr(self.plan, "takahashi_alexander", None) or TakahashiAlexander()

    def programme(
        self, new_commitments: Mapping[tuple[int, str], float] | None = None
    ) -> tuple[dict[str, VintageFlows], VintageFlows]:
        """The VC programme's flows per vintage (``"signed:<year>"`` and
        ``"new:<year>:<class>"``) and in total, per step (CNY)."""
        n = len(self.dates)
        params = self._ta()
        per: dict[str, VintageFlows] = {}
        for year, amount in sorted(self.commitments.items()):
            if amount:
                per[f"signed:{year}"] = programme_flows({year: amount}, n, self.spy, params)
        for (year, cls), amount in sorted((new_commitments or {}).items()):
            if amount:
                per[f"new:{year}:{cls}"] = unit_flows(int(year), n, self.spy, params) * amount
        total = zero_flows(n)
        for f in per.values():
            total = total + f
        return per, total

    def run(
        self, policy: Hold | Glide | Amounts | None = None, *, reverse: bool | None = None
    ) -> Projection:
        """Project every date under ``policy`` (default :class:`Hold`, or the plan's glide
        path when the plan gives one); ``reverse`` overrides the projector's choice of the
        reverse stress (a plan's rounds leave it to the final projection,
        :meth:`with_reverse`)."""
        do_reverse = self.reverse if reverse is None else reverse
        from analyzer.solvency.engine import evaluate

        sched = self.schedule
        if policy is None:
            policy = Glide(tuple(sched.glide)) if getattr(sched, "glide", None) else Hold()
        new = policy.new_commitments if isinstance(policy, Amounts) else {}
        self._policy_amounts = isinstance(policy, Amounts)
        vintages, prog = self.programme(new)
        prog_class = self._programme_class(new) if vintages else None
        source = self.holdings.source
        lt = self.holdings.look_through
        company = self.company
        if self._today is None:  # the same for every run (a plan's rounds run many)
            self._today = evaluate(
                Holdings(self._frame0, source, look_through=lt),
                company,
                self.regime,
                self.options,
                False,
            )
        today = self._today
        book = self._book0()
        cash_class = self._cash_class(book)
        if vintages:
            book.append(self._programme_rows(vintages, prog_class))
        w0 = self.weights0()
        growth = self._growth()
        kappa = float(getattr(self.plan, "income_to_capital", 0.75))
        actions = sched.actions_all if self.include_unapproved else sched.actions_approved
        liquid: set[str] = set()
        if self.assumptions is not None:
            a = self.assumptions
            liquid = {c for c, q in zip(a.classes, a.liquid, strict=True) if q}
        notes: list[Any] = self._notes(policy)
        self._unbuyable: set[str] = set()
        periods: list[ProjectedDate] = []
        prev_ratio = today.comprehensive_ratio
        dt_years = 1.0 / self.spy
        for k, date in enumerate(self.dates):
            total_before = float(book.mv.sum())
            # 1. accrual
            income = float(book.accrue(growth).sum()) if growth else 0.0
            # 2. roll-down, repayments, holding time
            matured_value = book.roll(dt_years) if self.age else 0.0
            # the VC programme: values from the model
            if vintages:
                for name, f in vintages.items():
                    book.set_value(book.ids == ageing.PROGRAMME_PREFIX + name, [f.nav[k]])
            calls = float(prog.calls[k])
            dist = float(prog.distributions[k])
            vc_growth = float(prog.growth[k])
            # 3. cash flows
            act = np.asarray(actions[k], dtype=float)
            net = (
                float(sched.new_money[k])
                + float(sched.retained_profit[k])
                - float(sched.dividends[k])
                + float(act.sum())
                + dist
                - calls
            )
            flows = {
                "new_money": float(sched.new_money[k]),
                "retained_profit": float(sched.retained_profit[k]),
                "dividends": float(sched.dividends[k]),
                "capital_actions": float(act.sum()),
                "calls": calls,
                "distributions": dist,
                "matured": matured_value,
                "income": income,
                "programme_growth": vc_growth,
            }
            values = book.class_values(book.rebalanceable)
            values[cash_class] = values.get(cash_class, 0.0) + net + matured_value
            W = sum(values.values())
            if net < 0:
                liquid_value = sum(v for c, v in values.items() if c in liquid) - net
                if -net > liquid_value + 1e-6 or W < 0:
                    self._cannot_pay(date, k, -net, max(liquid_value, 0.0))
            # 4. rebalance
            target = self._target(policy, k, w0, W)
            trades, unallocated = self._rebalance(book, values, target, cash_class, date, notes)
            flows["unallocated"] = unallocated
            # 5. the company
            company = self._company(
                company,
                date,
                k,
                kappa * (income + vc_growth)
                + float(sched.retained_profit[k])
                - float(sched.dividends[k]),
                act,
                float(book.mv.sum()) - total_before,
                prev_ratio,
            )
            frame = book.materialise()
            held = Holdings(frame, source, look_through=lt)
            result = evaluate(held, company, self.regime, self.options, False)
            prev_ratio = result.comprehensive_ratio
            stressed, rev = (), ()
            if self.stresses and (k + 1) % self.spy == 0:
                stressed, rev = self._stress(held, company, result, do_reverse)
            v = book.class_values(book.rebalanceable)
            tot = sum(v.values())
            mv = book.mv
            periods.append(
                ProjectedDate(
                    date=date,
                    years=(k + 1) * dt_years,
                    holdings=held,
                    company=company,
                    result=result,
                    stressed=tuple(stressed),
                    reverse=tuple(rev),
                    trades=trades,
                    flows=flows,
                    weights={c: x / tot for c, x in v.items() if x > 0} if tot > 0 else {},
                    sci_tech_share=float(mv[book.sci].sum() / mv.sum()) if mv.sum() > 0 else 0.0,
                )
            )
        return Projection(
            valuation_date=self.valuation_date,
            today=today,
            periods=tuple(periods),
            commitments=self._programme_dict(vintages, prog),
            policy=policy.name,
            regime=self.regime.name,
            notes=tuple(notes),
            step=self.step,
        )

    # -- pieces of a step -------------------------------------------------------------------

    def _notes(self, policy: Any) -> list[Any]:
        notes: list[Any] = (
            []
            if self._dated
            else [text("forward.note.today", date=self.valuation_date.isoformat())]
        )
        notes += [
            text("forward.note.curve"),
            text("forward.note.income", kappa=float(getattr(self.plan, "income_to_capital", 0.75))),
        ]
        if self.commitments or isinstance(policy, Amounts):
            notes.append(text("forward.note.quarters"))
        if self.company.liquidity is not None:
            notes.append(text("forward.note.liquidity"))
        if not self.include_unapproved:
            notes.append(text("forward.note.approved"))
        if self.derive_maturity and len(ageing.bonds_without_maturity(self.holdings.frame)):
            notes.append(
                text(
                    "forward.note.derived_maturity",
                    n=len(ageing.bonds_without_maturity(self.holdings.frame)),
                )
            )
        return notes

    def _cash_class(self, book: ageing.Book) -> str:
        counts = np.bincount(book.codes[book.cash], minlength=len(book.classes))
        cash = [c for c, n in zip(book.classes, counts, strict=True) if n and c]
        return cash[0] if cash else "cash"

    def _cannot_pay(self, date: dt.date, k: int, outflow: float, liquid: float) -> None:
        """Refuse a net outflow the book cannot pay, naming the plan row that gave it."""
        sources = getattr(self.schedule, "sources", None) or {}
        per_step = sources.get("new_money", ())
        pairs = per_step[k] if len(per_step) > k else ()
        file, row = pairs[-1] if pairs else (getattr(self.plan, "source", "plan"), None)
        raise InputError(
            [
                InputProblem(
                    file,
                    row,
                    "new_money",
                    text(
                        "forward.cannot_pay",
                        outflow=outflow,
                        date=date.isoformat(),
                        liquid=liquid,
                    ),
                )
            ]
        )

    def _target(self, policy: Any, k: int, w0: Mapping[str, float], W: float) -> dict[str, float]:
        if isinstance(policy, Amounts):
            return {c: float(v) for c, v in policy.amounts[k].items()}
        weights = policy.weights[k] if isinstance(policy, Glide) else w0
        return {c: float(w) * W for c, w in weights.items()}

    def _programme_rows(
        self, vintages: Mapping[str, VintageFlows], cls: str | None
    ) -> pd.DataFrame:
        """One position per vintage of the programme (value 0 until its NAV is set)."""
        rows = []
        for name in vintages:
            vcls = name.split(":")[2] if name.startswith("new:") else cls
            model = self._model_row(vcls).assign(asset_class=vcls, id="x")
            rows.append(ageing.new_positions(model, 0.0, ageing.PROGRAMME_PREFIX + name))
        out = rows[0]
        for r in rows[1:]:
            out = ageing.concat(out, r)
        ids = out["id"].astype(str).str.removesuffix("x")
        return out.assign(id=ids.to_numpy())

    def _rebalance(
        self,
        book: ageing.Book,
        values: Mapping[str, float],
        target: Mapping[str, float],
        cash_class: str,
        date: dt.date,
        notes: list[Any],
    ) -> tuple[dict[str, float], float]:
        """Bring each class of the rebalanceable book to ``target`` (CNY); the new money and
        repayments already sit in ``values[cash_class]``. Returns the trades per class and
        what the target leaves unassigned (kept in cash)."""
        reb = book.rebalanceable
        held_values = book.class_values(reb)
        W = sum(values.values())
        goal = {c: max(float(v), 0.0) for c, v in target.items()}
        unallocated = W - sum(goal.values())
        goal[cash_class] = goal.get(cash_class, 0.0) + unallocated
        new_rows = []
        revive: list[tuple[np.ndarray, float]] = []
        for c in sorted(set(goal) - {cash_class}):
            want = goal[c]
            if held_values.get(c, 0.0) > 0 or want <= 0:
                continue
            back = book.sold_out(c)
            if back is not None:
                revive.append((back, want))
                continue
            model = self._template_rows(c)
            if model is None:
                model = self._today_rows(c)
            if model is None:
                if c not in self._unbuyable:
                    self._unbuyable.add(c)
                    notes.append(text("forward.note.no_template", cls=c, date=date.isoformat()))
                goal[cash_class] += want
                goal[c] = 0.0
                continue
            new_rows.append(
                ageing.new_positions(model, want, f"{ageing.PROJECTED_PREFIX}{date.isoformat()}:")
            )
        trades = {c: goal.get(c, 0.0) - values.get(c, 0.0) for c in sorted(set(values) | set(goal))}
        by_code = np.ones(len(book.classes) + 1)
        for i, c in enumerate(book.classes):
            have = held_values.get(c, 0.0)
            if c in held_values:
                want = goal.get(c, 0.0)
                by_code[i] = want / have if have > 0 else 0.0
        factors = np.where(reb, by_code[book.codes], 1.0)
        if cash_class in held_values and held_values[cash_class] <= 0 < goal[cash_class]:
            new_rows.append(self._cash_row(goal[cash_class], cash_class, date))
        book.rescale(factors)
        for rows, want in revive:
            book.buy_back(rows, want)
        if cash_class not in held_values and goal[cash_class] > 0:
            new_rows.append(self._cash_row(goal[cash_class], cash_class, date))
        for r in new_rows:
            book.append(r)
        if self._policy_amounts and abs(unallocated) > 1e-6 * max(W, 1.0):
            notes.append(
                text("forward.note.unallocated", date=date.isoformat(), amount=unallocated)
            )
        return trades, float(unallocated)

    def _cash_row(self, value: float, cash_class: str, date: dt.date) -> pd.DataFrame:
        from analyzer.io.holdings import validate_holdings

        row = validate_holdings(
            pd.DataFrame(
                [
                    {
                        "id": f"{ageing.PROJECTED_PREFIX}{date.isoformat()}:cash",
                        "asset_type": "cash",
                        "asset_class": cash_class,
                        "market_value": repr(float(value)),
                        "book_value": repr(float(value)),
                        "region": "domestic",
                        "sci_tech": "false",
                    }
                ]
            ),
            "<projection>",
        ).frame
        return row

    def _company(
        self,
        company: Company,
        date: dt.date,
        k: int,
        core_change: float,
        actions: np.ndarray,
        book_change: float,
        prev_ratio: float,
    ) -> Company:
        sched = self.schedule
        cap = company.capital
        upd = {t: getattr(cap, t) + float(actions[i]) for i, t in enumerate(TIERS)}
        upd["core_tier1"] += core_change
        mc = company.minimum_capital
        mc_upd = {}
        for key in ("life_insurance", "nonlife_insurance", "loss_absorption"):
            v = float(np.asarray(getattr(sched, key))[k])
            if np.isfinite(v):
                mc_upd[key] = v
        update: dict[str, Any] = {
            "capital": cap.model_copy(update=upd),
            "minimum_capital": mc.model_copy(update=mc_upd),
            "total_assets": max(company.total_assets + book_change, 1.0),
            "prior_comprehensive_ratio": prev_ratio
            if np.isfinite(prev_ratio) and prev_ratio > 0
            else company.prior_comprehensive_ratio,
            "valuation_date": date,
            "liquidity": None,
            "filing": None,
        }
        if company.liabilities is not None and self.age:
            tau = (k + 1) / self.spy
            update["liabilities"] = company.liabilities.model_copy(
                update={"cash_flows": run_off(self.company.liabilities.cash_flows, tau)}
            )
        return company.model_copy(update=update)

    def with_reverse(self, projection: Projection) -> Projection:
        """``projection`` with the reverse stress at each year-end whose comprehensive ratio
        lies within [100%, 150%] (Rule 10 Art. 30), where it has none yet."""
        from dataclasses import replace

        from analyzer.stress.forward import Stresser
        from analyzer.stress.reverse import REVERSE_DRIVERS, reverse_stress

        periods = []
        for p in projection.periods:
            if p.stressed and not p.reverse and 1.0 <= p.result.comprehensive_ratio <= 1.5:
                stresser = Stresser(p.holdings, p.company, self.regime, self.options)
                rev = tuple(r for d in REVERSE_DRIVERS for r in reverse_stress(stresser, [d]))
                p = replace(p, reverse=rev)
            periods.append(p)
        return replace(projection, periods=tuple(periods))

    def _stress(
        self, held: Holdings, company: Company, result: SolvencyResult, reverse: bool = True
    ):
        from analyzer.stress.annex4 import scenarios
        from analyzer.stress.forward import Stresser
        from analyzer.stress.mandatory import mandatory_scenarios

        stresser = Stresser(held, company, self.regime, self.options)
        out = stresser.run_all(scenarios(company.company_type, components=False))
        more, _ = mandatory_scenarios(stresser)
        out += more
        rev = ()
        if reverse and 1.0 <= result.comprehensive_ratio <= 1.5:
            from analyzer.stress.reverse import REVERSE_DRIVERS, reverse_stress

            rev = tuple(r for d in REVERSE_DRIVERS for r in reverse_stress(stresser, [d]))
        return out, rev

    def _programme_dict(
        self, vintages: Mapping[str, VintageFlows], total: VintageFlows
    ) -> dict[str, Any]:
        def rows(f: VintageFlows) -> list[dict[str, Any]]:
            return [
                {
                    "date": d.isoformat(),
                    "calls": float(f.calls[k]),
                    "distributions": float(f.distributions[k]),
                    "nav": float(f.nav[k]),
                }
                for k, d in enumerate(self.dates)
            ]

        return {
            "model": "takahashi_alexander",
            "params": self._ta().to_dict(),
            "split": "calls and distributions of a model year spread evenly over its steps; "
            "NAV compounds at the model's growth within the year (year-end values exact)",
            "total": rows(total),
            "vintages": {name: rows(f) for name, f in vintages.items()},
        }


def programme_classes(holdings: Holdings | None, templates: Holdings | None) -> list[str]:
    """The asset classes a VC programme can be held in: those of the ``pe_vc_fund`` positions
    of the book and the templates, sorted."""
    out: set[str] = set()
    for h in (holdings, templates):
        if h is not None:
            f = h.frame
            rows = ageing.text_values(f, "asset_type") == "pe_vc_fund"
            out |= set(ageing.text_values(f, "asset_class")[rows])
    return sorted(out - {""})


def run_off(cash_flows: np.ndarray, tau: float) -> np.ndarray:
    """Liability net outflows of years ``1..N`` seen ``tau`` years later.

    The flow of year ``j`` falls ``j - tau`` years ahead: paid when ``j - tau <= 0``, else
    put on the year grid by linear split between the two year-ends around it (all of it in
    year 1 when less than a year ahead). Whole-year ``tau`` is an exact shift.
    """
    cf = np.asarray(cash_flows, dtype=float)
    n = len(cf)
    out = np.zeros(n)
    for j in range(1, n + 1):
        s = j - tau
        if s <= 1e-12:
            continue
        lo = int(np.floor(s + 1e-12))
        frac = s - lo
        if lo < 1:
            out[0] += cf[j - 1]
        elif frac < 1e-12:
            out[lo - 1] += cf[j - 1]
        else:
            out[lo - 1] += cf[j - 1] * (1 - frac)
            out[lo] += cf[j - 1] * frac
    return out


register(
    {
        "forward.note.today": (
            "neither the plan nor the company file gives a valuation_date: the projection "
            "starts today, {date}",
            "规划文件和公司文件均未给出 valuation_date：预测从今天（{date}）开始",
        ),
        "forward.note.curve": (
            "the discount curve of every projected date is today's, held constant",
            "各预测时点的折现曲线均沿用当前曲线，保持不变",
        ),
        "forward.note.income": (
            "{kappa:.0%} of the investment return reaches core tier 1 (income_to_capital); "
            "assets keep the whole return",
            "投资收益的 {kappa:.0%} 计入核心一级资本（income_to_capital）；资产保留全部收益",
        ),
        "forward.note.quarters": (
            "the annual Takahashi-Alexander model is split into quarters: a year's calls and "
            "distributions evenly over its quarters, NAV compounding within the year (year-end "
            "values and annual totals exact)",
            "年度 Takahashi-Alexander 模型按季度拆分：一年的出资和分配平均分摊到各季度，"
            "净值在年内按复利增长（年末值和年度合计保持精确）",
        ),
        "forward.note.liquidity": (
            "the liquidity coverage ratios are today's only: the [liquidity] cash flows "
            "describe the months after the valuation date",
            "流动性覆盖率仅计算当前时点：[liquidity] 现金流描述的是评估日之后的月份",
        ),
        "forward.note.approved": (
            "only approved capital actions are counted (Rule 10 Art. 16)",
            "仅计入已获批准的资本补充行动（第10号规则第十六条）",
        ),
        "forward.note.derived_maturity": (
            "{n} bonds without maturity_years: maturity taken as their Macaulay duration "
            "(a lower bound)",
            "{n} 只债券缺少 maturity_years：到期期限取其麦考利久期（下限）",
        ),
        "forward.note.no_template": (
            "{date}: class '{cls}' is not held and has no template position, so its amount "
            "stays in cash (add a template of the class with --templates)",
            "{date}：类别 '{cls}' 未持有且无模板持仓，其金额留在现金中"
            "（请用 --templates 加入该类别的模板）",
        ),
        "forward.note.unallocated": (
            "{date}: {amount:,.0f} CNY the allocation leaves unassigned stays in cash",
            "{date}：配置未分配的 {amount:,.0f} 元留在现金中",
        ),
    }
)


__all__ = [
    "Amounts",
    "Glide",
    "Hold",
    "ProjectedDate",
    "Projection",
    "Projector",
    "programme_classes",
    "run_off",
    "step_dates",
]
