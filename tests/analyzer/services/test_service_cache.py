"""The services' one cache: bounded, least recently used, keyed on content."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzer.io import read_company, read_holdings
from analyzer.samples import sample_dir
from analyzer.services import scenario
from analyzer.services.cache import (
    CACHE,
    ContentCache,
    canonical_json,
    content_key,
    file_digest,
)


def test_size_bound_holds_and_the_least_recently_used_goes_first() -> None:
    cache = ContentCache(maxsize=3)
    for i in range(3):
        cache.put(f"k{i}", i)
    assert cache.get("k0") == 0  # k0 is now the most recently used
    cache.put("k3", 3)
    cache.put("k4", 4)
    assert len(cache) == 3
    assert "k1" not in cache and "k2" not in cache  # the two least recently used left
    assert [cache.get(k) for k in ("k0", "k3", "k4")] == [0, 3, 4]
    for i in range(100):
        cache.put(f"x{i}", i)
    assert len(cache) == 3


def test_maxsize_must_be_positive() -> None:
    with pytest.raises(ValueError):
        ContentCache(maxsize=0)


def test_same_content_is_a_hit_different_content_a_miss() -> None:
    cache = ContentCache(maxsize=8)
    built: list[int] = []

    def build(n: int) -> int:
        built.append(n)
        return n * 10

    a = {"holdings": [{"id": "a", "market_value": 1.0}], "regime": "r"}
    same = {"regime": "r", "holdings": [{"market_value": 1.0, "id": "a"}]}  # other key order
    other = {"holdings": [{"id": "a", "market_value": 2.0}], "regime": "r"}
    assert cache.get_or_build(content_key("t", a), lambda: build(1)) == 10
    assert cache.get_or_build(content_key("t", same), lambda: build(2)) == 10  # hit
    assert cache.get_or_build(content_key("t", other), lambda: build(3)) == 30  # miss
    assert built == [1, 3]
    assert (cache.hits, cache.misses) == (1, 2)
    # the same content under another kind is another entry
    assert content_key("t", a) != content_key("u", a)


def test_files_are_keyed_on_their_bytes_not_their_path(tmp_path: Path) -> None:
    src = sample_dir() / "pc" / "holdings.csv"
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_bytes(src.read_bytes())
    two.write_bytes(src.read_bytes())
    assert file_digest(one) == file_digest(two)
    two.write_bytes(src.read_bytes() + b"\n")
    assert file_digest(one) != file_digest(two)
    assert file_digest(tmp_path / "missing.csv") is None


def test_scenario_results_share_the_one_cache() -> None:
    CACHE.clear()
    h = read_holdings(sample_dir() / "pc" / "holdings.csv")
    c = read_company(sample_dir() / "pc" / "company.toml")
    inputs = scenario.make_inputs(h, c)
    first = scenario.result_for(inputs)
    assert 0 < len(CACHE) <= CACHE.maxsize
    assert scenario.result_for(dict(inputs)) is first  # an equal copy: a hit
    changed = scenario.proposed_inputs(inputs, {"equity_fund": 0.2})
    assert changed is not None
    other = scenario.result_for(changed)  # other content: a miss
    assert other is not first and other.minimum_capital != first.minimum_capital


def test_arrays_with_the_same_truncated_repr_get_different_keys() -> None:
    a = np.zeros(2000)
    b = a.copy()
    b[1000] = 1.0  # in the middle: str() of both is '[0. 0. 0. ... 0. 0. 0.]'
    assert str(a) == str(b)
    assert content_key("t", a) != content_key("t", b)
    assert content_key("t", a) == content_key("t", a.copy())  # equal content: equal keys
    # the dtype and the shape are content too
    assert content_key("t", a) != content_key("t", a.astype(np.float32))
    assert content_key("t", a) != content_key("t", a.reshape(40, 50))
    # a non-contiguous view hashes as its values
    m = np.arange(12.0).reshape(3, 4)
    assert content_key("t", m.T) == content_key("t", np.ascontiguousarray(m.T))


def test_what_cannot_be_hashed_by_content_is_refused() -> None:
    import pandas as pd

    with pytest.raises(TypeError, match="DataFrame"):
        content_key("t", pd.DataFrame({"a": range(5000)}))
    with pytest.raises(TypeError, match="object array"):
        content_key("t", np.array([object(), 1], dtype=object))
    with pytest.raises(TypeError):
        content_key("t", object())
    with pytest.raises(TypeError, match="text"):
        content_key("t", {1: "a"})  # would share its JSON with {"1": "a"}


def test_models_dataclasses_enums_and_paths_are_keyed_on_content(tmp_path: Path) -> None:
    import dataclasses
    import enum

    from pydantic import BaseModel

    class M(BaseModel):
        x: float

    @dataclasses.dataclass
    class D:
        x: float

    class E(enum.Enum):
        A = 1

    assert content_key("t", M(x=1.0)) == content_key("t", M(x=1.0))
    assert content_key("t", M(x=1.0)) != content_key("t", M(x=2.0))
    assert content_key("t", D(1.0)) != content_key("t", D(2.0))
    assert content_key("t", D(1.0)) != content_key("t", M(x=1.0))  # the type is content
    assert content_key("t", E.A) != content_key("t", 1)
    assert content_key("t", np.float64(0.5)) == content_key("t", 0.5)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_text("a\n1\n")
    two.write_text("a\n1\n")
    assert content_key("t", one) == content_key("t", two)  # a path is keyed on its bytes
    two.write_text("a\n2\n")
    assert content_key("t", one) != content_key("t", two)
    # plain JSON data keeps the text json.dumps gives it (keys from before stay valid)
    doc = {"b": [1, 2.5, None, "x"], "a": True}
    assert canonical_json(doc) == json.dumps(doc, sort_keys=True, ensure_ascii=False)


def test_a_kind_cap_bounds_its_kind_within_the_one_cache() -> None:
    cache = ContentCache(maxsize=10, kind_caps={"lab": 2})
    for i in range(5):
        cache.put(f"lab|{i}", i)
        cache.put(f"result|{i}", i)
    labs = [k for k in ("lab|0", "lab|1", "lab|2", "lab|3", "lab|4") if k in cache]
    assert labs == ["lab|3", "lab|4"]  # the kind's two most recent
    assert all(f"result|{i}" in cache for i in range(5))  # other kinds are not touched
    assert cache.get("lab|3") == 3  # now lab|4 is the kind's least recently used
    cache.put("lab|5", 5)
    assert "lab|4" not in cache and "lab|3" in cache and "lab|5" in cache
    with pytest.raises(ValueError):
        ContentCache(kind_caps={"lab": 0})


def test_the_services_cache_keeps_at_most_eight_lab_models() -> None:
    from analyzer.services.cache import KIND_CAPS

    assert CACHE.kind_caps == dict(KIND_CAPS) and KIND_CAPS["lab"] == 8
    CACHE.clear()
    try:
        for i in range(20):
            CACHE.put(f"lab|{i}", i)
        assert sum(1 for i in range(20) if f"lab|{i}" in CACHE) == 8
        assert len(CACHE) == 8
    finally:
        CACHE.clear()
