"""Golden and property tests of the third bundled sample insurer (data/midlife): a mid-size
life insurer whose book holds every Rule 7 product, the derivatives, the accounts, the trade
history and the company-file tables (analyzer/samples/README.md, "Third sample").

The headline figures are pinned to what the engine gives (regime cross2-2025-12, default
interpretations): they move only when the engine or the sample changes, and then on purpose.
The other tests are properties of the sample and of the engine on it that can fail: every new
asset type and column is present, every charge names its article, nothing is refused, the
loss absorption stays within its cap, look-through parents are charged on their children.
"""

from __future__ import annotations

import csv
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from analyzer.services.reading import load_inputs
from analyzer.solvency.capital_map import build_capital_map
from analyzer.solvency.engine import evaluate

ROOT = Path(__file__).resolve().parents[3]
MID = ROOT / "analyzer" / "samples" / "midlife"

NEW_TYPES = {
    "am_product",
    "wealth_management_product",
    "equity_investment_plan",
    "debt_to_equity_plan",
    "real_estate_financial_product",
    "interest_rate_swap",
    "treasury_future",
    "stock_index_future",
    "fx_forward",
}
NEW_COLUMNS = {
    "product_kind",
    "trust_kind",
    "ciif_national_strategy",
    "largest_underlying_share",
    "waive_exemption",
    "look_through_date",
    "look_through_share",
    "money_market_instrument",
    "notional",
    "direction",
    "underlying",
    "hedged_id",
    "hedge_effective",
    "hedge_effectiveness",
    "hedge_months",
    "account",
    "call_years",
    "call_rate",
    "accounting",
    "coupon_frequency",
}
DERIVATIVES = {"interest_rate_swap", "treasury_future", "stock_index_future", "fx_forward"}
FIXED_INCOME = {
    "government_bond",
    "local_government_bond",
    "policy_bank_bond",
    "agency_bond",
    "corporate_bond",
    "financial_bond",
    "perpetual_bond",
    "abs",
    "convertible_bond",
    "insurance_abs_plan",
    "debt_investment_plan",
    "deposit",
    "structured_deposit",
}


def _rows(name: str) -> list[dict[str, str]]:
    with (MID / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    return _rows("holdings.csv")


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(
        MID / "holdings.csv",
        MID / "company.toml",
        MID / "assumptions.csv",
        MID / "correlations.csv",
        look_through=MID / "look_through.csv",
        trades=MID / "trades.csv",
    )


@pytest.fixture(scope="module")
def result(inputs):
    return evaluate(inputs.holdings, inputs.company)


# ------------------------------------------------------------------------------------------
# headline figures, pinned to the engine
# ------------------------------------------------------------------------------------------


def test_headline_figures(result):
    assert result.comprehensive_ratio == pytest.approx(1.7505158824603426, rel=1e-9)
    assert result.core_ratio == pytest.approx(1.2327576637044666, rel=1e-9)
    assert result.minimum_capital == pytest.approx(8111894409.116677, rel=1e-9)
    assert result.loss_absorption == pytest.approx(380180083.7763218, rel=1e-9)
    lcr = {h.months: h for h in result.liquidity.horizons}
    assert (lcr[3].lcr1, lcr[3].lcr2, lcr[3].lcr3) == pytest.approx(
        (1.1212781408862744, 3.710467889025944, 0.9759129759132866), rel=1e-9
    )
    assert (lcr[12].lcr1, lcr[12].lcr2, lcr[12].lcr3) == pytest.approx(
        (1.0227442207308723, 1.5351002587691815, 0.8533017002768682), rel=1e-9
    )
    assert result.scitech.share == pytest.approx(0.08500565288508277, rel=1e-9)
    assert result.scitech.relief == pytest.approx(70074413.25012493, rel=1e-9)


def test_actual_capital_is_the_company_file_and_ratios_are_consistent(result):
    company = tomllib.loads((MID / "company.toml").read_text(encoding="utf-8"))
    tiers = company["capital"]
    assert result.actual_capital == pytest.approx(sum(tiers.values()))
    assert result.comprehensive_ratio == pytest.approx(
        result.actual_capital / result.minimum_capital
    )
    # the filing figures agree with the capital: admitted assets - liabilities = actual capital
    filing = company["filing"]
    assert filing["admitted_assets"] - filing["admitted_liabilities"] == pytest.approx(
        result.actual_capital
    )


# ------------------------------------------------------------------------------------------
# the sample holds every new item
# ------------------------------------------------------------------------------------------


def test_every_new_asset_type_and_column_is_used(raw):
    types = {r["asset_type"] for r in raw}
    assert types >= NEW_TYPES, NEW_TYPES - types
    for column in NEW_COLUMNS:
        assert column in raw[0], column
        assert any(r[column] not in ("", "false") for r in raw), f"{column} never set"
    by = lambda col, t: {r[col] for r in raw if r["asset_type"] == t}  # noqa: E731
    assert by("product_kind", "am_product") == {"money_market", "fixed_income", "equity", "mixed"}
    assert by("product_kind", "wealth_management_product") >= {"money_market", "fixed_income"}
    assert by("trust_kind", "trust_plan") == {"equity", "fixed_income"}
    assert {r["account"] for r in raw} == {"general", "participating", "universal", "separate"}
    assert {r["accounting"] for r in raw} - {""} == {"amortised_cost", "fvoci", "fvtpl"}
    assert {r["money_market_instrument"] for r in raw} - {""} == {"ncd", "commercial_paper"}
    assert {r["coupon_frequency"] for r in raw} - {""} == {"1", "2"}
    # fractional maturities, callable bonds with and without a call rate
    assert any("." in r["maturity_years"] for r in raw)
    calls = [r for r in raw if r["call_years"]]
    assert len(calls) >= 2 and any(r["call_rate"] for r in calls)
    assert any(not r["call_rate"] for r in calls)
    for r in calls:
        assert 0 < float(r["call_years"]) <= float(r["maturity_years"])
    # exempt products (with their largest underlying) and looked-through ones
    exempt = [r for r in raw if r["exempt"] == "true" and r["asset_type"] != "insurance_abs_plan"]
    assert exempt and all(0 < float(r["largest_underlying_share"]) <= 0.2 for r in exempt)
    ciif = [r for r in raw if r["ciif_national_strategy"] == "true"]
    assert [r["asset_type"] for r in ciif] == ["unlisted_equity"]


def test_every_fixed_income_row_has_its_accounting_class(raw):
    missing = [r["id"] for r in raw if r["asset_type"] in FIXED_INCOME and not r["accounting"]]
    assert not missing


def test_sci_tech_flags_across_types(raw):
    sci = {r["asset_type"] for r in raw if r["sci_tech"] == "true"}
    assert {"corporate_bond", "stock", "abs", "pe_vc_fund", "equity_investment_plan"} <= sci
    assert {r["board"] for r in raw if r["sci_tech"] == "true" and r["asset_type"] == "stock"} == {
        "star"
    }


def test_derivatives_hedge_what_the_rules_allow(raw):
    by_id = {r["id"]: r for r in raw}
    deriv = [r for r in raw if r["asset_type"] in DERIVATIVES]
    assert {r["asset_type"] for r in deriv} == DERIVATIVES
    wanted = {
        "treasury_future": {"government_bond"},
        "stock_index_future": {"stock"},
        "fx_forward": {"corporate_bond"},
    }
    for r in deriv:
        if r["asset_type"] in wanted:
            hedged = [by_id[i] for i in r["hedged_id"].split(";")]
            assert {h["asset_type"] for h in hedged} == wanted[r["asset_type"]]
    fx = next(r for r in deriv if r["asset_type"] == "fx_forward")
    assert by_id[fx["hedged_id"]]["currency"] == fx["currency"] == "USD"
    company = tomllib.loads((MID / "company.toml").read_text(encoding="utf-8"))
    assert company["fx_liabilities"]["USD"] > 0


# ------------------------------------------------------------------------------------------
# the engine on the sample
# ------------------------------------------------------------------------------------------


def test_no_refusal_no_warning(inputs):
    assert inputs.warnings == ()


def test_positions_add_up_to_a_plausible_share_of_total_assets(inputs):
    f = inputs.holdings.frame
    invested = f.loc[~f["asset_type"].astype(str).isin(DERIVATIVES), "market_value"].sum()
    share = invested / inputs.company.total_assets
    assert 0.85 <= share <= 0.97, share  # a life insurer: about 90%


def test_every_charge_row_names_its_article(result):
    ch = result.charges
    assert len(ch) > 500
    assert ch["article"].astype(str).str.strip().ne("").all()
    assert np.isfinite(ch["capital"].to_numpy(dtype=float)).all()


def test_loss_absorption_from_the_book_within_its_cap(result):
    d = result.loss_absorption_detail
    assert d["source"] == "formula"
    assert d["cap"] == pytest.approx(1.5e9)
    assert 0 < result.loss_absorption <= d["cap"]
    # Rule 2 Art. 19: LA = min(MC_par x beta, cap), beta = min(0.5, 0.22 cap / MC_par + 0.02)
    beta = min(0.5, 0.22 * d["cap"] / d["mc_par"] + 0.02)
    assert d["beta"] == pytest.approx(beta)
    assert result.loss_absorption == pytest.approx(min(d["mc_par"] * beta, d["cap"]))
    assert d["separate_positions"] == 2


def test_separate_account_positions_carry_no_charge(result, raw):
    separate = {r["id"] for r in raw if r["account"] == "separate"}
    assert len(separate) == 2
    assert not set(result.charges["id"]) & separate


#: underlyings without a charge of a life insurer: no interest-rate charge under a parent
#: (Rule 7 Art. 20), no spread or default charge (Rule 9 Art. 12, 18)
UNCHARGED = {"cash", "government_bond", "local_government_bond", "policy_bank_bond"}


def test_look_through_parents_are_charged_on_their_children(result):
    children: dict[str, list[str]] = {}
    charged: dict[str, set[str]] = {}
    for r in _rows("look_through.csv"):
        children.setdefault(r["parent_id"], []).append(r["id"])
        if r["asset_type"] not in UNCHARGED:
            charged.setdefault(r["parent_id"], set()).add(f"{r['parent_id']}/{r['id']}")
    assert len(children) >= 7
    ch = result.charges
    per_position = result.holdings.groupby("id")["capital"].sum()
    for parent, kids in children.items():
        rows = ch[ch["parent_id"] == parent]
        assert charged[parent] <= set(rows["id"]) <= {f"{parent}/{k}" for k in kids}, parent
        # the shares add up to 1: no unexplained remainder, no built-in charge of the parent
        assert not ((ch["id"] == parent) & (ch["parent_id"] != parent)).any(), parent
        assert per_position[parent] == pytest.approx(rows["capital"].sum(), rel=1e-9), parent


def test_holding_periods_come_from_the_trades(inputs, raw):
    typed = {r["id"]: r["holding_years"] for r in raw if r["asset_type"] == "stock"}
    f = inputs.holdings.frame
    dom = f[(f["asset_type"] == "stock") & (f["region"] == "domestic")]
    assert all(typed[i] == "" for i in dom["id"])  # blank in the holdings file
    assert (dom["holding_years"] > 0).all()
    star = dom.loc[dom["board"] == "star", "holding_years"]
    assert (star < 2).any() and (star > 2).any()  # STAR stocks straddle the 2-year line
    assert (star < 4).all()


def test_credit_items_and_derivatives_are_charged(result):
    items = result.credit_items
    assert len(items) == 9  # 8 items, the overseas reinsurer split into two parts
    assert result.credit_items_capital == pytest.approx(sum(i["capital"] for i in items))
    assert result.credit_items_capital > 0
    ids = set(result.charges["id"])
    assert {"M-DER-IRS", "M-DER-TF"} <= ids  # the life scenario method's cash flows


def test_annex4_runs_every_scenario(inputs):
    from analyzer.stress import annex4
    from analyzer.stress.forward import Stresser
    from analyzer.stress.mandatory import mandatory_scenarios

    s = Stresser(inputs.holdings, inputs.company)
    results = [s.run(x) for x in annex4.scenarios("life")]
    more, not_run = mandatory_scenarios(s)
    assert not_run == []
    assert len(more) >= 3
    assert {r.name for r in more} >= {"annex4_life_rate_up_130", "annex4_life_rate_down_130"}
    for r in results + more:
        assert math.isfinite(r.stressed.comprehensive_ratio), r.name
        assert math.isfinite(r.stressed.minimum_capital) and r.stressed.minimum_capital > 0


def test_capital_map_equals_the_engine_with_derivatives_and_look_through(inputs, result):
    cmap = build_capital_map(inputs.holdings, inputs.company)
    assert cmap.minimum_capital(cmap.current_exposure) == pytest.approx(
        result.minimum_capital, rel=1e-9
    )


@pytest.mark.xfail(
    strict=True,
    reason="known gap: the optimum takes the equity class above its ratio cap (the engine's "
    "Rule 8 Art. 66 add-on on it is about 22亿 that the capital map, which holds that add-on "
    "at today's status, does not see); the engine's ratio (about 87%) misses the 100% floor "
    "and the result's notes say so and by how much",
)
def test_optimum_meets_the_floor_by_the_engine(inputs):
    from analyzer.optimize import AllocationProblem, Limits, build_universe

    u = build_universe(inputs.holdings, inputs.company, inputs.assumptions)
    r = AllocationProblem(u, "max_return", Limits(min_comprehensive=1.0, min_core=0.5)).solve()
    assert any("below the floors" in n for n in r.notes)  # never silent
    assert r.solvency.comprehensive_ratio >= 1.0 * (1 - 1e-7)
