"""Actual capital with the tier limits of Rule 1 Art. 41.

Supplementary capital <= 100% of core capital; future surplus counted in core <= 35% (40% from
金规〔2023〕5号 二(三)); core tier 2 <= 30% of core; supplementary tier 2 <= 25% of core. The
excess of any limit is a capital-type liability (Art. 41, last paragraph): it counts in no tier.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.io.company import Capital
from analyzer.solvency.regime import Regime


@dataclass(frozen=True)
class AdmittedCapital:
    """Capital by tier after the limits (CNY)."""

    core_tier1: float
    core_tier2: float
    supplementary_tier1: float
    supplementary_tier2: float
    excluded: float  # sum cut by the limits (capital-type liability)

    @property
    def core(self) -> float:
        """Core capital (核心资本)."""
        return self.core_tier1 + self.core_tier2

    @property
    def actual(self) -> float:
        """Actual capital (实际资本) = core + supplementary."""
        return self.core + self.supplementary_tier1 + self.supplementary_tier2


def admitted_capital(capital: Capital, regime: Regime, core_tier1_change: float = 0.0
                     ) -> AdmittedCapital:
    """Apply the Art. 41 limits.

    Parameters
    ----------
    capital : capital by tier before limits, CNY
    regime : gives the limit shares
    core_tier1_change : a gain or loss (CNY) added to core tier 1 first (stress tests)
    """
    t = regime.table("capital", "tier_limits")
    s_fs = t["future_surplus_max_share_of_core"]
    s_c2 = t["core_tier2_max_share_of_core"]
    c1 = capital.core_tier1 + core_tier1_change
    fs_total = min(capital.future_surplus_in_core, max(c1, 0.0))
    base = c1 - fs_total  # core tier 1 other than future surplus
    core, fs, c2 = _core_fixed_point(base, fs_total, capital.core_tier2, s_fs, s_c2)
    s2 = min(capital.supplementary_tier2,
             t["supplementary_tier2_max_share_of_core"] * max(core, 0.0))
    s1 = capital.supplementary_tier1
    supp_cap = t["supplementary_max_share_of_core"] * max(core, 0.0)
    if s1 + s2 > supp_cap:  # cut tier 2 first, then tier 1
        cut = s1 + s2 - supp_cap
        cut_s2 = min(cut, s2)
        s2 -= cut_s2
        s1 -= cut - cut_s2
    given = c1 + capital.core_tier2 + capital.supplementary_tier1 + capital.supplementary_tier2
    return AdmittedCapital(base + fs, c2, s1, s2, given - (base + fs + c2 + s1 + s2))


def _core_fixed_point(base: float, fs: float, c2: float, s_fs: float, s_c2: float
                      ) -> tuple[float, float, float]:
    """Core K = base + min(fs, s_fs K) + min(c2, s_c2 K): solve the four linear cases."""
    if base <= 0:
        return base, 0.0, 0.0
    cases = (
        (base + fs + c2, False, False),
        ((base + c2) / (1 - s_fs), True, False),
        ((base + fs) / (1 - s_c2), False, True),
        (base / (1 - s_fs - s_c2), True, True),
    )
    eps = 1e-9 * (base + fs + c2)
    for core, fs_cut, c2_cut in cases:
        f = s_fs * core if fs_cut else fs
        b = s_c2 * core if c2_cut else c2
        if f <= fs + eps and f <= s_fs * core + eps and b <= c2 + eps and b <= s_c2 * core + eps:
            return core, f, b
    raise AssertionError("no consistent tier split")  # unreachable: g is a contraction
