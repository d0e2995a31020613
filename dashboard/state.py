"""The current scenario: inputs (JSON, kept in a per-session ``dcc.Store``) -> SolvencyResult.

Inputs are small JSON::

    {"holdings": [row dicts], "company": {company dict}, "regime": "cross2-2025-12",
     "source": {"holdings": "my.csv", "company": "my.toml"}}

``{"regime": name}`` alone (the regime selector used on the start-up files) means the
start-up files under that regime.

``None`` (nothing uploaded in this browser session) means the app's start-up files
(`AppEnv.holdings_path` / ``company_path``). Results are cached per process by a hash of the
inputs (a pure cache: the same inputs always give the same result, so workers need not share
it). Nothing here mutates shared state beyond that bounded cache.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.io import read_company, read_holdings
from analyzer.io.company import Company, Liabilities, company_from_dict
from analyzer.io.holdings import Holdings, frame_from_records, validate_holdings
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import DEFAULT_REGIME, available_regimes
from analyzer.solvency.result import SolvencyResult
from dashboard.store import _clean

CACHE_SIZE = 32
_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


class NoData(Exception):
    """Neither an uploaded scenario nor the start-up files are available."""


# -- conversions -----------------------------------------------------------------------------
def holdings_records(holdings: Holdings) -> list[dict[str, Any]]:
    """JSON-able rows of validated holdings (NaN -> None); `holdings_from_records` inverts it."""
    return _clean(holdings.frame.to_dict(orient="records"))  # type: ignore[no-any-return]


def holdings_from_records(records: list[dict[str, Any]], source: str = "<scenario>") -> Holdings:
    return validate_holdings(frame_from_records(records), file=source)


def company_dict(company: Company) -> dict[str, Any]:
    """JSON-able company (liability arrays as lists, no ``source``)."""
    data = company.model_dump(exclude={"source", "liabilities"})
    if company.liabilities is not None:
        data["liabilities"] = {
            "cash_flows": [float(x) for x in company.liabilities.cash_flows],
            "spot_curve": [float(x) for x in company.liabilities.spot_curve],
        }
    return _clean(data)  # type: ignore[no-any-return]


def company_from_json(data: dict[str, Any], source: str = "<scenario>") -> Company:
    data = dict(data)
    liab = data.pop("liabilities", None)
    if liab:
        data["liabilities"] = Liabilities(
            cash_flows=np.asarray(liab["cash_flows"], dtype=float),
            spot_curve=np.asarray(liab["spot_curve"], dtype=float),
        )
    return company_from_dict(data, source)


def make_inputs(
    holdings: Holdings,
    company: Company,
    regime: str = DEFAULT_REGIME,
    source: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "holdings": holdings_records(holdings),
        "company": company_dict(company),
        "regime": regime,
        "source": dict(source or {}),
    }


def normalize_regime(regime: str | None) -> str:
    return regime if regime in available_regimes() else DEFAULT_REGIME


# -- the start-up scenario -------------------------------------------------------------------
def default_inputs(env: Any) -> dict[str, Any]:
    """Inputs of the start-up files; raises `NoData` when a file is missing."""
    missing = env.missing_data()
    if missing:
        raise NoData(", ".join(env.display_path(p) for p in missing))
    hp, cp = Path(env.holdings_path), Path(env.company_path)
    key = f"default|{hp}|{hp.stat().st_mtime_ns}|{cp}|{cp.stat().st_mtime_ns}"
    cached = _get(key)
    if cached is None:
        cached = make_inputs(
            read_holdings(hp),
            read_company(cp),
            source={"holdings": env.display_path(hp), "company": env.display_path(cp)},
        )
        _put(key, cached)
    return cached  # type: ignore[no-any-return]


def current_inputs(data: dict[str, Any] | None, env: Any) -> dict[str, Any]:
    """The store's inputs, or the start-up scenario when the store holds no holdings.

    A store of only ``{"regime": name}`` (the regime selector on the start-up files) gives the
    start-up scenario under that regime.
    """
    if data and data.get("holdings") and data.get("company"):
        return data
    base = default_inputs(env)
    regime = (data or {}).get("regime")
    if regime and normalize_regime(regime) != base.get("regime"):
        base = {**base, "regime": normalize_regime(regime)}
    return base


def current_regime(data: dict[str, Any] | None) -> str:
    """The regime of the current-scenario store (the engine default when unset)."""
    return normalize_regime((data or {}).get("regime"))


def with_regime(data: dict[str, Any] | None, regime: str | None) -> dict[str, Any]:
    """The store value with its regime changed: full inputs keep their rows, an empty store
    becomes ``{"regime": name}`` (the start-up files under that regime)."""
    regime = normalize_regime(regime)
    if data and data.get("holdings") and data.get("company"):
        return {**data, "regime": regime}
    return {**(data or {}), "regime": regime}


# -- evaluation (cached) ---------------------------------------------------------------------
def inputs_hash(inputs: dict[str, Any], regime: str | None = None) -> str:
    doc = {
        "holdings": inputs["holdings"],
        "company": inputs["company"],
        "regime": normalize_regime(regime or inputs.get("regime")),
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _get(key: str) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    return None


def _put(key: str, value: Any) -> None:
    with _lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def parsed(inputs: dict[str, Any]) -> tuple[Holdings, Company]:
    """Validated holdings and company of the inputs (cached)."""
    key = "parsed|" + inputs_hash(inputs, DEFAULT_REGIME)
    hit = _get(key)
    if hit is None:
        src = inputs.get("source") or {}
        hit = (
            holdings_from_records(inputs["holdings"], src.get("holdings", "<scenario>")),
            company_from_json(inputs["company"], src.get("company", "<scenario>")),
        )
        _put(key, hit)
    return hit  # type: ignore[no-any-return]


def result_for(inputs: dict[str, Any], regime: str | None = None) -> SolvencyResult:
    """The SolvencyResult of the inputs under ``regime`` (default: the inputs' regime)."""
    regime = normalize_regime(regime or inputs.get("regime"))
    key = "result|" + inputs_hash(inputs, regime)
    hit = _get(key)
    if hit is None:
        holdings, company = parsed(inputs)
        hit = evaluate(holdings, company, regime)
        _put(key, hit)
    return hit  # type: ignore[no-any-return]


def current_result(data: dict[str, Any] | None, env: Any) -> SolvencyResult:
    return result_for(current_inputs(data, env))


def class_values(holdings: Holdings) -> dict[str, float]:
    """Market value per asset class (CNY)."""
    grouped = holdings.frame.groupby("asset_class", sort=True)["market_value"].sum()
    return {str(k): float(v) for k, v in grouped.items()}


def proposed_inputs(inputs: dict[str, Any], weights: dict[str, float] | None) -> dict | None:
    """Inputs with each asset class scaled to the proposed weight (None without weights).

    ``holdings.scaled({cls: new_w * total / old_value})``; classes not in ``weights`` keep
    their value; a class with no current value cannot be scaled and is ignored.
    """
    if not weights:
        return None
    holdings, _ = parsed(inputs)
    values = class_values(holdings)
    total = sum(values.values())
    factors = {
        cls: float(w) * total / values[cls]
        for cls, w in weights.items()
        if cls in values and values[cls] > 0 and w is not None
    }
    if not factors:
        return None
    scaled = holdings.scaled(factors)
    out = dict(inputs)
    out["holdings"] = holdings_records(scaled)
    return out


def clear_cache() -> None:
    with _lock:
        _cache.clear()
