"""The current scenario: inputs (JSON, kept in a per-session ``dcc.Store`` as a token signed
by the server, see `dashboard.trust`) -> SolvencyResult.

Inputs are small JSON::

    {"holdings": [row dicts], "company": {company dict}, "regime": "cross2-2025-12",
     "source": {"holdings": "my.csv", "company": "my.toml"},
     "assumptions": {assumptions dict} (optional: uploaded capital market assumptions;
                    without it the bundled data/assumptions.csv applies),
     "templates": {"rows": [row dicts], "source": "t.csv"} (optional: uploaded template
                  positions of classes not held yet, holdings format; without it the bundled
                  data/templates.csv applies when it exists)}

A loaded saved scenario also carries ``scenario_id``, ``scenario_name`` and ``saved`` (the
regime and a hash of the inputs as saved), so the Data page can say when it was modified.

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
import tempfile
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.errors import InputError, InputProblem
from analyzer.io import read_company, read_holdings
from analyzer.io.assumptions import Assumptions
from analyzer.io.company import Company, Liabilities, company_from_dict
from analyzer.io.holdings import Holdings, frame_from_records, validate_holdings
from analyzer.samples import sample_dir
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
    data = company.model_dump(mode="json", exclude={"source", "liabilities"})
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
    return company_from_dict(data, source, plausibility=True)  # sent by a browser: every rule


def make_inputs(
    holdings: Holdings,
    company: Company,
    regime: str = DEFAULT_REGIME,
    source: dict[str, str] | None = None,
    assumptions: dict[str, Any] | None = None,
    templates: dict[str, Any] | None = None,
) -> dict[str, Any]:
    out = {
        "holdings": holdings_records(holdings),
        "company": company_dict(company),
        "regime": regime,
        "source": dict(source or {}),
    }
    if assumptions:
        out["assumptions"] = assumptions
    if templates:
        out["templates"] = templates
    return out


# -- capital market assumptions --------------------------------------------------------------
BUNDLED_ASSUMPTIONS = sample_dir() / "assumptions.csv"
_ASSUMPTION_FIELDS = (
    "expected_return",
    "volatility",
    "min_weight",
    "max_weight",
    "idiosyncratic_volatility",
)


def assumptions_dict(
    assumptions: Assumptions, source: dict[str, str] | None = None
) -> dict[str, Any]:
    """JSON-able validated assumptions (`assumptions_from_json` re-reads them through the
    core reader). ``source``: ``{"assumptions": name, "correlations": name}``."""

    def num(x: Any) -> float:
        # + 0.0 turns -0.0 into 0.0: the browser's session store writes -0 as 0 and, reading
        # it back unequal, would set the store again and again (React error #185)
        return float(x) + 0.0

    out: dict[str, Any] = {"classes": [str(c) for c in assumptions.classes]}
    for f in _ASSUMPTION_FIELDS:
        out[f] = [num(x) for x in getattr(assumptions, f)]
    out["liquid"] = [bool(x) for x in assumptions.liquid]
    out["correlation"] = [[num(x) for x in row] for row in assumptions.correlation]
    out["repaired"] = bool(assumptions.repaired)
    out["source"] = dict(source or {})
    return out


def assumptions_from_json(data: dict[str, Any]) -> Assumptions:
    """`Assumptions` of a stored dict, validated again by `read_assumptions` (the store lives in
    the browser): written to a temporary assumptions/correlations CSV pair and read back."""
    import pandas as pd

    from analyzer.io.assumptions import read_assumptions

    classes = [str(c) for c in data["classes"]]
    liquid = data.get("liquid") or [False] * len(classes)
    table = pd.DataFrame(
        {
            "asset_class": classes,
            **{f: data[f] for f in _ASSUMPTION_FIELDS if f in data},
            "liquid": ["true" if x else "false" for x in liquid],
        }
    )
    corr = pd.DataFrame(data["correlation"], columns=classes)
    corr.insert(0, "asset_class", classes)
    src = (data.get("source") or {}).get("assumptions") or "assumptions.csv"
    with tempfile.TemporaryDirectory(prefix="analyzer-assumptions-") as tmp:
        folder = Path(tmp)
        table.to_csv(folder / "assumptions.csv", index=False)
        corr.to_csv(folder / "correlations.csv", index=False)
        try:
            a = read_assumptions(
                folder / "assumptions.csv",
                folder / "correlations.csv",
                repair=bool(data.get("repaired")),
            )
        except InputError as exc:
            prefix = str(folder) + "/"
            raise InputError(
                [
                    InputProblem(
                        src if p.file.startswith(prefix) else p.file, p.row, p.column, p.message
                    )
                    for p in exc.problems
                ]
            ) from None
    return replace(a, source=src, repaired=bool(data.get("repaired")))


def bundled_assumptions() -> Assumptions | None:
    """The bundled data/assumptions.csv (+ correlations.csv), None without the file."""
    path = BUNDLED_ASSUMPTIONS
    if not path.is_file():
        return None
    key = f"bundled-assumptions|{path}|{path.stat().st_mtime_ns}"
    hit = _get(key)
    if hit is None:
        from analyzer.io.assumptions import read_assumptions

        hit = read_assumptions(path)
        _put(key, hit)
    return hit  # type: ignore[no-any-return]


def assumptions_for(inputs: dict[str, Any] | None) -> Assumptions | None:
    """The inputs' uploaded assumptions, else the bundled ones (None when neither exists)."""
    data = (inputs or {}).get("assumptions")
    if not data:
        return bundled_assumptions()
    text = json.dumps(data, sort_keys=True, default=str)
    key = "assumptions|" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    hit = _get(key)
    if hit is None:
        hit = assumptions_from_json(data)
        _put(key, hit)
    return hit  # type: ignore[no-any-return]


def assumptions_source(inputs: dict[str, Any] | None) -> str:
    """Where the assumptions come from (file names of an upload, or the bundled file)."""
    data = (inputs or {}).get("assumptions")
    if not data:
        return "data/assumptions.csv"
    src = data.get("source") or {}
    names = [src.get("assumptions"), src.get("correlations")]
    return " + ".join(n for n in names if n) or "<upload>"


# -- template positions of new asset classes -------------------------------------------------
BUNDLED_TEMPLATES = BUNDLED_ASSUMPTIONS.parent / "templates.csv"
BUNDLED_TEMPLATES_LABEL = "data/templates.csv"


def templates_dict(templates: Holdings, source: str) -> dict[str, Any]:
    """JSON-able validated template positions (`templates_for` validates them again)."""
    return {"rows": holdings_records(templates), "source": source}


def bundled_templates() -> Holdings | None:
    """The bundled data/templates.csv, None without the file."""
    path = BUNDLED_TEMPLATES
    if not path.is_file():
        return None
    key = f"bundled-templates|{path}|{path.stat().st_mtime_ns}"
    hit = _get(key)
    if hit is None:
        hit = read_holdings(path)
        _put(key, hit)
    return hit  # type: ignore[no-any-return]


def templates_for(inputs: dict[str, Any] | None) -> Holdings | None:
    """The inputs' uploaded template positions, else the bundled ones (None when neither)."""
    data = (inputs or {}).get("templates")
    if not data:
        return bundled_templates()
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    key = "templates|" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    hit = _get(key)
    if hit is None:
        hit = holdings_from_records(data["rows"], data.get("source") or "templates")
        _put(key, hit)
    return hit  # type: ignore[no-any-return]


def templates_source(inputs: dict[str, Any] | None) -> str | None:
    """The uploaded templates' file name, the bundled file, or None (no templates)."""
    data = (inputs or {}).get("templates")
    if data:
        return str(data.get("source") or "<upload>")
    return BUNDLED_TEMPLATES_LABEL if BUNDLED_TEMPLATES.is_file() else None


def check_templates(inputs: dict[str, Any], templates: Holdings) -> tuple[str, ...]:
    """Raise the core's `InputError` (naming the templates file and row) when the templates
    cannot be used with the inputs (a class without assumptions, a position the engine cannot
    charge for this company ...); else the core's notes (new classes, templates ignored)."""
    from dashboard.lab_logic import with_templates

    holdings, company = parsed(inputs)
    _, _, notes = with_templates(
        holdings,
        company,
        assumptions_for(inputs),
        templates,
        normalize_regime(inputs.get("regime")),
    )
    return notes


def missing_classes(holdings: Holdings, assumptions: Assumptions) -> list[str]:
    """Asset classes of the holdings without assumptions (blank classes ignored)."""
    known = set(assumptions.classes)
    classes = sorted({str(c) for c in holdings.frame["asset_class"]} - {""})
    return [c for c in classes if c not in known]


def check_assumptions(holdings: Holdings, assumptions: Assumptions) -> None:
    """Raise the core's `InputError` when a class of the holdings has no assumptions."""
    classes = sorted({str(c) for c in holdings.frame["asset_class"]} - {""})
    assumptions.subset(classes)


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
def inputs_hash(inputs: dict[str, Any], regime: str | None = None, assumptions: bool = True) -> str:
    """Hash of what the numbers depend on (holdings, company, regime and, unless
    ``assumptions=False``, uploaded assumptions and templates -- what only the optimiser,
    the lab and the market model read)."""
    doc = {
        "holdings": inputs["holdings"],
        "company": inputs["company"],
        "regime": normalize_regime(regime or inputs.get("regime")),
    }
    if assumptions and inputs.get("assumptions"):
        doc["assumptions"] = inputs["assumptions"]
    if assumptions and inputs.get("templates"):
        doc["templates"] = inputs["templates"]
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
    key = "parsed|" + inputs_hash(inputs, DEFAULT_REGIME, assumptions=False)
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
    key = "result|" + inputs_hash(inputs, regime, assumptions=False)
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
    their value. A class with no current value is bought in the mix of the scenario's
    template positions (`templates_for`, the lab's and the optimiser's 1-CNY rows scaled to
    ``new_w * total``, ids ``template:...``); without a usable template it is ignored.
    """
    if not weights:
        return None
    holdings, company = parsed(inputs)
    values = class_values(holdings)
    total = sum(values.values())
    wanted = {c for c, w in weights.items() if w and c not in values and float(w) > 0}
    base = holdings
    if wanted:
        base = _with_new_classes(inputs, holdings, company, wanted)
    base_values = class_values(base)
    factors = {
        cls: float(w or 0.0) * total / base_values[cls]
        for cls, w in weights.items()
        if cls in base_values and base_values[cls] > 0 and w is not None
    }
    if not factors:
        return None
    scaled = base.scaled(factors)
    if base is not holdings:  # drop the template rows of new classes left at 0
        from analyzer.optimize.universe import TEMPLATE_PREFIX

        f = scaled.frame
        keep = ~(
            f["id"].astype(str).str.startswith(TEMPLATE_PREFIX).to_numpy()
            & (f["market_value"].to_numpy(dtype=float) == 0)
        )
        scaled = Holdings(f[keep].reset_index(drop=True), scaled.source)
    out = dict(inputs)
    out["holdings"] = holdings_records(scaled)
    return out


def _with_new_classes(
    inputs: dict[str, Any], holdings: Holdings, company: Company, classes: set[str]
) -> Holdings:
    """``holdings`` plus the 1-CNY template rows of ``classes`` (unchanged when there are no
    usable templates for them)."""
    from dashboard.lab_logic import with_templates

    templates = templates_for(inputs)
    if templates is None:
        return holdings
    mine = templates.frame["asset_class"].astype(str).isin(sorted(classes)).to_numpy()
    if not mine.any():
        return holdings
    try:
        out, _, _ = with_templates(
            holdings,
            company,
            assumptions_for(inputs),
            Holdings(templates.frame[mine].reset_index(drop=True), templates.source),
            normalize_regime(inputs.get("regime")),
        )
    except InputError:
        return holdings
    return out


def validated_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs rebuilt from what the core's validation layer accepts: holdings through
    `validate_holdings`, the company through `company_from_dict`, uploaded assumptions through
    `read_assumptions`, uploaded templates through the holdings reader. Raises the core's
    `InputError` (row by row) for anything else. What is saved goes through here."""
    holdings, company = parsed(inputs)
    out = make_inputs(
        holdings,
        company,
        regime=normalize_regime(inputs.get("regime")),
        source=dict(inputs.get("source") or {}),
    )
    if inputs.get("assumptions"):
        src = inputs["assumptions"].get("source") or {}
        out["assumptions"] = assumptions_dict(assumptions_for(inputs), src)  # type: ignore[arg-type]
    if inputs.get("templates"):
        t = templates_for(inputs)
        out["templates"] = templates_dict(t, str(inputs["templates"].get("source") or "templates"))  # type: ignore[arg-type]
    return out


#: Tolerance of a proposal's sum of weights (fractions): the lab's 0.01 percentage point.
WEIGHT_SUM_TOLERANCE = 1e-4 + 1e-12


def validated_weights(
    weights: dict[str, Any] | None, inputs: dict[str, Any]
) -> dict[str, float] | None:
    """A proposal {asset_class: fraction} checked against the inputs, as the lab writes it:
    a weight for every held class, every class held or offered by a template, every weight a
    finite number in [0, 1], the sum 1. None stays None; anything else raises `InputError`
    naming the class."""
    if not weights:
        return None
    if not isinstance(weights, dict):
        raise InputError.single("<proposal>", None, None, "a proposal is {asset_class: weight}")
    holdings, _ = parsed(inputs)
    known = set(class_values(holdings))
    templates = templates_for(inputs)
    if templates is not None:
        known |= {str(c) for c in templates.frame["asset_class"]}
    out: dict[str, float] = {}
    problems = []
    for cls, w in weights.items():
        if cls not in known:
            problems.append(InputProblem("<proposal>", None, str(cls), "unknown asset class"))
            continue
        ok = isinstance(w, int | float) and not isinstance(w, bool) and np.isfinite(w)
        if not ok or not 0.0 <= float(w) <= 1.0:
            problems.append(
                InputProblem("<proposal>", None, str(cls), f"weight {w!r} is not in [0, 1]")
            )
            continue
        out[str(cls)] = float(w)
    missing = sorted(c for c, v in class_values(holdings).items() if v > 0 and c not in out)
    problems.extend(
        InputProblem("<proposal>", None, c, "the proposal has no weight for this held class")
        for c in missing
        if c not in weights
    )
    if not problems and abs(sum(out.values()) - 1.0) > WEIGHT_SUM_TOLERANCE:
        problems.append(
            InputProblem(
                "<proposal>", None, None, f"weights add up to {sum(out.values()):.6f}, not 1"
            )
        )
    if problems:
        raise InputError(problems)
    return out


def clear_cache() -> None:
    with _lock:
        _cache.clear()
