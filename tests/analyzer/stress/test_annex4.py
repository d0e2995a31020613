"""Golden tests of the Annex 4 scenarios (Rule 10 Annex 4, 第一章 / 第二章) on a small
portfolio worked by hand.

Portfolio (``conftest.PC_ROWS``, CNY): equity fund 1e9; money-market fund 5e8; government bond
2e9 (D = 5); corporate bond AAA 1e9 (D = 3); large-state-bank deposit 1e9 (RF 0.005); cash
5e8 (RF 0). Company: core tier 1 = 1e10 only, so actual = core capital.

Scopes (Annex 4 一(二)):
- (1) +50bp on fair-value fixed income: government and corporate bond;
- (2) equity -20% on the assets of Rule 8 equity price risk, money-market funds excluded:
  the equity fund only;
- (3) default loss 10% on the assets of Rule 9 credit risk: corporate bond (spread) and
  deposit (default); cash has RF 0 and the government bond no credit charge (Rule 9 Art. 10).
"""

from __future__ import annotations

import pytest
from stress_factories import PC_ROWS, make_company, make_holdings

from analyzer.solvency.engine import evaluate
from analyzer.stress import annex4
from analyzer.stress.forward import Stresser, liability_pv_change
from analyzer.stress.shocks import Shock, StressParameters


def engine_minimum(values: dict[str, float], company) -> float:
    """Minimum capital of the portfolio with the given hand-computed values (CNY)."""
    rows = [{**r, "market_value": values.get(r["id"], r["market_value"])} for r in PC_ROWS]
    return evaluate(make_holdings(rows), company, scitech=False).minimum_capital


def by_name(results):
    return {r.name: r for r in results}


@pytest.fixture
def pc_results(pc_holdings, pc):
    s = Stresser(pc_holdings, pc)
    return s, by_name(s.run_all(annex4.scenarios("pc")))


def test_pc_scenario_list():
    """P&C: macro scenario 2 (+ its 3 components) and the equity -30% factor (第一章)."""
    names = [s.name for s in annex4.scenarios("pc")]
    assert names == [
        "annex4_macro",
        "annex4_macro_rates_up_50bp",
        "annex4_macro_equity_down_20",
        "annex4_macro_default_10",
        "annex4_equity_down_30",
    ]
    life = [s.name for s in annex4.scenarios("life", components=False)]
    assert life == [
        "annex4_macro",
        "annex4_reserve_curve_down_50bp",
        "annex4_equity_down_30",
        "annex4_quarterly_default_10",
    ]


def test_rates_up_50bp(pc_results, pc):
    """第一章 一(二)(1): value change -D x 0.005 x value on fair-value bonds.

    government 2e9 x 5 x 0.005 = 5.0e7; corporate 1e9 x 3 x 0.005 = 1.5e7; loss 6.5e7.
    Core = actual = 1e10 - 6.5e7 = 9.935e9. Minimum capital: engine on the shocked values
    (government 1.95e9, corporate 0.985e9).
    """
    _, res = pc_results
    r = res["annex4_macro_rates_up_50bp"]
    assert r.asset_value_change == pytest.approx(-6.5e7)
    assert r.loss_actual == pytest.approx(6.5e7)
    assert r.loss_core == pytest.approx(6.5e7)
    mc = engine_minimum({"cgb": 1.95e9, "corp": 0.985e9}, pc)
    assert r.stressed.minimum_capital == pytest.approx(mc)
    assert r.stressed.comprehensive_ratio == pytest.approx(9.935e9 / mc)


def test_equity_down_20_and_30(pc_results, pc):
    """第一章 一(二)(2) and 二(二): equity fund 1e9 loses 20% (2e8) / 30% (3e8); the
    money-market fund is excluded by the annex's own words (货币市场基金除外).

    After -20%: capital 9.8e9, fund 8e8; after -30%: capital 9.7e9, fund 7e8.
    """
    _, res = pc_results
    for name, loss, fund in (
        ("annex4_macro_equity_down_20", 2e8, 8e8),
        ("annex4_equity_down_30", 3e8, 7e8),
    ):
        r = res[name]
        assert r.asset_value_change == pytest.approx(-loss)
        mc = engine_minimum({"fund": fund}, pc)
        assert r.stressed.minimum_capital == pytest.approx(mc)
        assert r.stressed.core_ratio == pytest.approx((1e10 - loss) / mc)


def test_default_10(pc_results, pc):
    """第一章 一(二)(3): 10% of the admitted value of credit-risk assets.

    corporate bond 1e9 and deposit 1e9 -> loss 2e8; cash (RF 0) and the government bond (no
    credit charge, Rule 9 Art. 10) keep their value. Capital 9.8e9.
    """
    _, res = pc_results
    r = res["annex4_macro_default_10"]
    assert r.asset_value_change == pytest.approx(-2e8)
    mc = engine_minimum({"corp": 9e8, "dep": 9e8}, pc)
    assert r.stressed.minimum_capital == pytest.approx(mc)
    assert r.stressed.comprehensive_ratio == pytest.approx(9.8e9 / mc)


def test_macro_combined(pc_results, pc):
    """第一章 一(二): the three moves together, composed per position.

    government 2e9 x (1 - 0.025) = 1.95e9 (loss 5e7); corporate 1e9 x (1 - 0.015) x 0.9 =
    8.865e8 (loss 1.135e8); equity fund 8e8 (loss 2e8); deposit 9e8 (loss 1e8).
    Total loss 4.635e8; capital 1e10 - 4.635e8 = 9.5365e9.
    """
    _, res = pc_results
    r = res["annex4_macro"]
    assert r.asset_value_change == pytest.approx(-4.635e8)
    assert r.loss_actual == pytest.approx(4.635e8)
    mc = engine_minimum({"cgb": 1.95e9, "corp": 8.865e8, "fund": 8e8, "dep": 9e8}, pc)
    assert r.stressed.minimum_capital == pytest.approx(mc)
    assert r.stressed.comprehensive_ratio == pytest.approx(9.5365e9 / mc)
    assert r.stressed.minimum_capital < r.base.minimum_capital


def test_fair_value_share(pc_holdings, pc):
    """Only the fair-value share of fixed income moves with rates: half -> loss 3.25e7."""
    s = Stresser(pc_holdings, pc, params=StressParameters(fair_value_share=0.5))
    r = s.run(Shock("r", {"rates": 50.0}))
    assert r.asset_value_change == pytest.approx(-3.25e7)


def test_tier_limits_apply(pc_holdings):
    """A loss hits core tier 1 first; supplementary capital is capped at 100% of core
    (Rule 1 Art. 41). Core 1e9 + supplementary tier 1 1e9; a 3e8 loss gives core 7e8 and
    supplementary min(1e9, 7e8) = 7e8, so actual falls by 6e8, twice the loss.
    """
    company = make_company("pc", capital={"core_tier1": 1e9, "supplementary_tier1": 1e9})
    r = Stresser(pc_holdings, company).run(Shock("eq", {"equity": -0.3}))
    assert r.loss_core == pytest.approx(3e8)
    assert r.loss_actual == pytest.approx(6e8)


def test_life_reserve_curve_down_50bp():
    """第二章 二(一): liabilities revalued on the curve 50bp lower.

    One outflow of 1e9 at the end of year 1 on a flat 2% curve:
    1e9 / 1.015 - 1e9 / 1.02 = 985,221,675 - 980,392,157 = 4,829,518 CNY increase.
    """
    assert liability_pv_change([1e9], [0.02] * 40, -50.0) == pytest.approx(1e9 / 1.015 - 1e9 / 1.02)
    life = make_company("life")
    rows = [{"asset_type": "equity_fund", "market_value": 1e9}]
    r = Stresser(make_holdings(rows), life).run(annex4.scenarios("life")[4])
    assert r.name == "annex4_reserve_curve_down_50bp"
    assert r.liability_value_change == pytest.approx(1e9 / 1.015 - 1e9 / 1.02)
    assert r.loss_core == pytest.approx(1e9 / 1.015 - 1e9 / 1.02)
    assert r.asset_value_change == 0.0


def test_life_macro_rates_leave_cash_flows(life):
    """Life: +50bp lowers the bond's value, not its cash flows, so the life interest-rate
    capital of Annex 3 (cash-flow based) is unchanged; 1e9 x 4 x 0.005 = 2e7 loss."""
    rows = [
        {
            "asset_type": "government_bond",
            "market_value": 1e9,
            "modified_duration": 4.0,
            "coupon_rate": 0.03,
            "maturity_years": 5,
            "face_value": 1e9,
        }
    ]
    s = Stresser(make_holdings(rows), life)
    r = s.run(Shock("r", {"rates": 50.0}))
    assert r.asset_value_change == pytest.approx(-2e7)
    assert r.stressed.submodules["interest_rate"] == pytest.approx(
        r.base.submodules["interest_rate"]
    )
