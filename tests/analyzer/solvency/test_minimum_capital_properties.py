"""Properties of the one minimum-capital formula and the one correlation aggregation
(:mod:`analyzer.solvency.aggregation`), at random points.

* ``minimum_capital`` gives for a cvxpy expression the same number it gives for numpy input
  (the optimiser states its capital bound with the function the engine evaluates);
* ``diversified_for`` is its inverse, both ways round, for either base of control risk;
* a batch is the scalar calls, bit for bit;
* ``sqrt(v' M v)`` of :func:`~analyzer.solvency.aggregation.quad` and ``pair`` is the norm
  ``||L' v||`` of the optimiser's cones (``L = psd_root(M)``), in numpy and in cvxpy, for
  every correlation matrix of every regime.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

from analyzer.solvency import aggregation
from analyzer.solvency.regime import load_regime

REGIMES = ("cross2-2022", "cross2-2023-09", "cross2-2025-12")
BASES = ("after_size", "before_size")
N = 200


def draws(seed: int, n: int = N) -> dict[str, np.ndarray]:
    """Random inputs in the ranges the rules give: MC* and LA in CNY (LA below MC*), k one
    of 金规〔2023〕5号 一's coefficients, Q of Rule 12 Art. 120 between -0.2 and +0.4,
    additional capital >= 0."""
    rng = np.random.default_rng(seed)
    mc_star = 10 ** rng.uniform(6, 11, n)
    return {
        "mc_star": mc_star,
        "la": mc_star * rng.uniform(0.0, 0.5, n),
        "k": rng.choice([0.0, -0.05, -0.10], n),
        "q": rng.uniform(-0.2, 0.4, n),
        "additional": 10 ** rng.uniform(0, 9, n) * (rng.random(n) < 0.7),
    }


def plain(mc_star, la, k, q, additional, base):
    """(1 + Q)(1 + k)(MC* - LA) + additional (Q on the capital after the size coefficient),
    (1 + k + Q)(MC* - LA) + additional (before it): Rule 2, Rule 12 Art. 120."""
    mult = (1 + q) * (1 + k) if base == "after_size" else 1 + k + q
    return mult * (mc_star - la) + additional


@pytest.mark.parametrize("base", BASES)
def test_numpy_value_equals_the_cvxpy_expression_value(base):
    """As the optimiser uses it: k and Q numbers, LA and additional capital scaled by the
    Charnes-Cooper variable (here Parameters), MC* a variable."""
    d = draws(1)
    z = cp.Variable()
    la, add = cp.Parameter(), cp.Parameter()
    for i in range(N):
        k, q = float(d["k"][i]), float(d["q"][i])
        expr = aggregation.minimum_capital(z, la, k, q, add, control_base=base)
        assert isinstance(expr, cp.Expression)
        assert expr.is_affine() and expr.is_dcp(dpp=True)
        z.value = np.array(d["mc_star"][i])
        la.value, add.value = d["la"][i], d["additional"][i]
        number = aggregation.minimum_capital(
            d["mc_star"][i], d["la"][i], k, q, d["additional"][i], control_base=base
        )
        assert float(expr.value) == pytest.approx(float(number), rel=1e-12)
        want = plain(d["mc_star"][i], d["la"][i], k, q, d["additional"][i], base)
        assert float(number) == pytest.approx(want, rel=1e-12)


def test_the_control_amount_gives_the_same_in_numpy_and_cvxpy():
    """The top-down form: control-risk capital as an amount (the quarterly summaries)."""
    d = draws(2)
    control = d["mc_star"] * np.random.default_rng(3).uniform(-0.02, 0.05, N)
    z = cp.Variable(N)
    expr = aggregation.minimum_capital(
        z, d["la"], d["k"], additional=d["additional"], control=control
    )
    z.value = d["mc_star"]
    number = aggregation.minimum_capital(
        d["mc_star"], d["la"], d["k"], additional=d["additional"], control=control
    )
    assert np.allclose(expr.value, number, rtol=1e-12, atol=0)
    assert np.allclose(
        number, (1 + d["k"]) * (d["mc_star"] - d["la"]) + control + d["additional"], rtol=1e-12
    )


@pytest.mark.parametrize("base", BASES)
def test_a_vector_variable_with_a_coefficient_per_entry(base):
    """k and Q arrays with a cvxpy vector: elementwise, as for numpy (cvxpy alone would
    read ``expression * array`` as an inner product)."""
    d = draws(9)
    z = cp.Variable(N)
    args = (d["la"], d["k"], d["q"], d["additional"])
    expr = aggregation.minimum_capital(z, *args, control_base=base)
    assert expr.shape == (N,) and expr.is_affine()
    z.value = d["mc_star"]
    number = aggregation.minimum_capital(d["mc_star"], *args, control_base=base)
    assert np.allclose(expr.value, number, rtol=1e-12, atol=0)
    assert np.allclose(number, plain(d["mc_star"], *args, base), rtol=1e-12, atol=0)


def test_a_scalar_variable_broadcasts_and_a_mismatch_is_refused():
    d = draws(10, 5)
    z = cp.Variable()
    expr = aggregation.minimum_capital(z, d["la"], d["k"], d["q"], d["additional"])
    assert expr.shape == (5,)
    z.value = np.array(3.0e9)
    want = aggregation.minimum_capital(np.full(5, 3.0e9), d["la"], d["k"], d["q"], d["additional"])
    assert np.allclose(expr.value, want, rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match="elementwise product"):
        aggregation.minimum_capital(cp.Variable(4), 0.0, d["k"])
    with pytest.raises(ValueError, match="elementwise product"):
        aggregation.minimum_capital(cp.Variable((5, 2)), 0.0, d["k"])


@pytest.mark.parametrize("base", BASES)
def test_the_inverse_both_ways(base):
    d = draws(4)
    args = (d["la"], d["k"], d["q"], d["additional"])
    mc = aggregation.minimum_capital(d["mc_star"], *args, control_base=base)
    back = aggregation.diversified_for(mc, *args, control_base=base)
    assert np.allclose(back, d["mc_star"], rtol=1e-10, atol=0)
    # and the other way: the MC* of a random minimum capital has that minimum capital
    target = 10 ** np.random.default_rng(5).uniform(6, 11, N)
    there = aggregation.diversified_for(target, *args, control_base=base)
    assert np.allclose(
        aggregation.minimum_capital(there, *args, control_base=base), target, rtol=1e-10
    )
    # the inverse is the largest MC* at or below the minimum capital (the multiplier > 0)
    assert (aggregation.capital_multiplier(d["k"], d["q"], base) > 0).all()
    above = aggregation.minimum_capital(
        there + 1e-6 * np.abs(there) + 1.0, *args, control_base=base
    )
    assert (above > target).all()


@pytest.mark.parametrize("base", BASES)
def test_constants_methods_are_the_functions(base):
    d = draws(6, 20)
    for i in range(20):
        c = aggregation.Constants(
            0.0, 0.0, d["la"][i], d["k"][i], d["q"][i], d["additional"][i], base
        )
        m = aggregation.minimum_capital(
            d["mc_star"][i], d["la"][i], d["k"][i], d["q"][i], d["additional"][i], control_base=base
        )
        assert c.minimum_capital(d["mc_star"][i]) == m
        assert c.diversified_for(m) == aggregation.diversified_for(
            m, d["la"][i], d["k"][i], d["q"][i], d["additional"][i], base
        )
        assert c.multiplier == aggregation.capital_multiplier(d["k"][i], d["q"][i], base)


def test_a_batch_is_the_scalar_calls_bit_for_bit():
    d = draws(7, 50)
    batch = aggregation.minimum_capital(d["mc_star"], d["la"], d["k"], d["q"], d["additional"])
    one = [
        aggregation.minimum_capital(
            d["mc_star"][i], d["la"][i], d["k"][i], d["q"][i], d["additional"][i]
        )
        for i in range(50)
    ]
    assert np.array_equal(batch, np.array(one))


# -- sqrt(v' M v): numpy and the cones -------------------------------------------------------
def regime_matrices():
    out = []
    for name in REGIMES:
        regime = load_regime(name)
        for company_type in ("life", "pc", "reinsurer"):
            mats = aggregation.matrices(regime, company_type)
            out.append((f"{name}/{company_type}/top", mats.top))
            out.append((f"{name}/{company_type}/market", mats.market))
            for rho in (mats.rho_overseas_fi, mats.rho_overseas_eq, mats.rho_credit):
                out.append((f"{name}/{company_type}/pair {rho}", np.array([[1, rho], [rho, 1.0]])))
    return out


@pytest.mark.parametrize(("label", "matrix"), regime_matrices(), ids=lambda x: str(x)[:40])
def test_the_cone_norm_is_the_quadratic_form(label, matrix):
    root = aggregation.psd_root(matrix)
    assert np.allclose(root @ root.T, matrix, atol=1e-12), label
    rng = np.random.default_rng(8)
    v = rng.uniform(0.0, 1e9, (N, len(matrix)))  # capital amounts are >= 0 (CNY)
    numpy_value = aggregation.quad(v, matrix)
    assert np.allclose(np.linalg.norm(v @ root, axis=-1), numpy_value, rtol=1e-12)
    if len(matrix) == 2:
        assert np.allclose(
            aggregation.pair(v[:, 0], v[:, 1], matrix[0, 1]), numpy_value, rtol=1e-12
        )
    x = cp.Variable(len(matrix))
    cone = cp.norm(root.T @ x, 2)
    for row in v[:20]:
        x.value = row
        assert float(cone.value) == pytest.approx(float(aggregation.quad(row, matrix)), rel=1e-12)


def test_psd_root_of_a_singular_matrix():
    """Identical classes (rho = 1): no Cholesky, but a root that reproduces the matrix."""
    m = np.array([[1.0, 1.0, 0.3], [1.0, 1.0, 0.3], [0.3, 0.3, 1.0]])
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(m)
    root = aggregation.psd_root(m)
    assert np.allclose(root @ root.T, m, atol=1e-12)
    # sqrt(v' M v) of (a, b, 0) is a + b for perfectly correlated a and b
    assert float(np.linalg.norm(np.array([3.0, 4.0, 0.0]) @ root)) == pytest.approx(7.0, rel=1e-12)
