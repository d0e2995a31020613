"""Shared factories for the analyzer tests: tiny in-memory portfolios and companies.

The factories are session fixtures (pytest's factory-as-fixture pattern, so that test modules
need no import from this file):

``make_holdings(rows)`` validates rows exactly as a file would be (``validate_holdings``), so
defaults (region domestic, csi300 false, ...) are the reader's, and a column whose blank the
reader refuses (property_tier, principal_protected, conversion_clause, currency overseas, ...)
must be given. ``make_company(...)`` builds a P&C or life company whose defaults keep every
portfolio-size effect out of the way: total assets 1e12 CNY (size coefficient 0 in every
regime, counterparty threshold 306.1亿 for P&C, no class cap reached by a small portfolio),
insurance risks 0, SARMRA 80.
``run(rows, company_type="pc", regime=..., options=None, **company_overrides)`` evaluates a
portfolio (without the sci-tech re-evaluation) and returns the ``SolvencyResult``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pytest

from analyzer.io.company import Company, company_from_dict
from analyzer.io.holdings import NEEDED_BY, OVERSEAS_NEEDED, Holdings, validate_holdings
from analyzer.solvency.engine import evaluate
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.result import SolvencyResult

#: a flat 2% government spot curve (years 1..40) and one liability outflow; only the life
#: interest-rate sub-module depends on them
FLAT_SPOT = np.full(40, 0.02)


def _make_holdings(rows: Iterable[dict], file: str = "<memory>") -> Holdings:
    """Validated holdings from dicts; ``id`` defaults to ``p<row number>``."""
    records = []
    for i, row in enumerate(rows):
        rec = {"id": f"p{i}"}
        rec.update(row)
        records.append(rec)
    raw = with_blank_columns(pd.DataFrame.from_records(records))
    return validate_holdings(raw, file)


def with_blank_columns(raw: pd.DataFrame) -> pd.DataFrame:
    """The frame with every column the reader may need for its asset types added blank (as a
    file whose header names the column and whose cells are empty: documented defaults)."""
    for column in [c for c, _, _ in NEEDED_BY] + list(OVERSEAS_NEEDED):
        if column not in raw.columns:
            raw[column] = None
    return raw


def company_dict(company_type: str = "pc", **overrides) -> dict:
    """The TOML structure of a company as a dict; ``overrides`` replace top-level keys, and
    ``capital=`` / ``minimum_capital=`` dicts are merged into their tables."""
    data: dict = {
        "name": f"Test {company_type}",
        "company_type": company_type,
        "total_assets": 1.0e12,
        "prior_comprehensive_ratio": 2.0,
        "capital": {
            "core_tier1": 1.0e10,
            "core_tier2": 0.0,
            "supplementary_tier1": 0.0,
            "supplementary_tier2": 0.0,
        },
        "minimum_capital": {
            "life_insurance": 0.0,
            "nonlife_insurance": 0.0,
            "loss_absorption": 0.0,
            "additional": 0.0,
            "sarmra_score": 80.0,
        },
    }
    if company_type == "life":
        data["liabilities"] = {"cash_flows": np.array([1.0e6]), "spot_curve": FLAT_SPOT.copy()}
    for key, value in overrides.items():
        if key in ("capital", "minimum_capital") and isinstance(value, dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def _make_company(company_type: str = "pc", **overrides) -> Company:
    """A validated company (see :func:`company_dict`)."""
    return company_from_dict(copy.deepcopy(company_dict(company_type, **overrides)))


def _run(
    rows: Iterable[dict],
    company_type: str = "pc",
    regime: str = "cross2-2025-12",
    options: EngineOptions | dict | None = None,
    **company_overrides,
) -> SolvencyResult:
    if isinstance(options, dict):
        options = EngineOptions(**options)
    return evaluate(
        _make_holdings(rows),
        _make_company(company_type, **company_overrides),
        regime,
        options,
        scitech=False,
    )


@pytest.fixture(scope="session")
def make_holdings():
    return _make_holdings


@pytest.fixture(scope="session")
def make_company():
    return _make_company


@pytest.fixture(scope="session")
def run():
    return _run
