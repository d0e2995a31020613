"""The one result cache of the services: bounded, least recently used, keyed on content.

A key is a SHA-256 of what the value depends on -- the JSON of the inputs (`content_key`) or
the bytes of the files read (`file_digest`) -- never a path, a modification time or an object
id: equal keys mean equal inputs, so any process may build a value again and a client that
sends a key cannot make the cache return another input's result. The cache is per process
(gunicorn workers do not share it; they need not, as the same inputs always give the same
result) and thread-safe.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: most entries kept (parsed inputs, results, lab models, stressers, scenario tables ...)
CACHE_SIZE = 64


def content_key(kind: str, *parts: Any) -> str:
    """``kind|sha256`` of the canonical JSON of ``parts`` (sorted keys, NaN kept as text)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return f"{kind}|" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes (None when there is no such file)."""
    p = Path(path)
    if not p.is_file():
        return None
    return hashlib.sha256(p.read_bytes()).hexdigest()


class ContentCache:
    """A bounded LRU mapping of content keys to values (thread-safe).

    Parameters
    ----------
    maxsize : int
        Most entries kept; the least recently used goes first.
    """

    def __init__(self, maxsize: int = CACHE_SIZE) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key: str) -> Any:
        """The value under ``key`` (None when absent); counts a hit or a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
            return None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def get_or_build(self, key: str, build: Callable[[], T]) -> T:
        """The value under ``key``, built (outside the lock) and kept when absent."""
        hit = self.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        value = build()
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def drop(self, which: Callable[[str], bool]) -> int:
        """Remove the entries whose key ``which`` selects; returns how many."""
        with self._lock:
            keys = [k for k in self._items if which(k)]
            for k in keys:
                del self._items[k]
            return len(keys)


#: the services' one cache
CACHE = ContentCache()


def clear_cache() -> None:
    """Empty the services' cache (tests; a process never needs it)."""
    CACHE.clear()
