"""The Dash app factory: ``create_app(settings=None, holdings_path=None, company_path=None)``.

Factory rules (docs/architecture.md, "Dashboard"): every callback is
registered on the app being built (``register(app, env)`` functions); nothing uses a
module-level ``@dash.callback``, so several apps in one process (tests) each work.

Routing is a small router of our own (``dcc.Location`` -> ``pages.find(path).layout(ctx)``)
rather than Dash Pages: the page set is fixed, every render goes through the server-side
``view`` check and gets the language, unit and user, and there is no process-global page
registry shared between apps.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, State, dcc, html, set_props

from dashboard import auth, ids, notices, pages, security, trust
from dashboard.components import not_found
from dashboard.context import EXTENSION as ENV_EXTENSION
from dashboard.context import AppEnv, PageContext, with_env
from dashboard.i18n import normalize_lang, t
from dashboard.settings import Settings, load_or_create_secret
from dashboard.store import NAME_MAX, InvalidScenarioName, ScenarioNameTaken, StoreError
from dashboard.units import normalize_unit, unit_label

HERE = Path(__file__).resolve().parent

LANG_OPTIONS = [{"label": "中文", "value": "zh"}, {"label": "English", "value": "en"}]


def unit_options(lang: str) -> list[dict[str, str]]:
    return [{"label": unit_label(u, lang), "value": u} for u in ("yi", "cny")]


# -- layout --------------------------------------------------------------------------------
def shell_layout(env: AppEnv) -> html.Div:
    """The top bar, notice area, data banner and page slot (texts filled by callbacks)."""
    settings = env.settings
    nav = [
        dcc.Link(
            t(p.nav_key, settings.lang), href=p.path, id=ids.NAV_LINKS[p.key], className="nav-link"
        )
        for p in pages.PAGES
    ]
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.NOTICE_STORE, storage_type="memory"),
            # read by assets/upload_errors.js for the "file too large" notice
            html.Div(
                id=ids.UPLOAD_LIMIT, hidden=True, **{"data-mb": f"{settings.max_upload_mb:g}"}
            ),
            html.Header(
                [
                    html.Div(t("app.title", settings.lang), id=ids.BRAND, className="brand"),
                    html.Nav(nav, id=ids.NAV, className="nav"),
                    html.Div(
                        [
                            html.Span(
                                t("shell.lang", settings.lang),
                                id=ids.LANG_LABEL,
                                className="switch-label",
                            ),
                            dcc.RadioItems(
                                id=ids.LANG,
                                options=LANG_OPTIONS,
                                value=settings.lang,
                                inline=True,
                                persistence=True,
                                persistence_type="local",
                                className="switch",
                            ),
                            html.Span(
                                t("shell.unit", settings.lang),
                                id=ids.UNIT_LABEL,
                                className="switch-label",
                            ),
                            dcc.RadioItems(
                                id=ids.UNIT,
                                options=unit_options(settings.lang),
                                value=settings.unit,
                                inline=True,
                                persistence=True,
                                persistence_type="local",
                                className="switch",
                            ),
                        ],
                        className="switches",
                    ),
                    html.Div(
                        [
                            html.Span(id=ids.USER, className="user"),
                            html.A(
                                t("shell.logout", settings.lang),
                                id=ids.LOGOUT,
                                href="/logout",
                                className="logout",
                                hidden=not settings.login_required,
                            ),
                        ],
                        className="userbox",
                    ),
                ],
                className="topbar",
            ),
            html.Div(id=ids.NOTICE, className="notice-area", **{"aria-live": "polite"}),
            html.Div(id=ids.DATA_STATUS, className="data-status"),
            html.Main(id=ids.PAGE, className="content"),
        ],
        id=ids.APP_ROOT,
    )


# -- shell callbacks (module-level bodies, registered per app) -----------------------------
def user_text(user: auth.User | None, lang: str) -> str:
    if user is None:
        return ""
    name = t("shell.local_user", lang) if user.local else user.label
    return t("shell.user", lang, name=name, role=f"@role.{user.role}")


def data_status(env: AppEnv, lang: str) -> Any:
    missing = env.missing_data()
    if not missing:
        return None
    files = ", ".join(env.display_path(p) for p in missing)
    return html.Div(t("shell.data_missing", lang, files=files), className="notice notice-warning")


def update_shell(lang: str | None, *, env: AppEnv) -> tuple[Any, ...]:
    """Top-bar texts in the chosen language."""
    lang = normalize_lang(lang)
    return (
        t("app.title", lang),
        *[t(p.nav_key, lang) for p in pages.PAGES],
        t("shell.lang", lang),
        t("shell.unit", lang),
        unit_options(lang),
        user_text(auth.current_user(), lang),
        t("shell.logout", lang),
        data_status(env, lang),
    )


def route(
    pathname: str | None, lang: str | None, search: str | None, unit: str | None, *, env: AppEnv
) -> tuple:
    """Render the page for the URL (after the server-side ``view`` check)."""
    user = auth.require("view")
    page = pages.find(pathname)
    ctx = PageContext(
        lang=normalize_lang(lang),
        unit=normalize_unit(unit),
        user=user,
        env=env,
        path=pathname or "/",
        query=dict(parse_qsl((search or "").lstrip("?"))),
    )
    body = page.layout(ctx) if page else not_found(ctx)
    classes = [
        "nav-link active" if page is not None and p.key == page.key else "nav-link"
        for p in pages.PAGES
    ]
    return (body, *classes)


def show_notice(data: dict[str, Any] | None, lang: str | None) -> Any:
    return notices.render(data, normalize_lang(lang))


def handle_callback_error(err: Exception) -> None:
    """App-wide ``on_error``: expected errors become a notice; the rest propagate."""
    if isinstance(err, auth.PermissionDenied):
        set_props(ids.NOTICE_STORE, {"data": err.notice()})
        return None
    if isinstance(err, InvalidScenarioName):
        notices.notify(f"notice.bad_name.{err.reason}", "warning", char=err.char, limit=NAME_MAX)
        return None
    if isinstance(err, ScenarioNameTaken):
        notices.notify("notice.name_taken", "warning", name=err.name)
        return None
    if isinstance(err, StoreError):
        notices.notify("notice.error", "error", message=str(err))
        return None
    try:
        from analyzer.errors import AnalyzerError
    except ImportError:  # pragma: no cover - the core is always installed with us
        AnalyzerError = ()  # type: ignore[assignment,misc]
    from analyzer.errors import InputError

    if isinstance(err, InputError):  # both languages: the notice is rendered in the user's
        notices.notify(
            "notice.input_error",
            "error",
            message={
                "zh": "；".join(err.render("zh", limit=3)),
                "en": "; ".join(err.render("en", limit=3)),
            },
        )
        return None
    if AnalyzerError and isinstance(err, AnalyzerError):
        notices.notify("notice.error", "error", message=str(err))
        return None
    raise err


def register_shell(app: Any, env: AppEnv) -> None:
    app.callback(
        Output(ids.BRAND, "children"),
        *[Output(ids.NAV_LINKS[p.key], "children") for p in pages.PAGES],
        Output(ids.LANG_LABEL, "children"),
        Output(ids.UNIT_LABEL, "children"),
        Output(ids.UNIT, "options"),
        Output(ids.USER, "children"),
        Output(ids.LOGOUT, "children"),
        Output(ids.DATA_STATUS, "children"),
        Input(ids.LANG, "value"),
    )(with_env(update_shell, env))
    app.callback(
        Output(ids.PAGE, "children"),
        *[Output(ids.NAV_LINKS[p.key], "className") for p in pages.PAGES],
        Input(ids.URL, "pathname"),
        Input(ids.LANG, "value"),
        State(ids.URL, "search"),
        State(ids.UNIT, "value"),
    )(with_env(route, env))
    app.callback(
        Output(ids.NOTICE, "children"),
        Input(ids.NOTICE_STORE, "data"),
        Input(ids.LANG, "value"),
    )(show_notice)


# -- factory -------------------------------------------------------------------------------
class AnalyzerDash(Dash):  # type: ignore[misc]
    """Dash whose development server warns (in both languages) when local mode -- every
    client a risk officer -- listens on an address other than the loopback (this covers
    `run` below and ``analyzer dashboard``)."""

    def __init__(self, *args: Any, login_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._login_required = login_required

    def run(self, host: str | None = None, *args: Any, **kwargs: Any) -> Any:
        host = host if host is not None else os.getenv("HOST", "127.0.0.1")
        warning = security.exposed_warning(host, self._login_required)
        if warning:
            print(warning, file=sys.stderr)
        return super().run(host, *args, **kwargs)


def create_app(
    settings: Settings | None = None,
    holdings_path: str | Path | None = None,
    company_path: str | Path | None = None,
) -> Any:
    """Build a Dash app.

    Parameters
    ----------
    settings
        Defaults to `Settings.from_env()` (environment variables ``ANALYZER_*``).
    holdings_path, company_path
        Start-up data files; default ``settings.holdings_path`` / ``settings.company_path``
        (the bundled sample life insurer under ``data/life/``). Missing files do not stop
        the app: a banner says which are missing.
    """

    settings = settings or Settings.from_env()
    users = auth.load_users(settings.users_file) if settings.users_file else None
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    manager = DiskcacheManager(diskcache.Cache(str(settings.cache_dir)))

    app = AnalyzerDash(
        __name__,
        login_required=settings.login_required,
        assets_folder=str(HERE / "assets"),
        background_callback_manager=manager,
        suppress_callback_exceptions=True,  # page components are not in the initial layout
        title=t("app.title", settings.lang),
        update_title=None,
        health_endpoint="health",
        on_error=handle_callback_error,
    )
    server = app.server
    server.secret_key = settings.secret_key or load_or_create_secret(settings.data_dir)
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes

    from dashboard.store import ScenarioStore

    env = AppEnv(
        settings=settings,
        store=ScenarioStore(settings.db_url),
        holdings_path=Path(holdings_path) if holdings_path else settings.holdings_path,
        company_path=Path(company_path) if company_path else settings.company_path,
    )
    server.extensions[ENV_EXTENSION] = env
    security.install_proxy_fix(app, settings.proxies)
    auth.install(app, users, settings.lang, env.store)
    trust.install(app)
    security.install_headers(app)
    security.install_remote_warning(app, settings.login_required)

    app.layout = shell_layout(env)
    register_shell(app, env)
    for page in pages.PAGES:
        page.register(app, env)
    return app


def run(
    host: str = "127.0.0.1",
    port: int = 8050,
    debug: bool = False,
    holdings_path: str | Path | None = None,
    company_path: str | Path | None = None,
    settings: Settings | None = None,
) -> None:
    """Start the development server (what ``analyzer dashboard`` calls).

    Without a users file (local mode: every client is a risk officer) binding to an address
    other than the loopback prints a warning in both languages."""
    create_app(settings, holdings_path, company_path).run(host=host, port=port, debug=debug)
