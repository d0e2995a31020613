"""The Annex 4 insurance-risk scenarios and life scenario 三 (Rule 10 Annex 4), worked by hand.

Company: core tier 1 = 1e10 only (actual = core capital), no supplementary capital, so a loss
reaches both one for one (Rule 1 Art. 41 tier limits do not bind).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from stress_factories import PC_ROWS, make_company, make_holdings

from analyzer.cli import main
from analyzer.errors import InputError
from analyzer.solvency.engine import evaluate
from analyzer.stress.forward import Stresser
from analyzer.stress.mandatory import (
    insurance_scenarios,
    life_rate_scenarios,
    mandatory_scenarios,
    stressed_rate_table,
)

PC_INPUTS = {
    "premium_income": 1.0e10,
    "combined_ratio": 0.98,
    "premium_risk_capital": 1.0e9,
    "quarter_earned_premium": 2.5e9,
    "quarter_loss_ratio": 0.65,
}
LIFE_INPUTS = {
    "new_business_130_capital_change": -2.0e8,
    "new_business_130_minimum_capital_change": 3.0e8,
    "new_business_70_capital_change": 1.0e8,
    "new_business_70_minimum_capital_change": -1.5e8,
    "mortality_up_10_liability_increase": 4.0e8,
    "mortality_up_10_minimum_capital_change": 1.0e8,
    "lapse_up_20_liability_increase": 6.0e8,
    "lapse_up_20_minimum_capital_change": -5.0e7,
    "morbidity_up_15_liability_increase": 3.0e8,
    "morbidity_up_15_minimum_capital_change": 5.0e7,
    "annual_expenses": 2.0e9,
}
#: a life portfolio outside the interest-rate scenario method: equity fund and cash
LIFE_ROWS = [PC_ROWS[0], PC_ROWS[-1]]
NONLIFE = 2.0e9
LIFE_MC = 3.0e9


def pc_company(**inputs):
    return make_company(
        "pc",
        minimum_capital={"nonlife_insurance": NONLIFE, "sarmra_score": 80.0},
        stress_inputs=inputs,
    )


def life_company(**inputs):
    return make_company(
        "life",
        minimum_capital={"life_insurance": LIFE_MC, "sarmra_score": 80.0},
        stress_inputs=inputs,
    )


def mc_with(company, holdings, **minimum) -> float:
    """Minimum capital of the engine with the insurance-risk capital set by hand (CNY)."""
    mc = {**company.minimum_capital.model_dump(), **minimum}
    return evaluate(
        holdings,
        company.model_copy(update={"minimum_capital": type(company.minimum_capital)(**mc)}),
        scitech=False,
    ).minimum_capital


def test_pc_insurance_scenarios_by_hand():
    h = make_holdings(PC_ROWS)
    c = pc_company(**PC_INPUTS)
    s = Stresser(h, c)
    done, skipped = insurance_scenarios(s)
    assert skipped == []
    r = {x.name: x for x in done}
    # 一(一): 1.2 P (1 - 1.1 CR) - P (1 - CR) = 1.2e10 (1 - 1.078) - 1e10 x 0.02
    #        = -9.36e8 - 2e8 = -1.136e9; premium risk 1e9 x 1.2: nonlife 2e9 -> 2.2e9
    s1 = r["annex4_pc_insurance"]
    assert s1.loss_core == pytest.approx(1.136e9)
    assert s1.loss_actual == pytest.approx(1.136e9)
    mc = mc_with(c, h, nonlife_insurance=2.2e9)
    assert mc > s.base.minimum_capital
    assert s1.stressed.minimum_capital == pytest.approx(mc)
    assert s1.stressed.comprehensive_ratio == pytest.approx((1e10 - 1.136e9) / mc)
    assert s1.stressed.core_ratio == pytest.approx((1e10 - 1.136e9) / mc)
    # 二(一): 1.3 P at the base CR: gain 0.3 x 1e10 x 0.02 = 6e7; nonlife 2e9 + 0.3e9
    s2 = r["annex4_pc_premium_130"]
    assert s2.loss_core == pytest.approx(-6.0e7)
    mc = mc_with(c, h, nonlife_insurance=2.3e9)
    assert s2.stressed.comprehensive_ratio == pytest.approx((1e10 + 6e7) / mc)
    # 三(一): extra claims 0.2 x 0.65 x 2.5e9 = 3.25e8; minimum capital unchanged
    s3 = r["annex4_pc_quarter_loss_ratio_120"]
    assert s3.loss_core == pytest.approx(3.25e8)
    assert s3.stressed.minimum_capital == pytest.approx(s.base.minimum_capital)
    assert s3.stressed.comprehensive_ratio == pytest.approx(
        (1e10 - 3.25e8) / s.base.minimum_capital
    )


def test_pc_blank_premium_risk_takes_all_nonlife_capital():
    """Without premium_risk_capital the whole nonlife_insurance scales (2e9 x 1.2 = 2.4e9)."""
    h = make_holdings(PC_ROWS)
    inputs = {k: v for k, v in PC_INPUTS.items() if k != "premium_risk_capital"}
    c = pc_company(**inputs)
    done, _ = insurance_scenarios(Stresser(h, c))
    s1 = {x.name: x for x in done}["annex4_pc_insurance"]
    assert s1.stressed.minimum_capital == pytest.approx(mc_with(c, h, nonlife_insurance=2.4e9))


def test_pc_lacking_inputs_are_listed_not_dropped():
    h = make_holdings(PC_ROWS)
    c = pc_company(premium_income=1e10)
    done, skipped = insurance_scenarios(Stresser(h, c))
    assert done == []
    by = {n.name: n for n in skipped}
    assert set(by) == {
        "annex4_pc_insurance",
        "annex4_pc_premium_130",
        "annex4_pc_quarter_loss_ratio_120",
    }
    assert by["annex4_pc_insurance"].missing == ("stress_inputs.combined_ratio",)
    d = by["annex4_pc_quarter_loss_ratio_120"].to_dict()
    assert d["status"] == "not_run"
    assert d["reason"].startswith("not run: company file lacks stress_inputs.quarter_earned")
    assert "未运行" in d["reason_zh"]


def test_life_insurance_scenario_by_hand_picks_lower_ratio():
    h = make_holdings(LIFE_ROWS)
    c = life_company(**LIFE_INPUTS)
    s = Stresser(h, c)
    done, skipped = insurance_scenarios(s)
    assert skipped == [] and len(done) == 1
    r = done[0]
    # liabilities 4e8 + 6e8 + 3e8 = 1.3e9; expenses 0.1 x 2e9 = 2e8
    # 130%: -2e8 - 1.3e9 - 2e8 = -1.7e9, life MC 3e9 + 1e8 + 3e8 = 3.4e9
    # 70%:  +1e8 - 1.3e9 - 2e8 = -1.4e9, life MC 3e9 + 1e8 - 1.5e8 = 2.95e9 (higher ratio)
    assert "130% chosen" in r.shock.description
    assert r.loss_core == pytest.approx(1.7e9)
    assert r.liability_value_change == pytest.approx(1.3e9)
    mc = mc_with(c, h, life_insurance=3.4e9)
    assert r.stressed.comprehensive_ratio == pytest.approx((1e10 - 1.7e9) / mc)
    # a heavier 70% strain makes 70% the lower ratio
    c70 = life_company(**{**LIFE_INPUTS, "new_business_70_capital_change": -3.0e9})
    r70 = insurance_scenarios(Stresser(h, c70))[0][0]
    assert "70% chosen" in r70.shock.description
    assert r70.loss_core == pytest.approx(3.0e9 + 1.5e9)


def test_life_insurance_capital_below_zero_refused():
    h = make_holdings(LIFE_ROWS)
    c = life_company(**{**LIFE_INPUTS, "mortality_up_10_minimum_capital_change": -5.0e9})
    with pytest.raises(InputError) as err:
        insurance_scenarios(Stresser(h, c))
    assert "stress_inputs" in str(err.value)


def test_life_insurance_lacking_inputs_listed():
    h = make_holdings(LIFE_ROWS)
    inputs = {k: v for k, v in LIFE_INPUTS.items() if k != "annual_expenses"}
    done, skipped = insurance_scenarios(Stresser(h, life_company(**inputs)))
    assert done == []
    assert skipped[0].name == "annex4_life_insurance"
    assert skipped[0].missing == ("stress_inputs.annual_expenses",)


def test_stressed_rate_table_is_130_percent():
    from analyzer.solvency.regime import load_regime

    reg = load_regime("cross2-2025-12")
    base = reg.table("life_interest_rate", "life_interest_rate")
    t = stressed_rate_table(reg)
    assert t["up"][0] == pytest.approx(1.3 * 0.97)  # Annex 3 year 1: up 97%, down -71%
    assert t["down"][0] == pytest.approx(1.3 * -0.71)
    assert t["up_40"] == pytest.approx(1.3 * 0.17) and t["down_40"] == pytest.approx(1.3 * -0.11)
    assert base["up"][0] == pytest.approx(0.97)  # the regime itself is untouched


def test_life_rate_scenario_by_hand():
    """Flat 2% government curve; liabilities: 1e9 out at the end of year 1; asset: a one-year
    2% government bond, face 1e9, market value 1e9 (the only asset in the scenario method).

    Year-1 discount rates (Annex 3, premium 45bp to year 20): base 2% + 0.45% = 2.45%;
    up x 130%: 2% x (1 + 1.3 x 0.97) + 0.45% = 4.972%; down: 2% x (1 - 1.3 x 0.71) + 0.45%
    = 0.604%.
    """
    rows = [
        {
            "id": "cgb1",
            "asset_type": "government_bond",
            "market_value": 1.0e9,
            "face_value": 1.0e9,
            "coupon_rate": 0.02,
            "maturity_years": 1,
            "modified_duration": 0.98,
            "asset_class": "govt",
        },
        {"id": "cash", "asset_type": "cash", "market_value": 5.0e8, "asset_class": "cash"},
    ]
    h = make_holdings(rows)
    c = make_company("life")  # liabilities [1e9], flat 2% curve over 40 years
    s = Stresser(h, c)
    out = {r.name: r for r in life_rate_scenarios(s)}
    d0 = 1 / 1.0245
    for way, rate in (("up", 0.02 * (1 + 1.3 * 0.97)), ("down", 0.02 * (1 - 1.3 * 0.71))):
        r = out[f"annex4_life_rate_{way}_130"]
        d = 1 / (1 + rate + 0.0045)
        asset = 1.0e9 * (d / d0 - 1.0)  # value x PV_stressed / PV_base
        liab = 1.0e9 * (d - d0)
        assert r.asset_value_change == pytest.approx(asset, rel=1e-9)
        assert r.liability_value_change == pytest.approx(liab, rel=1e-9)
        assert r.loss_core == pytest.approx(liab - asset, rel=1e-9)
        # minimum capital on the moved curve r*_t (1 + 1.3 Stress_t), shocked asset value
        t = stressed_rate_table(s.regime)
        stress = np.array(t[way] + [t[way][-1]] * 20)  # years 21-40 interpolate to Stress_40
        yrs = np.arange(21, 41)
        stress[20:] = t[way][-1] * (40 - yrs) / 20 + t[f"{way}_40"] * (yrs - 20) / 20
        moved = c.model_copy(
            update={
                "liabilities": type(c.liabilities)(
                    cash_flows=c.liabilities.cash_flows, spot_curve=0.02 * (1 + stress)
                )
            }
        )
        shocked = make_holdings([{**rows[0], "market_value": 1.0e9 + asset}, rows[1]])
        mc = evaluate(shocked, moved, scitech=False).minimum_capital
        assert r.stressed.minimum_capital == pytest.approx(mc)
        assert r.stressed.comprehensive_ratio == pytest.approx((1e10 - (liab - asset)) / mc)
    # rates down raise the liabilities' value, rates up lower it
    assert out["annex4_life_rate_down_130"].liability_value_change > 0
    assert out["annex4_life_rate_up_130"].liability_value_change < 0


def test_pc_has_no_life_rate_scenario():
    h = make_holdings(PC_ROWS)
    assert life_rate_scenarios(Stresser(h, pc_company())) == []
    done, skipped = mandatory_scenarios(Stresser(h, pc_company()))
    assert done == [] and len(skipped) == 3


ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "analyzer" / "samples" / "pc"


def test_cli_lists_not_run_and_runs_with_inputs(tmp_path, capsys):
    folder = tmp_path / "pc"
    shutil.copytree(SAMPLE, folder)
    args = ["stress", str(folder / "holdings.csv"), "-c", str(folder / "company.toml")]
    args += ["--no-reverse", "--format", "json", "--quiet"]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert {n["name"] for n in data["not_run"]} == {
        "annex4_pc_insurance",
        "annex4_pc_premium_130",
        "annex4_pc_quarter_loss_ratio_120",
    }
    company = folder / "company.toml"
    company.write_text(
        company.read_text(encoding="utf-8")
        + "\n[stress_inputs]\n"
        + "".join(f"{k} = {v!r}\n" for k, v in PC_INPUTS.items()),
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["not_run"] == []
    names = [x["scenario"]["name"] for x in data["scenarios"]]
    assert "annex4_pc_insurance" in names
    quarter = next(
        x for x in data["scenarios"] if x["scenario"]["name"] == "annex4_pc_quarter_loss_ratio_120"
    )
    assert quarter["loss_core_capital"] == pytest.approx(3.25e8)
    with pytest.raises(SystemExit):
        main([a for a in args if a not in ("--format", "json")])
    assert "annex4_pc_insurance" in capsys.readouterr().out
