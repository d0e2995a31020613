"""Accounting class of a position (holdings column ``accounting``), for the modules that
treat fair-value and amortised-cost assets differently.

Values (CAS 22 / IFRS 9 classes):

- ``amortised_cost``: 以摊余成本计量的金融资产 (carried at amortised cost; a move of market
  rates does not change its carrying value);
- ``fvoci``: 以公允价值计量且其变动计入其他综合收益的金融资产 (fair value through other
  comprehensive income);
- ``fvtpl``: 以公允价值计量且其变动计入当期损益的金融资产 (fair value through profit or loss);
- blank: not given (the caller's default applies, e.g. ``--fair-value-share`` in the stress
  test).

Users: the Annex 4 +50bp scenario (Rule 10 Annex 4 一(二)(1): "以公允价值计量的固定收益类资产",
so ``fvoci`` and ``fvtpl`` move and ``amortised_cost`` does not; :func:`fair_value_shares`),
and any module that needs to know which positions are carried at amortised cost
(:func:`amortised_cost`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.holdings import ACCOUNTING_CLASSES

__all__ = [
    "ACCOUNTING_CLASSES",
    "FAIR_VALUE_CLASSES",
    "NAMES_ZH",
    "amortised_cost",
    "fair_value",
    "fair_value_shares",
    "given",
]

#: the classes measured at fair value (Annex 4: "以公允价值计量")
FAIR_VALUE_CLASSES: tuple[str, ...] = ("fvoci", "fvtpl")
#: the Chinese names of the classes
NAMES_ZH: dict[str, str] = {
    "amortised_cost": "以摊余成本计量",
    "fvoci": "以公允价值计量且其变动计入其他综合收益",
    "fvtpl": "以公允价值计量且其变动计入当期损益",
}


def _column(frame: pd.DataFrame) -> np.ndarray:
    if "accounting" not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame["accounting"].astype(str).fillna("").to_numpy()


def given(frame: pd.DataFrame) -> np.ndarray:
    """Mask of the positions whose ``accounting`` is given (not blank)."""
    return np.isin(_column(frame), ACCOUNTING_CLASSES)


def amortised_cost(frame: pd.DataFrame) -> np.ndarray:
    """Mask of the positions declared ``amortised_cost`` (blank is not)."""
    return _column(frame) == "amortised_cost"


def fair_value(frame: pd.DataFrame) -> np.ndarray:
    """Mask of the positions declared ``fvoci`` or ``fvtpl`` (blank is not)."""
    return np.isin(_column(frame), FAIR_VALUE_CLASSES)


def fair_value_shares(frame: pd.DataFrame, default_share: float = 1.0) -> np.ndarray:
    """Share (0..1) of each position measured at fair value.

    Parameters
    ----------
    frame : pandas.DataFrame
        Holdings frame (``accounting`` column optional).
    default_share : float
        Share for a position whose ``accounting`` is blank (``--fair-value-share``).

    Returns
    -------
    numpy.ndarray, shape (n,)
        1.0 for ``fvoci`` / ``fvtpl``, 0.0 for ``amortised_cost``, ``default_share`` where
        blank.
    """
    col = _column(frame)
    out = np.full(len(frame), float(default_share))
    out[np.isin(col, FAIR_VALUE_CLASSES)] = 1.0
    out[col == "amortised_cost"] = 0.0
    return out
