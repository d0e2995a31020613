"""The Takahashi-Alexander commitment model on the projection's steps.

The model of :mod:`analyzer.stress.commitments` is annual: in model year ``t`` of a fund
(``t = 1`` the year its first call falls in) it calls ``C_t``, distributes ``D_t`` and ends
the year with ``NAV_t = NAV_{t-1} (1 + G) + C_t - D_t``. A quarterly projection needs values
at each quarter-end. The split used here keeps every annual figure of the model exactly:

* the calls and the distributions of a model year are spread evenly over its steps
  (a quarter gets one quarter of the year's calls and distributions);
* the NAV at step ``q`` of ``s`` inside model year ``t`` is
  ``NAV_{t-1} (1 + G) ** (q / s) + (q / s) (C_t - D_t)``: the opening NAV grows at the model's
  rate compounded over the part of the year elapsed, plus the net contributions so far.

At ``q = s`` this is ``NAV_t``, so year-end values and annual sums equal the annual model's.
Everything is per CNY committed: a programme is the sum of its vintages, each a multiple of
:func:`unit_flows` (linear in the commitment, which the plan's convex program relies on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from analyzer.stress.commitments import TakahashiAlexander, fund_cash_flows


@dataclass(frozen=True)
class VintageFlows:
    """Cash flows and value of a commitment at each projection step (CNY per CNY committed,
    or CNY for a programme).

    Attributes
    ----------
    calls : ndarray (n_steps,)
        Capital called during each step (cash paid into the fund).
    distributions : ndarray (n_steps,)
        Capital distributed during each step (cash received).
    nav : ndarray (n_steps,)
        Net asset value at the end of each step.
    growth : ndarray (n_steps,)
        Value growth during each step: ``nav[k] - nav[k-1] - calls[k] + distributions[k]``
        (the fund's return, a gain of the investor).
    """

    calls: np.ndarray
    distributions: np.ndarray
    nav: np.ndarray
    growth: np.ndarray

    def __add__(self, other: VintageFlows) -> VintageFlows:
        return VintageFlows(
            self.calls + other.calls,
            self.distributions + other.distributions,
            self.nav + other.nav,
            self.growth + other.growth,
        )

    def __mul__(self, amount: float) -> VintageFlows:
        a = float(amount)
        return VintageFlows(self.calls * a, self.distributions * a, self.nav * a, self.growth * a)

    __rmul__ = __mul__

    def annual(self, steps_per_year: int) -> dict[str, np.ndarray]:
        """Annual totals (calls, distributions) and year-end NAV, for comparison with the
        annual model."""
        n = len(self.calls) // steps_per_year
        shape = (n, steps_per_year)
        return {
            "calls": self.calls[: n * steps_per_year].reshape(shape).sum(axis=1),
            "distributions": self.distributions[: n * steps_per_year].reshape(shape).sum(axis=1),
            "nav": self.nav[steps_per_year - 1 :: steps_per_year][:n],
        }


def zero_flows(n_steps: int) -> VintageFlows:
    """No commitment."""
    z = np.zeros(n_steps)
    return VintageFlows(z, z.copy(), z.copy(), z.copy())


def unit_flows(
    first_year: int, n_steps: int, steps_per_year: int, params: TakahashiAlexander
) -> VintageFlows:
    """Flows of 1 CNY committed with its first call in projection year ``first_year``.

    Parameters
    ----------
    first_year : int
        Projection year of the first call (1 = the twelve months after the valuation date).
    n_steps : int
        Number of projection steps.
    steps_per_year : int
        4 for quarterly steps, 1 for annual steps.
    params : TakahashiAlexander
        The model's parameters.

    Returns
    -------
    VintageFlows
        Per CNY committed (see the module docstring for the split of a model year).
    """
    if first_year < 1 or steps_per_year < 1 or n_steps < 0:
        raise ValueError("first_year and steps_per_year must be >= 1, n_steps >= 0")
    out = zero_flows(n_steps)
    start = (first_year - 1) * steps_per_year  # index of the first step of the fund's year 1
    if start >= n_steps:
        return out
    years = -(-(n_steps - start) // steps_per_year)
    calls, dist, nav = fund_cash_flows(1.0, params, years)
    g = 1.0 + params.growth
    opening = 0.0
    for t in range(years):
        for q in range(1, steps_per_year + 1):
            k = start + t * steps_per_year + q - 1
            if k >= n_steps:
                break
            f = q / steps_per_year
            out.calls[k] = calls[t] / steps_per_year
            out.distributions[k] = dist[t] / steps_per_year
            out.nav[k] = opening * g**f + f * (calls[t] - dist[t])
            if t >= params.lifetime:  # the fund has been wound up
                out.nav[k] = 0.0
        opening = nav[t]
    prev = np.concatenate([[0.0], out.nav[:-1]])
    out.growth[:] = out.nav - prev - out.calls + out.distributions
    return out


def programme_flows(
    commitments: Mapping[int, float],
    n_steps: int,
    steps_per_year: int,
    params: TakahashiAlexander,
) -> VintageFlows:
    """Flows of a programme: first-call year (1 = next year) -> CNY committed."""
    total = zero_flows(n_steps)
    for year, amount in sorted(commitments.items()):
        if amount:
            total = total + unit_flows(int(year), n_steps, steps_per_year, params) * amount
    return total


__all__ = ["VintageFlows", "programme_flows", "unit_flows", "zero_flows"]
