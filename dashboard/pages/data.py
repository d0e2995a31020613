"""Data page: upload holdings/company files, download reports.

Placeholder: the content lands in phase 2. Contract (see dashboard/pages/__init__.py):
``layout(ctx) -> component`` and ``register(app, env) -> None``.
"""

from __future__ import annotations

from typing import Any

from dashboard import ids
from dashboard.components import page_frame, placeholder
from dashboard.context import AppEnv, PageContext

KEY = "data"
PATH = "/data"


def layout(ctx: PageContext) -> Any:
    return page_frame(ctx, KEY, placeholder(ctx, ids.DATA_BODY))


def register(app: Any, env: AppEnv) -> None:
    """Register this page's callbacks on ``app`` (none yet)."""
