"""`analyzer plan`: floors met by the engine at every date (base, stressed, sci-tech path), the
exported dates re-run to the plan's ratios, xlsx, an infeasible plan explained (exit 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[3]
LIFE = ROOT / "data" / "life"
DATA = ROOT / "data"
BASE = [
    "plan",
    str(LIFE / "holdings.csv"),
    "-c",
    str(LIFE / "company.toml"),
    "-a",
    str(DATA / "assumptions.csv"),
    "--plan",
    str(LIFE / "plan.toml"),
    "--templates",
    str(DATA / "templates.csv"),
    "--commitments",
    str(LIFE / "commitments.csv"),
    "--new-commitments",
    str(LIFE / "new_commitments.csv"),
    "--accept-warning",
    "holdings.face_value_ratio",
]
FLOORS = ["--min-comprehensive", "1.5", "--min-core", "0.75", "--max-turnover", "0.1"]


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> tuple[dict, Path]:
    tmp = tmp_path_factory.mktemp("plan")
    out, export = tmp / "plan.json", tmp / "dates"
    with pytest.raises(SystemExit) as exc:
        main(
            BASE
            + FLOORS
            + ["--stressed-min-comprehensive", "1.0"]
            + ["--sci-tech-path", str(LIFE / "sci_tech_path.csv")]
            + ["-f", "json", "-o", str(out), "--export-holdings", str(export)]
        )
    assert exc.value.code == 0
    return json.loads(out.read_text(encoding="utf-8")), export


def test_every_floor_is_met_by_the_engine(planned) -> None:
    data, _ = planned
    assert data["policy"] == "amounts" and data["plan"]["converged"]
    path = {3: 0.08, 7: 0.10, 11: 0.12}
    for k, p in enumerate(data["periods"]):
        assert p["comprehensive_ratio"] >= 1.5 - 1e-6, p["date"]
        assert p["core_ratio"] >= 0.75 - 1e-6, p["date"]
        floor = max((v for s, v in path.items() if s <= k), default=0.0)
        assert p["sci_tech_share"] >= floor - 1e-6, p["date"]
        if (k + 1) % 4 == 0:
            macro = next(s for s in p["stressed"] if s["scenario"] == "annex4_macro")
            assert macro["comprehensive_ratio"] >= 1.0 - 1e-6, p["date"]
        else:
            assert p["stressed"] == []
    # the plan's amounts are the book the engine evaluated (cash may keep solver residue)
    for p in data["periods"]:
        planned_total = sum(data["plan"]["amounts"][p["date"]].values())
        assert p["total_invested"] == pytest.approx(
            planned_total + sum(r["nav"] for r in data["commitments"] if r["date"] == p["date"]),
            rel=1e-6,
        )


def test_the_exported_dates_rerun_to_the_plans_ratios(planned, capsys) -> None:
    data, export = planned
    for p in (data["periods"][0], data["periods"][-1]):
        d = export / p["date"]
        code, out, err = run(
            ["solvency", str(d / "holdings.csv"), "-c", str(d / "company.toml"), "-f", "json"]
            + ["--no-positions", "--accept-warning", "holdings.face_value_ratio"],
            capsys,
        )
        assert code == 0, err
        got = json.loads(out)
        assert got["comprehensive_ratio"] == p["comprehensive_ratio"]
        assert got["core_ratio"] == p["core_ratio"]


def test_the_binding_floors_carry_shadow_prices_in_business_units(planned) -> None:
    data, _ = planned
    binding = data["plan"]["binding"]
    assert binding, "a 150% floor with a 10% turnover cap binds somewhere"
    for b in binding:
        assert b["shadow_price"] > 0
        if b["bp_per_yi"] is not None:  # a capital floor: 1亿 more capital in bp of the book
            assert b["requested"] in (1.5, 0.75, 1.0)
            terminal = data["periods"][-1]["total_invested"]
            assert b["bp_per_yi"] == pytest.approx(b["shadow_price"] * 1e8 / terminal * 1e4)


def test_table_and_xlsx(tmp_path, capsys) -> None:
    target = tmp_path / "plan.xlsx"
    code, _, err = run(BASE + FLOORS + ["--step", "year", "-f", "xlsx", "-o", str(target)], capsys)
    assert code == 0, err
    from openpyxl import load_workbook

    names = set(load_workbook(target, read_only=True).sheetnames)
    assert {"periods", "stressed", "plan_amounts", "plan_commitments", "binding", "rounds"} <= names
    code, out, err = run(BASE + FLOORS + ["--step", "year"], capsys)
    assert code == 0, err
    assert "Rounds against the engine" in out and "plan_amounts" not in out


def test_an_infeasible_plan_names_the_date_and_the_limit(tmp_path, capsys) -> None:
    out = tmp_path / "never.json"
    code, _, err = run(
        BASE
        + ["--step", "year", "--stressed-min-comprehensive", "9.0", "-f", "json", "-o", str(out)],
        capsys,
    )
    assert code == 3, err
    assert "Annex 4 macro scenario at 20" in err and "ratio points" in err and "亿元" in err
    assert not out.exists()


def test_a_percent_floor_is_refused(capsys) -> None:
    code, _, err = run(BASE + ["--min-comprehensive", "150"], capsys)
    assert code == 2 and "min_comprehensive" in err.replace("-", "_")


def test_limits_the_plan_does_not_apply_are_refused(tmp_path, capsys) -> None:
    lim = tmp_path / "limits.toml"
    lim.write_text("[solvency]\nmin_comprehensive = 1.5\n[classes.cash]\nmin = 0.02\n")
    code, _, err = run(BASE + ["--step", "year", "--limits", str(lim)], capsys)
    assert code == 2 and "limits.toml" in err and "class_bounds" in err


def test_the_limits_files_floor_is_the_plans(tmp_path, capsys) -> None:
    lim = tmp_path / "limits.toml"
    lim.write_text("[solvency]\nmin_comprehensive = 1.6\n")
    out = tmp_path / "p.json"
    code, _, err = run(
        BASE + ["--step", "year", "--limits", str(lim), "-f", "json", "-o", str(out)], capsys
    )
    assert code == 0, err
    periods = json.loads(out.read_text(encoding="utf-8"))["periods"]
    assert min(p["comprehensive_ratio"] for p in periods) >= 1.6 - 1e-6
