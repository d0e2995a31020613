"""The optional [stress_inputs] and [filing] sections of the company file (docs/formats.md §2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.io.company import company_from_dict, read_company

ROOT = Path(__file__).resolve().parents[3]
PC = ROOT / "analyzer" / "samples" / "pc"


def with_sections(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "pc"
    shutil.copytree(PC, folder)
    f = folder / "company.toml"
    f.write_text(f.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return f


def test_sections_read_and_round_trip(tmp_path):
    f = with_sections(
        tmp_path,
        "\n[stress_inputs]\npremium_income = 1.2e10\ncombined_ratio = 0.98\n"
        '\n[filing]\nadmitted_assets = 6.1e10\nintegrated_risk_rating = "BBB"\n',
    )
    c = read_company(f)
    assert c.stress_inputs.premium_income == 1.2e10
    assert c.stress_inputs.quarter_loss_ratio is None
    assert c.filing.integrated_risk_rating == "BBB"
    assert c.filing.admitted_liabilities is None
    data = c.model_dump()
    data.pop("liabilities")  # a P&C company's None liabilities
    again = company_from_dict(data)  # the blank figures come back as None and are accepted
    assert again.stress_inputs == c.stress_inputs and again.filing == c.filing
    assert read_company(PC / "company.toml").stress_inputs is None


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        ("\n[stress_inputs]\npremium_income = 120\n", "stress_inputs.premium_income"),  # 亿元
        ("\n[stress_inputs]\ncombined_ratio = 98\n", "stress_inputs.combined_ratio"),  # percent
        ("\n[stress_inputs]\nannual_expense = 1e9\n", "stress_inputs.annual_expense"),  # typo
        ("\n[stress_inputs]\nquarter_loss_ratio = true\n", "stress_inputs.quarter_loss_ratio"),
        ("\n[filing]\nadmitted_assets = 600\n", "filing.admitted_assets"),
        ('\n[filing]\nintegrated_risk_rating = "E"\n', "filing.integrated_risk_rating"),
        ("\n[filing]\nintegrated_risk_rating = 1\n", "filing.integrated_risk_rating"),
        ("\n[filing]\nadmitted_liabilities = -1e9\n", "filing.admitted_liabilities"),
    ],
)
def test_bad_figures_refused_naming_the_key(tmp_path, extra, column):
    with pytest.raises(InputError) as err:
        read_company(with_sections(tmp_path, extra))
    assert column in [p.column for p in err.value.problems]


def test_stress_inputs_of_the_other_chapter_are_refused(make_company):
    """Annex 4 第一章 (P&C, reinsurers) and 第二章 (life) read different figures: a key no
    scenario of the company's type reads is refused, not silently ignored."""
    from analyzer.errors import InputError

    with pytest.raises(InputError) as err:
        make_company("life", stress_inputs={"premium_income": 1e10, "annual_expenses": 1e9})
    assert [p.column for p in err.value.problems] == ["stress_inputs.premium_income"]
    with pytest.raises(InputError) as err:
        make_company("pc", stress_inputs={"premium_income": 1e10, "annual_expenses": 1e9})
    assert [p.column for p in err.value.problems] == ["stress_inputs.annual_expenses"]
    make_company("pc", stress_inputs={"premium_income": 1e10, "combined_ratio": 0.98})
