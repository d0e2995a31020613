"""The book between projection dates: accrual, roll-down and maturity, holding time, trades.

A :class:`Book` keeps the positions' attributes in a frame (validated holdings columns) and
the amounts and times that move in numpy arrays, so that a step costs a few vector
operations and the frame is materialised once per date, for the engine. Amounts are CNY,
times years.

What moves and how (docs/forward.md; the projection's notes repeat it):

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
from analyzer.io.holdings import concat_positions as concat

#: a maturity at or below this (years) is repaid within the step
MATURED = 1e-9
#: prefix of the ids of positions the projection creates
PROJECTED_PREFIX = "projected:"
#: prefix of the ids of the VC programme's positions
PROGRAMME_PREFIX = PROJECTED_PREFIX + "vc:"
#: the columns that move, held as arrays
MOVING = (
    "market_value",
    "book_value",
    "face_value",
    "purchase_cost",
    "holding_years",
    "maturity_years",
    "modified_duration",
)


def text_values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A text column as a numpy array of str (categorical columns without a per-row cast)."""
    s = frame[column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.asarray(s.cat.categories.astype(str), dtype=object)
        codes = s.cat.codes.to_numpy()
        out = np.append(cats, "")[codes]
        return out.astype(str)
    return s.astype(str).to_numpy()


def _codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes of a text column and the text of each code (a categorical column's own
    codes; a blank is the text "")."""
    s = frame[column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        texts = [str(c) for c in s.cat.categories]
        codes = s.cat.codes.to_numpy().astype(np.int64)
        if (codes < 0).any():
            texts.append("")
            codes = np.where(codes < 0, len(texts) - 1, codes)
        return codes, tuple(texts)
    codes, uniques = pd.factorize(s.astype(str).to_numpy())
    return codes, tuple(str(u) for u in uniques)


def _is(frame: pd.DataFrame, column: str, values: tuple[str, ...]) -> np.ndarray:
    """Mask of the rows whose text ``column`` is one of ``values``."""
    codes, texts = _codes(frame, column)
    table = np.array([t in values for t in texts] + [False], dtype=bool)
    return table[codes]


def bonds_without_maturity(frame: pd.DataFrame) -> np.ndarray:
    """Rows (0-based) of bonds whose ``maturity_years`` is blank: the projection cannot tell
    when they are repaid."""
    kind = text_values(frame, "asset_type")
    mat = frame["maturity_years"].to_numpy(dtype=float)
    return np.flatnonzero(np.isin(kind, BONDS) & np.isnan(mat))


def derive_maturity(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Maturity of ``rows`` taken as their Macaulay duration ``D (1 + c)`` (modified
    duration ``D``, coupon ``c``; 0 when blank): a lower bound of the maturity of a bond
    with coupons, so the repayment is projected no later than it falls."""
    md = frame["modified_duration"].to_numpy(dtype=float)[rows]
    c = np.nan_to_num(frame["coupon_rate"].to_numpy(dtype=float)[rows])
    mat = frame["maturity_years"].to_numpy(dtype=float).copy()
    mat[rows] = np.nan_to_num(md) * (1.0 + c)
    return frame.assign(maturity_years=mat)


def new_positions(model: pd.DataFrame, value: float, prefix: str) -> pd.DataFrame:
    """The rows of ``model`` (positions of one class) scaled to ``value`` CNY in total,
    bought today: holding time 0, purchase cost = value, ids ``prefix + id``."""
    mv = model["market_value"].to_numpy(dtype=float)
    f = value / mv.sum() if mv.sum() > 0 else 0.0
    return model.assign(
        market_value=mv * f,
        book_value=model["book_value"].to_numpy(dtype=float) * f,
        face_value=model["face_value"].to_numpy(dtype=float) * f,
        purchase_cost=mv * f,
        holding_years=0.0,
        id=[prefix + str(i) for i in model["id"].astype(str)],
    )


class Book:
    """The projected positions (see the module docstring).

    Parameters
    ----------
    frame : validated holdings frame
    """

    def __init__(self, frame: pd.DataFrame):
        self._set_frame(frame.reset_index(drop=True))

    def _set_frame(self, frame: pd.DataFrame) -> None:
        self.columns = tuple(frame.columns)
        self.arrays = {c: frame[c].to_numpy(dtype=float).copy() for c in MOVING}
        #: each row's share of its class, remembered while a class is sold out (so that it
        #: is bought back in the same mix, without new rows)
        self.mix = np.zeros(len(frame))
        self.face_per_value = np.full(len(frame), np.nan)
        # the static attributes; the moving columns live in ``arrays``
        self.frame = frame.drop(columns=list(MOVING))
        self._ids: np.ndarray | None = None
        self.fixed = _is(frame, "asset_type", DERIVATIVES)
        if "account" in frame:
            self.fixed |= _is(frame, "account", ("separate",))
        self.programme = (
            frame["id"].astype(str).str.startswith(PROGRAMME_PREFIX).to_numpy(dtype=bool)
        )
        self.codes, self.classes = _codes(frame, "asset_class")
        self.sci = frame["sci_tech"].to_numpy(dtype=bool)
        self.cash = _is(frame, "asset_type", ("cash",))
        self._remember_mix()

    @property
    def ids(self) -> np.ndarray:
        """Position ids (text)."""
        if self._ids is None:
            self._ids = text_values(self.frame, "id")
        return self._ids

    def _remember_mix(self) -> None:
        """Update each held class's mix (rows of a sold-out class keep theirs)."""
        mv = self.mv
        totals = np.bincount(self.codes, weights=mv, minlength=len(self.classes))
        held = totals[self.codes] > 0
        face = self.arrays["face_value"]
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mix = np.where(held, mv / np.where(held, totals[self.codes], 1.0), self.mix)
            self.face_per_value = np.where(
                mv > 0, face / np.where(mv > 0, mv, 1.0), self.face_per_value
            )

    # -- views ------------------------------------------------------------------------------

    @property
    def mv(self) -> np.ndarray:
        """Market values, CNY."""
        return self.arrays["market_value"]

    @property
    def rebalanceable(self) -> np.ndarray:
        """Rows a policy trades: not derivatives, separate accounts or the VC programme."""
        return ~self.fixed & ~self.programme

    def class_values(self, rows: np.ndarray | None = None) -> dict[str, float]:
        """Market value per asset class (of ``rows`` when given), CNY."""
        w = self.mv if rows is None else np.where(rows, self.mv, 0.0)
        sums = np.bincount(self.codes, weights=w, minlength=len(self.classes))
        present = np.bincount(
            self.codes,
            weights=(np.ones(len(w)) if rows is None else rows.astype(float)),
            minlength=len(self.classes),
        )
        return {c: float(s) for c, s, n in zip(self.classes, sums, present, strict=True) if n}

    def materialise(self) -> pd.DataFrame:
        """The frame with the current amounts, without positions of zero value."""
        keep = self.mv > 0
        frame = self.materialise_all()
        if keep.all():
            return frame
        return frame.loc[keep].reset_index(drop=True)

    # -- moves ------------------------------------------------------------------------------

    def accrue(self, growth: Mapping[str, float]) -> np.ndarray:
        """Grow each rebalanceable position by ``growth[class]``; return the gains (CNY)."""
        by_code = np.array([growth.get(c, 1.0) for c in self.classes] + [1.0])
        factor = np.where(self.rebalanceable, by_code[self.codes], 1.0)
        mv = self.mv.copy()
        self.arrays["market_value"] = mv * factor
        self.arrays["book_value"] = self.arrays["book_value"] * factor
        return mv * (factor - 1.0)

    def roll(self, dt: float) -> float:
        """Roll maturities and durations by ``dt`` years, age holding times, and repay what
        matures (its rows are dropped); return the value repaid (CNY)."""
        live = self.rebalanceable
        a = self.arrays
        mat = a["maturity_years"]
        fin = live & np.isfinite(mat)
        a["maturity_years"] = np.where(fin, mat - dt, mat)
        md = a["modified_duration"]
        a["modified_duration"] = np.where(live & np.isfinite(md), np.maximum(md - dt, 0.0), md)
        hy = a["holding_years"]
        a["holding_years"] = np.where(live & np.isfinite(hy), hy + dt, hy)
        matured = fin & (a["maturity_years"] <= MATURED)
        repaid = float(self.mv[matured].sum())
        if matured.any():
            self.keep(~matured)
        return repaid

    def keep(self, rows: np.ndarray) -> None:
        """Keep only ``rows``."""
        self.frame = self.frame.take(np.flatnonzero(rows)).reset_index(drop=True)
        for c in MOVING:
            self.arrays[c] = self.arrays[c][rows]
        self._ids = None
        self.fixed = self.fixed[rows]
        self.programme = self.programme[rows]
        self.codes = self.codes[rows]
        self.sci = self.sci[rows]
        self.cash = self.cash[rows]
        self.mix = self.mix[rows]
        self.face_per_value = self.face_per_value[rows]

    def append(self, rows: pd.DataFrame) -> None:
        """Add positions (a frame of holdings columns)."""
        mix, fpv = self.mix, self.face_per_value
        frame = self.materialise_all()
        self._set_frame(concat(frame, rows))
        n = len(mix)
        self.mix[:n] = np.where(self.mv[:n] > 0, self.mix[:n], mix)
        self.face_per_value[:n] = np.where(self.mv[:n] > 0, self.face_per_value[:n], fpv)

    def sold_out(self, cls: str) -> np.ndarray | None:
        """Rows of a class held before and sold out since (value 0, a remembered mix), or
        None."""
        if cls not in self.classes:
            return None
        rows = (self.codes == self.classes.index(cls)) & self.rebalanceable & (self.mix > 0)
        if not rows.any() or self.mv[rows].sum() > 0:
            return None
        return rows

    def buy_back(self, rows: np.ndarray, value: float) -> None:
        """Buy ``value`` CNY of a sold-out class in its remembered mix, as new purchases
        (holding time 0, cost = value)."""
        a = self.arrays
        mix = self.mix[rows] / self.mix[rows].sum()
        v = value * mix
        a["market_value"][rows] = v
        a["book_value"][rows] = v
        a["face_value"][rows] = v * self.face_per_value[rows]
        a["purchase_cost"][rows] = np.where(np.isnan(a["purchase_cost"][rows]), np.nan, v)
        a["holding_years"][rows] = 0.0

    def copy(self) -> Book:
        """A book that moves independently of this one (the frame of static attributes is
        shared: it is never changed in place)."""
        import copy as _copy

        out = _copy.copy(self)
        out.arrays = {c: a.copy() for c, a in self.arrays.items()}
        out.mix = self.mix.copy()
        out.face_per_value = self.face_per_value.copy()
        return out

    def materialise_all(self) -> pd.DataFrame:
        """The frame with the current amounts, zero-value positions included."""
        return self.frame.assign(**{c: self.arrays[c] for c in MOVING})[list(self.columns)]

    def rescale(self, factors: np.ndarray) -> None:
        """Scale positions by ``factors`` (>= 0, one per row) as a trade at market value."""
        a = self.arrays
        f = np.asarray(factors, dtype=float)
        mv = a["market_value"]
        bought = np.maximum(f - 1.0, 0.0) * mv
        a["market_value"] = mv * f
        a["book_value"] = a["book_value"] * f
        a["face_value"] = a["face_value"] * f
        cost = a["purchase_cost"]
        a["purchase_cost"] = np.where(f >= 1.0, cost + bought, cost * f)
        hy = a["holding_years"]
        with np.errstate(invalid="ignore", divide="ignore"):
            a["holding_years"] = np.where(f > 1.0, hy / f, hy)
        self._remember_mix()

    def set_value(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Set the value of ``rows`` (the programme's positions, valued by their model)."""
        a = self.arrays
        old = a["market_value"][rows]
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(old > 0, v / np.where(old > 0, old, 1.0), 0.0)
        a["market_value"][rows] = v
        a["book_value"][rows] = v
        a["face_value"][rows] = a["face_value"][rows] * f
        a["purchase_cost"][rows] = v


__all__ = [
    "MATURED",
    "MOVING",
    "PROGRAMME_PREFIX",
    "PROJECTED_PREFIX",
    "Book",
    "bonds_without_maturity",
    "concat",
    "derive_maturity",
    "new_positions",
    "text_values",
]
