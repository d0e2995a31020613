"""The `analyzer solvency` command: formats, the keys of docs/formats.md §5, exit codes, no
partial output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIFE = ROOT / "data" / "life"
PC = ROOT / "data" / "pc"

CONTRACT_KEYS = {
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
}


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.mark.parametrize("sample", [LIFE, PC], ids=["life", "pc"])
def test_json_follows_contract(sample: Path, capsys) -> None:
    code, out, _ = run(
        [
            "solvency",
            str(sample / "holdings.csv"),
            "--company",
            str(sample / "company.toml"),
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) >= CONTRACT_KEYS
    assert set(data["market"]) == {
        "interest_rate",
        "equity",
        "real_estate",
        "overseas_fixed_income",
        "overseas_equity",
        "fx",
        "total",
    }
    assert set(data["credit"]) == {"spread", "default", "total"}
    assert set(data["insurance"]) == {"life", "nonlife"}
    row = data["holdings"][0]
    assert set(row) == {"id", "module", "exposure", "factor", "capital", "marginal_capital"}
    # docs/formats.md §5: ratios are capital / minimum capital
    assert data["comprehensive_ratio"] == pytest.approx(
        data["actual_capital"] / data["minimum_capital"], rel=1e-12
    )
    assert data["core_ratio"] == pytest.approx(
        data["core_capital"] / data["minimum_capital"], rel=1e-12
    )
    # Euler contributions of holdings plus the non-holding items add up to minimum capital
    total = sum(h["marginal_capital"] for h in data["holdings"]) + sum(data["euler"].values())
    assert total == pytest.approx(data["minimum_capital"], rel=1e-9)
    holdings = pd.read_csv(sample / "holdings.csv")
    assert {h["id"] for h in data["holdings"]} == set(holdings["id"])


def test_table_report_reads_well(capsys) -> None:
    code, out, _ = run(
        ["solvency", str(LIFE / "holdings.csv"), "--company", str(LIFE / "company.toml")], capsys
    )
    assert code == 0
    for text in (
        "Solvency ratios",
        "comprehensive",
        "minimum capital 最低资本",
        "Investment-ratio compliance",
        "Ten largest capital consumers",
        "Sci-tech view",
        "diversification",
        "Rule 8 Art. 69-70",
    ):
        assert text in out


def test_xlsx_written_atomically(tmp_path: Path, capsys) -> None:
    target = tmp_path / "report.xlsx"
    code, _, _ = run(
        [
            "solvency",
            str(PC / "holdings.csv"),
            "--company",
            str(PC / "company.toml"),
            "--format",
            "xlsx",
            "--output",
            str(target),
        ],
        capsys,
    )
    assert code == 0
    sheets = pd.read_excel(target, sheet_name=None)
    assert {"Summary", "Holdings", "Charges", "Compliance"} <= set(sheets)
    assert "article" in sheets["Charges"].columns
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_bad_input_exit_2_and_no_output(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    frame = pd.read_csv(PC / "holdings.csv", dtype=str, keep_default_na=False)
    frame.loc[3, "asset_type"] = "crypto"
    frame.to_csv(bad, index=False)
    target = tmp_path / "out.json"
    code, out, err = run(
        [
            "solvency",
            str(bad),
            "--company",
            str(PC / "company.toml"),
            "--format",
            "json",
            "--output",
            str(target),
        ],
        capsys,
    )
    assert code == 2
    assert "row 5" in err and "asset_type" in err and "crypto" in err and "allowed" in err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.csv"]


def test_unknown_regime_exit_2(capsys) -> None:
    code, _, err = run(
        [
            "solvency",
            str(PC / "holdings.csv"),
            "--company",
            str(PC / "company.toml"),
            "--regime",
            "cross2-1999",
        ],
        capsys,
    )
    assert code == 2
    assert "cross2-2025-12" in err  # the message lists what is allowed


def test_console_script_help() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer.cli", "--help"], capture_output=True, text=True, check=True
    )
    for cmd in ("solvency", "aggregate", "regimes"):
        assert cmd in proc.stdout


def test_core_does_not_import_dash() -> None:
    code = (
        "import sys, analyzer.solvency.engine, analyzer.solvency.capital_map, analyzer.cli;"
        "print(any(m.split('.')[0] in ('dash', 'plotly') for m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
