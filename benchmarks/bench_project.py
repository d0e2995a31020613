"""Benchmark: a base projection against single evaluations of the same book.

    python benchmarks/bench_project.py [--n 100000] [--years 3] [--repeat 3]

Builds ``n`` synthetic positions (``bench_engine.synthetic``, every asset type), and measures
in this process, best of ``repeat``:

(a) one ``analyzer.solvency.engine.evaluate`` of today's book on a fresh frame (the baseline,
    without the sci-tech re-evaluation, as each projected date runs it),
(b) ``Projector.run`` over ``years`` of quarters without the year-end stresses (the base
    projection: ageing, trades and one evaluation per date),
(c) the same with the Annex 4 scenarios at each year-end.

The requirement: a base projection over 12 quarters costs at most 12 single evaluations
(ratio (b) / (a) <= 12 with 12 dates); the year-end stresses come on top.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import company, synthetic  # noqa: E402

from analyzer.forward.projection import Hold, Projector  # noqa: E402
from analyzer.io.assumptions import Assumptions  # noqa: E402
from analyzer.io.holdings import Holdings, validate_holdings  # noqa: E402
from analyzer.solvency.engine import evaluate  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    frame = synthetic(args.n)
    holdings = validate_holdings(frame.astype(str).replace({"nan": ""}), "<bench>")
    total = float(holdings.frame["market_value"].sum())
    co = company("pc", total * 1.2)
    classes = tuple(sorted(set(holdings.frame["asset_class"].astype(str))))
    n = len(classes)
    a = Assumptions(
        classes=classes,
        expected_return=np.full(n, 0.04),
        volatility=np.full(n, 0.1),
        correlation=np.eye(n),
        liquid=np.array([c in ("cash", "government_bond") for c in classes]),
        min_weight=np.zeros(n),
        max_weight=np.ones(n),
        idiosyncratic_volatility=np.zeros(n),
    )
    # one evaluation of a book as a run reads it: a fresh frame (the engine's per-frame
    # caches cold), as each projected date is
    def single() -> None:
        evaluate(Holdings(holdings.frame.copy(), "<bench>"), co, scitech=False)

    one = best(single, args.repeat)
    dates = 4 * args.years
    base = Projector(holdings, co, a, None, years=args.years, stresses=False, reverse=False)
    proj = best(lambda: base.run(Hold()), args.repeat)
    stressed = Projector(holdings, co, a, None, years=args.years, stresses=True, reverse=False)
    proj_s = best(lambda: stressed.run(Hold()), max(1, args.repeat - 1))
    print(f"positions {args.n:,}, {dates} quarterly dates")
    print(f"one evaluate            {one:8.3f} s")
    print(f"base projection         {proj:8.3f} s  = {proj / one:5.2f} evaluations (limit {dates})")
    print(f"with year-end stresses  {proj_s:8.3f} s  = {proj_s / one:5.2f} evaluations")


if __name__ == "__main__":
    main()
