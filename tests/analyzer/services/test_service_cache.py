"""The services' one cache: bounded, least recently used, keyed on content."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.io import read_company, read_holdings
from analyzer.samples import sample_dir
from analyzer.services import scenario
from analyzer.services.cache import CACHE, ContentCache, content_key, file_digest


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
