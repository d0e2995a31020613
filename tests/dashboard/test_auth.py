"""Users, roles and server-side permission checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from dash import Input, Output, State, html

from dashboard import auth, ids
from dashboard.app import create_app
from dashboard.auth import (
    LOCAL_USER,
    PERMISSIONS,
    ROLES,
    PermissionDenied,
    User,
    UsersFileError,
    can,
    load_users,
    protected_callback,
    require,
)
from dashboard.settings import Settings

FAST_HASH = "pbkdf2:sha256:1000"

REPO = Path(__file__).resolve().parents[2]

#: The access policy of the issue, written out: role -> permissions it holds.
EXPECTED = {
    "executive": {"view"},
    "asset_manager": {"view", "edit", "optimize", "save", "upload"},
    "risk_officer": set(PERMISSIONS),  # everything, including review and delete
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_permission_table(role: str, permission: str) -> None:
    assert can(User("u", role), permission) is (permission in EXPECTED[role])


def test_no_user_has_no_permission_and_unknown_permissions_fail_loudly() -> None:
    assert not can(None, "view")
    with pytest.raises(KeyError):
        can(LOCAL_USER, "launch_missiles")
    assert LOCAL_USER.role == "risk_officer"
    assert auth.permissions_of("executive") == ["view"]


# -- users file ----------------------------------------------------------------------------
def test_users_file_round_trip(users_file: Path, passwords: Any) -> None:
    users = load_users(users_file)
    assert {n: u.role for n, u in users.items()} == {
        "exec": "executive",
        "manager": "asset_manager",
        "risk": "risk_officer",
    }
    assert users["risk"].display_name == "王风控"
    assert auth.verify_password(users, "risk", passwords["risk"]) == User(
        "risk", "risk_officer", "王风控"
    )
    assert auth.verify_password(users, "risk", "wrong") is None
    assert auth.verify_password(users, "nobody", "x") is None
    assert "risk-pass-3" not in users_file.read_text(encoding="utf-8")  # only hashes


def test_add_user_refuses_duplicates_unless_replace(users_file: Path) -> None:
    with pytest.raises(UsersFileError, match="already exists"):
        auth.add_user(users_file, "exec", "executive", "x", method=FAST_HASH)
    auth.add_user(users_file, "exec", "risk_officer", "new", replace=True, method=FAST_HASH)
    users = load_users(users_file)
    assert users["exec"].role == "risk_officer"
    assert auth.verify_password(users, "exec", "new") is not None
    with pytest.raises(UsersFileError, match="unknown role"):
        auth.add_user(users_file, "x", "ceo", "pw")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[users]]\nname = "a"\nrole = "boss"\npassword_hash = "h"\n', "unknown role"),
        ('[[users]]\nrole = "executive"\npassword_hash = "h"\n', "'name' is missing"),
        ('[[users]]\nname = "a"\nrole = "executive"\n', "'password_hash' is missing"),
        (
            '[[users]]\nname = "a"\nrole = "executive"\npassword_hash = "h"\npassword = "p"\n',
            "unknown keys password",
        ),
        ('[[users]]\nname = "a"\nrole = "executive"\npassword_hash = "h"\n' * 2, "twice"),
        ("users = 3\n", "array of tables"),
        ("", "defines no users"),
        ("[[users]\n", "not valid TOML"),
    ],
)
def test_malformed_users_files_are_reported(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsersFileError, match=message):
        load_users(path)


def test_missing_users_file_stops_the_app(make_settings: Any, tmp_path: Path) -> None:
    with pytest.raises(UsersFileError, match="does not exist"):
        create_app(make_settings(users_file=tmp_path / "nope.toml"))


def test_cli_add_user_and_list(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    run = [sys.executable, "-m", "dashboard.auth"]
    done = subprocess.run(
        [
            *run,
            "add-user",
            "zhang",
            "asset_manager",
            "--password",
            "pw-1",
            "--file",
            str(path),
            "--display-name",
            "张三",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    users = load_users(path)
    assert users["zhang"].role == "asset_manager"
    assert auth.verify_password(users, "zhang", "pw-1") is not None
    listed = subprocess.run(
        [*run, "list-users"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={"ANALYZER_USERS_FILE": str(path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )
    assert listed.returncode == 0, listed.stderr
    assert "zhang (张三)\tasset_manager" in listed.stdout
    again = subprocess.run(
        [*run, "add-user", "zhang", "executive", "--password", "x", "--file", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 2 and "already exists" in again.stderr
    bad_role = subprocess.run(
        [*run, "add-user", "li", "ceo", "--password", "x", "--file", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr


# -- login ---------------------------------------------------------------------------------
def test_login_is_required_with_a_users_file(login_settings: Settings, dash_call: Any) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    page = client.get("/lab?x=1")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    shell = next(iter(app.callback_map))
    assert dash_call(client, app, shell, ["zh"]).status_code == 401
    # public: login page, health, static component bundles
    form = client.get("/login")
    assert form.status_code == 200 and ids.LOGIN_USERNAME in form.text and "登录" in form.text
    assert "Log in" in client.get("/login?lang=en").text
    assert client.get("/health").status_code == 200


def test_wrong_password_is_refused(login_settings: Settings, log_in: Any) -> None:
    client = create_app(login_settings).server.test_client()
    response = log_in(client, "exec", "not-the-password")
    assert response.status_code == 401
    assert ids.LOGIN_ERROR in response.text and "用户名或密码错误" in response.text
    assert client.get("/_dash-layout").status_code == 401
    assert log_in(client, "ghost", "x").status_code == 401


def test_login_then_logout(login_settings: Settings, log_in: Any, dash_call: Any) -> None:
    app = create_app(login_settings)
    client = app.server.test_client()
    response = log_in(client, "risk")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    shell = next(iter(app.callback_map))
    result = dash_call(client, app, shell, ["en"])
    assert result.status_code == 200
    assert "王风控 (Risk officer)" in result.text
    out = client.get("/logout")
    assert out.status_code == 302 and out.headers["Location"] == "/login"
    assert client.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_does_not_redirect_off_site(
    login_settings: Settings, target: str, passwords: Any
) -> None:
    client = create_app(login_settings).server.test_client()
    response = client.post(
        "/login", data={"username": "exec", "password": passwords["exec"], "next": target}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_login_keeps_the_requested_page(login_settings: Settings, passwords: Any) -> None:
    client = create_app(login_settings).server.test_client()
    response = client.post(
        "/login",
        data={"username": "exec", "password": passwords["exec"], "next": "/solvency?s=2"},
    )
    assert response.headers["Location"] == "/solvency?s=2"


def test_local_mode_has_no_login(settings: Settings, dash_call: Any) -> None:
    app = create_app(settings)
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/login").headers["Location"] == "/"
    shell = next(iter(app.callback_map))
    assert "本地用户（风险管理人员）" in dash_call(client, app, shell, ["zh"]).text


# -- server-side enforcement of callbacks --------------------------------------------------
def _secured_app(settings: Settings) -> Any:
    """An app with one test callback per permission, protected at registration."""
    app = create_app(settings)
    for permission in PERMISSIONS:
        protected_callback(
            app,
            permission,
            Output(f"t-{permission}-out", "children"),
            Input(f"t-{permission}-btn", "n_clicks"),
        )(lambda n, permission=permission: f"did {permission}")
    return app


def _refused(response: Any) -> dict[str, Any] | None:
    """The notice of a refused callback response, or None if it ran."""
    body = response.get_json()
    side = body.get("sideUpdate") or {}
    notice = side.get(ids.NOTICE_STORE, {}).get("data")
    if notice is not None:
        assert body["response"] == {}  # no output changed
    return notice


@pytest.mark.parametrize("role", ROLES)
def test_protected_callbacks_are_enforced_on_the_server(
    login_settings: Settings, role: str, log_in: Any, dash_call: Any, accounts: Any
) -> None:
    app = _secured_app(login_settings)
    client = app.server.test_client()
    log_in(client, accounts[role][0])
    for permission in PERMISSIONS:
        cid = f"t-{permission}-out.children"
        response = dash_call(client, app, cid, [1])
        assert response.status_code == 200
        notice = _refused(response)
        if permission in EXPECTED[role]:
            assert notice is None, (role, permission)
            assert response.get_json()["response"][f"t-{permission}-out"]["children"] == (
                f"did {permission}"
            )
        else:
            assert notice is not None, (role, permission)
            assert notice["key"] == "notice.denied"
            assert notice["params"] == {
                "role": f"@role.{role}",
                "permission": f"@perm.{permission}",
            }


def test_local_user_may_do_everything(settings: Settings, dash_call: Any) -> None:
    app = _secured_app(settings)
    client = app.server.test_client()
    for permission in PERMISSIONS:
        response = dash_call(client, app, f"t-{permission}-out.children", [1])
        assert _refused(response) is None


def test_background_callbacks_are_refused_before_dispatch(
    login_settings: Settings, log_in: Any, dash_call: Any
) -> None:
    app = create_app(login_settings)
    protected_callback(
        app,
        "optimize",
        Output("t-bg-out", "children"),
        Input("t-bg-btn", "n_clicks"),
        background=True,
        prevent_initial_call=True,
    )(lambda n: "optimised")
    client = app.server.test_client()
    log_in(client, "exec")
    response = dash_call(client, app, "t-bg-out.children", [1])
    notice = _refused(response)
    assert notice is not None and notice["params"]["permission"] == "@perm.optimize"
    assert "cacheKey" not in response.get_json() and "job" not in response.get_json()


def test_require_inside_a_callback_becomes_a_notice(
    login_settings: Settings, log_in: Any, dash_call: Any
) -> None:
    """Defence in depth: a body calling require() is refused via the app's on_error."""
    app = create_app(login_settings)

    def review(n: int, scenario: Any) -> str:
        user = require("review")
        return f"reviewed by {user.name}"

    app.callback(
        Output("t-rev-out", "children"), Input("t-rev-btn", "n_clicks"), State("t-rev-id", "data")
    )(review)
    client = app.server.test_client()
    log_in(client, "manager")
    refused = dash_call(client, app, "t-rev-out.children", [1], [3])
    body = refused.get_json()
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.denied"
    assert "response" not in body or "t-rev-out" not in json.dumps(body.get("response", {}))

    client2 = app.server.test_client()
    log_in(client2, "risk")
    allowed = dash_call(client2, app, "t-rev-out.children", [1], [3])
    assert allowed.get_json()["response"]["t-rev-out"]["children"] == "reviewed by risk"


def test_require_in_a_flask_route_answers_403(login_settings: Settings, log_in: Any) -> None:
    app = create_app(login_settings)

    def export() -> str:
        require("review")
        return "ok"

    app.server.add_url_rule("/t-export", "t_export", export)
    client = app.server.test_client()
    log_in(client, "exec")
    assert client.get("/t-export").status_code == 403
    log_in(client, "risk")
    assert client.get("/t-export").status_code == 200


def test_current_user_outside_a_request_is_an_error() -> None:
    with pytest.raises(auth.AuthError, match="background"):
        auth.current_user()


def test_permission_denied_message() -> None:
    exc = PermissionDenied("save", User("li", "executive"))
    assert "li (executive) may not save" in str(exc)
    assert PermissionDenied("save", None).notice()["key"] == "notice.login_required"


def test_layout_keeps_dash_components(settings: Settings) -> None:
    # sanity check for the browser tests, which add components next to the shell
    app = create_app(settings)
    app.layout = html.Div([app.layout, html.Button(id="t-btn")])
    assert app.server.test_client().get("/_dash-layout").status_code == 200
