"""Run the ``analyzer`` command line in-process and check the invariant of the boundary.

The invariant: a run either ends with exit 0 and an output without a non-finite number or an
unexpected null, or with exit 2 and a message naming the file (and field); never a traceback,
an internal error (exit 1) or a half-written output.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: keys whose value may be null in an output: "not applicable" markers, not lost numbers
#: (no sci-tech view, no liabilities for a P&C company, no mapping, a reverse stress that
#: never reaches its threshold, an infeasible optimiser case, a problem on no single row)
NULL_KEYS = frozenset(
    {"scitech", "life_interest_rate", "mapping", "move", "stressed", "value", "row", "column"}
)
#: documented nulls named by their parent too (the key alone is not null elsewhere: a
#: compliance ``cap`` is a number): ``beta`` and ``cap`` of the loss absorption are null unless
#: LA comes from the Rule 2 Art. 19 formula (docs/formats.md §5)
NULL_PATHS = frozenset({"loss_absorption_detail.beta", "loss_absorption_detail.cap"})


@dataclass
class Run:
    """What one command-line run gave."""

    code: int | None
    out: str
    err: str
    crash: str = ""  # the traceback when an exception escaped ``main``

    def json(self) -> Any:
        def refuse(token: str) -> float:
            raise ValueError(f"non-finite number {token} in the JSON output")

        return json.loads(self.out, parse_constant=refuse)


def run_cli(args: list[str]) -> Run:
    """``analyzer ARGS`` in this process (stdout and stderr captured)."""
    from analyzer.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    crash = ""
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - a traceback is exactly what is tested for
            crash = traceback.format_exc()
    return Run(code, out.getvalue(), err.getvalue(), crash)


_WARM = (
    "analyzer.commands._shared",
    "analyzer.io.inputs",
    "analyzer.services.reading",
    "analyzer.io.holdings",
    "analyzer.io.company",
    "analyzer.io.assumptions",
    "analyzer.solvency.engine",
    "analyzer.solvency.regime",
    "analyzer.report.files",
    "analyzer.stress.forward",
    "analyzer.stress.scenario_file",
    "analyzer.stress.commitments",
    "analyzer.stress.montecarlo",
    "rich.console",
    "rich.table",
    "openpyxl",
)


def warm() -> None:
    """Import what every run needs once in this process, so forked children start warm."""
    import importlib

    for name in _WARM:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def run_isolated(args: list[str], timeout: int = 30, memory_gb: float = 3.0) -> Run:
    """:func:`run_cli` in a forked child with a time and memory budget, so that a mutation
    that makes the analyzer allocate petabytes or loop for minutes is reported as a
    violation instead of taking the test run down (the child inherits the imported modules,
    so a run costs what it costs in-process)."""
    import os
    import pickle
    import resource
    import signal

    warm()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            with open("/proc/self/statm") as fh:
                size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            limit = size + int(memory_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

            def expire(signum, frame):
                raise TimeoutError(f"still running after {timeout} s")

            signal.signal(signal.SIGALRM, expire)
            signal.alarm(timeout)
            result = run_cli(args)
            signal.alarm(0)
            payload = pickle.dumps(result)
        except BaseException:  # noqa: BLE001
            payload = pickle.dumps(Run(None, "", "", traceback.format_exc()))
        with os.fdopen(w, "wb") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        payload = fh.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        return Run(None, "", "", f"child killed (status {status}): time or memory budget")
    return pickle.loads(payload)


def nulls(data: Any, path: str = "") -> list[str]:
    """Paths of null values outside :data:`NULL_KEYS` and :data:`NULL_PATHS`."""
    found: list[str] = []
    if data is None:
        key = path.rsplit(".", 1)[-1].split("[", 1)[0]
        named = ".".join(part.split("[", 1)[0] for part in path.split(".")[-2:])
        if key not in NULL_KEYS and named not in NULL_PATHS:
            found.append(path or "<top>")
    elif isinstance(data, dict):
        for k, v in data.items():
            found += nulls(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += nulls(v, f"{path}[{i}]")
    elif isinstance(data, float) and not math.isfinite(data):
        found.append(path)
    return found


def numbers(command: str, data: dict) -> Any:
    """The figures of an output that an intact and a harmlessly changed file must share."""
    if command == "solvency":
        return (
            data["comprehensive_ratio"],
            data["core_ratio"],
            data["minimum_capital"],
            data["actual_capital"],
        )
    if command == "validate":
        return data["ok"]
    if command == "stress":
        return tuple(
            (_scenario_name(s["scenario"]), s["stressed"]["comprehensive_ratio"])
            for s in data["scenarios"]
        )
    if command == "optimize":
        return (
            data["expected_return"],
            data["volatility"],
            data["solvency"]["comprehensive_ratio"],
        )
    if command == "simulate":
        return tuple(tuple(sorted(y.items())) for y in data["commitments"]["years"])
    raise ValueError(command)


def _scenario_name(scenario: Any) -> str:
    return str(scenario.get("name")) if isinstance(scenario, dict) else str(scenario)


def same(a: Any, b: Any, rel: float = 1e-9) -> bool:
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-12)
    return a == b


def violations(
    run: Run,
    command: str,
    expect: str,
    file: str,
    fields: tuple[str, ...],
    baseline: Any,
) -> list[str]:
    """What is wrong with ``run`` for a mutated ``file`` (empty: the invariant holds).

    ``expect`` is one of ``refuse``, ``refuse_or_same``, ``same``, ``same_or_utf8``, or
    ``any`` (either a clean refusal or a clean result, numbers unchecked).
    """
    if run.crash:
        return ["traceback: " + run.crash.strip().splitlines()[-1]]
    if "Traceback (most recent call last)" in run.err:
        return ["traceback on stderr: " + run.err.strip().splitlines()[-1]]
    if run.code not in (0, 2):
        what = {1: "internal error", 3: "infeasible: the input was not refused"}
        return [f"exit {run.code} ({what.get(run.code, '?')}): {run.err.strip()[:300]}"]
    problems: list[str] = []
    if run.code == 2:
        if expect == "same":
            return [f"valid input refused: {run.err.strip()[:300]}"]
        said = run.err + (run.out if command == "validate" else "")
        if command != "validate" and run.out.strip():
            problems.append("output written although the run was refused")
        if Path(file).name not in said:
            problems.append(f"refusal does not name the file {Path(file).name}: {said[:300]}")
        if fields and not any(f.lower() in said.lower() for f in fields):
            problems.append(f"refusal does not name {' or '.join(fields)}: {said[:300]}")
        if expect == "same_or_utf8" and "UTF-8" not in said:
            problems.append(f"encoding refused without 'save as UTF-8': {said[:300]}")
        return problems
    # exit 0
    try:
        data = run.json()
    except ValueError as exc:
        return [f"output is not clean JSON: {exc}"]
    bad = nulls(data)
    if bad:
        problems.append(f"null or non-finite values in the output at {bad[:5]}")
    if expect == "refuse":
        problems.append(f"silent accept: exit 0 with {numbers(command, data)!r}")
    elif expect in ("refuse_or_same", "same", "same_or_utf8"):
        got = numbers(command, data)
        if not same(got, baseline):
            problems.append(f"accepted with other numbers: {got!r} instead of {baseline!r}")
    return problems
