"""The holdings reader (docs/formats.md §1): every class of bad input is an InputError that
names the file, the spreadsheet row (header = row 1), the column and what is allowed; .xlsx and
.parquet read the same as .csv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io import read_holdings
from analyzer.io.holdings import ASSET_TYPES, RATINGS, validate_holdings

GOOD = [
    {"id": "a", "asset_type": "cash", "market_value": "100", "sci_tech": "false"},
    {
        "id": "b",
        "asset_type": "corporate_bond",
        "market_value": "200",
        "rating": "AA+",
        "modified_duration": "3.5",
        "green": "true",
        "counterparty": "X",
    },
    {
        "id": "c",
        "asset_type": "stock",
        "market_value": "50",
        "board": "star",
        "purchase_cost": "40",
        "csi300": "false",
        "dividend_low_vol_100": "false",
        "holding_years": "2.5",
    },
    {
        "id": "d",
        "asset_type": "deposit",
        "market_value": "70",
        "bank_type": "city",
        "bank_car": "0.13",
    },
    {
        "id": "e",
        "asset_type": "stock",
        "market_value": "30",
        "region": "developed",
        "currency": "HKD",
    },
]


def raw(rows=GOOD) -> pd.DataFrame:
    return pd.DataFrame(rows).fillna("").astype(str)


def write_csv(tmp_path, frame: pd.DataFrame, name="holdings.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def problem(exc: InputError, column: str):
    found = [p for p in exc.problems if p.column == column]
    assert found, exc.problems
    return found[0]


def bad(tmp_path, rows, column):
    path = write_csv(tmp_path, raw(rows))
    with pytest.raises(InputError) as err:
        read_holdings(path)
    p = problem(err.value, column)
    assert p.file == str(path)
    return p


def test_good_file_reads(tmp_path):
    h = read_holdings(write_csv(tmp_path, raw()))
    f = h.frame
    assert list(f["id"]) == ["a", "b", "c", "d", "e"]
    assert f["market_value"].tolist() == [100, 200, 50, 70, 30]
    assert f.loc[1, "green"] and not f.loc[0, "green"]
    # blank region is domestic; a blank property tier stays blank (required only for domestic
    # investment property, Rule 8 Art. 40)
    assert f.loc[0, "region"] == "domestic" and f.loc[0, "property_tier"] == ""
    assert f.loc[3, "bank_car"] == 0.13
    assert f["book_value"].tolist() == [100, 200, 50, 70, 30]  # defaults to market value
    assert h.total_market_value == 450


def test_missing_required_column(tmp_path):
    """Header row (row 1) names the missing column and the required ones."""
    p = bad(
        tmp_path,
        [{k: v for k, v in r.items() if k != "market_value"} for r in GOOD],
        "market_value",
    )
    assert p.row == 1 and "id, asset_type, market_value" in p.message


def test_unknown_asset_type(tmp_path):
    rows = [dict(GOOD[0]), dict(GOOD[1], asset_type="crypto")]
    p = bad(tmp_path, rows, "asset_type")
    assert p.row == 3 and "'crypto'" in p.message
    assert all(t in p.message for t in ASSET_TYPES)


def test_unknown_rating(tmp_path):
    p = bad(tmp_path, [dict(GOOD[1], rating="AAA+")], "rating")
    assert p.row == 2 and "'AAA+'" in p.message and ", ".join(RATINGS) in p.message


def test_missing_rating_on_credit_bond(tmp_path):
    p = bad(tmp_path, [dict(GOOD[1], rating="")], "rating")
    assert p.row == 2 and "AAA" in p.message


def test_negative_value(tmp_path):
    p = bad(tmp_path, [GOOD[0], dict(GOOD[1], market_value="-5")], "market_value")
    assert p.row == 3 and "-5" in p.message and "minimum 0" in p.message


def test_non_numeric_value(tmp_path):
    p = bad(tmp_path, [dict(GOOD[1], modified_duration="long")], "modified_duration")
    assert p.row == 2 and "'long' is not a number" in p.message


def test_blank_market_value(tmp_path):
    p = bad(tmp_path, [dict(GOOD[0], market_value="")], "market_value")
    assert p.row == 2 and "required" in p.message


def test_duplicate_id(tmp_path):
    rows = [GOOD[0], dict(GOOD[1], id="a")]
    path = write_csv(tmp_path, raw(rows))
    with pytest.raises(InputError) as err:
        read_holdings(path)
    dups = [p for p in err.value.problems if p.column == "id"]
    assert {p.row for p in dups} == {2, 3} and "duplicate id 'a'" in dups[0].message


def test_missing_duration_on_bond(tmp_path):
    p = bad(tmp_path, [dict(GOOD[1], modified_duration="")], "modified_duration")
    assert p.row == 2 and "corporate_bond" in p.message


def test_missing_purchase_cost_on_stock(tmp_path):
    p = bad(tmp_path, [GOOD[0], dict(GOOD[2], purchase_cost="")], "purchase_cost")
    assert p.row == 3 and "Art. 26" in p.message


def test_missing_board_on_stock(tmp_path):
    p = bad(tmp_path, [dict(GOOD[2], board="")], "board")
    assert "main, star, chinext, bse" in p.message


def test_bad_boolean(tmp_path):
    p = bad(tmp_path, [dict(GOOD[1], green="maybe")], "green")
    assert p.row == 2 and "'maybe' is not true/false" in p.message


def test_bad_choice_region_and_bank_type(tmp_path):
    path = write_csv(tmp_path, raw([dict(GOOD[3], bank_type="moon_bank", region="mars")]))
    with pytest.raises(InputError) as err:
        read_holdings(path)
    assert "domestic, developed, emerging" in problem(err.value, "region").message
    assert "large_state" in problem(err.value, "bank_type").message


def test_whole_number_columns(tmp_path):
    p = bad(tmp_path, [dict(GOOD[1], layers="1.5")], "layers")
    assert "whole number" in p.message


def test_all_problems_reported_at_once(tmp_path):
    rows = [dict(GOOD[0], market_value="x"), dict(GOOD[1], rating="Z"), dict(GOOD[2], green="?")]
    path = write_csv(tmp_path, raw(rows))
    with pytest.raises(InputError) as err:
        read_holdings(path)
    assert {(p.row, p.column) for p in err.value.problems} >= {
        (2, "market_value"),
        (3, "rating"),
        (4, "green"),
    }
    assert str(path) in str(err.value)


def test_unreadable_file(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError) as err:
        read_holdings(missing)
    assert err.value.problems[0].file == str(missing)
    assert "not found" in err.value.problems[0].message


def test_unreadable_content(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(InputError) as err:
        read_holdings(path)
    assert "not a valid xlsx file" in err.value.problems[0].message


def test_unreadable_path_is_an_input_error(tmp_path):
    """A path that cannot be read as a file (here a directory named like one; the error path
    a permission problem takes too, without depending on who runs the tests)."""
    path = tmp_path / "holdings.csv"
    path.mkdir()
    with pytest.raises(InputError):
        read_holdings(path)


def test_csv_that_is_not_utf8(tmp_path):
    """Bytes that are not valid UTF-8: refused with "save it as UTF-8", naming the file."""
    path = tmp_path / "holdings.csv"
    path.write_bytes(b"id,asset_type,market_value\n\xff\xfe,cash,1\n")
    with pytest.raises(InputError) as err:
        read_holdings(path)
    assert "save it as UTF-8" in err.value.problems[0].message
    assert err.value.problems[0].file == str(path)


def test_unsupported_extension(tmp_path):
    path = tmp_path / "holdings.json"
    path.write_text("[]")
    with pytest.raises(InputError) as err:
        read_holdings(path)
    msg = err.value.problems[0].message
    assert "'.json'" in msg and ".csv, .xlsx, .parquet" in msg


def test_empty_file(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("id,asset_type,market_value\n")
    with pytest.raises(InputError) as err:
        read_holdings(path)
    assert "no data rows" in err.value.problems[0].message


@pytest.mark.parametrize("ext", [".xlsx", ".parquet"])
def test_xlsx_and_parquet_read_the_same_as_csv(tmp_path, ext):
    """The same table as .csv, .xlsx (text cells and blanks) and .parquet (typed columns with
    nulls) gives the same validated frame."""
    csv_frame = read_holdings(write_csv(tmp_path, raw())).frame
    typed = pd.DataFrame(GOOD)  # NaN where a row has no value
    for col in ("market_value", "modified_duration", "purchase_cost", "holding_years", "bank_car"):
        typed[col] = pd.to_numeric(typed[col])
    typed["green"] = typed["green"].map({"true": True})
    path = tmp_path / f"holdings{ext}"
    if ext == ".xlsx":
        typed.to_excel(path, index=False)
    else:
        typed.to_parquet(path, index=False)
    other = read_holdings(path).frame
    pd.testing.assert_frame_equal(other, csv_frame, check_dtype=False)


def test_bytes_upload_with_name():
    data = raw().to_csv(index=False).encode("utf-8")
    h = read_holdings(data, name="upload.csv")
    assert h.source == "upload.csv" and len(h) == 5


def test_validate_holdings_in_memory_with_nan_blanks():
    """An in-memory frame with NaN / None blanks (pandas 3 keeps NaN through astype(str)) reads
    like blank CSV cells."""
    frame = pd.DataFrame(
        [
            {
                "id": "a",
                "asset_type": "cash",
                "market_value": 1.0,
                "region": "domestic",
                "sci_tech": False,
                "rating": np.nan,
                "green": None,
                "board": None,
            }
        ]
    )
    h = validate_holdings(frame)
    assert h.frame.loc[0, "rating"] == "" and not h.frame.loc[0, "green"]


def test_numeric_fast_path_equals_text_path(tmp_path):
    """read_holdings lets pandas parse numeric CSV columns; the validated frame must equal the
    one from reading every cell as text, and bad or blank numeric cells behave the same."""
    from pathlib import Path

    import pandas as pd

    from analyzer.errors import InputError
    from analyzer.io.holdings import read_holdings, validate_holdings
    from analyzer.io.tables import read_table

    root = Path(__file__).resolve().parents[3] / "data"
    for sample in ("life", "pc"):
        path = root / sample / "holdings.csv"
        fast = read_holdings(path).frame
        text = validate_holdings(read_table(path), str(path)).frame
        pd.testing.assert_frame_equal(fast, text)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,asset_type,market_value,holding_years\na,cash,100,\nb,cash,abc,1\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        read_holdings(bad)
    assert "row 3" in str(err.value) and "market_value" in str(err.value)
    assert "'abc' is not a number" in str(err.value)
