"""The allocation problem: objective + limits -> one convex problem per case -> the best.

The cases (:mod:`analyzer.optimize.cases`) make the non-convex parts exact; each is built and
solved by :mod:`analyzer.optimize.build`. The best feasible case wins; the optimum is then
re-evaluated by the engine itself (:class:`~analyzer.optimize.result.AllocationResult`).
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import cvxpy as cp
import numpy as np

from analyzer.errors import InfeasibleError, ParameterError, SolverError
from analyzer.optimize.build import (
    OK_STATUSES,
    Built,
    build_case,
    relaxation_exact,
    relaxed_label,
    solve_built,
)
from analyzer.optimize.capital import RELAXED, mc_star_value, scalars
from analyzer.optimize.cases import Case, cases, equity_groups
from analyzer.optimize.elastic import explain_infeasible
from analyzer.optimize.kinds import OBJECTIVES
from analyzer.optimize.limits import Limits
from analyzer.optimize.messages import compose
from analyzer.optimize.objectives import (
    MaxReturnOnCapital,
    MinCapital,
    Objective,
    make_objective,
)
from analyzer.optimize.result import AllocationResult, BindingConstraint, binding
from analyzer.optimize.universe import Universe
from analyzer.solvency.charges import SUBMODULES
from analyzer.solvency.engine import evaluate
from analyzer.solvency.result import SolvencyResult


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
        out = []
        for members in equity_groups(self.cases):
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
            if all(s in ("infeasible", "infeasible_inaccurate") for _, s in solved):
                raise explain_infeasible(self)
            # A numerical failure at the edge of the feasible set (e.g. a sci-tech minimum
            # just under the reachable maximum) is told apart from infeasibility by the
            # elastic problem: positive slacks mean the limits really conflict.
            err = explain_infeasible(self)
            if isinstance(err, InfeasibleError) and err.conflicts:
                raise err
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
            binding=tuple(binding(best, self.objective)),
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
