"""Capital market assumptions and correlations refuse or warn what the optimiser would
otherwise chase silently: returns and volatilities in percent, non-finite numbers, misspelt
columns, correlations outside [-1, 1]. Each case mutates the sample files in ``tmp_path``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io.assumptions import read_assumptions

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture
def files(tmp_path):
    shutil.copy(DATA / "assumptions.csv", tmp_path / "assumptions.csv")
    shutil.copy(DATA / "correlations.csv", tmp_path / "correlations.csv")
    return tmp_path / "assumptions.csv", tmp_path / "correlations.csv"


def edit(path: Path, column: str, rows, value) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[list(rows), column] = value
    frame.to_csv(path, index=False)


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as err:
        read_assumptions(path)
    return err.value


def test_sample_has_no_warning_and_no_ignored_column():
    a = read_assumptions(DATA / "assumptions.csv", DATA / "correlations.csv")
    assert a.warnings == () and a.ignored_columns == ()


def test_expected_return_in_percent_is_refused_with_every_row(files):
    path, _ = files
    frame = pd.read_csv(path)
    frame["expected_return"] = (frame["expected_return"] * 100).round(4)
    frame.to_csv(path, index=False)
    p = refused(path).problems[0]
    assert p.column == "expected_return" and "not percent" in p.message
    assert p.message.startswith("rows 2, 3, 4") and p.message_zh


def test_one_return_in_percent_is_refused_at_its_row(files):
    path, _ = files
    edit(path, "expected_return", [17], "5.56")  # stock_csi300, spreadsheet row 19
    p = refused(path).problems[0]
    assert (p.row, p.column) == (19, "expected_return") and "556%" in p.message


def test_high_return_is_a_warning(files):
    path, _ = files
    edit(path, "expected_return", [25], "0.45")  # vc_fund, row 27
    a = read_assumptions(path)
    assert [(w.code, w.rows) for w in a.warnings] == [("assumptions.return_high", (27,))]


def test_volatility_in_percent_is_refused(files):
    path, _ = files
    edit(path, "volatility", [17], "22")
    p = refused(path).problems[0]
    assert (p.row, p.column) == (19, "volatility") and "2200%" in p.message


def test_high_volatility_is_a_warning(files):
    path, _ = files
    edit(path, "volatility", [25], "0.9")
    a = read_assumptions(path)
    assert [w.code for w in a.warnings] == ["assumptions.volatility_high"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("expected_return", "inf"),
        ("volatility", "inf"),
        ("max_weight", "inf"),
        ("min_weight", "-inf"),
    ],
)
def test_non_finite_numbers_are_refused(files, column, value):
    path, _ = files
    edit(path, column, [3], value)
    err = refused(path)
    assert (5, column) in {(p.row, p.column) for p in err.problems}


def test_non_finite_correlation_is_refused(files):
    path, corr = files
    frame = pd.read_csv(corr, dtype=str)
    frame.loc[1, "cash"] = "inf"
    frame.to_csv(corr, index=False)
    p = refused(path).problems[0]
    assert (p.row, p.column) == (3, "cash") and "finite" in p.message


def test_correlation_outside_unit_interval_is_refused(files):
    path, corr = files
    frame = pd.read_csv(corr, dtype=str)
    frame.loc[1, "cash"] = "1.5"
    frame.loc[0, "deposit_large_bank"] = "1.5"
    frame.to_csv(corr, index=False)
    err = refused(path)
    assert any("outside [-1, 1]" in p.message for p in err.problems)


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("expected_returns", "expected_return"),
        ("max-weight", "max_weight"),
        ("volatilty", "volatility"),
    ],
)
def test_near_miss_column_is_refused(files, wrong, right):
    path, _ = files
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if right in ("expected_return", "volatility"):  # keep the required column present
        frame[wrong] = frame[right]
    else:
        frame = frame.rename(columns={right: wrong})
    frame.to_csv(path, index=False)
    err = refused(path)
    p = next(p for p in err.problems if p.column == wrong)
    assert f"did you mean '{right}'" in p.message


def test_other_columns_are_listed_as_ignored(files):
    path, _ = files
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["comment"] = "house view"
    frame.to_csv(path, index=False)
    a = read_assumptions(path)
    assert a.ignored_columns == ("comment",)
    assert a.subset(["cash"]).ignored_columns == ("comment",)


def test_weights_in_percent_are_refused(files):
    path, _ = files
    edit(path, "max_weight", [5], "10")
    p = refused(path).problems[0]
    assert (p.row, p.column) == (7, "max_weight") and "between 0 and 1" in p.message
