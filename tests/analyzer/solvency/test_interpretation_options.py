"""The readings the rule texts leave open, each a named EngineOptions field (docs/formats.md
§7.22-7.26): every alternative changes the number as worked by hand from the article."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.solvency import aggregation
from analyzer.solvency.regime import load_regime

MV = 1.0e6
YI = 1.0e8


def _stock_factor(run, regime: str, book: float, cost: float, **options) -> float:
    row = {
        "asset_type": "stock",
        "market_value": book,
        "book_value": book,
        "purchase_cost": cost,
        "board": "main",
        "csi300": True,
    }
    r = run([row], regime=regime, options=options or None)
    return float(r.charges["factor"].iloc[0])


# ------------------------------------------------------------------------------------------
# §7.22 index_factor_reading: 金规〔2023〕5号 三(六) "风险因子从0.35调整为0.3"
# ------------------------------------------------------------------------------------------


def test_index_factor_as_k2_or_as_base_factor_with_a_gain(run):
    """CSI 300 stock, book 1.3e6 against cost 1.0e6: x = 0.3, k1 = x^2 = 0.09 (Rule 8 Art. 26).
    k2 reading: 0.35 x (1 + 0.09 + (0.30/0.35 - 1)) = 0.35 + 0.0315 - 0.05 = 0.3315;
    base-factor reading: 0.30 x (1 + 0.09) = 0.327."""
    k2 = _stock_factor(run, "cross2-2023-09", 1.3 * MV, MV)
    base = _stock_factor(run, "cross2-2023-09", 1.3 * MV, MV, index_factor_reading="base_factor")
    assert k2 == pytest.approx(0.3315, rel=1e-12)
    assert base == pytest.approx(0.327, rel=1e-12)


def test_index_factor_reading_and_the_clamp(run):
    """Book 1.0e6 against cost 2.0e6: x = -0.5, k1 = -0.25. k2 reading: K = -0.25 - 0.142857
    clamped to -0.25 (Rule 8 Art. 7): 0.35 x 0.75 = 0.2625; base factor: 0.30 x 0.75 = 0.225."""
    k2 = _stock_factor(run, "cross2-2023-09", MV, 2 * MV)
    base = _stock_factor(run, "cross2-2023-09", MV, 2 * MV, index_factor_reading="base_factor")
    assert k2 == pytest.approx(0.2625, rel=1e-12)
    assert base == pytest.approx(0.225, rel=1e-12)


def test_the_rules_own_k2_stays_a_k2(run):
    """Under the rules as issued the CSI 300 k2 = -0.05 is Rule 8 Art. 26's own coefficient,
    not an announced factor: both readings give 0.35 x (1 + 0.09 - 0.05) = 0.364."""
    for reading in ("k2", "base_factor"):
        f = _stock_factor(run, "cross2-2022", 1.3 * MV, MV, index_factor_reading=reading)
        assert f == pytest.approx(0.364, rel=1e-12)


# ------------------------------------------------------------------------------------------
# §7.23 control_q_base: Q x quantifiable (after the size coefficient) or Q x (MC* - LA)
# ------------------------------------------------------------------------------------------


def _q_company() -> dict:
    # P&C, total assets 500亿: k = -0.05 (金规〔2023〕5号 一(一)); SARMRA 60: Q = -0.01 x 60 +
    # 0.75 = 0.15 (Rule 12 Art. 120)
    return {
        "total_assets": 5.0e10,
        "capital": {"core_tier1": 1.0e9},
        "minimum_capital": {"sarmra_score": 60.0},
    }


def test_control_q_base_changes_minimum_capital(run):
    """An equity fund 1亿 (RF0 0.28): MC* = 2.8e7. After size: control = 0.15 x 0.95 x 2.8e7 =
    3,990,000, minimum = 1.15 x 0.95 x 2.8e7 = 30,590,000. Before size: control = 0.15 x
    2.8e7 = 4,200,000, minimum = (1 - 0.05 + 0.15) x 2.8e7 = 30,800,000."""
    rows = [{"asset_type": "equity_fund", "market_value": YI}]
    after = run(rows, **_q_company())
    before = run(rows, options={"control_q_base": "before_size"}, **_q_company())
    assert after.size_coefficient == -0.05 and after.control_q == pytest.approx(0.15)
    assert after.control == pytest.approx(3_990_000.0, rel=1e-12)
    assert after.minimum_capital == pytest.approx(30_590_000.0, rel=1e-12)
    assert before.control == pytest.approx(4_200_000.0, rel=1e-12)
    assert before.minimum_capital == pytest.approx(30_800_000.0, rel=1e-12)
    # the Euler contributions still add up to minimum capital (the gradient uses the option)
    total = before.holdings_table()["marginal_capital"].sum() + sum(before.euler.values())
    assert total == pytest.approx(before.minimum_capital, rel=1e-9)


def test_control_q_base_is_one_formula_for_numpy_and_cvxpy():
    """minimum_capital gives the same number for a float and a cvxpy expression under both
    bases, and diversified_for inverts it: MC* 100, LA 10, k -0.1, Q 0.2, additional 5:
    after (1.2)(0.9)(90) + 5 = 102.2; before (1 - 0.1 + 0.2)(90) + 5 = 104."""
    x = cp.Variable()
    for base, expected in (("after_size", 102.2), ("before_size", 104.0)):
        value = aggregation.minimum_capital(100.0, 10.0, -0.1, 0.2, 5.0, control_base=base)
        assert value == pytest.approx(expected, rel=1e-12)
        expr = aggregation.minimum_capital(x, 10.0, -0.1, 0.2, 5.0, control_base=base)
        x.value = np.array(100.0)
        assert float(expr.value) == pytest.approx(expected, rel=1e-12)
        back = aggregation.diversified_for(expected, 10.0, -0.1, 0.2, 5.0, control_base=base)
        assert back == pytest.approx(100.0, rel=1e-12)


# ------------------------------------------------------------------------------------------
# §7.24 size_band_boundary: "100亿元以上、2000亿元以下" and "100亿元以下"
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("company_type", "assets", "middle", "upper", "lower"),
    [
        ("pc", 1.0e10, -0.05, -0.05, -0.10),
        ("pc", 2.0e11, -0.05, 0.0, -0.05),
        ("life", 5.0e10, -0.05, -0.05, -0.10),
        ("life", 5.0e11, -0.05, 0.0, -0.05),
        ("pc", 1.0e10 + 1.0, -0.05, -0.05, -0.05),  # off the boundary: no reading matters
    ],
)
def test_size_band_at_a_boundary(company_type, assets, middle, upper, lower):
    """金规〔2023〕5号 一: exactly 100亿 (P&C) / 500亿 (life) is named by the 90% and the 95%
    band, exactly 2000亿 / 5000亿 by the 95% and the 100% band."""
    regime = load_regime("cross2-2023-09")
    for boundary, k in (("middle_band", middle), ("upper_band", upper), ("lower_band", lower)):
        got = aggregation.size_coefficient(assets, company_type, regime, boundary)
        assert got == pytest.approx(k, abs=1e-15), boundary


def test_size_band_boundary_reaches_the_engine(run):
    """A P&C insurer with total assets of exactly 100亿: k = -0.05 by default, -0.10 with
    'lower_band'; an equity fund 1亿 (MC* 2.8e7, SARMRA 80: Q = 0): minimum 0.95 x 2.8e7 =
    26,600,000 against 0.90 x 2.8e7 = 25,200,000."""
    rows = [{"asset_type": "equity_fund", "market_value": YI}]
    company = {"total_assets": 1.0e10, "capital": {"core_tier1": 1.0e9}}
    default = run(rows, **company)
    lower = run(rows, options={"size_band_boundary": "lower_band"}, **company)
    assert default.minimum_capital == pytest.approx(26_600_000.0, rel=1e-12)
    assert lower.minimum_capital == pytest.approx(25_200_000.0, rel=1e-12)


# ------------------------------------------------------------------------------------------
# §7.25 non_base_interest_rate_scope: 金规〔2023〕5号 二(五)
# ------------------------------------------------------------------------------------------

PLAN = {
    "asset_type": "debt_investment_plan",
    "market_value": MV,
    "rating": "AAA",
    "look_through": False,
    "layers": 1,
    "modified_duration": 4.0,
}


def test_non_base_scope_reaches_the_pc_duration_factor(run):
    """A P&C insurer's debt plan of one layer, D = 4: no interest-rate charge by default; with
    'every_method' Rule 8 Art. 14: 4 x (-0.001 x 4 + 0.0217) = 0.0708, 70,800 on 1e6. More
    than three layers (二(五)) or under the rules as issued: none."""
    every = {"non_base_interest_rate_scope": "every_method"}
    assert run([PLAN]).submodules["interest_rate"] == 0.0
    r = run([PLAN], options=every)
    assert r.submodules["interest_rate"] == pytest.approx(70_800.0, rel=1e-12)
    assert run([{**PLAN, "layers": 4}], options=every).submodules["interest_rate"] == 0.0
    assert run([PLAN], regime="cross2-2022", options=every).submodules["interest_rate"] == 0.0


def test_non_base_scope_needs_the_duration(run):
    """Under 'every_method' a blank duration would charge nothing: refused, naming the row."""
    row = {k: v for k, v in PLAN.items() if k != "modified_duration"}
    run([row])  # the default reading does not read it
    with pytest.raises(InputError) as err:
        run([row], options={"non_base_interest_rate_scope": "every_method"})
    (p,) = err.value.problems
    assert p.column == "modified_duration" and p.row == 2


# ------------------------------------------------------------------------------------------
# §7.26 concentration_exempt_unnamed: Rule 8 Art. 64 does not name public money-market funds
# ------------------------------------------------------------------------------------------


def test_money_market_fund_concentration(run):
    """P&C, total assets 10亿: threshold 10亿 x 8% = 8,000万 (Art. 65). A money-market fund of
    1亿 with one manager: exempt by default; counted, it crosses the threshold and takes
    EX x RF0 x 0.4 = 1亿 x 0.01 x 0.4 = 400,000 (Rule 8 Art. 31-33 RF0 0.01)."""
    rows = [{"asset_type": "money_market_fund", "market_value": YI, "counterparty": "某基金公司"}]
    company = {"total_assets": 1.0e10 / 10, "capital": {"core_tier1": 1.0e8}}

    def addons(result):
        ch = result.charges
        return ch[ch["rule"].str.startswith("concentration")]

    assert addons(run(rows, **company)).empty
    off = run(rows, options={"concentration_exempt_unnamed": False}, **company)
    assert addons(off)["capital"].sum() == pytest.approx(400_000.0, rel=1e-12)


def test_capital_map_follows_the_options(make_holdings, make_company):
    """The optimiser's capital map reproduces the engine's minimum capital under every new
    reading at once (its cones read the same Constants and charge rows)."""
    from analyzer.solvency.capital_map import build_capital_map
    from analyzer.solvency.engine import evaluate
    from analyzer.solvency.options import EngineOptions

    options = EngineOptions(
        index_factor_reading="base_factor",
        control_q_base="before_size",
        size_band_boundary="lower_band",
        non_base_interest_rate_scope="every_method",
        concentration_exempt_unnamed=False,
    )
    h = make_holdings(
        [
            {
                "asset_type": "stock",
                "market_value": 2 * YI,
                "purchase_cost": 1.5 * YI,
                "board": "star",
                "csi300": True,
                "asset_class": "stock",
            },
            {**PLAN, "market_value": YI, "asset_class": "plan"},
            {
                "asset_type": "money_market_fund",
                "market_value": 3 * YI,
                "counterparty": "某基金公司",
                "asset_class": "mmf",
            },
        ]
    )
    company = make_company(
        "pc",
        total_assets=1.0e10,
        capital={"core_tier1": 1.0e9},
        minimum_capital={"sarmra_score": 60.0},
    )
    r = evaluate(h, company, "cross2-2025-12", options, scitech=False)
    default = evaluate(h, company, "cross2-2025-12", None, scitech=False)
    assert r.minimum_capital != pytest.approx(default.minimum_capital, rel=1e-6)
    cmap = build_capital_map(h, company, "cross2-2025-12", options=options)
    assert float(cmap.minimum_capital(cmap.current_exposure)) == pytest.approx(
        r.minimum_capital, rel=1e-9
    )
