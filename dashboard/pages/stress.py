"""Stress page (risk officers): deterministic scenarios, reverse stress, Monte Carlo.

Works on the current scenario of `dashboard.state` (an upload, a loaded scenario, the
regime chosen with the selector) or, when chosen, on the lab's proposed allocation.

Callbacks (module-level, registered by `register`):

* `stress_view` -> scenario table and the before/after ratio chart (Annex 4 scenarios for the
  company type + every ``data/scenarios/*.csv``);
* `reverse_view` -> the reverse-stress table (its own callback: about 1-2 s of engine runs,
  so the scenario table does not wait for it);
* `run_simulation` (background, progress + cancel, permission ``view``) -> the Monte Carlo
  summary in a session store; `simulation_view` renders it (histogram, percentiles,
  probabilities, tail drivers) in the current language and unit.

The core wiring follows ``analyzer.commands.stress``; the pure builders (`scenario_results`,
`reverse_results`, `simulation_for`, `scenario_rows`, `reverse_rows`, ...) are what tests call.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from dash import Input, Output, State, dcc, html

from analyzer.errors import AnalyzerError, InputError
from dashboard import i18n, ids, names, state
from dashboard import stress_figures as sf
from dashboard.auth import protected_callback
from dashboard.components import page_frame
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.pages.overview import no_data, regime_selector, table
from dashboard.settings import REPO_DATA_DIR
from dashboard.units import fmt_money, fmt_pct, normalize_unit

KEY = "stress"
PATH = "/stress"
SCENARIO_DIR = REPO_DATA_DIR / "scenarios"
ASSUMPTIONS_FILE = REPO_DATA_DIR / "assumptions.csv"
REVERSE_DRIVERS = ("equity", "rates", "spread", "vc")
THRESHOLDS = ("comprehensive_100", "comprehensive_target", "core_50")
DEFAULT_N = 50_000
MAX_N = 1_000_000
MIN_N = 1_000
DEFAULT_SEED = 20240601
DOF = 5.0
CHUNK = 16_384  # one random block per chunk: progress after each (does not change results)

#: source key -> AppEnv (filled by `register`); lets the background job, which runs in
#: another process without a Flask request, find the start-up files from an opaque key.
_SOURCES: dict[str, AppEnv] = {}
_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()
CACHE_SIZE = 16


def source_key(env: AppEnv) -> str:
    raw = f"stress|{Path(env.holdings_path).resolve()}|{Path(env.company_path).resolve()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _cached(key: str, build: Any) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


# -- inputs ----------------------------------------------------------------------------------
def portfolio_inputs(
    data: dict | None, proposed: dict | None, basis: str | None, env: AppEnv
) -> tuple[dict[str, Any], bool]:
    """(inputs to stress, whether they are the proposed allocation)."""
    inputs = state.current_inputs(data, env)
    if basis == "proposed":
        prop = state.proposed_inputs(inputs, proposed)
        if prop is not None:
            return prop, True
    return inputs, False


def portfolio_key(inputs: dict[str, Any]) -> str:
    return state.inputs_hash(inputs)


def stresser_for(inputs: dict[str, Any]) -> Any:
    from analyzer.stress import Stresser

    regime = state.normalize_regime(inputs.get("regime"))

    def build() -> Any:
        holdings, company = state.parsed(inputs)
        return Stresser(holdings, company, regime)

    return _cached("stresser|" + portfolio_key(inputs), build)


def scenario_files(folder: Path = SCENARIO_DIR) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if p.is_file()) if folder.is_dir() else []


def shocks_for(company_type: str, classes: set[str]) -> tuple[list[Any], list[tuple[str, str]]]:
    """Annex 4 scenarios of the company type + every scenario file; files whose asset classes
    the portfolio does not hold are skipped (file, reason)."""
    from analyzer.stress import annex4_scenarios, read_scenarios

    shocks = list(annex4_scenarios(company_type))
    skipped = []
    for path in scenario_files():
        kind = "historical" if "historical" in path.name else "user"
        try:
            shocks += read_scenarios(path, kind=kind, known_classes=classes)
        except InputError as exc:
            skipped.append((f"data/scenarios/{path.name}", str(exc).splitlines()[0]))
    return shocks, skipped


def scenario_results(inputs: dict[str, Any]) -> tuple[Any, list[Any], list[tuple[str, str]]]:
    """(stresser, [StressResult], skipped files) for the inputs (cached)."""
    stresser = stresser_for(inputs)

    def build() -> tuple[list[Any], list[tuple[str, str]]]:
        classes = set(stresser.holdings.frame["asset_class"].astype(str)) - {""}
        shocks, skipped = shocks_for(stresser.company.company_type, classes)
        return [stresser.run(s) for s in shocks], skipped

    results, skipped = _cached("scenarios|" + portfolio_key(inputs), build)
    return stresser, results, skipped


def reverse_results(inputs: dict[str, Any]) -> list[Any]:
    """Reverse stress for equity, rates, spread and VC to the default thresholds (cached)."""
    from analyzer.stress import reverse_stress

    stresser = stresser_for(inputs)
    return _cached(  # type: ignore[no-any-return]
        "reverse|" + portfolio_key(inputs),
        lambda: reverse_stress(stresser, REVERSE_DRIVERS, grid_points=11, xtol=1e-6),
    )


def simulation_for(inputs: dict[str, Any], n: int, seed: int, progress: Any = None) -> Any:
    """The Monte Carlo ``SimulationResult`` of the inputs (Student-t, bundled assumptions)."""
    from analyzer.solvency.capital_map import build_capital_map
    from analyzer.stress import simulate, simulation_context

    holdings, company = state.parsed(inputs)
    regime = state.normalize_regime(inputs.get("regime"))
    classes = build_capital_map(holdings, company, regime).classes
    model = scenario_market_model(inputs, classes)
    ctx = simulation_context(holdings, company, model, regime)
    return simulate(ctx, n, seed, chunk_size=CHUNK, progress=progress)


def scenario_market_model(inputs: dict[str, Any], classes: Any) -> Any:
    """The Monte Carlo market model of the scenario's assumptions (an upload, else the bundled
    file); the core raises `InputError` for a class of the holdings without assumptions."""
    from analyzer.stress import MarketModel, market_model

    if not inputs.get("assumptions"):
        return market_model(ASSUMPTIONS_FILE, None, classes, DOF)
    a = state.assumptions_for(inputs).subset(list(classes))  # type: ignore[union-attr]
    return MarketModel(tuple(classes), a.expected_return, a.volatility, a.correlation, DOF)


def clamp_n(n: Any) -> int:
    try:
        value = int(float(n))
    except (TypeError, ValueError):
        return DEFAULT_N
    return max(MIN_N, min(MAX_N, value))


def clamp_seed(seed: Any) -> int:
    try:
        value = int(float(seed))
    except (TypeError, ValueError):
        return DEFAULT_SEED
    return max(0, value)


# -- tables ----------------------------------------------------------------------------------
def scenario_label(name: str, lang: str) -> str:
    key = f"stress.scn.{name}"
    return t(key, lang) if i18n.has(key) else name


def scenario_rows(results: list[Any], unit: str, lang: str) -> list[list[Any]]:
    rows = []
    for r in results:
        b, s = r.base, r.stressed
        kind = f"stress.kind.{r.shock.kind}"
        rows.append(
            [
                html.Span(scenario_label(r.name, lang), title=r.shock.description or r.name),
                t(kind, lang) if i18n.has(kind) else r.shock.kind,
                r.shock.reference
                or (r.shock.source[:60] + ("…" if len(r.shock.source) > 60 else "")),
                fmt_money(r.asset_value_change, unit, lang),
                fmt_money(r.loss_actual, unit, lang),
                fmt_money(r.loss_core, unit, lang),
                fmt_money(s.minimum_capital, unit, lang),
                f"{fmt_pct(b.comprehensive_ratio)} → {fmt_pct(s.comprehensive_ratio)}",
                f"{fmt_pct(b.core_ratio)} → {fmt_pct(s.core_ratio)}",
            ]
        )
    return rows


def scenario_headers(unit: str, lang: str) -> list[str]:
    from dashboard.units import unit_label

    u = f"（{unit_label(unit, lang)}）" if lang == "zh" else f" ({unit_label(unit, lang)})"
    cols = ["scenario", "kind", "reference"]
    money = ["asset_change", "loss_actual", "loss_core", "mc_after"]
    return (
        [t(f"stress.col.{c}", lang) for c in cols]
        + [t(f"stress.col.{c}", lang) + u for c in money]
        + [t("stress.col.comprehensive", lang), t("stress.col.core", lang)]
    )


def move_text(r: Any, lang: str) -> str:
    """A reverse-stress move: ``34.89%`` for fractions, ``187.0 bp`` for rates and spreads."""
    from analyzer.stress.reverse import REVERSE_DRIVERS as SPEC

    bp = "fraction" not in r.unit
    if r.status == "already_below":
        return t("stress.already_below", lang)
    if r.status == "not_reached" or r.move is None:
        top = float(SPEC[r.driver][2])
        return t("stress.not_reached", lang, max=f"{top:.0f} bp" if bp else fmt_pct(top, 0))
    return f"{r.move:.1f} bp" if bp else fmt_pct(r.move, 2)


def reverse_rows(results: list[Any], lang: str) -> list[list[str]]:
    by = {(r.driver, r.threshold.name): r for r in results}
    rows = []
    for driver in dict.fromkeys(r.driver for r in results):
        rows.append(
            [t(f"stress.driver.{driver}", lang)]
            + [
                move_text(by[(driver, th)], lang) if (driver, th) in by else "—"
                for th in THRESHOLDS
            ]
        )
    return rows


def reverse_headers(target: float, lang: str) -> list[str]:
    return [
        t("stress.col.driver", lang),
        t("stress.th.comprehensive_100", lang),
        t("stress.th.comprehensive_target", lang, value=fmt_pct(target, 0)),
        t("stress.th.core_50", lang),
    ]


def percentile_rows(summary: dict[str, Any]) -> list[list[str]]:
    comp = summary["percentiles"]["comprehensive"]
    core = summary["percentiles"]["core"]
    return [[f"{p}%", fmt_pct(comp[p]), fmt_pct(core[p])] for p in comp]


def probability_rows(summary: dict[str, Any], lang: str) -> list[list[str]]:
    tg = summary["targets"]
    rows = []
    for event, p in summary["probabilities"].items():
        value = fmt_pct(tg["core" if event.startswith("core") else "comprehensive"], 0)
        rows.append(
            [
                t(f"stress.event.{event}", lang, value=value),
                fmt_pct(p, 2),
                fmt_pct(summary["standard_errors"][event], 2),
            ]
        )
    return rows


def tail_rows(summary: dict[str, Any], unit: str, lang: str, top: int = 10) -> list[list[str]]:
    return [
        [
            names.asset_class(d["asset_class"], lang),
            fmt_money(d["mean_pnl"], unit, lang),
            fmt_pct(d["share_of_loss"]),
            fmt_pct(d["mean_return"]),
        ]
        for d in summary["tail_drivers"][:top]
    ]


# -- callback bodies (pure: env passed in) ---------------------------------------------------
EMPTY_FIGURE: dict[str, Any] = {"data": [], "layout": {}}


def stress_content(
    data: dict | None,
    proposed: dict | None,
    basis: str | None,
    unit: str | None,
    lang: str | None,
    env: AppEnv,
) -> tuple[Any, Any, Any]:
    """(note line, scenario table, ratio figure)."""
    lang = normalize_lang(lang)
    unit = normalize_unit(unit)
    try:
        inputs, is_proposed = portfolio_inputs(data, proposed, basis, env)
        stresser, results, skipped = scenario_results(inputs)
    except (state.NoData, AnalyzerError) as exc:
        return no_data(lang, str(exc)), None, EMPTY_FIGURE
    b = stresser.base
    notes = [
        html.Div(
            t(
                "stress.base_line",
                lang,
                company=stresser.company.name,
                regime=stresser.regime.name,
                comprehensive=fmt_pct(b.comprehensive_ratio),
                core=fmt_pct(b.core_ratio),
                mc=fmt_money(b.minimum_capital, unit, lang),
            ),
            className="regime-line",
            id="stress-base-line",
        )
    ]
    if basis == "proposed" and not is_proposed:
        notes.append(html.Div(t("stress.no_proposed", lang), className="kpi-note"))
    notes += [
        html.Div(t("stress.skipped", lang, file=f, reason=why), className="kpi-note")
        for f, why in skipped
    ]
    tbl = table(
        scenario_headers(unit, lang),
        scenario_rows(results, unit, lang),
        table_id="stress-scenarios-table",
    )
    fig = sf.ratio_bars(
        results,
        stresser.base_result.thresholds,
        stresser.company.targets.comprehensive,
        lang,
        labels=[scenario_label(r.name, lang) for r in results],
    )
    return html.Div(notes), tbl, fig


def reverse_content(
    data: dict | None, proposed: dict | None, basis: str | None, lang: str | None, env: AppEnv
) -> Any:
    lang = normalize_lang(lang)
    try:
        inputs, _ = portfolio_inputs(data, proposed, basis, env)
        results = reverse_results(inputs)
        target = stresser_for(inputs).company.targets.comprehensive
    except (state.NoData, AnalyzerError) as exc:
        return no_data(lang, str(exc))
    return html.Div(
        [
            html.P(t("stress.reverse_note", lang), className="kpi-note"),
            table(
                reverse_headers(target, lang),
                reverse_rows(results, lang),
                table_id="stress-reverse-table",
            ),
        ]
    )


def simulation_content(
    summary: dict | None, current_key: str | None, unit: str | None, lang: str | None
) -> tuple[Any, Any, dict[str, Any], Any]:
    """(status line, histogram, histogram style, tables)."""
    lang = normalize_lang(lang)
    unit = normalize_unit(unit)
    hidden = {"display": "none"}
    if not summary:
        return t("stress.sim_none", lang), EMPTY_FIGURE, hidden, None
    status = [
        html.Span(
            t(
                "stress.sim_done",
                lang,
                n=f"{summary['n_scenarios']:,}",
                seed=summary["seed"],
                seconds=f"{summary['elapsed_seconds']:.2f}",
                base=fmt_pct(summary["base"]["comprehensive"]),
                mean=fmt_pct(summary["mean"]["comprehensive"]),
                worst=fmt_pct(summary["worst_995"]["comprehensive"]),
            ),
            id="stress-sim-line",
        )
    ]
    if current_key and summary.get("key") and summary["key"] != current_key:
        status.append(html.Div(t("stress.sim_stale", lang), className="notice notice-warning"))
    u = i18n.t(f"unit.{unit}", lang)
    tables = html.Div(
        [
            html.Div(
                [
                    html.H3(t("stress.percentiles", lang)),
                    table(
                        [
                            t("stress.col.percentile", lang),
                            t("stress.col.comprehensive_ratio", lang),
                            t("stress.col.core_ratio", lang),
                        ],
                        percentile_rows(summary),
                        table_id="stress-percentiles-table",
                    ),
                ],
                className="half",
            ),
            html.Div(
                [
                    html.H3(t("stress.probabilities", lang)),
                    table(
                        [
                            t("stress.col.event", lang),
                            t("stress.col.probability", lang),
                            t("stress.col.se", lang),
                        ],
                        probability_rows(summary, lang),
                        table_id="stress-probabilities-table",
                    ),
                    html.H3(t("stress.tail", lang)),
                    table(
                        [
                            t("stress.col.asset_class", lang),
                            t("stress.col.mean_pnl", lang, unit=u),
                            t("stress.col.share", lang),
                            t("stress.col.mean_return", lang),
                        ],
                        tail_rows(summary, unit, lang),
                        table_id="stress-tail-table",
                    ),
                ],
                className="half",
            ),
            dcc.Graph(
                figure=sf.tail_bars(summary, unit, lang),
                config={"displaylogo": False},
                id="stress-tail-chart",
            ),
        ],
        className="row",
    )
    return html.Div(status), sf.histogram(summary, lang), {}, tables


def simulation_job(
    data: dict | None,
    proposed: dict | None,
    basis: str | None,
    source: str | None,
    n: Any,
    seed: Any,
    progress: Any = None,
) -> dict[str, Any]:
    """Body of the background job: the summary stored for `simulation_view`."""
    env = _SOURCES.get(str(source)) if source else None
    if env is None and not (data and data.get("holdings")):
        raise state.NoData("unknown data source")
    inputs, _ = portfolio_inputs(data, proposed, basis, env)  # type: ignore[arg-type]
    res = simulation_for(inputs, clamp_n(n), clamp_seed(seed), progress)
    return sf.simulation_summary(res, key=portfolio_key(inputs))


# -- Dash ------------------------------------------------------------------------------------
def _number(id_: str, label: str, value: int, lo: int, hi: int | None = None) -> html.Label:
    return html.Label(
        [
            label,
            dcc.Input(
                id=id_,
                type="number",
                value=value,
                min=lo,
                max=hi,
                step=1,
                debounce=True,
                style={"width": "9rem"},
            ),
        ],
        className="field",
    )


def layout(ctx: PageContext) -> Any:
    lang = ctx.lang
    graph_cfg = {"displaylogo": False}
    return page_frame(
        ctx,
        KEY,
        dcc.Store(id=ids.CURRENT_SCENARIO, storage_type="session"),
        dcc.Store(id=ids.PROPOSED_WEIGHTS, storage_type="session"),
        dcc.Store(id=ids.STRESS_SOURCE, data=source_key(ctx.env)),
        dcc.Store(id=ids.STRESS_SIM_RESULT, storage_type="session"),
        regime_selector(lang),
        html.Div(
            [
                html.Span(t("stress.portfolio", lang), className="switch-label"),
                dcc.RadioItems(
                    id=ids.STRESS_PORTFOLIO,
                    options=[
                        {"label": t("stress.current", lang), "value": "current"},
                        {"label": t("stress.proposed", lang), "value": "proposed"},
                    ],
                    value="current",
                    inline=True,
                    persistence=True,
                    persistence_type="session",
                ),
            ],
            className="toolbar",
        ),
        html.Div(
            [
                html.H2(t("stress.scenarios", lang)),
                dcc.Loading(html.Div(id=ids.STRESS_SCENARIOS), type="dot"),
                dcc.Graph(id=ids.STRESS_CHART, config=graph_cfg),
                html.H2(t("stress.reverse", lang)),
                dcc.Loading(html.Div(id=ids.STRESS_REVERSE), type="dot"),
                html.H2(t("stress.simulation", lang)),
                html.Div(
                    [
                        _number(ids.STRESS_SIM_N, t("stress.sim_n", lang), DEFAULT_N, MIN_N, MAX_N),
                        _number(ids.STRESS_SIM_SEED, t("stress.sim_seed", lang), DEFAULT_SEED, 0),
                        html.Button(
                            t("stress.simulate", lang), id=ids.STRESS_SIMULATE, className="btn"
                        ),
                        html.Button(
                            t("stress.cancel", lang),
                            id=ids.STRESS_CANCEL,
                            className="btn",
                            disabled=True,
                        ),
                        html.Progress(id=ids.STRESS_PROGRESS, value="0", max="1"),
                    ],
                    className="toolbar",
                ),
                html.Div(id=ids.STRESS_SIM_STATUS),
                dcc.Graph(id=ids.STRESS_HISTOGRAM, config=graph_cfg, style={"display": "none"}),
                html.Div(id=ids.STRESS_SIM_TABLES),
            ],
            id=ids.STRESS_BODY,
        ),
    )


def stress_view(
    data: dict | None,
    proposed: dict | None,
    basis: str | None,
    unit: str | None,
    lang: str | None,
    *,
    env: AppEnv,
) -> tuple:
    notes, tbl, fig = stress_content(data, proposed, basis, unit, lang, env)
    return html.Div([notes, tbl]), fig


def reverse_view(
    data: dict | None, proposed: dict | None, basis: str | None, lang: str | None, *, env: AppEnv
) -> Any:
    return reverse_content(data, proposed, basis, lang, env)


def run_simulation(
    set_progress: Any,
    _n_clicks: Any,
    n: Any,
    seed: Any,
    data: dict | None,
    proposed: dict | None,
    basis: str | None,
    source: str | None,
) -> dict[str, Any]:
    """Background job (permission ``view``, checked by the request gate before it starts)."""
    total = clamp_n(n)
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        set_progress((str(done[0]), str(total)))

    set_progress(("0", str(total)))
    return simulation_job(data, proposed, basis, source, n, seed, tick)


def simulation_view(
    summary: dict | None,
    data: dict | None,
    proposed: dict | None,
    basis: str | None,
    unit: str | None,
    lang: str | None,
    *,
    env: AppEnv,
) -> tuple:
    key = None
    if summary:
        try:
            key = portfolio_key(portfolio_inputs(data, proposed, basis, env)[0])
        except (state.NoData, AnalyzerError):
            key = None
    return simulation_content(summary, key, unit, lang)


def register(app: Any, env: AppEnv) -> None:
    _SOURCES[source_key(env)] = env
    app.callback(
        Output(ids.STRESS_SCENARIOS, "children"),
        Output(ids.STRESS_CHART, "figure"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.PROPOSED_WEIGHTS, "data"),
        Input(ids.STRESS_PORTFOLIO, "value"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
    )(with_env(stress_view, env))
    app.callback(
        Output(ids.STRESS_REVERSE, "children"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.PROPOSED_WEIGHTS, "data"),
        Input(ids.STRESS_PORTFOLIO, "value"),
        Input(ids.LANG, "value"),
    )(with_env(reverse_view, env))
    protected_callback(
        app,
        "view",
        Output(ids.STRESS_SIM_RESULT, "data"),
        Input(ids.STRESS_SIMULATE, "n_clicks"),
        State(ids.STRESS_SIM_N, "value"),
        State(ids.STRESS_SIM_SEED, "value"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.PROPOSED_WEIGHTS, "data"),
        State(ids.STRESS_PORTFOLIO, "value"),
        State(ids.STRESS_SOURCE, "data"),
        background=True,
        running=[
            (Output(ids.STRESS_SIMULATE, "disabled"), True, False),
            (Output(ids.STRESS_CANCEL, "disabled"), False, True),
        ],
        progress=[Output(ids.STRESS_PROGRESS, "value"), Output(ids.STRESS_PROGRESS, "max")],
        cancel=[Input(ids.STRESS_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )(run_simulation)
    app.callback(
        Output(ids.STRESS_SIM_STATUS, "children"),
        Output(ids.STRESS_HISTOGRAM, "figure"),
        Output(ids.STRESS_HISTOGRAM, "style"),
        Output(ids.STRESS_SIM_TABLES, "children"),
        Input(ids.STRESS_SIM_RESULT, "data"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.PROPOSED_WEIGHTS, "data"),
        Input(ids.STRESS_PORTFOLIO, "value"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
    )(with_env(simulation_view, env))
