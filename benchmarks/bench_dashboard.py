"""Benchmark: the allocation lab's live edit and page build against one engine evaluation.

    python benchmarks/bench_dashboard.py [--repeat 20]

On the bundled sample life insurer, in this process, median of ``repeat``:

(a) one ``analyzer.solvency.engine.evaluate`` call (the full check, sci-tech view included),
(b) the server-side body of a grid edit: ``analyzer.api.lab.weights_from_rows`` (the edit applied to
    the rows) + ``pages.lab.show_live`` (capital map -> ratios, cards, totals row, trades
    table), for
    - an edit moving weight from government bonds to an equity fund (the linear map as is),
    - an edit moving weight from government bonds to CSI 300 stocks, a new amount each time,
      so the stock book's P&L ratio changes and the map is rebuilt every time (worst case);
(c) ``pages.lab.layout(ctx)`` (the page's component tree), first call and warm.

The requirement: an edit well under 300 ms of server time. Ratios are printed against (a).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzer.api import lab as lab_logic
from analyzer.solvency.engine import evaluate
from dashboard.auth import LOCAL_USER
from dashboard.context import PageContext, app_env
from dashboard.settings import Settings

LIMIT_MS = 300.0


def median_ms(fn: Callable[[int], Any], repeat: int) -> float:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    from dashboard.app import create_app
    from dashboard.pages import lab

    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    settings = Settings(
        db_url=f"sqlite:///{tmp / 'db.sqlite'}",
        cache_dir=tmp / "cache",
        data_dir=tmp / "data",
        secret_key="bench",
    )
    app = create_app(settings)
    env = app_env(app)
    ctx = PageContext(lang="zh", unit="yi", user=LOCAL_USER, env=env, path="/lab")

    start = time.perf_counter()
    lab.layout(ctx)  # first call: reads the files, builds the capital map
    layout_cold = (time.perf_counter() - start) * 1000
    layout_warm = median_ms(lambda i: lab.layout(ctx), args.repeat)

    source = lab.source_key(env)
    model = lab.model_for(source)
    evaluate(model.holdings, model.company)  # warm-up
    eval_ms = median_ms(lambda i: evaluate(model.holdings, model.company), args.repeat)

    rows = lab_logic.grid_rows(model)
    by_class = {r["asset_class"]: r for r in rows}

    def edit(to: str, amount: Callable[[int], float]) -> Callable[[int], Any]:
        def run(i: int) -> Any:
            pp = amount(i)
            gov = dict(
                by_class["government_bond"], proposed=by_class["government_bond"]["proposed"] - pp
            )
            new = dict(by_class[to], proposed=by_class[to]["proposed"] + pp)
            changes = [
                {"rowId": to, "colId": "proposed", "data": new},
                {"rowId": "government_bond", "colId": "proposed", "data": gov},
            ]
            weights = lab_logic.weights_from_rows(rows, changes)
            cards, error, *_ = lab.show_live(weights, "yi", "zh", source)
            assert error is None and cards is not None
            return cards

        return run

    edit("equity_fund", lambda i: 5.0)(0)
    linear = median_ms(edit("equity_fund", lambda i: 5.0), args.repeat)
    stock = median_ms(edit("stock_csi300", lambda i: 1.0 + 0.1 * i), args.repeat)

    print(
        f"sample life insurer: {len(model.holdings.frame)} positions, "
        f"{model.cmap.n} asset classes; median of {args.repeat}"
    )
    print(f"  evaluate (full engine, sci-tech view)  {eval_ms:9.2f} ms   1.00x")
    for label, ms in (
        ("edit: bonds -> equity fund", linear),
        ("edit: bonds -> stocks (map rebuilt)", stock),
        ("page layout, warm", layout_warm),
        ("page layout, first call", layout_cold),
    ):
        print(f"  {label:<39}{ms:9.2f} ms  {ms / eval_ms:5.2f}x")
    worst = max(linear, stock)
    verdict = "OK" if worst < LIMIT_MS else "TOO SLOW"
    print(f"  slowest edit {worst:.2f} ms vs the {LIMIT_MS:.0f} ms budget: {verdict}")
    return 0 if worst < LIMIT_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
