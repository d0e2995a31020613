"""Benchmark: server time to load each dashboard page on the sample life insurer.

    python benchmarks/bench_pages.py [--repeat 10]

For every page (overview, lab, solvency, stress, data), in this process, median of
``repeat``:

* ``GET <path>`` through ``app.server.test_client()`` (the app shell HTML),
* the router callback body (``app.route``: the page's ``layout(ctx)``),
* the bodies of the page's initial callbacks, called directly with the values the browser
  sends on first load (no store data: the start-up files; unit 亿元, language zh).

Two columns: **cold** clears the scenario entries of the services' one cache (parsed inputs,
results, stress results; the lab's models and source registry stay) before every
repetition, so each run reads the files, evaluates and stresses from scratch (a first
visit after an upload or regime change); **warm** keeps them (a revisit). The stress page's
reverse stress runs in its own callback after the scenario table is shown, so it is printed
separately as well ("first content" is the table and chart). Ratios are against one
``analyzer.solvency.engine.evaluate`` call measured in the same process. The requirement: a
page loads within 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LIMIT_S = 2.0


def median_ms(fn: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)

    from analyzer.api import CACHE
    from analyzer.io import read_company, read_holdings
    from analyzer.solvency.engine import evaluate
    from dashboard.app import create_app, route
    from dashboard.context import app_env
    from dashboard.pages import data, lab, overview, solvency, stress
    from dashboard.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    settings = Settings(
        db_url=f"sqlite:///{tmp / 'db.sqlite'}",
        cache_dir=tmp / "cache",
        data_dir=tmp / "data",
        secret_key="bench",
    )
    app = create_app(settings)
    env = app_env(app)
    client = app.server.test_client()

    holdings, company = read_holdings(env.holdings_path), read_company(env.company_path)
    evaluate(holdings, company)  # warm-up (imports, regime files)
    eval_ms = median_ms(lambda: evaluate(holdings, company), args.repeat)

    def cold() -> None:
        CACHE.drop(lambda key: not key.startswith(("lab|", "lab-files|")))

    def get(path: str) -> None:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)

    def in_request(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with app.server.test_request_context("/_dash-update-component", method="POST"):
                return fn()

        return run

    def page(path: str, *callbacks: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            get(path)
            in_request(lambda: route(path, "zh", "", "yi", env=env))()
            for cb in callbacks:
                in_request(cb)()

        return run

    lab_source = lab.source_key(env)
    stress_first = (
        lambda: stress.stress_view(None, None, "current", "yi", "zh", env=env),
        lambda: stress.simulation_view(None, None, None, "current", "yi", "zh", env=env),
    )
    stress_reverse = (lambda: stress.reverse_view(None, None, "current", "zh", env=env),)
    cases: list[tuple[str, Callable[[], None]]] = [
        ("overview  /", page("/", lambda: overview.overview_view(None, None, "yi", "zh", env=env))),
        ("lab       /lab", page("/lab", lambda: lab.show_live(None, "yi", "zh", lab_source))),
        (
            "solvency  /solvency",
            page(
                "/solvency",
                lambda: solvency.solvency_view(None, "yi", "zh", env=env),
                lambda: solvency.positions_content(None, None, "yi", "zh", env),
            ),
        ),
        ("stress    /stress (first content)", page("/stress", *stress_first)),
        ("stress    reverse-stress callback", page("/stress", *stress_reverse)),
        ("stress    /stress (complete)", page("/stress", *stress_first, *stress_reverse)),
        (
            "data      /data",
            page(
                "/data",
                lambda: data.show_current(None, "zh", env=env),
                lambda: data.scenario_list(0, "zh", env=env),
            ),
        ),
    ]
    for _, fn in cases:  # warm-up: imports, first figure builds
        fn()

    print(
        f"sample life insurer: {len(holdings.frame)} positions; median of {args.repeat}; "
        f"ratios against one evaluate call"
    )
    print(f"  {'evaluate (full engine)':<38}{eval_ms:10.1f} ms {'':>10}  1.00x")
    print(f"  {'page (GET + layout + callbacks)':<38}{'cold':>10}    {'warm':>10}    cold/evaluate")
    worst = 0.0
    for label, fn in cases:
        c = median_ms(fn, args.repeat, before=cold)
        w = median_ms(fn, args.repeat)
        if "reverse-stress callback" not in label:
            worst = max(worst, c)
        print(f"  {label:<38}{c:10.1f} ms {w:10.1f} ms  {c / eval_ms:6.1f}x")
    verdict = "OK" if worst < LIMIT_S * 1000 else "TOO SLOW"
    print(f"  slowest page, cold: {worst / 1000:.2f} s vs the {LIMIT_S:.0f} s budget: {verdict}")
    return 0 if worst < LIMIT_S * 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
