"""Allocation lab (asset managers): edit weights and see the solvency figures live, optimise
under ratio floors and limits, trace both frontiers, load a frontier point, apply.

Callbacks here only unpack inputs and format; the work is in `analyzer.api.lab` (the lab's
service, unit-tested) and `dashboard.lab_figures`.

Data flow::

    grid edit / frontier click / "use optimum" / reset --(on_grid_event)--> LAB_WEIGHTS (+ rowData)
    LAB_WEIGHTS + unit + lang --(show_live)--> figures, totals row, trades, error
    Optimise --(run_optimise, background, permission "optimize")--> LAB_RESULT
    LAB_RESULT + LAB_WEIGHTS --(show_result)--> frontiers, shadow prices, infeasibility
    Apply --(apply_weights, permission "edit")--> PROPOSED_WEIGHTS
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dash_ag_grid as dag
from dash import Input, Output, State, ctx, dcc, html, no_update

from analyzer.api import LabModel, LiveFigures, Scenario
from analyzer.api import lab as lab_service
from dashboard import ids, names, notices, state
from dashboard.auth import protected_callback
from dashboard.components import page_frame
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.lab_figures import empty_figure, frontier_figure
from dashboard.state import StoreData
from dashboard.units import fmt_money, fmt_pct, normalize_unit, unit_label

KEY = "lab"
PATH = "/lab"

# -- portfolio sources: the browser only ever sees an opaque key -----------------------------
_SOURCES: dict[str, tuple[Path, Path]] = {}


def source_key(env: AppEnv) -> str:
    raw = f"{env.holdings_path.resolve()}|{env.company_path.resolve()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def scenario_key(scenario: Scenario | Mapping[str, Any]) -> str:
    return lab_service.scenario_key(scenario)


def model_for(source: str | None, scenario: StoreData | Scenario = None) -> LabModel:
    """The lab model of a source key.

    Start-up files: the key registered by `register` (KeyError for unknown keys). An uploaded
    scenario (the Data page's ``CURRENT_SCENARIO`` store): its key is a hash of the inputs; a
    process that has not built it yet (another worker, the background job) builds it from
    ``scenario`` (validated again) and caches it under the *recomputed* hash, so a client
    cannot poison the cache.
    """
    if source in _SOURCES:
        holdings, company = _SOURCES[str(source)]
        return lab_service.load_model(holdings, company)
    hit = lab_service.cached_model(str(source))
    if hit is not None:
        return hit
    if state.has_rows(scenario):
        return lab_service.scenario_model(state.Scenario.from_store(scenario))
    raise KeyError(f"unknown portfolio source {source!r}")


# -- layout ----------------------------------------------------------------------------------
PCT_FORMAT = {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"}


def column_defs(lang: str) -> list[dict[str, Any]]:
    num = {"type": "numericColumn", "valueFormatter": PCT_FORMAT, "width": 130}
    edit = {"editable": True, "cellDataType": "number", "cellStyle": {"backgroundColor": "#fffbe6"}}
    return [
        {
            "field": "asset_class",
            "headerName": t("lab.grid.asset_class", lang),
            "width": 230,
            "pinned": "left",
            "refData": {
                **names.ref_data("asset_class", lang),
                t("lab.grid.total", lang): t("lab.grid.total", lang),
            },
        },
        # cellDataType False: no boolean inference (a checkbox would replace the marker)
        {
            "field": "new",
            "headerName": "",
            "width": 80,
            "cellClass": "lab-new",
            "cellDataType": False,
            "valueFormatter": {
                "function": "params.value ? " + repr(t("lab.grid.new", lang)) + " : ''"
            },
        },
        {"field": "current", "headerName": t("lab.grid.current", lang), **num},
        {"field": "proposed", "headerName": t("lab.grid.proposed", lang), **num, **edit},
        {"field": "min", "headerName": t("lab.grid.min", lang), **num, **edit},
        {"field": "max", "headerName": t("lab.grid.max", lang), **num, **edit},
        {"field": "expected_return", "headerName": t("lab.grid.expected_return", lang), **num},
    ]


def grid_options(total: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "pinnedBottomRowData": [total] if total else [],
        "stopEditingWhenCellsLoseFocus": True,
        "singleClickEdit": True,
    }


def _number_input(id_: str, label: str, value: Any) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=id_),
            dcc.Input(id=id_, type="number", value=value, min=0, step=1, debounce=True),
        ],
        className="lab-field",
    )


def layout(ctx: PageContext) -> Any:
    lang = ctx.lang
    env = ctx.env
    if env.missing_data():
        return page_frame(ctx, KEY, html.Div(t("lab.error.no_data", lang), id=ids.LAB_BODY))
    key = source_key(env)
    _SOURCES.setdefault(key, (env.holdings_path, env.company_path))
    model = model_for(key)
    rows = lab_service.grid_rows(model)
    objectives = [
        {"label": t(f"lab.objective.{o}", lang), "value": o} for o in lab_service.OBJECTIVES
    ]
    body = html.Div(
        [
            dcc.Store(id=ids.LAB_SOURCE, data=key),
            # working weights survive a language switch (the router re-renders the page)
            dcc.Store(id=ids.LAB_WEIGHTS, storage_type="session"),
            dcc.Store(id=ids.LAB_RESULT, data=None),
            # shared with the Data / Solvency pages through the browser's session storage
            dcc.Store(id=ids.CURRENT_SCENARIO, storage_type="session"),
            dcc.Store(id=ids.PROPOSED_WEIGHTS, storage_type="session"),
            html.Section(
                [
                    html.P(t("lab.grid.help", lang), className="lab-help"),
                    template_help(model, lang),
                    dag.AgGrid(
                        id=ids.LAB_GRID,
                        rowData=rows,
                        columnDefs=column_defs(lang),
                        getRowId="params.data.asset_class",
                        dashGridOptions=grid_options(None),
                        defaultColDef={"sortable": True, "resizable": True},
                        style={"height": "420px"},
                        className="ag-theme-alpine",
                    ),
                    html.Div(id=ids.LAB_ERROR, className="lab-error", role="status"),
                    html.Div(id=ids.LAB_FIGURES, className="lab-figures"),
                    html.Div(
                        [
                            html.Button(t("lab.reset", lang), id=ids.LAB_RESET, className="button"),
                            html.Button(
                                t("lab.apply", lang),
                                id=ids.LAB_APPLY,
                                className="button button-primary",
                            ),
                        ],
                        className="lab-buttons",
                    ),
                ],
                className="lab-grid-section",
            ),
            html.Section(
                [
                    html.H2(t("lab.constraints", lang)),
                    html.Div(
                        [
                            _number_input(
                                ids.LAB_MIN_COMPREHENSIVE, t("lab.min_comprehensive", lang), 150
                            ),
                            _number_input(ids.LAB_MIN_CORE, t("lab.min_core", lang), 100),
                            _number_input(ids.LAB_MIN_SCITECH, t("lab.min_scitech", lang), 0),
                            _number_input(ids.LAB_MAX_TURNOVER, t("lab.max_turnover", lang), None),
                            html.Div(
                                [
                                    html.Label(t("lab.objective", lang), htmlFor=ids.LAB_OBJECTIVE),
                                    dcc.Dropdown(
                                        id=ids.LAB_OBJECTIVE,
                                        options=objectives,
                                        value="max_return",
                                        clearable=False,
                                    ),
                                ],
                                className="lab-field lab-objective",
                            ),
                        ],
                        className="lab-constraints",
                    ),
                    html.Div(
                        [
                            html.Button(
                                t("lab.optimise", lang),
                                id=ids.LAB_OPTIMISE,
                                className="button button-primary",
                            ),
                            html.Button(
                                t("lab.cancel", lang),
                                id=ids.LAB_CANCEL,
                                className="button",
                                disabled=True,
                            ),
                            html.Progress(id=ids.LAB_PROGRESS, value="0", max="4"),
                        ],
                        className="lab-buttons",
                    ),
                    html.Div(
                        t("lab.result.none", lang), id=ids.LAB_RESULT_STATUS, className="lab-result"
                    ),
                    html.Button(
                        t("lab.use_optimum", lang),
                        id=ids.LAB_USE_OPTIMUM,
                        className="button",
                        disabled=True,
                    ),
                    html.Div(id=ids.LAB_NOTES, className="lab-notes"),
                    html.Div(id=ids.LAB_SHADOW, className="lab-shadow"),
                ],
                className="lab-optimiser",
            ),
            html.Section(
                [
                    html.H2(t("lab.frontiers", lang)),
                    html.Div(
                        [
                            dcc.Graph(
                                id=ids.LAB_FRONTIER_VOL,
                                figure=empty_figure(lang, "volatility"),
                                config={"displayModeBar": False},
                            ),
                            dcc.Graph(
                                id=ids.LAB_FRONTIER_SOLV,
                                figure=empty_figure(lang, "solvency"),
                                config={"displayModeBar": False},
                            ),
                        ],
                        className="lab-frontiers",
                    ),
                ]
            ),
            html.Section(
                [
                    html.H2(t("lab.trades.title", lang)),
                    html.Div(id=ids.LAB_TRADES),
                ]
            ),
        ],
        id=ids.LAB_BODY,
    )
    return page_frame(ctx, KEY, body)


def template_help(model: LabModel, lang: str, scenario: StoreData = None) -> Any:
    """What the grid's "new" marker means, or why the templates were not used."""
    out = []
    if model.new_classes:
        source = state.templates_source(scenario) or state.BUNDLED_TEMPLATES_LABEL
        out.append(html.P(t("lab.grid.new_help", lang, source=source), className="lab-help"))
    if model.template_problem:
        out.append(
            html.P(
                t("lab.templates.problem", lang, problem=model.template_problem),
                className="notice notice-warning",
            )
        )
    return html.Div(out, id=ids.LAB_TEMPLATES)


# -- callbacks (module-level bodies) ---------------------------------------------------------
def on_grid_event(
    changes: Any,
    click_vol: Any,
    click_solv: Any,
    use_optimum: Any,
    reset: Any,
    scenario: StoreData,
    rows: list[dict[str, Any]] | None,
    result: dict[str, Any] | None,
    source: str | None,
    working: dict[str, Any] | None = None,
    *,
    env: AppEnv,
) -> tuple[Any, Any, Any]:
    """Grid edit -> working weights; frontier click / optimum / reset -> weights and rows;
    a scenario uploaded on the Data page -> that portfolio (new source key, rows, weights)."""
    trigger = ctx.triggered_id
    rows = rows or []
    if trigger == ids.LAB_GRID:
        return lab_service.weights_from_rows(rows, changes), no_update, no_update
    if trigger == ids.CURRENT_SCENARIO:
        key = scenario_key(scenario) if state.has_rows(scenario) else source_key(env)
        model = model_for(key, scenario)
        keep = working if _matches(model, working) else None  # edits of this portfolio
        new_rows = lab_service.grid_rows(model, keep, rows)
        return lab_service.weights_from_rows(new_rows), new_rows, key
    model = model_for(source, scenario)
    weights: dict[str, Any] | None = None
    if trigger == ids.LAB_FRONTIER_VOL:
        weights = lab_service.frontier_weights(result, "volatility", click_vol)
    elif trigger == ids.LAB_FRONTIER_SOLV:
        weights = lab_service.frontier_weights(result, "solvency", click_solv)
    elif trigger == ids.LAB_USE_OPTIMUM and result and result.get("status") == "optimal":
        weights = dict(result["weights"])
    elif trigger == ids.LAB_RESET:
        weights = model.current_percent()
    if weights is None:
        return no_update, no_update, no_update
    new_rows = lab_service.grid_rows(model, weights, rows)
    return lab_service.weights_from_rows(new_rows), new_rows, no_update


def _matches(model: LabModel, weights: dict[str, Any] | None) -> bool:
    return bool(weights) and set(weights or {}) == set(model.classes)


def restore_rows(
    weights: dict[str, Any] | None,
    rows: list[dict[str, Any]] | None,
    source: str | None,
    scenario: StoreData = None,
) -> Any:
    """Working weights restored from the session (after a re-render) -> the grid."""
    try:
        model = model_for(source, scenario)
    except KeyError:
        return no_update
    if not _matches(model, weights) or lab_service.weights_from_rows(rows or []) == weights:
        return no_update  # not this portfolio's, or the grid already shows them
    return lab_service.grid_rows(model, weights, rows)


def _card(label: str, value: str, id_suffix: str) -> html.Div:
    return html.Div(
        [
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value", id=f"lab-kpi-{id_suffix}"),
        ],
        className="kpi",
    )


def show_live(
    weights: dict[str, Any] | None,
    unit: str | None,
    lang: str | None,
    source: str | None,
    scenario: StoreData = None,
) -> tuple[Any, Any, Any, Any, Any]:
    """Figures cards, error text, totals row, trades table of the working weights and the
    line on new classes (templates)."""
    lang, unit = normalize_lang(lang), normalize_unit(unit)
    model = model_for(source, scenario)
    return (
        *_live(model, weights, unit, lang),
        template_help(model, lang, scenario=scenario).children,
    )


def _live(
    model: LabModel, weights: dict[str, Any] | None, unit: str, lang: str
) -> tuple[Any, Any, Any, Any]:
    if not _matches(model, weights):
        weights = model.current_percent()
    figures = lab_service.live_figures(model, weights)
    total = lab_service.totals_row(t("lab.grid.total", lang), weights, model, figures)
    if figures.error is not None:
        params = dict(figures.error.params)
        if "name" in params:
            params["name"] = names.asset_class(params["name"], lang)
        error = html.Div(t(figures.error.key, lang, **params), className="notice notice-warning")
        return None, error, grid_options(total), None
    cards = html.Div(
        [
            _card(
                t("metric.comprehensive_ratio", lang),
                fmt_pct(figures.comprehensive_ratio),
                "comprehensive",
            ),
            _card(t("metric.core_ratio", lang), fmt_pct(figures.core_ratio), "core"),
            _card(
                t("metric.minimum_capital", lang),
                fmt_money(figures.minimum_capital, unit, lang),
                "minimum-capital",
            ),
            _card(t("lab.metric.sci_tech", lang), fmt_pct(figures.sci_tech_share, 2), "scitech"),
            _card(
                t("lab.metric.expected_return", lang), fmt_pct(figures.expected_return, 2), "return"
            ),
        ],
        className="kpis",
    )
    return cards, None, grid_options(total), trades_table(model, figures, unit, lang)


def trades_table(model: LabModel, figures: LiveFigures, unit: str, lang: str) -> Any:
    rows = lab_service.trades_rows(model, figures)
    if not rows:
        return html.P(t("lab.trades.none", lang))
    u = unit_label(unit, lang)
    head = html.Tr(
        [
            html.Th(t("lab.grid.asset_class", lang)),
            html.Th(t("lab.trades.current", lang, unit=u)),
            html.Th(t("lab.trades.proposed", lang, unit=u)),
            html.Th(t("lab.trades.trade", lang, unit=u)),
        ]
    )
    body = [
        html.Tr(
            [
                html.Td(names.asset_class(r["asset_class"], lang), title=r["asset_class"]),
                html.Td(fmt_money(r["current"], unit, lang, with_unit=False)),
                html.Td(fmt_money(r["proposed"], unit, lang, with_unit=False)),
                html.Td(
                    fmt_money(r["trade"], unit, lang, with_unit=False),
                    className="buy" if r["trade"] > 0 else "sell",
                ),
            ]
        )
        for r in rows
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="table lab-trades")


def _settings(
    min_comp: Any,
    min_core: Any,
    min_sci: Any,
    turnover: Any,
    objective: Any,
    rows: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    return {
        "min_comprehensive": min_comp,
        "min_core": min_core,
        "min_sci_tech": min_sci,
        "max_turnover": turnover,
        "objective": objective,
        "bounds": lab_service.bounds_from_rows(rows or []),
    }


def run_optimise(
    set_progress: Any,
    n_clicks: Any,
    min_comp: Any,
    min_core: Any,
    min_sci: Any,
    turnover: Any,
    objective: Any,
    rows: list[dict[str, Any]] | None,
    source: str | None,
    scenario: StoreData = None,
) -> dict[str, Any]:
    """Background job: optimiser + both frontiers (progress in 4 steps)."""
    model = model_for(source, scenario)
    settings = _settings(min_comp, min_core, min_sci, turnover, objective, rows)
    return lab_service.optimise(
        model, settings, progress=lambda i, n: set_progress((str(i), str(n)))
    )


def notes_block(result: dict[str, Any] | None, lang: str) -> Any:
    """The optimiser's notes (the core's words) and the new classes it could buy."""
    if not result:
        return None
    items: list[Any] = []
    new = result.get("new_classes") or []
    if new:
        sep = "、" if lang == "zh" else ", "
        items.append(
            html.Li(
                t(
                    "lab.result.new_classes",
                    lang,
                    names=sep.join(names.asset_class(c, lang) for c in new),
                ),
                className="lab-new-classes",
            )
        )
    items += [html.Li(n) for n in result.get("notes") or []]
    if not items:
        return None
    return html.Div([html.H3(t("lab.notes", lang)), html.Ul(items)])


def show_result(
    result: dict[str, Any] | None,
    weights: dict[str, Any] | None,
    lang: str | None,
    source: str | None,
    scenario: StoreData = None,
) -> tuple[Any, Any, Any, Any, bool, Any]:
    """Result summary or infeasibility, shadow prices, both frontiers, 'use optimum', notes."""
    lang = normalize_lang(lang)
    notes = notes_block(result, lang)
    return (*_result(result, weights, lang, source, scenario), notes)


def _result(
    result: dict[str, Any] | None,
    weights: dict[str, Any] | None,
    lang: str,
    source: str | None,
    scenario: StoreData,
) -> tuple[Any, Any, Any, Any, bool]:
    if not result:
        return (
            t("lab.result.none", lang),
            None,
            empty_figure(lang, "volatility"),
            empty_figure(lang, "solvency"),
            True,
        )
    if result.get("status") != "optimal":
        conflicts = result.get("conflicts") or [result.get("message", "")]
        status = html.Div(
            [
                html.Strong(t("lab.result.infeasible", lang)),
                html.Ul([html.Li(c) for c in conflicts]),
                html.P(result.get("message", ""), className="lab-explain"),
            ],
            className="notice notice-warning",
        )
        return (
            status,
            None,
            empty_figure(lang, "volatility"),
            empty_figure(lang, "solvency"),
            True,
        )
    status = t(
        "lab.result.optimal",
        lang,
        er=fmt_pct(result["expected_return"], 2),
        vol=fmt_pct(result["volatility"], 2),
        comp=fmt_pct(result["comprehensive_ratio"]),
        core=fmt_pct(result["core_ratio"]),
    )
    markers = _markers(result, weights, source, scenario)
    fronts = result.get("frontiers") or {}
    figs = [
        frontier_figure(fronts.get(axis), axis, lang, markers.get(axis))
        for axis in lab_service.AXES
    ]
    return status, shadow_table(result.get("binding") or [], lang), figs[0], figs[1], False


def _markers(
    result: dict[str, Any],
    weights: dict[str, Any] | None,
    source: str | None,
    scenario: StoreData,
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {
        "volatility": {"optimum": (result["volatility"], result["expected_return"])},
        "solvency": {"optimum": (result["comprehensive_ratio"], result["expected_return"])},
    }
    try:
        model = model_for(source, scenario)
    except KeyError:
        return out
    for name, w in (("current", model.current_percent()), ("proposed", weights)):
        if not w:
            continue
        f = lab_service.live_figures(model, w)
        if f.error is None:
            out["solvency"][name] = (f.comprehensive_ratio, f.expected_return)
            out["volatility"][name] = (lab_service.volatility_of(model, w), f.expected_return)
    return out


def shadow_table(binding: list[dict[str, Any]], lang: str) -> Any:
    if not binding:
        return None
    head = html.Tr(
        [
            html.Th(t(f"lab.shadow.{k}", lang))
            for k in ("constraint", "subject", "limit", "price", "unit", "per_yi")
        ]
    )
    body = []
    for b in binding:
        per_yi = b.get("shadow_price_per_yi")
        body.append(
            html.Tr(
                [
                    html.Td(names.binding(b["constraint"], lang), title=b["constraint"]),
                    html.Td(names.subject(b.get("subject", ""), lang), title=b.get("subject", "")),
                    html.Td(f"{b['limit']:.4g}"),
                    html.Td(f"{b['shadow_price']:.3f}"),
                    html.Td(names.unit(b.get("unit", ""), lang), title=b.get("unit", "")),
                    html.Td("" if per_yi is None else f"{per_yi:.3f}"),
                ]
            )
        )
    return html.Div(
        [
            html.H3(t("lab.shadow.title", lang)),
            html.Table([html.Thead(head), html.Tbody(body)], className="table"),
        ]
    )


def apply_weights(
    n_clicks: Any,
    weights: dict[str, Any] | None,
    source: str | None,
    scenario: StoreData = None,
) -> Any:
    """Write the proposed weights ({class: fraction}) for the other pages."""
    model = model_for(source, scenario)
    fractions = lab_service.proposed_fractions(model, weights or {})
    if fractions is None:
        problem = lab_service.parse_weights(model, weights or {})
        key = getattr(problem, "key", "lab.error.sum")
        notices.notify(key, "warning", **getattr(problem, "params", {}))
        return no_update
    notices.notify("lab.applied", "success")
    return fractions


def register(app: Any, env: AppEnv) -> None:
    """Register this page's callbacks on ``app``."""
    _SOURCES[source_key(env)] = (env.holdings_path, env.company_path)
    app.callback(
        Output(ids.LAB_WEIGHTS, "data"),
        Output(ids.LAB_GRID, "rowData"),
        Output(ids.LAB_SOURCE, "data"),
        Input(ids.LAB_GRID, "cellValueChanged"),
        Input(ids.LAB_FRONTIER_VOL, "clickData"),
        Input(ids.LAB_FRONTIER_SOLV, "clickData"),
        Input(ids.LAB_USE_OPTIMUM, "n_clicks"),
        Input(ids.LAB_RESET, "n_clicks"),
        Input(ids.CURRENT_SCENARIO, "data"),
        State(ids.LAB_GRID, "rowData"),
        State(ids.LAB_RESULT, "data"),
        State(ids.LAB_SOURCE, "data"),
        State(ids.LAB_WEIGHTS, "data"),
        prevent_initial_call=True,
    )(with_env(on_grid_event, env))
    app.callback(
        Output(ids.LAB_GRID, "rowData", allow_duplicate=True),
        Input(ids.LAB_WEIGHTS, "data"),
        State(ids.LAB_GRID, "rowData"),
        State(ids.LAB_SOURCE, "data"),
        State(ids.CURRENT_SCENARIO, "data"),
        prevent_initial_call=True,
    )(restore_rows)
    app.callback(
        Output(ids.LAB_FIGURES, "children"),
        Output(ids.LAB_ERROR, "children"),
        Output(ids.LAB_GRID, "dashGridOptions"),
        Output(ids.LAB_TRADES, "children"),
        Output(ids.LAB_TEMPLATES, "children"),
        Input(ids.LAB_WEIGHTS, "data"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
        State(ids.LAB_SOURCE, "data"),
        State(ids.CURRENT_SCENARIO, "data"),
    )(show_live)
    protected_callback(
        app,
        "optimize",
        Output(ids.LAB_RESULT, "data"),
        Input(ids.LAB_OPTIMISE, "n_clicks"),
        State(ids.LAB_MIN_COMPREHENSIVE, "value"),
        State(ids.LAB_MIN_CORE, "value"),
        State(ids.LAB_MIN_SCITECH, "value"),
        State(ids.LAB_MAX_TURNOVER, "value"),
        State(ids.LAB_OBJECTIVE, "value"),
        State(ids.LAB_GRID, "rowData"),
        State(ids.LAB_SOURCE, "data"),
        State(ids.CURRENT_SCENARIO, "data"),
        background=True,
        running=[
            (Output(ids.LAB_OPTIMISE, "disabled"), True, False),
            (Output(ids.LAB_CANCEL, "disabled"), False, True),
        ],
        progress=[Output(ids.LAB_PROGRESS, "value"), Output(ids.LAB_PROGRESS, "max")],
        cancel=[Input(ids.LAB_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )(run_optimise)
    app.callback(
        Output(ids.LAB_RESULT_STATUS, "children"),
        Output(ids.LAB_SHADOW, "children"),
        Output(ids.LAB_FRONTIER_VOL, "figure"),
        Output(ids.LAB_FRONTIER_SOLV, "figure"),
        Output(ids.LAB_USE_OPTIMUM, "disabled"),
        Output(ids.LAB_NOTES, "children"),
        Input(ids.LAB_RESULT, "data"),
        Input(ids.LAB_WEIGHTS, "data"),
        Input(ids.LANG, "value"),
        State(ids.LAB_SOURCE, "data"),
        State(ids.CURRENT_SCENARIO, "data"),
        prevent_initial_call=True,
    )(show_result)
    protected_callback(
        app,
        "edit",
        Output(ids.PROPOSED_WEIGHTS, "data"),
        Input(ids.LAB_APPLY, "n_clicks"),
        State(ids.LAB_WEIGHTS, "data"),
        State(ids.LAB_SOURCE, "data"),
        State(ids.CURRENT_SCENARIO, "data"),
        prevent_initial_call=True,
    )(apply_weights)
