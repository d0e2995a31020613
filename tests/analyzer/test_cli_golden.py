"""Golden outputs of the command line: every command that writes JSON, run on the bundled
samples, must give the same JSON as the stored file under ``tests/data/cli_golden/``.

This guards refactors of the front ends and the services beneath them: a changed number, a
lost or renamed key fails here. Only what legitimately varies between runs is normalised:
the absolute path of the checkout (becomes ``<ROOT>``), the analyzer version and the timings
(``wall_time``, ``solve_time``, ``elapsed_seconds``, ``seconds``). Text, keys, booleans and
integers are compared exactly; a float to 1e-7 relative (1e-6 absolute near zero; 0.01 CNY for
a projection's trades, differences of book values of 1e10): the solver and BLAS builds a fresh
environment installs move the last digits of an optimum (seen at 1e-12), never a figure a
user reads. The multi-year plan has no golden file: its amounts are a solver's optimum over
hundreds of variables, checked by properties instead (tests/analyzer/forward). Key order is
not compared (one stress table is built from a set), list order is.

To regenerate after a deliberate change of output: ``ANALYZER_GOLDEN_REGENERATE=1 pytest
tests/analyzer/test_cli_golden.py`` and review the diff.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from analyzer.cli import run

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
GOLDEN = ROOT / "tests" / "data" / "cli_golden"
REGENERATE = os.environ.get("ANALYZER_GOLDEN_REGENERATE") == "1"

#: keys whose values are durations (seconds) or the version: replaced by a placeholder
VARYING = {"wall_time", "solve_time", "elapsed_seconds", "analyzer_version", "seconds"}


def _files(name: str) -> list[str]:
    return [str(DATA / name / "holdings.csv"), "--company", str(DATA / name / "company.toml")]


ASSUMPTIONS = ["--assumptions", str(DATA / "assumptions.csv")]

#: golden file stem -> (command-line arguments, expected exit code)
CASES: dict[str, tuple[list[str], int]] = {
    "solvency_life": (["solvency", *_files("life"), "--format", "json", "--no-positions"], 0),
    "solvency_pc": (["solvency", *_files("pc"), "--format", "json"], 0),
    "solvency_midlife": (
        [
            "solvency",
            *_files("midlife"),
            "--format",
            "json",
            "--no-positions",
            "--look-through",
            str(DATA / "midlife" / "look_through.csv"),
            "--trades",
            str(DATA / "midlife" / "trades.csv"),
            "--regime",
            "cross2-2022",
        ],
        0,
    ),
    "optimize_life": (["optimize", *_files("life"), *ASSUMPTIONS, "--format", "json"], 0),
    "optimize_pc_min_capital": (
        [
            "optimize",
            *_files("pc"),
            *ASSUMPTIONS,
            "--format",
            "json",
            "--objective",
            "min_capital",
            "--target-return",
            "0.03",
            "--templates",
            str(DATA / "templates.csv"),
        ],
        0,
    ),
    "frontier_life": (
        ["frontier", *_files("life"), *ASSUMPTIONS, "--format", "json", "--points", "4"],
        0,
    ),
    "stress_life": (
        [
            "stress",
            *_files("life"),
            "--format",
            "json",
            "-q",
            "--scenarios",
            str(DATA / "scenarios" / "historical.csv"),
            "--scenarios",
            str(DATA / "scenarios" / "user_example.csv"),
        ],
        0,
    ),
    "stress_pc": (["stress", *_files("pc"), "--format", "json", "-q", "--no-reverse"], 0),
    "simulate_life": (
        [
            "simulate",
            *_files("life"),
            *ASSUMPTIONS,
            "--format",
            "json",
            "-q",
            "-n",
            "2000",
            "--commitments",
            str(GOLDEN / "commitments.csv"),
            "--horizon",
            "5",
        ],
        0,
    ),
    "project_life": (
        [
            "project",
            *_files("life"),
            *ASSUMPTIONS,
            "--plan",
            str(DATA / "life" / "plan.toml"),
            "--templates",
            str(DATA / "templates.csv"),
            "--commitments",
            str(DATA / "life" / "commitments.csv"),
            "--step",
            "year",
            "--accept-warning",
            "holdings.face_value_ratio",
            "--format",
            "json",
        ],
        0,
    ),
    "validate_life": (["validate", *_files("life"), *ASSUMPTIONS, "--format", "json"], 0),
    # two looked-through products without underlyings: problems listed, exit 2
    "validate_midlife": (
        [
            "validate",
            *_files("midlife"),
            "--assumptions",
            str(DATA / "midlife" / "assumptions.csv"),
            "--format",
            "json",
        ],
        2,
    ),
    "aggregate": (["aggregate", str(GOLDEN / "modules.csv"), "--format", "json"], 0),
    "regimes": (["regimes", "--format", "json"], 0),
}


def normalise(data: Any) -> Any:
    """``data`` with the checkout's path, the version and the timings replaced."""
    if isinstance(data, dict):
        return {k: "<varies>" if k in VARYING else normalise(v) for k, v in data.items()}
    if isinstance(data, list):
        return [normalise(v) for v in data]
    if isinstance(data, str):
        return data.replace(str(ROOT), "<ROOT>")
    return data


def run_json(args: list[str]) -> tuple[int, Any]:
    """Run the command line in this process; its exit code and its stdout as JSON."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(args)
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_json_matches_golden(name: str) -> None:
    args, expected_code = CASES[name]
    code, data = run_json(args)
    assert code == expected_code
    got = normalise(data)
    path = GOLDEN / f"{name}.json"
    if REGENERATE:
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert differences(got, stored) == []


#: tolerance of a float against its golden value (see the module docstring)
REL, ABS = 1e-7, 1e-6
#: absolute tolerance (CNY) of the amounts a projection gets as the difference of two book
#: values of 1e10 or more (a class's trade, the unallocated residue): their last digits are
#: those of the sums' order
ABS_DIFFERENCE = 1e-2
DIFFERENCE_KEYS = ("trades", "unallocated")


def differences(got: Any, stored: Any, where: str = "$") -> list[str]:
    """Where ``got`` differs from ``stored``: keys, lengths, types, text exactly; floats to
    :data:`REL` / :data:`ABS`."""
    import math

    if isinstance(stored, dict) and isinstance(got, dict):
        if set(got) != set(stored):
            return [f"{where}: keys {sorted(set(got) ^ set(stored))}"]
        return [d for k in stored for d in differences(got[k], stored[k], f"{where}.{k}")]
    if isinstance(stored, list) and isinstance(got, list):
        if len(got) != len(stored):
            return [f"{where}: {len(got)} items, golden {len(stored)}"]
        return [
            d
            for i, (g, s) in enumerate(zip(got, stored, strict=True))
            for d in differences(g, s, f"{where}[{i}]")
        ]
    numbers = (int, float)
    if (
        isinstance(stored, numbers)
        and isinstance(got, numbers)
        and not isinstance(stored, bool)
        and not isinstance(got, bool)
        and (isinstance(stored, float) or isinstance(got, float))
    ):
        tol = ABS_DIFFERENCE if any(f".{k}" in where for k in DIFFERENCE_KEYS) else ABS
        ok = math.isclose(got, stored, rel_tol=REL, abs_tol=tol)
        return [] if ok else [f"{where}: {got!r}, golden {stored!r}"]
    return (
        []
        if got == stored and type(got) is type(stored)
        else [f"{where}: {got!r}, golden {stored!r}"]
    )


def test_differences_find_what_a_user_would_see() -> None:
    golden = {"ratio": 1.953177, "n": 3, "name": "a", "rows": [{"v": 2.8e10}]}
    assert (
        differences(
            {"ratio": 1.953177 * (1 + 1e-12), "n": 3, "name": "a", "rows": [{"v": 2.8e10 + 1e-3}]},
            golden,
        )
        == []
    )
    assert differences({**golden, "ratio": 1.9532}, golden) == ["$.ratio: 1.9532, golden 1.953177"]
    assert differences({**golden, "n": 4}, golden) == ["$.n: 4, golden 3"]
    assert differences({**golden, "rows": [{"v": 2.8e10 * 1.001}]}, golden)
    assert differences({**golden, "extra": 1}, golden) == ["$: keys ['extra']"]
    assert differences({**golden, "name": "b"}, golden)
    flows = {"trades": {"cash": -57.82868}}
    assert differences({"trades": {"cash": -57.82859}}, flows) == []
    assert differences({"trades": {"cash": -57.9}}, flows)


def test_golden_files_are_all_checked() -> None:
    """No stored output without its case (a stale file would hide a dropped command)."""
    stored = {p.stem for p in GOLDEN.glob("*.json")}
    assert stored == set(CASES)


def test_normalise_keeps_numbers() -> None:
    """The normaliser replaces only the varying keys and the path: a number stays a number."""
    data = {"wall_time": 1.5, "ratio": 1.25, "file": f"{ROOT}/x.csv", "list": [{"solve_time": 2}]}
    assert normalise(data) == {
        "wall_time": "<varies>",
        "ratio": 1.25,
        "file": "<ROOT>/x.csv",
        "list": [{"solve_time": "<varies>"}],
    }
