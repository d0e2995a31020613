"""The one capital model for the optimiser and the simulation: a linear map from exposures by
asset class (or by position) to sub-module capital, plus the engine's aggregation.

Under the factor approach each position's capital is linear in its exposure once the
characteristic coefficients are fixed at their current values (k1 of the stock book, holding
periods, layers, ratings, durations, concentration status); positions inside a class scale pro
rata, so a class carries the factors of its current mix. The map is exact for any exposures
that leave those coefficients unchanged; the one that can move under a reallocation is the
stock-book k1 of Rule 8 Art. 26 (a ratio over all directly held stocks), which stays fixed only
when the stock classes scale by the same factor. The optimiser bounds it explicitly
(docs/optimizer.md) and every optimum is re-evaluated by the engine. The map is built from the
*same* charge table as the report (:func:`analyzer.solvency.engine.build_charges`), so
``CapitalMap.minimum_capital(current_exposure)`` equals the engine's minimum capital.

Life insurers: the interest-rate entry is ``max(L_up - a_up' x, L_down - a_down' x, 0)`` with
``a_up``, ``a_down`` the present-value changes per CNY of class exposure in the two Annex 3
scenarios and ``L_up``, ``L_down`` those of the liabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.errors import InputError
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.solvency import aggregation, life_interest_rate
from analyzer.solvency.capital import AdmittedCapital, admitted_capital
from analyzer.solvency.charges import SUBMODULE_INDEX, SUBMODULES, ChargeContext
from analyzer.solvency.messages import compose
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, Regime, load_regime


@dataclass(frozen=True)
class CapitalMap:
    """Exposure -> capital, linear per sub-module, aggregated as in the engine.

    Attributes
    ----------
    classes : tuple of str
        The decision units (asset classes, or position ids).
    current_exposure : ndarray (n,)
        Current market value of each class, CNY.
    A : ndarray (10, n)
        Capital per CNY of exposure in each sub-module (rows in ``SUBMODULES`` order); the
        interest-rate row is 0 for life insurers (see ``ir_asset_up``).
    ir_asset_up, ir_asset_down : ndarray (n,)
        Life only: PV change (adverse - base) of the class's asset cash flows per CNY.
    ir_liability_up, ir_liability_down : float
        Life only: PV change of the liability outflows, CNY.
    life : bool
        Whether the interest-rate entry follows the life scenario method.
    constants : aggregation.Constants
    matrices : aggregation.Matrices
    company : Company
    regime : Regime
    sci_tech_share : ndarray (n,)
        Share of each class's value that is sci-tech (``sci_tech`` column).
    fixed : ndarray (10,)
        Sub-module capital that does not depend on the exposures, CNY: the default-risk
        capital of the company's non-investment credit items (Rule 9 Art. 22-38), added to
        ``A x`` by :meth:`submodule_capital`.
    """

    classes: tuple[str, ...]
    current_exposure: np.ndarray
    A: np.ndarray
    ir_asset_up: np.ndarray
    ir_asset_down: np.ndarray
    ir_liability_up: float
    ir_liability_down: float
    life: bool
    constants: aggregation.Constants
    matrices: aggregation.Matrices
    company: Company = field(repr=False)
    regime: Regime = field(repr=False)
    sci_tech_share: np.ndarray = field(repr=False)
    members: pd.Series = field(repr=False)  # position index -> class index
    fixed: np.ndarray = field(default_factory=lambda: np.zeros(len(SUBMODULES)), repr=False)

    @property
    def n(self) -> int:
        """Number of classes."""
        return len(self.classes)

    @property
    def total_invested(self) -> float:
        """Current total invested, CNY."""
        return float(self.current_exposure.sum())

    def submodule_capital(self, exposure: np.ndarray) -> np.ndarray:
        """Sub-module capital (..., 10) for exposures (..., n) in CNY."""
        x = np.asarray(exposure, dtype=float)
        s = x @ self.A.T + self.fixed
        if self.life:
            ir = life_interest_rate.capital_for(
                x @ self.ir_asset_up,
                x @ self.ir_asset_down,
                self.ir_liability_up,
                self.ir_liability_down,
            )
            s = s.copy()
            s[..., SUBMODULE_INDEX["interest_rate"]] += ir
        return s

    def aggregate(self, exposure: np.ndarray, gradient: bool = False) -> aggregation.Aggregation:
        """The engine's aggregation of the exposures (batched over leading axes)."""
        return aggregation.aggregate(
            self.submodule_capital(exposure), self.constants, self.matrices, gradient=gradient
        )

    def minimum_capital(self, exposure: np.ndarray) -> np.ndarray:
        """Minimum capital (CNY) for exposures (..., n) in CNY."""
        return self.aggregate(exposure).minimum_capital

    def admitted_capital(self, core_tier1_change: float = 0.0) -> AdmittedCapital:
        """Actual and core capital after a gain or loss to core tier 1 (CNY)."""
        return admitted_capital(self.company.capital, self.regime, core_tier1_change)

    def minimum_capital_bound(
        self, core_capital: float, actual_capital: float, min_core: float, min_comprehensive: float
    ) -> float:
        """Largest MC* (CNY, diversified, before loss absorption) that keeps both ratio floors.

        The inverse of minimum capital (:func:`analyzer.solvency.aggregation.diversified_for`)
        at ``min(core / min_core, actual / min_comprehensive)``: the MC* at which
        ``MC = (1 + Q)(1 + k)(MC* - LA) + add`` reaches the smaller of the two capital limits
        (docs/optimizer.md §2). Floors are fractions (1.0 = 100%), capital in CNY.
        """
        return float(
            self.constants.diversified_for(
                min(core_capital / min_core, actual_capital / min_comprehensive)
            )
        )


def build_capital_map(
    holdings: Holdings,
    company: Company,
    regime: str | Regime = DEFAULT_REGIME,
    options: EngineOptions | None = None,
    by: str = "asset_class",
) -> CapitalMap:
    """Build the capital map from the engine's charge table.

    Parameters
    ----------
    by : ``"asset_class"`` (classes scale pro rata) or ``"id"`` (one unit per position)

    Raises
    ------
    InputError
        When ``by == "asset_class"`` and a position has no ``asset_class``.
    """
    from analyzer.solvency import credit_items
    from analyzer.solvency.engine import build_charge_arrays, constants_for

    regime = regime if isinstance(regime, Regime) else load_regime(regime)
    options = options or EngineOptions()
    frame = holdings.frame
    keys = frame[by].astype(str).to_numpy()
    if (keys == "").any():
        i = int(np.flatnonzero(keys == "")[0])
        raise InputError.single(
            holdings.source, i + 2, by, compose("solvency.class_required", column=by)
        )
    classes, members = np.unique(keys, return_inverse=True)
    n = len(classes)
    mv = frame["market_value"].to_numpy()
    exposure = np.bincount(members, weights=mv, minlength=n)
    safe = np.where(exposure > 0, exposure, 1.0)
    ctx = ChargeContext(frame, regime, company, options)
    charges, life = build_charge_arrays(ctx, holdings.source)
    keep = slice(None) if life is None else charges.submodule != SUBMODULE_INDEX["interest_rate"]
    sub = charges.submodule[keep].astype(np.int64)
    cls = members[charges.position[keep]]
    A = np.bincount(
        sub * n + cls, weights=charges.capital[keep], minlength=len(SUBMODULES) * n
    ).reshape(len(SUBMODULES), n)
    A /= safe
    up = np.zeros(n)
    down = np.zeros(n)
    lu = ld = 0.0
    if life is not None:
        r = life.result
        np.add.at(up, members[life.positions], r.asset_delta_up)
        np.add.at(down, members[life.positions], r.asset_delta_down)
        up /= safe
        down /= safe
        lu, ld = float(r.liability_delta_up), float(r.liability_delta_down)
    sci = (
        np.bincount(members, weights=mv * frame["sci_tech"].to_numpy(dtype=float), minlength=n)
        / safe
    )
    fixed = np.zeros(len(SUBMODULES))
    fixed[SUBMODULE_INDEX["default"]] = credit_items.evaluate(company, regime, options).capital
    return CapitalMap(
        classes=tuple(str(c) for c in classes),
        current_exposure=exposure,
        A=A,
        ir_asset_up=up,
        ir_asset_down=down,
        ir_liability_up=lu,
        ir_liability_down=ld,
        life=life is not None,
        constants=constants_for(company, regime, options),
        matrices=aggregation.matrices(regime, company.company_type),
        company=company,
        regime=regime,
        sci_tech_share=sci,
        members=pd.Series(members),
        fixed=fixed,
    )
