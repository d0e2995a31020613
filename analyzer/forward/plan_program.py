"""The one convex program of a multi-year plan (docs/optimizer.md, "Multi-year plan").

Decision variables, all in units of ``V0`` (today's invested total, CNY) so that the solver is
well scaled:

* ``X[k, i] >= 0``: CNY of class ``i`` held at step date ``k = 1..T`` after rebalancing;
* ``c[v]`` in ``[0, max_v]``: CNY committed to new vintage ``v``.

Dynamics (the projector's accounting): the rebalanceable total grows by the classes' expected
returns and the step's net cash, ``sum X[k] = sum g * X[k-1] + f_k + (D_k - C_k) c`` with
``g = (1 + mu) ** dt``; a commitment's NAV ``N_k = n0_k + NAV_k c`` is a separate exposure whose
capital per CNY is the column of the vintage's class. Core tier 1 grows by ``kappa`` times the
investment income (and the programme's NAV growth) plus the retained profit, less dividends,
plus approved capital actions. Admitted capital (Rule 1 Art. 41 tier limits) is concave in core
tier 1 and stated with hypograph variables; minimum capital is the nested cones of
:func:`analyzer.optimize.capital.state_capital` on the date's exposures, so each floor
``actual >= floor x MC`` is a convex constraint.

What the program cannot state convexly is fixed at an iterate, one :class:`DateModel` per date
(:func:`date_model`, from the universe of the projected book of that date): the stock-book k1,
holding-period steps, size bands, loss absorption, the life interest-rate scenario method
(relaxed to ``t_ir >= max(up, down, 0)``, exact for a floor because minimum capital increases
with ``t_ir``), the equity-cap tier (from the prior date's ratio) and the stress fractions.
Every family of constraints is stated once for all dates (block-sparse matrices on the
row-major vector of the exposures), so cvxpy compiles the program in about 0.1 s; it is rebuilt
at each round with the new numbers. (Parameters, cvxpy's DPP, would skip that compilation, but
its first compilation of the parameter-dense cones takes tens of seconds.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from analyzer import compliance
from analyzer.io.holdings import Holdings
from analyzer.optimize.capital import MARGIN, cone_rows
from analyzer.optimize.universe import Universe, build_universe
from analyzer.solvency import aggregation
from analyzer.solvency.capital import tier_shares
from analyzer.solvency.charges import SUBMODULE_INDEX as SI
from analyzer.stress.annex4 import scenarios as annex4_scenarios
from analyzer.stress.shocks import StressParameters, revalue, scopes, shocked_holdings

OBJECTIVES = ("terminal_surplus", "cumulative_return")
#: group caps of 保监发〔2014〕13号 the plan states (share of total assets)
CAP_GROUPS = ("equity", "real_estate", "other_financial", "overseas", "venture_capital")
SOLVER_OK = ("optimal", "optimal_inaccurate")
#: amounts below this (per CNY of V0) are solver noise and read as 0
NOISE = 1e-8


# --------------------------------------------------------------------------- linear data


@dataclass(frozen=True)
class CapitalModel:
    """The capital map of one book, aligned to the plan's classes (CNY per CNY of class value).

    Attributes
    ----------
    A : ndarray (10, n)
        Sub-module capital per CNY of each class (life interest rate: see ``ir_up``).
    fixed : ndarray (10,)
        Capital that does not move with the classes (CNY).
    ir_up, ir_down : ndarray (n,)
        Life only: PV change of each class's asset cash flows per CNY under the up/down curve.
    ir_liability_up, ir_liability_down : float
        Life only: PV change of the liability outflows, CNY.
    life : bool
    constants : aggregation.Constants
        Insurance minimum capital, loss absorption, size coefficient, control-risk Q (CNY).
    matrices : aggregation.Matrices
    """

    A: np.ndarray
    fixed: np.ndarray
    ir_up: np.ndarray
    ir_down: np.ndarray
    ir_liability_up: float
    ir_liability_down: float
    life: bool
    constants: aggregation.Constants
    matrices: aggregation.Matrices

    def minimum_capital(self, exposure: np.ndarray) -> float:
        """Minimum capital (CNY) of class exposures (CNY) by this map, in numpy."""
        s = np.asarray(exposure, dtype=float) @ self.A.T + self.fixed
        if self.life:
            up = self.ir_liability_up - exposure @ self.ir_up
            down = self.ir_liability_down - exposure @ self.ir_down
            s = s.copy()
            s[SI["interest_rate"]] += max(up, down, 0.0)
        return float(aggregation.aggregate(s, self.constants, self.matrices).minimum_capital)


@dataclass(frozen=True)
class DateModel:
    """Everything linear about one step date, fixed at the iterate.

    Attributes
    ----------
    capital : CapitalModel
        The capital map of the date's book.
    group_share : dict of str -> ndarray (n,)
        Share of each class in each 13号文 group (``CAP_GROUPS``).
    sci_tech_share, liquid : ndarray (n,)
    equity_cap : float
        Equity cap (share of total assets) of the tier of the prior date's comprehensive ratio.
    stress : ndarray (n,) or None
        Value change per CNY of each class under the Annex 4 macro scenario (negative: loss).
    stress_constant : float
        Value change of the positions held constant (derivatives) under that scenario, CNY.
    stressed_capital : CapitalModel or None
        The capital map of the shocked book (per CNY of shocked class value).
    counterparty_share, counterparties : ndarray (p, n), names
        Value share per named counterparty that can reach the 20% single-counterparty cap.
    concentration_share, concentration_names, concentration_threshold
        Book value per CNY of class for counterparties below the Rule 8 Art. 65 threshold
        (CNY), kept below it so that no concentration add-on switches on.
    largest_position_share : ndarray (n,)
        Largest non-exempt position per CNY of class (single-asset 5% cap).
    property_share, property_threshold
        Investment property per CNY of class and the Rule 8 Art. 67 share of total assets
        (None when the book is already over it).
    """

    capital: CapitalModel
    group_share: dict[str, np.ndarray]
    sci_tech_share: np.ndarray
    liquid: np.ndarray
    equity_cap: float
    stress: np.ndarray | None = None
    stress_constant: float = 0.0
    stressed_capital: CapitalModel | None = None
    counterparty_share: np.ndarray | None = None
    counterparties: tuple[str, ...] = ()
    concentration_share: np.ndarray | None = None
    concentration_names: tuple[str, ...] = ()
    concentration_threshold: float = float("inf")
    largest_position_share: np.ndarray | None = None
    property_share: np.ndarray | None = None
    property_threshold: float | None = None


def capital_model(u: Universe, classes: Sequence[str], fallback: CapitalModel | None = None):
    """The :class:`CapitalModel` of universe ``u`` on ``classes`` (a class ``u`` does not hold
    takes its column from ``fallback``, else zeros)."""
    cm = u.capmap
    n = len(classes)
    idx = {c: i for i, c in enumerate(u.units)}
    A = np.zeros((cm.A.shape[0], n)) if fallback is None else fallback.A.copy()
    up = np.zeros(n) if fallback is None else fallback.ir_up.copy()
    down = np.zeros(n) if fallback is None else fallback.ir_down.copy()
    for j, c in enumerate(classes):
        i = idx.get(c)
        if i is None or not cm.current_exposure[i] > 0:
            continue
        A[:, j] = cm.A[:, i]
        if cm.life:
            up[j], down[j] = cm.ir_asset_up[i], cm.ir_asset_down[i]
    return CapitalModel(
        A=A,
        fixed=np.asarray(cm.fixed, dtype=float).copy(),
        ir_up=up,
        ir_down=down,
        ir_liability_up=float(cm.ir_liability_up) if cm.life else 0.0,
        ir_liability_down=float(cm.ir_liability_down) if cm.life else 0.0,
        life=bool(cm.life),
        constants=cm.constants,
        matrices=cm.matrices,
    )


def _per_class(u: Universe, values: np.ndarray, classes: Sequence[str], default: np.ndarray):
    idx = {c: i for i, c in enumerate(u.units)}
    out = np.array(default, dtype=float, copy=True)
    for j, c in enumerate(classes):
        i = idx.get(c)
        if i is not None and u.capmap.current_exposure[i] > 0:
            out[j] = values[i]
    return out


def stress_fractions(
    u: Universe, classes: Sequence[str], params: StressParameters | None = None
) -> tuple[np.ndarray, float, Holdings]:
    """Value change per CNY of each class under the Annex 4 macro scenario.

    The book of ``u`` (template rows included, at 1 CNY each) is revalued position by
    position (:func:`analyzer.stress.shocks.revalue`) and summed per class.

    Returns
    -------
    (fractions (n,) per CNY, value change of the positions held constant in CNY, the shocked
    holdings)
    """
    params = params or StressParameters()
    macro = next(s for s in annex4_scenarios(u.company.company_type) if s.name == "annex4_macro")
    base = u.base_value if u.base_value is not None else u.w0 * u.V
    h = u.scaled_holdings(base / u.V)
    sc = scopes(h, u.company, u.regime, u.options, params)
    rv = revalue(h, macro, sc, params)
    f = h.frame
    n_var = len(u.holdings.frame)
    cls = f["asset_class"].astype(str).to_numpy()[:n_var]
    mv = f["market_value"].to_numpy(dtype=float)[:n_var]
    change = np.asarray(rv.value_change, dtype=float)
    out = np.zeros(len(classes))
    for j, c in enumerate(classes):
        m = cls == c
        tot = mv[m].sum()
        if tot > 0:
            out[j] = change[:n_var][m].sum() / tot
    constant = float(change[n_var:].sum())
    return out, constant, shocked_holdings(h, rv, params)


def date_model(
    u: Universe,
    classes: Sequence[str],
    prior_ratio: float,
    *,
    fallback: DateModel | None = None,
    stressed: bool = False,
    stress_params: StressParameters | None = None,
) -> DateModel:
    """The :class:`DateModel` of one date from the universe of its book.

    Parameters
    ----------
    u : the universe of the date's book (class level, templates included)
    classes : the plan's classes, in order
    prior_ratio : comprehensive ratio at the prior date (gives the equity-cap tier)
    fallback : columns for classes the date's book does not hold (today's model)
    stressed : also revalue under the Annex 4 macro scenario and map the shocked book
    """
    n = len(classes)
    fb = fallback
    cap = capital_model(u, classes, fb.capital if fb else None)
    groups = {
        g: _per_class(u, u.group_share[g], classes, fb.group_share[g] if fb else np.zeros(n))
        for g in CAP_GROUPS
    }
    sci = _per_class(u, u.sci_tech_share, classes, fb.sci_tech_share if fb else np.zeros(n))
    liquid = _per_class(u, u.liquid, classes, fb.liquid if fb else np.zeros(n))

    def rows(matrix: np.ndarray) -> np.ndarray:
        return np.array([_per_class(u, r, classes, np.zeros(n)) for r in matrix]).reshape(-1, n)

    rt = u.regime.table("concentration", "real_estate")
    model = DateModel(
        capital=cap,
        group_share=groups,
        sci_tech_share=sci,
        liquid=liquid,
        equity_cap=compliance.equity_cap(prior_ratio, u.regime),
        counterparty_share=rows(u.counterparty_share),
        counterparties=tuple(u.counterparties),
        concentration_share=rows(u.concentration_share),
        concentration_names=tuple(u.concentration_names),
        concentration_threshold=float(u.concentration_threshold),
        largest_position_share=_per_class(
            u,
            u.largest_position_share,
            classes,
            fb.largest_position_share
            if fb and fb.largest_position_share is not None
            else np.zeros(n),
        ),
        property_share=_per_class(
            u,
            u.property_share,
            classes,
            fb.property_share if fb and fb.property_share is not None else np.zeros(n),
        ),
        property_threshold=None
        if u.property_currently_over
        else float(rt["threshold_share_of_total_assets"]),
    )
    if not stressed:
        return model
    s, const, shocked = stress_fractions(u, classes, stress_params)
    if fb is not None and fb.stress is not None:
        held = _per_class(u, np.ones(u.n), classes, np.zeros(n)) > 0
        s = np.where(held, s, fb.stress)
    us = build_universe(
        shocked, u.company, u.assumptions, u.regime, u.options, "class", templates=None
    )
    scap = capital_model(us, classes, cap)
    return replace(model, stress=s, stress_constant=const, stressed_capital=scap)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Vintage:
    """A new commitment the plan may make (CNY), with its flows per CNY committed."""

    year: int
    asset_class: str
    max_commitment: float
    calls: np.ndarray
    distributions: np.ndarray
    nav: np.ndarray
    growth: np.ndarray


@dataclass(frozen=True)
class PlanInputs:
    """The schedule of a plan in CNY per step (``T`` steps), what does not depend on decisions.

    Attributes
    ----------
    dates : tuple of date (T,)
    steps_per_year : int
    classes : tuple of str (n,)
    x0 : ndarray (n,)
        Today's rebalanceable CNY per class.
    mu : ndarray (n,)
        Expected annual return per class (fraction).
    net_flow : ndarray (T,)
        Cash into the book in each step: new money + retained profit - dividends + counted
        capital actions + the existing programme's distributions - its calls (CNY).
    core_tier1_0 : float
        Today's core tier 1 (CNY).
    core_tier1_flow : ndarray (T,)
        Retained profit - dividends + core tier 1 actions of each step (CNY).
    other_tiers : ndarray (T, 3)
        Core tier 2, supplementary tier 1 and 2 at each date (CNY, actions included).
    future_surplus : float
        Future surplus in core tier 1 (CNY, held).
    kappa : float
        Share of investment income that reaches core tier 1 (``income_to_capital``).
    programme_nav, programme_growth : ndarray (T,)
        The existing commitment programme's NAV at each date and its growth in each step (CNY).
    programme_class : str or None
        The class whose capital column the programme's NAV takes.
    vintages : tuple of Vintage
    total_assets0 : float
        Today's total assets (CNY).
    cash_class : str or None
        The class new cash arrives in (turnover is measured against it).
    """

    dates: tuple[date, ...]
    steps_per_year: int
    classes: tuple[str, ...]
    x0: np.ndarray
    mu: np.ndarray
    net_flow: np.ndarray
    core_tier1_0: float
    core_tier1_flow: np.ndarray
    other_tiers: np.ndarray
    future_surplus: float
    kappa: float
    programme_nav: np.ndarray
    programme_growth: np.ndarray
    programme_class: str | None
    vintages: tuple[Vintage, ...]
    total_assets0: float
    cash_class: str | None
    min_weight: np.ndarray = field(default=None)  # type: ignore[assignment]
    max_weight: np.ndarray = field(default=None)  # type: ignore[assignment]

    @property
    def T(self) -> int:
        """Number of steps."""
        return len(self.dates)

    @property
    def V0(self) -> float:
        """Today's rebalanceable total (CNY): the scale of the program."""
        return float(self.x0.sum())

    @property
    def year_ends(self) -> tuple[int, ...]:
        """Indices (0-based) of the year-end steps."""
        s = self.steps_per_year
        return tuple(k for k in range(self.T) if (k + 1) % s == 0)

    def growth(self) -> np.ndarray:
        """``g = (1 + mu) ** dt`` per class."""
        return (1.0 + self.mu) ** (1.0 / self.steps_per_year)

    def nav_matrix(self) -> np.ndarray:
        """(T, n, nv): class exposure of each vintage's NAV per CNY committed."""
        idx = {c: i for i, c in enumerate(self.classes)}
        M = np.zeros((self.T, len(self.classes), len(self.vintages)))
        for v, vin in enumerate(self.vintages):
            M[:, idx[vin.asset_class], v] = vin.nav
        return M


@dataclass(frozen=True)
class Floors:
    """Floors and limits of a plan (fractions; per-date arrays of length T).

    ``None`` means not stated. ``stressed`` applies at year-end steps only.
    """

    comprehensive: np.ndarray
    core: np.ndarray
    stressed: np.ndarray | None = None
    sci_tech: np.ndarray | None = None
    max_turnover: float | None = None
    min_liquid: float | None = None


# --------------------------------------------------------------------------- the program


@dataclass
class Stated:
    """One stated limit ``expr >= 0`` (a vector: one element per date, or per date and
    subject), what it is, and its elastic slack.

    Attributes
    ----------
    name : the limit (``min_comprehensive_ratio``, ``equity_cap``, ``min_weight`` ...)
    steps : ndarray of int, the step (0-based) of each element
    constraint : the cvxpy constraint
    scale : ndarray, V0 units of one business unit per element (one ratio point of a floor,
        one percentage point of total assets or of the book, 1 亿元 of a threshold)
    limit : ndarray, the limit per element in its business unit
    labels : tuple of str, the subject of each element ("" when none)
    slack : elastic slack (V0 units) or None
    floor_kind : ``comprehensive``, ``core`` or ``stressed`` for a ratio floor, else None
    """

    name: str
    steps: np.ndarray
    constraint: Any
    scale: np.ndarray
    limit: np.ndarray
    labels: tuple[str, ...]
    slack: Any = None
    floor_kind: str | None = None

    def dual(self) -> np.ndarray:
        """The dual of each element (CNY of objective per CNY of the right-hand side)."""
        d = self.constraint.dual_value
        size = len(self.steps)
        if d is None:
            return np.zeros(size)
        return np.abs(np.ravel(np.asarray(d, dtype=float), order="C"))


def _roots(matrices: aggregation.Matrices) -> dict[str, np.ndarray]:
    return aggregation.correlation_factors(matrices)


def _blocks(rows: Sequence[np.ndarray], steps: Sequence[int], n: int, T: int) -> sp.csr_matrix:
    """Sparse (sum of rows, T n): block ``j`` (``rows[j]``, r_j x n) at the columns of date
    ``steps[j]`` of the row-major vector of the (T, n) exposures."""
    blocks = [np.atleast_2d(np.asarray(r, dtype=float)) for r in rows]
    total = sum(b.shape[0] for b in blocks)
    out = np.zeros((total, T * n))
    at = 0
    for b, k in zip(blocks, steps, strict=True):
        out[at : at + b.shape[0], k * n : (k + 1) * n] = b
        at += b.shape[0]
    return sp.csr_matrix(out)


class PlanProgram:
    """The multi-period program on fixed :class:`DateModel` s (one per step date).

    Every family of constraints is stated once for all dates (block-sparse matrices on the
    row-major vector of the exposures), which keeps cvxpy's compilation short.

    Parameters
    ----------
    inputs : the schedule (:class:`PlanInputs`)
    models : one :class:`DateModel` per date
    floors : :class:`Floors`
    objective : ``terminal_surplus`` or ``cumulative_return``
    elastic : give every floor and limit a non-negative slack and minimise their weighted sum
        (per ratio point, percentage point or 亿元)
    active : steps (0-based) whose floors and limits are stated (default all)
    fixed_x : step -> CNY per class held fixed (earlier decisions of a myopic chain)
    fixed_c : vintage index -> CNY committed, held fixed
    step_objective : myopic: the objective of this step only
    regime : gives the tier limits and the 13号文 caps
    """

    def __init__(
        self,
        inputs: PlanInputs,
        models: Sequence[DateModel],
        floors: Floors,
        objective: str = "cumulative_return",
        *,
        elastic: bool = False,
        active: Sequence[int] | None = None,
        fixed_x: Mapping[int, np.ndarray] | None = None,
        fixed_c: Mapping[int, float] | None = None,
        step_objective: int | None = None,
        regime: Any = None,
    ) -> None:
        from analyzer.solvency.regime import DEFAULT_REGIME, load_regime

        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
        regime = regime if regime is not None else load_regime(DEFAULT_REGIME)
        self._tier_limits = tier_shares(regime)
        self._ratio_caps = ratio_caps(regime)
        self.inputs = inputs
        self.objective_name = objective
        self.elastic = elastic
        self.T = inputs.T
        self.n = len(inputs.classes)
        self.nv = len(inputs.vintages)
        self.active = tuple(range(self.T)) if active is None else tuple(sorted(active))
        self.fixed_x = dict(fixed_x or {})
        self.fixed_c = dict(fixed_c or {})
        self.step_objective = step_objective
        self._bumps: dict[tuple[str, int], float] = {}
        self._setup(models, floors)

    # -- (re)build ---------------------------------------------------------------------------
    def _setup(self, models: Sequence[DateModel], floors: Floors) -> None:
        self._models = list(models)
        self._floors = floors
        self.stated: list[Stated] = []
        self._build(models, floors)

    def update(self, models: Sequence[DateModel], floors: Floors | None = None) -> None:
        """Re-linearise: new date models (same classes and vintages) and, optionally, floors."""
        self._setup(models, floors if floors is not None else self._floors)

    def set_floors(self, floors: Floors) -> None:
        """New floor values."""
        self._setup(self._models, floors)

    def set_bump(self, kind: str, k: int, amount: float) -> None:
        """Add ``amount`` CNY of capital to the left side of one floor (finite differences)."""
        self._bumps[(kind, k)] = amount / self.inputs.V0
        self._setup(self._models, self._floors)

    # -- pieces ----------------------------------------------------------------------------
    def _cone_values(self, cm: CapitalModel) -> dict[str, np.ndarray]:
        """The numbers of one date's cones, per V0: the rows of
        :func:`analyzer.optimize.capital.cone_rows` (the ones
        :func:`~analyzer.optimize.capital.state_capital` reads) folded with the correlation
        roots."""
        V0 = self.inputs.V0
        roots = _roots(cm.matrices)
        rows = cone_rows(cm.A, cm.fixed / V0, cm.life)
        Lm = roots["market"].T
        out = {"G_market": Lm @ rows.market, "g_market": Lm @ rows.market_fixed}
        for pair, (_, A2, f2) in rows.pairs.items():
            R = roots[pair].T
            out[f"G_{pair}"] = R @ A2
            out[f"g_{pair}"] = R @ f2
        out["a_up"], out["a_down"] = cm.ir_up, cm.ir_down
        out["l_up"] = np.array([cm.ir_liability_up / V0])
        out["l_down"] = np.array([cm.ir_liability_down / V0])
        Rc = roots["credit"].T
        out["G_credit"] = Rc @ rows.credit
        out["g_credit"] = Rc @ rows.credit_fixed
        c = cm.constants
        LT = roots["top"].T
        out["h_top"] = LT[:, :2] @ np.array([c.life_insurance, c.nonlife_insurance]) / V0
        return out

    def _cones(self, ks: Sequence[int], cms: Sequence[CapitalModel], cons: list) -> cp.Variable:
        """MC* / V0 epigraphs ``z`` (one per date of ``ks``) of the exposures of those dates,
        each by its capital map; the nested cones of
        :func:`analyzer.optimize.capital.state_capital` with the life interest-rate entry
        relaxed to ``t_ir >= max(up, down, 0)``."""
        T, n = self.T, self.n
        m = len(ks)
        vals = [self._cone_values(cm) for cm in cms]
        roots = _roots(cms[0].matrices)
        Lm, LT = roots["market"].T, roots["top"].T
        vecE = self.vecE

        def lin(key: str) -> Any:
            r = vals[0][key].shape[0] if vals[0][key].ndim == 2 else 1
            B = _blocks([v[key] for v in vals], ks, n, T)
            return cp.reshape(B @ vecE, (m, r), order="C")

        def rows(key: str) -> np.ndarray:
            return np.array([np.atleast_1d(v[key]) for v in vals])

        def col(t: Any) -> Any:
            return cp.reshape(t, (m, 1), order="C")

        market = lin("G_market") + rows("g_market")
        for row, pair in ((3, "overseas_fixed_income"), (4, "overseas_equity")):
            t_os = cp.Variable(m, nonneg=True)
            cons.append(cp.norm(lin(f"G_{pair}") + rows(f"g_{pair}"), 2, axis=1) <= t_os)
            market = market + col(t_os) @ Lm[:, row][None, :]
        if cms[0].life:
            t_ir = cp.Variable(m, nonneg=True)
            cons.append(t_ir >= rows("l_up")[:, 0] - cp.reshape(lin("a_up"), (m,), order="C"))
            cons.append(t_ir >= rows("l_down")[:, 0] - cp.reshape(lin("a_down"), (m,), order="C"))
            market = market + col(t_ir) @ Lm[:, 0][None, :]
        t_m = cp.Variable(m, nonneg=True)
        cons.append(cp.norm(market, 2, axis=1) <= t_m)
        t_c = cp.Variable(m, nonneg=True)
        cons.append(cp.norm(lin("G_credit") + rows("g_credit"), 2, axis=1) <= t_c)
        top = rows("h_top") + col(t_m) @ LT[:, 2][None, :] + col(t_c) @ LT[:, 3][None, :]
        z = cp.Variable(m, nonneg=True)
        cons.append(cp.norm(top, 2, axis=1) <= z)
        return z

    def _mc_affine(self, cm: CapitalModel) -> tuple[float, float]:
        """``MC / V0 = a z + b`` for MC* / V0 = z (a: the multiplier; b in V0 units)."""
        c = cm.constants
        return float(c.multiplier), float(c.minimum_capital(0.0)) / self.inputs.V0

    def _admitted(self, core1: Any, tiers: np.ndarray, cons: list) -> tuple[Any, Any]:
        """Core ``K`` and supplementary ``S`` capital (V0 units, one per row of ``tiers``)
        below each linear case of Rule 1 Art. 41
        (:func:`analyzer.solvency.capital.admitted_capital`): core capital is the minimum of
        its four cases, supplementary ``min(S1 + min(S2, 25% K), K)``."""
        V0 = self.inputs.V0
        t = self._tier_limits
        m = tiers.shape[0]
        fs = self.inputs.future_surplus / V0
        c2, s1, s2 = (tiers[:, j] / V0 for j in range(3))
        base = core1 - fs
        K = cp.Variable(m)
        S = cp.Variable(m)
        cons += [
            base + fs + c2 >= K,
            (base + c2) / (1 - t["fs"]) >= K,
            (base + fs) / (1 - t["c2"]) >= K,
            base / (1 - t["fs"] - t["c2"]) >= K,
            s1 + s2 >= S,
            s1 + t["s2"] * K >= S,
            t["sup"] * K >= S,
        ]
        return K, S

    def _state(self, name, expr, steps, scale, limit, labels=None, floor_kind=None) -> None:
        """State ``expr >= 0`` (elementwise; an elastic slack when asked)."""
        steps = np.asarray(steps, dtype=int)
        size = len(steps)
        expr = cp.reshape(expr, (size,), order="C") if expr.size != size or expr.ndim != 1 else expr
        slack = cp.Variable(size, nonneg=True) if self.elastic else None
        con = (expr + slack if slack is not None else expr) >= 0
        self.stated.append(
            Stated(
                name,
                steps,
                con,
                np.broadcast_to(np.asarray(scale, dtype=float), (size,)).copy(),
                np.broadcast_to(np.asarray(limit, dtype=float), (size,)).copy(),
                tuple(labels) if labels is not None else ("",) * size,
                slack,
                floor_kind,
            )
        )

    # -- the program -----------------------------------------------------------------------
    def _build(self, models: Sequence[DateModel], floors: Floors) -> None:
        inp = self.inputs
        T, n, nv = self.T, self.n, self.nv
        V0 = inp.V0
        g = inp.growth()
        x0 = inp.x0 / V0
        X = cp.Variable((T, n), nonneg=True, name="x")
        c = cp.Variable(nv, nonneg=True, name="commitment") if nv else None
        self.X, self.c = X, c
        cons: list = []
        if c is not None:
            cons.append(c <= np.array([v.max_commitment for v in inp.vintages]) / V0)
            for v, amount in self.fixed_c.items():
                cons.append(c[v] == amount / V0)
        for k, amounts in self.fixed_x.items():
            cons.append(X[k] == np.asarray(amounts, dtype=float) / V0)
        hi = inp.max_weight if inp.max_weight is not None else np.ones(n)
        lo = inp.min_weight if inp.min_weight is not None else np.zeros(n)
        closed = np.flatnonzero(hi <= 0)
        if len(closed):
            cons.append(X[:, closed] == 0)
        calls = np.array([v.calls for v in inp.vintages]).reshape(nv, T)
        dist = np.array([v.distributions for v in inp.vintages]).reshape(nv, T)
        vgrowth = np.array([v.growth for v in inp.vintages]).reshape(nv, T)
        M = inp.nav_matrix()  # (T, n, nv)
        Xprev = cp.vstack([x0[None, :], X[:-1]]) if T > 1 else x0[None, :]
        # dynamics: the rebalanceable total
        net = inp.net_flow / V0
        nav_total = inp.programme_nav / V0
        income = Xprev @ (g - 1.0) + inp.programme_growth / V0
        if c is not None:
            net = net + (dist - calls).T @ c
            nav_total = nav_total + M.sum(axis=1) @ c
            income = income + vgrowth.T @ c
        W = cp.sum(X, axis=1)
        cons.append(Xprev @ g + net == W)
        self.income = income
        # core tier 1 and the exposures of each date
        ltri = np.tril(np.ones((T, T)))
        core1 = inp.core_tier1_0 / V0 + ltri @ (inp.kappa * income + inp.core_tier1_flow / V0)
        N0 = np.zeros((T, n))
        if inp.programme_class is not None:
            N0[:, inp.classes.index(inp.programme_class)] = inp.programme_nav / V0
        E = X + N0
        if c is not None:
            E = E + cp.reshape(M.reshape(T * n, nv) @ c, (T, n), order="C")
        self.E, self.W, self.nav, self.core1 = E, W, nav_total, core1
        self.vecE = cp.reshape(E, (T * n,), order="C")
        self.vecX = cp.reshape(X, (T * n,), order="C")
        K, S = self._admitted(core1, inp.other_tiers, cons)
        self.K, self.S = K, S
        last = T - 1 if self.step_objective is None else self.step_objective
        act = list(self.active)
        ks = sorted(set(act) | {last})
        z = self._cones(ks, [models[k].capital for k in ks], cons)
        self.z_at = {k: z[j] for j, k in enumerate(ks)}
        self.mc_at = {k: self._mc_affine(models[k].capital) for k in ks}
        # floors
        A = np.array(act, dtype=int)
        if len(A):
            zA = cp.hstack([self.z_at[k] for k in act]) if len(act) > 1 else self.z_at[act[0]]
            zA = cp.reshape(zA, (len(A),), order="C")
            for kind, capital in (("comprehensive", K + S), ("core", K)):
                fl = np.asarray(getattr(floors, kind), dtype=float)[A]
                self._floor(kind, A, capital[A], zA, fl, [models[k].capital for k in A])
        self.zs_at: dict[int, Any] = {}
        self.Ks_at: dict[int, Any] = {}
        if floors.stressed is not None:
            ends = set(inp.year_ends)
            ks_s = [
                k
                for k in act
                if k in ends
                and models[k].stress is not None
                and np.isfinite(floors.stressed[k])
                and floors.stressed[k] > 0
            ]
            if ks_s:
                L = _blocks([models[k].stress for k in ks_s], ks_s, n, T)
                const = np.array([models[k].stress_constant for k in ks_s]) / V0
                loss = L @ self.vecE + const
                Ks, Ss = self._admitted(core1[ks_s] + loss, inp.other_tiers[ks_s], cons)
                smaps = [
                    _folded(models[k].stressed_capital or models[k].capital, models[k].stress)
                    for k in ks_s
                ]
                zs = self._cones(ks_s, smaps, cons)
                for j, k in enumerate(ks_s):
                    self.zs_at[k] = zs[j]
                    self.Ks_at[k] = (Ks[j], Ss[j])
                    self.mc_at[("s", k)] = self._mc_affine(
                        models[k].stressed_capital or models[k].capital
                    )
                fl = np.asarray(floors.stressed, dtype=float)[ks_s]
                cms = [models[k].stressed_capital or models[k].capital for k in ks_s]
                self._floor("stressed", np.array(ks_s), Ks + Ss, zs, fl, cms)
        if len(A):
            self._limits(A, models, floors, Xprev, g, net, lo, hi, cons)
        # the objective
        if self.objective_name == "terminal_surplus":
            a, b = self.mc_at[last]
            value = K[last] + S[last] - (a * self.z_at[last] + b)
        elif self.step_objective is None:
            value = cp.sum(income)
        else:  # myopic: the next step's expected income of the allocation chosen
            value = (g - 1.0) @ X[last]
            if c is not None and last + 1 < T:
                value = value + vgrowth[:, last + 1] @ c
        self.value_expr = value
        constraints = cons + [s.constraint for s in self.stated]
        if self.elastic:
            penalty = sum(cp.sum(cp.multiply(1.0 / st.scale, st.slack)) for st in self.stated)
            self.problem = cp.Problem(cp.Minimize(penalty), constraints)
        else:
            self.problem = cp.Problem(cp.Maximize(value), constraints)

    def _floor(self, kind, steps, capital, z, floor, cms) -> None:
        """``capital + bump >= floor (a z + b)`` at ``steps`` (the optimiser's margin)."""
        ab = np.array([self._mc_affine(cm) for cm in cms])
        f = floor * (1 + MARGIN)
        bump = np.array([self._bumps.get((kind, int(k)), 0.0) for k in steps])
        expr = capital + bump - cp.multiply(f * ab[:, 0], z) - f * ab[:, 1]
        mc = np.array([self._mc_guess(int(k), cm) for k, cm in zip(steps, cms, strict=True)])
        self._state(f"min_{kind}_ratio", expr, steps, 0.01 * mc, floor, None, kind)

    def _mc_guess(self, k: int, cm: CapitalModel) -> float:
        """Minimum capital (V0 units) of today's amounts by the date's map (slack weights)."""
        inp = self.inputs
        return max(cm.minimum_capital(inp.x0) / inp.V0, 1e-6)

    def _limits(self, A, models, floors, Xprev, g, net, lo, hi, cons) -> None:
        inp = self.inputs
        T, n = self.T, self.n
        V0 = inp.V0
        X, W = self.X, self.W
        x0_total = float(inp.x0.sum()) / V0
        ta = inp.total_assets0 / V0 + W + self.nav - x0_total
        taA = ta[A]
        pp_ta = 0.01 * inp.total_assets0 / V0
        pp_w = 0.01 * x0_total
        rc = self._ratio_caps
        # 13号文 group caps (equity: the tier of the prior date's ratio)
        for grp in CAP_GROUPS:
            shares = [models[k].group_share[grp] for k in A]
            if not any(s.any() for s in shares):
                continue
            if grp == "equity":
                cap = np.array([models[k].equity_cap for k in A])
            else:
                cap = np.full(len(A), rc[grp])
            B = _blocks(shares, A, n, T)
            expr = cp.multiply(cap * (1 - MARGIN), taA) - B @ self.vecE
            self._state(f"{grp}_cap", expr, A, pp_ta, cap)
        # concentration: single counterparty / asset, Art. 65 thresholds, Art. 67 property
        self._concentration(A, models, ta, pp_ta)
        # class bounds (fractions of the rebalanceable book)
        idx = np.flatnonzero(lo > 0)
        if len(idx):
            expr = X[A][:, idx] - cp.reshape(W[A], (len(A), 1), order="C") @ lo[idx][None, :]
            steps = np.repeat(A, len(idx))
            labels = [inp.classes[i] for i in idx] * len(A)
            self._state("min_weight", expr, steps, pp_w, np.tile(lo[idx], len(A)), labels)
        idx = np.flatnonzero((hi < 1) & (hi > 0))
        if len(idx):
            expr = cp.reshape(W[A], (len(A), 1), order="C") @ hi[idx][None, :] - X[A][:, idx]
            steps = np.repeat(A, len(idx))
            labels = [inp.classes[i] for i in idx] * len(A)
            self._state("max_weight", expr, steps, pp_w, np.tile(hi[idx], len(A)), labels)
        if floors.sci_tech is not None:
            tgt = np.asarray(floors.sci_tech, dtype=float)[A]
            B = _blocks([models[k].sci_tech_share for k in A], A, n, T)
            expr = B @ self.vecE - cp.multiply(tgt, W[A] + self.nav[A])
            self._state("min_sci_tech", expr, A, pp_w, tgt)
        if floors.min_liquid is not None:
            B = _blocks([models[k].liquid for k in A], A, n, T)
            expr = B @ self.vecX - floors.min_liquid * W[A]
            self._state("min_liquidity", expr, A, pp_w, floors.min_liquid)
        if floors.max_turnover is not None:
            drift = cp.multiply(Xprev, np.tile(g, (T, 1)))
            if inp.cash_class in inp.classes:
                e = np.zeros((1, n))
                e[0, inp.classes.index(inp.cash_class)] = 1.0
                drift = drift + cp.reshape(net, (T, 1), order="C") @ e
            trade = cp.Variable((T, n), nonneg=True)
            cons += [trade >= X - drift, trade >= drift - X]
            expr = floors.max_turnover * W[A] - 0.5 * cp.sum(trade[A], axis=1)
            self._state("turnover", expr, A, pp_w, floors.max_turnover)

    def _concentration(self, A, models, ta, pp_ta) -> None:
        T, n = self.T, self.n
        V0 = self.inputs.V0
        rc = self._ratio_caps
        rows, ks, steps, labels = [], [], [], []
        for k in A:
            m = models[k]
            if m.counterparty_share is not None and len(m.counterparties):
                rows.append(m.counterparty_share)
                ks.append(k)
                steps += [k] * len(m.counterparties)
                labels += list(m.counterparties)
        if rows:
            B = _blocks(rows, ks, n, T)
            cap = rc["single_counterparty"]
            expr = cap * (1 - MARGIN) * ta[np.array(steps)] - B @ self.vecE
            self._state("single_counterparty", expr, steps, pp_ta, cap, labels)
        rows, ks, steps, labels, thr = [], [], [], [], []
        for k in A:
            m = models[k]
            if (
                m.concentration_share is not None
                and len(m.concentration_names)
                and np.isfinite(m.concentration_threshold)
            ):
                rows.append(m.concentration_share)
                ks.append(k)
                steps += [k] * len(m.concentration_names)
                labels += list(m.concentration_names)
                thr += [m.concentration_threshold / V0] * len(m.concentration_names)
        if rows:
            B = _blocks(rows, ks, n, T)
            t = np.array(thr)
            expr = t * (1 - MARGIN) - B @ self.vecE
            self._state("counterparty_threshold", expr, steps, 1e8 / V0, t * V0 / 1e8, labels)
        rows, steps, labels = [], [], []
        for k in A:
            lps = models[k].largest_position_share
            if lps is None:
                continue
            for i in np.flatnonzero(lps > 0):
                r = np.zeros(n)
                r[i] = lps[i]
                rows.append(r)
                steps.append(k)
                labels.append(self.inputs.classes[i])
        if rows:
            B = _blocks(rows, steps, n, T)
            cap = rc["single_asset"]
            expr = cap * (1 - MARGIN) * ta[np.array(steps)] - B @ self.vecE
            self._state("single_asset", expr, steps, pp_ta, cap, labels)
        rows, steps, share = [], [], []
        for k in A:
            m = models[k]
            ps = m.property_share
            if m.property_threshold is not None and ps is not None and ps.any():
                rows.append(ps)
                steps.append(k)
                share.append(m.property_threshold)
        if rows:
            B = _blocks(rows, steps, n, T)
            s = np.array(share)
            expr = cp.multiply(s * (1 - MARGIN), ta[np.array(steps)]) - B @ self.vecE
            self._state("property_concentration", expr, steps, pp_ta, s)

    # -- solve and results (CNY) ---------------------------------------------------------------
    def solve(self, **kw: Any) -> str:
        """Solve with Clarabel; return cvxpy's status."""
        try:
            self.problem.solve(solver=cp.CLARABEL, **kw)
        except cp.error.SolverError:
            return "solver_error"
        return str(self.problem.status)

    @property
    def amounts(self) -> np.ndarray:
        """(T, n) CNY per class at each date (solver noise below 1e-8 of V0 read as 0)."""
        x = np.asarray(self.X.value, dtype=float)
        return np.where(x < NOISE, 0.0, x) * self.inputs.V0

    @property
    def commitments(self) -> np.ndarray:
        """(nv,) CNY committed per vintage (solver noise below 1e-8 of V0 read as 0)."""
        if self.c is None:
            return np.zeros(0)
        c = np.asarray(self.c.value, dtype=float)
        return np.where(c < NOISE, 0.0, c) * self.inputs.V0

    @property
    def value(self) -> float:
        """Objective value, CNY."""
        return float(self.problem.value) * self.inputs.V0

    def floors_stated(self) -> list[tuple[str, int]]:
        """(kind, step) of every floor stated."""
        return [(st.floor_kind, int(k)) for st in self.stated if st.floor_kind for k in st.steps]

    def floor_dual(self, kind: str, k: int) -> float:
        """Dual of a floor: CNY of objective per CNY of capital at step ``k``."""
        for st in self.stated:
            if st.floor_kind == kind and k in st.steps:
                return float(st.dual()[list(st.steps).index(k)])
        raise KeyError((kind, k))

    def minimum_capital(self, k: int, stressed: bool = False) -> float:
        """Minimum capital (CNY) the program's cone gives at step ``k``."""
        z = self.zs_at[k] if stressed else self.z_at[k]
        a, b = self.mc_at[("s", k) if stressed else k]
        return (a * float(z.value) + b) * self.inputs.V0


def _folded(cm: CapitalModel, stress: np.ndarray) -> CapitalModel:
    """The shocked book's map stated on the unshocked exposures: columns times ``1 + s``."""
    f = 1.0 + np.asarray(stress, dtype=float)
    return replace(cm, A=cm.A * f, ir_up=cm.ir_up * f, ir_down=cm.ir_down * f)


def ratio_caps(regime) -> dict[str, float]:
    """The 13号文 caps of the groups other than equity (share of total assets)."""
    caps = regime.table("ratio_caps", "caps")
    return {
        "real_estate": float(caps["real_estate"]),
        "other_financial": float(caps["other_financial"]),
        "overseas": float(caps["overseas"]),
        "venture_capital": float(regime.table("ratio_caps", "venture_capital")["cap"]),
        "single_counterparty": float(caps["single_counterparty"]),
        "single_asset": float(caps["single_asset"]),
    }
