"""Plan page (executives): the projected solvency of the current scenario under a multi-year
plan, re-run in the background with progress, saved and compared as scenarios.

Works on the current scenario of `dashboard.state` (an upload, a loaded scenario, the regime
chosen with the selector).

Callbacks (module-level, registered by `register`):

* `run_plan` (background, progress + cancel, permission ``view``) -> the plan service's page
  data (`analyzer.api.plan_page.run`) in a session store, on *Re-run*; `first_run` fills the
  store when the page opens (the scenario's default plan inputs) unless it already holds a
  run of the current scenario;
* `plan_view` renders that data in the current language and unit: the run line, the ratio
  table (base and, at year-ends, the Annex 4 macro scenario), the floor and target checks,
  the ratio chart, the allocation glide path, the VC programme and the sci-tech share;
* `fill_inputs` puts the plan inputs of the last run (else the scenario's defaults) into the
  input fields;
* `save_plan` (permission ``save``) saves the current scenario with the last run's plan
  inputs; `plan_scenarios` lists the saved scenarios that carry a plan, `compare_plans`
  compares two of them year-end by year-end; `load_plan` makes the first of them the current
  scenario, with its plan's run.

The work is the plan service's (`analyzer.api.plan_page`); this module converts the fields
(亿元, percent) to the service's edits (CNY, fractions) and formats its data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from analyzer.api import plan_page as plan_service
from analyzer.errors import AnalyzerError, InputError
from dashboard import auth, ids, names, notices, state
from dashboard import plan_figures as pf
from dashboard.auth import protected_callback
from dashboard.components import page_frame
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.pages import data as data_page
from dashboard.pages.overview import no_data, regime_selector, table
from dashboard.state import StoreData
from dashboard.store import ScenarioStore, check_scenario_name
from dashboard.units import (
    fmt_money,
    fmt_pct,
    fmt_time,
    from_unit,
    normalize_unit,
    to_unit,
    unit_label,
)

KEY = "plan"
PATH = "/plan"
#: projection years on the page (one new-money and one commitment field per year)
YEARS = plan_service.DEFAULT_YEARS
#: the unit of the money fields (亿元, whatever the display unit)
FIELD_UNIT = "yi"
#: the most floor and target breaches listed (the rest are counted)
MAX_CHECKS = 12

#: source key -> AppEnv (filled by `register`); lets the background job, which runs in
#: another process without a Flask request, find the start-up files from an opaque key.
_SOURCES: dict[str, AppEnv] = {}


def source_key(env: AppEnv) -> str:
    raw = f"plan|{Path(env.holdings_path).resolve()}|{Path(env.company_path).resolve()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# -- fields <-> edits ------------------------------------------------------------------------
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _amounts(values: Sequence[Any] | None) -> list[float]:
    """Field values (亿元, blank = 0) as CNY."""
    return [0.0 if _blank(v) else from_unit(float(v), FIELD_UNIT) for v in values or []]


def _fraction(value: Any) -> float:
    return float(value) / 100.0


def edits_from_fields(
    new_money: Sequence[Any] | None,
    commitments: Sequence[Any] | None,
    commitment_class: str | None,
    target_share: Any,
    floor_comprehensive: Any,
    floor_core: Any,
    optimise: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """The plan service's edits of the input fields (money in 亿元, shares and floors in
    percent; ``optimise`` the checklist's values). Every field blank (the page before its
    fields are filled): ``{}``, the scenario's defaults. A blank floor is no floor (the legal
    minimum when optimising); a blank target share the company's."""
    scalars = (commitment_class, target_share, floor_comprehensive, floor_core)
    if all(_blank(v) for v in (*(new_money or []), *(commitments or []), *scalars)):
        return {}
    edits: dict[str, Any] = {
        "years": len(new_money or []) or YEARS,
        "new_money": _amounts(new_money),
        "commitments": _amounts(commitments),
        "floors": {
            k: _fraction(v)
            for k, v in (("comprehensive", floor_comprehensive), ("core", floor_core))
            if not _blank(v)
        },
    }
    if not _blank(commitment_class):
        edits["commitment_class"] = commitment_class
    if not _blank(target_share):
        edits["target_sci_tech_share"] = _fraction(target_share)
    if optimise:
        edits["optimise"] = True
    return edits


def _round(value: float, digits: int = 6) -> float:
    out = round(float(value), digits)
    return 0.0 if out == 0 else out


def fields_from_edits(edits: dict[str, Any]) -> tuple[list[float], list[float], Any, Any, Any, Any]:
    """The input fields' values of checked edits: (new money 亿元 per year, commitments 亿元
    per vintage, class, target share %, comprehensive floor %, core floor %)."""
    floors = edits.get("floors") or {}

    def percent(v: Any) -> Any:
        return None if v is None else _round(100 * float(v))

    return (
        [_round(to_unit(v, FIELD_UNIT)) for v in edits.get("new_money", [])],
        [_round(to_unit(v, FIELD_UNIT)) for v in edits.get("commitments", [])],
        edits.get("commitment_class"),
        percent(edits.get("target_sci_tech_share")),
        percent(floors.get("comprehensive")),
        percent(floors.get("core")),
    )


# -- tables ----------------------------------------------------------------------------------
def ratio_headers(unit: str, lang: str) -> list[str]:
    return [
        t("plan_page.col.date", lang),
        t("plan_page.col.comprehensive", lang),
        t("plan_page.col.core", lang),
        t("plan_page.col.stressed_comprehensive", lang),
        t("plan_page.col.stressed_core", lang),
        t("plan_page.col.sci_tech", lang),
        t("plan_page.col.minimum_capital", lang, unit=unit_label(unit, lang)),
    ]


def ratio_rows(summary: dict[str, Any], unit: str, lang: str) -> list[list[str]]:
    """Today, then one row per projected date: ratios (one decimal %), the macro scenario's
    ratios at year-ends ("—" between), the sci-tech share, minimum capital in ``unit``."""
    today = summary["today"]
    rows = [
        [
            f"{t('plan_page.today', lang)} {summary['valuation_date']}",
            fmt_pct(today["comprehensive_ratio"]),
            fmt_pct(today["core_ratio"]),
            "—",
            "—",
            "—",
            fmt_money(today["minimum_capital"], unit, lang),
        ]
    ]
    for p in summary["periods"]:
        s = p.get("stressed")
        rows.append(
            [
                p["date"],
                fmt_pct(p["comprehensive_ratio"]),
                fmt_pct(p["core_ratio"]),
                fmt_pct(s["comprehensive_ratio"]) if s else "—",
                fmt_pct(s["core_ratio"]) if s else "—",
                fmt_pct(p["sci_tech_share"], 2),
                fmt_money(p["minimum_capital"], unit, lang),
            ]
        )
    return rows


def programme_headers(unit: str, lang: str) -> list[str]:
    u = unit_label(unit, lang)
    return [
        t("plan_page.col.year", lang),
        t("plan_page.col.date", lang),
        t("plan_page.col.calls", lang, unit=u),
        t("plan_page.col.distributions", lang, unit=u),
        t("plan_page.col.nav", lang, unit=u),
    ]


def programme_rows(summary: dict[str, Any], unit: str, lang: str) -> list[list[str]]:
    return [
        [
            t("plan_fig.year", lang, n=r["year"]),
            r["date"],
            fmt_money(r["calls"], unit, lang, with_unit=False),
            fmt_money(r["distributions"], unit, lang, with_unit=False),
            fmt_money(r["nav"], unit, lang, with_unit=False),
        ]
        for r in summary.get("programme") or []
    ]


def check_lines(summary: dict[str, Any], lang: str) -> list[str]:
    """The breaches of the floors (base and stressed) and of the sci-tech target, in words."""
    out = []
    for c in summary.get("checks") or []:
        digits = 2 if c["check"] == "sci_tech_target" else 1
        out.append(
            t(
                f"plan_page.check.{c['check']}",
                lang,
                date=c["date"],
                basis=t(f"plan_page.basis.{c['basis']}", lang),
                value=fmt_pct(c["value"], digits),
                limit=fmt_pct(c["limit"], digits),
            )
        )
    return out


# -- callback bodies (pure: env passed in) ---------------------------------------------------
EMPTY_FIGURE: dict[str, Any] = {"data": [], "layout": {}}


def _error(exc: Exception) -> dict[str, Any]:
    """A failed run as the store keeps it: the reason in both languages."""
    if isinstance(exc, InputError):
        return {
            "error": {
                "en": "; ".join(exc.render("en", limit=5)),
                "zh": "；".join(exc.render("zh", limit=5)),
            }
        }
    return {"error": {"en": str(exc), "zh": str(exc)}}


def plan_job(
    data: StoreData, source: str | None, edits: dict[str, Any], progress: Any = None
) -> dict[str, Any]:
    """Body of the background job: the page data stored for `plan_view` (or the reason the
    run failed, in both languages)."""
    env = _SOURCES.get(str(source)) if source else None
    try:
        if env is None and not state.has_rows(data):
            raise state.NoData("unknown data source")
        inputs = state.current_inputs(data, env)
        return plan_service.run(inputs, edits, progress)
    except (state.NoData, AnalyzerError) as exc:
        return _error(exc)


def current_key(data: StoreData, env: AppEnv | None) -> str | None:
    """The scenario key of the current scenario (None without data)."""
    try:
        return plan_service.scenario_key(state.current_inputs(data, env))
    except (state.NoData, AnalyzerError):
        return None


def plan_content(
    summary: dict | None, key: str | None, unit: str | None, lang: str | None
) -> tuple[Any, ...]:
    """(status, ratio table, checks, ratio figure, glide figure, programme figure, programme
    table, sci-tech figure, notes)."""
    lang = normalize_lang(lang)
    unit = normalize_unit(unit)
    empty = (None, None, EMPTY_FIGURE, EMPTY_FIGURE, EMPTY_FIGURE, None, EMPTY_FIGURE, None)
    if not summary:
        return (html.Div(t("plan_page.not_run", lang), id="plan-status-line"), *empty)
    if "error" in summary:
        msg = summary["error"].get(lang) or summary["error"].get("en", "")
        return (no_data(lang, t("plan_page.failed", lang, message=msg)), *empty)
    today = summary["today"]
    status = [
        html.Div(
            t(
                "plan_page.status",
                lang,
                company=summary["company"],
                regime=summary["regime"],
                n=len(summary["periods"]),
                start=summary["valuation_date"],
                comprehensive=fmt_pct(today["comprehensive_ratio"]),
                core=fmt_pct(today["core_ratio"]),
            ),
            className="regime-line",
            id="plan-status-line",
        )
    ]
    if key and summary.get("scenario") and summary["scenario"] != key:
        status.append(html.Div(t("plan_page.stale", lang), className="notice notice-warning"))
    lines = check_lines(summary, lang)
    if lines:
        shown = [html.Li(x) for x in lines[:MAX_CHECKS]]
        if len(lines) > MAX_CHECKS:
            shown.append(html.Li(t("plan_page.checks_more", lang, n=len(lines) - MAX_CHECKS)))
        checks = html.Ul(shown, className="notice notice-warning", id="plan-checks-list")
    else:
        checks = html.Div(t("plan_page.checks_ok", lang), className="notice notice-success")
    tbl = html.Div(
        [
            html.P(t("plan_page.ratios_help", lang), className="kpi-note"),
            table(
                ratio_headers(unit, lang),
                ratio_rows(summary, unit, lang),
                table_id="plan-ratios-table",
            ),
        ]
    )
    programme = table(
        programme_headers(unit, lang),
        programme_rows(summary, unit, lang),
        table_id="plan-programme-table",
    )
    notes = html.Div(
        [
            html.H3(t("plan_page.notes", lang)),
            html.Ul([html.Li(n.get(lang) or n.get("en", "")) for n in summary.get("notes", [])]),
        ]
    )
    return (
        html.Div(status),
        tbl,
        html.Div([html.H3(t("plan_page.checks", lang)), checks]),
        pf.ratio_lines(summary, lang),
        pf.glide_area(summary, lang),
        pf.programme_bars(summary, unit, lang),
        programme,
        pf.sci_tech_line(summary, lang),
        notes,
    )


def plan_options(store: ScenarioStore, lang: str | None = None) -> list[dict[str, Any]]:
    """The saved scenarios that carry plan inputs, newest first (times in Beijing time)."""
    out = []
    for info in store.list():
        if (store.get(info.id).options or {}).get("plan"):
            stamp = fmt_time(info.created_at, lang)
            label = f"{info.name} · {info.company_name} · {info.author} · {stamp}"
            out.append({"label": label, "value": info.id})
    return out


def saved_plan(store: ScenarioStore, scenario_id: int) -> dict[str, Any]:
    """The page data of a saved plan scenario (its own inputs and plan inputs)."""
    inputs = data_page.scenario_inputs(store, scenario_id)
    plan = store.get(int(scenario_id)).options.get("plan") or {}
    return plan_service.run(inputs, plan)


def compare_rows(
    store: ScenarioStore, a: int, b: int, lang: str
) -> tuple[list[str], list[list[str]]]:
    """Year-end by year-end: comprehensive, core and stressed comprehensive ratio of each."""
    runs = [saved_plan(store, a), saved_plan(store, b)]
    names = [store.get(a).name, store.get(b).name]
    cols = ("comprehensive", "core", "stressed_comprehensive")
    headers = [t("plan_page.col.year", lang)] + [
        f"{n} · {t(f'plan_page.col.{c}', lang)}" for n in names for c in cols
    ]
    ends = [[p for p in r["periods"] if p.get("stressed")] for r in runs]
    rows = []
    for y in range(max(len(e) for e in ends)):
        row = [t("plan_fig.year", lang, n=y + 1)]
        for e in ends:
            if y < len(e):
                p = e[y]
                row += [
                    fmt_pct(p["comprehensive_ratio"]),
                    fmt_pct(p["core_ratio"]),
                    fmt_pct(p["stressed"]["comprehensive_ratio"]),
                ]
            else:
                row += ["—"] * len(cols)
        rows.append(row)
    return headers, rows


# -- Dash ------------------------------------------------------------------------------------
def _number(id_: Any, value: Any = None, step: Any = "any", width: str = "7rem") -> dcc.Input:
    return dcc.Input(
        id=id_, type="number", value=value, step=step, debounce=True, style={"width": width}
    )


def _field(label: str, control: Any) -> html.Label:
    return html.Label([label, control], className="field")


def inputs_panel(lang: str) -> html.Div:
    u = unit_label(FIELD_UNIT, lang)
    head = [html.Th("")] + [html.Th(t("plan_page.year", lang, n=y)) for y in range(1, YEARS + 1)]
    rows = [
        html.Tr(
            [html.Th(t("plan_page.new_money", lang, unit=u))]
            + [html.Td(_number(ids.plan_new_money(y))) for y in range(1, YEARS + 1)]
        ),
        html.Tr(
            [html.Th(t("plan_page.commitments", lang, unit=u))]
            + [html.Td(_number(ids.plan_commitment(y))) for y in range(1, YEARS + 1)]
        ),
    ]
    return html.Div(
        [
            html.H2(t("plan_page.inputs", lang)),
            html.P(t("plan_page.inputs_help", lang), className="kpi-note"),
            html.Table(
                [html.Thead(html.Tr(head)), html.Tbody(rows)],
                className="data-table",
                id="plan-inputs-table",
            ),
            html.Div(
                [
                    _field(
                        t("plan_page.commitment_class", lang),
                        dcc.Dropdown(
                            id=ids.PLAN_COMMITMENT_CLASS,
                            clearable=False,
                            style={"minWidth": "12rem"},
                        ),
                    ),
                    _field(t("plan_page.target_share", lang), _number(ids.PLAN_TARGET_SHARE)),
                    _field(
                        t("plan_page.floor_comprehensive", lang),
                        _number(ids.PLAN_FLOOR_COMPREHENSIVE),
                    ),
                    _field(t("plan_page.floor_core", lang), _number(ids.PLAN_FLOOR_CORE)),
                ],
                className="toolbar",
            ),
            dcc.Checklist(
                id=ids.PLAN_OPTIMISE,
                options=[{"label": t("plan_page.optimise", lang), "value": "on"}],
                value=[],
                className="toolbar",
            ),
            html.Div(
                [
                    html.Button(t("plan_page.run", lang), id=ids.PLAN_RUN, className="btn"),
                    html.Button(
                        t("plan_page.cancel", lang),
                        id=ids.PLAN_CANCEL,
                        className="btn",
                        disabled=True,
                    ),
                    html.Progress(id=ids.PLAN_PROGRESS, value="0", max="1"),
                ],
                className="toolbar",
            ),
        ]
    )


def layout(ctx: PageContext) -> Any:
    lang = ctx.lang
    graph_cfg = {"displaylogo": False}
    return page_frame(
        ctx,
        KEY,
        dcc.Store(id=ids.CURRENT_SCENARIO, storage_type="session"),
        dcc.Store(id=ids.PROPOSED_WEIGHTS, storage_type="session"),
        dcc.Store(id=ids.PLAN_SOURCE, data=source_key(ctx.env)),
        dcc.Store(id=ids.PLAN_RESULT, storage_type="session"),
        dcc.Store(id=ids.PLAN_SAVED, data=0),
        regime_selector(lang),
        html.Div(
            [
                inputs_panel(lang),
                html.Div(id=ids.PLAN_STATUS),
                html.H2(t("plan_page.ratios", lang)),
                dcc.Graph(id=ids.PLAN_RATIO_CHART, config=graph_cfg),
                html.Div(id=ids.PLAN_TABLE),
                html.Div(id=ids.PLAN_CHECKS),
                html.H2(t("plan_page.allocation", lang)),
                dcc.Graph(id=ids.PLAN_GLIDE_CHART, config=graph_cfg),
                html.Div(
                    [
                        html.Div(
                            [
                                html.H2(t("plan_page.programme", lang)),
                                dcc.Graph(id=ids.PLAN_PROGRAMME_CHART, config=graph_cfg),
                                html.Div(id=ids.PLAN_PROGRAMME),
                            ],
                            className="half",
                        ),
                        html.Div(
                            [
                                html.H2(t("plan_page.sci_tech", lang)),
                                dcc.Graph(id=ids.PLAN_SCI_CHART, config=graph_cfg),
                            ],
                            className="half",
                        ),
                    ],
                    className="row",
                ),
                html.Div(id=ids.PLAN_NOTES),
                html.H2(t("plan_page.scenarios", lang)),
                html.Div(
                    [
                        _field(
                            t("plan_page.save_name", lang),
                            dcc.Input(id=ids.PLAN_SAVE_NAME, type="text", debounce=False),
                        ),
                        html.Button(t("plan_page.save", lang), id=ids.PLAN_SAVE, className="btn"),
                    ],
                    className="toolbar",
                ),
                html.H3(t("plan_page.compare", lang)),
                html.Div(
                    [
                        _field(
                            t("plan_page.compare_a", lang),
                            dcc.Dropdown(id=ids.PLAN_COMPARE_A, style={"minWidth": "20rem"}),
                        ),
                        _field(
                            t("plan_page.compare_b", lang),
                            dcc.Dropdown(id=ids.PLAN_COMPARE_B, style={"minWidth": "20rem"}),
                        ),
                    ],
                    className="toolbar",
                ),
                html.Div(
                    html.Button(t("plan_page.load", lang), id=ids.PLAN_LOAD, className="btn"),
                    className="toolbar",
                ),
                dcc.Loading(html.Div(id=ids.PLAN_COMPARE), type="dot"),
            ],
            id=ids.PLAN_BODY,
        ),
    )


def first_run(source: str | None, data: StoreData, stored: dict | None, *, env: AppEnv) -> Any:
    """On opening the page: the stored run when it is of the current scenario, else the run
    of the scenario's default plan inputs. A plain callback, not a background job: a job's
    worker process is forked from the server while the page's other first callbacks (the
    saved scenarios, in SQLite) are running, and a fork in the middle of an SQLite call can
    leave the worker unable to store its result."""
    fresh = stored and "error" not in stored and stored.get("scenario") == current_key(data, env)
    if fresh:
        return no_update
    return plan_job(data, source, {})


def run_plan(
    set_progress: Any,
    n_clicks: Any,
    new_money: list[Any],
    commitments: list[Any],
    commitment_class: Any,
    target_share: Any,
    floor_comprehensive: Any,
    floor_core: Any,
    data: StoreData,
    source: str | None,
    stored: dict | None,
    optimise: Sequence[Any] | None = None,
) -> Any:
    """Background job (permission ``view``, checked by the request gate before it starts)."""
    edits = edits_from_fields(
        new_money,
        commitments,
        commitment_class,
        target_share,
        floor_comprehensive,
        floor_core,
        optimise,
    )
    rounds = plan_service.OPTIMISE_ROUNDS_SHOWN if edits.get("optimise") else 1
    total = YEARS * plan_service.STEPS_PER_YEAR * rounds
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        set_progress((str(done[0]), str(total)))

    set_progress(("0", str(total)))
    return plan_job(data, source, edits, tick)


def plan_view(
    summary: dict | None, data: StoreData, unit: str | None, lang: str | None, *, env: AppEnv
) -> tuple:
    key = current_key(data, env) if summary else None
    return plan_content(summary, key, unit, lang)


def fill_inputs(
    summary: dict | None, data: StoreData, lang: str | None = None, *, env: AppEnv
) -> tuple:
    """The input fields: the last run's plan inputs, else the current scenario's defaults;
    and the classes the VC programme may be held in (by their display names)."""
    if summary and "error" in summary:
        raise PreventUpdate  # keep what the user typed: the status line says what is wrong
    try:
        inputs = state.current_inputs(data, env)
        classes = plan_service.commitment_classes(inputs)
        edits = (
            summary["edits"]
            if summary and "edits" in summary
            else plan_service.default_edits(inputs)
        )
    except (state.NoData, AnalyzerError):
        raise PreventUpdate from None
    money, commit, cls, share, fc, fcore = fields_from_edits(edits)
    if len(money) != YEARS or len(commit) != YEARS:
        money = (money + [0.0] * YEARS)[:YEARS]
        commit = (commit + [0.0] * YEARS)[:YEARS]
    options = [{"label": names.asset_class(c, normalize_lang(lang)), "value": c} for c in classes]
    return money, commit, options, cls, share, fc, fcore


def save_plan(
    _n: int | None,
    name: str | None,
    data: StoreData,
    summary: dict | None,
    counter: int | None,
    *,
    env: AppEnv,
) -> int:
    """Save the current scenario with the plan inputs of the last run (of that scenario)."""
    if not _n:
        raise PreventUpdate
    user = auth.require("save")
    clean_name = check_scenario_name(name)
    inputs = state.validated_inputs(state.current_inputs(data, env))
    if not summary or "edits" not in summary:
        notices.notify("plan_page.no_result", "warning")
        raise PreventUpdate
    if summary.get("scenario") != plan_service.scenario_key(inputs):
        notices.notify("plan_page.stale", "warning")
        raise PreventUpdate
    # the plan inputs are checked again by the service (never the browser's copy as is)
    edits = plan_service.check_edits(
        summary["edits"],
        plan_service.commitment_classes(inputs),
        plan_service.default_edits(inputs),
    )
    data_page.save_inputs(env.store, clean_name, inputs, user.name, plan=edits.to_dict())
    notices.notify("plan_page.saved", "success", name=clean_name)
    return (counter or 0) + 1


def plan_scenarios(_counter: int | None, lang: str | None, *, env: AppEnv) -> tuple:
    options = plan_options(env.store, normalize_lang(lang))
    return options, options


def compare_plans(a: int | None, b: int | None, lang: str | None, *, env: AppEnv) -> Any:
    lang = normalize_lang(lang)
    if a is None or b is None:
        if not plan_options(env.store):
            return html.P(t("plan_page.compare_none", lang))
        return html.P(t("plan_page.compare_pick", lang))
    try:
        headers, rows = compare_rows(env.store, a, b, lang)
    except AnalyzerError as exc:
        return no_data(lang, str(exc))
    return table(headers, rows, table_id="plan-compare-table")


def load_plan(_n: int | None, scenario_id: int | None, *, env: AppEnv) -> tuple:
    """The saved scenario becomes the current one (as the Data page loads it: its inputs and
    its proposed weights) and its plan's run the page's, so the fields show its plan."""
    if not _n or scenario_id is None:
        raise PreventUpdate
    store = env.store
    inputs = data_page.scenario_inputs(store, scenario_id)
    weights = state.validated_weights(store.get(int(scenario_id)).weights or None, inputs)
    summary = saved_plan(store, scenario_id)
    notices.notify("data.loaded_scenario", "success", name=inputs["scenario_name"])
    return inputs, weights, summary


def register(app: Any, env: AppEnv) -> None:
    _SOURCES[source_key(env)] = env
    money_all = {"type": ids.PLAN_NEW_MONEY_TYPE, "index": ALL}
    commit_all = {"type": ids.PLAN_COMMITMENT_TYPE, "index": ALL}
    protected_callback(
        app,
        "view",
        Output(ids.PLAN_RESULT, "data"),
        Input(ids.PLAN_RUN, "n_clicks"),
        State(money_all, "value"),
        State(commit_all, "value"),
        State(ids.PLAN_COMMITMENT_CLASS, "value"),
        State(ids.PLAN_TARGET_SHARE, "value"),
        State(ids.PLAN_FLOOR_COMPREHENSIVE, "value"),
        State(ids.PLAN_FLOOR_CORE, "value"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.PLAN_SOURCE, "data"),
        State(ids.PLAN_RESULT, "data"),
        State(ids.PLAN_OPTIMISE, "value"),
        background=True,
        prevent_initial_call=True,
        running=[
            (Output(ids.PLAN_RUN, "disabled"), True, False),
            (Output(ids.PLAN_CANCEL, "disabled"), False, True),
            (Output(ids.PLAN_SAVE, "disabled"), True, False),  # save what is shown
        ],
        progress=[Output(ids.PLAN_PROGRESS, "value"), Output(ids.PLAN_PROGRESS, "max")],
        cancel=[Input(ids.PLAN_CANCEL, "n_clicks")],
    )(run_plan)
    app.callback(
        Output(ids.PLAN_RESULT, "data", allow_duplicate=True),
        Input(ids.PLAN_SOURCE, "data"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.PLAN_RESULT, "data"),
        prevent_initial_call="initial_duplicate",
    )(with_env(first_run, env))
    app.callback(
        Output(ids.PLAN_STATUS, "children"),
        Output(ids.PLAN_TABLE, "children"),
        Output(ids.PLAN_CHECKS, "children"),
        Output(ids.PLAN_RATIO_CHART, "figure"),
        Output(ids.PLAN_GLIDE_CHART, "figure"),
        Output(ids.PLAN_PROGRAMME_CHART, "figure"),
        Output(ids.PLAN_PROGRAMME, "children"),
        Output(ids.PLAN_SCI_CHART, "figure"),
        Output(ids.PLAN_NOTES, "children"),
        Input(ids.PLAN_RESULT, "data"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
    )(with_env(plan_view, env))
    app.callback(
        Output(money_all, "value"),
        Output(commit_all, "value"),
        Output(ids.PLAN_COMMITMENT_CLASS, "options"),
        Output(ids.PLAN_COMMITMENT_CLASS, "value"),
        Output(ids.PLAN_TARGET_SHARE, "value"),
        Output(ids.PLAN_FLOOR_COMPREHENSIVE, "value"),
        Output(ids.PLAN_FLOOR_CORE, "value"),
        Input(ids.PLAN_RESULT, "data"),
        Input(ids.CURRENT_SCENARIO, "data"),
        State(ids.LANG, "value"),
    )(with_env(fill_inputs, env))
    protected_callback(
        app,
        "save",
        Output(ids.PLAN_SAVED, "data"),
        Input(ids.PLAN_SAVE, "n_clicks"),
        State(ids.PLAN_SAVE_NAME, "value"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.PLAN_RESULT, "data"),
        State(ids.PLAN_SAVED, "data"),
        prevent_initial_call=True,
    )(with_env(save_plan, env))
    app.callback(
        Output(ids.PLAN_COMPARE_A, "options"),
        Output(ids.PLAN_COMPARE_B, "options"),
        Input(ids.PLAN_SAVED, "data"),
        Input(ids.LANG, "value"),
    )(with_env(plan_scenarios, env))
    app.callback(
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output(ids.PROPOSED_WEIGHTS, "data", allow_duplicate=True),
        Output(ids.PLAN_RESULT, "data", allow_duplicate=True),
        Input(ids.PLAN_LOAD, "n_clicks"),
        State(ids.PLAN_COMPARE_A, "value"),
        prevent_initial_call=True,
    )(with_env(load_plan, env))
    app.callback(
        Output(ids.PLAN_COMPARE, "children"),
        Input(ids.PLAN_COMPARE_A, "value"),
        Input(ids.PLAN_COMPARE_B, "value"),
        Input(ids.LANG, "value"),
    )(with_env(compare_plans, env))
