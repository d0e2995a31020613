"""``analyzer stress`` and ``analyzer simulate`` on the sample insurers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[3]
PC = ROOT / "data" / "pc"
LIFE = ROOT / "data" / "life"

pytestmark = pytest.mark.skipif(
    not (PC / "holdings.csv").exists(), reason="sample insurers not generated"
)


def run(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_stress_json(capsys):
    code, out, _ = run(
        capsys,
        "stress",
        PC / "holdings.csv",
        "--company",
        PC / "company.toml",
        "--no-reverse",
        "--format",
        "json",
        "-s",
        ROOT / "data" / "scenarios" / "historical.csv",
    )
    assert code == 0
    data = json.loads(out)
    names = [s["scenario"]["name"] for s in data["scenarios"]]
    assert "annex4_macro" in names and "2015_a_share_crash" in names
    macro = data["scenarios"][0]
    assert macro["loss_core_capital"] > 0
    assert macro["stressed"]["comprehensive_ratio"] < data["base"]["comprehensive_ratio"]


def test_stress_table(capsys):
    code, out, _ = run(
        capsys, "stress", PC / "holdings.csv", "-c", PC / "company.toml", "--no-reverse"
    )
    assert code == 0 and "annex4_equity_down_30" in out


def test_bad_scenario_file_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("scenario,driver,asset_class,shock\nx,equity,,-2\n", encoding="utf-8")
    code, _, err = run(
        capsys,
        "stress",
        PC / "holdings.csv",
        "-c",
        PC / "company.toml",
        "--no-reverse",
        "--no-annex4",
        "-s",
        bad,
    )
    assert code == 2
    assert "row 2" in err and "'shock'" in err and "-100%" in err


def test_simulate_json(capsys, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("year,commitment\n1,1e9\n2,1e9\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        "simulate",
        LIFE / "holdings.csv",
        "-c",
        LIFE / "company.toml",
        "-a",
        ROOT / "data" / "assumptions.csv",
        "-n",
        20000,
        "--seed",
        1,
        "--commitments",
        plan,
        "--horizon",
        5,
        "--format",
        "json",
        "-q",
    )
    assert code == 0
    data = json.loads(out)
    assert data["simulation"]["n_scenarios"] == 20000
    assert 0 <= data["simulation"]["probabilities"]["comprehensive_below_100"] <= 1
    assert len(data["commitments"]["years"]) == 5


def test_accounting_column_wins_over_fair_value_share_with_a_note(capsys, tmp_path):
    """A holdings file with `accounting` on some rows and --fair-value-share: the column is
    used where given and the run says so (docs/formats.md §4)."""
    import csv

    rows = list(csv.DictReader((PC / "holdings.csv").open(encoding="utf-8")))
    header = list(rows[0]) + ["accounting"]
    for i, row in enumerate(rows):
        row["accounting"] = "amortised_cost" if i == 0 else ""
    path = tmp_path / "holdings.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    args = ("stress", path, "-c", PC / "company.toml", "--no-reverse", "-q")
    code, _, err = run(capsys, *args, "--fair-value-share", "0.5")
    assert code == 0
    assert "accounting is given for 1 position(s)" in err
    code, _, err = run(capsys, *args)
    assert code == 0 and "accounting is given" not in err


def test_stress_json_new_fields(capsys):
    """Added fields: every scenario's separate_account_value_change, the new parameters, and
    --mixed-equity-share in force."""
    code, out, _ = run(
        capsys,
        "stress",
        PC / "holdings.csv",
        "--company",
        PC / "company.toml",
        "--no-reverse",
        "--mixed-equity-share",
        "0.5",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    p = data["parameters"]
    assert p["mixed_equity_share"] == 0.5
    assert p["products_by_kind"] is True and p["default_fixed_income_products"] is True
    assert all("separate_account_value_change" in s for s in data["scenarios"])
