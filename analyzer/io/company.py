"""The company file (TOML, docs/formats.md §2): capital, non-investment capital,
targets and, for a life insurer, the liability cash flows and spot curve it names.

Every key is known (a misspelt key is refused with "did you mean"), every amount is a finite
TOML number in CNY (``true``, text, ``nan`` and ``inf`` are refused), and the plausibility rules
below refuse what no real insurer can show (total assets below the legal minimum registered
capital, a SARMRA score below 1, a spot curve in percent) and warn where a real insurer can,
but a mistake is more likely (a previous-quarter ratio above 1000%).

The liability files are read only from the company file's own folder (relative names, no
``..``), or, for an upload, only from the bytes uploaded with it (``attachments``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from analyzer.errors import InputError, InputProblem, InputWarning
from analyzer.io.fields import number, parse_toml, read_bytes, suggest, unknown_name
from analyzer.io.rules import rule
from analyzer.messages import Text, register, text


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", arbitrary_types_allowed=True, allow_inf_nan=False
    )


class Capital(_Frozen):
    """Capital by tier (CNY), before the tier limits of Rule 1 Art. 41."""

    core_tier1: float = Field(description="核心一级资本, CNY (negative for a distressed insurer)")
    core_tier2: float = Field(0.0, ge=0, description="核心二级资本, CNY")
    supplementary_tier1: float = Field(0.0, ge=0, description="附属一级资本, CNY")
    supplementary_tier2: float = Field(0.0, ge=0, description="附属二级资本, CNY")
    future_surplus_in_core: float = Field(
        0.0, ge=0, description="part of core tier 1/2 that is future policy surplus (Art. 41(二))"
    )


class NonInvestmentCapital(_Frozen):
    """Minimum capital the investment portfolio does not determine (CNY)."""

    life_insurance: float = Field(0.0, ge=0)
    nonlife_insurance: float = Field(0.0, ge=0)
    loss_absorption: float = Field(0.0, ge=0)
    additional: float = Field(0.0, ge=0)
    sarmra_score: float = Field(80.0, ge=0, le=100)


class LossAbsorptionInputs(_Frozen):
    """The actuaries' figures that cap the loss absorption of Rule 2 Art. 19 (CNY).

    ``LA_cap = max(pv_base - pv_floor, 0)``; both are present values of the participating
    (分红) and universal (万能) business's cash flows under Rule 3, at the base-scenario
    discount rates.
    """

    pv_base: float = Field(
        ge=0, description="PV_基础: PV of the cash flows in the base scenario (Rule 3), CNY"
    )
    pv_floor: float = Field(
        ge=0,
        description="PV_下限: PV of the cash flows re-projected at the floor policy-dividend "
        "level and the floor universal crediting rate (Rule 3), base-scenario rates, CNY",
    )

    @property
    def cap(self) -> float:
        """``LA_上限 = max(PV_基础 - PV_下限, 0)`` (Rule 2 Art. 19 (三)), CNY."""
        return max(self.pv_base - self.pv_floor, 0.0)


class Targets(_Frozen):
    """The company's own solvency targets (fractions), e.g. 1.5 and 0.75."""

    comprehensive: float = Field(1.5, gt=0)
    core: float = Field(0.75, gt=0)
    sci_tech_share: float = Field(0.0, ge=0, le=1)


class Liabilities(_Frozen):
    """Life insurers: liability net outflows and the government spot curve."""

    cash_flows: np.ndarray = Field(description="net outflow of year t = 1..N, CNY")
    spot_curve: np.ndarray = Field(description="spot rate of year t = 1..M, fraction")


CREDIT_ITEM_TYPES = (
    "reinsurance_ceded",
    "reinsurance_assumed",
    "premium_receivable",
    "other_receivable",
    "guarantee",
)
"""Values of ``item_type`` in ``[[credit_items]]`` (Rule 9 Art. 22-38)."""
OTHER_RECEIVABLE_CATEGORIES = (
    "prepaid_claims_or_tax",
    "failed_risk_test",
    "loan_non_controlled_property",
    "loan_related_party",
    "other",
)
REINSURER_RATINGS = (
    "AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-",
    "BB+", "BB", "BB-", "B+", "B", "B-", "CCC+", "CCC", "CCC-", "CC", "C", "unrated",
)  # fmt: skip
"""Ratings of an overseas reinsurer on the Rule 9 Art. 29 scale (S&P / Fitch letters; Moody's
and AM Best by the article's table); ``unrated`` = no rating within a year."""
LOAN_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")


class CreditItem(_Frozen):
    """A non-investment credit item charged to counterparty default risk (Rule 9 Art. 19).

    Amounts in CNY (admitted value; for reinsurance the net per counterparty after the set-off
    the contract allows, Art. 22/27/30), ages in months, ratios as fractions.
    """

    id: str
    item_type: Literal[
        "reinsurance_ceded",
        "reinsurance_assumed",
        "premium_receivable",
        "other_receivable",
        "guarantee",
    ]
    amount: float = Field(ge=0, description="exposure EX, CNY")
    counterparty: str = ""
    reinsurer_region: Literal["domestic", "overseas"] | None = None
    reinsurer_kind: Literal["reinsurer", "direct_insurer"] | None = None
    reinsurer_solvency_ratio: float | None = Field(None, ge=0)
    reinsurer_branch: bool | None = None
    meets_local_solvency: bool | None = None
    reinsurer_rating: str | None = None
    collateralised: float = Field(0.0, ge=0)
    transparency_measures: bool = False
    age_months: float | None = Field(None, ge=0)
    business: Literal["subsidised", "other"] = "other"
    category: (
        Literal[
            "prepaid_claims_or_tax",
            "failed_risk_test",
            "loan_non_controlled_property",
            "loan_related_party",
            "other",
        ]
        | None
    ) = None
    loan_class: Literal["normal", "special_mention", "substandard", "doubtful", "loss"] | None = (
        None
    )


class StressInputs(_Frozen):
    """The actuarial figures of the Annex 4 insurance-risk and life scenarios (Rule 10 Annex 4),
    all optional; a scenario whose figures are missing is reported as not run.

    P&C (Annex 4 第一章): next year's premium income and combined ratio of the base scenario
    (必测压力情景一, 必测因素一), next quarter's earned premium and combined loss ratio (季度
    必测因素一), the premium-risk share of the non-life insurance-risk capital. Life (第二章
    一(一)): for each assumption move the actuaries' increase of the insurance contract
    liabilities and change of the life insurance-risk minimum capital (CNY), next year's new
    business effect in both directions, next year's expenses.
    """

    premium_income: float | None = Field(None, gt=0, description="保费收入, next year, CNY")
    combined_ratio: float | None = Field(None, gt=0, le=5, description="综合成本率, fraction")
    premium_risk_capital: float | None = Field(
        None, ge=0, description="保费风险最低资本 within nonlife_insurance, CNY"
    )
    quarter_earned_premium: float | None = Field(
        None, gt=0, description="已赚保费, next quarter, CNY"
    )
    quarter_loss_ratio: float | None = Field(
        None, gt=0, le=5, description="综合赔付率, next quarter, fraction"
    )
    new_business_130_capital_change: float | None = Field(
        None, description="core tier 1 change, new-business premium 130%, CNY"
    )
    new_business_130_minimum_capital_change: float | None = Field(
        None, description="life insurance-risk capital change, new business 130%, CNY"
    )
    new_business_70_capital_change: float | None = Field(
        None, description="core tier 1 change, new-business premium 70%, CNY"
    )
    new_business_70_minimum_capital_change: float | None = Field(
        None, description="life insurance-risk capital change, new business 70%, CNY"
    )
    mortality_up_10_liability_increase: float | None = Field(
        None, description="liability increase, mortality +10%, CNY"
    )
    mortality_up_10_minimum_capital_change: float | None = Field(
        None, description="life insurance-risk capital change, mortality +10%, CNY"
    )
    lapse_up_20_liability_increase: float | None = Field(
        None, description="liability increase, lapse +20%, CNY"
    )
    lapse_up_20_minimum_capital_change: float | None = Field(
        None, description="life insurance-risk capital change, lapse +20%, CNY"
    )
    morbidity_up_15_liability_increase: float | None = Field(
        None, description="liability increase, morbidity +15%, CNY"
    )
    morbidity_up_15_minimum_capital_change: float | None = Field(
        None, description="life insurance-risk capital change, morbidity +15%, CNY"
    )
    annual_expenses: float | None = Field(None, ge=0, description="费用发生额, next year, CNY")


INTEGRATED_RISK_RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "C", "D")
"""综合风险评级 (IRR) categories a company publishes in its solvency report summary."""


class Filing(_Frozen):
    """Figures of the quarterly solvency report summary (偿付能力报告摘要) that the holdings and
    capital do not give, all optional (the workbook says "not provided" where one is blank)."""

    admitted_assets: float | None = Field(None, ge=0, description="认可资产, CNY")
    admitted_liabilities: float | None = Field(None, ge=0, description="认可负债, CNY")
    integrated_risk_rating: Literal["AAA", "AA", "A", "BBB", "BB", "B", "C", "D"] | None = None


#: the CNY keys of [stress_inputs] and [filing] (the others are fractions or text)
_STRESS_AMOUNTS = tuple(
    k for k in StressInputs.model_fields if k not in ("combined_ratio", "quarter_loss_ratio")
)
_FILING_AMOUNTS = ("admitted_assets", "admitted_liabilities")


class FxLiabilities(_Frozen):
    """Foreign-currency liabilities by currency, CNY (Rule 8 Art. 56 (七), 57): netted against
    the assets of the same currency. ``other``: every currency without its own key."""

    USD: float = Field(0.0, ge=0)
    HKD: float = Field(0.0, ge=0)
    EUR: float = Field(0.0, ge=0)
    GBP: float = Field(0.0, ge=0)
    other: float = Field(0.0, ge=0)


class Company(_Frozen):
    """A validated company file.

    ``warnings`` (not a field) holds the plausibility warnings the file raised; they stop a
    run until accepted (:func:`analyzer.services.reading.load_inputs`).
    """

    name: str
    company_type: Literal["life", "pc", "reinsurer"]
    total_assets: float = Field(gt=0, description="parent-company total assets, CNY")
    prior_comprehensive_ratio: float = Field(gt=0, description="previous quarter, fraction")
    capital: Capital
    minimum_capital: NonInvestmentCapital = NonInvestmentCapital()
    targets: Targets = Targets()
    liabilities: Liabilities | None = None
    reinsurance_business: Literal["life", "pc", "composite"] | None = None
    credit_items: tuple[CreditItem, ...] = ()
    stress_inputs: StressInputs | None = None
    filing: Filing | None = None
    liquidity: LiquidityProjection | None = None
    loss_absorption: LossAbsorptionInputs | None = None
    source: str = "<memory>"
    fx_liabilities: FxLiabilities = FxLiabilities()
    valuation_date: dt.date | None = Field(
        None, description="valuation date (ISO date); holding periods are measured to it"
    )
    _warnings: tuple[InputWarning, ...] = PrivateAttr(default=())

    @property
    def warnings(self) -> tuple[InputWarning, ...]:
        """Plausibility warnings raised by the file (see ``docs/formats.md`` section 9)."""
        return self._warnings

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @property
    def valuation_day(self) -> dt.date | None:
        """``valuation_date`` as a date (None when not given)."""
        return self.valuation_date


# --------------------------------------------------------------------------------------------
# Keys of the file
# --------------------------------------------------------------------------------------------

_TOP: dict[str, str] = {
    "name": "text",
    "company_type": "text",
    "total_assets": "number",
    "prior_comprehensive_ratio": "number",
    "capital": "table",
    "minimum_capital": "table",
    "targets": "table",
    "liabilities": "table",
    "reinsurance_business": "text",
    "credit_items": "array",
    "stress_inputs": "table",
    "filing": "table",
    "fx_liabilities": "table",
    "liquidity": "liquidity",
    "loss_absorption": "table",
    "valuation_date": "date",
}
SCHEMA: dict[str, tuple[str, ...]] = {
    "capital": tuple(Capital.model_fields),
    "minimum_capital": tuple(NonInvestmentCapital.model_fields),
    "targets": tuple(Targets.model_fields),
    "liabilities": ("cash_flows", "spot_curve"),
    "stress_inputs": tuple(StressInputs.model_fields),
    "filing": tuple(Filing.model_fields),
    "fx_liabilities": tuple(FxLiabilities.model_fields),
    "loss_absorption": tuple(LossAbsorptionInputs.model_fields),
}
"""Keys of each table of the company file (the top level: :data:`_TOP`)."""

#: the least registered capital of an insurer: 2亿元 (Insurance Law Art. 69), CNY
MIN_REGISTERED_CAPITAL = 2e8
#: a nonzero capital or minimum-capital amount below this (CNY) is an amount in 亿元
MIN_AMOUNT = 1e4
#: spot rates allowed (fractions): above is a percent, below is no real government curve
SPOT_MAX, SPOT_MIN = 0.25, -0.05

register(
    {
        "company.invalid": ("invalid company file", "公司文件无效"),
        "company.stress_input_other_type": (
            "[stress_inputs] {key} belongs to the other chapter of Rule 10 Annex 4 (P&C "
            "scenarios: premium_income, combined_ratio, premium_risk_capital, "
            "quarter_earned_premium, quarter_loss_ratio; life scenarios: the rest): no "
            "scenario of a {company_type} company reads it; remove it",
            "[stress_inputs] {key} 属于规则第10号附件4的另一章（财产险情景：premium_income、"
            "combined_ratio、premium_risk_capital、quarter_earned_premium、quarter_loss_ratio；"
            "人身险情景：其余各项）：{company_type} 类公司的情景均不读取该项，请删除",
        ),
        "company.valuation_date": (
            "'{value}' is not a date; write valuation_date = 2025-12-31 (a TOML date or the "
            'ISO text "2025-12-31")',
            "'{value}' 不是日期；请写成 valuation_date = 2025-12-31（TOML 日期或 ISO 文本 "
            '"2025-12-31"）',
        ),
        "company.capital_required": (
            "the [capital] table is required (core_tier1, core_tier2, supplementary_tier1, "
            "supplementary_tier2, CNY)",
            "必须提供 [capital] 表（core_tier1、core_tier2、supplementary_tier1、"
            "supplementary_tier2，单位：元）",
        ),
        "company.liabilities_required": (
            "a life insurer needs [liabilities] with cash_flows and spot_curve files "
            "(Rule 8 Art. 18-20)",
            "人身险公司须提供 [liabilities]，"
            "包含 cash_flows 与 spot_curve 文件（规则第8号第18-20条）",
        ),
        "company.bound": (
            "must be {op} {bound}, found {value}",
            "必须 {op} {bound}，实际为 {value}",
        ),
        "company.file_required": ("a file name is required", "必须填写文件名"),
        "company.file_name": (
            "'{value}' is not allowed: name a file in the company file's own folder "
            "(a relative name such as \"spot_curve.csv\"; no absolute path, no '..')",
            "不允许 '{value}'：只能填写公司文件所在文件夹中的文件（相对文件名，如 "
            "\"spot_curve.csv\"；不得使用绝对路径或 '..'）",
        ),
        "company.file_not_uploaded": (
            "'{value}' was not uploaded with the company file; upload it together with the "
            "company file (uploaded: {uploaded})",
            "'{value}' 未与公司文件一同上传；请与公司文件一起上传（已上传：{uploaded}）",
        ),
        "company.series_column_missing": (
            "required column is missing; the header must name {columns}",
            "缺少必需的列；表头须包含 {columns}",
        ),
        "company.series_year": ("must be a whole year >= 1", "必须为 >= 1 的整年"),
        "company.series_gap": (
            "years must run 1, 2, 3, ... without gaps; found {value:g}",
            "年份须为 1, 2, 3, … 且连续；实际为 {value:g}",
        ),
        "company.spot_short": (
            "the spot curve must cover years 1..20 at least",
            "即期收益率曲线至少须覆盖第 1 至 20 年",
        ),
        "company.loss_absorption_both": (
            "give either [loss_absorption] pv_base and pv_floor (the analyzer computes LA from "
            "the book, Rule 2 Art. 19) or [minimum_capital] loss_absorption (a fixed LA), "
            "not both",
            "[loss_absorption] 的 pv_base、pv_floor（按持仓计算损失吸收效应，规则第2号第19条）"
            "与 [minimum_capital] 的 loss_absorption（固定的损失吸收效应）只能填写其一",
        ),
        "company.pc_life": (
            "a P&C insurer has no life insurance risk (Rule 2 Art. 16); must be 0",
            "财产险公司没有寿险业务保险风险（规则第2号第16条）；必须为 0",
        ),
        "company.total_assets_unit": (
            "total_assets {value:g} CNY is below 2亿元, the least registered capital of an "
            "insurer; amounts are in CNY (yuan), not 亿元 or 万元 (3000亿元 = 3.0e11)",
            "总资产 {value:g} 元低于保险公司最低注册资本 2 亿元；金额单位为元，不是亿元或万元"
            "（3000 亿元 = 3.0e11）",
        ),
        "company.amount_unit": (
            "{value:g} CNY is too small to be a real amount of an insurer; amounts are in CNY "
            "(yuan), not 亿元 (330亿元 = 3.3e10)",
            "{value:g} 元过小，不可能是保险公司的真实金额；金额单位为元，"
            "不是亿元（330 亿元 = 3.3e10）",
        ),
        "company.capital_scale": (
            "the capital tiers add up to {share:.3g} of total_assets ({value:,.0f} against "
            "{assets:,.0f} CNY); are they in 万元 instead of CNY?",
            "各级资本合计仅为总资产的 {share:.3g}（{value:,.0f} 元对 {assets:,.0f} 元）；"
            "是否按万元填写了（应为元）？",
        ),
        "company.minimum_capital_scale": (
            "the minimum capital items add up to {share:.3g} of total_assets ({value:,.0f} "
            "against {assets:,.0f} CNY); are they in 万元 instead of CNY?",
            "最低资本各项合计仅为总资产的 {share:.3g}（{value:,.0f} 元对 {assets:,.0f} 元）；"
            "是否按万元填写了（应为元）？",
        ),
        "company.capital_above_assets": (
            "the capital tiers add up to {value:,.0f} CNY, more than total_assets "
            "{assets:,.0f} CNY",
            "各级资本合计 {value:,.0f} 元，超过总资产 {assets:,.0f} 元",
        ),
        "company.ratio_percent": (
            "{value:g} reads as {value:.0%}; ratios are fractions (2.1 = 210%); a percent "
            "such as 210 is not allowed (a ratio above 10000% cannot come from a real "
            "quarter: enter 100 if it truly is that high, every value from the top equity-cap "
            "tier up gives the same cap)",
            "{value:g} 即 {value:.0%}；充足率以小数填写（2.1 = 210%），不能填写百分数如 210"
            "（真实季度不会超过 10000%；如确实如此请填 100，超过最高权益上限档的取值效果相同）",
        ),
        "company.ratio_high": (
            "{value:g} is a ratio of {value:.0%}; ratios are fractions (2.1 = 210%); only a "
            "newly licensed insurer reports above 1000%",
            "{value:g} 即 {value:.0%}；充足率以小数填写（2.1 = 210%）；只有新设公司才会超过 1000%",
        ),
        "company.target_percent": (
            "{value:g} reads as a target of {value:.0%}; targets are fractions (1.5 = 150%)",
            "{value:g} 即目标 {value:.0%}；目标以小数填写（1.5 = 150%）",
        ),
        "company.sarmra_fraction": (
            "{value:g} is not a SARMRA score; scores run 0 to 100 (78, not 0.78)",
            "{value:g} 不是 SARMRA 评分；评分为 0 至 100 分（填 78，而非 0.78）",
        ),
        "company.spot_percent": (
            "spot rates are fractions (0.025 = 2.5%); {value:g} would be {value:.0%}",
            "即期收益率以小数填写（0.025 = 2.5%）；{value:g} 即 {value:.0%}",
        ),
        "company.spot_negative": (
            "a spot rate of {value:.1%} is below -5%, lower than any government curve has "
            "been; spot rates are fractions (0.025 = 2.5%)",
            "即期收益率 {value:.1%} 低于 -5%，低于任何国债曲线的历史水平；"
            "即期收益率以小数填写（0.025 = 2.5%）",
        ),
        "company.credit_items_array": (
            "must be an array of tables ([[credit_items]] entries)",
            "必须为表数组（[[credit_items]] 条目）",
        ),
        "company.credit_item_required": (
            'required for item_type = "{item_type}"{when} (Rule 9 Art. {article})',
            'item_type = "{item_type}"{when} 时必须填写（规则第9号第{article}条）',
        ),
        "company.credit_item_not_used": (
            "'{key}' is not used for item_type = \"{item_type}\" (allowed keys: {allowed})",
            "item_type = \"{item_type}\" 不使用 '{key}'（允许的键：{allowed}）",
        ),
        "company.credit_item_duplicate": (
            "id '{value}' is used by more than one credit item",
            "编号 '{value}' 被多个信用风险项目重复使用",
        ),
        "company.credit_item_negative": (
            "{value:g} is negative: enter the exposure EX >= 0 (a net payable to a reinsurer "
            "is EX = max(net, 0) = 0, Rule 9 Art. 22; leave the item out)",
            "{value:g} 为负数：风险暴露 EX 须 >= 0（对再保险人的净应付即 EX = max(净额, 0) = 0，"
            "规则第9号第二十二条；请删除该项目）",
        ),
        "company.collateral_above_amount": (
            "collateralised {value:,.0f} CNY is more than the item's amount {amount:,.0f} CNY",
            "有担保措施部分 {value:,.0f} 元超过该项目金额 {amount:,.0f} 元",
        ),
        "company.solvency_ratio_percent": (
            "{value:g} reads as a solvency ratio of {value:.0%}; ratios are fractions "
            "(2.1 = 210%; enter 0 when the reinsurer's data cannot be obtained)",
            "{value:g} 即偿付能力充足率 {value:.0%}；充足率以小数填写"
            "（2.1 = 210%；无法获得再保险人数据时填 0）",
        ),
        "company.credit_item_above_assets": (
            "{value:,.0f} CNY is more than total_assets {assets:,.0f} CNY: not the same unit?",
            "{value:,.0f} 元超过总资产 {assets:,.0f} 元：单位是否一致？",
        ),
        "company.reinsurance_business_required": (
            'a reinsurer must say which business it writes: reinsurance_business = "life" '
            '(interest-rate risk by the life scenario method, Rule 8 Art. 22) or "pc" '
            "(duration factor, Art. 21)",
            '再保险公司须填写所经营业务：reinsurance_business = "life"（人身险再保险，'
            '利率风险按人身保险公司情景法计量，规则第8号第二十二条）或 "pc"'
            "（财产险再保险，综合因子法，第二十一条）",
        ),
        "company.reinsurance_business_only": (
            'only a reinsurer (company_type = "reinsurer") states reinsurance_business',
            '只有再保险公司（company_type = "reinsurer"）填写 reinsurance_business',
        ),
        "company.reinsurance_composite": (
            "a reinsurer writing both P&C and life business measures interest-rate risk by the "
            "duration factor on its non-life business and the scenario method on its life "
            "business, added (Rule 8 Art. 23); the analyzer cannot split the book by business "
            'yet: run it as "life" or "pc" only with evidence that the results do not '
            "differ materially (Art. 23)",
            "同时经营财产险和人身险业务的再保险公司，应对非寿险业务和寿险业务分别使用综合因子法和"
            "情景法计量利率风险最低资本并算术加总（规则第8号第二十三条）；本工具尚不能按业务拆分资产："
            '仅在有证据表明计量结果不存在重大差异时，可按 "life" 或 "pc" 计量（第二十三条）',
        ),
        "company.reinsurer_liabilities_required": (
            "a life reinsurer measures interest-rate risk by the life scenario method (Rule 8 "
            "Art. 22, 18-20): it needs [liabilities] with cash_flows and spot_curve files",
            "人身险再保险公司按人身保险公司情景法计量利率风险（规则第8号第二十二条、第十八至二十条）："
            "须提供 [liabilities]，包含 cash_flows 与 spot_curve 文件",
        ),
        "company.cash_flows_unit": (
            "the liability cash flows add up to {share:.3g} times total_assets "
            "({value:,.0f} against {assets:,.0f} CNY): they are not in the balance sheet's "
            "unit (CNY); 亿元 or 万元?",
            "负债现金流绝对值合计为总资产的 {share:.3g} 倍（{value:,.0f} 元对 {assets:,.0f} 元）："
            "与资产负债表的单位（元）不一致，是否按亿元或万元填写了？",
        ),
        "company.cash_flows_scale": (
            "the liability cash flows add up to {share:.3g} times total_assets "
            "({value:,.0f} against {assets:,.0f} CNY; usual: 0.01 to 20 times); check their "
            "unit (CNY)",
            "负债现金流绝对值合计为总资产的 {share:.3g} 倍（{value:,.0f} 元对 {assets:,.0f} 元；"
            "通常为 0.01 至 20 倍）；请核对单位（元）",
        ),
    }
)

TOTAL_ASSETS_UNIT = rule(
    "company.total_assets_unit",
    "refuse",
    "An insurer's registered capital is at least 2亿元 (Insurance Law Art. 69), so its total "
    "assets cannot be less; a smaller number is total assets in 亿元 or 万元.",
    "保险公司注册资本最低为 2 亿元（《保险法》第六十九条），总资产不可能更少；"
    "更小的数字是按亿元或万元填写的总资产。",
)
AMOUNT_UNIT = rule(
    "company.amount_unit",
    "refuse",
    "No capital tier or minimum-capital item of a real insurer is a nonzero amount below "
    "1万元; such a number (330, 120) is an amount in 亿元.",
    "真实保险公司的各级资本或最低资本项目不会是不足 1 万元的非零金额；330、"
    "120 这样的数字是按亿元填写的金额。",
)
AMOUNT_SCALE = rule(
    "company.amount_scale",
    "warn",
    "Capital is usually 3% to 20% of total assets and minimum capital a few percent; capital "
    "below 0.1% (minimum capital below 0.01%) of total assets is most often an amount in 万元, "
    "though a distressed insurer can show capital near zero.",
    "资本通常为总资产的 3% 至 20%，最低资本为百分之几；资本低于总资产的 0.1%（最低资本低于 0.01%）"
    "多半是按万元填写，但陷入困境的公司资本也可能接近零。",
)
CAPITAL_ABOVE_ASSETS = rule(
    "company.capital_above_total_assets",
    "refuse",
    "Capital is admitted assets less admitted liabilities, so it cannot exceed total "
    "assets; one of the two is in the wrong unit.",
    "资本等于认可资产减认可负债，不可能超过总资产；两者之一单位有误。",
)
RATIO_PERCENT = rule(
    "company.ratio_percent",
    "refuse",
    "A solvent insurer's ratio written in percent is at least 100, and as a fraction no real "
    "quarter exceeds 100 (10000%; enter 100 for a higher one, it gives the same equity cap); "
    "the value picks the equity-cap tier, so a percent read as a fraction would silently "
    "raise the cap.",
    "偿付能力充足的公司以百分数填写的充足率至少为 100，而以小数计真实季度不会超过 100"
    "（10000%；更高时填 100，权益上限相同）；该值决定权益投资上限档位，"
    "误把百分数当小数会悄悄提高上限。",
)
RATIO_HIGH = rule(
    "company.ratio_high",
    "warn",
    "A ratio above 1000% is rare but real: a newly licensed insurer with its full "
    "registered capital and little business can report it.",
    "充足率超过 1000% 罕见但可能：新设公司注册资本到位而业务尚少时会出现。",
)
TARGET_PERCENT = rule(
    "company.target_percent",
    "refuse",
    "No insurer sets its own solvency target above 1000%; a value such as 150 is a percent "
    "and would make every projection miss the target.",
    "没有公司会把自身偿付能力目标设在 1000% 以上；150 这样的值是百分数，会使所有预测都达不到目标。",
)
SARMRA_FRACTION = rule(
    "company.sarmra_fraction",
    "refuse",
    "SARMRA scores run 0 to 100 and no assessed insurer scores below 1; 0.78 is a score of "
    "78 written as a fraction, and it would raise the control-risk capital.",
    "SARMRA 评分为 0 至 100 分，接受评估的公司不会低于 1 分；0.78 是把 78 分写成了小数，"
    "会抬高控制风险最低资本。",
)
SPOT_PERCENT = rule(
    "company.spot_rate_percent",
    "refuse",
    "No government spot rate is above 25%; 2.5 is a rate in percent and would discount the "
    "liabilities to almost nothing.",
    "国债即期收益率不会超过 25%；2.5 是百分数，会把负债折现到几乎为零。",
)
SPOT_NEGATIVE = rule(
    "company.spot_rate_negative",
    "refuse",
    "No government curve has been below -5%; -0.5 (-50%) or -1.0 is a typing or unit error "
    "and makes the discount factors meaningless.",
    "国债收益率从未低于 -5%；-0.5（-50%）或 -1.0 是录入或单位错误，会使折现因子失去意义。",
)
CASH_FLOWS_UNIT = rule(
    "company.cash_flows_unit",
    "refuse",
    "A life insurer's liability cash flows add up to about its balance sheet (0.5 to 5 times "
    "total assets); below a millionth or above 1000 times they are in another unit than "
    "total_assets (亿元 against CNY).",
    "寿险公司负债现金流合计约与资产负债表相当（总资产的 0.5 至 5 倍）；"
    "低于百万分之一或高于 1000 倍，"
    "说明其单位与总资产不同（亿元与元混用）。",
)
CASH_FLOWS_SCALE = rule(
    "company.cash_flows_scale",
    "warn",
    "Liability cash flows below 1% or above 20 times total assets are unusual (万元 against "
    "CNY is the usual cause), though a newly licensed life insurer has few liabilities.",
    "负债现金流低于总资产的 1% 或高于 20 倍并不常见（常见原因是万元与元混用），"
    "但新设寿险公司负债确实很少。",
)


CREDIT_ITEM_ABOVE_ASSETS = rule(
    "company.credit_item_above_total_assets",
    "refuse",
    "A receivable, reinsurance asset or guarantee of an insurer is part of (or, for a "
    "guarantee, backed by) its balance sheet; one larger than total assets is in another unit.",
    "保险公司的应收款项、再保险资产或对外担保不可能超过其总资产；超过即单位不一致。",
)
SOLVENCY_RATIO_PERCENT = rule(
    "company.reinsurer_solvency_ratio_percent",
    "refuse",
    "No reinsurer reports a comprehensive solvency ratio above 10000%; 250 is 250% written "
    "as a percent and would take the best factor band.",
    "没有再保险人的综合偿付能力充足率会超过 10000%；250 是把 250% 写成了百分数，"
    "会被套用最低因子档。",
)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _check_keys(data: Mapping[str, Any], label: str) -> tuple[list[InputProblem], dict]:
    """Unknown keys (did you mean), tables that are not tables, numbers that are not finite
    TOML numbers, text that is not text. Liability entries are checked where they are read.

    Returns the problems and the data without the keys they concern (so that the rest of the
    file is still checked and every problem is reported at once)."""
    problems: list[InputProblem] = []
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _TOP:
            problems.append(unknown_name(label, key, key, [*_TOP, *_section_hint(key)]))
            continue
        kind = _TOP[key]
        if value is None and key in (
            "reinsurance_business",
            "credit_items",
            "stress_inputs",
            "filing",
            "liquidity",
            "loss_absorption",
            "valuation_date",
        ):
            continue  # a company dumped to a dict (dashboard) carries the unset ones as None
        if kind == "number":
            if number(value, label, key, problems) is not None:
                clean[key] = value
        elif kind == "date":
            day = _iso_date(value)
            if day is None:
                problems.append(
                    InputProblem(label, None, key, text("company.valuation_date", value=value))
                )
            else:
                clean[key] = day
        elif kind == "text":
            if isinstance(value, str):
                clean[key] = value
            else:
                problems.append(
                    InputProblem(label, None, key, text("inputs.not_text", value=value))
                )
        elif key == "liabilities" and isinstance(value, Liabilities):
            clean[key] = value
        elif kind == "array":
            clean[key] = value  # checked by _credit_items
        elif kind == "liquidity":
            clean[key] = value  # checked by _liquidity
        else:
            if isinstance(value, BaseModel):
                value = value.model_dump()
            if not isinstance(value, Mapping):
                problems.append(InputProblem(label, None, key, text("inputs.not_table")))
                continue
            table: dict[str, Any] = {}
            for sub, v in value.items():
                where = f"{key}.{sub}"
                if sub not in SCHEMA[key]:
                    problems.append(unknown_name(label, where, sub, SCHEMA[key]))
                elif v is None and key in ("stress_inputs", "filing"):
                    continue  # a dumped company carries the blank optional figures as None
                elif where == "filing.integrated_risk_rating":
                    if isinstance(v, str):
                        table[sub] = v.strip()
                    else:
                        problems.append(
                            InputProblem(label, None, where, text("inputs.not_text", value=v))
                        )
                elif key == "liabilities" or number(v, label, where, problems) is not None:
                    table[sub] = v
            clean[key] = table
    return problems, clean


def _iso_date(value: Any) -> dt.date | None:
    """A TOML date (``valuation_date = 2025-12-31``) or ISO text as a date, else None."""
    if isinstance(value, dt.datetime):
        return None  # a date and time: the valuation date is a day
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _section_hint(key: str) -> tuple[str, ...]:
    """A top-level key that belongs in a table (``core_tier1`` outside ``[capital]``) is
    suggested with its table."""
    for section, keys in SCHEMA.items():
        near = suggest(key, keys)
        if near is not None:
            return (f"{section}.{near}",)
    return ()


def _file_name(value: Any) -> str | None:
    """The normalised relative name of a liability file, or None when not allowed (absolute,
    a drive, ``..``, empty)."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip().replace("\\", "/")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":") or "\x00" in raw:
        return None
    parts = [p for p in PurePosixPath(raw).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def _liability_source(
    value: Any,
    where: str,
    label: str,
    attachments: Mapping[str, bytes] | None,
    base: Path | None,
) -> tuple[bytes | Path, str]:
    """Where a liability file named in the company file comes from, and its label.

    With ``attachments`` only those bytes are used and the disk is never looked at (the
    message is the same whether a file of that name exists on the server or not).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError.single(label, None, where, text("company.file_required"))
    name = _file_name(value)
    if name is None:
        raise InputError.single(label, None, where, text("company.file_name", value=value))
    if attachments is not None or base is None:
        uploaded = {_file_name(k): k for k in (attachments or {})}
        if name not in uploaded:
            shown = ", ".join(sorted(str(k) for k in (attachments or {}))) or "-"
            raise InputError.single(
                label, None, where, text("company.file_not_uploaded", value=value, uploaded=shown)
            )
        return bytes(attachments[uploaded[name]]), uploaded[name]
    path = base / name
    root = base.resolve()
    try:
        inside = path.resolve().is_relative_to(root)
    except OSError:
        inside = False
    if not inside:  # a link out of the folder
        raise InputError.single(label, None, where, text("company.file_name", value=value))
    return path, str(path)


def _read_series(
    source: bytes | Path, label: str, key_col: str, value_col: str
) -> tuple[np.ndarray, list[int]]:
    """The values of a ``year, value`` file (years 1, 2, ...) and their spreadsheet rows."""
    from analyzer.io.tables import read_table

    frame = read_table(source, name=label)
    problems: list[InputProblem] = []
    for col in (key_col, value_col):
        if col not in frame.columns:
            problems.append(
                InputProblem(
                    label,
                    1,
                    col,
                    text("company.series_column_missing", columns=f"{key_col}, {value_col}"),
                )
            )
    for col in frame.columns:
        if col not in (key_col, value_col):
            problems.append(unknown_name(label, col, col, (key_col, value_col), kind="column"))
    if problems:
        raise InputError(problems)
    keys = pd.to_numeric(frame[key_col].astype(str).str.strip(), errors="coerce")
    values = pd.to_numeric(frame[value_col].astype(str).str.strip(), errors="coerce")
    for i in np.flatnonzero(keys.isna().to_numpy())[:10]:
        problems.append(InputProblem(label, int(i) + 2, key_col, text("company.series_year")))
    for i in np.flatnonzero(values.isna().to_numpy())[:10]:
        raw = str(frame[value_col].iloc[i]).strip()
        msg = text("value.required") if raw in ("", "nan") else text("value.not_number", value=raw)
        problems.append(InputProblem(label, int(i) + 2, value_col, msg))
    v = values.to_numpy(dtype=float)
    for i in np.flatnonzero(np.isinf(v))[:10]:
        problems.append(
            InputProblem(label, int(i) + 2, value_col, text("value.not_finite", value=v[i]))
        )
    if problems:
        raise InputError(problems)
    years = keys.to_numpy(dtype=float)
    expected = np.arange(1, len(years) + 1)
    if not np.array_equal(years, expected):
        bad = int(np.flatnonzero(years != expected)[0])
        raise InputError.single(
            label, bad + 2, key_col, text("company.series_gap", value=float(years[bad]))
        )
    return v, [int(r) for r in expected + 1]


def _array(value: Any, label: str, where: str) -> np.ndarray:
    """A liability series given as numbers (a dict from memory): finite floats."""
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError.single(
            label, None, where, text("inputs.not_number", value=repr(value)[:60])
        ) from None
    bad = np.flatnonzero(~np.isfinite(arr))
    if len(bad):
        raise InputError.single(
            label, int(bad[0]) + 1, where, text("value.not_finite", value=arr[bad[0]])
        )
    return arr


_ITEM_COMMON = ("id", "item_type", "amount", "counterparty")
#: keys each item type may carry (besides id, item_type, amount, counterparty)
ITEM_KEYS: dict[str, tuple[str, ...]] = {
    "reinsurance_ceded": (
        "reinsurer_region",
        "reinsurer_kind",
        "reinsurer_solvency_ratio",
        "reinsurer_branch",
        "meets_local_solvency",
        "reinsurer_rating",
        "collateralised",
        "transparency_measures",
    ),
    "reinsurance_assumed": ("age_months",),
    "premium_receivable": ("age_months", "business"),
    "other_receivable": ("category", "age_months", "business", "loan_class"),
    "guarantee": (),
}
_ITEM_BOOLS = ("reinsurer_branch", "meets_local_solvency", "transparency_measures")
_ITEM_NUMBERS = ("amount", "reinsurer_solvency_ratio", "collateralised", "age_months")


#: the condition under which a key is required, in the file's own terms (both languages)
_WHEN = {
    "": "",
    "domestic": ', reinsurer_region = "domestic"',
    "overseas": ', reinsurer_region = "overseas"',
    "reinsurer_overseas": (
        ', company_type = "reinsurer", reinsurer_region = "overseas", meets_local_solvency = true'
    ),
}


def _cat(when: str) -> str:
    return f'category = "{when.split(":", 1)[1]}"'


def _item_required(item: Mapping[str, Any], company_type: Any) -> list[tuple[str, str, str]]:
    """``(key, when, article)`` of the keys an item needs and lacks (beyond the common
    ones): ``when`` is a key of :data:`_WHEN` or ``category:<value>``, ``article`` the Rule 9
    article numbers. Each is a key whose blank would otherwise lower the capital or leave the factor
    unknown."""
    kind = item.get("item_type")
    need: list[tuple[str, str, str]] = []
    if kind == "reinsurance_ceded":
        need += [("reinsurer_region", "", "22-23"), ("reinsurer_kind", "", "24")]
        region = item.get("reinsurer_region")
        if region == "domestic":
            need += [
                ("reinsurer_solvency_ratio", "domestic", "22, 31"),
                ("reinsurer_branch", "domestic", "24"),
            ]
        elif region == "overseas":
            need.append(("meets_local_solvency", "overseas", "22-23"))
            if company_type == "reinsurer" and item.get("meets_local_solvency") is True:
                need.append(("reinsurer_rating", "reinsurer_overseas", "23, 29"))
    elif kind in ("reinsurance_assumed", "premium_receivable"):
        need.append(("age_months", "", "30" if kind == "reinsurance_assumed" else "34"))
    elif kind == "other_receivable":
        need.append(("category", "", "36"))
        cat = item.get("category")
        if cat in ("failed_risk_test", "other"):
            need.append(("age_months", f"category:{cat}", "36"))
        elif cat in ("loan_non_controlled_property", "loan_related_party"):
            need.append(("loan_class", f"category:{cat}", "36-37"))
    return [(k, w, a) for k, w, a in need if item.get(k) is None]


def _same(value: Any, default: Any) -> bool:
    """``value`` equals a field default of the same kind (``False`` is not ``0``)."""
    return (
        type(value) is type(default)
        and value == default
        or (isinstance(value, float) and isinstance(default, float) and value == default)
    )


def _credit_items(
    value: Any, label: str, company_type: Any
) -> tuple[tuple[CreditItem, ...], list[InputProblem]]:
    """Validate ``[[credit_items]]``: known keys for the item type, TOML numbers / booleans /
    text, the keys the item's article needs, unique ids, collateral within the amount."""
    if isinstance(value, Mapping) or not isinstance(value, (list, tuple)):
        return (), [InputProblem(label, None, "credit_items", text("company.credit_items_array"))]
    items: list[CreditItem] = []
    problems: list[InputProblem] = []
    seen: set[str] = set()
    for i, raw in enumerate(value):
        where = f"credit_items[{i + 1}]"
        if isinstance(raw, CreditItem):
            raw = raw.model_dump()
        if isinstance(raw, Mapping):
            # a dumped CreditItem (a company sent back as a dict) carries every field: the
            # ones its type does not use sit at their defaults (None, 0, false, "other"),
            # which change nothing and are dropped; any other value of such a key is refused
            fields = CreditItem.model_fields
            kind = raw.get("item_type")
            used = (*_ITEM_COMMON, *ITEM_KEYS.get(kind, ())) if kind in ITEM_KEYS else fields
            raw = {
                k: v
                for k, v in raw.items()
                if v is not None
                and (k in used or k not in fields or not _same(v, fields[k].default))
            }
        if not isinstance(raw, Mapping):
            problems.append(InputProblem(label, None, where, text("inputs.not_table")))
            continue
        kind = raw.get("item_type")
        allowed = (*_ITEM_COMMON, *ITEM_KEYS.get(kind, ())) if kind in ITEM_KEYS else None
        every = {k for keys in ITEM_KEYS.values() for k in keys} | set(_ITEM_COMMON)
        clean: dict[str, Any] = {}
        before = len(problems)
        for key, v in raw.items():
            at = f"{where}.{key}"
            if key not in every:
                problems.append(unknown_name(label, at, key, every))
            elif allowed is not None and key not in allowed:
                problems.append(
                    InputProblem(
                        label,
                        None,
                        at,
                        text(
                            "company.credit_item_not_used",
                            key=key,
                            item_type=kind,
                            allowed=", ".join(allowed),
                        ),
                    )
                )
            elif key in _ITEM_NUMBERS:
                n = number(v, label, at, problems)
                if n is not None and n < 0:
                    problems.append(
                        InputProblem(label, None, at, text("company.credit_item_negative", value=n))
                    )
                elif n is not None:
                    clean[key] = n
            elif key in _ITEM_BOOLS:
                if isinstance(v, bool):
                    clean[key] = v
                else:
                    problems.append(InputProblem(label, None, at, text("value.not_bool", value=v)))
            elif not isinstance(v, str):
                problems.append(InputProblem(label, None, at, text("inputs.not_text", value=v)))
            elif key == "reinsurer_rating" and v not in REINSURER_RATINGS:
                problems.append(
                    InputProblem(
                        label,
                        None,
                        at,
                        text("value.not_allowed", value=v, allowed=", ".join(REINSURER_RATINGS)),
                    )
                )
            else:
                clean[key] = v
        for key in ("id", "item_type", "amount"):
            if key not in raw:
                problems.append(InputProblem(label, None, f"{where}.{key}", text("value.required")))
        if kind in ITEM_KEYS:
            for key, when, article in _item_required(raw, company_type):
                problems.append(
                    InputProblem(
                        label,
                        None,
                        f"{where}.{key}",
                        text(
                            "company.credit_item_required",
                            item_type=kind,
                            when=_WHEN[when] if when in _WHEN else f", {_cat(when)}",
                            article=article,
                        ),
                    )
                )
        ident = clean.get("id")
        if isinstance(ident, str) and not ident.strip():
            problems.append(InputProblem(label, None, f"{where}.id", text("value.required")))
        elif isinstance(ident, str):
            if ident in seen:
                problems.append(
                    InputProblem(
                        label,
                        None,
                        f"{where}.id",
                        text("company.credit_item_duplicate", value=ident),
                    )
                )
            seen.add(ident)
        if (
            "collateralised" in clean
            and "amount" in clean
            and clean["collateralised"] > clean["amount"]
        ):
            problems.append(
                InputProblem(
                    label,
                    None,
                    f"{where}.collateralised",
                    text(
                        "company.collateral_above_amount",
                        value=clean["collateralised"],
                        amount=clean["amount"],
                    ),
                )
            )
        if len(problems) > before and kind in ITEM_KEYS:
            continue
        try:
            items.append(CreditItem(**clean))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                if any(p.column == f"{where}.{loc}" for p in problems):
                    continue
                problems.append(InputProblem(label, None, f"{where}.{loc}", _pydantic_message(err)))
    return tuple(items), problems


def read_company(
    path: str | Path | bytes,
    attachments: Mapping[str, bytes] | None = None,
    name: str | None = None,
) -> Company:
    """Read and validate a company TOML file; load the liability files it names.

    Parameters
    ----------
    path : path or bytes
        The company file, or its bytes (an upload; then ``name`` labels it in messages).
    attachments : mapping of file name -> bytes, optional
        The files uploaded with the company file. When given (always for an upload, and
        implied when ``path`` is bytes), the liability files come only from these bytes: no
        file on disk is ever read, and the message for a missing one does not depend on
        what the disk holds. Otherwise they are read from the company file's folder.
    name : str, optional
        The label of ``path`` when it is bytes.

    Returns
    -------
    Company
        With ``warnings`` holding the plausibility warnings (accepted or not by the caller).

    Raises
    ------
    InputError
        Unreadable or non-UTF-8 file, unknown key, a value of the wrong type or range, a value
        no real insurer can show, a life insurer without liabilities, a liability file outside
        the company file's folder or not uploaded, or a bad cash-flow / spot-curve file.
    """
    if isinstance(path, (bytes, bytearray)):
        label = name or "<upload>"
        data = parse_toml(bytes(path), label)
        base = None
        attachments = attachments if attachments is not None else {}
    else:
        path = Path(path)
        label = name or str(path)
        data = parse_toml(read_bytes(path, label), label)
        base = path.parent
    return company_from_dict(data, label, attachments=attachments, base=base, plausibility=True)


def company_from_dict(
    data: Mapping[str, Any],
    label: str = "<memory>",
    attachments: Mapping[str, bytes] | None = None,
    base: str | Path | None = None,
    plausibility: bool = False,
) -> Company:
    """Validate a company given as a dict (the TOML's structure).

    ``liabilities`` holds either the file names of the TOML (read from ``attachments`` only,
    when given, else from the folder ``base``; with neither they are refused) or the series
    themselves (``cash_flows``, ``spot_curve`` as numbers, or a :class:`Liabilities`).

    Keys, types and finiteness are always checked. ``plausibility`` also applies the
    declared plausibility rules (units, percentages, amounts against ``total_assets``;
    ``docs/formats.md`` section 9), as :func:`read_company` always does: pass it for anything
    a user sent (an upload, a stored scenario); leave it off only for companies built in code
    (tests, benchmarks) whose small round numbers no real insurer shows.

    Raises
    ------
    InputError
        Every problem found (keys, types, ranges, plausibility refusals) at once.
    """
    data = dict(data)
    data.pop("source", None)  # a dict from Company.model_dump() carries it
    missing_capital = "capital" not in data
    problems, data = _check_keys(data, label)
    if missing_capital:
        problems.insert(0, InputProblem(label, None, "capital", text("company.capital_required")))
    liab = data.pop("liabilities", None)
    rows: dict[str, tuple[str, list[int]]] = {}
    if data.get("company_type") == "life" and not liab:
        problems.append(
            InputProblem(label, None, "liabilities", text("company.liabilities_required"))
        )
    problems += _reinsurance_business(data, bool(liab), label)
    problems += _stress_inputs_for_type(data, label)
    if "credit_items" in data:
        data["credit_items"], found_items = _credit_items(
            data["credit_items"], label, data.get("company_type")
        )
        problems += found_items
    if "liquidity" in data:
        data["liquidity"], found_liquidity = _liquidity(data["liquidity"], label)
        problems += found_liquidity
    if isinstance(liab, Liabilities):
        liab = {"cash_flows": liab.cash_flows, "spot_curve": liab.spot_curve}
    if isinstance(liab, Mapping) and liab:
        series: dict[str, np.ndarray] = {}
        folder = Path(base) if base is not None else None
        for key, col in (("cash_flows", "net_outflow"), ("spot_curve", "rate")):
            where = f"liabilities.{key}"
            value = liab.get(key)
            try:
                if isinstance(value, str) or value is None:
                    source, flabel = _liability_source(value, where, label, attachments, folder)
                    series[key], r = _read_series(source, flabel, "year", col)
                    rows[key] = (flabel, r)
                else:
                    series[key] = _array(value, label, where)
                    rows[key] = (label, [])
            except InputError as err:
                problems.extend(err.problems)
        if len(series) == 2:
            if len(series["spot_curve"]) < 20:
                f = rows["spot_curve"][0]
                problems.append(InputProblem(f, None, "year", text("company.spot_short")))
            data["liabilities"] = Liabilities(**series)
    company: Company | None = None
    try:
        company = Company(**data, source=label)
    except ValidationError as exc:
        seen = {p.column for p in problems}
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            if loc not in seen and err["type"] != "extra_forbidden":
                problems.append(InputProblem(label, None, loc, _pydantic_message(err)))
    except TypeError as exc:  # a table that is not a table, already reported
        if not problems:
            problems.append(InputProblem(label, None, None, str(exc)))
    if company is None:
        raise InputError(problems or [InputProblem(label, None, None, text("company.invalid"))])
    if company.loss_absorption is not None and company.minimum_capital.loss_absorption > 0:
        raise InputError.single(
            label, None, "minimum_capital.loss_absorption", text("company.loss_absorption_both")
        )
    found = _plausibility(company, label, rows) if plausibility else []
    pc_life = company.company_type == "pc" and company.minimum_capital.life_insurance > 0
    if not plausibility and pc_life:
        found.append(
            InputProblem(label, None, "minimum_capital.life_insurance", text("company.pc_life"))
        )
    problems += [p for p in found if isinstance(p, InputProblem)]
    if problems:
        raise InputError(problems)
    company._warnings = tuple(w for w in found if isinstance(w, InputWarning))
    return company


#: [stress_inputs] keys of the Annex 4 P&C chapter (第一章; reinsurers follow it) and of the
#: life chapter (第二章): a key of the other chapter would be read by no scenario
_STRESS_PC_KEYS = (
    "premium_income",
    "combined_ratio",
    "premium_risk_capital",
    "quarter_earned_premium",
    "quarter_loss_ratio",
)


def _stress_inputs_for_type(data: Mapping[str, Any], label: str) -> list[InputProblem]:
    """Refuse [stress_inputs] keys that no Annex 4 scenario of the company's type reads (they
    would be ignored without a word)."""
    given = data.get("stress_inputs")
    if isinstance(given, BaseModel):
        given = given.model_dump(exclude_none=True)
    if not isinstance(given, Mapping):
        return []
    kind = data.get("company_type")
    keys = [k for k, v in given.items() if v is not None]
    if kind == "life":
        wrong = [k for k in keys if k in _STRESS_PC_KEYS]
    elif kind in ("pc", "reinsurer"):
        wrong = [k for k in keys if k not in _STRESS_PC_KEYS]
    else:
        return []
    return [
        InputProblem(
            label,
            None,
            f"stress_inputs.{k}",
            text("company.stress_input_other_type", key=k, company_type=kind),
        )
        for k in wrong
    ]


def _reinsurance_business(data: Mapping[str, Any], has_liabilities: bool, label: str):
    """What Rule 8 Art. 21-23 needs of a reinsurer: the business it writes and, for life
    reinsurance, the liabilities of the scenario method."""
    kind, business = data.get("company_type"), data.get("reinsurance_business")
    key = "reinsurance_business"
    if business is not None and kind != "reinsurer":
        return [InputProblem(label, None, key, text("company.reinsurance_business_only"))]
    if kind != "reinsurer":
        return []
    if business is None:
        return [InputProblem(label, None, key, text("company.reinsurance_business_required"))]
    if business == "composite":
        return [InputProblem(label, None, key, text("company.reinsurance_composite"))]
    if business == "life" and not has_liabilities:
        return [
            InputProblem(label, None, "liabilities", text("company.reinsurer_liabilities_required"))
        ]
    return []


def _pydantic_message(err: Mapping[str, Any]) -> Text | str:
    """The catalogue message for a pydantic error (its English text when there is none)."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return text("value.required")
    if kind in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        bound = ctx.get("gt", ctx.get("ge", ctx.get("le", ctx.get("lt"))))
        op = {"greater_than": ">", "greater_than_equal": ">=", "less_than_equal": "<="}
        return text("company.bound", op=op.get(kind, "<"), bound=bound, value=value)
    if kind == "literal_error":
        return text("value.not_allowed", value=value, allowed=ctx.get("expected", ""))
    if kind == "value_error" and isinstance(value, str) and not value.strip():
        return text("value.required")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return text("inputs.not_table")
    return str(err["msg"])


def _plausibility(
    company: Company, label: str, rows: dict[str, tuple[str, list[int]]]
) -> list[InputProblem | InputWarning]:
    """The declared plausibility rules of the company file."""
    out: list[InputProblem | InputWarning] = []
    assets = company.total_assets
    if assets < MIN_REGISTERED_CAPITAL:
        out.append(
            TOTAL_ASSETS_UNIT.breach(
                label, "total_assets", [], text("company.total_assets_unit", value=assets)
            )
        )
    cap = company.capital.model_dump()
    mc = company.minimum_capital.model_dump()
    mc_amounts = {k: v for k, v in mc.items() if k != "sarmra_score"}
    pv = company.loss_absorption.model_dump() if company.loss_absorption is not None else {}
    for section, values in (
        ("capital", cap),
        ("minimum_capital", mc_amounts),
        ("loss_absorption", pv),
    ):
        for key, v in values.items():
            if v != 0 and abs(v) < MIN_AMOUNT:
                out.append(
                    AMOUNT_UNIT.breach(
                        label, f"{section}.{key}", [], text("company.amount_unit", value=v)
                    )
                )
    # the CNY figures of [stress_inputs] and [filing]: an amount in 亿元 is as likely there
    for section, fields in (("stress_inputs", _STRESS_AMOUNTS), ("filing", _FILING_AMOUNTS)):
        given = getattr(company, section)
        for key in fields if given is not None else ():
            v = getattr(given, key)
            if v is not None and v != 0 and abs(v) < MIN_AMOUNT:
                out.append(
                    AMOUNT_UNIT.breach(
                        label, f"{section}.{key}", [], text("company.amount_unit", value=v)
                    )
                )
    if company.company_type == "pc" and company.minimum_capital.life_insurance > 0:
        out.append(
            InputProblem(label, None, "minimum_capital.life_insurance", text("company.pc_life"))
        )
    tiers = ("core_tier1", "core_tier2", "supplementary_tier1", "supplementary_tier2")
    if assets >= MIN_REGISTERED_CAPITAL:
        positive = sum(max(cap[k], 0.0) for k in tiers)
        if positive > assets:
            out.append(
                CAPITAL_ABOVE_ASSETS.breach(
                    label,
                    "capital",
                    [],
                    text("company.capital_above_assets", value=positive, assets=assets),
                )
            )
        for column, value, floor in (
            ("capital", sum(abs(cap[k]) for k in tiers), 1e-3),
            ("minimum_capital", sum(mc_amounts.values()), 1e-4),
        ):
            if 0 < value < floor * assets and not any(
                0 < abs(v) < MIN_AMOUNT
                for v in (cap if column == "capital" else mc_amounts).values()
            ):
                out.append(
                    AMOUNT_SCALE.breach(
                        label,
                        column,
                        [],
                        text(
                            f"company.{column}_scale",
                            share=value / assets,
                            value=value,
                            assets=assets,
                        ),
                    )
                )
    ratio = company.prior_comprehensive_ratio
    if ratio > 100:
        out.append(
            RATIO_PERCENT.breach(
                label, "prior_comprehensive_ratio", [], text("company.ratio_percent", value=ratio)
            )
        )
    elif ratio > 10:  # 100 itself warns: the value to enter for a real ratio above 10000%
        out.append(
            RATIO_HIGH.breach(
                label, "prior_comprehensive_ratio", [], text("company.ratio_high", value=ratio)
            )
        )
    for key in ("comprehensive", "core"):
        v = getattr(company.targets, key)
        if v > 10:
            out.append(
                TARGET_PERCENT.breach(
                    label, f"targets.{key}", [], text("company.target_percent", value=v)
                )
            )
    score = company.minimum_capital.sarmra_score
    if score < 1:
        out.append(
            SARMRA_FRACTION.breach(
                label,
                "minimum_capital.sarmra_score",
                [],
                text("company.sarmra_fraction", value=score),
            )
        )
    for i, item in enumerate(company.credit_items):
        where = f"credit_items[{i + 1}]"
        if assets >= MIN_REGISTERED_CAPITAL and item.amount > assets:
            out.append(
                CREDIT_ITEM_ABOVE_ASSETS.breach(
                    label,
                    f"{where}.amount",
                    [],
                    text("company.credit_item_above_assets", value=item.amount, assets=assets),
                )
            )
        ratio = item.reinsurer_solvency_ratio
        if ratio is not None and ratio > 100:
            out.append(
                SOLVENCY_RATIO_PERCENT.breach(
                    label,
                    f"{where}.reinsurer_solvency_ratio",
                    [],
                    text("company.solvency_ratio_percent", value=ratio),
                )
            )
    liab = company.liabilities
    if liab is not None:
        f, r = rows.get("spot_curve", (label, []))
        column = "rate" if r else "liabilities.spot_curve"
        spot = liab.spot_curve
        for mask, the_rule, msg in (
            (spot > SPOT_MAX, SPOT_PERCENT, "company.spot_percent"),
            (spot < SPOT_MIN, SPOT_NEGATIVE, "company.spot_negative"),
        ):
            idx = np.flatnonzero(mask)
            if len(idx):
                where = [r[i] for i in idx] if r else [int(i) + 1 for i in idx]
                out.append(the_rule.breach(f, column, where, text(msg, value=float(spot[idx[0]]))))
        f, r = rows.get("cash_flows", (label, []))
        column = "net_outflow" if r else "liabilities.cash_flows"
        total = float(np.abs(liab.cash_flows).sum())
        if assets >= MIN_REGISTERED_CAPITAL and np.isfinite(total):
            share = total / assets
            fields = {"share": share, "value": total, "assets": assets}
            if share < 1e-6 or share > 1000:
                out.append(
                    CASH_FLOWS_UNIT.breach(f, column, [], text("company.cash_flows_unit", **fields))
                )
            elif share < 1e-2 or share > 20:
                out.append(
                    CASH_FLOWS_SCALE.breach(
                        f, column, [], text("company.cash_flows_scale", **fields)
                    )
                )
    out += _liquidity_plausibility(company, label)
    return out


# --------------------------------------------------------------------------------------------
# Projected cash flows for the liquidity coverage ratios (Rule 13 Art. 35, Annex 1-2)
# --------------------------------------------------------------------------------------------

#: the activity subtotals of 附表1 (现金流测试表), CNY over the horizon: 经营活动现金流入小计 /
#: 流出小计, 投资活动现金流入小计 / 流出小计, 筹资活动现金流入小计 / 流出小计 (the financing
#: subtotals without short-term financing, which enters by its net: Annex 2 一(二)1)
LIQUIDITY_FLOWS = (
    "operating_inflow",
    "operating_outflow",
    "investing_inflow",
    "investing_outflow",
    "financing_inflow",
    "financing_outflow",
)
#: the scenario x horizon tables of ``[liquidity]``: base (基本情景) and stressed (必测压力情景)
#: cash flows over the next 3 and the next 12 months (Annex 2 一(二)2, 附表2-1)
LIQUIDITY_SCENARIOS = ("base_3m", "base_12m", "stress_3m", "stress_12m")
LIQUIDITY_KEYS = (*LIQUIDITY_FLOWS, "short_term_financing_net")


class CashFlowProjection(_Frozen):
    """The cash flows of one scenario over one horizon (CNY, cumulative from the valuation
    date), as the activity subtotals of Rule 13 Annex 1 附表1.

    ``short_term_financing_net`` is 短期筹资（卖出回购、拆入资金等）收支净额: a net inflow is
    added to the financing inflows, a net outflow to the financing outflows (Annex 2
    一(二)1).
    """

    operating_inflow: float = Field(ge=0, description="经营活动现金流入小计, CNY")
    operating_outflow: float = Field(ge=0, description="经营活动现金流出小计, CNY")
    investing_inflow: float = Field(ge=0, description="投资活动现金流入小计, CNY")
    investing_outflow: float = Field(ge=0, description="投资活动现金流出小计, CNY")
    financing_inflow: float = Field(ge=0, description="筹资活动现金流入小计 (excl. short-term)")
    financing_outflow: float = Field(ge=0, description="筹资活动现金流出小计 (excl. short-term)")
    short_term_financing_net: float = Field(0.0, description="短期筹资净额, CNY, signed")

    @property
    def inflow(self) -> float:
        """公司整体现金流入 (Annex 2 附表2-1 row 1), CNY."""
        return (
            self.operating_inflow
            + self.investing_inflow
            + self.financing_inflow
            + max(self.short_term_financing_net, 0.0)
        )

    @property
    def outflow(self) -> float:
        """公司整体现金流出 (附表2-1 row 2), CNY."""
        return (
            self.operating_outflow
            + self.investing_outflow
            + self.financing_outflow
            + max(-self.short_term_financing_net, 0.0)
        )


class LiquidityProjection(_Frozen):
    """``[liquidity]``: the projected cash flows of the liquidity coverage ratios (Rule 13
    Art. 35, Annex 2 一), per scenario and horizon, and the cash and cash equivalents that
    the holdings file does not carry (CNY)."""

    base_3m: CashFlowProjection
    base_12m: CashFlowProjection
    stress_3m: CashFlowProjection
    stress_12m: CashFlowProjection
    cash_outside_holdings: float = Field(
        0.0, ge=0, description="cash and cash equivalents not in the holdings file, CNY"
    )

    @model_validator(mode="after")
    def _outflows_positive(self) -> LiquidityProjection:
        for key in LIQUIDITY_SCENARIOS:
            if not getattr(self, key).outflow > 0:
                raise ValueError(f"{key}: the outflows must add up to more than 0")
        return self

    def scenario(self, name: str, months: int) -> CashFlowProjection:
        """The cash flows of ``name`` (``base`` or ``stress``) over ``months`` (3 or 12)."""
        return getattr(self, f"{name}_{months}m")


Company.model_rebuild()

register(
    {
        "company.liquidity_scenario_required": (
            "required: [liquidity] needs the four tables base_3m, base_12m, stress_3m, "
            "stress_12m (Rule 13 Annex 2 一(二)2: base and stressed cash flows over the next 3 "
            "and 12 months)",
            "必须填写：[liquidity] 须包含 base_3m、base_12m、stress_3m、stress_12m 四个表"
            "（规则第13号附件2 一(二)2：基本情景与压力情景下未来3个月及12个月的现金流）",
        ),
        "company.liquidity_outflow_zero": (
            "the cash outflows add up to 0; the liquidity coverage ratio divides by them "
            "(Rule 13 Annex 2 一(一)); enter the projected outflows",
            "现金流出合计为 0；流动性覆盖率以其为分母（规则第13号附件2 一(一)）；"
            "请填写预测现金流出",
        ),
        "company.liquidity_amount_unit": (
            "{value:g} CNY is too small to be a projected cash flow of an insurer; amounts "
            "are in CNY (yuan), not 亿元 (12亿元 = 1.2e9)",
            "{value:g} 元过小，不可能是保险公司的预测现金流；金额单位为元，"
            "不是亿元（12 亿元 = 1.2e9）",
        ),
        "company.liquidity_scale": (
            "the base 12-month cash outflows add up to {share:.3g} times total_assets "
            "({value:,.0f} against {assets:,.0f} CNY); are they in 万元 instead of CNY?",
            "基本情景未来12个月现金流出合计为总资产的 {share:.3g} 倍（{value:,.0f} 元对 "
            "{assets:,.0f} 元）；是否按万元填写了（应为元）？",
        ),
        "company.liquidity_unit": (
            "the base 12-month cash outflows add up to {share:.3g} times total_assets "
            "({value:,.0f} against {assets:,.0f} CNY): not the balance sheet's unit (CNY)",
            "基本情景未来12个月现金流出合计为总资产的 {share:.3g} 倍（{value:,.0f} 元对 "
            "{assets:,.0f} 元）：与资产负债表的单位（元）不一致",
        ),
        "company.liquidity_horizon_inflow": (
            "the {scenario} inflows over 12 months ({long:,.0f} CNY) are less than over 3 "
            "months ({short:,.0f} CNY); the 12-month flows are cumulative from the valuation "
            "date and include the first 3 months",
            "{scenario} 情景未来12个月的现金流入（{long:,.0f} 元）"
            "小于未来3个月（{short:,.0f} 元）；"
            "12个月现金流自评估时点起累计，包含前3个月",
        ),
        "company.liquidity_horizon_outflow": (
            "the {scenario} outflows over 12 months ({long:,.0f} CNY) are less than over 3 "
            "months ({short:,.0f} CNY); the 12-month flows are cumulative from the valuation "
            "date and include the first 3 months",
            "{scenario} 情景未来12个月的现金流出（{long:,.0f} 元）"
            "小于未来3个月（{short:,.0f} 元）；"
            "12个月现金流自评估时点起累计，包含前3个月",
        ),
    }
)

LIQUIDITY_AMOUNT_UNIT = rule(
    "company.liquidity_amount_unit",
    "refuse",
    "No projected cash-flow subtotal of a real insurer is a nonzero amount below 1万元; such a "
    "number (12, 3.5) is an amount in 亿元, and it would make the liquidity ratios meaningless.",
    "真实保险公司的预测现金流小计不会是不足 1 万元的非零金额；"
    "12、3.5 这样的数字是按亿元填写的金额，"
    "会使流动性覆盖率失去意义。",
)
LIQUIDITY_UNIT = rule(
    "company.liquidity_unit",
    "refuse",
    "An insurer's cash outflows over a year are a fraction of its balance sheet to a few times "
    "it (with reinvestment); more than 100 times total assets is another unit than "
    "total_assets (CNY against 亿元).",
    "保险公司一年的现金流出为资产负债表的几分之一至数倍（含再投资）；超过总资产 100 倍说明"
    "其单位与总资产不同（元与亿元混用）。",
)
LIQUIDITY_SCALE = rule(
    "company.liquidity_scale",
    "warn",
    "Base cash outflows over 12 months below 0.1% of total assets are unusual (万元 against "
    "CNY is the usual cause), though an insurer in run-off can show little activity.",
    "基本情景未来12个月现金流出低于总资产的 0.1% 并不常见（常见原因是万元与元混用），"
    "但停止新业务的公司确实可能活动很少。",
)
LIQUIDITY_HORIZON = rule(
    "company.liquidity_horizon",
    "warn",
    "The 12-month cash flows are cumulative from the valuation date, so they include the first "
    "3 months; a 12-month total below the 3-month one is a quarter entered alone or the two "
    "tables swapped (a net outflow can, rarely, reverse a subtotal).",
    "未来12个月现金流自评估时点起累计，包含前3个月；12个月合计小于3个月合计，多半是只填了单个季度"
    "或两个表填反了（个别情况下净额可能使小计反向）。",
)
#: base 12-month outflows / total_assets outside which the unit cannot be CNY (refuse above)
#: or is probably 万元 (warn below)
LIQUIDITY_REFUSE_ABOVE, LIQUIDITY_WARN_BELOW = 100.0, 1e-3


def _liquidity(value: Any, label: str) -> tuple[LiquidityProjection | None, list[InputProblem]]:
    """Validate ``[liquidity]``: known keys, finite TOML numbers, the four scenario tables,
    amounts >= 0 (the short-term financing net is signed), outflows > 0."""
    problems: list[InputProblem] = []
    if isinstance(value, LiquidityProjection):
        return value, problems
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, Mapping):
        return None, [InputProblem(label, None, "liquidity", text("inputs.not_table"))]
    allowed = (*LIQUIDITY_SCENARIOS, "cash_outside_holdings")
    clean: dict[str, Any] = {}
    for key, v in value.items():
        where = f"liquidity.{key}"
        if key not in allowed:
            problems.append(unknown_name(label, where, key, allowed))
        elif key == "cash_outside_holdings":
            if number(v, label, where, problems) is not None:
                clean[key] = v
        elif isinstance(v, (BaseModel, Mapping)):
            v = v.model_dump() if isinstance(v, BaseModel) else v
            table: dict[str, Any] = {}
            for sub, x in v.items():
                w = f"{where}.{sub}"
                if sub not in LIQUIDITY_KEYS:
                    problems.append(unknown_name(label, w, sub, LIQUIDITY_KEYS))
                elif number(x, label, w, problems) is not None:
                    table[sub] = x
            clean[key] = table
        else:
            problems.append(InputProblem(label, None, where, text("inputs.not_table")))
    for key in LIQUIDITY_SCENARIOS:
        if key not in value:
            problems.append(
                InputProblem(
                    label, None, f"liquidity.{key}", text("company.liquidity_scenario_required")
                )
            )
    if problems:
        return None, problems
    flows: dict[str, Any] = {}
    for key in LIQUIDITY_SCENARIOS:
        try:
            flows[key] = CashFlowProjection(**clean[key])
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                problems.append(
                    InputProblem(label, None, f"liquidity.{key}.{loc}", _pydantic_message(err))
                )
            continue
        if not flows[key].outflow > 0:
            problems.append(
                InputProblem(
                    label, None, f"liquidity.{key}", text("company.liquidity_outflow_zero")
                )
            )
    if "cash_outside_holdings" in clean and clean["cash_outside_holdings"] < 0:
        problems.append(
            InputProblem(
                label,
                None,
                "liquidity.cash_outside_holdings",
                text("company.bound", op=">=", bound=0, value=clean["cash_outside_holdings"]),
            )
        )
    if problems:
        return None, problems
    extra = {k: clean[k] for k in ("cash_outside_holdings",) if k in clean}
    return LiquidityProjection(**flows, **extra), problems


def _liquidity_plausibility(company: Company, label: str) -> list[InputProblem | InputWarning]:
    """The plausibility rules of ``[liquidity]`` (units, the 3- against the 12-month totals)."""
    liq = company.liquidity
    out: list[InputProblem | InputWarning] = []
    if liq is None:
        return out
    for key in LIQUIDITY_SCENARIOS:
        flows = getattr(liq, key)
        for sub in LIQUIDITY_KEYS:
            v = getattr(flows, sub)
            if v != 0 and abs(v) < MIN_AMOUNT:
                out.append(
                    LIQUIDITY_AMOUNT_UNIT.breach(
                        label,
                        f"liquidity.{key}.{sub}",
                        [],
                        text("company.liquidity_amount_unit", value=v),
                    )
                )
    v = liq.cash_outside_holdings
    if v != 0 and v < MIN_AMOUNT:
        out.append(
            LIQUIDITY_AMOUNT_UNIT.breach(
                label,
                "liquidity.cash_outside_holdings",
                [],
                text("company.liquidity_amount_unit", value=v),
            )
        )
    if out:
        return out
    assets = company.total_assets
    total = liq.base_12m.outflow
    if assets >= MIN_REGISTERED_CAPITAL:
        fields = {"share": total / assets, "value": total, "assets": assets}
        if total > LIQUIDITY_REFUSE_ABOVE * assets:
            out.append(
                LIQUIDITY_UNIT.breach(
                    label, "liquidity.base_12m", [], text("company.liquidity_unit", **fields)
                )
            )
        elif total < LIQUIDITY_WARN_BELOW * assets:
            out.append(
                LIQUIDITY_SCALE.breach(
                    label, "liquidity.base_12m", [], text("company.liquidity_scale", **fields)
                )
            )
    for scenario in ("base", "stress"):
        short, long = liq.scenario(scenario, 3), liq.scenario(scenario, 12)
        for what in ("inflow", "outflow"):
            a, b = getattr(short, what), getattr(long, what)
            if b < a:
                out.append(
                    LIQUIDITY_HORIZON.breach(
                        label,
                        f"liquidity.{scenario}_12m",
                        [],
                        text(
                            f"company.liquidity_horizon_{what}",
                            scenario=scenario,
                            long=b,
                            short=a,
                        ),
                    )
                )
    return out


__all__ = [
    "Capital",
    "Company",
    "CreditItem",
    "CashFlowProjection",
    "Liabilities",
    "LiquidityProjection",
    "NonInvestmentCapital",
    "Targets",
    "StressInputs",
    "Filing",
    "company_from_dict",
    "read_company",
]
