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
KNOWN_OPEN: frozenset[str] = frozenset(
    {
        # the random-cell tests of test_fuzz_cells.py
        "cells.holdings",
        "cells.company",
        "cells.assumptions",
        # mutations
        "limits.min_comprehensive.percent",
        "limits.min_share.nan",
        "holdings.market_value.wan",
        "holdings.market_value.yi",
        "holdings.market_value.x1e4",
        "holdings.market_value.x1e8",
        "holdings.amounts.wan",
        "holdings.face_value.yi",
        "holdings.book_value.wan",
        "holdings.purchase_cost.per_share",
        "holdings.coupon_rate.x100",
        "holdings.bank_car.x100",
        "holdings.modified_duration.months",
        "holdings.holding_years.months",
        "holdings.maturity_years.months",
        "holdings.holding_years.excel_serial",
        "holdings.modified_duration.500",
        "holdings.modified_duration.1e6",
        "holdings.maturity_years.1e8",
        "holdings.maturity_years.1e15",
        "holdings.layers.1e9",
        "holdings.market_value.1e308",
        "holdings.market_value.1e308.two",
        "holdings.market_value.1e20",
        "holdings.coupon_rate.decimal_comma",
        "holdings.market_value.decimal_comma",
        "holdings.rename.lookthrough",
        "holdings.rename.regions",
        "holdings.rename.csi_300",
        "holdings.rename.issuer",
        "holdings.rename.sci-tech",
        "holdings.rename.holding_year",
        "holdings.duplicate.market_value",
        "holdings.duplicate.region",
        "holdings.truncate.rows_half",
        "holdings.short_rows.trailing",
        "holdings.encoding.gbk",
        "holdings.encoding.gb18030",
        "holdings.encoding.utf16",
        "holdings.encoding.latin1_question_marks",
        "holdings.neutral.id_None",
        "holdings.xlsx.formula_region",
        "holdings.xlsx.formula_bool",
        "company.total_assets.3000",
        "company.total_assets.true",
        "company.total_assets.inf",
        "company.prior_comprehensive_ratio.percent",
        "company.sarmra_score.fraction",
        "company.core_tier1.yi",
        "company.core_tier1.nan",
        "company.core_tier1.inf",
        "company.life_insurance.yi",
        "company.life_insurance.inf",
        "company.targets.comprehensive.percent",
        "company.amounts.yi",
        "company.unknown_key.liabilities",
        "company.neutral.utf8_bom",
        "company.spot_curve.percent",
        "company.spot_curve.-0.5",
        "company.spot_curve.-1",
        "company.spot_curve.inf",
        "company.cash_flows.yi",
        "company.cash_flows.wan",
        "company.cash_flows.inf",
        "assumptions.expected_return.percent",
        "assumptions.volatility.percent",
        "assumptions.expected_return.inf",
        "assumptions.min_weight.percent",
        "assumptions.duplicate.volatility",
        "scenarios.unknown_column",
        "holdings.drop.csi300",
        "holdings.drop.dividend_low_vol_100",
        "holdings.drop.holding_years",
        "holdings.drop.counterparty",
        "holdings.drop.look_through",
        "holdings.drop.layers",
        "holdings.drop.strategic_emerging",
        "holdings.drop.green",
        "holdings.drop.bank_car",
        "holdings.drop.region",
        "holdings.drop.currency",
        "holdings.drop.property_tier",
        "holdings.drop.principal_protected",
        "holdings.drop.loan_class",
        "holdings.drop.exempt",
        "holdings.drop.investee",
        "holdings.drop.conversion_clause",
    }
)

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
