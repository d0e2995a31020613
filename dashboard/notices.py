"""User-facing notices (saved, refused, failed) shown under the top bar.

A notice is small JSON in the ``ids.NOTICE_STORE`` store: ``{"key": i18n key, "level":
"info" | "success" | "warning" | "error", "params": {...}, "at": timestamp}``. The shell
renders it in the current language (`render`). From inside any callback call `notify(...)`
(it uses ``dash.set_props``, so the callback needs no extra Output). The permission gate
in `dashboard.auth` sends the same payload for refused callbacks.
"""

from __future__ import annotations

import time
from typing import Any

from dash import html, set_props

from dashboard import ids
from dashboard.i18n import t

LEVELS = ("info", "success", "warning", "error")


def payload(key: str, level: str = "info", **params: Any) -> dict[str, Any]:
    """The store data for a notice (``params`` values starting with ``@`` are i18n keys)."""
    if level not in LEVELS:
        raise ValueError(f"notice level must be one of {LEVELS}, got {level!r}")
    return {"key": key, "level": level, "params": params, "at": time.time()}


def notify(key: str, level: str = "info", **params: Any) -> None:
    """Show a notice from inside a callback."""
    set_props(ids.NOTICE_STORE, {"data": payload(key, level, **params)})


def render(data: dict[str, Any] | None, lang: str | None) -> Any:
    """The notice component for the store data (empty when there is none)."""
    if not data or not data.get("key"):
        return None
    level = data.get("level", "info")
    params = {
        k: (v.get(lang) or v.get("en", "")) if isinstance(v, dict) else v
        for k, v in (data.get("params") or {}).items()
    }  # a parameter {"zh": ..., "en": ...} is a message in both languages
    text = t(data["key"], lang, **params)
    return html.Div(text, className=f"notice notice-{level}", role="alert")
