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
What changes between rounds is a ``cp.Parameter`` (DPP), so a re-solve skips the compilation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer import compliance
from analyzer.io.holdings import Holdings
from analyzer.optimize.capital import MARGIN
from analyzer.optimize.universe import Universe, build_universe
from analyzer.solvency import aggregation
from analyzer.solvency.charges import SUBMODULE_INDEX as SI
from analyzer.stress.annex4 import scenarios as annex4_scenarios
from analyzer.stress.shocks import StressParameters, revalue, scopes, shocked_holdings

OBJECTIVES = ("terminal_surplus", "cumulative_return")
#: group caps of 保监发〔2014〕13号 the plan states (share of total assets)
CAP_GROUPS = ("equity", "real_estate", "other_financial", "overseas", "venture_capital")
SOLVER_OK = ("optimal", "optimal_inaccurate")


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
    """One stated limit: a constraint (scalar, ``>= 0`` form), what it is, and its slack."""

    name: str
    step: int
    constraint: Any
    unit: str  # "capital" (V0 units of capital), "share" (V0 units of value)
    scale: cp.Parameter  # V0 units of one business unit (1 ratio point, 1 pp ...)
    limit: Any  # float, or ndarray of a vector limit
    label: Any = ""  # str, or tuple of str (one per element of a vector limit)
    slack: Any = None
    floor_kind: str | None = None  # comprehensive / core / stressed


def _roots(matrices: aggregation.Matrices) -> dict[str, np.ndarray]:
    return aggregation.correlation_factors(matrices)


class PlanProgram:
    """The multi-period program on fixed :class:`DateModel` s (one per step date).

    Parameters
    ----------
    inputs : the schedule (:class:`PlanInputs`)
    models : one :class:`DateModel` per date
    floors : :class:`Floors`
    objective : ``terminal_surplus`` or ``cumulative_return``
    elastic : give every floor and limit a non-negative slack and minimise their weighted sum
    active : steps (0-based) whose floors and limits are stated (default all)
    fixed_x : step -> CNY per class held fixed (earlier decisions of a myopic chain)
    fixed_c : vintage index -> CNY committed, held fixed
    step_objective : myopic: maximise the objective of this step only
    """

    def __init__(
        self,
        inputs: PlanInputs,
        models: Sequence[DateModel],
        floors: Floors,
        objective: str = "terminal_surplus",
        *,
        elastic: bool = False,
        active: Sequence[int] | None = None,
        fixed_x: Mapping[int, np.ndarray] | None = None,
        fixed_c: Mapping[int, float] | None = None,
        step_objective: int | None = None,
        regime: Any = None,
        dpp: bool = False,
    ) -> None:
        from analyzer.solvency.regime import DEFAULT_REGIME, load_regime

        regime = regime if regime is not None else load_regime(DEFAULT_REGIME)
        self._tier_limits = tier_limits(regime)
        self._ratio_caps = ratio_caps(regime)
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
        self.inputs = inputs
        self.objective_name = objective
        self.dpp = dpp
        self.elastic = elastic
        self.T = inputs.T
        self.n = len(inputs.classes)
        self.nv = len(inputs.vintages)
        self.active = tuple(range(self.T)) if active is None else tuple(active)
        self.fixed_x = dict(fixed_x or {})
        self.fixed_c = dict(fixed_c or {})
        self.step_objective = step_objective
        self._bumps: dict[tuple[str, int], float] = {}
        self._setup(models, floors)

    def _setup(self, models: Sequence[DateModel], floors: Floors) -> None:
        self.params: dict[str, Any] = {}
        self.stated: list[Stated] = []
        self._floors = floors
        self._build(models, floors)

    # -- parameters
    def _param(self, name: str, value: Any, **kw: Any) -> cp.Parameter:
        if not self.dpp:
            p = _Fixed(np.asarray(value, dtype=float) if np.ndim(value) else float(value))
            self.params[name] = p
            return p.value
        p = cp.Parameter(np.shape(value), name=name, **kw)
        p.value = np.asarray(value, dtype=float) if np.ndim(value) else float(value)
        self.params[name] = p
        return p

    def _handle(self, name: str) -> Any:
        """The Parameter (DPP) or the number (constants) stated under ``name``."""
        p = self.params[name]
        return p if isinstance(p, cp.Parameter) else p.value

    def _set(self, name: str, value: Any) -> None:
        p = self.params[name]
        p.value = np.asarray(value, dtype=float) if np.ndim(value) else float(value)

    # -- the capital cone of one exposure vector
    def _cone(self, key: str, e: Any, cm: CapitalModel, cons: list) -> cp.Variable:
        """MC* / V0 epigraph ``z`` of exposures ``e`` (V0 units) by ``cm``; parameters
        ``{key}.*`` carry every number of ``cm`` (see :meth:`_cone_values`)."""
        vals = self._cone_values(cm)
        roots = _roots(cm.matrices)
        Lm = roots["market"].T
        P = {k: self._param(f"{key}.{k}", v) for k, v in vals.items()}
        market = P["G_market"] @ e + P["g_market"]
        for row, pair in ((3, "overseas_fixed_income"), (4, "overseas_equity")):
            t_os = cp.Variable(nonneg=True)
            cons.append(cp.norm(P[f"G_{pair}"] @ e + P[f"g_{pair}"], 2) <= t_os)
            market = market + Lm[:, row] * t_os
        if cm.life:
            t_ir = cp.Variable(nonneg=True)
            cons += [t_ir >= P["l_up"] - P["a_up"] @ e, t_ir >= P["l_down"] - P["a_down"] @ e]
            market = market + Lm[:, 0] * t_ir
        t_m = cp.Variable(nonneg=True)
        cons.append(cp.norm(market, 2) <= t_m)
        t_c = cp.Variable(nonneg=True)
        cons.append(cp.norm(P["G_credit"] @ e + P["g_credit"], 2) <= t_c)
        LT = roots["top"].T
        z = cp.Variable(nonneg=True)
        cons.append(cp.norm(P["h_top"] + LT[:, 2] * t_m + LT[:, 3] * t_c, 2) <= z)
        return z

    def _cone_values(self, cm: CapitalModel) -> dict[str, np.ndarray]:
        V0 = self.inputs.V0
        A = cm.A
        roots = _roots(cm.matrices)
        fixed = cm.fixed / V0
        C = np.zeros((6, A.shape[1]))
        offset = np.zeros(6)
        if not cm.life:
            C[0] = A[SI["interest_rate"]]
            offset[0] = fixed[SI["interest_rate"]]
        C[1], C[2], C[5] = A[SI["equity"]], A[SI["real_estate"]], A[SI["fx"]]
        offset[1] = fixed[SI["equity"]]
        offset[2] = fixed[SI["real_estate"]]
        offset[5] = fixed[SI["fx"]]
        Lm = roots["market"].T
        out = {"G_market": Lm @ C, "g_market": Lm @ offset}
        for pair, dev, em in (
            (
                "overseas_fixed_income",
                "overseas_fixed_income_developed",
                "overseas_fixed_income_emerging",
            ),
            ("overseas_equity", "overseas_equity_developed", "overseas_equity_emerging"),
        ):
            R = roots[pair].T
            out[f"G_{pair}"] = R @ np.vstack([A[SI[dev]], A[SI[em]]])
            out[f"g_{pair}"] = R @ np.array([fixed[SI[dev]], fixed[SI[em]]])
        if cm.life:
            out["a_up"], out["a_down"] = cm.ir_up, cm.ir_down
            out["l_up"] = np.float64(cm.ir_liability_up / V0)
            out["l_down"] = np.float64(cm.ir_liability_down / V0)
        Rc = roots["credit"].T
        out["G_credit"] = Rc @ np.vstack([A[SI["spread"]], A[SI["default"]]])
        out["g_credit"] = Rc @ np.array([fixed[SI["spread"]], fixed[SI["default"]]])
        c = cm.constants
        LT = roots["top"].T
        out["h_top"] = LT[:, :2] @ np.array([c.life_insurance, c.nonlife_insurance]) / V0
        return out

    def _mc_affine(self, cm: CapitalModel) -> tuple[float, float]:
        """``MC / V0 = a z + b`` for MC* / V0 = z (a: the multiplier; b in V0 units)."""
        c = cm.constants
        a = float(c.multiplier)
        b = float(c.minimum_capital(0.0)) / self.inputs.V0
        return a, b

    # -- admitted capital (concave) with hypograph variables
    def _admitted(self, core1: Any, tiers: np.ndarray, cons: list) -> tuple[Any, Any]:
        """Core ``K`` and supplementary ``S`` capital (V0 units) below each linear case of
        Rule 1 Art. 41 (:func:`analyzer.solvency.capital.admitted_capital`): core capital is
        the minimum of its four cases, supplementary ``min(S1 + min(S2, 25% K), K)``."""
        V0 = self.inputs.V0
        t = self._tier_limits
        fs = self.inputs.future_surplus / V0
        c2, s1, s2 = (float(x) / V0 for x in tiers)
        base = core1 - fs
        K = cp.Variable()
        S = cp.Variable()
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

    def _build(self, models: Sequence[DateModel], floors: Floors) -> None:
        inp = self.inputs
        T, n, nv = self.T, self.n, self.nv
        V0 = inp.V0
        self._models = list(models)
        g = inp.growth()
        x0 = inp.x0 / V0
        X = cp.Variable((T, n), nonneg=True, name="x")
        c = cp.Variable(nv, nonneg=True, name="commitment") if nv else None
        self.X, self.c = X, c
        cons: list = []
        self._cons = cons
        if c is not None:
            cons.append(c <= np.array([v.max_commitment for v in inp.vintages]) / V0)
            for v, amount in self.fixed_c.items():
                cons.append(c[v] == amount / V0)
        for k, amounts in self.fixed_x.items():
            cons.append(X[k] == np.asarray(amounts, dtype=float) / V0)
        calls = np.array([v.calls for v in inp.vintages]).reshape(nv, T)
        dist = np.array([v.distributions for v in inp.vintages]).reshape(nv, T)
        vgrowth = np.array([v.growth for v in inp.vintages]).reshape(nv, T)
        M = inp.nav_matrix()
        pidx = inp.classes.index(inp.programme_class) if inp.programme_class else None
        cash = inp.classes.index(inp.cash_class) if inp.cash_class in inp.classes else None
        hi = inp.max_weight if inp.max_weight is not None else np.ones(n)
        lo = inp.min_weight if inp.min_weight is not None else np.zeros(n)
        closed = hi <= 0
        if closed.any():
            cons.append(X[:, closed] == 0)
        income = []
        self.E, self.K, self.S, self.z, self.core1, self.nav = [], [], [], [], [], []
        self.z_s, self.K_s, self.S_s = {}, {}, {}
        core1 = inp.core_tier1_0 / V0
        prev = x0
        self.floor_params: dict[str, list] = {}
        for k in range(T):
            Xk = X[k]
            net = inp.net_flow[k] / V0
            if c is not None:
                net = net + (dist[:, k] - calls[:, k]) @ c
            cons.append(cp.sum(Xk) == cp.sum(cp.multiply(g, prev)) + net)
            inc = (g - 1.0) @ prev
            nav_growth = inp.programme_growth[k] / V0
            if c is not None:
                nav_growth = nav_growth + vgrowth[:, k] @ c
            income.append(inc + nav_growth)
            core1 = core1 + inp.kappa * (inc + nav_growth) + inp.core_tier1_flow[k] / V0
            # exposures: rebalanceable classes + the commitments' NAV in their classes
            N = np.zeros(n)
            if pidx is not None:
                N[pidx] = inp.programme_nav[k] / V0
            E = Xk + N
            nav_total = float(inp.programme_nav[k] / V0)
            if c is not None:
                E = E + M[k] @ c
                nav_total = nav_total + cp.sum(M[k] @ c)
            self.E.append(E)
            self.nav.append(nav_total)
            self.core1.append(core1)
            m = models[k]
            K, S = self._admitted(core1, inp.other_tiers[k], cons)
            self.K.append(K)
            self.S.append(S)
            z = self._cone(f"d{k}", E, m.capital, cons)
            self.z.append(z)
            a, b = self._mc_affine(m.capital)
            self._param(f"alpha{k}", a, nonneg=True)
            self._param(f"beta{k}", b)
            act = k in self.active
            if act:
                self._floor(k, "comprehensive", K + S, z, a, b, float(floors.comprehensive[k]))
                self._floor(k, "core", K, z, a, b, float(floors.core[k]))
            if act and floors.stressed is not None and k in inp.year_ends and m.stress is not None:
                fl = float(floors.stressed[k])
                if np.isfinite(fl) and fl > 0:
                    sp = self._param(f"s{k}", m.stress)
                    loss = sp @ E + m.stress_constant / V0
                    Ks, Ss = self._admitted(core1 + loss, inp.other_tiers[k], cons)
                    sm = m.stressed_capital or m.capital
                    # the shocked book's cone at E (1 + s), its columns folded by (1 + s)
                    zs = self._cone(f"s{k}", E, _folded(sm, m.stress), cons)
                    as_, bs = self._mc_affine(sm)
                    self.z_s[k], self.K_s[k], self.S_s[k] = zs, Ks, Ss
                    self._floor(k, "stressed", Ks + Ss, zs, as_, bs, fl)
            if act:
                self._limits(k, m, Xk, E, nav_total, floors, prev, g, net, cash, lo, hi)
            prev = Xk
        # the objective
        last = T - 1 if self.step_objective is None else self.step_objective
        aT, bT = self._handle(f"alpha{last}"), self._handle(f"beta{last}")
        if self.objective_name == "terminal_surplus":
            value = self.K[last] + self.S[last] - (aT * self.z[last] + bT)
        elif self.step_objective is None:
            value = cp.sum(cp.hstack(income))
        else:  # myopic: the next step's expected income of the allocation chosen
            nxt = (g - 1.0) @ X[last]
            if c is not None and last + 1 < T:
                nxt = nxt + vgrowth[:, last + 1] @ c
            value = nxt
        self.income = income
        if self.elastic:
            penalty = 0
            for st in self.stated:
                penalty = penalty + cp.sum(st.slack) * (1.0 / _val(st.scale))
            self.problem = cp.Problem(
                cp.Minimize(penalty), cons + [s.constraint for s in self.stated]
            )
        else:
            self.problem = cp.Problem(
                cp.Maximize(value), cons + [s.constraint for s in self.stated]
            )
        self.value_expr = value

    def _mc_guess(self, k: int) -> float:
        """Minimum capital (V0 units) of today's amounts by the date's map (slack weights)."""
        inp = self.inputs
        mc = self._models[k].capital.minimum_capital(inp.x0)
        return max(mc / inp.V0, 1e-6)

    # -- floors: actual + bump >= floor (a z + b), stated as floor_a z + floor_b <= actual
    def _floor(self, k: int, kind: str, capital: Any, z: Any, a: float, b: float, floor: float):
        fa = self._param(f"fa_{kind}{k}", floor * (1 + MARGIN) * a, nonneg=True)
        fb = self._param(f"fb_{kind}{k}", floor * (1 + MARGIN) * b)
        bump = self._param(f"bump_{kind}{k}", self._bumps.get((kind, k), 0.0))
        # one ratio point of the floor, in V0 units of capital (for slack weights / messages)
        mc_scale = self._param(f"pp_{kind}{k}", 0.01 * self._mc_guess(k), nonneg=True)
        expr = capital + bump - fa * z - fb
        slack = cp.Variable(nonneg=True) if self.elastic else None
        con = expr + (slack if slack is not None else 0) >= 0
        self.stated.append(
            Stated(f"min_{kind}_ratio", k, con, "capital", mc_scale, floor, "", slack, kind)
        )
        self.floor_params.setdefault(kind, []).append((k, a, b, floor))

    def _limits(self, k, m, Xk, E, nav_total, floors, prev, g, net, cash, lo, hi):
        inp = self.inputs
        V0 = inp.V0
        W = cp.sum(Xk)
        pp_w = self._param(f"pp_w{k}", 0.01 * max(float(inp.x0.sum()) / V0, 1e-9), nonneg=True)
        ta = inp.total_assets0 / V0 + W + nav_total - float(inp.x0.sum()) / V0
        pp_ta = self._param(f"pp_ta{k}", 0.01 * inp.total_assets0 / V0, nonneg=True)

        def state(name, expr, scale, limit, label: Any = ""):
            slack = None
            if self.elastic:
                slack = cp.Variable(expr.shape, nonneg=True)
            con = expr + (slack if slack is not None else 0) >= 0
            self.stated.append(Stated(name, k, con, "share", scale, limit, label, slack))

        caps = self._caps(m)
        for grp, cap in caps.items():
            share = m.group_share[grp]
            if not share.any():
                continue
            sp = self._param(f"grp_{grp}{k}", share, nonneg=True)
            cp_ = self._param(f"cap_{grp}{k}", cap * (1 - MARGIN), nonneg=True)
            state(f"{grp}_cap", cp_ * ta - sp @ E, pp_ta, cap)
        self._concentration(k, m, E, ta, pp_ta, state)
        idx = np.flatnonzero(lo > 0)
        if len(idx):
            labels = tuple(inp.classes[i] for i in idx)
            state("min_weight", Xk[idx] - lo[idx] * W, pp_w, lo[idx], labels)
        idx = np.flatnonzero((hi < 1) & (hi > 0))
        if len(idx):
            labels = tuple(inp.classes[i] for i in idx)
            state("max_weight", hi[idx] * W - Xk[idx], pp_w, hi[idx], labels)
        if floors.sci_tech is not None and np.isfinite(floors.sci_tech[k]):
            tgt = float(floors.sci_tech[k])
            sci = self._param(f"sci{k}", m.sci_tech_share, nonneg=True)
            sci_e = sci @ E
            state("min_sci_tech", sci_e - tgt * (W + nav_total), pp_w, tgt)
        if floors.min_liquid is not None:
            liq = self._param(f"liq{k}", m.liquid, nonneg=True)
            state("min_liquidity", liq @ Xk - floors.min_liquid * W, pp_w, floors.min_liquid)
        if floors.max_turnover is not None:
            drift = cp.multiply(g, prev)
            if cash is not None:
                e = np.zeros(self.n)
                e[cash] = 1.0
                drift = drift + e * net
            trade = cp.Variable(self.n, nonneg=True)
            self._cons += [trade >= Xk - drift, trade >= drift - Xk]
            state(
                "turnover", floors.max_turnover * W - 0.5 * cp.sum(trade), pp_w, floors.max_turnover
            )

    def _concentration(self, k, m, E, ta, pp_ta, state) -> None:
        """Single counterparty and single asset caps, the Art. 65 counterparty thresholds and
        the Art. 67 property threshold (the single-period optimiser's limits)."""
        V0 = self.inputs.V0
        rc = self._ratio_caps
        if m.counterparty_share is not None and len(m.counterparties):
            cap = rc["single_counterparty"]
            expr = cap * (1 - MARGIN) * ta - m.counterparty_share @ E
            state("single_counterparty", expr, pp_ta, cap, m.counterparties)
        if (
            m.concentration_share is not None
            and len(m.concentration_names)
            and np.isfinite(m.concentration_threshold)
        ):
            thr = m.concentration_threshold / V0
            expr = thr * (1 - MARGIN) - m.concentration_share @ E
            state("counterparty_threshold", expr, 1e8 / V0, thr * V0 / 1e8, m.concentration_names)
        if m.largest_position_share is not None:
            cap = rc["single_asset"]
            idx = np.flatnonzero(m.largest_position_share > 0)
            if len(idx):
                expr = cap * (1 - MARGIN) * ta - cp.multiply(m.largest_position_share[idx], E[idx])
                labels = tuple(self.inputs.classes[i] for i in idx)
                state("single_asset", expr, pp_ta, cap, labels)
        ps = m.property_share
        if m.property_threshold is not None and ps is not None and ps.any():
            share = m.property_threshold
            state("property_concentration", share * (1 - MARGIN) * ta - ps @ E, pp_ta, share)

    def _caps(self, m: DateModel) -> dict[str, float]:
        rc = self._ratio_caps
        return {
            "equity": float(m.equity_cap),
            "real_estate": rc["real_estate"],
            "other_financial": rc["other_financial"],
            "overseas": rc["overseas"],
            "venture_capital": rc["venture_capital"],
        }

    # -- updates between rounds (DPP)
    def update(self, models: Sequence[DateModel], floors: Floors | None = None) -> None:
        """Re-linearise: new date models (same classes and vintages) and floors."""
        if not self.dpp:
            self._setup(models, floors if floors is not None else self._floors)
            return
        self._models = list(models)
        for k, m in enumerate(models):
            for key, v in self._cone_values(m.capital).items():
                self._set(f"d{k}.{key}", v)
            a, b = self._mc_affine(m.capital)
            self._set(f"alpha{k}", a)
            self._set(f"beta{k}", b)
            for grp in CAP_GROUPS:
                if f"grp_{grp}{k}" in self.params:
                    self._set(f"grp_{grp}{k}", m.group_share[grp])
            if f"cap_equity{k}" in self.params:
                self._set(f"cap_equity{k}", m.equity_cap * (1 - MARGIN))
            if f"sci{k}" in self.params:
                self._set(f"sci{k}", m.sci_tech_share)
            if f"liq{k}" in self.params:
                self._set(f"liq{k}", m.liquid)
            if f"s{k}" in self.params and m.stress is not None:
                self._set(f"s{k}", m.stress)
                sm = _folded(m.stressed_capital or m.capital, m.stress)
                for key, v in self._cone_values(sm).items():
                    self._set(f"s{k}.{key}", v)
        if floors is not None:
            self.set_floors(floors)
        else:
            self._refresh_floor_params()

    def set_floors(self, floors: Floors) -> None:
        """New floor values (same floors stated)."""
        if not self.dpp:
            self._setup(self._models, floors)
            return
        self._floors = floors
        for st in self.stated:
            if st.floor_kind is None:
                continue
            k = st.step
            fl = {
                "comprehensive": floors.comprehensive,
                "core": floors.core,
                "stressed": floors.stressed,
            }[st.floor_kind]
            st.limit = float(fl[k])
        self._refresh_floor_params()

    def _refresh_floor_params(self) -> None:
        for st in self.stated:
            if st.floor_kind is None:
                continue
            k = st.step
            m = self._models[k]
            cm = m.capital
            if st.floor_kind == "stressed":
                cm = m.stressed_capital or m.capital
            a, b = self._mc_affine(cm)
            self._set(f"fa_{st.floor_kind}{k}", st.limit * (1 + MARGIN) * a)
            self._set(f"fb_{st.floor_kind}{k}", st.limit * (1 + MARGIN) * b)

    def set_bump(self, kind: str, k: int, amount: float) -> None:
        """Add ``amount`` CNY of capital to one floor's left side (finite differences)."""
        self._bumps[(kind, k)] = amount / self.inputs.V0
        if not self.dpp:
            self._setup(self._models, self._floors)
            return
        self._set(f"bump_{kind}{k}", amount / self.inputs.V0)

    def solve(self, **kw: Any) -> str:
        """Solve with Clarabel; return cvxpy's status."""
        try:
            self.problem.solve(solver=cp.CLARABEL, **kw)
        except cp.error.SolverError:
            return "solver_error"
        return str(self.problem.status)

    # -- results (CNY)
    @property
    def amounts(self) -> np.ndarray:
        """(T, n) CNY per class at each date."""
        return np.maximum(np.asarray(self.X.value, dtype=float), 0.0) * self.inputs.V0

    @property
    def commitments(self) -> np.ndarray:
        """(nv,) CNY committed per vintage."""
        if self.c is None:
            return np.zeros(0)
        return np.maximum(np.asarray(self.c.value, dtype=float), 0.0) * self.inputs.V0

    @property
    def value(self) -> float:
        """Objective value, CNY."""
        return float(self.problem.value) * self.inputs.V0

    def floor_dual(self, kind: str, k: int) -> float:
        """Dual of a floor: CNY of objective per CNY of capital at the date."""
        for st in self.stated:
            if st.floor_kind == kind and st.step == k:
                d = st.constraint.dual_value
                return 0.0 if d is None else float(np.sum(d))
        raise KeyError((kind, k))

    def minimum_capital(self, k: int, stressed: bool = False) -> float:
        """Minimum capital (CNY) the program's cone gives at step ``k``."""
        m = self._models[k]
        cm = (m.stressed_capital or m.capital) if stressed else m.capital
        z = self.z_s[k] if stressed else self.z[k]
        a, b = self._mc_affine(cm)
        return (a * float(z.value) + b) * self.inputs.V0


def _val(x: Any) -> float:
    return float(x.value) if hasattr(x, "value") else float(x)


@dataclass
class _Fixed:
    """A number stated as a constant (``dpp=False``): ``value`` as a Parameter has it."""

    value: Any


def _folded(cm: CapitalModel, stress: np.ndarray) -> CapitalModel:
    """The shocked book's map stated on the unshocked exposures: columns times ``1 + s``."""
    f = 1.0 + np.asarray(stress, dtype=float)
    return replace(cm, A=cm.A * f, ir_up=cm.ir_up * f, ir_down=cm.ir_down * f)


def tier_limits(regime) -> dict[str, float]:
    """Rule 1 Art. 41 shares of core capital (fractions)."""
    t = regime.table("capital", "tier_limits")
    return {
        "fs": float(t["future_surplus_max_share_of_core"]),
        "c2": float(t["core_tier2_max_share_of_core"]),
        "s2": float(t["supplementary_tier2_max_share_of_core"]),
        "sup": float(t["supplementary_max_share_of_core"]),
    }


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
