"""`analyzer project`: formats, the JSON keys, the year-end stresses, one-line errors, and the
exported dates re-run by `analyzer solvency`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[3]
LIFE = ROOT / "data" / "life"
DATA = ROOT / "data"
BASE = [
    "project",
    str(LIFE / "holdings.csv"),
    "-c",
    str(LIFE / "company.toml"),
    "-a",
    str(DATA / "assumptions.csv"),
    "--templates",
    str(DATA / "templates.csv"),
    "--accept-warning",
    "holdings.face_value_ratio",
]


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture(scope="module")
def projected(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("project") / "p.json"
    with pytest.raises(SystemExit) as exc:
        main(
            BASE
            + [
                "--plan",
                str(LIFE / "plan.toml"),
                "--commitments",
                str(LIFE / "commitments.csv"),
                "-f",
                "json",
                "-o",
                str(out),
            ]
        )
    assert exc.value.code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_json_has_the_documented_keys(projected: dict) -> None:
    assert projected["valuation_date"] == "2025-12-31"
    assert len(projected["dates"]) == 12 and projected["dates"][-1] == "2028-12-31"
    for p in projected["periods"]:
        assert {
            "date",
            "core_ratio",
            "comprehensive_ratio",
            "minimum_capital",
            "actual_capital",
            "core_capital",
            "sci_tech_share",
            "weights",
            "stressed",
        } <= set(p)
        assert p["comprehensive_ratio"] == pytest.approx(p["actual_capital"] / p["minimum_capital"])
        assert sum(p["weights"].values()) == pytest.approx(1.0)
    stressed = [bool(p["stressed"]) for p in projected["periods"]]
    assert stressed == [False, False, False, True] * 3
    macro = projected["periods"][3]["stressed"][0]
    assert macro["scenario"] == "annex4_macro"
    assert macro["comprehensive_ratio"] < projected["periods"][3]["comprehensive_ratio"]
    # the programme per date (signed 15亿 in year 1: 25% called in the first year)
    assert [r["date"] for r in projected["commitments"]] == projected["dates"]
    assert sum(r["calls"] for r in projected["commitments"][:4]) == pytest.approx(0.25 * 1.5e9)
    assert set(projected["programme"]["vintages"]) == {"signed:1", "signed:2"}
    assert "provenance" in projected


def test_the_plan_flows_reach_the_book_and_capital(projected: dict) -> None:
    # new money 200亿 a year in four quarters; the approved 50亿 bond in 2027-Q2 only
    flows = [p["flows"] for p in projected["periods"]]
    assert [f["new_money"] for f in flows] == pytest.approx([5e9] * 12)
    assert [f["capital_actions"] for f in flows] == pytest.approx([0] * 5 + [5e9] + [0] * 6)
    tiers = [p["capital_tiers"] for p in projected["periods"]]
    assert tiers[5]["supplementary_tier2"] - tiers[4]["supplementary_tier2"] == pytest.approx(5e9)
    # the signed programme: 15亿 in year 1 and 10亿 in year 2, 25% called in the first year
    calls = [f["calls"] for f in flows]
    assert sum(calls[:4]) == pytest.approx(0.25 * 1.5e9)


def test_unapproved_actions_count_only_when_asked(tmp_path, capsys) -> None:
    out = tmp_path / "all.json"
    code, _, err = run(
        BASE
        + ["--plan", str(LIFE / "plan.toml"), "--include-unapproved", "--years", "3"]
        + ["-f", "json", "-o", str(out), "--step", "year"],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out.read_text(encoding="utf-8"))
    assert [p["flows"]["capital_actions"] for p in d["periods"]] == pytest.approx([0, 5e9, 3e9])


def test_table_and_xlsx(tmp_path, capsys) -> None:
    code, out, err = run(BASE + ["--plan", str(LIFE / "plan.toml"), "--step", "year"], capsys)
    assert code == 0, err
    assert "annex4_macro" in out and "2026-12-31" in out
    from openpyxl import load_workbook

    target = tmp_path / "p.xlsx"
    code, _, err = run(
        BASE
        + ["--plan", str(LIFE / "plan.toml"), "--step", "year", "-f", "xlsx", "-o", str(target)],
        capsys,
    )
    assert code == 0, err
    book = load_workbook(target, read_only=True)
    assert {"periods", "stressed", "weights", "compliance", "provenance"} <= set(book.sheetnames)


def _plan(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "plan.toml"
    p.write_text(body, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("body", "row", "field"),
    [
        (
            "valuation_date = 2025-12-31\n[[periods]]\ndate = 2025-06-30\nnew_money = 1e9\n",
            1,
            "periods.date",
        ),
        (
            'valuation_date = 2025-12-31\n[policy]\nkind = "glide"\n[[policy.glide]]\n'
            "date = 2026-12-31\nweights = { cash = 0.5, government_bond = 0.4 }\n",
            1,
            "policy.glide.weights",
        ),
        (
            "valuation_date = 2025-12-31\n[[periods]]\nyear = 1\nnew_money = -5e11\n",
            1,
            "new_money",
        ),
    ],
    ids=["date-before-valuation", "weights-not-one", "outflow-too-large"],
)
def test_bad_plans_are_one_line_errors(tmp_path, capsys, body, row, field) -> None:
    plan = _plan(tmp_path, body)
    out = tmp_path / "never.json"
    code, _, err = run(BASE + ["--plan", str(plan), "-f", "json", "-o", str(out)], capsys)
    assert code == 2
    assert "plan.toml" in err and field in err, err
    assert not out.exists()


def test_a_commitment_to_an_unknown_class_is_refused(tmp_path, capsys) -> None:
    from analyzer.errors import InputError
    from analyzer.forward.plan_file import read_new_commitments

    f = tmp_path / "new.csv"
    f.write_text("year,asset_class,max_commitment\n1,vc_fnd,2e9\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_new_commitments(f, classes=("vc_fund", "cash"), years=3)
    p = err.value.problems[0]
    assert (p.row, p.column) == (2, "asset_class") and "vc_fund" in p.message


def test_a_plan_year_beyond_the_projection_is_refused(capsys) -> None:
    code, _, err = run(BASE + ["--plan", str(LIFE / "plan.toml"), "--years", "1"], capsys)
    assert code == 2 and "periods.year" in err and "--years" in err


def test_years_out_of_range_is_refused(capsys) -> None:
    code, _, err = run(BASE + ["--plan", str(LIFE / "plan.toml"), "--years", "0"], capsys)
    assert code == 2 and "--years" in err


def test_every_exported_date_reruns_to_the_projected_ratios(tmp_path, capsys) -> None:
    from analyzer.services.reading import load_inputs
    from analyzer.solvency.engine import evaluate

    out, export = tmp_path / "p.json", tmp_path / "dates"
    code, _, err = run(
        BASE
        + ["--plan", str(LIFE / "plan.toml"), "--commitments", str(LIFE / "commitments.csv")]
        + ["-f", "json", "-o", str(out), "--export-holdings", str(export)],
        capsys,
    )
    assert code == 0, err
    periods = json.loads(out.read_text(encoding="utf-8"))["periods"]
    assert sorted(p.name for p in export.iterdir()) == [p["date"] for p in periods]
    for p in periods:
        d = export / p["date"]
        i = load_inputs(
            d / "holdings.csv", d / "company.toml", accept=["holdings.face_value_ratio"]
        )
        r = evaluate(i.holdings, i.company, scitech=False)
        assert r.comprehensive_ratio == p["comprehensive_ratio"]
        assert r.core_ratio == p["core_ratio"]
        assert r.minimum_capital == p["minimum_capital"]
    # and the command line on the last date
    last = export / periods[-1]["date"]
    code, text_out, err = run(
        ["solvency", str(last / "holdings.csv"), "-c", str(last / "company.toml"), "-f", "json"]
        + ["--no-positions", "--accept-warning", "holdings.face_value_ratio"],
        capsys,
    )
    assert code == 0, err
    assert json.loads(text_out)["comprehensive_ratio"] == periods[-1]["comprehensive_ratio"]


def test_an_export_into_a_used_directory_is_refused_and_nothing_is_written(
    tmp_path, capsys
) -> None:
    export = tmp_path / "dates"
    export.mkdir()
    (export / "keep.txt").write_text("mine", encoding="utf-8")
    out = tmp_path / "p.json"
    code, _, err = run(
        BASE
        + ["--plan", str(LIFE / "plan.toml"), "--step", "year", "-f", "json", "-o", str(out)]
        + ["--export-holdings", str(export)],
        capsys,
    )
    assert code == 2 and "dates" in err
    assert not out.exists() and [p.name for p in export.iterdir()] == ["keep.txt"]
