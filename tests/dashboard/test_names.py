"""Display names (dashboard.names): complete for the bundled assumptions and the
asset types of docs/formats.md §1, raw-key fallback, optimiser limits and units."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analyzer.io.holdings import ASSET_TYPES
from dashboard import names
from dashboard.settings import REPO_DATA_DIR

CONSTRAINTS = Path(__file__).resolve().parents[2] / "analyzer" / "optimize" / "constraints.py"


def _complete(table: dict, key: str) -> bool:
    pair = table.get(key)
    return bool(pair) and all(isinstance(s, str) and s.strip() for s in pair)


def test_every_bundled_asset_class_has_zh_and_en_names() -> None:
    classes = pd.read_csv(REPO_DATA_DIR / "assumptions.csv")["asset_class"].tolist()
    missing = [c for c in classes if not _complete(names.ASSET_CLASSES, c)]
    assert missing == []
    assert names.asset_class("government_bond", "zh") == "国债"
    assert names.asset_class("government_bond", "en") == "Government bonds"
    assert names.asset_class("sci_tech_bond_aaa", "zh") == "科创债 AAA"
    assert names.asset_class("vc_fund", "zh") == "创业投资基金"
    assert names.asset_class("reit", "zh") == "公募REITs"


def test_every_asset_type_has_zh_and_en_names() -> None:
    assert [a for a in ASSET_TYPES if not _complete(names.ASSET_TYPES, a)] == []
    assert names.asset_type("insurance_abs_plan", "zh") == "资产支持计划"
    assert names.asset_type("long_term_equity_investment", "zh") == "长期股权投资"


def test_every_optimiser_limit_name_has_a_display_name() -> None:
    text = CONSTRAINTS.read_text(encoding="utf-8")
    found = set(
        re.findall(
            r'"((?:min|max)_[a-z_]+|[a-z_]+_cap|single_[a-z]+|'
            r'counterparty_threshold|property_concentration)"',
            text,
        )
    )
    found |= {
        "real_estate_cap",
        "other_financial_cap",
        "overseas_cap",
        "min_core_ratio",
        "min_comprehensive_ratio",
    }
    found -= {"min_which"}  # f-string fragments
    assert [n for n in sorted(found) if not _complete(names.BINDING, n)] == []
    assert names.binding("group_max:bonds", "en") == "Group maximum: bonds"


def test_modules_and_compliance_limits() -> None:
    for key in (
        "interest_rate",
        "equity",
        "overseas_equity",
        "overseas_fixed_income_emerging",
        "fx",
        "spread",
        "default",
        "market",
        "credit",
    ):
        assert _complete(names.MODULES, key)
    for key in (
        "equity",
        "real_estate",
        "other_financial",
        "overseas",
        "venture_capital",
        "single_asset",
        "single_counterparty",
    ):
        assert _complete(names.LIMITS, key)


@pytest.mark.parametrize("kind", sorted(names.TABLES))
def test_unknown_names_fall_back_to_the_key(kind: str) -> None:
    assert names.name(kind, "my_own_bucket", "zh") == "my_own_bucket"
    assert names.name(kind, None, "en") == ""
    assert names.name(kind, 3, "en") == "3"
    assert names.name("no_such_kind", "x", "en") == "x"


def test_units_are_translated_piecewise() -> None:
    assert (
        names.unit("bp of expected return per pp of total assets", "en")
        == "bp of expected return per pp of total assets"
    )
    assert (
        names.unit("bp of expected return per pp of total assets", "zh")
        == "预期收益率（基点） / 每 总资产（百分点）"
    )
    assert names.unit("furlongs per fortnight", "zh") == "furlongs / 每 fortnight"
    assert names.unit("", "zh") == ""


def test_ref_data_maps_keys_to_names() -> None:
    assert names.ref_data("asset_class", "zh")["government_bond"] == "国债"
    assert names.ref_data("asset_class", "en")["government_bond"] == "Government bonds"
