"""The allocation lab's service: the callbacks of the dashboard's lab page only unpack their
inputs, call these and format the result.

Weights travel as **percent** numbers keyed by asset class (what the user types in the grid:
``{"government_bond": 19.6, ...}``); they are never renormalised silently -- a total other
than 100% is reported as an error (`LiveFigures.error`).

The live figures use the engine's linear capital map (`analyzer.solvency.capital_map`): the
exposures of a reallocation at a fixed invested total go through ``CapitalMap.minimum_capital``
and the actual capital is unchanged. The stock charges' k1 depends on the whole stock book's
P&L ratio, which moves when stock classes are re-weighted against each other; the map is then
rebuilt at the new ratio (cached), so the live ratios equal `analyzer.solvency.engine.evaluate`
on ``holdings.scaled(...)`` (tests check 1e-9). Not modelled live: the Rule 8 Art. 65/66
concentration add-ons switching on when an edit crosses their thresholds (the optimiser and
the full check do model them).

New asset classes (docs/optimizer.md, "New asset classes"): given *templates* (model positions
in the holdings format), the classes the insurer does not hold yet are appended the way the
optimiser's universe appends them (`analyzer.optimize.universe.with_templates`: 1 CNY per
class, ids ``template:...``). The lab's capital map is built on those holdings, a new class has
current weight 0 and its proposed weight scales the 1 CNY to ``w * V`` -- the universe's
``scaled_holdings`` -- so a weight typed for a new class is as exact as any other.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.errors import InfeasibleError, InputError
from analyzer.io import read_company, read_holdings
from analyzer.io.assumptions import Assumptions, read_assumptions
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.optimize.kinds import ObjectiveName
from analyzer.samples import sample_dir
from analyzer.services.cache import CACHE, content_key, file_digest
from analyzer.services.scenario import (
    ScenarioLike,
    as_scenario,
    assumptions_for,
    inputs_hash,
    normalize_regime,
    parsed,
    templates_for,
    with_templates,
)
from analyzer.solvency.capital import AdmittedCapital
from analyzer.solvency.capital_map import CapitalMap, build_capital_map
from analyzer.solvency.equity import stock_book, with_stock_book_ratio
from analyzer.solvency.regime import DEFAULT_REGIME

#: largest |total - 100| (percentage points) accepted as "sums to 100%"
SUM_TOLERANCE_PP = 0.01
FRONTIER_POINTS = 12
#: the objectives the lab offers: every objective but ``min_capital``
OBJECTIVES: tuple[str, ...] = tuple(
    o.value for o in ObjectiveName if o is not ObjectiveName.min_capital
)
AXES = ("volatility", "solvency")
REPO_DATA = sample_dir()
#: stock-book capital maps a model keeps (its own small memo, per model)
STOCK_MAPS = 16


# -- the model of one portfolio ------------------------------------------------------------
@dataclass
class LabModel:
    """Holdings, company and the capital map the lab works on (read-only after building)."""

    holdings: Holdings
    company: Company
    cmap: CapitalMap
    admitted: AdmittedCapital
    mu: np.ndarray  # expected return per class (NaN without assumptions)
    assumptions: Assumptions | None = None
    stock_value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    stock_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: holdings + the template rows of the new classes (1 CNY each): what ``cmap`` is built on
    #: and what the weights scale (None: ``holdings``)
    base_holdings: Holdings | None = None
    templates: Holdings | None = None  # the template positions given (None: none)
    new_classes: tuple[str, ...] = ()  # classes bought from templates (current weight 0)
    template_notes: tuple[str, ...] = ()  # the core's notes (templates ignored, not buyable)
    template_problem: str | None = None  # why the templates could not be used
    _maps: OrderedDict[float, CapitalMap] = field(default_factory=OrderedDict, repr=False)
    _universe: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def classes(self) -> tuple[str, ...]:
        return self.cmap.classes

    @property
    def scaling(self) -> Holdings:
        """The holdings the weights scale (``holdings`` plus the 1-CNY template rows)."""
        return self.base_holdings if self.base_holdings is not None else self.holdings

    @property
    def new_mask(self) -> np.ndarray:
        """Classes bought from templates (in model order)."""
        return np.isin(np.asarray(self.classes, dtype=object), list(self.new_classes))

    @property
    def base(self) -> np.ndarray:
        """CNY of each class in ``scaling`` (what pro-rata scaling multiplies; 1 CNY for a new
        class)."""
        return self.cmap.current_exposure

    @property
    def current(self) -> np.ndarray:
        """Current exposure per class, CNY (0 for a new class)."""
        return np.where(self.new_mask, 0.0, self.cmap.current_exposure)

    @property
    def total(self) -> float:
        """Invested total V, CNY (the 1-CNY template rows excluded)."""
        return float(self.current.sum())

    def current_percent(self) -> dict[str, float]:
        return {
            c: float(v / self.total * 100) for c, v in zip(self.classes, self.current, strict=True)
        }

    # stock book --------------------------------------------------------------------------
    def stock_x(self, exposure: np.ndarray) -> float | None:
        cost = float(self.stock_cost @ exposure)
        if cost <= 0 or not np.isfinite(cost):
            return None
        return float(self.stock_value @ exposure) / cost - 1.0

    def map_for(self, exposure: np.ndarray) -> CapitalMap:
        """The capital map whose stock k1 is the one of ``exposure``'s stock book."""
        x_now = self.stock_x(self.base)  # the book ``cmap`` was built on (template rows too)
        x_new = self.stock_x(exposure)
        if x_now is None or x_new is None or abs(x_new - x_now) <= 1e-13:
            return self.cmap
        with self._lock:
            hit = self._maps.get(x_new)
            if hit is not None:
                self._maps.move_to_end(x_new)
                return hit
        adjusted = with_stock_book_ratio(self.scaling, x_new)
        cmap = build_capital_map(adjusted, self.company, self.cmap.regime)
        with self._lock:
            self._maps[x_new] = cmap
            while len(self._maps) > STOCK_MAPS:
                self._maps.popitem(last=False)
        return cmap

    def universe(self) -> Any:
        """The optimiser's decision units (built once, on first use)."""
        if self._universe is None:
            from analyzer.optimize import build_universe

            if self.assumptions is None:
                raise ValueError("no capital-market assumptions (data/assumptions.csv)")
            self._universe = build_universe(
                self.holdings,
                self.company,
                self.assumptions,
                self.cmap.regime,
                templates=self.templates,
            )
        return self._universe


def build_model(
    holdings: Holdings,
    company: Company,
    assumptions: Assumptions | None = None,
    regime: str | None = None,
    templates: Holdings | None = None,
) -> LabModel:
    """The lab model; ``templates``: model positions of classes not held (see module doc).
    Templates that cannot be used (an `InputError` of the core) are left out and the reason
    kept in ``template_problem``."""
    base_holdings, new_classes, notes = holdings, (), ()
    problem = None
    try:
        base_holdings, new_classes, notes = with_templates(
            holdings, company, assumptions, templates, regime
        )
    except InputError as exc:
        problem, templates = str(exc), None
    if assumptions is None:
        templates = None
    cmap = build_capital_map(base_holdings, company, regime or DEFAULT_REGIME)
    mu = np.full(cmap.n, np.nan)
    if assumptions is not None:
        idx = assumptions.index()
        for i, c in enumerate(cmap.classes):
            if c in idx:
                mu[i] = float(assumptions.expected_return[idx[c]])
    frame = base_holdings.frame
    members = cmap.members.to_numpy()
    book, cost = stock_book(frame)  # Rule 8 Art. 26, as the engine defines it
    safe = np.where(cmap.current_exposure > 0, cmap.current_exposure, 1.0)
    s_val = np.bincount(members, weights=book, minlength=cmap.n) / safe
    s_cost = np.bincount(members, weights=cost, minlength=cmap.n) / safe
    return LabModel(
        holdings,
        company,
        cmap,
        cmap.admitted_capital(),
        mu,
        assumptions,
        s_val,
        s_cost,
        base_holdings=base_holdings,
        templates=templates,
        new_classes=tuple(new_classes),
        template_notes=tuple(notes),
        template_problem=problem,
    )


def load_model(
    holdings_path: str | Path,
    company_path: str | Path,
    assumptions_path: str | Path | None = None,
    templates_path: str | Path | None = None,
) -> LabModel:
    """The model of the files (cached by the files' content). ``templates_path``: default the
    bundled templates.csv (none when it is missing)."""
    hp, cp = Path(holdings_path), Path(company_path)
    ap = Path(assumptions_path) if assumptions_path else REPO_DATA / "assumptions.csv"
    tp = Path(templates_path) if templates_path else REPO_DATA / "templates.csv"
    corr = ap.parent / "correlations.csv"
    key = content_key("lab", "files", [file_digest(p) for p in (hp, cp, ap, corr, tp)])

    def build() -> LabModel:
        templates = read_holdings(tp) if tp.is_file() else None
        return build_model(
            read_holdings(hp), read_company(cp), _assumptions(ap), templates=templates
        )

    return CACHE.get_or_build(key, build)


def _assumptions(path: Path | None = None) -> Assumptions | None:
    path = path or REPO_DATA / "assumptions.csv"
    if not path.exists():
        return None
    return read_assumptions(path)


def cached_model(key: str) -> LabModel | None:
    """A model built earlier in this process under ``key`` (see `model_from_parts`)."""
    hit = CACHE.get("lab|" + str(key))
    return hit if isinstance(hit, LabModel) else None


def model_from_parts(
    key: str,
    holdings: Holdings,
    company: Company,
    regime: str | None = None,
    assumptions: Assumptions | None = None,
    templates: Holdings | None = None,
) -> LabModel:
    """The model of in-memory inputs (an uploaded scenario), cached under ``key`` -- a hash
    of the inputs (uploaded assumptions and templates included), so equal keys mean equal
    inputs. ``assumptions``: the scenario's `Assumptions` (default: the bundled file);
    ``templates``: the scenario's template positions (None: none)."""
    return CACHE.get_or_build(
        "lab|" + str(key),
        lambda: build_model(
            holdings,
            company,
            assumptions if assumptions is not None else _assumptions(),
            regime,
            templates=templates,
        ),
    )


def scenario_key(scenario: ScenarioLike) -> str:
    """The key of a scenario's model: ``s-`` and the start of its content hash (assumptions
    and templates included)."""
    return "s-" + inputs_hash(scenario)[:24]


def scenario_model(scenario: ScenarioLike) -> LabModel:
    """The model of a scenario (validated; cached under its `scenario_key`, recomputed from
    the content, so a client cannot make another scenario's model be used)."""
    sc = as_scenario(scenario)
    h, c = parsed(sc)
    return model_from_parts(
        scenario_key(sc),
        h,
        c,
        normalize_regime(sc.regime),
        assumptions_for(sc),
        templates_for(sc),
    )


# -- weights --------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeightProblem:
    """Why weights cannot be evaluated: an i18n key and its parameters."""

    key: str
    params: dict[str, Any]


def parse_weights(model: LabModel, percents: Mapping[str, Any]) -> np.ndarray | WeightProblem:
    """Percent weights per class -> fractions (classes in model order), or the problem."""
    out = np.zeros(model.cmap.n)
    index = {c: i for i, c in enumerate(model.classes)}
    for name, value in percents.items():
        if name not in index:
            return WeightProblem("lab.error.unknown_class", {"name": name})
        try:
            v = float(value) if value not in (None, "") else 0.0
        except (TypeError, ValueError):
            return WeightProblem("lab.error.number", {"name": name, "value": str(value)})
        if not math.isfinite(v):
            return WeightProblem("lab.error.number", {"name": name, "value": str(value)})
        if v < 0:
            return WeightProblem("lab.error.negative", {"name": name})
        out[index[name]] = v / 100.0
    total = float(out.sum() * 100)
    if abs(total - 100.0) > SUM_TOLERANCE_PP:
        return WeightProblem("lab.error.sum", {"total": f"{total:.2f}"})
    return out


@dataclass(frozen=True)
class LiveFigures:
    """The figures of an allocation (``error`` set and the rest None when invalid)."""

    total_percent: float
    error: WeightProblem | None = None
    comprehensive_ratio: float | None = None
    core_ratio: float | None = None
    minimum_capital: float | None = None
    actual_capital: float | None = None
    core_capital: float | None = None
    sci_tech_share: float | None = None
    expected_return: float | None = None
    exposure: np.ndarray | None = None
    trades: np.ndarray | None = None  # CNY, proposed - current


def total_percent(percents: Mapping[str, Any]) -> float:
    total = 0.0
    for v in percents.values():
        try:
            total += float(v) if v not in (None, "") else 0.0
        except (TypeError, ValueError):
            return float("nan")
    return total


def live_figures(model: LabModel, percents: Mapping[str, Any]) -> LiveFigures:
    """Solvency figures of percent weights (the body of the grid-edit callback)."""
    total = total_percent(percents)
    w = parse_weights(model, percents)
    if isinstance(w, WeightProblem):
        return LiveFigures(total, error=w)
    x = w * model.total
    cmap = model.map_for(x)
    mc = float(cmap.minimum_capital(x))
    adm = model.admitted
    mu = model.mu
    er = float(np.nansum(mu * w)) if np.isfinite(mu[w > 0]).all() else None
    return LiveFigures(
        total_percent=total,
        comprehensive_ratio=adm.actual / mc if mc > 0 else float("inf"),
        core_ratio=adm.core / mc if mc > 0 else float("inf"),
        minimum_capital=mc,
        actual_capital=adm.actual,
        core_capital=adm.core,
        sci_tech_share=float(cmap.sci_tech_share @ x) / model.total,
        expected_return=er,
        exposure=x,
        trades=x - model.current,
    )


def scaled_holdings(model: LabModel, percents: Mapping[str, Any]) -> Holdings:
    """The holdings scaled pro rata to the weights (for `evaluate`)."""
    w = parse_weights(model, percents)
    if isinstance(w, WeightProblem):
        raise ValueError(w.key)
    cur = model.base
    mult = np.where(cur > 0, w * model.total / np.where(cur > 0, cur, 1.0), 0.0)
    return model.scaling.scaled(dict(zip(model.classes, mult, strict=True)))


def proposed_fractions(model: LabModel, percents: Mapping[str, Any]) -> dict[str, float] | None:
    """{class: fraction} for the ``PROPOSED_WEIGHTS`` store, None when the weights are invalid."""
    w = parse_weights(model, percents)
    if isinstance(w, WeightProblem):
        return None
    return {c: float(v) for c, v in zip(model.classes, w, strict=True)}


# -- optimiser ------------------------------------------------------------------------------
def _pct(value: Any, default: float | None = None) -> float | None:
    if value in (None, ""):
        return default
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return v / 100.0 if math.isfinite(v) else default


def limits_from(settings: Mapping[str, Any]) -> Any:
    """`analyzer.optimize.Limits` from the constraints panel (percent inputs).

    ``settings``: ``min_comprehensive``, ``min_core``, ``min_sci_tech``, ``max_turnover``
    (percent, blank = none) and ``bounds`` ``{class: [min %, max %]}`` (blank sides free).
    """
    from analyzer.optimize import Limits

    bounds: dict[str, tuple[float, float]] = {}
    for name, pair in (settings.get("bounds") or {}).items():
        lo, hi = (list(pair) + [None, None])[:2]
        lo_f, hi_f = _pct(lo, 0.0), _pct(hi, 1.0)
        if (lo_f, hi_f) != (0.0, 1.0):
            bounds[name] = (lo_f, hi_f)
    return Limits(
        min_comprehensive=_pct(settings.get("min_comprehensive"), 1.0),  # type: ignore[arg-type]
        min_core=_pct(settings.get("min_core"), 0.5),  # type: ignore[arg-type]
        min_sci_tech=_pct(settings.get("min_sci_tech"), 0.0),  # type: ignore[arg-type]
        max_turnover=_pct(settings.get("max_turnover")),
        class_bounds=bounds,
    )


def _point(p: Any, units: tuple[str, ...]) -> dict[str, Any]:
    return {
        "status": p.status,
        "target": p.target,
        "expected_return": p.expected_return,
        "volatility": p.volatility,
        "comprehensive_ratio": p.comprehensive_ratio,
        "core_ratio": p.core_ratio,
        "minimum_capital": p.minimum_capital,
        "weights": None
        if p.weights is None
        else {u: float(w * 100) for u, w in zip(units, p.weights, strict=True)},
    }


def optimise(
    model: LabModel,
    settings: Mapping[str, Any],
    progress: Callable[[int, int], None] | None = None,
    frontier_points: int = FRONTIER_POINTS,
) -> dict[str, Any]:
    """Run the optimiser and both frontiers; JSON for the page's result store.

    Returns ``{"status": "optimal", "weights": {class: percent}, "expected_return",
    "volatility", "comprehensive_ratio", "core_ratio", "minimum_capital", "binding": [...],
    "frontiers": {"volatility": [point], "solvency": [point]}, "notes": [str],
    "new_classes": [class], "not_buyable": {class: reason}}`` or, when the limits cannot
    hold together, ``{"status": "infeasible", "message": str, "conflicts": [str], "notes",
    "new_classes", "not_buyable"}`` (the notes of the universe).
    """
    from analyzer.optimize import AllocationProblem, frontier

    step = progress or (lambda i, n: None)
    steps = 4
    step(0, steps)
    universe = model.universe()
    limits = limits_from(settings)
    objective = settings.get("objective") or "max_return"
    if objective not in OBJECTIVES:
        objective = "max_return"
    step(1, steps)
    try:
        result = AllocationProblem(universe, objective, limits).solve()
    except InfeasibleError as err:
        conflicts = [str(c.get("message", c)) for c in (getattr(err, "conflicts", None) or [])]
        return {
            "status": "infeasible",
            "message": str(err),
            "conflicts": conflicts,
            "notes": list(universe.notes),
            "new_classes": list(universe.new_classes),
            "not_buyable": dict(universe.not_buyable),
        }
    step(2, steps)
    out: dict[str, Any] = {
        "status": "optimal",
        "objective": objective,
        "notes": list(result.notes),
        "new_classes": list(result.new_classes),
        "not_buyable": dict(result.not_buyable),
        "weights": {u: float(w * 100) for u, w in zip(result.units, result.weights, strict=True)},
        "expected_return": result.expected_return,
        "volatility": result.volatility,
        "comprehensive_ratio": result.solvency.comprehensive_ratio,
        "core_ratio": result.solvency.core_ratio,
        "minimum_capital": result.solvency.minimum_capital,
        "binding": [b.to_dict() for b in result.binding],
        "frontiers": {},
    }
    for i, axis in enumerate(AXES):
        try:
            f = frontier(universe, limits, points=frontier_points, axis=axis)
            out["frontiers"][axis] = [_point(p, f.units) for p in f.points]
        except InfeasibleError:
            out["frontiers"][axis] = []
        step(3 + i, steps)
    return out


def frontier_weights(
    result: Mapping[str, Any] | None, axis: str, click: Mapping[str, Any] | None
) -> dict[str, float] | None:
    """The percent weights of the clicked frontier point (customdata = point index)."""
    if not result or not click or axis not in AXES:
        return None
    points = (result.get("frontiers") or {}).get(axis) or []
    try:
        index = int(click["points"][0]["customdata"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not 0 <= index < len(points):
        return None
    weights = points[index].get("weights")
    return dict(weights) if weights else None


def trades_rows(model: LabModel, figures: LiveFigures) -> list[dict[str, Any]]:
    """Per class: current, proposed and trade (CNY), only classes that change."""
    if figures.trades is None or figures.exposure is None:
        return []
    rows = []
    for c, cur, new, tr in zip(
        model.classes, model.current, figures.exposure, figures.trades, strict=True
    ):
        if abs(tr) >= 0.5:  # at least one yuan
            rows.append(
                {
                    "asset_class": c,
                    "current": float(cur),
                    "proposed": float(new),
                    "trade": float(tr),
                }
            )
    rows.sort(key=lambda r: -abs(r["trade"]))
    return rows


# -- grid rows ------------------------------------------------------------------------------
def grid_rows(
    model: LabModel,
    percents: Mapping[str, Any] | None = None,
    previous: Sequence[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Rows of the allocation grid (percent numbers); bounds kept from ``previous`` rows."""
    current = model.current_percent()
    proposed = dict(current) if percents is None else dict(percents)
    bounds = {r.get("asset_class"): (r.get("min"), r.get("max")) for r in (previous or [])}
    new = set(model.new_classes)
    rows = []
    for i, c in enumerate(model.classes):
        mu = model.mu[i]
        lo, hi = bounds.get(c, (None, None))
        rows.append(
            {
                "asset_class": c,
                "new": c in new,
                "current": round(current[c], 6),
                "proposed": round(float(proposed.get(c, 0.0) or 0.0), 6),
                "min": lo,
                "max": hi,
                "expected_return": None if not np.isfinite(mu) else round(float(mu) * 100, 4),
            }
        )
    return rows


def weights_from_rows(
    rows: Sequence[Mapping[str, Any]], changes: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """{class: proposed percent} from the grid's rows, with ``cellValueChanged`` applied
    (its ``data`` is the edited row; the rows may lag behind the edit)."""
    out = {str(r["asset_class"]): r.get("proposed") for r in rows if "asset_class" in r}
    for change in changes or []:
        data = change.get("data") or {}
        name = data.get("asset_class") or change.get("rowId")
        if name in out and change.get("colId", "proposed") == "proposed":
            out[name] = data.get("proposed", change.get("value"))
    return out


def bounds_from_rows(
    rows: Sequence[Mapping[str, Any]], changes: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, list[Any]]:
    """{class: [min %, max %]} of the rows that set a bound."""
    data = {str(r["asset_class"]): dict(r) for r in rows if "asset_class" in r}
    for change in changes or []:
        row = change.get("data") or {}
        if row.get("asset_class") in data:
            data[row["asset_class"]].update(row)
    return {
        c: [r.get("min"), r.get("max")]
        for c, r in data.items()
        if r.get("min") not in (None, "") or r.get("max") not in (None, "")
    }


def totals_row(
    label: str, percents: Mapping[str, Any], model: LabModel, figures: LiveFigures
) -> dict[str, Any]:
    total = figures.total_percent
    return {
        "asset_class": label,
        "current": 100.0,
        "proposed": None if not math.isfinite(total) else round(total, 4),
        "expected_return": None
        if figures.expected_return is None
        else round(figures.expected_return * 100, 4),
    }


def volatility_of(model: LabModel, percents: Mapping[str, Any]) -> float | None:
    """Annual volatility of the weights (assumptions' risk model), None when unavailable."""
    w = parse_weights(model, percents)
    if isinstance(w, WeightProblem) or model.assumptions is None:
        return None
    try:
        u = model.universe()
        by_class = dict(zip(model.classes, w, strict=True))
        return float(u.volatility(np.array([by_class.get(c, 0.0) for c in u.units])))
    except Exception:  # noqa: BLE001 - a marker only; the page works without it
        return None
