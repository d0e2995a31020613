"""Multi-year projection of VC / PE fund commitments: the Takahashi-Alexander (Yale) model.

Takahashi, D. and Alexander, S. (2002), "Illiquid Alternative Asset Fund Modeling", Journal of
Portfolio Management 28(2), 90-100. For a fund of commitment ``CC`` at age ``t = 1, 2, ...``
(years)::

    C_t   = RC_t x (CC - PIC_{t-1})              capital called (RC_t: rate of contribution)
    D_t   = RD_t x NAV_{t-1} x (1 + G)           distributions, RD_t = max(Y, (t / L) ** B)
    NAV_t = NAV_{t-1} x (1 + G) + C_t - D_t
    PIC_t = PIC_{t-1} + C_t

with ``L`` the fund life (years), ``B`` the bow, ``G`` the annual growth and ``Y`` the yield.
At ``t = L`` everything left is distributed. A commitment programme is the sum of its vintages.

Capital: the stand-alone equity capital of the programme's NAV at ``capital_factor``, by
default the engine's own factor for a looked-through, one-layer VC fund investing in strategic
emerging industries under the default regime (:func:`vc_capital_factor`: 0.40 x (1 + 0.1) =
0.44 from 2023-09; Rule 7 Art. 14, 18, 金规〔2023〕5号 (八), docs/formats.md §7.5), before
diversification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from analyzer.errors import ParameterError


@dataclass(frozen=True)
class TakahashiAlexander:
    """Parameters of the model (annual; fractions).

    Attributes
    ----------
    contribution_rates : sequence of float
        ``RC_t`` for ages 1, 2, ...; the last value repeats (default 25%, 33.3%, 50%, then
        100% of the remaining commitment).
    lifetime : int
        Fund life ``L``, years (default 12).
    bow : float
        ``B`` (default 2.5): higher delays distributions.
    growth : float
        ``G``, annual NAV growth (default 0.10).
    yield_ : float
        ``Y``, minimum distribution rate (default 0.0).
    """

    contribution_rates: Sequence[float] = (0.25, 1 / 3, 0.5, 1.0)
    lifetime: int = 12
    bow: float = 2.5
    growth: float = 0.10
    yield_: float = 0.0

    def __post_init__(self) -> None:
        if self.lifetime < 1:
            raise ParameterError(f"fund lifetime must be >= 1 year, got {self.lifetime}")
        if not self.contribution_rates or any(not 0 <= r <= 1 for r in self.contribution_rates):
            raise ParameterError("contribution rates must be fractions in [0, 1]")
        if self.growth <= -1:
            raise ParameterError("growth must be above -100%")


@dataclass(frozen=True)
class CommitmentProjection:
    """Programme cash flows by calendar year (CNY; year 1 = the first projection year).

    Attributes
    ----------
    years : ndarray of int
    calls, distributions, net_cash_flow, nav, unfunded, paid_in, capital : ndarray
        Capital called, distributed, distributions - calls, NAV at year end, commitments not
        yet called at year end, cumulative paid-in, and the capital requirement of the NAV.
    params : TakahashiAlexander
    capital_factor : float
    """

    years: np.ndarray
    calls: np.ndarray
    distributions: np.ndarray
    net_cash_flow: np.ndarray
    nav: np.ndarray
    unfunded: np.ndarray
    paid_in: np.ndarray
    capital: np.ndarray
    params: TakahashiAlexander = field(repr=False)
    capital_factor: float = 0.0

    def to_dict(self) -> dict:
        """Plain dict for JSON: one record per year plus the parameters."""
        rows = [
            {
                "year": int(y),
                "calls": float(c),
                "distributions": float(d),
                "net_cash_flow": float(n),
                "nav": float(v),
                "unfunded": float(u),
                "paid_in": float(p),
                "capital": float(k),
            }
            for y, c, d, n, v, u, p, k in zip(
                self.years,
                self.calls,
                self.distributions,
                self.net_cash_flow,
                self.nav,
                self.unfunded,
                self.paid_in,
                self.capital,
                strict=True,
            )
        ]
        p = self.params
        return {
            "model": "takahashi_alexander",
            "params": {
                "contribution_rates": list(p.contribution_rates),
                "lifetime": p.lifetime,
                "bow": p.bow,
                "growth": p.growth,
                "yield": p.yield_,
            },
            "capital_factor": self.capital_factor,
            "years": rows,
        }


def fund_cash_flows(
    commitment: float, params: TakahashiAlexander, horizon: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calls, distributions and NAV of one fund by age ``1..horizon`` (CNY)."""
    calls = np.zeros(horizon)
    dist = np.zeros(horizon)
    nav = np.zeros(horizon)
    paid, prev = 0.0, 0.0
    rates = list(params.contribution_rates)
    for t in range(1, horizon + 1):
        if t > params.lifetime:
            break
        rc = rates[min(t, len(rates)) - 1]
        c = rc * (commitment - paid)
        rd = (
            1.0 if t >= params.lifetime else max(params.yield_, (t / params.lifetime) ** params.bow)
        )
        d = rd * prev * (1.0 + params.growth)
        value = prev * (1.0 + params.growth) + c - d
        paid += c
        calls[t - 1], dist[t - 1], nav[t - 1] = c, d, value
        prev = value
    return calls, dist, nav


def vc_capital_factor(
    regime: str | None = None, strategic_emerging: bool = True, layers: int = 1
) -> float:
    """The engine's effective factor of a looked-through VC fund (capital per CNY of NAV).

    Computed by the look-through rule module itself on a one-position portfolio, so the factor
    is never typed in twice.
    """
    import pandas as pd

    from analyzer.io.holdings import validate_holdings
    from analyzer.solvency import look_through
    from analyzer.solvency.charges import ChargeContext
    from analyzer.solvency.options import EngineOptions
    from analyzer.solvency.regime import DEFAULT_REGIME, load_regime

    frame = validate_holdings(
        pd.DataFrame(
            [
                {
                    "id": "vc",
                    "asset_type": "pe_vc_fund",
                    "market_value": "1",
                    "look_through": "true",
                    "layers": str(layers),
                    "strategic_emerging": str(strategic_emerging).lower(),
                }
            ]
        ),
        "<vc>",
    ).frame
    ctx = ChargeContext(frame, load_regime(regime or DEFAULT_REGIME), None, EngineOptions())
    return float(sum(rows["capital"].sum() for rows in look_through.charges(ctx)))


def project_commitments(
    commitments: Mapping[int, float],
    horizon: int = 15,
    params: TakahashiAlexander | None = None,
    capital_factor: float | None = None,
) -> CommitmentProjection:
    """Project a commitment programme.

    Parameters
    ----------
    commitments : mapping first-call year (1 = next year) -> amount committed, CNY
    horizon : years projected
    params : model parameters (defaults of :class:`TakahashiAlexander`)
    capital_factor : capital per CNY of NAV (effective equity factor); default
        :func:`vc_capital_factor` of the default regime

    Returns
    -------
    CommitmentProjection
    """
    if capital_factor is None:
        capital_factor = vc_capital_factor()
    params = params or TakahashiAlexander()
    if horizon < 1:
        raise ParameterError(f"horizon must be >= 1 year, got {horizon}")
    calls = np.zeros(horizon)
    dist = np.zeros(horizon)
    nav = np.zeros(horizon)
    committed = np.zeros(horizon)
    for year, amount in commitments.items():
        if year < 1 or amount < 0:
            raise ParameterError(
                f"commitment year must be >= 1 and amount >= 0, got {year}: {amount}"
            )
        if year > horizon:
            continue
        span = horizon - year + 1
        c, d, v = fund_cash_flows(float(amount), params, span)
        calls[year - 1 :] += c
        dist[year - 1 :] += d
        nav[year - 1 :] += v
        committed[year - 1 :] += amount
    paid = np.cumsum(calls)
    return CommitmentProjection(
        years=np.arange(1, horizon + 1),
        calls=calls,
        distributions=dist,
        net_cash_flow=dist - calls,
        nav=nav,
        unfunded=committed - paid,
        paid_in=paid,
        capital=nav * capital_factor,
        params=params,
        capital_factor=capital_factor,
    )
