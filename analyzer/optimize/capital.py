"""The engine's capital model as nested second-order cones (docs/optimizer.md §2-3).

All amounts are per CNY of the invested total ``V`` (so capital is a fraction of ``V``, about
0.1, which keeps the solver well scaled). With weights ``w``:

* sub-module capital ``s = A w`` (``CapitalMap.A``); life interest rate per case (below);
* overseas pairs ``OS = ||L2' [s_dev; s_em]||`` (epigraph variables; a pair with one side
  identically zero is linear and stated exactly as such);
* market ``t_m >= ||L_m' v||``, ``v = (IR, EQ, RE, OS_FI, OS_EQ, FX)``;
* credit ``t_c >= ||L_c' (spread, default)||``;
* top level ``z >= ||L_T' (life, nonlife, t_m, t_c)||`` (``T`` is non-negative, so the
  epigraphs are exact);
* floors ``z <= b_core``, ``z <= b_comp`` with ``b`` the MC* / V at which minimum capital
  reaches ``capital / floor`` (``aggregation.diversified_for``, the inverse of minimum capital).

DPP: the correlation roots are folded into one Parameter per cone in numpy
(``G_market = L_m' C``, ``G_credit = L_c' [A_sp; A_def]``, ``h_top = L_T'[:, :2] (life, nonlife)``),
and each budget is one scalar Parameter.

Life insurers: ``IR = max(L_up - a_up' x, L_down - a_down' x, 0)`` is handled exactly by solving
one problem per case (``"up"``, ``"down"``, ``"zero"``), each with the case's conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer.optimize.context import Context
from analyzer.solvency import aggregation
from analyzer.solvency.charges import SUBMODULE_INDEX as SI

LIFE_CASES = ("up", "down", "zero")
#: the convex relaxation ``t_ir >= up, t_ir >= down, t_ir >= 0`` (one problem instead of three;
#: exact whenever ``t_ir`` is tight at the optimum, see :func:`ir_gap`)
RELAXED = "relaxed"
#: relative safety margin on capital budgets and concentration thresholds, so that solver
#: tolerance never puts the engine's re-evaluation on the wrong side of a floor
MARGIN = 1e-6


@dataclass(frozen=True)
class CapitalScalars:
    """Scalars of the floor conversion (CNY unless stated).

    The formula and its inverse are those of :mod:`analyzer.solvency.aggregation`
    (:func:`~analyzer.solvency.aggregation.minimum_capital`,
    :func:`~analyzer.solvency.aggregation.diversified_for`); here they are only rescaled to
    ``z = MC* / V``.
    """

    core: float
    actual: float
    constants: aggregation.Constants
    V: float

    @property
    def alpha(self) -> float:
        """``(1 + Q)(1 + k)``: minimum capital per CNY of MC*."""
        return self.constants.multiplier

    @property
    def additional(self) -> float:
        """Additional capital, CNY."""
        return self.constants.additional

    @property
    def loss_absorption(self) -> float:
        """Loss absorption LA, CNY."""
        return self.constants.loss_absorption

    def budget(self, capital: float, floor: float) -> float:
        """MC* / V allowed by ``capital / MC >= floor`` (per CNY of V)."""
        return self.constants.diversified_for(capital / floor) / self.V

    def d_budget_d_floor(self, capital: float, floor: float) -> float:
        """d budget / d floor (per unit of ratio; negative)."""
        return -capital / (floor * floor * self.alpha * self.V)

    def ratio(self, capital: float, z: float) -> float:
        """capital / MC for MC* / V = z."""
        mc = self.minimum_capital(z)
        return capital / mc if mc > 0 else float("inf")

    def minimum_capital(self, z: Any) -> Any:
        """Minimum capital (CNY) for MC* / V = z (a number, or a cvxpy expression)."""
        return self.constants.minimum_capital(z * self.V)

    def minimum_capital_share(self, z: Any, t: Any = 1.0) -> Any:
        """Minimum capital per CNY of V for MC* / V = z, homogenised by ``t`` (the
        Charnes-Cooper perspective ``MC(y, t) / V``; ``t = 1`` gives ``MC / V``): a number for
        numbers, an affine cvxpy expression for cvxpy variables."""
        c = self.constants
        return aggregation.minimum_capital(
            z,
            c.loss_absorption / self.V * t,
            c.size_coefficient,
            c.control_q,
            c.additional / self.V * t,
            control_base=c.control_base,
        )


def scalars(ctx: Context) -> CapitalScalars:
    """Capital scalars of the universe's company."""
    u = ctx.universe
    adm = u.capmap.admitted_capital()
    return CapitalScalars(core=adm.core, actual=adm.actual, constants=u.capmap.constants, V=u.V)


def capital_matrix(ctx: Context, equity_addon: bool = False) -> np.ndarray:
    """A (10 x n) per CNY of unit value, with the Art. 66 equity add-on when asked."""
    A = ctx.universe.capmap.A
    return A + ctx.universe.equity_addon if equity_addon else A


#: the overseas pairs of the market vector: key -> (row, developed, emerging sub-module)
OVERSEAS_PAIRS = {
    "overseas_fixed_income": (
        3,
        "overseas_fixed_income_developed",
        "overseas_fixed_income_emerging",
    ),
    "overseas_equity": (4, "overseas_equity_developed", "overseas_equity_emerging"),
}


@dataclass(frozen=True)
class ConeRows:
    """The capital map's rows arranged as the cones read them (per CNY of V): the one
    place that says which sub-module enters which cone.

    Attributes
    ----------
    market : ndarray (6, n)
        Rows of the market vector ``(IR, EQ, RE, OS_FI, OS_EQ, FX)`` linear in the weights:
        equity, real estate, FX, and interest rate for a P&C insurer (a life insurer's is
        the scenario method, stated by the caller); the overseas rows are zero (``pairs``).
    market_fixed : ndarray (6,)
        The capital held constant in those rows (derivatives, hedged and separate-account
        positions, the company's non-investment credit items), per CNY of V.
    pairs : dict
        ``key -> (row, A2, f2)``: the developed and emerging rows (2 x n) of an overseas pair
        and their constant capital (2,).
    credit, credit_fixed : ndarray (2, n), (2,)
        Spread and default rows, and their constant capital.
    """

    market: np.ndarray
    market_fixed: np.ndarray
    pairs: dict
    credit: np.ndarray
    credit_fixed: np.ndarray


def cone_rows(A: np.ndarray, fixed: np.ndarray, life: bool) -> ConeRows:
    """The rows of ``A`` (sub-modules x units) and of the constant capital ``fixed`` (per
    CNY of V) as the cones read them (:class:`ConeRows`).

    Raises
    ------
    ValueError
        Constant capital in a sub-module no cone reads (for a life insurer: interest rate,
        which the scenario method computes from the liabilities).
    """
    n = A.shape[1]
    C = np.zeros((6, n))
    offset = np.zeros(6)
    if not life:  # P&C: the duration method, linear; derivatives' charges constant
        C[0] = A[SI["interest_rate"]]
        offset[0] = fixed[SI["interest_rate"]]
    for row, key in ((1, "equity"), (2, "real_estate"), (5, "fx")):
        C[row] = A[SI[key]]
        offset[row] = fixed[SI[key]]
    pairs = {
        key: (
            row,
            np.vstack([A[SI[dev]], A[SI[em]]]),
            np.array([fixed[SI[dev]], fixed[SI[em]]]),
        )
        for key, (row, dev, em) in OVERSEAS_PAIRS.items()
    }
    handled = [SI[k] for k in ("equity", "real_estate", "fx", "spread", "default")]
    handled += [SI[k] for _, dev, em in OVERSEAS_PAIRS.values() for k in (dev, em)]
    if not life:
        handled.append(SI["interest_rate"])
    if np.delete(fixed, handled).any():
        raise ValueError(
            "fixed capital outside interest rate, equity, real estate, FX, spread and default"
        )
    return ConeRows(
        market=C,
        market_fixed=offset,
        pairs=pairs,
        credit=np.vstack([A[SI["spread"]], A[SI["default"]]]),
        credit_fixed=np.array([fixed[SI["spread"]], fixed[SI["default"]]]),
    )


def state_capital(
    w: cp.Expression, ctx: Context, life_case: str | None = None, equity_addon: bool = False
) -> cp.Variable:
    """State the nested cones; return ``z`` (MC* / V epigraph) and set ``ctx.z``.

    Parameters
    ----------
    w : weights (or Charnes-Cooper ``y``), shape (n,)
    ctx : build context (``ctx.t`` homogenises the constant terms)
    life_case : ``"up"``, ``"down"`` or ``"zero"`` for a life insurer, else None
    equity_addon : include the Rule 8 Art. 66 add-on on equity charges
    """
    u = ctx.universe
    cm = u.capmap
    t = ctx.t
    A = capital_matrix(ctx, equity_addon)
    roots = aggregation.correlation_factors(cm.matrices)
    cons = []
    # market vector v = C w + offset * t + E os (the rows of the capital map: cone_rows)
    rows = cone_rows(A, cm.fixed / u.V, cm.life)
    C = rows.market.copy()
    offset = rows.market_fixed.copy()
    if cm.life:
        if life_case not in LIFE_CASES + (RELAXED,):
            raise ValueError(f"a life insurer needs life_case in {LIFE_CASES + (RELAXED,)}")
        lu = cm.ir_liability_up / u.V
        ld = cm.ir_liability_down / u.V
        up = lu * t - cm.ir_asset_up @ w
        down = ld * t - cm.ir_asset_down @ w
        if life_case == "up":
            cons += [up >= down, up >= 0]
            C[0] = -cm.ir_asset_up
            offset[0] = lu
        elif life_case == "down":
            cons += [down >= up, down >= 0]
            C[0] = -cm.ir_asset_down
            offset[0] = ld
        elif life_case == RELAXED:
            t_ir = cp.Variable(nonneg=True, name="t_interest_rate")
            cons += [t_ir >= up, t_ir >= down]
            ctx.ir = (t_ir, up, down)
        else:
            cons += [up <= 0, down <= 0]
    extra_cols = []
    for key, (row, A2, f2) in rows.pairs.items():
        if not f2.any() and (not A2[0].any() or not A2[1].any()):
            C[row] = A2[0] + A2[1]  # one side is identically zero: the pair is linear
        else:
            G2 = ctx.param(f"G_{key}", roots[key].T @ A2)
            pair = G2 @ w
            if f2.any():
                pair = pair + ctx.param(f"g_{key}", roots[key].T @ f2) * t
            os_t = cp.Variable(nonneg=True, name=f"t_{key}")
            cons.append(cp.norm(pair, 2) <= os_t)
            extra_cols.append((row, os_t))
    Lm = roots["market"].T
    G_market = ctx.param("G_market", Lm @ C)
    expr = G_market @ w
    if offset.any():
        expr = expr + ctx.param("g_market", Lm @ offset) * t
    for row, os_t in extra_cols:
        expr = expr + Lm[:, row] * os_t
    if ctx.ir is not None:
        expr = expr + Lm[:, 0] * ctx.ir[0]
    t_m = cp.Variable(nonneg=True, name="t_market")
    cons.append(cp.norm(expr, 2) <= t_m)
    G_credit = ctx.param("G_credit", roots["credit"].T @ rows.credit)
    t_c = cp.Variable(nonneg=True, name="t_credit")
    credit = G_credit @ w
    if rows.credit_fixed.any():
        credit = credit + ctx.param("g_credit", roots["credit"].T @ rows.credit_fixed) * t
    cons.append(cp.norm(credit, 2) <= t_c)
    LT = roots["top"].T
    c = cm.constants
    h = ctx.param("h_top", LT[:, :2] @ np.array([c.life_insurance, c.nonlife_insurance]) / u.V)
    z = cp.Variable(nonneg=True, name="mc_star")
    cons.append(cp.norm(h * t + LT[:, 2] * t_m + LT[:, 3] * t_c, 2) <= z)
    ctx.extra += cons
    ctx.z = z
    return z


def ir_gap(ctx: Context) -> float:
    """``t_ir - max(up, down, 0)`` at the solution of a relaxed life case (0 when tight),
    per CNY of V (divided by ``t`` in the Charnes-Cooper form)."""
    t_ir, up, down = ctx.ir
    t = float(ctx.t.value) if isinstance(ctx.t, cp.Variable) else 1.0
    exact = max(float(np.asarray(up.value)), float(np.asarray(down.value)), 0.0)
    return (float(t_ir.value) - exact) / max(t, 1e-300)


def mc_star_value(ctx: Context, w: np.ndarray, equity_addon: bool = False) -> float:
    """MC* / V of weights ``w`` by the capital map in numpy (exact, all cases)."""
    u = ctx.universe
    cm = u.capmap
    s = cm.submodule_capital(np.asarray(w) * u.V, capital_matrix(ctx, equity_addon))
    agg = aggregation.aggregate(s, cm.constants, cm.matrices)
    return float(agg.diversified) / u.V
