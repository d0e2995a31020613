"""Plotly figures of the allocation lab: the two efficient frontiers.

Every plotted point carries ``customdata`` = its index in the optimiser's point list, so a
click (``clickData["points"][0]["customdata"]``) names the allocation to load
(`analyzer.services.lab.frontier_weights`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from dashboard.i18n import t

X_KEY = {"volatility": "volatility", "solvency": "comprehensive_ratio"}


def empty_figure(lang: str, axis: str) -> go.Figure:
    fig = go.Figure()
    _style(fig, lang, axis)
    fig.add_annotation(
        text=t("lab.fig.empty", lang), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    return fig


def _style(fig: go.Figure, lang: str, axis: str) -> None:
    fig.update_layout(
        title=t(f"lab.fig.frontier_{axis}", lang),
        xaxis={
            "title": t(f"lab.fig.{axis}", lang),
            "tickformat": ".1%" if axis == "volatility" else ".0%",
        },
        yaxis={"title": t("lab.fig.return", lang), "tickformat": ".2%"},
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        height=340,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.25},
        clickmode="event",
    )


def frontier_figure(
    points: Sequence[Mapping[str, Any]] | None,
    axis: str,
    lang: str,
    markers: Mapping[str, tuple[float, float] | None] | None = None,
) -> go.Figure:
    """The frontier of ``axis`` (``volatility`` or ``solvency``) with optional markers
    ``{"current" | "proposed" | "optimum": (x, expected_return)}``."""
    if not points:
        return empty_figure(lang, axis)
    key = X_KEY[axis]
    xs, ys, idx = [], [], []
    for i, p in enumerate(points):
        if p.get("status") == "optimal" and p.get(key) is not None:
            xs.append(p[key])
            ys.append(p["expected_return"])
            idx.append(i)
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            customdata=idx,
            mode="lines+markers",
            name=t("lab.fig.frontier", lang),
            marker={"size": 9, "color": "#1f4e79"},
            line={"color": "#1f4e79"},
            hovertemplate="%{x:.2%}, %{y:.2%}<extra></extra>"
            if axis == "volatility"
            else "%{x:.0%}, %{y:.2%}<extra></extra>",
        )
    )
    symbols = {
        "current": ("circle-open", "#888"),
        "proposed": ("diamond", "#c0504d"),
        "optimum": ("star", "#e3a21a"),
    }
    for name, xy in (markers or {}).items():
        if xy is None or xy[0] is None or xy[1] is None:
            continue
        symbol, color = symbols.get(name, ("x", "#333"))
        fig.add_trace(
            go.Scatter(
                x=[xy[0]],
                y=[xy[1]],
                mode="markers",
                name=t(f"lab.fig.{name}", lang),
                marker={"size": 13, "symbol": symbol, "color": color},
                hoverinfo="skip",
            )
        )
    _style(fig, lang, axis)
    return fig
