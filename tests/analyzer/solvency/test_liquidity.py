"""Liquidity coverage ratios, Rule 13 Art. 33-35 and Annex 2 一, worked by hand.

The book (CNY, book value = market value):

=====================  ========  =====================================  ==========
position               value     Annex 2 一(二)4 row / exclusion          realisable
=====================  ========  =====================================  ==========
cash                   1.0e9     cash and cash equivalents (一(二)3)      1.0e9 cash
money market fund      2.0e9     row 1, 100%                            2.0e9
government bond        4.0e9     row 2, 100% (fair value); matures in   4.0e9 (3m)
                                 year 1: out of the 12-month reserve ⑨  0 (12m)
corporate bond AAA     2.0e9     row 6, 80% (fair value)                1.6e9
corporate bond AA+     1.0e9     ③ below AAA                            0
stock                  3.0e9     row 9, 50%                             1.5e9
PE / VC fund           5.0e9     ② alternative investment               0
deposit                1.0e9     row 3 only if withdrawable (option)    0
=====================  ========  =====================================  ==========

Reserve: 3 months 2 + 4 + 1.6 + 1.5 = 9.1e9; 12 months 9.1 - 4 = 5.1e9. Cash 1.0e9 in the
holdings + 0.5e9 outside = 1.5e9.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from analyzer.io.holdings import Holdings
from analyzer.report.liquidity_text import liquidity_frame, liquidity_tables
from analyzer.report.solvency_text import render
from analyzer.solvency import liquidity
from analyzer.solvency.engine import evaluate
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import available_regimes, load_regime

BOOK = [
    {"id": "cash", "asset_type": "cash", "market_value": 1.0e9},
    {"id": "mmf", "asset_type": "money_market_fund", "market_value": 2.0e9},
    {
        "id": "cgb",
        "asset_type": "government_bond",
        "market_value": 4.0e9,
        "modified_duration": 0.9,
        "maturity_years": 1,
    },
    {
        "id": "aaa",
        "asset_type": "corporate_bond",
        "market_value": 2.0e9,
        "rating": "AAA",
        "modified_duration": 3.0,
        "maturity_years": 4,
        "counterparty": "A Co",
    },
    {
        "id": "aa+",
        "asset_type": "corporate_bond",
        "market_value": 1.0e9,
        "rating": "AA+",
        "modified_duration": 3.0,
        "counterparty": "B Co",
    },
    {
        "id": "stk",
        "asset_type": "stock",
        "market_value": 3.0e9,
        "board": "main",
        "purchase_cost": 3.0e9,
        "counterparty": "C Co",
    },
    {"id": "vc", "asset_type": "pe_vc_fund", "market_value": 5.0e9, "counterparty": "D GP"},
    {
        "id": "dep",
        "asset_type": "deposit",
        "market_value": 1.0e9,
        "bank_type": "joint_stock",
        "maturity_years": 3,
        "counterparty": "E Bank",
    },
]


def flows(op_in, op_out, inv_in=0.0, inv_out=0.0, fin_in=0.0, fin_out=0.0, stf=0.0) -> dict:
    return {
        "operating_inflow": op_in,
        "operating_outflow": op_out,
        "investing_inflow": inv_in,
        "investing_outflow": inv_out,
        "financing_inflow": fin_in,
        "financing_outflow": fin_out,
        "short_term_financing_net": stf,
    }


LIQUIDITY = {
    "cash_outside_holdings": 0.5e9,
    "base_3m": flows(6.0e9, 5.0e9),
    "base_12m": flows(20.0e9, 25.0e9),
    # inflows 3 + 1 + 0.5 (net short-term financing in) = 4.5; outflows 10 + 0.5 + 0.5 = 11
    "stress_3m": flows(3.0e9, 10.0e9, 1.0e9, 0.5e9, 0.0, 0.5e9, 0.5e9),
    # inflows 12 + 3 = 15; outflows 35 + 2 + 1 + 2 (net short-term financing out) = 40
    "stress_12m": flows(12.0e9, 35.0e9, 3.0e9, 2.0e9, 0.0, 1.0e9, -2.0e9),
}
FAIR = {"liquidity_unknown_accounting": "fair_value"}


def test_ratios_by_hand(run):
    """Annex 2 一(一): LCR1 = (base in + cash) / base out; LCR2 adds the realisable reserve
    to the stressed numerator; LCR3 without it."""
    res = run(BOOK, options=FAIR, liquidity=LIQUIDITY).liquidity
    h3, h12 = res.horizon(3), res.horizon(12)
    assert h3.cash == pytest.approx(1.5e9) and h12.cash == pytest.approx(1.5e9)
    assert h3.reserve == pytest.approx(9.1e9)
    assert h12.reserve == pytest.approx(5.1e9)
    assert h3.stress_inflow == pytest.approx(4.5e9) and h3.stress_outflow == pytest.approx(11e9)
    assert h12.stress_inflow == pytest.approx(15e9) and h12.stress_outflow == pytest.approx(40e9)
    assert h3.lcr1 == pytest.approx((6.0 + 1.5) / 5.0)  # 150%
    assert h3.lcr2 == pytest.approx((4.5 + 1.5 + 9.1) / 11.0)  # 137.3%
    assert h3.lcr3 == pytest.approx((4.5 + 1.5) / 11.0)  # 54.5%
    assert h12.lcr1 == pytest.approx((20.0 + 1.5) / 25.0)  # 86%
    assert h12.lcr2 == pytest.approx((15.0 + 1.5 + 5.1) / 40.0)  # 54%
    assert h12.lcr3 == pytest.approx((15.0 + 1.5) / 40.0)  # 41.25%
    assert res.breaches == ("lcr1_12m", "lcr2_12m", "lcr3_12m")
    assert not res.met


def test_reserve_rows_and_exclusions(run):
    """附表2-2 rows: book value, factor, realisable; what is left out, by reason."""
    h3 = run(BOOK, options=FAIR, liquidity=LIQUIDITY).liquidity.horizon(3)
    rows = {r.category: r for r in h3.reserve_rows}
    assert [r.row for r in h3.reserve_rows] == list(range(1, 15))
    assert rows["treasury_bond"].realisable == pytest.approx(4.0e9)
    assert rows["aaa_non_financial_bond"].factor == 0.80
    assert rows["aaa_non_financial_bond"].realisable == pytest.approx(1.6e9)
    assert rows["listed_stock"].realisable == pytest.approx(1.5e9)
    assert sum(r.realisable for r in h3.reserve_rows) == pytest.approx(h3.reserve)
    assert h3.excluded == pytest.approx(
        {"not_reserve_type": 5.0e9, "below_aaa": 1.0e9, "not_withdrawable": 1.0e9}
    )
    h12 = run(BOOK, options=FAIR, liquidity=LIQUIDITY).liquidity.horizon(12)
    assert h12.excluded["matures_in_horizon"] == pytest.approx(4.0e9)


def test_options_move_the_reserve_as_documented(run):
    """Deposits withdrawable: + 0.9 x 1e9 (row 3); blank accounting as amortised cost (the
    default): the treasury and AAA bonds leave the reserve (④); maturing kept: + 4e9 at 12m."""
    base = run(BOOK, options=FAIR, liquidity=LIQUIDITY).liquidity
    dep = run(
        BOOK, options={**FAIR, "liquidity_deposits_withdrawable": True}, liquidity=LIQUIDITY
    ).liquidity
    assert dep.horizon(3).reserve - base.horizon(3).reserve == pytest.approx(0.9e9)
    default = run(BOOK, liquidity=LIQUIDITY).liquidity.horizon(3)
    assert default.reserve == pytest.approx(9.1e9 - 4.0e9 - 1.6e9)
    # the first failing condition names the reason: the AA+ bond too is blank accounting
    assert default.excluded["accounting_unknown"] == pytest.approx(4.0e9 + 2.0e9 + 1.0e9)
    keep = run(
        BOOK, options={**FAIR, "liquidity_exclude_maturing": False}, liquidity=LIQUIDITY
    ).liquidity
    assert keep.horizon(12).reserve == pytest.approx(9.1e9)


def test_accounting_column_decides_fair_value(make_holdings, make_company):
    """交易类及可供出售类 only: fvtpl / fvoci count, amortised_cost is 持有至到期 (④)."""
    h = make_holdings(BOOK)
    regime = load_regime()
    options = EngineOptions()
    frame = h.frame.assign(accounting=["", "", "amortised_cost", "fvoci", "fvtpl", "", "", ""])
    pos = liquidity.classify(frame, regime, options, 3)
    ids = list(frame["id"])
    assert pos.reason[ids.index("cgb")] == "held_to_maturity"
    assert pos.reserve[ids.index("cgb")] == 0
    assert pos.reserve[ids.index("aaa")] == pytest.approx(1.6e9)
    assert pos.reason[ids.index("aa+")] == "below_aaa"  # fvtpl, but below AAA (③)


def test_overseas_and_issuer_type_rows(make_holdings):
    """Overseas stock and funds are 其他境外权益 (row 14, 50%), an overseas bond fund row 8
    (80%); a non-financial issuer's perpetual bond is row 6 (80%), a bank's row 5 (85%)."""
    rows = [
        {"asset_type": "stock", "market_value": 1e8, "region": "developed", "currency": "HKD"},
        {"asset_type": "bond_fund", "market_value": 1e8, "region": "developed", "currency": "USD"},
        {"asset_type": "equity_fund", "market_value": 1e8},
        {
            "asset_type": "perpetual_bond",
            "market_value": 1e8,
            "issuer_type": "non_financial",
            "rating": "AAA",
            "modified_duration": 4.0,
            "counterparty": "X",
        },
        {
            "asset_type": "perpetual_bond",
            "market_value": 1e8,
            "issuer_type": "joint_stock",
            "conversion_clause": False,  # required (Rule 8 Art. 36); no effect on Rule 13
            "rating": "AAA",
            "counterparty": "Y",
        },
    ]
    h = make_holdings(rows)
    pos = liquidity.classify(
        h.frame, load_regime(), EngineOptions(liquidity_unknown_accounting="fair_value"), 3
    )
    assert list(pos.category) == [
        "other_overseas_equity",
        "overseas_bond_fund",
        "domestic_equity_fund",
        "aaa_non_financial_bond",
        "aaa_financial_bond",
    ]
    assert pos.reserve == pytest.approx([0.5e8, 0.8e8, 0.6e8, 0.8e8, 0.85e8])


def test_unmapped_asset_type_is_zero_with_a_note(make_holdings, make_company):
    """A type the table does not know (one added later) is realisable at 0, named in a note."""
    h = make_holdings(BOOK[:2])
    frame = h.frame.copy()
    frame["asset_type"] = pd.Categorical(["cash", "not_a_known_type"])
    company = make_company(liquidity=LIQUIDITY)
    res = liquidity.evaluate_liquidity(frame, company, load_regime(), EngineOptions())
    assert res.horizon(3).reserve == 0
    assert res.horizon(3).excluded == {"unmapped_type": pytest.approx(2.0e9)}
    assert res.notes and "not_a_known_type" in res.notes[0]


def test_every_holdings_asset_type_is_mapped():
    """docs/formats.md §2: every asset type the reader knows has a row in liquidity.toml."""
    from analyzer.io.holdings import ASSET_TYPES

    types = load_regime().table("liquidity", "asset_types")
    assert set(ASSET_TYPES) <= set(types)
    cats = load_regime().table("liquidity", "categories")
    for key, spec in types.items():
        if key == "article":
            continue
        for side in ("domestic", "overseas"):
            assert spec[side] in {*cats, "cash", "excluded"}, (key, side)
            if spec[side] == "excluded":
                assert spec["reason"], key


def test_thresholds_and_article_in_every_regime():
    """Annex 2 一(三): LCR1 and LCR2 >= 100%, LCR3 >= 50%, for 3 and 12 months."""
    for name in available_regimes():
        reg = load_regime(name)
        assert liquidity.thresholds(reg) == {"lcr1": 1.0, "lcr2": 1.0, "lcr3": 0.5}
        assert liquidity.horizons(reg) == (3, 12)
        assert "Rule 13 Annex 2" in reg.table("liquidity", "thresholds")["article"]
    factors = {
        k: v["factor"]
        for k, v in load_regime().table("liquidity", "categories").items()
        if k != "article"
    }
    assert len(factors) == 14
    assert factors["money_market_fund"] == 1.0 and factors["listed_stock"] == 0.5


def test_threshold_breaches_flip_at_the_minimum(run):
    """LCR3 exactly 50% meets the minimum; just below breaches."""
    liq = {
        **LIQUIDITY,
        "cash_outside_holdings": 0.0,
        "base_3m": flows(1.0e9, 1.0e9),
        "base_12m": flows(4.0e9, 4.0e9),
        # cash 1e9 + 4e9 inflows over 10e9 outflows = 50%
        "stress_3m": flows(4.0e9, 10.0e9),
        "stress_12m": flows(4.0e9, 10.0e9),
    }
    res = run(BOOK[:1], liquidity=liq).liquidity
    assert res.horizon(3).lcr3 == pytest.approx(0.5)
    assert "lcr3_3m" not in res.breaches
    liq["stress_3m"] = flows(3.99e9, 10.0e9)
    assert "lcr3_3m" in run(BOOK[:1], liquidity=liq).liquidity.breaches


def test_missing_section_is_reported_not_computed(run):
    """No [liquidity]: no ratios, and every report says why."""
    res = run(BOOK)
    assert res.liquidity is None
    d = res.to_dict(holdings=False)
    assert d["liquidity"] == {"computed": False, "reason": "company file lacks [liquidity]"}
    console = Console(record=True, width=200)
    render(res, console, lang="en")
    out = console.export_text()
    assert "not computed: company file lacks [liquidity]" in out
    assert "LCR1" not in out
    frame = liquidity_frame(res, "en")
    assert len(frame) == 1 and "lacks [liquidity]" in frame["item"].iloc[0]


def test_reports_carry_the_ratios(run, tmp_path):
    """JSON key ``liquidity``, the text tables and the workbook sheet ``Liquidity``."""
    res = run(BOOK, options=FAIR, liquidity=LIQUIDITY)
    d = json.loads(json.dumps(res.to_dict(holdings=False)))["liquidity"]
    assert d["computed"] is True
    assert d["horizons"]["3m"]["lcr2"] == pytest.approx(15.1 / 11.0)
    assert d["thresholds"] == {"lcr1": 1.0, "lcr2": 1.0, "lcr3": 0.5}
    assert d["breaches"] == ["lcr1_12m", "lcr2_12m", "lcr3_12m"]
    console = Console(record=True, width=200)
    render(res, console, lang="en")
    out = console.export_text()
    assert "137.3%" in out and "LCR3" in out and "BELOW MINIMUM" in out
    assert len(liquidity_tables(res, lang="zh")) >= 2
    from analyzer.report.solvency_xlsx import write

    path = write(res, tmp_path / "r.xlsx")
    sheet = pd.read_excel(path, sheet_name="Liquidity")
    lcr2 = sheet[(sheet["item"].str.startswith("LCR2")) & (sheet["horizon_months"] == 3)]
    assert float(lcr2["value"].iloc[0]) == pytest.approx(15.1 / 11.0)


def test_lcr2_linear_in_exposure(make_holdings, make_company):
    """Scaling a class scales its realisable amount: the optimiser's per-unit vector times the
    unit values gives the engine's cash + reserve."""
    h = make_holdings([{**r, "asset_class": r["asset_type"]} for r in BOOK])
    company = make_company(liquidity=LIQUIDITY)
    opts = EngineOptions(**FAIR)
    reg = load_regime()
    frame = h.frame
    classes, members = np.unique(frame["asset_class"].astype(str), return_inverse=True)
    base = np.bincount(members, weights=frame["market_value"].to_numpy(dtype=float))
    rho = liquidity.realisable_per_unit(frame, members, base, reg, opts, 3)
    mult = np.linspace(0.5, 2.0, len(classes))
    scaled = Holdings(h.frame, h.source).scaled(dict(zip(classes, mult, strict=True)))
    res = evaluate(scaled, company, reg, opts, scitech=False).liquidity.horizon(3)
    assert res.cash + res.reserve - 0.5e9 == pytest.approx(float(rho @ (base * mult)))


def test_fractional_maturity_is_exact_whole_years_are_rounded_conservatively(run):
    """Rule 13 Annex 2 一(二)4(2)⑨: a bond maturing within the horizon is an investing inflow,
    not reserve. A maturity of 0.4 years is outside 3 months and inside 12; 0.2 years is
    inside both; a whole 1 (which may be rounded from anything up to 1.5) counts as inside 12
    months but not inside 3."""
    book = [
        {**BOOK[2], "id": f"cgb{m}", "maturity_years": m, "modified_duration": min(m, 0.9)}
        for m in (0.2, 0.4, 1, 2)
    ]
    res = run(book, options=FAIR, liquidity=LIQUIDITY).liquidity
    assert res.horizon(3).excluded.get("matures_in_horizon") == pytest.approx(4.0e9)  # 0.2
    assert res.horizon(12).excluded.get("matures_in_horizon") == pytest.approx(
        12.0e9
    )  # 0.2, 0.4, 1
