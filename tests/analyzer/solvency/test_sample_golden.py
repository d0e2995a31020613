"""Whole-portfolio golden tests for the two bundled sample insurers (data/life, data/pc).

The expected numbers come from a plain-Python, row-by-row implementation written here from
the rule texts: a loop over the CSV rows with if/elif on asset_type, factors typed in with
their articles, and the aggregation by explicit matrix multiplication. It shares nothing with
the engine except, for the life insurer, the interest-rate scenario method total (Rule 8
Art. 18, tested on its own in test_life_interest_rate.py). Regime cross2-2025-12 with the
default interpretations of docs/formats.md §7 (K clamped; most favourable k2; 北交所 like
ChiNext/STAR; 0.4 strategic-emerging RF0 with K_p; REIT underlying = unlisted equity 0.41;
concentration add-on EX x RF0 x 0.4 on the full exposure).
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from analyzer.io import read_company, read_holdings
from analyzer.solvency.engine import evaluate

DATA = Path(__file__).resolve().parents[3] / "data"
YI = 1e8

# ---------------------------------------------------------------------------------------
# Factor tables typed from the rules
# ---------------------------------------------------------------------------------------

# Rule 9 Art. 15: rating -> (a, b, c): D (a D + b) for D <= 5, D c above
ART15 = {
    "AAA": (0.0006, 0.012, 0.015),
    "AA+": (0.0007, 0.0165, 0.02),
    "AA": (0.0009, 0.025, 0.0295),
    "AA-": (0.001, 0.033, 0.038),
    "A+": (0.002, 0.04, 0.05),
    "A": (0.003, 0.045, 0.06),
    "A-": (0.004, 0.05, 0.07),
    "BBB+": (0.005, 0.05, 0.075),
    "BBB": (0.01, 0.05, 0.1),
    "BBB-": (0.01, 0.05, 0.1),
    "unrated": (0.01, 0.05, 0.1),
}
# Rule 9 Art. 21: bank type -> [(CAR lower bound, time deposit, protected structured)]
ART21 = {
    "large_state": [(0.0, 0.005, 0.055)],
    "policy": [(0.0, 0.005, 0.055)],
    "joint_stock": [(0.12, 0.03, 0.08), (0.0, 0.05, 0.10)],
    "city": [(0.135, 0.04, 0.10), (0.125, 0.08, 0.13), (0.12, 0.10, 0.15), (0.0, 0.15, 0.20)],
    "rural": [(0.145, 0.08, 0.13), (0.135, 0.10, 0.15), (0.125, 0.15, 0.20), (0.0, 0.18, 0.23)],
    "other": [(0.135, 0.10, 0.15), (0.0, 0.18, 0.23)],
    "finance_company": [(0.0, 0.10, 0.10)],
}
# Rule 7 Art. 23 surface RF0; Art. 28 exempt ABS plans
ART23 = {"AAA": 0.01, "AA+": 0.015, "AA": 0.02, "AA-": 0.025, "A+": 0.075, "A": 0.075, "A-": 0.075}
ART28 = {"AAA": 0.10, "AA+": 0.13, "AA": 0.18, "AA-": 0.23, "A+": 0.33, "A": 0.33, "A-": 0.33}
# Rule 9 Art. 37 loans
ART37 = {
    "normal": 0.085,
    "special_mention": 0.135,
    "substandard": 0.3,
    "doubtful": 0.5,
    "loss": 1.0,
}
# Rule 8 Art. 28 LTEI
ART28_LTEI = {
    "subsidiary": 1.0,
    "insurance_subsidiary": 0.35,
    "listed_associate": 0.35,
    "unlisted_associate": 0.41,
}
# Rule 8 Art. 36 with clause, ratios met
ART36_CLAUSE = {
    "policy_bank": 0.15,
    "large_state": 0.15,
    "joint_stock": 0.20,
    "city": 0.25,
    "other_bank": 0.30,
    "amc": 0.20,
    "insurer": 0.15,
}
# Rule 8 Art. 57
FX = {"USD": 0.05, "HKD": 0.05, "EUR": 0.08, "GBP": 0.08}

# Rule 8 Art. 70 (IR, EQ, RE, OS_FI, OS_EQ, FX)
MARKET = [
    [1, -0.14, -0.18, 0, -0.16, 0.07],
    [-0.14, 1, 0.22, 0.06, 0.50, 0.04],
    [-0.18, 0.22, 1, 0.18, 0.19, -0.14],
    [0, 0.06, 0.18, 1, 0.04, -0.01],
    [-0.16, 0.50, 0.19, 0.04, 1, -0.19],
    [0.07, 0.04, -0.14, -0.01, -0.19, 1],
]
# Rule 2 Art. 16 (nonlife, market, credit); Art. 17 (life, nonlife, market, credit)
TOP_PC = [[1, 0.10, 0.15], [0.10, 1, 0.27], [0.15, 0.27, 1]]
TOP_LIFE = [
    [1, 0.20, 0.30, 0.15],
    [0.20, 1, 0.10, 0.10],
    [0.30, 0.10, 1, 0.35],
    [0.15, 0.10, 0.35, 1],
]

RELATED = {"equity", "os_fi_dev", "os_fi_em", "os_eq_dev", "os_eq_em", "spread", "default"}
# Rule 8 Art. 64 (as docs/formats.md reads it: MMFs with 货币市场类产品, policy loans have no
# financing entity to concentrate on)
EXEMPT_TYPES = {
    "cash",
    "government_bond",
    "local_government_bond",
    "policy_bank_bond",
    "agency_bond",
    "money_market_fund",
    "investment_property",
    "policy_loan",
}
# 保监发〔2014〕13号 classes (for the Art. 66 check)
EQUITY_CLASS = {
    "stock",
    "equity_fund",
    "mixed_fund",
    "unlisted_equity",
    "pe_vc_fund",
    "long_term_equity_investment",
    "convertible_bond",
    "preferred_share",
}
OTHER_FIN_CLASS = {"abs", "insurance_abs_plan", "trust_plan", "reit"}


def num(v, default=None):
    return default if v is None or v.strip() == "" else float(v)


def flag(v, default):
    v = (v or "").strip().lower()
    return default if v == "" else v in ("true", "1", "yes", "y", "t")


def clamp(k):  # Rule 8 Art. 6 / Rule 9 Art. 6
    return min(max(k, -0.25), 0.25)


def rf(rf0, k=0.0, k_p=0.0):  # Rule 7 Art. 14: RF0 (1 + K + K_p) <= 1
    return min(rf0 * (1 + clamp(k) + k_p), 1.0)


def pc_duration(d):  # Rule 8 Art. 14
    if d <= 0:
        return 0.0
    if d <= 5:
        return d * (-0.001 * d + 0.0217)
    if d <= 10:
        return d * (-0.00106 * d + 0.022)
    return d * 0.0114


def quad(v, m):
    return math.sqrt(sum(v[i] * m[i][j] * v[j] for i in range(len(v)) for j in range(len(v))))


def threshold(total, company_type):  # Rule 8 Art. 65
    slices = (
        [(100 * YI, 0.08), (500 * YI, 0.05), (1000 * YI, 0.04), (math.inf, 0.03)]
        if company_type == "life"
        else [(20 * YI, 0.08), (50 * YI, 0.05), (500 * YI, 0.04), (math.inf, 0.03)]
    )
    out, lower = 0.0, 0.0
    for upper, rate in slices:
        if total > lower:
            out += (min(total, upper) - lower) * rate
        lower = upper
    return out


def independent(company_dir: Path, life_ir_total: float | None) -> dict:
    """Minimum capital, ratios and sub-module totals, row by row."""
    company = tomllib.loads((company_dir / "company.toml").read_text(encoding="utf-8"))
    ctype, ta = company["company_type"], company["total_assets"]
    with open(company_dir / "holdings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))

    # k1 over the directly held domestic stocks (Rule 8 Art. 26)
    book = cost = 0.0
    for r in rows:
        if r["asset_type"] == "stock" and (r["region"] or "domestic") == "domestic":
            book += float(r["market_value"])
            cost += float(r["purchase_cost"])
    x = (book - cost) / cost if cost > 0 else 0.0
    k1_stock = 1.0 if x >= 1 else x * x if x >= 0 else -x * x if x >= -1 else -1.0

    charges = []  # (row index, sub-module, exposure, rf0, capital)

    def charge(i, sub, ex, rf0, factor):
        charges.append((i, sub, ex, rf0, ex * factor))

    for i, r in enumerate(rows):
        at, mv = r["asset_type"], float(r["market_value"])
        region = r["region"] or "domestic"
        dur = num(r["modified_duration"], 0.0)
        rating = r["rating"]
        green = flag(r["green"], False)
        lt = flag(r["look_through"], False)
        n = int(num(r["layers"], 1))
        se = flag(r["strategic_emerging"], False)
        currency = r["currency"] or ("CNY" if region == "domestic" else "USD")
        if currency != "CNY":  # Rule 8 Art. 55-59
            charge(i, "fx", mv, FX.get(currency, 0.15), FX.get(currency, 0.15))
        if region != "domestic":  # Rule 8 Art. 46, 48 (k1: developed 0, emerging 0.25)
            k1 = 0.0 if region == "developed" else 0.25
            tag = "dev" if region == "developed" else "em"
            if at in ("government_bond", "corporate_bond"):
                charge(i, f"os_fi_{tag}", mv, 0.08, rf(0.08, k1))
            elif at in ("stock", "equity_fund"):
                charge(i, f"os_eq_{tag}", mv, 0.39, rf(0.39, k1))
            else:
                raise NotImplementedError(at)
            continue
        if ctype != "life" and at in (
            "government_bond",
            "local_government_bond",
            "policy_bank_bond",
            "agency_bond",
            "corporate_bond",
            "financial_bond",
            "abs",
        ):
            charge(i, "interest_rate", mv, pc_duration(dur), pc_duration(dur))  # Art. 11, 14
        kg = -0.1 if green else 0.0  # Rule 9 Art. 16
        if at == "cash":
            charge(i, "default", mv, 0.0, 0.0)  # Rule 9 Art. 20
        elif at in ("deposit", "structured_deposit"):  # Rule 9 Art. 21
            car = num(r["bank_car"])
            bands = ART21[r["bank_type"]]
            if car is None:
                t, s = max(b[1] for b in bands), max(b[2] for b in bands)
            else:
                t, s = next((b[1], b[2]) for b in bands if car >= b[0])
            protected = flag(r["principal_protected"], True)
            f = t if at == "deposit" else s if protected else 0.5
            charge(i, "default", mv, f, f)
        elif at in ("government_bond", "local_government_bond"):
            pass  # Rule 9 Art. 10: no credit charge
        elif at == "policy_bank_bond":  # Rule 9 Art. 13
            f0 = dur * (-0.0012 * dur + 0.012) if dur <= 5 else dur * 0.001 + 0.025
            charge(i, "spread", mv, f0, rf(f0, kg))
        elif at == "agency_bond":  # Rule 9 Art. 14
            f0 = dur * (-0.001 * dur + 0.012) if dur <= 5 else dur * 0.001 + 0.03
            charge(i, "spread", mv, f0, rf(f0, kg))
        elif at in ("corporate_bond", "financial_bond", "abs"):  # Rule 9 Art. 15
            a, b, c = ART15[rating]
            f0 = dur * (a * dur + b) if dur <= 5 else dur * c
            charge(i, "spread", mv, f0, rf(f0, kg))
        elif at == "convertible_bond":  # Rule 8 Art. 34
            charge(i, "equity", mv, 0.23, 0.23)
        elif at == "stock":  # Rule 8 Art. 26; k2 per 金规〔2023〕5号 三(六), 2025-12 notice
            board = r["board"]
            f0 = 0.35 if board == "main" else 0.45  # star, chinext, bse (option 'growth')
            held = num(r["holding_years"], 0.0)
            csi, div = flag(r["csi300"], False), flag(r["dividend_low_vol_100"], False)
            k2s = [0.0]
            if csi:
                k2s.append(0.30 / 0.35 - 1)
            if board == "star":
                k2s.append(0.40 / 0.45 - 1)
            if (csi or div) and held > 3:
                k2s.append(0.27 / 0.35 - 1)
            if board == "star" and held > 2:
                k2s.append(0.36 / 0.45 - 1)
            charge(i, "equity", mv, f0, rf(f0, k1_stock + min(k2s)))
        elif at in ("equity_fund", "mixed_fund", "bond_fund", "money_market_fund"):
            f0 = {
                "equity_fund": 0.28,
                "mixed_fund": 0.23,
                "bond_fund": 0.06,
                "money_market_fund": 0.01,
            }[at]  # Rule 8 Art. 30-33
            charge(i, "equity", mv, f0, f0)
        elif at == "unlisted_equity":  # Art. 27; 金规〔2023〕5号 三(八)
            f0 = 0.40 if se else 0.41
            charge(i, "equity", mv, f0, f0)
        elif at == "pe_vc_fund":  # Rule 7 Art. 14, 18, 31
            if lt:
                f0 = 0.40 if se else 0.41
                charge(i, "equity", mv, f0, rf(f0, 0.0, 0.1 * n))
            else:
                charge(i, "equity", mv, 0.6, 0.6)
        elif at == "reit":  # Rule 7 Art. 19; 金规〔2023〕5号 三(七)
            if lt:
                charge(i, "equity", mv, 0.41, rf(0.41, -0.2, 0.1 * n))
            else:
                charge(i, "equity", mv, 0.5, 0.5)
        elif at in ("insurance_abs_plan", "debt_investment_plan", "trust_plan"):
            if at == "insurance_abs_plan" and flag(r["exempt"], False):  # Rule 7 Art. 28
                f0 = ART28.get(rating, 0.45)
                charge(i, "default", mv, f0, f0)
            elif lt:  # Rule 7 Art. 21-23 surface + Rule 9 Art. 37 loan, K_p = (n-1) 0.1
                f0 = ART23.get(rating, 0.15)
                charge(i, "default", mv, f0, rf(f0, -0.2 if at == "debt_investment_plan" else 0.0))
                lf = ART37[r["loan_class"] or "normal"]
                charge(i, "default", mv, lf, rf(lf, 0.0, 0.1 * (n - 1)))
            else:  # Rule 7 Art. 32
                charge(i, "default", mv, 0.6, 0.6)
        elif at == "investment_property":  # Rule 8 Art. 40
            k1 = 0.2 if r["property_tier"] == "other" else 0.0
            charge(i, "real_estate", mv, 0.15, rf(0.15, k1))
        elif at == "long_term_equity_investment":  # Rule 8 Art. 28
            f0 = ART28_LTEI[r["investee"] or "subsidiary"]
            charge(i, "equity", mv, f0, f0)
        elif at == "policy_loan":  # Rule 9 Art. 32
            charge(i, "default", mv, 0.05, 0.05)
        elif at in ("perpetual_bond", "preferred_share"):  # Rule 8 Art. 36
            issuer = r["issuer_type"]
            clause = flag(r["conversion_clause"], False)
            met = flag(r["issuer_ratios_met"], True)
            if issuer == "non_financial":
                f0 = 0.25 if clause else 0.10
            elif not clause:
                f0 = 0.15
            else:
                f0 = ART36_CLAUSE[issuer] if met else 0.45
            charge(i, "equity", mv, f0, f0)
        else:
            raise NotImplementedError(at)

    # Concentration (Rule 8 Art. 64-67)
    def exempt(r):
        return (
            r["asset_type"] in EXEMPT_TYPES
            or r["bank_type"] in ("large_state", "policy")
            or r["issuer_type"] in ("large_state", "policy_bank")
        )

    per_cp = defaultdict(float)
    for r in rows:
        if r["counterparty"] and not exempt(r):
            per_cp[r["counterparty"]] += num(r["book_value"], float(r["market_value"]))
    limit = threshold(ta, ctype)
    over = {cp for cp, v in per_cp.items() if v > limit}
    addons = []
    if ta > 5 * YI:
        for i, sub, ex, rf0, _ in charges:
            r = rows[i]
            if sub in RELATED and r["counterparty"] in over and not exempt(r):
                addons.append((i, sub, ex, rf0, ex * rf0 * 0.4))
    # Art. 66 / 67 preconditions of these samples: no class above its cap, property <= 25%
    mv_of = [float(r["market_value"]) for r in rows]
    eq = sum(v for v, r in zip(mv_of, rows, strict=True) if r["asset_type"] in EQUITY_CLASS)
    other = sum(v for v, r in zip(mv_of, rows, strict=True) if r["asset_type"] in OTHER_FIN_CLASS)
    abroad = sum(
        v for v, r in zip(mv_of, rows, strict=True) if (r["region"] or "domestic") != "domestic"
    )
    prop = sum(
        v for v, r in zip(mv_of, rows, strict=True) if r["asset_type"] == "investment_property"
    )
    ratio = company["prior_comprehensive_ratio"]
    eq_cap = (
        0.10
        if ratio < 1
        else 0.20
        if ratio < 1.5
        else 0.30
        if ratio < 2.5
        else 0.40
        if ratio < 3.5
        else 0.50
    )  # 2025-04 equity-ratio notice
    assert eq <= eq_cap * ta and other <= 0.25 * ta and abroad <= 0.15 * ta
    assert prop <= 0.25 * ta

    sub = defaultdict(float)
    for _, s, _, _, cap in charges + addons:
        sub[s] += cap
    if ctype == "life":
        sub["interest_rate"] = life_ir_total

    # Aggregation
    os_fi = math.sqrt(
        sub["os_fi_dev"] ** 2
        + 2 * 0.1365 * sub["os_fi_dev"] * sub["os_fi_em"]
        + sub["os_fi_em"] ** 2
    )  # Rule 8 Art. 47
    os_eq = math.sqrt(
        sub["os_eq_dev"] ** 2
        + 2 * 0.375 * sub["os_eq_dev"] * sub["os_eq_em"]
        + sub["os_eq_em"] ** 2
    )  # Rule 8 Art. 53
    market = quad(
        [sub["interest_rate"], sub["equity"], sub["real_estate"], os_fi, os_eq, sub["fx"]], MARKET
    )  # Rule 8 Art. 69-70
    credit = math.sqrt(
        sub["spread"] ** 2 + 2 * 0.25 * sub["spread"] * sub["default"] + sub["default"] ** 2
    )  # Rule 9 Art. 43
    mc = company["minimum_capital"]
    if ctype == "life":
        mc_star = quad([mc["life_insurance"], mc["nonlife_insurance"], market, credit], TOP_LIFE)
        k_size = -0.10 if ta < 500 * YI else -0.05 if ta <= 5000 * YI else 0.0
    else:
        mc_star = quad([mc["nonlife_insurance"], market, credit], TOP_PC)
        k_size = -0.10 if ta < 100 * YI else -0.05 if ta <= 2000 * YI else 0.0
    s = mc["sarmra_score"]  # Rule 12 Art. 120
    q = -0.01 * s + 0.75 if s <= 70 else -0.005 * s + 0.4 if s <= 90 else -0.01 * s + 0.85
    quantifiable = (mc_star - mc["loss_absorption"]) * (1 + k_size)
    minimum = quantifiable * (1 + q) + mc["additional"]

    # Capital (Rule 1 Art. 41): check no limit binds for these samples, then add up
    cap = company["capital"]
    core = cap["core_tier1"] + cap["core_tier2"]
    supp = cap["supplementary_tier1"] + cap["supplementary_tier2"]
    assert cap["core_tier2"] <= 0.3 * core and cap["supplementary_tier2"] <= 0.25 * core
    assert supp <= core
    return {
        "minimum_capital": minimum,
        "core_ratio": core / minimum,
        "comprehensive_ratio": (core + supp) / minimum,
        "market": market,
        "credit": credit,
        "submodules": {
            "interest_rate": sub["interest_rate"],
            "equity": sub["equity"],
            "real_estate": sub["real_estate"],
            "overseas_fixed_income_developed": sub["os_fi_dev"],
            "overseas_fixed_income_emerging": sub["os_fi_em"],
            "overseas_equity_developed": sub["os_eq_dev"],
            "overseas_equity_emerging": sub["os_eq_em"],
            "fx": sub["fx"],
            "spread": sub["spread"],
            "default": sub["default"],
        },
        "concentrated": over,
        "k_size": k_size,
        "q": q,
    }


@pytest.fixture(scope="module", params=["pc", "life"])
def sample(request):
    folder = DATA / request.param
    if not (folder / "holdings.csv").is_file():
        pytest.skip(f"sample {request.param} not generated yet")
    result = evaluate(
        read_holdings(folder / "holdings.csv"),
        read_company(folder / "company.toml"),
        "cross2-2025-12",
    )
    life_ir = result.submodules["interest_rate"] if request.param == "life" else None
    return request.param, result, independent(folder, life_ir)


def test_minimum_capital_and_ratios(sample):
    """Minimum capital, core and comprehensive ratios to 1e-9 relative."""
    _, result, exp = sample
    assert result.minimum_capital == pytest.approx(exp["minimum_capital"], rel=1e-9)
    assert result.core_ratio == pytest.approx(exp["core_ratio"], rel=1e-9)
    assert result.comprehensive_ratio == pytest.approx(exp["comprehensive_ratio"], rel=1e-9)
    assert result.size_coefficient == exp["k_size"]
    assert result.control_q == pytest.approx(exp["q"], abs=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "interest_rate",
        "equity",
        "real_estate",
        "overseas_fixed_income_developed",
        "overseas_fixed_income_emerging",
        "overseas_equity_developed",
        "overseas_equity_emerging",
        "fx",
        "spread",
        "default",
    ],
)
def test_submodule_totals(sample, name):
    """Each sub-module total (CNY) to 1e-9 relative."""
    _, result, exp = sample
    assert result.submodules[name] == pytest.approx(exp["submodules"][name], rel=1e-9, abs=1e-6)


def test_market_and_credit_totals(sample):
    _, result, exp = sample
    assert result.market["total"] == pytest.approx(exp["market"], rel=1e-9)
    assert result.credit["total"] == pytest.approx(exp["credit"], rel=1e-9)


def test_concentrated_counterparties(sample):
    """The counterparties over the Art. 65 threshold are the ones the engine charged."""
    _, result, exp = sample
    ch = result.charges
    add = ch[ch["rule"].str.startswith("concentration: counterparty")]
    ids = set(add["id"])
    holdings = read_holdings(DATA / sample[0] / "holdings.csv").frame
    charged = set(holdings.loc[holdings["id"].isin(ids), "counterparty"])
    assert charged == exp["concentrated"]
    if sample[0] == "life":  # the sample promises one concentrated counterparty
        assert len(charged) == 1
