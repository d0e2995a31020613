"""Reverse stress tests (Rule 10 Art. 4, 30-32): the smallest move of one risk driver, others
held at base, that takes a solvency ratio down to a threshold.

Method: the forward stress (:class:`analyzer.stress.forward.Stresser`, full engine) is evaluated
on a grid of moves from 0 to ``max_move``; the first grid interval where the ratio crosses the
threshold is refined with Brent's method to ``xtol``. So the answer, applied as a forward
stress, lands on the threshold (up to ``xtol``), and no smaller grid move crosses it. A ratio
that is not monotone *inside* one grid interval could hide an earlier crossing; the grid
(``grid_points``) bounds that risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.optimize import brentq

from analyzer.errors import ParameterError
from analyzer.solvency.regime import DEFAULT_REGIME, Regime, legal_minimum
from analyzer.stress.forward import Snapshot, Stresser
from analyzer.stress.messages import compose
from analyzer.stress.shocks import Shock

#: driver -> (unit, sign of an adverse move, default largest move searched)
REVERSE_DRIVERS: Mapping[str, tuple[str, float, float]] = MappingProxyType(
    {
        "equity": ("fall, fraction of value", -1.0, 1.0),
        "rates": ("rise, basis points", 1.0, 1000.0),
        "spread": ("widening, basis points", 1.0, 1000.0),
        "vc": ("write-down, fraction of value", -1.0, 1.0),
    }
)


@dataclass(frozen=True)
class Threshold:
    """A ratio floor: ``ratio`` is ``comprehensive`` or ``core``; ``level`` a fraction."""

    name: str
    ratio: str
    level: float


@dataclass(frozen=True)
class ReverseResult:
    """The smallest adverse move of one driver that brings a ratio to a threshold.

    Attributes
    ----------
    driver : str
    threshold : Threshold
    move : float or None
        Size of the adverse move, in ``unit`` (positive: a 0.35 equity fall, 120 bp rise);
        0 when the base is already at or below the threshold; None when ``max_move`` does not
        reach it (``status``).
    unit : str
    status : ``found``, ``already_below`` or ``not_reached``
    stressed : Snapshot or None
        The solvency position at ``move``.
    """

    driver: str
    threshold: Threshold
    move: float | None
    unit: str
    status: str
    stressed: Snapshot | None

    def shock(self) -> Shock:
        """The forward shock equal to this result (for checking and reporting)."""
        _, sign, _ = REVERSE_DRIVERS[self.driver]
        return Shock(
            f"reverse_{self.driver}_{self.threshold.name}",
            {self.driver: sign * (self.move or 0.0)},
            kind="reverse",
            description=f"reverse stress: {self.driver} to {self.threshold.name}",
        )

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {
            "driver": self.driver,
            "threshold": self.threshold.name,
            "ratio": self.threshold.ratio,
            "level": self.threshold.level,
            "move": self.move,
            "unit": self.unit,
            "status": self.status,
            "stressed": self.stressed.to_dict() if self.stressed else None,
        }


def default_thresholds(
    target_comprehensive: float,
    target_core: float | None = None,
    regime: str | Regime = DEFAULT_REGIME,
) -> list[Threshold]:
    """The legal comprehensive minimum (100%) and the company target, the legal core minimum
    (50%) (and the core target if given); the minimums from the regime's thresholds table."""
    out = [
        Threshold("comprehensive_100", "comprehensive", legal_minimum("comprehensive", regime)),
        Threshold("comprehensive_target", "comprehensive", float(target_comprehensive)),
        Threshold("core_50", "core", legal_minimum("core", regime)),
    ]
    if target_core is not None:
        out.append(Threshold("core_target", "core", float(target_core)))
    return out


def reverse_stress(
    stresser: Stresser,
    drivers: Iterable[str] = tuple(REVERSE_DRIVERS),
    thresholds: Iterable[Threshold] | None = None,
    *,
    grid_points: int = 21,
    xtol: float = 1e-7,
    max_moves: Mapping[str, float] | None = None,
) -> list[ReverseResult]:
    """Reverse stress per driver and threshold.

    Parameters
    ----------
    stresser : the portfolio's forward stress runner
    drivers : names in :data:`REVERSE_DRIVERS`
    thresholds : default :func:`default_thresholds` from the company's targets
    grid_points : grid of moves scanned in ``[0, max_move]`` before refinement
    xtol : absolute tolerance of the move (fraction, or bp for rates and spread)
    max_moves : largest move searched per driver (defaults in :data:`REVERSE_DRIVERS`)

    Returns
    -------
    list of ReverseResult (driver-major order)
    """
    t = stresser.company.targets
    thresholds = (
        list(thresholds)
        if thresholds is not None
        else default_thresholds(t.comprehensive, regime=stresser.regime)
    )
    out = []
    for driver in drivers:
        if driver not in REVERSE_DRIVERS:
            raise ParameterError(
                compose("stress.unknown_driver", driver=driver, allowed=", ".join(REVERSE_DRIVERS))
            )
        unit, sign, default_max = REVERSE_DRIVERS[driver]
        top = float((max_moves or {}).get(driver, default_max))
        cache: dict[float, Snapshot] = {}

        def at(
            move: float,
            driver: str = driver,
            sign: float = sign,
            cache: dict[float, Snapshot] = cache,
        ) -> Snapshot:
            if move not in cache:
                shock = Shock("reverse", {driver: sign * move}, kind="reverse")
                cache[move] = stresser.run(shock).stressed
            return cache[move]

        grid = np.linspace(0.0, top, grid_points)
        snaps = [at(float(m)) for m in grid]
        for th in thresholds:
            values = np.array([_ratio(s, th.ratio) for s in snaps]) - th.level
            if values[0] <= 0:
                out.append(ReverseResult(driver, th, 0.0, unit, "already_below", snaps[0]))
                continue
            below = np.flatnonzero(values <= 0)
            if not len(below):
                out.append(ReverseResult(driver, th, None, unit, "not_reached", None))
                continue
            j = int(below[0])
            lo, hi = float(grid[j - 1]), float(grid[j])
            if values[j] == 0:
                move = hi
            else:
                move = float(
                    brentq(lambda m, th=th: _ratio(at(m), th.ratio) - th.level, lo, hi, xtol=xtol)
                )
            out.append(ReverseResult(driver, th, move, unit, "found", at(move)))
    return out


def _ratio(s: Snapshot, which: str) -> float:
    return s.comprehensive_ratio if which == "comprehensive" else s.core_ratio
