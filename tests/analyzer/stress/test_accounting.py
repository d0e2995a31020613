"""Accounting class per position (holdings column ``accounting``) in the Annex 4 +50bp shock:
Rule 10 Annex 4 一(二)(1) moves "以公允价值计量的固定收益类资产" only."""

from __future__ import annotations

import pytest

from analyzer.io.accounting import amortised_cost, fair_value, fair_value_shares, given
from analyzer.stress import annex4
from analyzer.stress.forward import Stresser
from analyzer.stress.shocks import Shock, StressParameters


def _bond(pid, mv, dur, accounting=""):
    return {
        "id": pid,
        "asset_type": "government_bond",
        "market_value": mv,
        "modified_duration": dur,
        "accounting": accounting,
    }


@pytest.fixture
def book(make_holdings):
    """Amortised-cost bond 1e9 (D 4), FVOCI bond 2e9 (D 5)."""
    return make_holdings([_bond("ac", 1e9, 4.0, "amortised_cost"), _bond("oci", 2e9, 5.0, "fvoci")])


def test_plus_50bp_moves_only_the_fvoci_bond(book, make_company):
    """Loss = D x 0.005 x value of the FVOCI bond = 5 x 0.005 x 2e9 = 5e7; the amortised-cost
    bond keeps its value. The Annex 4 rates component gives the same."""
    s = Stresser(book, make_company("pc"))
    r = s.run(Shock("r", {"rates": 50.0}))
    assert r.asset_value_change == pytest.approx(-5e7, rel=1e-12)
    (component,) = [x for x in annex4.scenarios("pc") if x.name == "annex4_macro_rates_up_50bp"]
    assert s.run(component).asset_value_change == pytest.approx(-5e7, rel=1e-12)


def test_column_wins_over_the_share_and_the_share_covers_blanks(make_holdings, make_company):
    """--fair-value-share 0.5 moves only the blank bond's half: 5e7 (FVOCI) + 2 x 0.005 x 0.5
    x 1e9 = 5e6 (blank), nothing from the amortised-cost bond; total 5.5e7."""
    h = make_holdings(
        [
            _bond("ac", 1e9, 4.0, "amortised_cost"),
            _bond("oci", 2e9, 5.0, "fvoci"),
            _bond("blank", 1e9, 2.0),
        ]
    )
    s = Stresser(h, make_company("pc"), params=StressParameters(fair_value_share=0.5))
    r = s.run(Shock("r", {"rates": 50.0}))
    assert r.asset_value_change == pytest.approx(-5.5e7, rel=1e-12)


def test_helpers(make_holdings):
    h = make_holdings(
        [
            _bond("a", 1.0, 1.0, "amortised_cost"),
            _bond("b", 1.0, 1.0, "fvoci"),
            _bond("c", 1.0, 1.0, "fvtpl"),
            _bond("d", 1.0, 1.0),
        ]
    )
    f = h.frame
    assert amortised_cost(f).tolist() == [True, False, False, False]
    assert fair_value(f).tolist() == [False, True, True, False]
    assert given(f).tolist() == [True, True, True, False]
    assert fair_value_shares(f, 0.25).tolist() == [0.0, 1.0, 1.0, 0.25]


def test_unknown_accounting_value_is_refused(make_holdings):
    from analyzer.errors import InputError

    with pytest.raises(InputError) as err:
        make_holdings([_bond("x", 1.0, 1.0, "held_to_maturity")])
    assert err.value.problems[0].column == "accounting"
