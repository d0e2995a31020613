"""Non-investment credit items (Rule 9 Art. 22-38) charged to counterparty default risk, and
the interest-rate method Rule 8 Art. 21-22 prescribes for a reinsurer.

Every expected factor is worked by hand from the article: RF = RF0 x (1 + K), K = sum(k_i)
clamped to [-0.25, 0.25], RF <= 1 (Rule 9 Art. 6).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.solvency import credit_items
from analyzer.solvency.regime import load_regime


def item(id_, item_type, amount, **kw):
    return {"id": id_, "item_type": item_type, "amount": amount, **kw}


def ceded(id_, amount, region, kind="reinsurer", **kw):
    return item(
        id_, "reinsurance_ceded", amount, reinsurer_region=region, reinsurer_kind=kind, **kw
    )


#: a policy loan (default 0.05, Rule 9 Art. 32) so that the default sub-module is not empty
LOAN = [{"asset_type": "policy_loan", "market_value": 1.0e8}]


def item_rows(r, id_):
    c = r.charges
    return c[c["id"] == id_]


def factor_of(r, id_, part=None):
    rows = [x for x in r.credit_items if x["id"] == id_ and (part is None or x["part"] == part)]
    assert len(rows) == 1
    return rows[0]


# ------------------------------------------------------------------ reinsurance ceded, Art. 22


@pytest.mark.parametrize(
    ("ratio", "branch", "kind", "expected"),
    [
        (2.5, False, "reinsurer", 0.008),  # >= 200%
        (2.0, False, "reinsurer", 0.008),  # 200% itself is "200%或以上"
        (1.8, False, "reinsurer", 0.013),  # [150%, 200%)
        (1.2, False, "reinsurer", 0.047),  # [100%, 150%)
        (0.6, False, "reinsurer", 0.261),  # [50%, 100%)
        (0.0, False, "reinsurer", 0.745),  # no data (entered as 0) / below 50%
        (2.5, True, "reinsurer", 0.008 * 1.05),  # k3 = 0.05, domestic non-independent (Art. 24)
        (1.2, False, "direct_insurer", 0.047 * 1.1),  # k2 = 0.1, a direct insurer (Art. 24)
        (1.2, True, "direct_insurer", 0.047 * 1.15),  # k2 + k3
    ],
)
def test_domestic_reinsurer_by_solvency_ratio(run, ratio, branch, kind, expected):
    items = [
        ceded(
            "r1",
            1.0e8,
            "domestic",
            kind,
            reinsurer_solvency_ratio=ratio,
            reinsurer_branch=branch,
        )
    ]
    r = run(LOAN, credit_items=items)
    row = factor_of(r, "r1")
    assert row["factor"] == pytest.approx(expected, rel=1e-12)
    assert row["capital"] == pytest.approx(1.0e8 * expected, rel=1e-12)
    assert "Art. 22" in row["article"]


def test_overseas_reinsurer_of_a_direct_insurer_collateral_split(run):
    """Art. 22: a P&C insurer cedes 1亿 to an overseas reinsurer meeting every local solvency
    requirement, 4000万 of it under 担保措施, with transparency measures (k4 = -0.15, Art. 25):
    collateralised 0.077 x 0.85 x 4e7 = 2,618,000; the rest 0.499 x 0.85 x 6e7 = 25,449,000."""
    items = [
        ceded(
            "r1",
            1.0e8,
            "overseas",
            meets_local_solvency=True,
            collateralised=4.0e7,
            transparency_measures=True,
        )
    ]
    r = run(LOAN, credit_items=items)
    a = factor_of(r, "r1", "collateralised")
    b = factor_of(r, "r1", "uncollateralised")
    assert a["capital"] == pytest.approx(2_618_000.0, rel=1e-12)
    assert b["capital"] == pytest.approx(25_449_000.0, rel=1e-12)
    assert r.credit_items_capital == pytest.approx(28_067_000.0, rel=1e-12)


def test_overseas_reinsurer_not_meeting_local_solvency(run):
    """Art. 22: local requirement not met or no data: 0.867, whatever the collateral; a
    direct insurer as reinsurer k2 = 0.1: 0.867 x 1.1 = 0.9537."""
    items = [
        ceded("r1", 1.0e7, "overseas", "direct_insurer", meets_local_solvency=False),
    ]
    r = run(LOAN, credit_items=items)
    assert factor_of(r, "r1")["factor"] == pytest.approx(0.9537, rel=1e-12)


# ------------------------------------------------------------------ reinsurer ceding, Art. 23


@pytest.mark.parametrize(
    ("rating", "rf0"),
    [("AAA", 0.030), ("A+", 0.069), ("BBB-", 0.209), ("BB+", 0.494), ("unrated", 0.494)],
)
def test_reinsurer_ceding_overseas_by_rating(run, rating, rf0):
    """Art. 23 rating table; below BBB- is 其他 and no rating within a year is CCC+ and below
    (Art. 29), both 0.494."""
    items = [
        ceded("r1", 1.0e8, "overseas", meets_local_solvency=True, reinsurer_rating=rating),
    ]
    r = run(LOAN, company_type="reinsurer", reinsurance_business="pc", credit_items=items)
    row = factor_of(r, "r1")
    assert row["rf0"] == rf0
    assert row["capital"] == pytest.approx(1.0e8 * rf0, rel=1e-12)
    assert "Art. 23" in row["article"]


def test_reinsurer_ceding_overseas_collateral_k1(run):
    """Art. 23: k1 = -0.25 on the collateralised part. A+ (0.069), 3000万 of 1亿 collateralised:
    0.069 x 0.75 x 3e7 = 1,552,500 and 0.069 x 7e7 = 4,830,000. With transparency too,
    k1 + k4 = -0.40 is clamped to -0.25 (Art. 6): BB+ (0.494) x 0.75 x 1e7 = 3,705,000."""
    items = [
        ceded(
            "r1",
            1.0e8,
            "overseas",
            meets_local_solvency=True,
            reinsurer_rating="A+",
            collateralised=3.0e7,
        ),
        ceded(
            "r2",
            1.0e7,
            "overseas",
            meets_local_solvency=True,
            reinsurer_rating="BB+",
            collateralised=1.0e7,
            transparency_measures=True,
        ),
    ]
    r = run(LOAN, company_type="reinsurer", reinsurance_business="pc", credit_items=items)
    assert factor_of(r, "r1", "collateralised")["capital"] == pytest.approx(1_552_500, rel=1e-12)
    assert factor_of(r, "r1", "uncollateralised")["capital"] == pytest.approx(4_830_000, rel=1e-12)
    r2 = factor_of(r, "r2", "collateralised")
    assert r2["k"] == pytest.approx(-0.25)
    assert r2["capital"] == pytest.approx(3_705_000, rel=1e-12)
    # fully collateralised: no uncollateralised row
    assert [x["part"] for x in r.credit_items if x["id"] == "r2"] == ["collateralised"]


def test_reinsurer_ceding_overseas_not_met(run):
    """Art. 23: not meeting local solvency or no data: 0.8."""
    items = [ceded("r1", 1.0e8, "overseas", meets_local_solvency=False)]
    r = run(LOAN, company_type="reinsurer", reinsurance_business="pc", credit_items=items)
    assert factor_of(r, "r1")["factor"] == pytest.approx(0.8)


def test_overseas_k3_option(run):
    """Art. 24(二) names domestic entities only: by default an overseas reinsurer has k3 = 0;
    the option charges it the 0.05: 0.499 x 1.05."""
    items = [ceded("r1", 1.0e8, "overseas", meets_local_solvency=True)]
    a = run(LOAN, credit_items=items)
    b = run(LOAN, credit_items=items, options={"overseas_reinsurer_k3": "non_independent"})
    assert factor_of(a, "r1")["factor"] == pytest.approx(0.499)
    assert factor_of(b, "r1")["factor"] == pytest.approx(0.499 * 1.05, rel=1e-12)


# ------------------------------------------------------------------ ages, Art. 30, 34, 36


@pytest.mark.parametrize(
    ("kind", "extra", "age", "rf0"),
    [
        ("reinsurance_assumed", {}, 6, 0.0),  # Art. 30: 不大于6个月
        ("reinsurance_assumed", {}, 6.5, 0.7),
        ("reinsurance_assumed", {}, 12, 0.7),
        ("reinsurance_assumed", {}, 13, 1.0),
        ("premium_receivable", {"business": "other"}, 6, 0.0),  # Art. 34 other business
        ("premium_receivable", {"business": "other"}, 7, 0.5),
        ("premium_receivable", {"business": "other"}, 12, 0.5),
        ("premium_receivable", {"business": "other"}, 12.5, 1.0),
        ("premium_receivable", {}, 7, 0.5),  # blank business = other (the higher factors)
        ("premium_receivable", {"business": "subsidised"}, 9, 0.0),  # 农险、大病 etc.
        ("premium_receivable", {"business": "subsidised"}, 10, 0.2),
        ("premium_receivable", {"business": "subsidised"}, 18, 0.7),
        ("premium_receivable", {"business": "subsidised"}, 19, 1.0),
        ("other_receivable", {"category": "other"}, 3, 0.03),  # Art. 36(五)
        ("other_receivable", {"category": "other"}, 7, 0.15),
        ("other_receivable", {"category": "other"}, 15, 0.5),
        ("other_receivable", {"category": "other"}, 24, 1.0),
        # Art. 36(二): failing the significant-insurance-risk test -> Art. 34
        ("other_receivable", {"category": "failed_risk_test", "business": "subsidised"}, 10, 0.2),
    ],
)
def test_factor_by_age(run, kind, extra, age, rf0):
    r = run(LOAN, credit_items=[item("x", kind, 1.0e7, age_months=age, **extra)])
    row = factor_of(r, "x")
    assert row["rf0"] == rf0
    assert row["capital"] == pytest.approx(1.0e7 * rf0, rel=1e-12)


@pytest.mark.parametrize(
    ("extra", "rf0"),
    [
        ({"category": "prepaid_claims_or_tax"}, 0.0),  # Art. 36(一)
        ({"category": "loan_related_party", "loan_class": "substandard"}, 0.3),  # (四), Art. 37
        ({"category": "loan_non_controlled_property", "loan_class": "normal"}, 0.085),  # (三)
    ],
)
def test_other_receivable_categories(run, extra, rf0):
    r = run(LOAN, credit_items=[item("x", "other_receivable", 1.0e7, **extra)])
    assert factor_of(r, "x")["rf0"] == rf0


def test_guarantee(run):
    """Art. 38: EX = the guaranteed amount, RF0 = 0.3: 2亿 -> 6000万."""
    r = run(LOAN, credit_items=[item("g", "guarantee", 2.0e8)])
    assert factor_of(r, "g")["capital"] == pytest.approx(6.0e7, rel=1e-12)
    assert "Art. 38" in factor_of(r, "g")["article"]


# ------------------------------------------------------------------ aggregation, Art. 39, 43

BOOK = [
    {"asset_type": "policy_loan", "market_value": 1.0e8},  # default 0.05 -> 5,000,000
    {  # spread AAA, D = 2: 2 x (0.0006 x 2 + 0.012) = 0.0264 -> 2,640,000 (Art. 15)
        "asset_type": "corporate_bond",
        "market_value": 1.0e8,
        "rating": "AAA",
        "modified_duration": 2.0,
    },
]
ITEMS = [
    ceded("re", 1.0e8, "domestic", reinsurer_solvency_ratio=1.8, reinsurer_branch=False),
    item("prem", "premium_receivable", 2.0e7, age_months=8),  # 0.5 -> 10,000,000
    item("oth", "other_receivable", 1.0e7, category="other", age_months=3),  # 0.03 -> 300,000
    item("g", "guarantee", 1.0e7),  # 0.3 -> 3,000,000
]


def test_items_join_default_risk_then_credit_by_hand(run):
    """Default = 5,000,000 (policy loan) + 1,300,000 (reinsurer 0.013) + 10,000,000 + 300,000
    + 3,000,000 = 19,600,000 (Art. 39); credit = sqrt(s^2 + 2 x 0.25 x s d + d^2) (Art. 43)
    with s = 2,640,000."""
    r0 = run(BOOK)
    r = run(BOOK, credit_items=ITEMS)
    s, d = 2_640_000.0, 19_600_000.0
    assert r.submodules["spread"] == pytest.approx(s, rel=1e-12)
    assert r.credit_items_capital == pytest.approx(14_600_000.0, rel=1e-12)
    assert r.submodules["default"] == pytest.approx(d, rel=1e-12)
    assert r.credit["default"] == pytest.approx(d, rel=1e-12)
    assert r.credit["total"] == pytest.approx(math.sqrt(s * s + 0.5 * s * d + d * d), rel=1e-12)
    assert r0.credit_items_capital == 0.0
    assert r.minimum_capital > r0.minimum_capital
    # the Euler terms still add up to the minimum capital, the items' term included
    total = r.holdings["marginal_capital"].sum() + sum(r.euler.values())
    assert total == pytest.approx(r.minimum_capital, rel=1e-9)
    assert r.euler["credit_items"] > 0


def test_items_in_trace_and_json(run):
    r = run(BOOK, credit_items=ITEMS)
    rows = item_rows(r, "re")
    assert len(rows) == 1
    assert rows["submodule"].iloc[0] == "default"
    assert rows["position"].iloc[0] == -1
    assert "Rule 9 Art. 22" in rows["article"].iloc[0]
    assert item_rows(r, "g")["capital"].iloc[0] == pytest.approx(3.0e6)
    # positions' rows unchanged; the trace's capital adds up to the sub-modules
    c = r.charges
    assert c.loc[c["submodule"] == "default", "capital"].sum() == pytest.approx(
        r.submodules["default"], rel=1e-12
    )
    out = r.to_dict(holdings=False)
    assert {x["id"] for x in out["credit_items"]} == {"re", "prem", "oth", "g"}
    assert out["credit_items_capital"] == pytest.approx(14_600_000.0)
    # the holdings table has no item rows
    assert set(r.holdings["id"]) == {"p0", "p1"}


def test_no_items_changes_nothing(run):
    """A company without items: default = the positions' only, no trace rows added."""
    r = run(BOOK)
    assert r.submodules["default"] == pytest.approx(5_000_000.0, rel=1e-12)
    assert (r.charges["position"] >= 0).all()
    assert r.to_dict(holdings=False)["credit_items"] == []


def test_capital_map_carries_the_items(make_holdings, make_company):
    """The optimiser's capital map reproduces the engine's minimum capital with items."""
    from analyzer.solvency.capital_map import build_capital_map
    from analyzer.solvency.engine import evaluate

    h = make_holdings([{**BOOK[0], "asset_class": "loan"}, {**BOOK[1], "asset_class": "bond"}])
    c = make_company(credit_items=ITEMS)
    m = build_capital_map(h, c)
    r = evaluate(h, c, scitech=False)
    assert float(m.minimum_capital(m.current_exposure)) == pytest.approx(
        r.minimum_capital, rel=1e-12
    )


def test_factors_are_in_the_regime_tables():
    """Later regimes inherit the Rule 9 tables (no notice changed them)."""
    a = load_regime("cross2-2022").tables["credit_items"]
    b = load_regime("cross2-2025-12").tables["credit_items"]
    assert a == b
    assert credit_items.age_factor(6, a["assumed"]["bands"]) == 0.0


# ------------------------------------------------------------------ reinsurer interest rate

BONDS = [
    {
        "asset_type": "government_bond",
        "market_value": 1.0e8,
        "modified_duration": 3.0,
        "coupon_rate": 0.02,
        "maturity_years": 3,
        "face_value": 1.0e8,
    }
]


def test_life_reinsurer_uses_the_scenario_method(run):
    """Rule 8 Art. 22: a reinsurer writing only life reinsurance measures interest-rate risk as
    a life insurer (Art. 18): the same interest-rate capital as a life insurer with the same
    book and liabilities, and no duration-factor rows."""
    life = run(BONDS, company_type="life")
    liab = {"cash_flows": np.array([1.0e6]), "spot_curve": np.full(40, 0.02)}
    re = run(BONDS, company_type="reinsurer", reinsurance_business="life", liabilities=liab)
    assert re.life_interest_rate is not None
    assert re.submodules["interest_rate"] == pytest.approx(
        life.submodules["interest_rate"], rel=1e-12
    )
    rules = set(re.charges.loc[re.charges["submodule"] == "interest_rate", "rule"])
    assert "duration factor" not in rules


def test_pc_reinsurer_uses_the_duration_factor(run):
    """Rule 8 Art. 21: D = 3 -> 3 x (-0.001 x 3 + 0.0217) = 0.0561."""
    re = run(BONDS, company_type="reinsurer", reinsurance_business="pc")
    assert re.life_interest_rate is None
    assert re.submodules["interest_rate"] == pytest.approx(0.0561 * 1.0e8, rel=1e-12)


def test_reinsurer_without_business_refused_in_engine(make_holdings, make_company):
    """A company built in code without reinsurance_business still cannot pick a method."""
    from analyzer.solvency.engine import evaluate

    c = make_company("reinsurer", reinsurance_business="pc")
    c = c.model_copy(update={"reinsurance_business": None})
    with pytest.raises(InputError) as exc:
        evaluate(make_holdings(BONDS), c, scitech=False)
    assert "reinsurance_business" in str(exc.value)


def test_baseline_regime_carries_the_items_too(make_holdings, make_company):
    """The sci-tech view re-evaluates under cross2-2022 with the same items: no relief comes
    from the items (their factors are the same in both regimes), so a book without sci-tech
    positions and without any factor change between the regimes shows zero relief."""
    from analyzer.solvency.engine import evaluate

    h = make_holdings(BOOK)
    r = evaluate(h, make_company(credit_items=ITEMS), scitech=True)
    r0 = evaluate(h, make_company(), scitech=True)
    assert r0.scitech.relief == pytest.approx(0.0, abs=1e-6)
    assert r.scitech.relief == pytest.approx(0.0, abs=1e-6)
    assert r.scitech.minimum_capital_baseline > r0.scitech.minimum_capital_baseline
