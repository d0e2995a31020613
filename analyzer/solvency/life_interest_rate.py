"""Life interest-rate risk: the scenario method of Rule 8 Art. 18-20 and Annex 3.

The minimum capital of a life insurer for interest-rate risk is (Rule 8 Art. 18)::

    MC_IR = max(PV(NCF)_adverse - PV(NCF)_base, 0)

with ``NCF`` the expected outflows (liabilities, net of reinsurance) minus the expected inflows
(cash flows of the assets in scope, Art. 13). The same cash flows are discounted with the base
curve and with an adverse curve; Annex 3 gives two adverse curves, "up" and "down".

Curves (Annex 3, transition of Annex 1)
---------------------------------------
Base interest-rate curve, a spot curve by whole year ``t``:

- ``0 < t <= 20``: the 60-day moving-average government spot curve ``r*_t``;
- ``20 < t <= 40``: the two-step quadratic transition of Annex 1 二::

      r_t = r*_20 + (UFR - r*_20) * (t - 20) / (40 - 20)          (first interpolation)
      R_t = r_t * (t - 20) / (40 - 20) + r*_t * (40 - t) / (40 - 20)   (second interpolation)

- ``t > 40``: the ultimate rate ``UFR`` = 4.5%.

Adverse curves (Annex 3 二): ``r*_t (1 + Stress_t)`` for ``t <= 40`` (``Stress_t`` from the table
for ``t <= 20``, linear between ``Stress_20`` and ``Stress_40`` for ``20 < t < 40``), the ultimate
rate ``UFR (1 + Stress_40)``, and the same two-step transition run on the stressed values.

Comprehensive premium (Annex 3 三), identical in every scenario: 45bp for ``t <= 20``,
``45bp * (40 - t) / 20`` for ``20 < t <= 40``, 0 beyond. The spot discount rate is base rate plus
premium, and a cash flow at the end of year ``t`` is discounted by ``(1 + rate + premium) ** -t``
(docs/formats.md §7.4).

Interpretations (each a named parameter with its only allowed value as the default)
-----------------------------------------------------------------------------------
- ``beyond_20="given_or_flat"`` (:func:`build_curves`): the second interpolation needs the
  government curve ``r*_t`` for ``20 < t <= 40``. Values given in ``spot`` beyond year 20 are used;
  years not given are filled flat from the last given year (so a 20-year curve is extended flat
  from ``r*_20``). Years of ``spot`` beyond 40 are not used.
- ``combine="worse_of_up_down"`` (:func:`evaluate`, :func:`capital_for`): the capital is the worse
  of the up and down scenarios, floored at 0 (docs/formats.md §7.4). Annex 3 gives both
  scenarios but does not say how to combine them.
- Asset cash flows (:func:`cash_flow_schedule`, used by the engine) fall on their own dates: an
  asset ``m`` years (any positive number) from maturity paying ``f`` coupons a year receives
  ``coupon_rate / f * face_value`` at ``m, m - 1/f, m - 2/f, ...`` (all > 0) and ``face_value``
  at ``m``. The year-end grid :func:`asset_cash_flows` (whole maturities, a coupon paid ``f``
  times a year summed at the end of its year) is kept for callers that want a matrix.
- ``interpolation="linear_spot"`` (:func:`discount_at`): the curves of Annex 1 / 3 are given by
  whole year ``t``; a cash flow at a fraction of a year is discounted at the spot discount rate
  interpolated linearly between the neighbouring whole years (the interpolation Annex 1 / 3 use
  themselves between years 20 and 40), flat at the year-1 rate before year 1:
  ``(1 + s(t)) ** -t``. ``"loglinear_discount"`` instead holds the one-year forward rate
  constant within each year (the spot-to-forward conversion of Annex 3 四). At whole years both
  give the discount factors of :class:`ScenarioCurves` exactly.
- Callable assets (Rule 8 Art. 18 (二)/(三), :func:`exercise_years`): an asset with a first
  exercise date ``call_years`` after the valuation date and no exercise rate is cash-flowed to
  that date (Art. 18 (三)); with an exercise rate ``call_rate`` it is cash-flowed to the call
  date when the base-scenario forward rate of the government curve from the call date to
  maturity (the "market forward curve at the end of the period", compounded annually) is below
  the exercise rate (the issuer refinances more cheaply) and to maturity otherwise (Art. 18
  (二)). The decision is taken once; the adverse scenarios discount the same cash flows (Art.
  18: "其预期净现金流与计算PV(NCF)基础情景时的预期现金流保持一致").

Euler allocation: the capital of the binding scenario is linear in the cash flows, so
``capital = liability_capital_contribution + asset_capital_contribution.sum()`` exactly, with
``asset_capital_contribution = -asset_delta`` of the binding scenario (negative for an asset that
hedges the liabilities).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from analyzer.errors import ParameterError
from analyzer.solvency.messages import compose

__all__ = [
    "Beyond20",
    "Combine",
    "Interpolation",
    "LifeInterestRate",
    "ScenarioCurves",
    "asset_cash_flows",
    "asset_values",
    "build_curves",
    "capital_for",
    "cash_flow_schedule",
    "discount_at",
    "evaluate",
    "evaluate_assets",
    "evaluate_schedule",
    "exercise_years",
    "scenario_horizon",
]

Combine = Literal["worse_of_up_down"]
"""How the up and down scenarios combine into one capital (docs/formats.md §7.4)."""

Beyond20 = Literal["given_or_flat"]
"""Where the government curve ``r*_t`` for ``20 < t <= 40`` comes from (see module docstring)."""

Interpolation = Literal["linear_spot", "loglinear_discount"]
"""How a cash flow between whole years is discounted (see module docstring)."""

_COMBINE_VALUES: tuple[str, ...] = ("worse_of_up_down",)
_INTERPOLATION_VALUES: tuple[str, ...] = ("linear_spot", "loglinear_discount")
_BEYOND_20_VALUES: tuple[str, ...] = ("given_or_flat",)


def _check_option(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ParameterError(
            compose(
                "solvency.unknown_option_value", value=value, name=name, allowed=", ".join(allowed)
            )
        )


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array, dtype=float)
    array.setflags(write=False)
    return array


# --------------------------------------------------------------------------------------------
# Curves
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioCurves:
    """Base and adverse spot curves of Annex 3, by whole year ``t = 1..horizon``.

    Every array has shape ``(horizon,)``; element ``i`` is year ``t = i + 1``. Rates are annual,
    as fractions (0.02 = 2%), compounded annually. Arrays are read-only.

    Attributes
    ----------
    years : numpy.ndarray
        ``1, 2, ..., horizon`` (int).
    base_rate, up_rate, down_rate : numpy.ndarray
        Base interest-rate curve (基础利率曲线) of the base, up and down scenarios, before the
        comprehensive premium: spot curve up to year 20, Annex 1 transition to year 40,
        (stressed) ultimate rate beyond.
    premium : numpy.ndarray
        Comprehensive premium (综合溢价), as a fraction: 0.0045 to year 20, linear to 0 at 40.
    stress_up, stress_down : numpy.ndarray
        ``Stress_t`` of the up and down scenarios (fractions; -0.71 = -71%).
    discount_base, discount_up, discount_down : numpy.ndarray
        Discount factor of a cash flow at the end of year ``t``:
        ``(1 + rate_t + premium_t) ** -t`` (dimensionless, CNY of present value per CNY).
    """

    years: np.ndarray
    base_rate: np.ndarray
    up_rate: np.ndarray
    down_rate: np.ndarray
    premium: np.ndarray
    stress_up: np.ndarray
    stress_down: np.ndarray
    discount_base: np.ndarray
    discount_up: np.ndarray
    discount_down: np.ndarray

    @property
    def horizon(self) -> int:
        """Number of years covered (int)."""
        return int(self.years.shape[0])


@dataclass(frozen=True)
class _TableParams:
    ultimate: float
    t1: int
    t2: int
    premium: float
    up: np.ndarray
    down: np.ndarray
    up_end: float
    down_end: float


def _table_params(table: Mapping[str, Any]) -> _TableParams:
    try:
        params = _TableParams(
            ultimate=float(table["ultimate_rate"]),
            t1=int(table["last_liquid_year"]),
            t2=int(table["ultimate_year"]),
            premium=float(table["premium_bp_to_year20"]) / 10_000.0,
            up=np.asarray(table["up"], dtype=float),
            down=np.asarray(table["down"], dtype=float),
            up_end=float(table["up_40"]),
            down_end=float(table["down_40"]),
        )
        years = np.asarray(table["years"], dtype=int)
    except (KeyError, TypeError, ValueError) as exc:
        raise ParameterError(compose("solvency.life_table_malformed", reason=exc)) from exc
    t1, t2 = params.t1, params.t2
    if not 0 < t1 < t2:
        raise ParameterError(compose("solvency.life_table_years", t1=t1, t2=t2))
    if (
        not np.array_equal(years, np.arange(1, t1 + 1))
        or params.up.shape != years.shape
        or params.down.shape != years.shape
    ):
        raise ParameterError(compose("solvency.life_table_stress"))
    return params


def _stress_path(stress: np.ndarray, stress_end: float, t1: int, t2: int, n: int) -> np.ndarray:
    """``Stress_t`` for ``t = 1..n`` (Annex 3 二（五）): table to t1, linear to t2, flat beyond."""
    t = np.arange(1, n + 1, dtype=float)
    w = np.clip((t - t1) / (t2 - t1), 0.0, 1.0)
    table_part = stress[np.minimum(np.arange(n), t1 - 1)]
    linear = stress[t1 - 1] * (1.0 - w) + stress_end * w
    return np.where(t <= t1, table_part, linear)


def _transition(r_star: np.ndarray, ultimate: float, t1: int, t2: int, n: int) -> np.ndarray:
    """Annex 1 二: spot to t1, two-step quadratic transition to t2, ultimate beyond.

    ``r_star`` holds the (possibly stressed) government curve for ``t = 1..t2``.
    """
    t = np.arange(1, n + 1, dtype=float)
    w = np.clip((t - t1) / (t2 - t1), 0.0, 1.0)
    r_star_n = r_star[np.minimum(np.arange(n), t2 - 1)]
    first = r_star[t1 - 1] + (ultimate - r_star[t1 - 1]) * w  # first interpolation
    second = first * w + r_star_n * (1.0 - w)  # second interpolation
    return np.where(t <= t1, r_star_n, np.where(t <= t2, second, ultimate))


def build_curves(
    spot: ArrayLike,
    table: Mapping[str, Any],
    horizon: int,
    *,
    beyond_20: Beyond20 = "given_or_flat",
) -> ScenarioCurves:
    """Build the base, up and down discount curves of Annex 3 for years ``1..horizon``.

    Parameters
    ----------
    spot : array_like, shape (m,), m >= 20
        Government spot rates (60-day moving average, fractions, annual compounding);
        ``spot[i]`` is the rate for year ``i + 1``. Years 1..20 form the curve up to year 20;
        years 21..40, where given, are the ``r*_t`` of the Annex 1 second interpolation.
    table : Mapping
        The regime table ``life_interest_rate.life_interest_rate`` (keys ``ultimate_rate``,
        ``last_liquid_year``, ``ultimate_year``, ``premium_bp_to_year20``, ``years``, ``up``,
        ``down``, ``up_40``, ``down_40``).
    horizon : int
        Number of years ``H >= 1`` to return.
    beyond_20 : {"given_or_flat"}
        ``r*_t`` for ``20 < t <= 40``: the given value where ``spot`` has it, else flat from the
        last given year.

    Returns
    -------
    ScenarioCurves
        Rates, premium, stresses and discount factors for ``t = 1..horizon``.

    Raises
    ------
    ParameterError
        Unknown ``beyond_20``, or a malformed regime table.
    ValueError
        ``spot`` not one-dimensional, shorter than ``last_liquid_year``, not finite, or
        ``horizon < 1``; or a discount rate ``<= -100%``.
    """
    _check_option("beyond_20", beyond_20, _BEYOND_20_VALUES)
    p = _table_params(table)
    t1, t2 = p.t1, p.t2
    spot_arr = np.asarray(spot, dtype=float)
    if spot_arr.ndim != 1 or spot_arr.shape[0] < t1:
        raise ValueError(f"spot curve must be one-dimensional with at least {t1} years")
    if not np.all(np.isfinite(spot_arr)):
        raise ValueError("spot curve has non-finite rates")
    horizon = int(horizon)
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")

    # r*_t for t = 1..t2: given where available, flat from the last given year beyond.
    given = spot_arr[:t2]
    r_star = np.concatenate([given, np.full(t2 - given.shape[0], given[-1])])

    n = max(horizon, t2)
    t = np.arange(1, n + 1, dtype=float)
    stress_up = _stress_path(p.up, p.up_end, t1, t2, n)
    stress_down = _stress_path(p.down, p.down_end, t1, t2, n)
    # Base and stressed curves: the stress applies to r*_t for t <= 40 and to the ultimate rate
    # (Annex 3 二（二）,（四）), then the Annex 1 transition runs on the stressed values.
    base = _transition(r_star, p.ultimate, t1, t2, n)
    up_rate = _transition(r_star * (1.0 + stress_up[:t2]), p.ultimate * (1.0 + p.up_end), t1, t2, n)
    down_rate = _transition(
        r_star * (1.0 + stress_down[:t2]), p.ultimate * (1.0 + p.down_end), t1, t2, n
    )
    # Comprehensive premium (Annex 3 三): Spread_20 to t1, Spread_20 (t2 - t) / (t2 - t1), 0.
    premium = p.premium * np.clip((t2 - t) / (t2 - t1), 0.0, 1.0)

    def discount(rate: np.ndarray) -> np.ndarray:
        gross = 1.0 + rate + premium
        if np.any(gross <= 0.0):
            raise ValueError("a discount rate is <= -100%")
        return gross**-t

    h = slice(0, horizon)
    return ScenarioCurves(
        years=_readonly_int(np.arange(1, horizon + 1)),
        base_rate=_readonly(base[h]),
        up_rate=_readonly(up_rate[h]),
        down_rate=_readonly(down_rate[h]),
        premium=_readonly(premium[h]),
        stress_up=_readonly(stress_up[h]),
        stress_down=_readonly(stress_down[h]),
        discount_base=_readonly(discount(base)[h]),
        discount_up=_readonly(discount(up_rate)[h]),
        discount_down=_readonly(discount(down_rate)[h]),
    )


def _readonly_int(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array, dtype=int)
    array.setflags(write=False)
    return array


# --------------------------------------------------------------------------------------------
# Cash flows
# --------------------------------------------------------------------------------------------


def scenario_horizon(liability_years: int, maturity_years: ArrayLike = ()) -> int:
    """Years the scenario method must cover.

    Parameters
    ----------
    liability_years : int
        Length of the liability cash-flow vector (years 1..N).
    maturity_years : array_like, optional
        Years to maturity of the assets in scope (may be fractional).

    Returns
    -------
    int
        ``max(liability_years, ceil(max(maturity_years)), 1)``.
    """
    maturities = np.asarray(maturity_years, dtype=float).ravel()
    longest = int(np.ceil(maturities.max())) if maturities.size else 0
    return max(int(liability_years), longest, 1)


def asset_cash_flows(
    coupon_rate: ArrayLike,
    face_value: ArrayLike,
    maturity_years: ArrayLike,
    coupon_frequency: ArrayLike = 1,
    horizon: int | None = None,
) -> np.ndarray:
    """Year-end cash inflows of fixed-coupon assets (Rule 8 Art. 18 (一)), as a matrix.

    The year-end grid: the engine uses the dated flows of :func:`asset_values` /
    :func:`cash_flow_schedule` instead (fractional maturities, a coupon on its own date,
    exercise dates); for whole maturities and annual coupons the two agree.

    An asset pays ``coupon_rate * face_value`` at the end of each year ``1..maturity_years`` and
    ``face_value`` at the end of year ``maturity_years``. Simplification: an asset paying ``f``
    coupons a year (``coupon_frequency = f > 1``) pays ``coupon_rate / f * face_value`` ``f``
    times a year; those coupons are summed at the end of their year, so the year-end cash flow
    is the same as for an annual coupon.

    Parameters
    ----------
    coupon_rate : array_like, shape (n,) or scalar
        Annual coupon rate, a fraction (0.025), >= 0.
    face_value : array_like, shape (n,) or scalar
        Par amount, CNY, >= 0.
    maturity_years : array_like, shape (n,) or scalar
        Whole years to maturity, >= 1.
    coupon_frequency : array_like, shape (n,) or scalar, default 1
        Coupons per year, a positive integer (1, 2, 4 ...).
    horizon : int, optional
        Number of year columns; default ``max(maturity_years, 1)``.

    Returns
    -------
    numpy.ndarray, shape (n, horizon)
        CNY received at the end of year ``t = column + 1``.

    Raises
    ------
    ValueError
        Inputs of different lengths, a negative or non-finite value, a maturity that is not a
        whole number >= 1, a frequency that is not a positive integer, or ``horizon`` shorter
        than the longest maturity.
    """
    whole = np.asarray(maturity_years, dtype=float)
    if not np.all(np.isfinite(whole)) or np.any(whole < 1) or np.any(whole != np.round(whole)):
        raise ValueError("maturity_years must be whole years >= 1")
    coupon, face, maturity, frequency, _ = _asset_arrays(
        coupon_rate, face_value, maturity_years, coupon_frequency, None
    )
    longest = int(maturity.max()) if maturity.size else 0
    if horizon is None:
        horizon = max(longest, 1)
    horizon = int(horizon)
    if horizon < max(longest, 1):
        raise ValueError(f"horizon {horizon} is shorter than the longest maturity {longest}")

    t = np.arange(1, horizon + 1, dtype=float)[None, :]
    m = maturity[:, None]
    # The f coupons of coupon / f * face in a year are summed at its end: coupon * face.
    coupons = (coupon * face)[:, None] * (t <= m)
    principal = face[:, None] * (t == m)
    return coupons + principal


def discount_at(
    curves: ScenarioCurves,
    times: ArrayLike,
    scenario: Literal["base", "up", "down", "government"] = "base",
    *,
    interpolation: Interpolation = "linear_spot",
) -> np.ndarray:
    """Discount factors of cash flows at any times ``0 <= t <= horizon`` (years).

    Parameters
    ----------
    curves : ScenarioCurves
        The Annex 3 curves by whole year.
    times : array_like
        Times of the cash flows, years after the valuation date (need not be whole).
    scenario : {"base", "up", "down", "government"}
        The spot discount curve (base rate plus premium) of a scenario, or ``"government"``:
        the base-scenario base rate without premium (the market curve of Rule 8 Art. 18 (二)).
    interpolation : {"linear_spot", "loglinear_discount"}
        ``"linear_spot"``: the spot rate linear between whole years, flat at year 1 before it;
        ``"loglinear_discount"``: ``log D`` linear between whole years with ``D(0) = 1``.

    Returns
    -------
    numpy.ndarray
        Discount factors (CNY of present value per CNY), the shape of ``times``; at a whole
        year exactly the ``discount_*`` factors of ``curves``.

    Raises
    ------
    ParameterError
        Unknown ``interpolation``.
    ValueError
        A time below 0, not finite, or beyond the curves' horizon.
    """
    _check_option("interpolation", interpolation, _INTERPOLATION_VALUES)
    t = np.asarray(times, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(t > curves.horizon + 1e-9):
        raise ValueError(f"cash-flow times must lie in [0, {curves.horizon}] years")
    t = np.minimum(t, float(curves.horizon))
    if scenario == "government":
        spot = np.asarray(curves.base_rate, dtype=float)
        whole = (1.0 + spot) ** -np.asarray(curves.years, dtype=float)
    else:
        rate = {"base": curves.base_rate, "up": curves.up_rate, "down": curves.down_rate}[scenario]
        spot = np.asarray(rate, dtype=float) + curves.premium
        whole = {
            "base": curves.discount_base,
            "up": curves.discount_up,
            "down": curves.discount_down,
        }[scenario]
    whole = np.asarray(whole, dtype=float)
    h = curves.horizon
    below = np.minimum(t.astype(np.int64), h)  # whole year at or below t (t >= 0)
    w = t - below
    if interpolation == "linear_spot":
        # spot by whole year 0..h+1: flat at year 1 before it, padded beyond h (w = 0 there)
        ext = np.concatenate([spot[:1], spot, spot[-1:]])
        lo = ext[below]
        s = lo + w * (ext[below + 1] - lo)
        out = (1.0 + s) ** -t
    else:
        log_d = np.log(whole)
        ext = np.concatenate([[0.0], log_d, log_d[-1:]])
        lo = ext[below]
        out = np.exp(lo + w * (ext[below + 1] - lo))
    k = np.rint(t)
    on_year = (np.abs(t - k) < 1e-9) & (k >= 1)
    if on_year.any():
        out[on_year] = whole[k[on_year].astype(np.int64) - 1]
    return np.where(t == 0, 1.0, out)


def exercise_years(
    maturity_years: ArrayLike,
    call_years: ArrayLike,
    call_rate: ArrayLike,
    curves: ScenarioCurves,
    *,
    interpolation: Interpolation = "linear_spot",
) -> np.ndarray:
    """The date to which each asset is cash-flowed (Rule 8 Art. 18 (二), (三)).

    Parameters
    ----------
    maturity_years : array_like, shape (n,)
        Years to maturity, > 0.
    call_years : array_like, shape (n,)
        Years to the first exercise date after the valuation date; NaN for an asset without
        an option.
    call_rate : array_like, shape (n,)
        The exercise rate (fraction a year) the market forward rate is compared with; NaN: the
        asset is exercised at ``call_years`` (Art. 18 (三)).
    curves : ScenarioCurves
    interpolation : {"linear_spot", "loglinear_discount"}

    Returns
    -------
    numpy.ndarray, shape (n,)
        ``call_years`` where the option is exercised, else ``maturity_years`` (years).
        With a ``call_rate``, exercised when the forward rate of the base government curve
        from ``call_years`` to ``maturity_years``, ``(D(c) / D(m)) ** (1 / (m - c)) - 1``, is
        below ``call_rate`` (Art. 18 (二)).
    """
    m = np.asarray(maturity_years, dtype=float)
    c = np.asarray(call_years, dtype=float)
    rate = np.asarray(call_rate, dtype=float)
    callable_ = np.isfinite(c) & (c < m)
    out = m.copy()
    if not callable_.any():
        return out
    cc = np.where(callable_, c, 0.0)
    mm = np.where(callable_, m, 1.0)
    d_c = discount_at(curves, cc, "government", interpolation=interpolation)
    d_m = discount_at(curves, mm, "government", interpolation=interpolation)
    with np.errstate(divide="ignore", invalid="ignore"):
        forward = (d_c / d_m) ** (1.0 / (mm - cc)) - 1.0
    exercised = callable_ & (~np.isfinite(rate) | (forward < np.where(np.isfinite(rate), rate, 0)))
    return np.where(exercised, c, out)


def _asset_arrays(
    coupon_rate: ArrayLike,
    face_value: ArrayLike,
    maturity_years: ArrayLike,
    coupon_frequency: ArrayLike,
    end_years: ArrayLike | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Checked float arrays (coupon, face, maturity, frequency, end) of the assets."""
    try:
        coupon, face, maturity, frequency = np.broadcast_arrays(
            np.atleast_1d(np.asarray(coupon_rate, dtype=float)),
            np.atleast_1d(np.asarray(face_value, dtype=float)),
            np.atleast_1d(np.asarray(maturity_years, dtype=float)),
            np.atleast_1d(np.asarray(coupon_frequency, dtype=float)),
        )
    except ValueError as exc:
        raise ValueError(f"asset inputs have different lengths: {exc}") from exc
    if coupon.ndim != 1:
        raise ValueError("asset inputs must be one-dimensional")
    for name, values in (("coupon_rate", coupon), ("face_value", face)):
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"{name} must be finite and >= 0")
    if not np.all(np.isfinite(maturity)) or np.any(maturity <= 0):
        raise ValueError("maturity_years must be > 0")
    if (
        not np.all(np.isfinite(frequency))
        or np.any(frequency < 1)
        or np.any(frequency != np.round(frequency))
    ):
        raise ValueError("coupon_frequency must be a positive integer")
    end = (
        maturity
        if end_years is None
        else np.broadcast_to(np.asarray(end_years, float), maturity.shape)
    )
    if not np.all(np.isfinite(end)) or np.any(end <= 0) or np.any(end > maturity + 1e-9):
        raise ValueError("end_years must lie in (0, maturity_years]")
    return coupon, face, maturity, frequency, np.asarray(end, dtype=float)


def cash_flow_schedule(
    coupon_rate: ArrayLike,
    face_value: ArrayLike,
    maturity_years: ArrayLike,
    coupon_frequency: ArrayLike = 1,
    end_years: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dated cash inflows of fixed-coupon assets (Rule 8 Art. 18 (一)-(三)).

    An asset ``m`` years from maturity paying ``f`` coupons a year receives
    ``coupon_rate / f * face_value`` at ``m - k / f`` for ``k = 0, 1, ...`` while the time is
    > 0, and ``face_value`` at ``m``. With ``end_years = e < m`` (an exercised option,
    :func:`exercise_years`) the coupons due up to ``e`` are received and ``face_value`` at
    ``e``. For a whole ``m`` and ``f = 1`` these are the year-end flows of
    :func:`asset_cash_flows`.

    Parameters
    ----------
    coupon_rate : array_like, shape (n,)
        Annual coupon rate, a fraction, >= 0.
    face_value : array_like, shape (n,)
        Par amount, CNY, >= 0.
    maturity_years : array_like, shape (n,)
        Years to maturity, > 0 (need not be whole: 3.4 pays at 0.4, 1.4, 2.4, 3.4).
    coupon_frequency : array_like, shape (n,) or scalar, default 1
        Coupons per year, a positive integer.
    end_years : array_like, shape (n,), optional
        Date of the last cash flow, ``0 < e <= m``; default ``maturity_years``.

    Returns
    -------
    (position, time, amount) : tuple of numpy.ndarray
        One entry per asset and date (sorted by asset, then time): the asset's row index
        (int), the time in years, the CNY (coupon and principal of the same date summed).

    Raises
    ------
    ValueError
        Inputs of different lengths, negative or non-finite amounts, a maturity <= 0, a
        frequency that is not a positive integer, or an end outside ``(0, m]``.
    """
    coupon, face, maturity, frequency, end = _asset_arrays(
        coupon_rate, face_value, maturity_years, coupon_frequency, end_years
    )
    # coupon dates m - k/f > 0, computed as (m f - k) / f so whole-year dates stay exact
    mf = maturity * frequency
    count = np.ceil(mf - 1e-9).astype(np.int64)  # number of k with m - k/f > 0
    count = np.maximum(count, 1)
    position = np.repeat(np.arange(len(maturity)), count)
    starts = np.cumsum(count) - count
    k = np.arange(int(count.sum())) - np.repeat(starts, count)
    time = (mf[position] - k) / frequency[position]
    keep = (time > 1e-12) & (time <= end[position] + 1e-9)
    position, time = position[keep], time[keep]
    amount = (coupon * face / frequency)[position]
    # principal at the end date (maturity, or the exercise date)
    position = np.concatenate([position, np.arange(len(maturity))])
    time = np.concatenate([time, end.astype(float)])
    amount = np.concatenate([amount, face])
    order = np.lexsort((time, position))
    position, time, amount = position[order], time[order], amount[order]
    # one flow per date: the last coupon and the principal fall together
    first = np.ones(len(time), dtype=bool)
    first[1:] = (position[1:] != position[:-1]) | (np.abs(time[1:] - time[:-1]) > 1e-9)
    group = np.cumsum(first) - 1
    return position[first], time[first], np.bincount(group, weights=amount)


# --------------------------------------------------------------------------------------------
# Capital
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifeInterestRate:
    """Result of the scenario method (Rule 8 Art. 18). Amounts in CNY.

    A delta is ``PV_adverse - PV_base`` of the same cash flows. Net deltas are of the net
    outflows: ``net_delta = liability_delta - asset_delta.sum()``.

    Attributes
    ----------
    asset_pv_base : numpy.ndarray, shape (n,)
        Present value of each asset's inflows on the base curve.
    asset_delta_up, asset_delta_down : numpy.ndarray, shape (n,)
        Change of each asset's present value in the up / down scenario.
    liability_pv_base : float
        Present value of the liability net outflows on the base curve.
    liability_delta_up, liability_delta_down : float
        Change of the liabilities' present value in the up / down scenario.
    net_delta_up, net_delta_down : float
        ``PV(NCF)_adverse - PV(NCF)_base`` for up / down.
    capital : float
        ``max(net_delta_up, net_delta_down, 0)`` (``combine="worse_of_up_down"``).
    binding : {"up", "down", "none"}
        The scenario that sets the capital; ``"none"`` when the capital is 0. A tie between
        up and down (with positive capital) is reported as ``"up"``.
    asset_capital_contribution : numpy.ndarray, shape (n,)
        ``-asset_delta`` of the binding scenario (zeros if none): each asset's Euler share of the
        capital, negative for an asset that hedges.
    liability_capital_contribution : float
        ``liability_delta`` of the binding scenario (0 if none).
    combine : str
        The combination rule used.
    """

    asset_pv_base: np.ndarray
    asset_delta_up: np.ndarray
    asset_delta_down: np.ndarray
    liability_pv_base: float
    liability_delta_up: float
    liability_delta_down: float
    net_delta_up: float
    net_delta_down: float
    capital: float
    binding: Literal["up", "down", "none"]
    asset_capital_contribution: np.ndarray
    liability_capital_contribution: float
    combine: Combine = "worse_of_up_down"


def capital_for(
    asset_delta_up_total: ArrayLike,
    asset_delta_down_total: ArrayLike,
    liability_delta_up: ArrayLike,
    liability_delta_down: ArrayLike,
    *,
    combine: Combine = "worse_of_up_down",
) -> np.ndarray:
    """Capital from total deltas, batched (numpy broadcasting over any leading shape).

    Parameters
    ----------
    asset_delta_up_total, asset_delta_down_total : array_like
        Sum over assets of ``PV_adverse - PV_base`` of their inflows, CNY.
    liability_delta_up, liability_delta_down : array_like
        ``PV_adverse - PV_base`` of the liability net outflows, CNY.
    combine : {"worse_of_up_down"}
        ``max(liability_up - asset_up, liability_down - asset_down, 0)``.

    Returns
    -------
    numpy.ndarray
        Capital, CNY, with the broadcast shape of the inputs (0-d for scalars).
    """
    _check_option("combine", combine, _COMBINE_VALUES)
    up = np.asarray(liability_delta_up, dtype=float) - np.asarray(asset_delta_up_total, float)
    down = np.asarray(liability_delta_down, dtype=float) - np.asarray(
        asset_delta_down_total, dtype=float
    )
    return np.maximum(np.maximum(up, down), 0.0)


def evaluate(
    asset_cash_flows: ArrayLike,
    liability_outflows: ArrayLike,
    curves: ScenarioCurves,
    *,
    combine: Combine = "worse_of_up_down",
) -> LifeInterestRate:
    """Interest-rate capital of a life insurer by the scenario method (Rule 8 Art. 18).

    Parameters
    ----------
    asset_cash_flows : array_like, shape (n, H_a)
        Year-end inflows of each asset in scope, CNY (e.g. from :func:`asset_cash_flows`);
        column ``j`` is year ``j + 1``. ``n`` may be 0.
    liability_outflows : array_like, shape (H_l,)
        Year-end liability net outflows, CNY (net of reinsurance, Rule 3); may be negative.
    curves : ScenarioCurves
        Curves covering at least ``max(H_a, H_l)`` years (see :func:`scenario_horizon`).
    combine : {"worse_of_up_down"}
        How the two scenarios combine (docs/formats.md §7.4).

    Returns
    -------
    LifeInterestRate

    Raises
    ------
    ParameterError
        Unknown ``combine``.
    ValueError
        Wrong dimensions, non-finite cash flows, or cash flows beyond the curves' horizon.
    """
    _check_option("combine", combine, _COMBINE_VALUES)
    assets = np.asarray(asset_cash_flows, dtype=float)
    liabilities = np.asarray(liability_outflows, dtype=float)
    if assets.ndim != 2:
        raise ValueError(f"asset_cash_flows must be (n, years), got shape {assets.shape}")
    if liabilities.ndim != 1:
        raise ValueError(f"liability_outflows must be (years,), got shape {liabilities.shape}")
    if not (np.all(np.isfinite(assets)) and np.all(np.isfinite(liabilities))):
        raise ValueError("cash flows must be finite")
    h = curves.horizon
    if assets.shape[1] > h or liabilities.shape[0] > h:
        raise ValueError(
            f"cash flows run {max(assets.shape[1], liabilities.shape[0])} years but the curves "
            f"cover {h}; build the curves with scenario_horizon()"
        )
    base = curves.discount_base
    # Differences of discount factors, so a delta is one dot product (no cancellation of PVs).
    diff_up = curves.discount_up - base
    diff_down = curves.discount_down - base
    ha, hl = assets.shape[1], liabilities.shape[0]

    asset_pv_base = assets @ base[:ha]
    asset_delta_up = assets @ diff_up[:ha]
    asset_delta_down = assets @ diff_down[:ha]
    liability_pv_base = float(liabilities @ base[:hl])
    liability_delta_up = float(liabilities @ diff_up[:hl])
    liability_delta_down = float(liabilities @ diff_down[:hl])

    return _combine(
        asset_pv_base,
        asset_delta_up,
        asset_delta_down,
        liability_pv_base,
        liability_delta_up,
        liability_delta_down,
        combine,
    )


def evaluate_schedule(
    position: ArrayLike,
    time: ArrayLike,
    amount: ArrayLike,
    n_assets: int,
    liability_outflows: ArrayLike,
    curves: ScenarioCurves,
    *,
    interpolation: Interpolation = "linear_spot",
    combine: Combine = "worse_of_up_down",
) -> LifeInterestRate:
    """:func:`evaluate` of dated asset cash flows (:func:`cash_flow_schedule`).

    Parameters
    ----------
    position, time, amount : array_like, shape (k,)
        Each cash flow's asset index (``0 <= position < n_assets``), time in years (within
        the curves' horizon) and CNY.
    n_assets : int
        Number of assets ``n``.
    liability_outflows : array_like, shape (H_l,)
        Year-end liability net outflows, CNY.
    curves : ScenarioCurves
    interpolation : {"linear_spot", "loglinear_discount"}
        How a cash flow between whole years is discounted (:func:`discount_at`).
    combine : {"worse_of_up_down"}

    Returns
    -------
    LifeInterestRate
        As :func:`evaluate`; for whole-year flows the same numbers.
    """
    _check_option("combine", combine, _COMBINE_VALUES)
    pos = np.asarray(position, dtype=np.int64)
    t = np.asarray(time, dtype=float)
    amt = np.asarray(amount, dtype=float)
    liabilities = np.asarray(liability_outflows, dtype=float)
    if liabilities.ndim != 1:
        raise ValueError(f"liability_outflows must be (years,), got shape {liabilities.shape}")
    if not (np.all(np.isfinite(amt)) and np.all(np.isfinite(liabilities))):
        raise ValueError("cash flows must be finite")
    if liabilities.shape[0] > curves.horizon:
        raise ValueError(
            f"cash flows run {liabilities.shape[0]} years but the curves cover "
            f"{curves.horizon}; build the curves with scenario_horizon()"
        )
    base = discount_at(curves, t, "base", interpolation=interpolation)
    diff_up = discount_at(curves, t, "up", interpolation=interpolation) - base
    diff_down = discount_at(curves, t, "down", interpolation=interpolation) - base
    n = int(n_assets)
    asset_pv_base = np.bincount(pos, weights=amt * base, minlength=n)
    asset_delta_up = np.bincount(pos, weights=amt * diff_up, minlength=n)
    asset_delta_down = np.bincount(pos, weights=amt * diff_down, minlength=n)
    hl = liabilities.shape[0]
    return _combine(
        asset_pv_base,
        asset_delta_up,
        asset_delta_down,
        float(liabilities @ curves.discount_base[:hl]),
        float(liabilities @ (curves.discount_up - curves.discount_base)[:hl]),
        float(liabilities @ (curves.discount_down - curves.discount_base)[:hl]),
        combine,
    )


def _combine(
    asset_pv_base: np.ndarray,
    asset_delta_up: np.ndarray,
    asset_delta_down: np.ndarray,
    liability_pv_base: float,
    liability_delta_up: float,
    liability_delta_down: float,
    combine: Combine,
) -> LifeInterestRate:
    """The capital, binding scenario and Euler contributions from the deltas."""
    net_up = liability_delta_up - float(asset_delta_up.sum())
    net_down = liability_delta_down - float(asset_delta_down.sum())
    capital = max(net_up, net_down, 0.0)
    binding: Literal["up", "down", "none"]
    if capital <= 0.0:
        binding = "none"
        asset_contribution = np.zeros_like(asset_delta_up)
        liability_contribution = 0.0
    elif net_up >= net_down:
        binding = "up"
        asset_contribution = -asset_delta_up
        liability_contribution = liability_delta_up
    else:
        binding = "down"
        asset_contribution = -asset_delta_down
        liability_contribution = liability_delta_down

    return LifeInterestRate(
        asset_pv_base=_readonly(asset_pv_base),
        asset_delta_up=_readonly(asset_delta_up),
        asset_delta_down=_readonly(asset_delta_down),
        liability_pv_base=liability_pv_base,
        liability_delta_up=liability_delta_up,
        liability_delta_down=liability_delta_down,
        net_delta_up=net_up,
        net_delta_down=net_down,
        capital=float(capital),
        binding=binding,
        asset_capital_contribution=_readonly(asset_contribution),
        liability_capital_contribution=liability_contribution,
        combine=combine,
    )


def asset_values(
    coupon_rate: ArrayLike,
    face_value: ArrayLike,
    maturity_years: ArrayLike,
    curves: ScenarioCurves,
    coupon_frequency: ArrayLike = 1,
    end_years: ArrayLike | None = None,
    *,
    interpolation: Interpolation = "linear_spot",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Base present value and up / down deltas of each asset's dated cash flows.

    The numbers of :func:`evaluate_schedule` on :func:`cash_flow_schedule`, without building
    the merged schedule: an asset with a whole maturity, annual coupons and no exercise is
    ``coupon x face x sum(d[:m]) + face x d[m - 1]`` for the discount factors (or their
    scenario differences) ``d`` of the curves; the others sum their coupons date by date.

    Parameters
    ----------
    coupon_rate, face_value, maturity_years, coupon_frequency, end_years : array_like
        As :func:`cash_flow_schedule`.
    curves : ScenarioCurves
        Covering the longest maturity.
    interpolation : {"linear_spot", "loglinear_discount"}

    Returns
    -------
    (pv_base, delta_up, delta_down) : tuple of numpy.ndarray, shape (n,)
        CNY.
    """
    coupon, face, maturity, frequency, end = _asset_arrays(
        coupon_rate, face_value, maturity_years, coupon_frequency, end_years
    )
    n = len(maturity)
    if n and float(maturity.max()) > curves.horizon + 1e-9:
        raise ValueError(f"a maturity runs beyond the curves' {curves.horizon} years")
    out = [np.zeros(n), np.zeros(n), np.zeros(n)]
    base = np.asarray(curves.discount_base, dtype=float)
    factors = (base, curves.discount_up - base, curves.discount_down - base)
    whole = (frequency == 1) & (maturity == np.round(maturity)) & (end == maturity)
    if whole.any():
        years = maturity[whole].astype(np.int64)
        cf = coupon[whole] * face[whole]
        for o, d in zip(out, factors, strict=True):
            o[whole] = cf * np.cumsum(d)[years - 1] + face[whole] * d[years - 1]
    rest = np.flatnonzero(~whole)
    if rest.size:
        m, f, e = maturity[rest], frequency[rest], end[rest]
        # coupon dates o + j / f, j = 0 .. K - 1: o the first date (> 0), K those up to e
        last_k = np.ceil(m * f - 1e-9).astype(np.int64) - 1  # largest k with m - k/f > 0
        first = (m * f - last_k) / f
        n_coupons = np.maximum(np.floor((e - first) * f + 1e-9).astype(np.int64) + 1, 0)
        # positions sharing (first date, frequency) share one grid of dates: sum its discount
        # factors once (a book has few distinct first dates; at worst one grid per position,
        # no more dates than the positions' own coupons)
        key = np.stack([np.rint(first * 1e9).astype(np.int64), f.astype(np.int64)], axis=1)
        _, rep, group = np.unique(key, axis=0, return_index=True, return_inverse=True)
        group = group.ravel()
        span = np.zeros(len(rep), dtype=np.int64)
        np.maximum.at(span, group, n_coupons)
        start = np.cumsum(span) - span
        g_of = np.repeat(np.arange(len(rep)), span)
        j = np.arange(int(span.sum())) - start[g_of]
        t = first[rep][g_of] + j / f[rep][g_of]
        amount = coupon[rest] * face[rest] / f
        has = n_coupons > 0
        at = start[group] + n_coupons - 1  # index of a position's last coupon on its grid
        d_e = discount_at(curves, e, "base", interpolation=interpolation)
        d_t = discount_at(curves, t, "base", interpolation=interpolation)
        pieces = [(d_t, d_e)]
        for scenario in ("up", "down"):
            pieces.append(
                (
                    discount_at(curves, t, scenario, interpolation=interpolation) - d_t,
                    discount_at(curves, e, scenario, interpolation=interpolation) - d_e,
                )
            )
        for o, (dt_, de_) in zip(out, pieces, strict=True):
            running = np.concatenate([[0.0], np.cumsum(dt_)])
            annuity = np.where(has, running[np.where(has, at, 0) + 1] - running[start[group]], 0.0)
            o[rest] = amount * annuity + face[rest] * de_
    return out[0], out[1], out[2]


def signed(result: LifeInterestRate, sign: ArrayLike) -> LifeInterestRate:
    """``result`` with each asset's cash flows multiplied by ``sign`` (+1 / -1): an asset that
    pays out (a swap paying fixed, a short treasury future) has the negative present value and
    deltas of the same flows received; capital, binding scenario and contributions follow.

    Parameters
    ----------
    result : LifeInterestRate
        Of the assets' flows as received.
    sign : array_like, shape (n,)
        +1 or -1 per asset.
    """
    s = np.asarray(sign, dtype=float)
    if not (s < 0).any():
        return result
    return _combine(
        s * result.asset_pv_base,
        s * result.asset_delta_up,
        s * result.asset_delta_down,
        result.liability_pv_base,
        result.liability_delta_up,
        result.liability_delta_down,
        result.combine,
    )


def evaluate_assets(
    coupon_rate: ArrayLike,
    face_value: ArrayLike,
    maturity_years: ArrayLike,
    liability_outflows: ArrayLike,
    curves: ScenarioCurves,
    coupon_frequency: ArrayLike = 1,
    end_years: ArrayLike | None = None,
    *,
    interpolation: Interpolation = "linear_spot",
    combine: Combine = "worse_of_up_down",
) -> LifeInterestRate:
    """:func:`evaluate` of fixed-coupon assets given by their terms (:func:`asset_values`).

    Parameters
    ----------
    coupon_rate, face_value, maturity_years, coupon_frequency, end_years : array_like
        As :func:`cash_flow_schedule`.
    liability_outflows : array_like, shape (H_l,)
        Year-end liability net outflows, CNY.
    curves : ScenarioCurves
    interpolation : {"linear_spot", "loglinear_discount"}
    combine : {"worse_of_up_down"}

    Returns
    -------
    LifeInterestRate
    """
    _check_option("combine", combine, _COMBINE_VALUES)
    _check_option("interpolation", interpolation, _INTERPOLATION_VALUES)
    liabilities = np.asarray(liability_outflows, dtype=float)
    if liabilities.ndim != 1 or not np.all(np.isfinite(liabilities)):
        raise ValueError("liability_outflows must be finite, shape (years,)")
    if liabilities.shape[0] > curves.horizon:
        raise ValueError(
            f"cash flows run {liabilities.shape[0]} years but the curves cover "
            f"{curves.horizon}; build the curves with scenario_horizon()"
        )
    pv, up, down = asset_values(
        coupon_rate,
        face_value,
        maturity_years,
        curves,
        coupon_frequency,
        end_years,
        interpolation=interpolation,
    )
    hl = liabilities.shape[0]
    base = curves.discount_base[:hl]
    return _combine(
        pv,
        up,
        down,
        float(liabilities @ base),
        float(liabilities @ (curves.discount_up[:hl] - base)),
        float(liabilities @ (curves.discount_down[:hl] - base)),
        combine,
    )
