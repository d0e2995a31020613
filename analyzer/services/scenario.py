"""The scenario a front end works on: a typed `Scenario` model, its JSON form, its parsing
into the core's inputs and its solvency result.

A scenario is small JSON (what the dashboard keeps per session in the browser)::

    {"holdings": [row dicts], "company": {company dict}, "regime": "cross2-2025-12",
     "source": {"holdings": "my.csv", "company": "my.toml"},
     "assumptions": {assumptions dict} (optional: uploaded capital market assumptions;
                    without it the bundled assumptions.csv applies),
     "templates": {"rows": [row dicts], "source": "t.csv"} (optional: uploaded template
                  positions of classes not held yet, holdings format; without it the bundled
                  templates.csv applies when it exists)}

A loaded saved scenario also carries ``scenario_id``, ``scenario_name`` and ``saved`` (the
regime and a hash of the inputs as saved).

What comes back from a browser is never used as sent: `Scenario.from_store` checks its shape
(every key known, every value of its type; `InputError` naming the field otherwise) and the
rows and the company go through the core's readers (`validate_holdings`,
`company_from_dict` with every plausibility rule) before any number is computed (`parsed`).
Parsed inputs and results are kept in the services' one cache (`analyzer.services.cache`),
keyed on the scenario's content.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    TypeAdapter,
    ValidationError,
)

from analyzer.errors import InputError, InputProblem
from analyzer.io import read_company, read_holdings
from analyzer.io.assumptions import Assumptions, read_assumptions
from analyzer.io.company import Company, Liabilities, company_from_dict
from analyzer.io.holdings import Holdings, frame_from_records, validate_holdings
from analyzer.messages import register, text
from analyzer.optimize.universe import TEMPLATE_PREFIX
from analyzer.samples import sample_dir
from analyzer.services.cache import CACHE, canonical_json, content_key, file_digest
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import DEFAULT_REGIME, available_regimes
from analyzer.solvency.result import SolvencyResult

#: where a problem of a scenario sent by a browser is reported
STORE_FILE = "<scenario>"
PROPOSAL_FILE = "<proposal>"

register(
    {
        "scenario.not_object": (
            "the scenario sent by the browser is not an object",
            "浏览器发来的情景不是一个对象",
        ),
        "scenario.not_valid": (
            "the scenario sent by the browser is not valid: {reason}",
            "浏览器发来的情景无效：{reason}",
        ),
        "scenario.proposal_not_valid": (
            "the proposal sent by the browser is not valid: {reason}",
            "浏览器发来的拟议配置无效：{reason}",
        ),
        "scenario.proposal_not_mapping": (
            "a proposal is {{asset_class: weight}}",
            "拟议配置须为 {{资产大类: 权重}}",
        ),
        "scenario.unknown_class": ("unknown asset class", "未知的资产大类"),
        "scenario.weight_range": (
            "weight {value} is not in [0, 1]",
            "权重 {value} 不在 [0, 1] 之内",
        ),
        "scenario.weight_missing": (
            "the proposal has no weight for this held class",
            "拟议配置缺少该持有资产大类的权重",
        ),
        "scenario.weight_sum": (
            "weights add up to {total:.6f}, not 1",
            "权重合计为 {total:.6f}，不等于 1",
        ),
    }
)


class NoData(Exception):
    """Neither an uploaded scenario nor the start-up files are available."""


def clean(value: Any) -> Any:
    """Replace NaN/inf floats (pandas' missing values) by None and numpy scalars by Python
    ones, recursively (what JSON can hold)."""
    if isinstance(value, float):
        return None if not np.isfinite(value) else value
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes):
        try:
            return clean(item())
        except (TypeError, ValueError):
            return value
    return value


# -- the typed model -------------------------------------------------------------------------
Scalar = str | int | float | bool | None
#: one holdings row: column -> cell (the core's `validate_holdings` checks the cells)
Row = dict[str, Scalar]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioSource(_Part):
    """Where the scenario's files came from, the warnings accepted for them and the readers'
    notes (``{"en": ..., "zh": ...}`` each)."""

    holdings: str | None = None
    company: str | None = None
    accepted_warnings: list[dict[str, Any]] | None = None
    notes: list[dict[str, str]] | None = None


class AssumptionsData(_Part):
    """Uploaded capital market assumptions (fractions per class, in ``classes`` order);
    `assumptions_from_json` reads them again through the core's `read_assumptions`."""

    classes: list[str]
    expected_return: list[float | None] | None = None
    volatility: list[float | None] | None = None
    min_weight: list[float | None] | None = None
    max_weight: list[float | None] | None = None
    idiosyncratic_volatility: list[float | None] | None = None
    liquid: list[bool] | None = None
    correlation: list[list[float | None]]
    repaired: bool = False
    source: dict[str, str] | None = None


class TemplatesData(_Part):
    """Uploaded template positions (holdings rows) of classes not held yet."""

    rows: list[Row]
    source: str | None = None


class SavedMark(_Part):
    """The regime and inputs hash of a saved scenario as loaded (what "modified" compares)."""

    regime: str | None = None
    hash: str | None = None


class Scenario(_Part):
    """The current scenario of a front end (see the module doc); its JSON form is
    `to_store`, read back by `from_store`."""

    holdings: list[Row]
    company: dict[str, Any]
    regime: str = DEFAULT_REGIME
    source: ScenarioSource = Field(default_factory=ScenarioSource)
    assumptions: AssumptionsData | None = None
    templates: TemplatesData | None = None
    scenario_id: int | None = None
    scenario_name: str | None = None
    saved: SavedMark | None = None
    _hashes: dict[Any, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_store(cls, data: Any) -> Scenario:
        """The scenario of a JSON value a client sent; `InputError` naming each field that is
        not of the scenario's shape (unknown key, wrong type)."""
        if isinstance(data, Scenario):
            return data
        if not isinstance(data, Mapping):
            raise InputError.single(STORE_FILE, None, None, text("scenario.not_object"))
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise _shape_error(exc, STORE_FILE, "scenario.not_valid") from None

    def to_store(self) -> dict[str, Any]:
        """The JSON form (what a ``dcc.Store`` holds); `from_store` inverts it."""
        out: dict[str, Any] = {
            "holdings": [dict(r) for r in self.holdings],
            "company": dict(self.company),
            "regime": self.regime,
            "source": self.source.model_dump(exclude_none=True),
        }
        if self.assumptions is not None:
            out["assumptions"] = self.assumptions.model_dump(exclude_none=True)
        if self.templates is not None:
            out["templates"] = self.templates.model_dump(exclude_none=True)
        for key in ("scenario_id", "scenario_name"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.saved is not None:
            out["saved"] = self.saved.model_dump(exclude_none=True)
        return out

    def updated(self, **changes: Any) -> Scenario:
        """A copy with ``changes`` (values of the fields' types; its hashes computed anew)."""
        out = self.model_copy(update=changes)
        out._hashes = {}
        return out


ScenarioLike = Scenario | Mapping[str, Any]


def _shape_error(exc: ValidationError, file: str, code: str) -> InputError:
    """The problems of a value not of its model's shape: one per field (at most ten)."""
    return InputError(
        [
            InputProblem(
                file,
                None,
                ".".join(str(p) for p in e["loc"]) or None,
                text(code, reason=e["msg"]),
            )
            for e in exc.errors()[:10]
        ]
    )


def as_scenario(inputs: ScenarioLike) -> Scenario:
    """``inputs`` as a validated `Scenario` (a JSON value goes through `Scenario.from_store`)."""
    return inputs if isinstance(inputs, Scenario) else Scenario.from_store(inputs)


# -- conversions -----------------------------------------------------------------------------
def holdings_records(holdings: Holdings) -> list[dict[str, Any]]:
    """JSON-able rows of validated holdings (NaN -> None); `holdings_from_records` inverts it."""
    return [dict(r) for r in clean(holdings.frame.to_dict(orient="records"))]


def holdings_from_records(records: list[Row], source: str = STORE_FILE) -> Holdings:
    return validate_holdings(frame_from_records([dict(r) for r in records]), file=source)


def company_dict(company: Company) -> dict[str, Any]:
    """JSON-able company (liability arrays as lists, no ``source``)."""
    data = company.model_dump(mode="json", exclude={"source", "liabilities"})
    if company.liabilities is not None:
        data["liabilities"] = {
            "cash_flows": [float(x) for x in company.liabilities.cash_flows],
            "spot_curve": [float(x) for x in company.liabilities.spot_curve],
        }
    return dict(clean(data))


def company_from_json(data: Mapping[str, Any], source: str = STORE_FILE) -> Company:
    data = dict(data)
    liab = data.pop("liabilities", None)
    if liab:
        data["liabilities"] = Liabilities(
            cash_flows=np.asarray(liab["cash_flows"], dtype=float),
            spot_curve=np.asarray(liab["spot_curve"], dtype=float),
        )
    return company_from_dict(data, source, plausibility=True)  # sent by a browser: every rule


def make_scenario(
    holdings: Holdings,
    company: Company,
    regime: str = DEFAULT_REGIME,
    source: Mapping[str, Any] | None = None,
    assumptions: AssumptionsData | Mapping[str, Any] | None = None,
    templates: TemplatesData | Mapping[str, Any] | None = None,
) -> Scenario:
    """The scenario of validated holdings and company (plus optional uploaded parts)."""
    doc: dict[str, Any] = {
        "holdings": holdings_records(holdings),
        "company": company_dict(company),
        "regime": regime,
        "source": dict(source or {}),
    }
    if assumptions:
        doc["assumptions"] = _plain(assumptions)
    if templates:
        doc["templates"] = _plain(templates)
    return Scenario.from_store(doc)


def make_inputs(
    holdings: Holdings,
    company: Company,
    regime: str = DEFAULT_REGIME,
    source: Mapping[str, Any] | None = None,
    assumptions: AssumptionsData | Mapping[str, Any] | None = None,
    templates: TemplatesData | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`make_scenario` in its JSON form (what a store holds)."""
    return make_scenario(holdings, company, regime, source, assumptions, templates).to_store()


def _part(inputs: Any, name: str) -> Any:
    """The uploaded part ``name`` of a scenario (None for a store value without rows)."""
    return getattr(as_scenario(inputs), name) if has_rows(inputs) else None


def _plain(part: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    return part.model_dump(exclude_none=True) if isinstance(part, BaseModel) else dict(part)


# -- capital market assumptions --------------------------------------------------------------
BUNDLED_ASSUMPTIONS = sample_dir() / "assumptions.csv"
BUNDLED_CORRELATIONS = BUNDLED_ASSUMPTIONS.parent / "correlations.csv"
BUNDLED_ASSUMPTIONS_LABEL = "data/assumptions.csv"
_ASSUMPTION_FIELDS = (
    "expected_return",
    "volatility",
    "min_weight",
    "max_weight",
    "idiosyncratic_volatility",
)


def assumptions_dict(
    assumptions: Assumptions, source: Mapping[str, str] | None = None
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


def assumptions_from_json(data: AssumptionsData | Mapping[str, Any]) -> Assumptions:
    """`Assumptions` of a stored dict, validated again by `read_assumptions` (the store lives in
    the browser): written to a temporary assumptions/correlations CSV pair and read back."""
    part = data if isinstance(data, AssumptionsData) else AssumptionsData.model_validate(data)
    classes = list(part.classes)
    liquid = part.liquid or [False] * len(classes)
    table = pd.DataFrame(
        {
            "asset_class": classes,
            **{f: getattr(part, f) for f in _ASSUMPTION_FIELDS if getattr(part, f) is not None},
            "liquid": ["true" if x else "false" for x in liquid],
        }
    )
    corr = pd.DataFrame(part.correlation, columns=classes)
    corr.insert(0, "asset_class", classes)
    src = (part.source or {}).get("assumptions") or "assumptions.csv"
    with tempfile.TemporaryDirectory(prefix="analyzer-assumptions-") as tmp:
        folder = Path(tmp)
        table.to_csv(folder / "assumptions.csv", index=False)
        corr.to_csv(folder / "correlations.csv", index=False)
        try:
            a = read_assumptions(
                folder / "assumptions.csv", folder / "correlations.csv", repair=part.repaired
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
    return replace(a, source=src, repaired=part.repaired)


def bundled_assumptions() -> Assumptions | None:
    """The bundled assumptions.csv (+ correlations.csv), None without the file."""
    return read_assumptions_file(BUNDLED_ASSUMPTIONS)


def read_assumptions_file(path: Path) -> Assumptions | None:
    """The assumptions of a file pair (its correlations.csv beside it; cached by content),
    None without the file."""
    digest = file_digest(path)
    if digest is None:
        return None
    key = content_key("assumptions-file", digest, file_digest(path.parent / "correlations.csv"))
    return CACHE.get_or_build(key, lambda: read_assumptions(path))


def assumptions_for(inputs: ScenarioLike | None) -> Assumptions | None:
    """The inputs' uploaded assumptions, else the bundled ones (None when neither exists)."""
    part = _part(inputs, "assumptions")
    if part is None:
        return bundled_assumptions()
    key = content_key("assumptions", part.model_dump(exclude_none=True))
    return CACHE.get_or_build(key, lambda: assumptions_from_json(part))


def assumptions_source(inputs: ScenarioLike | None) -> str:
    """Where the assumptions come from (file names of an upload, or the bundled file)."""
    part = _part(inputs, "assumptions")
    if part is None:
        return BUNDLED_ASSUMPTIONS_LABEL
    src = part.source or {}
    names = [src.get("assumptions"), src.get("correlations")]
    return " + ".join(n for n in names if n) or "<upload>"


def missing_classes(holdings: Holdings, assumptions: Assumptions) -> list[str]:
    """Asset classes of the holdings without assumptions (blank classes ignored)."""
    known = set(assumptions.classes)
    classes = sorted({str(c) for c in holdings.frame["asset_class"]} - {""})
    return [c for c in classes if c not in known]


def check_assumptions(holdings: Holdings, assumptions: Assumptions) -> None:
    """Raise the core's `InputError` when a class of the holdings has no assumptions."""
    classes = sorted({str(c) for c in holdings.frame["asset_class"]} - {""})
    assumptions.subset(classes)


# -- template positions of new asset classes -------------------------------------------------
BUNDLED_TEMPLATES = BUNDLED_ASSUMPTIONS.parent / "templates.csv"
BUNDLED_TEMPLATES_LABEL = "data/templates.csv"


def templates_dict(templates: Holdings, source: str) -> dict[str, Any]:
    """JSON-able validated template positions (`templates_for` validates them again)."""
    return {"rows": holdings_records(templates), "source": source}


def bundled_templates() -> Holdings | None:
    """The bundled templates.csv, None without the file."""
    digest = file_digest(BUNDLED_TEMPLATES)
    if digest is None:
        return None
    return CACHE.get_or_build(
        content_key("templates-file", digest), lambda: read_holdings(BUNDLED_TEMPLATES)
    )


def templates_for(inputs: ScenarioLike | None) -> Holdings | None:
    """The inputs' uploaded template positions, else the bundled ones (None when neither)."""
    part = _part(inputs, "templates")
    if part is None:
        return bundled_templates()
    key = content_key("templates", part.model_dump(exclude_none=True))
    return CACHE.get_or_build(
        key, lambda: holdings_from_records(part.rows, part.source or "templates")
    )


def templates_source(inputs: ScenarioLike | None) -> str | None:
    """The uploaded templates' file name, the bundled file, or None (no templates)."""
    part = _part(inputs, "templates")
    if part is not None:
        return str(part.source or "<upload>")
    return BUNDLED_TEMPLATES_LABEL if BUNDLED_TEMPLATES.is_file() else None


def with_templates(
    holdings: Holdings,
    company: Company,
    assumptions: Assumptions | None,
    templates: Holdings | None,
    regime: str | None = None,
) -> tuple[Holdings, tuple[str, ...], tuple[str, ...]]:
    """(holdings + the 1-CNY template rows of the classes not held, new classes, notes): the
    core's `analyzer.optimize.universe.with_templates` (raises its `InputError`)."""
    from analyzer.optimize import with_templates as core_with_templates
    from analyzer.solvency.options import EngineOptions
    from analyzer.solvency.regime import load_regime

    if assumptions is None:
        return holdings, (), ()
    out, new, _, notes = core_with_templates(
        holdings,
        templates,
        assumptions,
        company,
        load_regime(regime or DEFAULT_REGIME),
        EngineOptions(),
    )
    return out, new, notes


def check_templates(inputs: ScenarioLike, templates: Holdings) -> tuple[str, ...]:
    """Raise the core's `InputError` (naming the templates file and row) when the templates
    cannot be used with the inputs (a class without assumptions, a position the engine cannot
    charge for this company ...); else the core's notes (new classes, templates ignored)."""
    scenario = as_scenario(inputs)
    holdings, company = parsed(scenario)
    _, _, notes = with_templates(
        holdings,
        company,
        assumptions_for(scenario),
        templates,
        normalize_regime(scenario.regime),
    )
    return notes


def normalize_regime(regime: str | None) -> str:
    return regime if regime in available_regimes() else DEFAULT_REGIME


# -- the start-up scenario and the store -----------------------------------------------------
def startup_scenario(
    holdings_path: Path, company_path: Path, labels: tuple[str, str] | None = None
) -> Scenario:
    """The scenario of the start-up files (cached by their content); raises `NoData` naming a
    missing file. ``labels``: how the files are shown (default: their paths)."""
    hp, cp = Path(holdings_path), Path(company_path)
    shown = labels or (str(hp), str(cp))
    missing = [s for p, s in zip((hp, cp), shown, strict=True) if not p.is_file()]
    if missing:
        raise NoData(", ".join(missing))
    key = content_key("startup", file_digest(hp), file_digest(cp), list(shown))
    return CACHE.get_or_build(
        key,
        lambda: make_scenario(
            read_holdings(hp),
            read_company(cp),
            source={"holdings": shown[0], "company": shown[1]},
        ),
    )


def has_rows(data: Any) -> bool:
    """Whether a store value holds a whole scenario (not only ``{"regime": name}``)."""
    if isinstance(data, Scenario):
        return True
    return isinstance(data, Mapping) and bool(data.get("holdings")) and bool(data.get("company"))


def scenario_of_store(data: Any, startup: Scenario | None) -> Scenario:
    """The scenario a store value stands for, validated (`Scenario.from_store`): a whole
    scenario, else ``startup`` (the start-up files) under the store's ``regime`` if it names
    one. ``startup`` None: raises `NoData`."""
    if has_rows(data):
        return Scenario.from_store(data)
    if data is not None and not isinstance(data, Mapping):
        raise InputError.single(STORE_FILE, None, None, text("scenario.not_object"))
    if startup is None:
        raise NoData("no start-up files")
    regime = (data or {}).get("regime")
    if regime and normalize_regime(regime) != startup.regime:
        return startup.updated(regime=normalize_regime(regime))
    return startup


def current_regime(data: Any) -> str:
    """The regime of a store value (the engine default when unset)."""
    if isinstance(data, Scenario):
        return normalize_regime(data.regime)
    return normalize_regime((data or {}).get("regime") if isinstance(data, Mapping) else None)


def with_regime(data: Any, regime: str | None) -> dict[str, Any]:
    """A store value with its regime changed: a whole scenario keeps its rows, an empty store
    becomes ``{"regime": name}`` (the start-up files under that regime)."""
    regime = normalize_regime(regime)
    if has_rows(data):
        return {**as_scenario(data).to_store(), "regime": regime}
    return {**(data or {}), "regime": regime}


# -- evaluation (cached) ---------------------------------------------------------------------
def inputs_hash(inputs: ScenarioLike, regime: str | None = None, assumptions: bool = True) -> str:
    """Hash of what the numbers depend on (holdings, company, regime and, unless
    ``assumptions=False``, uploaded assumptions and templates -- what only the optimiser,
    the lab and the market model read)."""
    scenario = as_scenario(inputs)
    regime = normalize_regime(regime or scenario.regime)
    memo = (regime, assumptions)
    hit = scenario._hashes.get(memo)
    if hit is not None:
        return hit
    store = scenario.to_store()
    doc = {"holdings": store["holdings"], "company": store["company"], "regime": regime}
    if assumptions and "assumptions" in store:
        doc["assumptions"] = store["assumptions"]
    if assumptions and "templates" in store:
        doc["templates"] = store["templates"]
    out = hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()
    scenario._hashes[memo] = out
    return out


def parsed(inputs: ScenarioLike) -> tuple[Holdings, Company]:
    """Validated holdings and company of the inputs (cached)."""
    scenario = as_scenario(inputs)
    key = "parsed|" + inputs_hash(scenario, DEFAULT_REGIME, assumptions=False)

    def build() -> tuple[Holdings, Company]:
        src = scenario.source
        return (
            holdings_from_records(scenario.holdings, src.holdings or STORE_FILE),
            company_from_json(scenario.company, src.company or STORE_FILE),
        )

    return CACHE.get_or_build(key, build)


def result_for(inputs: ScenarioLike, regime: str | None = None) -> SolvencyResult:
    """The SolvencyResult of the inputs under ``regime`` (default: the inputs' regime)."""
    scenario = as_scenario(inputs)
    regime = normalize_regime(regime or scenario.regime)
    key = "result|" + inputs_hash(scenario, regime, assumptions=False)

    def build() -> SolvencyResult:
        holdings, company = parsed(scenario)
        return evaluate(holdings, company, regime)

    return CACHE.get_or_build(key, build)


def class_values(holdings: Holdings) -> dict[str, float]:
    """Market value per asset class (CNY)."""
    grouped = holdings.frame.groupby("asset_class", sort=True)["market_value"].sum()
    return {str(k): float(v) for k, v in grouped.items()}


#: a proposal as a client sends it: {asset_class: fraction}
_PROPOSAL = TypeAdapter(dict[str, StrictFloat | StrictInt | None])


def proposal_of(weights: Any) -> dict[str, float | int | None]:
    """A proposal a client sent, checked for its shape ({asset_class: number}); `InputError`
    naming the class otherwise (the values are checked against the scenario by
    `validated_weights`)."""
    try:
        return _PROPOSAL.validate_python(weights)
    except ValidationError as exc:
        raise _shape_error(exc, PROPOSAL_FILE, "scenario.proposal_not_valid") from None


def proposed_inputs(inputs: ScenarioLike, weights: Mapping[str, Any] | None) -> Scenario | None:
    """The scenario with each asset class scaled to the proposed weight (None without weights).

    ``holdings.scaled({cls: new_w * total / old_value})``; classes not in ``weights`` keep
    their value. A class with no current value is bought in the mix of the scenario's
    template positions (`templates_for`, the lab's and the optimiser's 1-CNY rows scaled to
    ``new_w * total``, ids ``template:...``); without a usable template it is ignored.
    """
    if not weights:
        return None
    weights = proposal_of(weights)
    scenario = as_scenario(inputs)
    holdings, company = parsed(scenario)
    values = class_values(holdings)
    total = sum(values.values())
    wanted = {c for c, w in weights.items() if w and c not in values and float(w) > 0}
    base = holdings
    if wanted:
        base = _with_new_classes(scenario, holdings, company, wanted)
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
        f = scaled.frame
        keep = ~(
            f["id"].astype(str).str.startswith(TEMPLATE_PREFIX).to_numpy()
            & (f["market_value"].to_numpy(dtype=float) == 0)
        )
        scaled = Holdings(f[keep].reset_index(drop=True), scaled.source)
    return scenario.updated(holdings=holdings_records(scaled))


def _with_new_classes(
    scenario: Scenario, holdings: Holdings, company: Company, classes: set[str]
) -> Holdings:
    """``holdings`` plus the 1-CNY template rows of ``classes`` (unchanged when there are no
    usable templates for them)."""
    templates = templates_for(scenario)
    if templates is None:
        return holdings
    mine = templates.frame["asset_class"].astype(str).isin(sorted(classes)).to_numpy()
    if not mine.any():
        return holdings
    try:
        out, _, _ = with_templates(
            holdings,
            company,
            assumptions_for(scenario),
            Holdings(templates.frame[mine].reset_index(drop=True), templates.source),
            normalize_regime(scenario.regime),
        )
    except InputError:
        return holdings
    return out


def validated_inputs(inputs: ScenarioLike) -> dict[str, Any]:
    """The inputs rebuilt from what the core's validation layer accepts: holdings through
    `validate_holdings`, the company through `company_from_dict`, uploaded assumptions through
    `read_assumptions`, uploaded templates through the holdings reader. Raises the core's
    `InputError` (row by row) for anything else. What is saved goes through here."""
    scenario = as_scenario(inputs)
    holdings, company = parsed(scenario)
    out = make_inputs(
        holdings,
        company,
        regime=normalize_regime(scenario.regime),
        source=scenario.source.model_dump(exclude_none=True),
    )
    if scenario.assumptions is not None:
        a = assumptions_for(scenario)
        assert a is not None  # uploaded assumptions parse or raise
        out["assumptions"] = assumptions_dict(a, scenario.assumptions.source or {})
    if scenario.templates is not None:
        t = templates_for(scenario)
        assert t is not None  # uploaded templates parse or raise
        out["templates"] = templates_dict(t, str(scenario.templates.source or "templates"))
    return out


#: Tolerance of a proposal's sum of weights (fractions): the lab's 0.01 percentage point.
WEIGHT_SUM_TOLERANCE = 1e-4 + 1e-12


def validated_weights(weights: Any, inputs: ScenarioLike) -> dict[str, float] | None:
    """A proposal {asset_class: fraction} checked against the inputs, as the lab writes it:
    a weight for every held class, every class held or offered by a template, every weight a
    finite number in [0, 1], the sum 1. None stays None; anything else raises `InputError`
    naming the class."""
    if not weights:
        return None
    if not isinstance(weights, dict):
        raise InputError.single(PROPOSAL_FILE, None, None, text("scenario.proposal_not_mapping"))
    scenario = as_scenario(inputs)
    holdings, _ = parsed(scenario)
    known = set(class_values(holdings))
    templates = templates_for(scenario)
    if templates is not None:
        known |= {str(c) for c in templates.frame["asset_class"]}
    out: dict[str, float] = {}
    problems = []
    for cls, w in weights.items():
        if cls not in known:
            problems.append(
                InputProblem(PROPOSAL_FILE, None, str(cls), text("scenario.unknown_class"))
            )
            continue
        ok = isinstance(w, int | float) and not isinstance(w, bool) and np.isfinite(w)
        if not ok or not 0.0 <= float(w) <= 1.0:
            problems.append(
                InputProblem(
                    PROPOSAL_FILE, None, str(cls), text("scenario.weight_range", value=repr(w))
                )
            )
            continue
        out[str(cls)] = float(w)
    missing = sorted(c for c, v in class_values(holdings).items() if v > 0 and c not in out)
    problems.extend(
        InputProblem(PROPOSAL_FILE, None, c, text("scenario.weight_missing"))
        for c in missing
        if c not in weights
    )
    if not problems and abs(sum(out.values()) - 1.0) > WEIGHT_SUM_TOLERANCE:
        problems.append(
            InputProblem(
                PROPOSAL_FILE, None, None, text("scenario.weight_sum", total=sum(out.values()))
            )
        )
    if problems:
        raise InputError(problems)
    return out
