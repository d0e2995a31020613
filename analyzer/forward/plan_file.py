"""The plan file of a forward projection, the projection's step dates, the plan laid out on
those dates (:class:`Schedule`) and the file of new VC commitments a plan may choose.

The plan says what happens to the insurer over the next years apart from the market: new
money to invest, the insurance minimum capital, retained profit and dividends, capital bonds
issued or redeemed, and how the book is allocated (``hold``, a ``glide`` path of target
weights, or ``optimise``). It is a TOML file (``.toml``) or a workbook (``.xlsx``, sheets
``settings``, ``periods``, ``glide``, ``capital_actions``); docs/formats.md section 11, "Plan
file", lists every key.

Amounts are CNY, weights and rates fractions, a plan ``year`` is the 12 months after the
valuation date (year 1), the next 12 months (year 2), and so on.

Step dates: step ``k`` of a projection ends ``3 k`` months (quarters) or ``12 k`` months
(years) after the valuation date. A valuation date at a month end gives month ends
(2026-09-30: 2026-12-31, 2027-03-31, 2027-06-30, ...); any other day gives the same day of the
month, clipped to the month end (2026-11-29: 2027-02-28, 2027-05-29, ...). Each date is
counted from the valuation date, not from the step before, so a clipped February does not
shift the later dates. Step ``k`` covers the interval ``(d_{k-1}, d_k]`` with ``d_0`` the
valuation date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from analyzer.errors import InputError, InputProblem, ParameterError
from analyzer.io.fields import number, parse_toml, read_bytes, suggest, unknown_name
from analyzer.io.rules import rule
from analyzer.messages import register, text
from analyzer.stress.commitments import (
    AMOUNT_UNIT as COMMITMENT_AMOUNT_UNIT,
)
from analyzer.stress.commitments import (
    CALENDAR_YEAR as COMMITMENT_CALENDAR_YEAR,
)
from analyzer.stress.commitments import (
    CALENDAR_YEAR_FROM,
    TakahashiAlexander,
)

__all__ = [
    "CapitalAction",
    "GlidePoint",
    "NewVintage",
    "Plan",
    "PlanPeriod",
    "Schedule",
    "add_months",
    "read_new_commitments",
    "read_plan",
    "step_dates",
]

Step = Literal["quarter", "year"]
Policy = Literal["hold", "glide", "optimise"]

#: steps per year of each step kind
STEPS_PER_YEAR: dict[str, int] = {"quarter": 4, "year": 1}
#: capital tiers a capital action may name (Rule 1), in the column order of the schedule
TIERS: tuple[str, ...] = (
    "core_tier1",
    "core_tier2",
    "supplementary_tier1",
    "supplementary_tier2",
)
POLICIES: tuple[str, ...] = ("hold", "glide", "optimise")
#: amounts that flow during a period (CNY per period)
FLOWS: tuple[str, ...] = ("new_money", "retained_profit", "dividends")
#: amounts that are a level at the period end (CNY)
LEVELS: tuple[str, ...] = ("life_insurance", "nonlife_insurance", "loss_absorption")
PERIOD_KEYS: tuple[str, ...] = (
    "year",
    "date",
    "new_money",
    "life_insurance",
    "nonlife_insurance",
    "loss_absorption",
    "retained_profit",
    "dividends",
)
ACTION_KEYS: tuple[str, ...] = ("date", "tier", "amount", "approved", "description")
TA_KEYS: tuple[str, ...] = ("contribution_rates", "lifetime", "bow", "growth", "yield")
TOP_KEYS: tuple[str, ...] = (
    "valuation_date",
    "income_to_capital",
    "commitment_class",
    "policy",
    "takahashi_alexander",
    "periods",
    "capital_actions",
)
POLICY_KEYS: tuple[str, ...] = ("kind", "glide")
GLIDE_KEYS: tuple[str, ...] = ("date", "weights")
#: keys of the ``settings`` sheet of a workbook (the TOML's single values, dotted)
SETTINGS_KEYS: tuple[str, ...] = (
    "valuation_date",
    "income_to_capital",
    "commitment_class",
    "policy.kind",
    *(f"takahashi_alexander.{k}" for k in TA_KEYS),
)
SHEETS: tuple[str, ...] = ("settings", "periods", "glide", "capital_actions")
NEW_COMMITMENT_COLUMNS: tuple[str, ...] = ("year", "asset_class", "max_commitment")

#: share of the investment return that reaches core tier 1 capital: after the 25% enterprise
#: income tax (企业所得税法 Art. 4)
DEFAULT_INCOME_TO_CAPITAL = 0.75
#: a nonzero amount below this (CNY) is an amount in 亿元 or 万元
MIN_AMOUNT = 1e4
#: glide weights must add up to one within this
WEIGHT_TOLERANCE = 1e-6

register(
    {
        "plan.step": (
            "'{value}' is not a projection step; allowed: {allowed}",
            "'{value}' 不是预测步长；允许的取值：{allowed}",
        ),
        "plan.years": (
            "the projection needs at least one year, got {value}",
            "预测期至少为 1 年，实际为 {value}",
        ),
        "plan.not_date": (
            "'{value}' is not a date; write 2027-06-30 (a TOML date, or a date cell in Excel)",
            "'{value}' 不是日期；请写成 2027-06-30（TOML 日期，或 Excel 中的日期单元格）",
        ),
        "plan.valuation_date_differs": (
            "the plan's valuation date {value} differs from the company file's {company}; "
            "leave it out of the plan or correct one of the two",
            "计划文件的评估日 {value} 与公司文件的评估日 {company} 不一致；"
            "请从计划文件中删除该项，或更正其中之一",
        ),
        "plan.not_after_valuation": (
            "{value} is not after the valuation date {valuation_date}; every plan date lies "
            "in the future",
            "{value} 不晚于评估日 {valuation_date}；计划中的日期都必须在评估日之后",
        ),
        "plan.fraction": (
            "{value:g} is not a fraction between 0 and 1 (0.75 = 75%)",
            "{value:g} 不是 0 到 1 之间的比例（0.75 = 75%）",
        ),
        "plan.unknown_class_near": (
            "'{value}' is not an asset class of the holdings; did you mean '{suggestion}'?",
            "'{value}' 不是持仓中的资产类别；是否应为 '{suggestion}'？",
        ),
        "plan.unknown_class": (
            "'{value}' is not an asset class of the holdings; known classes: {allowed}",
            "'{value}' 不是持仓中的资产类别；已有的类别：{allowed}",
        ),
        "plan.unknown_tier_near": (
            "'{value}' is not a capital tier; did you mean '{suggestion}'?",
            "'{value}' 不是资本层级；是否应为 '{suggestion}'？",
        ),
        "plan.unknown_tier": (
            "'{value}' is not a capital tier; allowed: {allowed}",
            "'{value}' 不是资本层级；允许的取值：{allowed}",
        ),
        "plan.unknown_sheet_near": (
            "unknown sheet '{key}'; did you mean '{suggestion}'?",
            "未知的工作表 '{key}'；是否应为 '{suggestion}'？",
        ),
        "plan.unknown_sheet": (
            "unknown sheet '{key}'; allowed: {allowed}",
            "未知的工作表 '{key}'；允许的工作表：{allowed}",
        ),
        "plan.column_missing": (
            "required column is missing; the header must name {columns}",
            "缺少必需的列；表头须包含 {columns}",
        ),
        "plan.year": (
            "'{value}' is not a plan year; write a whole number >= 1 (1 = the 12 months after "
            "the valuation date)",
            "'{value}' 不是计划年度；请填写 >= 1 的整数（1 = 评估日之后的 12 个月）",
        ),
        "plan.calendar_year": (
            "{value} is a calendar year; plan years count from 1 (1 = the 12 months after the "
            "valuation date, 2 = the 12 months after those, ...), or give a date instead",
            "{value} 是日历年；计划年度从 1 开始计（1 = 评估日之后的 12 个月，"
            "2 = 其后的 12 个月，依此类推），或改填日期",
        ),
        "plan.year_or_date": (
            "an entry needs exactly one of 'year' and 'date'",
            "每一项必须且只能填写 'year' 和 'date' 之一",
        ),
        "plan.duplicate": (
            "{value} is given twice (also at row/entry {other}); put the amounts in one entry",
            "{value} 出现了两次（另见第 {other} 行/项）；请将金额合并到一项中",
        ),
        "plan.amount_unit": (
            "{value:g} CNY is too small for a plan amount; amounts are in CNY (yuan), not "
            "亿元 or 万元 (2亿元 = 200000000)",
            "{value:g} 元过小，不可能是计划金额；金额单位为元，不是亿元或万元"
            "（2 亿元 = 200000000）",
        ),
        "plan.negative": (
            "{value:g} is negative; this amount is >= 0 (CNY)",
            "{value:g} 为负数；该金额必须 >= 0（元）",
        ),
        "plan.weight": (
            "weight {value:g} is not a fraction between 0 and 1 (0.05 = 5%)",
            "权重 {value:g} 不是 0 到 1 之间的比例（0.05 = 5%）",
        ),
        "plan.weights_sum": (
            "the weights add up to {total:.6f}, not 1; weights are fractions of the invested "
            "total and add up to one",
            "权重之和为 {total:.6f}，不等于 1；权重是投资资产总额的占比，合计必须为 1",
        ),
        "plan.weights_empty": (
            "a glide point needs weights: weights = {{ government_bond = 0.5, ... }}",
            "配置路径点必须给出权重：weights = {{ government_bond = 0.5, ... }}",
        ),
        "plan.glide_needs_points": (
            "policy kind 'glide' needs at least one glide point ([[policy.glide]] or the "
            "'glide' sheet)",
            "配置策略 'glide' 至少需要一个配置路径点（[[policy.glide]] 或 'glide' 工作表）",
        ),
        "plan.glide_unused": (
            "glide points are used only with policy kind 'glide' (the kind is '{kind}'); "
            'remove them or set kind = "glide"',
            "配置路径点仅在配置策略为 'glide' 时使用（当前为 '{kind}'）；"
            '请删除这些点，或设置 kind = "glide"',
        ),
        "plan.amount_zero": (
            "a capital action of 0 CNY does nothing; give the amount issued (> 0) or "
            "redeemed (< 0)",
            "金额为 0 的资本工具事项没有作用；请填写发行金额（> 0）或赎回金额（< 0）",
        ),
        "plan.approved_missing": (
            "a capital action must say whether it is approved (approved = true or false): only "
            "approved actions count in the base scenario (Rule 10 Art. 16)",
            "资本工具事项必须注明是否已获批准（approved = true 或 false）："
            "基本情景只计入已获批准的事项（第 10 号规则第十六条）",
        ),
        "plan.not_list": (
            "must be a list of fractions such as [0.25, 0.333, 0.5, 1.0] (in a workbook: "
            "0.25, 0.333, 0.5, 1.0)",
            "必须是比例的列表，如 [0.25, 0.333, 0.5, 1.0]（工作簿中写作 0.25, 0.333, 0.5, 1.0）",
        ),
        "plan.lifetime": (
            "'{value}' is not a fund lifetime; write a whole number of years >= 1",
            "'{value}' 不是基金存续期；请填写 >= 1 的整数年数",
        ),
        "plan.beyond_projection": (
            "{value} lies after the last projected date {last}; it would fall outside the "
            "projection: raise --years or correct it",
            "{value} 晚于预测的最后日期 {last}，将落在预测期之外：请增加 --years 或更正",
        ),
        "plan.year_beyond": (
            "plan year {value} ends {end}, after the last projected date {last}; it would fall "
            "outside the projection: raise --years or correct it",
            "计划第 {value} 年截至 {end}，晚于预测的最后日期 {last}，将落在预测期之外："
            "请增加 --years 或更正",
        ),
        "plan.level_twice": (
            "{column} of the step ending {date} is set by this entry and by row/entry {other}; "
            "a level is set once per step",
            "截至 {date} 的一步中，{column} 同时由本项和第 {other} 行/项设定；"
            "每一步的水平值只能设定一次",
        ),
        "plan.dates": (
            "projection dates must be increasing and after the valuation date {valuation_date}",
            "预测日期必须递增，且晚于评估日 {valuation_date}",
        ),
        "plan.no_valuation_date": (
            "no valuation date: give valuation_date in the company file or the plan",
            "没有评估日：请在公司文件或计划文件中填写 valuation_date",
        ),
        "plan.today_weights": (
            "today's weights must be fractions >= 0 adding up to one, found a total of {total:.6f}",
            "当前权重必须是 >= 0 且合计为 1 的比例，实际合计为 {total:.6f}",
        ),
        "plan.vintage_beyond": (
            "year {value} is beyond the {years}-year plan; raise --years or correct the year",
            "第 {value} 年超出 {years} 年的计划期；请增加 --years 或更正年度",
        ),
        "plan.vintage_duplicate": (
            "year {year} and class '{asset_class}' are given twice (also row {other}); one "
            "vintage per year and class",
            "第 {year} 年、类别 '{asset_class}' 出现了两次（另见第 {other} 行）；"
            "每年每个类别只能有一个新的基金批次",
        ),
        "plan.not_text": (
            "must be text, found {value}",
            "必须是文本，实际为 {value}",
        ),
    }
)

PLAN_CALENDAR_YEAR = rule(
    "plan.calendar_year",
    "refuse",
    "Plan years count from 1 (the 12 months after the valuation date); 2027 would lie two "
    "thousand years beyond any projection, and its amounts would never be seen.",
    "计划年度从 1（评估日之后的 12 个月）开始计；2027 将落在任何预测期之后两千年，"
    "其金额永远不会出现在预测中。",
)
PLAN_AMOUNT_UNIT = rule(
    "plan.amount_unit",
    "refuse",
    "No plan amount of a real insurer (new money, minimum capital, profit, dividends, a "
    "capital bond) is a nonzero amount below 1万元; 200 is 200亿元 written in 亿元.",
    "真实保险公司的计划金额（新增资金、最低资本、利润、分红、资本补充债券）"
    "不会是低于 1 万元的非零金额；200 是以亿元填写的 200 亿元。",
)


# --------------------------------------------------------------------------------------------
# Step dates
# --------------------------------------------------------------------------------------------


def _is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months.

    A month end stays a month end (2026-02-28 + 1 month = 2026-03-31); any other day keeps
    its day of the month, clipped to the month end (2026-01-30 + 1 month = 2026-02-28).

    Parameters
    ----------
    day : datetime.date
    months : int
        Months to add (may be negative).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, last if _is_month_end(day) else min(day.day, last))


def step_dates(valuation_date: dt.date, years: int, step: Step = "quarter") -> tuple[dt.date, ...]:
    """The end dates of the projection steps.

    Step ``k = 1 .. years x steps_per_year`` ends ``3 k`` months (``"quarter"``) or ``12 k``
    months (``"year"``) after ``valuation_date``, by :func:`add_months` (a month-end valuation
    date gives month ends; another day is kept, clipped to the month end).

    Parameters
    ----------
    valuation_date : datetime.date
        The date of the book today (step 0).
    years : int
        Years projected, at least 1.
    step : {"quarter", "year"}

    Returns
    -------
    tuple of datetime.date
        ``years x 4`` (quarters) or ``years`` dates, increasing.

    Raises
    ------
    ParameterError
        An unknown step or fewer than one year.
    """
    if step not in STEPS_PER_YEAR:
        raise ParameterError(text("plan.step", value=step, allowed=", ".join(STEPS_PER_YEAR)))
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise ParameterError(text("plan.years", value=years))
    per_year = STEPS_PER_YEAR[step]
    months = 12 // per_year
    return tuple(add_months(valuation_date, months * k) for k in range(1, years * per_year + 1))


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPeriod:
    """One entry of the plan's ``periods``: what happens in a plan year or at a date.

    Attributes
    ----------
    row : int
        Where the entry is: the 1-based entry of ``[[periods]]`` in a TOML file, the
        spreadsheet row (header = row 1) of the ``periods`` sheet of a workbook.
    year : int or None
        Plan year (1 = the 12 months after the valuation date); exactly one of ``year`` and
        ``date`` is given.
    date : datetime.date or None
        A date after the valuation date.
    new_money : float
        New money to invest in the period, CNY (default 0; negative: a net outflow the book
        pays).
    life_insurance, nonlife_insurance, loss_absorption : float or None
        Insurance minimum capital (life, non-life) and the loss-absorption adjustment at the
        period end, CNY; None: held at the last value given (today's before the first).
    retained_profit : float
        Profit retained in core tier 1 in the period apart from the investment return, CNY
        (default 0; negative: a loss).
    dividends : float
        Dividends paid out of core tier 1 in the period, CNY, >= 0 (default 0).
    given : tuple of str
        The keys the file gave (the others are defaults).
    """

    row: int
    year: int | None
    date: dt.date | None
    new_money: float = 0.0
    life_insurance: float | None = None
    nonlife_insurance: float | None = None
    loss_absorption: float | None = None
    retained_profit: float = 0.0
    dividends: float = 0.0
    given: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain dict for JSON (dates as ISO text)."""
        return {
            "row": self.row,
            "year": self.year,
            "date": None if self.date is None else self.date.isoformat(),
            **{k: getattr(self, k) for k in PERIOD_KEYS[2:]},
            "given": list(self.given),
        }


@dataclass(frozen=True)
class GlidePoint:
    """A target allocation at a date (``policy.kind = "glide"``).

    Attributes
    ----------
    date : datetime.date
        After the valuation date.
    weights : dict of str to float
        Asset class -> fraction of the invested total; the fractions add up to one (a class
        not named is 0).
    row : int
        The 1-based entry of ``[[policy.glide]]``, or the spreadsheet row of the ``glide``
        sheet.
    """

    date: dt.date
    weights: dict[str, float]
    row: int = 0

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {"date": self.date.isoformat(), "weights": dict(self.weights), "row": self.row}


@dataclass(frozen=True)
class CapitalAction:
    """A capital instrument issued or redeemed (a capital bond, a share issue).

    Attributes
    ----------
    date : datetime.date
        When it settles, after the valuation date.
    tier : str
        ``core_tier1``, ``core_tier2``, ``supplementary_tier1`` or ``supplementary_tier2``.
    amount : float
        CNY; > 0 issued, < 0 redeemed.
    approved : bool
        Approved by the regulator; only approved actions count in the base scenario (Rule 10
        Art. 16).
    description : str
        Free text.
    row : int
        The 1-based entry of ``[[capital_actions]]``, or the spreadsheet row.
    """

    date: dt.date
    tier: str
    amount: float
    approved: bool
    description: str = ""
    row: int = 0

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {
            "date": self.date.isoformat(),
            "tier": self.tier,
            "amount": self.amount,
            "approved": self.approved,
            "description": self.description,
            "row": self.row,
        }


@dataclass(frozen=True)
class Schedule:
    """The plan laid out on the projection's step dates (index ``k`` = step ``k + 1``, ending
    ``dates[k]``; the step covers ``(dates[k-1], dates[k]]``, the first from the valuation
    date).

    Attributes
    ----------
    dates : tuple of datetime.date
    new_money, retained_profit, dividends : ndarray
        CNY in each step: a ``year`` entry spread evenly over the steps of its year (a quarter
        gets a quarter), a ``date`` entry in the step that contains its date; entries add up.
    life_insurance, nonlife_insurance, loss_absorption : ndarray
        CNY at each step date: a ``year`` entry's value at every step of its year, a
        ``date`` entry's from its step on; then held until the next entry. NaN before the
        first entry: today's value is held.
    actions_approved, actions_all : ndarray, shape (steps, len(tiers))
        Capital issued (> 0) or redeemed (< 0) in each step by tier, CNY: the approved actions
        only, and all of them.
    tiers : tuple of str
        The columns of the action arrays.
    glide : tuple of dict or None
        With ``policy.kind = "glide"``: the target weights at each step date, linear in time
        between glide points, from today's weights at the valuation date, held after the
        last point; None for the other policies.
    sources : dict
        Field (``new_money``, ..., ``capital_actions``) -> per step a tuple of the
        ``(file, row)`` of the entries that set it (for messages).
    """

    dates: tuple[dt.date, ...]
    new_money: np.ndarray
    retained_profit: np.ndarray
    dividends: np.ndarray
    life_insurance: np.ndarray
    nonlife_insurance: np.ndarray
    loss_absorption: np.ndarray
    actions_approved: np.ndarray
    actions_all: np.ndarray
    tiers: tuple[str, ...] = TIERS
    glide: tuple[dict[str, float], ...] | None = None
    sources: dict[str, tuple[tuple[tuple[str, int], ...], ...]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain dict for JSON: one record per step (NaN levels as None)."""

        def level(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        steps = []
        for k, day in enumerate(self.dates):
            steps.append(
                {
                    "date": day.isoformat(),
                    **{f: float(getattr(self, f)[k]) for f in FLOWS},
                    **{f: level(getattr(self, f)[k]) for f in LEVELS},
                    "actions_approved": dict(
                        zip(self.tiers, map(float, self.actions_approved[k]), strict=True)
                    ),
                    "actions_all": dict(
                        zip(self.tiers, map(float, self.actions_all[k]), strict=True)
                    ),
                    "glide": None if self.glide is None else dict(self.glide[k]),
                }
            )
        return {"tiers": list(self.tiers), "steps": steps}


@dataclass(frozen=True)
class Plan:
    """A validated plan file (read by :func:`read_plan`).

    Attributes
    ----------
    valuation_date : datetime.date or None
        The plan's valuation date (the file's, else the company file's); None when neither
        gives one (then :meth:`schedule` is given it).
    policy : {"hold", "glide", "optimise"}
        How the book is allocated: kept at today's weights (new money bought and the book
        rebalanced at them), moved along the glide path, or optimised (``analyzer plan``).
    glide : tuple of GlidePoint
        The glide path, by date (only with ``policy = "glide"``).
    periods : tuple of PlanPeriod
        In file order.
    capital_actions : tuple of CapitalAction
        In file order.
    income_to_capital : float
        Share of the investment return that reaches core tier 1 (default 0.75: after the 25%
        enterprise income tax).
    commitment_class : str or None
        The asset class of the VC commitment programme's positions.
    takahashi_alexander : TakahashiAlexander or None
        The commitment model's parameters, when the file gives any (the others default).
    source : str
        The file, as named by the user.
    tiers : tuple of str
        The capital tiers a capital action could name (the schedule's columns).
    """

    valuation_date: dt.date | None
    policy: Policy = "hold"
    glide: tuple[GlidePoint, ...] = ()
    periods: tuple[PlanPeriod, ...] = ()
    capital_actions: tuple[CapitalAction, ...] = ()
    income_to_capital: float = DEFAULT_INCOME_TO_CAPITAL
    commitment_class: str | None = None
    takahashi_alexander: TakahashiAlexander | None = None
    source: str = "<plan>"
    tiers: tuple[str, ...] = TIERS

    def to_dict(self) -> dict:
        """Plain dict for JSON and the provenance record."""
        ta = self.takahashi_alexander
        return {
            "source": self.source,
            "valuation_date": None
            if self.valuation_date is None
            else self.valuation_date.isoformat(),
            "policy": self.policy,
            "income_to_capital": self.income_to_capital,
            "commitment_class": self.commitment_class,
            "takahashi_alexander": None
            if ta is None
            else {
                "contribution_rates": list(ta.contribution_rates),
                "lifetime": ta.lifetime,
                "bow": ta.bow,
                "growth": ta.growth,
                "yield": ta.yield_,
            },
            "glide": [g.to_dict() for g in self.glide],
            "periods": [p.to_dict() for p in self.periods],
            "capital_actions": [a.to_dict() for a in self.capital_actions],
        }

    def schedule(
        self,
        valuation_date: dt.date,
        dates: Sequence[dt.date],
        classes_w0: Mapping[str, float],
    ) -> Schedule:
        """The plan on the projection's step dates.

        Parameters
        ----------
        valuation_date : datetime.date
            The valuation date (must equal the plan's when it has one).
        dates : sequence of datetime.date
            The step end dates, increasing, after ``valuation_date`` (:func:`step_dates`).
        classes_w0 : mapping of str to float
            Today's weights by asset class (fractions adding up to one): the start of the
            glide path.

        Returns
        -------
        Schedule

        Raises
        ------
        InputError
            A plan year that does not end by the last date, a date (period, capital action)
            after the last date or not after the valuation date, the valuation date differing
            from the plan's, a level set twice in one step; each names file, row and key.
        ParameterError
            Dates not increasing or not after the valuation date; today's weights not adding
            up to one.
        """
        label = self.source
        dates = tuple(dates)
        if self.valuation_date is not None and valuation_date != self.valuation_date:
            raise InputError.single(
                label,
                None,
                "valuation_date",
                text(
                    "plan.valuation_date_differs",
                    value=self.valuation_date.isoformat(),
                    company=valuation_date.isoformat(),
                ),
            )
        edges = (valuation_date, *dates)
        if not dates or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
            raise ParameterError(text("plan.dates", valuation_date=valuation_date.isoformat()))
        n = len(dates)
        last = dates[-1]
        problems: list[InputProblem] = []

        def step_of(day: dt.date, row: int, column: str) -> int | None:
            if day <= valuation_date:
                problems.append(
                    InputProblem(
                        label,
                        row,
                        column,
                        text(
                            "plan.not_after_valuation",
                            value=day.isoformat(),
                            valuation_date=valuation_date.isoformat(),
                        ),
                    )
                )
                return None
            if day > last:
                problems.append(
                    InputProblem(
                        label,
                        row,
                        column,
                        text(
                            "plan.beyond_projection", value=day.isoformat(), last=last.isoformat()
                        ),
                    )
                )
                return None
            return int(np.searchsorted(np.array(dates, dtype="datetime64[D]"), np.datetime64(day)))

        def year_steps(year: int, row: int) -> list[int] | None:
            start, end = (
                add_months(valuation_date, 12 * (year - 1)),
                add_months(valuation_date, 12 * year),
            )
            steps = [k for k, d in enumerate(dates) if start < d <= end]
            if end > last or not steps:
                problems.append(
                    InputProblem(
                        label,
                        row,
                        "periods.year",
                        text(
                            "plan.year_beyond",
                            value=year,
                            end=end.isoformat(),
                            last=last.isoformat(),
                        ),
                    )
                )
                return None
            return steps

        flows = {f: np.zeros(n) for f in FLOWS}
        flow_src: dict[str, list[list[tuple[str, int]]]] = {
            f: [[] for _ in range(n)] for f in (*FLOWS, *LEVELS, "capital_actions")
        }
        # per level: (first step, own steps, value, row)
        level_entries: dict[str, list[tuple[int, list[int], float, int]]] = {f: [] for f in LEVELS}
        for p in self.periods:
            if p.year is not None:
                steps = year_steps(p.year, p.row)
            else:
                assert p.date is not None
                k = step_of(p.date, p.row, "periods.date")
                steps = None if k is None else [k]
            if steps is None:
                continue
            for f in FLOWS:
                if f in p.given:
                    for k, part in zip(steps, _spread(getattr(p, f), len(steps)), strict=True):
                        flows[f][k] += part
                        flow_src[f][k].append((label, p.row))
            for f in LEVELS:
                value = getattr(p, f)
                if value is not None:
                    level_entries[f].append((steps[0], steps, float(value), p.row))
        levels = {f: np.full(n, np.nan) for f in LEVELS}
        for f, entries in level_entries.items():
            owner: dict[int, int] = {}
            for _, steps, _, row in entries:
                for k in steps:
                    if k in owner:
                        problems.append(
                            InputProblem(
                                label,
                                row,
                                f"periods.{f}",
                                text(
                                    "plan.level_twice",
                                    column=f,
                                    date=dates[k].isoformat(),
                                    other=owner[k],
                                ),
                            )
                        )
                        break
                    owner[k] = row
            entries = sorted(entries)
            for i, (first, _, value, row) in enumerate(entries):
                stop = entries[i + 1][0] if i + 1 < len(entries) else n
                levels[f][first:stop] = value
                for k in range(first, stop):
                    flow_src[f][k].append((label, row))
        tiers = self.tiers
        approved = np.zeros((n, len(tiers)))
        every = np.zeros((n, len(tiers)))
        for a in self.capital_actions:
            k = step_of(a.date, a.row, "capital_actions.date")
            if k is None:
                continue
            j = tiers.index(a.tier)
            every[k, j] += a.amount
            if a.approved:
                approved[k, j] += a.amount
            flow_src["capital_actions"][k].append((label, a.row))
        for g in self.glide:  # checked when read if the valuation date was known then
            if g.date <= valuation_date:
                problems.append(
                    InputProblem(
                        label,
                        g.row,
                        "policy.glide.date",
                        text(
                            "plan.not_after_valuation",
                            value=g.date.isoformat(),
                            valuation_date=valuation_date.isoformat(),
                        ),
                    )
                )
        if problems:
            raise InputError(problems)
        glide = None
        if self.policy == "glide":
            glide = _glide_path(valuation_date, dates, classes_w0, self.glide)
        for array in (*flows.values(), *levels.values(), approved, every):
            array.flags.writeable = False  # a result: read-only
        return Schedule(
            dates=dates,
            new_money=flows["new_money"],
            retained_profit=flows["retained_profit"],
            dividends=flows["dividends"],
            life_insurance=levels["life_insurance"],
            nonlife_insurance=levels["nonlife_insurance"],
            loss_absorption=levels["loss_absorption"],
            actions_approved=approved,
            actions_all=every,
            tiers=tiers,
            glide=glide,
            sources={f: tuple(tuple(s) for s in per) for f, per in flow_src.items()},
        )


def _spread(amount: float, parts: int) -> list[float]:
    """``amount`` in ``parts`` equal parts whose sum, added in order, is ``amount`` exactly
    (the last part takes the rounding)."""
    share = amount / parts
    out, total = [], 0.0
    for _ in range(parts - 1):
        out.append(share)
        total += share
    out.append(amount - total)
    return out


def _glide_path(
    valuation_date: dt.date,
    dates: Sequence[dt.date],
    w0: Mapping[str, float],
    points: Sequence[GlidePoint],
) -> tuple[dict[str, float], ...]:
    """Weights at each date, linear in time (days) between the glide points, from ``w0`` at
    the valuation date; after the last point held."""
    values = [float(v) for v in w0.values()]
    total = float(sum(values))
    if (
        not values
        or any(not math.isfinite(v) or v < 0 for v in values)
        or abs(total - 1.0) > WEIGHT_TOLERANCE
    ):
        raise ParameterError(text("plan.today_weights", total=total))
    classes = list(w0)
    for g in points:
        classes += [c for c in g.weights if c not in classes]
    knots = [(valuation_date, dict(w0))] + [
        (g.date, g.weights) for g in sorted(points, key=lambda g: g.date)
    ]
    out = []
    for day in dates:
        if day >= knots[-1][0]:
            w = {c: float(knots[-1][1].get(c, 0.0)) for c in classes}
        else:
            i = max(j for j, (d, _) in enumerate(knots) if d <= day)
            (d0, a), (d1, b) = knots[i], knots[i + 1]
            s = (day - d0).days / (d1 - d0).days
            w = {c: (1.0 - s) * float(a.get(c, 0.0)) + s * float(b.get(c, 0.0)) for c in classes}
        out.append(w)
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Reading: both formats are turned into entries (row, {key: value}) and checked by one code
# --------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    """What a plan file says, before any check: single values ``key -> (value, row)`` with
    dotted keys (``policy.kind``), and the entries of each table as ``(row, {key: value})``."""

    label: str
    settings: dict[str, tuple[Any, int | None]] = field(default_factory=dict)
    periods: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    glide: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    actions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    #: the glide sheet's weights are columns (class -> weight), the TOML's a table
    glide_columns: bool = False


def _at(problem: InputProblem, row: int | None) -> InputProblem:
    return replace(problem, row=row)


def _entries(
    value: Any, label: str, column: str, problems: list[InputProblem]
) -> list[tuple[int, dict[str, Any]]]:
    """A TOML array of tables as (1-based entry, table)."""
    if not isinstance(value, list):
        problems.append(InputProblem(label, None, column, text("inputs.not_table")))
        return []
    out = []
    for i, entry in enumerate(value, start=1):
        if not isinstance(entry, Mapping):
            problems.append(InputProblem(label, i, column, text("inputs.not_table")))
            continue
        out.append((i, dict(entry)))
    return out


def _raw_from_toml(data: Mapping[str, Any], label: str, problems: list[InputProblem]) -> _Raw:
    raw = _Raw(label)
    for key, value in data.items():
        if key not in TOP_KEYS:
            problems.append(unknown_name(label, key, key, TOP_KEYS))
        elif key == "periods":
            raw.periods = _entries(value, label, "periods", problems)
        elif key == "capital_actions":
            raw.actions = _entries(value, label, "capital_actions", problems)
        elif key in ("policy", "takahashi_alexander"):
            if not isinstance(value, Mapping):
                problems.append(InputProblem(label, None, key, text("inputs.not_table")))
                continue
            known = POLICY_KEYS if key == "policy" else TA_KEYS
            for sub, v in value.items():
                if sub not in known:
                    problems.append(unknown_name(label, f"{key}.{sub}", sub, known))
                elif (key, sub) == ("policy", "glide"):
                    raw.glide = _entries(v, label, "policy.glide", problems)
                else:
                    raw.settings[f"{key}.{sub}"] = (v, None)
        else:
            raw.settings[key] = (value, None)
    return raw


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_workbook(path: str | Path, label: str) -> dict[str, tuple[list[str], list]]:
    """Sheet title (lower case) -> (header names, [(row, {column: value})]) of a workbook,
    blank cells left out; refuses what :func:`analyzer.io.tables.read_table` refuses (an
    oversized archive, a formula without a saved value, a column named twice)."""
    import io

    from openpyxl import load_workbook

    from analyzer.io.tables import _names, check_header
    from analyzer.io.xlsx_guard import check_xlsx

    data = read_bytes(path, label)
    check_xlsx(data, label)
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # any parser failure is the user's file
        raise InputError.single(label, None, None, text("file.unreadable", reason=exc)) from exc
    problems: list[InputProblem] = []
    sheets: dict[str, tuple[list[str], list]] = {}
    for ws in values.worksheets:
        title = ws.title.strip().lower()
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            sheets[title] = ([], [])
            continue
        for row in formulas[ws.title].iter_rows():
            for cell in row:
                if cell.data_type == "f" and ws[cell.coordinate].value is None:
                    problems.append(
                        InputProblem(
                            label,
                            cell.row,
                            None,
                            text("table.formula_no_value", cell=f"{ws.title}!{cell.coordinate}"),
                        )
                    )
        header = _names(list(rows[0]))
        check_header(header, label)
        entries = []
        for r, cells in enumerate(rows[1:], start=2):
            entry = {
                h: v.strip() if isinstance(v, str) else v
                for h, v in zip(header, cells, strict=False)
                if not _blank(v)
            }
            if entry:
                entries.append((r, entry))
        sheets[title] = (header, entries)
    if problems:
        raise InputError(problems)
    return sheets


def _raw_from_workbook(
    sheets: Mapping[str, tuple[list[str], list]], label: str, problems: list[InputProblem]
) -> _Raw:
    raw = _Raw(label, glide_columns=True)
    for title, (header, entries) in sheets.items():
        if title not in SHEETS:
            near = suggest(title, SHEETS)
            message = (
                text("plan.unknown_sheet_near", key=title, suggestion=near)
                if near
                else text("plan.unknown_sheet", key=title, allowed=", ".join(SHEETS))
            )
            problems.append(InputProblem(label, None, title, message))
            continue
        if title == "settings":
            missing = [c for c in ("key", "value") if c not in header]
            for col in header:
                if col not in ("key", "value"):
                    problems.append(
                        _at(unknown_name(label, col, col, ("key", "value"), kind="column"), 1)
                    )
            if missing:
                problems.append(
                    InputProblem(
                        label, 1, "settings", text("plan.column_missing", columns="key, value")
                    )
                )
                continue
            for row, entry in entries:
                key = str(entry.get("key", "")).strip()
                if not key:
                    problems.append(InputProblem(label, row, "key", text("value.required")))
                elif key not in SETTINGS_KEYS:
                    problems.append(_at(unknown_name(label, key, key, SETTINGS_KEYS), row))
                elif key in raw.settings:
                    problems.append(
                        InputProblem(
                            label,
                            row,
                            key,
                            text("plan.duplicate", value=key, other=raw.settings[key][1]),
                        )
                    )
                elif "value" not in entry:
                    problems.append(InputProblem(label, row, key, text("value.required")))
                else:
                    raw.settings[key] = (entry["value"], row)
            continue
        known = {"periods": PERIOD_KEYS, "capital_actions": ACTION_KEYS}.get(title)
        if known is not None:
            for col in header:
                if col not in known:
                    problems.append(
                        _at(unknown_name(label, f"{title}.{col}", col, known, kind="column"), 1)
                    )
            good = [(row, {k: v for k, v in e.items() if k in known}) for row, e in entries]
            if title == "periods":
                raw.periods = good
            else:
                raw.actions = good
        else:  # glide: a date column and one column per asset class
            if "date" not in header:
                problems.append(
                    InputProblem(
                        label, 1, "glide", text("plan.column_missing", columns="date, <classes>")
                    )
                )
                continue
            raw.glide = [
                (
                    row,
                    {"date": e.get("date"), "weights": {k: v for k, v in e.items() if k != "date"}},
                )
                for row, e in entries
            ]
    return raw


def _date(value: Any) -> dt.date | None:
    """A TOML date, an Excel date cell (midnight) or ISO text as a date, else None."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0) or value.tzinfo is not None:
            return None
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


class _Checker:
    """Checks of single values that append a problem and return None on failure."""

    def __init__(self, label: str, valuation_date: dt.date | None) -> None:
        self.label = label
        self.valuation_date = valuation_date
        self.problems: list[InputProblem] = []

    def add(self, row: int | None, column: str, message: Any) -> None:
        self.problems.append(InputProblem(self.label, row, column, message))

    def date(self, value: Any, row: int | None, column: str) -> dt.date | None:
        day = _date(value)
        if day is None:
            self.add(row, column, text("plan.not_date", value=value))
            return None
        if self.valuation_date is not None and day <= self.valuation_date:
            self.add(
                row,
                column,
                text(
                    "plan.not_after_valuation",
                    value=day.isoformat(),
                    valuation_date=self.valuation_date.isoformat(),
                ),
            )
            return None
        return day

    def number(self, value: Any, row: int | None, column: str) -> float | None:
        return number(value, self.label, column, self.problems, row)

    def amount(
        self, value: Any, row: int | None, column: str, *, negative: bool = True
    ) -> float | None:
        """A CNY amount: finite, >= 0 unless ``negative``, not a nonzero below 1万元."""
        v = self.number(value, row, column)
        if v is None:
            return None
        if not negative and v < 0:
            self.add(row, column, text("plan.negative", value=v))
            return None
        if 0 < abs(v) < MIN_AMOUNT:
            self.problems.append(
                PLAN_AMOUNT_UNIT.breach(
                    self.label, column, [row] if row else [], text("plan.amount_unit", value=v)
                )
            )
            return None
        return v

    def text_value(self, value: Any, row: int | None, column: str) -> str | None:
        if isinstance(value, str):
            return value.strip()
        self.add(row, column, text("plan.not_text", value=repr(value)))
        return None

    def asset_class(
        self, value: str, row: int | None, column: str, classes: Collection[str] | None
    ) -> str | None:
        if classes is None or value in classes:
            return value
        known = sorted(classes)
        near = suggest(value, known)
        message = (
            text("plan.unknown_class_near", value=value, suggestion=near)
            if near
            else text("plan.unknown_class", value=value, allowed=", ".join(known))
        )
        self.add(row, column, message)
        return None


def _whole(value: Any) -> int | None:
    """A whole number (an int, or a float with no fraction; not a boolean), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return int(value)
    return None


def _rates(value: Any) -> list[Any] | None:
    """Contribution rates: a TOML array, or a workbook cell ``0.25, 0.333, 0.5, 1``."""
    if isinstance(value, list):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(";", ",").split(",")]
        out: list[Any] = []
        for p in parts:
            try:
                out.append(float(p))
            except ValueError:
                return None
        return out
    return None


def _settings(
    raw: _Raw, check: _Checker, valuation_date: dt.date | None, classes: Collection[str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "valuation_date": valuation_date,
        "income_to_capital": DEFAULT_INCOME_TO_CAPITAL,
        "commitment_class": None,
        "policy": "hold",
        "takahashi_alexander": None,
    }
    s = raw.settings
    if "valuation_date" in s:
        value, row = s["valuation_date"]
        day = _date(value)
        if day is None:
            check.add(row, "valuation_date", text("plan.not_date", value=value))
        elif valuation_date is not None and day != valuation_date:
            check.add(
                row,
                "valuation_date",
                text(
                    "plan.valuation_date_differs",
                    value=day.isoformat(),
                    company=valuation_date.isoformat(),
                ),
            )
        else:
            out["valuation_date"] = day
    if "income_to_capital" in s:
        value, row = s["income_to_capital"]
        v = check.number(value, row, "income_to_capital")
        if v is not None and not 0.0 <= v <= 1.0:
            check.add(row, "income_to_capital", text("plan.fraction", value=v))
        elif v is not None:
            out["income_to_capital"] = v
    if "commitment_class" in s:
        value, row = s["commitment_class"]
        name = check.text_value(value, row, "commitment_class")
        if name is not None:
            out["commitment_class"] = check.asset_class(name, row, "commitment_class", classes)
    if "policy.kind" in s:
        value, row = s["policy.kind"]
        if isinstance(value, str) and value.strip() in POLICIES:
            out["policy"] = value.strip()
        else:
            check.add(
                row,
                "policy.kind",
                text("value.not_allowed", value=value, allowed=", ".join(POLICIES)),
            )
    ta: dict[str, Any] = {}
    for key in TA_KEYS:
        where = f"takahashi_alexander.{key}"
        if where not in s:
            continue
        value, row = s[where]
        if key == "contribution_rates":
            rates = _rates(value)
            if rates is None or not rates:
                check.add(row, where, text("plan.not_list"))
                continue
            got = [check.number(r, row, where) for r in rates]
            if any(r is None for r in got):
                continue
            if any(not 0.0 <= r <= 1.0 for r in got):  # type: ignore[operator]
                check.add(row, where, text("commitments.rates"))
                continue
            ta["contribution_rates"] = tuple(got)
        elif key == "lifetime":
            years = _whole(value)
            if years is None or years < 1:
                check.add(row, where, text("plan.lifetime", value=value))
                continue
            ta["lifetime"] = years
        else:
            v = check.number(value, row, where)
            if v is None:
                continue
            if key == "growth" and v <= -1:
                check.add(row, where, text("commitments.growth"))
                continue
            if key == "yield" and not 0.0 <= v <= 1.0:
                check.add(row, where, text("plan.fraction", value=v))
                continue
            ta["yield_" if key == "yield" else key] = v
    if ta and not check.problems:
        out["takahashi_alexander"] = TakahashiAlexander(**ta)
    return out


def _periods(raw: _Raw, check: _Checker) -> list[PlanPeriod]:
    out: list[PlanPeriod] = []
    seen: dict[Any, int] = {}
    for row, entry in raw.periods:
        bad = len(check.problems)
        for key in entry:
            if key not in PERIOD_KEYS:
                check.problems.append(
                    _at(unknown_name(check.label, f"periods.{key}", key, PERIOD_KEYS), row)
                )
        has_year, has_date = "year" in entry, "date" in entry
        year = day = None
        if has_year == has_date:
            check.add(row, "periods.year" if has_year else "periods", text("plan.year_or_date"))
        elif has_year:
            year = _whole(entry["year"])
            if year is None or year < 1:
                check.add(row, "periods.year", text("plan.year", value=entry["year"]))
            elif year >= CALENDAR_YEAR_FROM:
                check.problems.append(
                    PLAN_CALENDAR_YEAR.breach(
                        check.label, "periods.year", [row], text("plan.calendar_year", value=year)
                    )
                )
                year = None
        else:
            day = check.date(entry["date"], row, "periods.date")
        when = ("year", year) if year is not None else ("date", day)
        if when[1] is not None:
            if when in seen:
                value = f"{when[0]} {when[1]}"
                check.add(
                    row, f"periods.{when[0]}", text("plan.duplicate", value=value, other=seen[when])
                )
            else:
                seen[when] = row
        values: dict[str, Any] = {}
        for key in (*FLOWS, *LEVELS):
            if key in entry:
                negative = key in ("new_money", "retained_profit")
                values[key] = check.amount(entry[key], row, f"periods.{key}", negative=negative)
        if len(check.problems) > bad:
            continue
        out.append(
            PlanPeriod(
                row=row,
                year=year,
                date=day,
                given=tuple(k for k in PERIOD_KEYS[2:] if k in entry),
                **values,
            )
        )
    return out


def _glide(raw: _Raw, check: _Checker, classes: Collection[str] | None) -> list[GlidePoint]:
    out: list[GlidePoint] = []
    seen: dict[dt.date, int] = {}
    for row, entry in raw.glide:
        bad = len(check.problems)
        for key in entry:
            if key not in GLIDE_KEYS:
                check.problems.append(
                    _at(unknown_name(check.label, f"policy.glide.{key}", key, GLIDE_KEYS), row)
                )
        day = None
        if _blank(entry.get("date")):
            check.add(row, "policy.glide.date", text("value.required"))
        else:
            day = check.date(entry["date"], row, "policy.glide.date")
        if day is not None:
            if day in seen:
                check.add(
                    row,
                    "policy.glide.date",
                    text("plan.duplicate", value=day.isoformat(), other=seen[day]),
                )
            else:
                seen[day] = row
        weights_raw = entry.get("weights")
        weights: dict[str, float] = {}
        if not isinstance(weights_raw, Mapping) or not weights_raw:
            check.add(row, "policy.glide.weights", text("plan.weights_empty"))
            continue
        for name, value in weights_raw.items():
            column = f"policy.glide.weights.{name}"
            if check.asset_class(str(name), row, column, classes) is None:
                continue
            v = check.number(value, row, column)
            if v is None:
                continue
            if not 0.0 <= v <= 1.0:
                check.add(row, column, text("plan.weight", value=v))
                continue
            weights[str(name)] = v
        if len(check.problems) > bad:
            continue
        total = math.fsum(weights.values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            check.add(row, "policy.glide.weights", text("plan.weights_sum", total=total))
            continue
        assert day is not None
        out.append(GlidePoint(date=day, weights=weights, row=row))
    return sorted(out, key=lambda g: g.date)


def _actions(raw: _Raw, check: _Checker, tiers: Sequence[str]) -> list[CapitalAction]:
    out: list[CapitalAction] = []
    for row, entry in raw.actions:
        bad = len(check.problems)
        for key in entry:
            if key not in ACTION_KEYS:
                check.problems.append(
                    _at(unknown_name(check.label, f"capital_actions.{key}", key, ACTION_KEYS), row)
                )
        for key in ("date", "tier", "amount"):
            if key not in entry:
                check.add(row, f"capital_actions.{key}", text("value.required"))
        day = tier = amount = None
        if "date" in entry:
            day = check.date(entry["date"], row, "capital_actions.date")
        if "tier" in entry:
            name = check.text_value(entry["tier"], row, "capital_actions.tier")
            if name is not None and name not in tiers:
                near = suggest(name, tiers)
                check.add(
                    row,
                    "capital_actions.tier",
                    text("plan.unknown_tier_near", value=name, suggestion=near)
                    if near
                    else text("plan.unknown_tier", value=name, allowed=", ".join(tiers)),
                )
            else:
                tier = name
        if "amount" in entry:
            amount = check.amount(entry["amount"], row, "capital_actions.amount")
            if amount == 0:
                check.add(row, "capital_actions.amount", text("plan.amount_zero"))
        approved = entry.get("approved")
        if "approved" not in entry:
            check.add(row, "capital_actions.approved", text("plan.approved_missing"))
        elif isinstance(approved, str) and approved.strip().lower() in ("true", "false"):
            approved = approved.strip().lower() == "true"  # a text cell of a workbook
        elif not isinstance(approved, bool):
            check.add(row, "capital_actions.approved", text("value.not_bool", value=approved))
        description = ""
        if "description" in entry:
            description = (
                check.text_value(entry["description"], row, "capital_actions.description") or ""
            )
        if len(check.problems) > bad:
            continue
        assert day is not None and tier is not None and amount is not None
        out.append(
            CapitalAction(
                date=day,
                tier=tier,
                amount=amount,
                approved=bool(approved),
                description=description,
                row=row,
            )
        )
    return out


def read_plan(
    path: str | Path,
    *,
    valuation_date: dt.date | None = None,
    classes: Collection[str] | None = None,
    capital_tiers: Sequence[str] = TIERS,
    name: str | None = None,
) -> Plan:
    """Read and check a plan file (``.toml``, or ``.xlsx`` with the sheets ``settings``,
    ``periods``, ``glide``, ``capital_actions``); docs/formats.md section 11, "Plan file".

    Parameters
    ----------
    path : str or Path
        The file.
    valuation_date : datetime.date, optional
        The company file's valuation date; the plan's own ``valuation_date`` must equal it
        when both are given.
    classes : collection of str, optional
        The asset classes a glide point or ``commitment_class`` may name (the holdings' and
        the templates'); None: not checked.
    capital_tiers : sequence of str
        The tiers a capital action may name.
    name : str, optional
        The file's name in messages (default: the path).

    Returns
    -------
    Plan

    Raises
    ------
    InputError
        Every problem at once, each naming the file, row (TOML: the 1-based entry of an array
        of tables; workbook: the spreadsheet row, header = row 1) and key: an unknown key,
        sheet or column (with "did you mean"); a value that is not a finite number, a date
        or text; a date not after the valuation date; a valuation date differing from the
        company file's; an entry with both or neither of ``year`` and ``date``; a year or date
        given twice; a calendar year (``plan.calendar_year``); a nonzero amount below 1万元
        (``plan.amount_unit``); negative dividends or minimum capital; glide weights outside
        [0, 1] or not adding up to one (within 1e-6); an asset class not in ``classes``; an
        unknown tier; a capital action of 0 or without ``approved``; ``income_to_capital``
        outside [0, 1]; a glide policy without points or glide points with another policy.
    """
    label = name or str(path)
    suffix = Path(name or str(path)).suffix.lower()
    problems: list[InputProblem] = []
    if suffix == ".toml":
        raw = _raw_from_toml(parse_toml(read_bytes(path, label), label), label, problems)
    elif suffix == ".xlsx":
        raw = _raw_from_workbook(_read_workbook(path, label), label, problems)
    else:
        raise InputError.single(
            label,
            None,
            None,
            text("file.unsupported_type", suffix=suffix or "?", allowed=".toml, .xlsx"),
        )
    check = _Checker(label, valuation_date)
    check.problems = problems
    settings = _settings(raw, check, valuation_date, classes)
    check.valuation_date = settings["valuation_date"]
    periods = _periods(raw, check)
    glide = _glide(raw, check, classes)
    actions = _actions(raw, check, tuple(capital_tiers))
    policy = settings["policy"]
    if policy == "glide" and not raw.glide:
        check.add(None, "policy.kind", text("plan.glide_needs_points"))
    if policy != "glide" and raw.glide:
        check.add(raw.glide[0][0], "policy.glide", text("plan.glide_unused", kind=policy))
    if check.problems:
        raise InputError(check.problems)
    return Plan(
        valuation_date=settings["valuation_date"],
        policy=policy,
        glide=tuple(glide),
        periods=tuple(periods),
        capital_actions=tuple(actions),
        income_to_capital=settings["income_to_capital"],
        commitment_class=settings["commitment_class"],
        takahashi_alexander=settings["takahashi_alexander"],
        source=label,
        tiers=tuple(capital_tiers),
    )


# --------------------------------------------------------------------------------------------
# New commitments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewVintage:
    """A VC fund vintage the plan may commit to (``analyzer plan`` chooses how much).

    Attributes
    ----------
    year : int
        Plan year of the commitment (1 = the 12 months after the valuation date).
    asset_class : str
        The class its positions belong to.
    max_commitment : float
        The most that may be committed, CNY.
    row : int
        Spreadsheet row (header = row 1).
    """

    year: int
    asset_class: str
    max_commitment: float
    row: int = 0

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {
            "year": self.year,
            "asset_class": self.asset_class,
            "max_commitment": self.max_commitment,
            "row": self.row,
        }


def read_new_commitments(
    path: str | Path,
    *,
    classes: Collection[str] | None,
    years: int,
    name: str | None = None,
) -> tuple[NewVintage, ...]:
    """Read the new commitments a plan may make (``.csv`` / ``.xlsx``: columns ``year``,
    ``asset_class``, ``max_commitment``).

    Parameters
    ----------
    path : str or Path
    classes : collection of str or None
        Asset classes allowed (None: not checked).
    years : int
        Years of the plan; a later year is refused.
    name : str, optional
        The file's name in messages.

    Returns
    -------
    tuple of NewVintage
        In file order.

    Raises
    ------
    InputError
        A missing or unknown column; a year that is not a whole number >= 1, a calendar year
        (``commitments.calendar_year``) or beyond ``years``; an unknown class; a
        ``max_commitment`` that is not a finite number >= 0 or is a nonzero amount below 1万元
        (``commitments.amount_unit``); the same year and class twice.
    """
    from analyzer.io.tables import read_table

    label = name or str(path)
    frame = read_table(path, name=label)
    problems: list[InputProblem] = []
    for col in NEW_COMMITMENT_COLUMNS:
        if col not in frame.columns:
            problems.append(
                InputProblem(
                    label,
                    1,
                    col,
                    text("plan.column_missing", columns=", ".join(NEW_COMMITMENT_COLUMNS)),
                )
            )
    for col in frame.columns:
        if col not in NEW_COMMITMENT_COLUMNS:
            problems.append(
                _at(unknown_name(label, col, col, NEW_COMMITMENT_COLUMNS, kind="column"), 1)
            )
    if problems:
        raise InputError(problems)
    check = _Checker(label, None)
    out: list[NewVintage] = []
    seen: dict[tuple[int, str], int] = {}
    for i in range(len(frame)):
        row = i + 2
        raw_year = frame["year"].iloc[i]
        year = _whole(_cell_number(raw_year))
        if year is None or year < 1:
            check.add(row, "year", text("commitments.year", value=str(raw_year).strip()))
            continue
        if year >= CALENDAR_YEAR_FROM:
            check.problems.append(
                COMMITMENT_CALENDAR_YEAR.breach(
                    label, "year", [row], text("commitments.calendar_year", value=year)
                )
            )
            continue
        if year > years:
            check.add(row, "year", text("plan.vintage_beyond", value=year, years=years))
            continue
        asset_class = str(frame["asset_class"].iloc[i]).strip()
        if not asset_class:
            check.add(row, "asset_class", text("value.required"))
            continue
        if check.asset_class(asset_class, row, "asset_class", classes) is None:
            continue
        raw = frame["max_commitment"].iloc[i]
        amount = _cell_number(raw)
        if amount is None:
            value = str(raw).strip()
            check.add(
                row,
                "max_commitment",
                text("commitments.amount", value=value) if value else text("value.required"),
            )
            continue
        if amount < 0:
            check.add(row, "max_commitment", text("commitments.negative"))
            continue
        if 0 < amount < MIN_AMOUNT:
            check.problems.append(
                COMMITMENT_AMOUNT_UNIT.breach(
                    label, "max_commitment", [row], text("commitments.amount_unit", value=amount)
                )
            )
            continue
        key = (year, asset_class)
        if key in seen:
            check.add(
                row,
                "year",
                text("plan.vintage_duplicate", year=year, asset_class=asset_class, other=seen[key]),
            )
            continue
        seen[key] = row
        out.append(NewVintage(year, asset_class, amount, row))
    if check.problems:
        raise InputError(check.problems)
    return tuple(out)


def _cell_number(value: Any) -> float | None:
    """A table cell as a finite number: a number, or text of digits with a decimal point
    (``2e9``, ``2000000000.0``; no thousands separators), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
    else:
        try:
            v = float(str(value).strip())
        except ValueError:
            return None
    return v if math.isfinite(v) else None


# --- the sci-tech path (``analyzer plan --sci-tech-path FILE``) -----------------------------

#: columns of a sci-tech path file (``year`` or ``date``, one of them per row)
SCI_TECH_COLUMNS = ("year", "date", "min_share")

register(
    {
        "plan.sci_tech.when": (
            "give year (1 = the 12 months after the valuation date) or date, one of them",
            "请填写 year（1 = 评估日后 12 个月）或 date，二者选一",
        ),
        "plan.sci_tech.share": (
            "'{value}' is not a share: write a fraction from 0 to 1 (12% = 0.12)",
            "'{value}' 不是占比：请填写 0 到 1 之间的小数（12% = 0.12）",
        ),
        "plan.sci_tech.duplicate": (
            "a second floor for {value} (row {other} gives one)",
            "{value} 的第二个下限（第 {other} 行已给出）",
        ),
        "plan.sci_tech.after": (
            "{value} is after the last projected date {last}: it would never apply",
            "{value} 晚于最后一个预测日 {last}：不会生效",
        ),
    }
)


def read_sci_tech_path(
    path: str | Path,
    *,
    valuation_date: dt.date,
    dates: Sequence[dt.date],
    name: str | None = None,
) -> np.ndarray:
    """Read a sci-tech path: the minimum sci-tech share from a year or date on.

    Columns ``year`` (1 = the 12 months after the valuation date: the floor applies from
    that year's end) or ``date``, and ``min_share`` (fraction). A row's floor holds at every
    projected date from its own date until a later row's ("at least 12% by year 3" is one
    row: ``3, 0.12``).

    Returns
    -------
    ndarray
        The floor at each of ``dates`` (NaN before the first row's date).

    Raises
    ------
    InputError
        A missing or unknown column, neither or both of year and date, a date not after the
        valuation date or after the last projected date, a share outside [0, 1] (a percent
        such as 12 is refused), two rows for the same date.
    """
    from analyzer.io.tables import read_table

    label = name or str(path)
    frame = read_table(path, name=label)
    problems: list[InputProblem] = []
    if "min_share" not in frame.columns:
        problems.append(
            InputProblem(label, 1, "min_share", text("plan.column_missing", columns="min_share"))
        )
    for col in frame.columns:
        if col not in SCI_TECH_COLUMNS:
            problems.append(_at(unknown_name(label, col, col, SCI_TECH_COLUMNS, kind="column"), 1))
    if problems:
        raise InputError(problems)
    check = _Checker(label, valuation_date)
    last = dates[-1]
    points: dict[dt.date, tuple[float, int]] = {}
    for i in range(len(frame)):
        row = i + 2
        raw_year = frame["year"].iloc[i] if "year" in frame else ""
        raw_date = frame["date"].iloc[i] if "date" in frame else ""
        has_year = str(raw_year).strip() not in ("", "nan", "None")
        has_date = str(raw_date).strip() not in ("", "nan", "None", "NaT")
        if has_year == has_date:
            check.add(row, "year", text("plan.sci_tech.when"))
            continue
        if has_year:
            year = _whole(_cell_number(raw_year))
            if year is None or year < 1:
                check.add(row, "year", text("commitments.year", value=str(raw_year).strip()))
                continue
            when = add_months(valuation_date, 12 * year)
        else:
            when = check.date(raw_date, row, "date")
            if when is None:
                continue
        if when > last:
            column = "year" if has_year else "date"
            check.add(row, column, text("plan.sci_tech.after", value=when, last=last))
            continue
        raw = frame["min_share"].iloc[i]
        share = _cell_number(raw)
        if share is None or not 0.0 <= share <= 1.0:
            check.add(row, "min_share", text("plan.sci_tech.share", value=str(raw).strip()))
            continue
        if when in points:
            check.add(
                row,
                "year" if has_year else "date",
                text("plan.sci_tech.duplicate", value=when, other=points[when][1]),
            )
            continue
        points[when] = (share, row)
    if check.problems:
        raise InputError(check.problems)
    out = np.full(len(dates), np.nan)
    for when, (share, _) in sorted(points.items()):
        for k, d in enumerate(dates):
            if d >= when:
                out[k] = share
    return out
