"""The engine's contract: evaluate() result shape (docs/formats.md §5), the charge trace,
the holdings table, Euler contributions, regimes and errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from analyzer.errors import InputError, ParameterError
from analyzer.solvency.engine import evaluate

MIXED = [
    {"asset_type": "cash", "market_value": 1e6},
    {
        "asset_type": "deposit",
        "market_value": 2e6,
        "bank_type": "city",
        "bank_car": 0.13,
        "coupon_rate": 0.02,
        "maturity_years": 2,
        "face_value": 2e6,
    },
    {
        "asset_type": "corporate_bond",
        "market_value": 3e6,
        "rating": "AA+",
        "modified_duration": 4.0,
        "coupon_rate": 0.03,
        "maturity_years": 5,
        "face_value": 3e6,
    },
    {
        "asset_type": "stock",
        "market_value": 1e6,
        "board": "star",
        "purchase_cost": 8e5,
        "sci_tech": True,
    },
    {"asset_type": "investment_property", "market_value": 1e6, "property_tier": "major"},
    {"asset_type": "stock", "market_value": 5e5, "region": "emerging", "currency": "HKD"},
]


def test_to_dict_has_contract_keys(run):
    """docs/formats.md §5: every key, market / credit sub-keys, holdings records; JSON-able."""
    d = run(MIXED).to_dict()
    for key in (
        "regime",
        "company",
        "actual_capital",
        "core_capital",
        "minimum_capital",
        "core_ratio",
        "comprehensive_ratio",
        "quantifiable",
        "control",
        "additional",
        "market",
        "credit",
        "insurance",
        "diversification",
        "holdings",
    ):
        assert key in d
    assert set(d["market"]) >= {
        "interest_rate",
        "equity",
        "real_estate",
        "overseas_fixed_income",
        "overseas_equity",
        "fx",
        "total",
    }
    assert set(d["credit"]) >= {"spread", "default", "total"}
    assert set(d["insurance"]) >= {"life", "nonlife"}
    assert set(d["holdings"][0]) >= {
        "id",
        "module",
        "exposure",
        "factor",
        "capital",
        "marginal_capital",
    }
    json.dumps(d)
    assert d["regime"] == "cross2-2025-12"


def test_every_charge_has_an_article(run):
    r = run(MIXED)
    assert (r.charges["article"].str.len() > 0).all()
    assert (r.charges["rule"].str.len() > 0).all()


@pytest.mark.parametrize("company_type", ["pc", "life", "reinsurer"])
def test_euler_contributions_add_up(run, company_type):
    """docs/formats.md §5: holdings' marginal_capital + non-holding Euler terms = minimum."""
    over = {
        "minimum_capital": {
            "nonlife_insurance": 3e5,
            "loss_absorption": 1e4,
            "additional": 2e4,
            "sarmra_score": 65,
        }
    }
    if company_type != "pc":
        over["minimum_capital"]["life_insurance"] = 4e5
    if company_type == "reinsurer":
        over["reinsurance_business"] = "pc"
    r = run(MIXED, company_type=company_type, **over)
    total = r.holdings["marginal_capital"].sum() + sum(r.euler.values())
    assert total == pytest.approx(r.minimum_capital, rel=1e-9)


def test_holdings_table_one_row_per_position_and_module(run):
    """A P&C corporate bond has interest_rate and spread rows; cash has a 'none'-free default
    row; the overseas HKD stock has overseas_equity and fx; factor = capital / exposure."""
    r = run(MIXED)
    h = r.holdings
    assert sorted(h.loc[h["id"] == "p2", "module"]) == ["interest_rate", "spread"]
    assert sorted(h.loc[h["id"] == "p5", "module"]) == ["fx", "overseas_equity"]
    sel = h["exposure"] > 0
    assert np.allclose(h.loc[sel, "factor"], h.loc[sel, "capital"] / h.loc[sel, "exposure"])
    assert set(h["id"]) == {f"p{i}" for i in range(len(MIXED))}


def test_uncharged_position_listed_with_module_none(run):
    """Cash is charged default risk at 0 (Rule 9 Art. 20): one row, minimum capital 0, and the
    ratios of a zero minimum are infinite."""
    r = run([{"asset_type": "cash", "market_value": 1e6}])
    assert list(r.holdings["module"]) == ["default"]
    assert r.minimum_capital == 0.0
    assert math.isinf(r.comprehensive_ratio)


def test_regime_changes_result(run):
    """A CSI 300 stock: 0.3325 (2022) vs 0.30 (2025-12, held <= 3 years)."""
    rows = [
        {
            "asset_type": "stock",
            "market_value": 1e6,
            "board": "main",
            "csi300": True,
            "purchase_cost": 1e6,
        }
    ]
    assert run(rows, regime="cross2-2022").submodules["equity"] == pytest.approx(332_500)
    assert run(rows).submodules["equity"] == pytest.approx(300_000)


def test_unknown_regime(make_holdings, make_company):
    with pytest.raises(ParameterError):
        evaluate(make_holdings(MIXED), make_company(), "cross2-1999")


def test_scitech_view(make_holdings, make_company):
    """The sci-tech view: share = 1e6 / 8.5e6; the STAR stock's capital now vs cross2-2022.
    Domestic stock book: x = (1e6 - 8e5) / 8e5 = 0.25 -> k1 = 0.0625 (Rule 8 Art. 26);
    2025-12 STAR held <= 2 years k2 = -1/9: 0.45 (1 + 0.0625 - 1/9) = 0.428125 x 1e6;
    2022: 0.45 x 1.0625 = 0.478125 x 1e6."""
    r = evaluate(make_holdings(MIXED), make_company())
    v = r.scitech
    assert v.share == pytest.approx(1e6 / 8.5e6, rel=1e-12)
    assert v.capital == pytest.approx(0.45 * (1.0625 - 1 / 9) * 1e6, rel=1e-12)
    assert v.capital_baseline == pytest.approx(0.478125 * 1e6, rel=1e-12)
    # ``relief`` is now the sci-tech relief alone (marginal, test_scitech_relief.py); the
    # whole change from cross2-2022, which ``relief`` used to be, is ``regime_change``
    assert v.regime_change == pytest.approx(v.minimum_capital_baseline - r.minimum_capital)


def test_life_bond_without_cash_flow_fields_is_an_input_error(run):
    """A life insurer's bond needs coupon_rate, maturity_years and face_value (Rule 8
    Art. 13): an InputError naming row 2 and the column."""
    with pytest.raises(InputError) as err:
        run(
            [{"asset_type": "government_bond", "market_value": 1e6, "modified_duration": 3.0}],
            company_type="life",
        )
    cols = {p.column for p in err.value.problems}
    assert cols == {"coupon_rate", "maturity_years", "face_value"}
    assert {p.row for p in err.value.problems} == {2}


def test_life_without_liabilities_in_memory(make_holdings, make_company):
    with pytest.raises(InputError):
        evaluate(make_holdings(MIXED[:1]), make_company("life", liabilities=None))


def test_life_interest_rate_rows_are_binding_scenario(run):
    """Life: the IR sub-module = max(liab - asset deltas, 0) of the binding scenario; asset
    rows carry -asset_delta; their sum plus the liability part is the IR total."""
    r = run(MIXED, company_type="life")
    ir = r.charges[r.charges["submodule"] == "interest_rate"]
    assert set(ir["id"]) == {"p1", "p2"}  # deposit and bond (Art. 13), not cash or stock
    summary = r.life_interest_rate
    assert r.submodules["interest_rate"] == pytest.approx(summary["capital"], rel=1e-12)
