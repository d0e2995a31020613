"""Equity price risk of directly held domestic equity (Rule 8 Art. 24-37; 金规〔2023〕5号 三;
2025-12 risk-factor notice 一、二).

Every expected factor is worked by hand in the docstring from the article, with
RF = RF0 x (1 + K), K = sum(k_i) clamped to [-0.25, 0.25], RF <= 1 (Rule 8 Art. 6), and the
2023-09 / 2025-12 factors entering through k2 so that RF0 (1 + k2) is the announced factor
(docs/formats.md §7.2): k2 = 0.30/0.35 - 1 = -1/7, 0.27/0.35 - 1 = -8/35, 0.40/0.45 - 1 = -1/9,
0.36/0.45 - 1 = -0.2.
"""

from __future__ import annotations

import pytest

from analyzer.solvency.equity import stock_k1

R22, R23, R25 = "cross2-2022", "cross2-2023-09", "cross2-2025-12"
MV = 1_000_000.0


def stock(board="main", mv=MV, cost=None, **kw) -> dict:
    return {
        "asset_type": "stock",
        "market_value": mv,
        "board": board,
        "purchase_cost": mv if cost is None else cost,
        **kw,
    }


def factor_of(result, pid="p0", submodule="equity") -> float:
    ch = result.charges
    rows = ch[(ch["id"] == pid) & (ch["submodule"] == submodule)]
    assert len(rows) == 1, rows
    row = rows.iloc[0]
    assert row["capital"] == pytest.approx(row["exposure"] * row["factor"], rel=1e-12)
    return float(row["factor"])


# ------------------------------------------------------------------------------------------
# Listed stocks: RF0 by board (Art. 26)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("board", "expected"), [("main", 0.35), ("star", 0.45), ("chinext", 0.45)])
def test_stock_rf0_by_board_2022(run, board, expected):
    """Rule 8 Art. 26: 沪深主板股 0.35, 创业板股、科创板股 0.45; x = 0 so k1 = 0, no k2."""
    r = run([stock(board)], regime=R22)
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)
    assert r.submodules["equity"] == pytest.approx(expected * MV, rel=1e-12)
    assert "Art. 26" in r.charges["article"].iloc[0]


@pytest.mark.parametrize(("option", "expected"), [("growth", 0.45), ("main", 0.35)])
def test_bse_board_option(run, option, expected):
    """北交所 is not named in Art. 26 (docs/formats.md §7.8): option bse_board 'growth' charges
    it like ChiNext/STAR (0.45), 'main' like the main board (0.35)."""
    r = run([stock("bse")], regime=R22, options={"bse_board": option})
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)


def test_bse_default_is_growth(run):
    """Default of bse_board is 'growth': 0.45 (2025-12, not CSI 300, no STAR bucket)."""
    assert factor_of(run([stock("bse")])) == pytest.approx(0.45, rel=1e-12)


# ------------------------------------------------------------------------------------------
# k1 from the stock book's P&L (Art. 26)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("book", "cost", "k1"),
    [
        (120.0, 100.0, 0.04),  # x = 0.2: k1 = x^2
        (150.0, 100.0, 0.25),  # x = 0.5: 0.25
        (199.0, 100.0, 0.99**2),  # x = 0.99: x^2
        (200.0, 100.0, 1.0),  # x = 1: k1 = 1
        (350.0, 100.0, 1.0),  # x = 2.5 >= 1: 1
        (100.0, 100.0, 0.0),  # x = 0: 0
        (80.0, 100.0, -0.04),  # x = -0.2: -x^2
        (40.0, 100.0, -0.36),  # x = -0.6: -0.36
        (0.0, 100.0, -1.0),  # x = -1: -1
    ],
)
def test_stock_k1_function(book, cost, k1):
    """Rule 8 Art. 26: k1 = 1 (x >= 1), x^2 (0 <= x < 1), -x^2 (-1 <= x < 0),
    x = (book - cost) / cost."""
    assert stock_k1(book, cost) == pytest.approx(k1, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("mv", "cost", "expected"),
    [
        (120.0, 100.0, 0.35 * 1.04),  # x = 0.2, k1 = 0.04: 0.364
        (140.0, 100.0, 0.35 * 1.16),  # x = 0.4, k1 = 0.16: 0.406
        (150.0, 100.0, 0.35 * 1.25),  # x = 0.5, k1 = 0.25: 0.4375 (at the cap)
        (200.0, 100.0, 0.35 * 1.25),  # x = 1, k1 = 1 -> K clamped to 0.25: 0.4375
        (300.0, 100.0, 0.35 * 1.25),  # x = 2 -> k1 = 1 -> 0.4375
        (80.0, 100.0, 0.35 * 0.96),  # x = -0.2, k1 = -0.04: 0.336
        (40.0, 100.0, 0.35 * 0.75),  # x = -0.6, k1 = -0.36 -> clamped -0.25: 0.2625
    ],
)
def test_stock_k1_in_charge_2022(run, mv, cost, expected):
    """Rule 8 Art. 26 k1 and Art. 6 clamp K to [-0.25, 0.25], main board, not CSI 300 (k2 = 0)."""
    r = run([stock(mv=mv, cost=cost)], regime=R22)
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)


def test_k1_is_over_the_whole_stock_book(run):
    """Art. 26: x = (sum book - sum cost) / sum cost over all directly held stocks.
    A: 150 vs 100, B: 50 vs 100 -> x = (200 - 200)/200 = 0 -> k1 = 0 for both: 0.35 and 0.45."""
    r = run([stock("main", mv=150.0, cost=100.0), stock("star", mv=50.0, cost=100.0)], regime=R22)
    assert factor_of(r, "p0") == pytest.approx(0.35, rel=1e-12)
    assert factor_of(r, "p1") == pytest.approx(0.45, rel=1e-12)
    assert r.submodules["equity"] == pytest.approx(150 * 0.35 + 50 * 0.45, rel=1e-12)


def test_k1_leaves_out_overseas_stocks_and_funds(run):
    """Art. 26: n counts the insurer's stocks, not underlyings of non-base assets; overseas
    stocks are overseas assets (Art. 48). Domestic stock 120 vs 100 -> x = 0.2 -> 0.364, even
    with an overseas stock at 300 vs 100 and an equity fund beside it."""
    r = run(
        [
            stock(mv=120.0, cost=100.0),
            {
                "asset_type": "stock",
                "market_value": 300.0,
                "purchase_cost": 100.0,
                "region": "developed",
                "currency": "HKD",
            },
            {"asset_type": "equity_fund", "market_value": 100.0},
        ],
        regime=R22,
    )
    assert factor_of(r) == pytest.approx(0.364, rel=1e-12)


# ------------------------------------------------------------------------------------------
# k2 per regime
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "kw", "expected"),
    [
        # 2022: Art. 26 k2 = -0.05 for CSI 300: 0.35 x 0.95 = 0.3325; not CSI 300: 0.35
        (R22, {"csi300": True}, 0.3325),
        (R22, {"csi300": True, "holding_years": 5.0}, 0.3325),
        (R22, {"dividend_low_vol_100": True, "holding_years": 5.0}, 0.35),
        # 2023-09 三(六): CSI 300 0.35 -> 0.30 whatever the holding period
        (R23, {"csi300": True}, 0.30),
        (R23, {"csi300": True, "holding_years": 5.0}, 0.30),
        (R23, {"dividend_low_vol_100": True, "holding_years": 5.0}, 0.35),
        # 2025-12 一: CSI 300 / dividend low-vol 100 held > 3 years 0.27; otherwise CSI 300 0.30
        (R25, {"csi300": True, "holding_years": 2.0}, 0.30),
        (R25, {"csi300": True, "holding_years": 3.0}, 0.30),  # "超过三年": 3 itself is not over
        (R25, {"csi300": True, "holding_years": 3.01}, 0.27),
        (R25, {"csi300": True, "holding_years": 6.0}, 0.27),
        (R25, {"dividend_low_vol_100": True, "holding_years": 4.0}, 0.27),
        (R25, {"dividend_low_vol_100": True, "holding_years": 2.0}, 0.35),  # formats.md §7.7
    ],
)
def test_main_board_k2_per_regime(run, regime, kw, expected):
    """Main-board stock, x = 0 (k1 = 0): RF = 0.35 (1 + k2)."""
    assert factor_of(run([stock(**kw)], regime=regime)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("regime", "held", "expected"),
    [
        (R22, 0.0, 0.45),
        (R22, 3.0, 0.45),  # Art. 26: STAR 0.45, no k2
        (R23, 0.5, 0.40),
        (R23, 3.0, 0.40),  # 2023-09 三(六): 0.45 -> 0.40
        (R25, 1.0, 0.40),
        (R25, 2.0, 0.40),  # 2025-12 二: held > 2 years only
        (R25, 2.5, 0.36),
        (R25, 4.0, 0.36),  # 0.40 -> 0.36
    ],
)
def test_star_k2_per_regime(run, regime, held, expected):
    """STAR stock, not CSI 300, x = 0: RF = 0.45 (1 + k2)."""
    r = run([stock("star", holding_years=held)], regime=regime)
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)


def test_chinext_has_no_k2_from_the_notices(run):
    """Neither notice touches ChiNext: 0.45 in every regime (not CSI 300)."""
    for regime in (R22, R23, R25):
        r = run([stock("chinext", holding_years=5.0)], regime=regime)
        assert factor_of(r) == pytest.approx(0.45, rel=1e-12)


def test_k1_and_k2_add_digest_example(run):
    """Rule 8 Art. 26 with docs/formats.md §7.2, by hand: CSI 300, x = +20% (k1 = 0.04):
    2022: 0.35 (1 + 0.04 - 0.05) = 0.3465; 2023-09: 0.35 (1 + 0.04 - 1/7) = 0.314;
    2025-12 held > 3 years: 0.35 (1 + 0.04 - 8/35) = 0.284."""
    rows = [stock(mv=120.0, cost=100.0, csi300=True, holding_years=4.0)]
    assert factor_of(run(rows, regime=R22)) == pytest.approx(0.3465, rel=1e-12)
    assert factor_of(run(rows, regime=R23)) == pytest.approx(0.35 * (1.04 - 1 / 7), rel=1e-12)
    assert factor_of(run(rows, regime=R25)) == pytest.approx(0.284, rel=1e-12)


def test_k_clamp_at_minus_quarter(run):
    """Art. 6: K in [-0.25, 0.25]. CSI 300 held 4 years, x = -0.3: k1 = -0.09, k2 = -8/35,
    K = -0.318571 -> clamped to -0.25: RF = 0.35 x 0.75 = 0.2625. With clamp_k off:
    0.35 (1 - 0.09 - 8/35) = 0.2385."""
    rows = [stock(mv=70.0, cost=100.0, csi300=True, holding_years=4.0)]
    assert factor_of(run(rows)) == pytest.approx(0.2625, rel=1e-12)
    assert factor_of(run(rows, options={"clamp_k": False})) == pytest.approx(0.2385, rel=1e-12)


def test_k_clamp_at_plus_quarter_caps_rf_below_one(run):
    """x = 3 (k1 = 1) on a STAR stock in 2022: K clamped 0.25, RF = 0.45 x 1.25 = 0.5625; with
    the clamp off K = 1, RF = 0.9 (< 1, Art. 6 cap not reached)."""
    rows = [stock("star", mv=400.0, cost=100.0)]
    assert factor_of(run(rows, regime=R22)) == pytest.approx(0.5625, rel=1e-12)
    assert factor_of(run(rows, regime=R22, options={"clamp_k": False})) == pytest.approx(
        0.9, rel=1e-12
    )


# ------------------------------------------------------------------------------------------
# Overlapping k2 buckets (docs/formats.md §7.7; option overlapping_k2)
# ------------------------------------------------------------------------------------------


def test_star_and_csi300_most_favourable(run):
    """2025-12, STAR + CSI 300 held 1 year: buckets CSI 300 (-1/7) and STAR (-1/9); the most
    favourable is -1/7: 0.45 x 6/7 = 0.385714..."""
    r = run([stock("star", csi300=True, holding_years=1.0)])
    assert factor_of(r) == pytest.approx(0.45 * 6 / 7, rel=1e-12)


def test_star_and_csi300_sum(run):
    """overlapping_k2 = 'sum': K = -1/7 - 1/9 = -0.253968 -> clamped -0.25: 0.3375; with the
    clamp off 0.45 (1 - 1/7 - 1/9) = 0.335714..."""
    rows = [stock("star", csi300=True, holding_years=1.0)]
    assert factor_of(run(rows, options={"overlapping_k2": "sum"})) == pytest.approx(
        0.3375, rel=1e-12
    )
    assert factor_of(
        run(rows, options={"overlapping_k2": "sum", "clamp_k": False})
    ) == pytest.approx(0.45 * (1 - 1 / 7 - 1 / 9), rel=1e-12)


def test_csi300_and_dividend_both_options(run):
    """2025-12, CSI 300 and dividend low-vol 100, held 4 years. Most favourable: -8/35 -> 0.27.
    Sum: CSI 300 (-8/35) + dividend (-8/35) = -0.457 -> clamped -0.25 -> 0.2625."""
    rows = [stock(csi300=True, dividend_low_vol_100=True, holding_years=4.0)]
    assert factor_of(run(rows)) == pytest.approx(0.27, rel=1e-12)
    assert factor_of(run(rows, options={"overlapping_k2": "sum"})) == pytest.approx(
        0.2625, rel=1e-12
    )


@pytest.mark.parametrize("option", ["most_favourable", "sum"])
def test_holding_period_bucket_replaces_its_base_bucket(run, option):
    """A CSI 300 stock held 4 years is in ONE bucket of the 2025-12 notice (0.27): the notice
    lowers 0.30 to 0.27, it does not add the two reductions. Under either option: 0.27; a STAR
    stock held 3 years: 0.36 (not 0.45 (1 - 1/9 - 0.2) = 0.31)."""
    assert factor_of(
        run([stock(csi300=True, holding_years=4.0)], options={"overlapping_k2": option})
    ) == pytest.approx(0.27, rel=1e-12)
    assert factor_of(
        run([stock("star", holding_years=3.0)], options={"overlapping_k2": option})
    ) == pytest.approx(0.36, rel=1e-12)


# ------------------------------------------------------------------------------------------
# Funds, convertibles, unlisted equity, LTEI, preferred / perpetual
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asset_type", "expected", "article"),
    [
        ("bond_fund", 0.06, "Art. 30"),
        ("equity_fund", 0.28, "Art. 31"),
        ("mixed_fund", 0.23, "Art. 32"),
        ("money_market_fund", 0.01, "Art. 33"),
        ("convertible_bond", 0.23, "Art. 34"),
    ],
)
@pytest.mark.parametrize("regime", [R22, R25])
def test_funds_and_convertibles(run, asset_type, expected, article, regime):
    """Rule 8 Art. 30-34: bond fund 0.06, equity fund 0.28, mixed 0.23, money market 0.01,
    convertible 0.23; no characteristic coefficient, unchanged by the notices."""
    r = run(
        [{"asset_type": asset_type, "market_value": MV, "rating": "AAA", "modified_duration": 2.0}],
        regime=regime,
    )
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)
    assert r.submodules["equity"] == pytest.approx(expected * MV, rel=1e-12)
    assert r.submodules["interest_rate"] == 0.0  # Art. 11: convertibles are not in IR scope
    assert r.submodules["spread"] == 0.0  # Rule 9 Art. 12: convertibles are not in spread scope


@pytest.mark.parametrize(
    ("regime", "strategic", "expected"),
    [
        (R22, False, 0.41),
        (R22, True, 0.41),  # Art. 27
        (R23, False, 0.41),
        (R23, True, 0.40),  # 金规〔2023〕5号 三(八)
        (R25, False, 0.41),
        (R25, True, 0.40),
    ],
)
def test_unlisted_equity(run, regime, strategic, expected):
    """Rule 8 Art. 27: unlisted equity 0.41; strategic emerging industries 0.4 from 2023-09."""
    r = run(
        [{"asset_type": "unlisted_equity", "market_value": MV, "strategic_emerging": strategic}],
        regime=regime,
    )
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("investee", "expected"),
    [
        ("subsidiary", 1.0),
        ("insurance_subsidiary", 0.35),
        ("listed_associate", 0.35),
        ("unlisted_associate", 0.41),
    ],
)
def test_long_term_equity_investment(run, investee, expected):
    """Rule 8 Art. 28: LTEI RF0 1, except insurance(-business) subsidiaries 0.35, listed
    JVs/associates 0.35, unlisted JVs/associates 0.41."""
    r = run(
        [{"asset_type": "long_term_equity_investment", "market_value": MV, "investee": investee}]
    )
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)


def test_ltei_default_investee_is_subsidiary(run):
    """Architecture: a blank investee means subsidiary: RF0 = 1 (Art. 28)."""
    r = run([{"asset_type": "long_term_equity_investment", "market_value": MV}])
    assert factor_of(r) == pytest.approx(1.0, rel=1e-12)


ART36 = [
    # no conversion / write-down clause: banks, AMCs, insurers 0.15
    ("large_state", False, True, 0.15),
    ("joint_stock", False, True, 0.15),
    ("city", False, True, 0.15),
    ("other_bank", False, True, 0.15),
    ("amc", False, True, 0.15),
    ("insurer", False, True, 0.15),
    # bank with clause, ratios met: policy / large 0.15, joint-stock 0.20, city 0.25, other 0.30
    ("policy_bank", True, True, 0.15),
    ("large_state", True, True, 0.15),
    ("joint_stock", True, True, 0.20),
    ("city", True, True, 0.25),
    ("other_bank", True, True, 0.30),
    # bank with clause, ratios not met: 0.45
    ("joint_stock", True, False, 0.45),
    ("large_state", True, False, 0.45),
    # AMC with clause: 0.20 / 0.45; insurer with clause: 0.15 / 0.45
    ("amc", True, True, 0.20),
    ("amc", True, False, 0.45),
    ("insurer", True, True, 0.15),
    ("insurer", True, False, 0.45),
    # non-financial issuer preferred shares: without conversion 0.10, with 0.25
    ("non_financial", False, True, 0.10),
    ("non_financial", True, True, 0.25),
]


@pytest.mark.parametrize(
    ("asset_type", "issuer", "clause", "met", "expected"),
    [
        (asset_type, *row)
        for asset_type in ("preferred_share", "perpetual_bond")
        for row in ART36
        # a non-financial issuer's perpetual bond is not an Art. 36 instrument (see
        # test_non_financial_perpetual_is_a_corporate_bond)
        if not (asset_type == "perpetual_bond" and row[0] == "non_financial")
    ],
)
def test_preferred_and_perpetual(run, asset_type, issuer, clause, met, expected):
    """Rule 8 Art. 36 table (perpetual capital bonds routed here by Rule 9 Art. 16)."""
    r = run(
        [
            {
                "asset_type": asset_type,
                "market_value": MV,
                "issuer_type": issuer,
                "conversion_clause": clause,
                "issuer_ratios_met": met,
            }
        ]
    )
    assert factor_of(r) == pytest.approx(expected, rel=1e-12)
    assert r.submodules["spread"] == 0.0
    assert "Art. 36" in r.charges["article"].iloc[0]


def test_equity_submodule_is_arithmetic_sum(run):
    """Rule 8 Art. 37: equity capital is the arithmetic sum of the items.
    2025-12: main stock x = 0: 0.35 x 100; equity fund 0.28 x 200; unlisted SE 0.40 x 300;
    LTEI insurance subsidiary 0.35 x 400 -> 35 + 56 + 120 + 140 = 351."""
    r = run(
        [
            stock(mv=100.0),
            {"asset_type": "equity_fund", "market_value": 200.0},
            {"asset_type": "unlisted_equity", "market_value": 300.0, "strategic_emerging": True},
            {
                "asset_type": "long_term_equity_investment",
                "market_value": 400.0,
                "investee": "insurance_subsidiary",
            },
        ]
    )
    assert r.submodules["equity"] == pytest.approx(351.0, rel=1e-12)


# ------------------------------------------------------------------------------------------
# Non-financial perpetual bonds (Rule 8 Art. 36 scope; Rule 9 Art. 15-16)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("clause", [False, True])
def test_non_financial_perpetual_is_a_corporate_bond(run, clause):
    """Rule 8 Art. 36 covers financial institutions' perpetual capital bonds and Rule 9
    Art. 16 routes only those to equity: a non-financial issuer's perpetual bond is a rated
    corporate bond: spread by the Rule 9 Art. 15 table (rating AA, D = 3) and the P&C
    duration factor (Rule 8 Art. 14), exactly as a corporate bond of the same rating and
    duration, and no equity charge."""
    perp = {
        "asset_type": "perpetual_bond",
        "market_value": MV,
        "issuer_type": "non_financial",
        "conversion_clause": clause,
        "rating": "AA",
        "modified_duration": 3.0,
    }
    corp = {
        "asset_type": "corporate_bond",
        "market_value": MV,
        "rating": "AA",
        "modified_duration": 3.0,
    }
    r, c = run([perp]), run([corp])
    assert r.submodules["equity"] == 0.0
    assert r.submodules["spread"] == pytest.approx(c.submodules["spread"], rel=1e-12)
    assert r.submodules["spread"] > 0
    assert r.submodules["interest_rate"] == pytest.approx(c.submodules["interest_rate"], rel=1e-12)
    assert "Art. 15" in r.charges.loc[r.charges["submodule"] == "spread", "article"].iloc[0]


def test_non_financial_perpetual_needs_rating_and_duration():
    """A non-financial perpetual bond without rating or duration is an input error naming the
    row (the rated table needs both)."""
    import pandas as pd

    from analyzer.errors import InputError
    from analyzer.io.holdings import validate_holdings

    raw = pd.DataFrame(
        [
            {"id": "a", "asset_type": "cash", "market_value": "1"},
            {
                "id": "b",
                "asset_type": "perpetual_bond",
                "market_value": "1",
                "issuer_type": "non_financial",
            },
        ]
    )
    # the columns the reader needs for these types, blank (documented defaults)
    for col in ("region", "sci_tech", "counterparty", "conversion_clause", "issuer_ratios_met"):
        raw[col] = ""
    with pytest.raises(InputError) as err:
        validate_holdings(raw)
    cols = {p.column: p for p in err.value.problems}
    assert cols["rating"].row == 3 and "row 3" in cols["rating"].message
    assert cols["modified_duration"].row == 3
    # a financial issuer's perpetual bond needs neither (Rule 8 Art. 36)
    raw.loc[1, "issuer_type"] = "joint_stock"
    raw.loc[1, "conversion_clause"] = "false"  # required for Art. 36 instruments
    validate_holdings(raw)


def test_life_scope_includes_non_financial_perpetual(run):
    """As a corporate bond, the non-financial perpetual bond's cash flows enter the life
    scenario method (Rule 8 Art. 13), like the corporate bond's."""
    cf = {"coupon_rate": 0.04, "maturity_years": 7, "face_value": MV}
    perp = {
        "asset_type": "perpetual_bond",
        "market_value": MV,
        "issuer_type": "non_financial",
        "rating": "AA",
        "modified_duration": 5.5,
        **cf,
    }
    corp = {
        "asset_type": "corporate_bond",
        "market_value": MV,
        "rating": "AA",
        "modified_duration": 5.5,
        **cf,
    }
    r, c = run([perp], company_type="life"), run([corp], company_type="life")
    assert r.submodules["interest_rate"] == pytest.approx(c.submodules["interest_rate"], rel=1e-12)
    assert r.life_interest_rate["asset_pv_base"] == pytest.approx(
        c.life_interest_rate["asset_pv_base"], rel=1e-12
    )


def test_stock_k1_uses_book_value(run):
    """Rule 8 Art. 26: x = (账面价值 - 购买成本) / 购买成本 uses book value. Market value 100,
    book value 120, cost 100: x = 0.2, k1 = 0.04 -> 0.35 x 1.04 (2022, main board); without
    a book value the market value stands in (x = 0)."""
    r = run([stock(mv=100.0, cost=100.0, book_value=120.0)], regime=R22)
    assert factor_of(r) == pytest.approx(0.35 * 1.04, rel=1e-12)
    r = run([stock(mv=100.0, cost=100.0)], regime=R22)
    assert factor_of(r) == pytest.approx(0.35, rel=1e-12)
