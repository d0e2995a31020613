"""Frontiers (DPP, failed points kept), property tests, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.cli import main
from analyzer.errors import InfeasibleError
from analyzer.optimize import AllocationProblem, Limits, frontier

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"


def run(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=st.floats(1.0, 2.6), b=st.floats(1.0, 2.6))
def test_property_tighter_floor_never_raises_optimum(pc_universe, a, b):
    lo, hi = sorted((a, b))
    r_lo = AllocationProblem(pc_universe, "mean_variance", Limits(min_comprehensive=lo)).solve()
    try:
        r_hi = AllocationProblem(pc_universe, "mean_variance", Limits(min_comprehensive=hi)).solve()
    except InfeasibleError:
        return
    assert r_hi.objective_value <= r_lo.objective_value + 1e-9
    for r in (r_lo, r_hi):
        assert r.weights.sum() == pytest.approx(1.0, abs=1e-12)
        assert r.solvency.comprehensive_ratio >= (lo if r is r_lo else hi) * (1 - 1e-7)


@pytest.mark.slow
@pytest.mark.parametrize("axis", ["volatility", "solvency"])
def test_frontier_50_points_dpp(life_universe, axis):
    f = frontier(life_universe, Limits(min_comprehensive=1.2), points=50, axis=axis)
    assert f.is_dpp
    assert len(f.points) == 50  # failed points are kept
    ok = [p for p in f.points if p.status == "optimal"]
    assert len(ok) >= 45
    rets = [p.expected_return for p in ok]
    if axis == "volatility":
        assert all(b >= a - 1e-7 for a, b in zip(rets, rets[1:], strict=False))
        assert all(p.volatility <= p.target + 1e-6 for p in ok)
    else:
        assert all(b <= a + 1e-7 for a, b in zip(rets, rets[1:], strict=False))
        assert all(p.comprehensive_ratio >= p.target * (1 - 1e-6) for p in ok)


def test_optimize_cli_json(capsys):
    code, out, err = run(
        [
            "optimize",
            str(DATA / "pc" / "holdings.csv"),
            "--company",
            str(DATA / "pc" / "company.toml"),
            "--assumptions",
            str(DATA / "assumptions.csv"),
            "--min-comprehensive",
            "1.5",
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["status"] == "optimal" and d["objective"] == "max_return"
    assert sum(d["weights"].values()) == pytest.approx(1.0)
    assert d["solvency"]["comprehensive_ratio"] >= 1.5 * (1 - 1e-7)
    assert {"constraint", "shadow_price", "unit"} <= set(d["binding"][0])


def test_optimize_cli_table(capsys):
    code, out, _ = run(
        [
            "optimize",
            str(DATA / "life" / "holdings.csv"),
            "--company",
            str(DATA / "life" / "company.toml"),
            "--assumptions",
            str(DATA / "assumptions.csv"),
            "--objective",
            "min_volatility",
        ],
        capsys,
    )
    assert code == 0 and "allocation" in out and "comprehensive ratio" in out


def test_optimize_cli_infeasible_exit_3(capsys):
    code, out, err = run(
        [
            "optimize",
            str(DATA / "life" / "holdings.csv"),
            "--company",
            str(DATA / "life" / "company.toml"),
            "--assumptions",
            str(DATA / "assumptions.csv"),
            "--min-comprehensive",
            "3.0",
            "--min-sci-tech",
            "0.9",
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 3
    d = json.loads(out)
    assert d["status"] == "infeasible" and d["conflicts"]
    assert "sci-tech" in err


def test_optimize_cli_bad_assumptions_exit_2(tmp_path, capsys):
    text = (DATA / "assumptions.csv").read_text().replace("0.0030,true", "-0.0030,true", 1)
    (tmp_path / "assumptions.csv").write_text(text)
    code, _, err = run(
        [
            "optimize",
            str(DATA / "pc" / "holdings.csv"),
            "--company",
            str(DATA / "pc" / "company.toml"),
            "--assumptions",
            str(tmp_path / "assumptions.csv"),
            "--correlations",
            str(DATA / "correlations.csv"),
        ],
        capsys,
    )
    assert code == 2 and "volatility" in err and "row 2" in err


def test_limits_file(tmp_path, capsys):
    (tmp_path / "limits.toml").write_text(
        "[solvency]\nmin_comprehensive = 1.6\n[classes.stock_csi300]\nmin = 0.02\nmax = 0.05\n"
        "[trading]\nmax_turnover = 0.3\ntransaction_cost_bp = 5\n"
    )
    code, out, err = run(
        [
            "optimize",
            str(DATA / "pc" / "holdings.csv"),
            "--company",
            str(DATA / "pc" / "company.toml"),
            "--assumptions",
            str(DATA / "assumptions.csv"),
            "--limits",
            str(tmp_path / "limits.toml"),
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out)
    assert 0.02 - 1e-7 <= d["weights"]["stock_csi300"] <= 0.05 + 1e-7
    assert d["solvency"]["comprehensive_ratio"] >= 1.6 * (1 - 1e-7)
    (tmp_path / "bad.toml").write_text("[classes.stock_csi300]\nmin = 0.2\nmax = 0.1\n")
    code, _, err = run(
        [
            "optimize",
            str(DATA / "pc" / "holdings.csv"),
            "--company",
            str(DATA / "pc" / "company.toml"),
            "--assumptions",
            str(DATA / "assumptions.csv"),
            "--limits",
            str(tmp_path / "bad.toml"),
        ],
        capsys,
    )
    assert code == 2 and "exceeds max" in err


@pytest.mark.slow
def test_frontier_cli_json(capsys):
    code, out, err = run(
        [
            "frontier",
            str(DATA / "pc" / "holdings.csv"),
            "--company",
            str(DATA / "pc" / "company.toml"),
            "--assumptions",
            str(DATA / "assumptions.csv"),
            "--points",
            "10",
            "--axis",
            "solvency",
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["axis"] == "solvency" and len(d["points"]) == 10 and d["is_dpp"]
    assert np.all([p["status"] for p in d["points"]])


@pytest.mark.parametrize(
    ("command", "option", "value", "says"),
    [
        ("optimize", "--min-core", "nan", "--min-core: 'nan' is not a finite number"),
        ("optimize", "--min-comprehensive", "inf", "--min-comprehensive: 'inf' is not a finite"),
        ("optimize", "--max-turnover", "nan", "--max-turnover: 'nan' is not a finite number"),
        ("optimize", "--max-turnover", "-5", "--max-turnover: must be between 0 and 2, found -5"),
        ("optimize", "--min-sci-tech", "1.5", "--min-sci-tech: must be a fraction between 0 and 1"),
        ("optimize", "--target-return", "nan", "--target-return: 'nan' is not a finite number"),
        ("optimize", "--min-core", "150", "--min-core: 150 reads as a ratio of 15000%"),
        (
            "frontier",
            "--max-turnover",
            "-0.1",
            "--max-turnover: must be between 0 and 2, found -0.1",
        ),
    ],
)
def test_a_limit_option_that_is_not_a_finite_number_in_range_is_refused(
    command, option, value, says, capsys
):
    """``nan``, ``inf`` or a negative turnover used to reach the solver (a traceback, or an
    "infeasible" explanation of a limit no one can mean): now one line naming the option,
    with the limits file's own check of the same key (the ranges are those of docs/formats.md
    section 11: turnover 0-2, shares 0-1)."""
    args = [command, str(DATA / "life" / "holdings.csv"), "--company"]
    args += [str(DATA / "life" / "company.toml"), "--assumptions", str(DATA / "assumptions.csv")]
    code, out, err = run([*args, option, value], capsys)
    assert code == 2
    assert says in err and "Traceback" not in err
    assert out == ""
