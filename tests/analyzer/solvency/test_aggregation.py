"""Aggregation (Rule 8 Art. 47, 53, 69-70; Rule 9 Art. 43; Rule 2 Art. 15-18;
Rule 12 Art. 120; 金规〔2023〕5号 一).

The matrices are typed here from the articles and the expected values computed with plain
Python loops (sum_ij v_i M_ij v_j), independent of the engine's numpy code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analyzer.solvency import aggregation
from analyzer.solvency.charges import SUBMODULES
from analyzer.solvency.regime import load_regime

# Rule 8 Art. 70: (IR, EQ, RE, OS_FI, OS_EQ, FX)
MARKET = [
    [1, -0.14, -0.18, 0, -0.16, 0.07],
    [-0.14, 1, 0.22, 0.06, 0.50, 0.04],
    [-0.18, 0.22, 1, 0.18, 0.19, -0.14],
    [0, 0.06, 0.18, 1, 0.04, -0.01],
    [-0.16, 0.50, 0.19, 0.04, 1, -0.19],
    [0.07, 0.04, -0.14, -0.01, -0.19, 1],
]
# Rule 2 Art. 16 (P&C: nonlife, market, credit), Art. 17 (life), Art. 18 (reinsurer):
# (life, nonlife, market, credit)
PC = [[1, 0.10, 0.15], [0.10, 1, 0.27], [0.15, 0.27, 1]]
LIFE = [[1, 0.20, 0.30, 0.15], [0.20, 1, 0.10, 0.10], [0.30, 0.10, 1, 0.35], [0.15, 0.10, 0.35, 1]]
REINSURER = [
    [1, 0.10, 0.30, 0.15],
    [0.10, 1, 0.10, 0.15],
    [0.30, 0.10, 1, 0.27],
    [0.15, 0.15, 0.27, 1],
]


def quad(v, m) -> float:
    return math.sqrt(sum(v[i] * m[i][j] * v[j] for i in range(len(v)) for j in range(len(v))))


def pair(a, b, rho) -> float:
    return math.sqrt(a * a + 2 * rho * a * b + b * b)


# sub-module vector (order of charges.SUBMODULES)
S = dict(
    interest_rate=100.0,
    equity=200.0,
    real_estate=50.0,
    overseas_fixed_income_developed=30.0,
    overseas_fixed_income_emerging=40.0,
    overseas_equity_developed=60.0,
    overseas_equity_emerging=20.0,
    fx=10.0,
    spread=80.0,
    default=60.0,
)


def vec(d=S) -> np.ndarray:
    return np.array([d[n] for n in SUBMODULES])


def consts(**kw) -> aggregation.Constants:
    base = dict(
        life_insurance=0.0,
        nonlife_insurance=0.0,
        loss_absorption=0.0,
        size_coefficient=0.0,
        control_q=0.0,
        additional=0.0,
    )
    base.update(kw)
    return aggregation.Constants(**base)


def test_matrices_typed_from_the_rules():
    """Every matrix of the regime equals the article's (Art. 70; Rule 2 Art. 16-18)."""
    for company_type, top in (("life", LIFE), ("reinsurer", REINSURER)):
        m = aggregation.matrices(load_regime(), company_type)
        assert np.array_equal(m.market, np.array(MARKET, dtype=float))
        assert np.array_equal(m.top, np.array(top, dtype=float))
    m = aggregation.matrices(load_regime(), "pc")
    assert np.array_equal(m.top[1:, 1:], np.array(PC, dtype=float))
    assert (m.rho_overseas_fi, m.rho_overseas_eq, m.rho_credit) == (0.1365, 0.375, 0.25)


def test_overseas_pairs():
    """Art. 47: OS_FI = sqrt(30^2 + 2 x 0.1365 x 30 x 40 + 40^2) = sqrt(2827.6);
    Art. 53: OS_EQ = sqrt(60^2 + 2 x 0.375 x 60 x 20 + 20^2) = sqrt(4900) = 70."""
    agg = aggregation.aggregate(vec(), consts(), aggregation.matrices(load_regime(), "pc"))
    assert agg.market_vector[3] == pytest.approx(math.sqrt(2827.6), rel=1e-12)
    assert agg.market_vector[4] == pytest.approx(70.0, rel=1e-12)


def test_market_and_credit():
    """Art. 69: sqrt(v M v') with v = (100, 200, 50, sqrt(2827.6), 70, 10);
    Rule 9 Art. 43: sqrt(80^2 + 2 x 0.25 x 80 x 60 + 60^2) = sqrt(12400)."""
    v = [100, 200, 50, math.sqrt(2827.6), 70, 10]
    agg = aggregation.aggregate(vec(), consts(), aggregation.matrices(load_regime(), "pc"))
    assert float(agg.market) == pytest.approx(quad(v, MARKET), rel=1e-12)
    assert float(agg.credit) == pytest.approx(math.sqrt(12400.0), rel=1e-12)


@pytest.mark.parametrize(
    ("company_type", "life", "nonlife"),
    [
        ("pc", 0.0, 300.0),
        ("life", 500.0, 40.0),
        ("reinsurer", 150.0, 250.0),
    ],
)
def test_top_level_per_company_type(company_type, life, nonlife):
    """Rule 2 Art. 15-18: MC* = sqrt(u M u') with u = (life, nonlife, market, credit) and the
    matrix of the company type (P&C: no life entry)."""
    v = [100, 200, 50, math.sqrt(2827.6), 70, 10]
    market, credit = quad(v, MARKET), math.sqrt(12400.0)
    if company_type == "pc":
        expected = quad([nonlife, market, credit], PC)
    else:
        expected = quad(
            [life, nonlife, market, credit], LIFE if company_type == "life" else REINSURER
        )
    agg = aggregation.aggregate(
        vec(),
        consts(life_insurance=life, nonlife_insurance=nonlife),
        aggregation.matrices(load_regime(), company_type),
    )
    assert float(agg.diversified) == pytest.approx(expected, rel=1e-12)
    assert float(agg.minimum_capital) == pytest.approx(expected, rel=1e-12)
    assert float(agg.undiversified) == pytest.approx(life + nonlife + market + credit)


def test_full_chain_la_size_control_additional():
    """Rule 2 Art. 15: MC* - LA; 金规〔2023〕5号 一: x (1 + k_size); Rule 12 Art. 120:
    control = Q x quantifiable; Rule 2 Art. 5: + additional.
    life, LA = 30, k = -0.05, Q = 0.05 (S = 70), additional = 12:
    minimum = (MC* - 30) x 0.95 x 1.05 + 12."""
    v = [100, 200, 50, math.sqrt(2827.6), 70, 10]
    mc = quad([500, 40, quad(v, MARKET), math.sqrt(12400.0)], LIFE)
    c = consts(
        life_insurance=500.0,
        nonlife_insurance=40.0,
        loss_absorption=30.0,
        size_coefficient=-0.05,
        control_q=0.05,
        additional=12.0,
    )
    agg = aggregation.aggregate(vec(), c, aggregation.matrices(load_regime(), "life"))
    q = (mc - 30) * 0.95
    assert float(agg.quantifiable) == pytest.approx(q, rel=1e-12)
    assert float(agg.control) == pytest.approx(0.05 * q, rel=1e-12)
    assert float(agg.minimum_capital) == pytest.approx(q * 1.05 + 12, rel=1e-12)


@pytest.mark.parametrize(
    ("score", "q"),
    [
        (0, 0.75),
        (50, 0.25),
        (70, 0.05),
        (75, 0.025),
        (80, 0.0),
        (90, -0.05),
        (95, -0.1),
        (100, -0.15),
    ],
)
def test_control_q(score, q):
    """Rule 12 Art. 120: Q = -0.01 S + 0.75 (0-70), -0.005 S + 0.4 (70-90), -0.01 S + 0.85
    (90-100); continuous at 70 (0.05) and 90 (-0.05)."""
    assert aggregation.control_q(score, load_regime()) == pytest.approx(q, abs=1e-12)


@pytest.mark.parametrize(
    ("regime", "company_type", "total", "k"),
    [
        ("cross2-2022", "pc", 5e9, 0.0),
        ("cross2-2022", "life", 1e13, 0.0),
        # P&C / reinsurer: < 100亿 -0.10; 100亿 (以上) .. 2000亿 (以下, inclusive) -0.05; above 0
        ("cross2-2023-09", "pc", 9.99e9, -0.10),
        ("cross2-2023-09", "pc", 1e10, -0.05),
        ("cross2-2023-09", "pc", 2e11, -0.05),
        ("cross2-2023-09", "pc", 2.0001e11, 0.0),
        ("cross2-2025-12", "reinsurer", 9.99e9, -0.10),
        ("cross2-2025-12", "reinsurer", 1e10, -0.05),
        ("cross2-2025-12", "reinsurer", 2e11, -0.05),
        ("cross2-2025-12", "reinsurer", 3e11, 0.0),
        # life: < 500亿 -0.10; 500亿 .. 5000亿 -0.05; above 0
        ("cross2-2025-12", "life", 4.99e10, -0.10),
        ("cross2-2025-12", "life", 5e10, -0.05),
        ("cross2-2025-12", "life", 5e11, -0.05),
        ("cross2-2025-12", "life", 5.0001e11, 0.0),
    ],
)
def test_size_coefficient(regime, company_type, total, k):
    """金规〔2023〕5号 一(一)(二); 以上/以下 include the number (民法典 Art. 1259): 2000亿 / 5000亿
    themselves are in the 95% band; 100亿 / 500亿 (named by both bands) read as 95%."""
    assert aggregation.size_coefficient(total, company_type, load_regime(regime)) == k


def test_batched_equals_single():
    """Batched aggregation: a (3, 10) array gives the three single results."""
    m = aggregation.matrices(load_regime(), "life")
    c = consts(life_insurance=500.0)
    batch = np.stack([vec(), 2 * vec(), np.zeros(10)])
    agg = aggregation.aggregate(batch, c, m)
    for i in range(3):
        assert agg.minimum_capital[i] == pytest.approx(
            float(aggregation.aggregate(batch[i], c, m).minimum_capital), rel=1e-12
        )


def test_gradient_matches_finite_differences():
    """Euler gradient of minimum capital per sub-module against central differences."""
    m = aggregation.matrices(load_regime(), "life")
    c = consts(
        life_insurance=500.0,
        nonlife_insurance=40.0,
        loss_absorption=10.0,
        size_coefficient=-0.05,
        control_q=0.02,
        additional=3.0,
    )
    s = vec()
    grad = aggregation.aggregate(s, c, m, gradient=True).gradient
    for i in range(len(s)):
        h = 1e-4
        up, dn = s.copy(), s.copy()
        up[i] += h
        dn[i] -= h
        fd = (
            float(aggregation.aggregate(up, c, m).minimum_capital)
            - float(aggregation.aggregate(dn, c, m).minimum_capital)
        ) / (2 * h)
        assert grad[i] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_end_to_end_pc(run):
    """evaluate(): P&C, non-life 1e6, one AAA bond 1e7 (D = 3): IR 561,000 (Rule 8 Art. 14),
    spread 414,000 (Rule 9 Art. 15). market = 561,000; credit = 414,000;
    MC* = sqrt(u M u'), u = (1e6, 561,000, 414,000); S = 90 -> Q = -0.05; total assets 150亿
    (2025-12 -> k = -0.05): minimum = MC* x 0.95 x 0.95."""
    r = run(
        [
            {
                "asset_type": "corporate_bond",
                "market_value": 1e7,
                "rating": "AAA",
                "modified_duration": 3.0,
            }
        ],
        total_assets=1.5e10,
        minimum_capital={"nonlife_insurance": 1e6, "sarmra_score": 90},
    )
    mc = quad([1e6, 561_000.0, 414_000.0], PC)
    assert r.market["total"] == pytest.approx(561_000.0, rel=1e-12)
    assert r.credit["total"] == pytest.approx(414_000.0, rel=1e-12)
    assert (r.size_coefficient, r.control_q) == (-0.05, pytest.approx(-0.05))
    assert r.minimum_capital == pytest.approx(mc * 0.95 * 0.95, rel=1e-12)
    assert r.diversification == pytest.approx(1e6 + 561_000 + 414_000 - mc, rel=1e-12)
