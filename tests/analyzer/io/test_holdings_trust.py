"""The holdings boundary refuses or warns every silent wrong accept found on mutated copies of
data/life/holdings.csv: misnamed, duplicated and missing columns, damaged files, non-finite and
locale-formatted numbers, other encodings, Excel formulas without values, and values in another
unit than the file's (plausibility rules). Each test mutates the sample in tmp_path."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io import read_holdings
from analyzer.io.holdings import COLUMN_NAMES, NEEDED_BY, validate_holdings
from analyzer.io.rules import RULES
from analyzer.messages import CATALOGUE

DATA = Path(__file__).resolve().parents[3] / "data"
LIFE = DATA / "life" / "holdings.csv"


def life() -> pd.DataFrame:
    """The life sample as text cells (blanks as "")."""
    return pd.read_csv(LIFE, dtype=str, keep_default_na=False)


def write(tmp_path: Path, frame: pd.DataFrame, name: str = "holdings.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def refused(path: Path | bytes, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        read_holdings(path, **kw)
    return err.value


def first_row(frame: pd.DataFrame, **where) -> int:
    """Index of the first row matching ``column=value`` pairs."""
    mask = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        mask &= (frame[k] == v).to_numpy()
    return int(np.flatnonzero(mask)[0])


# --- column names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, meant",
    [
        ("lookthrough", "look_through"),
        ("regions", "region"),
        ("csi_300", "csi300"),
        ("sci-tech", "sci_tech"),
        ("issuer", "counterparty"),
        ("Market Value", "market_value"),
        ("modifed_duration", "modified_duration"),
        ("bank-car", "bank_car"),
        ("市值", "market_value"),
    ],
)
def test_near_miss_header_is_refused_with_did_you_mean(tmp_path, written, meant):
    """A misnamed column was ignored and its values replaced by defaults (lookthrough: 159%)."""
    frame = life().rename(columns={meant: written})
    err = refused(write(tmp_path, frame))
    p = next(p for p in err.problems if "did you mean" in p.message)
    assert p.row == 1 and f"did you mean '{meant}'" in p.message
    assert p.column == written.strip().lower()
    assert "是否应为" in p.message_zh


def test_unknown_columns_are_ignored_and_listed_once(tmp_path):
    frame = life()
    frame["portfolio_manager"] = "张三"
    frame["trade_date"] = "2026-06-30"
    h = read_holdings(write(tmp_path, frame))
    assert h.ignored_columns == ("portfolio_manager", "trade_date")
    assert len(h.notes) == 1 and "portfolio_manager, trade_date" in str(h.notes[0])
    assert "已忽略" in h.notes[0].zh
    base = read_holdings(LIFE)
    pd.testing.assert_frame_equal(h.frame, base.frame)
    assert base.ignored_columns == () and base.notes == ()


def test_duplicate_header_is_refused_from_the_raw_header(tmp_path):
    """pandas renames a second market_value to market_value.1, and the first one was read."""
    text = LIFE.read_text(encoding="utf-8").splitlines()
    text[0] += ",market_value"
    text[1:] = [line + ",1" for line in text[1:]]
    path = tmp_path / "dup.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    err = refused(path)
    assert err.problems[0].row == 1 and err.problems[0].column == "market_value"
    assert "more than once" in err.problems[0].message and "4, 37" in err.problems[0].message


def test_duplicate_header_with_other_case_is_refused(tmp_path):
    frame = life()
    frame["Market_Value"] = frame["market_value"]
    err = refused(write(tmp_path, frame))
    assert "more than once" in err.problems[0].message


def test_in_memory_renamed_duplicate_is_refused():
    frame = life()
    frame["market_value.1"] = frame["market_value"]
    with pytest.raises(InputError) as err:
        validate_holdings(frame)
    assert any("second 'market_value'" in p.message for p in err.value.problems)


@pytest.mark.parametrize(
    "column",
    [
        "board",
        "purchase_cost",
        "holding_years",
        "csi300",
        "dividend_low_vol_100",
        "rating",
        "modified_duration",
        "green",
        "bank_type",
        "bank_car",
        "principal_protected",
        "look_through",
        "layers",
        "strategic_emerging",
        "loan_class",
        "exempt",
        "investee",
        "issuer_type",
        "conversion_clause",
        "issuer_ratios_met",
        "property_tier",
        "counterparty",
        "region",
        "sci_tech",
    ],
)
def test_column_needed_by_a_held_asset_type_cannot_be_dropped(tmp_path, column):
    """A dropped column gave every row the default (12 dropped columns were accepted)."""
    err = refused(write(tmp_path, life().drop(columns=[column])))
    p = next(p for p in err.problems if p.row == 1 and p.column == column)
    assert "is missing" in p.message
    types = next(t for c, t, _ in NEEDED_BY if c == column)
    if len(types) < 27:
        assert any(t in p.message for t in types)


def test_column_not_needed_by_the_held_types_may_be_absent(tmp_path):
    """A book of cash and government bonds needs neither board nor bank columns."""
    frame = life()
    frame = frame[frame["asset_type"].isin(["cash", "government_bond"])]
    frame = frame.drop(columns=["board", "bank_car", "bank_type", "look_through", "counterparty"])
    h = read_holdings(write(tmp_path, frame))
    assert len(h) == len(frame)


# --- damaged files -------------------------------------------------------------------------


def test_file_cut_short_is_refused_naming_the_row(tmp_path):
    """Half a CSV (cut mid-row) was read as a smaller book (442.2%)."""
    data = LIFE.read_bytes()
    lines = data.split(b"\n")
    cut = b"\n".join(lines[:248]) + b"\n" + lines[248][:20]
    path = tmp_path / "half.csv"
    path.write_bytes(cut)
    err = refused(path)
    assert err.problems[0].row == 249
    assert "2 cell(s) but the header has 36" in err.problems[0].message


def test_short_row_in_the_middle_is_refused(tmp_path):
    lines = LIFE.read_text(encoding="utf-8").splitlines()
    lines[9] = ",".join(lines[9].split(",")[:30])
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = refused(path)
    assert [p.row for p in err.problems] == [10]
    assert (
        "30 cell(s)" in err.problems[0].message and "有 30 个单元格" in err.problems[0].message_zh
    )


def test_row_with_extra_cells_is_refused(tmp_path):
    lines = LIFE.read_text(encoding="utf-8").splitlines()
    lines[4] += ",extra"
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = refused(path)
    assert err.problems[0].row == 5 and "37 cell(s)" in err.problems[0].message


def test_quoted_commas_and_newlines_are_cells_not_rows(tmp_path):
    frame = life()
    frame.loc[5, "counterparty"] = "甲公司, 乙分公司\n(联合体)"
    h = read_holdings(write(tmp_path, frame))
    assert h.frame.loc[5, "counterparty"] == "甲公司, 乙分公司\n(联合体)"


def test_mojibake_counterparties_are_refused(tmp_path):
    """A Latin-1 export turned Chinese names into '????' and counterparties merged."""
    frame = life()
    frame["counterparty"] = frame["counterparty"].str.replace(r"[^\x00-\x7f]", "?", regex=True)
    err = refused(write(tmp_path, frame))
    p = next(p for p in err.problems if p.column == "counterparty")
    assert "'??'" in p.message and "UTF-8" in p.message


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "NaN", "1e400", "Infinity"])
def test_non_finite_numbers_are_refused(tmp_path, value):
    frame = life()
    frame.loc[3, "market_value"] = value
    err = refused(write(tmp_path, frame))
    p = next(p for p in err.problems if p.column == "market_value")
    assert p.row == 5 and "finite" in p.message


def test_nan_text_is_not_a_blank_duration(tmp_path):
    frame = life()
    i = first_row(frame, asset_type="government_bond")
    frame.loc[i, "modified_duration"] = "nan"
    err = refused(write(tmp_path, frame))
    assert any(p.row == i + 2 and "not a finite number" in p.message for p in err.problems)


def test_decimal_comma_is_refused(tmp_path):
    """'4,17' was read as 417."""
    frame = life()
    i = first_row(frame, asset_type="government_bond")
    frame.loc[i, "modified_duration"] = "4,17"
    err = refused(write(tmp_path, frame))
    p = next(p for p in err.problems if p.column == "modified_duration")
    assert p.row == i + 2 and "decimal comma" in p.message and "小数点" in p.message_zh


@pytest.mark.parametrize("value, ok", [("1,234,567.89", True), ("12,34,567", False)])
def test_thousands_separators_only_in_groups_of_three(tmp_path, value, ok):
    frame = life()
    i = first_row(frame, asset_type="cash")
    frame.loc[i, ["market_value", "book_value"]] = value
    path = write(tmp_path, frame)
    if ok:
        assert read_holdings(path).frame.loc[i, "market_value"] == 1234567.89
    else:
        err = refused(path)
        assert any("groups of three" in p.message for p in err.problems)


@pytest.mark.parametrize("value", ["None", "NA", "nan", "null"])
def test_id_none_or_na_is_a_valid_id(tmp_path, value):
    frame = life()
    frame.loc[0, "id"] = value
    h = read_holdings(write(tmp_path, frame))
    assert h.frame.loc[0, "id"] == value


def test_empty_id_is_still_required(tmp_path):
    frame = life()
    frame.loc[0, "id"] = ""
    err = refused(write(tmp_path, frame))
    assert err.problems[0].row == 2 and "required" in err.problems[0].message


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_encodings_read_the_same(tmp_path, encoding):
    path = tmp_path / "h.csv"
    path.write_bytes(LIFE.read_text(encoding="utf-8").encode(encoding))
    pd.testing.assert_frame_equal(read_holdings(path).frame, read_holdings(LIFE).frame)


@pytest.mark.parametrize("encoding, named", [("gbk", "GBK"), ("gb18030", "GBK")])
def test_gbk_is_refused_with_save_as_utf8(tmp_path, encoding, named):
    path = tmp_path / "h.csv"
    path.write_bytes(LIFE.read_text(encoding="utf-8").encode(encoding))
    err = refused(path)
    assert "save it as UTF-8" in err.problems[0].message and named in err.problems[0].message
    assert "另存为 UTF-8" in err.problems[0].message_zh


def test_gbk_header_is_refused_with_save_as_utf8(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes("持仓编号,asset_type,market_value\nA,cash,1\n".encode("gbk"))
    assert "save it as UTF-8" in refused(path).problems[0].message


# --- xlsx ----------------------------------------------------------------------------------


def _xlsx(tmp_path: Path, frame: pd.DataFrame, formulas: dict[str, str]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    for ref, formula in formulas.items():
        ws[ref] = formula
    path = tmp_path / "h.xlsx"
    wb.save(path)
    return path


def _cache(path: Path, ref: str, kind: str, value: str) -> None:
    """Give formula cell ``ref`` a saved value, as Excel does when it saves."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                xml, n = re.subn(
                    rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?</c>',
                    rf'<c r="{ref}" t="{kind}"><f>\2</f><v>{value}</v></c>',
                    xml,
                )
                if n == 0:
                    xml, n = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>([^<]*)</f></c>',
                        rf'<c r="{ref}" t="{kind}"><f>\2</f><v>{value}</v></c>',
                        xml,
                    )
                assert n == 1, xml[:500]
                data = xml.encode()
            zout.writestr(item, data)
    path.write_bytes(buf.getvalue())


def test_xlsx_formula_without_saved_value_is_refused_by_cell(tmp_path):
    """A region formula without a cached value read as blank: an overseas bond domestic."""
    frame = life().head(30)
    col = frame.columns.get_loc("region") + 1
    ref = f"{chr(ord('A') + col - 1)}5"
    path = _xlsx(tmp_path, frame, {ref: '="developed"'})
    err = refused(path)
    assert f"Sheet!{ref} is a formula with no saved value" in err.problems[0].message
    assert "公式" in err.problems[0].message_zh


def test_xlsx_true_formula_with_saved_value_is_true(tmp_path):
    """=TRUE() must not become false: with its saved value it reads true, without it is
    refused."""
    frame = life().head(30)
    i = 3
    ref = f"U{i + 2}"  # green
    assert frame.columns[20] == "green"
    path = _xlsx(tmp_path, frame, {ref: "=TRUE()"})
    assert "no saved value" in refused(path).problems[0].message
    _cache(path, ref, "b", "1")
    h = read_holdings(path)
    assert bool(h.frame.loc[i, "green"]) is True


def test_xlsx_none_id_and_na_text_survive(tmp_path):
    frame = life().head(10)
    frame.loc[0, "id"] = "NA"
    frame.loc[1, "id"] = "None"
    h = read_holdings(_xlsx(tmp_path, frame, {}))
    assert list(h.frame["id"][:2]) == ["NA", "None"]


# --- plausibility rules --------------------------------------------------------------------


def _mutate(tmp_path, column, value, **where):
    frame = life()
    i = first_row(frame, **where)
    frame.loc[i, column] = value(frame.loc[i, column]) if callable(value) else value
    return write(tmp_path, frame), i + 2


REFUSALS = [
    # (code, column, value, where)
    ("holdings.amount_too_large", "market_value", "1e20", {"asset_type": "cash"}),
    ("holdings.amount_too_large", "market_value", "1e308", {"asset_type": "cash"}),
    (
        "holdings.coupon_percent",
        "coupon_rate",
        lambda v: str(float(v) * 100),
        {"asset_type": "government_bond"},
    ),
    (
        "holdings.duration_above_maturity",
        "modified_duration",
        lambda v: str(float(v) * 12),
        {"id": "L0055"},
    ),
    ("holdings.duration_absurd", "modified_duration", "500", {"asset_type": "corporate_bond"}),
    ("holdings.duration_absurd", "modified_duration", "1e6", {"asset_type": "corporate_bond"}),
    ("holdings.maturity_absurd", "maturity_years", "1e8", {"asset_type": "government_bond"}),
    ("holdings.maturity_absurd", "maturity_years", "360", {"asset_type": "government_bond"}),
    ("holdings.holding_absurd", "holding_years", "45000", {"asset_type": "stock"}),
    ("holdings.holding_before_board", "holding_years", "30", {"board": "star"}),
    ("holdings.holding_before_board", "holding_years", "20", {"board": "chinext"}),
    (
        "holdings.bank_car_percent",
        "bank_car",
        lambda v: str(float(v) * 100),
        {"asset_type": "deposit"},
    ),
    (
        "holdings.amount_unit_mismatch",
        "face_value",
        lambda v: str(float(v) / 1e8),
        {"asset_type": "government_bond"},
    ),
    ("holdings.amount_unit_mismatch", "purchase_cost", "12.5", {"asset_type": "stock"}),
    (
        "holdings.amount_unit_mismatch",
        "book_value",
        lambda v: str(float(v) * 1e4),
        {"asset_type": "corporate_bond"},
    ),
    ("holdings.layers_absurd", "layers", "1000000000", {"asset_type": "trust_plan"}),
    ("holdings.coupon_frequency", "coupon_frequency", "3", {"asset_type": "government_bond"}),
]


@pytest.mark.parametrize("code, column, value, where", REFUSALS)
def test_implausible_value_is_refused(tmp_path, code, column, value, where):
    path, row = _mutate(tmp_path, column, value, **where)
    err = refused(path)
    reason = RULES[code].reason
    p = next(p for p in err.problems if p.column == column and reason.en in p.message)
    assert p.row == row and reason.zh in p.message_zh
    assert RULES[code].action == "refuse"


WARNINGS = [
    ("holdings.coupon_high", "coupon_rate", "0.3", {"asset_type": "government_bond"}),
    ("holdings.duration_long", "modified_duration", "38", {"asset_type": "government_bond"}),
    ("holdings.maturity_long", "maturity_years", "60", {"asset_type": "government_bond"}),
    ("holdings.holding_long", "holding_years", "18", {"board": "main"}),
    ("holdings.bank_car_high", "bank_car", "0.62", {"asset_type": "deposit"}),
    ("holdings.layers_deep", "layers", "7", {"asset_type": "trust_plan"}),
    (
        "holdings.face_value_ratio",
        "face_value",
        lambda v: str(float(v) * 10),
        {"asset_type": "government_bond"},
    ),
    (
        "holdings.purchase_cost_ratio",
        "purchase_cost",
        lambda v: str(float(v) / 100),
        {"asset_type": "stock"},
    ),
    (
        "holdings.book_value_ratio",
        "book_value",
        lambda v: str(float(v) * 20),
        {"asset_type": "corporate_bond"},
    ),
]


@pytest.mark.parametrize("code, column, value, where", WARNINGS)
def test_unusual_value_warns_with_its_row(tmp_path, code, column, value, where):
    path, row = _mutate(tmp_path, column, value, **where)
    if column == "modified_duration":  # keep the duration within the maturity
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.loc[row - 2, "maturity_years"] = "50"
        path = write(tmp_path, frame)
    h = read_holdings(path)
    found = [w for w in h.warnings if w.code == code]
    assert len(found) == 1 and found[0].rows == (row,) and found[0].column == column
    assert RULES[code].action == "warn" and RULES[code].reason.zh in found[0].message_zh


def test_holding_period_bound_follows_the_valuation_date():
    """A STAR stock held 6 years is impossible on 2024-12-31 (board opened 2019-07-22) and
    possible on 2026-12-31."""
    frame = life()
    i = first_row(frame, board="star")
    frame.loc[i, "holding_years"] = "6"
    with pytest.raises(InputError):
        validate_holdings(frame, valuation_date=dt.date(2024, 12, 31))
    validate_holdings(frame, valuation_date=dt.date(2026, 12, 31))


def test_maturity_bound_stops_before_the_engine(tmp_path):
    """maturity_years = 1e8 ran the life engine for 38 s and 5 GB: refused at the reader."""
    path, row = _mutate(tmp_path, "maturity_years", "1e8", asset_type="government_bond")
    err = refused(path)
    assert any(p.row == row and p.column == "maturity_years" for p in err.problems)


def test_templates_with_one_cny_positions_load(tmp_path):
    frame = pd.read_csv(DATA / "templates.csv", dtype=str, keep_default_na=False)
    for col in ("market_value", "book_value", "face_value", "purchase_cost"):
        frame[col] = np.where(frame[col] != "", "1", "")
    h = read_holdings(write(tmp_path, frame, "templates.csv"))
    assert h.warnings == () and h.total_market_value == len(frame)


def test_samples_raise_no_warning():
    for path in (LIFE, DATA / "pc" / "holdings.csv", DATA / "templates.csv"):
        h = read_holdings(path)
        assert h.warnings == () and h.notes == () and h.ignored_columns == ()


# --- messages ------------------------------------------------------------------------------


def test_holdings_and_table_messages_take_the_same_fields_in_both_languages():
    from string import Formatter

    ids = [k for k in CATALOGUE if k.startswith(("holdings.", "table."))]
    assert len(ids) > 20
    for key in ids:
        en, zh = CATALOGUE[key]
        fields = [{f for _, f, _, _ in Formatter().parse(t) if f} for t in (en, zh)]
        assert fields[0] == fields[1], key
        assert en != zh or key.startswith("table.") is False


def test_every_holdings_rule_is_documented():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "formats.md").read_text("utf-8")
    for code, r in RULES.items():
        if code.startswith("holdings."):
            assert f"`{code}`" in doc, code
            assert r.reason.en and r.reason.zh


def test_every_holdings_column_is_documented():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "formats.md").read_text("utf-8")
    section = doc.split("## 1.")[1].split("## 2.")[0]
    for column in COLUMN_NAMES:
        assert f"`{column}`" in section, column
