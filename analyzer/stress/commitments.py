"""Multi-year projection of VC / PE fund commitments: the Takahashi-Alexander (Yale) model.

Takahashi, D. and Alexander, S. (2002), "Illiquid Alternative Asset Fund Modeling", Journal of
Portfolio Management 28(2), 90-100. For a fund of commitment ``CC`` at age ``t = 1, 2, ...``
(years)::

    C_t   = RC_t x (CC - PIC_{t-1})              capital called (RC_t: rate of contribution)
    D_t   = RD_t x NAV_{t-1} x (1 + G)           distributions, RD_t = max(Y, (t / L) ** B)
    NAV_t = NAV_{t-1} x (1 + G) + C_t - D_t
    PIC_t = PIC_{t-1} + C_t

with ``L`` the fund life (years), ``B`` the bow, ``G`` the annual growth and ``Y`` the yield.
At ``t = L`` everything left is distributed. A commitment programme is the sum of its vintages.

Capital: the stand-alone equity capital of the programme's NAV at ``capital_factor``, by
default the engine's own factor for a looked-through, one-layer VC fund investing in strategic
emerging industries under the default regime (:func:`vc_capital_factor`: 0.40 x (1 + 0.1) =
0.44 from 2023-09; Rule 7 Art. 14, 18, 金规〔2023〕5号 (八), docs/formats.md §7.5), before
diversification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analyzer.errors import InputError, InputProblem, ParameterError
from analyzer.io.fields import unknown_name
from analyzer.io.rules import rule
from analyzer.messages import register, text

__all__ = [
    "CommitmentProjection",
    "TakahashiAlexander",
    "fund_cash_flows",
    "project_commitments",
    "read_commitments",
    "vc_capital_factor",
]

#: columns of a commitment plan file
COLUMNS = ("year", "commitment")
#: a year from this value up is a calendar year, not a projection year
CALENDAR_YEAR_FROM = 1900
#: a nonzero commitment below this (CNY) is an amount in 亿元 or 万元
MIN_COMMITMENT = 1e4

register(
    {
        "commitments.lifetime": (
            "fund lifetime must be >= 1 year, got {value}",
            "基金存续期必须至少 1 年，实际为 {value}",
        ),
        "commitments.rates": (
            "contribution rates must be fractions in [0, 1]",
            "出资比例必须是 [0, 1] 之间的小数",
        ),
        "commitments.growth": ("growth must be above -100%", "增长率必须高于 -100%"),
        "commitments.horizon": (
            "horizon must be >= 1 year, got {value}",
            "预测期必须至少 1 年，实际为 {value}",
        ),
        "commitments.entry": (
            "commitment year must be >= 1 and amount a finite number >= 0, got {year}: {amount}",
            "承诺出资年份必须 >= 1，金额必须是 >= 0 的有限数值，实际为 {year}：{amount}",
        ),
        "commitments.column_missing": (
            "required column is missing; the header must name year, commitment",
            "缺少必需的列；表头须包含 year、commitment",
        ),
        "commitments.year": (
            "'{value}' is not a projection year; write a whole number >= 1 (1 = next year)",
            "'{value}' 不是预测年度；请填写 >= 1 的整数（1 = 下一年）",
        ),
        "commitments.calendar_year": (
            "{value} is a calendar year; years count from 1 (1 = next year, the first "
            "projection year): write next year as 1, the year after as 2, ...",
            "{value} 是日历年；年度从 1 开始计（1 = 下一年，即预测第一年）："
            "下一年填 1，再下一年填 2，依此类推",
        ),
        "commitments.beyond_horizon": (
            "year {value} is beyond the projection horizon of {horizon} years, so the "
            "commitment would not appear in the projection; raise --horizon or correct the year",
            "第 {value} 年超出 {horizon} 年的预测期，该承诺不会出现在预测中；"
            "请提高 --horizon 或更正年度",
        ),
        "commitments.amount": (
            "'{value}' is not an amount in CNY (write digits with a decimal point, no thousands "
            "separators: 200000000)",
            "'{value}' 不是以元计的金额（只写数字和小数点，不用千位分隔符：200000000）",
        ),
        "commitments.negative": ("must be >= 0 (CNY)", "必须 >= 0（元）"),
        "commitments.amount_unit": (
            "{value:g} CNY is too small to be a fund commitment; amounts are in CNY (yuan), "
            "not 亿元 or 万元 (2亿元 = 200000000)",
            "{value:g} 元过小，不可能是基金认缴承诺；金额单位为元，"
            "不是亿元或万元（2 亿元 = 200000000）",
        ),
    }
)

CALENDAR_YEAR = rule(
    "commitments.calendar_year",
    "refuse",
    "Plan years count from 1 (next year); a calendar year such as 2026 lies two thousand "
    "years beyond any horizon, and was silently left out of the projection (an all-zero table).",
    "计划年度从 1（下一年）开始计；2026 这样的日历年超出任何预测期两千年，"
    "此前会被悄悄排除在预测之外（全零的表）。",
)
AMOUNT_UNIT = rule(
    "commitments.amount_unit",
    "refuse",
    "No insurer commits less than 1万元 to a VC fund; 2 is 2亿元 written in 亿元.",
    "保险公司对创投基金的认缴不会少于 1 万元；2 是以亿元填写的 2 亿元。",
)


@dataclass(frozen=True)
class TakahashiAlexander:
    """Parameters of the model (annual; fractions).

    Attributes
    ----------
    contribution_rates : sequence of float
        ``RC_t`` for ages 1, 2, ...; the last value repeats (default 25%, 33.3%, 50%, then
        100% of the remaining commitment).
    lifetime : int
        Fund life ``L``, years (default 12).
    bow : float
        ``B`` (default 2.5): higher delays distributions.
    growth : float
        ``G``, annual NAV growth (default 0.10).
    yield_ : float
        ``Y``, minimum distribution rate (default 0.0).
    """

    contribution_rates: Sequence[float] = (0.25, 1 / 3, 0.5, 1.0)
    lifetime: int = 12
    bow: float = 2.5
    growth: float = 0.10
    yield_: float = 0.0

    def to_dict(self) -> dict:
        """The parameters as JSON names them."""
        return {
            "contribution_rates": list(self.contribution_rates),
            "lifetime": self.lifetime,
            "bow": self.bow,
            "growth": self.growth,
            "yield": self.yield_,
        }

    def __post_init__(self) -> None:
        if self.lifetime < 1:
            raise ParameterError(text("commitments.lifetime", value=self.lifetime))
        if not self.contribution_rates or any(not 0 <= r <= 1 for r in self.contribution_rates):
            raise ParameterError(text("commitments.rates"))
        if self.growth <= -1:
            raise ParameterError(text("commitments.growth"))


@dataclass(frozen=True)
class CommitmentProjection:
    """Programme cash flows by calendar year (CNY; year 1 = the first projection year).

    Attributes
    ----------
    years : ndarray of int
    calls, distributions, net_cash_flow, nav, unfunded, paid_in, capital : ndarray
        Capital called, distributed, distributions - calls, NAV at year end, commitments not
        yet called at year end, cumulative paid-in, and the capital requirement of the NAV.
    params : TakahashiAlexander
    capital_factor : float
    """

    years: np.ndarray
    calls: np.ndarray
    distributions: np.ndarray
    net_cash_flow: np.ndarray
    nav: np.ndarray
    unfunded: np.ndarray
    paid_in: np.ndarray
    capital: np.ndarray
    params: TakahashiAlexander = field(repr=False)
    capital_factor: float = 0.0

    def to_dict(self) -> dict:
        """Plain dict for JSON: one record per year plus the parameters."""
        rows = [
            {
                "year": int(y),
                "calls": float(c),
                "distributions": float(d),
                "net_cash_flow": float(n),
                "nav": float(v),
                "unfunded": float(u),
                "paid_in": float(p),
                "capital": float(k),
            }
            for y, c, d, n, v, u, p, k in zip(
                self.years,
                self.calls,
                self.distributions,
                self.net_cash_flow,
                self.nav,
                self.unfunded,
                self.paid_in,
                self.capital,
                strict=True,
            )
        ]
        return {
            "model": "takahashi_alexander",
            "params": self.params.to_dict(),
            "capital_factor": self.capital_factor,
            "years": rows,
        }


def fund_cash_flows(
    commitment: float, params: TakahashiAlexander, horizon: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calls, distributions and NAV of one fund by age ``1..horizon`` (CNY)."""
    calls = np.zeros(horizon)
    dist = np.zeros(horizon)
    nav = np.zeros(horizon)
    paid, prev = 0.0, 0.0
    rates = list(params.contribution_rates)
    for t in range(1, horizon + 1):
        if t > params.lifetime:
            break
        rc = rates[min(t, len(rates)) - 1]
        c = rc * (commitment - paid)
        rd = (
            1.0 if t >= params.lifetime else max(params.yield_, (t / params.lifetime) ** params.bow)
        )
        d = rd * prev * (1.0 + params.growth)
        value = prev * (1.0 + params.growth) + c - d
        paid += c
        calls[t - 1], dist[t - 1], nav[t - 1] = c, d, value
        prev = value
    return calls, dist, nav


def vc_capital_factor(
    regime: str | None = None, strategic_emerging: bool = True, layers: int = 1
) -> float:
    """The engine's effective factor of a looked-through VC fund (capital per CNY of NAV).

    Computed by the look-through rule module itself on a one-position portfolio, so the factor
    is never typed in twice.
    """
    import pandas as pd

    from analyzer.io.holdings import validate_holdings
    from analyzer.solvency import look_through
    from analyzer.solvency.charges import ChargeContext
    from analyzer.solvency.options import EngineOptions
    from analyzer.solvency.regime import DEFAULT_REGIME, load_regime

    frame = validate_holdings(
        pd.DataFrame(
            [
                {
                    "id": "vc",
                    "asset_type": "pe_vc_fund",
                    "market_value": "1",
                    "look_through": "true",
                    "layers": str(layers),
                    "strategic_emerging": str(strategic_emerging).lower(),
                    "region": "domestic",
                    "sci_tech": "false",
                    "counterparty": "",
                }
            ]
        ),
        "<vc>",
    ).frame
    ctx = ChargeContext(frame, load_regime(regime or DEFAULT_REGIME), None, EngineOptions())
    return float(sum(rows["capital"].sum() for rows in look_through.charges(ctx)))


def project_commitments(
    commitments: Mapping[int, float],
    horizon: int = 15,
    params: TakahashiAlexander | None = None,
    capital_factor: float | None = None,
) -> CommitmentProjection:
    """Project a commitment programme.

    Parameters
    ----------
    commitments : mapping first-call year (1 = next year) -> amount committed, CNY
    horizon : years projected; a commitment year beyond it (a calendar year such as 2026
        included) is refused, not dropped
    params : model parameters (defaults of :class:`TakahashiAlexander`)
    capital_factor : capital per CNY of NAV (effective equity factor); default
        :func:`vc_capital_factor` of the default regime

    Returns
    -------
    CommitmentProjection
    """
    if capital_factor is None:
        capital_factor = vc_capital_factor()
    params = params or TakahashiAlexander()
    if horizon < 1:
        raise ParameterError(text("commitments.horizon", value=horizon))
    calls = np.zeros(horizon)
    dist = np.zeros(horizon)
    nav = np.zeros(horizon)
    committed = np.zeros(horizon)
    for year, amount in commitments.items():
        if year < 1 or not np.isfinite(amount) or amount < 0:
            raise ParameterError(text("commitments.entry", year=year, amount=amount))
        if year > horizon:  # never dropped silently
            message = text(
                "commitments.calendar_year"
                if year >= CALENDAR_YEAR_FROM
                else "commitments.beyond_horizon",
                value=year,
                horizon=horizon,
            )
            raise ParameterError(str(message))
        span = horizon - year + 1
        c, d, v = fund_cash_flows(float(amount), params, span)
        calls[year - 1 :] += c
        dist[year - 1 :] += d
        nav[year - 1 :] += v
        committed[year - 1 :] += amount
    paid = np.cumsum(calls)
    return CommitmentProjection(
        years=np.arange(1, horizon + 1),
        calls=calls,
        distributions=dist,
        net_cash_flow=dist - calls,
        nav=nav,
        unfunded=committed - paid,
        paid_in=paid,
        capital=nav * capital_factor,
        params=params,
        capital_factor=capital_factor,
    )


def read_commitments(path: str | Path, horizon: int | None = None) -> dict[int, float]:
    """Read a commitment plan (``.csv`` / ``.xlsx``: columns ``year``, ``commitment``).

    ``year`` counts from 1 (next year, the first projection year); ``commitment`` is the
    amount committed in that year, CNY. Rows of the same year add up.

    Parameters
    ----------
    path : the file
    horizon : years projected; when given, a year beyond it is refused with its row

    Returns
    -------
    dict
        year -> amount committed, CNY (for :func:`project_commitments`).

    Raises
    ------
    InputError
        An unknown or missing column, a year that is not a whole number >= 1, a calendar year
        (2026), a year beyond ``horizon``, an amount that is not a finite number >= 0 written
        with a decimal point, or an amount too small to be in CNY.
    """
    from analyzer.io.tables import read_table

    label = str(path)
    frame = read_table(path, name=label)
    problems: list[InputProblem] = []
    for col in COLUMNS:
        if col not in frame.columns:
            problems.append(InputProblem(label, 1, col, text("commitments.column_missing")))
    for col in frame.columns:
        if col not in COLUMNS:
            problems.append(unknown_name(label, col, col, COLUMNS, kind="column"))
    if problems:
        raise InputError(problems)
    plan: dict[int, float] = {}
    for i in range(len(frame)):
        row = i + 2
        raw_year = str(frame["year"].iloc[i]).strip()
        try:
            number = float(raw_year)
            if not np.isfinite(number) or number != int(number) or number < 1:
                raise ValueError
            year = int(number)
        except ValueError:
            problems.append(
                InputProblem(label, row, "year", text("commitments.year", value=raw_year))
            )
            continue
        if year >= CALENDAR_YEAR_FROM:
            problems.append(
                CALENDAR_YEAR.breach(
                    label, "year", [row], text("commitments.calendar_year", value=year)
                )
            )
            continue
        if horizon is not None and year > horizon:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "year",
                    text("commitments.beyond_horizon", value=year, horizon=horizon),
                )
            )
            continue
        raw = str(frame["commitment"].iloc[i]).strip()
        try:
            amount = float(raw)
            if not np.isfinite(amount):
                raise ValueError
        except ValueError:
            message = text("commitments.amount", value=raw) if raw else text("value.required")
            problems.append(InputProblem(label, row, "commitment", message))
            continue
        if amount < 0:
            problems.append(InputProblem(label, row, "commitment", text("commitments.negative")))
            continue
        if 0 < amount < MIN_COMMITMENT:
            problems.append(
                AMOUNT_UNIT.breach(
                    label, "commitment", [row], text("commitments.amount_unit", value=amount)
                )
            )
            continue
        plan[year] = plan.get(year, 0.0) + amount
    if problems:
        raise InputError(problems)
    return plan
