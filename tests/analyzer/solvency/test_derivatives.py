"""Derivatives: swaps, treasury and stock-index futures, FX forwards (Rule 8 Art. 15-16, 35,
57-58; Rule 9 Art. 33), worked by hand from the articles."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.errors import InputError

BOND = {
    "id": "b1",
    "asset_type": "government_bond",
    "market_value": 1.0e8,
    "modified_duration": 5.0,
}
STOCK = {
    "id": "s1",
    "asset_type": "stock",
    "market_value": 5.0e7,
    "board": "main",
    "purchase_cost": 5.0e7,
    "counterparty": "A",
}
USD_BOND = {
    "id": "u1",
    "asset_type": "corporate_bond",
    "market_value": 4.0e7,
    "region": "developed",
    "currency": "USD",
    "counterparty": "X",
}


def tf(**kw):
    row = {
        "id": "tf",
        "asset_type": "treasury_future",
        "market_value": 0.0,
        "notional": 5.0e7,
        "direction": "short",
        "underlying": "T2503",
        "modified_duration": 5.0,
        "hedged_id": "b1",
        "hedge_effective": True,
        "hedge_effectiveness": 0.9,
        "hedge_months": 3.0,
    }
    row.update(kw)
    return row


def sif(**kw):
    row = {
        "id": "if",
        "asset_type": "stock_index_future",
        "market_value": 0.0,
        "notional": 2.0e7,
        "direction": "short",
        "underlying": "IF2503",
        "hedged_id": "s1",
        "hedge_effective": True,
        "hedge_effectiveness": 1.0,
        "hedge_months": 3.0,
    }
    row.update(kw)
    return row


def irs(**kw):
    row = {
        "id": "irs",
        "asset_type": "interest_rate_swap",
        "market_value": -1.0e5,
        "notional": 3.0e7,
        "direction": "pay_fixed",
        "underlying": "FR007",
        "modified_duration": 4.0,
        "counterparty": "Bank",
        "rating": "AAA",
    }
    row.update(kw)
    return row


def fwd(**kw):
    row = {
        "id": "fwd",
        "asset_type": "fx_forward",
        "market_value": 2.0e5,
        "notional": 3.0e7,
        "direction": "short",
        "currency": "USD",
        "underlying": "USD/CNY",
        "hedged_id": "u1",
        "hedge_effective": True,
        "hedge_effectiveness": 0.95,
        "counterparty": "Bank",
        "rating": "AA",
    }
    row.update(kw)
    return row


# Art. 14: RF0(D = 5) = 5 x (-0.001 x 5 + 0.0217) = 0.0835; the bond's capital 1e8 x 0.0835
BOND_CAPITAL = 8.35e6


def test_treasury_future_qualifying_hedge(run):
    # Art. 16 (一): ABS(8.35e6 - 5e7 x 0.9 x 0.0835) = ABS(8.35e6 - 3.7575e6) = 4.5925e6
    r = run([BOND, tf()])
    assert r.submodules["interest_rate"] == pytest.approx(4.5925e6)


def test_treasury_future_hedge_shorter_than_a_month(run):
    # Art. 16 (二): the short is charged 0, the bonds alone 8.35e6
    r = run([BOND, tf(hedge_months=0.5)])
    assert r.submodules["interest_rate"] == pytest.approx(BOND_CAPITAL)


def test_treasury_future_not_qualifying_and_long(run):
    # Art. 16 (三): ABS(5e7 x 0.0835) = 4.175e6 on top of the bonds' 8.35e6
    r = run([BOND, tf(hedge_effective=False)])
    assert r.submodules["interest_rate"] == pytest.approx(BOND_CAPITAL + 4.175e6)
    # Art. 16 (四): a long future 5e7 x 0.0835, whatever its hedge flags
    r = run([BOND, tf(direction="long")])
    assert r.submodules["interest_rate"] == pytest.approx(BOND_CAPITAL + 4.175e6)


def test_over_hedge_follows_the_absolute_value(run):
    # Art. 16 (一) with contract value 2e8 x 1.0 x 0.0835 = 1.67e7: ABS(8.35e6 - 1.67e7)
    r = run([BOND, tf(notional=2.0e8, hedge_effectiveness=1.0)])
    assert r.submodules["interest_rate"] == pytest.approx(8.35e6)


def test_interest_rate_swap_signed_duration(run):
    # Art. 15: pay fixed, D = -4: RF0 = -4 x (-0.001 x 4 + 0.0217) = -0.0708;
    # 3e7 x -0.0708 = -2.124e6 added to the bonds' 8.35e6 (Art. 17 sum)
    r = run([BOND, irs()])
    assert r.submodules["interest_rate"] == pytest.approx(BOND_CAPITAL - 2.124e6)
    # receive fixed, D = +4: +2.124e6
    r = run([BOND, irs(direction="receive_fixed")])
    assert r.submodules["interest_rate"] == pytest.approx(BOND_CAPITAL + 2.124e6)
    # |D| = 12 > 10: RF0 = -12 x 0.0114 = -0.1368
    r = run([BOND, irs(modified_duration=12.0)])
    assert r.submodules["interest_rate"] == pytest.approx(BOND_CAPITAL - 3e7 * 0.1368)


def test_swap_net_short_position(run):
    # a pay-fixed swap of 2e8 at D = 5: 2e8 x -0.0835 = -1.67e7; net 8.35e6 - 1.67e7 = -8.35e6:
    # the default option charges its absolute value, "zero" charges 0
    r = run([BOND, irs(notional=2.0e8, modified_duration=5.0)])
    assert r.submodules["interest_rate"] == pytest.approx(8.35e6)
    r = run(
        [BOND, irs(notional=2.0e8, modified_duration=5.0)],
        options={"swap_net_interest_rate": "zero"},
    )
    assert r.submodules["interest_rate"] == pytest.approx(0.0, abs=1e-6)


def test_stock_index_future(run):
    # Art. 26: main board 0.35, x = 0 so k1 = 0: 5e7 x 0.35 = 1.75e7
    # Art. 35 (一): ABS(1.75e7 - 2e7 x 1.0 x 0.35) = 1.05e7
    assert run([STOCK, sif()]).submodules["equity"] == pytest.approx(1.05e7)
    # (二) shorter than a month: 0 for the short
    assert run([STOCK, sif(hedge_months=0.0)]).submodules["equity"] == pytest.approx(1.75e7)
    # (三) not qualifying: + ABS(2e7 x 0.35) = 7e6; (四) long: + 7e6
    assert run([STOCK, sif(hedge_effective=False)]).submodules["equity"] == pytest.approx(2.45e7)
    assert run([STOCK, sif(direction="long")]).submodules["equity"] == pytest.approx(2.45e7)


def test_fx_forward_hedge_and_liabilities(run):
    # Art. 57: the USD bond alone 4e7 x 0.05 = 2e6
    assert run([USD_BOND]).submodules["fx"] == pytest.approx(2.0e6)
    # Art. 58 (一): ABS(4e7 - 3e7 x 0.95) x 0.05 = 1.15e7 x 0.05 = 5.75e5
    assert run([USD_BOND, fwd()]).submodules["fx"] == pytest.approx(5.75e5)
    # Art. 58 (二): not qualifying: 2e6 + ABS(3e7 x 0.05) = 3.5e6
    r = run([USD_BOND, fwd(hedge_effective=False)])
    assert r.submodules["fx"] == pytest.approx(3.5e6)
    # Art. 57 netting: USD liabilities 1.5e7 against the 4e7 bond: |4e7 - 1.5e7| x 0.05
    r = run([USD_BOND], fx_liabilities={"USD": 1.5e7})
    assert r.submodules["fx"] == pytest.approx(1.25e6)
    # liabilities above the assets: |4e7 - 6e7| x 0.05 = 1e6; HKD is netted with USD
    r = run([USD_BOND], fx_liabilities={"USD": 5e7, "HKD": 1e7})
    assert r.submodules["fx"] == pytest.approx(1.0e6)
    # EUR liabilities and no EUR asset: 1e7 x 0.08; `other` is never netted: + 1e7 x 0.15
    r = run([USD_BOND], fx_liabilities={"EUR": 1e7, "other": 1e7})
    assert r.submodules["fx"] == pytest.approx(2.0e6 + 8e5 + 1.5e6)
    # the euler entry carries the liabilities' share: positions + euler = minimum capital
    total = float(r.holdings_table()["marginal_capital"].sum()) + sum(r.euler.values())
    assert total == pytest.approx(r.minimum_capital, rel=1e-9)


def test_counterparty_default_nets_per_counterparty(run):
    # Rule 9 Art. 33: with 'Bank' a swap at -1e5 and a forward at +2e5: EX = max(1e5, 0);
    # the worse rating of the two (AA: 0.18) applies: 1.8e4
    r = run([USD_BOND, BOND, irs(), fwd()])
    assert r.submodules["default"] == pytest.approx(1.8e4)
    # a net debt to the counterparty: EX = 0
    r = run([USD_BOND, BOND, irs(market_value=-5e5), fwd()])
    assert r.submodules["default"] == pytest.approx(0.0)
    # blank rating: unrated 0.45
    r = run([BOND, irs(market_value=1e5, rating="")])
    assert r.submodules["default"] == pytest.approx(4.5e4)


@pytest.mark.parametrize(
    "base, hedge",
    [
        ([BOND], tf()),
        ([BOND], tf(hedge_months=0.2)),
        ([BOND], tf(notional=1.5e8, hedge_effectiveness=1.0)),
        ([STOCK], sif()),
        ([STOCK], sif(notional=4.0e7)),
        ([USD_BOND], fwd()),
        ([USD_BOND], fwd(notional=7.0e7, hedge_effectiveness=1.0)),
    ],
)
def test_hedge_never_costs_more_than_not_hedging(run, base, hedge):
    """A qualifying hedge's book needs no more capital than the same contract not qualifying;
    a hedge no larger than twice the hedged capital (|C - H| <= C) none more than no
    contract at all; a hedge of zero notional changes nothing."""
    hedged = run([*base, hedge]).minimum_capital
    unqualified = run([*base, {**hedge, "hedge_effective": False}]).minimum_capital
    without = run(base).minimum_capital
    assert hedged <= unqualified + 1e-6
    assert hedged <= without + 1e-6
    zero = run([*base, {**hedge, "notional": 0.0, "market_value": 0.0}]).minimum_capital
    assert zero == pytest.approx(without, rel=1e-12)


def test_life_swap_enters_the_scenario_cash_flows(run):
    # a receive-fixed swap is a bond (coupon, notional, maturity) less a par floating note:
    # its scenario deltas equal those of that bond; pay fixed is the negative
    bond = {
        "id": "lb",
        "asset_type": "government_bond",
        "market_value": 1e6,
        "face_value": 1e6,
        "coupon_rate": 0.03,
        "maturity_years": 10,
        "modified_duration": 8.0,
    }
    swap = irs(
        direction="receive_fixed",
        notional=1e6,
        coupon_rate=0.03,
        maturity_years=10,
        market_value=0.0,
    )
    as_bond = run([bond], company_type="life").life_interest_rate
    as_swap = run([swap], company_type="life").life_interest_rate
    for key in ("asset_delta_up", "asset_delta_down"):
        assert as_swap[key] == pytest.approx(as_bond[key])
    paid = run([bond, {**swap, "direction": "pay_fixed"}], company_type="life")
    life = paid.life_interest_rate
    assert life["asset_delta_up"] == pytest.approx(0.0, abs=1e-6)
    assert life["asset_delta_down"] == pytest.approx(0.0, abs=1e-6)
    # the P&C duration charge is not applied to a life insurer's swaps
    assert not (paid.charges_table()["rule"] == "interest-rate swap").any()


def test_capital_map_exact_with_derivatives(make_holdings, make_company):
    from analyzer.solvency.capital_map import build_capital_map, split_held_constant
    from analyzer.solvency.engine import evaluate

    rows = [
        {**BOND, "asset_class": "bonds"},
        {**STOCK, "asset_class": "stocks"},
        {**USD_BOND, "asset_class": "overseas"},
        tf(),
        sif(),
        irs(),
        fwd(),
    ]
    # an unhedged position in each class: the hedged ones are held with their hedge (a hedge's
    # |C - H| stays exact only while C does), the others are the optimiser's to move
    rows += [
        {**BOND, "id": "bond2", "asset_class": "bonds"},
        {**STOCK, "id": "stock2", "asset_class": "stocks"},
        {**USD_BOND, "id": "usd2", "asset_class": "overseas"},
    ]
    h = make_holdings(rows)
    c = make_company("pc", fx_liabilities={"USD": 1e7})
    cmap = build_capital_map(h, c)
    assert cmap.classes == ("bonds", "overseas", "stocks")
    engine = evaluate(h, c, scitech=False).minimum_capital
    assert float(cmap.minimum_capital(cmap.current_exposure)) == pytest.approx(engine, rel=1e-9)
    held, fixed = split_held_constant(h)
    movable = {"bond2", "stock2", "usd2"}
    assert set(held.frame["id"]) == movable
    assert len(fixed.frame) == len(rows) - len(movable)


def _bad(make_holdings, row, column):
    with pytest.raises(InputError) as e:
        make_holdings([BOND, row], file="h.csv")
    where = [(p.row, p.column) for p in e.value.problems]
    assert (3, column) in where, where
    return e.value


@pytest.mark.parametrize(
    "row, column",
    [
        (tf(notional=None), "notional"),
        (tf(underlying=""), "underlying"),
        (tf(direction=""), "direction"),
        (tf(direction="pay_fixed"), "direction"),
        (irs(direction="short"), "direction"),
        (tf(modified_duration=None), "modified_duration"),
        (irs(counterparty=""), "counterparty"),
        (fwd(currency=""), "currency"),
        (fwd(currency="CNY"), "currency"),
        (tf(hedge_effectiveness=None), "hedge_effectiveness"),
        (tf(hedge_months=None), "hedge_months"),
        (tf(hedged_id=""), "hedged_id"),
        (tf(hedged_id="nope"), "hedged_id"),
        (sif(hedged_id="b1"), "hedged_id"),
        (tf(hedge_effectiveness=95.0), "hedge_effectiveness"),
    ],
)
def test_bad_derivative_rows_are_refused(make_holdings, row, column):
    _bad(make_holdings, row, column)


def test_negative_fair_value_only_for_derivatives(make_holdings):
    h = make_holdings([BOND, irs(market_value=-2e5)])
    assert h.frame["market_value"].iloc[1] == -2e5
    assert h.frame["book_value"].iloc[1] == 0.0  # counts 0 towards its counterparty
    with pytest.raises(InputError):
        make_holdings([{**BOND, "market_value": -1.0}])


def test_fx_forward_hedging_another_currency_is_refused(make_holdings):
    with pytest.raises(InputError) as e:
        make_holdings([USD_BOND, fwd(currency="EUR")], file="h.csv")
    assert any(p.column == "hedged_id" for p in e.value.problems)


def _write_book(path, rows):
    import pandas as pd

    from analyzer.io.holdings import NEEDED_BY

    frame = pd.DataFrame.from_records(rows)
    for column in [c for c, _, _ in NEEDED_BY]:
        if column not in frame.columns:
            frame[column] = None
    frame.to_csv(path, index=False)


@pytest.mark.parametrize("column", ["notional", "underlying"])
def test_cli_refuses_a_derivative_without_notional_or_underlying(tmp_path, capsys, column):
    from pathlib import Path

    from analyzer.cli import main

    company = Path(__file__).resolve().parents[3] / "data" / "pc" / "company.toml"
    src = tmp_path / "h.csv"
    _write_book(src, [BOND, tf(**{column: None})])
    out = tmp_path / "out.json"
    with pytest.raises(SystemExit) as exc:
        main(["solvency", str(src), "--company", str(company), "--output", str(out)])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert str(src) in err and "row 3" in err and f"'{column}'" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.csv"]


def test_cli_optimize_with_a_derivative(tmp_path, capsys):
    """The optimiser keeps the derivatives constant (no asset_class needed) and runs."""
    from pathlib import Path

    from analyzer.cli import main

    root = Path(__file__).resolve().parents[3] / "data" / "pc"
    import pandas as pd

    book = pd.read_csv(root / "holdings.csv", dtype=str)
    bond = book[book["asset_type"] == "government_bond"].iloc[0]
    extra = tf(
        id="tf_cli", hedged_id=bond["id"], modified_duration=float(bond["modified_duration"])
    )
    extra = {k: extra.get(k) for k in extra}
    book = pd.concat([book, pd.DataFrame([extra]).astype(object)], ignore_index=True)
    src = tmp_path / "h.csv"
    book.to_csv(src, index=False)
    args = ["optimize", str(src), "--company", str(root / "company.toml"), "--assumptions"]
    args += [str(root.parent / "assumptions.csv"), "--format", "json"]
    with pytest.raises(SystemExit) as exc:
        main(args)
    captured = capsys.readouterr()
    assert exc.value.code == 0, captured.err
    assert '"weights"' in captured.out or "weights" in captured.out


def test_one_position_in_two_hedged_portfolios_is_refused(make_holdings):
    other = {**BOND, "id": "b2"}
    with pytest.raises(InputError) as e:
        make_holdings([BOND, other, tf(), tf(id="tf2", hedged_id="b1;b2")], file="h.csv")
    assert any(p.column == "hedged_id" and p.row == 5 for p in e.value.problems)
    # the same portfolio named twice (any order) is one hedge: Art. 16 (一) on both contracts
    h = make_holdings([BOND, other, tf(hedged_id="b2;b1"), tf(id="tf2", hedged_id="b1; b2")])
    assert len(h) == 4


def test_two_contracts_hedging_one_portfolio(run):
    # C = 2 x 8.35e6 = 1.67e7; H = 2 x 5e7 x 0.9 x 0.0835 = 7.515e6: ABS(C - H) = 9.185e6
    other = {**BOND, "id": "b2"}
    r = run([BOND, other, tf(hedged_id="b1;b2"), tf(id="tf2", hedged_id="b2;b1")])
    assert r.submodules["interest_rate"] == pytest.approx(9.185e6)


def test_life_capital_map_exact_with_derivatives(make_holdings, make_company):
    from analyzer.solvency.capital_map import build_capital_map
    from analyzer.solvency.engine import evaluate

    bond = {
        **BOND,
        "asset_class": "bonds",
        "face_value": 1e8,
        "coupon_rate": 0.03,
        "maturity_years": 6,
    }
    swap = irs(direction="receive_fixed", notional=5e7, coupon_rate=0.025, maturity_years=10)
    future = tf(direction="short", coupon_rate=0.03, maturity_years=7, hedge_effective=False)
    h = make_holdings([bond, {**STOCK, "asset_class": "stocks"}, swap, future])
    c = make_company(
        "life", liabilities={"cash_flows": np.full(20, 1.2e7), "spot_curve": np.full(40, 0.02)}
    )
    engine = evaluate(h, c, scitech=True)
    cmap = build_capital_map(h, c)
    assert cmap.classes == ("bonds", "stocks")
    got = float(cmap.minimum_capital(cmap.current_exposure))
    assert got == pytest.approx(engine.minimum_capital, rel=1e-9)
    # scaling the bonds moves the map like the engine (the derivatives' deltas are liabilities)
    x = cmap.current_exposure * np.array([0.5, 1.0])
    scaled = evaluate(h.scaled({"bonds": 0.5}), c, scitech=False).minimum_capital
    assert float(cmap.minimum_capital(x)) == pytest.approx(scaled, rel=1e-9)


def test_optimiser_holds_hedged_and_separate_account_positions(make_holdings):
    """What the optimiser may not move (docs/optimizer.md): derivatives, the positions a
    qualifying hedge names (its |C - H| offset, Rule 8 Art. 35, needs C as it is) and
    separate-account positions (no capital, Rule 2 Art. 12); a non-qualifying hedge's
    position moves (its charge does not depend on C)."""
    from analyzer.solvency.capital_map import split_held_constant

    rows = [
        {**STOCK, "asset_class": "stocks"},
        {**STOCK, "id": "s2", "asset_class": "stocks"},
        {**STOCK, "id": "s3", "asset_class": "stocks", "account": "separate"},
        sif(),
    ]
    held, fixed = split_held_constant(make_holdings(rows))
    assert set(held.frame["id"]) == {"s2"}
    assert set(fixed.frame["id"]) == {"s1", "s3", "if"}
    held, fixed = split_held_constant(make_holdings([*rows[:3], sif(hedge_effective=False)]))
    assert set(held.frame["id"]) == {"s1", "s2"}
