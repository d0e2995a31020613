"""The Rule 8 Art. 26 stock book is defined once (``equity.stock_book``) and every user of
it reads the same numbers: the engine, the optimiser universe, and the dashboard lab (tested
in tests/dashboard/test_lab.py). The samples hold book value equal to market value, which hid
a drift; these tests use a book that differs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzer.io import read_company, read_holdings
from analyzer.io.assumptions import read_assumptions
from analyzer.io.holdings import Holdings
from analyzer.solvency import equity
from analyzer.solvency.engine import evaluate

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def pc_revalued():
    """The P&C sample with the domestic stocks' book value 30% above market value."""
    h = read_holdings(DATA / "pc" / "holdings.csv")
    f = h.frame
    stock = ((f["asset_type"] == "stock") & (f["region"] == "domestic")).to_numpy()
    book = np.where(stock, f["market_value"].to_numpy() * 1.3, f["book_value"].to_numpy())
    return Holdings(f.assign(book_value=book), h.source), read_company(DATA / "pc" / "company.toml")


def test_ratio_uses_book_value(pc_revalued):
    """x = (sum book value - sum purchase cost) / sum purchase cost over domestic stocks."""
    h, _ = pc_revalued
    f = h.frame
    stock = ((f["asset_type"] == "stock") & (f["region"] == "domestic")).to_numpy()
    expected = (
        f["book_value"].to_numpy()[stock].sum() / f["purchase_cost"].to_numpy()[stock].sum() - 1.0
    )
    assert equity.stock_book_ratio(f) == pytest.approx(expected, rel=1e-12)


def test_with_stock_book_ratio_sets_k1(pc_revalued):
    """After rescaling the book to x = 0.2, every stock charge carries k1 = 0.2^2 = 0.04."""
    h, c = pc_revalued
    moved = equity.with_stock_book_ratio(h, 0.2)
    assert equity.stock_book_ratio(moved.frame) == pytest.approx(0.2, rel=1e-12)
    ch = evaluate(moved, c, "cross2-2022", scitech=False).charges
    rows = ch[(ch["rule"] == "listed stock")]
    ids = set(
        moved.frame.loc[
            (moved.frame["region"] == "domestic").to_numpy() & (~moved.frame["csi300"]).to_numpy(),
            "id",
        ]
    )  # noqa: E712
    k = rows[rows["id"].isin(ids)]["k"].to_numpy()
    assert len(k) and np.allclose(k, 0.04, atol=1e-12)  # no CSI 300 k2 on these


def test_optimiser_reads_the_same_book(pc_revalued):
    """The universe's stock-book ratio at today's weights equals the engine's."""
    from analyzer.optimize import build_universe

    h, c = pc_revalued
    u = build_universe(h, c, read_assumptions(DATA / "assumptions.csv"))
    assert u.stock_book_x(u.w0) == pytest.approx(equity.stock_book_ratio(h.frame), rel=1e-9)
