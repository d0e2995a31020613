"""P&C interest-rate risk: the duration factor (Rule 8 Art. 11, 14, 17, 21).

RF0 = D (-0.001 D + 0.0217) for 0 < D <= 5, D (-0.00106 D + 0.022) for 5 < D <= 10,
D x 0.0114 above 10; continuous at 5 (0.0835) and 10 (0.114).
"""

from __future__ import annotations

import pytest

from analyzer.solvency.interest_rate import duration_factor
from analyzer.solvency.regime import load_regime

MV = 1_000_000.0


def art14(d: float) -> float:
    """Rule 8 Art. 14, typed from the article."""
    if d <= 0:
        return 0.0
    if d <= 5:
        return d * (-0.001 * d + 0.0217)
    if d <= 10:
        return d * (-0.00106 * d + 0.022)
    return d * 0.0114


def ir_factor(result, pid="p0") -> float:
    ch = result.charges
    rows = ch[(ch["id"] == pid) & (ch["submodule"] == "interest_rate")]
    assert len(rows) == 1, rows
    return float(rows["factor"].iloc[0])


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (1.0, 0.0207),
        (3.0, 0.0561),
        (5.0, 0.0835),
        (7.0, 0.10206),
        (10.0, 0.114),
        (12.0, 0.1368),
        (20.0, 0.228),
    ],
)
def test_duration_factor_values(run, d, expected):
    """Worked: D=3: 3(-0.003 + 0.0217) = 0.0561; D=7: 7(-0.00742 + 0.022) = 0.10206;
    D=12: 12 x 0.0114 = 0.1368."""
    r = run(
        [
            {
                "asset_type": "corporate_bond",
                "market_value": MV,
                "rating": "AAA",
                "modified_duration": d,
            }
        ]
    )
    assert ir_factor(r) == pytest.approx(expected, rel=1e-12)
    assert art14(d) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("edge", [5.0, 10.0])
def test_continuity_at_band_edges(edge):
    """Art. 14 bands meet: 5 (-0.005 + 0.0217) = 5 (-0.0053 + 0.022) = 0.0835;
    10 (-0.0106 + 0.022) = 10 x 0.0114 = 0.114."""
    bands = load_regime().table("interest_rate", "pc_duration_factor")["bands"]
    eps = 1e-9
    below, at, above = duration_factor([edge - eps, edge, edge + eps], bands)
    assert at == pytest.approx(art14(edge), rel=1e-12)
    assert below == pytest.approx(at, abs=1e-9)
    assert above == pytest.approx(at, abs=1e-9)


@pytest.mark.parametrize(
    "asset_type",
    [
        "government_bond",
        "local_government_bond",
        "policy_bank_bond",
        "agency_bond",
        "corporate_bond",
        "financial_bond",
        "abs",
    ],
)
def test_scope_is_domestic_bonds(run, asset_type):
    """Art. 11(一): every domestic bond type, D = 4: 4(-0.004 + 0.0217) = 0.0708."""
    r = run(
        [{"asset_type": asset_type, "market_value": MV, "rating": "AA", "modified_duration": 4.0}]
    )
    assert ir_factor(r) == pytest.approx(0.0708, rel=1e-12)
    assert r.submodules["interest_rate"] == pytest.approx(0.0708 * MV, rel=1e-12)


def test_out_of_scope(run):
    """Art. 11: convertibles excluded; deposits, funds and overseas bonds are not domestic
    bonds: no interest-rate row."""
    r = run(
        [
            {"asset_type": "convertible_bond", "market_value": MV},
            {"asset_type": "deposit", "market_value": MV, "bank_type": "large_state"},
            {"asset_type": "bond_fund", "market_value": MV},
            {
                "asset_type": "corporate_bond",
                "market_value": MV,
                "rating": "AAA",
                "modified_duration": 3.0,
                "region": "developed",
                "currency": "USD",
            },
        ]
    )
    assert r.submodules["interest_rate"] == 0.0


def test_reinsurer_uses_duration_factor(run):
    """Art. 21: a P&C reinsurer uses the P&C method: D = 3 -> 0.0561."""
    r = run(
        [{"asset_type": "government_bond", "market_value": MV, "modified_duration": 3.0}],
        company_type="reinsurer",
        reinsurance_business="pc",
    )
    assert ir_factor(r) == pytest.approx(0.0561, rel=1e-12)


def test_life_insurer_has_no_duration_factor(run):
    """Art. 12, 18: life insurers use the scenario method; no duration-factor rows (the life
    rows carry the scenario-method rule)."""
    r = run(
        [
            {
                "asset_type": "government_bond",
                "market_value": MV,
                "modified_duration": 3.0,
                "coupon_rate": 0.02,
                "maturity_years": 3,
                "face_value": MV,
            }
        ],
        company_type="life",
    )
    ir = r.charges[r.charges["submodule"] == "interest_rate"]
    assert len(ir) == 1 and "scenario" in ir["rule"].iloc[0]


def test_sum_over_assets(run):
    """Art. 17: arithmetic sum. 1e6 x 0.0561 + 2e6 x 0.114 = 284,100."""
    r = run(
        [
            {"asset_type": "government_bond", "market_value": MV, "modified_duration": 3.0},
            {"asset_type": "policy_bank_bond", "market_value": 2 * MV, "modified_duration": 10.0},
        ]
    )
    assert r.submodules["interest_rate"] == pytest.approx(284_100.0, rel=1e-12)
