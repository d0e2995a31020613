"""Users, roles and server-side permission checks.

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

Users file (TOML)::

    [[users]]
    name = "wang"
    role = "risk_officer"          # executive | asset_manager | risk_officer
    password_hash = "scrypt:32768:8:1$..."   # werkzeug.security.generate_password_hash
    display_name = "王风控"         # optional

Add a user: ``python -m dashboard.auth add-user NAME ROLE [--password PW] [--file PATH]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard import ids
from dashboard.i18n import normalize_lang, t

ROLES = ("executive", "asset_manager", "risk_officer")

#: permission -> roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "edit": frozenset({"asset_manager", "risk_officer"}),
    "optimize": frozenset({"asset_manager", "risk_officer"}),
    "save": frozenset({"asset_manager", "risk_officer"}),
    "upload": frozenset({"asset_manager", "risk_officer"}),
    "review": frozenset({"risk_officer"}),
    "delete": frozenset({"risk_officer"}),
}

LOCAL_USER_NAME = "local"
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


class AuthError(Exception):
    """Base class of this module's errors."""


class UsersFileError(AuthError):
    """The users file is missing or malformed."""


class PermissionDenied(AuthError):
    """The current user lacks a permission."""

    def __init__(self, permission: str, user: User | None) -> None:
        self.permission = permission
        self.user = user
        who = f"{user.name} ({user.role})" if user else "anonymous user"
        super().__init__(f"{who} may not {permission}")

    def notice(self) -> dict[str, Any]:
        """Notice store payload (see `dashboard.notices`)."""
        from dashboard.notices import payload

        if self.user is None:
            return payload("notice.login_required", "warning")
        return payload(
            "notice.denied",
            "error",
            role=f"@role.{self.user.role}",
            permission=f"@perm.{self.permission}",
        )


@dataclass(frozen=True)
class User:
    """The person using the dashboard."""

    name: str
    role: str
    display_name: str = ""
    local: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.name

    def can(self, permission: str) -> bool:
        return can(self, permission)


LOCAL_USER = User(LOCAL_USER_NAME, "risk_officer", local=True)


@dataclass(frozen=True)
class UserRecord:
    """One entry of the users file."""

    name: str
    role: str
    password_hash: str
    display_name: str = ""

    def user(self) -> User:
        return User(self.name, self.role, self.display_name)


def can(user: User | None, permission: str) -> bool:
    """Whether ``user`` holds ``permission`` (unknown permissions are a programming error)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}; known: {', '.join(PERMISSIONS)}")
    return user is not None and user.role in PERMISSIONS[permission]


def permissions_of(role: str) -> list[str]:
    """The permissions a role holds, in table order."""
    return [p for p, roles in PERMISSIONS.items() if role in roles]


# -- users file ----------------------------------------------------------------------------
def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UsersFileError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role


def parse_users(doc: Mapping[str, Any], source: str = "users file") -> dict[str, UserRecord]:
    entries = doc.get("users", [])
    if not isinstance(entries, list):
        raise UsersFileError(f"{source}: 'users' must be an array of tables ([[users]])")
    users: dict[str, UserRecord] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"{source}: user #{n}"
        if not isinstance(entry, Mapping):
            raise UsersFileError(f"{where} is not a table")
        unknown = set(entry) - {"name", "role", "password_hash", "display_name"}
        if unknown:
            raise UsersFileError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        name = str(entry.get("name", "")).strip()
        if not name:
            raise UsersFileError(f"{where}: 'name' is missing")
        try:
            role = _check_role(str(entry.get("role", "")))
        except UsersFileError as exc:
            raise UsersFileError(f"{where} ({name}): {exc}") from None
        password_hash = str(entry.get("password_hash", ""))
        if not password_hash:
            raise UsersFileError(f"{where} ({name}): 'password_hash' is missing")
        if name in users:
            raise UsersFileError(f"{where}: user {name!r} appears twice")
        users[name] = UserRecord(name, role, password_hash, str(entry.get("display_name", "")))
    return users


def load_users(path: Path) -> dict[str, UserRecord]:
    """Read and validate a users file; raises `UsersFileError` with the file name."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise UsersFileError(f"users file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"users file {path} is not valid TOML: {exc}") from None
    users = parse_users(doc, str(path))
    if not users:
        raise UsersFileError(
            f"users file {path} defines no users; add one with "
            "`python -m dashboard.auth add-user NAME ROLE`"
        )
    return users


def _toml_str(value: str) -> str:
    # JSON string escapes (\" \\ \n \t \uXXXX) are valid TOML basic-string escapes
    return json.dumps(value, ensure_ascii=False)


def dump_users(users: Iterable[UserRecord]) -> str:
    """Users file text (comments of an existing file are not kept)."""
    lines = ["# Dashboard users: python -m dashboard.auth add-user NAME ROLE", ""]
    for user in users:
        lines.append("[[users]]")
        lines.append(f"name = {_toml_str(user.name)}")
        lines.append(f"role = {_toml_str(user.role)}")
        lines.append(f"password_hash = {_toml_str(user.password_hash)}")
        if user.display_name:
            lines.append(f"display_name = {_toml_str(user.display_name)}")
        lines.append("")
    return "\n".join(lines)


def add_user(
    path: Path,
    name: str,
    role: str,
    password: str,
    *,
    display_name: str = "",
    replace: bool = False,
    method: str | None = None,
) -> UserRecord:
    """Add (or with ``replace`` update) a user in the users file, creating the file.

    ``method`` is passed to `generate_password_hash` (default: werkzeug's, scrypt).
    """
    name = name.strip()
    if not name:
        raise UsersFileError("user name must not be empty")
    _check_role(role)
    if not password:
        raise UsersFileError("password must not be empty")
    users: dict[str, UserRecord] = {}
    if path.exists():
        with open(path, "rb") as fh:
            try:
                users = parse_users(tomllib.load(fh), str(path))
            except tomllib.TOMLDecodeError as exc:
                raise UsersFileError(f"users file {path} is not valid TOML: {exc}") from None
    if name in users and not replace:
        raise UsersFileError(f"user {name!r} already exists in {path}; use --replace")
    hashed = (
        generate_password_hash(password, method) if method else generate_password_hash(password)
    )
    record = UserRecord(name, role, hashed, display_name)
    users[name] = record
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump_users(users.values()), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return record


_DUMMY_HASH: str | None = None


def verify_password(users: Mapping[str, UserRecord], name: str, password: str) -> User | None:
    """The user if the password matches, else None."""
    global _DUMMY_HASH
    record = users.get(name)
    if record is None:
        # spend comparable time so unknown names are not revealed by timing
        if _DUMMY_HASH is None:
            _DUMMY_HASH = generate_password_hash("not a password")
        check_password_hash(_DUMMY_HASH, password or "-")
        return None
    if check_password_hash(record.password_hash, password):
        return record.user()
    return None


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


# -- command line --------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.auth add-user NAME ROLE [--password PW] [--file PATH]``."""
    import os

    parser = argparse.ArgumentParser(
        prog="python -m dashboard.auth",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="add a user to the users file (creates it)")
    add.add_argument("name")
    add.add_argument("role", choices=ROLES)
    add.add_argument("--password", help="the password (default: prompt twice)")
    add.add_argument("--display-name", default="", help="name shown in the top bar")
    add.add_argument("--file", type=Path, help="users file (default: $ANALYZER_USERS_FILE)")
    add.add_argument("--replace", action="store_true", help="update an existing user")
    lst = sub.add_parser("list-users", help="list the users and their roles")
    lst.add_argument("--file", type=Path, help="users file (default: $ANALYZER_USERS_FILE)")
    args = parser.parse_args(argv)

    path: Path | None = args.file or (
        Path(os.environ["ANALYZER_USERS_FILE"]) if os.environ.get("ANALYZER_USERS_FILE") else None
    )
    if path is None:
        parser.error("no users file: pass --file PATH or set ANALYZER_USERS_FILE")
    try:
        if args.command == "list-users":
            for record in load_users(path).values():
                label = f" ({record.display_name})" if record.display_name else ""
                print(f"{record.name}{label}\t{record.role}")
            return 0
        password = args.password
        if password is None:
            try:
                password = getpass.getpass(f"password for {args.name}: ")
                again = getpass.getpass("again: ")
            except EOFError:
                print("error: no password given (no terminal: use --password)", file=sys.stderr)
                return 2
            if again != password:
                print("error: the passwords differ", file=sys.stderr)
                return 2
        add_user(
            path,
            args.name,
            args.role,
            password,
            display_name=args.display_name,
            replace=args.replace,
        )
    except UsersFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.name} ({args.role}) written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
