"""The mapping file turns an insurer's export (Chinese headers, internal codes, amounts in 万元)
into the holdings format, and refuses whatever it does not declare."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io import read_holdings
from analyzer.io.mapping import Mapping, load_mapping

DATA = Path(__file__).resolve().parents[3] / "data"
EXPORT = DATA / "life" / "export_example.csv"
MAPPING = DATA / "mapping_example.toml"


def test_example_export_loads_to_the_original_numbers():
    """The shipped export (66 rows of the life sample, in 万元 with internal codes) reads to the
    same positions as the original rows, to the cent."""
    mapped = read_holdings(EXPORT, mapping=MAPPING)
    original = read_holdings(DATA / "life" / "holdings.csv").frame.set_index("id")
    got = mapped.frame.set_index("id")
    want = original.loc[got.index]
    assert len(got) == 66 and len(set(got["asset_type"])) >= 25
    for col in ("market_value", "face_value", "purchase_cost", "book_value"):
        a, b = got[col].to_numpy(), want[col].to_numpy()
        assert np.array_equal(np.isnan(a), np.isnan(b)), col
        assert np.nanmax(np.abs(a - b)) < 0.005, col
    for col in got.columns:
        if col not in ("market_value", "face_value", "purchase_cost", "book_value"):
            assert got[col].astype(object).equals(want[col].astype(object)), col
    assert mapped.ignored_columns == ("序号", "备注")  # declared under ignore, still listed
    assert mapped.mapping["file"] == str(MAPPING)
    assert mapped.mapping["units"]["market_value"] == "万元"
    assert any("万元" in str(n) for n in mapped.notes)


def test_example_export_without_mapping_is_refused():
    """Its Chinese headers are not holdings columns: id, asset_type, market_value missing."""
    with pytest.raises(InputError) as err:
        read_holdings(EXPORT)
    assert {p.column for p in err.value.problems} >= {"id", "asset_type", "market_value"}


def test_mapping_object_and_dict_give_the_same_holdings():
    import tomllib

    content = tomllib.loads(MAPPING.read_text(encoding="utf-8"))
    a = read_holdings(EXPORT, mapping=load_mapping(content, name="m.toml")).frame
    b = read_holdings(EXPORT, mapping=MAPPING).frame
    pd.testing.assert_frame_equal(a, b)


def _export(tmp_path, **changes) -> Path:
    frame = pd.read_csv(EXPORT, dtype=str, keep_default_na=False)
    for (col, row), value in changes.get("cells", {}).items():
        frame.loc[row, col] = value
    if "drop" in changes:
        frame = frame.drop(columns=changes["drop"])
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    return path


def _mapping(tmp_path, text: str) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _edit(old: str, new: str) -> str:
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def test_unknown_key_is_refused(tmp_path):
    path = _mapping(tmp_path, _edit("[units]", "[unit]"))
    with pytest.raises(InputError) as err:
        load_mapping(path)
    assert any("'unit' is not a key" in p.message for p in err.value.problems)


def test_target_that_is_not_a_column_is_refused(tmp_path):
    path = _mapping(tmp_path, _edit('= "look_through"', '= "lookthrough"'))
    with pytest.raises(InputError) as err:
        load_mapping(path)
    assert "did you mean 'look_through'" in err.value.problems[0].message


def test_code_not_listed_is_refused_by_row(tmp_path):
    export = _export(tmp_path, cells={("资产类别代码", 4): "ZZZ"})
    with pytest.raises(InputError) as err:
        read_holdings(export, mapping=MAPPING)
    p = err.value.problems[0]
    assert p.row == 6 and p.column == "asset_type" and "'ZZZ'" in p.message


def test_header_named_in_mapping_but_absent_is_refused(tmp_path):
    export = _export(tmp_path, drop=["绿色债券"])
    with pytest.raises(InputError) as err:
        read_holdings(export, mapping=MAPPING)
    assert err.value.problems[0].column == "绿色债券"
    assert "no such column" in err.value.problems[0].message


def test_amount_column_without_unit_is_refused(tmp_path):
    path = _mapping(tmp_path, _edit('face_value = "万元"\n', ""))
    with pytest.raises(InputError) as err:
        read_holdings(EXPORT, mapping=path)
    p = err.value.problems[0]
    assert p.column == "face_value" and "never guesses a unit" in p.message


def test_units_in_yi_and_cny(tmp_path):
    """亿元 multiplies by 1e8; 元 leaves the amounts as they are."""
    frame = pd.read_csv(DATA / "life" / "holdings.csv", dtype=str, keep_default_na=False).head(3)
    frame = frame.rename(columns={"market_value": "市值（亿元）"})
    frame["市值（亿元）"] = ["1.5", "0.25", "2"]
    path = tmp_path / "e.csv"
    frame.to_csv(path, index=False)
    text = '[columns]\n"市值（亿元）" = "market_value"\n[units]\nmarket_value = "yi"\n'
    text += 'book_value = "元"\nface_value = "cny"\npurchase_cost = "元"\n'
    h = read_holdings(path, mapping=_mapping(tmp_path, text))
    assert h.frame["market_value"].tolist() == [1.5e8, 0.25e8, 2e8]


def test_bad_unit_and_value_are_refused(tmp_path):
    text = _edit('market_value = "万元"', 'market_value = "thousand"')
    text = text.replace('"GZ" = "government_bond"', '"GZ" = "govt_bond"')
    with pytest.raises(InputError) as err:
        load_mapping(_mapping(tmp_path, text))
    messages = " | ".join(p.message for p in err.value.problems)
    assert "'thousand' is not a unit" in messages and "'govt_bond'" in messages


def test_two_headers_for_one_column_are_refused(tmp_path):
    text = _edit('"持仓编号" = "id"', '"持仓编号" = "id"\n"序号" = "id"')
    with pytest.raises(InputError) as err:
        load_mapping(_mapping(tmp_path, text))
    assert "are all mapped to 'id'" in err.value.problems[0].message


def test_mapping_keeps_its_content_for_provenance():
    m = load_mapping(MAPPING)
    assert isinstance(m, Mapping)
    d = m.to_dict()
    assert d["file"] == str(MAPPING) and d["columns"]["持仓编号"] == "id"
    assert "values" in d and "units" in d
