#!/usr/bin/env python3
"""Generate the bundled sample data: two synthetic Chinese insurers and capital-market assumptions.

    python data/generate_samples.py

writes, next to this file:

    life/holdings.csv, life/company.toml, life/liability_cash_flows.csv, life/spot_curve.csv
    pc/holdings.csv, pc/company.toml
    assumptions.csv, correlations.csv

Everything is drawn from numpy's default_rng with fixed seeds, so a rerun is byte-identical.
Every number is synthetic: sizes and mixes follow publicly reported industry aggregates (see
data/README.md), names of corporate issuers, banks (other than the state, policy and large
state-owned banks), funds and companies are invented.

How it works: each insurer is a table of *sleeves* (asset_class, asset_type, share of invested
assets, number of positions, parameters). The loop in `draw_portfolio` splits each sleeve's
budget over its positions (lognormal sizes) and fills the per-type columns with `build_row`.
`check_*` then reloads the written files with pandas and asserts the rules the samples promise
(docs/formats.md §1-3 and the investment-ratio caps of the 2025 equity-ratio notice).
"""

from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20260302  # the date of the 2026 sci-tech insurance opinion; any fixed integer would do
HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------
# 1. Company constants (CNY). The lead may recalibrate the capital figures once the engine runs.
# ---------------------------------------------------------------------------------------------

LIFE_NAME = "示例人寿 (Sample Life)"
LIFE_TOTAL_ASSETS = 3.0e11  # 3000亿, parent-company balance sheet
SCI_TECH_TARGET = 0.08  # company target share of sci-tech assets in invested assets
LIFE_INVESTED_TARGET = 2.8e11  # the holdings add up to about this
LIFE_PRIOR_COMPREHENSIVE_RATIO = 2.1  # 150%-250% band: 30% equity cap (2025 notice)
LIFE_CORE_TIER1 = 3.3e10
LIFE_CORE_TIER2 = 4.0e9
LIFE_SUPPLEMENTARY_TIER1 = 1.3e10
LIFE_SUPPLEMENTARY_TIER2 = 5.0e9
LIFE_MIN_CAPITAL_LIFE_INSURANCE = 1.2e10
LIFE_MIN_CAPITAL_NONLIFE_INSURANCE = 3.0e8
LIFE_LOSS_ABSORPTION = 6.0e9
LIFE_ADDITIONAL = 0.0
LIFE_SARMRA_SCORE = 78
LIFE_LIABILITY_PV_TARGET = 2.4e11  # PV of net liability outflows at LIABILITY_CHECK_RATE
LIABILITY_CHECK_RATE = 0.025

PC_NAME = "示例财险 (Sample P&C)"
PC_TOTAL_ASSETS = 6.0e10  # 600亿
PC_INVESTED_TARGET = 5.0e10
PC_PRIOR_COMPREHENSIVE_RATIO = 2.4
PC_CORE_TIER1 = 1.4e10
PC_CORE_TIER2 = 5.0e8
PC_SUPPLEMENTARY_TIER1 = 1.0e9
PC_SUPPLEMENTARY_TIER2 = 3.0e8
PC_MIN_CAPITAL_LIFE_INSURANCE = 0.0
PC_MIN_CAPITAL_NONLIFE_INSURANCE = 5.5e9
PC_LOSS_ABSORPTION = 0.0
PC_ADDITIONAL = 0.0
PC_SARMRA_SCORE = 82

# ---------------------------------------------------------------------------------------------
# 2. Curves
# ---------------------------------------------------------------------------------------------

# Nelson-Siegel fit of an approximate 2025-2026 China government-bond spot curve through
# 1y 1.40%, 10y 1.75%, 30y 2.05%, 50y 2.10% (as publicly reported, rounded; see README).
NS_BETA0, NS_BETA1, NS_BETA2, NS_TAU = 0.0192020, -0.0057362, 0.0135473, 17.5
SPOT_CURVE_YEARS = 50
USD_YIELD = 0.042  # rough overseas base yields for pricing overseas bonds
EUR_YIELD = 0.026


def cgb_spot(t):
    """Government spot rate (annual compounding, fraction) at maturity t years."""
    x = np.asarray(t, dtype=float) / NS_TAU
    f1 = (1.0 - np.exp(-x)) / x
    return NS_BETA0 + NS_BETA1 * f1 + NS_BETA2 * (f1 - np.exp(-x))


def price_bond(coupon: float, years: int, y: float) -> tuple[float, float]:
    """Price per 1 of face and modified duration of an annual bullet bond at flat yield y."""
    t = np.arange(1, years + 1, dtype=float)
    cf = np.full(years, coupon)
    cf[-1] += 1.0
    pv = cf * (1.0 + y) ** -t
    price = float(pv.sum())
    return price, float((t * pv).sum() / price / (1.0 + y))


# ---------------------------------------------------------------------------------------------
# 3. Capital-market assumptions per asset_class, and the factor model of the correlations
# ---------------------------------------------------------------------------------------------

FACTORS = ("rates", "credit", "domestic_equity", "overseas", "property", "private_equity")
# "rates" is the return of a long government bond (up when yields fall); "credit" the return of
# spread tightening. Factor correlations: bonds rally when equities fall (rates vs equity < 0).
FACTOR_CORR = np.array([
    #  rates credit  eq    ovs   prop  pe
    [1.00, 0.30, -0.20, 0.10, 0.00, -0.10],  # rates
    [0.30, 1.00, 0.30, 0.10, 0.30, 0.15],  # credit
    [-0.20, 0.30, 1.00, 0.45, 0.30, 0.55],  # domestic equity
    [0.10, 0.10, 0.45, 1.00, 0.15, 0.25],  # overseas
    [0.00, 0.30, 0.30, 0.15, 1.00, 0.25],  # property
    [-0.10, 0.15, 0.55, 0.25, 0.25, 1.00],  # private equity
])


@dataclass(frozen=True)
class AssetClass:
    expected_return: float  # annual, CNY, fraction
    volatility: float  # annual, fraction
    liquid: bool
    loadings: tuple[float, ...]  # direction of exposure to FACTORS (rescaled to r2)
    r2: float  # share of the class variance explained by the factors (the rest is idiosyncratic)
    min_weight: float | None = None
    max_weight: float | None = None


ASSET_CLASSES: dict[str, AssetClass] = {
    #                          E[r]   vol    liquid  loadings: rates credit eq ovs prop pe   r2
    "cash": AssetClass(0.012, 0.003, True, (1, 0, 0, 0, 0, 0), 0.02, min_weight=0.005),
    "deposit_large_bank": AssetClass(0.019, 0.004, False, (1, 0, 0, 0, 0, 0), 0.05),
    "deposit_small_bank": AssetClass(0.024, 0.006, False, (1, 0.6, 0, 0, 0, 0), 0.08),
    "structured_deposit": AssetClass(0.020, 0.006, False, (1, 0.2, 0.4, 0, 0, 0), 0.08),
    "government_bond": AssetClass(0.020, 0.045, True, (1, 0, 0, 0, 0, 0), 0.94),
    "local_government_bond": AssetClass(0.022, 0.045, True, (1, 0.15, 0, 0, 0, 0), 0.90),
    "policy_bank_bond": AssetClass(0.021, 0.035, True, (1, 0.1, 0, 0, 0, 0), 0.92),
    "agency_bond": AssetClass(0.022, 0.035, True, (1, 0.2, 0, 0, 0, 0), 0.88),
    "corporate_bond_aaa": AssetClass(0.024, 0.025, True, (1, 0.5, 0.05, 0, 0, 0), 0.85),
    "corporate_bond_aa": AssetClass(0.030, 0.035, False, (0.7, 1, 0.2, 0, 0.1, 0), 0.75),
    "sci_tech_bond_aaa": AssetClass(0.023, 0.025, True, (1, 0.55, 0.1, 0, 0, 0), 0.80),
    "sci_tech_bond_aa": AssetClass(0.029, 0.035, False, (0.7, 1, 0.25, 0, 0, 0.1), 0.70),
    "financial_bond": AssetClass(0.023, 0.025, True, (1, 0.5, 0.05, 0, 0, 0), 0.85),
    "perpetual_bond": AssetClass(0.028, 0.035, True, (0.9, 0.8, 0.35, 0, 0, 0), 0.75),
    "abs": AssetClass(0.027, 0.025, False, (0.8, 1, 0, 0, 0.15, 0), 0.70),
    "sci_tech_abs": AssetClass(0.028, 0.030, False, (0.7, 1, 0.15, 0, 0, 0.15), 0.65),
    "convertible_bond": AssetClass(0.045, 0.12, True, (0.2, 0.35, 1, 0, 0, 0), 0.80),
    "stock_csi300": AssetClass(0.070, 0.22, True, (0, 0, 1, 0, 0, 0), 0.90),
    "stock_dividend_low_vol": AssetClass(0.065, 0.16, True, (0.15, 0.1, 1, 0, 0, 0), 0.80),
    "stock_star": AssetClass(0.090, 0.35, True, (0, 0, 1, 0, 0, 0.4), 0.75),
    "stock_other": AssetClass(0.075, 0.27, True, (0, 0, 1, 0, 0, 0.15), 0.85),
    "equity_fund": AssetClass(0.070, 0.21, True, (0, 0, 1, 0, 0, 0.05), 0.92),
    "mixed_fund": AssetClass(0.055, 0.15, True, (0.25, 0.1, 1, 0, 0, 0), 0.88),
    "bond_fund": AssetClass(0.023, 0.018, True, (1, 0.45, 0.1, 0, 0, 0), 0.80),
    "money_market_fund": AssetClass(0.014, 0.003, True, (1, 0.2, 0, 0, 0, 0), 0.05),
    "vc_fund": AssetClass(0.110, 0.38, False, (0, 0, 0.5, 0, 0, 1), 0.60),
    "pe_fund": AssetClass(0.090, 0.28, False, (0, 0.1, 0.65, 0, 0, 1), 0.65),
    "unlisted_equity": AssetClass(0.080, 0.25, False, (0, 0.1, 0.6, 0, 0, 1), 0.55,
                                  max_weight=0.05),
    "reit": AssetClass(0.050, 0.14, True, (0.4, 0.3, 0.6, 0, 1, 0), 0.60),
    "insurance_abs_plan": AssetClass(0.030, 0.015, False, (0.7, 1, 0, 0, 0.2, 0), 0.55),
    "debt_investment_plan": AssetClass(0.033, 0.018, False, (0.7, 1, 0, 0, 0.4, 0), 0.55),
    "trust_plan": AssetClass(0.040, 0.030, False, (0.4, 1, 0.1, 0, 0.7, 0), 0.50),
    "investment_property": AssetClass(0.040, 0.10, False, (0, 0.15, 0.25, 0, 1, 0), 0.60,
                                      max_weight=0.05),
    "long_term_equity_investment": AssetClass(0.060, 0.18, False, (0, 0.15, 1, 0, 0.15, 0.5),
                                              0.60, max_weight=0.10),
    "overseas_bond": AssetClass(0.035, 0.07, True, (0.3, 0.2, 0, 1, 0, 0), 0.65),
    "overseas_equity": AssetClass(0.070, 0.20, True, (0, 0, 0.5, 1, 0, 0), 0.85),
    "policy_loan": AssetClass(0.048, 0.005, False, (1, 0, 0, 0, 0, 0), 0.02, max_weight=0.04),
    "preferred_share": AssetClass(0.040, 0.08, False, (0.6, 0.6, 0.6, 0, 0, 0), 0.65),
}


def correlation_matrix() -> tuple[list[str], np.ndarray]:
    """corr = B F B' + diag(1 - r2): a factor model, PSD plus a positive diagonal, so PD."""
    names = list(ASSET_CLASSES)
    rows = []
    for name in names:
        ac = ASSET_CLASSES[name]
        b = np.asarray(ac.loadings, dtype=float)
        b = b * math.sqrt(ac.r2 / float(b @ FACTOR_CORR @ b))  # systematic variance = r2
        rows.append(b)
    loadings = np.vstack(rows)
    corr = loadings @ FACTOR_CORR @ loadings.T
    r2 = np.array([ASSET_CLASSES[n].r2 for n in names])
    corr = corr + np.diag(1.0 - r2)
    corr = np.round((corr + corr.T) / 2.0, 6)
    np.fill_diagonal(corr, 1.0)
    return names, corr


# ---------------------------------------------------------------------------------------------
# 4. Counterparties. Real names only for the state, provinces, policy banks, government-
#    supported agencies and the six large state-owned banks (all exempt from concentration);
#    every other name is made up from a brand and an industry word.
# ---------------------------------------------------------------------------------------------

MOF = "中华人民共和国财政部"
PROVINCES = ["广东省", "江苏省", "浙江省", "山东省", "四川省", "河南省", "湖北省", "湖南省",
             "福建省", "安徽省", "河北省", "北京市", "上海市", "重庆市", "陕西省", "江西省"]
POLICY_BANKS = ["国家开发银行", "中国进出口银行", "中国农业发展银行"]
AGENCIES = ["中国国家铁路集团有限公司", "中央汇金投资有限责任公司"]
LARGE_STATE_BANKS = ["中国工商银行股份有限公司", "中国农业银行股份有限公司", "中国银行股份有限公司",
                     "中国建设银行股份有限公司", "交通银行股份有限公司", "中国邮政储蓄银行股份有限公司"]
EXEMPT_COUNTERPARTIES = set([MOF, *POLICY_BANKS, *AGENCIES, *LARGE_STATE_BANKS]
                            + [p + "人民政府" for p in PROVINCES])

BRANDS = ["澜海", "嘉岳", "启衡", "恒拓", "瑞川", "华曜", "鼎沅", "泰岚", "远岫", "星澜", "云帆",
          "安屿", "宏骐", "金澄", "长溪", "同岳", "新桐", "汇澄", "青岚", "明湖", "天衡", "博远",
          "西岭", "昱成", "朗川", "景和", "德澜", "容川", "翰屿", "沛霖", "睿谷", "祥禾", "弘澜",
          "峻岭", "曜石", "蓝汐", "清岳", "鸿澄", "荣岱", "宁屿", "恒澄", "泓川", "觅山", "望舒",
          "和岚", "麓川", "砚池", "岱衡", "瀚屿", "星桥", "凌川", "启澄", "芮澜", "乾屿", "沐岚",
          "岳澄", "澄屿", "梧川", "栖霞岭", "隽岳"]

NAME_KINDS: dict[str, list[str]] = {
    "corporate": ["交通投资集团有限公司", "能源集团有限公司", "电力股份有限公司", "城市建设投资集团有限公司",
                  "港务集团有限公司", "水务集团有限公司", "高速公路股份有限公司", "国有资本运营有限公司",
                  "建工集团有限公司", "铁路投资集团有限公司", "化工集团有限公司", "钢铁集团有限公司"],
    "scitech": ["半导体股份有限公司", "集成电路有限公司", "新能源科技股份有限公司", "生物医药股份有限公司",
                "智能装备股份有限公司", "信息技术股份有限公司", "航天科技股份有限公司", "新材料股份有限公司",
                "科技控股集团有限公司"],
    "listed": ["电力股份有限公司", "食品股份有限公司", "医药股份有限公司", "机械股份有限公司",
               "汽车股份有限公司", "家电股份有限公司", "化工股份有限公司", "建材股份有限公司",
               "物流股份有限公司", "电子股份有限公司", "传媒股份有限公司", "有色金属股份有限公司"],
    "listed_dividend": ["银行股份有限公司", "电力股份有限公司", "高速公路股份有限公司", "煤业股份有限公司",
                        "港口股份有限公司", "燃气股份有限公司", "钢铁股份有限公司"],
    "listed_star": ["微电子股份有限公司", "半导体股份有限公司", "光电科技股份有限公司", "生物科技股份有限公司",
                    "智能科技股份有限公司", "软件股份有限公司"],
    "bank_joint_stock": ["银行股份有限公司"],
    "bank_city": ["银行股份有限公司"],
    "bank_rural": ["农村商业银行股份有限公司"],
    "bank_other": ["民营银行股份有限公司"],
    "finance_company": ["集团财务有限公司"],
    "fin_issuer": ["证券股份有限公司", "金融租赁股份有限公司", "消费金融股份有限公司"],
    "abs_originator": ["融资租赁有限公司", "商业保理有限公司", "汽车金融有限公司", "小额贷款有限公司"],
    "scitech_originator": ["科技融资租赁有限公司", "知识产权运营有限公司", "科创供应链管理有限公司"],
    "infra": ["交通投资集团有限公司", "城市建设投资集团有限公司", "能源投资集团有限公司", "水利投资集团有限公司",
              "轨道交通集团有限公司", "棚户区改造投资有限公司", "清洁能源集团有限公司"],
    "trust_borrower": ["城市发展集团有限公司", "置业有限公司", "产业园区开发有限公司", "基础设施投资有限公司"],
    "insurer": ["人寿保险股份有限公司", "财产保险股份有限公司"],
    "fund_equity": ["沪深300指数增强基金", "价值精选股票基金", "高端制造股票基金", "消费升级股票基金"],
    "fund_mixed": ["稳健配置混合基金", "灵活配置混合基金", "均衡成长混合基金"],
    "fund_bond": ["纯债债券基金", "信用增强债券基金", "短债债券基金"],
    "fund_money": ["货币市场基金"],
    "fund_vc": ["创业投资基金（有限合伙）", "科创早期投资基金（有限合伙）", "硬科技创业投资基金（有限合伙）"],
    "fund_pe": ["产业投资基金（有限合伙）", "并购投资基金（有限合伙）", "股权投资母基金（有限合伙）"],
    "reit": ["产业园封闭式基础设施证券投资基金", "高速公路封闭式基础设施证券投资基金",
             "仓储物流封闭式基础设施证券投资基金", "清洁能源封闭式基础设施证券投资基金"],
    "unlisted_other": ["能源投资有限公司", "物流产业有限公司", "医疗健康产业有限公司", "养老产业投资有限公司"],
    "overseas_corp": ["Harbourview Holdings Ltd", "Kestrel Energy Corp", "Northbridge Capital plc",
                      "Meridian Telecom Ltd", "Silverline Infrastructure Corp", "Lumen Pacific Ltd",
                      "Aurora Resources Ltd", "Cobalt Point Utilities Inc"],
    "overseas_stock": ["Victoria Peak Technology", "Kowloon Bay Utilities", "Tsing Ma Logistics",
                       "Lantau Consumer Brands", "Pearl Delta Insurance", "Jade Harbour Bank",
                       "Sai Kung Properties", "Stonecutters Telecom", "Aberdeen Bay Energy",
                       "Repulse Bay Healthcare", "Lamma Island Foods", "Discovery Bay Gaming"],
    "overseas_fund_developed": ["Global Developed Equity Fund (USD)", "US Large Cap Index Fund (USD)",
                                "Europe Dividend Equity Fund (USD)"],
    "overseas_fund_emerging": ["Emerging Asia Equity Fund (USD)", "ASEAN Growth Equity Fund (USD)"],
}
ENGLISH_KINDS = {"overseas_corp", "overseas_stock", "overseas_fund_developed",
                 "overseas_fund_emerging"}


class Names:
    """Hands out unique invented names per kind, in an order fixed by the rng."""

    def __init__(self, rng: np.random.Generator):
        self._pools: dict[str, list[str]] = {}
        for kind, suffixes in NAME_KINDS.items():
            if kind in ENGLISH_KINDS:
                pool = list(suffixes)
            else:
                pool = [b + s for b in BRANDS for s in suffixes]
            self._pools[kind] = [pool[i] for i in rng.permutation(len(pool))]
        self._used: set[str] = set()
        self._memo: dict[tuple, str] = {}

    def named(self, key: tuple, kind: str) -> str:
        """The same invented name every time for the same key (e.g. a bank and its CAR)."""
        if key not in self._memo:
            self._memo[key] = self.take(kind, 1)[0]
        return self._memo[key]

    def take(self, kind: str, k: int) -> list[str]:
        out = []
        pool = self._pools[kind]
        while len(out) < k:
            name = pool.pop(0)  # IndexError if a pool runs dry: make it bigger
            if name not in self._used:  # the same brand+word can sit in two kinds
                self._used.add(name)
                out.append(name)
        return out


# ---------------------------------------------------------------------------------------------
# 5. The sleeves. share = fraction of invested assets; n = number of positions; p = parameters.
#    Categorical parameters are quotas: {value: count} (exact) or {value: weight} (rounded).
#    mat = (min, max) whole years to maturity; spread = (min, max) over the government curve
#    (credit assets add RATING_SPREAD); gap = coupon minus yield (older, higher-coupon issues).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sleeve:
    asset_class: str
    asset_type: str
    share: float
    n: int
    p: dict = field(default_factory=dict)


RATING_SPREAD = {"AAA": 0.0035, "AA+": 0.0060, "AA": 0.0110, "AA-": 0.0180, "A+": 0.0260,
                 "unrated": 0.0400}
DEPOSIT_RATE = {"large_state": (0.0160, 0.0220), "policy": (0.0170, 0.0220),
                "joint_stock": (0.0190, 0.0260), "city": (0.0220, 0.0300),
                "rural": (0.0240, 0.0320), "other": (0.0240, 0.0300),
                "finance_company": (0.0200, 0.0260)}

# the one counterparty of the life sample above the concentration threshold: a joint-stock bank
# whose bonds and deposits add up to about 4% of total assets (threshold 108亿 = 3.6%).
LIFE_CONCENTRATED_BANK = ("东澜银行股份有限公司", "joint_stock", 0.131)

LIFE_BANKS = [  # (name, bank_type, bank_car): deposits of the life sample
    ("中国工商银行股份有限公司", "large_state", 0.185), ("中国农业银行股份有限公司", "large_state", 0.178),
    ("中国银行股份有限公司", "large_state", 0.182), ("中国建设银行股份有限公司", "large_state", 0.186),
    ("交通银行股份有限公司", "large_state", 0.162), ("中国邮政储蓄银行股份有限公司", "large_state", 0.142),
    ("国家开发银行", "policy", 0.120),
]
PC_BANKS = LIFE_BANKS[:5] + [("中国农业发展银行", "policy", 0.125)]
# small-bank deposit counterparties: kind, bank_type and CAR, spread over every CAR band
LIFE_SMALL_BANKS = [("bank_joint_stock", "joint_stock", 0.1285), ("bank_joint_stock", "joint_stock", 0.1350),
                    ("bank_joint_stock", "joint_stock", 0.1180), ("bank_city", "city", 0.1215),
                    ("bank_city", "city", 0.1290), ("bank_city", "city", 0.1410),
                    ("bank_rural", "rural", 0.1230), ("bank_rural", "rural", 0.1310),
                    ("bank_rural", "rural", 0.1400), ("bank_rural", "rural", 0.1520),
                    ("finance_company", "finance_company", 0.1650), ("bank_other", "other", 0.1380)]
PC_SMALL_BANKS = [("bank_joint_stock", "joint_stock", 0.1265), ("bank_joint_stock", "joint_stock", 0.1320),
                  ("bank_joint_stock", "joint_stock", 0.1395), ("bank_city", "city", 0.1240),
                  ("bank_city", "city", 0.1300), ("bank_city", "city", 0.1450),
                  ("bank_rural", "rural", 0.1280), ("bank_rural", "rural", 0.1380),
                  ("bank_rural", "rural", 0.1490), ("finance_company", "finance_company", 0.1720),
                  ("bank_other", "other", 0.1290)]

LIFE_SLEEVES = [
    Sleeve("cash", "cash", 0.010, 3),
    Sleeve("deposit_large_bank", "deposit", 0.030, 10, {"banks": LIFE_BANKS, "mat": (1, 5)}),
    Sleeve("deposit_small_bank", "deposit", 0.022, 14, {"banks": LIFE_SMALL_BANKS, "mat": (1, 5)}),
    Sleeve("deposit_small_bank", "deposit", 0.018, 2, {"banks": [LIFE_CONCENTRATED_BANK], "mat": (3, 5),
                                                       "sigma": 0.1}),
    Sleeve("structured_deposit", "structured_deposit", 0.010, 6,
           {"banks": LIFE_BANKS[:4] + LIFE_SMALL_BANKS[:2], "unprotected": 1}),
    Sleeve("government_bond", "government_bond", 0.140, 40, {"mat": (3, 30), "spread": (0, 0),
                                                             "gap": (-0.002, 0.008)}),
    Sleeve("local_government_bond", "local_government_bond", 0.105, 45,
           {"mat": (5, 30), "spread": (0.0010, 0.0025), "gap": (-0.002, 0.008)}),
    Sleeve("policy_bank_bond", "policy_bank_bond", 0.060, 25, {"mat": (3, 20), "spread": (0.0008, 0.0020)}),
    Sleeve("agency_bond", "agency_bond", 0.010, 5, {"mat": (3, 20), "spread": (0.0012, 0.0025)}),
    Sleeve("corporate_bond_aaa", "corporate_bond", 0.050, 40,
           {"mat": (1, 10), "ratings": {"AAA": 40}, "pool": "corporate", "issuers": 24, "green": 3}),
    Sleeve("corporate_bond_aa", "corporate_bond", 0.015, 15,
           {"mat": (1, 7), "ratings": {"AA+": 9, "AA": 3, "AA-": 2, "A+": 1}, "pool": "corporate",
            "issuers": 10, "green": 1}),
    Sleeve("sci_tech_bond_aaa", "corporate_bond", 0.022, 18,
           {"mat": (3, 7), "ratings": {"AAA": 18}, "pool": "scitech", "issuers": 10, "sci": True}),
    Sleeve("sci_tech_bond_aa", "corporate_bond", 0.008, 8,
           {"mat": (3, 7), "ratings": {"AA+": 5, "AA": 3}, "pool": "scitech", "issuers": 6, "sci": True}),
    Sleeve("financial_bond", "financial_bond", 0.014, 14,
           {"mat": (2, 10), "ratings": {"AAA": 11, "AA+": 3}, "pool": "fin_issuer", "issuers": 8,
            "green": 1}),
    Sleeve("financial_bond", "financial_bond", 0.017, 3,
           {"mat": (3, 10), "ratings": {"AAA": 3}, "cp": LIFE_CONCENTRATED_BANK[0], "green": 1,
            "sigma": 0.1}),
    Sleeve("perpetual_bond", "perpetual_bond", 0.007, 6,
           {"mat": (1, 5), "ratings": {"AAA": 4, "AA+": 2},
            "issuers": [("中国银行股份有限公司", "large_state"), ("中国建设银行股份有限公司", "large_state"),
                        ("bank_joint_stock", "joint_stock"), ("bank_city", "city"), ("insurer", "insurer"),
                        ("bank_joint_stock", "joint_stock")]}),
    Sleeve("perpetual_bond", "perpetual_bond", 0.008, 1,
           {"mat": (3, 5), "ratings": {"AAA": 1}, "issuers": [LIFE_CONCENTRATED_BANK[:2]]}),
    Sleeve("abs", "abs", 0.007, 8,
           {"mat": (1, 5), "ratings": {"AAA": 5, "AA+": 1, "unrated": 2}, "pool": "abs_originator",
            "issuers": 5}),
    Sleeve("sci_tech_abs", "abs", 0.004, 4,
           {"mat": (2, 5), "ratings": {"AAA": 3, "AA+": 1}, "pool": "scitech_originator", "issuers": 3,
            "sci": True}),
    Sleeve("sci_tech_abs", "insurance_abs_plan", 0.004, 3,
           {"mat": (3, 6), "ratings": {"AAA": 2, "AA+": 1}, "pool": "scitech_originator", "issuers": 2,
            "sci": True, "exempt": 1, "layers": {1: 2, 2: 1}}),
    Sleeve("convertible_bond", "convertible_bond", 0.004, 8, {"ratings": {"AAA": 3, "AA+": 4, "AA": 1},
                                                             "pool": "listed", "issuers": 8}),
    Sleeve("stock_csi300", "stock", 0.045, 40, {"csi300": 1.0, "hold": (0.3, 5.0)}),
    Sleeve("stock_dividend_low_vol", "stock", 0.020, 18, {"dividend": True, "csi300": 0.5, "hold": (1.0, 5.0)}),
    Sleeve("stock_star", "stock", 0.012, 16, {"board": {"star": 16}, "hold": (0.2, 4.0), "sci": True}),
    Sleeve("stock_other", "stock", 0.015, 22, {"board": {"main": 12, "chinext": 8, "bse": 2},
                                               "hold": (0.2, 4.0)}),
    Sleeve("equity_fund", "equity_fund", 0.015, 8, {"pool": "fund_equity"}),
    Sleeve("mixed_fund", "mixed_fund", 0.010, 6, {"pool": "fund_mixed"}),
    Sleeve("bond_fund", "bond_fund", 0.020, 8, {"pool": "fund_bond"}),
    Sleeve("money_market_fund", "money_market_fund", 0.007, 4, {"pool": "fund_money"}),
    Sleeve("vc_fund", "pe_vc_fund", 0.009, 8,
           {"fund_kind": "vc", "pool": "fund_vc", "look_through": {True: 5, False: 3},
            "layers": {1: 4, 2: 1}, "strategic": {True: 7, False: 1}, "sci": True}),
    Sleeve("pe_fund", "pe_vc_fund", 0.012, 8,
           {"fund_kind": "pe", "pool": "fund_pe", "look_through": {True: 5, False: 3},
            "layers": {1: 3, 2: 2}, "strategic": {True: 3, False: 5}}),
    Sleeve("unlisted_equity", "unlisted_equity", 0.015, 8, {"strategic": {True: 5, False: 3}}),
    Sleeve("reit", "reit", 0.006, 6, {"pool": "reit", "look_through": {True: 3, False: 3}}),
    Sleeve("insurance_abs_plan", "insurance_abs_plan", 0.015, 8,
           {"mat": (3, 8), "ratings": {"AAA": 6, "AA+": 2}, "pool": "abs_originator", "issuers": 6,
            "exempt": 4, "layers": {1: 5, 2: 3}}),
    Sleeve("debt_investment_plan", "debt_investment_plan", 0.045, 25,
           {"mat": (5, 10), "ratings": {"AAA": 21, "AA+": 4}, "pool": "infra", "issuers": 20,
            "look_through": {True: 23, False: 2}, "special_mention": 1}),
    Sleeve("trust_plan", "trust_plan", 0.027, 14,
           {"mat": (2, 5), "ratings": {"AAA": 8, "AA+": 6}, "pool": "trust_borrower", "issuers": 12,
            "look_through": {True: 12, False: 2}, "layers": {1: 9, 2: 5}}),
    Sleeve("investment_property", "investment_property", 0.032, 6, {"tier": {"major": 4, "other": 2}}),
    Sleeve("long_term_equity_investment", "long_term_equity_investment", 0.060, 5,
           {"investees": [("示例养老保险股份有限公司", "insurance_subsidiary", 0.30),
                          # an insurance asset manager: inside the insurance main business
                          ("示例资产管理股份有限公司", "insurance_subsidiary", 0.15),
                          ("示例健康产业投资有限公司", "subsidiary", 0.10),
                          ("bank_city", "listed_associate", 0.30),
                          ("unlisted_other", "unlisted_associate", 0.15)]}),
    Sleeve("overseas_bond", "government_bond", 0.008, 4, {"mat": (2, 10), "region": {"developed": 4},
                                                          "currency": {"USD": 2, "EUR": 2}}),
    Sleeve("overseas_bond", "corporate_bond", 0.007, 6,
           {"mat": (2, 7), "ratings": {"AAA": 3, "AA+": 3}, "pool": "overseas_corp", "issuers": 5,
            "region": {"developed": 4, "emerging": 2}}),
    Sleeve("overseas_equity", "stock", 0.012, 12, {"region": {"developed": 12}, "currency": {"HKD": 12},
                                                   "hold": (0.5, 4.0)}),
    Sleeve("overseas_equity", "equity_fund", 0.013, 5, {"region": {"developed": 3, "emerging": 2}}),
    Sleeve("policy_loan", "policy_loan", 0.025, 4, {"sigma": 0.3}),
    Sleeve("preferred_share", "preferred_share", 0.005, 4,
           {"issuers": [("中国农业银行股份有限公司", "large_state"), ("bank_joint_stock", "joint_stock"),
                        ("bank_city", "city"), ("corporate", "non_financial")]}),
]

PC_SLEEVES = [
    Sleeve("cash", "cash", 0.025, 3),
    Sleeve("deposit_large_bank", "deposit", 0.060, 10, {"banks": PC_BANKS, "mat": (1, 3)}),
    Sleeve("deposit_small_bank", "deposit", 0.070, 16, {"banks": PC_SMALL_BANKS, "mat": (1, 3)}),
    Sleeve("structured_deposit", "structured_deposit", 0.020, 6, {"banks": PC_BANKS[:3] + PC_SMALL_BANKS[:3]}),
    Sleeve("government_bond", "government_bond", 0.080, 18, {"mat": (3, 15), "spread": (0, 0)}),
    Sleeve("local_government_bond", "local_government_bond", 0.060, 18,
           {"mat": (3, 15), "spread": (0.0010, 0.0025)}),
    Sleeve("policy_bank_bond", "policy_bank_bond", 0.060, 15, {"mat": (3, 10), "spread": (0.0008, 0.0020)}),
    Sleeve("agency_bond", "agency_bond", 0.010, 3, {"mat": (3, 10), "spread": (0.0012, 0.0025)}),
    Sleeve("corporate_bond_aaa", "corporate_bond", 0.067, 30,
           {"mat": (1, 7), "ratings": {"AAA": 30}, "pool": "corporate", "issuers": 22, "green": 2}),
    Sleeve("corporate_bond_aa", "corporate_bond", 0.020, 10,
           {"mat": (1, 5), "ratings": {"AA+": 6, "AA": 2, "AA-": 1, "A+": 1}, "pool": "corporate",
            "issuers": 8, "green": 1}),
    Sleeve("sci_tech_bond_aaa", "corporate_bond", 0.025, 10,
           {"mat": (3, 7), "ratings": {"AAA": 10}, "pool": "scitech", "issuers": 7, "sci": True}),
    Sleeve("sci_tech_bond_aa", "corporate_bond", 0.008, 5,
           {"mat": (3, 7), "ratings": {"AA+": 3, "AA": 2}, "pool": "scitech", "issuers": 4, "sci": True}),
    Sleeve("financial_bond", "financial_bond", 0.040, 12,
           {"mat": (2, 7), "ratings": {"AAA": 9, "AA+": 3}, "pool": "fin_issuer", "issuers": 9,
            "green": 1}),
    Sleeve("perpetual_bond", "perpetual_bond", 0.015, 5,
           {"mat": (1, 5), "ratings": {"AAA": 4, "AA+": 1},
            "issuers": [("中国工商银行股份有限公司", "large_state"), ("bank_joint_stock", "joint_stock"),
                        ("bank_city", "city"), ("insurer", "insurer"), ("交通银行股份有限公司", "large_state")]}),
    Sleeve("abs", "abs", 0.015, 7,
           {"mat": (1, 4), "ratings": {"AAA": 5, "AA+": 1, "unrated": 1}, "pool": "abs_originator",
            "issuers": 5}),
    Sleeve("sci_tech_abs", "abs", 0.005, 3,
           {"mat": (2, 4), "ratings": {"AAA": 3}, "pool": "scitech_originator", "issuers": 2, "sci": True}),
    Sleeve("sci_tech_abs", "insurance_abs_plan", 0.004, 2,
           {"mat": (3, 5), "ratings": {"AAA": 2}, "pool": "scitech_originator", "issuers": 2, "sci": True,
            "exempt": 1, "layers": {1: 1, 2: 1}}),
    Sleeve("convertible_bond", "convertible_bond", 0.008, 8, {"ratings": {"AAA": 2, "AA+": 4, "AA": 2},
                                                             "pool": "listed", "issuers": 8}),
    Sleeve("stock_csi300", "stock", 0.035, 25, {"csi300": 1.0, "hold": (0.3, 5.0)}),
    Sleeve("stock_dividend_low_vol", "stock", 0.015, 10, {"dividend": True, "csi300": 0.5, "hold": (1.0, 5.0)}),
    Sleeve("stock_star", "stock", 0.010, 10, {"board": {"star": 10}, "hold": (0.2, 4.0), "sci": True}),
    Sleeve("stock_other", "stock", 0.015, 14, {"board": {"main": 8, "chinext": 5, "bse": 1},
                                               "hold": (0.2, 4.0)}),
    Sleeve("equity_fund", "equity_fund", 0.020, 6, {"pool": "fund_equity"}),
    Sleeve("mixed_fund", "mixed_fund", 0.015, 5, {"pool": "fund_mixed"}),
    Sleeve("bond_fund", "bond_fund", 0.035, 8, {"pool": "fund_bond"}),
    Sleeve("money_market_fund", "money_market_fund", 0.025, 5, {"pool": "fund_money"}),
    Sleeve("vc_fund", "pe_vc_fund", 0.008, 4,
           {"fund_kind": "vc", "pool": "fund_vc", "look_through": {True: 2, False: 2},
            "layers": {1: 1, 2: 1}, "strategic": {True: 3, False: 1}, "sci": True}),
    Sleeve("pe_fund", "pe_vc_fund", 0.010, 4,
           {"fund_kind": "pe", "pool": "fund_pe", "look_through": {True: 2, False: 2},
            "layers": {1: 1, 2: 1}, "strategic": {True: 1, False: 3}}),
    Sleeve("unlisted_equity", "unlisted_equity", 0.012, 5, {"strategic": {True: 3, False: 2}}),
    Sleeve("reit", "reit", 0.008, 4, {"pool": "reit", "look_through": {True: 2, False: 2}}),
    Sleeve("insurance_abs_plan", "insurance_abs_plan", 0.020, 6,
           {"mat": (2, 6), "ratings": {"AAA": 4, "AA+": 2}, "pool": "abs_originator", "issuers": 5,
            "exempt": 3, "layers": {1: 4, 2: 2}}),
    Sleeve("debt_investment_plan", "debt_investment_plan", 0.046, 14,
           {"mat": (3, 8), "ratings": {"AAA": 12, "AA+": 2}, "pool": "infra", "issuers": 12,
            "look_through": {True: 13, False: 1}}),
    Sleeve("trust_plan", "trust_plan", 0.030, 8,
           {"mat": (1, 4), "ratings": {"AAA": 5, "AA+": 3}, "pool": "trust_borrower", "issuers": 8,
            "look_through": {True: 7, False: 1}, "layers": {1: 5, 2: 3}}),
    Sleeve("investment_property", "investment_property", 0.018, 3, {"tier": {"major": 2, "other": 1}}),
    Sleeve("long_term_equity_investment", "long_term_equity_investment", 0.040, 3,
           {"investees": [("示例保险销售服务有限公司", "subsidiary", 0.35),
                          ("bank_rural", "listed_associate", 0.35),
                          ("unlisted_other", "unlisted_associate", 0.30)]}),
    Sleeve("overseas_bond", "government_bond", 0.008, 2, {"mat": (2, 7), "region": {"developed": 2},
                                                          "currency": {"USD": 1, "EUR": 1}}),
    Sleeve("overseas_bond", "corporate_bond", 0.008, 4,
           {"mat": (2, 5), "ratings": {"AAA": 2, "AA+": 2}, "pool": "overseas_corp", "issuers": 4,
            "region": {"developed": 3, "emerging": 1}}),
    Sleeve("overseas_equity", "stock", 0.012, 8, {"region": {"developed": 8}, "currency": {"HKD": 8},
                                                  "hold": (0.5, 4.0)}),
    Sleeve("overseas_equity", "equity_fund", 0.012, 3, {"region": {"developed": 2, "emerging": 1}}),
    Sleeve("preferred_share", "preferred_share", 0.006, 3,
           {"issuers": [("中国建设银行股份有限公司", "large_state"), ("bank_joint_stock", "joint_stock"),
                        ("corporate", "non_financial")]}),
]

STOCK_BOOK_OVER_COST = {"life": 1.10, "pc": 1.07}  # the direct A-share book, modestly in profit

# ---------------------------------------------------------------------------------------------
# 6. Drawing the positions
# ---------------------------------------------------------------------------------------------

COLUMNS = ["id", "asset_type", "asset_class", "market_value", "book_value", "rating",
           "modified_duration", "coupon_rate", "maturity_years", "face_value", "coupon_frequency",
           "board", "csi300", "dividend_low_vol_100", "holding_years", "purchase_cost",
           "counterparty", "look_through", "layers", "strategic_emerging", "green", "sci_tech",
           "bank_type", "bank_car", "region", "currency", "property_tier", "principal_protected",
           "loan_class", "exempt", "investee", "issuer_type", "conversion_clause",
           "issuer_ratios_met", "fund_kind", "trust_kind"]

BOND_TYPES = {"government_bond", "local_government_bond", "policy_bank_bond", "agency_bond",
              "corporate_bond", "financial_bond", "perpetual_bond", "abs"}
RATE_BOND_TYPES = {"government_bond", "local_government_bond", "policy_bank_bond", "agency_bond"}
NON_BASE_TYPES = {"pe_vc_fund", "reit", "trust_plan", "debt_investment_plan", "insurance_abs_plan"}
CREDIT_TYPES = {"corporate_bond", "financial_bond", "abs", "insurance_abs_plan",
                "debt_investment_plan", "trust_plan", "perpetual_bond"}
FIXED_CASH_FLOW_TYPES = {"deposit", "structured_deposit", "policy_loan", "debt_investment_plan",
                         "trust_plan", "insurance_abs_plan"} | BOND_TYPES
ALL_TYPES = ["cash", "deposit", "structured_deposit", "government_bond", "local_government_bond",
             "policy_bank_bond", "agency_bond", "corporate_bond", "financial_bond", "abs",
             "convertible_bond", "stock", "equity_fund", "mixed_fund", "bond_fund",
             "money_market_fund", "unlisted_equity", "pe_vc_fund", "reit", "insurance_abs_plan",
             "debt_investment_plan", "trust_plan", "investment_property",
             "long_term_equity_investment", "policy_loan", "perpetual_bond", "preferred_share"]


def quota(rng: np.random.Generator, n: int, spec: dict) -> list:
    """n values in random order: exact counts if spec holds ints, else rounded weights."""
    keys = list(spec)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in spec.values()):
        counts = [spec[k] for k in keys]
        assert sum(counts) == n, (spec, n)
    else:
        raw = np.array([spec[k] for k in keys], dtype=float)
        raw = raw / raw.sum() * n
        counts = np.floor(raw).astype(int)
        for i in np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]:
            counts[i] += 1
    values = [k for k, c in zip(keys, counts, strict=True) for _ in range(int(c))]
    return [values[i] for i in rng.permutation(n)]


def spread_round_robin(rng: np.random.Generator, items: list, n: int) -> list:
    """n picks from items, each used n/len(items) times give or take one, in random order."""
    picks = [items[i % len(items)] for i in range(n)]
    return [picks[i] for i in rng.permutation(n)]


def resolve(names: Names, entity: str) -> str:
    """A real name is used as is; a NAME_KINDS key becomes a fresh invented name of that kind."""
    return names.take(entity, 1)[0] if entity in NAME_KINDS else entity


def fixed_income(rng, row: dict, amount: float, years: int, y: float, gap: tuple[float, float]):
    """Coupon, maturity, face, market value, book value and modified duration of a bullet bond."""
    coupon = round(max(0.012, y + rng.uniform(*gap)), 4)
    price, mdur = price_bond(coupon, years, y)
    face = max(1e4, round(amount / price, -4))  # par in multiples of 10,000 CNY
    row.update(coupon_rate=coupon, maturity_years=years, face_value=face, coupon_frequency=1,
               market_value=round(face * price, 2), modified_duration=round(mdur, 4),
               book_value=round(face * (1.0 + (price - 1.0) * rng.uniform(0.3, 0.9)), 2))


def par_asset(rng, row: dict, amount: float, years: int, rate: float):
    """Deposits, policy loans and non-standard debt: carried at par (admitted value = book)."""
    face = max(1e4, round(amount, -4))
    row.update(coupon_rate=round(rate, 4), maturity_years=years, face_value=face, coupon_frequency=1,
               market_value=face, book_value=face)


def draw_sleeve(rng: np.random.Generator, names: Names, s: Sleeve, invested: float) -> list[dict]:
    p, n, t = s.p, s.n, s.asset_type
    ratings = quota(rng, n, p["ratings"]) if "ratings" in p else [None] * n
    # position sizes: lognormal, unrated (subordinated) tranches small, then scaled to the budget
    w = rng.lognormal(0.0, p.get("sigma", 0.6), n)
    w = w * np.array([0.2 if r == "unrated" else 1.0 for r in ratings])
    if "investees" in p:
        w = np.array([x[2] for x in p["investees"]])
    amounts = s.share * invested * w / w.sum()

    regions = quota(rng, n, p.get("region", {"domestic": n}))
    default_ccy = {"domestic": "CNY", "developed": "USD", "emerging": "USD"}
    currencies = quota(rng, n, p["currency"]) if "currency" in p else [default_ccy[r] for r in regions]
    lt = quota(rng, n, p["look_through"]) if "look_through" in p else [None] * n
    strategic = quota(rng, n, p["strategic"]) if "strategic" in p else [None] * n

    # counterparties
    if "cp" in p:
        cps = [p["cp"]] * n
    elif "pool" in p and "issuers" in p:
        cps = spread_round_robin(rng, names.take(p["pool"], p["issuers"]), n)
    elif "pool" in p:  # funds and REITs: the product is its own counterparty
        cps = names.take(p["pool"], n)
    else:
        cps = [None] * n
    banks = [((names.named((nm, bt, car), nm) if nm in NAME_KINDS else nm), bt, car)
             for nm, bt, car in p.get("banks", [])]  # a bank keeps its name across sleeves
    banks = spread_round_robin(rng, banks, n) if banks else [None] * n
    # perpetual bonds and preferred shares: an explicit list of (issuer, issuer_type)
    issuers = [(resolve(names, nm), it) for nm, it in p["issuers"]] \
        if isinstance(p.get("issuers"), list) else None

    looked_through = [i for i in range(n) if lt[i] is not False]
    special = set(rng.permutation(looked_through)[: p.get("special_mention", 0)])
    green = set(rng.permutation(n)[: p.get("green", 0)])
    exempt = set(rng.permutation(n)[: p.get("exempt", 0)])
    smaller_banks = [i for i in range(n) if banks[i] is not None and banks[i][1] != "large_state"]
    unprotected = set(rng.permutation(smaller_banks)[: p.get("unprotected", 0)])
    layer_draw = quota(rng, n, p["layers"]) if "layers" in p and t != "pe_vc_fund" else None
    lt_layers = iter(quota(rng, sum(x is True for x in lt), p["layers"])) if t == "pe_vc_fund" else None
    tiers = quota(rng, n, p["tier"]) if "tier" in p else None
    boards = quota(rng, n, p["board"]) if "board" in p else ["main"] * n
    in_csi300 = p.get("csi300", 0.0)  # share of the sleeve's stocks in the CSI 300
    csi = quota(rng, n, {True: in_csi300, False: 1.0 - in_csi300}) if 0.0 < in_csi300 < 1.0 \
        else [in_csi300 == 1.0] * n

    rows = []
    for i in range(n):
        r = {"asset_type": t, "asset_class": s.asset_class, "region": regions[i],
             "currency": currencies[i], "sci_tech": bool(p.get("sci", False)),
             "counterparty": cps[i], "rating": ratings[i]}
        amount = amounts[i]
        if t in BOND_TYPES:
            r["green"] = i in green
        if t == "cash":
            r.update(market_value=round(amount, 2))
        elif t in ("deposit", "structured_deposit"):
            name, bt, car = banks[i]
            r.update(counterparty=name, bank_type=bt, bank_car=car)
            if t == "deposit":
                par_asset(rng, r, amount, int(rng.integers(p["mat"][0], p["mat"][1] + 1)),
                          rng.uniform(*DEPOSIT_RATE[bt]))
            else:
                r["principal_protected"] = i not in unprotected
                par_asset(rng, r, amount, 1, rng.uniform(0.015, 0.024))
        elif t in RATE_BOND_TYPES and r["region"] == "domestic":
            cp = {"government_bond": MOF,
                  "local_government_bond": PROVINCES[int(rng.integers(len(PROVINCES)))] + "人民政府",
                  "policy_bank_bond": POLICY_BANKS[i % 3], "agency_bond": AGENCIES[i % 2]}[t]
            years = int(rng.integers(p["mat"][0], p["mat"][1] + 1))
            y = float(cgb_spot(years)) + rng.uniform(*p["spread"])
            r["counterparty"] = cp
            fixed_income(rng, r, amount, years, y, p.get("gap", (-0.002, 0.006)))
        elif t in BOND_TYPES:  # credit bonds, perpetuals, ABS, overseas bonds
            years = int(rng.integers(p["mat"][0], p["mat"][1] + 1))
            if r["region"] != "domestic":
                base = EUR_YIELD if r["currency"] == "EUR" else USD_YIELD
                y = base + (0.0 if t == "government_bond" else 0.008 + 0.012 * (r["region"] == "emerging"))
                if t == "government_bond":
                    r["counterparty"] = ("Federal Republic of Germany" if r["currency"] == "EUR"
                                         else "United States Treasury")
            else:
                y = float(cgb_spot(years)) + RATING_SPREAD[r["rating"]] + rng.uniform(0.0, 0.004)
                y += 0.004 if t == "perpetual_bond" else 0.0
            if t == "perpetual_bond":  # maturity = years to the first call date
                name, it = issuers[i]
                r.update(counterparty=name, issuer_type=it, conversion_clause=True, issuer_ratios_met=True)
            fixed_income(rng, r, amount, years, y, p.get("gap", (-0.002, 0.006)))
        elif t == "convertible_bond":
            r.update(market_value=round(amount, 2), book_value=round(amount * rng.uniform(0.92, 1.02), 2),
                     modified_duration=round(rng.uniform(1.5, 4.5), 4), green=False)
        elif t in ("debt_investment_plan", "trust_plan", "insurance_abs_plan"):
            years = int(rng.integers(p["mat"][0], p["mat"][1] + 1))
            base = {"debt_investment_plan": 0.010, "trust_plan": 0.020, "insurance_abs_plan": 0.008}[t]
            par_asset(rng, r, amount, years, float(cgb_spot(years)) + RATING_SPREAD[r["rating"]] + base
                      + rng.uniform(0.0, 0.008))
            r["loan_class"] = "special_mention" if i in special else "normal"
            if t == "trust_plan":
                r["trust_kind"] = "fixed_income"  # collective trust loans (Rule 7 Art. 32 (一))
            if t == "insurance_abs_plan":
                r["exempt"] = i in exempt
                r["look_through"] = not r["exempt"]
            else:
                r["look_through"] = lt[i] if lt[i] is not None else True
            r["layers"] = layer_draw[i] if layer_draw else 1
        elif t == "policy_loan":
            par_asset(rng, r, amount, 1, rng.uniform(0.045, 0.050))
        elif t == "stock":
            r.update(market_value=round(amount, 2), board=boards[i], csi300=bool(csi[i]),
                     dividend_low_vol_100=bool(p.get("dividend", False)),
                     holding_years=round(rng.uniform(*p["hold"]), 2))
            if r["region"] != "domestic":
                r["counterparty"] = names.take("overseas_stock", 1)[0]
                r["sci_tech"] = False
            else:
                kind = ("listed_star" if boards[i] == "star" else
                        "listed_dividend" if p.get("dividend") else "listed")
                r["counterparty"] = names.take(kind, 1)[0]
            # gain over cost; the whole book is rescaled to STOCK_BOOK_OVER_COST afterwards
            r["purchase_cost"] = amount / (1.0 + float(np.clip(rng.normal(0.10, 0.25), -0.45, 1.2)))
        elif t in ("equity_fund", "mixed_fund", "bond_fund", "money_market_fund"):
            r["market_value"] = round(amount, 2)
            if r["region"] != "domestic":
                r["counterparty"] = names.take("overseas_fund_" + r["region"], 1)[0]
        elif t == "pe_vc_fund":
            r.update(market_value=round(amount, 2), fund_kind=p["fund_kind"], look_through=lt[i],
                     layers=next(lt_layers) if lt[i] else 1, strategic_emerging=strategic[i])
        elif t == "unlisted_equity":
            kind = "scitech" if strategic[i] else "unlisted_other"
            r.update(market_value=round(amount, 2), strategic_emerging=strategic[i],
                     sci_tech=bool(strategic[i]), counterparty=names.take(kind, 1)[0])
        elif t == "reit":
            r.update(market_value=round(amount, 2), look_through=lt[i], layers=2)
        elif t == "investment_property":
            r.update(market_value=round(amount, 2), property_tier=tiers[i])
        elif t == "long_term_equity_investment":
            name, investee, _ = p["investees"][i]
            r.update(market_value=round(amount, 2), investee=investee, counterparty=resolve(names, name))
        elif t == "preferred_share":
            name, it = issuers[i]
            r.update(market_value=round(amount, 2), counterparty=name, issuer_type=it,
                     conversion_clause=it != "non_financial", issuer_ratios_met=True)
        else:
            raise ValueError(f"no builder for asset_type {t}")
        r.setdefault("book_value", r["market_value"])
        rows.append(r)
    return rows


def draw_portfolio(kind: str, sleeves: list[Sleeve], invested: float, prefix: str,
                   seed_key: int) -> pd.DataFrame:
    assert abs(sum(s.share for s in sleeves) - 1.0) < 1e-9, sum(s.share for s in sleeves)
    rng = np.random.default_rng([SEED, seed_key])
    names = Names(rng)
    rows = [r for s in sleeves for r in draw_sleeve(rng, names, s, invested)]
    df = pd.DataFrame(rows).reindex(columns=COLUMNS)
    df["id"] = [f"{prefix}{i:04d}" for i in range(1, len(df) + 1)]
    # purchase costs: one scale per stock book (A-shares, HK) so that book / cost hits the target,
    # and the k1 ratio is the same whether or not HK stocks are counted in it
    df["purchase_cost"] = df["purchase_cost"].astype(float)
    stock = df["asset_type"] == "stock"
    for book in (stock & (df["region"] == "domestic"), stock & (df["region"] != "domestic")):
        scale = df.loc[book, "book_value"].sum() / df.loc[book, "purchase_cost"].sum()
        df.loc[book, "purchase_cost"] *= scale / STOCK_BOOK_OVER_COST[kind]
    df["purchase_cost"] = df["purchase_cost"].round(2)
    return df


# ---------------------------------------------------------------------------------------------
# 7. Liabilities of the life sample
# ---------------------------------------------------------------------------------------------


def life_liability_cash_flows() -> pd.DataFrame:
    """Net outflow = benefits + expenses - premiums of the in-force book, years 1..80.

    Shape: maturity and survival benefits peaking around year 8, an annuity tail, front-loaded
    surrenders and expenses, and renewal premiums that run off at 28% a year, so year 1 is a net
    inflow. Scaled so that the PV at 2.5% equals LIFE_LIABILITY_PV_TARGET.
    """
    t = np.arange(1, 81, dtype=float)
    benefits = t ** 1.4 * np.exp(-t / 6.0)
    benefits = benefits / benefits.max() + 0.06 * np.exp(-t / 22.0)
    surrenders_expenses = 0.6 * np.exp(-t / 5.0)
    premiums = 1.0 * 0.72 ** (t - 1.0)
    net = benefits + surrenders_expenses - premiums
    pv = float((net * (1.0 + LIABILITY_CHECK_RATE) ** -t).sum())
    net = np.round(net * LIFE_LIABILITY_PV_TARGET / pv, 2)
    return pd.DataFrame({"year": t.astype(int), "net_outflow": net})


# ---------------------------------------------------------------------------------------------
# 8. Writers (explicit formats, so the bytes do not depend on pandas' float printing)
# ---------------------------------------------------------------------------------------------

FORMATS = {"market_value": "{:.2f}", "book_value": "{:.2f}", "face_value": "{:.2f}",
           "purchase_cost": "{:.2f}", "modified_duration": "{:.4f}", "coupon_rate": "{:.4f}",
           "bank_car": "{:.4f}", "holding_years": "{:.2f}", "maturity_years": "{:d}",
           "layers": "{:d}", "coupon_frequency": "{:d}", "year": "{:d}", "net_outflow": "{:.2f}",
           "rate": "{:.5f}", "expected_return": "{:.4f}", "volatility": "{:.4f}",
           "min_weight": "{:.4f}", "max_weight": "{:.4f}"}


#: columns of the mid-size sample's new items (generate_midlife.py writes through cell below)
FORMATS.update({"notional": "{:.2f}", "call_years": "{:g}", "call_rate": "{:.4f}",
                "largest_underlying_share": "{:g}", "look_through_share": "{:g}", "share": "{:g}",
                "hedge_effectiveness": "{:g}", "hedge_months": "{:d}", "quantity": "{:d}",
                "price": "{:.2f}"})


def cell(column: str, value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if column == "maturity_years":  # whole years as before, fractional to 2 decimals
        v = float(value)
        return str(int(v)) if v == int(v) else f"{v:.2f}"
    fmt = FORMATS.get(column)
    if fmt == "{:d}":
        return fmt.format(int(value))
    if fmt:
        return fmt.format(float(value))
    return str(value)


def write_csv(path: Path, df: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(df.columns)
        for rec in df.itertuples(index=False):
            w.writerow([cell(c, v) for c, v in zip(df.columns, rec, strict=True)])


def toml_float(x: float) -> str:
    if x == 0:
        return "0.0"
    mantissa, exponent = f"{x:.6e}".split("e")
    mantissa = mantissa.rstrip("0")
    mantissa = mantissa + "0" if mantissa.endswith(".") else mantissa
    return f"{mantissa}e{int(exponent)}"


def write_company(path: Path, name: str, company_type: str, total_assets: float, prior: float,
                  capital: dict, minimum: dict, liabilities: bool) -> None:
    lines = ["# Synthetic sample company written by data/generate_samples.py; see data/README.md.",
             f'name = "{name}"', f'company_type = "{company_type}"',
             f"total_assets = {toml_float(total_assets)}",
             f"prior_comprehensive_ratio = {prior}", "", "[capital]"]
    lines += [f"{k} = {toml_float(v)}" for k, v in capital.items()]
    lines += ["", "[minimum_capital]"]
    lines += [f"{k} = {v}" if isinstance(v, int) else f"{k} = {toml_float(v)}" for k, v in minimum.items()]
    # the company's own targets (not the legal minimums): what the optimiser's floors and the
    # dashboard compare against; a sci-tech share target as measures 15-16 encourage
    lines += ["", "[targets]", "comprehensive = 1.5", "core = 0.75",
              f"sci_tech_share = {SCI_TECH_TARGET}"]
    if liabilities:
        lines += ["", "[liabilities]", 'cash_flows = "liability_cash_flows.csv"',
                  'spot_curve = "spot_curve.csv"']
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# 9. Checks on the written files
# ---------------------------------------------------------------------------------------------

EQUITY_CAP_TYPES = {"stock", "equity_fund", "mixed_fund", "unlisted_equity", "pe_vc_fund",
                    "long_term_equity_investment", "convertible_bond", "preferred_share"}
OTHER_FINANCIAL_TYPES = {"abs", "insurance_abs_plan", "trust_plan", "reit"}
SINGLE_ASSET_EXEMPT = {"cash", "deposit", "structured_deposit", "government_bond",
                       "local_government_bond", "policy_bank_bond", "long_term_equity_investment"}


def concentration_threshold(total_assets: float, kind: str) -> float:
    """Regressive counterparty threshold of Rule 8 Art. 65 (CNY)."""
    yi = 1e8
    slices = ([(100, 0.08), (500, 0.05), (1000, 0.04), (math.inf, 0.03)] if kind == "life"
              else [(20, 0.08), (50, 0.05), (500, 0.04), (math.inf, 0.03)])
    out, lower = 0.0, 0.0
    for upper, rate in slices:
        out += max(0.0, min(total_assets, upper * yi) - lower * yi) * rate
        lower = upper
    return out


def read_holdings(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for c in ["market_value", "book_value", "modified_duration", "coupon_rate", "maturity_years",
              "face_value", "coupon_frequency", "holding_years", "purchase_cost", "layers", "bank_car"]:
        df[c] = pd.to_numeric(df[c].replace("", np.nan))
    return df


def filled(df: pd.DataFrame, mask, columns) -> None:
    for c in columns:
        missing = df[c].isna() if pd.api.types.is_numeric_dtype(df[c]) else df[c].eq("")
        bad = df.loc[mask & missing, "id"]
        assert bad.empty, f"{c} missing on {list(bad)[:5]}"


def check_holdings(kind: str, path: Path, total_assets: float, invested_target: float) -> pd.DataFrame:
    df = read_holdings(path)
    assert list(df.columns) == COLUMNS
    assert df["id"].is_unique
    assert (df["market_value"] > 0).all()
    assert set(df["asset_type"]) <= set(ALL_TYPES)
    expected_types = set(ALL_TYPES) - ({"policy_loan"} if kind == "pc" else set())
    assert set(df["asset_type"]) == expected_types, expected_types ^ set(df["asset_type"])
    lo, hi = (400, 600) if kind == "life" else (250, 400)
    assert lo <= len(df) <= hi, len(df)
    invested = df["market_value"].sum()
    assert abs(invested / invested_target - 1) < 0.02, invested
    assert set(df["asset_class"]) <= set(ASSET_CLASSES)
    at = df["asset_type"]
    for c in ["csi300", "dividend_low_vol_100", "look_through", "strategic_emerging", "green", "sci_tech",
              "principal_protected", "exempt", "conversion_clause", "issuer_ratios_met"]:
        assert set(df[c]) <= {"true", "false", ""}, c
    assert (df["sci_tech"] != "").all()

    # required fields per type
    dom = df["region"] == "domestic"
    assert set(df["region"]) <= {"domestic", "developed", "emerging"}
    assert (df.loc[dom, "currency"] == "CNY").all()
    assert set(df.loc[~dom, "currency"]) <= {"USD", "HKD", "EUR"}
    assert set(df.loc[~dom, "asset_type"]) <= {"government_bond", "corporate_bond", "stock", "equity_fund"}
    credit = at.isin(CREDIT_TYPES)
    filled(df, credit, ["rating"])
    assert set(df.loc[credit, "rating"]) <= {"AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB",
                                            "BBB-", "unrated"}
    filled(df, at.isin(BOND_TYPES | {"convertible_bond"}), ["modified_duration"])
    assert (df.loc[at.isin(BOND_TYPES), "modified_duration"] > 0).all()
    fcf = at.isin(FIXED_CASH_FLOW_TYPES)
    filled(df, fcf, ["coupon_rate", "maturity_years", "face_value", "coupon_frequency"])
    assert (df.loc[fcf, "maturity_years"] >= 1).all() and (df.loc[fcf, "coupon_frequency"] == 1).all()
    assert ((df.loc[fcf, "face_value"] / df.loc[fcf, "market_value"]).between(0.8, 1.25)).all()
    stock = at == "stock"
    filled(df, stock, ["board", "csi300", "dividend_low_vol_100", "holding_years", "purchase_cost"])
    assert set(df.loc[stock, "board"]) <= {"main", "star", "chinext", "bse"}
    assert set(df.loc[stock & dom, "board"]) == {"main", "star", "chinext", "bse"}
    dstock = stock & dom
    for book in (dstock, stock & ~dom, stock):
        ratio = df.loc[book, "book_value"].sum() / df.loc[book, "purchase_cost"].sum()
        assert 1.05 <= ratio <= 1.15, ratio
    h = df["holding_years"]
    star, csi = dstock & (df["board"] == "star"), dstock & (df["csi300"] == "true")
    assert (h[star] < 2).any() and (h[star] > 2).any() and (h[csi] < 3).any() and (h[csi] > 3).any()
    assert (df.loc[dstock, "dividend_low_vol_100"] == "true").any()
    dep = at.isin(["deposit", "structured_deposit"])
    filled(df, dep, ["bank_type", "bank_car", "counterparty"])
    small = at.eq("deposit") & df["bank_type"].isin(["city", "rural"])
    bands = pd.cut(df.loc[small, "bank_car"], [0, 0.12, 0.125, 0.135, 0.145, 1], right=False)
    assert bands.nunique() >= 4, bands.value_counts()
    filled(df, at == "structured_deposit", ["principal_protected"])
    n_unprotected = int((df["principal_protected"] == "false").sum())
    assert n_unprotected == (1 if kind == "life" else 0)
    nb = at.isin(NON_BASE_TYPES)
    filled(df, nb, ["look_through", "layers"])
    assert df.loc[nb, "layers"].between(1, 3).all()
    for t in ["pe_vc_fund", "reit", "trust_plan", "debt_investment_plan"]:
        assert set(df.loc[at == t, "look_through"]) == {"true", "false"}, t
    filled(df, at == "pe_vc_fund", ["fund_kind", "strategic_emerging"])
    filled(df, at == "unlisted_equity", ["strategic_emerging"])
    filled(df, at.isin(["debt_investment_plan", "trust_plan", "insurance_abs_plan"]), ["loan_class"])
    filled(df, at == "trust_plan", ["trust_kind"])
    assert (df.loc[at == "debt_investment_plan", "layers"] == 1).all()
    sm = df[(at == "debt_investment_plan") & (df["loan_class"] == "special_mention")]
    assert len(sm) == (1 if kind == "life" else 0) and (sm["look_through"] == "true").all()
    filled(df, at == "insurance_abs_plan", ["exempt"])
    assert set(df.loc[at == "insurance_abs_plan", "exempt"]) == {"true", "false"}
    n_unrated = int(((at == "abs") & (df["rating"] == "unrated")).sum())
    assert 1 <= n_unrated <= 2
    filled(df, at == "investment_property", ["property_tier"])
    filled(df, at == "long_term_equity_investment", ["investee"])
    filled(df, at.isin(["perpetual_bond", "preferred_share"]),
           ["issuer_type", "conversion_clause", "issuer_ratios_met"])
    assert (df.loc[at.isin(BOND_TYPES), "green"] == "true").sum() >= 3
    blank_cp = df["counterparty"] == ""
    assert set(at[blank_cp]) == {"cash", "investment_property"} | ({"policy_loan"} if kind == "life" else set())
    sci = df[df["sci_tech"] == "true"]
    assert {"corporate_bond", "stock", "abs", "insurance_abs_plan", "pe_vc_fund", "unlisted_equity"} <= set(
        sci["asset_type"])
    assert (sci.loc[sci["asset_type"] == "stock", "board"] == "star").all()
    assert (sci.loc[sci["asset_type"] == "pe_vc_fund", "fund_kind"] == "vc").all()
    sci_bonds = sci[sci["asset_type"] == "corporate_bond"]
    assert sci_bonds["modified_duration"].between(2, 7).all() and sci_bonds["rating"].nunique() >= 3
    sci_share = sci["market_value"].sum() / invested
    assert 0.06 <= sci_share <= 0.09, sci_share

    # investment-ratio caps, shares of total assets
    mv = df["market_value"]
    equity = mv[at.isin(EQUITY_CAP_TYPES)].sum() / total_assets
    assert equity < 0.25, equity  # cap 30% at a 150%-250% ratio: stay well under
    prop = mv[at == "investment_property"].sum() / total_assets
    assert (0.02 <= prop <= 0.04) if kind == "life" else (0.01 <= prop <= 0.02), prop
    other = mv[at.isin(OTHER_FINANCIAL_TYPES | {"debt_investment_plan"})].sum() / total_assets
    assert other < 0.25, other
    overseas = mv[~dom].sum() / total_assets
    assert 0.03 <= overseas <= 0.05, overseas
    vc = mv[df["fund_kind"] == "vc"].sum() / total_assets
    assert vc < 0.02, vc
    single = df.loc[~at.isin(SINGLE_ASSET_EXEMPT), "market_value"].max() / total_assets
    assert single < 0.05, single
    ltei = mv[at == "long_term_equity_investment"].sum() / total_assets
    assert (0.05 <= ltei <= 0.08) if kind == "life" else ltei < 0.05, ltei

    # counterparty concentration (book value, non-exempt counterparties)
    exempt_row = df["counterparty"].isin(EXEMPT_COUNTERPARTIES) | blank_cp
    by_cp = df[~exempt_row].groupby("counterparty")[["book_value", "market_value"]].sum().max(axis=1)
    over = by_cp[by_cp > 0.03 * total_assets]
    if kind == "life":
        assert list(over.index) == [LIFE_CONCENTRATED_BANK[0]], over
        assert concentration_threshold(total_assets, kind) < over.iloc[0] < 0.05 * total_assets
    else:
        assert over.empty, over
    assert (df[~blank_cp].groupby("counterparty").size() >= 2).sum() >= 20  # shared counterparties
    return df


def check_life_liabilities(cfs: pd.DataFrame, curve: pd.DataFrame) -> tuple[float, float]:
    assert list(cfs["year"]) == list(range(1, 81))
    assert cfs["net_outflow"].iloc[0] < 0 and (cfs["net_outflow"].iloc[3:] > 0).all()
    v = (1 + LIABILITY_CHECK_RATE) ** -cfs["year"].to_numpy(float)
    pv = float((cfs["net_outflow"] * v).sum())
    dur = float((cfs["year"] * cfs["net_outflow"] * v).sum() / pv)
    assert abs(pv / LIFE_LIABILITY_PV_TARGET - 1) < 0.01 and 12 <= dur <= 16, (pv, dur)
    assert list(curve["year"]) == list(range(1, SPOT_CURVE_YEARS + 1))
    anchors = {1: 0.0140, 10: 0.0175, 30: 0.0205, 50: 0.0210}
    for year, rate in anchors.items():
        assert abs(curve.loc[curve["year"] == year, "rate"].item() - rate) < 0.0003, year
    assert (np.diff(curve["rate"]) >= 0).all()  # rising, flat to 0.1bp at the long end
    return pv, dur


def check_assumptions(used: set[str]) -> np.ndarray:
    a = pd.read_csv(HERE / "assumptions.csv", dtype={"liquid": str}, keep_default_na=False)
    assert a["asset_class"].is_unique and set(a["asset_class"]) == used, set(a["asset_class"]) ^ used
    assert set(a["liquid"]) <= {"true", "false"}
    c = pd.read_csv(HERE / "correlations.csv", index_col=0)
    assert list(c.index) == list(c.columns) and set(c.index) == used
    m = c.to_numpy(float)
    assert np.array_equal(m, m.T) and (np.diag(m) == 1.0).all() and (np.abs(m) <= 1).all()
    eig = np.linalg.eigvalsh(m)
    assert eig.min() > 1e-6, eig.min()
    return eig


def check_weight_bounds(df: pd.DataFrame) -> None:
    w = df.groupby("asset_class")["market_value"].sum() / df["market_value"].sum()
    for cls, share in w.items():
        ac = ASSET_CLASSES[cls]
        assert ac.min_weight is None or share >= ac.min_weight, (cls, share)
        assert ac.max_weight is None or share <= ac.max_weight, (cls, share)


def summary(label: str, df: pd.DataFrame, total_assets: float) -> None:
    invested = df["market_value"].sum()
    print(f"\n=== {label}: {len(df)} positions, invested {invested / 1e8:,.1f}亿 "
          f"({invested / total_assets:.1%} of total assets {total_assets / 1e8:,.0f}亿)")
    for key in ["asset_type", "asset_class"]:
        g = df.groupby(key)["market_value"].agg(["count", "sum"]).sort_values("sum", ascending=False)
        g["share_invested"] = g["sum"] / invested
        g["share_total"] = g["sum"] / total_assets
        g["sum"] = g["sum"] / 1e8
        print(f"\n-- by {key} (market value in 亿 CNY)")
        print(g.rename(columns={"sum": "mv_yi"}).to_string(float_format=lambda x: f"{x:,.4f}"))
    at, mv = df["asset_type"], df["market_value"]
    dom = df["region"] == "domestic"
    print(f"\nsci-tech share of invested assets: {mv[df['sci_tech'] == 'true'].sum() / invested:.2%}")
    print("shares of total assets: "
          f"equity class {mv[at.isin(EQUITY_CAP_TYPES)].sum() / total_assets:.2%}, "
          f"real estate {mv[at == 'investment_property'].sum() / total_assets:.2%}, "
          f"other financial (+debt plans) {mv[at.isin(OTHER_FINANCIAL_TYPES)].sum() / total_assets:.2%} "
          f"({mv[at.isin(OTHER_FINANCIAL_TYPES | {'debt_investment_plan'})].sum() / total_assets:.2%}), "
          f"overseas {mv[~dom].sum() / total_assets:.2%}, "
          f"VC funds {mv[df['fund_kind'] == 'vc'].sum() / total_assets:.2%}, "
          f"largest non-exempt position "
          f"{df.loc[~at.isin(SINGLE_ASSET_EXEMPT), 'market_value'].max() / total_assets:.2%}")
    exempt_row = df["counterparty"].isin(EXEMPT_COUNTERPARTIES) | (df["counterparty"] == "")
    top = df[~exempt_row].groupby("counterparty")["book_value"].sum().nlargest(3) / total_assets
    print("largest non-exempt counterparties (book value / total assets): "
          + ", ".join(f"{k} {v:.2%}" for k, v in top.items()))
    fi = at.isin(BOND_TYPES) & dom
    dur = np.average(df.loc[fi, "modified_duration"], weights=mv[fi])
    print(f"domestic bonds: MV-weighted modified duration {dur:.2f}")


# ---------------------------------------------------------------------------------------------
# 10. Main
# ---------------------------------------------------------------------------------------------


def main() -> None:
    life = draw_portfolio("life", LIFE_SLEEVES, LIFE_INVESTED_TARGET, "L", 1)
    pc = draw_portfolio("pc", PC_SLEEVES, PC_INVESTED_TARGET, "P", 2)
    write_csv(HERE / "life" / "holdings.csv", life)
    write_csv(HERE / "pc" / "holdings.csv", pc)

    write_company(HERE / "life" / "company.toml", LIFE_NAME, "life", LIFE_TOTAL_ASSETS,
                  LIFE_PRIOR_COMPREHENSIVE_RATIO,
                  {"core_tier1": LIFE_CORE_TIER1, "core_tier2": LIFE_CORE_TIER2,
                   "supplementary_tier1": LIFE_SUPPLEMENTARY_TIER1,
                   "supplementary_tier2": LIFE_SUPPLEMENTARY_TIER2},
                  {"life_insurance": LIFE_MIN_CAPITAL_LIFE_INSURANCE,
                   "nonlife_insurance": LIFE_MIN_CAPITAL_NONLIFE_INSURANCE,
                   "loss_absorption": LIFE_LOSS_ABSORPTION, "additional": LIFE_ADDITIONAL,
                   "sarmra_score": LIFE_SARMRA_SCORE}, liabilities=True)
    write_company(HERE / "pc" / "company.toml", PC_NAME, "pc", PC_TOTAL_ASSETS, PC_PRIOR_COMPREHENSIVE_RATIO,
                  {"core_tier1": PC_CORE_TIER1, "core_tier2": PC_CORE_TIER2,
                   "supplementary_tier1": PC_SUPPLEMENTARY_TIER1,
                   "supplementary_tier2": PC_SUPPLEMENTARY_TIER2},
                  {"life_insurance": PC_MIN_CAPITAL_LIFE_INSURANCE,
                   "nonlife_insurance": PC_MIN_CAPITAL_NONLIFE_INSURANCE,
                   "loss_absorption": PC_LOSS_ABSORPTION, "additional": PC_ADDITIONAL,
                   "sarmra_score": PC_SARMRA_SCORE}, liabilities=False)

    write_csv(HERE / "life" / "liability_cash_flows.csv", life_liability_cash_flows())
    years = np.arange(1, SPOT_CURVE_YEARS + 1)
    curve = pd.DataFrame({"year": years, "rate": np.round(cgb_spot(years), 5)})
    write_csv(HERE / "life" / "spot_curve.csv", curve)

    used = set(life["asset_class"]) | set(pc["asset_class"])
    assert used == set(ASSET_CLASSES), used ^ set(ASSET_CLASSES)
    assumptions = pd.DataFrame(
        [{"asset_class": k, "expected_return": v.expected_return, "volatility": v.volatility,
          "liquid": v.liquid, "min_weight": v.min_weight, "max_weight": v.max_weight}
         for k, v in ASSET_CLASSES.items()])
    write_csv(HERE / "assumptions.csv", assumptions)
    names, corr = correlation_matrix()
    corr_df = pd.DataFrame(corr, columns=names)
    corr_df.insert(0, "asset_class", names)
    path = HERE / "correlations.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["asset_class", *names])
        for name, row in zip(names, corr, strict=True):
            w.writerow([name, *(f"{x:.6f}" for x in row)])

    # ---- checks on what was written
    assert np.linalg.eigvalsh(FACTOR_CORR).min() > 1e-6
    life_df = check_holdings("life", HERE / "life" / "holdings.csv", LIFE_TOTAL_ASSETS, LIFE_INVESTED_TARGET)
    pc_df = check_holdings("pc", HERE / "pc" / "holdings.csv", PC_TOTAL_ASSETS, PC_INVESTED_TARGET)
    eig = check_assumptions(used)
    check_weight_bounds(life_df)
    check_weight_bounds(pc_df)
    pv, dur = check_life_liabilities(pd.read_csv(HERE / "life" / "liability_cash_flows.csv"),
                                     pd.read_csv(HERE / "life" / "spot_curve.csv"))
    for path in [HERE / "life" / "company.toml", HERE / "pc" / "company.toml"]:
        company = tomllib.loads(path.read_text(encoding="utf-8"))
        assert company["company_type"] in ("life", "pc")
        if company["company_type"] == "life":
            for key in ("cash_flows", "spot_curve"):
                assert (path.parent / company["liabilities"][key]).exists()
        else:
            assert "liabilities" not in company

    summary(LIFE_NAME, life_df, LIFE_TOTAL_ASSETS)
    summary(PC_NAME, pc_df, PC_TOTAL_ASSETS)
    print(f"\nlife liabilities: PV at {LIABILITY_CHECK_RATE:.1%} = {pv / 1e8:,.1f}亿, "
          f"Macaulay duration {dur:.2f} years")
    print(f"correlation matrix: {len(names)} classes, smallest eigenvalue {eig.min():.4f}")
    print("all checks passed")


if __name__ == "__main__":
    main()
