"""Spread risk of domestic standardised debt (Rule 9 Art. 10-17).

RF0 of Art. 13 (policy-bank bonds), Art. 14 (agency bonds) and Art. 15 (other standardised
debt by rating x modified duration D), green bonds k1 = -0.1 (Art. 16); RF <= 1 (Art. 6).
Each expected value is the article's formula worked out in the parametrisation comment.
"""

from __future__ import annotations

import pytest

MV = 1_000_000.0


def spread_factor(result, pid="p0") -> float:
    ch = result.charges
    rows = ch[(ch["id"] == pid) & (ch["submodule"] == "spread")]
    assert len(rows) == 1, rows
    return float(rows["factor"].iloc[0])


def bond(asset_type, d, rating="", **kw):
    return {
        "asset_type": asset_type,
        "market_value": MV,
        "modified_duration": d,
        "rating": rating,
        **kw,
    }


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (1.0, 1 * (-0.0012 * 1 + 0.012)),  # 0.0108
        (3.0, 0.0252),  # 3 (-0.0036 + 0.012)
        (5.0, 0.03),  # 5 (-0.006 + 0.012) = 0.03
        (5.000001, 5.000001 * 0.001 + 0.025),  # long branch, continuous: 0.030000001
        (7.0, 0.032),
        (10.0, 0.035),  # D x 0.001 + 0.025
    ],
)
def test_policy_bank_bond(run, d, expected):
    """Rule 9 Art. 13: D (-0.0012 D + 0.012) for 0 < D <= 5, D x 0.001 + 0.025 above."""
    r = run([bond("policy_bank_bond", d)])
    assert spread_factor(r) == pytest.approx(expected, rel=1e-12)
    assert "Art. 13" in r.charges.loc[r.charges["submodule"] == "spread", "article"].iloc[0]


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (3.0, 0.027),  # 3 (-0.003 + 0.012)
        (5.0, 0.035),  # 5 (-0.005 + 0.012)
        (5.000001, 5.000001 * 0.001 + 0.03),
        (8.0, 0.038),  # 0.008 + 0.03
    ],
)
def test_agency_bond(run, d, expected):
    """Rule 9 Art. 14: D (-0.001 D + 0.012) for 0 < D <= 5, D x 0.001 + 0.03 above."""
    assert spread_factor(run([bond("agency_bond", d)])) == pytest.approx(expected, rel=1e-12)


# rating: (a, b, c) typed from Art. 15: D (a D + b) for D <= 5, D c above
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


@pytest.mark.parametrize("rating", list(ART15))
@pytest.mark.parametrize("d", [0.5, 3.0, 4.999, 5.0, 5.001, 7.0])
def test_rated_table_both_sides_of_five(run, rating, d):
    """Rule 9 Art. 15 for a corporate bond: D (a D + b) if D <= 5 else D c (c <= 1/D so that
    RF < 1 for these D; D = 7 unrated: 0.7)."""
    a, b, c = ART15[rating]
    expected = d * (a * d + b) if d <= 5 else d * c
    assert spread_factor(run([bond("corporate_bond", d, rating)])) == pytest.approx(
        expected, rel=1e-12
    )


@pytest.mark.parametrize(
    ("rating", "at5"),
    [
        ("AAA", 0.075),
        ("AA+", 0.1),
        ("AA", 0.1475),
        ("AA-", 0.19),
        ("A+", 0.25),
        ("A", 0.30),
        ("A-", 0.35),
        ("BBB+", 0.375),
        ("unrated", 0.5),
    ],
)
def test_rated_table_values_at_five(run, rating, at5):
    """Art. 15 at D = 5, worked: AAA 5(0.003 + 0.012) = 0.075; AA 5(0.0045 + 0.025) = 0.1475;
    unrated 5(0.05 + 0.05) = 0.5 (= 5 x 0.1 on the long branch: continuous)."""
    assert spread_factor(run([bond("financial_bond", 5.0, rating)])) == pytest.approx(
        at5, rel=1e-12
    )


def test_digest_sample_values(run):
    """Rule 9 Art. 15 by hand: AAA D=3 0.0414, AAA D=7 0.105, AA+ D=3 0.0558."""
    r = run(
        [
            bond("corporate_bond", 3.0, "AAA"),
            bond("abs", 7.0, "AAA"),
            bond("corporate_bond", 3.0, "AA+"),
        ]
    )
    assert spread_factor(r, "p0") == pytest.approx(0.0414, rel=1e-12)
    assert spread_factor(r, "p1") == pytest.approx(0.105, rel=1e-12)
    assert spread_factor(r, "p2") == pytest.approx(0.0558, rel=1e-12)


def test_rf_capped_at_one(run):
    """Art. 6: RF >= 1 takes 1. Unrated D = 12: 12 x 0.1 = 1.2 -> 1."""
    r = run([bond("corporate_bond", 12.0, "unrated")])
    assert spread_factor(r) == pytest.approx(1.0, rel=1e-12)
    assert r.submodules["spread"] == pytest.approx(MV, rel=1e-12)


@pytest.mark.parametrize(
    ("asset_type", "rating", "plain"),
    [
        ("corporate_bond", "AAA", 0.0414),  # Art. 15, D = 3
        ("financial_bond", "AA+", 0.0558),
        ("policy_bank_bond", "", 0.0252),  # Art. 13, D = 3
        ("agency_bond", "", 0.027),  # Art. 14, D = 3
    ],
)
def test_green_bond_k1(run, asset_type, rating, plain):
    """Rule 9 Art. 16: carbon-reduction green bonds k1 = -0.1 -> RF = RF0 x 0.9."""
    r = run([bond(asset_type, 3.0, rating, green=True)])
    assert spread_factor(r) == pytest.approx(plain * 0.9, rel=1e-12)


def test_government_and_local_bonds_have_no_credit_charge(run):
    """Rule 9 Art. 10: government bonds carry no credit charge (local-government bonds read as
    government bonds, docs/formats.md §7.10). Only the P&C interest-rate rows remain."""
    r = run([bond("government_bond", 3.0), bond("local_government_bond", 3.0)])
    assert r.submodules["spread"] == 0.0 and r.submodules["default"] == 0.0
    assert set(r.charges["submodule"]) == {"interest_rate"}


def test_overseas_bonds_have_no_domestic_spread(run):
    """Rule 9 Art. 12: spread risk covers domestic standardised debt only; an overseas
    corporate bond is charged under Rule 8 Art. 46 instead."""
    r = run([bond("corporate_bond", 3.0, "AAA", region="developed", currency="USD")])
    assert r.submodules["spread"] == 0.0
    assert r.submodules["overseas_fixed_income_developed"] == pytest.approx(0.08 * MV)


def test_spread_is_arithmetic_sum(run):
    """Rule 9 Art. 17: sum over assets. 0.0414 x 1e6 + 0.0252 x 1e6 + 0.5 x 1e6."""
    r = run(
        [
            bond("corporate_bond", 3.0, "AAA"),
            bond("policy_bank_bond", 3.0),
            bond("abs", 5.0, "unrated"),
        ]
    )
    assert r.submodules["spread"] == pytest.approx((0.0414 + 0.0252 + 0.5) * MV, rel=1e-12)


# ------------------------------------------------------------------------------------------
# Option local_government_credit_exempt (Rule 9 Art. 10, 15)
# ------------------------------------------------------------------------------------------


def test_local_government_bond_exempt_by_default(run):
    """Default True: local-government bonds count as 政府债券 of Rule 9 Art. 10: no spread."""
    r = run([bond("local_government_bond", 3.0, rating="AA")])
    assert r.submodules["spread"] == 0.0


def test_local_government_bond_charged_when_not_exempt(run):
    """Option False: a local-government bond takes the Rule 9 Art. 15 rated table by its
    rating, exactly as a corporate bond of the same rating and duration."""
    opts = {"local_government_credit_exempt": False}
    r = run([bond("local_government_bond", 3.0, rating="AA")], options=opts)
    c = run([bond("corporate_bond", 3.0, rating="AA")])
    assert r.submodules["spread"] == pytest.approx(c.submodules["spread"], rel=1e-12)
    assert r.submodules["spread"] > 0
    assert "Art. 15" in r.charges.loc[r.charges["submodule"] == "spread", "article"].iloc[0]


def test_local_government_bond_needs_rating_when_not_exempt(run):
    """Option False: the rating is then required; the error names the row."""
    from analyzer.errors import InputError

    with pytest.raises(InputError) as err:
        run(
            [{"asset_type": "cash", "market_value": MV}, bond("local_government_bond", 3.0)],
            options={"local_government_credit_exempt": False},
        )
    p = err.value.problems[0]
    assert p.column == "rating" and p.row == 3 and "row 3" in p.message
