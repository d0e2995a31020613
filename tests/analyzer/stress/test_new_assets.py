"""The Annex 4 drivers on the Rule 7 products, the derivatives, separate accounts and
looked-through products (Rule 10 Annex 4 一(二); docs/stress.md §1).

Numbers worked by hand from the annex moves: equity -20%, +50bp on fair-value fixed income
(``-D x 0.005``), default loss 10% of admitted value, composed per row.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from stress_factories import make_company, make_holdings

from analyzer.io.holdings import NEEDED_BY, OVERSEAS_NEEDED
from analyzer.io.look_through import validate_look_through
from analyzer.stress import annex4
from analyzer.stress.forward import Stresser
from analyzer.stress.shocks import Shock, StressParameters, revalue

NV = 1.0e9
PRODUCT = {"look_through": False, "layers": 1}
EQUITY_20 = Shock("e", {"equity": -0.20})
RATES_50 = Shock("r", {"rates": 50.0})
DEFAULT_10 = Shock("d", {"default": 0.10})


def changes(rows, shock, params=None, holdings=None):
    """Value change per position id (CNY) under a shock."""
    h = holdings if holdings is not None else make_holdings(rows)
    s = Stresser(h, make_company("pc"), params=params)
    rv = revalue(h, shock, s.scopes, s.params)
    return dict(zip(h.frame["id"], rv.value_change, strict=True)), rv


def product(pid, asset_type, **kw):
    return {"id": pid, "asset_type": asset_type, "market_value": NV, **PRODUCT, **kw}


PRODUCTS = [
    product("am_eq", "am_product", product_kind="equity"),
    product("wm_mix", "wealth_management_product", product_kind="mixed"),
    product("am_fi", "am_product", product_kind="fixed_income"),
    product("am_mm", "am_product", product_kind="money_market"),
    product("eip", "equity_investment_plan", strategic_emerging=False),
    product("dte", "debt_to_equity_plan", strategic_emerging=False),
    product("re", "real_estate_financial_product", property_tier="major"),
    product("tr_eq", "trust_plan", trust_kind="equity", rating="AAA"),
    product("tr_fi", "trust_plan", trust_kind="fixed_income", rating="AAA", loan_class="normal"),
]


def test_equity_20_reaches_the_equity_type_products():
    """-20% x 1e9 = -2e8 on equity products, equity plans, debt-to-equity plans, equity trusts
    and real-estate products (Rule 7 Art. 31 charges them for equity price risk); a mixed
    product loses 0.8 x 0.2 x 1e9 = 1.6e8 (mixed_equity_share 0.8); fixed-income and
    money-market products and the fixed-income trust nothing."""
    ch, _ = changes(PRODUCTS, EQUITY_20)
    expected = {
        "am_eq": -2e8,
        "wm_mix": -1.6e8,
        "am_fi": 0.0,
        "am_mm": 0.0,
        "eip": -2e8,
        "dte": -2e8,
        "re": -2e8,
        "tr_eq": -2e8,
        "tr_fi": 0.0,
    }
    assert ch == pytest.approx(expected, rel=1e-12, abs=1e-3)


def test_literal_scope_moves_every_unlooked_portfolio_product():
    """products_by_kind=False: Rule 7 Art. 31 charges every AM / WM product not looked through
    for equity price risk, so all of them fall 20% (2e8 each, the mixed one too)."""
    ch, _ = changes(PRODUCTS[:4], EQUITY_20, StressParameters(products_by_kind=False))
    assert list(ch.values()) == pytest.approx([-2e8] * 4, rel=1e-12)


def test_default_10_reaches_the_debt_type_products():
    """10% of 1e9 on the fixed-income product and the fixed-income trust (Rule 7 Art. 32
    default charge); 10% of the mixed product's fixed-income fifth: 0.2 x 1e9 x 0.1 = 2e7.
    Without default_fixed_income_products only the trust (which carries a Rule 9 row)."""
    ch, _ = changes(PRODUCTS, DEFAULT_10)
    assert ch["am_fi"] == pytest.approx(-1e8, rel=1e-12)
    assert ch["tr_fi"] == pytest.approx(-1e8, rel=1e-12)
    assert ch["wm_mix"] == pytest.approx(-2e7, rel=1e-12)
    for pid in ("am_eq", "am_mm", "eip", "dte", "re", "tr_eq"):
        assert ch[pid] == 0.0
    ch, _ = changes(PRODUCTS, DEFAULT_10, StressParameters(default_fixed_income_products=False))
    assert ch["am_fi"] == 0.0 and ch["wm_mix"] == 0.0
    assert ch["tr_fi"] == pytest.approx(-1e8, rel=1e-12)


def test_rates_reach_fair_value_fixed_income_products_with_a_duration():
    """+50bp, D 4: fvoci fixed-income product -4 x 0.005 x 1e9 = -2e7; the same at amortised
    cost 0; without a duration 0; a debt investment plan at fvtpl with D 5: -2.5e7."""
    rows = [
        product("fv", "am_product", product_kind="fixed_income", modified_duration=4.0,
                accounting="fvoci"),
        product("ac", "am_product", product_kind="fixed_income", modified_duration=4.0,
                accounting="amortised_cost"),
        product("nod", "am_product", product_kind="fixed_income"),
        product("dip", "debt_investment_plan", rating="AAA", loan_class="normal",
                modified_duration=5.0, accounting="fvtpl"),
    ]  # fmt: skip
    ch, _ = changes(rows, RATES_50)
    assert ch == pytest.approx({"fv": -2e7, "ac": 0.0, "nod": 0.0, "dip": -2.5e7}, abs=1e-3)


def test_mixed_product_in_the_macro_scenario():
    """Annex 4 一(二) on a mixed product of 1e9 (D 4, fvoci): equity share 0.8e9 x 0.8 =
    0.64e9; fixed-income share 0.2e9 x (1 - 4 x 0.005) x (1 - 0.1) = 0.1764e9; new value
    0.8164e9, change -1.836e8. With mixed_equity_share 0.5: 0.4e9 + 0.441e9, -1.59e8."""
    (macro,) = [s for s in annex4.scenarios("pc") if s.name == "annex4_macro"]
    row = product("mix", "am_product", product_kind="mixed", modified_duration=4.0,
                  accounting="fvoci")  # fmt: skip
    ch, _ = changes([row], macro)
    assert ch["mix"] == pytest.approx(-1.836e8, rel=1e-12)
    ch, _ = changes([row], macro, StressParameters(mixed_equity_share=0.5))
    assert ch["mix"] == pytest.approx(-1.59e8, rel=1e-12)


def test_property_driver_reaches_real_estate_products():
    """Property -10%: real-estate financial product and investment property -1e8 each."""
    rows = [
        PRODUCTS[6],
        {"id": "ip", "asset_type": "investment_property", "market_value": NV,
         "property_tier": "major"},
    ]  # fmt: skip
    ch, _ = changes(rows, Shock("p", {"property": -0.10}))
    assert ch == pytest.approx({"re": -1e8, "ip": -1e8}, rel=1e-12)


def test_mixed_equity_share_is_checked():
    from analyzer.errors import ParameterError

    with pytest.raises(ParameterError):
        changes(PRODUCTS[:1], EQUITY_20, StressParameters(mixed_equity_share=1.5))


# ------------------------------------------------------------------------------------------
# derivatives: fair value moves with the driver (one hand-worked number per type)
# ------------------------------------------------------------------------------------------


def deriv(pid, asset_type, direction, **kw):
    row = {"id": pid, "asset_type": asset_type, "market_value": 0.0, "notional": NV,
           "direction": direction, "underlying": "x", "counterparty": "bank"}  # fmt: skip
    return {**row, **kw}


@pytest.mark.parametrize(
    "row, shock, gain",
    [
        # short stock-index future, equity -20%: +notional x 0.2 = +2e8
        (deriv("f", "stock_index_future", "short"), EQUITY_20, 2e8),
        (deriv("f", "stock_index_future", "long"), EQUITY_20, -2e8),
        # pay-fixed swap, D 4, +50bp: +1e9 x 4 x 0.005 = +2e7
        (deriv("f", "interest_rate_swap", "pay_fixed", modified_duration=4.0), RATES_50, 2e7),
        (deriv("f", "interest_rate_swap", "receive_fixed", modified_duration=4.0), RATES_50, -2e7),
        # short treasury future, D 6, +50bp: +1e9 x 6 x 0.005 = +3e7
        (deriv("f", "treasury_future", "short", modified_duration=6.0), RATES_50, 3e7),
        (deriv("f", "treasury_future", "long", modified_duration=6.0), RATES_50, -3e7),
        # long USD forward, USD -10% against CNY: -1e9 x 0.1 = -1e8
        (deriv("f", "fx_forward", "long", currency="USD"), Shock("x", {"fx": -0.10}), -1e8),
        (deriv("f", "fx_forward", "short", currency="USD"), Shock("x", {"fx": -0.10}), 1e8),
    ],
)
def test_derivative_gain_by_hand(row, shock, gain):
    ch, rv = changes([row], shock)
    assert ch["f"] == pytest.approx(gain, rel=1e-12)
    (driver,) = shock.drivers
    assert rv.by_driver[driver] == pytest.approx(gain, rel=1e-12)


def test_derivatives_do_not_move_with_other_drivers():
    """A swap does not move with equity or default, a stock-index future not with rates."""
    rows = [
        deriv("s", "interest_rate_swap", "pay_fixed", modified_duration=4.0),
        deriv("i", "stock_index_future", "short"),
    ]
    ch, _ = changes(rows, Shock("x", {"equity": -0.3, "default": 0.1, "spread": 100.0}))
    assert ch["s"] == 0.0
    ch, _ = changes(rows, Shock("x", {"rates": 100.0, "default": 0.1}))
    assert ch["i"] == 0.0


STOCK = {"id": "stk", "asset_type": "stock", "market_value": NV, "board": "main",
         "purchase_cost": NV, "holding_years": 2.0, "csi300": True,
         "dividend_low_vol_100": False}  # fmt: skip
BOND = {"id": "bond", "asset_type": "government_bond", "market_value": NV,
        "modified_duration": 8.0, "accounting": "fvtpl"}  # fmt: skip
USD_BOND = {"id": "usd", "asset_type": "corporate_bond", "market_value": NV, "rating": "AAA",
            "modified_duration": 3.0, "region": "developed", "currency": "USD"}  # fmt: skip


@pytest.mark.parametrize(
    "hedged, hedge, shock",
    [
        (STOCK, deriv("h", "stock_index_future", "short", hedged_id="stk"), "annex4_macro"),
        (STOCK, deriv("h", "stock_index_future", "short", hedged_id="stk"),
         "annex4_equity_down_30"),
        (BOND, deriv("h", "interest_rate_swap", "pay_fixed", modified_duration=8.0,
                     hedged_id="bond"), "annex4_macro"),
        (BOND, deriv("h", "treasury_future", "short", modified_duration=8.0, hedged_id="bond"),
         "annex4_macro_rates_up_50bp"),
        (USD_BOND, deriv("h", "fx_forward", "short", currency="USD", hedged_id="usd"),
         Shock("usd_down", {"fx": -0.08})),
    ],
)  # fmt: skip
def test_hedged_book_loses_less(hedged, hedge, shock):
    """Property: under the adverse move, adding the hedge lowers the loss of core capital, the
    more the larger its notional (0, 25%, 50%, 100% of the hedged value), and a full hedge
    of the same duration / notional takes the loss of that driver to 0 (first order)."""
    if isinstance(shock, str):
        (shock,) = [s for s in annex4.scenarios("pc") if s.name == shock]
    losses = []
    for ratio in (0.0, 0.25, 0.5, 1.0):
        rows = [hedged] if ratio == 0 else [hedged, {**hedge, "notional": ratio * NV}]
        r = Stresser(make_holdings(rows), make_company("pc")).run(shock)
        losses.append(r.loss_core)
        if ratio == 1.0:
            driver = {
                "stock_index_future": "equity",
                "interest_rate_swap": "rates",
                "treasury_future": "rates",
                "fx_forward": "fx",
            }[hedge["asset_type"]]
            assert r.by_driver[driver] == pytest.approx(0.0, abs=1e-3)
    assert losses[0] > 0
    assert losses == sorted(losses, reverse=True) and len(set(losses)) == 4


# ------------------------------------------------------------------------------------------
# separate accounts (Rule 2 Art. 12)
# ------------------------------------------------------------------------------------------


def test_separate_account_loss_is_the_policyholders():
    """Equity fund 1e9 in the general account and 1e9 in a separate account, equity -20%:
    the company loses 2e8 (core capital), the separate account's -2e8 is reported apart
    and carries no capital before or after."""
    rows = [
        {"id": "gen", "asset_type": "equity_fund", "market_value": NV},
        {"id": "sep", "asset_type": "equity_fund", "market_value": NV, "account": "separate"},
    ]
    r = Stresser(make_holdings(rows), make_company("pc")).run(EQUITY_20)
    assert r.asset_value_change == pytest.approx(-2e8, rel=1e-12)
    assert r.loss_core == pytest.approx(2e8, rel=1e-12)
    assert r.separate_account_value_change == pytest.approx(-2e8, rel=1e-12)
    assert r.by_driver["equity"] == pytest.approx(-2e8, rel=1e-12)
    assert r.to_dict()["separate_account_value_change"] == pytest.approx(-2e8, rel=1e-12)
    alone = Stresser(make_holdings(rows[:1]), make_company("pc")).run(EQUITY_20)
    assert r.stressed.minimum_capital == pytest.approx(alone.stressed.minimum_capital)
    assert r.base.minimum_capital == pytest.approx(alone.base.minimum_capital)


# ------------------------------------------------------------------------------------------
# looked-through products: the underlyings move, the parent is their sum
# ------------------------------------------------------------------------------------------


def with_children(holdings, rows):
    raw = pd.DataFrame.from_records(rows)
    for column in [c for c, _, _ in NEEDED_BY] + list(OVERSEAS_NEEDED):
        if column not in raw.columns:
            raw[column] = None
    return replace(holdings, look_through=validate_look_through(raw, holdings, "lt.csv"))


@pytest.fixture
def looked_through():
    """A fixed-income AM product of 1e9 looked through: 50% a stock, 30% a AAA corporate bond
    (D 2, fvoci), 20% not identified (charged as the product not looked through)."""
    h = make_holdings([product("P", "am_product", product_kind="fixed_income") | {
        "look_through": True}])  # fmt: skip
    stock = {k: v for k, v in STOCK.items() if k not in ("market_value", "purchase_cost")}
    return with_children(
        h,
        [
            {"parent_id": "P", "share": 0.5, **stock, "purchase_cost": 5e8},
            {"parent_id": "P", "share": 0.3, "id": "b", "asset_type": "corporate_bond",
             "rating": "AAA", "modified_duration": 2.0, "accounting": "fvoci"},
        ],
    )  # fmt: skip


def test_looked_through_product_moves_with_its_underlyings(looked_through):
    """Equity -20%: only the stock's half: -0.2 x 5e8 = -1e8 (not -20% of the whole product).
    Default 10%: the bond 3e8 and the fixed-income remainder 2e8: -5e7. +50bp: the bond,
    -2 x 0.005 x 3e8 = -3e6."""
    ch, _ = changes(None, EQUITY_20, holdings=looked_through)
    assert ch["P"] == pytest.approx(-1e8, rel=1e-12)
    ch, _ = changes(None, DEFAULT_10, holdings=looked_through)
    assert ch["P"] == pytest.approx(-5e7, rel=1e-12)
    ch, _ = changes(None, RATES_50, holdings=looked_through)
    assert ch["P"] == pytest.approx(-3e6, rel=1e-12)


def test_looked_through_shocked_holdings_scale_the_parent(looked_through):
    """The stressed book's parent is worth 1e9 - 1e8 after equity -20%; the engine re-run
    charges its underlyings on that value (they scale with the parent)."""
    s = Stresser(looked_through, make_company("pc"))
    r = s.run(EQUITY_20)
    assert r.asset_value_change == pytest.approx(-1e8, rel=1e-12)
    assert r.stressed.minimum_capital < r.base.minimum_capital
