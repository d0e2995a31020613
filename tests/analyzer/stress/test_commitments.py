"""Takahashi-Alexander projection of VC commitments (Takahashi & Alexander 2002)."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.errors import ParameterError
from analyzer.stress.commitments import TakahashiAlexander, fund_cash_flows, project_commitments


def test_first_two_years_by_hand():
    """CC = 100, RC = 25%, 33.3%, 50%, 100%; L = 12, B = 2.5, G = 10%.

    Year 1: C = 25, D = (1/12)^2.5 x 0 = 0, NAV = 25.
    Year 2: C = (100 - 25) / 3 = 25, D = (2/12)^2.5 x 25 x 1.1 = 0.311856...,
    NAV = 27.5 + 25 - D.
    """
    c, d, v = fund_cash_flows(100.0, TakahashiAlexander(), 2)
    assert c == pytest.approx([25.0, 25.0])
    d2 = (2 / 12) ** 2.5 * 27.5
    assert d == pytest.approx([0.0, d2])
    assert v == pytest.approx([25.0, 52.5 - d2])


def test_programme_conservation():
    """All commitments are called within the contribution schedule and the NAV is fully
    distributed at the end of the fund life."""
    p = project_commitments({1: 1e9, 3: 5e8}, horizon=20)
    assert p.calls.sum() == pytest.approx(1.5e9)
    assert p.nav[-1] == pytest.approx(0.0, abs=1e-3)
    assert np.all(p.unfunded >= -1e-6)
    assert p.capital == pytest.approx(p.nav * 0.44)
    assert p.net_cash_flow == pytest.approx(p.distributions - p.calls)


def test_bad_parameters():
    with pytest.raises(ParameterError):
        TakahashiAlexander(lifetime=0)
    with pytest.raises(ParameterError):
        project_commitments({0: 1.0})


def test_vc_capital_factor_comes_from_the_engine():
    """Rule 7 Art. 14, 18; 金规〔2023〕5号 (八): a one-layer looked-through VC fund in strategic
    emerging industries carries 0.40 x (1 + 1 x 0.1) = 0.44 from 2023-09, and 0.41 x 1.1 =
    0.451 under the rules as issued (no separate 0.4 before 2023-09)."""
    from analyzer.stress.commitments import vc_capital_factor

    assert vc_capital_factor("cross2-2025-12") == pytest.approx(0.44, rel=1e-12)
    assert vc_capital_factor("cross2-2022") == pytest.approx(0.451, rel=1e-12)
    assert vc_capital_factor("cross2-2025-12", layers=2) == pytest.approx(0.48, rel=1e-12)
