"""What callbacks and page layouts get: the per-app environment and the per-render context.

`AppEnv` is built once by `create_app` and handed to every page's ``register(app, env)``,
which closes its callbacks over it (`with_env`); it is also reachable from a request as
``app_env()``. It holds no user data: per-user state
lives in the browser (``dcc.Store``) or in the scenario database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import flask

from dashboard.auth import User
from dashboard.settings import REPO_DATA_DIR, Settings
from dashboard.store import ScenarioStore

EXTENSION = "analyzer_env"

R = TypeVar("R")


@dataclass(frozen=True)
class AppEnv:
    """Per-app services: settings, scenario store and the start-up data files."""

    settings: Settings
    store: ScenarioStore
    holdings_path: Path
    company_path: Path

    def missing_data(self) -> list[Path]:
        """The start-up data files that do not exist (empty when both do)."""
        return [p for p in (self.holdings_path, self.company_path) if not p.is_file()]

    @staticmethod
    def display_path(path: Path) -> str:
        """``data/life/holdings.csv`` for bundled files, the full path otherwise."""
        try:
            return str(Path("data") / path.resolve().relative_to(REPO_DATA_DIR))
        except ValueError:
            return str(path)


@dataclass(frozen=True)
class PageContext:
    """Given to a page's ``layout(ctx)`` on every render of the page."""

    lang: str  # "zh" | "en"
    unit: str  # "yi" | "cny"
    user: User
    env: AppEnv
    path: str = "/"
    query: dict[str, Any] | None = None  # URL query parameters (?scenario=3 -> {"scenario": "3"})


def app_env(app_or_server: Any = None) -> AppEnv:
    """The `AppEnv` of the given app/server, or of the current Flask app."""
    if app_or_server is None:
        server = flask.current_app
    else:
        server = getattr(app_or_server, "server", app_or_server)
    return server.extensions[EXTENSION]  # type: ignore[no-any-return]


def with_env(body: Callable[..., R], env: AppEnv) -> Callable[..., R]:
    """The callback ``body(*args, env=env)``: a page's callback closed over the `AppEnv` its
    ``register(app, env)`` was given (so a second app in the same process keeps its own)."""

    def callback(*args: Any) -> R:
        return body(*args, env=env)

    callback.__name__ = body.__name__
    callback.__qualname__ = body.__qualname__
    callback.__doc__ = body.__doc__
    return callback
