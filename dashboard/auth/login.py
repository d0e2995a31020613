"""How a request gets its user and what it may do: the login page, server-side sessions,
the failed-login lockout and the permission gate of Dash callbacks and Flask routes.

Two modes, chosen by `Settings.users_file`:

* **local** (no users file): one local user, ``local``, with the ``risk_officer`` role; no
  login page.
* **login** (``ANALYZER_USERS_FILE`` set): every route except ``/login``, ``/logout``,
  ``/health`` and static files needs a logged-in user (a signed Flask session cookie holding
  the user name; the role is looked up in the users file on every request).

Permissions are enforced on the server, in three places:

1. `protected_callback(app, permission, ...)` registers a Dash callback and records its id;
   a ``before_request`` hook refuses a call of it by a user without the permission
   *before* the callback runs (this also covers background callbacks, whose bodies run in
   another process with no request) and shows a localised notice instead.
2. `require(permission)` inside a callback body or Flask route raises `PermissionDenied`;
   the app's ``on_error`` handler turns it into the same notice, Flask routes answer 403.
3. The page router checks ``view``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from html import escape
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import flask
from flask.sessions import SecureCookieSessionInterface

from dashboard import ids
from dashboard.auth.users import (
    LOCAL_USER,
    PERMISSIONS,
    AuthError,
    PermissionDenied,
    User,
    UserRecord,
    can,
    verify_password,
)
from dashboard.i18n import normalize_lang, t

EXTENSION = "analyzer_auth"
SESSION_KEY = "analyzer_user"
SESSION_ID_KEY = "analyzer_sid"
SESSION_LIFETIME = dt.timedelta(hours=12)

#: Login throttling: this many failures of one user name within the window lock that name
#: for the lockout time; ``IP_FAILURE_LIMIT`` failures from one address lock the address.
USER_FAILURE_LIMIT = 5
IP_FAILURE_LIMIT = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)

F = TypeVar("F", bound=Callable[..., Any])


# -- per-app state and request hooks -------------------------------------------------------
class AuthState:
    """What one app knows about its users and protected callbacks."""

    def __init__(
        self, users: Mapping[str, UserRecord] | None, default_lang: str, store: Any = None
    ) -> None:
        self.users = dict(users) if users is not None else None
        self.default_lang = default_lang
        #: server-side record of logins and failed logins (`dashboard.store.ScenarioStore`);
        #: None: the signed cookie alone (tests of this module only)
        self.store = store
        #: Dash callback id (``callback_map`` key) -> permission
        self.protected: dict[str, str] = {}

    @property
    def login_required(self) -> bool:
        return self.users is not None

    def user_from_session(self) -> User | None:
        if self.users is None:
            return LOCAL_USER
        if "analyzer_user" in flask.g:
            return flask.g.analyzer_user  # type: ignore[no-any-return]
        name = flask.session.get(SESSION_KEY)
        record = self.users.get(name) if isinstance(name, str) else None
        if record is not None and self.store is not None:
            sid = flask.session.get(SESSION_ID_KEY)
            # a revoked (logged out) or expired login no longer works, whatever the cookie
            if not isinstance(sid, str) or self.store.session_user(sid) != record.name:
                record = None
        user = record.user() if record else None
        flask.g.analyzer_user = user
        return user


def state(app_or_server: Any) -> AuthState:
    """The `AuthState` of a Dash app or Flask server (or of the current Flask app)."""
    server = getattr(app_or_server, "server", app_or_server)
    try:
        return server.extensions[EXTENSION]  # type: ignore[no-any-return]
    except KeyError:
        raise AuthError("dashboard.auth is not installed on this app (use create_app)") from None


def current_user() -> User | None:
    """The user of the current request (None: not logged in).

    Needs a Flask request (normal callbacks and routes). Background-callback bodies run in
    another process without one: protect them at registration (`protected_callback`) and
    pass what they need (e.g. the author) as arguments.
    """
    if not flask.has_request_context():
        raise AuthError(
            "current_user() needs a request; in a background callback protect the callback "
            "with protected_callback() instead"
        )
    return state(flask.current_app).user_from_session()


def require(permission: str) -> User:
    """The current user if they hold ``permission``; else raise `PermissionDenied`."""
    user = current_user()
    if not can(user, permission):
        raise PermissionDenied(permission, user)
    assert user is not None
    return user


def protected_callback(app: Any, permission: str, *dependencies: Any, **kwargs: Any) -> Any:
    """``app.callback(*dependencies, **kwargs)`` that only users with ``permission`` may run.

    Use it for every callback that edits, optimises, saves, reviews, uploads or deletes::

        protected_callback(app, "save", Output(...), Input(...), State(...))(save_scenario)

    The check runs on the server before the callback (works for ``background=True`` too);
    a refused call changes no output and shows a "not allowed" notice.
    """
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    auth = state(app)

    def decorator(fn: F) -> F:
        before = set(app.callback_map)
        result = app.callback(*dependencies, **kwargs)(fn)
        added = set(app.callback_map) - before
        if not added:
            raise AuthError(f"could not find the callback id of {fn.__name__}")
        for callback_id in added:
            auth.protected[callback_id] = permission
        return result  # type: ignore[no-any-return]

    return decorator


def refusal_response(exc: PermissionDenied) -> flask.Response:
    """A Dash callback response that updates no output and shows the refusal notice."""
    body = {"multi": True, "response": {}, "sideUpdate": {ids.NOTICE_STORE: {"data": exc.notice()}}}
    return flask.Response(json.dumps(body), status=200, mimetype="application/json")


def _public(path: str) -> bool:
    return (
        path in ("login", "logout", "health", "_favicon.ico", "favicon.ico")
        or path.startswith("assets/")
        or path.startswith("_dash-component-suites/")
    )


def _safe_next(target: str | None, prefix: str) -> str:
    """Only same-site relative paths (no ``//host``, no scheme)."""
    if not target:
        return prefix
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return prefix
    return target


_LOGIN_PAGE = """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {app_title}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       background: #f4f6f9; margin: 0; }}
main {{ max-width: 360px; margin: 10vh auto; background: #fff; padding: 2rem;
       border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.3rem; margin-top: 0; }} label {{ display: block; margin: .8rem 0 .2rem; }}
input {{ width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }}
button {{ margin-top: 1.2rem; width: 100%; padding: .6rem; font-size: 1rem; background: #1f4e79;
         color: #fff; border: 0; border-radius: 4px; cursor: pointer; }}
.error {{ color: #b00020; }} .switch {{ float: right; font-size: .9rem; }}
</style></head>
<body><main>
<a class="switch" href="{switch_href}">{switch}</a>
<h1>{app_title}</h1>
<h2>{title}</h2>
{error}
<form id="{form_id}" method="post" action="{action}">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="lang" value="{lang}">
<label for="{user_id}">{username}</label>
<input id="{user_id}" name="username" autocomplete="username" required autofocus
       value="{username_value}">
<label for="{pw_id}">{password}</label>
<input id="{pw_id}" name="password" type="password" autocomplete="current-password" required>
<button id="{submit_id}" type="submit">{submit}</button>
</form></main></body></html>
"""


def login_page(
    lang: str,
    next_url: str,
    action: str,
    error: bool = False,
    username: str = "",
    locked_minutes: int | None = None,
) -> str:
    other = "zh" if lang == "en" else "en"
    message = None
    if locked_minutes is not None:
        message = t("login.locked", lang, minutes=locked_minutes)
    elif error:
        message = t("login.failed", lang)
    return _LOGIN_PAGE.format(
        html_lang="en" if lang == "en" else "zh-CN",
        title=escape(t("login.title", lang)),
        app_title=escape(t("app.title", lang)),
        switch=escape(t("login.switch", lang)),
        switch_href=escape(f"{action}?lang={other}&next={quote(next_url)}"),
        error=(
            f'<p id="{ids.LOGIN_ERROR}" class="error" role="alert">{escape(message)}</p>'
            if message
            else ""
        ),
        form_id=ids.LOGIN_FORM,
        action=escape(action),
        next=escape(next_url),
        lang=escape(lang),
        user_id=ids.LOGIN_USERNAME,
        pw_id=ids.LOGIN_PASSWORD,
        submit_id=ids.LOGIN_SUBMIT,
        username=escape(t("login.username", lang)),
        password=escape(t("login.password", lang)),
        submit=escape(t("login.submit", lang)),
        username_value=escape(username),
    )


class _SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked ``Secure`` whenever the request came over HTTPS
    (directly, or through a proxy trusted with ``ANALYZER_PROXIES``)."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        return bool(flask.has_request_context() and flask.request.is_secure)


def _client_address() -> str:
    return flask.request.remote_addr or "?"


def _locked_page(
    lang: str, next_url: str, action: str, name: str, until: dt.datetime
) -> tuple[str, int]:
    minutes = max(1, int((until - dt.datetime.now(dt.UTC)).total_seconds() // 60) + 1)
    page = login_page(lang, next_url, action, username=name, locked_minutes=minutes)
    return page, 429


def install(
    app: Any,
    users: Mapping[str, UserRecord] | None,
    default_lang: str = "zh",
    store: Any = None,
) -> AuthState:
    """Attach auth to a Dash app: state, login/logout routes, the request gate.

    ``users=None`` is local mode. ``store`` (a `dashboard.store.ScenarioStore`) keeps the
    logins, so that logout revokes a session in every worker, and the failed logins for the
    lockout. Call before registering callbacks.
    """
    server: flask.Flask = app.server
    auth = AuthState(users, default_lang, store)
    server.extensions[EXTENSION] = auth
    # assigned, not setdefault: Flask defines these keys (SameSite None by default)
    server.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    server.config["SESSION_COOKIE_HTTPONLY"] = True
    server.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    server.session_interface = _SessionInterface()
    prefix: str = app.config.routes_pathname_prefix or "/"

    def relative(path: str) -> str:
        return path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")

    def gate() -> Any:
        path = relative(flask.request.path)
        if _public(path):
            return None
        user = auth.user_from_session()
        if user is None:
            if path.startswith("_dash-") or path.startswith("_reload-hash"):
                return flask.Response(
                    json.dumps({"error": "login required"}), 401, mimetype="application/json"
                )
            target = flask.request.full_path if flask.request.query_string else flask.request.path
            return flask.redirect(f"{prefix}login?next={quote(target)}")
        if path == "_dash-update-component" and flask.request.method == "POST":
            body = flask.request.get_json(silent=True) or {}
            permission = auth.protected.get(body.get("output", ""))
            if permission is not None and not can(user, permission):
                return refusal_response(PermissionDenied(permission, user))
        return None

    server.before_request(gate)

    def request_lang() -> str:
        lang = flask.request.values.get("lang")
        return normalize_lang(lang) if lang else default_lang

    def login() -> Any:
        if not auth.login_required:
            return flask.redirect(prefix)
        lang = request_lang()
        next_url = _safe_next(flask.request.values.get("next"), prefix)
        action = f"{prefix}login"
        if flask.request.method == "GET":
            return login_page(lang, next_url, action)
        name = flask.request.form.get("username", "").strip()
        password = flask.request.form.get("password", "")
        assert auth.users is not None
        keys = [f"user:{name[:100]}", f"ip:{_client_address()}"]
        if auth.store is not None:
            locked = [u for u in (auth.store.locked_until(k) for k in keys) if u is not None]
            if locked:  # refused without looking at the password
                return _locked_page(lang, next_url, action, name, max(locked))
        user = verify_password(auth.users, name, password)
        if user is None:
            if auth.store is not None:
                ends = [
                    auth.store.record_failure(
                        key, limit=limit, window=FAILURE_WINDOW, lockout=LOCKOUT
                    )
                    for key, limit in zip(keys, (USER_FAILURE_LIMIT, IP_FAILURE_LIMIT), strict=True)
                ]
                locked = [u for u in ends if u is not None]
                if locked:
                    return _locked_page(lang, next_url, action, name, max(locked))
            return login_page(lang, next_url, action, error=True, username=name), 401
        flask.session.clear()
        flask.session[SESSION_KEY] = user.name
        if auth.store is not None:
            auth.store.clear_failures(keys[0])
            flask.session[SESSION_ID_KEY] = auth.store.open_session(user.name, SESSION_LIFETIME)
        flask.session.permanent = True
        return flask.redirect(next_url)

    def logout() -> Any:
        sid = flask.session.get(SESSION_ID_KEY)
        if auth.store is not None and isinstance(sid, str):
            auth.store.revoke_session(sid)  # the cookie is dead even if the browser keeps it
        flask.session.clear()
        return flask.redirect(f"{prefix}login" if auth.login_required else prefix)

    server.add_url_rule(f"{prefix}login", "analyzer_login", login, methods=["GET", "POST"])
    server.add_url_rule(f"{prefix}logout", "analyzer_logout", logout, methods=["GET", "POST"])

    def forbidden(exc: PermissionDenied) -> Any:
        return flask.Response(str(exc), 403, mimetype="text/plain")

    server.register_error_handler(PermissionDenied, forbidden)
    return auth
