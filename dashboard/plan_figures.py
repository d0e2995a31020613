"""Plotly figures of the plan page, built from the plan service's page data
(`analyzer.api.plan_page.run`: plain JSON, ratios and shares as fractions, money in CNY; pure:
no Dash, no request state).

* `ratio_lines(summary, lang)`: core and comprehensive ratios per date, base (lines) and after
  the Annex 4 macro scenario at year-ends (markers), with the regime's minimum (100%) and
  early-warning (120%) lines, the company's comprehensive target and the plan's floors;
* `glide_area(summary, lang)`: the allocation glide path, class weights per date stacked;
* `programme_bars(summary, unit, lang)`: the VC programme's calls and distributions per year
  (bars) and its NAV at each year-end (line);
* `sci_tech_line(summary, lang)`: the sci-tech share per date against its target.

Ratios and weights are plotted in percent (``100 x`` the fractions), money in the display unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from dashboard import names
from dashboard.i18n import t
from dashboard.stress_figures import _layout, _line, _thresholds, pct
from dashboard.units import to_unit, unit_label

COLORS = {
    "comprehensive": "#2f6db5",
    "core": "#d9731f",
    "comprehensive_stressed": "#9db7d9",
    "core_stressed": "#f2c18d",
    "minimum": "#c0392b",
    "watch": "#e67e22",
    "target": "#27ae60",
    "floor": "#7f8c8d",
    "calls": "#c0392b",
    "distributions": "#27ae60",
    "nav": "#2f6db5",
}
#: classes shown one by one in the glide path (the largest); the rest are summed as "other"
GLIDE_TOP = 10


def dates(summary: Mapping[str, Any]) -> list[str]:
    """Today's date (the valuation date) then each projected date."""
    return [summary["valuation_date"], *(p["date"] for p in summary["periods"])]


def ratio_series(summary: Mapping[str, Any]) -> dict[str, list[float | None]]:
    """Percent ratios per date (today first): base comprehensive / core, and stressed ones
    (None except at year-ends)."""
    today = summary["today"]
    periods = summary["periods"]
    out: dict[str, list[float | None]] = {
        "comprehensive": [pct(today["comprehensive_ratio"])]
        + [pct(p["comprehensive_ratio"]) for p in periods],
        "core": [pct(today["core_ratio"])] + [pct(p["core_ratio"]) for p in periods],
    }
    for k in ("comprehensive", "core"):
        out[f"{k}_stressed"] = [None] + [
            pct(p["stressed"][f"{k}_ratio"]) if p.get("stressed") else None for p in periods
        ]
    return out


def _lines_of(summary: Mapping[str, Any]) -> list[tuple[float, str, str, str]]:
    """(percent, label key, colour, dash) of the horizontal lines of the ratio chart: the
    regime's comprehensive minimum and early-warning level (a missing one is an error), the
    company's comprehensive target, and each plan floor not already drawn."""
    comp_min, watch = _thresholds(
        summary.get("thresholds") or {}, "comprehensive_minimum", "comprehensive_watch"
    )
    out = [
        (100 * comp_min, "plan_fig.minimum", COLORS["minimum"], "solid"),
        (100 * watch, "plan_fig.watch", COLORS["watch"], "dot"),
    ]
    target = (summary.get("targets") or {}).get("comprehensive")
    if target:
        out.append((100 * float(target), "plan_fig.target", COLORS["target"], "dash"))
    drawn = {round(v, 6) for v, *_ in out}
    for floor in (summary.get("edits", {}).get("floors") or {}).values():
        value = 100 * float(floor)
        if round(value, 6) not in drawn:
            drawn.add(round(value, 6))
            out.append((value, "plan_fig.floor", COLORS["floor"], "longdash"))
    return out


def ratio_lines(summary: Mapping[str, Any], lang: str = "zh") -> go.Figure:
    """Core and comprehensive ratios per date, base and stressed, with the threshold lines."""
    x = dates(summary)
    series = ratio_series(summary)
    fig = go.Figure()
    for key, values in series.items():
        stressed = key.endswith("_stressed")
        fig.add_trace(
            go.Scatter(
                name=t(f"plan_fig.{key}", lang),
                x=x,
                y=values,
                mode="markers" if stressed else "lines+markers",
                marker={"color": COLORS[key], "size": 11 if stressed else 6},
                line={"color": COLORS[key]},
                hovertemplate="%{x}: %{y:.1f}%<extra>%{fullData.name}</extra>",
            )
        )
    for value, key, color, dash in _lines_of(summary):
        _line(fig, value, t(key, lang, value=f"{value:.0f}%"), color, dash, False)
    fig.update_layout(yaxis_title=t("plan_fig.ratio_axis", lang))
    return _layout(fig, t("plan_fig.ratio_title", lang), height=460)


def glide_weights(
    summary: Mapping[str, Any], top: int = GLIDE_TOP
) -> tuple[list[str], dict[str, list[float]]]:
    """(dates, {class: percent weights per date}) of the ``top`` classes with the largest
    weight at any date, largest first, then ``""`` for the sum of the others."""
    periods = summary["periods"]
    classes: dict[str, float] = {}
    for p in periods:
        for c, w in p["weights"].items():
            classes[c] = max(classes.get(c, 0.0), float(w))
    order = sorted(classes, key=lambda c: (-classes[c], c))
    shown, rest = order[:top], order[top:]
    out = {c: [100 * float(p["weights"].get(c, 0.0)) for p in periods] for c in shown}
    if rest:
        out[""] = [100 * sum(float(p["weights"].get(c, 0.0)) for c in rest) for p in periods]
    return [p["date"] for p in periods], out


def glide_area(summary: Mapping[str, Any], lang: str = "zh", top: int = GLIDE_TOP) -> go.Figure:
    """The allocation glide path: class weights (percent of the rebalanceable book) per date,
    stacked."""
    x, series = glide_weights(summary, top)
    fig = go.Figure(
        [
            go.Scatter(
                name=names.asset_class(c, lang) if c else t("plan_fig.other", lang),
                x=x,
                y=values,
                mode="lines",
                stackgroup="weights",
                hovertemplate="%{x}: %{y:.2f}%<extra>%{fullData.name}</extra>",
            )
            for c, values in series.items()
        ]
    )
    fig.update_layout(yaxis_title=t("plan_fig.weight_axis", lang), yaxis_range=[0, 100])
    return _layout(fig, t("plan_fig.glide_title", lang), height=460)


def programme_bars(summary: Mapping[str, Any], unit: str = "yi", lang: str = "zh") -> go.Figure:
    """The VC programme per projection year: calls and distributions (bars, the display unit)
    and the NAV at the year-end (line)."""
    rows = summary.get("programme") or []
    x = [t("plan_fig.year", lang, n=r["year"]) for r in rows]
    fig = go.Figure()
    for key in ("calls", "distributions"):
        fig.add_trace(
            go.Bar(
                name=t(f"plan_fig.{key}", lang),
                x=x,
                y=[to_unit(r[key], unit) for r in rows],
                marker_color=COLORS[key],
                hovertemplate="%{x}: %{y:,.2f}<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            name=t("plan_fig.nav", lang),
            x=x,
            y=[to_unit(r["nav"], unit) for r in rows],
            mode="lines+markers",
            line={"color": COLORS["nav"]},
            hovertemplate="%{x}: %{y:,.2f}<extra>%{fullData.name}</extra>",
        )
    )
    fig.update_layout(barmode="group", yaxis_title=unit_label(unit, lang))
    title = t("plan_fig.programme_title", lang, unit=unit_label(unit, lang))
    return _layout(fig, title, height=380)


def sci_tech_line(summary: Mapping[str, Any], lang: str = "zh") -> go.Figure:
    """The sci-tech share per date (percent of the book) with the plan's target line."""
    periods = summary["periods"]
    fig = go.Figure(
        go.Scatter(
            name=t("plan_fig.sci_share", lang),
            x=[p["date"] for p in periods],
            y=[100 * float(p["sci_tech_share"]) for p in periods],
            mode="lines+markers",
            line={"color": COLORS["comprehensive"]},
            hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
        )
    )
    target = summary.get("edits", {}).get("target_sci_tech_share")
    if target is not None and math.isfinite(float(target)) and float(target) > 0:
        value = 100 * float(target)
        _line(
            fig,
            value,
            t("plan_fig.target", lang, value=f"{value:.1f}%"),
            COLORS["target"],
            "dash",
            False,
        )
    fig.update_layout(yaxis_title=t("plan_fig.share_axis", lang), showlegend=False)
    return _layout(fig, t("plan_fig.sci_title", lang), height=360)
