"""`analyzer validate`: every problem and warning across the files given, at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIFE = ROOT / "data" / "life"
ASSUMPTIONS = ROOT / "data" / "assumptions.csv"


def run(args: list, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, Path]:
    """The life sample with two bad market values and a company file whose SARMRA score is
    text (each file has its own problems)."""
    lines = (LIFE / "holdings.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    mv = header.index("market_value")
    for row, value in ((1, "abc"), (2, "-5")):
        cells = lines[row].split(",")
        cells[mv] = value
        lines[row] = ",".join(cells)
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    company = tmp_path / "company.toml"
    text = (LIFE / "company.toml").read_text(encoding="utf-8")
    company.write_text(text.replace("sarmra_score = 78", 'sarmra_score = "x"'), encoding="utf-8")
    for name in ("liability_cash_flows.csv", "spot_curve.csv"):
        (tmp_path / name).write_bytes((LIFE / name).read_bytes())
    return holdings, company


def test_clean_files_exit_0(capsys) -> None:
    code, out, err = run(
        ["validate", LIFE / "holdings.csv", "-c", LIFE / "company.toml", "-a", ASSUMPTIONS],
        capsys,
    )
    assert code == 0, err
    assert "no problem found in 4 file(s)" in out


def test_every_problem_of_every_file_listed_at_once(broken, capsys) -> None:
    holdings, company = broken
    code, out, err = run(["validate", holdings, "-c", company, "-f", "json"], capsys)
    assert code == 2
    data = json.loads(out)
    assert data["ok"] is False
    found = {(Path(p["file"]).name, p["row"], p["column"]) for p in data["problems"]}
    assert ("holdings.csv", 2, "market_value") in found
    assert ("holdings.csv", 3, "market_value") in found
    assert any(f == "company.toml" and "sarmra_score" in (c or "") for f, _, c in found)
    assert "3 problem(s)" in err or f"{len(data['problems'])} problem(s)" in err


def test_table_lists_problems(broken, capsys) -> None:
    holdings, company = broken
    code, out, _ = run(["validate", holdings, "-c", company], capsys)
    assert code == 2
    assert out.count("market_value") == 2
    assert "sarmra_score" in out


def test_unaccepted_warning_fails_and_accepting_passes(tmp_path, capsys, monkeypatch) -> None:
    """A warning from any reader stops validate (exit 2) until accepted; then it is listed
    as accepted and the exit status is 0."""
    from analyzer.errors import InputWarning
    from analyzer.io import company as company_module
    from analyzer.io import rules

    code_id = "test.cli_validate_warning"
    monkeypatch.setitem(
        rules.RULES, code_id, rules.Rule(code_id, "warn", rules.Text("test", "测试"))
    )
    real = company_module.read_company

    class Warned:
        def __init__(self, inner):
            self._inner = inner
            self.warnings = (
                InputWarning(code_id, "company.toml", "total_assets", (), "looks odd"),
            )

        def __getattr__(self, name):
            return getattr(self._inner, name)

    monkeypatch.setattr(company_module, "read_company", lambda p: Warned(real(p)))
    args = ["validate", LIFE / "holdings.csv", "-c", LIFE / "company.toml", "-f", "json"]
    code, out, _ = run(args, capsys)
    assert code == 2
    data = json.loads(out)
    assert [w["code"] for w in data["warnings"]] == [code_id]
    code, out, _ = run([*args, "--accept-warning", code_id], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True
    assert [w["code"] for w in data["accepted_warnings"]] == [code_id]
    assert [w["code"] for w in data["provenance"]["accepted_warnings"]] == [code_id]


def test_missing_file_is_a_problem_not_a_traceback(tmp_path, capsys) -> None:
    code, out, err = run(["validate", tmp_path / "nope.csv", "-c", LIFE / "company.toml"], capsys)
    assert code == 2
    assert "nope.csv" in out
    assert "Traceback" not in err
