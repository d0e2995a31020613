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


def test_blank_tier_is_refused(make_holdings):
    """A blank property_tier would read as the lower factor (0.15 against 0.15 x 1.2 = 0.18,
    Rule 8 Art. 40), and the article has no value for an unknown location: refused, naming
    the row and the column."""
    from analyzer.errors import InputError

    with pytest.raises(InputError) as err:
        make_holdings([{"asset_type": "investment_property", "market_value": MV}])
    (p,) = [p for p in err.value.problems if p.column == "property_tier"]
    assert p.row == 2 and "Art. 40" in p.message
    # an overseas property does not read the column (Art. 50 charges by market)
    make_holdings(
        [
            {
                "asset_type": "investment_property",
                "market_value": MV,
                "region": "developed",
                "currency": "USD",
            }
        ]
    )


def test_sum(run):
    """Art. 43: arithmetic sum: 0.15 x 1e6 + 0.18 x 2e6 = 510,000; no other sub-module."""
    r = run(
        [
            {"asset_type": "investment_property", "market_value": MV, "property_tier": "major"},
            {"asset_type": "investment_property", "market_value": 2 * MV, "property_tier": "other"},
        ]
    )
    assert r.submodules["real_estate"] == pytest.approx(510_000.0, rel=1e-12)
    assert sum(v for k, v in r.submodules.items() if k != "real_estate") == 0.0
