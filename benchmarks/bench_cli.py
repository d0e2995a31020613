"""Benchmark: the ``analyzer`` command line as whole processes, against baselines run beside it.

    python benchmarks/bench_cli.py [--n 100000] [--big 1000000] [--repeat 5] [--only ...]

Each measurement starts fresh processes, the command and its baseline in turn (A B A B ...),
and reports the median wall time and CPU time (user + sys of the child, from ``os.wait4``)
of each, the median of the pair-by-pair ratios A/B, and the child's peak resident memory.
Pairing the runs keeps the ratio honest on a machine whose speed drifts.

Measured (the targets in brackets):

- ``help``: ``analyzer --help`` against ``python -c "import typer"`` [ratio < 2].
- ``regimes``: ``analyzer regimes`` against the same [ratio < 2]; with a typer that converts
  option values through pydantic, also against ``import typer, typer._adapters`` (the floor
  of any typer command that takes an option).
- ``json``: ``analyzer solvency HOLDINGS.csv --format json --output FILE`` on ``--n``
  synthetic positions (read + compute + write) against ``python -c "import pandas;
  pandas.read_csv(HOLDINGS.csv)"`` [ratio < 3].
- ``big``: ``--big`` positions: ``analyzer solvency`` with the table report from CSV and from
  Parquet, ``--format parquet --output`` and ``--format json --output`` from Parquet: time and
  peak memory [peak < 2 GB].

The positions are those of ``benchmarks/bench_engine.py`` (every asset type, ~5% overseas),
held by a P&C company sized to them. The processes run with this interpreter and the current
``PYTHONPATH`` (else this checkout), in a neutral folder, so pointing ``PYTHONPATH`` at another
checkout measures that one.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PY = sys.executable
#: the code measured: PYTHONPATH as given, else this checkout; the processes run in a neutral
#: folder so that ``python -m`` does not pick up the current directory instead
ENV = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(Path(__file__).parents[1])}
NEUTRAL = tempfile.gettempdir()
COMPANY = """\
name = "Benchmark P&C"
company_type = "pc"
total_assets = {assets:.6e}
prior_comprehensive_ratio = 2.0

[capital]
core_tier1 = {core1:.6e}
core_tier2 = {core2:.6e}
supplementary_tier1 = {supp1:.6e}

[minimum_capital]
life_insurance = 0.0
nonlife_insurance = {nonlife:.6e}
sarmra_score = 80
"""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    code: int


def run_once(cmd: list[str]) -> Run:
    """One process: wall time, CPU (user + sys) and peak RSS of that child alone."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=NEUTRAL, env=ENV
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if code != 0:
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{err[-2000:]}")
    # ru_maxrss is in KiB on Linux
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def paired(a: list[str], b: list[str], repeat: int, warmup: int = 1) -> tuple[list, list]:
    for _ in range(warmup):
        run_once(a)
        run_once(b)
    runs_a, runs_b = [], []
    for _ in range(repeat):
        runs_a.append(run_once(a))
        runs_b.append(run_once(b))
    return runs_a, runs_b


def med(values) -> float:
    return statistics.median(values)


def report_pair(name: str, a: list[Run], b: list[Run], target: float) -> None:
    wall = med(x.wall / y.wall for x, y in zip(a, b, strict=True))
    cpu = med(x.cpu / y.cpu for x, y in zip(a, b, strict=True))
    print(
        f"{name:<10} A wall {med(r.wall for r in a):7.3f} s  cpu {med(r.cpu for r in a):7.3f} s"
        f"  peak {max(r.peak_mib for r in a):7.1f} MiB | "
        f"B wall {med(r.wall for r in b):7.3f} s  cpu {med(r.cpu for r in b):7.3f} s | "
        f"A/B wall {wall:5.2f}  cpu {cpu:5.2f}  (target < {target:g})"
    )


def write_inputs(folder: Path, n: int, parquet: bool) -> tuple[Path, Path, Path | None]:
    from bench_engine import synthetic

    frame = synthetic(n)
    total = float(frame["market_value"].sum()) * 1.25
    csv = folder / f"holdings_{n}.csv"
    frame.to_csv(csv, index=False)
    pq = None
    if parquet:
        pq = folder / f"holdings_{n}.parquet"
        frame.to_parquet(pq, index=False)
    company = folder / f"company_{n}.toml"
    company.write_text(
        COMPANY.format(
            assets=total,
            core1=0.08 * total,
            core2=0.01 * total,
            supp1=0.02 * total,
            nonlife=0.01 * total,
        ),
        encoding="utf-8",
    )
    return csv, company, pq


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="positions for the json ratio")
    parser.add_argument("--big", type=int, default=1_000_000, help="positions for the big runs")
    parser.add_argument("--repeat", type=int, default=5, help="counted pairs per ratio")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["help", "regimes", "json", "big"],
        default=["help", "regimes", "json", "big"],
    )
    args = parser.parse_args()
    cli = [PY, "-m", "analyzer.cli"]
    # the synthetic book draws face values at random: some fall outside 20%-500% of the market
    # value, a warning the command line stops on until the user accepts it
    accept = ["--accept-warning", "holdings.face_value_ratio"]
    typer_only = [PY, "-c", "import typer"]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, PYTHONPATH=")
    print(f"  {ENV['PYTHONPATH']}; medians of {args.repeat} pairs")

    if "help" in args.only:
        report_pair("--help", *paired([*cli, "--help"], typer_only, args.repeat * 2), 2)
    if "regimes" in args.only:
        report_pair("regimes", *paired([*cli, "regimes"], typer_only, args.repeat * 2), 2)
        if importlib.util.find_spec("typer._adapters") is not None:
            # typer >= 0.2x converts every non-flag option through pydantic at run time: the
            # floor of any typer command with an option, shown for reference
            floor = [PY, "-c", "import typer, typer._adapters"]
            a, b = paired([*cli, "regimes"], floor, args.repeat * 2)
            report_pair("regimes*", a, b, 2)
            print(f"{'':<10} * B = typer with its option-coercion layer (pydantic) imported")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "json" in args.only:
            csv, company, _ = write_inputs(folder, args.n, parquet=False)
            out = folder / "solvency.json"
            a = [*cli, "solvency", str(csv), "-c", str(company), *accept]
            a += ["--format", "json", "-o", str(out)]
            b = [PY, "-c", f"import pandas; pandas.read_csv({str(csv)!r})"]
            report_pair(f"json {args.n // 1000}k", *paired(a, b, args.repeat), 3)
            print(f"{'':<10} JSON written: {out.stat().st_size / 1e6:.1f} MB")
        if "big" in args.only:
            csv, company, pq = write_inputs(folder, args.big, parquet=True)
            base = ["-c", str(company), *accept]
            cases = {
                "table, csv in": [str(csv), *base],
                "table, parquet in": [str(pq), *base],
                "parquet out": [str(pq), *base, "--format", "parquet", "-o", str(folder / "o.pq")],
                "json out": [str(pq), *base, "--format", "json", "-o", str(folder / "o.json")],
            }
            print(f"{args.big:,} positions (best of 2; peak = the larger of the two):")
            for name, extra in cases.items():
                runs = [run_once([*cli, "solvency", *extra]) for _ in range(2)]
                peak = max(r.peak_mib for r in runs)
                print(
                    f"  {name:<18} wall {min(r.wall for r in runs):7.2f} s  "
                    f"cpu {min(r.cpu for r in runs):7.2f} s  peak {peak:7.1f} MiB "
                    f"(target < 2048)"
                )


if __name__ == "__main__":
    main()
