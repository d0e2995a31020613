"""Reverse stress (Rule 10 Art. 4, 30-32): the move found, applied as a forward stress, lands
on the threshold; a smaller move does not reach it."""

from __future__ import annotations

import pytest
from stress_factories import make_company, make_holdings

from analyzer.stress.forward import Stresser
from analyzer.stress.reverse import Threshold, default_thresholds, reverse_stress

ROWS = [
    {"asset_type": "equity_fund", "market_value": 2.0e10},
    {
        "asset_type": "corporate_bond",
        "market_value": 2.0e10,
        "rating": "AA",
        "modified_duration": 4.0,
    },
    {
        "asset_type": "pe_vc_fund",
        "market_value": 5.0e9,
        "look_through": True,
        "layers": 1,
        "strategic_emerging": True,
    },
    {"asset_type": "government_bond", "market_value": 3.0e10, "modified_duration": 7.0},
]


@pytest.fixture(scope="module")
def stresser():
    company = make_company(
        "pc",
        capital={"core_tier1": 8.0e9, "supplementary_tier1": 2.0e9},
        minimum_capital={"nonlife_insurance": 2.0e9, "sarmra_score": 80.0},
    )
    return Stresser(make_holdings(ROWS), company)


def ratio(snapshot, which):
    return snapshot.comprehensive_ratio if which == "comprehensive" else snapshot.core_ratio


@pytest.mark.slow
def test_reverse_lands_on_threshold(stresser):
    """Each found move, re-run forward, gives the threshold ratio (to 1e-6); 99% of it
    stays above."""
    results = reverse_stress(stresser, thresholds=default_thresholds(1.5, 0.75))
    found = [r for r in results if r.status == "found"]
    assert {r.driver for r in found} >= {"equity", "rates", "spread"}
    for r in found:
        fwd = stresser.run(r.shock()).stressed
        assert ratio(fwd, r.threshold.ratio) == pytest.approx(r.threshold.level, abs=1e-6)
        smaller = r.shock().with_drivers(**{r.driver: 0.99 * r.shock().driver(r.driver)})
        assert ratio(stresser.run(smaller).stressed, r.threshold.ratio) > r.threshold.level


def test_already_below_and_not_reached(stresser):
    """A threshold above today's ratio needs no move; an unreachable one reports None."""
    base = stresser.base.comprehensive_ratio
    res = reverse_stress(
        stresser,
        ["vc"],
        [Threshold("high", "comprehensive", base + 1), Threshold("low", "comprehensive", 0.01)],
        grid_points=5,
    )
    assert res[0].status == "already_below" and res[0].move == 0.0
    assert res[1].status == "not_reached" and res[1].move is None
