"""Aggregation of sub-module capital into minimum capital (Rule 2, Rule 8 Art. 47/53/69-70,
Rule 9 Art. 43, Rule 12 Art. 120, 金规〔2023〕5号 一).

All functions take arrays whose last axis is the sub-module vector (``charges.SUBMODULES``)
so that one call aggregates one portfolio or a million simulated ones. The optimiser builds its
second-order cones from :func:`correlation_factors` — the same matrices, never re-typed.

    market   = sqrt(v' M v),  v = (IR, EQ, RE, OS_FI, OS_EQ, FX),
               OS_x = sqrt(D^2 + 2 rho D E + E^2)
    credit   = sqrt(s^2 + 2 rho s d + d^2)
    MC*      = sqrt(u' T u),  u = (life insurance, non-life insurance, market, credit)
    quantifiable = (MC* - LA) x (1 + k_size)
    control  = Q x quantifiable                 (option control_q_base = "after_size")
             = Q x (MC* - LA)                   ("before_size")
    minimum  = quantifiable + control + additional = (1 + Q)(1 + k)(MC* - LA) + additional
                                                    ((1 + k + Q)(MC* - LA) + additional)

The last three lines exist once, here: :func:`minimum_capital` and its inverse
:func:`diversified_for` (the largest MC* a given minimum capital allows). The engine, the
top-down aggregation (``analyzer aggregate``), the capital map, the stress tests and the
optimiser all call them. Like PyPortfolioOpt's objective functions they are written with
arithmetic only, so one function gives a number for numpy input (one portfolio or a batch) and
an affine expression for a cvxpy variable or expression (the optimiser's ``MC*`` epigraph).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.solvency.charges import SUBMODULE_INDEX, SUBMODULES
from analyzer.solvency.regime import Regime

MARKET_ORDER = (
    "interest_rate",
    "equity",
    "real_estate",
    "overseas_fixed_income",
    "overseas_equity",
    "fx",
)


@dataclass(frozen=True)
class Constants:
    """What does not depend on the investments (CNY, fractions)."""

    life_insurance: float
    nonlife_insurance: float
    loss_absorption: float
    size_coefficient: float
    control_q: float
    additional: float
    #: the base of control risk Q: ``after_size`` (the quantifiable capital) or
    #: ``before_size`` (MC* - LA), EngineOptions ``control_q_base``
    control_base: str = "after_size"

    @property
    def multiplier(self) -> float:
        """``(1 + Q)(1 + k)`` (``1 + k + Q`` before size): minimum capital per CNY of MC*
        (:func:`capital_multiplier`)."""
        return capital_multiplier(self.size_coefficient, self.control_q, self.control_base)

    def minimum_capital(self, diversified: Any) -> Any:
        """Minimum capital (CNY) for MC* ``diversified`` (CNY; number, array or cvxpy
        expression): :func:`minimum_capital` with these constants."""
        return minimum_capital(
            diversified,
            self.loss_absorption,
            self.size_coefficient,
            self.control_q,
            self.additional,
            control_base=self.control_base,
        )

    def diversified_for(self, minimum: Any) -> Any:
        """MC* (CNY) whose minimum capital is ``minimum`` (CNY): :func:`diversified_for`."""
        return diversified_for(
            minimum,
            self.loss_absorption,
            self.size_coefficient,
            self.control_q,
            self.additional,
            self.control_base,
        )


@dataclass(frozen=True)
class Matrices:
    """The correlation matrices of a regime and company type."""

    market: np.ndarray  # 6 x 6
    top: np.ndarray  # 4 x 4 (life, nonlife, market, credit)
    rho_overseas_fi: float
    rho_overseas_eq: float
    rho_credit: float


def matrices(regime: Regime, company_type: str) -> Matrices:
    """Load the aggregation matrices for a company type (``life``, ``pc``, ``reinsurer``)."""
    t = regime.tables["aggregation"]
    return Matrices(
        market=np.asarray(t["market"]["matrix"], dtype=float),
        top=np.asarray(t["top_level"][company_type], dtype=float),
        rho_overseas_fi=float(t["overseas_fixed_income"]["rho_developed_emerging"]),
        rho_overseas_eq=float(t["overseas_equity"]["rho_developed_emerging"]),
        rho_credit=float(t["credit"]["rho_spread_default"]),
    )


def pair(a: np.ndarray, b: np.ndarray, rho: float) -> np.ndarray:
    """sqrt(a^2 + 2 rho a b + b^2), elementwise."""
    return np.sqrt(np.maximum(a * a + 2.0 * rho * a * b + b * b, 0.0))


def quad(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """sqrt(v' M v) over the last axis."""
    return np.sqrt(np.maximum(np.einsum("...i,ij,...j->...", v, m, v), 0.0))


def size_coefficient(
    total_assets: float, company_type: str, regime: Regime, boundary: str = "middle_band"
) -> float:
    """Size coefficient k of 金规〔2023〕5号 一 (0, -0.05 or -0.10; 0 before 2023-09).

    Parameters
    ----------
    total_assets : CNY
    boundary : which band a company whose total assets equal a band boundary (100亿 / 2000亿
        P&C, 500亿 / 5000亿 life) falls in, EngineOptions ``size_band_boundary``:
        ``middle_band`` as the regime table says (its ``exclusive`` flags: the 95% band at
        both boundaries), ``upper_band`` the band above the boundary, ``lower_band`` the band
        below it
    """
    bands = regime.table("size", "size_coefficient")[company_type]
    k = 0.0
    for i, band in enumerate(bands):
        at = total_assets == band["from"]
        takes_boundary = (
            i == 0
            or boundary == "upper_band"
            or (boundary == "middle_band" and not band.get("exclusive", False))
        )
        if total_assets > band["from"] or (at and takes_boundary):
            k = band["k"]
    return float(k)


def control_q(sarmra_score: float, regime: Regime) -> float:
    """Control-risk factor Q of Rule 12 Art. 120 for a SARMRA score (0-100)."""
    for band in regime.table("control", "control_risk")["bands"]:
        if band["lower"] <= sarmra_score <= band["upper"]:
            return float(band["slope"] * sarmra_score + band["intercept"])
    raise ValueError(f"SARMRA score {sarmra_score} outside 0-100")


def capital_multiplier(
    size_coefficient: Any, control_q: Any, control_base: str = "after_size"
) -> Any:
    """``(1 + Q)(1 + k)``: the change of minimum capital per CNY of MC* (fraction);
    ``1 + k + Q`` when control risk applies before the size coefficient.

    Parameters
    ----------
    size_coefficient : k of 金规〔2023〕5号 一 (0, -0.05 or -0.10), number or array
    control_q : Q of Rule 12 Art. 120 (fraction), number or array
    control_base : ``after_size`` (Q x quantifiable) or ``before_size`` (Q x (MC* - LA))
    """
    if control_base == "before_size":
        return 1.0 + size_coefficient + control_q
    return (1.0 + control_q) * (1.0 + size_coefficient)


def _times(a: Any, b: Any) -> Any:
    """``a * b`` elementwise, for numbers, numpy arrays and cvxpy expressions.

    Between a cvxpy vector expression and a numpy array cvxpy reads ``*`` as a matrix
    product (an inner product for two vectors: a silent wrong answer); there the array
    multiplies through its diagonal. Everything else is the plain product (a scalar cvxpy
    expression times an array broadcasts), so numpy input gives the numbers bit for bit as
    ``a * b``.

    Raises
    ------
    ValueError
        For a cvxpy expression of two or more axes, or a vector whose length is not the
        array's, times an array (no elementwise reading of ``*`` exists there).
    """
    for expr, factor in ((a, b), (b, a)):
        if hasattr(expr, "is_dcp") and not hasattr(factor, "is_dcp") and np.ndim(factor) > 0:
            if expr.ndim == 0:
                break
            if expr.ndim != 1 or np.shape(factor) != expr.shape:
                raise ValueError(
                    f"elementwise product of a cvxpy expression of shape {expr.shape} and an "
                    f"array of shape {np.shape(factor)}: give a vector and an array of its "
                    "length, or a number"
                )
            return np.diag(np.asarray(factor, dtype=float)) @ expr
    return a * b


def quantifiable_capital(diversified: Any, loss_absorption: Any, size_coefficient: Any) -> Any:
    """Minimum capital for quantifiable risks, ``(MC* - LA)(1 + k)`` (CNY).

    Parameters
    ----------
    diversified : MC*, the diversified capital before loss absorption (CNY); a number, a numpy
        array (batch) or a cvxpy expression
    loss_absorption : LA, the loss-absorbing effect of Rule 2 Art. 19 (CNY)
    size_coefficient : k of 金规〔2023〕5号 一 (0, -0.05 or -0.10)
    """
    return _times(diversified - loss_absorption, 1.0 + size_coefficient)


def control_capital(quantifiable: Any, control_q: Any) -> Any:
    """Control-risk capital ``Q x quantifiable`` (CNY; negative for a good SARMRA score),
    Rule 12 Art. 120."""
    return _times(control_q, quantifiable)


def control_base_amount(
    diversified: Any,
    loss_absorption: Any,
    size_coefficient: Any,
    control_base: str = "after_size",
) -> Any:
    """The amount (CNY) control risk Q applies to: the quantifiable capital
    ``(MC* - LA)(1 + k)`` (``after_size``) or ``MC* - LA`` (``before_size``)."""
    if control_base == "before_size":
        return diversified - loss_absorption
    return quantifiable_capital(diversified, loss_absorption, size_coefficient)


def minimum_capital(
    diversified: Any,
    loss_absorption: Any = 0.0,
    size_coefficient: Any = 0.0,
    control_q: Any = 0.0,
    additional: Any = 0.0,
    *,
    control: Any = None,
    control_base: str = "after_size",
) -> Any:
    """Minimum capital ``(1 + Q)(1 + k)(MC* - LA) + additional`` (CNY), Rule 2, Rule 12
    Art. 120, 金规〔2023〕5号 一.

    Written with arithmetic only: a number or numpy array in gives numbers out (batched over
    any shape), a cvxpy variable or expression in gives the affine cvxpy expression.

    Parameters
    ----------
    diversified : MC*, diversified capital before loss absorption (CNY)
    loss_absorption : LA (CNY)
    size_coefficient : k (0, -0.05 or -0.10)
    control_q : Q, the control-risk factor (fraction); ignored when ``control`` is given
    additional : additional capital (CNY)
    control : control-risk capital as an amount (CNY), as the quarterly summaries print it;
        when given it replaces ``Q x quantifiable``
    control_base : ``after_size`` (Q x quantifiable) or ``before_size`` (Q x (MC* - LA)),
        EngineOptions ``control_q_base``

    Returns
    -------
    quantifiable + control + additional, CNY (same type and shape as the inputs broadcast)
    """
    quantifiable = quantifiable_capital(diversified, loss_absorption, size_coefficient)
    if control is None:
        control = control_capital(
            control_base_amount(diversified, loss_absorption, size_coefficient, control_base),
            control_q,
        )
    return quantifiable + control + additional


def diversified_for(
    minimum: Any,
    loss_absorption: Any = 0.0,
    size_coefficient: Any = 0.0,
    control_q: Any = 0.0,
    additional: Any = 0.0,
    control_base: str = "after_size",
) -> Any:
    """The inverse of :func:`minimum_capital`: the MC* (CNY) whose minimum capital is
    ``minimum`` (CNY), ``(minimum - additional) / ((1 + Q)(1 + k)) + LA`` (the multiplier of
    :func:`capital_multiplier` for ``control_base``).

    Minimum capital increases with MC* (``(1 + Q)(1 + k) > 0``), so this is also the largest
    MC* that keeps minimum capital at or below ``minimum``: with ``minimum = capital / floor``
    it is the capital budget that keeps a solvency ratio at or above ``floor``.
    """
    return (minimum - additional) / capital_multiplier(
        size_coefficient, control_q, control_base
    ) + loss_absorption


@dataclass(frozen=True)
class Aggregation:
    """Aggregated capital (arrays of the batch shape, or floats for one portfolio)."""

    submodules: np.ndarray  # (..., 10)
    market_vector: np.ndarray  # (..., 6)
    market: np.ndarray
    credit: np.ndarray
    undiversified: np.ndarray  # life + nonlife + market + credit
    diversified: np.ndarray  # MC* before loss absorption
    quantifiable: np.ndarray
    control: np.ndarray
    minimum_capital: np.ndarray
    gradient: np.ndarray | None  # d minimum / d submodule (..., 10)
    insurance_gradient: np.ndarray | None  # d minimum / d (life, nonlife) (..., 2)

    @property
    def diversification(self) -> np.ndarray:
        """Diversification benefit: undiversified sum minus MC* (>= 0)."""
        return self.undiversified - self.diversified


def market_and_credit(
    submodules: np.ndarray, mats: Matrices
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The market vector, market and credit capital (CNY) of sub-module capital (CNY, last
    axis = ``SUBMODULES``): Rule 8 Art. 47/53/69-70, Rule 9 Art. 43. Used by
    :func:`aggregate` and, for the participating and universal accounts, by
    :mod:`analyzer.solvency.loss_absorption`.

    Returns
    -------
    (market_vector (..., 6), market (...), credit (...))
    """
    s = np.asarray(submodules, dtype=float)
    i = SUBMODULE_INDEX
    os_fi = pair(
        s[..., i["overseas_fixed_income_developed"]],
        s[..., i["overseas_fixed_income_emerging"]],
        mats.rho_overseas_fi,
    )
    os_eq = pair(
        s[..., i["overseas_equity_developed"]],
        s[..., i["overseas_equity_emerging"]],
        mats.rho_overseas_eq,
    )
    v = np.stack(
        [
            s[..., i["interest_rate"]],
            s[..., i["equity"]],
            s[..., i["real_estate"]],
            os_fi,
            os_eq,
            s[..., i["fx"]],
        ],
        axis=-1,
    )
    market = quad(v, mats.market)
    credit = pair(s[..., i["spread"]], s[..., i["default"]], mats.rho_credit)
    return v, market, credit


def aggregate(
    submodules: np.ndarray, constants: Constants, mats: Matrices, gradient: bool = False
) -> Aggregation:
    """Aggregate sub-module capital (CNY, last axis = ``SUBMODULES``) into minimum capital.

    Parameters
    ----------
    submodules : array (..., 10), CNY, each entry >= 0
    constants : the non-investment inputs
    mats : correlation matrices of the regime and company type
    gradient : also return d minimum_capital / d submodule (for Euler contributions)
    """
    s = np.asarray(submodules, dtype=float)
    i = SUBMODULE_INDEX
    v, market, credit = market_and_credit(s, mats)
    os_fi, os_eq = v[..., 3], v[..., 4]
    life = np.broadcast_to(constants.life_insurance, market.shape)
    nonlife = np.broadcast_to(constants.nonlife_insurance, market.shape)
    u = np.stack([life, nonlife, market, credit], axis=-1)
    diversified = quad(u, mats.top)
    quantifiable = quantifiable_capital(
        diversified, constants.loss_absorption, constants.size_coefficient
    )
    control = control_capital(
        control_base_amount(
            diversified,
            constants.loss_absorption,
            constants.size_coefficient,
            constants.control_base,
        ),
        constants.control_q,
    )
    minimum = constants.minimum_capital(diversified)
    grad = ins_grad = None
    if gradient:
        total_scale = constants.multiplier
        with np.errstate(divide="ignore", invalid="ignore"):
            d_u = np.where(
                diversified[..., None] > 0,
                np.einsum("ij,...j->...i", mats.top, u) / diversified[..., None],
                0.0,
            )
            d_v = np.where(
                market[..., None] > 0,
                np.einsum("ij,...j->...i", mats.market, v) / market[..., None],
                0.0,
            )
            d_market = d_u[..., 2:3] * d_v  # (..., 6)
            d_credit = d_u[..., 3]

            def d_pair(a, b, rho, total):
                da = np.where(total > 0, (a + rho * b) / total, 0.0)
                db = np.where(total > 0, (b + rho * a) / total, 0.0)
                return da, db

            fi_d, fi_e = d_pair(
                s[..., i["overseas_fixed_income_developed"]],
                s[..., i["overseas_fixed_income_emerging"]],
                mats.rho_overseas_fi,
                os_fi,
            )
            eq_d, eq_e = d_pair(
                s[..., i["overseas_equity_developed"]],
                s[..., i["overseas_equity_emerging"]],
                mats.rho_overseas_eq,
                os_eq,
            )
            sp, de = d_pair(s[..., i["spread"]], s[..., i["default"]], mats.rho_credit, credit)
        grad = (
            np.stack(
                [
                    d_market[..., 0],
                    d_market[..., 1],
                    d_market[..., 2],
                    d_market[..., 3] * fi_d,
                    d_market[..., 3] * fi_e,
                    d_market[..., 4] * eq_d,
                    d_market[..., 4] * eq_e,
                    d_market[..., 5],
                    d_credit * sp,
                    d_credit * de,
                ],
                axis=-1,
            )
            * total_scale
        )
        ins_grad = d_u[..., :2] * total_scale
    return Aggregation(
        submodules=s,
        market_vector=v,
        market=market,
        credit=credit,
        undiversified=life + nonlife + market + credit,
        diversified=diversified,
        quantifiable=quantifiable,
        control=control,
        minimum_capital=minimum,
        gradient=grad,
        insurance_gradient=ins_grad,
    )


def psd_root(m: np.ndarray) -> np.ndarray:
    """A square root ``L`` with ``L L' = M`` of a positive semi-definite matrix ``M``.

    From the eigen-decomposition of the symmetric part (negative eigenvalues of rounding
    clipped to 0), so it exists for singular matrices too, where Cholesky fails (a correlation
    matrix with identical classes, a pair with rho = 1). For an exactly symmetric ``M`` the
    symmetric part is ``M`` itself, bit for bit.
    """
    m = np.asarray(m, dtype=float)
    w, q = np.linalg.eigh((m + m.T) / 2)
    return q * np.sqrt(np.clip(w, 0.0, None))


def correlation_factors(mats: Matrices) -> dict[str, np.ndarray]:
    """Square-root factors L with L L' = matrix (:func:`psd_root`), for the optimiser's
    second-order cones ``||L' x||``: ``||L' x||^2 = x' M x`` for every x, so the cone bounds
    the same ``sqrt(x' M x)`` that :func:`quad` and :func:`pair` compute in numpy.
    """

    def pair_matrix(rho: float) -> np.ndarray:
        return np.array([[1.0, rho], [rho, 1.0]])

    return {
        "market": psd_root(mats.market),
        "top": psd_root(mats.top),
        "overseas_fixed_income": psd_root(pair_matrix(mats.rho_overseas_fi)),
        "overseas_equity": psd_root(pair_matrix(mats.rho_overseas_eq)),
        "credit": psd_root(pair_matrix(mats.rho_credit)),
    }


__all__ = [
    "MARKET_ORDER",
    "SUBMODULES",
    "Aggregation",
    "Constants",
    "Matrices",
    "aggregate",
    "capital_multiplier",
    "market_and_credit",
    "control_capital",
    "control_q",
    "correlation_factors",
    "diversified_for",
    "matrices",
    "minimum_capital",
    "psd_root",
    "quantifiable_capital",
    "size_coefficient",
]
