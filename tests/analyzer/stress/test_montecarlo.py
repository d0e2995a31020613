"""Monte Carlo: moments of the simulated returns match the assumptions within sampling
error (fixed seeds, so these can fail), and results do not depend on chunking, backend or
the number of Dask workers."""

from __future__ import annotations

import numpy as np
import pytest
from stress_factories import make_company, make_holdings

from analyzer.errors import ParameterError
from analyzer.solvency.capital_map import build_capital_map
from analyzer.stress.montecarlo import (
    MarketModel,
    simulate,
    simulate_returns,
    simulation_context,
)

CLASSES = ("credit", "equity", "govt")
MU = np.array([0.035, 0.07, 0.025])
SIGMA = np.array([0.03, 0.25, 0.04])
CORR = np.array([[1.0, 0.2, 0.6], [0.2, 1.0, -0.1], [0.6, -0.1, 1.0]])
ROWS = [
    {
        "asset_type": "corporate_bond",
        "market_value": 4e9,
        "rating": "AA+",
        "modified_duration": 3.0,
        "asset_class": "credit",
    },
    {"asset_type": "equity_fund", "market_value": 3e9, "asset_class": "equity"},
    {
        "asset_type": "government_bond",
        "market_value": 5e9,
        "modified_duration": 6.0,
        "asset_class": "govt",
    },
]


@pytest.fixture(scope="module")
def ctx():
    holdings = make_holdings(ROWS)
    company = make_company("pc", capital={"core_tier1": 2e9, "supplementary_tier1": 5e8})
    return simulation_context(holdings, company, MarketModel(CLASSES, MU, SIGMA, CORR, 5.0))


@pytest.mark.parametrize("dof", [None, 5.0])
def test_moments_match_assumptions(dof):
    """200,000 draws: means within 4 standard errors (sigma / sqrt(n)); volatilities within
    3% (t with 5 dof has a large kurtosis, so the s.e. of sigma is ~ sigma sqrt(k/4n), k
    large); correlations within 0.02."""
    n = 200_000
    r = simulate_returns(MarketModel(CLASSES, MU, SIGMA, CORR, dof), seed=11, n_scenarios=n)
    assert r.shape == (n, 3)
    assert np.all(np.abs(r.mean(axis=0) - MU) < 4 * SIGMA / np.sqrt(n))
    assert r.std(axis=0) == pytest.approx(SIGMA, rel=0.03)
    assert np.corrcoef(r.T) == pytest.approx(CORR, abs=0.02)


def test_t_has_fat_tails():
    """Student-t (5 dof) has excess kurtosis 6 and more 3-sigma moves than the Gaussian
    (Gaussian: 0.27%)."""
    r = simulate_returns(MarketModel(CLASSES, MU, SIGMA, CORR, 5.0), 3, 200_000)
    z = (r[:, 1] - MU[1]) / SIGMA[1]
    assert (np.abs(z) > 3).mean() > 0.006
    g = simulate_returns(MarketModel(CLASSES, MU, SIGMA, CORR, None), 3, 200_000)
    zg = (g[:, 1] - MU[1]) / SIGMA[1]
    assert (np.abs(zg) > 3).mean() == pytest.approx(0.0027, abs=0.0006)


def test_bad_dof():
    with pytest.raises(ParameterError):
        MarketModel(CLASSES, MU, SIGMA, CORR, 2.0)


def test_capital_map_pickles_for_dask_workers(ctx):
    """Workers receive the CapitalMap itself (its regime pickles by name): the copy gives the
    same minimum capital to the last bit, so no second capital model exists."""
    import pickle

    holdings = make_holdings(ROWS)
    company = make_company("pc", capital={"core_tier1": 2e9, "supplementary_tier1": 5e8})
    cmap = build_capital_map(holdings, company)
    copy = pickle.loads(pickle.dumps(cmap))
    x = cmap.current_exposure * (1 + simulate_returns(ctx.model, 1, 1000))
    assert np.array_equal(copy.minimum_capital(x), cmap.minimum_capital(x))
    assert copy.regime is cmap.regime


def test_chunking_does_not_change_results(ctx):
    """Same seed, chunk sizes of one block and of everything: identical arrays and tail."""
    a = simulate(ctx, 40_000, seed=5, chunk_size=1)
    b = simulate(ctx, 40_000, seed=5, chunk_size=10**6)
    assert np.array_equal(a.comprehensive, b.comprehensive)
    assert np.array_equal(a.core, b.core)
    assert a.tail == b.tail and a.percentiles == b.percentiles
    c = simulate(ctx, 40_000, seed=6)
    assert not np.array_equal(a.comprehensive, c.comprehensive)


def test_summary_statistics(ctx):
    """Probabilities are the shares of scenarios below each level; the 0.5% quantile is the
    99.5% worst ratio; tail shares add up to 1."""
    r = simulate(ctx, 50_000, seed=9)
    assert r.probabilities["comprehensive_below_120"] == pytest.approx(
        float((r.comprehensive < 1.2).mean())
    )
    assert r.worst_995["comprehensive"] == pytest.approx(np.quantile(r.comprehensive, 0.005))
    assert sum(t.share_of_loss for t in r.tail) == pytest.approx(1.0)
    assert r.tail[0].asset_class == "equity"
    d = r.to_dict()
    assert set(d["percentiles"]["core"]) >= {"0.5", "50", "99"}


@pytest.mark.slow
def test_dask_one_and_two_workers_identical(ctx):
    """LocalCluster with 1 and 2 workers gives exactly the local result."""
    from distributed import Client, LocalCluster

    local = simulate(ctx, 60_000, seed=21, chunk_size=16_384)
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            res = simulate(ctx, 60_000, seed=21, chunk_size=32_768, backend="dask", client=client)
        assert np.array_equal(res.comprehensive, local.comprehensive)
        assert np.array_equal(res.core, local.core)
        assert res.tail == local.tail


@pytest.mark.slow
def test_dask_existing_scheduler_by_address(ctx):
    """An existing dask.distributed scheduler given by its address (as ``analyzer simulate
    --scheduler tcp://...`` does): a separate-process worker on loopback receives the pickled
    context, and the result equals the local run for the same seed."""
    from distributed import LocalCluster

    local = simulate(ctx, 20_000, seed=9, chunk_size=8_192)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        res = simulate(
            ctx,
            20_000,
            seed=9,
            chunk_size=8_192,
            backend="dask",
            scheduler=cluster.scheduler_address,
        )
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert np.array_equal(res.comprehensive, local.comprehensive)
    assert np.array_equal(res.core, local.core)
