"""The dashboard's pages, in navigation order.

Each page is a module here with::

    KEY = "lab"                      # i18n keys nav.<KEY>, page.<KEY>.title/.audience
    PATH = "/lab"
    def layout(ctx: PageContext) -> Component: ...   # called on every visit / language switch
    def register(app: Dash, env: AppEnv) -> None: ... # called once per app by create_app

``layout`` builds static labels in ``ctx.lang``; callbacks that show money take
``Input(ids.UNIT, "value")`` (and ``Input(ids.LANG, "value")`` for their own texts) so a
unit switch updates numbers without rebuilding the page. Callbacks are registered with
``app.callback(...)(fn)`` or, for anything beyond viewing,
``dashboard.auth.protected_callback(app, permission, ...)(fn)`` -- never ``@dash.callback``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from dashboard.context import AppEnv, PageContext
from dashboard.pages import data, lab, overview, plan, solvency, stress


@dataclass(frozen=True)
class Page:
    key: str
    path: str
    layout: Callable[[PageContext], Any]
    register: Callable[[Any, AppEnv], None]

    @property
    def nav_key(self) -> str:
        return f"nav.{self.key}"

    @property
    def title_key(self) -> str:
        return f"page.{self.key}.title"


def _page(module: ModuleType) -> Page:
    return Page(module.KEY, module.PATH, module.layout, module.register)


PAGES: tuple[Page, ...] = tuple(_page(m) for m in (overview, plan, lab, solvency, stress, data))
BY_PATH: dict[str, Page] = {p.path: p for p in PAGES}


def find(pathname: str | None) -> Page | None:
    """The page for a URL path (trailing slashes ignored), or None."""
    path = (pathname or "/").rstrip("/") or "/"
    return BY_PATH.get(path)
