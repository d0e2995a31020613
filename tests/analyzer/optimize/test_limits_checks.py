"""The limits file: unknown keys refused with "did you mean", numbers finite, ratios and
shares given in percent refused (each case was accepted or misread before)."""

from __future__ import annotations

import pytest

from analyzer.errors import InputError
from analyzer.optimize.limits import read_limits

GOOD = """[solvency]
min_comprehensive = 1.5
min_core = 0.75
[sci_tech]
min_share = 0.08
[risk]
max_volatility = 0.08
target_return = 0.04
[duration]
min = 5.0
max = 12.0
[classes.stock_csi300]
min = 0.02
max = 0.10
[groups.fixed_income]
classes = ["government_bond", "policy_bank_bond"]
min = 0.3
"""


def write(tmp_path, text):
    path = tmp_path / "limits.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path, text) -> InputError:
    with pytest.raises(InputError) as err:
        read_limits(write(tmp_path, text))
    return err.value


def test_good_file_reads(tmp_path):
    limits, _ = read_limits(write(tmp_path, GOOD))
    assert (limits.min_comprehensive, limits.min_sci_tech, limits.duration) == (1.5, 0.08, (5, 12))
    assert limits.class_bounds["stock_csi300"] == (0.02, 0.10)


def test_bom_is_accepted_and_gbk_refused_with_save_as_utf8(tmp_path):
    path = write(tmp_path, GOOD)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_limits(path)[0].min_core == 0.75
    path.write_bytes(("# 限额\n" + GOOD).encode("gbk"))
    with pytest.raises(InputError, match="save it as UTF-8"):
        read_limits(path)


@pytest.mark.parametrize(
    ("old", "new", "column", "suggestion"),
    [
        ("[sci_tech]", "[scitech]", "scitech", "sci_tech"),
        ("min_core = 0.75", "min_cor = 0.75", "solvency.min_cor", "min_core"),
        ("max_volatility", "max_vol", "risk.max_vol", "max_volatility"),
        ("min = 0.02", "minn = 0.02", "classes.stock_csi300.minn", "min"),
        ("min = 0.3", "mins = 0.3", "groups.fixed_income.mins", "min"),
    ],
)
def test_unknown_keys_say_did_you_mean(tmp_path, old, new, column, suggestion):
    err = refused(tmp_path, GOOD.replace(old, new, 1))
    p = next(p for p in err.problems if p.column == column)
    assert f"did you mean '{suggestion}'" in p.message and p.message_zh


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("min_core = 0.75", "min_core = inf", "solvency.min_core"),
        ("max_volatility = 0.08", "max_volatility = nan", "risk.max_volatility"),
        ("target_return = 0.04", "target_return = -inf", "risk.target_return"),
        ("max = 12.0", "max = inf", "duration.max"),
    ],
)
def test_non_finite_numbers_are_refused(tmp_path, old, new, column):
    err = refused(tmp_path, GOOD.replace(old, new, 1))
    p = next(p for p in err.problems if p.column == column)
    assert "finite" in p.message


@pytest.mark.parametrize(
    ("old", "new", "column", "words"),
    [
        (
            "min_comprehensive = 1.5",
            "min_comprehensive = 150",
            "solvency.min_comprehensive",
            "15000%",
        ),
        ("min_core = 0.75", "min_core = 75", "solvency.min_core", "1.5 = 150%"),
        ("min_share = 0.08", "min_share = 8", "sci_tech.min_share", "0.08 = 8%"),
        ("max_volatility = 0.08", "max_volatility = 8", "risk.max_volatility", "800%"),
        ("target_return = 0.04", "target_return = 4", "risk.target_return", "400%"),
        ("max = 12.0", "max = 144", "duration.max", "months"),
        ("max = 0.10", "max = 10", "classes.stock_csi300.max", "fraction"),
    ],
)
def test_percentages_and_months_are_refused(tmp_path, old, new, column, words):
    err = refused(tmp_path, GOOD.replace(old, new, 1))
    p = next(p for p in err.problems if p.column == column)
    assert words in p.message
