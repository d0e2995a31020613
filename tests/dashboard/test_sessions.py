"""Sessions: logout revokes the cookie on the server, cookie flags, login lockout, security
headers, the exposed-local-mode warning (request level)."""

from __future__ import annotations

import datetime as dt
import logging
from http.cookies import SimpleCookie
from typing import Any

import pytest

from dashboard import auth, ids, security
from dashboard.app import create_app
from dashboard.context import app_env


def session_cookie(response: Any) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookie.load(header)
    return cookie


def test_logout_revokes_the_session_on_the_server(login_settings: Any, log_in: Any) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    log_in(client, "manager")
    stolen = client.get_cookie("session")
    assert stolen is not None
    assert client.get("/_dash-layout").status_code == 200
    client.get("/logout")
    # the old cookie, replayed by another client (or kept by the browser), no longer works
    replay = app.server.test_client()
    replay.set_cookie("session", stolen.value)
    assert replay.get("/_dash-layout").status_code == 401
    # nor in another worker (another app on the same database and secret)
    other = create_app(login_settings).server.test_client()
    other.set_cookie("session", stolen.value)
    assert other.get("/_dash-layout").status_code == 401
    # logging in again works
    log_in(client, "manager")
    assert client.get("/_dash-layout").status_code == 200


def test_a_cookie_without_a_live_login_is_refused(login_settings: Any) -> None:
    """A cookie signed with the key but naming a user without a recorded login (what the old
    cookie-only sessions accepted) is refused."""
    app = create_app(login_settings)
    client = app.server.test_client()
    with client.session_transaction() as sess:
        sess[auth.SESSION_KEY] = "risk"
    assert client.get("/_dash-layout").status_code == 401


def test_expired_login_is_refused(login_settings: Any, log_in: Any) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    log_in(client, "exec")
    store = app_env(app).store
    sid = store.open_session("exec", dt.timedelta(seconds=-1))
    with client.session_transaction() as sess:
        sess[auth.SESSION_ID_KEY] = sid
    assert client.get("/_dash-layout").status_code == 401


def test_cookie_flags(login_settings: Any, log_in: Any) -> None:
    app = create_app(login_settings)
    plain = session_cookie(log_in(app.server.test_client(), "exec"))["session"]
    assert plain["samesite"] == "Lax"
    assert plain["httponly"]
    assert not plain["secure"]  # plain HTTP (local use): a Secure cookie would never return
    client = app.server.test_client()
    response = client.post(
        "/login",
        data={"username": "exec", "password": "exec-pass-1", "next": "/"},
        base_url="https://analyzer.example",
    )
    assert session_cookie(response)["session"]["secure"]


def test_https_behind_a_trusted_proxy_gives_a_secure_cookie(
    make_settings: Any, users_file: Any
) -> None:
    app = create_app(make_settings(users_file=users_file, proxies=1))
    response = app.server.test_client().post(
        "/login",
        data={"username": "exec", "password": "exec-pass-1", "next": "/"},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"},
    )
    assert session_cookie(response)["session"]["secure"]


def test_login_lockout_after_repeated_failures(login_settings: Any, log_in: Any) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    for _ in range(auth.USER_FAILURE_LIMIT - 1):
        assert log_in(client, "risk", "wrong").status_code == 401
    locked = log_in(client, "risk", "wrong")
    assert locked.status_code == 429
    assert "分钟后再试" in locked.text and ids.LOGIN_ERROR in locked.text
    # while locked even the right password is refused, without being checked
    assert log_in(client, "risk").status_code == 429
    assert client.get("/_dash-layout").status_code == 401
    en = client.post(
        "/login", data={"username": "risk", "password": "risk-pass-3", "lang": "en", "next": "/"}
    )
    assert "Too many failed logins" in en.text
    # other users are not locked
    other = app.server.test_client()
    assert log_in(other, "exec").status_code == 302
    # after the lockout time the right password works again
    store = app_env(app).store
    later = dt.datetime.now(dt.UTC) + auth.LOCKOUT + dt.timedelta(seconds=1)
    assert store.locked_until("user:risk", now=later) is None


def test_lockout_is_shared_and_expires(login_settings: Any) -> None:
    app = create_app(login_settings)
    store = app_env(app).store
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    kw = {"limit": 3, "window": dt.timedelta(minutes=15), "lockout": dt.timedelta(minutes=15)}
    assert store.record_failure("user:x", now=now, **kw) is None
    assert store.record_failure("user:x", now=now, **kw) is None
    until = store.record_failure("user:x", now=now, **kw)
    assert until == now + dt.timedelta(minutes=15)
    assert store.locked_until("user:x", now=now + dt.timedelta(minutes=14)) == until
    assert store.locked_until("user:x", now=now + dt.timedelta(minutes=16)) is None
    # failures older than the window do not add up
    later = now + dt.timedelta(hours=1)
    assert store.record_failure("user:y", now=now, **kw) is None
    assert store.record_failure("user:y", now=now, **kw) is None
    assert store.record_failure("user:y", now=later, **kw) is None


def test_security_headers(settings: Any) -> None:
    app = create_app(settings)
    client = app.server.test_client()
    for path in ("/", "/_dash-layout", "/health"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self' 'sha256-" in csp and "'unsafe-inline'" not in csp.split(";")[1]
    # every inline script of the page is allowed by its hash
    for digest in app.csp_hashes():
        assert digest in client.get("/").headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("host", "login", "warned"),
    [
        ("127.0.0.1", False, False),
        ("localhost", False, False),
        ("::1", False, False),
        ("0.0.0.0", False, True),
        ("", False, True),
        ("192.168.1.20", False, True),
        ("0.0.0.0", True, False),
    ],
)
def test_warning_for_local_mode_on_a_public_address(host: str, login: bool, warned: bool) -> None:
    message = security.exposed_warning(host, login)
    assert (message is not None) is warned
    if message:
        assert "ANALYZER_USERS_FILE" in message and "风控" in message


def test_run_prints_the_warning(settings: Any, capsys: Any, monkeypatch: Any) -> None:
    from dashboard import app as app_module

    started: list[str] = []
    monkeypatch.setattr("dash.Dash.run", lambda self, host, *a, **k: started.append(host))
    app_module.run(host="0.0.0.0", settings=settings)
    assert started == ["0.0.0.0"]
    assert "ANALYZER_USERS_FILE" in capsys.readouterr().err
    app_module.run(host="127.0.0.1", settings=settings)
    assert capsys.readouterr().err == ""
    # what `analyzer dashboard --host` does: the app's own run warns too
    create_app(settings).run(host="192.168.1.20", port=8050, debug=False)
    assert "192.168.1.20" in capsys.readouterr().err


def test_local_mode_logs_a_remote_client(settings: Any, caplog: Any) -> None:
    app = create_app(settings)
    client = app.server.test_client()
    with caplog.at_level(logging.WARNING, logger="dashboard"):
        client.get("/health", environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert "ANALYZER_USERS_FILE" not in caplog.text
        client.get("/health", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert "ANALYZER_USERS_FILE" in caplog.text and "203.0.113.9" in caplog.text


def test_logins_ended_long_ago_are_forgotten(settings: Any) -> None:
    from sqlalchemy import func, select

    from dashboard.store import _LoginSessionRow

    store = app_env(create_app(settings)).store
    old = store.open_session("a", dt.timedelta(days=-2))
    live = store.open_session("b", dt.timedelta(hours=1))
    with store._session() as session:
        count = session.scalar(select(func.count()).select_from(_LoginSessionRow))
    assert count == 1  # the login that ended two days ago was removed
    assert store.session_user(old) is None and store.session_user(live) == "b"


def test_logins_and_lockouts_on_each_database(db_url: str) -> None:
    """The same session and lockout records on SQLite and PostgreSQL."""
    from dashboard.store import ScenarioStore

    store = ScenarioStore(db_url)
    sid = store.open_session("wang", dt.timedelta(hours=1))
    assert ScenarioStore(db_url).session_user(sid) == "wang"  # another worker sees it
    store.revoke_session(sid)
    assert ScenarioStore(db_url).session_user(sid) is None
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    kw = {"limit": 2, "window": dt.timedelta(minutes=15), "lockout": dt.timedelta(minutes=15)}
    assert store.record_failure("user:wang", now=now, **kw) is None
    until = ScenarioStore(db_url).record_failure("user:wang", now=now, **kw)
    assert until == now + dt.timedelta(minutes=15)
    assert store.locked_until("user:wang", now=now) == until
    store.clear_failures("user:wang")
    assert store.locked_until("user:wang", now=now) is None
    store.dispose()
