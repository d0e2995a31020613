"""The company reader (docs/formats.md §2): capital tables, life liabilities and every class
of bad input as an InputError naming the file, the key (row for the CSVs) and what is allowed."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.io import read_company
from analyzer.io.company import company_from_dict

PC = """name = "T P&C"
company_type = "pc"
total_assets = 6.0e10
prior_comprehensive_ratio = 2.4

[capital]
core_tier1 = 1.4e10
core_tier2 = 5.0e8
supplementary_tier1 = 1.0e9
supplementary_tier2 = 3.0e8

[minimum_capital]
nonlife_insurance = 5.5e9
sarmra_score = 82
"""

LIFE = (
    PC.replace('company_type = "pc"', 'company_type = "life"')
    + """
[liabilities]
cash_flows = "cf.csv"
spot_curve = "spot.csv"
"""
)


def write(tmp_path, text, name="company.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_life(tmp_path, cf="year,net_outflow\n1,1.0e10\n2,2.0e10\n3,3.0e10\n", spot=None):
    if spot is None:
        spot = "year,rate\n" + "".join(f"{t},0.02\n" for t in range(1, 41))
    (tmp_path / "cf.csv").write_text(cf)
    (tmp_path / "spot.csv").write_text(spot)
    return write(tmp_path, LIFE)


def test_pc_reads(tmp_path):
    c = read_company(write(tmp_path, PC))
    assert (c.company_type, c.total_assets, c.capital.core_tier2) == ("pc", 6e10, 5e8)
    assert c.minimum_capital.sarmra_score == 82 and c.liabilities is None


def test_life_reads_liabilities(tmp_path):
    c = read_company(write_life(tmp_path))
    assert np.array_equal(c.liabilities.cash_flows, [1e10, 2e10, 3e10])
    assert len(c.liabilities.spot_curve) == 40


def test_without_capital(tmp_path):
    text = PC.split("[capital]")[0] + "[minimum_capital]\nsarmra_score = 80\n"
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_company(path)
    p = err.value.problems[0]
    assert (p.file, p.column) == (str(path), "capital")
    assert "core_tier1" in p.message


def test_bad_toml(tmp_path):
    path = write(tmp_path, PC + "\nthis is = = not toml\n")
    with pytest.raises(InputError) as err:
        read_company(path)
    assert err.value.problems[0].file == str(path)
    assert "not valid TOML" in err.value.problems[0].message


def test_life_without_liabilities(tmp_path):
    path = write(tmp_path, PC.replace('company_type = "pc"', 'company_type = "life"'))
    with pytest.raises(InputError) as err:
        read_company(path)
    p = err.value.problems[0]
    assert p.column == "liabilities" and "cash_flows" in p.message


def test_liability_csv_with_gap(tmp_path):
    """Years must run 1, 2, 3 ... : a file jumping 1, 2, 4 is refused at row 4 (the third data
    row; header = row 1)."""
    path = write_life(tmp_path, cf="year,net_outflow\n1,100\n2,200\n4,300\n")
    with pytest.raises(InputError) as err:
        read_company(path)
    p = err.value.problems[0]
    assert p.file == str(tmp_path / "cf.csv")
    assert (p.row, p.column) == (4, "year") and "without gaps" in p.message


def test_liability_csv_non_numeric(tmp_path):
    path = write_life(tmp_path, cf="year,net_outflow\n1,100\n2,lots\n")
    with pytest.raises(InputError) as err:
        read_company(path)
    p = err.value.problems[0]
    assert (p.row, p.column) == (3, "net_outflow") and "'lots'" in p.message


def test_liability_csv_missing_column(tmp_path):
    path = write_life(tmp_path, cf="year,amount\n1,100\n")
    with pytest.raises(InputError) as err:
        read_company(path)
    assert err.value.problems[0].column == "net_outflow"


def test_short_spot_curve(tmp_path):
    path = write_life(tmp_path, spot="year,rate\n1,0.02\n2,0.02\n")
    with pytest.raises(InputError) as err:
        read_company(path)
    assert "1..20" in err.value.problems[0].message


def test_missing_liability_file(tmp_path):
    path = write(tmp_path, LIFE)
    with pytest.raises(InputError) as err:
        read_company(path)
    assert "not found" in err.value.problems[0].message


def test_unreadable_file(tmp_path):
    with pytest.raises(InputError) as err:
        read_company(tmp_path / "missing.toml")
    assert "not found" in err.value.problems[0].message


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(InputError):
        read_company(tmp_path)


def test_unreadable_path_named_like_a_company_file(tmp_path):
    """A path that cannot be read as a file (a directory named company.toml): an InputError,
    the error path a permission problem takes too, without depending on who runs the
    tests."""
    path = tmp_path / "company.toml"
    path.mkdir()
    with pytest.raises(InputError):
        read_company(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "company.toml"
    path.write_bytes(b'name = "\xff\xfe"\n')
    with pytest.raises(InputError):
        read_company(path)


@pytest.mark.parametrize(
    ("patch", "column"),
    [
        (('company_type = "pc"', 'company_type = "mutual"'), "company_type"),
        (("total_assets = 6.0e10", "total_assets = -1"), "total_assets"),
        (("core_tier2 = 5.0e8", "core_tier2 = -5"), "capital.core_tier2"),
        (("sarmra_score = 82", "sarmra_score = 120"), "minimum_capital.sarmra_score"),
        (("total_assets = 6.0e10", 'total_assets = "lots"'), "total_assets"),
        (("core_tier1 = 1.4e10", "core_tier1 = 1.4e10\nbonus_tier = 1"), "capital.bonus_tier"),
    ],
)
def test_bad_values_name_the_key(tmp_path, patch, column):
    path = write(tmp_path, PC.replace(*patch))
    with pytest.raises(InputError) as err:
        read_company(path)
    assert column in {p.column for p in err.value.problems}
    assert all(p.file == str(path) for p in err.value.problems)


def test_pc_with_life_insurance_risk_refused():
    """Rule 2 Art. 16: a P&C insurer's MC vector has no life insurance entry."""
    with pytest.raises(InputError) as err:
        company_from_dict(
            {
                "name": "x",
                "company_type": "pc",
                "total_assets": 1e10,
                "prior_comprehensive_ratio": 2.0,
                "capital": {"core_tier1": 1e9},
                "minimum_capital": {"life_insurance": 5.0},
            }
        )
    assert err.value.problems[0].column == "minimum_capital.life_insurance"


def test_os_error_is_an_input_error(tmp_path, monkeypatch):
    """A read failure other than 'not found' (permission, device) is an InputError too (as
    root the chmod test above is skipped, so the OSError is simulated)."""
    path = write(tmp_path, PC)

    def deny(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "read_bytes", deny)
    with pytest.raises(InputError) as err:
        read_company(path)
    assert "cannot read" in err.value.problems[0].message
