"""Benchmark of the multi-year plan: a three-year quarterly plan of the sample life insurer
(12 steps, its ~38 asset classes, 3 new vintages, a stressed floor at each year-end), rounds
against the full engine included, as a ratio to one single-period
``analyzer.services.allocation.optimise`` on the same inputs (measured in this process).

Run: ``python benchmarks/bench_plan.py``. Prints the plan's wall time, its rounds (program
solve plus the projector's engine run of every date), and the ratio (medians of repeated
runs: the machine's load moves single runs by tens of percent).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REPEAT_SINGLE = 5
REPEAT_PLAN = 3


def main() -> None:
    from analyzer.forward.plan_file import NewVintage
    from analyzer.forward.planner import Planner
    from analyzer.forward.projection import Projector
    from analyzer.services.allocation import allocation_setup, load_allocation_inputs, optimise

    inputs = load_allocation_inputs(
        DATA / "life" / "holdings.csv",
        DATA / "life" / "company.toml",
        DATA / "assumptions.csv",
        DATA / "correlations.csv",
        templates=DATA / "templates.csv",
    )
    setup = allocation_setup(inputs, limits={"min_comprehensive": 1.5, "min_core": 0.75})
    optimise(setup)  # warm-up (imports, first compilation)
    times = []
    for _ in range(REPEAT_SINGLE):
        t0 = time.perf_counter()
        single = optimise(setup)
        times.append(time.perf_counter() - t0)
    t_single = statistics.median(times)

    projector = Projector(
        inputs.holdings,
        inputs.company,
        inputs.assumptions,
        None,
        templates=inputs.templates,
        years=3,
        step="quarter",
        reverse=False,
    )
    vintages = (
        NewVintage(1, "vc_fund", 3e9),
        NewVintage(2, "vc_fund", 3e9),
        NewVintage(3, "pe_fund", 3e9),
    )
    planner = Planner(
        projector,
        min_comprehensive=1.5,
        min_core=0.75,
        stressed_min_comprehensive=1.0,
        new_vintages=vintages,
    )
    times = []
    for _ in range(REPEAT_PLAN):
        t0 = time.perf_counter()
        plan = planner.solve()
        times.append(time.perf_counter() - t0)
    t_plan = statistics.median(times)
    n = len(plan.classes)
    print(
        f"single-period optimise ({n} classes): {t_single:.3f} s, median of {REPEAT_SINGLE} "
        f"({single.status})"
    )
    print(
        f"plan, 12 quarterly steps, {n} classes, {len(vintages)} vintages, stressed floors at "
        f"year-ends: {t_plan:.3f} s (median of {REPEAT_PLAN}), {len(plan.rounds)} rounds, "
        f"final gap {plan.final_gap:.2e}"
    )
    for r in plan.rounds:
        print(
            f"  round {r.round}: {r.seconds:.3f} s (program + projection), objective "
            f"{r.objective / 1e8:,.2f} 亿元, worst engine gap {r.worst_gap:.4f}"
        )
    print(f"ratio plan / single-period: {t_plan / t_single:.1f}x")


if __name__ == "__main__":
    main()
