"""The one result cache of the services: bounded, least recently used, keyed on content.

A key is a SHA-256 of what the value depends on -- the JSON of the inputs (`content_key`) or
the bytes of the files read (`file_digest`) -- never a path, a modification time or an object
id: equal keys mean equal inputs, so any process may build a value again and a client that
sends a key cannot make the cache return another input's result. The cache is per process
(gunicorn workers do not share it; they need not, as the same inputs always give the same
result) and thread-safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import Path, PurePath
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel

T = TypeVar("T")

#: most entries kept (parsed inputs, results, lab models, stressers, scenario tables ...)
CACHE_SIZE = 64
#: most entries of one kind kept (the kind is a key's text before its first ``|``): lab
#: models are large (a capital map, a market model and compiled cones each)
KIND_CAPS: Mapping[str, int] = {"lab": 8}


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data that holds all of its content, for hashing.

    JSON values (str, int, float, bool, None, lists, tuples, dicts with text keys) stay as
    they are; a numpy array becomes its dtype, shape and the SHA-256 of its bytes; a numpy
    scalar its value; a pydantic model or a dataclass its type name and fields; an enum its
    type name and value; a path the SHA-256 of the file's bytes (None when there is no such
    file); a date its ISO text; a set its sorted members; bytes their SHA-256.

    Raises
    ------
    TypeError
        Anything else (a DataFrame, an object array, an arbitrary object): its ``str`` may
        not hold all of its content, and two different inputs must never share a key.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return _plain_dict(value)
    if kind is list or kind is tuple:
        return [v if type(v) in _PLAIN else canonical(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return _plain_dict(value)
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError("content_key cannot hash an object array by its content")
        data = np.ascontiguousarray(value)
        return {
            "__ndarray__": data.dtype.str,
            "shape": list(data.shape),
            "sha256": hashlib.sha256(data.tobytes()).hexdigest(),
        }
    if isinstance(value, np.generic):
        return canonical(value.item())
    if isinstance(value, Enum):
        return {"__enum__": _type_name(value), "value": canonical(value.value)}
    if isinstance(value, BaseModel):
        return {"__model__": _type_name(value), "fields": canonical(value.model_dump())}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__dataclass__": _type_name(value), "fields": fields}
    if isinstance(value, PurePath):
        return {"__file__": file_digest(value)}
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return {"__" + type(value).__name__ + "__": value.isoformat()}
    if isinstance(value, (set, frozenset)):
        members = [canonical(v) for v in value]
        return {"__set__": sorted(members, key=lambda m: json.dumps(m, sort_keys=True))}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__bytes__": hashlib.sha256(bytes(value)).hexdigest()}
    raise TypeError(
        f"content_key cannot hash a {_type_name(value)} by its content; pass its content "
        "(JSON data, arrays, models, dataclasses, file paths)"
    )


#: the JSON types (exactly these: a subclass goes through the checks of `canonical`)
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _plain_dict(value: dict) -> dict:
    for k in value:
        if type(k) is not str and not isinstance(k, str):
            raise TypeError(
                f"content_key: a mapping key must be text, not {type(k).__name__} "
                f"({k!r}): 1 and '1' would share a key"
            )
    return {k: v if type(v) in _PLAIN else canonical(v) for k, v in value.items()}


def _type_name(value: Any) -> str:
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}"


def canonical_json(value: Any) -> str:
    """The canonical JSON text of :func:`canonical` ``(value)`` (sorted keys, NaN kept as
    text); plain JSON data gives the text ``json.dumps`` gives it."""
    return json.dumps(canonical(value), sort_keys=True, ensure_ascii=False)


def content_key(kind: str, *parts: Any) -> str:
    """``kind|sha256`` of the canonical JSON of ``parts`` (:func:`canonical`).

    Raises
    ------
    TypeError
        A part that cannot be hashed by its content.
    """
    text = canonical_json(parts)
    return f"{kind}|" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def kind_of(key: str) -> str:
    """A key's kind: its text before the first ``|``."""
    return key.partition("|")[0]


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
    kind_caps : mapping of str to int, optional
        Most entries of a kind (:func:`kind_of`) kept; the kind's least recently used goes
        first. Default none.
    """

    def __init__(
        self, maxsize: int = CACHE_SIZE, kind_caps: Mapping[str, int] | None = None
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        caps = dict(kind_caps or {})
        if any(cap < 1 for cap in caps.values()):
            raise ValueError("a kind's cap must be at least 1")
        self.maxsize = maxsize
        self.kind_caps = caps
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
        """Keep ``value`` under ``key``, dropping the least recently used beyond the caps."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            cap = self.kind_caps.get(kind_of(key))
            if cap is not None:
                same = [k for k in self._items if kind_of(k) == kind_of(key)]
                for k in same[: max(0, len(same) - cap)]:  # oldest first
                    del self._items[k]
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
CACHE = ContentCache(kind_caps=KIND_CAPS)


def clear_cache() -> None:
    """Empty the services' cache (tests; a process never needs it)."""
    CACHE.clear()
