"""The company file's ``[liquidity]`` section (docs/formats.md §2): the projected cash flows of
the Rule 13 liquidity coverage ratios. Each case fails on a reader that accepted it silently."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.io.company import company_from_dict, read_company

DATA = Path(__file__).resolve().parents[3] / "data"

FLOWS = {
    "operating_inflow": 1.2e10,
    "operating_outflow": 1.0e10,
    "investing_inflow": 3.0e9,
    "investing_outflow": 4.0e9,
    "financing_inflow": 0.0,
    "financing_outflow": 2.0e8,
}
SECTION = """
[liquidity]
cash_outside_holdings = 5.0e8

[liquidity.base_3m]
operating_inflow = 1.2e10
operating_outflow = 1.0e10
investing_inflow = 3.0e9
investing_outflow = 4.0e9
financing_inflow = 0.0
financing_outflow = 2.0e8

[liquidity.base_12m]
operating_inflow = 4.6e10
operating_outflow = 4.0e10
investing_inflow = 1.2e10
investing_outflow = 1.5e10
financing_inflow = 0.0
financing_outflow = 1.2e9

[liquidity.stress_3m]
operating_inflow = 8.0e9
operating_outflow = 1.4e10
investing_inflow = 2.5e9
investing_outflow = 1.0e9
financing_inflow = 0.0
financing_outflow = 2.0e8
short_term_financing_net = 1.0e9

[liquidity.stress_12m]
operating_inflow = 3.2e10
operating_outflow = 5.2e10
investing_inflow = 1.0e10
investing_outflow = 3.0e9
financing_inflow = 0.0
financing_outflow = 1.2e9
short_term_financing_net = -5.0e8
"""


@pytest.fixture
def life(tmp_path) -> Path:
    folder = tmp_path / "life"
    shutil.copytree(DATA / "life", folder)
    path = folder / "company.toml"
    path.write_text(path.read_text(encoding="utf-8") + SECTION, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> Path:
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    return path


def refused(path: Path) -> set[str]:
    with pytest.raises(InputError) as err:
        read_company(path)
    return {p.column for p in err.value.problems}


def base(**liq) -> dict:
    return {
        "name": "x",
        "company_type": "pc",
        "total_assets": 1e12,
        "prior_comprehensive_ratio": 2.0,
        "capital": {"core_tier1": 1e10},
        "liquidity": liq,
    }


def test_section_is_read_with_the_annex_subtotals(life):
    c = read_company(life)
    assert c.warnings == ()
    liq = c.liquidity
    assert liq.cash_outside_holdings == 5.0e8
    # Annex 2 一(二)1: the short-term net enters inflows when positive, outflows when negative
    assert liq.stress_3m.inflow == pytest.approx(8e9 + 2.5e9 + 1e9)
    assert liq.stress_3m.outflow == pytest.approx(14e9 + 1e9 + 0.2e9)
    assert liq.stress_12m.inflow == pytest.approx(42e9)
    assert liq.stress_12m.outflow == pytest.approx(52e9 + 3e9 + 1.2e9 + 0.5e9)


def test_section_is_optional():
    assert read_company(DATA / "life" / "company.toml").liquidity is None


def test_a_missing_scenario_table_is_refused(life):
    content = life.read_text(encoding="utf-8")
    life.write_text(content.split("[liquidity.stress_12m]")[0], encoding="utf-8")
    assert refused(life) == {"liquidity.stress_12m"}


def test_unknown_key_with_did_you_mean(life):
    edit(life, "investing_outflow = 4.0e9", "investing_outflw = 4.0e9")
    cols = refused(life)
    assert "liquidity.base_3m.investing_outflw" in cols


@pytest.mark.parametrize("value", ["nan", "inf", '"1.0e10"', "true"])
def test_non_numbers_are_refused(life, value):
    edit(life, "operating_outflow = 1.0e10", f"operating_outflow = {value}")
    assert "liquidity.base_3m.operating_outflow" in refused(life)


def test_negative_amount_refused_but_the_short_term_net_is_signed(life):
    edit(life, "operating_outflow = 1.4e10", "operating_outflow = -1.4e10")
    assert "liquidity.stress_3m.operating_outflow" in refused(life)


def test_outflows_adding_to_zero_are_refused():
    zero = dict.fromkeys(FLOWS, 0.0) | {"operating_inflow": 1e9}
    with pytest.raises(InputError) as err:
        company_from_dict(base(base_3m=zero, base_12m=FLOWS, stress_3m=FLOWS, stress_12m=FLOWS))
    assert {p.column for p in err.value.problems} == {"liquidity.base_3m"}


def test_amount_in_yi_is_refused(life):
    """12 for 12亿元: company.liquidity_amount_unit."""
    edit(life, "operating_outflow = 1.4e10", "operating_outflow = 140")
    assert "liquidity.stress_3m.operating_outflow" in refused(life)


def test_outflows_far_above_total_assets_are_refused():
    big = {k: v * 1e4 for k, v in FLOWS.items()}
    with pytest.raises(InputError) as err:
        company_from_dict(
            base(base_3m=FLOWS, base_12m=big, stress_3m=FLOWS, stress_12m=big)
            | {"total_assets": 3e11},
            plausibility=True,
        )
    assert {p.column for p in err.value.problems} == {"liquidity.base_12m"}


def test_outflows_in_wan_warn():
    small = {k: v / 1e4 for k, v in FLOWS.items()}
    c = company_from_dict(
        base(base_3m=small, base_12m=small, stress_3m=small, stress_12m=small),
        plausibility=True,
    )
    assert [w.code for w in c.warnings] == ["company.liquidity_scale"]


def test_twelve_months_below_three_months_warns(life):
    edit(life, "operating_outflow = 5.2e10", "operating_outflow = 5.0e9")
    codes = [w.code for w in read_company(life).warnings]
    assert codes == ["company.liquidity_horizon"]


def test_round_trip_through_a_dict(life):
    c = read_company(life)
    d = copy.deepcopy(c.model_dump())
    d.pop("source")
    d["liabilities"] = c.liabilities
    again = company_from_dict(d)
    assert again.liquidity == c.liquidity
