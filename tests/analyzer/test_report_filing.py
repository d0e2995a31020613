"""The filing view of the solvency workbook (sheets in the layout of the quarterly 偿付能力报告
摘要): labels and numbers read back with openpyxl against the SolvencyResult."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from analyzer.cli import main
from analyzer.io.company import read_company
from analyzer.io.holdings import read_holdings
from analyzer.messages import set_language
from analyzer.report import solvency_xlsx
from analyzer.report.solvency_filing import INDICATORS_SHEET, MINIMUM_CAPITAL_SHEET
from analyzer.solvency.engine import evaluate

ROOT = Path(__file__).resolve().parents[2]
LIFE = ROOT / "analyzer" / "samples" / "life"

ROWS = [
    {"asset_type": "equity_fund", "market_value": 2.0e9},
    {
        "asset_type": "corporate_bond",
        "market_value": 3.0e9,
        "rating": "AA",
        "modified_duration": 4.0,
    },
    {"asset_type": "cash", "market_value": 1.0e9},
]


@pytest.fixture
def lang():
    yield set_language
    set_language(None)


def read(path: Path, sheet: str) -> dict[str, tuple]:
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    return {str(r[0]).strip("\u3000 "): r for r in rows[1:]}, rows[0]


def test_filing_sheets_in_english(tmp_path, make_holdings, make_company, lang):
    lang("en")
    company = make_company(
        "pc",
        capital={"core_tier2": 1.0e9, "supplementary_tier1": 5.0e8},
        minimum_capital={"nonlife_insurance": 1.5e9, "additional": 2.0e7},
        filing={"admitted_assets": 9.0e10, "integrated_risk_rating": "AA"},
    )
    result = evaluate(make_holdings(ROWS), company, scitech=False)
    path = solvency_xlsx.write(result, tmp_path / "r.xlsx", company=company)
    ind, header = read(path, INDICATORS_SHEET)
    assert header == ("项目", "item", "value", "unit")
    assert ind["核心偿付能力充足率"][1:3] == (
        "core solvency ratio",
        pytest.approx(result.core_ratio),
    )
    assert ind["综合偿付能力充足率"][2] == pytest.approx(result.comprehensive_ratio)
    assert ind["认可资产"][2] == pytest.approx(9.0e10)
    # no admitted liabilities given: says so, never a zero
    assert ind["认可负债"][2] == "未提供 / not provided"
    assert ind["实际资本"][2] == pytest.approx(result.actual_capital)
    assert ind["实际资本"][2] == pytest.approx(1.0e10 + 1.0e9 + 5.0e8)
    assert ind["核心一级资本"][2] == pytest.approx(1.0e10)
    assert ind["核心二级资本"][2] == pytest.approx(1.0e9)
    assert ind["附属一级资本"][2] == pytest.approx(5.0e8)
    assert ind["附属二级资本"][2] == pytest.approx(0.0)
    assert ind["最低资本"][2] == pytest.approx(result.minimum_capital)
    assert ind["偿付能力溢额"][2] == pytest.approx(result.actual_capital - result.minimum_capital)
    assert ind["核心偿付能力溢额"][2] == pytest.approx(1.1e10 - result.minimum_capital)
    assert ind["综合风险评级"][2] == "AA"

    mc, _ = read(path, MINIMUM_CAPITAL_SHEET)
    assert mc["最低资本"][2] == pytest.approx(result.minimum_capital)
    assert mc["量化风险最低资本"][2] == pytest.approx(result.quantifiable)
    assert mc["非寿险业务保险风险最低资本"][2] == pytest.approx(1.5e9)
    assert mc["寿险业务保险风险最低资本"][2] == pytest.approx(0.0)
    assert mc["市场风险最低资本"][2] == pytest.approx(result.market["total"])
    assert mc["利率风险最低资本"][2] == pytest.approx(result.market["interest_rate"])
    assert mc["权益价格风险最低资本"][2] == pytest.approx(result.market["equity"])
    assert mc["权益价格风险最低资本"][2] > 0
    assert mc["房地产价格风险最低资本"][2] == pytest.approx(result.market["real_estate"])
    assert mc["汇率风险最低资本"][2] == pytest.approx(result.market["fx"])
    assert mc["信用风险最低资本"][2] == pytest.approx(result.credit["total"])
    assert mc["利差风险最低资本"][2] == pytest.approx(result.credit["spread"])
    assert mc["利差风险最低资本"][2] > 0
    assert mc["交易对手违约风险最低资本"][2] == pytest.approx(result.credit["default"])
    assert mc["量化风险分散效应"][2] == pytest.approx(result.diversification)
    assert mc["控制风险最低资本"][2] == pytest.approx(result.control)
    assert mc["附加资本"][2] == pytest.approx(2.0e7)
    # the table adds up as Rule 2 aggregates: modules - diversification - loss absorption,
    # size adjustment, then control risk and additional capital
    modules = sum(
        mc[k][2]
        for k in (
            "寿险业务保险风险最低资本",
            "非寿险业务保险风险最低资本",
            "市场风险最低资本",
            "信用风险最低资本",
        )
    )
    quant = (
        modules
        - mc["量化风险分散效应"][2]
        - mc["特定类别保险合同损失吸收效应"][2]
        + mc["规模调整（规模调整系数）"][2]
    )
    assert quant == pytest.approx(mc["量化风险最低资本"][2])
    assert quant + mc["控制风险最低资本"][2] + mc["附加资本"][2] == pytest.approx(
        result.minimum_capital
    )


def test_filing_sheets_in_chinese_without_filing_section(
    tmp_path, make_holdings, make_company, lang
):
    lang("zh")
    company = make_company("pc")
    result = evaluate(make_holdings(ROWS), company, scitech=False)
    path = solvency_xlsx.write(result, tmp_path / "r.xlsx", company=company)
    ind, header = read(path, INDICATORS_SHEET)
    assert header == ("项目", "数值", "单位")  # no English column
    for key in ("认可资产", "认可负债", "综合风险评级"):
        assert ind[key][1] == "未提供"
    assert ind["最低资本"][1] == pytest.approx(result.minimum_capital)
    # without a company (the dashboard's call) the filing figures are not provided either
    path = solvency_xlsx.write(result, tmp_path / "s.xlsx")
    ind, _ = read(path, INDICATORS_SHEET)
    assert ind["认可资产"][1] == "未提供"


def test_filing_rating_refused_outside_the_scale(make_company):
    from analyzer.errors import InputError

    with pytest.raises(InputError) as err:
        make_company("pc", filing={"integrated_risk_rating": "E"})
    assert "filing.integrated_risk_rating" in str(err.value)
    with pytest.raises(InputError):
        make_company("pc", filing={"admitted_asset": 1.0e10})  # did you mean


def test_cli_workbook_reads_filing_section(tmp_path, capsys, lang):
    lang("en")
    folder = tmp_path / "life"
    shutil.copytree(LIFE, folder)
    company = folder / "company.toml"
    company.write_text(
        company.read_text(encoding="utf-8")
        + "\n[filing]\nadmitted_assets = 3.1e11\nadmitted_liabilities = 2.55e11\n"
        + 'integrated_risk_rating = "A"\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.xlsx"
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "solvency",
                str(folder / "holdings.csv"),
                "-c",
                str(company),
                "-f",
                "xlsx",
                "-o",
                str(out),
            ]
        )
    assert exc.value.code == 0
    result = evaluate(read_holdings(folder / "holdings.csv"), read_company(company))
    ind, _ = read(out, INDICATORS_SHEET)
    assert ind["认可资产"][2] == pytest.approx(3.1e11)
    assert ind["认可负债"][2] == pytest.approx(2.55e11)
    assert ind["综合风险评级"][2] == "A"
    assert ind["综合偿付能力充足率"][2] == pytest.approx(result.comprehensive_ratio)
    mc, _ = read(out, MINIMUM_CAPITAL_SHEET)
    assert mc["寿险业务保险风险最低资本"][2] == pytest.approx(result.insurance["life"])
    assert mc["特定类别保险合同损失吸收效应"][2] == pytest.approx(result.loss_absorption)
    assert mc["境外权益类资产价格风险最低资本"][2] == pytest.approx(
        result.market["overseas_equity"]
    )
    assert mc["境外固定收益类资产价格风险最低资本"][2] == pytest.approx(
        result.market["overseas_fixed_income"]
    )
