"""One projection step of the book: accrual, roll-down and maturity, holding time, trades.

Every function takes a holdings frame (validated, :class:`analyzer.io.holdings.Holdings`)
and returns a new one; nothing is changed in place. Amounts are CNY, times years.

What moves and how (docs/formats.md, "Plan file"; the projection's notes repeat it):

* **accrual**: a position of class ``c`` grows by ``(1 + mu_c) ** dt`` (``mu_c`` the
  assumptions' expected return): market value and book value. Face value and purchase cost
  stay, so a stock's gain on cost (the stock-book ratio of Rule 8 Art. 26) follows prices.
* **roll-down**: ``modified_duration`` and ``maturity_years`` fall by ``dt``; a position whose
  ``maturity_years`` reaches 0 within the step is repaid: its value moves into cash.
* **holding time**: ``holding_years`` grows by ``dt``, so a STAR stock held 1.5 years is held
  2.25 years three quarters later and only then gets the "more than two years" factor.
  Buying more of a position lowers its holding time to the value-weighted average of what
  was held and what is bought (held 0 years); selling keeps it.
* **trades**: a class is bought or sold pro rata across its positions (value, book value,
  face value scale together; purchase cost grows by what is bought and falls pro rata with
  what is sold).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analyzer.io.columns import BONDS, DERIVATIVES

#: a maturity at or below this (years) is repaid within the step
MATURED = 1e-9
#: prefix of the ids of positions the projection creates
PROJECTED_PREFIX = "projected:"


def fixed_rows(frame: pd.DataFrame) -> np.ndarray:
    """Positions the projection neither accrues nor trades: derivatives (their value is a
    mark-to-market of a notional the plan does not move) and separate-account positions
    (Rule 2 Art. 12: the policyholders' assets)."""
    kind = frame["asset_type"].astype(str).to_numpy()
    account = frame["account"].astype(str).to_numpy() if "account" in frame else None
    out = np.isin(kind, DERIVATIVES)
    if account is not None:
        out |= account == "separate"
    return out


def bonds_without_maturity(frame: pd.DataFrame) -> np.ndarray:
    """Rows (0-based) of bonds whose ``maturity_years`` is blank: the projection cannot tell
    when they are repaid."""
    kind = frame["asset_type"].astype(str).to_numpy()
    mat = frame["maturity_years"].to_numpy(dtype=float)
    return np.flatnonzero(np.isin(kind, BONDS) & np.isnan(mat))


def derive_maturity(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Maturity of ``rows`` taken as their Macaulay duration ``D (1 + c)`` (modified
    duration ``D``, coupon ``c``; 0 when blank): a lower bound of the maturity of a bond
    with coupons, so the repayment is projected no later than it falls."""
    out = frame.copy()
    md = out["modified_duration"].to_numpy(dtype=float)[rows]
    c = np.nan_to_num(out["coupon_rate"].to_numpy(dtype=float)[rows])
    mat = out["maturity_years"].to_numpy(dtype=float).copy()
    mat[rows] = np.nan_to_num(md) * (1.0 + c)
    out["maturity_years"] = mat
    return out


def accrue(
    frame: pd.DataFrame, growth: Mapping[str, float], frozen: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Grow each position by its class's factor ``growth[class]`` (``(1 + mu) ** dt``).

    Returns
    -------
    (frame, gain)
        The grown frame and the gain of each position (CNY; 0 for ``frozen`` rows and for a
        class ``growth`` does not name).
    """
    cls = frame["asset_class"].astype(str).to_numpy()
    factor = np.array([growth.get(c, 1.0) for c in cls], dtype=float) if len(cls) else np.ones(0)
    factor[frozen] = 1.0
    out = frame.copy()
    mv = out["market_value"].to_numpy(dtype=float)
    out["market_value"] = mv * factor
    out["book_value"] = out["book_value"].to_numpy(dtype=float) * factor
    return out, mv * (factor - 1.0)


def roll(frame: pd.DataFrame, dt: float, frozen: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Roll durations and maturities down by ``dt`` years and age holding times.

    Returns
    -------
    (frame, matured)
        The rolled frame and the mask of positions repaid in the step (their
        ``maturity_years`` reached 0).
    """
    out = frame.copy()
    mat = out["maturity_years"].to_numpy(dtype=float)
    live = ~frozen
    new_mat = np.where(live & np.isfinite(mat), mat - dt, mat)
    matured = live & np.isfinite(mat) & (new_mat <= MATURED)
    out["maturity_years"] = np.where(matured, 0.0, new_mat)
    md = out["modified_duration"].to_numpy(dtype=float)
    out["modified_duration"] = np.where(live & np.isfinite(md), np.maximum(md - dt, 0.0), md)
    hy = out["holding_years"].to_numpy(dtype=float)
    out["holding_years"] = np.where(live & np.isfinite(hy), hy + dt, hy)
    return out, matured


def class_values(frame: pd.DataFrame, rows: np.ndarray | None = None) -> dict[str, float]:
    """Market value per asset class (of ``rows`` when given), CNY."""
    f = frame if rows is None else frame[rows]
    if not len(f):
        return {}
    s = pd.Series(f["market_value"].to_numpy(dtype=float)).groupby(
        f["asset_class"].astype(str).to_numpy()
    )
    return {str(k): float(v) for k, v in s.sum().items()}


def rescale(frame: pd.DataFrame, factors: np.ndarray) -> pd.DataFrame:
    """Positions scaled by ``factors`` (>= 0, one per row) as a trade at market value:
    value, book value and face value scale; purchase cost grows by what is bought and
    falls pro rata with what is sold; holding time falls to the value-weighted average
    when buying."""
    out = frame.copy()
    f = np.asarray(factors, dtype=float)
    mv = out["market_value"].to_numpy(dtype=float)
    bought = np.maximum(f - 1.0, 0.0) * mv
    out["market_value"] = mv * f
    for col in ("book_value", "face_value"):
        out[col] = out[col].to_numpy(dtype=float) * f
    cost = out["purchase_cost"].to_numpy(dtype=float)
    out["purchase_cost"] = np.where(f >= 1.0, cost + bought, cost * f)
    hy = out["holding_years"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["holding_years"] = np.where(f > 1.0, hy / f, hy)
    return out


def concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``a`` then ``b`` (same columns), categorical columns kept categorical."""
    if not len(b):
        return a
    a, b = a.copy(), b[a.columns].copy()
    for col in a.columns:
        ca, cb = a[col].dtype, b[col].dtype
        if isinstance(ca, pd.CategoricalDtype) or isinstance(cb, pd.CategoricalDtype):
            cats_a = (
                list(ca.categories)
                if isinstance(ca, pd.CategoricalDtype)
                else list(pd.unique(a[col].astype(object)))
            )
            extra = b[col].astype(object).unique()
            cats = cats_a + [c for c in extra if c not in set(cats_a)]
            a[col] = pd.Categorical(a[col].astype(object), categories=cats)
            b[col] = pd.Categorical(b[col].astype(object), categories=cats)
    return pd.concat([a, b], ignore_index=True)


def new_positions(model: pd.DataFrame, value: float, prefix: str) -> pd.DataFrame:
    """The rows of ``model`` (template positions of one class) scaled to ``value`` CNY in
    total, bought today: holding time 0, purchase cost = value, ids ``prefix + id``."""
    out = model.copy()
    mv = out["market_value"].to_numpy(dtype=float)
    f = value / mv.sum() if mv.sum() > 0 else 0.0
    out["market_value"] = mv * f
    for col in ("book_value", "face_value"):
        out[col] = out[col].to_numpy(dtype=float) * f
    out["purchase_cost"] = mv * f
    out["holding_years"] = 0.0
    out["id"] = [prefix + str(i) for i in out["id"].astype(str)]
    return out


__all__ = [
    "MATURED",
    "PROJECTED_PREFIX",
    "accrue",
    "bonds_without_maturity",
    "class_values",
    "concat",
    "derive_maturity",
    "fixed_rows",
    "new_positions",
    "rescale",
    "roll",
]
