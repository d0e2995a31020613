"""Dated asset cash flows of the life scenario method (Rule 8 Art. 18 (一)-(三), Annex 3):
fractional maturities, coupon frequency, callable assets, discounting between whole years."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.solvency.life_interest_rate import (
    asset_cash_flows,
    asset_values,
    build_curves,
    cash_flow_schedule,
    discount_at,
    evaluate,
    evaluate_assets,
    evaluate_schedule,
    exercise_years,
)
from analyzer.solvency.regime import load_regime

# Annex 3 三: 45bp comprehensive premium up to year 20
PREMIUM = 0.0045


@pytest.fixture(scope="module")
def table():
    return load_regime("cross2-2025-12").table("life_interest_rate", "life_interest_rate")


@pytest.fixture(scope="module")
def flat(table):
    """Flat 2% government curve: base spot discount rate 2.45% up to year 20."""
    return build_curves(np.full(20, 0.02), table, 40)


def test_semi_annual_two_and_a_half_years_by_hand(flat):
    """4% a year paid semi-annually on 100, 2.5 years: 2 at 0.5, 1, 1.5, 2 and 102 at 2.5,
    each discounted (1 + 0.02 + 0.0045) ** -t (flat curve, Annex 3 一, 三)."""
    pos, t, cf = cash_flow_schedule(0.04, 100.0, 2.5, 2)
    assert t.tolist() == [0.5, 1.0, 1.5, 2.0, 2.5]
    assert cf.tolist() == [2.0, 2.0, 2.0, 2.0, 102.0]
    v = 1.0245
    hand = 2 * (v**-0.5 + v**-1 + v**-1.5 + v**-2) + 102 * v**-2.5
    for interp in ("linear_spot", "loglinear_discount"):
        r = evaluate_schedule(pos, t, cf, 1, np.zeros(3), flat, interpolation=interp)
        assert r.asset_pv_base[0] == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(103.7731, abs=1e-4)  # the number itself, typed


def test_fractional_maturity_dates():
    """3.4 years, annual coupon 3% on 1000: 30 at 0.4, 1.4, 2.4 and 1030 at 3.4."""
    pos, t, cf = cash_flow_schedule(0.03, 1000.0, 3.4, 1)
    assert t == pytest.approx([0.4, 1.4, 2.4, 3.4])
    assert cf.tolist() == [30.0, 30.0, 30.0, 1030.0]
    assert pos.tolist() == [0, 0, 0, 0]


def test_whole_years_annual_equal_the_year_end_grid(table):
    """Whole maturities with annual coupons give exactly the numbers of the year-end grid
    (so integer holdings files keep their results)."""
    curves = build_curves(np.linspace(0.015, 0.03, 20), table, 30)
    coupon, face, mat = [0.03, 0.0, 0.045], [100.0, 50.0, 80.0], [3, 7, 30]
    grid = evaluate(asset_cash_flows(coupon, face, mat, 1, 30), np.ones(30), curves)
    pos, t, cf = cash_flow_schedule(coupon, face, mat, 1)
    dated = evaluate_schedule(pos, t, cf, 3, np.ones(30), curves)
    assert dated.asset_pv_base == pytest.approx(grid.asset_pv_base, rel=1e-14)
    assert dated.asset_delta_up == pytest.approx(grid.asset_delta_up, rel=1e-12)
    assert dated.asset_delta_down == pytest.approx(grid.asset_delta_down, rel=1e-12)
    assert dated.capital == pytest.approx(grid.capital, rel=1e-12)


def test_interpolation_between_years(table):
    """Spot 1% at year 1, 2% at year 2 (plus 45bp): at 1.5 years linear_spot discounts at
    the mean rate 1.95%; loglinear_discount takes the geometric mean of D(1), D(2); before
    year 1 linear_spot is flat at the year-1 rate and loglinear runs from D(0) = 1."""
    spot = np.concatenate([[0.01, 0.02], np.full(18, 0.02)])
    curves = build_curves(spot, table, 20)
    d1, d2 = 1.0145**-1, 1.0245**-2
    assert discount_at(curves, 1.5) == pytest.approx(1.0195**-1.5, rel=1e-13)
    assert discount_at(curves, 1.5, interpolation="loglinear_discount") == pytest.approx(
        (d1 * d2) ** 0.5, rel=1e-13
    )
    assert discount_at(curves, 0.4) == pytest.approx(1.0145**-0.4, rel=1e-13)
    assert discount_at(curves, 0.4, interpolation="loglinear_discount") == pytest.approx(
        d1**0.4, rel=1e-13
    )
    whole = discount_at(curves, [1.0, 2.0, 7.0], "up")
    assert whole.tolist() == [curves.discount_up[0], curves.discount_up[1], curves.discount_up[6]]
    with pytest.raises(ValueError):
        discount_at(curves, 20.5)


def test_call_first_date_and_forward_test(flat):
    """Art. 18 (三): no exercise rate -> cash-flowed to the first call date. Art. 18 (二):
    the flat 2% government curve has a 2% forward rate from 3 to 10 years; exercised (call at
    3) when the exercise rate is above it (3%), held to maturity (10) when below (1%)."""
    end = exercise_years(
        [10.0, 10.0, 10.0, 5.0], [3.0, 3.0, 3.0, np.nan], [np.nan, 0.03, 0.01, np.nan], flat
    )
    assert end.tolist() == [3.0, 3.0, 10.0, 5.0]
    pos, t, cf = cash_flow_schedule(0.05, 100.0, 10.0, 1, 3.0)
    assert t.tolist() == [1.0, 2.0, 3.0]
    assert cf.tolist() == [5.0, 5.0, 105.0]


def _life_bond(**extra):
    row = {
        "asset_type": "government_bond",
        "market_value": 100.0,
        "modified_duration": 2.0,
        "coupon_rate": 0.04,
        "face_value": 100.0,
        "maturity_years": 2.5,
        "coupon_frequency": 2,
    }
    row.update(extra)
    return row


def test_engine_half_year_semi_annual_bond(run):
    """Through the engine (conftest: flat 2% government curve): the bond's base-scenario PV
    is the hand value of the first test."""
    r = run([_life_bond()], company_type="life")
    v = 1.0245
    hand = 2 * (v**-0.5 + v**-1 + v**-1.5 + v**-2) + 102 * v**-2.5
    assert r.life_interest_rate["asset_pv_base"] == pytest.approx(hand, rel=1e-12)


def test_engine_callable_bond_to_first_call(run):
    """A 10-year 5% bond callable in 3 years, no exercise rate: PV of 5, 5, 105 at 1, 2, 3."""
    r = run(
        [_life_bond(maturity_years=10, coupon_rate=0.05, coupon_frequency=1, call_years=3)],
        company_type="life",
    )
    v = 1.0245
    hand = 5 * v**-1 + 5 * v**-2 + 105 * v**-3
    assert r.life_interest_rate["asset_pv_base"] == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize("call", [0.0, 11.0])
def test_engine_refuses_call_outside_maturity(run, call):
    with pytest.raises(InputError) as err:
        run([_life_bond(maturity_years=10, call_years=call)], company_type="life")
    assert err.value.problems[0].column == "call_years"


def test_engine_refuses_zero_maturity(run):
    with pytest.raises(InputError) as err:
        run([_life_bond(maturity_years=0, modified_duration=0.0)], company_type="life")
    assert err.value.problems[0].column == "maturity_years"


@pytest.mark.parametrize("interp", ["linear_spot", "loglinear_discount"])
def test_asset_values_equal_the_dated_schedule(table, interp):
    """The engine's shortcut (whole annual bonds by cumulative sums, the rest date by date)
    gives the numbers of the merged schedule for a mixed book: whole annual, fractional,
    semi-annual, monthly, called off a coupon date, zero coupon."""
    curves = build_curves(np.linspace(0.012, 0.031, 25), table, 32)
    coupon = np.array([0.03, 0.04, 0.025, 0.05, 0.0, 0.035, 0.02])
    face = np.array([100.0, 250.0, 80.0, 60.0, 40.0, 300.0, 10.0])
    mat = np.array([7.0, 2.5, 3.4, 12.0, 30.0, 31.7, 0.2])
    freq = np.array([1, 2, 1, 12, 1, 4, 2])
    end = np.array([7.0, 2.5, 3.4, 4.2, 30.0, 10.0, 0.2])
    got = asset_values(coupon, face, mat, curves, freq, end, interpolation=interp)
    pos, t, cf = cash_flow_schedule(coupon, face, mat, freq, end)
    ref = evaluate_schedule(pos, t, cf, len(mat), np.ones(10), curves, interpolation=interp)
    refs = (ref.asset_pv_base, ref.asset_delta_up, ref.asset_delta_down)
    for a, b in zip(got, refs, strict=True):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)
    whole = evaluate_assets(coupon, face, mat, np.ones(10), curves, freq, end, interpolation=interp)
    assert whole.capital == pytest.approx(ref.capital, rel=1e-12)
