"""The look-through file (``--look-through FILE``): read with the holdings checks, refused
with file, row and column (exit 2, nothing written), warned when the shares leave a
remainder, recorded in the provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.errors import InputError, UnacceptedWarningError
from analyzer.services.reading import load_inputs

ROOT = Path(__file__).resolve().parents[3]
PC = ROOT / "data" / "pc"
HEADER = (
    "parent_id,share,id,asset_type,rating,modified_duration,board,purchase_cost,holding_years,"
    "csi300,dividend_low_vol_100,strategic_emerging,counterparty,green,region,sci_tech"
)
#: P0266 is a PE/VC fund looked through; P0282 an insurance ABS plan looked through (pc sample)
GOOD = [
    "P0266,0.7,ue1,unlisted_equity,,,,,,,,,acme,,,",
    "P0266,0.3,st1,stock,,,main,40000000,1,,,,,,,",
    "P0282,1.0,cb1,corporate_bond,AA+,3.5,,,,,,,bankco,,,",
]


def write(tmp_path: Path, rows: list[str], name: str = "lt.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(args: list, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def solvency(tmp_path: Path, lt: Path, capsys, *more) -> tuple[int, str, Path]:
    out = tmp_path / "out.json"
    code, _, err = run(
        [
            "--lang",
            "en",
            "solvency",
            PC / "holdings.csv",
            "--company",
            PC / "company.toml",
            "--look-through",
            lt,
            "--format",
            "json",
            "--no-positions",
            "-o",
            out,
            *more,
        ],
        capsys,
    )
    return code, err, out


def test_good_file_is_read_recorded_and_changes_the_charges(tmp_path, capsys):
    code, err, out = solvency(tmp_path, write(tmp_path, GOOD), capsys)
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    roles = [i["role"] for i in data["provenance"]["inputs"]]
    assert roles == ["holdings", "company", "look_through"]
    inputs = load_inputs(
        holdings=PC / "holdings.csv",
        company=PC / "company.toml",
        look_through=write(tmp_path, GOOD),
    )
    lt = inputs.holdings.look_through
    assert list(lt.frame["id"]) == ["P0266/ue1", "P0266/st1", "P0282/cb1"]
    # market value = share x the parent's
    mv = inputs.holdings.frame.set_index("id")["market_value"]
    assert lt.frame["market_value"].iloc[0] == pytest.approx(0.7 * mv["P0266"])


@pytest.mark.parametrize(
    ("row", "column", "needle"),
    [
        ("NOPE,1.0,x1,unlisted_equity,,,,,,,,,,,,", "parent_id", "is not an id of the holdings"),
        ("P0265,1.0,x1,unlisted_equity,,,,,,,,,,,,", "parent_id", "look_through = false"),
        ("P0182,1.0,x1,unlisted_equity,,,,,,,,,,,,", "parent_id", "not a non-base asset"),
        ("P0172,1.0,x1,corporate_bond,AA,2,,,,,,,,,,", "parent_id", "exempt = true"),
        ("P0266,40,x1,unlisted_equity,,,,,,,,,,,,", "share", "above 0 and at most 1"),
        ("P0266,0,x1,unlisted_equity,,,,,,,,,,,,", "share", "above 0 and at most 1"),
        ("P0266,abc,x1,unlisted_equity,,,,,,,,,,,,", "share", "number"),
        ("P0266,1.0,x1,trust_plan,AA,,,,,,,,,,,", "asset_type", "nested look-through"),
        ("P0266,1.0,x1,corporate_bond,,2,,,,,,,,,,", "rating", ""),  # a holdings rule
        ("P0266,1.0,x1,unlisted_equity,,,,,,,,,,,,maybe", "sci_tech", ""),  # a holdings rule
    ],
)
def test_bad_row_is_refused_naming_file_row_column(tmp_path, capsys, row, column, needle):
    lt = write(tmp_path, [row])
    code, err, out = solvency(tmp_path, lt, capsys)
    assert code == 2
    assert not out.exists()
    first = err.strip().splitlines()[0]
    assert "lt.csv" in first and "row 2" in first and f"'{column}'" in first, err
    assert needle in err


def test_shares_above_one_refused(tmp_path, capsys):
    lt = write(
        tmp_path,
        [
            "P0266,0.7,ue1,unlisted_equity,,,,,,,,,,,,",
            "P0266,0.4,ue2,unlisted_equity,,,,,,,,,,,,",
        ],
    )
    code, err, out = solvency(tmp_path, lt, capsys)
    assert code == 2 and not out.exists()
    assert "lt.csv" in err and "'share'" in err and "rows 2, 3" in err
    assert "add up to 1.1" in err


def test_shares_within_tolerance_of_one_accepted(tmp_path, capsys):
    lt = write(
        tmp_path,
        [
            "P0266,0.5000005,ue1,unlisted_equity,,,,,,,,,,,,",
            "P0266,0.5,ue2,unlisted_equity,,,,,,,,,,,,",
        ],
    )
    code, err, _ = solvency(tmp_path, lt, capsys)
    assert code == 0, err


def test_shares_below_one_warn_until_accepted(tmp_path, capsys):
    lt = write(tmp_path, ["P0266,0.6,ue1,unlisted_equity,,,,,,,,,,,,"])
    code, err, out = solvency(tmp_path, lt, capsys)
    assert code == 2 and not out.exists()
    assert "look_through.shares_below_one" in err
    code, err, out = solvency(
        tmp_path, lt, capsys, "--accept-warning", "look_through.shares_below_one"
    )
    assert code == 0, err
    with pytest.raises(UnacceptedWarningError):
        load_inputs(holdings=PC / "holdings.csv", look_through=lt)


def test_market_value_column_and_missing_share_refused(tmp_path):
    path = tmp_path / "lt.csv"
    path.write_text("parent_id,id,asset_type,market_value\nP0266,x,stock,5\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_inputs(holdings=PC / "holdings.csv", look_through=path)
    cols = {p.column for p in exc.value.problems}
    assert {"market_value", "share"} <= cols
    assert all(p.row == 1 and p.file.endswith("lt.csv") for p in exc.value.problems)


def test_validate_lists_look_through_problems(tmp_path, capsys):
    lt = write(tmp_path, ["NOPE,1.0,x1,unlisted_equity,,,,,,,,,,,,"])
    code, out, _ = run(
        [
            "validate",
            PC / "holdings.csv",
            "--company",
            PC / "company.toml",
            "--look-through",
            lt,
            "-f",
            "json",
        ],
        capsys,
    )
    assert code == 2
    data = json.loads(out)
    found = {(Path(p["file"]).name, p["row"], p["column"]) for p in data["problems"]}
    assert ("lt.csv", 2, "parent_id") in found


def test_parents_without_underlyings_get_a_note(tmp_path):
    inputs = load_inputs(holdings=PC / "holdings.csv", look_through=write(tmp_path, GOOD))
    notes = [str(n.en if hasattr(n, "en") else n) for _, n in inputs.notes]
    assert any("have no rows in the look-through file" in n and "P0173" in n for n in notes)
