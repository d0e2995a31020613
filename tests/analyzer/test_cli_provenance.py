"""Every command reads its inputs through the validation layer and records what produced its
numbers: the provenance key of the JSON, the provenance sheet of the workbook, the table
footer; ratios above 1000% stop until accepted; a non-finite result is never written."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIFE = ROOT / "data" / "life"
PC = ROOT / "data" / "pc"
ASSUMPTIONS = ROOT / "data" / "assumptions.csv"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_provenance(prov: dict, files: dict[str, Path], command: str) -> None:
    """The digests are those of the files, the options name the command."""
    got = {f["role"]: f for f in prov["inputs"]}
    for role, path in files.items():
        assert got[role]["sha256"] == sha(path), role
        assert Path(got[role]["name"]) == Path(path)
    assert prov["options"]["command"] == command
    assert prov["analyzer_version"]
    assert prov["accepted_warnings"] == []


def test_solvency_json_records_inputs_and_options(capsys) -> None:
    code, out, _ = run(
        ["solvency", LIFE / "holdings.csv", "-c", LIFE / "company.toml", "-f", "json", "--top", 3],
        capsys,
    )
    assert code == 0
    prov = json.loads(out)["provenance"]
    check_provenance(
        prov, {"holdings": LIFE / "holdings.csv", "company": LIFE / "company.toml"}, "solvency"
    )
    assert prov["options"]["regime"] == "cross2-2025-12"
    assert prov["options"]["top"] == 3
    assert prov["options"]["format"] == "json"


def test_solvency_xlsx_has_provenance_sheet(tmp_path, capsys) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "s.xlsx"
    code, _, _ = run(
        ["solvency", PC / "holdings.csv", "-c", PC / "company.toml", "-f", "xlsx", "-o", out],
        capsys,
    )
    assert code == 0
    wb = load_workbook(out)
    assert "provenance" in wb.sheetnames
    rows = [[c.value for c in r] for r in wb["provenance"].iter_rows()]
    assert rows[0] == ["section", "item", "value"]
    inputs = {r[1]: r[2] for r in rows if r[0] == "input"}
    assert inputs[f"holdings: {PC / 'holdings.csv'}"] == sha(PC / "holdings.csv")
    assert inputs[f"company: {PC / 'company.toml'}"] == sha(PC / "company.toml")
    options = {r[1]: r[2] for r in rows if r[0] == "option"}
    assert options["regime"] == "cross2-2025-12"
    assert options["command"] == "solvency"


def test_provenance_sheet_never_writes_a_formula(tmp_path) -> None:
    from openpyxl import Workbook, load_workbook

    from analyzer.io.provenance import InputFile, Provenance
    from analyzer.report.provenance import append_sheet

    path = tmp_path / "w.xlsx"
    Workbook().save(path)
    prov = Provenance(
        inputs=(InputFile("holdings", '=HYPERLINK("http://x")', "ab" * 32),),
        options={"note": "+1+1", "at": "@SUM(A1)"},
    )
    append_sheet(path, prov)
    ws = load_workbook(path)["provenance"]
    values = [c for r in ws.iter_rows() for c in r]
    assert all(c.data_type == "s" for c in values if c.value is not None)
    assert 'holdings: =HYPERLINK("http://x")' in [c.value for c in values]


def test_solvency_table_footer_names_files_and_hashes(capsys) -> None:
    code, out, _ = run(["solvency", LIFE / "holdings.csv", "-c", LIFE / "company.toml"], capsys)
    assert code == 0
    footer = out.strip().splitlines()[-2:]
    assert f"holdings.csv (holdings) {sha(LIFE / 'holdings.csv')[:12]}" in footer[0]
    assert f"company.toml (company) {sha(LIFE / 'company.toml')[:12]}" in footer[0]
    assert "regime cross2-2025-12" in footer[1]


def test_optimize_json_records_assumptions_and_default_correlations(capsys) -> None:
    code, out, _ = run(
        [
            "optimize",
            LIFE / "holdings.csv",
            "--company",
            LIFE / "company.toml",
            "--assumptions",
            ASSUMPTIONS,
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0
    prov = json.loads(out)["provenance"]
    check_provenance(
        prov,
        {
            "holdings": LIFE / "holdings.csv",
            "company": LIFE / "company.toml",
            "assumptions": ASSUMPTIONS,
            "correlations": ASSUMPTIONS.parent / "correlations.csv",
        },
        "optimize",
    )
    assert prov["options"]["objective"] == "max_return"


def test_frontier_and_stress_and_simulate_json_carry_provenance(tmp_path, capsys) -> None:
    code, out, _ = run(
        [
            "frontier",
            PC / "holdings.csv",
            "--company",
            PC / "company.toml",
            "--assumptions",
            ASSUMPTIONS,
            "--points",
            3,
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0
    check_provenance(json.loads(out)["provenance"], {"holdings": PC / "holdings.csv"}, "frontier")
    scen = ROOT / "data" / "scenarios" / "user_example.csv"
    code, out, _ = run(
        ["stress", PC / "holdings.csv", "-c", PC / "company.toml", "-s", scen, "-q", "-f", "json"],
        capsys,
    )
    assert code == 0
    check_provenance(json.loads(out)["provenance"], {"scenarios": scen}, "stress")
    plan = tmp_path / "plan.csv"
    plan.write_text("year,commitment\n1,100000000\n2,50000000\n", encoding="utf-8")
    code, out, _ = run(
        [
            "simulate",
            PC / "holdings.csv",
            "-c",
            PC / "company.toml",
            "-a",
            ASSUMPTIONS,
            "-n",
            500,
            "--commitments",
            plan,
            "-q",
            "-f",
            "json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    check_provenance(
        data["provenance"], {"commitments": plan, "assumptions": ASSUMPTIONS}, "simulate"
    )
    assert data["provenance"]["options"]["seed"] == 20240601


def test_unknown_accept_code_is_refused(capsys) -> None:
    code, out, err = run(
        [
            "solvency",
            LIFE / "holdings.csv",
            "-c",
            LIFE / "company.toml",
            "--accept-warning",
            "result.ratio_above_1O",
        ],
        capsys,
    )
    assert code == 2
    assert out == ""
    assert "result.ratio_above_1O" in err and "result.ratio_above_10" in err


def _rich_company(tmp_path: Path) -> Path:
    """The P&C sample with almost no insurance risk and 550亿 of core tier 1 capital (below
    its 600亿 total assets): both ratios above 1000%."""
    text = (PC / "company.toml").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("nonlife_insurance"):
            line = "nonlife_insurance = 1.0e8"
        if line.startswith("core_tier1"):
            line = "core_tier1 = 5.5e10"
        lines.append(line)
    path = tmp_path / "company.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ratio_above_1000_percent_stops_until_accepted(tmp_path, capsys) -> None:
    company = _rich_company(tmp_path)
    out_file = tmp_path / "r.json"
    args = ["solvency", PC / "holdings.csv", "-c", company, "-f", "json", "-o", out_file]
    code, out, err = run(args, capsys)
    assert code == 2
    assert "result.ratio_above_10" in err and "comprehensive" in err
    assert not out_file.exists()
    code, _, _ = run([*args, "--accept-warning", "result.ratio_above_10"], capsys)
    assert code == 0
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["comprehensive_ratio"] > 10 and data["core_ratio"] > 10
    accepted = data["provenance"]["accepted_warnings"]
    assert {w["code"] for w in accepted} == {"result.ratio_above_10"}
    assert {w["column"] for w in accepted} == {"comprehensive_ratio", "core_ratio"}


def test_ratio_check_applies_to_stress_and_optimize(tmp_path, capsys) -> None:
    company = _rich_company(tmp_path)
    code, _, err = run(["stress", PC / "holdings.csv", "-c", company, "-q"], capsys)
    assert code == 2 and "result.ratio_above_10" in err
    code, _, err = run(
        ["optimize", PC / "holdings.csv", "--company", company, "--assumptions", ASSUMPTIONS],
        capsys,
    )
    assert code == 2 and "result.ratio_above_10" in err


def test_non_finite_result_is_an_internal_error_and_nothing_is_written(
    tmp_path, capsys, monkeypatch
) -> None:
    import analyzer.solvency.engine as engine

    real = engine.evaluate

    def broken(*args, **kwargs):
        return dataclasses.replace(real(*args, **kwargs), comprehensive_ratio=float("nan"))

    monkeypatch.setattr(engine, "evaluate", broken)
    out_file = tmp_path / "r.json"
    code, out, err = run(
        ["solvency", PC / "holdings.csv", "-c", PC / "company.toml", "-f", "json", "-o", out_file],
        capsys,
    )
    assert code == 1
    assert "comprehensive_ratio" in err and "non-finite" in err
    assert "Traceback" not in err
    assert not out_file.exists() and out == ""
    code, out, err = run(["solvency", PC / "holdings.csv", "-c", PC / "company.toml"], capsys)
    assert code == 1 and "non-finite" in err and "nan" not in out


def test_check_finite_finds_every_container() -> None:
    import numpy as np
    import pandas as pd

    from analyzer.api import check_finite
    from analyzer.errors import AnalyzerError

    check_finite({"a": [1.0, {"b": np.array([1.0, 2.0])}], "c": None, "d": "nan"})
    for bad, where in [
        ({"a": [1.0, {"b": float("inf")}]}, "a[1].b"),
        ({"x": np.array([[1.0, np.nan]])}, "x[0, 1]"),
        ({"t": pd.DataFrame({"v": [1.0, -np.inf]})}, "t.v[1]"),
        ([np.float32("nan")], "[0]"),
    ]:
        with pytest.raises(AnalyzerError) as exc:
            check_finite(bad)
        assert exc.value.exit_code == 1
        assert where.replace(", ", ",") in str(exc.value).replace(", ", ",")


def test_commitments_in_calendar_years_are_refused(tmp_path, capsys) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("year,commitment\n2026,100000000\n2027,100000000\n", encoding="utf-8")
    code, out, err = run(
        ["simulate", PC / "holdings.csv", "-c", PC / "company.toml", "--commitments", plan],
        capsys,
    )
    assert code == 2
    assert "row 2" in err and "'year'" in err and "calendar year" in err
    assert out == ""


def test_commitment_amounts_must_be_finite(tmp_path, capsys) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("year,commitment\n1,nan\n2,inf\n", encoding="utf-8")
    code, _, err = run(
        ["simulate", PC / "holdings.csv", "-c", PC / "company.toml", "--commitments", plan],
        capsys,
    )
    assert code == 2
    assert "row 2" in err and "row 3" in err and "commitment" in err


@pytest.mark.parametrize(
    "command", ["solvency", "optimize", "frontier", "stress", "simulate", "validate"]
)
def test_every_reading_command_takes_accept_warning_and_mapping(command: str) -> None:
    import importlib

    import typer

    app = typer.Typer()
    module = {"frontier": "optimize", "simulate": "stress"}.get(command, command)
    importlib.import_module(f"analyzer.commands.{module}").register(app)
    cmd = typer.main.get_command(app)
    sub = cmd.commands[command] if hasattr(cmd, "commands") else cmd
    options = {o for p in sub.params for o in getattr(p, "opts", [])}
    assert {"--accept-warning", "--mapping"} <= options
    accept = next(p for p in sub.params if "--accept-warning" in p.opts)
    assert accept.multiple
