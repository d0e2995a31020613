"""Data page: upload holdings/company files, download the report, saved scenarios.

Callbacks (module-level; the pure helpers below them are what the tests call):

* `upload_files` (``upload``): holdings CSV/XLSX and/or company TOML (+ the liability CSVs
  it names) -> the current scenario store, or a row-by-row table of the problems;
* `upload_assumptions` (``upload``): capital market assumptions (table + correlation matrix,
  CSV/XLSX, read by the core's assumptions reader, optionally repairing a non-PSD
  matrix) -> the current scenario store, or the problems row by row;
* `upload_templates` (``upload``): template positions of asset classes not held yet (holdings
  format, CSV/XLSX, read by the core's holdings reader and checked against the
  scenario by the optimiser's `with_templates`) -> the current scenario store, or the problems
  row by row; without an upload the bundled ``data/templates.csv`` applies;
* `reset_scenario` (``view``): back to the start-up files;
* `download_report` (``view``): the solvency workbook of the current scenario;
* `save_scenario` (``save``), `load_scenario` (``view``), `review_scenario` (``review``),
  `scenario_list` and `compare_scenarios` (``view``).

Reading the uploaded files and merging them into the scenario is the upload service's
(`analyzer.api.apply_upload`); this page decodes what the browser sent and shows the outcome.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Collection
from typing import Any

from dash import Input, Output, State, ctx, dcc, html, no_update, set_props
from dash.exceptions import MissingCallbackContextException, PreventUpdate

from analyzer.api import Scenario, uploads
from analyzer.errors import InputError
from dashboard import auth, ids, notices, reports, state
from dashboard.components import page_frame
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.pages.overview import table
from dashboard.state import StoreData
from dashboard.store import ScenarioStore, check_scenario_name
from dashboard.units import fmt_money, fmt_pct, fmt_time, normalize_unit

KEY = "data"
PATH = "/data"
#: the box accepting the warnings of an upload (inside the warnings panel) and the signed
#: record of which warnings were shown for which files
DATA_ACCEPT = "data-accept-warnings"
DATA_PENDING = "data-pending-warnings"
_PENDING_SALT = "analyzer.upload-warnings.v1"
#: the upload service's readers, under the names this page's tests know
_safe_name = uploads.safe_name
parse_company_upload = uploads.parse_company_upload


# -- pure helpers ----------------------------------------------------------------------------
def decode_upload(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` data-URL."""
    try:
        _, b64 = contents.split(",", 1)
        return base64.b64decode(b64, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise InputError.single("<upload>", None, None, f"unreadable upload: {exc}") from exc


def apply_upload(
    current: StoreData,
    env: AppEnv,
    holdings: tuple[str, bytes] | None = None,
    company: list[tuple[str, bytes]] | None = None,
    assumptions: list[tuple[str, bytes]] | None = None,
    repair: bool = False,
    templates: tuple[str, bytes] | None = None,
    accept: Collection[str] = (),
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(new inputs, []) on success; (None, problem rows) when any file is invalid, or (None,
    warning rows carrying their ``code``) when warnings not in ``accept`` stop the upload:
    `analyzer.api.apply_upload` on the scenario of the store (the start-up files when it is
    empty; none when they are missing)."""

    def base() -> Scenario | None:
        try:
            return state.current_inputs(current, env)
        except state.NoData:
            return None

    outcome = uploads.apply_upload(
        base,
        holdings=holdings,
        company=company,
        assumptions=assumptions,
        repair=repair,
        templates=templates,
        accept=accept,
    )
    if outcome.problems:
        return None, problem_rows(outcome.problems)
    if outcome.warnings:
        return None, warning_rows(outcome.warnings)
    return outcome.scenario, []


def accepted_warnings(inputs: Scenario | StoreData) -> list[dict[str, Any]]:
    """The warnings accepted for the scenario's files (dicts of `InputWarning.to_dict`)."""
    if isinstance(inputs, Scenario):
        return list(inputs.source.accepted_warnings or ())
    return list(((inputs or {}).get("source") or {}).get("accepted_warnings") or ())


def warning_rows(warnings: Any) -> list[dict[str, Any]]:
    """Rows of warnings not yet accepted: file, rows, column, both messages and the code."""
    return [
        {
            "file": w.file,
            "row": ", ".join(str(r) for r in w.rows[:10])
            + (f" (+{len(w.rows) - 10})" if len(w.rows) > 10 else "")
            or None,
            "column": w.column,
            "message": w.render("en", with_file=False),
            "message_zh": w.render("zh", with_file=False),
            "code": w.code,
        }
        for w in warnings
    ]


def pending_codes(rows: list[dict[str, Any]]) -> list[str]:
    """The codes of the warning rows (empty when the rows hold a problem)."""
    if not rows or any(not r.get("code") for r in rows):
        return []
    return sorted({str(r["code"]) for r in rows})


def problem_rows(problems: Any) -> list[dict[str, Any]]:
    return [
        {
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "message": p.message,
            "message_zh": getattr(p, "message_zh", "") or p.message,
        }
        for p in problems
    ]


def warnings_panel(rows: list[dict[str, Any]], lang: str) -> Any:
    """The warnings that stop an upload, with the box that accepts them."""
    return html.Div(
        [
            html.P(
                t("data.warnings", lang, count=len(rows), codes=" ".join(pending_codes(rows))),
                className="notice notice-warning",
            ),
            table(
                [t(f"data.col.{k}", lang) for k in ("file", "row", "column", "message")],
                [
                    [
                        r["file"],
                        "" if r["row"] is None else r["row"],
                        r["column"] or "",
                        (r.get("message_zh") or r["message"]) if lang == "zh" else r["message"],
                    ]
                    for r in rows
                ],
                table_id="data-warnings-table",
            ),
            dcc.Checklist(
                id=DATA_ACCEPT,
                options=[{"label": t("data.accept", lang), "value": "accept"}],
                value=[],
                className="toolbar",
            ),
        ]
    )


def errors_table(rows: list[dict[str, Any]], lang: str) -> Any:
    if not rows:
        return None
    if pending_codes(rows):
        return warnings_panel(rows, lang)
    hint = None
    if any("positive semi-definite" in str(r.get("message", "")) for r in rows):
        hint = html.P(
            t("data.repair_hint", lang), className="notice notice-warning", id="data-repair-hint"
        )
    return html.Div(
        [
            html.P(t("data.errors", lang, count=len(rows)), className="notice notice-error"),
            hint,
            table(
                [t(f"data.col.{k}", lang) for k in ("file", "row", "column", "message")],
                [
                    [
                        r["file"],
                        "" if r["row"] is None else r["row"],
                        r["column"] or "",
                        r.get("message_zh") or r["message"] if lang == "zh" else r["message"],
                    ]
                    for r in rows
                ],
                table_id="data-errors-table",
            ),
        ]
    )


def current_text(data: StoreData, env: AppEnv, lang: str) -> str:
    try:
        inputs = state.current_inputs(data, env)
    except state.NoData as exc:
        return str(exc)
    company = inputs.source.company
    text = t(
        "data.current",
        lang,
        holdings=source_label(inputs, lang),
        rows=len(inputs.holdings),
        company="?" if company is None else company,
    )
    sep = "；" if lang == "zh" else "; "
    return (
        text
        + sep
        + t("data.assumptions_current", lang, source=state.assumptions_source(inputs))
        + sep
        + t("data.templates_current", lang, source=templates_label(inputs, lang))
        + accepted_text(inputs, lang, sep)
    )


def accepted_text(inputs: Scenario, lang: str, sep: str) -> str:
    """The warnings accepted for the scenario's files, ``[code] message`` each, or ""."""
    items = [
        f"[{w.get('code')}] "
        + str((w.get("message_zh") or w.get("message")) if lang == "zh" else w.get("message"))
        for w in accepted_warnings(inputs)
    ]
    if not items:
        return ""
    return sep + t("data.accepted_current", lang, items=sep.join(items))


def templates_label(inputs: Scenario, lang: str) -> str:
    """The uploaded templates' name, the bundled file marked as such, or "none"."""
    inputs = state.as_scenario(inputs)
    source = state.templates_source(inputs)
    if source is None:
        return t("data.templates_none", lang)
    if inputs.templates is None:
        return t("data.templates_bundled", lang, source=source)
    return source


def modified_parts(inputs: Scenario) -> list[str]:
    """What changed since a saved scenario was loaded: ``regime`` and/or ``inputs``."""
    inputs = state.as_scenario(inputs)
    saved = inputs.saved
    out = []
    if saved is None:
        return out
    if saved.regime and state.normalize_regime(inputs.regime) != saved.regime:
        out.append("regime")
    if saved.hash and _saved_hash(inputs) != saved.hash:
        out.append("inputs")
    return out


def _saved_hash(inputs: Scenario | StoreData) -> str:
    """Hash of holdings, company and assumptions (not the regime)."""
    return state.inputs_hash(inputs, state.DEFAULT_REGIME)


def source_label(inputs: Scenario, lang: str) -> str:
    """The holdings' source; for a loaded saved scenario its name, and what was modified."""
    inputs = state.as_scenario(inputs)
    name = inputs.scenario_name
    if not name:
        holdings = inputs.source.holdings
        return "?" if holdings is None else str(holdings)
    changes = modified_parts(inputs)
    if not changes:
        return t("data.scenario_source", lang, name=name)
    return t(
        "data.scenario_modified",
        lang,
        name=name,
        changes="、".join(t(f"data.changed.{c}", lang) for c in changes)
        if lang == "zh"
        else ", ".join(t(f"data.changed.{c}", lang) for c in changes),
    )


def save_inputs(
    store: ScenarioStore,
    name: str,
    inputs: Scenario | StoreData,
    author: str,
    weights: dict[str, float] | None = None,
    plan: dict[str, Any] | None = None,
) -> int:
    """Save the scenario (validated as any store value) under ``name``; ``plan``: the plan
    page's checked plan inputs (`analyzer.api.plan_page.Edits.to_dict`), kept in the saved
    options under ``plan``."""
    inputs = Scenario.from_store(inputs).to_store()
    return store.save(
        name=(name or "").strip(),
        company_name=inputs["company"]["name"],
        regime=state.normalize_regime(inputs.get("regime")),
        author=author,
        holdings=inputs["holdings"],
        company=inputs["company"],
        options={
            **{k: inputs[k] for k in ("assumptions", "templates") if inputs.get(k)},
            **(
                {"accepted_warnings": accepted_warnings(inputs)}
                if accepted_warnings(inputs)
                else {}
            ),
            **({"plan": plan} if plan else {}),
        },
        weights=weights or {},
    )


def scenario_inputs(store: ScenarioStore, scenario_id: int) -> dict[str, Any]:
    sc = store.get(int(scenario_id))
    out: dict[str, Any] = {
        "holdings": sc.holdings,
        "company": sc.company,
        "regime": sc.regime,
        "source": {"holdings": f"scenario: {sc.name}", "company": sc.company_name},
        "scenario_id": sc.id,
        "scenario_name": sc.name,
    }
    for k in ("assumptions", "templates"):
        if (sc.options or {}).get(k):
            out[k] = sc.options[k]
    if (sc.options or {}).get("accepted_warnings"):
        out["source"]["accepted_warnings"] = list(sc.options["accepted_warnings"])
    out["saved"] = {"regime": state.normalize_regime(sc.regime), "hash": _saved_hash(out)}
    return out


def scenario_options(store: ScenarioStore, lang: str) -> list[dict[str, Any]]:
    out = []
    for info in store.list():
        stamp = fmt_time(info.created_at, lang)
        review = f"✓ {info.reviewed_by}" if info.reviewed else t("data.not_reviewed", lang)
        out.append(
            {
                "label": f"{info.name} · {info.company_name} · {info.author} · {stamp} · {review}",
                "value": info.id,
            }
        )
    return out


def scenario_table(store: ScenarioStore, lang: str) -> Any:
    infos = store.list()
    if not infos:
        return html.P(t("scenario.none", lang))
    headers = [
        t(k, lang)
        for k in (
            "scenario.name",
            "scenario.regime",
            "scenario.author",
            "scenario.created_at",
            "scenario.reviewed_by",
            "scenario.reviewed_at",
        )
    ]
    rows = [
        [
            i.name,
            i.regime,
            i.author,
            fmt_time(i.created_at, lang),
            i.reviewed_by or "",
            fmt_time(i.reviewed_at, lang) if i.reviewed_at else "",
        ]
        for i in infos
    ]
    return table(headers, rows, table_id="data-scenarios-table")


def compare_rows(
    store: ScenarioStore, a: int, b: int, unit: str, lang: str
) -> tuple[list[str], list[list[str]]]:
    ra = state.result_for(scenario_inputs(store, a))
    rb = state.result_for(scenario_inputs(store, b))
    na, nb = store.get(a).name, store.get(b).name
    rows = [
        [t("metric.core_ratio", lang), fmt_pct(ra.core_ratio), fmt_pct(rb.core_ratio)],
        [
            t("metric.comprehensive_ratio", lang),
            fmt_pct(ra.comprehensive_ratio),
            fmt_pct(rb.comprehensive_ratio),
        ],
        [
            t("metric.minimum_capital", lang),
            fmt_money(ra.minimum_capital, unit, lang),
            fmt_money(rb.minimum_capital, unit, lang),
        ],
        [t("scenario.regime", lang), ra.regime, rb.regime],
    ]
    return ["", na, nb], rows


# -- callbacks (module-level bodies; `register` closes them over its `AppEnv`) --------------
def upload_files(
    h_contents: str | None,
    h_name: str | None,
    c_contents: list | None,
    c_names: list | None,
    current: StoreData,
    lang: str | None,
    *,
    env: AppEnv,
) -> tuple:
    lang = normalize_lang(lang)
    if not h_contents and not c_contents:
        raise PreventUpdate
    holdings = (h_name or "upload.csv", decode_upload(h_contents)) if h_contents else None
    company = None
    if c_contents:
        contents = c_contents if isinstance(c_contents, list) else [c_contents]
        names = c_names if isinstance(c_names, list) else [c_names]
        company = [(n, decode_upload(c)) for n, c in zip(names, contents, strict=True)]
    return _upload_and_report(
        "files", {"holdings": holdings, "company": company}, current, lang, env
    )


def _upload_and_report(
    kind: str,
    upload: dict[str, Any],
    current: StoreData,
    lang: str,
    env: AppEnv,
    accept: Collection[str] = (),
) -> tuple:
    """Run `apply_upload` on one upload (``kind``: ``files`` for holdings / company,
    ``assumptions``, ``templates``); show the problems, or the warnings with the accept box
    (keeping a signed record of the codes shown for these files), or load the scenario.

    Returns (scenario, errors panel, proposal) for ``files`` (a proposal made for the old
    holdings no longer applies), (scenario, errors panel) otherwise."""
    inputs, rows = apply_upload(current, env, **upload, accept=accept)
    if rows:
        _remember_shown(kind, upload, current, pending_codes(rows))
        return (no_update, errors_table(rows, lang)) + ((no_update,) if kind == "files" else ())
    _remember_shown(kind, upload, current, [])
    scenario = Scenario.from_store(inputs)
    src = scenario.source
    extra = {
        "accepted": _bilingual("data.accepted", codes=" ".join(shown))
        if (shown := sorted(set(accept) & {str(w.get("code")) for w in accepted_warnings(inputs)}))
        else "",
        "notes": _notes_param(src.notes),
    }
    if kind == "files":
        notices.notify(
            "data.loaded",
            "success",
            holdings="" if src.holdings is None else src.holdings,
            company="" if src.company is None else src.company,
            **extra,
        )
        return inputs, None, None
    if kind == "assumptions":
        notices.notify(
            "data.assumptions_loaded",
            "success",
            source=state.assumptions_source(scenario),
            repaired="@data.repaired"
            if scenario.assumptions is not None and scenario.assumptions.repaired
            else "",
            **extra,
        )
    else:
        templates = scenario.templates
        assert templates is not None  # a templates upload sets them
        notices.notify(
            "data.templates_loaded",
            "success",
            source=templates.source,
            rows=len(templates.rows),
            **extra,
        )
    return inputs, None


def _remember_shown(
    kind: str, upload: dict[str, Any], current: StoreData, codes: list[str]
) -> None:
    """Keep in the page the signed record of the warning codes shown for this upload (none:
    cleared). Outside a callback (a test calling the body) there is no page to keep it in."""
    import flask

    token = None
    if codes and flask.has_request_context():
        token = pending_token(kind, upload_digest(kind, upload, current), codes)
    try:
        set_props(DATA_PENDING, {"data": token})
    except MissingCallbackContextException:
        return


def _bilingual(key: str, **params: Any) -> dict[str, str]:
    """A notice parameter in both languages (`notices.render` picks the page's)."""
    return {"zh": t(key, "zh", **params), "en": t(key, "en", **params)}


def _notes_param(notes: Any) -> dict[str, str] | str:
    """The readers' notes (ignored columns, units converted) as a notice parameter."""
    if not notes:
        return ""
    return {
        "zh": t("data.notes", "zh", notes="；".join(n.get("zh") or n["en"] for n in notes)),
        "en": t("data.notes", "en", notes="; ".join(n["en"] for n in notes)),
    }


def upload_digest(kind: str, upload: dict[str, Any], current: StoreData) -> str:
    """What a set of shown warnings belongs to: the kind of upload, its files (names and
    SHA-256), its repair option and the holdings and company of the scenario they join."""
    from dashboard import trust

    files: list[Any] = []
    for key in ("holdings", "company", "assumptions", "templates"):
        value = upload.get(key)
        if isinstance(value, tuple):
            value = [value]
        files.extend([key, str(n), hashlib.sha256(raw).hexdigest()] for n, raw in value or ())
    doc = {
        "kind": kind,
        "files": files,
        "repair": bool(upload.get("repair")),
        "scenario": trust.scenario_hash(current),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode("utf-8")).hexdigest()


def _serializer() -> Any:
    import flask
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(flask.current_app.secret_key, salt=_PENDING_SALT)


def _who() -> list[str]:
    user = auth.current_user()
    return [user.name, user.role] if user is not None else ["", ""]


def pending_token(kind: str, digest: str, codes: Collection[str]) -> str | None:
    """A token signed by the server: these warning ``codes`` were shown to this user for the
    ``kind`` of upload of ``digest`` (None when no warning was shown)."""
    if not codes:
        return None
    doc = {"who": _who(), "kind": kind, "digest": digest, "codes": sorted(set(codes))}
    return str(_serializer().dumps(doc))


def _open_token(token: Any) -> dict[str, Any] | None:
    """The content of a pending-warnings token this server issued to this user, else None."""
    from itsdangerous import BadSignature

    if not isinstance(token, str) or not token:
        return None
    try:
        doc = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(doc, dict) or doc.get("who") != _who():
        return None
    return doc


def shown_codes(token: Any, kind: str, digest: str) -> frozenset[str]:
    """The codes a token says were shown to this user for the ``kind`` of upload of
    ``digest``; empty for a missing, forged or other user's token, or other files."""
    doc = _open_token(token)
    if doc is None or doc.get("kind") != kind or doc.get("digest") != digest:
        return frozenset()
    return frozenset(str(c) for c in doc.get("codes") or ())


def _files(contents: Any, names: Any, default: str) -> list[tuple[str, bytes]]:
    contents_l = contents if isinstance(contents, list) else [contents]
    names_l = names if isinstance(names, list) else [names]
    return [(n or default, decode_upload(c)) for n, c in zip(names_l, contents_l, strict=True)]


def accept_upload(
    accept: list | None,
    h_contents: str | None,
    h_name: str | None,
    c_contents: list | None,
    c_names: list | None,
    current: StoreData,
    lang: str | None,
    token: str | None,
    a_contents: list | str | None = None,
    a_names: list | str | None = None,
    repair: list | None = None,
    t_contents: str | None = None,
    t_name: str | None = None,
    *,
    env: AppEnv,
) -> tuple:
    """The accept box ticked under the warnings of an upload: read the same files again and
    load them, accepting exactly the warning codes that were shown for them (the signed
    ``token``); any other warning is shown again. Returns (scenario, errors, proposal)."""
    lang = normalize_lang(lang)
    doc = _open_token(token)
    if not accept or "accept" not in accept or doc is None:
        raise PreventUpdate
    kind = doc.get("kind")
    if kind == "files" and (h_contents or c_contents):
        upload: dict[str, Any] = {
            "holdings": _files(h_contents, h_name, "upload.csv")[0] if h_contents else None,
            "company": _files(c_contents, c_names, "company.toml") if c_contents else None,
        }
    elif kind == "assumptions" and a_contents:
        upload = {
            "assumptions": _files(a_contents, a_names, "assumptions.csv"),
            "repair": "repair" in (repair or []),
        }
    elif kind == "templates" and t_contents:
        upload = {"templates": _files(t_contents, t_name, "templates.csv")[0]}
    else:
        raise PreventUpdate
    codes = shown_codes(token, kind, upload_digest(kind, upload, current))
    if not codes:
        raise PreventUpdate
    out = _upload_and_report(kind, upload, current, lang, env, accept=codes)
    return out if kind == "files" else (*out, no_update)


def upload_assumptions(
    contents: list | str | None,
    repair: list | None,
    names: list | str | None,
    current: StoreData,
    lang: str | None,
    shown_errors: Any,
    *,
    env: AppEnv,
) -> tuple:
    """Assumptions table (+ correlation matrix) -> the current scenario, or the problems.

    Ticking "repair" after a failed upload reads the same files again with ``repair=True``;
    after a successful one it does nothing (untick/tick before uploading instead)."""
    lang = normalize_lang(lang)
    if not contents:
        raise PreventUpdate
    if ctx.triggered_id == ids.DATA_ASSUMPTIONS_REPAIR and not shown_errors:
        raise PreventUpdate
    files = _files(contents, names, "assumptions.csv")
    upload = {"assumptions": files, "repair": "repair" in (repair or [])}
    return _upload_and_report("assumptions", upload, current, lang, env)


def upload_templates(
    contents: str | None, name: str | None, current: StoreData, lang: str | None, *, env: AppEnv
) -> tuple:
    """Template positions (holdings format) -> the current scenario, or the problems."""
    lang = normalize_lang(lang)
    if not contents:
        raise PreventUpdate
    file = (name or "templates.csv", decode_upload(contents))
    return _upload_and_report("templates", {"templates": file}, current, lang, env)


def reset_scenario(_n: int | None) -> Any:
    if not _n:
        raise PreventUpdate
    return None, None


def show_current(data: StoreData, lang: str | None, *, env: AppEnv) -> str:
    return current_text(data, env, normalize_lang(lang))


def download_report(_n: int | None, data: StoreData, *, env: AppEnv) -> Any:
    if not _n:
        raise PreventUpdate
    auth.require("view")
    inputs = state.current_inputs(data, env)
    result = state.result_for(inputs)
    company = state.parsed(inputs)[1]
    return dcc.send_bytes(
        reports.solvency_report_bytes(result, company), reports.report_filename(result)
    )


def save_scenario(
    _n: int | None,
    name: str | None,
    data: StoreData,
    weights: StoreData,
    counter: int | None,
    *,
    env: AppEnv,
) -> int:
    if not _n:
        raise PreventUpdate
    user = auth.require("save")
    clean_name = check_scenario_name(name)
    # what reaches the shared store is validated again by the core (never the browser's rows)
    inputs = state.validated_inputs(state.current_inputs(data, env))
    clean_weights = state.validated_weights(weights, inputs)
    save_inputs(env.store, clean_name, inputs, user.name, weights=clean_weights)
    notices.notify("notice.saved", "success", name=(name or "").strip())
    return (counter or 0) + 1


def load_scenario(_n: int | None, scenario_id: int | None, *, env: AppEnv) -> tuple:
    """The saved inputs become the current scenario; its weights the proposed allocation."""
    if not _n or scenario_id is None:
        raise PreventUpdate
    store = env.store
    inputs = scenario_inputs(store, scenario_id)
    weights = state.validated_weights(store.get(int(scenario_id)).weights or None, inputs)
    notices.notify("data.loaded_scenario", "success", name=inputs["scenario_name"])
    return inputs, weights


def review_scenario(
    _n: int | None, scenario_id: int | None, counter: int | None, *, env: AppEnv
) -> int:
    if not _n or scenario_id is None:
        raise PreventUpdate
    user = auth.require("review")
    sc = env.store.mark_reviewed(int(scenario_id), user.name)
    notices.notify("notice.reviewed", "success", name=sc.name)
    return (counter or 0) + 1


def scenario_list(_counter: int | None, lang: str | None, *, env: AppEnv) -> tuple:
    lang = normalize_lang(lang)
    store = env.store
    options = scenario_options(store, lang)
    return options, options, scenario_table(store, lang)


def compare_scenarios(
    a: int | None, b: int | None, unit: str | None, lang: str | None, *, env: AppEnv
) -> Any:
    if a is None or b is None:
        return None
    lang = normalize_lang(lang)
    headers, rows = compare_rows(env.store, a, b, normalize_unit(unit), lang)
    return table(headers, rows, table_id="data-compare-table")


# -- layout ----------------------------------------------------------------------------------
def layout(ctx: PageContext) -> Any:
    lang = ctx.lang
    return page_frame(
        ctx,
        KEY,
        dcc.Store(id=ids.CURRENT_SCENARIO, storage_type="session"),
        dcc.Store(id=ids.PROPOSED_WEIGHTS, storage_type="session"),
        dcc.Store(id=ids.DATA_SCENARIOS_REFRESH, data=0),
        dcc.Store(id=DATA_PENDING),
        dcc.Download(id=ids.DATA_DOWNLOAD),
        html.Div(
            [
                html.P(id=ids.DATA_CURRENT, className="current-scenario"),
                html.H2(t("data.upload", lang)),
                dcc.Upload(
                    html.Div(t("data.holdings_drop", lang)),
                    id=ids.DATA_HOLDINGS_UPLOAD,
                    accept=".csv,.xlsx",
                    className="upload",
                ),
                dcc.Upload(
                    html.Div(t("data.company_drop", lang)),
                    id=ids.DATA_COMPANY_UPLOAD,
                    accept=".toml,.csv",
                    multiple=True,
                    className="upload",
                ),
                dcc.Upload(
                    html.Div(t("data.assumptions_drop", lang)),
                    id=ids.DATA_ASSUMPTIONS_UPLOAD,
                    accept=".csv,.xlsx",
                    multiple=True,
                    className="upload",
                ),
                dcc.Checklist(
                    id=ids.DATA_ASSUMPTIONS_REPAIR,
                    options=[{"label": t("data.repair", lang), "value": "repair"}],
                    value=[],
                    className="toolbar",
                ),
                dcc.Upload(
                    html.Div(t("data.templates_drop", lang)),
                    id=ids.DATA_TEMPLATES_UPLOAD,
                    accept=".csv,.xlsx",
                    className="upload",
                ),
                html.Div(id=ids.DATA_UPLOAD_STATUS),
                html.Div(id=ids.DATA_ERRORS),
                html.Div(
                    [
                        html.Button(t("data.reset", lang), id=ids.DATA_RESET, className="btn"),
                        html.Button(
                            t("data.download", lang), id=ids.DATA_DOWNLOAD_BUTTON, className="btn"
                        ),
                    ],
                    className="toolbar",
                ),
                html.H2(t("data.scenarios", lang)),
                html.Div(
                    [
                        dcc.Input(
                            id=ids.DATA_SCENARIO_NAME,
                            type="text",
                            placeholder=t("scenario.name", lang),
                            maxLength=200,
                        ),
                        html.Button(
                            t("scenario.save", lang), id=ids.DATA_SCENARIO_SAVE, className="btn"
                        ),
                    ],
                    className="toolbar",
                ),
                html.Div(
                    [
                        dcc.Dropdown(
                            id=ids.DATA_SCENARIO_LIST,
                            options=[],
                            placeholder=t("data.choose", lang),
                            className="scenario-dropdown",
                        ),
                        html.Button(
                            t("scenario.load", lang), id=ids.DATA_SCENARIO_LOAD, className="btn"
                        ),
                        html.Button(
                            t("scenario.mark_reviewed", lang),
                            id=ids.DATA_SCENARIO_REVIEW,
                            className="btn",
                        ),
                    ],
                    className="toolbar",
                ),
                html.Div(
                    [
                        html.Span(t("data.compare_with", lang)),
                        dcc.Dropdown(
                            id=ids.DATA_SCENARIO_COMPARE_WITH,
                            options=[],
                            placeholder=t("data.choose", lang),
                            className="scenario-dropdown",
                        ),
                    ],
                    className="toolbar",
                ),
                html.Div(id=ids.DATA_SCENARIO_COMPARE),
                html.Div(id=ids.DATA_SCENARIO_TABLE),
            ],
            id=ids.DATA_BODY,
        ),
    )


def register(app: Any, env: AppEnv) -> None:
    auth.protected_callback(
        app,
        "upload",
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output(ids.DATA_ERRORS, "children"),
        Output(ids.PROPOSED_WEIGHTS, "data", allow_duplicate=True),
        Input(ids.DATA_HOLDINGS_UPLOAD, "contents"),
        State(ids.DATA_HOLDINGS_UPLOAD, "filename"),
        Input(ids.DATA_COMPANY_UPLOAD, "contents"),
        State(ids.DATA_COMPANY_UPLOAD, "filename"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.LANG, "value"),
        prevent_initial_call=True,
    )(with_env(upload_files, env))
    auth.protected_callback(
        app,
        "upload",
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output(ids.DATA_ERRORS, "children", allow_duplicate=True),
        Output(ids.PROPOSED_WEIGHTS, "data", allow_duplicate=True),
        Input(DATA_ACCEPT, "value"),
        State(ids.DATA_HOLDINGS_UPLOAD, "contents"),
        State(ids.DATA_HOLDINGS_UPLOAD, "filename"),
        State(ids.DATA_COMPANY_UPLOAD, "contents"),
        State(ids.DATA_COMPANY_UPLOAD, "filename"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.LANG, "value"),
        State(DATA_PENDING, "data"),
        State(ids.DATA_ASSUMPTIONS_UPLOAD, "contents"),
        State(ids.DATA_ASSUMPTIONS_UPLOAD, "filename"),
        State(ids.DATA_ASSUMPTIONS_REPAIR, "value"),
        State(ids.DATA_TEMPLATES_UPLOAD, "contents"),
        State(ids.DATA_TEMPLATES_UPLOAD, "filename"),
        prevent_initial_call=True,
    )(with_env(accept_upload, env))
    auth.protected_callback(
        app,
        "upload",
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output(ids.DATA_ERRORS, "children", allow_duplicate=True),
        Input(ids.DATA_ASSUMPTIONS_UPLOAD, "contents"),
        Input(ids.DATA_ASSUMPTIONS_REPAIR, "value"),
        State(ids.DATA_ASSUMPTIONS_UPLOAD, "filename"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.LANG, "value"),
        State(ids.DATA_ERRORS, "children"),
        prevent_initial_call=True,
    )(with_env(upload_assumptions, env))
    auth.protected_callback(
        app,
        "upload",
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output(ids.DATA_ERRORS, "children", allow_duplicate=True),
        Input(ids.DATA_TEMPLATES_UPLOAD, "contents"),
        State(ids.DATA_TEMPLATES_UPLOAD, "filename"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.LANG, "value"),
        prevent_initial_call=True,
    )(with_env(upload_templates, env))
    app.callback(
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output(ids.PROPOSED_WEIGHTS, "data", allow_duplicate=True),
        Input(ids.DATA_RESET, "n_clicks"),
        prevent_initial_call=True,
    )(reset_scenario)
    app.callback(
        Output(ids.DATA_CURRENT, "children"),
        Input(ids.CURRENT_SCENARIO, "data"),
        Input(ids.LANG, "value"),
    )(with_env(show_current, env))
    app.callback(
        Output(ids.DATA_DOWNLOAD, "data"),
        Input(ids.DATA_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.CURRENT_SCENARIO, "data"),
        prevent_initial_call=True,
    )(with_env(download_report, env))
    auth.protected_callback(
        app,
        "save",
        Output(ids.DATA_SCENARIOS_REFRESH, "data", allow_duplicate=True),
        Input(ids.DATA_SCENARIO_SAVE, "n_clicks"),
        State(ids.DATA_SCENARIO_NAME, "value"),
        State(ids.CURRENT_SCENARIO, "data"),
        State(ids.PROPOSED_WEIGHTS, "data"),
        State(ids.DATA_SCENARIOS_REFRESH, "data"),
        prevent_initial_call=True,
    )(with_env(save_scenario, env))
    app.callback(
        Output(ids.CURRENT_SCENARIO, "data", allow_duplicate=True),
        Output(ids.PROPOSED_WEIGHTS, "data", allow_duplicate=True),
        Input(ids.DATA_SCENARIO_LOAD, "n_clicks"),
        State(ids.DATA_SCENARIO_LIST, "value"),
        prevent_initial_call=True,
    )(with_env(load_scenario, env))
    auth.protected_callback(
        app,
        "review",
        Output(ids.DATA_SCENARIOS_REFRESH, "data", allow_duplicate=True),
        Input(ids.DATA_SCENARIO_REVIEW, "n_clicks"),
        State(ids.DATA_SCENARIO_LIST, "value"),
        State(ids.DATA_SCENARIOS_REFRESH, "data"),
        prevent_initial_call=True,
    )(with_env(review_scenario, env))
    app.callback(
        Output(ids.DATA_SCENARIO_LIST, "options"),
        Output(ids.DATA_SCENARIO_COMPARE_WITH, "options"),
        Output(ids.DATA_SCENARIO_TABLE, "children"),
        Input(ids.DATA_SCENARIOS_REFRESH, "data"),
        Input(ids.LANG, "value"),
    )(with_env(scenario_list, env))
    app.callback(
        Output(ids.DATA_SCENARIO_COMPARE, "children"),
        Input(ids.DATA_SCENARIO_LIST, "value"),
        Input(ids.DATA_SCENARIO_COMPARE_WITH, "value"),
        Input(ids.UNIT, "value"),
        Input(ids.LANG, "value"),
    )(with_env(compare_scenarios, env))
