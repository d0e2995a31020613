"""The convex cases of an allocation problem (docs/optimizer.md §3).

Cases make the non-convex parts exact: a life insurer's interest-rate capital
``max(up, down, 0)`` (three cases) and, on the ``resulting`` equity-cap basis, the equity tier
(one case per tier, with ``ratio >= tier floor`` and ``equity <= tier cap``; tiers above the
prior-quarter cap carry the Rule 8 Art. 66 add-on, and a companion case keeps equity within the
prior-quarter cap without it).
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import compliance
from analyzer.errors import ParameterError
from analyzer.optimize.capital import LIFE_CASES
from analyzer.optimize.limits import Limits
from analyzer.optimize.messages import compose
from analyzer.optimize.universe import Universe


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


def equity_groups(all_cases: list[Case]) -> list[list[Case]]:
    """The cases grouped by their equity case (cap, tier, floor, add-on), in order; each
    group holds the life cases of one equity case (one case when not a life insurer)."""
    groups: dict[tuple, list[Case]] = {}
    for case in all_cases:
        groups.setdefault(
            (case.equity_cap, case.tier_ratio, case.tier_floor, case.equity_addon), []
        ).append(case)
    return list(groups.values())
