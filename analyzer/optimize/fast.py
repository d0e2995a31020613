"""Frontier fast path: cvxpy compiles each case once, then Clarabel is called directly.

Along a frontier only one scalar Parameter changes (``sigma_max`` or ``b_comprehensive``).
It enters the conic data ``min c'x s.t. A x + s = b, s in K`` affinely, and only through
``b``. :class:`ConicCase` takes the data from cvxpy (``get_problem_data(cp.CLARABEL)``, i.e.
exactly what ``problem.solve`` would hand to Clarabel) at two values of the Parameter,
checks that ``c``, ``A`` and ``P`` do not move, and from then on solves a point with
``b = b0 + (theta - theta0) db`` and ``clarabel.DefaultSolver`` with cvxpy's own default
settings. Explicit zeros that DPP keeps in ``A`` are dropped (the same matrix, fewer
entries to factorise). This removes cvxpy's per-solve canonicalisation and solution
inversion (about 1 ms of 2-3 ms per point); a test compares it with ``problem.solve``.
"""

from __future__ import annotations

import threading
from typing import Any

import clarabel
import cvxpy as cp
import numpy as np
import scipy.sparse as sp
from cvxpy.reductions.solvers.conic_solvers.clarabel_conif import dims_to_solver_cones

STATUS = {
    "Solved": "optimal",
    "AlmostSolved": "optimal_inaccurate",
    "PrimalInfeasible": "infeasible",
    "AlmostPrimalInfeasible": "infeasible_inaccurate",
    "DualInfeasible": "unbounded",
    "AlmostDualInfeasible": "unbounded_inaccurate",
}


def _status(sol: Any) -> str:
    return STATUS.get(str(sol.status).split(".")[-1], "solver_error")


def _column(var: cp.Variable, chain: Any, inverse: list[Any], data: dict) -> int:
    """First column of ``var`` in the conic data (through cvxpy's attribute reduction, which
    replaces a ``nonneg`` variable by a plain one)."""
    vid = var.id
    for red, inv in zip(chain.reductions, inverse, strict=True):
        if type(red).__name__ == "CvxAttr2Constr" and vid in inv[0]:
            vid = inv[0][vid].id
    return int(data["param_prob"].var_id_to_col[vid])


class ConicCase:
    """One compiled case re-solved directly by Clarabel as a scalar Parameter moves.

    Parameters
    ----------
    built : the case (``analyzer.optimize.problem.Built``), DPP-compiled once here
    param : name of the scalar Parameter in ``built.ctx.params``
    """

    def __init__(self, built: Any, param: str) -> None:
        self.built = built
        self.param = built.ctx.params[param]
        prob: cp.Problem = built.problem
        theta0 = float(self.param.value)
        data0, chain, inverse = prob.get_problem_data(cp.CLARABEL)
        theta1 = theta0 * 1.5 + 1.0
        self.param.value = theta1
        data1, _, _ = prob.get_problem_data(cp.CLARABEL)
        self.param.value = theta0
        if (
            np.abs(data0["c"] - data1["c"]).max(initial=0.0) > 0
            or abs(data0["A"] - data1["A"]).max() > 0
        ):
            raise ValueError(f"Parameter {param} does not enter the conic data through b only")
        self.theta0 = theta0
        self.b0 = np.asarray(data0["b"], dtype=float)
        self.db = (np.asarray(data1["b"], dtype=float) - self.b0) / (theta1 - theta0)
        self.c = np.asarray(data0["c"], dtype=float)
        A = sp.csc_matrix(data0["A"])
        A.eliminate_zeros()
        self.A = A
        nv = self.c.size
        P = data0.get("P")
        self.P = sp.csc_matrix((nv, nv)) if P is None else sp.triu(P).tocsc()
        self.cones = dims_to_solver_cones(data0["dims"])
        self.settings = clarabel.DefaultSettings()
        self.settings.verbose = False
        # the data is already scaled (capital per CNY of V, weights in [0, 1]); without
        # Ruiz equilibration Clarabel needs about 11 instead of 17 iterations here. Any
        # status other than Solved is retried with Clarabel's defaults (as cvxpy calls it), then
        # with a smaller static regularisation.
        self.fast_settings = clarabel.DefaultSettings()
        self.fast_settings.verbose = False
        self.fast_settings.equilibrate_enable = False
        # the last resort: a smaller static regularisation. Clarabel 0.11 stalls
        # (MaxIterations, NumericalError) on some life frontier points that it solves so.
        self.robust_settings = clarabel.DefaultSettings()
        self.robust_settings.verbose = False
        self.robust_settings.static_regularization_constant = 1e-7
        self.w_col = _column(built.w, chain, inverse, data0)
        self.n = built.w.size
        ir = built.ctx.ir
        self.t_ir_col = _column(ir[0], chain, inverse, data0) if ir is not None else None
        self.solve_time = 0.0
        self.solves = 0
        self._lock = threading.Lock()  # frontier points may solve on several threads

    def solve(self, theta: float) -> tuple[str, np.ndarray | None, float | None]:
        """(status, w, t_ir) at Parameter value ``theta``; w is None unless solved."""
        b = self.b0 + (float(theta) - self.theta0) * self.db
        sol = self._solve(self.P, self.c, self.A, b)
        status = _status(sol)
        if status not in ("optimal", "optimal_inaccurate"):
            return status, None, None
        x = np.asarray(sol.x)
        w = x[self.w_col : self.w_col + self.n]
        t_ir = float(x[self.t_ir_col]) if self.t_ir_col is not None else None
        return status, w, t_ir

    def _solve(self, P: Any, c: np.ndarray, A: Any, b: np.ndarray) -> Any:
        sol = None
        for settings in (self.fast_settings, self.settings, self.robust_settings):
            sol = clarabel.DefaultSolver(P, c, A, b, self.cones, settings).solve()
            with self._lock:
                self.solve_time += float(sol.solve_time)
                self.solves += 1
            if str(sol.status).split(".")[-1] == "Solved":
                break
        return sol

    def minimise_parameter(self) -> tuple[str, float | None, np.ndarray | None, float | None]:
        """The smallest Parameter value with a feasible problem (e.g. the minimum volatility):
        the same conic data with ``theta`` as one more variable, ``min theta``."""
        nv = self.c.size
        A = sp.hstack([self.A, sp.csc_matrix(-self.db.reshape(-1, 1))]).tocsc()
        A.eliminate_zeros()
        c = np.zeros(nv + 1)
        c[-1] = 1.0
        P = sp.csc_matrix((nv + 1, nv + 1))
        sol = self._solve(P, c, A, self.b0 - self.theta0 * self.db)
        status = _status(sol)
        if status not in ("optimal", "optimal_inaccurate"):
            return status, None, None, None
        x = np.asarray(sol.x)
        t_ir = float(x[self.t_ir_col]) if self.t_ir_col is not None else None
        return status, float(x[-1]), x[self.w_col : self.w_col + self.n], t_ir
