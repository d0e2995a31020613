"""Factories shared by the stress tests (a uniquely named module: tests must not import
``conftest``, whose name is shared by every test folder)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.company import Company, company_from_dict
from analyzer.io.holdings import NEEDED_BY, OVERSEAS_NEEDED, Holdings, validate_holdings


def make_holdings(rows: list[dict]) -> Holdings:
    """Validated holdings from dicts; ``id`` defaults to ``p<row index>``."""
    records = [{"id": f"p{i}", **row} for i, row in enumerate(rows)]
    raw = pd.DataFrame.from_records(records)
    for column in [c for c, _, _ in NEEDED_BY] + list(
        OVERSEAS_NEEDED
    ):  # blank columns: the documented defaults
        if column not in raw.columns:
            raw[column] = None
    return validate_holdings(raw, "<memory>")


def make_company(company_type: str = "pc", **overrides) -> Company:
    """A validated company; ``capital=`` merges into the capital table."""
    data: dict = {
        "name": f"Test {company_type}",
        "company_type": company_type,
        "total_assets": 1.0e12,
        "prior_comprehensive_ratio": 2.0,
        "capital": {"core_tier1": 1.0e10},
        "minimum_capital": {"sarmra_score": 80.0},
    }
    if company_type == "life":
        data["liabilities"] = {"cash_flows": np.array([1.0e9]), "spot_curve": np.full(40, 0.02)}
    for key, value in overrides.items():
        data[key] = {**data[key], **value} if key == "capital" else value
    return company_from_dict(data)


#: P&C portfolio for the Annex 4 golden tests (CNY)
PC_ROWS = [
    {"id": "fund", "asset_type": "equity_fund", "market_value": 1.0e9, "asset_class": "equity"},
    {"id": "mmf", "asset_type": "money_market_fund", "market_value": 5.0e8, "asset_class": "cash"},
    {
        "id": "cgb",
        "asset_type": "government_bond",
        "market_value": 2.0e9,
        "modified_duration": 5.0,
        "asset_class": "govt",
    },
    {
        "id": "corp",
        "asset_type": "corporate_bond",
        "market_value": 1.0e9,
        "rating": "AAA",
        "modified_duration": 3.0,
        "asset_class": "credit",
    },
    {
        "id": "dep",
        "asset_type": "deposit",
        "market_value": 1.0e9,
        "bank_type": "large_state",
        "asset_class": "cash",
    },
    {"id": "cash", "asset_type": "cash", "market_value": 5.0e8, "asset_class": "cash"},
]
