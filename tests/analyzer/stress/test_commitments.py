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


# ----------------------------------------------------------------------------------------------
# The plan file and the calendar-year bug: a plan written in calendar years (2026, ...) used to
# give an all-zero table, since every year lay beyond the horizon and was skipped in silence.
# ----------------------------------------------------------------------------------------------

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]


def test_calendar_years_are_refused_not_dropped():
    with pytest.raises(ParameterError, match="calendar year"):
        project_commitments({2026: 1e9, 2027: 1e9}, horizon=15, capital_factor=0.44)


def test_year_beyond_the_horizon_is_refused_not_dropped():
    with pytest.raises(ParameterError, match="beyond the projection horizon"):
        project_commitments({3: 1e9, 20: 1e9}, horizon=15, capital_factor=0.44)


def _plan(tmp_path, body):
    path = tmp_path / "plan.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_read_commitments_adds_rows_of_a_year(tmp_path):
    from analyzer.stress.commitments import read_commitments

    plan = read_commitments(_plan(tmp_path, "year,commitment\n1,1e9\n2,5e8\n1,2.5e8\n"))
    assert plan == {1: 1.25e9, 2: 5e8}


@pytest.mark.parametrize(
    ("body", "row", "column", "words"),
    [
        ("year,commitment\n1,1e9\n2026,1e9\n", 3, "year", "calendar year"),
        ("year,commitment\n1.5,1e9\n", 2, "year", "whole number"),
        ("year,commitment\n0,1e9\n", 2, "year", "whole number"),
        ("year,commitment\n1,inf\n", 2, "commitment", "not an amount"),
        ('year,commitment\n1,"1,000"\n', 2, "commitment", "thousands"),
        ("year,commitment\n1,-5\n", 2, "commitment", ">= 0"),
        ("year,commitment\n1,2\n", 2, "commitment", "亿元"),
        ("year,commitment\n16,1e9\n", 2, "year", "beyond the projection horizon"),
        ("year,commitments\n1,1e9\n", None, "commitments", "did you mean 'commitment'"),
    ],
)
def test_read_commitments_refuses_with_row(tmp_path, body, row, column, words):
    from analyzer.errors import InputError
    from analyzer.stress.commitments import read_commitments

    with pytest.raises(InputError) as err:
        read_commitments(_plan(tmp_path, body), horizon=15)
    p = next(p for p in err.value.problems if p.column == column)
    assert p.row == row and words in p.message and p.message_zh


def test_simulate_with_calendar_years_exits_2(tmp_path, capsys):
    """``analyzer simulate --commitments`` printed an all-zero table for calendar years."""
    from analyzer.cli import main

    plan = _plan(tmp_path, "year,commitment\n2026,1e9\n2027,1e9\n")
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "simulate",
                str(ROOT / "data" / "life" / "holdings.csv"),
                "-c",
                str(ROOT / "data" / "life" / "company.toml"),
                "--commitments",
                str(plan),
                "--horizon",
                "5",
                "--format",
                "json",
            ]
        )
    assert exc.value.code == 2
    assert "calendar year" in capsys.readouterr().err
