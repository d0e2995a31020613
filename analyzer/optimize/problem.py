"""The allocation problem: objective + limits -> one convex problem per case -> the best.

Cases make the non-convex parts exact (docs/optimizer.md §3): a life insurer's interest-rate
capital ``max(up, down, 0)`` (three cases) and, on the ``resulting`` equity-cap basis, the
equity tier (one case per tier, with ``ratio >= tier floor`` and ``equity <= tier cap``; tiers
above the prior-quarter cap carry the Rule 8 Art. 66 add-on, and a companion case keeps equity
within the prior-quarter cap without it). The best feasible case wins; the optimum is then
re-evaluated by the engine itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer import compliance
from analyzer.errors import InfeasibleError, SolverError
from analyzer.optimize import constraints as C
from analyzer.optimize.capital import (
    LIFE_CASES,
    RELAXED,
    ir_gap,
    mc_star_value,
    scalars,
    state_capital,
)
from analyzer.optimize.context import Context
from analyzer.optimize.kinds import OBJECTIVES
from analyzer.optimize.objectives import (
    MaxReturnOnCapital,
    MinCapital,
    Objective,
    make_objective,
)
from analyzer.optimize.universe import Universe
from analyzer.solvency.charges import SUBMODULES
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import legal_minimum
from analyzer.solvency.result import SolvencyResult

SOLVER = "CLARABEL"
BINDING_TOL = 1e-7
#: a relaxed life interest-rate case is accepted when ``t_ir - max(up, down, 0)`` is at most
#: this (per CNY of V; the floors keep a relative margin of 1e-6 of a budget of about 0.1)
IR_TIGHT_TOL = 1e-7
#: above this many units a one-off solve ignores DPP: cvxpy's parameter tensor makes the
#: DPP compile of a 2,000-position problem take seconds, and it is solved once, not re-solved
DPP_MAX_UNITS = 300
OK_STATUSES = ("optimal", "optimal_inaccurate")


@dataclass(frozen=True)
class Limits:
    """The limits of a plan. Defaults are the legal ones only (docs/formats.md §4).

    Attributes
    ----------
    min_comprehensive, min_core : ratio floors (fractions; legal 1.0 and 0.5)
    min_sci_tech : minimum sci-tech share of the invested total (fraction)
    min_liquid : minimum share of liquid classes (fraction)
    max_turnover : one-way turnover cap (fraction) or None
    transaction_cost : proportional cost per unit (fraction of the amount traded), scalar or
        per unit
    max_volatility : annual volatility cap (fraction) or None
    target_return : minimum expected return (fraction) or None (required by ``min_capital``)
    duration : (lower, upper) modified-duration band in years (either may be None) or None
    class_bounds : unit -> (min, max) weights, on top of the assumptions' bounds
    groups : name -> (members, min, max)
    equity_cap_basis : ``prior_quarter`` (the rule) or ``resulting``
    counterparty_concentration : keep counterparties below the Art. 65 threshold
    use_assumption_bounds : apply ``min_weight`` / ``max_weight`` of the assumptions
    min_lcr2 : floor on the stressed liquidity coverage ratio LCR2 (with asset realisation,
        Rule 13 Annex 2) over the next 3 and the next 12 months (fraction, e.g. 1.0), or None;
        needs the company file's ``[liquidity]``
    """

    min_comprehensive: float = field(default_factory=lambda: legal_minimum("comprehensive"))
    min_core: float = field(default_factory=lambda: legal_minimum("core"))
    min_sci_tech: float = 0.0
    min_liquid: float = 0.0
    max_turnover: float | None = None
    transaction_cost: Any = 0.0
    max_volatility: float | None = None
    target_return: float | None = None
    duration: tuple[float | None, float | None] | None = None
    class_bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    groups: dict[str, tuple[tuple[str, ...], float, float]] = field(default_factory=dict)
    equity_cap_basis: str = "prior_quarter"
    counterparty_concentration: bool = True
    use_assumption_bounds: bool = True
    min_lcr2: float | None = None


@dataclass(frozen=True)
class Case:
    """One convex piece: life IR case, equity cap and tier floor, add-on switch."""

    life_case: str | None
    equity_cap: float
    tier_ratio: float
    tier_floor: float = 0.0
    equity_addon: bool = False

    @property
    def label(self) -> str:
        parts = []
        if self.life_case:
            parts.append(f"IR {self.life_case}")
        parts.append(f"equity cap {self.equity_cap:.0%}")
        if self.tier_floor > 0:
            parts.append(f"comprehensive >= {self.tier_floor:.0%}")
        if self.equity_addon:
            parts.append("Art. 66 add-on")
        return ", ".join(parts)


def cases(universe: Universe, limits: Limits) -> list[Case]:
    """The convex cases whose union is the exact feasible set."""
    regime = universe.regime
    prior = universe.company.prior_comprehensive_ratio
    prior_cap = compliance.equity_cap(prior, regime)
    life = list(LIFE_CASES) if universe.capmap.life else [None]
    if limits.equity_cap_basis == "prior_quarter":
        eq = [(prior_cap, prior, 0.0, False)]
    elif limits.equity_cap_basis == "resulting":
        eq = []
        for lo, _hi, cap in compliance.equity_cap_tiers(regime):
            eq.append((min(cap, prior_cap), lo, lo, False))
            if cap > prior_cap:
                eq.append((cap, lo, lo, True))
    else:
        from analyzer.errors import ParameterError
        from analyzer.optimize.messages import compose

        raise ParameterError(compose("optimize.equity_cap_basis"))
    seen = set()
    out = []
    for lc in life:
        for cap, ratio, floor, addon in eq:
            key = (lc, cap, floor, addon)
            if key not in seen:
                seen.add(key)
                out.append(Case(lc, cap, ratio, floor, addon))
    return out


def constraint_terms(universe: Universe, limits: Limits, case: Case) -> list[C.Constraint]:
    """The constraint terms of a case (order: floors first)."""
    u = universe
    terms: list[C.Constraint] = [
        C.SolvencyFloor(limits.min_core, max(limits.min_comprehensive, case.tier_floor)),
        C.RatioCaps(),
        C.EquityCap(case.equity_cap, case.tier_ratio),
        C.VentureCapitalCap(),
        C.CounterpartyLimit(limits.counterparty_concentration),
        C.SingleAssetLimit(),
        C.PropertyConcentration(),
    ]
    lo = u.min_weight.copy() if limits.use_assumption_bounds else np.zeros(u.n)
    hi = u.max_weight.copy() if limits.use_assumption_bounds else np.ones(u.n)
    hi = np.where(u.buyable, hi, 0.0)  # an empty unit without templates cannot be bought
    index = {name: i for i, name in enumerate(u.units)}
    for name, (a, b) in limits.class_bounds.items():
        if name in index:
            lo[index[name]] = max(lo[index[name]], a)
            hi[index[name]] = min(hi[index[name]], b)
        else:  # a class at the position level: bound the class's positions together
            members = np.array([c == name for c in u.unit_class], dtype=float)
            terms.append(C.GroupBounds(name, members, a, b))
    terms.append(C.ClassBounds(lo, hi))
    if limits.use_assumption_bounds and u.class_members is not None:  # position level
        terms.append(
            C.ClassBounds(u.class_min_weight, u.class_max_weight, u.class_members, u.class_units)
        )
    for name, (members, a, b) in limits.groups.items():
        mask = np.array(
            [(x in members) or (c in members) for x, c in zip(u.units, u.unit_class, strict=True)],
            dtype=float,
        )
        terms.append(C.GroupBounds(name, mask, a, b))
    if limits.min_sci_tech > 0:
        terms.append(C.SciTechMinimum(limits.min_sci_tech))
    if limits.min_liquid > 0:
        terms.append(C.LiquidityFloor(limits.min_liquid))
    if limits.duration is not None:
        terms.append(C.DurationBand(*limits.duration))
    if limits.max_turnover is not None:
        terms.append(C.Turnover(limits.max_turnover))
    if limits.max_volatility is not None:
        terms.append(C.MaxVolatility(limits.max_volatility))
    if limits.target_return is not None:
        terms.append(C.MinReturn(limits.target_return))
    if limits.min_lcr2 is not None:
        terms.append(C.LiquidityCoverage(limits.min_lcr2))
    return terms


@dataclass
class Built:
    """One compiled case: the cvxpy problem, its variables and context."""

    case: Case
    problem: cp.Problem
    w: cp.Variable
    t: Any
    ctx: Context


def relaxed_label(b: Built) -> str:
    """The exact life case a tight relaxed solution belongs to (``up``, ``down`` or ``zero``)."""
    _, up, down = b.ctx.ir
    u, d = float(np.asarray(up.value)), float(np.asarray(down.value))
    if max(u, d) <= 0:
        return "zero"
    return "up" if u >= d else "down"


def relaxation_exact(b: Built, objective: Objective) -> bool:
    """Whether a relaxed life case's solution is feasible, hence optimal, for the exact problem.

    Either ``t_ir`` is tight (``t_ir = max(up, down, 0)``), or, for objectives that do not
    depend on capital, the exact capital of the weights (the map in numpy, with the true
    ``max``) still meets both budgets: then the same weights are feasible for the exact
    problem and have the same objective value.
    """
    if ir_gap(b.ctx) <= IR_TIGHT_TOL:
        return True
    if objective.needs_capital or objective.charnes_cooper:
        return False
    w = np.clip(np.asarray(b.w.value, dtype=float), 0.0, None)
    z = mc_star_value(b.ctx, w, b.case.equity_addon)
    budget = min(float(b.ctx.params[k].value) for k in ("b_core", "b_comprehensive"))
    return z <= budget * (1 + 1e-9)


def build_case(
    universe: Universe,
    objective: Objective,
    limits: Limits,
    case: Case,
    elastic: bool = False,
    extra_terms: list[C.Constraint] | None = None,
) -> Built:
    """Build the cvxpy problem of one case (a fresh problem; Parameters in ``ctx.params``)."""
    n = universe.n
    w = cp.Variable(n, nonneg=True, name="w")
    t: Any = 1.0
    if objective.charnes_cooper:
        t = cp.Variable(nonneg=True, name="t")
    ctx = Context(universe, t=t, elastic=elastic)
    state_capital(w, ctx, case.life_case, case.equity_addon)
    cons: list[Any] = [cp.sum(w) == t]
    for term in constraint_terms(universe, limits, case) + list(extra_terms or []):
        cons += term.to_cvxpy(w, ctx)
    if universe.stock_cost.any():
        # the stock-book ratio x may not exceed the x at which the map's k1 is evaluated, so
        # the map stays an upper bound of the engine's capital (k1 is non-decreasing in x)
        cons.append(
            universe.stock_value @ w <= (1.0 + universe.stock_x + 1e-12) * (universe.stock_cost @ w)
        )
    obj = objective.build(w, ctx)
    cons += ctx.extra
    if elastic:
        obj = cp.Minimize(ctx.slack_penalty())
    return Built(case, cp.Problem(obj, cons), w, t, ctx)


def solve_built(b: Built, **kw: Any) -> str:
    """Solve with Clarabel; return the status (never raises on a numerical failure)."""
    if b.ctx.universe.n > DPP_MAX_UNITS:
        kw.setdefault("ignore_dpp", True)
    try:
        b.problem.solve(solver=SOLVER, **kw)
    except cp.error.SolverError:
        return "solver_error"
    return b.problem.status


@dataclass(frozen=True)
class BindingConstraint:
    """A binding limit and its shadow price.

    ``shadow_price`` is the objective's improvement (in ``unit``, e.g. bp of expected return)
    per one unit of relaxation of the limit (``per``: 1 pp of a ratio floor, 1 pp of total
    assets for a cap ...). ``shadow_price_per_yi`` (solvency floors only) is the improvement per
    1 亿元 (1e8 CNY) of additional capital.
    """

    constraint: str
    subject: str
    limit: float
    shadow_price: float
    unit: str
    shadow_price_per_yi: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "constraint": self.constraint,
            "subject": self.subject,
            "limit": self.limit,
            "shadow_price": self.shadow_price,
            "unit": self.unit,
        }
        if self.shadow_price_per_yi is not None:
            out["shadow_price_per_yi"] = self.shadow_price_per_yi
        return out


@dataclass(frozen=True)
class AllocationResult:
    """Immutable outcome of :meth:`AllocationProblem.solve`.

    Attributes
    ----------
    status : ``optimal``, or ``optimal_inaccurate`` when Clarabel reached only its reduced
        tolerances on the winning case
    objective : objective name
    units : decision units (classes or position ids)
    weights, current_weights : fractions of the invested total
    trades : CNY to buy (+) or sell (-) per unit
    expected_return : annual fraction (gross of transaction costs)
    volatility : annual fraction
    objective_value : in the objective's own terms
    solvency : the engine's evaluation of the optimal portfolio
    binding : binding limits with shadow prices
    case : the winning convex case
    cases : status and objective of every case tried
    solve_time : seconds inside the solver (Clarabel), summed over cases
    notes : what a reader should know (templates ignored, classes not buyable, solver notes)
    new_classes : classes bought from template positions (current weight 0)
    not_buyable : class -> why it cannot be bought (in the assumptions, not held, no template)
    loss_absorption_gap : the engine's loss absorption of the result minus the one the solve
        held fixed (the current book's, Rule 2 Art. 19), CNY; negative when the result
        absorbs less than the solve assumed (docs/optimizer.md)
    """

    status: str
    objective: str
    units: tuple[str, ...]
    weights: np.ndarray
    current_weights: np.ndarray
    trades: np.ndarray
    expected_return: float
    volatility: float
    objective_value: float
    solvency: SolvencyResult
    binding: tuple[BindingConstraint, ...]
    case: str
    cases: tuple[dict, ...]
    solve_time: float
    notes: tuple[str, ...] = ()
    new_classes: tuple[str, ...] = ()
    not_buyable: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    loss_absorption_gap: float = 0.0

    @property
    def weight_map(self) -> MappingProxyType:
        """unit -> weight."""
        return MappingProxyType(dict(zip(self.units, self.weights.tolist(), strict=True)))

    def to_dict(self, holdings: bool = False) -> dict[str, Any]:
        """JSON of docs/formats.md §6."""
        return {
            "status": self.status,
            "objective": self.objective,
            "weights": dict(zip(self.units, self.weights.tolist(), strict=True)),
            "current_weights": dict(zip(self.units, self.current_weights.tolist(), strict=True)),
            "trades": dict(zip(self.units, self.trades.tolist(), strict=True)),
            "expected_return": self.expected_return,
            "volatility": self.volatility,
            "objective_value": self.objective_value,
            "solvency": self.solvency.to_dict(holdings=holdings),
            "binding": [b.to_dict() for b in self.binding],
            "case": self.case,
            "cases": list(self.cases),
            "notes": list(self.notes),
            "new_classes": list(self.new_classes),
            "not_buyable": dict(self.not_buyable),
            "loss_absorption_gap": self.loss_absorption_gap,
        }


def _binding(b: Built, objective: Objective) -> list[BindingConstraint]:
    """Limits that hold with equality at the optimum, with their duals in business units."""
    out = []
    s = scalars(b.ctx)
    t = float(b.t.value) if isinstance(b.t, cp.Variable) else 1.0
    for lim in b.ctx.limits:
        if lim.constraint.dual_value is None:
            continue
        dual = np.abs(np.atleast_1d(np.asarray(lim.constraint.dual_value, dtype=float)))
        per = np.broadcast_to(np.asarray(lim.per_unit, dtype=float), dual.shape)
        limit = np.broadcast_to(np.asarray(lim.limit, dtype=float), dual.shape)
        lhs, rhs = lim.constraint.args
        gap = np.abs(
            np.atleast_1d(np.asarray(lhs.value, dtype=float) - np.asarray(rhs.value, dtype=float))
        )
        scale = 1.0 + np.abs(np.atleast_1d(np.asarray(rhs.value, dtype=float)))
        gap = np.broadcast_to(gap / np.broadcast_to(scale, gap.shape), dual.shape)
        for i in range(dual.size):
            if gap[i] > BINDING_TOL * 10 * max(1.0, t):
                continue
            # a dual is d(objective)/d(rhs); rhs enters as rhs * t (Charnes-Cooper)
            price = float(dual[i] * per[i] * objective.scale) * t
            per_yi = None
            if lim.name in ("min_core_ratio", "min_comprehensive_ratio"):
                per_yi = float(dual[i] * 1e8 / (limit[i] * s.alpha * s.V) * objective.scale) * t
            subject = lim.labels[i] if lim.labels else ""
            out.append(
                BindingConstraint(
                    lim.name,
                    subject,
                    float(limit[i]),
                    price,
                    f"{objective.unit} per {lim.unit}",
                    per_yi,
                )
            )
    return out


class AllocationProblem:
    """A solvency-constrained allocation problem.

    Parameters
    ----------
    universe : the decision units (:func:`analyzer.optimize.universe.build_universe`)
    objective : an objective term or name (``OBJECTIVES``)
    limits : :class:`Limits` (default: the legal ones)
    risk_aversion, risk_free : for ``mean_variance`` / ``max_return_on_capital``
    """

    def __init__(
        self,
        universe: Universe,
        objective: Objective | str = "max_return",
        limits: Limits | None = None,
        risk_aversion: float = 1.0,
        risk_free: float = 0.0,
        exhaustive: bool = False,
    ) -> None:
        self.universe = universe
        #: solve every exact life case (True) instead of the relaxation first (False)
        self.exhaustive = exhaustive
        self.fallbacks = 0  # relaxed life cases that were not tight (exact split solved)
        self.skipped: list[tuple[Case, str]] = []
        self.limits = limits or Limits()
        if isinstance(objective, str):
            objective = make_objective(
                objective,
                risk_aversion,
                self.limits.target_return,
                risk_free,
                self.limits.transaction_cost,
            )
        if isinstance(objective, MinCapital):
            tr = (
                objective.target_return
                if objective.target_return is not None
                else self.limits.target_return
            )
            if tr is None:
                from analyzer.errors import ParameterError
                from analyzer.optimize.messages import compose

                raise ParameterError(compose("optimize.min_capital_target"))
            self.limits = replace(self.limits, target_return=tr)
        self.objective = objective
        self.cases = cases(universe, self.limits)

    def build(self, case: Case, elastic: bool = False) -> Built:
        """Compile one case."""
        return build_case(self.universe, self.objective, self.limits, case, elastic)

    def solve_cases(self) -> list[tuple[Built, str]]:
        """Build and solve every case.

        A life insurer's three interest-rate cases are replaced by their convex relaxation
        ``t_ir >= up, t_ir >= down, t_ir >= 0`` (one problem per equity case): its feasible set
        contains the exact one, so when ``t_ir`` is tight at its optimum that optimum is
        feasible, hence optimal, for the exact problem. Otherwise (or when ``exhaustive``) the
        exact case split is solved. Cases not solved because the relaxation was exact are kept
        in ``self.skipped``.
        """
        self.skipped = []
        if self.exhaustive or not self.universe.capmap.life:
            out = []
            for case in self.cases:
                b = self.build(case)
                out.append((b, solve_built(b)))
            return out
        groups: dict[tuple, list[Case]] = {}
        for case in self.cases:
            groups.setdefault(
                (case.equity_cap, case.tier_ratio, case.tier_floor, case.equity_addon), []
            ).append(case)
        out = []
        for members in groups.values():
            b = self.build(replace(members[0], life_case=RELAXED))
            status = solve_built(b)
            if status == "infeasible":  # the relaxation contains every exact case
                b.case = replace(members[0], life_case="up, down, zero (relaxed)")
                out.append((b, status))
                continue
            if status in OK_STATUSES and relaxation_exact(b, self.objective):
                b.case = replace(members[0], life_case=relaxed_label(b))
                out.append((b, status))
                self.skipped += [
                    (c, "skipped: relaxation exact")
                    for c in members
                    if c.life_case != b.case.life_case
                ]
                continue
            self.fallbacks += 1
            for case in members:
                bc = self.build(case)
                out.append((bc, solve_built(bc)))
        return out

    def pick(self, solved: list[tuple[Built, str]]) -> Built | None:
        """The best case with an optimal status."""
        ok = [b for b, s in solved if s in OK_STATUSES]
        if not ok:
            return None
        sign = 1.0 if self.objective.sense == "max" else -1.0
        return max(ok, key=lambda b: sign * float(b.problem.value))

    def solve(self) -> AllocationResult:
        """Solve every case, keep the best, re-evaluate with the engine.

        Raises
        ------
        InfeasibleError
            With the smallest relaxations that make the plan feasible (elastic problem).
        SolverError
            When every case failed numerically.
        """
        solved = self.solve_cases()
        best = self.pick(solved)
        if best is not None:
            best, solved = self.tighten_stock_book(best, solved)
        if best is None:
            from analyzer.optimize.elastic import explain_infeasible

            if all(s in ("infeasible", "infeasible_inaccurate") for _, s in solved):
                raise explain_infeasible(self)
            # A numerical failure at the edge of the feasible set (e.g. a sci-tech minimum
            # just under the reachable maximum) is told apart from infeasibility by the
            # elastic problem: positive slacks mean the limits really conflict.
            err = explain_infeasible(self)
            if isinstance(err, InfeasibleError) and err.conflicts:
                raise err
            from analyzer.optimize.messages import compose

            raise SolverError(
                compose(
                    "optimize.solver_failed",
                    cases=", ".join(f"{b.case.label}: {s}" for b, s in solved),
                )
            )
        return self.result(best, solved)

    def _weights(self, b: Built) -> np.ndarray:
        t = float(b.t.value) if isinstance(b.t, cp.Variable) else 1.0
        w = np.asarray(b.w.value, dtype=float) / t
        w = np.where(w < 1e-8, 0.0, w)  # solver noise; the floors keep a 1e-6 margin
        return w / w.sum()

    def tighten_stock_book(
        self, best: Built, solved: list[tuple[Built, str]], rounds: int = 4
    ) -> tuple[Built, list[tuple[Built, str]]]:
        """Re-evaluate the stock charges' k1 at the optimum's own stock book and re-solve.

        The capital map starts at the largest stock-book ratio x (an upper bound of the
        engine's capital, k1 being non-decreasing in x), and every problem carries the linear
        constraint ``x(w) <= x assumed``, so every solution is engine-feasible. The re-solve at
        the optimum's own x is kept while it improves the objective.
        """
        universe = self.universe
        sign = 1.0 if self.objective.sense == "max" else -1.0
        for _ in range(rounds):
            x = universe.stock_book_x(self._weights(best))
            if x >= universe.stock_x - 1e-6:
                break
            trial = AllocationProblem.__new__(AllocationProblem)
            trial.__dict__.update(self.__dict__)
            trial.universe = universe.rebuilt(x)
            t_solved = trial.solve_cases()
            self.fallbacks = trial.fallbacks
            t_best = trial.pick(t_solved)
            if (
                t_best is None
                or sign * float(t_best.problem.value) < sign * float(best.problem.value) - 1e-12
            ):
                break
            universe, best, solved = trial.universe, t_best, t_solved
            self.skipped = trial.skipped
        self.universe = universe
        return best, solved

    def result(self, best: Built, solved: list[tuple[Built, str]]) -> AllocationResult:
        """Assemble the result of the winning case."""
        u = self.universe
        w = self._weights(best)
        solvency = evaluate(u.scaled_holdings(w), u.company, u.regime, u.options)
        notes = list(u.notes)
        z_model = mc_star_value(best.ctx, w, best.case.equity_addon)
        if (
            best.ctx.z.value is not None
            and not isinstance(self.objective, MaxReturnOnCapital)
            and z_model > float(best.ctx.z.value) * (1 + 1e-5) + 1e-9
        ):
            notes.append(
                "an overseas developed/emerging epigraph was not tight (negative "
                "market correlations); check the engine's ratios in 'solvency'"
            )
        la_gap = self._loss_absorption_check(solvency, notes)
        self._floor_check(solvency, w, notes)
        value = float(best.problem.value)
        if isinstance(self.objective, MaxReturnOnCapital):
            s = scalars(best.ctx)
            value = (float(u.mu @ w) - self.objective.risk_free) / (
                s.minimum_capital(z_model) / u.V
            )
        cases_out = [
            {
                "case": b.case.label,
                "status": s,
                "value": float(b.problem.value) if s in OK_STATUSES else None,
            }
            for b, s in solved
        ]
        cases_out += [{"case": c.label, "status": why, "value": None} for c, why in self.skipped]
        status = dict((id(b), s) for b, s in solved).get(id(best), "optimal")
        return AllocationResult(
            status=status,
            objective=self.objective.name,
            units=u.units,
            weights=w,
            current_weights=u.w0.copy(),
            trades=(w - u.w0) * u.V,
            expected_return=float(u.mu @ w),
            volatility=u.volatility(w),
            objective_value=value,
            solvency=solvency,
            binding=tuple(_binding(best, self.objective)),
            case=best.case.label,
            cases=tuple(cases_out),
            solve_time=float(
                sum(
                    (b.problem.solver_stats.solve_time or 0.0)
                    for b, _ in solved
                    if b.problem.solver_stats is not None
                )
            ),
            notes=tuple(notes),
            new_classes=u.new_classes,
            not_buyable=MappingProxyType(dict(u.not_buyable)),
            loss_absorption_gap=la_gap,
        )

    def _loss_absorption_check(self, solvency: SolvencyResult, notes: list[str]) -> float:
        """The engine's loss absorption of the result against the one the solve held fixed
        (the current book's, Rule 2 Art. 19; docs/optimizer.md): the gap (CNY), with a note
        when it is not nil and another when the engine's ratios fall below the floors."""
        held = float(self.universe.capmap.constants.loss_absorption)
        gap = float(solvency.loss_absorption) - held
        if abs(gap) <= 1e-6 * max(abs(held), 1.0):
            return 0.0
        notes.append(
            f"loss absorption (Rule 2 Art. 19) was held at the current book's {held:,.0f} CNY "
            f"during the solve; the engine gives {solvency.loss_absorption:,.0f} CNY for the "
            "result (the ratios in 'solvency' are the engine's)"
        )
        return gap

    def _floor_check(self, solvency: SolvencyResult, w: np.ndarray, notes: list[str]) -> None:
        """A note when the engine's ratios of the result fall below the floors the solve met:
        by how much the capital map missed the engine's capital, and in which sub-module (the
        map holds status-dependent terms at today's status: docs/optimizer.md)."""
        lim = self.limits
        if not (
            solvency.comprehensive_ratio < lim.min_comprehensive * (1 - 1e-7)
            or solvency.core_ratio < lim.min_core * (1 - 1e-7)
        ):
            return
        u = self.universe
        mapped = u.capmap.submodule_capital(np.asarray(w, dtype=float) * u.V)
        engine = np.array([solvency.submodules.get(s, 0.0) for s in SUBMODULES])
        diff = engine - mapped
        worst = int(np.argmax(diff))
        held = float(u.capmap.constants.loss_absorption)
        notes.append(
            f"the engine's ratios of the result (comprehensive {solvency.comprehensive_ratio:.1%}, "
            f"core {solvency.core_ratio:.1%}) are below the floors ({lim.min_comprehensive:.0%}, "
            f"{lim.min_core:.0%}) the solve met with the capital map: the engine charges "
            f"{diff.clip(min=0).sum():,.0f} CNY more before diversification, most in "
            f"{SUBMODULES[worst]} ({diff[worst]:,.0f} CNY), and its loss absorption differs by "
            f"{solvency.loss_absorption - held:,.0f} CNY; raise the floors by the gap, or bound "
            "the classes that moved (docs/optimizer.md, what the map holds at today's status)"
        )


__all__ = [
    "OBJECTIVES",
    "AllocationProblem",
    "AllocationResult",
    "BindingConstraint",
    "Limits",
    "make_objective",
]
