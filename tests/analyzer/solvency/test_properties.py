"""Properties of the capital engine on random small portfolios of mixed types (hypothesis),
for P&C and life companies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analyzer.solvency.aggregation import MARKET_ORDER

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RATINGS = ["AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "unrated"]
mv = st.floats(1e4, 1e8)
dur = st.floats(0.05, 15.0)
layers = st.integers(1, 3)
cp = st.sampled_from(["", "A", "B"])


def _plausible(row: dict) -> dict:
    """A position a real book can hold (the reader refuses the others): face value and
    purchase cost within a plausible ratio of the market value, duration within maturity."""
    row = dict(row)
    row["face_value"] = row["market_value"] * row.pop("face_ratio")
    if "cost_ratio" in row:
        row["purchase_cost"] = row["market_value"] * row.pop("cost_ratio")
    if "modified_duration" in row:
        row["modified_duration"] = min(row["modified_duration"], row["maturity_years"])
    return row


def with_cash_flows(kind: dict) -> st.SearchStrategy:
    """Every row carries the life cash-flow fields (harmless for other types)."""
    return st.fixed_dictionaries(
        {
            **kind,
            "coupon_rate": st.floats(0.0, 0.06),
            "maturity_years": st.integers(1, 30),
            "face_ratio": st.floats(0.5, 2.0),
        }
    ).map(_plausible)


STOCK = {
    "asset_type": st.just("stock"),
    "market_value": mv,
    "board": st.sampled_from(["main", "star", "chinext", "bse"]),
    "csi300": st.booleans(),
    "dividend_low_vol_100": st.booleans(),
    "holding_years": st.floats(0, 6),
    "cost_ratio": st.floats(0.2, 5.0),  # purchase cost / market value
    "counterparty": cp,
}
EQUITY_KINDS = [
    STOCK,
    {
        "asset_type": st.sampled_from(
            ["equity_fund", "mixed_fund", "bond_fund", "money_market_fund", "convertible_bond"]
        ),
        "market_value": mv,
        "counterparty": cp,
    },
    {
        "asset_type": st.just("unlisted_equity"),
        "market_value": mv,
        "strategic_emerging": st.booleans(),
        "counterparty": cp,
    },
    {
        "asset_type": st.just("long_term_equity_investment"),
        "market_value": mv,
        "investee": st.sampled_from(
            ["subsidiary", "insurance_subsidiary", "listed_associate", "unlisted_associate"]
        ),
    },
    {
        "asset_type": st.sampled_from(["pe_vc_fund", "reit"]),
        "market_value": mv,
        "look_through": st.booleans(),
        "layers": layers,
        "strategic_emerging": st.booleans(),
    },
    {
        "asset_type": st.sampled_from(["am_product", "wealth_management_product"]),
        "market_value": mv,
        "exempt": st.just(True),
        "product_kind": st.sampled_from(["money_market", "fixed_income", "equity", "mixed"]),
        "largest_underlying_share": st.floats(0.0, 0.2),
        "counterparty": cp,
    },
    {
        "asset_type": st.sampled_from(
            ["equity_investment_plan", "debt_to_equity_plan", "real_estate_financial_product"]
        ),
        "market_value": mv,
        "look_through": st.booleans(),
        "layers": layers,
        "strategic_emerging": st.booleans(),
        "property_tier": st.sampled_from(["major", "other"]),
        "counterparty": cp,
    },
    {
        "asset_type": st.just("trust_plan"),
        "trust_kind": st.just("equity"),
        "market_value": mv,
        "look_through": st.booleans(),
        "layers": layers,
        "counterparty": cp,
    },
    {
        "asset_type": st.sampled_from(["preferred_share", "perpetual_bond"]),
        "market_value": mv,
        "issuer_type": st.sampled_from(
            ["large_state", "joint_stock", "city", "other_bank", "amc", "insurer", "non_financial"]
        ),
        "conversion_clause": st.booleans(),
        "issuer_ratios_met": st.booleans(),
        "counterparty": cp,
        # non-financial perpetual bonds are rated corporate bonds (Rule 9 Art. 15)
        "rating": st.sampled_from(RATINGS),
        "modified_duration": dur,
    },
]
CREDIT_KINDS = [  # default-only credit assets (no interest-rate charge for a P&C insurer)
    {
        "asset_type": st.sampled_from(["deposit", "structured_deposit"]),
        "market_value": mv,
        "bank_type": st.sampled_from(
            ["large_state", "joint_stock", "city", "rural", "other", "finance_company"]
        ),
        "bank_car": st.one_of(st.none(), st.floats(0.08, 0.2)),
        "principal_protected": st.booleans(),
        "counterparty": cp,
    },
    {"asset_type": st.sampled_from(["cash", "interbank", "policy_loan"]), "market_value": mv},
    {
        "asset_type": st.sampled_from(["debt_investment_plan", "trust_plan"]),
        "market_value": mv,
        "rating": st.sampled_from(RATINGS),
        "trust_kind": st.just("fixed_income"),
        "look_through": st.booleans(),
        "layers": layers,
        "loan_class": st.sampled_from(
            ["normal", "special_mention", "substandard", "doubtful", "loss"]
        ),
        "counterparty": cp,
    },
    {
        "asset_type": st.just("insurance_abs_plan"),
        "market_value": mv,
        "rating": st.sampled_from(RATINGS),
        "look_through": st.booleans(),
        "layers": layers,
        "exempt": st.booleans(),
        "loan_class": st.sampled_from(
            ["normal", "special_mention", "substandard", "doubtful", "loss"]
        ),
        "counterparty": cp,
    },
]
OTHER_KINDS = [
    {
        "asset_type": st.sampled_from(["corporate_bond", "financial_bond", "abs"]),
        "market_value": mv,
        "rating": st.sampled_from(RATINGS),
        "modified_duration": dur,
        "green": st.booleans(),
        "counterparty": cp,
    },
    {
        "asset_type": st.sampled_from(
            ["government_bond", "local_government_bond", "policy_bank_bond", "agency_bond"]
        ),
        "market_value": mv,
        "modified_duration": dur,
        "green": st.booleans(),
    },
    {
        "asset_type": st.just("investment_property"),
        "market_value": mv,
        "property_tier": st.sampled_from(["major", "other"]),
    },
    {
        "asset_type": st.sampled_from(
            ["stock", "equity_fund", "corporate_bond", "investment_property", "unlisted_equity"]
        ),
        "market_value": mv,
        "region": st.sampled_from(["developed", "emerging"]),
        "currency": st.sampled_from(["USD", "HKD", "EUR", "GBP", "other"]),
    },
]
position = st.one_of([with_cash_flows(k) for k in EQUITY_KINDS + CREDIT_KINDS + OTHER_KINDS])
eq_credit_position = st.one_of([with_cash_flows(k) for k in EQUITY_KINDS + CREDIT_KINDS]).filter(
    # a non-financial perpetual bond is a rated corporate bond with an interest-rate charge,
    # whose negative market correlation can offset: not an equity or default-only asset
    lambda r: not (r["asset_type"] == "perpetual_bond" and r.get("issuer_type") == "non_financial")
)
portfolio = st.lists(position, min_size=1, max_size=8)
company_type = st.sampled_from(["pc", "life"])
total_assets = st.sampled_from([3e8, 4e9, 3e10, 2e11, 1e12])
constants = st.fixed_dictionaries(
    {
        "nonlife_insurance": st.floats(0, 1e8),
        "loss_absorption": st.just(0.0),
        "additional": st.floats(0, 1e6),
        "sarmra_score": st.floats(0, 100),
    }
)


def non_ir(result) -> dict:
    return {k: v for k, v in result.submodules.items() if k != "interest_rate"}


@SETTINGS
@given(rows=portfolio, ctype=company_type, ta=total_assets, mc=constants)
def test_capital_non_negative(run, rows, ctype, ta, mc):
    """P&C: every charge >= 0 (EX >= 0, RF0 >= 0, RF in [0, 1], add-ons >= 0); minimum capital
    >= 0 for both company types (life IR is floored at 0, Rule 8 Art. 18; Q >= -0.15)."""
    r = run(rows, company_type=ctype, total_assets=ta, minimum_capital=mc)
    if ctype == "pc":
        assert (r.charges["capital"] >= 0).all()
        assert (r.charges["factor"] <= 1 + 1e-12).all()
    assert r.minimum_capital >= 0
    assert all(v >= -1e-9 for v in r.submodules.values())


@SETTINGS
@given(
    rows=portfolio,
    ctype=company_type,
    ta=total_assets,
    which=st.integers(0, 7),
    bump=st.floats(1.01, 5.0),
)
def test_capital_grows_with_exposure(run, rows, ctype, ta, which, bump):
    """Raising one position's market value never lowers any non-IR sub-module total: factors
    are non-negative, the stock k1 is non-decreasing in the book value, and the concentration
    tests (book value > threshold, class > cap) only switch on. (Life IR assets may hedge the
    liabilities, so the interest-rate sub-module is left out.)"""
    i = which % len(rows)
    before = run(rows, company_type=ctype, total_assets=ta)
    bumped = [dict(r) for r in rows]
    bumped[i]["market_value"] *= bump
    after = run(bumped, company_type=ctype, total_assets=ta)
    for name, value in non_ir(before).items():
        assert non_ir(after)[name] >= value * (1 - 1e-12) - 1e-9, name


@SETTINGS
@given(
    rows=st.lists(eq_credit_position, min_size=1, max_size=8),
    ta=total_assets,
    which=st.integers(0, 7),
    bump=st.floats(1.01, 5.0),
    mc=constants,
)
def test_pc_minimum_capital_monotone(run, rows, ta, which, bump, mc):
    """P&C, equity and default-only credit assets (no IR charge, so no negative market
    correlation can offset): minimum capital is non-decreasing in each position's value."""
    i = which % len(rows)
    before = run(rows, total_assets=ta, minimum_capital=mc)
    bumped = [dict(r) for r in rows]
    bumped[i]["market_value"] *= bump
    after = run(bumped, total_assets=ta, minimum_capital=mc)
    assert after.minimum_capital >= before.minimum_capital * (1 - 1e-12) - 1e-9


@SETTINGS
@given(rows=portfolio, c=st.floats(0.5, 4.0))
def test_scaling(run, rows, c):
    """Scale every position (market value, purchase cost, face value) and total assets by c:
    P&C, insurance constants, LA and additional 0 -> minimum capital and every sub-module scale
    by c. Settings that keep the non-linear parts fixed: total assets 1e12 x c >= 5,000亿, so
    the size coefficient stays 0 (> 2,000亿), the counterparty threshold (>= 150亿) and the
    class caps (>= 500亿) stay far above any exposure (<= 8 x 4e8 = 32亿) and property stays
    under 25%; the stock k1 depends on book / cost, a ratio c leaves unchanged."""
    base = run(rows, total_assets=1e12)
    scaled_rows = []
    for r in rows:
        r = dict(r)
        for col in ("market_value", "purchase_cost", "face_value"):
            if col in r:
                r[col] *= c
        scaled_rows.append(r)
    scaled = run(scaled_rows, total_assets=1e12 * c)
    assert scaled.minimum_capital == pytest.approx(c * base.minimum_capital, rel=1e-9, abs=1e-6)
    for name, value in base.submodules.items():
        assert scaled.submodules[name] == pytest.approx(c * value, rel=1e-9, abs=1e-6)


@SETTINGS
@given(rows=portfolio, ctype=company_type, ta=total_assets, mc=constants, life=st.floats(0, 1e8))
def test_diversified_capital_below_sums(run, rows, ctype, ta, mc, life):
    """MC* <= life + nonlife + market + credit (Rule 2 Art. 15-18, correlations <= 1);
    market <= sum of its six entries (Rule 8 Art. 69), each overseas entry <= developed +
    emerging (Art. 47, 53); credit <= spread + default (Rule 9 Art. 43)."""
    mc = dict(mc, life_insurance=life if ctype == "life" else 0.0)
    r = run(rows, company_type=ctype, total_assets=ta, minimum_capital=mc)
    s = r.submodules
    tol = 1e-9
    assert r.market["total"] <= sum(r.market[k] for k in MARKET_ORDER) * (1 + tol) + tol
    assert (
        r.market["overseas_fixed_income"]
        <= (s["overseas_fixed_income_developed"] + s["overseas_fixed_income_emerging"]) * (1 + tol)
        + tol
    )
    assert (
        r.market["overseas_equity"]
        <= (s["overseas_equity_developed"] + s["overseas_equity_emerging"]) * (1 + tol) + tol
    )
    assert r.credit["total"] <= (s["spread"] + s["default"]) * (1 + tol) + tol
    undiversified = (
        r.insurance["life"] + r.insurance["nonlife"] + r.market["total"] + r.credit["total"]
    )
    assert r.diversification >= -tol * max(undiversified, 1.0)


@SETTINGS
@given(rows=portfolio, ctype=company_type, ta=total_assets, mc=constants, la=st.floats(0, 1e5))
def test_euler_contributions_add_up(run, rows, ctype, ta, mc, la):
    """holdings.marginal_capital.sum() + sum(euler.values()) == minimum capital (1e-9 rel)."""
    mc = dict(mc, loss_absorption=la, life_insurance=5e6 if ctype == "life" else 0.0)
    r = run(rows, company_type=ctype, total_assets=ta, minimum_capital=mc)
    assume(r.minimum_capital > 0)
    total = float(r.holdings["marginal_capital"].sum()) + sum(r.euler.values())
    assert total == pytest.approx(r.minimum_capital, rel=1e-9)
    assert np.isfinite(r.holdings["marginal_capital"]).all()
