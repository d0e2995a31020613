"""Rule 7 products and plans, worked by hand from the articles.

- Exempt portfolio insurance AM products (Art. 25 (一), 26) and bank wealth-management
  products (Art. 25 (二), 27): equity price risk, EX = admitted value, RF0 0.01 / 0.06 / 0.28 /
  0.23 by kind; not exempt and not looked through: Art. 31 (六)(八), equity 0.6.
- Equity trusts, equity investment plans, debt-to-equity plans looked through to unlisted
  equity (Rule 8 Art. 27: 0.41, strategic emerging 0.4 from 2023-09), real-estate financial
  products to investment property (Rule 8 Art. 40: 0.15, k1 0 / 0.2), K_p = n x 0.1
  (Art. 18); not looked through: Art. 31, equity 0.6.
- Partial look-through (Art. 33), data freshness (Art. 11).
- China Insurance Investment Fund II 0.15 (2021-12 implementation notice 一(七)); overseas NCDs
  and commercial paper 0.03 (Rule 8 Art. 46); exempt overseas products 0.39 (Rule 8 Art. 48).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io.holdings import validate_holdings
from analyzer.io.inputs import cross_check
from analyzer.io.rules import RULES

MV = 1_000_000.0
R22, R23, R25 = "cross2-2022", "cross2-2023-09", "cross2-2025-12"
REGIMES = (R22, R23, R25)
DEV, EMG = "overseas_fixed_income_developed", "overseas_fixed_income_emerging"
KINDS = (("money_market", 0.01), ("fixed_income", 0.06), ("equity", 0.28), ("mixed", 0.23))


def rows_of(result, pid="p0"):
    ch = result.charges
    return ch[ch["id"] == pid].reset_index(drop=True)


def single(result, pid="p0"):
    ch = rows_of(result, pid)
    assert len(ch) == 1, ch
    return ch.iloc[0]


def refused(make_holdings, rows) -> list:
    with pytest.raises(InputError) as err:
        make_holdings(rows)
    return err.value.problems


def exempt_product(asset_type="am_product", kind="fixed_income", **extra) -> dict:
    return {
        "asset_type": asset_type,
        "market_value": MV,
        "product_kind": kind,
        "exempt": True,
        "largest_underlying_share": 0.15,
        **extra,
    }


# ------------------------------------------------------------------------------------------
# Exempt AM and wealth-management products (Art. 26, 27)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("asset_type", ["am_product", "wealth_management_product"])
@pytest.mark.parametrize(("kind", "rf0"), KINDS)
def test_exempt_product_by_kind(run, regime, asset_type, kind, rf0):
    """Art. 26 / 27: equity price risk, EX = 1e6, RF0 by kind, K = 0: capital 1e6 x RF0; no
    later notice changes these factors."""
    r = run([exempt_product(asset_type, kind)], regime=regime)
    c = single(r)
    assert c["submodule"] == "equity"
    assert c["factor"] == pytest.approx(rf0, rel=1e-12)
    assert c["capital"] == pytest.approx(MV * rf0, rel=1e-12)
    assert ("Art. 26" if asset_type == "am_product" else "Art. 27") in c["article"]
    assert r.submodules["equity"] == pytest.approx(MV * rf0, rel=1e-12)


@pytest.mark.parametrize("asset_type", ["am_product", "wealth_management_product"])
def test_product_not_exempt_not_looked_through(run, asset_type):
    """Art. 31 (六)(八): a product neither exempt nor looked through: equity 0.6 -> 600,000."""
    r = run([{"asset_type": asset_type, "market_value": MV, "product_kind": "equity"}])
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("equity", pytest.approx(0.6, rel=1e-12))
    assert c["capital"] == pytest.approx(600_000.0, rel=1e-12)
    assert "Art. 30-32" in c["article"]


def test_waived_exemption_is_charged_as_not_looked_through(run):
    """Art. 29: the insurer waives the exemption of a money-market product (0.01) and does
    not look it through: Art. 31, 0.6 (600,000 instead of 10,000)."""
    r = run([exempt_product(kind="money_market", waive_exemption=True)])
    assert single(r)["factor"] == pytest.approx(0.6, rel=1e-12)
    assert r.submodules["equity"] == pytest.approx(600_000.0, rel=1e-12)


def test_exempt_products_at_the_limit(make_holdings):
    """Art. 25: a largest underlying of exactly 20% still qualifies."""
    h = make_holdings([exempt_product(largest_underlying_share=0.2)])
    assert len(h) == 1


# ------------------------------------------------------------------------------------------
# Equity-type plans and trusts (Art. 14, 18, 31)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("asset_type", ["equity_investment_plan", "debt_to_equity_plan"])
@pytest.mark.parametrize(
    ("regime", "strategic", "layers", "expected"),
    [
        (R25, False, 1, 0.451),  # 0.41 x (1 + 1 x 0.1)
        (R25, False, 2, 0.492),  # 0.41 x (1 + 2 x 0.1)
        (R25, True, 1, 0.44),  # 0.40 x (1 + 0.1), 金规〔2023〕5号 三(八)
        (R22, True, 1, 0.451),  # no 0.4 before 2023-09
    ],
)
def test_equity_plan_looked_through(run, asset_type, regime, strategic, layers, expected):
    r = run(
        [
            {
                "asset_type": asset_type,
                "market_value": MV,
                "look_through": True,
                "layers": layers,
                "strategic_emerging": strategic,
            }
        ],
        regime=regime,
    )
    c = single(r)
    assert c["submodule"] == "equity"
    assert c["factor"] == pytest.approx(expected, rel=1e-12)
    assert c["capital"] == pytest.approx(MV * expected, rel=1e-12)


@pytest.mark.parametrize(
    ("tier", "layers", "expected"),
    [
        ("major", 1, 0.165),  # 0.15 x (1 + 0 + 0.1)
        ("other", 1, 0.195),  # 0.15 x (1 + 0.2 + 0.1)
        ("major", 2, 0.18),  # 0.15 x (1 + 0 + 0.2)
    ],
)
def test_real_estate_financial_product_looked_through(run, tier, layers, expected):
    """Looked through to investment property (Rule 8 Art. 40-41) in real-estate risk."""
    r = run(
        [
            {
                "asset_type": "real_estate_financial_product",
                "market_value": MV,
                "look_through": True,
                "layers": layers,
                "property_tier": tier,
            }
        ]
    )
    c = single(r)
    assert c["submodule"] == "real_estate"
    assert c["factor"] == pytest.approx(expected, rel=1e-12)
    assert r.submodules["real_estate"] == pytest.approx(MV * expected, rel=1e-12)


@pytest.mark.parametrize(
    "asset_type", ["equity_investment_plan", "debt_to_equity_plan", "real_estate_financial_product"]
)
@pytest.mark.parametrize("regime", REGIMES)
def test_equity_plan_not_looked_through(run, asset_type, regime):
    """Art. 31 (二)(四)(七): equity 0.6 in every regime (the 2023-09 0.5 is for REITs only)."""
    r = run([{"asset_type": asset_type, "market_value": MV}], regime=regime)
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("equity", pytest.approx(0.6, rel=1e-12))


def test_equity_trust_looked_through(run):
    """An equity trust (Art. 31 (一)) looked through, 2 layers: unlisted equity 0.41 x 1.2 =
    0.492 in equity risk; no surface default charge and no rating needed (Art. 21 covers
    debt-type products only)."""
    r = run(
        [
            {
                "asset_type": "trust_plan",
                "trust_kind": "equity",
                "market_value": MV,
                "look_through": True,
                "layers": 2,
            }
        ]
    )
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("equity", pytest.approx(0.492, rel=1e-12))
    assert r.submodules["default"] == 0.0


def test_equity_trust_not_looked_through_is_equity_risk(run):
    """Art. 31 (一): equity 0.6, where a fixed-income trust is default 0.6 (Art. 32 (一))."""
    r = run(
        [
            {"asset_type": "trust_plan", "trust_kind": "equity", "market_value": MV},
            {
                "asset_type": "trust_plan",
                "trust_kind": "fixed_income",
                "market_value": MV,
                "rating": "AAA",
            },
        ]
    )
    assert single(r, "p0")["submodule"] == "equity"
    assert single(r, "p1")["submodule"] == "default"
    assert r.submodules["equity"] == pytest.approx(600_000.0, rel=1e-12)
    assert r.submodules["default"] == pytest.approx(600_000.0, rel=1e-12)


def test_equity_trust_outside_life_interest_rate_scope(run):
    """金规〔2023〕5号 二(五) brings fixed-income non-base assets of <= 3 layers into the life
    scenario method; an equity trust is not one, so it needs no cash-flow fields, while a
    fixed-income trust does."""
    equity_trust = {
        "asset_type": "trust_plan",
        "trust_kind": "equity",
        "market_value": MV,
        "look_through": True,
        "layers": 1,
    }
    r = run([equity_trust], company_type="life", regime=R23)
    assert single(r)["submodule"] == "equity"
    with pytest.raises(InputError) as err:
        run(
            # loan_class given (required for a looked-through debt-type product, Rule 9
            # Art. 37), so the refusal is about the cash-flow fields alone
            [dict(equity_trust, trust_kind="fixed_income", rating="AAA", loan_class="normal")],
            company_type="life",
            regime=R23,
        )
    assert {p.column for p in err.value.problems} >= {"coupon_rate", "face_value"}


# ------------------------------------------------------------------------------------------
# Partial look-through (Art. 33)
# ------------------------------------------------------------------------------------------


def test_partial_look_through_debt_plan(run):
    """Debt plan AAA, 1 layer, 70% looked through: surface 0.01 x (1 - 0.2) on the whole 1e6
    = 8,000 (Art. 33 (三)); normal loans 0.085 x (1 + 0) on 700,000 = 59,500 (Art. 33 (一));
    the 300,000 not identified at 0.6 = 180,000 (Art. 33 (二), 32): default 247,500."""
    r = run(
        [
            {
                "asset_type": "debt_investment_plan",
                "market_value": MV,
                "rating": "AAA",
                "look_through": True,
                "layers": 1,
                "loan_class": "normal",
                "look_through_share": 0.7,
            }
        ]
    )
    ch = rows_of(r)
    assert sorted(ch["capital"].round(6)) == pytest.approx([8_000.0, 59_500.0, 180_000.0])
    assert r.submodules["default"] == pytest.approx(247_500.0, rel=1e-12)


def test_partial_look_through_pe_fund(run):
    """PE fund, 1 layer, half looked through: 0.451 x 500,000 = 225,500 plus 0.6 x 500,000 =
    300,000: equity 525,500."""
    r = run(
        [
            {
                "asset_type": "pe_vc_fund",
                "market_value": MV,
                "look_through": True,
                "layers": 1,
                "look_through_share": 0.5,
            }
        ]
    )
    assert r.submodules["equity"] == pytest.approx(525_500.0, rel=1e-12)


def test_full_share_equals_plain_look_through(run):
    """look_through_share = 1 is the whole product looked through (blank means the same)."""
    row = {
        "asset_type": "equity_investment_plan",
        "market_value": MV,
        "look_through": True,
        "layers": 1,
    }
    a = run([dict(row, look_through_share=1.0)])
    b = run([row])
    assert a.submodules["equity"] == pytest.approx(b.submodules["equity"], rel=1e-15)
    assert a.submodules["equity"] == pytest.approx(451_000.0, rel=1e-12)


# ------------------------------------------------------------------------------------------
# Data freshness (Art. 11)
# ------------------------------------------------------------------------------------------

LT_PLAN = {
    "asset_type": "equity_investment_plan",
    "market_value": MV,
    "look_through": True,
    "layers": 1,
}


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-06-30", 0.451),  # current quarter
        ("2024-01-01", 0.451),  # previous quarter (Q1 for a Q2 valuation)
        ("2023-12-31", 0.6),  # older: not looked through (Art. 11, 31)
    ],
)
def test_look_through_data_freshness(run, date, expected):
    r = run([dict(LT_PLAN, look_through_date=date)], valuation_date="2024-06-30")
    assert single(r)["factor"] == pytest.approx(expected, rel=1e-12)


def test_stale_data_warn_naming_rows(make_holdings, make_company):
    h = make_holdings(
        [
            dict(LT_PLAN, look_through_date="2024-04-15"),
            dict(LT_PLAN, look_through_date="2023-09-30"),
        ]
    )
    found = cross_check(h, make_company(valuation_date="2024-06-30", total_assets=2e6), "h.csv")
    stale = [w for w in found if getattr(w, "code", "") == "holdings.look_through_stale"]
    assert len(stale) == 1 and stale[0].rows == (3,)
    assert stale[0].column == "look_through_date"


def test_future_data_and_missing_valuation_date_refused(make_holdings, make_company):
    h = make_holdings([dict(LT_PLAN, look_through_date="2024-07-01")])
    found = cross_check(h, make_company(valuation_date="2024-06-30", total_assets=2e6), "h.csv")
    future = [p for p in found if RULES["holdings.look_through_future"].reason.en in p.message]
    assert future and future[0].row == 2
    found = cross_check(h, make_company(total_assets=2e6), "h.csv")
    assert any(p.column == "valuation_date" for p in found)


def test_bad_valuation_date_refused(make_company):
    with pytest.raises(InputError) as err:
        make_company(valuation_date="30/06/2024")
    assert err.value.problems[0].column == "valuation_date"


def test_look_through_date_parsed_and_bad_date_refused(make_holdings):
    h = make_holdings([dict(LT_PLAN, look_through_date="2024-03-31 00:00:00")])
    assert h.frame["look_through_date"].iloc[0] == "2024-03-31"
    for bad in ("Q1 2024", "03/04/2024", "45382", "2024-02-30"):  # 03/04: March or April?
        p = refused(make_holdings, [dict(LT_PLAN, look_through_date=bad)])
        assert [(x.row, x.column) for x in p] == [(2, "look_through_date")], bad


# ------------------------------------------------------------------------------------------
# China Insurance Investment Fund II, overseas NCDs / CP, exempt overseas products
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("strategic", [False, True])
def test_ciif_national_strategy(run, regime, strategic):
    """2021-12 implementation notice 一(七): RF0 0.15 for CIIF II's national-strategy unlisted
    equity, in every regime and whatever the strategic-emerging flag."""
    r = run(
        [
            {
                "asset_type": "unlisted_equity",
                "market_value": MV,
                "ciif_national_strategy": True,
                "strategic_emerging": strategic,
            }
        ],
        regime=regime,
    )
    c = single(r)
    assert (c["submodule"], c["factor"]) == ("equity", pytest.approx(0.15, rel=1e-12))
    assert "一(七)" in c["article"]


@pytest.mark.parametrize(
    ("asset_type", "instrument", "region", "sub", "expected"),
    [
        ("financial_bond", "ncd", "developed", DEV, 0.03),
        ("financial_bond", "ncd", "emerging", EMG, 0.0375),
        (
            "corporate_bond",
            "commercial_paper",
            "developed",
            DEV,
            0.03,
        ),
        ("corporate_bond", "", "developed", DEV, 0.08),
    ],
)
def test_overseas_ncd_and_commercial_paper(run, asset_type, instrument, region, sub, expected):
    """Rule 8 Art. 46: 同业存单 and 短期融资券 0.03 (other overseas fixed income 0.08), k1 0.25
    in emerging markets: 0.03 x 1.25 = 0.0375. The USD FX row (0.05) is separate."""
    r = run(
        [
            {
                "asset_type": asset_type,
                "market_value": MV,
                "region": region,
                "currency": "USD",
                "money_market_instrument": instrument,
            }
        ]
    )
    ch = rows_of(r)
    row = ch[ch["submodule"] == sub].iloc[0]
    assert row["factor"] == pytest.approx(expected, rel=1e-12)
    assert ch[ch["submodule"] == "fx"]["factor"].iloc[0] == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("region", "expected"), [("developed", 0.39), ("emerging", 0.4875)]
)  # 0.39 x (1 + 0.25)
@pytest.mark.parametrize("asset_type", ["am_product", "wealth_management_product"])
def test_exempt_overseas_product(run, asset_type, region, expected):
    """Rule 8 Art. 48: an exempt product investing mainly overseas is overseas equity, 0.39,
    k1 by market (product_kind not needed)."""
    r = run(
        [
            {
                "asset_type": asset_type,
                "market_value": MV,
                "region": region,
                "currency": "HKD",
                "exempt": True,
                "largest_underlying_share": 0.1,
            }
        ]
    )
    ch = rows_of(r)
    row = ch[ch["submodule"] == f"overseas_equity_{region}"].iloc[0]
    assert row["factor"] == pytest.approx(expected, rel=1e-12)


def test_overseas_product_not_exempt_has_no_rule(run):
    with pytest.raises(InputError) as err:
        run(
            [
                {
                    "asset_type": "am_product",
                    "market_value": MV,
                    "region": "developed",
                    "currency": "USD",
                }
            ]
        )
    assert err.value.problems[0].column == "region"


# ------------------------------------------------------------------------------------------
# Refusals: blanks that would lower capital, broken exemption conditions
# ------------------------------------------------------------------------------------------


def test_product_kind_required(make_holdings):
    p = refused(make_holdings, [{"asset_type": "am_product", "market_value": MV, "exempt": True}])
    kinds = [x for x in p if x.column == "product_kind"]
    assert kinds and kinds[0].row == 2 and "money_market" in kinds[0].message


def test_trust_kind_required(make_holdings):
    p = refused(make_holdings, [{"asset_type": "trust_plan", "market_value": MV, "rating": "AA"}])
    assert [(x.row, x.column) for x in p] == [(2, "trust_kind")]
    assert "equity, fixed_income" in p[0].message


@pytest.mark.parametrize(
    ("asset_type", "needed"),
    [
        ("am_product", {"product_kind", "exempt"}),
        ("wealth_management_product", {"product_kind", "exempt"}),
        ("trust_plan", {"trust_kind"}),
        ("real_estate_financial_product", {"property_tier"}),
        ("equity_investment_plan", {"strategic_emerging"}),
    ],
)
def test_columns_needed_in_the_header(asset_type, needed):
    raw = pd.DataFrame(
        [{"id": "a", "asset_type": asset_type, "market_value": MV, "rating": "AA"}]
    ).astype(object)
    raw["region"] = "domestic"
    with pytest.raises(InputError) as err:
        validate_holdings(raw, "h.csv")
    header = {p.column for p in err.value.problems if p.row == 1}
    assert needed <= header


def test_exempt_largest_share_above_limit_refused(make_holdings):
    p = refused(make_holdings, [exempt_product(largest_underlying_share=0.25)])
    reason = RULES["holdings.exempt_largest_share"].reason
    hit = [x for x in p if reason.en in x.message]
    assert hit and (hit[0].row, hit[0].column) == (2, "largest_underlying_share")


def test_exempt_without_largest_share_refused(make_holdings):
    p = refused(make_holdings, [exempt_product(largest_underlying_share=None)])
    assert [(x.row, x.column) for x in p] == [(2, "largest_underlying_share")]


def test_waived_product_needs_no_largest_share(make_holdings):
    assert len(make_holdings([exempt_product(largest_underlying_share=None, waive_exemption=True)]))


def test_exempt_abs_plan_checked_when_given(make_holdings):
    row = {"asset_type": "insurance_abs_plan", "market_value": MV, "rating": "AA", "exempt": True}
    assert len(make_holdings([row]))  # the flag's declaration stands when no evidence is given
    p = refused(make_holdings, [dict(row, underlying_count=80)])
    assert [(x.row, x.column) for x in p] == [(2, "underlying_count")]
    p = refused(make_holdings, [dict(row, largest_underlying_share=0.3)])
    assert [(x.row, x.column) for x in p] == [(2, "largest_underlying_share")]


def test_share_as_percent_refused(make_holdings):
    p = refused(make_holdings, [dict(LT_PLAN, look_through_share=70)])
    assert RULES["holdings.share_above_one"].reason.en in p[0].message


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ({"asset_type": "pe_vc_fund", "exempt": True}, "exempt"),
        ({"asset_type": "debt_investment_plan", "rating": "AA", "exempt": True}, "exempt"),
        (
            {
                "asset_type": "insurance_abs_plan",
                "rating": "AA",
                "exempt": True,
                "waive_exemption": True,
            },
            "waive_exemption",
        ),
        ({"asset_type": "pe_vc_fund", "look_through_share": 0.5}, "look_through_share"),
        ({"asset_type": "pe_vc_fund", "ciif_national_strategy": True}, "ciif_national_strategy"),
        (
            {
                "asset_type": "corporate_bond",
                "rating": "AA",
                "modified_duration": 1.0,
                "money_market_instrument": "commercial_paper",
            },
            "money_market_instrument",
        ),
    ],
)
def test_contradictions_refused(make_holdings, row, column):
    p = refused(make_holdings, [dict(row, market_value=MV)])
    assert [(x.row, x.column) for x in p] == [(2, column)]
    assert p[0].message_zh


def test_looked_through_product_without_underlyings_refused(make_holdings, run):
    """A looked-through, not exempt portfolio product is charged on what it holds (Rule 7
    Art. 14-20), which its kind does not tell: without underlyings in a look-through file the
    engine refuses it (the reader cannot know the file), naming row and ``look_through``."""
    row = {
        "asset_type": "am_product",
        "product_kind": "equity",
        "look_through": True,
        "layers": 1,
        "market_value": MV,
    }
    make_holdings([row])  # the reader accepts it: the look-through file is not known there
    with pytest.raises(InputError) as err:
        run([row])
    p = err.value.problems
    assert [(x.row, x.column) for x in p] == [(2, "look_through")]
    assert p[0].message_zh
