"""Overview page (executives): solvency ratios at a glance, capital waterfall, allocation.

The content is one view callback (`overview_view`, a module-level function) fed by the
current scenario store, the lab's proposed weights, the unit and the language; the pure
`overview_content` does the work and is what the tests call.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, ctx, dcc, html, no_update

from analyzer.api import DEFAULT_REGIME, SolvencyResult, available_regimes
from analyzer.api import overview as overview_service
from analyzer.errors import AnalyzerError
from dashboard import figures, ids, names, state
from dashboard.components import page_frame
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.state import StoreData
from dashboard.units import fmt_money, fmt_pct, normalize_unit

KEY = "overview"
PATH = "/"


# -- small shared builders (used by the other pages of this module set too) ------------------
def table(headers: list[str], rows: list[list[Any]], table_id: str | None = None) -> html.Table:
    props = {"id": table_id} if table_id else {}
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
        ],
        className="data-table",
        **props,
    )


def kpi(label: str, value: str, notes: list[str], ok: bool | None = None, kid: str = "") -> Any:
    cls = "kpi" + ("" if ok is None else (" kpi-ok" if ok else " kpi-bad"))
    return html.Div(
        [
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value", **({"id": kid} if kid else {})),
            *[html.Div(n, className="kpi-note") for n in notes],
        ],
        className=cls,
    )


def no_data(lang: str, reason: str) -> html.Div:
    return html.Div(t("overview.no_data", lang, reason=reason), className="notice notice-warning")


def regime_selector(lang: str) -> html.Div:
    """The regime dropdown (overview, solvency, stress); `sync_regime` keeps it and the
    current-scenario store in step, so a saved scenario keeps its regime."""
    return html.Div(
        [
            html.Label(t("overview.regime_select", lang)),
            dcc.Dropdown(
                id=ids.REGIME_SELECT,
                options=[{"label": r, "value": r} for r in available_regimes()],
                value=DEFAULT_REGIME,
                clearable=False,
                style={"minWidth": "14rem"},
            ),
        ],
        id=ids.REGIME_BOX,
        className="toolbar regime-select",
    )


def sync_regime(data: StoreData, regimes: list[str | None]) -> tuple[Any, Any]:
    """Dropdown changed -> the store gets the regime; store changed (or first render) -> the
    dropdown shows the store's regime. One callback, so the two never loop. ``regimes`` has
    one value per selector on the page (none on pages without it)."""
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and trigger.get("type") == ids.REGIME_SELECT_TYPE:
        keep = [no_update] * len(regimes)
        chosen = next((r for r in regimes if r), None)
        if chosen is None:
            return no_update, keep
        new = state.with_regime(data, chosen)
        return (no_update if new == data else new), keep
    return no_update, [state.current_regime(data)] * len(regimes)


# -- pure content ----------------------------------------------------------------------------
def ratio_cards(
    result: SolvencyResult, targets: dict[str, float], unit: str, lang: str
) -> list[Any]:
    th = result.thresholds
    core_t = float(targets.get("core", 0.75))
    comp_t = float(targets.get("comprehensive", 1.5))
    cards = [
        kpi(
            t("metric.core_ratio", lang),
            fmt_pct(result.core_ratio),
            [
                t("overview.legal_min", lang, value=fmt_pct(th["core_minimum"], 0)),
                t("overview.target", lang, value=fmt_pct(core_t, 0)),
            ],
            ok=result.core_ratio >= max(th["core_minimum"], core_t),
            kid="overview-core-ratio",
        ),
        kpi(
            t("metric.comprehensive_ratio", lang),
            fmt_pct(result.comprehensive_ratio),
            [
                t("overview.legal_min", lang, value=fmt_pct(th["comprehensive_minimum"], 0)),
                t("overview.target", lang, value=fmt_pct(comp_t, 0)),
            ],
            ok=result.comprehensive_ratio >= max(th["comprehensive_minimum"], comp_t),
            kid="overview-comprehensive-ratio",
        ),
        kpi(
            t("metric.minimum_capital", lang),
            fmt_money(result.minimum_capital, unit, lang),
            [f"{t('metric.actual_capital', lang)} {fmt_money(result.actual_capital, unit, lang)}"],
            kid="overview-minimum-capital",
        ),
    ]
    if result.scitech is not None:
        st = result.scitech
        cards.append(
            kpi(
                t("overview.scitech_share", lang),
                fmt_pct(st.share),
                [t("overview.target", lang, value=fmt_pct(st.target, 1))],
                ok=st.share >= st.target,
                kid="overview-scitech",
            )
        )
    return cards


def compliance_summary(result: SolvencyResult, unit: str, lang: str) -> html.Div:
    checks = list(result.compliance.checks)
    breaches = [c for c in checks if c.breached]
    parts = [
        html.Strong(t("overview.compliance", lang) + "："),
        html.Span(
            t("overview.breaches", lang, count=len(breaches))
            if breaches
            else t("overview.no_breach", lang),
            id="overview-breach-count",
            className="bad" if breaches else "good",
        ),
    ]
    if checks:
        worst = min(checks, key=lambda c: c.headroom)
        name = names.limit(worst.limit, lang) + (f" ({worst.subject})" if worst.subject else "")
        parts.append(
            html.Span(
                " · "
                + t(
                    "overview.worst_headroom",
                    lang,
                    limit=name,
                    value=fmt_money(worst.headroom, unit, lang),
                )
            )
        )
    return html.Div(parts, className="compliance-summary")


def overview_content(
    data: StoreData, proposed: StoreData, unit: str | None, lang: str | None, env: AppEnv
) -> tuple[Any, Any, Any, Any, Any, Any]:
    """(kpis, compliance, waterfall figure, treemap figure, comparison, expected return)."""
    lang = normalize_lang(lang)
    unit = normalize_unit(unit)
    try:
        inputs = state.current_inputs(data, env)
        result = state.result_for(inputs)
    except (state.NoData, AnalyzerError) as exc:
        empty: dict[str, Any] = {"data": [], "layout": {}}
        return no_data(lang, str(exc)), None, empty, empty, None, None
    targets = inputs.company.get("targets") or {}
    kpis = [
        html.Div(t("overview.regime", lang, regime=result.regime), className="regime-line"),
        html.Div(ratio_cards(result, targets, unit, lang), className="kpi-row"),
    ]
    compare = None
    prop_inputs = state.proposed_inputs(inputs, proposed)
    assumptions = state.assumptions_for(inputs)
    er_now = overview_service.expected_return(result, assumptions)
    er_text = None
    if prop_inputs is not None:
        presult = state.result_for(prop_inputs)
        er_prop = overview_service.expected_return(presult, assumptions)
        compare = html.Div(
            [
                html.H3(t("overview.proposed", lang)),
                table(
                    ["", t("overview.current", lang), t("overview.proposed", lang)],
                    [
                        [
                            t("metric.core_ratio", lang),
                            fmt_pct(result.core_ratio),
                            fmt_pct(presult.core_ratio),
                        ],
                        [
                            t("metric.comprehensive_ratio", lang),
                            fmt_pct(result.comprehensive_ratio),
                            fmt_pct(presult.comprehensive_ratio),
                        ],
                        [
                            t("metric.minimum_capital", lang),
                            fmt_money(result.minimum_capital, unit, lang),
                            fmt_money(presult.minimum_capital, unit, lang),
                        ],
                        [
                            t("overview.expected_return", lang),
                            fmt_pct(er_now, 2),
                            fmt_pct(er_prop, 2),
                        ],
                    ],
                    table_id="overview-compare-table",
                ),
                dcc.Graph(
                    figure=figures.compare_bars(result, presult, unit, lang),
                    config={"displaylogo": False},
                ),
            ]
        )
    if er_now is not None:
        er_text = html.Div(
            f"{t('overview.expected_return', lang)}：{fmt_pct(er_now, 2)}", className="kpi-note"
        )
    return (
        kpis,
        compliance_summary(result, unit, lang),
        figures.waterfall(result, unit, lang),
        figures.treemap(result, unit, lang),
        compare,
        er_text,
    )


# -- Dash ------------------------------------------------------------------------------------
def layout(ctx: PageContext) -> Any:
    graph_cfg = {"displaylogo": False}
    return page_frame(
        ctx,
        KEY,
        dcc.Store(id=ids.CURRENT_SCENARIO, storage_type="session"),
        dcc.Store(id=ids.PROPOSED_WEIGHTS, storage_type="session"),
        regime_selector(ctx.lang),
        html.Div(
            [
                html.Div(id=ids.OVERVIEW_KPIS),
                html.Div(id=ids.OVERVIEW_RETURN),
                html.Div(id=ids.OVERVIEW_COMPLIANCE),
                html.Div(
                    [
                        dcc.Graph(id=ids.OVERVIEW_WATERFALL, config=graph_cfg, className="half"),
                        dcc.Graph(id=ids.OVERVIEW_TREEMAP, config=graph_cfg, className="half"),
                    ],
                    className="row",
                ),
                html.Div(id=ids.OVERVIEW_COMPARE),
            ],
            id=ids.OVERVIEW_BODY,
        ),
    )


def overview_view(
    data: StoreData, proposed: StoreData, unit: str | None, lang: str | None, *, env: AppEnv
) -> tuple:
    return overview_content(data, proposed, unit, lang, env)


def register(app: Any, env: AppEnv) -> None:
    app.callback(
        Output(ids.OVERVIEW_KPIS, "children"),
        Output(ids.OVERVIEW_COMPLIANCE, "children"),
        Output(ids.OVERVIEW_WATERFALL, "figure"),
        Output(ids.OVERVIEW_TREEMAP, "figure"),
        Output(ids.OVERVIEW_COMPARE, "children"),
        Output(ids.OVERVIEW_RETURN, "children"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.PROPOSED_WEIGHTS, "data"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
    )(with_env(overview_view, env))
    # registered once here for every page that shows `regime_selector`
    app.callback(
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output({"type": ids.REGIME_SELECT_TYPE, "index": ALL}, "value"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input({"type": ids.REGIME_SELECT_TYPE, "index": ALL}, "value"),
        prevent_initial_call="initial_duplicate",
    )(sync_regime)
