"""The filing view of the solvency workbook: sheets in the layout of the quarterly solvency
report summary (偿付能力报告摘要) insurers publish.

- ``主要指标 Main indicators``: the summary's main indicators (核心/综合偿付能力充足率, 认可资产,
  认可负债, 实际资本 and its four tiers after the Rule 1 Art. 41 limits, 最低资本, 偿付能力溢额,
  核心偿付能力溢额, 综合风险评级);
- ``最低资本 Minimum capital``: minimum capital by risk module and sub-module (Rule 2): the
  quantifiable-risk minimum capital with the insurance, market (Rule 8) and credit (Rule 9)
  modules, the diversification and loss-absorption effects (positive amounts, deducted, as the
  summary shows them), control-risk minimum capital and additional capital.

Labels are the summary's Chinese ones, with English beside them when the user's language is
English (:func:`analyzer.messages.language`). A figure the inputs do not give (认可资产, 认可负债,
综合风险评级 without the company file's ``[filing]`` section) reads 未提供 / not provided, never 0.
Amounts in CNY (元), ratios as fractions (1.5 = 150%).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analyzer.io.company import Company
from analyzer.messages import language
from analyzer.solvency.result import SolvencyResult

INDICATORS_SHEET = "主要指标 Main indicators"
MINIMUM_CAPITAL_SHEET = "最低资本 Minimum capital"

NOT_PROVIDED = ("未提供", "not provided")
_UNITS = {
    "cny": ("元", "CNY"),
    "ratio": ("比率（1.5 = 150%）", "fraction (1.5 = 150%)"),
    "text": ("", ""),
}


def _not_provided(lang: str) -> str:
    zh, en = NOT_PROVIDED
    return zh if lang == "zh" else f"{zh} / {en}"


def _frame(rows: list[tuple[str, str, Any, str]], lang: str) -> pd.DataFrame:
    """Rows of (Chinese label, English label, value, unit key) as the sheet's table."""
    out = []
    for zh, en, value, unit in rows:
        u_zh, u_en = _UNITS[unit]
        if value is None:
            value, u_zh, u_en = _not_provided(lang), "", ""
        out.append((zh, en, value, u_zh if lang == "zh" else u_en))
    frame = pd.DataFrame(out, columns=["项目", "item", "value", "unit"])
    if lang == "zh":
        frame = frame.drop(columns=["item"]).rename(columns={"value": "数值", "unit": "单位"})
    return frame


def indicators_frame(
    result: SolvencyResult, company: Company | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The summary's main indicators (sheet ``主要指标 Main indicators``).

    Parameters
    ----------
    result : the engine's result
    company : the company file, for its optional ``[filing]`` figures (认可资产, 认可负债,
        综合风险评级); without it, or with a blank figure, the cell reads 未提供.
    lang : ``zh`` or ``en`` (default: the user's language)

    Returns
    -------
    DataFrame
        Columns 项目, item (English only), value, unit; amounts CNY, ratios fractions.
    """
    lang = lang or language()
    filing = company.filing if company is not None else None
    tiers = result.capital_tiers

    def given(key: str) -> Any:
        return None if filing is None else getattr(filing, key)

    rows = [
        ("核心偿付能力充足率", "core solvency ratio", result.core_ratio, "ratio"),
        ("综合偿付能力充足率", "comprehensive solvency ratio", result.comprehensive_ratio, "ratio"),
        ("认可资产", "admitted assets", given("admitted_assets"), "cny"),
        ("认可负债", "admitted liabilities", given("admitted_liabilities"), "cny"),
        ("实际资本", "actual capital", result.actual_capital, "cny"),
        ("核心一级资本", "core tier 1 capital", tiers["core_tier1"], "cny"),
        ("核心二级资本", "core tier 2 capital", tiers["core_tier2"], "cny"),
        ("附属一级资本", "supplementary tier 1 capital", tiers["supplementary_tier1"], "cny"),
        ("附属二级资本", "supplementary tier 2 capital", tiers["supplementary_tier2"], "cny"),
        ("最低资本", "minimum capital", result.minimum_capital, "cny"),
        (
            "偿付能力溢额",
            "solvency surplus (actual less minimum capital)",
            result.actual_capital - result.minimum_capital,
            "cny",
        ),
        (
            "核心偿付能力溢额",
            "core solvency surplus (core less minimum capital)",
            result.core_capital - result.minimum_capital,
            "cny",
        ),
        ("综合风险评级", "integrated risk rating", given("integrated_risk_rating"), "text"),
    ]
    return _frame(rows, lang)


#: market-risk sub-modules of the summary: (key of ``SolvencyResult.market``, zh, en)
MARKET_ITEMS = (
    ("interest_rate", "利率风险最低资本", "interest-rate risk"),
    ("equity", "权益价格风险最低资本", "equity price risk"),
    ("real_estate", "房地产价格风险最低资本", "real-estate price risk"),
    ("overseas_fixed_income", "境外固定收益类资产价格风险最低资本", "overseas fixed-income risk"),
    ("overseas_equity", "境外权益类资产价格风险最低资本", "overseas equity risk"),
    ("fx", "汇率风险最低资本", "exchange-rate risk"),
)
#: credit-risk sub-modules of the summary
CREDIT_ITEMS = (
    ("spread", "利差风险最低资本", "spread risk"),
    ("default", "交易对手违约风险最低资本", "counterparty default risk"),
)


def minimum_capital_frame(result: SolvencyResult, lang: str | None = None) -> pd.DataFrame:
    """Minimum capital by risk module and sub-module (sheet ``最低资本 Minimum capital``).

    The quantifiable-risk minimum capital is ``(sqrt(v M v') - loss absorption) (1 + k)``
    (Rule 2; k the size coefficient): the modules less the diversification effect less the
    loss absorption, then the size adjustment (its own row, so the table adds up). Minimum
    capital = quantifiable + control risk + additional capital.

    Returns
    -------
    DataFrame
        Columns 项目, item (English only), value (CNY), unit.
    """
    lang = lang or language()
    market, credit = result.market, result.credit
    life = float(result.insurance.get("life", 0.0))
    nonlife = float(result.insurance.get("nonlife", 0.0))
    before_size = (
        life
        + nonlife
        + float(market["total"])
        + float(credit["total"])
        - result.diversification
        - result.loss_absorption
    )
    rows: list[tuple[str, str, Any, str]] = [
        ("最低资本", "minimum capital", result.minimum_capital, "cny"),
        ("量化风险最低资本", "quantifiable-risk minimum capital", result.quantifiable, "cny"),
        ("　寿险业务保险风险最低资本", "  life insurance risk", life, "cny"),
        ("　非寿险业务保险风险最低资本", "  non-life insurance risk", nonlife, "cny"),
        ("　市场风险最低资本", "  market risk", float(market["total"]), "cny"),
    ]
    rows += [
        ("　　" + zh, "    " + en, float(market.get(k, 0.0)), "cny") for k, zh, en in MARKET_ITEMS
    ]
    rows.append(("　信用风险最低资本", "  credit risk", float(credit["total"]), "cny"))
    rows += [
        ("　　" + zh, "    " + en, float(credit.get(k, 0.0)), "cny") for k, zh, en in CREDIT_ITEMS
    ]
    rows += [
        (
            "　量化风险分散效应",
            "  diversification effect (deducted)",
            result.diversification,
            "cny",
        ),
        (
            "　特定类别保险合同损失吸收效应",
            "  loss-absorption effect (deducted)",
            result.loss_absorption,
            "cny",
        ),
        (
            "　规模调整（规模调整系数）",
            f"  size adjustment (size coefficient {result.size_coefficient:+g})",
            result.quantifiable - before_size,
            "cny",
        ),
        ("控制风险最低资本", "control-risk minimum capital", result.control, "cny"),
        ("附加资本", "additional capital", result.additional, "cny"),
    ]
    return _frame(rows, lang)


def sheets(
    result: SolvencyResult, company: Company | None = None, lang: str | None = None
) -> dict[str, pd.DataFrame]:
    """The two filing sheets, by sheet name."""
    return {
        INDICATORS_SHEET: indicators_frame(result, company, lang),
        MINIMUM_CAPITAL_SHEET: minimum_capital_frame(result, lang),
    }
