"""Holding periods from a trade history (2025-12 notice 一, 二; docs/formats.md §11, §7.17)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from analyzer.errors import InputError, UnacceptedWarningError
from analyzer.io.trades import apply_trades, holding_years
from analyzer.services.reading import load_inputs

ROOT = Path(__file__).resolve().parents[3]
V = dt.date(2026, 1, 1)


def test_fifo_weighted_average_by_hand():
    """100 bought 2021-01-01 (1826 days before V), 60 bought 2025-01-01 (365 days), 40 sold
    2025-06-01. FIFO: the sale takes 40 of the oldest lot, leaving 60 held 1826 days and 60
    held 365 days: (60 x 1826 + 60 x 365) / 120 / 365.25 = 1095.5 / 365.25 = 2.99932 years.
    (A plain buy-weighted average, (100 x 1826 + 60 x 365) / 160 / 365.25 = 3.5 years, would
    cross the 3-year threshold: the method matters.)"""
    years, left = holding_years(
        [dt.date(2021, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 6, 1)], [100, 60, -40], V
    )
    assert left == 120
    assert years == pytest.approx(1095.5 / 365.25, rel=1e-12)
    assert years == pytest.approx(2.99932, abs=1e-5)


def test_window_caps_old_lots():
    """A lot bought 10 years ago counts as held 6 years (4 for STAR): 50 such and 50 bought
    365.25 x 1 days ago... here 2025-01-01 (365 days): (50 x 6 + 50 x 365/365.25) / 100."""
    dates, qty = [dt.date(2016, 1, 1), dt.date(2025, 1, 1)], [50, 50]
    six, _ = holding_years(dates, qty, V, 6.0)
    four, _ = holding_years(dates, qty, V, 4.0)
    assert six == pytest.approx((6.0 + 365 / 365.25) / 2, rel=1e-12)
    assert four == pytest.approx((4.0 + 365 / 365.25) / 2, rel=1e-12)


def test_everything_sold_then_bought_again_starts_over():
    years, left = holding_years(
        [dt.date(2018, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1)], [10, -10, 5], V
    )
    assert left == 5
    assert years == pytest.approx(365 / 365.25, rel=1e-12)


def _holdings(make_holdings, held=0.0):
    return make_holdings(
        [
            {
                "id": "S1",
                "asset_type": "stock",
                "market_value": 1e6,
                "board": "main",
                "csi300": True,
                "purchase_cost": 1e6,
                "holding_years": held,
            },
            {
                "id": "S2",
                "asset_type": "stock",
                "market_value": 1e6,
                "board": "star",
                "purchase_cost": 1e6,
            },
            {
                "id": "B1",
                "asset_type": "government_bond",
                "market_value": 1e6,
                "modified_duration": 3.0,
            },
        ]
    )


def _write(tmp_path, lines, name="trades.csv"):
    path = tmp_path / name
    path.write_text("date,id,quantity,price\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_apply_fills_stocks_with_their_window(make_holdings, tmp_path):
    path = _write(
        tmp_path,
        [
            "2021-01-01,S1,100,10.5",
            "2025-01-01,S1,60,",
            "2025-06-01,S1,-40,12",
            "2016-01-01,S2,50,",
            "2025-01-01,S2,50,",
            "2020-01-01,B1,10,",
        ],
    )
    h = apply_trades(_holdings(make_holdings), path, V)
    f = h.frame.set_index("id")
    assert f.loc["S1", "holding_years"] == pytest.approx(1095.5 / 365.25, rel=1e-12)
    assert f.loc["S2", "holding_years"] == pytest.approx((4.0 + 365 / 365.25) / 2, rel=1e-12)
    assert f.loc["B1", "holding_years"] == 0.0  # not a stock: unchanged
    assert h.warnings == ()


def test_typed_value_replaced_with_a_warning(make_holdings, tmp_path):
    path = _write(tmp_path, ["2021-01-01,S1,100,"])
    h = apply_trades(_holdings(make_holdings, held=4.0), path, V)
    assert h.frame.set_index("id").loc["S1", "holding_years"] == pytest.approx(1826 / 365.25)
    assert [w.code for w in h.warnings] == ["trades.holding_years_replaced"]
    # the same value typed: no warning
    same = apply_trades(_holdings(make_holdings, held=1826 / 365.25), path, V)
    assert same.warnings == ()


@pytest.mark.parametrize(
    ("lines", "row", "column", "words"),
    [
        (["2021-01-01,X9,100,"], 2, "id", "X9"),
        (["2021-01-01,S1,100,", "2022-01-01,S1,-150,"], 3, "quantity", "more is sold"),
        (["2021-01-01,S1,100,", "2026-03-01,S1,5,"], 3, "date", "after the valuation date"),
        (["01/03/2021,S1,100,"], 2, "date", "YYYY-MM-DD"),
        (["2021-01-01,S1,0,"], 2, "quantity", "non-zero"),
        (["2021-01-01,S1,abc,"], 2, "quantity", "abc"),
        (["2021-01-01,S1,10,ten"], 2, "price", "ten"),
        (["2021-01-01,S1,10,", "2022-01-01,S1,-10,"], 3, "id", "nothing held"),
    ],
)
def test_errors_name_file_row_column(make_holdings, tmp_path, lines, row, column, words):
    path = _write(tmp_path, lines)
    with pytest.raises(InputError) as err:
        apply_trades(_holdings(make_holdings), path, V)
    p = err.value.problems[0]
    assert (Path(p.file).name, p.row, p.column) == ("trades.csv", row, column)
    assert words in str(p.message)


def test_unknown_column(make_holdings, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("date,id,qty\n2021-01-01,S1,1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        apply_trades(_holdings(make_holdings), path, V)
    assert {p.column for p in err.value.problems} >= {"quantity", "qty"}


def test_load_inputs_uses_the_company_valuation_date(tmp_path):
    """Sample life book: stock L0279 (main, CSI 300, typed 0.34 years). One buy 2022-12-31
    and the company's valuation_date 2025-12-31: 1096 days = 3.0007 years > 3."""
    folder = tmp_path / "life"
    shutil.copytree(ROOT / "data" / "life", folder)
    company = folder / "company.toml"
    company.write_text(
        "valuation_date = 2025-12-31\n" + company.read_text(encoding="utf-8"), encoding="utf-8"
    )
    trades = _write(tmp_path, ["2022-12-31,L0279,1000,"])
    with pytest.raises(UnacceptedWarningError):
        load_inputs(holdings=folder / "holdings.csv", company=company, trades=trades)
    inputs = load_inputs(
        holdings=folder / "holdings.csv",
        company=company,
        trades=trades,
        accept=["trades.holding_years_replaced"],
    )
    f = inputs.holdings.frame.set_index("id")
    assert f.loc["L0279", "holding_years"] == pytest.approx(1096 / 365.25, rel=1e-12)
    assert f.loc["L0280", "holding_years"] == pytest.approx(4.49)  # no trades: as typed
    assert "trades" in {i.role for i in inputs.provenance.inputs}


def test_exactly_two_years_is_not_more_than_two(run):
    """2025-12 notice 二 "超过两年": a STAR stock held exactly 2.0 years keeps 0.40; just
    above, 0.36 (RF0 0.45 x (1 + k2))."""

    def factor(held):
        r = run(
            [
                {
                    "asset_type": "stock",
                    "market_value": 1e6,
                    "board": "star",
                    "purchase_cost": 1e6,
                    "holding_years": held,
                }
            ]
        )
        ch = r.charges[r.charges["submodule"] == "equity"]
        return float(ch["factor"].iloc[0])

    assert factor(2.0) == pytest.approx(0.40, rel=1e-12)
    assert factor(2.0 + 1 / 365.25) == pytest.approx(0.36, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(dt.date(2025, 12, 31), dt.date(2025, 12, 31)), ("2025-12-31", dt.date(2025, 12, 31))],
)
def test_company_valuation_date(make_company, value, expected):
    assert make_company("pc", valuation_date=value).valuation_date == expected
    assert make_company("pc").valuation_date is None


@pytest.mark.parametrize("value", ["31/12/2025", 20251231, dt.datetime(2025, 12, 31, 9, 0)])
def test_company_valuation_date_refused(make_company, value):
    with pytest.raises(InputError) as err:
        make_company("pc", valuation_date=value)
    assert err.value.problems[0].column == "valuation_date"


def test_holding_years_from_trades_no_longer_count_as_defaults(make_holdings, tmp_path):
    """A blank holding_years is a documented default (counted in defaults_used and the note);
    once the trade history gives it, that stock no longer counts: S2 (blank) gets its period
    from the trades, S1 has a typed value, so nothing is left of the holding_years count."""
    h = _holdings(make_holdings)
    assert h.defaults_used.get("holding_years") == 1  # S2's blank cell
    assert any("holding_years 1" in str(n) for n in h.notes)
    path = _write(tmp_path, ["2016-01-01,S2,50,", "2025-01-01,S2,50,"])
    after = apply_trades(h, path, V)
    assert "holding_years" not in after.defaults_used
    assert not any("holding_years" in str(n) for n in after.notes)
    # a stock without trades keeps its default and its count
    path = _write(tmp_path, ["2021-01-01,S1,100,"], name="other.csv")
    assert apply_trades(h, path, V).defaults_used.get("holding_years") == 1
