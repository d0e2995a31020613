"""``analyzer aggregate`` on the command line (docs/formats.md §4): output, exit codes, errors.

Bad input exits 2 with one line on stderr naming the file, row and column, and leaves no
output file behind (written to a temporary file beside it, then renamed).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analyzer.cli import main
from analyzer.topdown import OUTPUT_COLUMNS, REQUIRED_COLUMNS

HEADER = [*REQUIRED_COLUMNS, "total_assets", "size_coefficient"]
# Golden rows of test_topdown (amounts in 万元, total assets in CNY).
ROWS = [
    [
        "甲人寿",
        "2025Q3",
        "life",
        "1000",
        "200",
        "800",
        "300",
        "100",
        "-20",
        "10",
        "2000",
        "2500",
        "1e11",
        "",
    ],
    ["乙财险", "2025Q3", "pc", "0", "300", "400", "200", "0", "15", "0", "900", "1200", "", "-0.1"],
    [
        "丙再保",
        "2025Q3",
        "reinsurer",
        "100",
        "500",
        "300",
        "200",
        "50",
        "-5",
        "0",
        "800",
        "1000",
        "3e11",
        "",
    ],
]
MINIMUM = [1436.226784, 566.282142, 663.609769]


def write_csv(path: Path, rows=ROWS, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_csv_to_stdout(tmp_path, capsys):
    src = write_csv(tmp_path / "modules.csv")
    code, out, err = run(["aggregate", str(src)], capsys)
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns[: len(HEADER)]) == HEADER
    assert set(OUTPUT_COLUMNS) <= set(frame.columns)
    assert frame["minimum_capital"].tolist() == pytest.approx(MINIMUM, abs=1e-6)
    assert frame["size_coefficient"].tolist() == [-0.05, -0.1, 0.0]
    assert frame["company"].tolist() == ["甲人寿", "乙财险", "丙再保"]


def test_json_to_file(tmp_path, capsys):
    src = write_csv(tmp_path / "modules.csv")
    dest = tmp_path / "out" / "result.json"
    dest.parent.mkdir()
    code, out, err = run(
        [
            "aggregate",
            str(src),
            "--format",
            "json",
            "--output",
            str(dest),
            "--regime",
            "cross2-2023-09",
        ],
        capsys,
    )
    assert code == 0, err
    assert out == ""
    records = json.loads(dest.read_text(encoding="utf-8"))
    assert [r["minimum_capital"] for r in records] == pytest.approx(MINIMUM, abs=1e-6)
    assert records[0]["comprehensive_ratio"] == pytest.approx(1.740672, abs=1e-6)
    assert records[1]["total_assets"] is None  # blank cell -> null, not NaN
    assert list(dest.parent.iterdir()) == [dest]  # no temporary file left


def test_xlsx_input(tmp_path, capsys):
    src = tmp_path / "modules.xlsx"
    pd.read_csv(write_csv(tmp_path / "m.csv"), dtype=str, keep_default_na=False).to_excel(
        src, index=False
    )
    code, out, err = run(["aggregate", str(src)], capsys)
    assert code == 0, err
    assert pd.read_csv(io.StringIO(out))["minimum_capital"].tolist() == pytest.approx(MINIMUM)


def test_assets_unit(tmp_path, capsys):
    """1000亿 of total assets as 10000000 万元: -0.05 with --assets-unit wan."""
    rows = [ROWS[0][:12] + ["10000000", ""]]
    src = write_csv(tmp_path / "modules.csv", rows=rows)
    code, out, _ = run(["aggregate", str(src), "--assets-unit", "wan"], capsys)
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["size_coefficient"].iloc[0] == -0.05


def bad(rows_edit=None, header=HEADER):
    rows = [list(r) for r in ROWS]
    if rows_edit:
        rows_edit(rows)
    return rows, header


CASES = {
    # name: (rows, header, expected fragments on stderr)
    "missing column": (
        ROWS,
        [c if c != "credit" else "kredit" for c in HEADER],
        ["column 'credit'", "required column missing"],
    ),
    "non-numeric": (
        *bad(lambda r: r[1].__setitem__(5, "n/a")),
        ["row 3", "column 'market'", "not a number"],
    ),
    "negative": (
        *bad(lambda r: r[2].__setitem__(3, "-1")),
        ["row 4", "column 'life_insurance'", "negative"],
    ),
    "company type": (
        *bad(lambda r: r[0].__setitem__(2, "health")),
        ["row 2", "column 'company_type'", "allowed: life, pc, reinsurer"],
    ),
    "no size": (
        *bad(lambda r: r[2].__setitem__(12, "")),
        ["row 4", "column 'size_coefficient'", "neither total_assets nor"],
    ),
    "size value": (
        *bad(lambda r: r[1].__setitem__(13, "-0.2")),
        ["row 3", "column 'size_coefficient'", "allowed: 0, -0.05, -0.1"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exit_2_one_line_no_output(tmp_path, capsys, case):
    rows, header, fragments = CASES[case]
    src = write_csv(tmp_path / "modules.csv", rows=rows, header=header)
    dest = tmp_path / "result.csv"
    code, out, err = run(["aggregate", str(src), "--output", str(dest)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(src) in lines[0]
    for fragment in fragments:
        assert fragment in lines[0]
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["modules.csv"]


def test_bad_input_keeps_an_existing_output_file(tmp_path, capsys):
    src = write_csv(tmp_path / "modules.csv", rows=bad(lambda r: r[0].__setitem__(5, "x"))[0])
    dest = tmp_path / "result.csv"
    dest.write_text("previous run\n", encoding="utf-8")
    code, _, _ = run(["aggregate", str(src), "--output", str(dest)], capsys)
    assert code == 2
    assert dest.read_text(encoding="utf-8") == "previous run\n"


def test_missing_file_and_unknown_regime(tmp_path, capsys):
    code, _, err = run(["aggregate", str(tmp_path / "nope.csv")], capsys)
    assert code == 2 and "file not found" in err
    src = write_csv(tmp_path / "modules.csv")
    code, _, err = run(["aggregate", str(src), "--regime", "cross2-1999"], capsys)
    assert code == 2 and "unknown regime" in err


def test_subprocess(tmp_path):
    """The module entry point, as a risk officer's script would call it."""
    src = write_csv(tmp_path / "modules.csv")
    done = subprocess.run(
        [sys.executable, "-m", "analyzer.cli", "aggregate", str(src), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 3


def test_output_folder_missing(tmp_path, capsys):
    src = write_csv(tmp_path / "modules.csv")
    code, _, err = run(["aggregate", str(src), "-o", str(tmp_path / "no" / "r.csv")], capsys)
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1
