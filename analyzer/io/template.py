"""The holdings input workbook (``analyzer template``): every holdings column, drop-downs for
every choice and true/false column, an instructions sheet in Chinese and English and one example
row per asset type.

The columns, their kinds, allowed values and defaults are read from
:data:`analyzer.io.holdings.COLUMNS` (never copied here), so the workbook always matches what
:func:`analyzer.io.holdings.read_holdings` accepts. This module adds only what a person filling
the sheet needs to read: the meaning and unit of each column in both languages, which asset
types need it, and the example rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from analyzer.io import holdings as H
from analyzer.messages import register

#: name of the sheet the positions go in (the first sheet: the one read_holdings reads)
DATA_SHEET = "holdings"
#: the instructions sheet (both languages)
INSTRUCTIONS_SHEET = "instructions 填写说明"
#: hidden sheet holding the allowed values the drop-downs refer to
LISTS_SHEET = "lists"
#: last spreadsheet row the drop-downs and number checks cover (Excel's own limit)
LAST_ROW = 1_048_576

_TRUE_FALSE = ("true", "false")

#: column -> (meaning in English, meaning in Chinese, unit in English, unit in Chinese)
DESCRIPTIONS: dict[str, tuple[str, str, str, str]] = {
    "id": ("unique position id", "持仓唯一编号", "text", "文本"),
    "asset_type": ("asset type (see the allowed values)", "资产类型（见允许的取值）", "", ""),
    "market_value": (
        "admitted value (认可价值); fair value for bonds",
        "认可价值；债券为公允价值",
        "CNY (yuan, not 万元 or 亿元)",
        "元（不是万元或亿元）",
    ),
    "asset_class": (
        "allocation bucket the optimiser moves, e.g. sci_tech_bond_aaa",
        "优化器调整的配置大类，如 sci_tech_bond_aaa",
        "text",
        "文本",
    ),
    "rating": (
        "credit rating on the domestic scale",
        "境内评级机构的信用评级",
        "",
        "",
    ),
    "modified_duration": ("modified duration", "修正久期", "years", "年"),
    "coupon_rate": (
        "annual coupon or interest rate, as a fraction (0.025 for 2.5%)",
        "年票面利率或利率，以小数填写（2.5% 填 0.025）",
        "fraction a year",
        "小数/年",
    ),
    "maturity_years": (
        "years to maturity, fractional allowed (asset cash flows of the interest-rate "
        "scenario method)",
        "剩余期限（年，可为小数；利率情景法的资产现金流）",
        "years",
        "年",
    ),
    "face_value": (
        "par amount: pays coupon_rate / coupon_frequency x face_value on each coupon date and "
        "face_value at maturity",
        "面值：每个付息日支付 coupon_rate / coupon_frequency x face_value，到期支付 face_value",
        "CNY",
        "元",
    ),
    "coupon_frequency": ("coupon payments a year", "每年付息次数", "times a year", "次/年"),
    "board": (
        "listing board: main, star (科创板), chinext (创业板), bse (北交所)",
        "上市板块：main 主板、star 科创板、chinext 创业板、bse 北交所",
        "",
        "",
    ),
    "csi300": ("constituent of the CSI 300", "是否沪深300成分股", "true/false", "true/false"),
    "dividend_low_vol_100": (
        "constituent of the CSI Dividend Low-Volatility 100",
        "是否中证红利低波动100指数成分股",
        "true/false",
        "true/false",
    ),
    "holding_years": (
        "weighted-average holding period (first in, first out)",
        "加权平均持有期（先进先出）",
        "years",
        "年",
    ),
    "purchase_cost": (
        "weighted purchase cost of the whole position (for the stock-book P&L coefficient k1)",
        "整个持仓的加权购买成本（用于股票浮盈浮亏调整系数 k1）",
        "CNY",
        "元",
    ),
    "counterparty": (
        "financing entity or issuer (for concentration risk)",
        "融资主体或发行人（用于集中度风险）",
        "text",
        "文本",
    ),
    "look_through": (
        "the product is looked through (穿透)",
        "是否穿透计量",
        "true/false",
        "true/false",
    ),
    "layers": (
        "number of layers, counting the surface, not the bottom",
        "嵌套层数（含表层，不含底层资产）",
        "count",
        "层",
    ),
    "strategic_emerging": (
        "the underlying is in a national strategic emerging industry",
        "底层是否属于国家战略性新兴产业",
        "true/false",
        "true/false",
    ),
    "green": (
        "carbon-reduction green bond (k1 = -0.1)",
        "碳减排绿色债券（k1 = -0.1）",
        "true/false",
        "true/false",
    ),
    "sci_tech": (
        "serves sci-tech innovation (sci-tech bonds, STAR stocks, sci-tech ABS, VC funds ...)",
        "服务科技创新的资产（科创债、科创板股票、科技类资产支持证券、创投基金等）",
        "true/false",
        "true/false",
    ),
    "bank_type": ("type of the deposit bank", "存款银行类型", "", ""),
    "bank_car": (
        "the bank's total capital adequacy ratio, as a fraction (0.135 for 13.5%)",
        "银行资本充足率，以小数填写（13.5% 填 0.135）",
        "fraction",
        "小数",
    ),
    "region": ("where the asset is: domestic or overseas market", "境内或境外市场", "", ""),
    "currency": (
        "currency of the asset (blank: filled from the region)",
        "资产币种（留空：按区域填充）",
        "",
        "",
    ),
    "property_tier": (
        "major: municipalities, provincial capitals, cities separately listed in the plan",
        "major：直辖市、省会城市、计划单列市；other：其他",
        "",
        "",
    ),
    "principal_protected": (
        "a structured deposit protects the principal",
        "结构性存款是否保本",
        "true/false",
        "true/false",
    ),
    "loan_class": (
        "five-category loan classification of the underlying debt",
        "底层债权的五级分类",
        "",
        "",
    ),
    "exempt": (
        "the product meets the exemption conditions (no look-through needed)",
        "产品满足豁免条件（无需穿透）",
        "true/false",
        "true/false",
    ),
    "investee": (
        "kind of investee of a long-term equity investment",
        "长期股权投资的被投资单位类型",
        "",
        "",
    ),
    "issuer_type": (
        "issuer of a preferred share or perpetual bond",
        "优先股或永续债的发行人类型",
        "",
        "",
    ),
    "conversion_clause": (
        "carries a write-down or conversion clause",
        "是否含减记或转股条款",
        "true/false",
        "true/false",
    ),
    "issuer_ratios_met": (
        "the issuer meets its regulatory capital ratios",
        "发行人是否满足监管资本要求",
        "true/false",
        "true/false",
    ),
    "fund_kind": (
        "venture capital (vc) or private equity (pe) fund",
        "创业投资基金（vc）或私募股权基金（pe）",
        "",
        "",
    ),
    "book_value": (
        "book value (blank: the market value); the stock book of the equity P&L adjustment",
        "账面价值（留空：取认可价值）；用于股票浮盈浮亏调整",
        "CNY",
        "元",
    ),
    "notional": (
        "derivatives: the contract's notional or contract value",
        "衍生品：合约名义本金或合约价值",
        "CNY",
        "元",
    ),
    "direction": (
        "derivatives: receive_fixed / pay_fixed (swaps), long / short (futures, forwards)",
        "衍生品：receive_fixed 收固定 / pay_fixed 付固定（利率互换），long 多头 / short 空头",
        "",
        "",
    ),
    "underlying": (
        "derivatives: what the contract references (FR007, T2503, IF2503, USD/CNY)",
        "衍生品：合约标的（FR007、T2503、IF2503、USD/CNY）",
        "text",
        "文本",
    ),
    "hedged_id": (
        "a hedge: the id(s) of the hedged position(s), separated by ';'",
        "套期：被套期持仓的 id，多个以 ';' 分隔",
        "text",
        "文本",
    ),
    "hedge_effective": (
        "a hedge meeting the accounting standard's hedge-effectiveness requirement",
        "套期是否符合会计准则规定的套期有效性要求",
        "true/false",
        "true/false",
    ),
    "hedge_effectiveness": (
        "hedge effectiveness (套期有效性) as a fraction",
        "套期有效性（小数）",
        "fraction",
        "小数",
    ),
    "hedge_months": ("hedge term (套期期限)", "套期期限", "months", "月"),
    "account": (
        "account: general, participating (分红), universal (万能), separate (独立账户; no "
        "market or credit capital, Rule 2 Art. 12)",
        "所属账户：general（普通）、participating（分红）、universal（万能）、separate（独立账户，"
        "不计市场和信用风险最低资本，规则第2号第12条）",
        "",
        "",
    ),
    "call_years": (
        "years to the first exercise date of an embedded option (blank: no option)",
        "距首次行权日的年数（含权资产；留空表示不含权）",
        "years",
        "年",
    ),
    "call_rate": (
        "exercise rate compared with the market forward rate (blank: exercised at call_years)",
        "与市场远期利率比较的行权利率（留空：按首次行权日行权）",
        "fraction a year",
        "小数/年",
    ),
    "accounting": (
        "accounting class: amortised_cost (以摊余成本计量), fvoci (以公允价值计量且其变动计入"
        "其他综合收益), fvtpl (以公允价值计量且其变动计入当期损益); blank: --fair-value-share",
        "会计分类：amortised_cost 以摊余成本计量，fvoci 以公允价值计量且其变动计入其他综合收益，"
        "fvtpl 以公允价值计量且其变动计入当期损益；留空：按 --fair-value-share",
        "",
        "",
    ),
    "product_kind": (
        "kind of an AM / wealth-management product: money market (cash management), fixed "
        "income, equity, mixed (incl. commodity and derivative) (Rule 7 Art. 26-27)",
        "组合类保险资产管理产品/商业银行理财产品的类型：货币市场类（现金管理类）、固定收益类、"
        "权益类、混合类（含商品及金融衍生品类）（规则第7号第二十六、二十七条）",
        "",
        "",
    ),
    "trust_kind": (
        "equity or fixed-income trust plan (Rule 7 Art. 31 (一), 32 (一))",
        "权益类或固定收益类信托计划（规则第7号第三十一条（一）、第三十二条（一））",
        "",
        "",
    ),
    "ciif_national_strategy": (
        "unlisted equity of China Insurance Investment Fund II supporting national strategy "
        "(RF0 0.15)",
        "中国保险投资基金二期支持国家战略的未上市股权投资（基础因子 0.15）",
        "true/false",
        "true/false",
    ),
    "largest_underlying_share": (
        "share of the largest underlying (excluding cash, government, policy-bank and agency "
        "bonds) in the underlyings' book value, for the Rule 7 Art. 25 exemption",
        "最大一笔底层资产（现金、政府债券、政策性银行金融债、政府支持机构债券除外）占底层资产"
        "账面价值总和的比例，用于规则第7号第二十五条豁免穿透",
        "fraction, at most 0.2",
        "小数，不超过 0.2",
    ),
    "underlying_count": (
        "number of underlying assets of an exempt ABS plan (more than 100)",
        "豁免穿透的资产支持计划的底层资产笔数（大于 100）",
        "whole number",
        "整数",
    ),
    "waive_exemption": (
        "the insurer waives the look-through exemption (Rule 7 Art. 29)",
        "保险公司放弃豁免穿透权（规则第7号第二十九条）",
        "true/false",
        "true/false",
    ),
    "look_through_date": (
        "date of the information the product was looked through with (Rule 7 Art. 11: the "
        "current or previous quarter of the company's valuation_date)",
        "穿透计量所用信息的日期（规则第7号第十一条：公司评估日的本季度或上季度）",
        "date YYYY-MM-DD",
        "日期 YYYY-MM-DD",
    ),
    "look_through_share": (
        "share of the product's value whose underlyings are identified (Rule 7 Art. 33)",
        "可识别底层资产占产品价值的比例（规则第7号第三十三条）",
        "fraction 0-1 (blank: 1)",
        "小数 0-1（留空：1）",
    ),
    "money_market_instrument": (
        "overseas negotiable certificate of deposit (ncd) or commercial paper (Rule 8 Art. 46: "
        "0.03)",
        "境外同业存单（ncd）或短期融资券（commercial_paper）（规则第8号第四十六条：0.03）",
        "",
        "",
    ),
}


def _life_scope_types() -> tuple[str, ...]:
    """Asset types whose cash flows enter a life insurer's interest-rate scenario method, in
    any bundled regime (read from the regime tables)."""
    from analyzer.solvency.regime import available_regimes, load_regime

    types: list[str] = []
    for name in available_regimes():
        table = load_regime(name).table("life_interest_rate", "life_interest_rate")
        for t in (*table["scope"], *table.get("non_base_scope", ())):
            if t not in types:
                types.append(t)
    return tuple(types)


def needed_for() -> dict[str, tuple[str, str]]:
    """Which positions need each column: column -> (English, Chinese)."""
    life = ", ".join(_life_scope_types())
    out = {c: ("every position", "所有持仓") for c in H.REQUIRED}
    out.update(
        {
            "asset_class": ("optimisation (every position)", "优化时所有持仓"),
            "rating": (
                "domestic " + ", ".join(H.RATED) + "; perpetual_bond of a non_financial issuer",
                "境内 " + "、".join(H.RATED) + "；非金融企业发行的 perpetual_bond",
            ),
            "modified_duration": (", ".join(H.BONDS), "、".join(H.BONDS)),
            "coupon_rate": (f"life insurers: {life}", f"寿险公司：{life}"),
            "maturity_years": (f"life insurers: {life}", f"寿险公司：{life}"),
            "face_value": (f"life insurers: {life}", f"寿险公司：{life}"),
            "coupon_frequency": (f"life insurers: {life}", f"寿险公司：{life}"),
            "board": ("stock", "stock"),
            "csi300": ("stock", "stock"),
            "dividend_low_vol_100": ("stock", "stock"),
            "holding_years": ("stock", "stock"),
            "purchase_cost": ("stock", "stock"),
            "counterparty": ("concentration (every credit exposure)", "集中度风险（所有信用敞口）"),
            "look_through": (", ".join(H.NON_BASE), "、".join(H.NON_BASE)),
            "layers": (", ".join(H.NON_BASE), "、".join(H.NON_BASE)),
            "strategic_emerging": ("unlisted_equity, pe_vc_fund", "unlisted_equity、pe_vc_fund"),
            "green": ("bonds", "债券"),
            "sci_tech": ("any (sci-tech share)", "任何资产（科技投资占比）"),
            "bank_type": ("deposit, structured_deposit", "deposit、structured_deposit"),
            "bank_car": ("deposit, structured_deposit", "deposit、structured_deposit"),
            "region": ("every position", "所有持仓"),
            "currency": ("overseas positions", "境外持仓"),
            "property_tier": ("investment_property", "investment_property"),
            "principal_protected": ("structured_deposit", "structured_deposit"),
            "loan_class": (
                "debt_investment_plan, trust_plan, insurance_abs_plan",
                "debt_investment_plan、trust_plan、insurance_abs_plan",
            ),
            "exempt": (
                "insurance_abs_plan and other non-base products",
                "insurance_abs_plan 等非基础资产",
            ),
            "investee": ("long_term_equity_investment", "long_term_equity_investment"),
            "issuer_type": ("preferred_share, perpetual_bond", "preferred_share、perpetual_bond"),
            "conversion_clause": (
                "preferred_share, perpetual_bond",
                "preferred_share、perpetual_bond",
            ),
            "issuer_ratios_met": (
                "preferred_share, perpetual_bond",
                "preferred_share、perpetual_bond",
            ),
            "fund_kind": ("pe_vc_fund", "pe_vc_fund"),
            "notional": (", ".join(H.DERIVATIVES), "、".join(H.DERIVATIVES)),
            "direction": (", ".join(H.DERIVATIVES), "、".join(H.DERIVATIVES)),
            "underlying": (", ".join(H.DERIVATIVES), "、".join(H.DERIVATIVES)),
            "hedged_id": ("a qualifying hedge", "符合套期有效性要求的套期"),
            "hedge_effective": (", ".join(H.DERIVATIVES), "、".join(H.DERIVATIVES)),
            "hedge_effectiveness": ("a qualifying hedge", "符合套期有效性要求的套期"),
            "hedge_months": (
                "a qualifying treasury_future, stock_index_future",
                "符合要求的 treasury_future、stock_index_future",
            ),
            "call_years": (f"life insurers: {life}", f"寿险公司：{life}"),
            "call_rate": (f"life insurers: {life}", f"寿险公司：{life}"),
            "accounting": ("fixed income (stress test)", "固定收益类（压力测试）"),
            "book_value": (
                "stock (equity P&L adjustment); any",
                "stock（股票浮盈浮亏调整）；任何资产",
            ),
            "account": ("any", "任何资产"),
            "ciif_national_strategy": (
                "unlisted_equity (CIIF II)",
                "unlisted_equity（保险投资基金二期）",
            ),
            "largest_underlying_share": (
                "exempt am_product, wealth_management_product (Rule 7 Art. 25)",
                "豁免穿透的 am_product、wealth_management_product（规则第7号第二十五条）",
            ),
            "underlying_count": ("exempt insurance_abs_plan", "豁免穿透的 insurance_abs_plan"),
            "waive_exemption": (
                "am_product, wealth_management_product (Rule 7 Art. 29)",
                "am_product、wealth_management_product（规则第7号第二十九条）",
            ),
            "look_through_date": (
                "looked-through products, date YYYY-MM-DD (Rule 7 Art. 11)",
                "穿透计量的产品，日期 YYYY-MM-DD（规则第7号第十一条）",
            ),
            "look_through_share": (
                "partly looked-through products (Rule 7 Art. 33)",
                "部分穿透的产品（规则第7号第三十三条）",
            ),
            "money_market_instrument": (
                "overseas bonds: NCD, commercial paper (Rule 8 Art. 46)",
                "境外债券：同业存单、短期融资券（规则第8号第四十六条）",
            ),
        }
    )
    # the reader's own table of the columns an asset type needs, where it declares one
    seen: set[str] = set()
    for column, types, domestic_only in getattr(H, "NEEDED_BY", ()):
        if set(types) >= set(H.ASSET_TYPES):
            en, zh = "every position", "所有持仓"
        else:
            en, zh = ", ".join(types), "、".join(types)
        if domestic_only:
            en, zh = f"domestic {en}", f"境内 {zh}"
        if column == "rating":  # the engine's rule for non-financial perpetuals, not a column
            en += "; perpetual_bond of a non_financial issuer"
            zh += "；非金融企业发行的 perpetual_bond"
        if column in seen:  # a column needed by several entries: list them all
            en, zh = f"{out[column][0]}; {en}", f"{out[column][1]}；{zh}"
        seen.add(column)
        out[column] = (en, zh)
    return out


_BOND = {"green": "false", "sci_tech": "false", "region": "domestic", "currency": "CNY"}
_PLAIN = {"sci_tech": "false", "region": "domestic", "currency": "CNY"}

#: one realistic example position per asset type (values as in a real insurer's book)
EXAMPLES: tuple[dict[str, object], ...] = (
    {
        "id": "EX01",
        "asset_type": "cash",
        "asset_class": "cash",
        "market_value": 396182666.23,
        "book_value": 396182666.23,
        **_PLAIN,
    },
    {
        "id": "EX02",
        "asset_type": "interbank",
        "asset_class": "cash",
        "market_value": 150000000.0,
        "book_value": 150000000.0,
        "counterparty": "上海浦东发展银行股份有限公司",
        "bank_type": "joint_stock",
        "bank_car": 0.1390,
        **_PLAIN,
    },
    {
        "id": "EX03",
        "asset_type": "deposit",
        "asset_class": "deposit_large_bank",
        "market_value": 544810000.0,
        "book_value": 544810000.0,
        "coupon_rate": 0.0180,
        "maturity_years": 1,
        "face_value": 544810000.0,
        "coupon_frequency": 1,
        "counterparty": "中国建设银行股份有限公司",
        "bank_type": "large_state",
        "bank_car": 0.1860,
        **_PLAIN,
    },
    {
        "id": "EX04",
        "asset_type": "structured_deposit",
        "asset_class": "structured_deposit",
        "market_value": 244830000.0,
        "book_value": 244830000.0,
        "coupon_rate": 0.0221,
        "maturity_years": 1,
        "face_value": 244830000.0,
        "coupon_frequency": 1,
        "counterparty": "招商银行股份有限公司",
        "bank_type": "joint_stock",
        "bank_car": 0.1510,
        "principal_protected": "true",
        **_PLAIN,
    },
    {
        "id": "EX05",
        "asset_type": "government_bond",
        "asset_class": "government_bond",
        "market_value": 940200627.48,
        "book_value": 939074215.31,
        "modified_duration": 17.0288,
        "coupon_rate": 0.0200,
        "maturity_years": 21,
        "face_value": 934940000.0,
        "coupon_frequency": 1,
        "counterparty": "中华人民共和国财政部",
        **_BOND,
    },
    {
        "id": "EX06",
        "asset_type": "local_government_bond",
        "asset_class": "local_government_bond",
        "market_value": 454864349.26,
        "book_value": 453604720.71,
        "modified_duration": 8.9300,
        "coupon_rate": 0.0220,
        "maturity_years": 10,
        "face_value": 442860000.0,
        "coupon_frequency": 1,
        "counterparty": "浙江省人民政府",
        **_BOND,
    },
    {
        "id": "EX07",
        "asset_type": "policy_bank_bond",
        "asset_class": "policy_bank_bond",
        "market_value": 926134079.40,
        "book_value": 899563929.16,
        "modified_duration": 11.7471,
        "coupon_rate": 0.0261,
        "maturity_years": 14,
        "face_value": 866700000.0,
        "coupon_frequency": 1,
        "counterparty": "国家开发银行",
        **_BOND,
    },
    {
        "id": "EX08",
        "asset_type": "agency_bond",
        "asset_class": "agency_bond",
        "market_value": 633990496.63,
        "book_value": 629208098.58,
        "modified_duration": 7.2866,
        "coupon_rate": 0.0225,
        "maturity_years": 8,
        "face_value": 615410000.0,
        "coupon_frequency": 1,
        "counterparty": "中国国家铁路集团有限公司",
        **_BOND,
    },
    {
        "id": "EX09",
        "asset_type": "corporate_bond",
        "asset_class": "sci_tech_bond_aaa",
        "market_value": 269021891.84,
        "book_value": 268766139.05,
        "rating": "AAA",
        "modified_duration": 2.8309,
        "coupon_rate": 0.0265,
        "maturity_years": 3,
        "face_value": 266930000.0,
        "coupon_frequency": 1,
        "counterparty": "中国电子科技集团有限公司",
        "green": "false",
        "sci_tech": "true",
        "region": "domestic",
        "currency": "CNY",
    },
    {
        "id": "EX10",
        "asset_type": "financial_bond",
        "asset_class": "financial_bond",
        "market_value": 204579081.74,
        "book_value": 203723308.71,
        "rating": "AAA",
        "modified_duration": 1.9417,
        "coupon_rate": 0.0227,
        "maturity_years": 2,
        "face_value": 202980000.0,
        "coupon_frequency": 1,
        "counterparty": "中信证券股份有限公司",
        **_BOND,
    },
    {
        "id": "EX11",
        "asset_type": "abs",
        "asset_class": "abs",
        "market_value": 38184223.41,
        "book_value": 38156089.82,
        "rating": "AA+",
        "modified_duration": 3.4863,
        "coupon_rate": 0.0575,
        "maturity_years": 4,
        "face_value": 38140000.0,
        "coupon_frequency": 1,
        "counterparty": "上汽通用汽车金融有限责任公司",
        **_BOND,
    },
    {
        "id": "EX12",
        "asset_type": "convertible_bond",
        "asset_class": "convertible_bond",
        "market_value": 49259119.49,
        "book_value": 46066715.39,
        "rating": "AAA",
        "modified_duration": 2.3876,
        "counterparty": "中国银行股份有限公司",
        **_BOND,
    },
    {
        "id": "EX13",
        "asset_type": "stock",
        "asset_class": "stock_csi300",
        "market_value": 337927767.02,
        "book_value": 337927767.02,
        "board": "main",
        "csi300": "true",
        "dividend_low_vol_100": "true",
        "holding_years": 1.38,
        "purchase_cost": 324494757.79,
        "counterparty": "中国长江电力股份有限公司",
        **_PLAIN,
    },
    {
        "id": "EX14",
        "asset_type": "equity_fund",
        "asset_class": "equity_fund",
        "market_value": 269259522.82,
        "book_value": 269259522.82,
        "counterparty": "华夏沪深300指数增强基金",
        **_PLAIN,
    },
    {
        "id": "EX15",
        "asset_type": "mixed_fund",
        "asset_class": "mixed_fund",
        "market_value": 382649366.44,
        "book_value": 382649366.44,
        "counterparty": "易方达均衡成长混合基金",
        **_PLAIN,
    },
    {
        "id": "EX16",
        "asset_type": "bond_fund",
        "asset_class": "bond_fund",
        "market_value": 493982979.11,
        "book_value": 493982979.11,
        "counterparty": "博时信用债纯债债券基金",
        **_PLAIN,
    },
    {
        "id": "EX17",
        "asset_type": "money_market_fund",
        "asset_class": "money_market_fund",
        "market_value": 260202683.17,
        "book_value": 260202683.17,
        "counterparty": "天弘余额宝货币市场基金",
        **_PLAIN,
    },
    {
        "id": "EX18",
        "asset_type": "unlisted_equity",
        "asset_class": "unlisted_equity",
        "market_value": 84532946.87,
        "book_value": 84532946.87,
        "counterparty": "某养老产业投资有限公司",
        "strategic_emerging": "false",
        **_PLAIN,
    },
    {
        "id": "EX19",
        "asset_type": "pe_vc_fund",
        "asset_class": "vc_fund",
        "market_value": 197376993.18,
        "book_value": 197376993.18,
        "counterparty": "某科技创新创业投资基金（有限合伙）",
        "look_through": "false",
        "layers": 1,
        "strategic_emerging": "true",
        "fund_kind": "vc",
        "sci_tech": "true",
        "region": "domestic",
        "currency": "CNY",
    },
    {
        "id": "EX20",
        "asset_type": "reit",
        "asset_class": "reit",
        "market_value": 271155194.65,
        "book_value": 271155194.65,
        "counterparty": "某高速公路封闭式基础设施证券投资基金",
        "look_through": "false",
        "layers": 1,
        **_PLAIN,
    },
    {
        "id": "EX21",
        "asset_type": "insurance_abs_plan",
        "asset_class": "insurance_abs_plan",
        "market_value": 958830000.0,
        "book_value": 958830000.0,
        "rating": "AAA",
        "coupon_rate": 0.0320,
        "maturity_years": 5,
        "face_value": 958830000.0,
        "coupon_frequency": 1,
        "counterparty": "某小额贷款有限公司",
        "look_through": "false",
        "layers": 1,
        "loan_class": "normal",
        "exempt": "false",
        **_PLAIN,
    },
    {
        "id": "EX22",
        "asset_type": "debt_investment_plan",
        "asset_class": "debt_investment_plan",
        "market_value": 274030000.0,
        "book_value": 274030000.0,
        "rating": "AAA",
        "coupon_rate": 0.0370,
        "maturity_years": 10,
        "face_value": 274030000.0,
        "coupon_frequency": 1,
        "counterparty": "某能源投资集团有限公司",
        "look_through": "false",
        "layers": 1,
        "loan_class": "normal",
        **_PLAIN,
    },
    {
        "id": "EX23",
        "asset_type": "trust_plan",
        "asset_class": "trust_plan",
        "market_value": 483620000.0,
        "book_value": 483620000.0,
        "rating": "AAA",
        "coupon_rate": 0.0416,
        "maturity_years": 3,
        "face_value": 483620000.0,
        "coupon_frequency": 1,
        "counterparty": "某产业园区开发有限公司",
        "look_through": "false",
        "layers": 1,
        "loan_class": "normal",
        "trust_kind": "fixed_income",
        **_PLAIN,
    },
    {
        "id": "EX24",
        "asset_type": "investment_property",
        "asset_class": "investment_property",
        "market_value": 1569484049.91,
        "book_value": 1569484049.91,
        "property_tier": "major",
        **_PLAIN,
    },
    {
        "id": "EX25",
        "asset_type": "long_term_equity_investment",
        "asset_class": "long_term_equity_investment",
        "market_value": 1680000000.0,
        "book_value": 1680000000.0,
        "counterparty": "某健康产业投资有限公司",
        "investee": "subsidiary",
        **_PLAIN,
    },
    {
        "id": "EX26",
        "asset_type": "policy_loan",
        "asset_class": "policy_loan",
        "market_value": 1437000000.0,
        "book_value": 1437000000.0,
        "coupon_rate": 0.0465,
        "maturity_years": 1,
        "face_value": 1437000000.0,
        "coupon_frequency": 1,
        **_PLAIN,
    },
    {
        "id": "EX27",
        "asset_type": "perpetual_bond",
        "asset_class": "perpetual_bond",
        "market_value": 221118977.28,
        "book_value": 220728925.73,
        "rating": "AAA",
        "modified_duration": 2.8458,
        "coupon_rate": 0.0292,
        "maturity_years": 3,
        "face_value": 218360000.0,
        "coupon_frequency": 1,
        "counterparty": "某城市商业银行股份有限公司",
        "issuer_type": "city",
        "conversion_clause": "true",
        "issuer_ratios_met": "true",
        **_BOND,
    },
    {
        "id": "EX28",
        "asset_type": "preferred_share",
        "asset_class": "preferred_share",
        "market_value": 246960073.48,
        "book_value": 246960073.48,
        "counterparty": "某股份制商业银行股份有限公司",
        "issuer_type": "joint_stock",
        "conversion_clause": "true",
        "issuer_ratios_met": "true",
        **_PLAIN,
    },
    {
        "id": "EX29",
        "asset_type": "interest_rate_swap",
        "market_value": 1250000.0,
        "notional": 200000000.0,
        "direction": "pay_fixed",
        "underlying": "FR007",
        "modified_duration": 4.6,
        "coupon_rate": 0.0185,
        "maturity_years": 5,
        "counterparty": "中国工商银行股份有限公司",
        "rating": "AAA",
        **_PLAIN,
    },
    {
        "id": "EX30",
        "asset_type": "treasury_future",
        "market_value": 0.0,
        "notional": 300000000.0,
        "direction": "short",
        "underlying": "T2503",
        "modified_duration": 8.1,
        "coupon_rate": 0.0225,
        "maturity_years": 10,
        "hedged_id": "EX05",
        "hedge_effective": "true",
        "hedge_effectiveness": 0.92,
        "hedge_months": 3,
        **_PLAIN,
    },
    {
        "id": "EX31",
        "asset_type": "stock_index_future",
        "market_value": 0.0,
        "notional": 100000000.0,
        "direction": "short",
        "underlying": "IF2503",
        "hedged_id": "EX13",
        "hedge_effective": "true",
        "hedge_effectiveness": 0.95,
        "hedge_months": 2,
        **_PLAIN,
    },
    {
        "id": "EX32",
        "asset_type": "fx_forward",
        "market_value": 380000.0,
        "notional": 50000000.0,
        "direction": "long",
        "underlying": "USD/CNY",
        "counterparty": "中国银行股份有限公司",
        "rating": "AAA",
        "sci_tech": "false",
        "region": "domestic",
        "currency": "USD",
    },
    {
        "id": "EX33",
        "asset_type": "am_product",
        "asset_class": "am_product",
        "market_value": 300000000.0,
        "book_value": 300000000.0,
        "counterparty": "某保险资产管理有限公司",
        "look_through": "false",
        "layers": 1,
        "product_kind": "fixed_income",
        "exempt": "true",
        "largest_underlying_share": 0.08,
        **_PLAIN,
    },
    {
        "id": "EX34",
        "asset_type": "wealth_management_product",
        "asset_class": "wealth_management_product",
        "market_value": 200000000.0,
        "book_value": 200000000.0,
        "counterparty": "某银行理财有限责任公司",
        "look_through": "false",
        "layers": 1,
        "product_kind": "money_market",
        "exempt": "true",
        "largest_underlying_share": 0.05,
        **_PLAIN,
    },
    {
        "id": "EX35",
        "asset_type": "equity_investment_plan",
        "asset_class": "equity_investment_plan",
        "market_value": 250000000.0,
        "book_value": 250000000.0,
        "counterparty": "某保险资产管理有限公司",
        "look_through": "true",
        "layers": 1,
        "strategic_emerging": "false",
        **_PLAIN,
    },
    {
        "id": "EX36",
        "asset_type": "debt_to_equity_plan",
        "asset_class": "debt_to_equity_plan",
        "market_value": 150000000.0,
        "book_value": 150000000.0,
        "counterparty": "某金融资产投资有限公司",
        "look_through": "false",
        "layers": 1,
        "strategic_emerging": "false",
        **_PLAIN,
    },
    {
        "id": "EX37",
        "asset_type": "real_estate_financial_product",
        "asset_class": "real_estate_financial_product",
        "market_value": 180000000.0,
        "book_value": 180000000.0,
        "counterparty": "某不动产投资有限公司",
        "look_through": "true",
        "layers": 1,
        "property_tier": "major",
        **_PLAIN,
    },
)


def _default_text(column: H.Column) -> str:
    """The default of a column as a user would type it ("" when blank stays blank)."""
    d = column.default
    if column.name in H.REQUIRED or column.name in H.REQUIRED_WHEN_READ or d is None:
        return ""
    if isinstance(d, bool):
        return "true" if d else "false"
    if isinstance(d, float):
        if math.isnan(d):
            return ""
        return f"{d:g}"
    return str(d)


def _allowed(column: H.Column) -> str:
    if column.kind == "choice":
        return ", ".join(column.choices)
    if column.kind == "bool":
        return "true, false"
    if column.kind in ("number", "int"):
        bound = f">= {column.minimum:g}" if column.minimum is not None else "any"
        return ("whole number " if column.kind == "int" else "number ") + bound
    return "text"


def _allowed_zh(column: H.Column) -> str:
    if column.kind in ("choice", "bool"):
        return _allowed(column)
    if column.kind in ("number", "int"):
        bound = f"≥ {column.minimum:g}" if column.minimum is not None else ""
        return ("整数 " if column.kind == "int" else "数值 ") + bound
    return "文本"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def instruction_rows() -> list[list[str]]:
    """The instructions table: one row per holdings column, both languages."""
    need = needed_for()
    rows = []
    for column in H.COLUMNS:
        en, zh, unit_en, unit_zh = DESCRIPTIONS.get(column.name, (column.doc, column.doc, "", ""))
        who_en, who_zh = need.get(column.name, ("", ""))
        required = column.name in H.REQUIRED
        rows.append(
            [
                column.name,
                zh,
                en,
                unit_zh,
                unit_en,
                _allowed_zh(column),
                _allowed(column),
                "必填" if required else _default_text(column),
                "required" if required else _default_text(column),
                who_zh,
                who_en,
            ]
        )
    return rows


_INSTRUCTION_HEADER = [
    "列名 column",
    "含义",
    "meaning",
    "单位",
    "unit",
    "允许的取值",
    "allowed values",
    "默认值（留空时）",
    "default (when blank)",
    "哪些持仓需要",
    "needed for",
]

_INTRO = {
    "zh": [
        "持仓导入模板：每行一个持仓，填在第一个工作表“holdings”中（第 1 行是列名，请勿修改）。",
        "金额一律以元为单位（不是万元或亿元）；比率以小数填写（2.5% 填 0.025）。",
        "有下拉列表的列只能选列表中的值；留空的列取默认值。示例行（EX01-EX28）请替换为您的持仓。",
        "填好后运行：analyzer validate holdings.xlsx，"
        "再运行 analyzer solvency holdings.xlsx -c company.toml",
    ],
    "en": [
        "Holdings input template: one position a row, in the first sheet 'holdings' (row 1 holds "
        "the column names; do not change them).",
        "Amounts in CNY (yuan, not 万元 or 亿元); rates and ratios as fractions (0.025 for 2.5%).",
        "Columns with a drop-down take only the listed values; a blank cell takes the default. "
        "Replace the example rows (EX01-EX28) with your positions.",
        "Then run: analyzer validate holdings.xlsx, then analyzer solvency holdings.xlsx -c "
        "company.toml",
    ],
}


def _cell_value(column: H.Column, value: object) -> object:
    if value is None or value == "":
        return None
    return value


def write_template(
    path: str | Path, lang: str = "zh", examples: Iterable[dict] | None = None
) -> Path:
    """Write the holdings input workbook.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (replaced atomically: a failed write leaves no file).
    lang : {"zh", "en"}
        Language shown first on the instructions sheet and in the column notes and drop-down
        messages (both languages are always on the instructions sheet).
    examples : iterable of dict, optional
        Rows to put in the data sheet (default :data:`EXAMPLES`, one per asset type).

    Returns
    -------
    Path
        The file written.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    rows = list(EXAMPLES if examples is None else examples)
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    info = wb.create_sheet(INSTRUCTIONS_SHEET)
    lists.sheet_state = "hidden"

    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    need = needed_for()
    list_col = 0
    for j, column in enumerate(H.COLUMNS, start=1):
        letter = _letter(j)
        head = data.cell(row=1, column=j, value=column.name)
        head.font = bold
        head.fill = required_fill if column.name in H.REQUIRED else optional_fill
        en, zh, unit_en, unit_zh = DESCRIPTIONS.get(column.name, (column.doc, column.doc, "", ""))
        who_en, who_zh = need.get(column.name, ("", ""))
        if lang == "zh":
            note = (
                f"{zh}\n单位：{unit_zh or '-'}\n需要：{who_zh or '-'}\n"
                f"默认：{_default_text(column) or '-'}"
            )
        else:
            note = (
                f"{en}\nunit: {unit_en or '-'}\nneeded for: {who_en or '-'}\n"
                f"default: {_default_text(column) or '-'}"
            )
        head.comment = Comment(note, "analyzer", width=320, height=140)
        data.column_dimensions[letter].width = max(12, min(28, len(column.name) + 4))
        if column.kind in ("text", "choice", "bool"):
            # typed as text: an id 0001 stays 0001, true stays true (Excel would convert them)
            data.column_dimensions[letter].number_format = "@"
        for i, row in enumerate(rows, start=2):
            value = _cell_value(column, row.get(column.name))
            if value is not None:
                cell = data.cell(row=i, column=j, value=value)
                if column.kind in ("text", "choice", "bool"):
                    cell.number_format = "@"
        sqref = f"{letter}2:{letter}{LAST_ROW}"
        if column.kind == "choice":
            list_col += 1
            lcol = _letter(list_col)
            lists.cell(row=1, column=list_col, value=column.name)
            for k, choice in enumerate(column.choices, start=2):
                lists.cell(row=k, column=list_col, value=choice).number_format = "@"
            last = len(column.choices) + 1
            dv = DataValidation(
                type="list",
                formula1=f"'{LISTS_SHEET}'!${lcol}$2:${lcol}${last}",
                allow_blank=True,
            )
        elif column.kind == "bool":
            dv = DataValidation(type="list", formula1='"true,false"', allow_blank=True)
        elif column.kind in ("number", "int") and column.minimum is not None:
            dv = DataValidation(
                type="whole" if column.kind == "int" else "decimal",
                operator="greaterThanOrEqual",
                formula1=f"{column.minimum:g}",
                allow_blank=True,
            )
        else:
            continue
        allowed = _allowed(column)
        dv.error = (
            f"允许的取值 / allowed: {allowed}" if lang == "zh" else f"allowed / 允许: {allowed}"
        )[:255]
        dv.errorTitle = f"{column.name}"[:32]
        dv.showErrorMessage = True
        dv.prompt = (zh if lang == "zh" else en)[:255]
        dv.promptTitle = column.name[:32]
        dv.showInputMessage = True
        dv.add(sqref)
        data.add_data_validation(dv)
    data.freeze_panes = "C2"
    data.auto_filter.ref = f"A1:{_letter(len(H.COLUMNS))}{max(2, len(rows) + 1)}"

    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    r = 1
    for line in _INTRO[first] + _INTRO[second]:
        info.cell(row=r, column=1, value=line)
        r += 1
    r += 1
    for j, label in enumerate(_INSTRUCTION_HEADER, start=1):
        cell = info.cell(row=r, column=j, value=label)
        cell.font = bold
    for values in instruction_rows():
        r += 1
        for j, value in enumerate(values, start=1):
            cell = info.cell(row=r, column=j, value=value or None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, width in enumerate((22, 30, 36, 10, 12, 30, 30, 14, 14, 30, 30), start=1):
        info.column_dimensions[_letter(j)].width = width
    info.freeze_panes = info.cell(row=len(_INTRO["zh"]) * 2 + 3, column=2)

    from analyzer.report.files import atomic_write

    atomic_write(path, lambda p: wb.save(p))
    return path


register(
    {
        "template.not_xlsx": (
            "the template is an Excel workbook: name the output file .xlsx (got '{suffix}')",
            "模板是 Excel 工作簿：输出文件请以 .xlsx 结尾（现为 '{suffix}'）",
        ),
        "template.exists": (
            "the file already exists and may hold your positions; choose another --output or "
            "pass --force to replace it",
            "文件已存在，可能保存着您的持仓；请换一个 --output，或加 --force 覆盖",
        ),
        "template.written": (
            "wrote {path}: fill the 'holdings' sheet (one position a row), then run "
            "analyzer validate {path}",
            "已写入 {path}：请在“holdings”工作表中逐行填写持仓，然后运行 analyzer validate {path}",
        ),
    }
)
