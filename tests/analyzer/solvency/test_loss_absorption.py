"""Loss absorption from the book (Rule 2 Art. 19) and separate accounts (Rule 2 Art. 12).

The hand-worked book (cross2-2022, life insurer, option ``loss_absorption_interest_rate =
"excluded"`` so that no scenario-method number enters):
- ``par``: equity fund 1e9 in the participating account, RF 0.28 (Rule 8 Art. 31)
  -> equity 2.8e8;
- ``ul``: time deposit 2e9 at a joint-stock bank with CAR 12% in the universal account,
  factor 0.03 (Rule 9 Art. 21) -> default 6e7;
- ``gen``: equity fund 3e9 in the general account (not in MC_par);
- ``sep``: equity fund 5e9 in a separate account (no capital, Art. 12).
MC_market = 2.8e8 (one market entry), MC_credit = sqrt(0 + 0 + 6e7^2) = 6e7 (Rule 9 Art. 43),
MC_par = sqrt(2.8e8^2 + 2 x 0.35 x 2.8e8 x 6e7 + 6e7^2) = sqrt(9.376e16) (Art. 19 (一)).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.solvency import loss_absorption as la_rule
from analyzer.solvency.capital_map import build_capital_map
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import load_regime
from analyzer.stress.forward import Stresser
from analyzer.stress.shocks import Shock

EXCLUDED = {"loss_absorption_interest_rate": "excluded"}
DEPOSIT = {
    "asset_type": "deposit",
    "bank_type": "joint_stock",
    "bank_car": 0.12,
    "coupon_rate": 0.02,
    "maturity_years": 1,
}


def book(separate: bool = True, participating: bool = True) -> list[dict]:
    par = "participating" if participating else "general"
    ul = "universal" if participating else "general"
    rows = [
        {"id": "par", "asset_type": "equity_fund", "market_value": 1e9, "account": par},
        {**DEPOSIT, "id": "ul", "market_value": 2e9, "face_value": 2e9, "account": ul},
        {"id": "gen", "asset_type": "equity_fund", "market_value": 3e9},
    ]
    if separate:
        rows.append(
            {"id": "sep", "asset_type": "equity_fund", "market_value": 5e9, "account": "separate"}
        )
    return rows


MC_PAR = math.sqrt(2.8e8**2 + 2 * 0.35 * 2.8e8 * 6e7 + 6e7**2)


def pv(cap: float) -> dict:
    return {"pv_base": 5e9 + cap, "pv_floor": 5e9}


def test_hand_worked_la_within_its_cap(run):
    # LA_cap = 1e8; beta = min(0.5, 0.22 x 1e8 / MC_par + 0.02) = 0.0918...;
    # LA = MC_par x beta = 0.22 x 1e8 + 0.02 x MC_par = 2.2e7 + 6.124e6 < 1e8
    r = run(book(), "life", "cross2-2022", EXCLUDED, loss_absorption=pv(1e8))
    d = r.loss_absorption_detail
    assert d["source"] == "formula"
    assert d["market"] == pytest.approx(2.8e8)
    assert d["credit"] == pytest.approx(6e7)
    assert d["mc_par"] == pytest.approx(MC_PAR)
    assert d["beta"] == pytest.approx(0.22 * 1e8 / MC_PAR + 0.02)
    assert d["cap"] == pytest.approx(1e8)
    assert d["k"] == 0.0  # implementation notice 2021 (四)
    assert r.loss_absorption == pytest.approx(0.22e8 + 0.02 * MC_PAR)
    assert r.loss_absorption == pytest.approx(2.8124e7, rel=1e-4)
    assert d["positions"] == 2
    # minimum capital falls by (1 + Q)(1 + k) x LA against the same book without LA
    r0 = run(book(), "life", "cross2-2022", EXCLUDED)
    scale = (1 + r.control_q) * (1 + r.size_coefficient)
    assert r0.minimum_capital - r.minimum_capital == pytest.approx(scale * r.loss_absorption)
    assert r0.loss_absorption_detail["source"] == "none"
    assert r0.loss_absorption == 0.0


def test_cap_binds_and_beta_tops_out(run):
    # LA_cap = 5e6: 0.22 x 5e6 + 0.02 x MC_par = 7.22e6 > 5e6, so LA = LA_cap
    small = run(book(), "life", "cross2-2022", EXCLUDED, loss_absorption=pv(5e6))
    assert small.loss_absorption == pytest.approx(5e6)
    # LA_cap = 1e9 > MC_par x 0.48 / 0.22: beta = 0.5, LA = 0.5 x MC_par
    large = run(book(), "life", "cross2-2022", EXCLUDED, loss_absorption=pv(1e9))
    assert large.loss_absorption_detail["beta"] == pytest.approx(0.5)
    assert large.loss_absorption == pytest.approx(0.5 * MC_PAR)
    # PV_floor above PV_base: LA_cap = max(negative, 0) = 0
    none = run(
        book(), "life", "cross2-2022", EXCLUDED, loss_absorption={"pv_base": 1e9, "pv_floor": 2e9}
    )
    assert none.loss_absorption == 0.0


def test_la_within_its_cap_and_half_mc_par_for_any_figures():
    table = la_rule.parameters(load_regime("cross2-2025-12"))
    rng = np.random.default_rng(7)
    mc = np.concatenate([[0.0], rng.lognormal(20, 2, 5000)])
    cap = np.concatenate([[1e9], rng.lognormal(19, 3, 5000)])
    la = la_rule.adjustment(mc, cap, table)
    k = table["k"]
    assert np.all(la >= 0)
    assert np.all(la <= cap * (1 + 1e-12))
    assert np.all(la <= 0.5 * (1 + k) * mc * (1 + 1e-12))
    assert la[0] == 0.0  # MC_par = 0
    beta = la_rule.ratio(mc, cap, table)
    assert np.allclose(la, np.minimum(mc * beta, cap), rtol=1e-12)
    # non-decreasing in MC_par and in the cap
    assert np.all(la_rule.adjustment(mc * 1.1, cap, table) >= la * (1 - 1e-12))
    assert np.all(la_rule.adjustment(mc, cap * 1.1, table) >= la * (1 - 1e-12))


def test_life_interest_rate_of_the_accounts_by_option(run):
    # asset_side: the deposit's own scenario-method row (binding scenario) enters MC_par
    asset = run(book(), "life", "cross2-2022", loss_absorption=pv(1e9))
    ir_rows = asset.charges[(asset.charges["id"] == "ul")]
    ir = float(ir_rows.loc[ir_rows["submodule"] == "interest_rate", "capital"].sum())
    assert ir > 0  # the flat 2% curve with one small liability: rates up bind
    market = math.sqrt(ir**2 + 2.8e8**2 + 2 * -0.14 * ir * 2.8e8)  # Rule 8 Art. 69-70
    d = asset.loss_absorption_detail
    assert d["market"] == pytest.approx(market)
    excluded = run(book(), "life", "cross2-2022", EXCLUDED, loss_absorption=pv(1e9))
    assert excluded.loss_absorption_detail["market"] == pytest.approx(2.8e8)


def test_no_participating_positions_gives_no_loss_absorption(run):
    r = run(book(participating=False), "life", "cross2-2022", loss_absorption=pv(1e8))
    d = r.loss_absorption_detail
    assert d["source"] == "formula"
    assert d["mc_par"] == 0.0 and d["positions"] == 0
    assert d["beta"] == 0.0
    assert r.loss_absorption == 0.0
    r0 = run(book(participating=False), "life", "cross2-2022")
    assert r.minimum_capital == pytest.approx(r0.minimum_capital)


@pytest.mark.parametrize("company_type", ["life", "pc"])
def test_separate_account_positions_carry_no_capital(run, company_type):
    extra = [
        {"id": "sep_stock", "asset_type": "stock", "market_value": 4e9, "board": "main",
         "purchase_cost": 4e9, "counterparty": "S", "account": "separate"},
        {"id": "sep_bond", "asset_type": "corporate_bond", "market_value": 3e9, "rating": "AA",
         "modified_duration": 4.0, "coupon_rate": 0.03, "maturity_years": 5,
         "face_value": 3e9, "counterparty": "C", "account": "separate"},
    ]  # fmt: skip
    without = run(book(separate=False), company_type, loss_absorption=pv(1e8))
    with_sep = run(book(separate=False) + extra, company_type, loss_absorption=pv(1e8))
    assert with_sep.minimum_capital == pytest.approx(without.minimum_capital, rel=1e-12)
    assert with_sep.submodules == pytest.approx(without.submodules, rel=1e-12)
    assert with_sep.loss_absorption == pytest.approx(without.loss_absorption, rel=1e-12)
    assert not with_sep.charges["id"].isin(["sep_stock", "sep_bond"]).any()
    held = with_sep.holdings.set_index("id")
    assert held.loc["sep_stock", "module"] == "none"
    assert held.loc["sep_stock", "capital"] == 0.0
    d = with_sep.loss_absorption_detail
    assert d["separate_positions"] == 2 and d["separate_value"] == pytest.approx(7e9)
    assert with_sep.total_invested == pytest.approx(without.total_invested + 7e9)


def test_stress_recomputes_the_books_loss_absorption(make_holdings, make_company):
    h = make_holdings(book())
    c = make_company("life", loss_absorption=pv(1e9))  # beta = 0.5: LA = 0.5 x MC_par
    s = Stresser(h, c, "cross2-2022")
    r = s.run(Shock("equity down", {"equity": -0.3}))
    assert s.base_result.loss_absorption > 0
    stressed_book = evaluate(
        make_holdings(
            [
                {**row, "market_value": row["market_value"] * 0.7}
                if row["asset_type"] == "equity_fund"
                else row
                for row in book()
            ]
        ),
        c,
        "cross2-2022",
        scitech=False,
    )
    assert r.stressed.loss_absorption < r.base.loss_absorption  # the par equity fell
    assert r.stressed.loss_absorption == pytest.approx(stressed_book.loss_absorption, rel=1e-9)
    assert r.stressed.minimum_capital == pytest.approx(stressed_book.minimum_capital, rel=1e-9)


def test_the_frozen_company_file_figure_still_works(run):
    r = run(book(), "life", "cross2-2022", EXCLUDED, minimum_capital={"loss_absorption": 3e7})
    d = r.loss_absorption_detail
    assert r.loss_absorption == 3e7
    assert d["source"] == "company_file"
    assert d["beta"] is None and d["cap"] is None
    assert d["mc_par"] == pytest.approx(MC_PAR)  # shown, not used
    # the same LA for another book
    r2 = run(book(participating=False), "life", "cross2-2022", EXCLUDED,
             minimum_capital={"loss_absorption": 3e7})  # fmt: skip
    assert r2.loss_absorption == 3e7


def test_both_given_is_refused(make_company):
    with pytest.raises(InputError) as err:
        make_company("life", loss_absorption=pv(1e8), minimum_capital={"loss_absorption": 3e7})
    problem = err.value.problems[0]
    assert problem.column == "minimum_capital.loss_absorption"
    assert "not both" in str(err.value)
    # the keys of [loss_absorption] are both required, and checked
    with pytest.raises(InputError, match="pv_floor"):
        make_company("life", loss_absorption={"pv_base": 1e9})
    with pytest.raises(InputError, match="pv_bse"):
        make_company("life", loss_absorption={"pv_bse": 1e9, "pv_floor": 1e9})


def test_unknown_account_is_refused(make_holdings):
    with pytest.raises(InputError, match="account"):
        make_holdings([{"asset_type": "cash", "market_value": 1e6, "account": "dividend"}])
    blank = make_holdings([{"asset_type": "cash", "market_value": 1e6, "account": None}])
    assert blank.frame["account"].iloc[0] == "general"


def test_capital_map_moves_la_with_the_exposures(make_holdings, make_company):
    c = make_company("pc", loss_absorption=pv(1e8))
    rows = book()
    h = make_holdings(rows)
    cmap = build_capital_map(h, c, "cross2-2022", by="id")
    x0 = cmap.current_exposure
    res = evaluate(h, c, "cross2-2022", scitech=False)
    assert float(cmap.loss_absorption(x0)) == pytest.approx(res.loss_absorption, rel=1e-12)
    assert float(cmap.minimum_capital(x0)) == pytest.approx(res.minimum_capital, rel=1e-12)
    # halve the participating equity fund: the map's LA equals the engine's on that book
    x = x0.copy()
    x[cmap.classes.index("par")] *= 0.5
    scaled = [{**r, "market_value": r["market_value"] * 0.5} if r["id"] == "par" else r
              for r in rows]  # fmt: skip
    res2 = evaluate(make_holdings(scaled), c, "cross2-2022", scitech=False)
    assert res2.loss_absorption < res.loss_absorption
    assert float(cmap.loss_absorption(x)) == pytest.approx(res2.loss_absorption, rel=1e-9)
    assert float(cmap.minimum_capital(x)) == pytest.approx(res2.minimum_capital, rel=1e-9)
    # batched
    both = cmap.loss_absorption(np.stack([x0, x]))
    assert both == pytest.approx([res.loss_absorption, res2.loss_absorption], rel=1e-9)
    # the constants hold the current book's LA (what the optimiser keeps fixed)
    assert cmap.constants.loss_absorption == pytest.approx(res.loss_absorption, rel=1e-12)


def test_outputs_carry_the_detail(run):
    from analyzer.report.solvency_text import loss_absorption_lines
    from analyzer.report.solvency_xlsx import loss_absorption_frame

    r = run(book(), "life", "cross2-2022", EXCLUDED, loss_absorption=pv(1e8))
    out = r.to_dict(holdings=False)
    assert out["loss_absorption"] == r.loss_absorption
    assert out["loss_absorption_detail"]["mc_par"] == pytest.approx(MC_PAR)
    lines = loss_absorption_lines(r, "cny", "en")
    assert "Rule 2 Art. 19" in lines[0] and "28,124,051" in lines[0]
    assert "Rule 2 Art. 12" in lines[1] and "5,000,000,000" in lines[1]
    frame = loss_absorption_frame(r).set_index("item")
    assert frame.loc["LA (CNY)", "value"] == pytest.approx(r.loss_absorption)


def test_scitech_view_recomputes_la_for_the_baseline_and_mixed_books(make_holdings, make_company):
    # a CSI 300 stock held > 3 years: 0.27 under cross2-2025-12, 0.35 under cross2-2022
    # (Rule 8 Art. 26 and the notices), in the participating account and marked sci_tech
    stock = {"asset_type": "stock", "board": "main", "csi300": True, "holding_years": 4,
             "purchase_cost": 1e9, "counterparty": "S", "account": "participating",
             "sci_tech": True}  # fmt: skip
    rows = [{**stock, "id": "s", "market_value": 1e9}, *book(separate=False)]
    h = make_holdings(rows)
    c = make_company("pc", loss_absorption=pv(1e9))  # beta = 0.5: LA = 0.5 MC_par
    now = evaluate(h, c, "cross2-2025-12")
    then = evaluate(h, c, "cross2-2022", scitech=False)
    assert then.loss_absorption > now.loss_absorption  # the baseline book's own LA
    assert now.scitech.minimum_capital_baseline == pytest.approx(then.minimum_capital, rel=1e-12)
    # the only sci-tech position moved to the baseline factors: its stock charge is the
    # baseline's, so the mixed book's LA is the baseline's (every other row is the same)
    # and minimum capital at baseline factors is the baseline book's under today's constants
    assert now.scitech.minimum_capital_scitech_at_baseline == pytest.approx(
        then.minimum_capital, rel=1e-9
    )
