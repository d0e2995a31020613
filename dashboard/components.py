"""Small layout builders shared by the pages (no callbacks here)."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.context import PageContext
from dashboard.i18n import t


def page_frame(ctx: PageContext, key: str, *children: Any) -> html.Div:
    """A page: its title (``ids.PAGE_TITLE``), audience line, then ``children``."""
    return html.Div(
        [
            html.H1(t(f"page.{key}.title", ctx.lang), id=ids.PAGE_TITLE, className="page-title"),
            html.P(t(f"page.{key}.audience", ctx.lang), className="page-audience"),
            *children,
        ],
        className=f"page page-{key}",
        **{"data-page": key},
    )


def placeholder(ctx: PageContext, body_id: str) -> html.Div:
    """Stand-in body until the page's content lands."""
    return html.Div(t("shell.placeholder", ctx.lang), id=body_id, className="placeholder")


def not_found(ctx: PageContext) -> html.Div:
    return html.Div(
        [
            html.H1(t("shell.not_found", ctx.lang, path=ctx.path), id=ids.PAGE_TITLE),
            html.A(t("shell.back_home", ctx.lang), href="/"),
        ],
        className="page page-not-found",
    )
