"""The charge table: one row per (position, sub-module) capital charge.

Each rule module (``equity.py``, ``spread.py`` ...) turns the positions it covers into rows
``position, submodule, exposure, rf0, k, factor, capital, rule, article`` with
``factor = min(rf0 x (1 + clamp(k) + k_p), rf_max)`` (Rule 8 Art. 6-7, Rule 7 Art. 14) and
``capital = exposure x factor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from analyzer.io.company import Company
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import Regime

SUBMODULES: tuple[str, ...] = (
    "interest_rate",
    "equity",
    "real_estate",
    "overseas_fixed_income_developed",
    "overseas_fixed_income_emerging",
    "overseas_equity_developed",
    "overseas_equity_emerging",
    "fx",
    "spread",
    "default",
)
SUBMODULE_INDEX = {name: i for i, name in enumerate(SUBMODULES)}
#: the module name used in reports and JSON (contract section 5)
MODULE_OF = {
    "interest_rate": "interest_rate",
    "equity": "equity",
    "real_estate": "real_estate",
    "overseas_fixed_income_developed": "overseas_fixed_income",
    "overseas_fixed_income_emerging": "overseas_fixed_income",
    "overseas_equity_developed": "overseas_equity",
    "overseas_equity_emerging": "overseas_equity",
    "fx": "fx",
    "spread": "spread",
    "default": "default",
}
CHARGE_COLUMNS = (
    "position", "submodule", "exposure", "rf0", "k", "factor", "capital", "rule", "article",
)


@dataclass(frozen=True)
class ChargeContext:
    """What every rule module needs: positions, tables, company and options."""

    frame: pd.DataFrame
    regime: Regime
    company: Company
    options: EngineOptions

    @cached_property
    def domestic(self) -> np.ndarray:
        """Mask of domestic positions."""
        return np.asarray(self.frame["region"].to_numpy() == "domestic", dtype=bool)

    @cached_property
    def _codes(self) -> dict[str, tuple[np.ndarray, dict[str, int]]]:
        return {}

    def column_in(self, column: str, values) -> np.ndarray:
        """Mask of positions whose text ``column`` is one of ``values`` (the column is
        factorised once per context, so repeated tests cost an integer ``isin``)."""
        if column not in self._codes:
            codes, uniques = pd.factorize(self.frame[column].to_numpy())
            self._codes[column] = (codes, {str(u): i for i, u in enumerate(uniques)})
        codes, index = self._codes[column]
        wanted = [index[v] for v in values if v in index]
        return np.isin(codes, wanted) if wanted else np.zeros(len(codes), dtype=bool)

    def of_type(self, *types: str, domestic: bool | None = True) -> np.ndarray:
        """Mask of positions of the given asset types (domestic only by default)."""
        mask = self.column_in("asset_type", types)
        if domestic is True:
            mask &= self.domestic
        elif domestic is False:
            mask &= ~self.domestic
        return mask

    def clamp(self, k: np.ndarray | float) -> np.ndarray:
        """Clamp K to the table's [k_min, k_max] when the option says so."""
        k = np.asarray(k, dtype=float)
        if not self.options.clamp_k:
            return k
        t = self.regime.table("equity", "characteristic")
        return np.clip(k, t["k_min"], t["k_max"])


def make_charges(
    ctx: ChargeContext,
    mask: np.ndarray,
    submodule: str | np.ndarray,
    rf0: np.ndarray | float,
    k: np.ndarray | float = 0.0,
    rule: str = "",
    article: str = "",
    k_p: np.ndarray | float = 0.0,
    exposure: np.ndarray | None = None,
) -> pd.DataFrame:
    """Charge rows for the positions in ``mask``.

    Parameters
    ----------
    mask : bool array over all positions
    submodule : one of :data:`SUBMODULES`, or an array of them (one per masked row)
    rf0, k, k_p : base factor, characteristic coefficient K (clamped), structure coefficient
        K_p (not clamped; Rule 7 Art. 14), scalars or arrays over the masked rows
    exposure : CNY over the masked rows; defaults to ``market_value`` (admitted value)
    """
    idx = np.flatnonzero(mask)
    n = len(idx)
    if n == 0:
        return empty_charges()
    rf_max = ctx.regime.table("equity", "characteristic")["rf_max"]
    rf0 = np.broadcast_to(np.asarray(rf0, dtype=float), (n,))
    k_total = ctx.clamp(np.broadcast_to(np.asarray(k, dtype=float), (n,)))
    k_p = np.broadcast_to(np.asarray(k_p, dtype=float), (n,))
    factor = np.minimum(rf0 * (1.0 + k_total + k_p), rf_max)
    if exposure is None:
        exposure = ctx.frame["market_value"].to_numpy()[idx]
    exposure = np.maximum(np.asarray(exposure, dtype=float), 0.0)  # negative EX is 0 (Art. 7)
    return pd.DataFrame({
        "position": idx,
        "submodule": pd.Series(np.broadcast_to(np.asarray(submodule, dtype=object), (n,)),
                               dtype=object),
        "exposure": exposure,
        "rf0": rf0,
        "k": k_total + k_p,
        "factor": factor,
        "capital": exposure * factor,
        "rule": pd.Series(np.full(n, rule, dtype=object), dtype=object),
        "article": pd.Series(np.full(n, article, dtype=object), dtype=object),
    })


def empty_charges() -> pd.DataFrame:
    """A charge table with no rows and the right columns."""
    return pd.DataFrame({c: pd.Series(dtype=float if c in (
        "exposure", "rf0", "k", "factor", "capital") else object) for c in CHARGE_COLUMNS}
    ).astype({"position": int})


def isin(values: np.ndarray, items) -> np.ndarray:
    """``np.isin`` for arrays of strings, by hashing (numpy sorts object arrays: slow)."""
    return pd.Series(values, dtype=object, copy=False).isin(list(items)).to_numpy()


def lookup(values: np.ndarray, table: dict, default: float = np.nan) -> np.ndarray:
    """Map an array of keys through a table (vectorised)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    mapped = np.array([table.get(u, default) for u in uniques] + [default], dtype=float)
    return mapped[codes]  # code -1 (missing) takes the appended default
