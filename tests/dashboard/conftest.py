"""Shared fixtures for the dashboard tests.

* ``make_settings`` / ``settings``: isolated settings (temp SQLite, cache and data dirs).
* ``app`` / ``env``: an app built on ``settings`` (local mode) and its `AppEnv` (a test file
  that needs another app, e.g. with logins, overrides ``app``).
* ``users_file`` + ``PASSWORDS``: a users file with one user per role.
* ``db_url``: parametrised over SQLite (temp file) and PostgreSQL
  (``ANALYZER_TEST_POSTGRES_URL``, started by ``.ci/start_postgres.sh``). Without that
  variable the PostgreSQL case is skipped locally and *fails* under CI (``CI`` set).
* ``call_callback``: POST a Dash callback through the Flask test client.
* browser tests (``@pytest.mark.browser``) run headless in Debian's chromium with its
  chromedriver; missing browser -> skipped locally, failed under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dashboard import auth
from dashboard.app import create_app
from dashboard.context import AppEnv, app_env
from dashboard.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORDS = {
    "exec": "exec-pass-1",
    "manager": "manager-pass-2",
    "risk": "risk-pass-3",
}
ROLE_OF = {"exec": "executive", "manager": "asset_manager", "risk": "risk_officer"}
FAST_HASH = "pbkdf2:sha256:1000"  # tests only: fast to hash and check


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def have_browser() -> bool:
    return (Path(CHROMIUM).exists() or shutil.which("chromium") is not None) and (
        Path(CHROMEDRIVER).exists() or shutil.which("chromedriver") is not None
    )


# -- pytest hooks --------------------------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    # Browser tests need headless mode (no display here or in CI). dash's plugin reads the
    # --headless option; force it so `pytest tests/dashboard` works without the flag.
    if hasattr(config.option, "headless"):
        config.option.headless = True
    # selenium (pinned by dash[testing]) calls a urllib3 API deprecated in urllib3 2
    config.addinivalue_line(
        "filterwarnings", "ignore:HTTPResponse.getheader:DeprecationWarning:selenium"
    )
    if have_browser() and "DASH_TEST_CHROMEPATH" not in os.environ:
        os.environ["DASH_TEST_CHROMEPATH"] = (
            CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
        )


@pytest.fixture(autouse=True)
def _browser_available(request: pytest.FixtureRequest) -> None:
    """Browser tests: skip without chromium locally, fail under CI (it must install it)."""
    if request.node.get_closest_marker("browser") is None or have_browser():
        return
    message = (
        "chromium/chromedriver not installed: run .ci/install_system_deps.sh as root "
        "(apt-get install chromium chromium-driver)"
    )
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def pytest_setup_options() -> Any:
    """dash.testing hook: Chromium options for a closed network and containers."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--lang=zh-CN",
        "--window-size=1400,900",
    ):
        options.add_argument(flag)
    return options


# -- settings, users -----------------------------------------------------------------------
@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """``make_settings(**overrides)`` -> isolated `Settings` under ``tmp_path``."""

    def make(**overrides: Any) -> Settings:
        base = Settings(
            db_url=f"sqlite:///{tmp_path / 'db' / 'analyzer.db'}",
            cache_dir=tmp_path / "cache",
            data_dir=tmp_path / "data",
            secret_key="test-secret-key",
        )
        return replace(base, **overrides)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def app(settings: Settings) -> Any:
    """A fresh app on ``settings`` (local mode: the local user is a risk officer)."""
    return create_app(settings)


@pytest.fixture
def env(app: Any) -> AppEnv:
    """The `AppEnv` ``app`` was built with (its store and start-up files)."""
    return app_env(app)


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.toml"
    for name, password in PASSWORDS.items():
        display = "王风控" if name == "risk" else ""
        auth.add_user(path, name, ROLE_OF[name], password, display_name=display, method=FAST_HASH)
    return path


@pytest.fixture
def login_settings(make_settings: Callable[..., Settings], users_file: Path) -> Settings:
    return make_settings(users_file=users_file)


def _login(client: Any, name: str, password: str | None = None) -> Any:
    return client.post(
        "/login",
        data={"username": name, "password": password or PASSWORDS[name], "next": "/"},
    )


@pytest.fixture
def log_in() -> Callable[..., Any]:
    """``log_in(client, name, password=None)``: POST the login form (known test passwords)."""
    return _login


@pytest.fixture
def passwords() -> dict[str, str]:
    """user name -> password of the ``users_file`` fixture."""
    return dict(PASSWORDS)


@pytest.fixture
def accounts() -> dict[str, tuple[str, str]]:
    """role -> (user name, password) of the ``users_file`` fixture."""
    return {role: (name, PASSWORDS[name]) for name, role in ROLE_OF.items()}


# -- databases -----------------------------------------------------------------------------
POSTGRES_ENV = "ANALYZER_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url:
        return url
    message = (
        f"{POSTGRES_ENV} is not set: start a test server with "
        f'`eval "$(bash .ci/start_postgres.sh)"` (needs the postgresql package)'
    )
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A clean scenario database: a temp SQLite file, or the test PostgreSQL emptied."""
    from dashboard.store import ScenarioStore

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scenarios.db'}"
        return
    url = postgres_url()
    ScenarioStore(url).drop_all()
    yield url
    ScenarioStore(url).drop_all()


# -- Dash callbacks over HTTP --------------------------------------------------------------
def _outputs(callback_id: str) -> tuple[bool, list[dict[str, str]]]:
    if callback_id.startswith(".."):
        parts = callback_id[2:-2].split("...")
        multi = True
    else:
        parts = [callback_id]
        multi = False
    outs = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        outs.append({"id": cid, "property": prop})
    return multi, outs


def callback_id_of(app: Any, output_id: str, prop: str = "children") -> str:
    """The ``callback_map`` key of the callback that writes ``output_id.prop``."""
    needle = f"{output_id}.{prop}"
    for key in app.callback_map:
        _, outs = _outputs(key)
        if any(f"{o['id']}.{o['property']}" == needle for o in outs):
            return key
    raise KeyError(needle)


def call_callback(
    client: Any,
    app: Any,
    callback_id: str,
    inputs: list[Any] | None = None,
    state: list[Any] | None = None,
) -> Any:
    """POST ``/_dash-update-component`` like the browser does; returns the response.

    ``inputs`` / ``state`` are the values in the callback's declared order.
    """
    spec = app.callback_map[callback_id]
    multi, outs = _outputs(callback_id)
    inputs = inputs or [None] * len(spec["inputs"])
    state = state or [None] * len(spec["state"])
    body = {
        "output": callback_id,
        "outputs": outs if multi else outs[0],
        "inputs": [dict(d, value=v) for d, v in zip(spec["inputs"], inputs, strict=True)],
        "state": [dict(d, value=v) for d, v in zip(spec["state"], state, strict=True)],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in spec["inputs"]],
    }
    return _Readable(
        client.post(
            "/_dash-update-component", data=json.dumps(body), content_type="application/json"
        )
    )


class _Readable:
    """A test response whose ``text`` is the decoded JSON (non-ASCII kept as text).

    Dash serialises with orjson when it is installed (UTF-8 as is) and with the standard
    library otherwise (``\\uXXXX`` escapes); tests that look for a Chinese label in the
    response must not depend on which one the environment has.
    """

    def __init__(self, response: Any) -> None:
        self._response = response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)

    @property
    def text(self) -> str:
        if self._response.is_json:
            return json.dumps(self._response.get_json(), ensure_ascii=False)
        return self._response.get_data(as_text=True)


@pytest.fixture
def dash_call() -> Callable[..., Any]:
    """``dash_call(client, app, callback_id, inputs, state)``: see `call_callback`."""
    return call_callback


@pytest.fixture
def callback_id() -> Callable[..., str]:
    """``callback_id(app, output_id, prop="children")``: see `callback_id_of`."""
    return callback_id_of


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- signed client state (helpers in tokens.py) ---------------------------------------------
@pytest.fixture
def opened() -> Callable[..., Any]:
    """``opened(app, store_id, token, user="local")``: see `tokens.open_token`."""
    from tokens import open_token

    return open_token


@pytest.fixture
def sealed() -> Callable[..., Any]:
    """``sealed(app, store_id, value, user="local", scenario=None)``: see `tokens.seal_value`."""
    from tokens import seal_value

    return seal_value
