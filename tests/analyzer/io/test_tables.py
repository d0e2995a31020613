"""read_table / read_toml: encodings and damaged files, refused with "save as UTF-8" or read."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.io.tables import read_table, read_toml

COMPANY = Path(__file__).resolve().parents[3] / "data" / "life" / "company.toml"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_toml_with_byte_order_mark_reads(tmp_path, encoding):
    """A company TOML saved with a UTF-8 BOM (Notepad) was refused."""
    path = tmp_path / "company.toml"
    path.write_bytes(COMPANY.read_text(encoding="utf-8").encode(encoding))
    assert read_toml(path) == read_toml(COMPANY)


def test_toml_in_gbk_is_refused_with_save_as_utf8(tmp_path):
    path = tmp_path / "company.toml"
    path.write_bytes(COMPANY.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(InputError) as err:
        read_toml(path)
    assert "save it as UTF-8" in err.value.problems[0].message


def test_table_keeps_the_header_as_written(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(" ID ,Asset_Type,\n1,cash,\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["id", "asset_type", "unnamed: 3"]
    assert frame.attrs["header"] == [" ID ", "Asset_Type", ""]


def test_blank_lines_are_not_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n\n3,4\n", encoding="utf-8")
    assert len(read_table(path)) == 2


def test_utf16_without_bom_is_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("a,b\n1,2\n".encode("utf-16-le"))
    with pytest.raises(InputError) as err:
        read_table(path)
    assert "UTF-16 without a byte-order mark" in err.value.problems[0].message
