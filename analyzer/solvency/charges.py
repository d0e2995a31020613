"""The charge table: one row per (position, sub-module) capital charge.

Each rule module (``equity.py``, ``spread.py`` ...) turns the positions it covers into rows
``position, submodule, exposure, rf0, k, factor, capital, rule, article`` with
``factor = min(rf0 x (1 + clamp(k) + k_p), rf_max)`` (Rule 8 Art. 6-7, Rule 7 Art. 14) and
``capital = exposure x factor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
#: the module name used in reports and JSON (docs/formats.md §5)
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
    "position",
    "submodule",
    "exposure",
    "rf0",
    "k",
    "factor",
    "capital",
    "rule",
    "article",
)


def _codes_of(series: pd.Series) -> tuple[np.ndarray, dict[str, int]]:
    """Integer codes of a text column and ``value -> code`` (Categorical columns of
    :class:`~analyzer.io.holdings.Holdings` cost nothing; other frames are factorised)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        cats = series.cat.categories
    else:
        codes, cats = pd.factorize(series.to_numpy(), use_na_sentinel=True)
    return codes, {str(u): i for i, u in enumerate(cats)}


@dataclass(frozen=True)
class ChargeContext:
    """What every rule module needs: positions, tables, company and options.

    ``cache`` holds per-frame derived arrays (column codes, masks); contexts derived with
    :func:`dataclasses.replace` (e.g. under another regime) may share it since it depends on
    the frame only.

    ``look_through`` is the underlyings of looked-through positions
    (:class:`~analyzer.io.look_through.LookThrough`, ``Holdings.look_through``); the engine
    charges on the frame expanded by :func:`analyzer.solvency.underlyings.expand`, whose
    context carries ``k_p`` (the Rule 7 Art. 18 structure coefficient of each row, added to
    K by :func:`block`, outside the clamp) and ``expansion`` (where each row came from).
    """

    frame: pd.DataFrame
    regime: Regime
    company: Company
    options: EngineOptions
    cache: dict = field(default_factory=dict, compare=False, repr=False)
    look_through: Any = field(default=None, compare=False, repr=False)
    k_p: np.ndarray | None = field(default=None, compare=False, repr=False)
    expansion: Any = field(default=None, compare=False, repr=False)

    @property
    def n(self) -> int:
        """Number of positions."""
        return len(self.frame)

    @property
    def domestic(self) -> np.ndarray:
        """Mask of domestic positions."""
        if "domestic" not in self.cache:
            self.cache["domestic"] = self.column_in("region", ("domestic",))
        return self.cache["domestic"]

    def codes(self, column: str) -> tuple[np.ndarray, dict[str, int]]:
        """Integer codes of a text column (-1 for missing) and the ``value -> code`` map."""
        key = ("codes", column)
        if key not in self.cache:
            self.cache[key] = _codes_of(self.frame[column])
        return self.cache[key]

    def values(self, column: str) -> np.ndarray:
        """A numeric or flag column as a numpy array (cached)."""
        key = ("values", column)
        if key not in self.cache:
            self.cache[key] = self.frame[column].to_numpy()
        return self.cache[key]

    def column_in(self, column: str, values) -> np.ndarray:
        """Mask of positions whose text ``column`` is one of ``values`` (integer codes)."""
        codes, index = self.codes(column)
        wanted = [index[v] for v in values if v in index]
        if not wanted:
            return np.zeros(len(codes), dtype=bool)
        if len(wanted) == 1:
            return codes == wanted[0]
        table = np.zeros(len(index) + 1, dtype=bool)
        table[wanted] = True
        return table[codes]  # code -1 takes the last (False) entry

    def lookup(
        self, column: str, table, mask: np.ndarray | None = None, default: float = np.nan
    ) -> np.ndarray:
        """Map the text ``column`` (over ``mask``) through ``table`` (vectorised by code)."""
        codes, index = self.codes(column)
        mapped = np.full(len(index) + 1, default, dtype=float)
        for value, i in index.items():
            if value in table:
                mapped[i] = table[value]
        return mapped[codes if mask is None else codes[mask]]

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


@dataclass(frozen=True)
class ChargeBlock:
    """Charge rows of one rule as numpy arrays (the engine concatenates blocks once).

    ``submodule`` holds codes into :data:`SUBMODULES`; ``rule`` and ``article`` are one text
    for the whole block.
    """

    position: np.ndarray
    submodule: np.ndarray
    exposure: np.ndarray
    rf0: np.ndarray
    k: np.ndarray
    factor: np.ndarray
    capital: np.ndarray
    rule: str
    article: str

    def __len__(self) -> int:
        return len(self.position)

    def take(self, rows: np.ndarray) -> ChargeBlock:
        """The block restricted to ``rows`` (bool mask or indices)."""
        return ChargeBlock(
            self.position[rows],
            self.submodule[rows],
            self.exposure[rows],
            self.rf0[rows],
            self.k[rows],
            self.factor[rows],
            self.capital[rows],
            self.rule,
            self.article,
        )

    def to_frame(self) -> pd.DataFrame:
        """The rows as a charge table (object text columns)."""
        n = len(self)
        return pd.DataFrame(
            {
                "position": self.position,
                "submodule": pd.Series(
                    np.asarray(SUBMODULES, dtype=object)[self.submodule], dtype=object
                ),
                "exposure": self.exposure,
                "rf0": self.rf0,
                "k": self.k,
                "factor": self.factor,
                "capital": self.capital,
                "rule": pd.Series(np.full(n, self.rule, dtype=object), dtype=object),
                "article": pd.Series(np.full(n, self.article, dtype=object), dtype=object),
            }
        )


@dataclass(frozen=True)
class ChargeArrays:
    """The whole charge table as numpy arrays; ``rule`` / ``article`` index ``texts``."""

    position: np.ndarray
    submodule: np.ndarray
    exposure: np.ndarray
    rf0: np.ndarray
    k: np.ndarray
    factor: np.ndarray
    capital: np.ndarray
    rule: np.ndarray
    article: np.ndarray
    texts: tuple[str, ...]
    #: row of the charged frame each charge came from when the frame was expanded by a
    #: look-through file (:mod:`analyzer.solvency.underlyings`); None: ``position`` itself
    row: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.position)

    @classmethod
    def concat(cls, blocks: list[ChargeBlock]) -> ChargeArrays:
        """Concatenate blocks (in order) into one table."""
        blocks = [b for b in blocks if len(b)]
        texts: dict[str, int] = {}
        rule_codes, article_codes = [], []
        for b in blocks:
            n = len(b)
            rule_codes.append(np.full(n, texts.setdefault(b.rule, len(texts)), dtype=np.int32))
            article_codes.append(
                np.full(n, texts.setdefault(b.article, len(texts)), dtype=np.int32)
            )

        def cat(name: str, dtype) -> np.ndarray:
            if not blocks:
                return np.zeros(0, dtype=dtype)
            return np.concatenate([getattr(b, name) for b in blocks]).astype(dtype, copy=False)

        return cls(
            position=cat("position", np.int64),
            submodule=cat("submodule", np.int8),
            exposure=cat("exposure", float),
            rf0=cat("rf0", float),
            k=cat("k", float),
            factor=cat("factor", float),
            capital=cat("capital", float),
            rule=np.concatenate(rule_codes) if blocks else np.zeros(0, dtype=np.int32),
            article=np.concatenate(article_codes) if blocks else np.zeros(0, dtype=np.int32),
            texts=tuple(texts),
        )

    def to_frame(self, **extra: np.ndarray) -> pd.DataFrame:
        """One DataFrame: categorical ``submodule``, ``rule``, ``article`` (values as text),
        plus ``extra`` columns."""
        texts = pd.Index(list(self.texts), dtype=object)
        return pd.DataFrame(
            {
                "position": self.position,
                "submodule": pd.Categorical.from_codes(
                    self.submodule, categories=pd.Index(list(SUBMODULES), dtype=object)
                ),
                "exposure": self.exposure,
                "rf0": self.rf0,
                "k": self.k,
                "factor": self.factor,
                "capital": self.capital,
                "rule": _text_column(self.rule, texts),
                "article": _text_column(self.article, texts),
                **extra,
            },
            copy=False,
        )  # fresh arrays: no copy into consolidated blocks


def _text_column(codes: np.ndarray, texts: pd.Index) -> pd.Categorical:
    """Categorical of the texts used (categories restricted to those that occur)."""
    used = np.zeros(len(texts), dtype=bool)
    used[codes] = True
    remap = np.cumsum(used) - 1
    return pd.Categorical.from_codes(remap[codes].astype(np.int32), categories=texts[used])


def block(
    ctx: ChargeContext,
    mask: np.ndarray,
    submodule: str | np.ndarray,
    rf0: np.ndarray | float,
    k: np.ndarray | float = 0.0,
    rule: str = "",
    article: str = "",
    k_p: np.ndarray | float = 0.0,
    exposure: np.ndarray | None = None,
) -> ChargeBlock:
    """Charge rows for the positions in ``mask`` as a :class:`ChargeBlock`.

    Parameters
    ----------
    mask : bool array over all positions
    submodule : one of :data:`SUBMODULES`, or an array of them (one per masked row)
    rf0, k, k_p : base factor, characteristic coefficient K (clamped), structure coefficient
        K_p (not clamped; Rule 7 Art. 14), scalars or arrays over the masked rows; the
        context's own ``ctx.k_p`` (the layers above a looked-through underlying, Rule 7
        Art. 18) is added to ``k_p``
    exposure : CNY over the masked rows; defaults to ``market_value`` (admitted value)
    """
    idx = np.flatnonzero(mask)
    n = len(idx)
    rf_max = ctx.regime.table("equity", "characteristic")["rf_max"]
    rf0 = np.broadcast_to(np.asarray(rf0, dtype=float), (n,))
    k_total = ctx.clamp(np.broadcast_to(np.asarray(k, dtype=float), (n,)))
    k_p = np.broadcast_to(np.asarray(k_p, dtype=float), (n,))
    if ctx.k_p is not None:
        k_p = k_p + ctx.k_p[idx]
    factor = np.minimum(rf0 * (1.0 + k_total + k_p), rf_max)
    if exposure is None:
        exposure = ctx.values("market_value")[idx]
    exposure = np.maximum(np.asarray(exposure, dtype=float), 0.0)  # negative EX is 0 (Art. 7)
    if isinstance(submodule, str):
        sub = np.full(n, SUBMODULE_INDEX[submodule], dtype=np.int8)
    else:
        sub = np.array(
            [SUBMODULE_INDEX[s] for s in np.asarray(submodule, dtype=object)], dtype=np.int8
        ).reshape(-1)
        sub = np.broadcast_to(sub, (n,)) if sub.size == 1 else sub
    return ChargeBlock(
        idx, sub, exposure, np.array(rf0), k_total + k_p, factor, exposure * factor, rule, article
    )


def frames(blocks: list[ChargeBlock]) -> list[pd.DataFrame]:
    """The blocks as charge tables (for callers of a rule module's ``charges``)."""
    return [b.to_frame() for b in blocks if len(b)]


def empty_charges() -> pd.DataFrame:
    """A charge table with no rows and the right columns."""
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype=float if c in ("exposure", "rf0", "k", "factor", "capital") else object
            )
            for c in CHARGE_COLUMNS
        }
    ).astype({"position": int})


def isin(values: np.ndarray, items) -> np.ndarray:
    """``np.isin`` for arrays of strings, by hashing (numpy sorts object arrays: slow)."""
    return pd.Series(values, dtype=object, copy=False).isin(list(items)).to_numpy()


def lookup(values: np.ndarray, table: dict, default: float = np.nan) -> np.ndarray:
    """Map an array of keys through a table (vectorised)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    mapped = np.array([table.get(u, default) for u in uniques] + [default], dtype=float)
    return mapped[codes]  # code -1 (missing) takes the appended default
