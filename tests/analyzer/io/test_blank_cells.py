"""A blank holdings cell never lowers the capital in silence (docs/formats.md §1, "blank
cell"): refused where the rule has no value for missing information, the rule's missing-data
value with one warning where it has one, and every documented default counted."""

from __future__ import annotations

import pytest

from analyzer.errors import InputError
from analyzer.io.provenance import Provenance

MV = 1.0e6
CITY_PERPETUAL = {
    "asset_type": "perpetual_bond",
    "market_value": MV,
    "issuer_type": "city",
    "counterparty": "某城商行",
}


def _problems(err: InputError, column: str) -> list:
    return [p for p in err.problems if p.column == column]


def test_blank_conversion_clause_is_refused(make_holdings):
    """Rule 8 Art. 36: a city bank's perpetual bond is 0.15 without a clause and 0.25 (ratios
    met) or 0.45 with one; a blank clause used to read as 'none' (0.15): refused, naming the
    row (3) and the column."""
    with pytest.raises(InputError) as err:
        make_holdings([{"asset_type": "cash", "market_value": MV}, CITY_PERPETUAL])
    (p,) = _problems(err.value, "conversion_clause")
    assert p.row == 3 and "Art. 36" in p.message


def test_non_financial_preferred_share_needs_the_clause_too(make_holdings):
    """Art. 36: a non-financial issuer's preferred share is 0.10 without and 0.25 with a
    conversion clause: the blank is refused as well."""
    with pytest.raises(InputError) as err:
        make_holdings(
            [{"asset_type": "preferred_share", "market_value": MV, "issuer_type": "non_financial"}]
        )
    assert _problems(err.value, "conversion_clause")


def test_blank_issuer_ratios_of_a_bank_take_the_not_met_factor_with_one_warning(run, make_holdings):
    """Art. 36: "若无法获取最近一年内的资本充足率数据，按照资本充足率未全部达标确定风险因子":
    a blank issuer_ratios_met of a city bank's perpetual bond with a clause is charged 0.45
    (not 0.25), and one warning lists both rows."""
    row = {**CITY_PERPETUAL, "conversion_clause": True}
    h = make_holdings([row, {**row, "counterparty": "另一城商行"}])
    (w,) = h.warnings
    assert w.code == "holdings.issuer_ratios_unknown" and tuple(w.rows) == (2, 3)
    assert w.column == "issuer_ratios_met"
    r = run([row])
    assert r.charges["factor"].iloc[0] == pytest.approx(0.45, rel=1e-12)
    # stated as met: 0.25 (the city-bank factor with a clause), no warning
    met = make_holdings([{**row, "issuer_ratios_met": True}])
    assert not met.warnings
    assert run([{**row, "issuer_ratios_met": True}]).charges["factor"].iloc[0] == pytest.approx(
        0.25, rel=1e-12
    )
    # without a clause the ratios do not matter: no warning, 0.15
    plain = {**CITY_PERPETUAL, "conversion_clause": False}
    assert not make_holdings([plain]).warnings
    assert run([plain]).charges["factor"].iloc[0] == pytest.approx(0.15, rel=1e-12)


def test_blank_issuer_ratios_of_an_insurer_are_refused(make_holdings):
    """Art. 36 prescribes the not-met factor for missing data only for banks' and AMCs'
    capital ratios: an insurer's instrument with a clause needs the column."""
    with pytest.raises(InputError) as err:
        make_holdings([{**CITY_PERPETUAL, "issuer_type": "insurer", "conversion_clause": True}])
    (p,) = _problems(err.value, "issuer_ratios_met")
    assert p.row == 2


def test_looked_through_products_need_loan_class_and_layers(make_holdings):
    """Rule 9 Art. 37 (0.085 normal .. 1 loss) and Rule 7 Art. 18 (0.1 a layer) have no value
    for an unknown class or structure: a looked-through trust plan needs both; one not looked
    through (charged 0.6 as a whole, Rule 7 Art. 32) needs neither."""
    trust = {
        "asset_type": "trust_plan",
        "market_value": MV,
        "rating": "AA",
        "look_through": True,
        "trust_kind": "fixed_income",
    }
    with pytest.raises(InputError) as err:
        make_holdings([trust])
    assert [p.row for p in _problems(err.value, "loan_class")] == [2]
    assert [p.row for p in _problems(err.value, "layers")] == [2]
    make_holdings([{**trust, "look_through": False}])
    make_holdings([{**trust, "loan_class": "normal", "layers": 1}])
    fund = {"asset_type": "pe_vc_fund", "market_value": MV, "look_through": True}
    with pytest.raises(InputError) as err:
        make_holdings([fund])
    assert [p.row for p in _problems(err.value, "layers")] == [2]
    assert not _problems(err.value, "loan_class")


def test_documented_defaults_are_counted(make_holdings):
    """Two domestic stocks with blank csi300 and holding_years, one with a blank
    dividend_low_vol_100: counted per column on the rows that read the column (a cash row's
    blank csi300 is not), in ``defaults_used``, a note and the provenance record."""
    stock = {"asset_type": "stock", "market_value": MV, "board": "main", "purchase_cost": MV}
    h = make_holdings(
        [
            {"asset_type": "cash", "market_value": MV, "region": "domestic", "sci_tech": False},
            {**stock, "region": "domestic", "sci_tech": False, "dividend_low_vol_100": False},
            {**stock, "region": "domestic", "sci_tech": False},
        ]
    )
    used = h.defaults_used
    assert used["csi300"] == 2 and used["holding_years"] == 2
    assert used["dividend_low_vol_100"] == 1 and used["book_value"] == 2
    assert "region" not in used and "sci_tech" not in used
    (note,) = [n for n in h.notes if "documented default" in n.en]
    assert "csi300 2" in note.en and "csi300 2" in note.zh
    d = Provenance(defaults_used=used).to_dict()
    assert d["defaults_used"] == used
