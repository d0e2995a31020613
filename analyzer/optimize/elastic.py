"""Explaining an infeasible plan (docs/optimizer.md §5).

Every limit gets a non-negative slack in its own unit (pp of a ratio or share, years ...); the
elastic problem minimises the sum of slacks over every convex case. The limits whose slack is
positive are the ones to relax; for each of them a second elastic solve keeps it exact and shows
how far the others must give, so that the message reads like
"the 150% comprehensive floor and the 8.0% sci-tech minimum cannot both hold; the best reachable
is 143% at 8.0%, or 150% at 5.1%".
"""

from __future__ import annotations

from typing import Any, Protocol

import cvxpy as cp
import numpy as np

from analyzer.errors import InfeasibleError, SolverError
from analyzer.messages import Text
from analyzer.optimize.build import OK_STATUSES, Built, build_case, solve_built
from analyzer.optimize.cases import Case
from analyzer.optimize.context import Limit
from analyzer.optimize.limits import Limits
from analyzer.optimize.messages import compose, join
from analyzer.optimize.objectives import MaxReturn, Objective
from analyzer.optimize.universe import Universe

SLACK_TOL = 1e-6


class Posed(Protocol):
    """What an explanation needs of a problem (an
    :class:`~analyzer.optimize.problem.AllocationProblem` has it)."""

    universe: Universe
    objective: Objective
    limits: Limits
    cases: list[Case]


def _unit_size(unit: str) -> float:
    if unit.startswith("pp"):
        return 0.01
    if unit.startswith("bp"):
        return 1e-4
    return 1.0


def _at(value: Any, index: int) -> float:
    arr = np.ravel(np.asarray(value, dtype=float))
    return float(arr[index] if arr.size > 1 else arr[0])


def reachable(lim: Limit, slack: float, index: int = 0) -> float:
    """The limit value that the slack makes reachable (in the limit's own unit)."""
    if lim.reach is not None:
        return float(lim.reach(slack))
    step = slack / _at(lim.per_unit, index) * _unit_size(lim.unit)
    limit = _at(lim.limit, index)
    return limit - step if lim.lower else limit + step


def fmt(lim: Limit, value: float) -> Text:
    """A limit value in words (percentages for ratios and shares), in both languages."""
    if lim.unit.startswith("pp") or lim.unit.startswith("bp"):
        s = f"{value:.1%}" if abs(value) < 0.995 or value == 0 else f"{value:.0%}"
    elif "亿元" in lim.unit:
        s = f"{value:.2f} 亿元"
    elif lim.unit == "years":
        return compose("optimize.unit.years", value=value)
    else:
        s = f"{value:.2f} {lim.unit}"
    return Text(s, s)


def _solve_elastic(
    problem: Posed, keep: tuple[str, str] | None = None
) -> tuple[Built, float] | None:
    obj = problem.objective if not problem.objective.charnes_cooper else MaxReturn()
    best = None
    for case in problem.cases:
        b = build_case(problem.universe, obj, problem.limits, case, elastic=True)
        if keep is not None:
            extra = []
            for lim in b.ctx.limits:
                if lim.name == keep[0] and lim.slack is not None:
                    if lim.labels:
                        i = lim.labels.index(keep[1])
                        extra.append(lim.slack[i] == 0)
                    else:
                        extra.append(lim.slack == 0)
            b.problem = cp.Problem(b.problem.objective, b.problem.constraints + extra)
        status = solve_built(b)
        if status in OK_STATUSES:
            v = float(b.problem.value)
            if best is None or v < best[1]:
                best = (b, v)
    return best


def _violations(b: Built) -> list[tuple[Limit, int, float]]:
    out = []
    for lim in b.ctx.limits:
        if lim.slack is None or lim.slack.value is None:
            continue
        vals = np.atleast_1d(np.asarray(lim.slack.value, dtype=float))
        per = np.broadcast_to(np.abs(np.asarray(lim.per_unit, dtype=float)), vals.shape)
        for i, v in enumerate(vals):
            if v / max(per[i], 1e-12) * _unit_size(lim.unit) > SLACK_TOL:
                out.append((lim, i, float(v)))
    return out


def _name(lim: Limit, i: int) -> Text:
    name = lim.describe if isinstance(lim.describe, Text) else Text(lim.describe, lim.describe)
    if lim.labels:
        return compose("optimize.limit.labelled", name=name, label=lim.labels[i])
    return name


def _limit_value(lim: Limit, i: int) -> float:
    return _at(lim.limit, i)


def explain_infeasible(problem: Posed) -> InfeasibleError:
    """Build the :class:`InfeasibleError` of an infeasible problem (never just "infeasible")."""
    first = _solve_elastic(problem)
    if first is None:
        return SolverError(compose("optimize.elastic_failed"))  # type: ignore[return-value]
    b, _ = first
    viol = _violations(b)
    if not viol:
        return InfeasibleError(compose("optimize.infeasible_tolerance"), [])
    conflicts: list[dict[str, Any]] = []
    for lim, i, s in viol:
        reach = reachable(lim, s, i)
        limit = _limit_value(lim, i)
        message = compose(
            "optimize.conflict",
            name=_name(lim, i),
            reachable=fmt(lim, reach),
            limit=fmt(lim, limit),
        )
        conflicts.append(
            {
                "constraint": lim.name + (f":{lim.labels[i]}" if lim.labels else ""),
                "limit": limit,
                "reachable": reach,
                "message": message.en,
                "message_zh": message.zh,
            }
        )
    names = [_name(lim, i) for lim, i, _ in viol]
    # alternatives: keep one violated limit exact, see how far the others must give
    alternatives = []
    for lim, i, _ in viol[:3]:
        alt = _solve_elastic(problem, (lim.name, lim.labels[i] if lim.labels else ""))
        if alt is None:
            continue
        parts = [
            compose("optimize.instead_of", value=fmt(l2, reachable(l2, s2, j)), name=_name(l2, j))
            for l2, j, s2 in _violations(alt[0])
        ]
        if parts:
            alternatives.append(
                compose("optimize.keeping_needs", name=_name(lim, i), parts=join(parts))
            )
        else:
            alternatives.append(compose("optimize.keeping_alone", name=_name(lim, i)))
    best = join(fmt(lim, reachable(lim, s, i)) for lim, i, s in viol)
    if len(viol) == 1:
        head = compose("optimize.cannot_hold_one", names=names[0], best=best)
    else:
        code = "optimize.cannot_hold_all" if len(viol) > 2 else "optimize.cannot_hold_two"
        head = compose(code, names=join(names, "solvency.join.and"), best=best)
    message = head
    if alternatives:
        message = join([head, *alternatives], "solvency.join.or")
    for c in conflicts:
        c.setdefault("alternatives", [a.en for a in alternatives])
        c.setdefault("alternatives_zh", [a.zh for a in alternatives])
    return InfeasibleError(message, conflicts)
