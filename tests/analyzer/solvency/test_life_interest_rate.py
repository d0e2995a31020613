"""Tests of the life interest-rate scenario method (Rule 8 Art. 12-13, 18-20; Annex 3; Annex 1).

Expected numbers are worked by hand from the annex formulas (arithmetic in each docstring), or
by an independent scalar implementation written here year by year.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.errors import ParameterError
from analyzer.solvency.life_interest_rate import (
    LifeInterestRate,
    ScenarioCurves,
    asset_cash_flows,
    build_curves,
    capital_for,
    evaluate,
    scenario_horizon,
)
from analyzer.solvency.regime import load_regime

# Annex 3 二（五）1, typed from the annex text: (year, up, down).
ANNEX3_STRESS = [
    (1, 0.97, -0.71), (2, 0.76, -0.66), (3, 0.68, -0.61), (4, 0.65, -0.54), (5, 0.66, -0.48),
    (6, 0.61, -0.45), (7, 0.55, -0.42), (8, 0.53, -0.39), (9, 0.52, -0.36), (10, 0.50, -0.34),
    (11, 0.49, -0.32), (12, 0.47, -0.30), (13, 0.45, -0.28), (14, 0.42, -0.27), (15, 0.41, -0.25),
    (16, 0.39, -0.24), (17, 0.38, -0.23), (18, 0.38, -0.23), (19, 0.38, -0.23), (20, 0.37, -0.23),
]  # fmt: skip
ANNEX3_STRESS_40 = (0.17, -0.11)


@pytest.fixture(scope="module")
def table():
    return load_regime("cross2-2025-12").table("life_interest_rate", "life_interest_rate")


@pytest.fixture(scope="module")
def flat_curves(table) -> ScenarioCurves:
    return build_curves(np.full(20, 0.02), table, 60)


def at(array: np.ndarray, year: int) -> float:
    """Value of a by-year array for year ``year`` (arrays start at year 1)."""
    return float(array[year - 1])


# ------------------------------------------------------------------------------------------
# Regime table against the annex
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("regime", ["cross2-2022", "cross2-2023-09", "cross2-2025-12"])
def test_stress_table_matches_annex3(regime):
    """Annex 3 二（五）1: the up/down stress parameters for years 1-20 and 40+, line by line;
    三（一）: premium 45bp; 一（一）: ultimate rate 4.5%, transition over years 20-40."""
    t = load_regime(regime).table("life_interest_rate", "life_interest_rate")
    assert list(t["years"]) == [row[0] for row in ANNEX3_STRESS]
    assert list(t["up"]) == [row[1] for row in ANNEX3_STRESS]
    assert list(t["down"]) == [row[2] for row in ANNEX3_STRESS]
    assert (t["up_40"], t["down_40"]) == ANNEX3_STRESS_40
    assert t["ultimate_rate"] == 0.045
    assert (t["last_liquid_year"], t["ultimate_year"]) == (20, 40)
    assert t["premium_bp_to_year20"] == 45.0


# ------------------------------------------------------------------------------------------
# Curves: Annex 1 transition, premium, stresses
# ------------------------------------------------------------------------------------------


def test_annex1_transition_flat_two_percent(flat_curves):
    """Annex 1 二 (via Annex 3 一（二）), flat spot r* = 2%, UFR = 4.5%.

    First interpolation r_t = 2% + (4.5% - 2%) (t - 20) / 20; second
    R_t = r_t (t - 20) / 20 + 2% (40 - t) / 20:

    - t = 25: r = 2% + 2.5% * 0.25 = 2.625%; R = 2.625% * 0.25 + 2% * 0.75
      = 0.65625% + 1.5% = 2.15625%
    - t = 30: r = 2% + 2.5% * 0.5 = 3.25%;  R = 3.25% * 0.5 + 2% * 0.5 = 2.625%
    - t = 40: r = 4.5%; R = 4.5% * 1 + 2% * 0 = 4.5%
    - t > 40: the ultimate rate 4.5% (Annex 3 一（一）).
    """
    c = flat_curves
    assert at(c.base_rate, 1) == pytest.approx(0.02, abs=1e-15)
    assert at(c.base_rate, 20) == pytest.approx(0.02, abs=1e-15)
    assert at(c.base_rate, 25) == pytest.approx(0.0215625, abs=1e-15)
    assert at(c.base_rate, 30) == pytest.approx(0.02625, abs=1e-15)
    assert at(c.base_rate, 40) == pytest.approx(0.045, abs=1e-15)
    np.testing.assert_allclose(c.base_rate[40:], 0.045, rtol=0, atol=1e-15)


def test_transition_uses_given_spot_beyond_20(table):
    """Annex 1 二（二）: r*_t in the second interpolation is the government curve at year t.

    Spot r*_t = 1.5% + 0.05% t, so r*_20 = 2.5%, r*_30 = 3%. At t = 30:
    r = 2.5% + (4.5% - 2.5%) * 0.5 = 3.5%.
    Given 40 years: R_30 = 3.5% * 0.5 + 3% * 0.5 = 3.25%.
    Given 20 years only (beyond_20 = "given_or_flat": flat from r*_20 = 2.5%):
    R_30 = 3.5% * 0.5 + 2.5% * 0.5 = 3%.
    """
    years = np.arange(1, 41)
    spot = 0.015 + 0.0005 * years
    full = build_curves(spot, table, 45)
    short = build_curves(spot[:20], table, 45)
    assert at(full.base_rate, 30) == pytest.approx(0.0325, abs=1e-15)
    assert at(short.base_rate, 30) == pytest.approx(0.03, abs=1e-15)
    # Years up to 20 and beyond 40 do not depend on the extension.
    np.testing.assert_array_equal(full.base_rate[:20], short.base_rate[:20])
    np.testing.assert_array_equal(full.base_rate[40:], short.base_rate[40:])
    # A 20-year curve extended flat equals a 40-year curve given flat.
    flat20 = build_curves(np.full(20, 0.02), table, 45)
    flat40 = build_curves(np.full(40, 0.02), table, 45)
    np.testing.assert_array_equal(flat20.up_rate, flat40.up_rate)
    np.testing.assert_array_equal(flat20.down_rate, flat40.down_rate)


def test_premium(flat_curves):
    """Annex 3 三: 45bp for t <= 20; Spread_t = 45bp (40 - t) / 20 for 20 < t <= 40, so
    45 * 15 / 20 = 33.75bp at t = 25; 0 from t = 40 on."""
    c = flat_curves
    np.testing.assert_allclose(c.premium[:20], 0.0045, rtol=0, atol=1e-15)
    assert at(c.premium, 25) == pytest.approx(0.003375, abs=1e-15)
    np.testing.assert_allclose(c.premium[39:], 0.0, rtol=0, atol=1e-15)


def test_stressed_short_end_and_ultimate(table):
    """Annex 3 二（二）: r_st = r_t (1 + Stress_t), Stress_1 = +97%, Stress_20 = -23% (down);
    二（四）: stressed ultimate rate = 4.5% (1 + Stress_40) = 4.5% * 1.17 = 5.265% (up) and
    4.5% * 0.89 = 4.005% (down), from t > 40."""
    spot = np.linspace(0.014, 0.027, 20)
    c = build_curves(spot, table, 50)
    assert at(c.up_rate, 1) == pytest.approx(0.014 * 1.97, rel=1e-14)
    assert at(c.down_rate, 20) == pytest.approx(0.027 * 0.77, rel=1e-14)
    np.testing.assert_allclose(c.up_rate[40:], 0.045 * 1.17, rtol=1e-14)
    np.testing.assert_allclose(c.down_rate[40:], 0.045 * 0.89, rtol=1e-14)
    assert at(c.up_rate, 41) == pytest.approx(0.05265, rel=1e-14)
    assert at(c.down_rate, 41) == pytest.approx(0.04005, rel=1e-14)


def test_stress_interpolation(flat_curves):
    """Annex 3 二（五）2: Stress_t = Stress_20 (40 - t) / 20 + Stress_40 (t - 20) / 20.

    t = 30 is the midpoint: up (37% + 17%) / 2 = 27%, down (-23% - 11%) / 2 = -17%.
    t = 25: up 37% * 0.75 + 17% * 0.25 = 32%.
    """
    c = flat_curves
    assert at(c.stress_up, 30) == pytest.approx((0.37 + 0.17) / 2, abs=1e-15)
    assert at(c.stress_down, 30) == pytest.approx((-0.23 - 0.11) / 2, abs=1e-15)
    assert at(c.stress_up, 25) == pytest.approx(0.32, abs=1e-15)
    assert at(c.stress_up, 40) == pytest.approx(0.17, abs=1e-15)
    assert at(c.stress_down, 55) == pytest.approx(-0.11, abs=1e-15)


def test_stressed_transition_flat_two_percent(flat_curves):
    """Annex 3 二（三）: the Annex 1 transition on the stressed values, flat 2% spot, t = 30.

    Up: r*_s20 = 2% * 1.37 = 2.74%, r*_s30 = 2% * 1.27 = 2.54%, UFR_s = 4.5% * 1.17 = 5.265%;
    r = 2.74% + (5.265% - 2.74%) * 0.5 = 4.0025%; R = 4.0025% * 0.5 + 2.54% * 0.5 = 3.27125%.
    Down: r*_s20 = 1.54%, r*_s30 = 2% * 0.83 = 1.66%, UFR_s = 4.005%;
    r = 1.54% + (4.005% - 1.54%) * 0.5 = 2.7725%; R = 2.7725% * 0.5 + 1.66% * 0.5 = 2.21625%.
    """
    assert at(flat_curves.up_rate, 30) == pytest.approx(0.0327125, abs=1e-15)
    assert at(flat_curves.down_rate, 30) == pytest.approx(0.0221625, abs=1e-15)


def test_discount_factors(flat_curves):
    """docs/formats.md §7.4: a cash flow at the end of year t is discounted by
    (1 + rate + premium) ** -t. Year 10 base: (1 + 2% + 0.45%) ** -10 = 1.0245 ** -10."""
    assert at(flat_curves.discount_base, 10) == pytest.approx(1.0245**-10, rel=1e-14)
    assert at(flat_curves.discount_up, 10) == pytest.approx(1.0345**-10, rel=1e-14)
    assert at(flat_curves.discount_down, 10) == pytest.approx(1.0177**-10, rel=1e-14)
    assert at(flat_curves.discount_base, 50) == pytest.approx(1.045**-50, rel=1e-14)


def test_curves_are_read_only(flat_curves):
    """ScenarioCurves is frozen (shared between the engine, optimiser and simulation)."""
    assert flat_curves.horizon == 60
    with pytest.raises(ValueError):
        flat_curves.base_rate[0] = 0.0
    with pytest.raises(AttributeError):
        flat_curves.premium = np.zeros(60)  # type: ignore[misc]


def test_short_horizon(table):
    """Curves for a horizon under 20 years are the first years of the full curve."""
    short = build_curves(np.full(20, 0.02), table, 5)
    assert short.horizon == 5
    assert short.up_rate.shape == (5,)
    assert at(short.up_rate, 1) == pytest.approx(0.02 * 1.97)


def test_bad_curve_inputs(table):
    """Annex 3 一: the curve needs the spot rates of years 1..20."""
    with pytest.raises(ValueError):
        build_curves(np.full(19, 0.02), table, 30)
    with pytest.raises(ValueError):
        build_curves(np.full(20, np.nan), table, 30)
    with pytest.raises(ValueError):
        build_curves(np.full(20, 0.02), table, 0)
    with pytest.raises(ParameterError):
        build_curves(np.full(20, 0.02), table, 30, beyond_20="linear")  # type: ignore[arg-type]
    broken = dict(table)
    broken["up"] = table["up"][:19]
    with pytest.raises(ParameterError):
        build_curves(np.full(20, 0.02), broken, 30)


# ------------------------------------------------------------------------------------------
# Asset cash flows and horizon
# ------------------------------------------------------------------------------------------


def test_asset_cash_flows_by_hand():
    """Rule 8 Art. 18 (一): cash flows from face value and coupon; docs/formats.md §1: coupon
    * face at the end of years 1..maturity, face at maturity. 3% on 100 for 3 years:
    3, 3, 103, then 0. A semi-annual 4% on 50 for 2 years pays 1 + 1 = 2 a year: 2, 52."""
    cf = asset_cash_flows([0.03, 0.04, 0.0], [100.0, 50.0, 10.0], [3, 2, 1], [1, 2, 1], 4)
    expected = np.array(
        [
            [3.0, 3.0, 103.0, 0.0],
            [2.0, 52.0, 0.0, 0.0],
            [10.0, 0.0, 0.0, 0.0],
        ]
    )
    np.testing.assert_allclose(cf, expected, rtol=1e-15)


def test_asset_cash_flows_frequency_summed_at_year_end():
    """Simplification documented in asset_cash_flows: f coupons of c/f in a year sum to c."""
    annual = asset_cash_flows(0.028, 1e6, 7, 1, 10)
    quarterly = asset_cash_flows(0.028, 1e6, 7, 4, 10)
    np.testing.assert_allclose(annual, quarterly, rtol=1e-15)


def test_asset_cash_flows_defaults_and_empty():
    """Default horizon is the longest maturity; no assets gives an (0, H) matrix."""
    assert asset_cash_flows([0.02, 0.03], [1.0, 1.0], [4, 9]).shape == (2, 9)
    assert asset_cash_flows([], [], [], 1, 12).shape == (0, 12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"maturity_years": [2.5]},
        {"maturity_years": [0]},
        {"face_value": [-1.0]},
        {"coupon_rate": [np.nan]},
        {"coupon_frequency": [0]},
        {"coupon_frequency": [1.5]},
        {"horizon": 3},
        {"coupon_rate": [0.01, 0.02]},
    ],
)
def test_asset_cash_flows_rejects(kwargs):
    """docs/formats.md §1: maturity_years are whole years; values are non-negative."""
    args = {
        "coupon_rate": [0.03],
        "face_value": [100.0],
        "maturity_years": [5],
        "coupon_frequency": [1],
        "horizon": 10,
    }
    args.update(kwargs)
    if "coupon_rate" in kwargs and len(kwargs["coupon_rate"]) == 2:
        args["face_value"] = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError):
        asset_cash_flows(**args)


def test_scenario_horizon():
    """Horizon = max(liability years, longest maturity, 1)."""
    assert scenario_horizon(30, [5, 45]) == 45
    assert scenario_horizon(60, [10]) == 60
    assert scenario_horizon(0, []) == 1
    assert scenario_horizon(12) == 12


# ------------------------------------------------------------------------------------------
# Capital: Rule 8 Art. 18
# ------------------------------------------------------------------------------------------


def test_matched_zero_coupon_has_no_capital(flat_curves):
    """Rule 8 Art. 18: NCF = outflows - inflows. A zero-coupon asset paying 1e9 at year 10
    against a liability outflow of 1e9 at year 10 gives NCF = 0 every year: both net deltas
    are 0, the capital is 0 and no scenario binds."""
    assets = asset_cash_flows(0.0, 1e9, 10, 1, 60)
    liabilities = np.zeros(60)
    liabilities[9] = 1e9
    r = evaluate(assets, liabilities, flat_curves)
    assert r.net_delta_up == 0.0
    assert r.net_delta_down == 0.0
    assert r.capital == 0.0
    assert r.binding == "none"
    np.testing.assert_array_equal(r.asset_capital_contribution, [0.0])
    assert r.liability_capital_contribution == 0.0
    assert r.asset_pv_base[0] == pytest.approx(r.liability_pv_base, rel=1e-15)


def test_single_liability_no_assets(flat_curves):
    """Rule 8 Art. 18 with no assets: MC = max(PV_adverse - PV_base, 0) of the outflows.

    Outflow L = 1e8 at the end of year 10, flat 2% spot, premium 0.45%:
    base rate 2% + 0.45% = 2.45%; down: 2% (1 - 34%) + 0.45% = 1.32% + 0.45% = 1.77%;
    up: 2% (1 + 50%) + 0.45% = 3.45%.
    MC = L (1.0177^-10 - 1.0245^-10) = 1e8 (0.839078 - 0.785019) = 5.4058e6 (down binds);
    the up delta L (1.0345^-10 - 1.0245^-10) = -7.2667e6 is negative.
    """
    liabilities = np.zeros(10)
    liabilities[9] = 1e8
    r = evaluate(np.zeros((0, 10)), liabilities, flat_curves)
    expected = 1e8 * (1.0177**-10 - 1.0245**-10)
    assert r.capital == pytest.approx(expected, rel=1e-12)
    assert r.capital == pytest.approx(5.4058e6, rel=1e-4)
    assert r.liability_delta_up == pytest.approx(1e8 * (1.0345**-10 - 1.0245**-10), rel=1e-12)
    assert r.liability_pv_base == pytest.approx(1e8 * 1.0245**-10, rel=1e-12)
    assert r.binding == "down"
    assert r.liability_capital_contribution == r.capital
    assert r.asset_capital_contribution.shape == (0,)


def test_short_asset_against_long_liability_binds_down(flat_curves):
    """Rule 8 Art. 12: the combined effect on assets and liabilities. A 1-year deposit against
    a 30-year outflow: falling rates raise the liability far more than the asset, so the down
    scenario binds and the asset's contribution (-asset_delta_down) is negative (it hedges)."""
    assets = asset_cash_flows(0.02, 1e8, 1, 1, 30)
    liabilities = np.zeros(30)
    liabilities[29] = 1e8
    r = evaluate(assets, liabilities, flat_curves)
    assert r.binding == "down"
    assert r.asset_delta_down[0] > 0
    assert r.asset_capital_contribution[0] == -r.asset_delta_down[0]
    assert r.capital == pytest.approx(r.liability_delta_down - r.asset_delta_down[0], rel=1e-15)


def test_evaluate_rejects(flat_curves):
    """Cash flows must fit the curves; the only combination rule is docs/formats.md §7.4."""
    with pytest.raises(ValueError):
        evaluate(np.zeros((1, 61)), np.zeros(10), flat_curves)
    with pytest.raises(ValueError):
        evaluate(np.zeros((1, 10)), np.zeros(61), flat_curves)
    with pytest.raises(ValueError):
        evaluate(np.zeros(10), np.zeros(10), flat_curves)
    with pytest.raises(ParameterError):
        evaluate(np.zeros((1, 10)), np.zeros(10), flat_curves, combine="sum")  # type: ignore[arg-type]


def test_capital_for_batched():
    """docs/formats.md §7.4: max(liab_up - asset_up, liab_down - asset_down, 0),
    elementwise over a batch. Row 1: max(10 - 4, 3 - 1, 0) = 6; row 2: max(-5 - 0, 2 - (-1), 0)
    = 3; row 3: max(1 - 2, 1 - 5, 0) = 0."""
    out = capital_for(
        np.array([4.0, 0.0, 2.0]),
        np.array([1.0, -1.0, 5.0]),
        np.array([10.0, -5.0, 1.0]),
        np.array([3.0, 2.0, 1.0]),
    )
    np.testing.assert_array_equal(out, [6.0, 3.0, 0.0])
    rng = np.random.default_rng(7)
    a_up, a_down, l_up, l_down = rng.normal(size=(4, 200, 3))
    batched = capital_for(a_up, a_down, l_up, l_down)
    assert batched.shape == (200, 3)
    loop = np.array(
        [
            [max(l_up[i, j] - a_up[i, j], l_down[i, j] - a_down[i, j], 0.0) for j in range(3)]
            for i in range(200)
        ]
    )
    np.testing.assert_array_equal(batched, loop)
    # Broadcasting: one liability against many asset mixes.
    assert capital_for(a_up[:, 0], a_down[:, 0], 1.0, 2.0).shape == (200,)
    with pytest.raises(ParameterError):
        capital_for(0.0, 0.0, 1.0, 1.0, combine="sum")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# Independent formulation: a year-by-year scalar implementation of Annex 3
# ------------------------------------------------------------------------------------------


def _ref_rate(spot: list[float], t: int, scenario: str) -> float:
    """Spot discount rate (base rate + premium) of year t, written from Annex 3 / Annex 1."""

    def stress(year: int) -> float:
        if scenario == "base":
            return 0.0
        col = 1 if scenario == "up" else 2
        s20, s40 = ANNEX3_STRESS[19][col], ANNEX3_STRESS_40[col - 1]
        if year <= 20:
            return ANNEX3_STRESS[year - 1][col]
        if year < 40:
            return s20 * (40 - year) / 20 + s40 * (year - 20) / 20
        return s40

    def r_star(year: int) -> float:  # given, else flat from the last given year
        value = spot[year - 1] if year <= len(spot) else spot[-1]
        return value * (1 + stress(year))

    ufr = 0.045 * (1 + stress(40))
    if t <= 20:
        rate = r_star(t)
    elif t <= 40:
        first = r_star(20) + (ufr - r_star(20)) * (t - 20) / 20
        rate = first * (t - 20) / 20 + r_star(t) * (40 - t) / 20
    else:
        rate = ufr
    if t <= 20:
        premium = 0.0045
    elif t <= 40:
        premium = 0.0045 * (40 - t) / 20
    else:
        premium = 0.0
    return rate + premium


def test_independent_loop_three_assets(table):
    """Rule 8 Art. 18 and Annex 3, computed year by year in plain Python for three assets
    (a 5-year 3% bond, a 12-year semi-annual 2.6% bond, a 50-year 3.3% bond) and 60 years of
    liability outflows, on a 30-year upward spot curve extended flat to 40; the vectorised
    result agrees to 1e-9 relative."""
    spot = [0.014 + 0.0004 * t for t in range(1, 31)]
    coupons, faces, maturities = [0.03, 0.026, 0.033], [2e8, 3.5e8, 1.2e8], [5, 12, 50]
    horizon = 60
    liabilities = [4e7 * math.exp(-0.05 * t) + (1e6 if t % 7 == 0 else 0.0) for t in range(1, 61)]

    def pv(flows: list[float], scenario: str) -> float:
        total = 0.0
        for year, flow in enumerate(flows, start=1):
            total += flow * (1 + _ref_rate(spot, year, scenario)) ** -year
        return total

    ref_assets = {s: [] for s in ("base", "up", "down")}
    for c, f, m in zip(coupons, faces, maturities, strict=True):
        flows = [c * f + (f if year == m else 0.0) for year in range(1, m + 1)]
        for s in ref_assets:
            ref_assets[s].append(pv(flows, s))
    ref_liab = {s: pv(liabilities, s) for s in ("base", "up", "down")}

    curves = build_curves(np.asarray(spot), table, horizon)
    cf = asset_cash_flows(coupons, faces, maturities, [1, 2, 1], horizon)
    r = evaluate(cf, np.asarray(liabilities), curves)

    rel = 1e-9
    np.testing.assert_allclose(r.asset_pv_base, ref_assets["base"], rtol=rel)
    for s, delta in (("up", r.asset_delta_up), ("down", r.asset_delta_down)):
        expected = np.array(ref_assets[s]) - np.array(ref_assets["base"])
        np.testing.assert_allclose(delta, expected, rtol=rel)
    assert r.liability_pv_base == pytest.approx(ref_liab["base"], rel=rel)
    assert r.liability_delta_up == pytest.approx(ref_liab["up"] - ref_liab["base"], rel=rel)
    assert r.liability_delta_down == pytest.approx(ref_liab["down"] - ref_liab["base"], rel=rel)
    net = {
        s: (ref_liab[s] - sum(ref_assets[s])) - (ref_liab["base"] - sum(ref_assets["base"]))
        for s in ("up", "down")
    }
    scale = ref_liab["base"] + sum(ref_assets["base"])
    assert r.net_delta_up == pytest.approx(net["up"], rel=rel, abs=rel * scale)
    assert r.net_delta_down == pytest.approx(net["down"], rel=rel, abs=rel * scale)
    assert r.capital == pytest.approx(max(net["up"], net["down"], 0.0), rel=rel, abs=rel * scale)


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------

_amount = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@st.composite
def _books(draw):
    spot_len = draw(st.integers(min_value=20, max_value=45))
    spot = draw(
        st.lists(
            st.floats(min_value=-0.005, max_value=0.08, allow_nan=False),
            min_size=spot_len,
            max_size=spot_len,
        )
    )
    n = draw(st.integers(min_value=0, max_value=6))
    coupons = draw(st.lists(st.floats(0.0, 0.1), min_size=n, max_size=n))
    faces = draw(st.lists(st.floats(0.0, 1e9), min_size=n, max_size=n))
    maturities = draw(st.lists(st.integers(1, 70), min_size=n, max_size=n))
    liabilities = draw(st.lists(_amount, min_size=1, max_size=80))
    return spot, coupons, faces, maturities, liabilities


def _run(table, spot, coupons, faces, maturities, liabilities, scale=1.0) -> LifeInterestRate:
    horizon = scenario_horizon(len(liabilities), maturities)
    curves = build_curves(np.asarray(spot), table, horizon)
    cf = asset_cash_flows(coupons, faces, maturities, 1, horizon)
    return evaluate(scale * cf, scale * np.asarray(liabilities), curves)


@settings(max_examples=150, deadline=None)
@given(book=_books(), c=st.floats(min_value=0.01, max_value=100.0))
def test_properties_euler_floor_homogeneity(table, book, c):
    """Rule 8 Art. 18 (max(., 0)) and docs/formats.md §7.4:

    - capital >= 0 and equals max(net_delta_up, net_delta_down, 0);
    - Euler: asset and liability contributions add up to the capital (the binding scenario's
      net delta is linear in the cash flows);
    - degree-1 homogeneity: scaling assets and liabilities by c > 0 scales the capital by c;
    - capital_for on the totals gives the same capital.
    """
    spot, coupons, faces, maturities, liabilities = book
    r = _run(table, spot, coupons, faces, maturities, liabilities)
    magnitude = (
        np.abs(r.asset_delta_up).sum()
        + np.abs(r.asset_delta_down).sum()
        + abs(r.liability_delta_up)
        + abs(r.liability_delta_down)
        + 1.0
    )
    assert r.capital >= 0.0
    assert r.capital == max(r.net_delta_up, r.net_delta_down, 0.0)
    euler = r.asset_capital_contribution.sum() + r.liability_capital_contribution
    assert euler == pytest.approx(r.capital, rel=1e-12, abs=1e-12 * magnitude)
    if r.binding == "none":
        assert r.capital == 0.0
    else:
        assert r.capital > 0.0
    batched = capital_for(
        r.asset_delta_up.sum(),
        r.asset_delta_down.sum(),
        r.liability_delta_up,
        r.liability_delta_down,
    )
    assert float(batched) == pytest.approx(r.capital, rel=1e-12, abs=1e-12 * magnitude)

    scaled = _run(table, spot, coupons, faces, maturities, liabilities, scale=c)
    assert scaled.capital == pytest.approx(c * r.capital, rel=1e-9, abs=1e-9 * c * magnitude)
