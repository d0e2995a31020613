"""The sci-tech relief by cause (SciTechView): the headline ``relief`` is marginal, the size
coefficient and the other positions' factors are beside it, the remainder closes the sum.

Worked numbers come from the factor tables of the rule texts and the aggregation formulas
(Rule 8 Art. 14, 26, 69; Rule 9 Art. 15, 43; Rule 2 Art. 16; 金规〔2023〕5号 一 and 三(六);
2025-12 notice 二), computed in the docstrings and typed in as literals.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.io import read_company, read_holdings
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import load_regime

DATA = Path(__file__).resolve().parents[3] / "data"

#: a P&C insurer of 500亿 total assets: size coefficient -0.05 today (金规〔2023〕5号 一(一):
#: 100亿 to 2000亿), 0 under cross2-2022; SARMRA 80 -> Q = -0.005 x 80 + 0.40 = 0
#: (Rule 12 Art. 120); no insurance risk, LA or additional capital
PC_500YI = {"total_assets": 5.0e10}

#: STAR stock, sci-tech, k1 = 0 (book = cost), held <= 2 years: 0.45 x (1 - 1/9) = 0.40 today
#: (金规〔2023〕5号 三(六)), 0.45 in 2022 (Rule 8 Art. 26)
STAR = {
    "asset_type": "stock",
    "market_value": 1e6,
    "board": "star",
    "purchase_cost": 1e6,
    "sci_tech": True,
}
#: CSI 300 main-board stock, not sci-tech: 0.35 x (1 - 1/7) = 0.30 today, 0.35 x 0.95 =
#: 0.3325 in 2022
CSI300 = {
    "asset_type": "stock",
    "market_value": 2e6,
    "board": "main",
    "csi300": True,
    "purchase_cost": 2e6,
}
#: AA+ corporate bond, D = 4, P&C: interest rate 4 x (-0.001 x 4 + 0.0217) = 0.0708
#: (Rule 8 Art. 14), spread 4 x (0.0007 x 4 + 0.0165) = 0.0772 (Rule 9 Art. 15); the same
#: in both regimes, not sci-tech
BOND = {
    "asset_type": "corporate_bond",
    "market_value": 3e6,
    "rating": "AA+",
    "modified_duration": 4.0,
}


def test_stock_book_worked(make_holdings, make_company):
    """Equity only: minimum = E x (1 + k_size) (Q = 0, one sub-module).

    E today = 0.40 x 1e6 + 0.30 x 2e6 = 1,000,000; in 2022 0.45e6 + 0.665e6 = 1,115,000.
    Sci-tech STAR stock at 2022 factors, rest today: 0.45e6 + 0.60e6 = 1,050,000;
    the CSI 300 stock at 2022 factors: 0.40e6 + 0.665e6 = 1,065,000.
    today 1,000,000 x 0.95 = 950,000; 2022 1,115,000.
    relief = (1,050,000 - 1,000,000) x 0.95 = 47,500
    other  = (1,065,000 - 1,000,000) x 0.95 = 61,750
    size   = 1,000,000 x (1 - 0.95) = 50,000
    change = 1,115,000 - 950,000 = 165,000; remainder = 5,750
    (= (E_2022 - E_today) x (k_2022 - k_today) = 115,000 x 0.05: the size coefficient
    multiplies the factor changes).
    """
    r = evaluate(make_holdings([STAR, CSI300]), make_company("pc", **PC_500YI))
    s = r.scitech
    assert r.size_coefficient == -0.05
    assert r.minimum_capital == pytest.approx(950_000, rel=1e-12)
    assert s.minimum_capital_baseline == pytest.approx(1_115_000, rel=1e-12)
    assert s.relief == pytest.approx(47_500, rel=1e-9)
    assert s.minimum_capital_scitech_at_baseline == pytest.approx(997_500, rel=1e-12)
    assert s.relief_other_factors == pytest.approx(61_750, rel=1e-9)
    assert s.relief_size_coefficient == pytest.approx(50_000, rel=1e-9)
    assert s.regime_change == pytest.approx(165_000, rel=1e-9)
    assert s.relief_remainder == pytest.approx(5_750, rel=1e-7)


def test_diversified_book_worked(make_holdings, make_company):
    """Stocks and a bond (P&C): the relief goes through the square-root aggregation.

    IR = 3e6 x 0.0708 = 212,400; spread S = 3e6 x 0.0772 = 231,600; equity E as in
    :func:`test_stock_book_worked`.
    market(E) = sqrt(IR^2 + E^2 - 2 x 0.14 x IR x E) (Rule 8 Art. 69: rho(IR, EQ) = -0.14)
    MC*(E) = sqrt(market^2 + S^2 + 2 x 0.27 x market x S) (Rule 2 Art. 16: rho(market,
    credit) = 0.27 for P&C; credit = spread alone, Rule 9 Art. 43), minimum = MC* (1 + k).
    market(1,000,000) = 977,890.6379...; MC* = 1,078,630.2537...; today x 0.95
      = 1,024,698.7411
    2022: MC*(1,115,000) = 1,189,083.0411 (k = 0)
    sci-tech at 2022: MC*(1,050,000) x 0.95 = 1,070,211.0074 -> relief 45,512.2663
    others at 2022: MC*(1,065,000) x 0.95 = 1,083,898.9771 -> other 59,200.2361
    size: MC*(1,000,000) x 1 = 1,078,630.2537 -> size 53,931.5127
    change 164,384.3001; remainder 5,740.2850.
    """
    r = evaluate(make_holdings([STAR, CSI300, BOND]), make_company("pc", **PC_500YI))
    s = r.scitech
    assert r.minimum_capital == pytest.approx(1_024_698.7410624, rel=1e-12)
    assert s.minimum_capital_baseline == pytest.approx(1_189_083.0411494, rel=1e-12)
    assert s.relief == pytest.approx(45_512.266339, rel=1e-8)
    assert s.relief_other_factors == pytest.approx(59_200.236062, rel=1e-8)
    assert s.relief_size_coefficient == pytest.approx(53_931.512687, rel=1e-8)
    assert s.regime_change == pytest.approx(164_384.300087, rel=1e-8)
    assert s.relief_remainder == pytest.approx(5_740.284998, rel=1e-6)
    # the old headline (the whole change) is still published, as regime_change
    assert s.regime_change == pytest.approx(s.minimum_capital_baseline - r.minimum_capital)


def test_under_baseline_regime_every_relief_is_zero(make_holdings, make_company):
    r = evaluate(make_holdings([STAR, CSI300, BOND]), make_company("pc", **PC_500YI), "cross2-2022")
    s = r.scitech
    assert (s.relief, s.relief_other_factors, s.relief_size_coefficient) == (0.0, 0.0, 0.0)
    assert (s.relief_remainder, s.regime_change) == (0.0, 0.0)
    assert s.minimum_capital_scitech_at_baseline == r.minimum_capital


def _size_as_baseline(name: str):
    """``name``'s regime with the size coefficient table of cross2-2022 (k = 0): the size
    coefficient forced equal in both regimes."""
    reg = load_regime(name)
    tables = dict(reg.tables)
    tables["size"] = load_regime("cross2-2022").tables["size"]
    return dataclasses.replace(reg, name=f"{name}-no-size", tables=MappingProxyType(tables))


def test_sample_life_relief_holds_no_size_part():
    """The sample life insurer (total assets in [500亿, 5000亿]: size coefficient -0.05 today,
    0 in 2022). With the size coefficient forced equal (today's regime with the 2022 size
    table) the evaluation has no size part; every other rule is the same. Minimum capital is
    (MC* - LA)(1 + k)(1 + Q) + additional, so each marginal relief under the real regime is the
    forced one x (1 + k) = x 0.95, exactly, and the whole change differs by the size part
    alone. The old headline (the whole change, 26.9亿) held 14.8亿 of size coefficient; the
    sci-tech relief is about 2.7亿.
    """
    holdings = read_holdings(DATA / "life" / "holdings.csv")
    company = read_company(DATA / "life" / "company.toml")
    real = evaluate(holdings, company)
    forced = evaluate(holdings, company, _size_as_baseline("cross2-2025-12"))
    s, f = real.scitech, forced.scitech
    assert real.size_coefficient == -0.05 and forced.size_coefficient == 0.0
    assert f.relief_size_coefficient == 0.0
    assert s.relief == pytest.approx(f.relief * 0.95, rel=1e-9)
    assert s.relief_other_factors == pytest.approx(f.relief_other_factors * 0.95, rel=1e-9)
    assert s.regime_change - f.regime_change == pytest.approx(s.relief_size_coefficient, rel=1e-9)
    # the size part is 5% of today's (MC* - LA)(1 + Q): about 14.8亿, out of the relief
    no_size = real.quantifiable / 0.95
    size = 0.05 * no_size * (1 + real.control_q)
    assert s.relief_size_coefficient == pytest.approx(size, rel=1e-9)
    assert 14.7e8 < s.relief_size_coefficient < 14.9e8
    assert 2.5e8 < s.relief < 2.9e8
    assert s.regime_change - s.relief > s.relief_size_coefficient


def test_all_sci_tech_relief_is_the_whole_change(make_holdings, make_company):
    """Life, every position sci-tech, size coefficient 0 in both regimes (total assets 1e12):
    the sci-tech positions at 2022 factors are the 2022 evaluation itself (including the
    insurance ABS plan that 金规〔2023〕5号 二(五) puts into the scenario method and 2022 does
    not), so relief = the whole change, and the other causes are 0."""
    plan = {
        "asset_type": "insurance_abs_plan",
        "market_value": 5e6,
        "rating": "AAA",
        "layers": 2,
        "coupon_rate": 0.04,
        "maturity_years": 5,
        "face_value": 5e6,
        "sci_tech": True,
    }
    r = evaluate(make_holdings([plan, STAR]), make_company("life"))
    old = evaluate(make_holdings([plan, STAR]), make_company("life"), "cross2-2022")
    s = r.scitech
    assert r.life_interest_rate["capital"] != old.life_interest_rate["capital"]
    assert s.relief == pytest.approx(old.minimum_capital - r.minimum_capital, rel=1e-12)
    assert s.relief_other_factors == 0.0
    assert s.relief_size_coefficient == 0.0
    assert s.relief_remainder == pytest.approx(0.0, abs=1e-9 * r.minimum_capital)


# -- properties --------------------------------------------------------------------------

mv = st.floats(1e4, 1e8)


def _plausible(row: dict) -> dict:
    """Face value at par and a stock's cost near its value, as in a real book (the reader
    refuses amounts a thousand times apart as a unit mistake)."""
    row = {**row, "face_value": row["market_value"]}
    if "modified_duration" in row:  # a duration is at most the time to maturity
        row["maturity_years"] = max(row["maturity_years"], int(row["modified_duration"]) + 1)
    if "purchase_cost" in row:
        row["purchase_cost"] *= row["market_value"]
    return row


KINDS = [
    {
        "asset_type": st.just("stock"),
        "board": st.sampled_from(["main", "star", "chinext"]),
        "csi300": st.booleans(),
        "holding_years": st.floats(0, 6),
        "purchase_cost": st.floats(0.5, 2.0),  # as a multiple of the market value (below)
    },
    {"asset_type": st.just("unlisted_equity"), "strategic_emerging": st.booleans()},
    {
        "asset_type": st.just("reit"),
        "look_through": st.just(False),
        "layers": st.integers(1, 3),
    },
    {
        "asset_type": st.sampled_from(["insurance_abs_plan", "debt_investment_plan"]),
        "rating": st.sampled_from(["AAA", "AA+", "AA"]),
        "layers": st.integers(1, 4),
    },
    {
        "asset_type": st.just("corporate_bond"),
        "rating": st.sampled_from(["AAA", "AA+", "AA"]),
        "modified_duration": st.floats(0.5, 10),
    },
    {"asset_type": st.just("equity_fund")},
]
position = st.one_of(
    [
        st.fixed_dictionaries(
            {
                **kind,
                "market_value": mv,
                "sci_tech": st.booleans(),
                "coupon_rate": st.floats(0.0, 0.06),
                "maturity_years": st.integers(1, 30),
            }
        ).map(_plausible)
        for kind in KINDS
    ]
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(position, min_size=1, max_size=7),
    ctype=st.sampled_from(["pc", "life"]),
    ta=st.sampled_from([4e9, 3e10, 2e11, 1e12]),
    score=st.floats(0, 100),
    additional=st.floats(0, 1e6),
)
def test_parts_and_remainder_add_up_to_the_change(
    make_holdings, make_company, rows, ctype, ta, score, additional
):
    """relief + other factors + size + remainder = minimum capital under cross2-2022 minus
    today's, both from their own evaluations; without sci-tech positions the relief is 0 and
    with only sci-tech positions the other factors' part is 0; the size part is the size
    coefficient's difference times (MC* - LA)(1 + Q)."""
    company = make_company(
        ctype,
        total_assets=ta,
        minimum_capital={"sarmra_score": score, "additional": additional},
    )
    holdings = make_holdings(rows)
    r = evaluate(holdings, company)
    old = evaluate(holdings, company, "cross2-2022", scitech=False)
    s = r.scitech
    change = old.minimum_capital - r.minimum_capital
    parts = s.relief + s.relief_other_factors + s.relief_size_coefficient + s.relief_remainder
    scale = max(r.minimum_capital, old.minimum_capital, 1.0)
    assert parts == pytest.approx(change, abs=1e-9 * scale)
    assert s.regime_change == pytest.approx(change, abs=1e-9 * scale)
    unscaled = r.quantifiable / (1 + r.size_coefficient)
    assert s.relief_size_coefficient == pytest.approx(
        -r.size_coefficient * unscaled * (1 + r.control_q), abs=1e-9 * scale
    )
    sci = [bool(row["sci_tech"]) for row in rows]
    if not any(sci):
        assert s.relief == 0.0
    if all(sci):
        assert s.relief_other_factors == 0.0


# -- where it is shown -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_rows_by_cause(make_holdings, make_company, lang):
    """The text report's and the workbook's rows: the worked stock book's five figures, in
    that order, labelled in the language asked for; the four parts add up to the whole."""
    from analyzer.report.solvency_text import scitech_cause_rows
    from analyzer.report.solvency_xlsx import scitech_relief_frame

    r = evaluate(make_holdings([STAR, CSI300]), make_company("pc", **PC_500YI))
    rows = scitech_cause_rows(r, lang)
    assert [row[0] for row in rows] == [
        "relief",
        "relief_other_factors",
        "relief_size_coefficient",
        "relief_remainder",
        "regime_change",
    ]
    values = [row[2] for row in rows]
    assert values == pytest.approx([47_500, 61_750, 50_000, 5_750, 165_000], rel=1e-7)
    assert sum(values[:4]) == pytest.approx(values[4], rel=1e-12)
    size_how = rows[2][3]
    assert "+0.00" in size_how and "-0.05" in size_how
    if lang == "zh":
        assert rows[2][1] == "规模调整系数"
    else:
        assert rows[2][1] == "size coefficient"
    frame = scitech_relief_frame(r, lang)
    assert list(frame["key"]) == [row[0] for row in rows]
    assert list(frame["amount (CNY)"]) == values


def test_json_keeps_old_keys_and_adds_the_causes(make_holdings, make_company):
    """docs/formats.md §5: every key the view had is still there; the new ones are added."""
    d = evaluate(make_holdings([STAR, CSI300]), make_company("pc", **PC_500YI)).to_dict()
    s = d["scitech"]
    old = {
        "share",
        "value",
        "target",
        "capital",
        "capital_baseline",
        "minimum_capital_baseline",
        "relief",
        "comprehensive_ratio_baseline",
        "core_ratio_baseline",
        "baseline_regime",
    }
    new = {
        "minimum_capital_scitech_at_baseline",
        "relief_other_factors",
        "relief_size_coefficient",
        "relief_remainder",
        "regime_change",
        "size_coefficient_baseline",
    }
    assert set(s) == old | new
    assert s["relief"] == pytest.approx(47_500, rel=1e-9)
    assert s["regime_change"] == pytest.approx(165_000, rel=1e-9)
