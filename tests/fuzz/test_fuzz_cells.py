"""Random cell values (hypothesis) in the numeric columns of a holdings file, the company
file and the assumptions: the same invariant as the mutation suite. A run ends with exit 0
and clean JSON (no NaN, no infinity, no unexpected null), or with exit 2 and a message naming
the file and a field; never a traceback or an internal error.

Skipped only when ``ANALYZER_FUZZ_ALLOW_OPEN=1`` is set and the test's id is in
:data:`test_fuzz_mutations.KNOWN_OPEN`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from fuzz_mutations import make_workspace, read_csv, toml_replace, write_csv
from fuzz_runner import run_isolated, violations
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from test_fuzz_mutations import KNOWN_OPEN

ALLOW_OPEN = os.environ.get("ANALYZER_FUZZ_ALLOW_OPEN") == "1"

HOLDINGS_COLUMNS = (
    "market_value",
    "book_value",
    "coupon_rate",
    "modified_duration",
    "maturity_years",
    "holding_years",
    "face_value",
    "bank_car",
    "layers",
    "purchase_cost",
)

#: what a cell can hold: numbers of every size and sign, non-finite spellings, text, blanks,
#: another locale's decimal comma
CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(repr),
    st.floats(min_value=-1e3, max_value=1e3).map(lambda x: format(x, "g")),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        ["", "nan", "NaN", "inf", "-inf", "Infinity", "1e308", "-0", "abc", "4,17", "1.5%", " "]
    ),
)

SETTINGS = settings(
    max_examples=int(os.environ.get("ANALYZER_FUZZ_EXAMPLES", "15")),
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a whole run
    suppress_health_check=[HealthCheck.too_slow],
)


def _set_cell(path: Path, column: str, row: int, value: str) -> int:
    """Put ``value`` in ``column`` of the ``row``-th row (counted among the rows where the
    column is filled, so the cell matters for the position); return the spreadsheet row."""
    header, rows = read_csv(path)
    j = header.index(column)
    filled = [i for i, r in enumerate(rows) if r[j].strip()] or list(range(len(rows)))
    i = filled[row % len(filled)]
    rows[i][j] = value
    write_csv(path, header, rows)
    return i + 2


def _skip_open(test_id: str) -> None:
    if ALLOW_OPEN and test_id in KNOWN_OPEN:
        pytest.skip("known open (ANALYZER_FUZZ_ALLOW_OPEN=1)")


@SETTINGS
@given(column=st.sampled_from(HOLDINGS_COLUMNS), row=st.integers(0, 522), value=CELL)
@example(column="maturity_years", row=0, value="1e15")
@example(column="market_value", row=0, value="1e308")
def test_random_holdings_cell(column: str, row: int, value: str) -> None:
    _skip_open("cells.holdings")
    with tempfile.TemporaryDirectory() as folder:
        ws = make_workspace(Path(folder))
        at = _set_cell(ws.holdings, column, row, value)
        header = read_csv(ws.holdings)[0]
        run = run_isolated(["solvency", ws.holdings, "-c", ws.company, "-f", "json"])
        found = violations(run, "solvency", "any", "holdings.csv", tuple(header), None)
    assert not found, f"{column}={value!r} on row {at}: {found}"


COMPANY_KEYS = (
    "total_assets",
    "prior_comprehensive_ratio",
    "core_tier1",
    "supplementary_tier1",
    "life_insurance",
    "nonlife_insurance",
    "loss_absorption",
    "sarmra_score",
)


def _toml_float(x: float) -> str:
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return repr(x)


TOML_VALUE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(_toml_float),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.sampled_from(['"abc"', "true", "false", '""', "[]", "1e308", "-0.0"]),
)


@SETTINGS
@given(key=st.sampled_from(COMPANY_KEYS), value=TOML_VALUE)
@example(key="core_tier1", value="inf")
def test_random_company_value(key: str, value: str) -> None:
    _skip_open("cells.company")
    with tempfile.TemporaryDirectory() as folder:
        ws = make_workspace(Path(folder))
        toml_replace(key, f"{key} = {value}")(ws)
        run = run_isolated(["solvency", ws.holdings, "-c", ws.company, "-f", "json"])
        fields = (*COMPANY_KEYS, "comprehensive_ratio", "core_ratio")
        found = violations(run, "solvency", "any", "company.toml", fields, None)
    assert not found, f"{key} = {value}: {found}"


@settings(SETTINGS, max_examples=max(SETTINGS.max_examples // 3, 5))
@given(
    column=st.sampled_from(("expected_return", "volatility", "min_weight", "max_weight")),
    row=st.integers(0, 40),
    value=CELL,
)
@example(column="expected_return", row=0, value="inf")
def test_random_assumptions_cell(column: str, row: int, value: str) -> None:
    _skip_open("cells.assumptions")
    with tempfile.TemporaryDirectory() as folder:
        ws = make_workspace(Path(folder))
        at = _set_cell(ws.assumptions, column, row, value)
        header = read_csv(ws.assumptions)[0]
        run = run_isolated(
            [
                "simulate",
                ws.holdings,
                "-c",
                ws.company,
                "-a",
                ws.assumptions,
                "-n",
                "200",
                "-q",
                "-f",
                "json",
            ]
        )
        found = violations(run, "simulate", "any", "assumptions.csv", tuple(header), None)
    assert not found, f"{column}={value!r} on row {at}: {found}"
