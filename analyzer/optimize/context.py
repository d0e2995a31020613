"""The build context shared by the terms of one cvxpy problem.

Every limit is stated through :meth:`Context.leq` so that (a) the Charnes-Cooper form can
homogenise it (the right-hand side is multiplied by ``t``), (b) the elastic form can give it a
slack, and (c) its dual can be converted into a business-unit shadow price afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cvxpy as cp
import numpy as np

from analyzer.messages import Text
from analyzer.optimize.universe import Universe

#: arrays with more entries than this become constants rather than Parameters
MAX_PARAMETER_SIZE = 5000


@dataclass
class Limit:
    """One stated limit ``expr <= rhs`` (possibly a vector), kept for duals and slacks.

    Attributes
    ----------
    name : str
        Constraint name (``min_comprehensive_ratio``, ``equity_cap``, ``max_weight`` ...).
    constraint : cvxpy constraint
    limit : float or ndarray
        The limit in its business unit (ratio, share, years ...).
    unit : str
        The business unit of ``limit`` (``"pp of comprehensive ratio"`` ...).
    per_unit : float or ndarray
        d rhs / d limit: converts a dual (per unit of rhs) into per unit of the limit.
    labels : list of str or None
        Element names of a vector limit.
    slack : cvxpy Variable or None
        Elastic slack in rhs units.
    reach : callable or None
        ``reach(slack_value)`` -> reachable limit value (default ``limit -/+ slack/per_unit``).
    lower : bool
        True for a floor (``>=`` limits, stated as ``-expr <= -rhs``).
    """

    name: str
    constraint: Any
    limit: Any
    unit: str
    per_unit: Any
    labels: list[str] | None = None
    slack: Any = None
    reach: Callable[[float], float] | None = None
    lower: bool = False
    describe: str | Text = ""


@dataclass
class Context:
    """Build state of one problem.

    Attributes
    ----------
    universe : Universe
    t : 1.0, or the Charnes-Cooper scale variable
    elastic : give every limit a slack
    limits : the limits stated so far
    params : named cvxpy Parameters (for frontiers and what-if re-solves)
    """

    universe: Universe
    t: Any = 1.0
    elastic: bool = False
    limits: list[Limit] = field(default_factory=list)
    params: dict[str, cp.Parameter] = field(default_factory=dict)
    extra: list[Any] = field(default_factory=list)
    z: Any = None  # MC* / V epigraph (set by the capital model)
    ir: Any = None  # (t_ir, up, down) of a relaxed life interest-rate case

    def param(self, name: str, value: Any, **kw: Any) -> Any:
        """A named Parameter (created once).

        Arrays larger than :data:`MAX_PARAMETER_SIZE` entries (position-level problems) are
        stated as constants: cvxpy's DPP tensor grows with parameter entries times variables,
        and such problems are solved once, not re-solved along a frontier.
        """
        if np.size(value) > MAX_PARAMETER_SIZE:
            return np.asarray(value, dtype=float)
        if name not in self.params:
            shape = np.shape(value)
            self.params[name] = cp.Parameter(shape, name=name, **kw)
            self.params[name].value = value
        return self.params[name]

    def leq(
        self,
        expr: Any,
        rhs: Any,
        name: str,
        limit: Any,
        unit: str,
        per_unit: Any,
        labels: Sequence[str] | None = None,
        lower: bool = False,
        reach: Callable[[float], float] | None = None,
        describe: str | Text = "",
    ) -> Limit:
        """State ``expr <= rhs * t`` (or ``expr >= rhs * t`` when ``lower``)."""
        rhs_t = rhs * self.t if not isinstance(self.t, float) else rhs
        size = int(np.prod(expr.shape)) if hasattr(expr, "shape") and expr.shape else 1
        slack = None
        if self.elastic:
            slack = cp.Variable(
                expr.shape if size > 1 or expr.shape else (), nonneg=True, name=f"slack_{name}"
            )
        if lower:
            con = expr >= rhs_t - (slack if slack is not None else 0)
        else:
            con = expr <= rhs_t + (slack if slack is not None else 0)
        lim = Limit(
            name,
            con,
            limit,
            unit,
            per_unit,
            list(labels) if labels else None,
            slack,
            reach,
            lower,
            describe,
        )
        self.limits.append(lim)
        return lim

    def slack_penalty(self) -> Any:
        """Sum of slacks, each in its limit's unit (slack / per_unit)."""
        terms = []
        for lim in self.limits:
            if lim.slack is not None:
                w = 1.0 / np.maximum(np.abs(np.asarray(lim.per_unit, dtype=float)), 1e-12)
                terms.append(cp.sum(cp.multiply(w, lim.slack)))
        return cp.sum(cp.hstack(terms)) if terms else cp.Constant(0.0)
