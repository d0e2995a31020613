"""Actual capital with the tier limits of Rule 1 Art. 41.

Supplementary capital <= 100% of core capital; future surplus counted in core <= 35% (40% from
金规〔2023〕5号 二(三)); core tier 2 <= 30% of core; supplementary tier 2 <= 25% of core. The
excess of any limit is a capital-type liability (Art. 41, last paragraph): it counts in no tier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzer.io.company import Capital
from analyzer.solvency.regime import Regime


@dataclass(frozen=True)
class AdmittedCapital:
    """Capital by tier after the limits (CNY); floats, or arrays of the batch shape."""

    core_tier1: float | np.ndarray
    core_tier2: float | np.ndarray
    supplementary_tier1: float | np.ndarray
    supplementary_tier2: float | np.ndarray
    excluded: float | np.ndarray  # sum cut by the limits (capital-type liability)

    @property
    def core(self) -> float | np.ndarray:
        """Core capital (核心资本)."""
        return self.core_tier1 + self.core_tier2

    @property
    def actual(self) -> float | np.ndarray:
        """Actual capital (实际资本) = core + supplementary."""
        return self.core + self.supplementary_tier1 + self.supplementary_tier2


def tier_shares(regime: Regime) -> dict[str, float]:
    """The Rule 1 Art. 41 limits as shares of core capital (fractions): ``fs`` future surplus
    counted in core, ``c2`` core tier 2, ``s2`` supplementary tier 2, ``sup`` supplementary
    capital."""
    t = regime.table("capital", "tier_limits")
    return {
        "fs": float(t["future_surplus_max_share_of_core"]),
        "c2": float(t["core_tier2_max_share_of_core"]),
        "s2": float(t["supplementary_tier2_max_share_of_core"]),
        "sup": float(t["supplementary_max_share_of_core"]),
    }


def admitted_capital(
    capital: Capital, regime: Regime, core_tier1_change: float | np.ndarray = 0.0
) -> AdmittedCapital:
    """Apply the Art. 41 limits, for one change to core tier 1 or a batch of them.

    Parameters
    ----------
    capital : capital by tier before limits, CNY
    regime : gives the limit shares
    core_tier1_change : a gain or loss (CNY) added to core tier 1 first (stress tests,
        Monte Carlo); a float gives float fields, an array gives arrays of its shape

    Notes
    -----
    Core capital solves ``K = base + min(FS, s_fs K) + min(C2, s_c2 K)`` (future surplus and
    core tier 2 capped as shares of core); the function is a contraction, so exactly one of
    its four linear cases is consistent. Supplementary tier 2 is then capped at 25% of core and
    the supplementary total at 100% of core (tier 2 cut first).
    """
    t = tier_shares(regime)
    s_fs, s_c2 = t["fs"], t["c2"]
    scalar = np.ndim(core_tier1_change) == 0
    change = np.asarray(core_tier1_change, dtype=float)
    c1 = capital.core_tier1 + change
    fs_total = np.minimum(capital.future_surplus_in_core, np.maximum(c1, 0.0))
    base = c1 - fs_total  # core tier 1 other than future surplus
    fs0, c20 = fs_total, float(capital.core_tier2)
    cases = (
        (base + fs0 + c20, False, False),
        ((base + c20) / (1 - s_fs), True, False),
        ((base + fs0) / (1 - s_c2), False, True),
        (base / (1 - s_fs - s_c2), True, True),
    )
    eps = 1e-9 * np.abs(base + fs0 + c20)
    done = base <= 0
    core = np.where(done, base, np.nan)
    fs = np.zeros(change.shape)
    c2 = np.zeros(change.shape)
    for k, fs_cut, c2_cut in cases:
        f = s_fs * k if fs_cut else fs0 + 0.0 * k
        b = s_c2 * k if c2_cut else c20 + 0.0 * k
        ok = (f <= fs0 + eps) & (f <= s_fs * k + eps) & (b <= c20 + eps) & (b <= s_c2 * k + eps)
        take = ok & ~done
        core = np.where(take, k, core)
        fs = np.where(take, f, fs)
        c2 = np.where(take, b, c2)
        done = done | take
    pos_core = np.maximum(core, 0.0)
    s2 = np.minimum(capital.supplementary_tier2, t["s2"] * pos_core)
    s1 = np.full(change.shape, float(capital.supplementary_tier1))
    cut = np.maximum(s1 + s2 - t["sup"] * pos_core, 0.0)
    cut_s2 = np.minimum(cut, s2)
    s2 = s2 - cut_s2
    s1 = s1 - (cut - cut_s2)
    given = c1 + capital.core_tier2 + capital.supplementary_tier1 + capital.supplementary_tier2
    parts = (base + fs, c2, s1, s2, given - (base + fs + c2 + s1 + s2))
    if scalar:
        parts = tuple(float(p) for p in parts)
    return AdmittedCapital(*parts)
