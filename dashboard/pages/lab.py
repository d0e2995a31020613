"""Allocation lab (asset managers): edit weights, optimise, save scenarios.

Placeholder: the content lands in phase 2. Contract (see dashboard/pages/__init__.py):
``layout(ctx) -> component`` and ``register(app, env) -> None``.
"""

from __future__ import annotations

from typing import Any

from dashboard import ids
from dashboard.components import page_frame, placeholder
from dashboard.context import AppEnv, PageContext

KEY = "lab"
PATH = "/lab"


def layout(ctx: PageContext) -> Any:
    return page_frame(ctx, KEY, placeholder(ctx, ids.LAB_BODY))


def register(app: Any, env: AppEnv) -> None:
    """Register this page's callbacks on ``app`` (none yet)."""
