"""Display names (zh, en) of the analyzer's keys: asset classes, asset types, risk modules,
compliance limits and the optimiser's binding limits and units.

Every lookup falls back to the raw key for a name it does not know (a user's own asset class,
a limit added to the engine later), so a new key never breaks a page::

    asset_class("government_bond", "zh")  -> "国债"
    asset_class("my_sleeve", "en")         -> "my_sleeve"

Tests (`tests/dashboard/test_names.py`) check that every asset class of
``data/assumptions.csv`` and every asset type of `analyzer.io.holdings.ASSET_TYPES` has both
names.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard.i18n import normalize_lang

Pair = tuple[str, str]

#: asset classes (``asset_class`` column; the optimiser's buckets, data/assumptions.csv)
ASSET_CLASSES: dict[str, Pair] = {
    "cash": ("现金及流动性管理工具", "Cash and liquidity instruments"),
    "deposit_large_bank": ("大型银行存款", "Deposits at large banks"),
    "deposit_small_bank": ("中小银行存款", "Deposits at small and mid-sized banks"),
    "structured_deposit": ("结构性存款", "Structured deposits"),
    "government_bond": ("国债", "Government bonds"),
    "local_government_bond": ("地方政府债", "Local government bonds"),
    "policy_bank_bond": ("政策性金融债", "Policy bank bonds"),
    "agency_bond": ("政府支持机构债", "Government-backed agency bonds"),
    "corporate_bond_aaa": ("企业债/公司债 AAA", "Corporate bonds AAA"),
    "corporate_bond_aa": ("企业债/公司债 AA", "Corporate bonds AA"),
    "sci_tech_bond_aaa": ("科创债 AAA", "Sci-tech innovation bonds AAA"),
    "sci_tech_bond_aa": ("科创债 AA", "Sci-tech innovation bonds AA"),
    "financial_bond": ("金融债", "Financial bonds"),
    "perpetual_bond": ("永续债", "Perpetual bonds"),
    "abs": ("资产支持证券", "Asset-backed securities"),
    "sci_tech_abs": ("科创资产支持证券", "Sci-tech ABS"),
    "convertible_bond": ("可转债", "Convertible bonds"),
    "stock_csi300": ("沪深300成分股", "CSI 300 stocks"),
    "stock_dividend_low_vol": ("红利低波100成分股", "Dividend low-volatility 100 stocks"),
    "stock_star": ("科创板股票", "STAR Market stocks"),
    "stock_other": ("其他股票", "Other stocks"),
    "equity_fund": ("股票型基金", "Equity funds"),
    "mixed_fund": ("混合型基金", "Mixed funds"),
    "bond_fund": ("债券型基金", "Bond funds"),
    "money_market_fund": ("货币市场基金", "Money market funds"),
    "vc_fund": ("创业投资基金", "Venture capital funds"),
    "pe_fund": ("私募股权基金", "Private equity funds"),
    "unlisted_equity": ("未上市股权", "Unlisted equity"),
    "reit": ("公募REITs", "Public infrastructure REITs"),
    "insurance_abs_plan": ("资产支持计划", "Insurance asset-backed plans"),
    "debt_investment_plan": ("债权投资计划", "Debt investment plans"),
    "trust_plan": ("集合资金信托计划", "Trust plans"),
    "investment_property": ("投资性房地产", "Investment property"),
    "long_term_equity_investment": ("长期股权投资", "Long-term equity investments"),
    "overseas_bond": ("境外债券", "Overseas bonds"),
    "overseas_equity": ("境外权益", "Overseas equity"),
    "policy_loan": ("保单质押贷款", "Policy loans"),
    "preferred_share": ("优先股", "Preferred shares"),
}

#: asset types (``asset_type`` column, docs/formats.md §1)
ASSET_TYPES: dict[str, Pair] = {
    "cash": ("现金", "Cash"),
    "interbank": ("同业资产", "Interbank assets"),
    "deposit": ("银行存款", "Bank deposits"),
    "structured_deposit": ("结构性存款", "Structured deposits"),
    "government_bond": ("国债", "Government bonds"),
    "local_government_bond": ("地方政府债", "Local government bonds"),
    "policy_bank_bond": ("政策性金融债", "Policy bank bonds"),
    "agency_bond": ("政府支持机构债", "Government-backed agency bonds"),
    "corporate_bond": ("企业债/公司债", "Corporate bonds"),
    "financial_bond": ("金融债", "Financial bonds"),
    "abs": ("资产支持证券", "Asset-backed securities"),
    "convertible_bond": ("可转债", "Convertible bonds"),
    "stock": ("股票", "Stocks"),
    "equity_fund": ("股票型基金", "Equity funds"),
    "mixed_fund": ("混合型基金", "Mixed funds"),
    "bond_fund": ("债券型基金", "Bond funds"),
    "money_market_fund": ("货币市场基金", "Money market funds"),
    "unlisted_equity": ("未上市股权", "Unlisted equity"),
    "pe_vc_fund": ("私募股权/创业投资基金", "PE / VC funds"),
    "reit": ("公募REITs", "Public infrastructure REITs"),
    "insurance_abs_plan": ("资产支持计划", "Insurance asset-backed plans"),
    "debt_investment_plan": ("债权投资计划", "Debt investment plans"),
    "trust_plan": ("集合资金信托计划", "Trust plans"),
    "investment_property": ("投资性房地产", "Investment property"),
    "long_term_equity_investment": ("长期股权投资", "Long-term equity investments"),
    "policy_loan": ("保单质押贷款", "Policy loans"),
    "perpetual_bond": ("永续债", "Perpetual bonds"),
    "preferred_share": ("优先股", "Preferred shares"),
    "interest_rate_swap": ("利率互换", "Interest-rate swaps"),
    "treasury_future": ("国债期货", "Treasury futures"),
    "stock_index_future": ("股指期货", "Stock-index futures"),
    "fx_forward": ("外汇远期", "FX forwards"),
    "am_product": ("组合类保险资产管理产品", "Portfolio insurance AM products"),
    "wealth_management_product": ("商业银行理财产品", "Bank wealth-management products"),
    "equity_investment_plan": ("股权投资计划", "Equity investment plans"),
    "debt_to_equity_plan": ("债转股投资计划", "Debt-to-equity plans"),
    "real_estate_financial_product": ("不动产金融产品", "Real-estate financial products"),
}

#: risk modules: the engine's sub-modules, the holdings' ``module`` values and the totals
MODULES: dict[str, Pair] = {
    "interest_rate": ("利率风险", "Interest rate"),
    "equity": ("权益价格风险", "Equity"),
    "real_estate": ("房地产价格风险", "Real estate"),
    "overseas_fixed_income": ("境外固定收益", "Overseas fixed income"),
    "overseas_fixed_income_developed": (
        "境外固定收益（发达市场）",
        "Overseas fixed income (developed)",
    ),
    "overseas_fixed_income_emerging": (
        "境外固定收益（新兴市场）",
        "Overseas fixed income (emerging)",
    ),
    "overseas_equity": ("境外权益", "Overseas equity"),
    "overseas_equity_developed": ("境外权益（发达市场）", "Overseas equity (developed)"),
    "overseas_equity_emerging": ("境外权益（新兴市场）", "Overseas equity (emerging)"),
    "fx": ("汇率风险", "FX"),
    "spread": ("利差风险", "Spread"),
    "default": ("交易对手违约风险", "Counterparty default"),
    "concentration": ("集中度风险", "Concentration"),
    "market": ("市场风险", "Market risk"),
    "credit": ("信用风险", "Credit risk"),
    "insurance": ("保险风险", "Insurance risk"),
    "life": ("寿险保险风险", "Life insurance risk"),
    "nonlife": ("非寿险保险风险", "Non-life insurance risk"),
    "control": ("控制风险", "Control risk"),
    "additional": ("附加资本", "Additional capital"),
    "total": ("合计", "Total"),
}

#: investment-ratio limits of `analyzer.compliance` (``LimitCheck.limit``)
LIMITS: dict[str, Pair] = {
    "equity": ("权益类资产比例", "Equity assets"),
    "real_estate": ("不动产类资产比例", "Real-estate assets"),
    "other_financial": ("其他金融资产比例", "Other financial assets"),
    "overseas": ("境外投资比例", "Overseas investment"),
    "venture_capital": ("创业投资基金比例", "Venture capital funds"),
    "single_asset": ("单一资产", "Single asset"),
    "single_counterparty": ("单一法人主体", "Single counterparty"),
    "property_concentration": ("不动产集中度", "Real-estate concentration"),
}

#: the optimiser's limit names (`analyzer.optimize.constraints`, ``BindingConstraint``)
BINDING: dict[str, Pair] = {
    "min_core_ratio": ("核心偿付能力充足率下限", "Minimum core solvency ratio"),
    "min_comprehensive_ratio": ("综合偿付能力充足率下限", "Minimum comprehensive solvency ratio"),
    "real_estate_cap": ("不动产类上限（占总资产）", "Real-estate cap (of total assets)"),
    "other_financial_cap": (
        "其他金融资产上限（占总资产）",
        "Other financial assets cap (of total assets)",
    ),
    "overseas_cap": ("境外投资上限（占总资产）", "Overseas investment cap (of total assets)"),
    "equity_cap": ("权益类上限（占总资产）", "Equity cap (of total assets)"),
    "venture_capital_cap": (
        "创业投资基金上限（占总资产）",
        "Venture capital cap (of total assets)",
    ),
    "single_counterparty": (
        "单一法人主体上限（占总资产）",
        "Single-counterparty cap (of total assets)",
    ),
    "counterparty_threshold": (
        "交易对手集中度门槛（亿元）",
        "Counterparty concentration threshold (CNY 100m)",
    ),
    "single_asset": ("单一资产上限（占总资产）", "Single-asset cap (of total assets)"),
    "property_concentration": (
        "不动产集中度门槛（占总资产）",
        "Real-estate concentration threshold (of total assets)",
    ),
    "min_sci_tech": ("科技投资占比下限", "Minimum sci-tech share"),
    "min_liquid": ("流动性资产下限", "Minimum liquid assets"),
    "min_weight": ("权重下限", "Minimum weight"),
    "max_weight": ("权重上限", "Maximum weight"),
    "group_min": ("组合权重下限", "Group minimum"),
    "group_max": ("组合权重上限", "Group maximum"),
    "min_duration": ("修正久期下限（年）", "Minimum duration (years)"),
    "max_duration": ("修正久期上限（年）", "Maximum duration (years)"),
    "max_turnover": ("换手率上限", "Maximum turnover"),
    "max_volatility": ("波动率上限", "Maximum volatility"),
    "min_return": ("预期收益率下限", "Minimum expected return"),
}

#: pieces of the optimiser's units (``"bp of expected return per pp of total assets"``)
UNIT_PARTS: dict[str, Pair] = {
    "bp of expected return": ("预期收益率（基点）", "bp of expected return"),
    "bp of utility": ("效用（基点）", "bp of utility"),
    "bp of variance": ("方差（基点）", "bp of variance"),
    "bp of return on capital": ("资本回报率（基点）", "bp of return on capital"),
    "亿元 of MC*": ("最低资本（亿元）", "CNY 100m of MC*"),
    "pp of core ratio": ("核心充足率（百分点）", "pp of core ratio"),
    "pp of comprehensive ratio": ("综合充足率（百分点）", "pp of comprehensive ratio"),
    "pp of total assets": ("总资产（百分点）", "pp of total assets"),
    "pp of invested total": ("投资资产（百分点）", "pp of invested total"),
    "pp of volatility": ("波动率（百分点）", "pp of volatility"),
    "亿元 of exposure": ("风险暴露（亿元）", "CNY 100m of exposure"),
    "years": ("年", "years"),
}

TABLES: dict[str, dict[str, Pair]] = {
    "asset_class": ASSET_CLASSES,
    "asset_type": ASSET_TYPES,
    "module": MODULES,
    "limit": LIMITS,
    "binding": BINDING,
}


def name(kind: str, key: Any, lang: str | None = "zh") -> str:
    """The display name of ``key`` in table ``kind`` (the raw key when unknown; never raises)."""
    text = "" if key is None else str(key)
    pair = TABLES.get(kind, {}).get(text)
    if pair is None:
        return text
    return pair[1] if normalize_lang(lang) == "en" else pair[0]


def asset_class(key: Any, lang: str | None = "zh") -> str:
    return name("asset_class", key, lang)


def asset_type(key: Any, lang: str | None = "zh") -> str:
    return name("asset_type", key, lang)


def module(key: Any, lang: str | None = "zh") -> str:
    return name("module", key, lang)


def limit(key: Any, lang: str | None = "zh") -> str:
    """A compliance limit (`analyzer.compliance`)."""
    return name("limit", key, lang)


def binding(key: Any, lang: str | None = "zh") -> str:
    """An optimiser limit; ``group_min:NAME`` / ``group_max:NAME`` keep their group name."""
    text = "" if key is None else str(key)
    if ":" in text:
        head, _, tail = text.partition(":")
        if head in BINDING:
            return (
                f"{name('binding', head, lang)}：{tail}"
                if normalize_lang(lang) == "zh"
                else f"{name('binding', head, lang)}: {tail}"
            )
    return name("binding", text, lang)


def subject(key: Any, lang: str | None = "zh") -> str:
    """A binding limit's subject: an asset class when it is one, else as given."""
    text = "" if key is None else str(key)
    return asset_class(text, lang) if text in ASSET_CLASSES else text


def unit(text: Any, lang: str | None = "zh") -> str:
    """An optimiser unit (``"bp of expected return per pp of total assets"``) in ``lang``;
    unknown pieces are kept as they are."""
    raw = "" if text is None else str(text)
    zh = normalize_lang(lang) == "zh"
    parts = re.split(r"\s+per\s+", raw)
    out = []
    for part in parts:
        pair = UNIT_PARTS.get(part.strip())
        out.append(pair[0 if zh else 1] if pair else part)
    return (" / 每 " if zh else " per ").join(out) if len(out) > 1 else out[0]


def ref_data(kind: str, lang: str | None) -> dict[str, str]:
    """{key: name} of ``kind`` in ``lang``: an ag-grid column's ``refData`` (shows the names,
    filters and sorts on them; keys it does not list are shown as they are)."""
    lang = normalize_lang(lang)
    return {k: (v[1] if lang == "en" else v[0]) for k, v in TABLES[kind].items()}
