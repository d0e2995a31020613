"""Capital market assumptions: validation with file/row/column, PSD repair, Geltner."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io.assumptions import (
    desmoothed_volatility,
    geltner_desmooth,
    nearest_correlation,
    read_assumptions,
)


def write(tmp_path, rows, corr, classes=("a", "b", "c")):
    pd.DataFrame(rows).to_csv(tmp_path / "assumptions.csv", index=False)
    pd.DataFrame(corr, index=list(classes), columns=list(classes)).rename_axis(
        "asset_class"
    ).to_csv(tmp_path / "correlations.csv")
    return tmp_path / "assumptions.csv"


ROWS = [
    {"asset_class": "a", "expected_return": 0.02, "volatility": 0.03},
    {"asset_class": "b", "expected_return": 0.05, "volatility": 0.2},
    {"asset_class": "c", "expected_return": 0.03, "volatility": 0.1},
]
GOOD = np.array([[1, 0.2, 0.1], [0.2, 1, 0.3], [0.1, 0.3, 1.0]])


def test_reads_sample(assumptions):
    assert assumptions.n >= 30
    assert np.allclose(assumptions.correlation, assumptions.correlation.T)
    assert np.linalg.eigvalsh(assumptions.covariance).min() > -1e-12


def test_correlations_found_beside_the_file(tmp_path):
    a = read_assumptions(write(tmp_path, ROWS, GOOD))
    assert a.classes == ("a", "b", "c")
    assert a.covariance[1, 1] == pytest.approx(0.04)
    assert a.max_weight.tolist() == [1, 1, 1]


def test_negative_volatility_names_row(tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[1]["volatility"] = -0.1
    with pytest.raises(InputError) as err:
        read_assumptions(write(tmp_path, rows, GOOD))
    p = err.value.problems[0]
    assert (p.row, p.column) == (3, "volatility") and "assumptions.csv" in p.file


def test_min_above_max_and_sum_of_mins(tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[0].update(min_weight=0.5, max_weight=0.4)
    with pytest.raises(InputError, match="exceeds max_weight"):
        read_assumptions(write(tmp_path, rows, GOOD))
    rows = [dict(r, min_weight=0.4) for r in ROWS]
    with pytest.raises(InputError, match="add up to 1.2"):
        read_assumptions(write(tmp_path, rows, GOOD))


def test_asymmetric_and_missing_class(tmp_path):
    bad = GOOD.copy()
    bad[0, 1] = 0.5
    with pytest.raises(InputError, match="not symmetric"):
        read_assumptions(write(tmp_path, ROWS, bad))
    rows = [*ROWS, {"asset_class": "d", "expected_return": 0.0, "volatility": 0.0}]
    with pytest.raises(InputError, match="'d' is missing from the correlation"):
        read_assumptions(write(tmp_path, rows, GOOD))


def test_not_psd_offers_repair(tmp_path):
    bad = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1.0]])
    path = write(tmp_path, ROWS, bad)
    with pytest.raises(InputError, match="--repair-correlations"):
        read_assumptions(path)
    a = read_assumptions(path, repair=True)
    assert a.repaired
    assert np.linalg.eigvalsh(bad).min() < -0.5  # the matrix does need repair
    assert np.linalg.eigvalsh(a.correlation).min() >= -1e-8
    assert np.allclose(np.diag(a.correlation), 1)
    assert np.allclose(a.correlation, a.correlation.T)
    # nearest in the Frobenius norm (Higham 2002): no farther from the input than a simple
    # independent repair (clip the negative eigenvalues, rescale to a unit diagonal)
    w, v = np.linalg.eigh(bad)
    clipped = (v * np.clip(w, 0, None)) @ v.T
    d = np.sqrt(np.diag(clipped))
    clipped = clipped / np.outer(d, d)
    assert np.linalg.norm(a.correlation - bad) <= np.linalg.norm(clipped - bad) + 1e-9


def test_missing_class_of_holdings(assumptions):
    with pytest.raises(InputError, match="no assumptions for asset class 'nope'"):
        assumptions.subset(["cash", "nope"])


def test_nearest_correlation_keeps_a_valid_matrix():
    assert np.allclose(nearest_correlation(GOOD), GOOD, atol=1e-8)


def test_geltner_desmoothing():
    rng = np.random.default_rng(1)
    true = rng.normal(0.02, 0.05, 400)
    rho = 0.6
    smooth = np.empty_like(true)
    smooth[0] = true[0]
    for t in range(1, len(true)):
        smooth[t] = rho * smooth[t - 1] + (1 - rho) * true[t]
    back = geltner_desmooth(smooth, rho)
    assert np.allclose(back, true[1:])
    est = geltner_desmooth(pd.Series(smooth))
    assert isinstance(est, pd.Series) and len(est) == len(smooth) - 1
    assert np.std(est) > 1.5 * np.std(smooth)
    mu, vol = desmoothed_volatility(smooth, periods_per_year=4)
    assert vol > np.std(smooth) * 2 * 1.5
    with pytest.raises(ValueError):
        geltner_desmooth([0.1, 0.2])
