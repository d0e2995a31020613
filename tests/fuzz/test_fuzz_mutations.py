"""The mutation suite: every mutated input file (see ``fuzz_mutations.py``) is either refused
cleanly (exit 2, the file and field named) or gives the numbers of the intact file; never a
traceback, a NaN or null in the output, or a silent wrong answer.

Mutations in :data:`KNOWN_OPEN` are skipped only when ``ANALYZER_FUZZ_ALLOW_OPEN=1`` is set
(for working on one part of the boundary at a time); otherwise, as in CI, every one is
asserted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzz_mutations import COMMANDS, Mutation, catalogue, make_workspace
from fuzz_runner import numbers, run_cli, run_isolated, violations

#: mutations the boundary does not handle yet (skipped only with ANALYZER_FUZZ_ALLOW_OPEN=1);
#: remove an id as soon as its mutation is refused or read right
KNOWN_OPEN: frozenset[str] = frozenset()

ALLOW_OPEN = os.environ.get("ANALYZER_FUZZ_ALLOW_OPEN") == "1"
MUTATIONS = catalogue()


@pytest.fixture(scope="module")
def baselines(tmp_path_factory) -> dict[str, object]:
    """The figures of each command on the intact files."""
    ws = make_workspace(tmp_path_factory.mktemp("intact"))
    out = {}
    for command, args in COMMANDS.items():
        run = run_cli(args(ws))
        assert run.code == 0 and not run.crash, (command, run.err, run.crash)
        out[command] = numbers(command, run.json())
    return out


def test_catalogue_covers_every_class_of_mistake() -> None:
    kinds = {m.kind for m in MUTATIONS}
    assert kinds >= {
        "units",
        "percent",
        "months",
        "absurd",
        "non_finite",
        "decimal_comma",
        "rename",
        "drop",
        "duplicate",
        "truncate",
        "short_row",
        "encoding",
        "company_unit",
        "unknown_key",
        "neutral",
    }
    files = {m.file for m in MUTATIONS}
    assert files >= {
        "holdings.csv",
        "company.toml",
        "spot_curve.csv",
        "liability_cash_flows.csv",
        "assumptions.csv",
        "correlations.csv",
        "scenarios.csv",
        "commitments.csv",
        "limits.toml",
    }
    cells = {"cells.holdings", "cells.company", "cells.assumptions"}
    assert {m.id for m in MUTATIONS} | cells >= KNOWN_OPEN, "KNOWN_OPEN names unknown ids"


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_mutation(mutation: Mutation, baselines, tmp_path: Path) -> None:
    if ALLOW_OPEN and mutation.id in KNOWN_OPEN:
        pytest.skip("known open (ANALYZER_FUZZ_ALLOW_OPEN=1)")
    ws = make_workspace(tmp_path / "ws")
    args = mutation.args(ws)
    run = run_isolated(args)
    found = violations(
        run,
        mutation.command,
        mutation.expect,
        mutation.file,
        mutation.fields,
        baselines[mutation.command],
    )
    assert not found, f"{mutation.id} ({mutation.kind}, expect {mutation.expect}): " + "; ".join(
        found
    )
