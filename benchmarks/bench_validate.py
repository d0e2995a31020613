"""Benchmark: reading and validating holdings against pandas reading the same file.

    python benchmarks/bench_validate.py [--n 100000 1000000] [--repeat 3]

Builds ``n`` synthetic positions (``bench_engine.synthetic``: every asset type, every column
filled plausibly), writes them to a temporary CSV and measures in this process, best of
``repeat``: (a) ``pandas.read_csv`` of the file (the baseline), (b) ``read_holdings`` (reading,
the header, cell-count, encoding and number checks, validation and the plausibility rules).
Reports (b) / (a). Runs against whichever ``analyzer`` is on the path, so the same script gives
the before / after numbers of a change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import best_of, synthetic  # noqa: E402

from analyzer.io import read_holdings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.n:
        frame = synthetic(n)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "holdings.csv"
            frame.to_csv(path, index=False)
            size_mb = path.stat().st_size / 1e6
            t_csv, _ = best_of(lambda path=path: pd.read_csv(path), args.repeat)
            t_read, h = best_of(lambda path=path: read_holdings(path), args.repeat)
        warned = len(getattr(h, "warnings", ()))
        print(
            f"{n:>9,} positions {size_mb:7.1f} MB   read_csv {t_csv * 1e3:8.1f} ms   "
            f"read_holdings {t_read * 1e3:8.1f} ms   ratio {t_read / t_csv:5.2f}"
            f"   (warnings raised: {warned})"
        )


if __name__ == "__main__":
    main()
