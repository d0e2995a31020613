"""Benchmark of ``analyzer simulate``: one million one-year scenarios of the sample life
insurer's allocation, locally and on Dask with one and two workers.

Run: ``python benchmarks/bench_simulate.py [--scenarios N]``. Prints absolute wall times and
ratios measured in this process (the local run is the baseline; the Dask speed-up is the
1-worker time over the 2-worker time). The Dask clusters are started before timing, and each
timed run follows a small warm-up run on the same cluster (so worker start-up and the first
transfer of the model are not counted).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per worker, for a fair speed-up
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    import numpy as np
    from distributed import Client, LocalCluster

    from analyzer.io import read_company, read_holdings
    from analyzer.solvency.capital_map import build_capital_map
    from analyzer.stress.montecarlo import market_model, simulate, simulation_context

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    n = args.scenarios
    holdings = read_holdings(ROOT / "data" / "life" / "holdings.csv")
    company = read_company(ROOT / "data" / "life" / "company.toml")
    classes = build_capital_map(holdings, company).classes
    model = market_model(ROOT / "data" / "assumptions.csv", None, classes, dof=5.0)
    ctx = simulation_context(holdings, company, model)
    print(
        f"sample life insurer: {len(holdings)} positions, {len(classes)} asset classes, "
        f"{n:,} scenarios, {os.cpu_count()} CPUs"
    )

    simulate(ctx, 20_000, args.seed)  # warm-up
    t = time.perf_counter()
    local = simulate(ctx, n, args.seed)
    t_local = time.perf_counter() - t
    print(f"local (1 process, chunked numpy): {t_local:7.2f} s  ({n / t_local:,.0f} scenarios/s)")

    times = {}
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            simulate(ctx, 20_000, args.seed, backend="dask", client=client)  # warm-up
            t = time.perf_counter()
            res = simulate(ctx, n, args.seed, backend="dask", client=client)
            times[workers] = time.perf_counter() - t
        same = np.array_equal(res.comprehensive, local.comprehensive)
        print(
            f"dask, {workers} worker(s):            {times[workers]:7.2f} s  "
            f"(x{t_local / times[workers]:.2f} of local; identical to local: {same})"
        )
    print(f"speed-up 1 -> 2 Dask workers: x{times[1] / times[2]:.2f}")
    print(
        f"P(comprehensive < 100%) = {local.probabilities['comprehensive_below_100']:.4%}, "
        f"0.5% quantile of the comprehensive ratio = {local.worst_995['comprehensive']:.1%}"
    )


if __name__ == "__main__":
    main()
