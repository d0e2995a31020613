"""Overseas assets (Rule 8 Art. 44-54) and FX risk (Art. 55-59).

Fixed income RF0 0.08 (Art. 46), equity 0.39 / 0.45, money funds 0.01, bond funds 0.08
(Art. 48, listed among the overseas EQUITY assets), property and REITs 0.15 with k1 0.2 / 0.4
(Art. 50-51), LTEI by Art. 28 with the market k1 for JVs / associates (Art. 49); emerging
markets k1 = 0.25. FX: USD (and pegged HKD) 0.05, EUR / GBP 0.08, other 0.15 (Art. 57).
"""

from __future__ import annotations

import pytest

from analyzer.errors import InputError

MV = 1_000_000.0


def row(asset_type, region, **kw):
    base = {"asset_type": asset_type, "market_value": MV, "region": region, "currency": "USD"}
    base.update(kw)
    return base


def only_price_charge(result):
    ch = result.charges[result.charges["submodule"] != "fx"]
    assert len(ch) == 1, ch
    return ch.iloc[0]


@pytest.mark.parametrize(
    ("asset_type", "region", "sub", "expected"),
    [
        ("corporate_bond", "developed", "overseas_fixed_income_developed", 0.08),
        ("corporate_bond", "emerging", "overseas_fixed_income_emerging", 0.10),  # 0.08 x 1.25
        ("government_bond", "developed", "overseas_fixed_income_developed", 0.08),
        ("stock", "developed", "overseas_equity_developed", 0.39),
        ("stock", "emerging", "overseas_equity_emerging", 0.4875),  # 0.39 x 1.25
        ("equity_fund", "developed", "overseas_equity_developed", 0.39),
        ("mixed_fund", "emerging", "overseas_equity_emerging", 0.4875),
        ("unlisted_equity", "developed", "overseas_equity_developed", 0.45),
        ("unlisted_equity", "emerging", "overseas_equity_emerging", 0.5625),  # 0.45 x 1.25
        ("money_market_fund", "developed", "overseas_equity_developed", 0.01),  # Art. 48
        ("bond_fund", "developed", "overseas_equity_developed", 0.08),  # Art. 48
        ("bond_fund", "emerging", "overseas_equity_emerging", 0.10),
        ("investment_property", "developed", "overseas_equity_developed", 0.18),  # 0.15 x 1.2
        ("investment_property", "emerging", "overseas_equity_emerging", 0.21),  # 0.15 x 1.4
        ("reit", "developed", "overseas_equity_developed", 0.18),  # Art. 51
        ("reit", "emerging", "overseas_equity_emerging", 0.21),
    ],
)
def test_overseas_price_factors(run, asset_type, region, sub, expected):
    """Rule 8 Art. 46, 48, 50, 51 with the market k1 (and property k1 0.2 / 0.4)."""
    r = run([row(asset_type, region, rating="AAA", modified_duration=3.0)])
    c = only_price_charge(r)
    assert c["submodule"] == sub
    assert c["factor"] == pytest.approx(expected, rel=1e-12)
    assert r.submodules[sub] == pytest.approx(expected * MV, rel=1e-12)
    # no domestic charge for an overseas asset
    for name in ("interest_rate", "equity", "real_estate", "spread", "default"):
        assert r.submodules[name] == 0.0


@pytest.mark.parametrize(
    ("investee", "region", "expected"),
    [
        ("subsidiary", "developed", 1.0),
        ("subsidiary", "emerging", 1.0),  # k1 not for subs
        ("insurance_subsidiary", "emerging", 0.35),
        ("listed_associate", "developed", 0.35),
        ("listed_associate", "emerging", 0.4375),  # 0.35 x 1.25
        ("unlisted_associate", "developed", 0.41),
        ("unlisted_associate", "emerging", 0.5125),  # 0.41 x 1.25
    ],
)
def test_overseas_ltei(run, investee, region, expected):
    """Rule 8 Art. 49: overseas LTEI takes the Art. 28 factors (1 / 0.35 / 0.35 / 0.41); the
    market k1 (0 developed, 0.25 emerging) is set for JVs and associates only."""
    r = run([row("long_term_equity_investment", region, investee=investee)])
    c = only_price_charge(r)
    assert c["submodule"] == f"overseas_equity_{region}"
    assert c["factor"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("currency", "rf0"),
    [
        ("USD", 0.05),
        ("HKD", 0.05),
        ("EUR", 0.08),
        ("GBP", 0.08),
        ("other", 0.15),
    ],
)
def test_fx_by_currency(run, currency, rf0):
    """Art. 57: EX = |net position per currency| (no foreign liabilities: the assets);
    USD and USD-pegged 0.05, EUR / GBP 0.08, other 0.15."""
    r = run(
        [
            row("stock", "developed", currency=currency),
            row(
                "corporate_bond",
                "developed",
                currency=currency,
                rating="AAA",
                modified_duration=2.0,
            ),
        ]
    )
    assert r.submodules["fx"] == pytest.approx(2 * MV * rf0, rel=1e-12)
    fx = r.charges[r.charges["submodule"] == "fx"]
    assert fx["factor"].tolist() == pytest.approx([rf0, rf0], rel=1e-12)
    assert "Art. 55" in fx["article"].iloc[0]


def test_fx_default_currency_option(make_holdings, make_company):
    """Blank currency on an overseas position of a frame built in memory (the reader refuses
    it, below): option overseas_default_currency (USD 0.05 by default; EUR -> 0.08).
    Domestic positions are CNY: no FX."""
    from analyzer.io.holdings import Holdings
    from analyzer.solvency.engine import evaluate
    from analyzer.solvency.options import EngineOptions

    h = make_holdings(
        [
            {"asset_type": "stock", "market_value": MV, "region": "developed", "currency": "GBP"},
            {"asset_type": "cash", "market_value": MV},
        ]
    )
    frame = h.frame.copy()
    frame.loc[0, "currency"] = ""
    blank = Holdings(frame)
    company = make_company()

    def fx(**options):
        r = evaluate(blank, company, options=EngineOptions(**options), scitech=False)
        return r.submodules["fx"]

    assert fx() == pytest.approx(0.05 * MV, rel=1e-12)
    assert fx(overseas_default_currency="EUR") == pytest.approx(0.08 * MV, rel=1e-12)


def test_blank_overseas_currency_is_refused(make_holdings):
    """Rule 8 Art. 57 charges 0.05, 0.08 or 0.15 by currency and has no factor for an unknown
    one: the reader refuses a blank currency on an overseas row (naming it), not on a
    domestic one (CNY)."""
    from analyzer.errors import InputError

    with pytest.raises(InputError) as err:
        make_holdings(
            [
                {"asset_type": "cash", "market_value": MV},
                {"asset_type": "stock", "market_value": MV, "region": "developed"},
            ]
        )
    (p,) = [p for p in err.value.problems if p.column == "currency"]
    assert p.row == 3 and "Art. 57" in p.message


def test_domestic_foreign_currency_cash_has_fx(run):
    """Art. 56(一): foreign-currency liquidity held at home is FX-exposed: EUR cash 0.08."""
    r = run([{"asset_type": "cash", "market_value": MV, "currency": "EUR"}])
    assert r.submodules["fx"] == pytest.approx(0.08 * MV, rel=1e-12)


def test_overseas_type_without_rule_is_an_input_error(run):
    """An overseas policy loan has no overseas rule: InputError naming row and column."""
    with pytest.raises(InputError) as err:
        run(
            [
                {
                    "asset_type": "policy_loan",
                    "market_value": MV,
                    "region": "emerging",
                    "currency": "USD",
                }
            ]
        )
    p = err.value.problems[0]
    assert (p.row, p.column) == (2, "region")
