"""Actual capital and the tier limits of Rule 1 Art. 41 (金规〔2023〕5号 二(三) for 40%).

(一) supplementary <= 100% of core; (二) future surplus in core <= 35% (40% from 2023-09) of
core; (三) core tier 2 <= 30% of core; (四) supplementary tier 2 <= 25% of core. The excess of
any limit is a capital-type liability (last paragraph): it counts in no tier. Core capital is
after the limits, so (二) and (三) are fixed points: K = base + min(FS, s K) + min(C2, 0.3 K).
"""

from __future__ import annotations

import pytest

from analyzer.io.company import Capital
from analyzer.solvency.capital import admitted_capital
from analyzer.solvency.regime import load_regime

R22, R25 = load_regime("cross2-2022"), load_regime("cross2-2025-12")


def tiers(regime=R25, **kw):
    return admitted_capital(Capital(**kw), regime)


def test_no_limit_binding():
    """100 + 20 core (20 <= 0.3 x 120 = 36); s1 30 + s2 20 (20 <= 30; 50 <= 120): actual 170."""
    t = tiers(core_tier1=100, core_tier2=20, supplementary_tier1=30, supplementary_tier2=20)
    assert (t.core, t.actual, t.excluded) == (120, 170, 0)


def test_core_tier2_limit():
    """(三): K = 100 + 0.3 K -> K = 100 / 0.7 = 142.857...; C2 admitted 42.857, excluded
    60 - 42.857 = 17.143."""
    t = tiers(core_tier1=100, core_tier2=60)
    assert t.core == pytest.approx(100 / 0.7, rel=1e-12)
    assert t.core_tier2 == pytest.approx(0.3 * 100 / 0.7, rel=1e-12)
    assert t.excluded == pytest.approx(60 - 30 / 0.7, rel=1e-12)


def test_supplementary_tier2_limit():
    """(四): s2 <= 25% x 100 = 25; 40 given -> 15 excluded; actual 125."""
    t = tiers(core_tier1=100, supplementary_tier2=40)
    assert (t.supplementary_tier2, t.actual, t.excluded) == (25, 125, 15)


def test_supplementary_total_limit():
    """(一): s1 150 > 100% x 100 -> 100 admitted, 50 excluded, actual 200."""
    t = tiers(core_tier1=100, supplementary_tier1=150)
    assert (t.actual, t.excluded) == (200, 50)


def test_supplementary_total_with_both_tiers():
    """(一) with s1 90 + s2 20 (s2 within 25) = 110 > 100: 10 excluded, actual 200."""
    t = tiers(core_tier1=100, supplementary_tier1=90, supplementary_tier2=20)
    assert t.actual == pytest.approx(200, rel=1e-12)
    assert t.excluded == pytest.approx(10, rel=1e-12)
    assert t.supplementary_tier1 + t.supplementary_tier2 == pytest.approx(100, rel=1e-12)


@pytest.mark.parametrize(("regime", "share"), [(R22, 0.35), (R25, 0.40)])
def test_future_surplus_limit(regime, share):
    """(二): core tier 1 100 of which future surplus 50: K = 50 + s K -> K = 50 / (1 - s):
    35% -> 76.923, 40% (金规〔2023〕5号 二(三)) -> 83.333; excluded 100 - K."""
    t = tiers(regime, core_tier1=100, future_surplus_in_core=50)
    k = 50 / (1 - share)
    assert t.core == pytest.approx(k, rel=1e-12)
    assert t.excluded == pytest.approx(100 - k, rel=1e-12)


def test_future_surplus_and_core_tier2_both_binding():
    """(二)+(三), 2025-12: base 40 (100 - FS 60), C2 80: K = 40 + 0.4 K + 0.3 K ->
    K = 40 / 0.3 = 133.33; FS 53.33 <= 60, C2 40 <= 80."""
    t = tiers(core_tier1=100, future_surplus_in_core=60, core_tier2=80)
    k = 40 / 0.3
    assert t.core == pytest.approx(k, rel=1e-12)
    assert t.core_tier2 == pytest.approx(0.3 * k, rel=1e-12)
    assert t.excluded == pytest.approx(180 - k, rel=1e-12)


def test_engine_uses_the_limits(run):
    """evaluate(): ratios use the admitted capital: core 1e9 + C2 6e8 (cut to 3/7 x 1e9),
    s2 4e8 (cut to 0.25 x 1e9/0.7)."""
    r = run(
        [{"asset_type": "equity_fund", "market_value": 1e8}],
        capital={"core_tier1": 1e9, "core_tier2": 6e8, "supplementary_tier2": 4e8},
    )
    core = 1e9 / 0.7
    assert r.core_capital == pytest.approx(core, rel=1e-12)
    assert r.actual_capital == pytest.approx(core * 1.25, rel=1e-12)
    assert r.capital_tiers["excluded_by_limits"] == pytest.approx(2e9 - core * 1.25, rel=1e-12)
    assert r.core_ratio == pytest.approx(core / r.minimum_capital, rel=1e-12)
    assert r.comprehensive_ratio == pytest.approx(core * 1.25 / r.minimum_capital, rel=1e-12)
