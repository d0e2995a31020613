"""Scenario store on SQLite and PostgreSQL (the ``db_url`` fixture runs each test on both)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from sqlalchemy import inspect

from dashboard.store import (
    InvalidScenario,
    Scenario,
    ScenarioInfo,
    ScenarioNameTaken,
    ScenarioNotFound,
    ScenarioStore,
)

HOLDINGS = [
    {
        "id": "GB-2035",
        "asset_type": "government_bond",
        "market_value": 1_234_567_890.12,
        "modified_duration": 7.123456789012345,
        "rating": "AAA",
        "sci_tech": False,
        "layers": None,
    },
    {
        "id": "EQ-600000",
        "asset_type": "listed_stock",
        "market_value": 0.1 + 0.2,  # 0.30000000000000004 must come back bit-exact
        "board": "主板",
        "csi300": True,
        "holding_years": 3,
    },
]
COMPANY = {"name": "示例人寿", "type": "life", "actual_capital": 3.2e10, "nested": {"a": [1, 2.5]}}
OPTIONS = {"overseas_default_currency": "USD", "look_through": True}
WEIGHTS = {"government_bond": 0.6, "listed_stock": 1 / 3, "cash": 1 - 0.6 - 1 / 3}


def save(store: ScenarioStore, name: str = "基准配置", company: str = "示例人寿", **kw: Any) -> int:
    args: dict[str, Any] = dict(
        name=name,
        company_name=company,
        regime="cross2",
        author="wang",
        holdings=HOLDINGS,
        company=COMPANY,
        options=OPTIONS,
        weights=WEIGHTS,
    )
    args.update(kw)
    return store.save(**args)


def test_save_and_reload_gives_back_exactly_the_inputs(db_url: str) -> None:
    store = ScenarioStore(db_url)
    sid = save(store, description="2025Q4 plan")
    store.dispose()

    reloaded = ScenarioStore(db_url).get(sid)  # a fresh store: nothing cached in memory
    assert isinstance(reloaded, Scenario)
    assert reloaded.holdings == HOLDINGS
    assert reloaded.company == COMPANY
    assert reloaded.options == OPTIONS
    assert reloaded.weights == WEIGHTS
    assert reloaded.holdings[1]["market_value"] == 0.1 + 0.2
    assert reloaded.weights["cash"] == 1 - 0.6 - 1 / 3
    assert (reloaded.name, reloaded.company_name, reloaded.regime, reloaded.author) == (
        "基准配置",
        "示例人寿",
        "cross2",
        "wang",
    )
    assert reloaded.description == "2025Q4 plan"
    assert reloaded.reviewed_by is None and reloaded.reviewed_at is None
    assert not reloaded.reviewed


def test_created_at_is_utc_and_kept(db_url: str) -> None:
    store = ScenarioStore(db_url)
    before = dt.datetime.now(dt.UTC)
    sid = save(store)
    after = dt.datetime.now(dt.UTC)
    created = store.get(sid).created_at
    assert created.tzinfo is not None and created.utcoffset() == dt.timedelta(0)
    assert before <= created <= after

    beijing = dt.timezone(dt.timedelta(hours=8))
    when = dt.datetime(2025, 12, 31, 18, 30, 15, 123456, tzinfo=beijing)
    sid2 = save(store, name="fixed time", created_at=when)
    assert store.get(sid2).created_at == when
    assert store.get(sid2).created_at.tzinfo == dt.UTC


def test_numpy_values_and_missing_values_are_stored_as_plain_json(db_url: str) -> None:
    store = ScenarioStore(db_url)
    holdings = [
        {
            "mv": np.float64(1.5e8),
            "n": np.int64(3),
            "flag": np.bool_(True),
            "missing": math.nan,
            "inf": np.float64(np.inf),
        }
    ]
    weights = {"a": np.float64(0.25), "vec": np.array([0.5, 0.25])}
    sid = save(store, holdings=holdings, weights=weights)
    got = store.get(sid)
    assert got.holdings == [{"mv": 1.5e8, "n": 3, "flag": True, "missing": None, "inf": None}]
    assert got.weights == {"a": 0.25, "vec": [0.5, 0.25]}
    assert type(got.holdings[0]["n"]) is int


def test_name_is_unique_per_company(db_url: str) -> None:
    store = ScenarioStore(db_url)
    save(store, name="plan A")
    with pytest.raises(ScenarioNameTaken, match="plan A.*already exists.*示例人寿"):
        save(store, name="plan A")
    with pytest.raises(ScenarioNameTaken):
        save(store, name="  plan A  ")  # names are trimmed
    other = save(store, name="plan A", company="另一家财险")  # other company: allowed
    assert store.get(other).company_name == "另一家财险"


def test_list_is_newest_first_and_filters_by_company(db_url: str) -> None:
    store = ScenarioStore(db_url)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    a = save(store, name="a", created_at=t0)
    b = save(store, name="b", created_at=t0 + dt.timedelta(hours=1))
    c = save(store, name="c", company="P&C Co", created_at=t0 + dt.timedelta(hours=2))
    assert [s.id for s in store.list()] == [c, b, a]
    assert [s.name for s in store.list("示例人寿")] == ["b", "a"]
    assert store.list("nobody") == []
    assert all(type(s) is ScenarioInfo for s in store.list())  # metadata only


def test_mark_reviewed(db_url: str) -> None:
    store = ScenarioStore(db_url)
    sid = save(store)
    reviewed = store.mark_reviewed(sid, "li")
    assert reviewed.reviewed and reviewed.reviewed_by == "li"
    assert reviewed.reviewed_at is not None and reviewed.reviewed_at.tzinfo is not None
    assert store.get(sid).reviewed_by == "li"
    assert store.list()[0].reviewed_by == "li"
    assert store.get(sid).weights == WEIGHTS  # review does not touch the inputs
    with pytest.raises(ScenarioNotFound):
        store.mark_reviewed(999_999, "li")
    with pytest.raises(InvalidScenario):
        store.mark_reviewed(sid, " ")


def test_delete(db_url: str) -> None:
    store = ScenarioStore(db_url)
    sid = save(store)
    store.delete(sid)
    with pytest.raises(ScenarioNotFound, match=str(sid)):
        store.get(sid)
    with pytest.raises(ScenarioNotFound):
        store.delete(sid)
    save(store)  # the name is free again


def test_find(db_url: str) -> None:
    store = ScenarioStore(db_url)
    sid = save(store, name="x")
    found = store.find("示例人寿", "x")
    assert found is not None and found.id == sid
    assert store.find("示例人寿", "y") is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "   "),
        ("company_name", ""),
        ("regime", ""),
        ("author", ""),
        ("name", "x" * 201),
    ],
)
def test_invalid_fields_are_refused(db_url: str, field: str, value: str) -> None:
    store = ScenarioStore(db_url)
    with pytest.raises(InvalidScenario):
        save(store, **{field: value})
    assert store.list() == []


def test_unstorable_values_are_refused_clearly(db_url: str) -> None:
    store = ScenarioStore(db_url)
    with pytest.raises(InvalidScenario, match="object"):
        save(store, options={"bad": object()})


def test_table_is_created_on_first_use(db_url: str) -> None:
    store = ScenarioStore(db_url)
    assert store.list() == []
    columns = {c["name"] for c in inspect(store.engine).get_columns("scenarios")}
    assert columns >= {
        "id",
        "name",
        "company_name",
        "regime",
        "author",
        "created_at",
        "reviewed_by",
        "reviewed_at",
        "inputs",
    }


def test_sqlite_folder_is_created(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'analyzer.db'}"
    store = ScenarioStore(url)
    save(store)
    assert (tmp_path / "deep" / "er" / "analyzer.db").is_file()
