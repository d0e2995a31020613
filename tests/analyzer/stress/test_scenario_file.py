"""Scenario files: a malformed row is an InputError naming the row (header = row 1) and the
field; the CLI exits with status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.stress.scenario_file import read_scenarios

DATA = Path(__file__).resolve().parents[3] / "data" / "scenarios"
HEADER = "scenario,driver,asset_class,shock,source\n"


def write(tmp_path, body: str) -> Path:
    p = tmp_path / "s.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_reads_drivers_and_classes(tmp_path):
    p = write(tmp_path, "a,equity,,-0.3,x\na,rates,,50,\nb,,stock,-0.5,\n")
    a, b = read_scenarios(p, known_classes={"stock"})
    assert a.drivers == {"equity": -0.3, "rates": 50.0} and a.source == "x"
    assert b.class_returns == {"stock": -0.5}


@pytest.mark.parametrize(
    "body, row, column, words",
    [
        ("a,equity,,-1.5,\n", 2, "shock", "below -100%"),
        ("a,equity,,-0.1,\na,,bonds,-0.1,\n", 3, "asset_class", "unknown asset class"),
        ("a,magic,,0.1,\n", 2, "driver", "unknown driver"),
        ("a,equity,,,\n", 2, "shock", "required"),
        ("a,equity,,abc,\n", 2, "shock", "not a number"),
        (",equity,,0.1,\n", 2, "scenario", "required"),
        ("a,default,,1.2,\n", 2, "shock", "[0, 1]"),
        ("a,equity,stock,0.1,\n", 2, "driver", "not both"),
        ("a,equity,,0.1,\na,equity,,0.2,\n", 3, "driver", "twice"),
    ],
)
def test_malformed(tmp_path, body, row, column, words):
    with pytest.raises(InputError) as err:
        read_scenarios(write(tmp_path, body), known_classes={"stock"})
    problem = err.value.problems[0]
    assert (problem.row, problem.column) == (row, column)
    assert words in problem.message
    assert err.value.exit_code == 2


def test_missing_column(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("scenario,driver\na,equity\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_scenarios(p)
    assert err.value.problems[0].column == "shock"


def test_sample_files_read():
    hist = read_scenarios(DATA / "historical.csv", kind="historical")
    assert [s.name for s in hist] == [
        "2015_a_share_crash",
        "2020_covid_q1",
        "2022_bond_selloff_equity_fall",
    ]
    assert all(s.source for s in hist)
    assert read_scenarios(DATA / "user_example.csv")


# ----------------------------------------------------------------------------------------------
# Silent accepts: a decimal comma read as thousands, a return in percent, bp as a fraction,
# misspelt columns.
# ----------------------------------------------------------------------------------------------


def test_decimal_comma_is_refused_not_read_as_thousands(tmp_path):
    with pytest.raises(InputError) as err:
        read_scenarios(write(tmp_path, 'a,rates,,"4,17",\n'))
    p = err.value.problems[0]
    assert (p.row, p.column) == (2, "shock") and "decimal point" in p.message


def test_return_in_percent_is_refused(tmp_path):
    with pytest.raises(InputError) as err:
        read_scenarios(write(tmp_path, "a,equity,,-0.3,\nb,equity,,30,\n"))
    p = err.value.problems[0]
    assert (p.row, p.column) == (3, "shock") and "3000%" in p.message


def test_large_rise_is_a_warning(tmp_path):
    shocks = read_scenarios(write(tmp_path, "a,equity,,1.5,\na,vc,,0.2,\n"))
    assert [(w.code, w.rows) for w in shocks.warnings] == [("scenarios.return_high", (2,))]


def test_basis_points_as_a_fraction_are_a_warning(tmp_path):
    shocks = read_scenarios(write(tmp_path, "a,rates,,0.0025,\na,spread,,50,\n"))
    assert [(w.code, w.rows) for w in shocks.warnings] == [("scenarios.bp_fraction", (2,))]
    assert shocks[0].drivers == {"rates": 0.0025, "spread": 50.0}


@pytest.mark.parametrize(("wrong", "right"), [("shocks", "shock"), ("asset-class", "asset_class")])
def test_misspelt_column_is_refused(tmp_path, wrong, right):
    p = tmp_path / "s.csv"
    header = "scenario,driver,asset_class,shock".replace(right, wrong)
    if right == "shock":
        header += ",shock"
        p.write_text(header + "\na,equity,,-0.3,-0.3\n", encoding="utf-8")
    else:
        p.write_text(header + "\na,equity,,-0.3\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_scenarios(p)
    problem = next(x for x in err.value.problems if x.column == wrong)
    assert f"did you mean '{right}'" in problem.message


def test_sample_files_have_no_warning():
    for name in ("historical.csv", "user_example.csv"):
        assert read_scenarios(DATA / name).warnings == ()
