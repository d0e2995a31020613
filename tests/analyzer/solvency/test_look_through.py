"""Non-base assets (Rule 7): look-through with the structure coefficient K_p (Art. 14, 18),
REIT k1 = -0.2 (Art. 19), surface default of debt-type products (Art. 21-23), exempt ABS plans
(Art. 25, 28) and products that cannot be looked through (Art. 30-32; 金规〔2023〕5号 三(七)).

RF_underlying = RF0 x (1 + K + K_p), K_p = n x 0.1 (equity-type), (n - 1) x 0.1 (debt-type),
RF <= 1; surface RF = RF0(rating) x (1 + K_surface), K_surface = -0.2 for debt investment plans.
"""

from __future__ import annotations

import pytest

MV = 1_000_000.0
R22, R23, R25 = "cross2-2022", "cross2-2023-09", "cross2-2025-12"


def charges_of(result, pid="p0"):
    ch = result.charges
    return ch[ch["id"] == pid].reset_index(drop=True)


def single(result, pid="p0"):
    ch = charges_of(result, pid)
    assert len(ch) == 1, ch
    return ch.iloc[0]


# ------------------------------------------------------------------------------------------
# PE / VC funds
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "strategic", "layers", "expected"),
    [
        (R25, False, 1, 0.451),  # 0.41 x (1 + 0.1)
        (R25, False, 2, 0.492),  # 0.41 x (1 + 0.2)
        (R25, True, 1, 0.44),  # 0.40 x (1 + 0.1)  (docs/formats.md §7.5)
        (R25, True, 2, 0.48),  # 0.40 x (1 + 0.2)
        (R22, True, 1, 0.451),  # no 0.4 before 2023-09: 0.41 x 1.1
        (R23, True, 1, 0.44),
    ],
)
def test_pe_vc_looked_through(run, regime, strategic, layers, expected):
    """Rule 7 Art. 14, 18 on unlisted equity (Rule 8 Art. 27; 金规〔2023〕5号 三(八))."""
    r = run(
        [
            {
                "asset_type": "pe_vc_fund",
                "market_value": MV,
                "look_through": True,
                "layers": layers,
                "strategic_emerging": strategic,
            }
        ],
        regime=regime,
    )
    c = single(r)
    assert c["submodule"] == "equity"
    assert c["factor"] == pytest.approx(expected, rel=1e-12)
    assert "Rule 7 Art. 14, 18" in c["article"]


@pytest.mark.parametrize(
    ("strategic", "layers", "expected"),
    [
        (True, 1, 0.40),
        (True, 2, 0.40),  # flat 0.4: no K_p
        (False, 1, 0.451),
        (False, 2, 0.492),  # other unlisted equity keeps K_p
    ],
)
def test_strategic_emerging_layer_coefficient_off(run, strategic, layers, expected):
    """Option strategic_emerging_layer_coefficient = False: "风险因子为0.4" read as the final
    factor of strategic-emerging equity inside a fund (no K_p)."""
    r = run(
        [
            {
                "asset_type": "pe_vc_fund",
                "market_value": MV,
                "look_through": True,
                "layers": layers,
                "strategic_emerging": strategic,
            }
        ],
        options={"strategic_emerging_layer_coefficient": False},
    )
    assert single(r)["factor"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("regime", [R22, R23, R25])
def test_pe_vc_not_looked_through(run, regime):
    """Rule 7 Art. 31(三): equity investment funds that cannot be looked through: 0.6."""
    r = run(
        [{"asset_type": "pe_vc_fund", "market_value": MV, "strategic_emerging": True}],
        regime=regime,
    )
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("equity", pytest.approx(0.6, rel=1e-12))


# ------------------------------------------------------------------------------------------
# Public infrastructure REITs
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "layers", "sub", "expected"),
    [
        ("unlisted_equity", 1, "equity", 0.369),  # 0.41 x (1 - 0.2 + 0.1)
        ("unlisted_equity", 2, "equity", 0.41),  # 0.41 x (1 - 0.2 + 0.2)
        ("real_estate", 1, "real_estate", 0.135),  # 0.15 x (1 - 0.2 + 0.1)
        ("real_estate", 3, "real_estate", 0.165),  # 0.15 x (1 - 0.2 + 0.3)
    ],
)
def test_reit_looked_through(run, option, layers, sub, expected):
    """Rule 7 Art. 19 (k1 = -0.2) and Art. 18 (K_p = n x 0.1); the underlying's RF0 is the
    option reit_underlying (docs/formats.md §7.9): unlisted equity 0.41 or real estate 0.15."""
    r = run(
        [{"asset_type": "reit", "market_value": MV, "look_through": True, "layers": layers}],
        options={"reit_underlying": option},
    )
    c = single(r)
    assert c["submodule"] == sub
    assert c["factor"] == pytest.approx(expected, rel=1e-12)
    assert "Art. 19" in c["article"]


@pytest.mark.parametrize(("regime", "expected"), [(R22, 0.6), (R23, 0.5), (R25, 0.5)])
def test_reit_not_looked_through(run, regime, expected):
    """Rule 7 Art. 31(九): 0.6; 金规〔2023〕5号 三(七): 0.5 from 2023-09."""
    r = run([{"asset_type": "reit", "market_value": MV}], regime=regime)
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("equity", pytest.approx(expected, rel=1e-12))


# ------------------------------------------------------------------------------------------
# Debt-type products: surface + underlying loans
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "surface"),
    [
        ("AAA", 0.008),  # 0.010 x (1 - 0.2)
        ("AA+", 0.012),  # 0.015 x 0.8
        ("AA", 0.016),  # 0.020 x 0.8
        ("AA-", 0.02),  # 0.025 x 0.8
        ("A+", 0.06),
        ("A-", 0.06),  # 0.075 x 0.8
        ("BBB+", 0.12),
        ("unrated", 0.12),  # 0.150 x 0.8
    ],
)
def test_debt_plan_surface_by_rating(run, rating, surface):
    """Rule 7 Art. 23: surface RF0 by the product's rating, K_surface = -0.2 for 债权投资计划;
    one layer: underlying normal loan 0.085 x (1 + (1 - 1) x 0.1) = 0.085 (Rule 9 Art. 37)."""
    r = run(
        [
            {
                "asset_type": "debt_investment_plan",
                "market_value": MV,
                "rating": rating,
                "look_through": True,
                "loan_class": "normal",
                "layers": 1,
            }
        ]
    )
    ch = charges_of(r)
    assert list(ch["submodule"]) == ["default", "default"]
    surf = ch[ch["rule"].str.contains("surface")].iloc[0]
    loan = ch[ch["rule"].str.contains("underlying")].iloc[0]
    assert surf["factor"] == pytest.approx(surface, rel=1e-12)
    assert loan["factor"] == pytest.approx(0.085, rel=1e-12)
    assert r.submodules["default"] == pytest.approx((surface + 0.085) * MV, rel=1e-12)


@pytest.mark.parametrize(
    ("loan_class", "layers", "expected"),
    [
        ("normal", 1, 0.085),
        ("normal", 2, 0.0935),
        ("normal", 3, 0.102),  # 0.085 x 1.2
        ("special_mention", 2, 0.1485),  # 0.135 x 1.1
        ("substandard", 2, 0.33),  # 0.30 x 1.1
        ("doubtful", 1, 0.5),
        ("loss", 2, 1.0),  # 1 x 1.1 -> RF capped at 1 (Art. 14)
    ],
)
def test_underlying_loan_with_structure_coefficient(run, loan_class, layers, expected):
    """Rule 9 Art. 37 loan factors, K_p = (n - 1) x 0.1 for debt-type products (Rule 7 Art. 18),
    RF <= 1 (Rule 7 Art. 14)."""
    r = run(
        [
            {
                "asset_type": "debt_investment_plan",
                "market_value": MV,
                "rating": "AAA",
                "look_through": True,
                "layers": layers,
                "loan_class": loan_class,
            }
        ]
    )
    loan = charges_of(r).query("rule.str.contains('underlying')").iloc[0]
    assert loan["factor"] == pytest.approx(expected, rel=1e-12)


def test_trust_plan_looked_through(run):
    """Trust plan AA, 2 layers: surface 0.020 (no K_surface: only debt plans get -0.2) and a
    normal loan 0.085 x 1.1 = 0.0935; total (0.02 + 0.0935) x 1e6 = 113,500."""
    r = run(
        [
            {
                "asset_type": "trust_plan",
                "trust_kind": "fixed_income",
                "market_value": MV,
                "rating": "AA",
                "look_through": True,
                "loan_class": "normal",
                "layers": 2,
            }
        ]
    )
    ch = charges_of(r)
    assert sorted(ch["factor"].round(12)) == pytest.approx([0.02, 0.0935], rel=1e-12)
    assert r.submodules["default"] == pytest.approx(113_500.0, rel=1e-12)


def test_abs_plan_looked_through_not_exempt(run):
    """An ABS plan that is looked through (not exempt), AA+, 1 layer: surface 0.015 + loan
    0.085."""
    r = run(
        [
            {
                "asset_type": "insurance_abs_plan",
                "market_value": MV,
                "rating": "AA+",
                "look_through": True,
                "loan_class": "normal",
                "layers": 1,
            }
        ]
    )
    assert r.submodules["default"] == pytest.approx(0.1 * MV, rel=1e-12)


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ("AAA", 0.10),
        ("AA+", 0.13),
        ("AA", 0.18),
        ("AA-", 0.23),
        ("A+", 0.33),
        ("A", 0.33),
        ("A-", 0.33),
        ("BBB+", 0.45),
        ("BBB-", 0.45),
        ("unrated", 0.45),
    ],
)
@pytest.mark.parametrize("look_through", [True, False])
def test_exempt_abs_plan_by_rating(run, rating, expected, look_through):
    """Rule 7 Art. 25(三), 28: an exempt ABS plan is charged default risk by rating only."""
    r = run(
        [
            {
                "asset_type": "insurance_abs_plan",
                "market_value": MV,
                "rating": rating,
                "exempt": True,
                "look_through": look_through,
                "layers": 2,
            }
        ]
    )
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("default", pytest.approx(expected, rel=1e-12))
    assert "Art. 25" in c["article"]


@pytest.mark.parametrize("asset_type", ["debt_investment_plan", "trust_plan", "insurance_abs_plan"])
def test_debt_type_not_looked_through(run, asset_type):
    """Rule 7 Art. 32: fixed-income trusts, debt plans, ABS plans not looked through: default
    risk 0.6 on the admitted value (and no surface charge)."""
    kind = {"trust_kind": "fixed_income"} if asset_type == "trust_plan" else {}
    r = run([{"asset_type": asset_type, "market_value": MV, "rating": "AAA", **kind}])
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("default", pytest.approx(0.6, rel=1e-12))
    assert "Art. 30" in c["article"]


def test_pc_looked_through_loans_have_no_interest_rate_row(run):
    """Rule 7 Art. 20: P&C look-through underlyings carry IR only if they are bonds; loans are
    not (Rule 8 Art. 11): no interest-rate row for a debt plan."""
    r = run(
        [
            {
                "asset_type": "debt_investment_plan",
                "market_value": MV,
                "rating": "AAA",
                "look_through": True,
                "loan_class": "normal",
                "layers": 1,
            }
        ]
    )
    assert r.submodules["interest_rate"] == 0.0
