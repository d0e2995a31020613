"""The projector: what moves from one date to the next, checked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.forward.projection import Amounts, Hold, Projector, run_off, step_dates
from analyzer.forward.vintages import unit_flows
from analyzer.io.assumptions import Assumptions
from analyzer.services.reading import load_inputs
from analyzer.stress.commitments import TakahashiAlexander

DAY = dt.date(2026, 9, 30)


def assumptions(returns: dict[str, float], liquid: tuple[str, ...] = ("cash",)) -> Assumptions:
    classes = tuple(returns)
    n = len(classes)
    return Assumptions(
        classes=classes,
        expected_return=np.array([returns[c] for c in classes]),
        volatility=np.full(n, 0.1),
        correlation=np.eye(n),
        liquid=np.array([c in liquid for c in classes]),
        min_weight=np.zeros(n),
        max_weight=np.ones(n),
        idiosyncratic_volatility=np.zeros(n),
    )


@pytest.fixture(scope="module")
def life():
    return load_inputs(
        "data/life/holdings.csv",
        "data/life/company.toml",
        "data/assumptions.csv",
        templates="data/templates.csv",
        accept=["holdings.face_value_ratio"],
    )


def test_step_dates_keep_month_ends():
    assert step_dates(DAY, 1, "quarter") == (
        dt.date(2026, 12, 31),
        dt.date(2027, 3, 31),
        dt.date(2027, 6, 30),
        dt.date(2027, 9, 30),
    )
    assert step_dates(dt.date(2026, 11, 15), 2, "year") == (
        dt.date(2027, 11, 15),
        dt.date(2028, 11, 15),
    )


def test_no_returns_no_flows_no_ageing_reproduces_today(life):
    p = Projector(
        life.holdings,
        life.company,
        life.assumptions,
        None,
        templates=life.templates,
        accrue=False,
        age=False,
        stresses=False,
        valuation_date=DAY,
    ).run(Hold())
    assert len(p.periods) == 12
    for d in p.periods:
        assert d.result.comprehensive_ratio == pytest.approx(p.today.comprehensive_ratio, rel=1e-12)
        assert d.result.core_ratio == pytest.approx(p.today.core_ratio, rel=1e-12)
        assert d.result.minimum_capital == pytest.approx(p.today.minimum_capital, rel=1e-12)
        assert max(abs(v) for v in d.trades.values()) < 1e-3


def test_a_bond_maturing_moves_into_cash_in_its_quarter(make_holdings, make_company):
    h = make_holdings(
        [
            {"id": "cash", "asset_type": "cash", "asset_class": "cash", "market_value": "1e8"},
            {
                "id": "b",
                "asset_type": "government_bond",
                "asset_class": "govt",
                "market_value": "4e8",
                "modified_duration": "0.6",
                "maturity_years": "0.6",
            },
        ]
    )
    co = make_company("pc")
    a = assumptions({"cash": 0.0, "govt": 0.0})
    # the frozen policy: today's amounts (the class is then not bought again)
    amounts = tuple({"cash": 5e8, "govt": 0.0} for _ in range(4))
    p = Projector(h, co, a, None, years=1, stresses=False, valuation_date=DAY)
    run = p.run(Amounts(tuple({"cash": 1e8, "govt": 4e8} for _ in range(4))))
    matured = [d.flows["matured"] for d in run.periods]
    # 0.6 years: still there after 0.25 and 0.5, repaid within the third quarter (0.75)
    assert matured == [0.0, 0.0, pytest.approx(4e8), 0.0]
    assert "b" in set(run.periods[1].holdings.frame["id"])
    assert "b" not in set(run.periods[2].holdings.frame["id"])
    # with the frozen amounts the repayment stays in cash
    run2 = p.run(Amounts(amounts))
    f = run2.periods[2].holdings.frame
    assert f.loc[f["asset_type"] == "cash", "market_value"].sum() == pytest.approx(5e8)


def test_star_stock_gets_the_two_year_factor_three_quarters_later(make_holdings, make_company):
    h = make_holdings(
        [
            {"id": "cash", "asset_type": "cash", "asset_class": "cash", "market_value": "1e8"},
            {
                "id": "s",
                "asset_type": "stock",
                "asset_class": "star",
                "board": "star",
                "market_value": "1e8",
                "purchase_cost": "1e8",
                "holding_years": "1.5",
                "counterparty": "某科创公司",
            },
        ]
    )
    co = make_company("pc")
    a = assumptions({"cash": 0.0, "star": 0.0})
    run = Projector(h, co, a, None, years=1, stresses=False, valuation_date=DAY).run(Hold())
    held = [float(d.holdings.frame.set_index("id").loc["s", "holding_years"]) for d in run.periods]
    assert held == pytest.approx([1.75, 2.0, 2.25, 2.5])
    equity = [d.result.submodules["equity"] for d in run.periods]
    # exactly 2.0 years is not "more than two years": the factor falls at 2.25 only
    assert equity[0] == pytest.approx(equity[1], rel=1e-12)
    assert equity[2] < equity[1] * 0.99
    assert equity[3] == pytest.approx(equity[2], rel=1e-12)


def test_buying_lowers_the_holding_time_to_the_value_weighted_average(make_holdings, make_company):
    h = make_holdings(
        [
            {"id": "cash", "asset_type": "cash", "asset_class": "cash", "market_value": "3e8"},
            {
                "id": "s",
                "asset_type": "stock",
                "asset_class": "star",
                "board": "star",
                "market_value": "1e8",
                "purchase_cost": "1e8",
                "holding_years": "2.75",
                "counterparty": "某科创公司",
            },
        ]
    )
    a = assumptions({"cash": 0.0, "star": 0.0})
    p = Projector(h, make_company("pc"), a, None, years=1, stresses=False, valuation_date=DAY)
    run = p.run(Amounts(tuple({"cash": 2e8, "star": 2e8} for _ in range(4))))
    s = run.periods[0].holdings.frame.set_index("id").loc["s"]
    # 3.0 years on 1e8, plus 1e8 bought (0 years): 1.5 years on 2e8; cost 2e8
    assert float(s["holding_years"]) == pytest.approx(1.5)
    assert float(s["purchase_cost"]) == pytest.approx(2e8)
    assert run.periods[0].trades["star"] == pytest.approx(1e8)


def test_accrual_reaches_core_tier1_at_the_income_share(make_holdings, make_company):
    h = make_holdings(
        [{"id": "c", "asset_type": "cash", "asset_class": "cash", "market_value": "1e9"}]
    )
    co = make_company("pc")
    a = assumptions({"cash": 0.04})
    run = Projector(h, co, a, None, years=1, step="year", stresses=False, valuation_date=DAY).run()
    d = run.periods[0]
    assert d.flows["income"] == pytest.approx(0.04e9)
    assert d.company.capital.core_tier1 == pytest.approx(1.0e10 + 0.75 * 0.04e9)
    assert d.company.total_assets == pytest.approx(1.0e12 + 0.04e9)


def test_programme_cash_flows_follow_the_model_by_hand(make_holdings, make_company):
    h = make_holdings(
        [
            {"id": "c", "asset_type": "cash", "asset_class": "cash", "market_value": "5e9"},
            {
                "id": "vc",
                "asset_type": "pe_vc_fund",
                "asset_class": "vc",
                "market_value": "1e8",
                "look_through": "true",
                "layers": "1",
                "strategic_emerging": "true",
                "fund_kind": "vc",
                "counterparty": "某创投基金",
            },
        ]
    )
    a = assumptions({"cash": 0.0, "vc": 0.0})
    p = Projector(
        h,
        make_company("pc"),
        a,
        None,
        commitments={1: 1e9},
        commitment_class="vc",
        years=2,
        stresses=False,
        valuation_date=DAY,
    )
    run = p.run()
    # Takahashi-Alexander by hand, defaults RC = 25%, 1/3; L = 12, B = 2.5, G = 10%:
    # year 1: C1 = 0.25 x 1e9 = 2.5e8, D1 = 0, NAV1 = 2.5e8
    # year 2: C2 = 1/3 x 7.5e8 = 2.5e8, D2 = (2/12)^2.5 x 2.5e8 x 1.1, NAV2 = 2.75e8 + C2 - D2
    d2 = (2 / 12) ** 2.5 * 2.5e8 * 1.1
    calls = [d.flows["calls"] for d in run.periods]
    dist = [d.flows["distributions"] for d in run.periods]
    assert sum(calls[:4]) == pytest.approx(2.5e8)
    assert sum(calls[4:]) == pytest.approx(2.5e8)
    assert sum(dist[4:]) == pytest.approx(d2)
    nav = run.commitments["total"]
    assert nav[3]["nav"] == pytest.approx(2.5e8)
    assert nav[7]["nav"] == pytest.approx(2.75e8 + 2.5e8 - d2)
    # the programme's NAV is a position of the class, valued at the model's NAV
    f = run.periods[7].holdings.frame
    prog = f["id"].astype(str).str.startswith("projected:vc:")
    assert f.loc[prog, "market_value"].sum() == pytest.approx(2.75e8 + 2.5e8 - d2)
    # quarter values: calls spread evenly, NAV compounding within the year
    assert calls[4] == pytest.approx(2.5e8 / 4)
    assert nav[4]["nav"] == pytest.approx(2.5e8 * 1.1**0.25 + (2.5e8 - d2) / 4)


def test_unit_flows_are_linear_and_keep_annual_totals():
    p = TakahashiAlexander()
    f = unit_flows(2, 40, 4, p)
    g = unit_flows(2, 10, 1, p)
    a = f.annual(4)
    assert np.allclose(a["calls"], g.calls)
    assert np.allclose(a["distributions"], g.distributions)
    assert np.allclose(a["nav"], g.nav)
    assert f.calls[:4].sum() == 0.0  # first call in year 2


def test_run_off_shifts_whole_years_exactly_and_splits_quarters():
    cf = np.array([10.0, 20.0, 30.0])
    assert run_off(cf, 1.0).tolist() == [20.0, 30.0, 0.0]
    q = run_off(cf, 0.25)
    # year 1 falls 0.75 ahead: year 1; year 2 1.75 ahead: 1/4 to year 1, 3/4 to year 2
    assert q.tolist() == pytest.approx([10 + 5.0, 15 + 7.5, 22.5])
    assert q.sum() == pytest.approx(60.0)


def test_an_outflow_the_book_cannot_pay_is_refused(make_holdings, make_company):
    h = make_holdings(
        [
            {"id": "c", "asset_type": "cash", "asset_class": "cash", "market_value": "1e8"},
            {
                "id": "p",
                "asset_type": "investment_property",
                "asset_class": "prop",
                "market_value": "9e8",
                "property_tier": "major",
            },
        ]
    )

    class Plan:
        source = "plan.toml"
        valuation_date = None
        income_to_capital = 0.75
        commitment_class = None
        takahashi_alexander = None

        def schedule(self, valuation_date, dates, w0):
            from analyzer.forward.projection import _Flat

            s = _Flat(tuple(dates))
            s.new_money[1] = -5e8
            steps = ((), (("plan.toml", 3),), (), ())
            object.__setattr__(s, "sources", {"new_money": steps})
            return s

    a = assumptions({"cash": 0.0, "prop": 0.0})
    p = Projector(h, make_company("pc"), a, Plan(), years=1, stresses=False, valuation_date=DAY)
    with pytest.raises(InputError) as err:
        p.run()
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("plan.toml", 3, "new_money")
    assert "2027-03-31" in problem.message and problem.message_zh


def test_a_bond_without_maturity_is_refused_or_derived(make_holdings, make_company):
    h = make_holdings(
        [
            {
                "id": "b",
                "asset_type": "government_bond",
                "asset_class": "govt",
                "market_value": "1e8",
                "modified_duration": "4",
                "coupon_rate": "0.025",
            }
        ]
    )
    a = assumptions({"govt": 0.0})
    with pytest.raises(InputError) as err:
        Projector(h, make_company("pc"), a, None, valuation_date=DAY)
    assert err.value.problems[0].column == "maturity_years"
    assert err.value.problems[0].row == 2
    p = Projector(h, make_company("pc"), a, None, derive_maturity=True, valuation_date=DAY)
    assert p._frame0["maturity_years"].iloc[0] == pytest.approx(4 * 1.025)
    assert any("Macaulay" in str(n) for n in p._notes(Hold()))


def test_year_end_stresses_run_on_the_projected_book(life):
    run = Projector(
        life.holdings,
        life.company,
        life.assumptions,
        None,
        templates=life.templates,
        years=1,
        valuation_date=DAY,
    ).run()
    assert [bool(d.stressed) for d in run.periods] == [False, False, False, True]
    macro = next(s for s in run.periods[-1].stressed if s.name == "annex4_macro")
    assert macro.base.comprehensive_ratio == pytest.approx(
        run.periods[-1].result.comprehensive_ratio
    )
    assert macro.stressed.comprehensive_ratio < macro.base.comprehensive_ratio
