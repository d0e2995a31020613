"""Concentration risk (Rule 8 Art. 60-67; Rule 9 Art. 40-41).

Counterparty: book value per counterparty above the regressive threshold on total assets ->
k = 0.4 on every related asset's equity / overseas / credit charge (Art. 65), as the add-on
EX x RF0 x 0.4 (docs/formats.md §7.3); exemptions of Art. 64; no charge for total assets of
5亿 or less.
Real estate above 25% of total assets: k = 0.5 on every real-estate charge (Art. 67).
"""

from __future__ import annotations

import pytest

from analyzer.solvency.concentration import counterparty_threshold
from analyzer.solvency.regime import load_regime

YI = 1.0e8  # 亿


@pytest.fixture(scope="module")
def table():
    return load_regime().table("concentration", "counterparty")


def test_life_worked_example(table):
    """Digest §4 (from the Art. 65 table): life, total assets 1,200亿:
    100 x 8% + 400 x 5% + 500 x 4% + 200 x 3% = 8 + 20 + 20 + 6 = 54亿."""
    assert counterparty_threshold(1200 * YI, "life", table) == pytest.approx(54 * YI, rel=1e-12)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (10, 0.8),  # 10 x 8%
        (20, 1.6),  # 20 x 8%
        (30, 2.1),  # 1.6 + 10 x 5%
        (50, 3.1),  # 1.6 + 30 x 5%
        (600, 24.1),  # 1.6 + 1.5 + 450 x 4% + 100 x 3%
    ],
)
@pytest.mark.parametrize("company_type", ["pc", "reinsurer"])
def test_pc_slices(table, total, expected, company_type):
    """Art. 65, P&C (reinsurer) column: 20亿 8%, 20-50亿 5%, 50-500亿 4%, above 3%."""
    assert counterparty_threshold(total * YI, company_type, table) == pytest.approx(
        expected * YI, rel=1e-12
    )


@pytest.mark.parametrize(("total", "expected"), [(50, 4.0), (100, 8.0), (300, 18.0), (800, 40.0)])
def test_life_slices(table, total, expected):
    """Art. 65, life column: 100亿 8%, 100-500亿 5%, 500-1000亿 4%: 300亿 -> 8 + 10 = 18;
    800亿 -> 8 + 20 + 12 = 40."""
    assert counterparty_threshold(total * YI, "life", table) == pytest.approx(
        expected * YI, rel=1e-12
    )


# A P&C insurer with total assets 10亿: threshold 0.8亿. Counterparty X: corporate bond 0.5亿
# (AAA, D = 3), stock 0.4亿 (main, x = 0, not CSI 300), joint-stock deposit 0.2亿 (CAR 13%):
# 1.1亿 > 0.8亿.
def concentrated_rows(**deposit):
    return [
        {
            "asset_type": "corporate_bond",
            "market_value": 0.5 * YI,
            "rating": "AAA",
            "modified_duration": 3.0,
            "counterparty": "X",
        },
        {
            "asset_type": "stock",
            "market_value": 0.4 * YI,
            "board": "main",
            "purchase_cost": 0.4 * YI,
            "counterparty": "X",
        },
        {
            "asset_type": "deposit",
            "market_value": 0.2 * YI,
            "bank_type": "joint_stock",
            "bank_car": 0.13,
            "counterparty": "X",
            **deposit,
        },
    ]


def addons(result):
    ch = result.charges
    return ch[ch["rule"].str.startswith("concentration")]


def test_counterparty_over_threshold_full_exposure(run):
    """Add-ons EX x RF0 x 0.4 on spread, equity and default, none on interest rate:
    spread 0.5亿 x 0.0414 x 0.4 = 828,000; equity 0.4亿 x 0.35 x 0.4 = 5,600,000;
    default 0.2亿 x 0.03 x 0.4 = 240,000."""
    r = run(concentrated_rows(), total_assets=10 * YI)
    add = addons(r).set_index("submodule")["capital"]
    assert add.to_dict() == pytest.approx(
        {"spread": 828_000.0, "equity": 5_600_000.0, "default": 240_000.0}, rel=1e-12
    )
    assert "interest_rate" not in add.index
    assert r.submodules["spread"] == pytest.approx(0.5 * YI * 0.0414 * 1.4, rel=1e-12)
    assert r.submodules["equity"] == pytest.approx(0.4 * YI * 0.35 * 1.4, rel=1e-12)
    assert r.submodules["interest_rate"] == pytest.approx(0.5 * YI * 0.0561, rel=1e-12)
    assert (addons(r)["article"].str.contains("Art. 6")).all()


def test_counterparty_excess_basis(run):
    """concentration_basis = 'excess': the add-ons scale by (1.1 - 0.8) / 1.1 = 3/11."""
    r = run(concentrated_rows(), total_assets=10 * YI, options={"concentration_basis": "excess"})
    add = addons(r).set_index("submodule")["capital"]
    s = 3 / 11
    assert add.to_dict() == pytest.approx(
        {"spread": 828_000.0 * s, "equity": 5_600_000.0 * s, "default": 240_000.0 * s}, rel=1e-12
    )


def test_counterparty_at_threshold_is_not_over(run):
    """Art. 65 "超过": exactly at the threshold (0.5 + 0.3 = 0.8亿) no add-on."""
    rows = concentrated_rows()[:2]
    rows[1]["market_value"] = rows[1]["purchase_cost"] = 0.3 * YI
    assert addons(run(rows, total_assets=10 * YI)).empty


def test_book_value_decides(run):
    """Art. 65 sums book values: market values 0.7亿 (below 0.8亿), book values 0.9亿 (above)
    -> add-on on the bond: 0.5亿 x 0.0414 x 0.4."""
    rows = concentrated_rows()[:2]
    rows[1]["market_value"] = rows[1]["purchase_cost"] = 0.2 * YI
    assert addons(run(rows, total_assets=10 * YI)).empty
    rows[0]["book_value"] = 0.7 * YI
    add = addons(run(rows, total_assets=10 * YI)).set_index("submodule")["capital"]
    assert add["spread"] == pytest.approx(0.5 * YI * 0.0414 * 0.4, rel=1e-12)


def test_large_state_bank_and_policy_bank_exempt(run):
    """Art. 64(二)(三): deposits with large state-owned banks and policy-bank bonds are exempt
    even when the counterparty's total is far above the threshold."""
    rows = [
        {
            "asset_type": "deposit",
            "market_value": 5 * YI,
            "bank_type": "large_state",
            "counterparty": "工商银行",
        },
        {
            "asset_type": "policy_bank_bond",
            "market_value": 5 * YI,
            "modified_duration": 3.0,
            "counterparty": "国家开发银行",
        },
        {
            "asset_type": "government_bond",
            "market_value": 5 * YI,
            "modified_duration": 3.0,
            "counterparty": "财政部",
        },
    ]
    assert addons(run(rows, total_assets=20 * YI)).empty


@pytest.mark.parametrize(("total", "charged"), [(5 * YI, False), (5.01 * YI, True)])
def test_small_insurer_exempt(run, total, charged):
    """Art. 65: "总资产为5亿元以下的，不计提" (以下 includes 5亿, 民法典 Art. 1259). Threshold at
    5亿: 0.4亿; counterparty X holds 1.1亿."""
    assert addons(run(concentrated_rows(), total_assets=total)).empty is not charged


def test_real_estate_above_quarter(run):
    """Art. 67: property 2.6亿 of total assets 10亿 (26% > 25%): every real-estate charge gets
    EX x 0.15 x 0.5: (1.6亿 + 1.0亿) x 0.075 = 19,500,000 on top of
    1.6亿 x 0.15 + 1.0亿 x 0.18 = 42,000,000."""
    rows = [
        {"asset_type": "investment_property", "market_value": 1.6 * YI, "property_tier": "major"},
        {"asset_type": "investment_property", "market_value": 1.0 * YI, "property_tier": "other"},
    ]
    r = run(rows, total_assets=10 * YI)
    assert addons(r)["capital"].sum() == pytest.approx(19_500_000.0, rel=1e-12)
    assert r.submodules["real_estate"] == pytest.approx(61_500_000.0, rel=1e-12)
    assert (addons(r)["article"].str.contains("Art. 67")).all()


def test_real_estate_at_quarter_not_charged(run):
    """Art. 67 "超过25%": exactly 25% (2.5亿 of 10亿) -> no add-on."""
    rows = [
        {"asset_type": "investment_property", "market_value": 2.5 * YI, "property_tier": "major"}
    ]
    assert addons(run(rows, total_assets=10 * YI)).empty


def test_class_concentration_equity_above_cap(run):
    """Art. 66: directly held equity above its ratio cap gets k = 0.2 (add-on EX x RF0 x 0.2).
    Prior ratio 2.0 -> 2025 cap 30% of 10亿 = 3亿; equity fund 3.5亿 (RF0 0.28):
    3.5亿 x 0.28 x 0.2 = 19,600,000. Counterparty concentration: no counterparty named."""
    rows = [{"asset_type": "equity_fund", "market_value": 3.5 * YI}]
    r = run(rows, total_assets=10 * YI)
    assert addons(r)["capital"].sum() == pytest.approx(19_600_000.0, rel=1e-12)
    off = run(rows, total_assets=10 * YI, options={"class_concentration": False})
    assert addons(off).empty


# ------------------------------------------------------------------------------------------
# Art. 67 counts the real estate it charges; Art. 63 counterparty of debt-type products
# ------------------------------------------------------------------------------------------


def test_real_estate_test_counts_reits_charged_as_real_estate(run):
    """Art. 67 with option reit_underlying = 'real_estate': property 1.5亿 + looked-through
    REIT 1.1亿 = 26% of 10亿 > 25%: the add-on EX x 0.15 x 0.5 hits both real-estate charges:
    (1.5 + 1.1)亿 x 0.075 = 19,500,000. With the REIT charged as unlisted equity it counts
    neither in the test (15%) nor in the add-on."""
    rows = [
        {"asset_type": "investment_property", "market_value": 1.5 * YI, "property_tier": "major"},
        {"asset_type": "reit", "market_value": 1.1 * YI, "look_through": True, "layers": 1},
    ]
    r = run(rows, total_assets=10 * YI, options={"reit_underlying": "real_estate"})
    add = addons(r)
    assert add["capital"].sum() == pytest.approx(19_500_000.0, rel=1e-12)
    assert set(add["id"]) == {"p0", "p1"} and (add["submodule"] == "real_estate").all()
    assert addons(run(rows, total_assets=10 * YI)).empty


def test_real_estate_add_on_hits_overseas_property(run):
    """Art. 67: domestic property 2.0亿 + overseas (developed) property 0.6亿 = 26% of 10亿:
    the add-on applies to the overseas property's charge too, in the overseas equity
    sub-module: 2.0亿 x 0.15 x 0.5 + 0.6亿 x 0.15 x 0.5 = 19,500,000."""
    rows = [
        {"asset_type": "investment_property", "market_value": 2.0 * YI, "property_tier": "major"},
        {
            "asset_type": "investment_property",
            "market_value": 0.6 * YI,
            "region": "developed",
            "currency": "USD",
        },
    ]
    r = run(rows, total_assets=10 * YI)
    add = addons(r)
    assert add["capital"].sum() == pytest.approx(19_500_000.0, rel=1e-12)
    by_sub = add.set_index("submodule")["capital"]
    assert by_sub["overseas_equity_developed"] == pytest.approx(4_500_000.0, rel=1e-12)
    assert "fx" not in by_sub.index
    # below 25% (2.0 + 0.4 = 24%): nothing
    rows[1]["market_value"] = 0.4 * YI
    assert addons(run(rows, total_assets=10 * YI)).empty


def test_debt_product_counterparty_add_on_on_underlying_loans(run):
    """Art. 63: the counterparty of a looked-through debt investment plan is the financing
    entity, so the Art. 65 add-on (k = 0.4) applies to the underlying-loan row (Rule 9 Art. 37
    normal loans RF0 0.085): 1.0亿 x 0.085 x 0.4 = 3,400,000, and not to the surface default
    row (the product's own default charge). P&C, total assets 10亿: threshold 0.8亿."""
    rows = [
        {
            "asset_type": "debt_investment_plan",
            "market_value": 1.0 * YI,
            "rating": "AA",
            "look_through": True,
            "layers": 1,
            "loan_class": "normal",
            "counterparty": "X",
        }
    ]
    r = run(rows, total_assets=10 * YI)
    add = addons(r)
    assert len(add) == 1
    assert add["capital"].iloc[0] == pytest.approx(1.0 * YI * 0.085 * 0.4, rel=1e-12)
    assert add["rf0"].iloc[0] == pytest.approx(0.085, rel=1e-12)
