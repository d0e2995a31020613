#!/usr/bin/env python3
"""Generate the third bundled sample insurer: a mid-size life insurer holding every Rule 7
product, derivatives, accounts and the company-file tables the two older samples do not show.

    python analyzer/samples/generate_midlife.py

writes ``midlife/`` next to this file:

    holdings.csv, look_through.csv, trades.csv, company.toml, liability_cash_flows.csv,
    spot_curve.csv, assumptions.csv, correlations.csv

The base book is drawn by ``generate_samples.draw_portfolio`` (the life sample's sleeves, at
another seed and size, without its concentrated bank and without its trust plans); the new
items are explicit rows below, with their sizes typed in. Everything is synthetic and
deterministic: a rerun is byte-identical. The older samples (life/, pc/) are not touched.
"""

from __future__ import annotations

import csv
import math
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_samples as gs  # noqa: E402  (the shared sleeves, names and pricing helpers)

OUT = HERE / "midlife"
SEED_KEY = 3
NAME = "示例中型人寿 (Sample Mid-size Life)"
TOTAL_ASSETS = 8.0e10  # 800亿
BASE_INVESTED = 6.1e10  # the drawn base book; the explicit rows below add about 140亿
VALUATION_DATE = date(2025, 12, 31)
LIABILITY_PV_TARGET = 6.3e10  # PV of net liability outflows at 2.5%
PRIOR_RATIO = 1.95
CAPITAL = {"core_tier1": 9.0e9, "core_tier2": 1.0e9, "supplementary_tier1": 3.2e9,
           "supplementary_tier2": 1.0e9}
MINIMUM = {"life_insurance": 2.6e9, "nonlife_insurance": 9.0e7, "additional": 0.0,
           "sarmra_score": 76}
LOSS_ABSORPTION = {"pv_base": 2.62e10, "pv_floor": 2.47e10}  # LA cap 15亿

# ---------------------------------------------------------------------------------------------
# 1. Base book: the life sleeves without the concentrated bank and the trust plans
# ---------------------------------------------------------------------------------------------


def base_sleeves() -> list[gs.Sleeve]:
    concentrated = gs.LIFE_CONCENTRATED_BANK[0]
    keep = []
    for s in gs.LIFE_SLEEVES:
        p = s.p
        if p.get("cp") == concentrated or p.get("banks") == [gs.LIFE_CONCENTRATED_BANK]:
            continue
        if isinstance(p.get("issuers"), list) and any(nm == concentrated for nm, _ in p["issuers"]):
            continue
        if s.asset_type == "trust_plan":
            continue
        if s.asset_type == "long_term_equity_investment":  # fewer strategic holdings
            s = gs.Sleeve(s.asset_class, s.asset_type, s.share * 0.5, s.n, s.p)
        keep.append(s)
    total = sum(s.share for s in keep)
    return [gs.Sleeve(s.asset_class, s.asset_type, s.share / total, s.n, s.p) for s in keep]


# ---------------------------------------------------------------------------------------------
# 2. Bonds with fractional maturities, semi-annual coupons and calls
# ---------------------------------------------------------------------------------------------


def price_frac(coupon: float, years: float, freq: int, y: float) -> tuple[float, float]:
    """Dirty price per 1 of face and modified duration at flat annual yield ``y`` of a bond
    paying ``coupon / freq`` at ``years - k / freq`` (> 0) and 1 at ``years``."""
    k = np.arange(0, int(math.floor(years * freq - 1e-9)) + 1)
    t = years - k / freq
    t = t[t > 1e-9]
    cf = np.full(t.shape, coupon / freq)
    cf[0] += 1.0  # k = 0 is the maturity date
    pv = cf * (1.0 + y) ** -t
    price = float(pv.sum())
    return price, float((t * pv).sum() / price / (1.0 + y))


def reshape_bonds(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Give a third of the domestic bonds a fractional maturity, half of those semi-annual
    coupons, and four corporate bonds a call (two at a call rate); reprice them."""
    at = df["asset_type"]
    dom = df["region"] == "domestic"
    bonds = df.index[at.isin(["government_bond", "local_government_bond", "policy_bank_bond",
                              "corporate_bond", "financial_bond"]) & dom]
    pick = sorted(rng.choice(bonds, size=len(bonds) // 3, replace=False))
    for j, i in enumerate(pick):
        years = float(df.at[i, "maturity_years"]) - float(rng.choice([0.25, 0.4, 0.5, 0.75]))
        years = max(years, 0.6)
        freq = 2 if j % 2 == 0 else 1
        coupon = float(df.at[i, "coupon_rate"])
        y = float(gs.cgb_spot(years)) + (0.0 if at[i] == "government_bond" else 0.004)
        price, mdur = price_frac(coupon, years, freq, y)
        face = float(df.at[i, "face_value"])
        df.at[i, "maturity_years"] = round(years, 2)
        df.at[i, "coupon_frequency"] = freq
        df.at[i, "market_value"] = round(face * price, 2)
        df.at[i, "book_value"] = round(face * (1.0 + (price - 1.0) * 0.6), 2)
        df.at[i, "modified_duration"] = round(mdur, 4)
    corp = df.index[(at == "corporate_bond") & dom & (df["maturity_years"].astype(float) >= 5)]
    for j, i in enumerate(corp[:4]):
        df.at[i, "call_years"] = 3.0 if j < 2 else 2.0
        if j % 2 == 0:  # exercised only when the forward rate falls below it (Art. 18 (二))
            df.at[i, "call_rate"] = round(float(df.at[i, "coupon_rate"]) - 0.002, 4)


FIXED_INCOME = gs.BOND_TYPES | {"convertible_bond", "insurance_abs_plan", "debt_investment_plan",
                                "trust_plan", "deposit", "structured_deposit"}


def accounting(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Accounting class on every fixed-income row: rate bonds mostly at amortised cost (the
    ALM book), credit half at fair value through OCI, convertibles and ABS through P&L;
    deposits and non-standard debt at amortised cost."""
    for i, t in df["asset_type"].items():
        if t not in FIXED_INCOME:
            continue
        if t in ("deposit", "structured_deposit", "debt_investment_plan", "trust_plan",
                 "insurance_abs_plan"):
            a = "amortised_cost"
        elif t == "convertible_bond":
            a = "fvtpl"
        elif t in gs.RATE_BOND_TYPES:
            a = str(rng.choice(["amortised_cost", "fvoci"], p=[0.6, 0.4]))
        else:
            a = str(rng.choice(["amortised_cost", "fvoci", "fvtpl"], p=[0.35, 0.5, 0.15]))
        df.at[i, "accounting"] = a


def accounts(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Participating and universal accounts: about a quarter and an eighth of the invested
    rows (not the strategic holdings, property or policy loans)."""
    eligible = ~df["asset_type"].isin(["long_term_equity_investment", "investment_property",
                                       "policy_loan"])
    u = rng.uniform(size=len(df))
    df["account"] = "general"
    df.loc[eligible & (u < 0.25), "account"] = "participating"
    df.loc[eligible & (u >= 0.25) & (u < 0.37), "account"] = "universal"


# ---------------------------------------------------------------------------------------------
# 3. The new items, explicit rows (amounts CNY)
# ---------------------------------------------------------------------------------------------

LT_DATE = "2025-12-31"
LT_DATE_PREV = "2025-09-30"  # the previous quarter's data: still current (Rule 7 Art. 11)
BANK = "中国银行股份有限公司"
SWAP_BANK = "中国建设银行股份有限公司"
AM = "示例资产管理股份有限公司"  # the group's asset manager (issuer of the am_products)


def extra_rows() -> list[dict]:
    r: list[dict] = []

    def add(**kw):
        kw.setdefault("region", "domestic")
        kw.setdefault("currency", "CNY")
        kw.setdefault("sci_tech", False)
        kw.setdefault("account", "general")
        kw.setdefault("book_value", kw.get("market_value"))
        r.append(kw)

    # --- 组合类保险资管产品 (am_product): exempt by kind, one looked through, one waived
    for i, (kind, mv, cls, share) in enumerate([
        ("fixed_income", 1.2e9, "am_product_fixed_income", 0.08),
        ("money_market", 5.0e8, "am_product_fixed_income", 0.05),
        ("equity", 3.0e8, "am_product_equity", 0.06),
        ("mixed", 4.0e8, "am_product_equity", 0.09),
    ], start=1):
        add(id=f"M-AMP-{i:02d}", asset_type="am_product", asset_class=cls, market_value=mv,
            counterparty=AM, product_kind=kind, exempt=True, largest_underlying_share=share,
            look_through=False, account="participating" if i == 1 else "general")
    add(id="M-AMP-05", asset_type="am_product", asset_class="am_product_fixed_income",
        market_value=1.0e9, counterparty=AM, product_kind="fixed_income", exempt=False,
        look_through=True, layers=2, look_through_date=LT_DATE, account="universal")
    add(id="M-AMP-06", asset_type="am_product", asset_class="am_product_equity",
        market_value=1.0e8, counterparty="泽远资产管理有限公司", product_kind="equity", exempt=True,
        largest_underlying_share=0.12, waive_exemption=True, look_through=False)
    # --- 商业银行理财产品 (wealth_management_product): exempt by kind, one looked through
    for i, (kind, mv, share, issuer) in enumerate([
        ("money_market", 3.0e8, 0.04, "工银理财有限责任公司"),
        ("fixed_income", 6.0e8, 0.10, "建信理财有限责任公司"),
        ("mixed", 2.0e8, 0.15, "泽远理财有限责任公司"),
    ], start=1):
        add(id=f"M-WMP-{i:02d}", asset_type="wealth_management_product",
            asset_class="wealth_management", market_value=mv, counterparty=issuer,
            product_kind=kind, exempt=True, largest_underlying_share=share, look_through=False)
    add(id="M-WMP-04", asset_type="wealth_management_product", asset_class="wealth_management",
        market_value=4.0e8, counterparty="岚峰理财有限责任公司", product_kind="fixed_income",
        exempt=False, look_through=True, layers=1, look_through_date=LT_DATE_PREV)
    # --- 股权投资计划, 债转股投资计划, 不动产金融产品
    add(id="M-EIP-01", asset_type="equity_investment_plan", asset_class="equity_investment_plan",
        market_value=8.0e8, counterparty="示例资本股权投资计划（科创一期）", look_through=True, layers=1,
        strategic_emerging=True, sci_tech=True, look_through_date=LT_DATE, account="participating")
    add(id="M-EIP-02", asset_type="equity_investment_plan", asset_class="equity_investment_plan",
        market_value=2.0e8, counterparty="泽远股权投资计划（消费二期）", look_through=False, layers=1,
        strategic_emerging=False)
    add(id="M-DEP-01", asset_type="debt_to_equity_plan", asset_class="debt_to_equity_plan",
        market_value=5.0e8, counterparty="示例债转股投资计划（能源）", look_through=True, layers=1,
        strategic_emerging=False, look_through_date=LT_DATE)
    add(id="M-REF-01", asset_type="real_estate_financial_product",
        asset_class="real_estate_financial_product", market_value=4.0e8,
        counterparty="示例不动产债权投资计划（物流园）", look_through=True, layers=1, property_tier="major",
        look_through_date=LT_DATE)
    add(id="M-REF-02", asset_type="real_estate_financial_product",
        asset_class="real_estate_financial_product", market_value=1.0e8,
        counterparty="泽远不动产投资计划（商业）", look_through=False, layers=1, property_tier="other")
    # --- trusts: equity (looked through / not), fixed income (built-in, partly looked through)
    add(id="M-TRU-01", asset_type="trust_plan", asset_class="trust_equity", market_value=3.0e8,
        counterparty="岚峰信托·科创股权集合资金信托计划", trust_kind="equity", look_through=True, layers=1,
        look_through_date=LT_DATE, sci_tech=True)
    add(id="M-TRU-02", asset_type="trust_plan", asset_class="trust_equity", market_value=1.0e8,
        counterparty="泽远信托·并购股权集合资金信托计划", trust_kind="equity", look_through=False, layers=1)
    for i, (mv, rating, share, years, rate) in enumerate([
        (6.0e8, "AAA", None, 3, 0.041), (4.0e8, "AA+", 0.92, 4, 0.048)], start=3):
        add(id=f"M-TRU-{i:02d}", asset_type="trust_plan", asset_class="trust_plan", market_value=mv,
            counterparty=f"{'岚峰' if i == 3 else '泽远'}城市发展集团有限公司", trust_kind="fixed_income",
            rating=rating, loan_class="normal", look_through=True, layers=1,
            look_through_share=share, look_through_date=LT_DATE, coupon_rate=rate,
            maturity_years=years, face_value=mv, coupon_frequency=1, accounting="amortised_cost",
            account="participating" if i == 3 else "general")
    # --- a VC fund looked through to STAR and unlisted sci-tech equity
    add(id="M-VC-01", asset_type="pe_vc_fund", asset_class="vc_fund", market_value=3.0e8,
        counterparty="岚峰硬科技创业投资基金（有限合伙）", fund_kind="vc", look_through=True, layers=1,
        strategic_emerging=True, sci_tech=True, look_through_date=LT_DATE)
    # --- 中国保险投资基金二期 (CIIF II), national strategy
    add(id="M-CIIF-01", asset_type="unlisted_equity", asset_class="ciif_equity", market_value=6.0e8,
        counterparty="中国保险投资基金（有限合伙）二期", ciif_national_strategy=True,
        strategic_emerging=False)
    # --- overseas: a USD bond hedged by an FX forward; an NCD and a commercial paper
    usd_price, usd_dur = price_frac(0.045, 5.5, 2, 0.047)
    usd_face = 1.5e9
    add(id="M-OS-01", asset_type="corporate_bond", asset_class="overseas_bond", region="developed",
        currency="USD", market_value=round(usd_face * usd_price, 2),
        book_value=round(usd_face * (1 + (usd_price - 1) * 0.5), 2), counterparty="Harbour Crest Utilities Inc",
        rating="AAA", modified_duration=round(usd_dur, 4), coupon_rate=0.045, maturity_years=5.5,
        face_value=usd_face, coupon_frequency=2, accounting="fvoci", account="participating")
    ncd_price, ncd_dur = price_frac(0.039, 0.5, 1, 0.040)
    add(id="M-OS-02", asset_type="financial_bond", asset_class="overseas_bond", region="developed",
        currency="HKD", market_value=round(3.0e8 * ncd_price, 2), counterparty="Victoria Harbour Bank Ltd",
        rating="AAA", modified_duration=round(ncd_dur, 4), coupon_rate=0.039, maturity_years=0.5,
        face_value=3.0e8, coupon_frequency=1, accounting="fvtpl", money_market_instrument="ncd")
    cp_price, cp_dur = price_frac(0.043, 0.75, 1, 0.044)
    add(id="M-OS-03", asset_type="corporate_bond", asset_class="overseas_bond", region="emerging",
        currency="USD", market_value=round(2.0e8 * cp_price, 2), counterparty="Straits Orient Trading Pte Ltd",
        rating="AA+", modified_duration=round(cp_dur, 4), coupon_rate=0.043, maturity_years=0.75,
        face_value=2.0e8, coupon_frequency=1, accounting="fvtpl",
        money_market_instrument="commercial_paper")
    # --- separate accounts (投连): no market or credit capital (Rule 2 Art. 12)
    add(id="M-SEP-01", asset_type="equity_fund", asset_class="equity_fund", market_value=4.0e8,
        counterparty="岚峰价值精选股票基金", account="separate")
    add(id="M-SEP-02", asset_type="bond_fund", asset_class="bond_fund", market_value=3.0e8,
        counterparty="岚峰纯债债券基金", account="separate")
    return r


def derivative_rows(df: pd.DataFrame) -> list[dict]:
    """An interest-rate swap (receive fixed: lengthens the asset duration), a short treasury
    future hedging long government bonds, a short stock-index future hedging CSI 300 stocks
    and a short USD forward hedging the USD bond."""
    at, dom = df["asset_type"], df["region"] == "domestic"
    gov = df[(at == "government_bond") & dom].sort_values("market_value", ascending=False)
    hedged_gov = ";".join(gov["id"].iloc[:3])
    csi = df[(at == "stock") & dom & (df["csi300"] == True)]  # noqa: E712
    csi = csi.sort_values("market_value", ascending=False)
    hedged_stocks = ";".join(csi["id"].iloc[:5])
    base = {"region": "domestic", "currency": "CNY", "sci_tech": False, "account": "general"}
    return [
        {**base, "id": "M-DER-IRS", "asset_type": "interest_rate_swap", "market_value": 1.85e7,
         "book_value": 1.85e7, "notional": 3.0e9, "direction": "receive_fixed", "underlying": "FR007",
         "modified_duration": 8.3, "coupon_rate": 0.0195, "maturity_years": 10,
         "counterparty": SWAP_BANK, "rating": "AAA", "hedge_effective": False},
        {**base, "id": "M-DER-TF", "asset_type": "treasury_future", "market_value": 1.2e6,
         "book_value": 1.2e6, "notional": 1.0e9, "direction": "short", "underlying": "T2603",
         "modified_duration": 6.6, "coupon_rate": 0.03, "maturity_years": 10,
         "hedged_id": hedged_gov, "hedge_effective": True, "hedge_effectiveness": 0.93,
         "hedge_months": 6},
        {**base, "id": "M-DER-IF", "asset_type": "stock_index_future", "market_value": 3.5e5,
         "book_value": 3.5e5, "notional": 6.0e8, "direction": "short", "underlying": "IF2603",
         "hedged_id": hedged_stocks, "hedge_effective": True, "hedge_effectiveness": 0.9,
         "hedge_months": 3},
        {**base, "id": "M-DER-FX", "asset_type": "fx_forward", "market_value": 4.2e6,
         "book_value": 4.2e6, "notional": 1.4e9, "direction": "short", "underlying": "USD/CNY",
         "currency": "USD", "counterparty": BANK, "rating": "AAA", "hedged_id": "M-OS-01",
         "hedge_effective": True, "hedge_effectiveness": 0.97, "hedge_months": 12},
    ]


# ---------------------------------------------------------------------------------------------
# 4. Look-through file
# ---------------------------------------------------------------------------------------------

LT_COLUMNS = ["parent_id", "share", "id", "asset_type", "rating", "modified_duration",
              "counterparty", "board", "csi300", "dividend_low_vol_100", "holding_years",
              "purchase_cost", "strategic_emerging", "property_tier", "sci_tech", "region",
              "coupon_rate", "maturity_years", "face_value", "green"]


def look_through_rows(df: pd.DataFrame) -> list[dict]:
    mv = df.set_index("id")["market_value"]
    rows: list[dict] = []

    def bond(parent, share, uid, t, cp, rating, dur, **kw):
        rows.append({"parent_id": parent, "share": share, "id": uid, "asset_type": t,
                     "counterparty": cp, "rating": rating, "modified_duration": dur, **kw})

    def stock(parent, share, uid, cp, board, csi, gain, **kw):
        cost = round(share * mv[parent] / gain, 2)
        rows.append({"parent_id": parent, "share": share, "id": uid, "asset_type": "stock",
                     "counterparty": cp, "board": board, "csi300": csi, "dividend_low_vol_100": False,
                     "purchase_cost": cost, **kw})

    def equity(parent, share, uid, cp, strategic, **kw):
        rows.append({"parent_id": parent, "share": share, "id": uid, "asset_type": "unlisted_equity",
                     "counterparty": cp, "strategic_emerging": strategic, **kw})

    p = "M-AMP-05"  # a fixed-income am_product: bonds, a little cash and a stock sleeve
    rows.append({"parent_id": p, "share": 0.05, "id": "cash", "asset_type": "cash"})
    bond(p, 0.30, "cgb-2035", "government_bond", gs.MOF, None, 8.1)
    bond(p, 0.15, "cdb-2030", "policy_bank_bond", "国家开发银行", None, 4.2)
    bond(p, 0.20, "corp-aaa-1", "corporate_bond", "岚峰交通投资集团有限公司", "AAA", 3.6)
    bond(p, 0.12, "corp-aa+-1", "corporate_bond", "泽远能源集团有限公司", "AA+", 2.8)
    bond(p, 0.08, "sci-bond-1", "corporate_bond", "岚峰半导体股份有限公司", "AAA", 2.5, sci_tech=True)
    stock(p, 0.06, "stk-1", "泽远电力股份有限公司", "main", True, 1.08)
    stock(p, 0.04, "stk-star-1", "岚峰微电子股份有限公司", "star", False, 1.2, sci_tech=True)
    p = "M-WMP-04"  # a bank fixed-income WM product
    bond(p, 0.45, "ncd-1", "financial_bond", "岚峰银行股份有限公司", "AAA", 0.6)
    bond(p, 0.35, "lgb-1", "local_government_bond", "江苏省人民政府", None, 5.4)
    bond(p, 0.20, "abs-1", "abs", "泽远融资租赁有限公司", "AAA", 1.9)
    p = "M-EIP-01"  # sci-tech equity investment plan
    equity(p, 0.40, "eq-1", "岚峰集成电路有限公司", True, sci_tech=True)
    equity(p, 0.35, "eq-2", "泽远生物医药股份有限公司", True, sci_tech=True)
    equity(p, 0.25, "eq-3", "岚峰新材料股份有限公司", True, sci_tech=True)
    p = "M-DEP-01"  # debt-to-equity plan: two state energy groups
    equity(p, 0.6, "dte-1", "泽远能源投资有限公司", False)
    equity(p, 0.4, "dte-2", "岚峰钢铁集团有限公司", False)
    p = "M-REF-01"  # a logistics park
    rows.append({"parent_id": p, "share": 1.0, "id": "park", "asset_type": "investment_property",
                 "property_tier": "major"})
    p = "M-TRU-01"  # equity trust
    equity(p, 0.7, "tr-eq-1", "泽远智能装备股份有限公司", True, sci_tech=True)
    equity(p, 0.3, "tr-eq-2", "岚峰物流产业有限公司", False)
    p = "M-VC-01"  # VC fund: a STAR stock after IPO and unlisted start-ups
    stock(p, 0.2, "vc-star-1", "泽远光电科技股份有限公司", "star", False, 2.5, sci_tech=True)
    equity(p, 0.5, "vc-eq-1", "岚峰智能科技股份有限公司", True, sci_tech=True)
    equity(p, 0.3, "vc-eq-2", "泽远软件股份有限公司", True, sci_tech=True)
    for row in rows:
        row.setdefault("region", "domestic")
        row.setdefault("sci_tech", False)
    return rows


# ---------------------------------------------------------------------------------------------
# 5. Trades of the domestic stocks (FIFO holding periods, 2025-12 notice)
# ---------------------------------------------------------------------------------------------


def trade_rows(df: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    """Per domestic stock: an old lot fully sold (FIFO takes it first), then two lots around
    a target holding period (the base draw's, STAR below 4 years), held at the valuation date."""
    out = []
    stocks = df[(df["asset_type"] == "stock") & (df["region"] == "domestic")]
    for _, s in stocks.iterrows():
        target = float(s["holding_years"])
        window = 3.8 if s["board"] == "star" else 5.8
        d = float(rng.uniform(0.1, 0.35))
        old, young = min(target * (1 + d), window), max(target * (1 - d), 0.05)
        price = round(float(rng.uniform(8.0, 80.0)), 2)
        qty = int(round(float(s["market_value"]) / price / 2, -2)) or 100
        sold = int(round(qty * float(rng.uniform(0.2, 0.6)), -2)) or 100
        first = min(old + 0.5, window + 0.15)

        def day(years: float) -> str:
            return (VALUATION_DATE - timedelta(days=round(years * 365.25))).isoformat()

        out += [{"date": day(first), "id": s["id"], "quantity": sold, "price": price},
                {"date": day(old), "id": s["id"], "quantity": qty, "price": price},
                {"date": day(first - 0.1), "id": s["id"], "quantity": -sold, "price": price},
                {"date": day(young), "id": s["id"], "quantity": qty, "price": price}]
    out.sort(key=lambda t: (t["date"], t["id"]))  # stable: same-day trades keep their order
    return out


# ---------------------------------------------------------------------------------------------
# 6. Company file, liabilities, assumptions
# ---------------------------------------------------------------------------------------------


def company_toml() -> str:
    f = gs.toml_float
    lines = [
        "# Synthetic sample company written by analyzer/samples/generate_midlife.py;",
        "# see analyzer/samples/README.md (third sample).",
        f'name = "{NAME}"', 'company_type = "life"', f"total_assets = {f(TOTAL_ASSETS)}",
        f"prior_comprehensive_ratio = {PRIOR_RATIO}", f"valuation_date = {VALUATION_DATE.isoformat()}",
        "", "[capital]", *[f"{k} = {f(v)}" for k, v in CAPITAL.items()],
        "", "[minimum_capital]",
        *[f"{k} = {v}" if isinstance(v, int) else f"{k} = {f(v)}" for k, v in MINIMUM.items()],
        "", "[loss_absorption]  # PV of the participating and universal business (Rule 2 Art. 19)",
        *[f"{k} = {f(v)}" for k, v in LOSS_ABSORPTION.items()],
        "", "[targets]", "comprehensive = 1.5", "core = 0.75", "sci_tech_share = 0.08",
        "", "[liabilities]", 'cash_flows = "liability_cash_flows.csv"', 'spot_curve = "spot_curve.csv"',
        "", "[fx_liabilities]  # USD policy liabilities netted against the USD assets (Rule 8 Art. 57)",
        f"USD = {f(2.0e8)}",
    ]
    credit = [
        {"id": "re-dom-1", "item_type": "reinsurance_ceded", "amount": 1.6e9,
         "counterparty": "岚峰再保险股份有限公司", "reinsurer_region": "domestic", "reinsurer_kind": "reinsurer",
         "reinsurer_solvency_ratio": 2.35, "reinsurer_branch": False},
        {"id": "re-dom-2", "item_type": "reinsurance_ceded", "amount": 2.5e8,
         "counterparty": "泽远人寿保险股份有限公司", "reinsurer_region": "domestic",
         "reinsurer_kind": "direct_insurer", "reinsurer_solvency_ratio": 1.72, "reinsurer_branch": False},
        {"id": "re-os-1", "item_type": "reinsurance_ceded", "amount": 6.0e8,
         "counterparty": "Harbour Crest Re Ltd", "reinsurer_region": "overseas", "reinsurer_kind": "reinsurer",
         "meets_local_solvency": True, "collateralised": 2.0e8, "transparency_measures": False},
        {"id": "re-in-1", "item_type": "reinsurance_assumed", "amount": 4.0e7, "age_months": 3},
        {"id": "prem-1", "item_type": "premium_receivable", "amount": 3.0e8, "business": "other",
         "age_months": 4},
        {"id": "prem-2", "item_type": "premium_receivable", "amount": 5.0e7, "business": "other",
         "age_months": 8},
        {"id": "other-tax", "item_type": "other_receivable", "amount": 1.0e8,
         "category": "prepaid_claims_or_tax"},
        {"id": "other-1", "item_type": "other_receivable", "amount": 8.0e7, "category": "other",
         "age_months": 14},
    ]
    for item in credit:
        lines += ["", "[[credit_items]]"]
        for k, v in item.items():
            if isinstance(v, bool):
                lines.append(f"{k} = {'true' if v else 'false'}")
            elif isinstance(v, str):
                lines.append(f'{k} = "{v}"')
            elif isinstance(v, int):
                lines.append(f"{k} = {v}")
            else:
                lines.append(f"{k} = {f(v) if v >= 1e4 else v}")
    liquidity = {
        "base_3m": (5.2e9, 4.6e9, 2.4e9, 2.9e9, 0.0, 1.5e8),
        "base_12m": (2.05e10, 1.82e10, 9.0e9, 1.1e10, 0.0, 6.0e8),
        "stress_3m": (4.1e9, 5.6e9, 1.9e9, 1.2e9, 0.0, 1.5e8),
        "stress_12m": (1.6e10, 2.25e10, 7.0e9, 5.0e9, 0.0, 6.0e8),
    }
    lines += ["", "[liquidity]  # Rule 13 Annex 2: projected flows, CNY, cumulative",
              f"cash_outside_holdings = {f(3.0e8)}"]
    keys = ("operating_inflow", "operating_outflow", "investing_inflow", "investing_outflow",
            "financing_inflow", "financing_outflow")
    for table, values in liquidity.items():
        lines += ["", f"[liquidity.{table}]", *[f"{k} = {f(v)}" for k, v in zip(keys, values, strict=True)]]
        if table == "stress_3m":
            lines.append(f"short_term_financing_net = {f(-2.0e8)}")
    stress = {
        "new_business_130_capital_change": 1.1e8, "new_business_70_capital_change": -1.4e8,
        "new_business_130_minimum_capital_change": 9.0e7, "new_business_70_minimum_capital_change": -6.0e7,
        "mortality_up_10_liability_increase": 4.5e8, "lapse_up_20_liability_increase": 6.0e8,
        "morbidity_up_15_liability_increase": 5.5e8,
        "mortality_up_10_minimum_capital_change": 6.0e7, "lapse_up_20_minimum_capital_change": 1.5e8,
        "morbidity_up_15_minimum_capital_change": 8.0e7, "annual_expenses": 2.6e9,
    }
    # the life scenarios' keys only: the P&C keys (premium_income ...) are not read for a life
    # insurer (Annex 4 第二章 一(一))
    lines += ["", "[stress_inputs]  # the actuaries' Annex 4 figures, CNY"]
    lines += [f"{k} = {f(v)}" for k, v in stress.items()]
    lines += ["", "[filing]", f"admitted_assets = {f(7.92e10)}", f"admitted_liabilities = {f(6.50e10)}",
              'integrated_risk_rating = "A"']
    return "\n".join(lines) + "\n"


def liability_cash_flows() -> pd.DataFrame:
    """The life sample's shape (generate_samples.life_liability_cash_flows) at this size."""
    cf = gs.life_liability_cash_flows()
    t = cf["year"].to_numpy(float)
    pv = float((cf["net_outflow"] * (1.0 + gs.LIABILITY_CHECK_RATE) ** -t).sum())
    cf["net_outflow"] = np.round(cf["net_outflow"] * LIABILITY_PV_TARGET / pv, 2)
    return cf


NEW_CLASSES = {
    #                                    E[r]   vol   liquid loadings: rates credit eq ovs prop pe  r2
    "am_product_fixed_income": gs.AssetClass(0.027, 0.020, True, (1, 0.5, 0.05, 0, 0, 0), 0.80),
    "am_product_equity": gs.AssetClass(0.060, 0.17, True, (0.1, 0.1, 1, 0, 0, 0), 0.88),
    "wealth_management": gs.AssetClass(0.024, 0.010, False, (1, 0.4, 0, 0, 0, 0), 0.45),
    "equity_investment_plan": gs.AssetClass(0.085, 0.26, False, (0, 0.1, 0.6, 0, 0, 1), 0.60),
    "debt_to_equity_plan": gs.AssetClass(0.060, 0.15, False, (0.2, 0.5, 0.6, 0, 0, 0.5), 0.55),
    "real_estate_financial_product": gs.AssetClass(0.045, 0.09, False, (0.2, 0.3, 0.2, 0, 1, 0), 0.60),
    "trust_equity": gs.AssetClass(0.070, 0.22, False, (0, 0.1, 0.6, 0, 0.2, 1), 0.55),
    "ciif_equity": gs.AssetClass(0.060, 0.16, False, (0.1, 0.2, 0.5, 0, 0.2, 0.8), 0.55),
}


def write_assumptions(used: set[str]) -> None:
    classes = {**gs.ASSET_CLASSES, **NEW_CLASSES}
    names = [n for n in classes if n in used]
    assert set(names) == used, used - set(names)
    a = pd.DataFrame([{"asset_class": k, "expected_return": classes[k].expected_return,
                       "volatility": classes[k].volatility, "liquid": classes[k].liquid,
                       "min_weight": classes[k].min_weight, "max_weight": classes[k].max_weight}
                      for k in names])
    gs.write_csv(OUT / "assumptions.csv", a)
    rows = []
    for n in names:
        ac = classes[n]
        b = np.asarray(ac.loadings, dtype=float)
        rows.append(b * math.sqrt(ac.r2 / float(b @ gs.FACTOR_CORR @ b)))
    load = np.vstack(rows)
    corr = load @ gs.FACTOR_CORR @ load.T + np.diag(1.0 - np.array([classes[n].r2 for n in names]))
    corr = np.round((corr + corr.T) / 2.0, 6)
    np.fill_diagonal(corr, 1.0)
    assert np.linalg.eigvalsh(corr).min() > 1e-6
    with (OUT / "correlations.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["asset_class", *names])
        for n, row in zip(names, corr, strict=True):
            w.writerow([n, *(f"{x:.6f}" for x in row)])


# ---------------------------------------------------------------------------------------------
# 7. Writers
# ---------------------------------------------------------------------------------------------

NEW_COLUMNS = ["accounting", "account", "call_years", "call_rate", "product_kind",
               "ciif_national_strategy", "largest_underlying_share", "waive_exemption",
               "look_through_date", "look_through_share", "money_market_instrument", "notional",
               "direction", "underlying", "hedged_id", "hedge_effective", "hedge_effectiveness",
               "hedge_months"]
COLUMNS = gs.COLUMNS + NEW_COLUMNS
# ---------------------------------------------------------------------------------------------
# 8. Main
# ---------------------------------------------------------------------------------------------


def main() -> None:
    base = gs.draw_portfolio("life", base_sleeves(), BASE_INVESTED, "M", SEED_KEY)
    base = base.reindex(columns=COLUMNS).astype(object)
    rng = np.random.default_rng([gs.SEED, SEED_KEY, 1])
    reshape_bonds(base, rng)
    accounting(base, rng)
    accounts(base, rng)
    trades = trade_rows(base, rng)
    # the domestic stocks' holding periods come from the trades (--trades): left blank here
    dstock = (base["asset_type"] == "stock") & (base["region"] == "domestic")
    base.loc[dstock, "holding_years"] = None
    extra = pd.DataFrame(extra_rows()).reindex(columns=COLUMNS)
    df = pd.concat([base, extra], ignore_index=True)
    df = pd.concat([df, pd.DataFrame(derivative_rows(df)).reindex(columns=COLUMNS)],
                   ignore_index=True)
    assert df["id"].is_unique
    gs.write_csv(OUT / "holdings.csv", df)
    gs.write_csv(OUT / "look_through.csv", pd.DataFrame(look_through_rows(df)).reindex(columns=LT_COLUMNS))
    gs.write_csv(OUT / "trades.csv", pd.DataFrame(trades, columns=["date", "id", "quantity", "price"]))
    (OUT / "company.toml").write_text(company_toml(), encoding="utf-8")
    gs.write_csv(OUT / "liability_cash_flows.csv", liability_cash_flows())
    years = np.arange(1, gs.SPOT_CURVE_YEARS + 1)
    gs.write_csv(OUT / "spot_curve.csv", pd.DataFrame({"year": years, "rate": np.round(gs.cgb_spot(years), 5)}))
    used = {c for c in df["asset_class"] if isinstance(c, str) and c}
    write_assumptions(used)

    deriv = df["asset_type"].isin(["interest_rate_swap", "treasury_future", "stock_index_future",
                                   "fx_forward"])
    invested = df.loc[~deriv, "market_value"].astype(float).sum()
    sci = df.loc[~deriv & (df["sci_tech"] == True), "market_value"].astype(float).sum()  # noqa: E712
    print(f"{NAME}: {len(df)} positions, invested {invested / 1e8:,.1f}亿 "
          f"({invested / TOTAL_ASSETS:.1%} of total assets), sci-tech {sci / invested:.2%}")


if __name__ == "__main__":
    main()
