"""The deterministic path (full engine on shocked positions) and the Monte Carlo path
(CapitalMap by asset class) agree on a pure equity shock, and the vectorised tier limits
agree with the scalar reference of Rule 1 Art. 41."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stress_factories import make_company, make_holdings

from analyzer.io.company import Capital
from analyzer.solvency.capital import admitted_capital
from analyzer.solvency.capital_map import build_capital_map
from analyzer.solvency.regime import load_regime
from analyzer.stress._capital import admitted_batch
from analyzer.stress.forward import Stresser
from analyzer.stress.montecarlo import MarketModel, SimulationContext
from analyzer.stress.shocks import Shock, StressParameters

ROWS = [
    {
        "asset_type": "stock",
        "market_value": 3e9,
        "board": "main",
        "csi300": True,
        "purchase_cost": 2.5e9,
        "asset_class": "stock",
    },
    {"asset_type": "equity_fund", "market_value": 2e9, "asset_class": "fund"},
    {
        "asset_type": "corporate_bond",
        "market_value": 5e9,
        "rating": "AA+",
        "modified_duration": 3.0,
        "asset_class": "credit",
    },
    {
        "asset_type": "government_bond",
        "market_value": 4e9,
        "modified_duration": 6.0,
        "asset_class": "govt",
    },
]


@pytest.mark.parametrize("company_type", ["pc", "life"])
def test_equity_shock_engine_equals_capital_map(company_type):
    """Equity -25% with k1 held (purchase cost scales): the engine on shocked holdings and
    CapitalMap / the simulation context on x' = x (1 + r) give the same capital and ratios."""
    rows = ROWS
    if company_type == "life":
        rows = [
            dict(r, coupon_rate=0.03, maturity_years=5, face_value=r["market_value"])
            if "bond" in r["asset_type"]
            else r
            for r in ROWS
        ]
    holdings = make_holdings(rows)
    company = make_company(
        company_type, capital={"core_tier1": 3e9, "core_tier2": 5e8, "supplementary_tier1": 1e9}
    )
    s = Stresser(holdings, company, params=StressParameters(k1_follows_prices=False))
    r = s.run(Shock("eq", {"equity": -0.25}))
    cmap = build_capital_map(holdings, company)
    ret = np.array([0.0 if c in ("credit", "govt") else -0.25 for c in cmap.classes])
    x1 = cmap.current_exposure * (1 + ret)
    assert float(cmap.minimum_capital(x1)) == pytest.approx(r.stressed.minimum_capital, rel=1e-10)
    n = cmap.n
    ctx = SimulationContext(cmap, MarketModel(cmap.classes, np.zeros(n), np.ones(n), np.eye(n)))
    comp, core, _ = ctx.evaluate(ret[None, :])
    assert comp[0] == pytest.approx(r.stressed.comprehensive_ratio, rel=1e-10)
    assert core[0] == pytest.approx(r.stressed.core_ratio, rel=1e-10)


def test_k1_follows_prices_lowers_stock_capital():
    """With the purchase cost fixed, a fall makes the P&L coefficient k1 of Rule 8 Art. 26
    smaller (gain 20% -> loss 10%: k1 = 0.04 -> -0.01), so stock capital falls more than
    pro rata."""
    holdings = make_holdings(ROWS[:1])
    company = make_company("pc")
    held = Stresser(holdings, company, params=StressParameters(k1_follows_prices=False))
    follows = Stresser(holdings, company)
    shock = Shock("eq", {"equity": -0.25})
    assert (
        follows.run(shock).stressed.submodules["equity"]
        < held.run(shock).stressed.submodules["equity"]
    )


@settings(max_examples=200, deadline=None)
@given(
    c1=st.floats(1e8, 1e10),
    c2=st.floats(0, 5e9),
    s1=st.floats(0, 1e10),
    s2=st.floats(0, 5e9),
    fs=st.floats(0, 5e9),
    change=st.floats(-2e10, 5e9),
)
def test_admitted_batch_matches_scalar(c1, c2, s1, s2, fs, change):
    """The numpy tier limits equal :func:`admitted_capital` for any capital and change."""
    regime = load_regime("cross2-2025-12")
    cap = Capital(
        core_tier1=c1,
        core_tier2=c2,
        supplementary_tier1=s1,
        supplementary_tier2=s2,
        future_surplus_in_core=min(fs, c1),
    )
    ref = admitted_capital(cap, regime, change)
    actual, core = admitted_batch(cap, regime, np.array([change]))
    assert actual[0] == pytest.approx(ref.actual, rel=1e-9, abs=1e-3)
    assert core[0] == pytest.approx(ref.core, rel=1e-9, abs=1e-3)
