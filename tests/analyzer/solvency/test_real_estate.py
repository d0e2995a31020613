"""Real-estate price risk (Rule 8 Art. 38-43): RF0 0.15, k1 = 0 in 直辖市 / provincial capitals /
计划单列市 (tier 'major'), 0.2 elsewhere ('other')."""

from __future__ import annotations

import pytest

MV = 1_000_000.0


@pytest.mark.parametrize(("tier", "expected"), [("major", 0.15), ("other", 0.18)])
@pytest.mark.parametrize("regime", ["cross2-2022", "cross2-2025-12"])
def test_investment_property(run, tier, expected, regime):
    """Art. 40: 0.15 x (1 + 0) = 0.15; 0.15 x (1 + 0.2) = 0.18."""
    r = run(
        [{"asset_type": "investment_property", "market_value": MV, "property_tier": tier}],
        regime=regime,
    )
    ch = r.charges
    assert len(ch) == 1 and ch["submodule"].iloc[0] == "real_estate"
    assert ch["factor"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert r.submodules["real_estate"] == pytest.approx(expected * MV, rel=1e-12)
    assert "Art. 38" in ch["article"].iloc[0]


def test_default_tier_is_major(run):
    """Default: blank property_tier reads as 'major': 0.15."""
    r = run([{"asset_type": "investment_property", "market_value": MV}])
    assert r.submodules["real_estate"] == pytest.approx(0.15 * MV, rel=1e-12)


def test_sum(run):
    """Art. 43: arithmetic sum: 0.15 x 1e6 + 0.18 x 2e6 = 510,000; no other sub-module."""
    r = run(
        [
            {"asset_type": "investment_property", "market_value": MV},
            {"asset_type": "investment_property", "market_value": 2 * MV, "property_tier": "other"},
        ]
    )
    assert r.submodules["real_estate"] == pytest.approx(510_000.0, rel=1e-12)
    assert sum(v for k, v in r.submodules.items() if k != "real_estate") == 0.0
