"""Solvency page (risk officers): capital by module and position, compliance, regimes.

Callbacks (module-level, registered by `register`):

* `solvency_view` -> module bar chart, compliance table, regime comparison;
* `solvency_positions` -> the ag-grid rows, filtered to a module when a bar is clicked.

The pure builders (`positions_rows`, `compliance_rows`, `regime_rows`) are what tests call.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import Input, Output, ctx, dcc, html

from analyzer.api import Scenario, SolvencyResult, available_regimes
from analyzer.errors import AnalyzerError
from dashboard import figures, ids, names, state
from dashboard.components import page_frame
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.pages.overview import no_data, regime_selector, table
from dashboard.state import StoreData
from dashboard.units import fmt_money, fmt_pct, normalize_unit, to_unit, unit_label

KEY = "solvency"
PATH = "/solvency"


#: bar (sub-module) key -> holdings "module" value
def holdings_module(submodule: str | None) -> str | None:
    if not submodule:
        return None
    for prefix in ("overseas_fixed_income", "overseas_equity"):
        if submodule.startswith(prefix):
            return prefix
    return submodule


def positions_rows(
    result: SolvencyResult, module: str | None, unit: str, lang: str = "zh"
) -> list[dict]:
    """Grid rows per (position, module), money in the display unit; filtered to ``module``.

    ``asset_type``, ``asset_class`` and ``module`` keep the keys; the grid shows the
    ``*_name`` fields (display names in ``lang``)."""
    h = result.holdings
    if module:
        h = h[h["module"] == module]
    rows = []
    for rec in h.to_dict(orient="records"):
        rows.append(
            {
                "row_id": f"{rec['id']}|{rec['module']}",
                "id": rec["id"],
                "asset_type": rec["asset_type"],
                "asset_class": rec["asset_class"],
                "module": rec["module"],
                "asset_type_name": names.asset_type(rec["asset_type"], lang),
                "asset_class_name": names.asset_class(rec["asset_class"], lang),
                "module_name": names.module(rec["module"], lang),
                "exposure": to_unit(rec["exposure"], unit),
                "factor": float(rec["factor"]),
                "capital": to_unit(rec["capital"], unit),
                "marginal_capital": to_unit(rec["marginal_capital"], unit),
            }
        )
    return rows


def column_defs(unit: str, lang: str) -> list[dict]:
    u = unit_label(unit, lang)
    fmt = ",.4f" if unit == "yi" else ",.0f"
    money = {
        "type": "rightAligned",
        "valueFormatter": {"function": f"d3.format('{fmt}')(params.value)"},
    }
    return [
        {"field": "id", "headerName": t("solvency.col.id", lang), "pinned": "left"},
        {
            "field": "asset_type_name",
            "headerName": t("solvency.col.asset_type", lang),
            "tooltipField": "asset_type",
        },
        {
            "field": "asset_class_name",
            "headerName": t("solvency.col.asset_class", lang),
            "tooltipField": "asset_class",
        },
        {
            "field": "module_name",
            "headerName": t("solvency.col.module", lang),
            "tooltipField": "module",
        },
        {"field": "exposure", "headerName": t("solvency.col.exposure", lang, unit=u), **money},
        {
            "field": "factor",
            "headerName": t("solvency.col.factor", lang),
            "type": "rightAligned",
            "valueFormatter": {"function": "d3.format('.4~f')(params.value)"},
        },
        {"field": "capital", "headerName": t("solvency.col.capital", lang, unit=u), **money},
        {
            "field": "marginal_capital",
            "headerName": t("solvency.col.marginal", lang, unit=u),
            "sort": "desc",
            **money,
        },
    ]


def compliance_rows(result: SolvencyResult, unit: str, lang: str) -> list[list[Any]]:
    rows = []
    for c in result.compliance.checks:
        name = names.limit(c.limit, lang) + (f" ({c.subject})" if c.subject else "")
        rows.append(
            [
                name,
                fmt_money(c.value, unit, lang),
                fmt_pct(c.share, 2),
                fmt_pct(c.cap, 1),
                fmt_money(c.headroom, unit, lang),
                t("solvency.breached", lang) if c.breached else t("solvency.within", lang),
            ]
        )
    return rows


def regime_results(inputs: Scenario | StoreData) -> dict[str, SolvencyResult]:
    return {name: state.result_for(inputs, name) for name in available_regimes()}


def regime_rows(results: dict[str, SolvencyResult], unit: str, lang: str) -> list[list[Any]]:
    names = list(results)
    base = results[names[0]]
    out = [
        [t("metric.minimum_capital", lang)]
        + [fmt_money(r.minimum_capital, unit, lang) for r in results.values()],
        [t("metric.core_ratio", lang)] + [fmt_pct(r.core_ratio) for r in results.values()],
        [t("metric.comprehensive_ratio", lang)]
        + [fmt_pct(r.comprehensive_ratio) for r in results.values()],
        [t("solvency.relief", lang, base=names[0])]
        + [
            fmt_money(base.minimum_capital - r.minimum_capital, unit, lang)
            for r in results.values()
        ],
    ]
    # the change by cause (SciTechView): each part marginal against the column's regime,
    # the remainder closes the sum
    for key, field in RELIEF_CAUSES:
        out.append(
            [t(key, lang)]
            + [
                fmt_money(getattr(r.scitech, field), unit, lang) if r.scitech else "—"
                for r in results.values()
            ]
        )
    return out


#: the rows of the regime table that split the released capital by cause: i18n key ->
#: SciTechView field
RELIEF_CAUSES: tuple[tuple[str, str], ...] = (
    ("solvency.relief.scitech", "relief"),
    ("solvency.relief.other", "relief_other_factors"),
    ("solvency.relief.size", "relief_size_coefficient"),
    ("solvency.relief.remainder", "relief_remainder"),
)


def solvency_content(
    data: StoreData, unit: str | None, lang: str | None, env: AppEnv
) -> tuple[Any, Any, Any, Any]:
    """(module figure, compliance table, regime table, column defs)."""
    lang = normalize_lang(lang)
    unit = normalize_unit(unit)
    try:
        inputs = state.current_inputs(data, env)
        result = state.result_for(inputs)
    except (state.NoData, AnalyzerError) as exc:
        return {"data": [], "layout": {}}, no_data(lang, str(exc)), None, column_defs(unit, lang)
    comp = table(
        [
            t("solvency.col.limit", lang),
            t("metric.market_value", lang),
            t("solvency.col.share", lang),
            t("solvency.col.cap", lang),
            t("metric.headroom", lang),
            t("solvency.col.status", lang),
        ],
        compliance_rows(result, unit, lang),
        table_id="solvency-compliance-table",
    )
    results = regime_results(inputs)
    regimes = table(
        [t("solvency.col.regime", lang), *results.keys()],
        regime_rows(results, unit, lang),
        table_id="solvency-regimes-table",
    )
    return figures.modules_bar(result, unit, lang), comp, regimes, column_defs(unit, lang)


def selected_module(click: dict | None) -> str | None:
    if not click or not click.get("points"):
        return None
    return holdings_module(click["points"][0].get("customdata"))


def positions_content(
    data: StoreData, module: str | None, unit: str | None, lang: str | None, env: AppEnv
) -> tuple[list[dict], str]:
    lang = normalize_lang(lang)
    unit = normalize_unit(unit)
    label = t(
        "solvency.filter",
        lang,
        module=names.module(module, lang) if module else t("solvency.all_modules", lang),
    )
    try:
        result = state.current_result(data, env)
    except (state.NoData, AnalyzerError):
        return [], label
    return positions_rows(result, module, unit, lang), label


# -- Dash ------------------------------------------------------------------------------------
def layout(ctx_: PageContext) -> Any:
    lang = ctx_.lang
    return page_frame(
        ctx_,
        KEY,
        dcc.Store(id=ids.CURRENT_SCENARIO, storage_type="session"),
        regime_selector(lang),
        html.Div(
            [
                html.H2(t("solvency.modules", lang)),
                dcc.Graph(id=ids.SOLVENCY_MODULES, config={"displaylogo": False}),
                html.H2(t("solvency.positions", lang)),
                html.Div(
                    [
                        html.Span(id=ids.SOLVENCY_MODULE_FILTER),
                        html.Button(
                            t("solvency.clear", lang), id=ids.SOLVENCY_MODULE_CLEAR, className="btn"
                        ),
                    ],
                    className="toolbar",
                ),
                dag.AgGrid(
                    id=ids.SOLVENCY_POSITIONS,
                    rowData=[],
                    columnDefs=column_defs(ctx_.unit, lang),
                    defaultColDef={"sortable": True, "filter": True, "resizable": True},
                    getRowId="params.data.row_id",
                    dashGridOptions={"pagination": True, "paginationPageSize": 20},
                    style={"height": "520px"},
                ),
                html.H2(t("solvency.compliance", lang)),
                html.Div(id=ids.SOLVENCY_COMPLIANCE),
                html.H2(t("solvency.regimes", lang)),
                html.Div(id=ids.SOLVENCY_REGIMES),
            ],
            id=ids.SOLVENCY_BODY,
        ),
    )


def solvency_view(data: StoreData, unit: str | None, lang: str | None, *, env: AppEnv) -> tuple:
    return solvency_content(data, unit, lang, env)


def solvency_positions(
    data: StoreData,
    click: dict | None,
    _clear: int | None,
    unit: str | None,
    lang: str | None,
    *,
    env: AppEnv,
) -> tuple:
    module = None if ctx.triggered_id == ids.SOLVENCY_MODULE_CLEAR else selected_module(click)
    return positions_content(data, module, unit, lang, env)


def register(app: Any, env: AppEnv) -> None:
    app.callback(
        Output(ids.SOLVENCY_MODULES, "figure"),
        Output(ids.SOLVENCY_COMPLIANCE, "children"),
        Output(ids.SOLVENCY_REGIMES, "children"),
        Output(ids.SOLVENCY_POSITIONS, "columnDefs"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
    )(with_env(solvency_view, env))
    app.callback(
        Output(ids.SOLVENCY_POSITIONS, "rowData"),
        Output(ids.SOLVENCY_MODULE_FILTER, "children"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.SOLVENCY_MODULES, "clickData"),
        Input(ids.SOLVENCY_MODULE_CLEAR, "n_clicks"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
    )(with_env(solvency_positions, env))
