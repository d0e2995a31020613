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

The work is the stress service's (`analyzer.api.stress_page`: `scenario_results`,
`reverse_results`, `simulation_for`, cached in the services' one cache); this module formats
(`scenario_rows`, `reverse_rows`, ...), which is what tests call.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from dash import Input, Output, State, dcc, html

from analyzer.api import ReverseResult, Scenario, StressResult
from analyzer.api import stress_page as stress_service
from analyzer.errors import AnalyzerError
from dashboard import i18n, ids, names, state
from dashboard import stress_figures as sf
from dashboard.auth import protected_callback
from dashboard.components import page_frame
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.pages.overview import no_data, regime_selector, table
from dashboard.state import StoreData
from dashboard.units import fmt_money, fmt_pct, normalize_unit, unit_label

KEY = "stress"
PATH = "/stress"
THRESHOLDS = ("comprehensive_100", "comprehensive_target", "core_50")
DEFAULT_N = stress_service.DEFAULT_N
MAX_N = stress_service.MAX_N
MIN_N = stress_service.MIN_N
DEFAULT_SEED = stress_service.DEFAULT_SEED
# the stress service's builders, under the names this page's tests know
portfolio_key = stress_service.portfolio_key
stresser_for = stress_service.stresser_for
scenario_results = stress_service.scenario_results
reverse_results = stress_service.reverse_results
simulation_for = stress_service.simulation_for
scenario_market_model = stress_service.scenario_market_model
clamp_n = stress_service.clamp_n
clamp_seed = stress_service.clamp_seed

#: source key -> AppEnv (filled by `register`); lets the background job, which runs in
#: another process without a Flask request, find the start-up files from an opaque key.
_SOURCES: dict[str, AppEnv] = {}


def source_key(env: AppEnv) -> str:
    raw = f"stress|{Path(env.holdings_path).resolve()}|{Path(env.company_path).resolve()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# -- inputs ----------------------------------------------------------------------------------
def portfolio_inputs(
    data: StoreData, proposed: StoreData, basis: str | None, env: AppEnv | None
) -> tuple[Scenario, bool]:
    """(the scenario to stress, whether it is the proposed allocation)."""
    inputs = state.current_inputs(data, env)
    if basis == "proposed":
        prop = state.proposed_inputs(inputs, proposed)
        if prop is not None:
            return prop, True
    return inputs, False


# -- tables ----------------------------------------------------------------------------------
def scenario_label(name: str, lang: str) -> str:
    key = f"stress.scn.{name}"
    return t(key, lang) if i18n.has(key) else name


def scenario_rows(results: list[StressResult], unit: str, lang: str) -> list[list[Any]]:
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
    u = f"（{unit_label(unit, lang)}）" if lang == "zh" else f" ({unit_label(unit, lang)})"
    cols = ["scenario", "kind", "reference"]
    money = ["asset_change", "loss_actual", "loss_core", "mc_after"]
    return (
        [t(f"stress.col.{c}", lang) for c in cols]
        + [t(f"stress.col.{c}", lang) + u for c in money]
        + [t("stress.col.comprehensive", lang), t("stress.col.core", lang)]
    )


def move_text(r: ReverseResult, lang: str) -> str:
    """A reverse-stress move: ``34.89%`` for fractions, ``187.0 bp`` for rates and spreads."""
    bp = "fraction" not in r.unit
    if r.status == "already_below":
        return t("stress.already_below", lang)
    if r.status == "not_reached" or r.move is None:
        top = stress_service.max_move(r.driver)
        return t("stress.not_reached", lang, max=f"{top:.0f} bp" if bp else fmt_pct(top, 0))
    return f"{r.move:.1f} bp" if bp else fmt_pct(r.move, 2)


def reverse_rows(results: list[ReverseResult], lang: str) -> list[list[str]]:
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
    """One row per percentile level, in ascending order of the level (the session store
    may hand the levels back in the text order of their keys: "0.5" after "99")."""
    comp = summary["percentiles"]["comprehensive"]
    core = summary["percentiles"]["core"]
    return [[f"{p}%", fmt_pct(comp[p]), fmt_pct(core[p])] for p in sorted(comp, key=float)]


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
    data: StoreData,
    proposed: StoreData,
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
    data: StoreData, proposed: StoreData, basis: str | None, lang: str | None, env: AppEnv
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
    data: StoreData,
    proposed: StoreData,
    basis: str | None,
    source: str | None,
    n: Any,
    seed: Any,
    progress: Any = None,
) -> dict[str, Any]:
    """Body of the background job: the summary stored for `simulation_view`."""
    env = _SOURCES.get(str(source)) if source else None
    if env is None and not state.has_rows(data):
        raise state.NoData("unknown data source")
    inputs, _ = portfolio_inputs(data, proposed, basis, env)
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
    data: StoreData,
    proposed: StoreData,
    basis: str | None,
    unit: str | None,
    lang: str | None,
    *,
    env: AppEnv,
) -> tuple:
    notes, tbl, fig = stress_content(data, proposed, basis, unit, lang, env)
    return html.Div([notes, tbl]), fig


def reverse_view(
    data: StoreData, proposed: StoreData, basis: str | None, lang: str | None, *, env: AppEnv
) -> Any:
    return reverse_content(data, proposed, basis, lang, env)


def run_simulation(
    set_progress: Any,
    _n_clicks: Any,
    n: Any,
    seed: Any,
    data: StoreData,
    proposed: StoreData,
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
    data: StoreData,
    proposed: StoreData,
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
