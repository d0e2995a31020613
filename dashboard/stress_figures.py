"""Plotly figures of the stress page, built from the core's result objects (pure: no Dash, no
request state).

* `ratio_bars(results, minimums, target, lang)`: ratios before and after each deterministic
  scenario (``analyzer.stress.StressResult``), with the legal minimum lines (100% / 50%) and
  the company's comprehensive target;
* `simulation_summary(result)`: the JSON-able summary of an ``analyzer.stress
  .SimulationResult`` kept in the page's store (its ``to_dict()`` plus a binned histogram of
  the simulated comprehensive ratios);
* `histogram(summary, lang)`: that distribution with the legal-minimum and watch lines (the
  regime's thresholds, 100% and 120% today) and the target line;
* `tail_bars(summary, unit, lang)`: the tail drivers' mean P&L in the worst 0.5%.

Ratios are plotted in percent (``100 x`` the core's fractions); money in the display unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dashboard import names
from dashboard.i18n import t
from dashboard.units import to_unit, unit_label

COLORS = {
    "comprehensive_before": "#9db7d9",
    "comprehensive_after": "#2f6db5",
    "core_before": "#f2c18d",
    "core_after": "#d9731f",
}
HIST_BINS = 80


def pct(value: float | None) -> float | None:
    """A ratio fraction as percent; None for missing or infinite ratios."""
    if value is None or not math.isfinite(float(value)):
        return None
    return 100.0 * float(value)


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        template="plotly_white",
        height=height,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def _line(fig: go.Figure, value: float, text: str, color: str, dash: str, vertical: bool) -> None:
    kwargs = {
        "line_color": color,
        "line_dash": dash,
        "line_width": 1.5,
        "annotation_text": text,
        "annotation_font_size": 11,
    }
    if vertical:
        fig.add_vline(x=value, annotation_position="top", **kwargs)
    else:
        fig.add_hline(y=value, annotation_position="top right", **kwargs)


# -- deterministic scenarios -----------------------------------------------------------------
def ratio_series(results: Sequence[Any]) -> dict[str, list[float | None]]:
    """Percent ratios per scenario: comprehensive / core, before / after."""
    return {
        "comprehensive_before": [pct(r.base.comprehensive_ratio) for r in results],
        "comprehensive_after": [pct(r.stressed.comprehensive_ratio) for r in results],
        "core_before": [pct(r.base.core_ratio) for r in results],
        "core_after": [pct(r.stressed.core_ratio) for r in results],
    }


def _thresholds(table: Any, *keys: str) -> tuple[float, ...]:
    """The named ratio thresholds (fractions) of a regime's ``capital.thresholds`` table.

    Raises
    ------
    ValueError
        When one is missing or not a finite number: a line drawn at a guessed level would
        look right and be wrong.
    """
    missing = [k for k in keys if not isinstance(table, Mapping) or k not in table]
    if missing:
        raise ValueError(
            f"the regime's ratio thresholds {', '.join(missing)} are missing; pass the "
            "thresholds of the regime in use (SolvencyResult.thresholds)"
        )
    values = tuple(float(table[k]) for k in keys)
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"the regime's ratio thresholds {', '.join(keys)} must be finite")
    return values


def ratio_bars(
    results: Sequence[Any],
    minimums: dict[str, float],
    target: float | None,
    lang: str = "zh",
    labels: Sequence[str] | None = None,
) -> go.Figure:
    """Grouped bars of the ratios before and after each scenario.

    ``minimums``: the regime's thresholds (the engine's ``SolvencyResult.thresholds``, with
    ``comprehensive_minimum`` and ``core_minimum`` as fractions; a missing one is an error,
    never a guessed 100% / 50%); ``target``: the company's comprehensive target (fraction).
    ``labels`` name the scenarios on the x axis (default: the scenario names).
    """
    comp_min, core_min = _thresholds(minimums, "comprehensive_minimum", "core_minimum")
    names = list(labels) if labels is not None else [r.name for r in results]
    series = ratio_series(results)
    fig = go.Figure(
        [
            go.Bar(
                name=t(f"stress_fig.{key}", lang),
                x=names,
                y=values,
                marker_color=COLORS[key],
                customdata=[r.name for r in results],
                hovertemplate="%{x}: %{y:.1f}%<extra>%{fullData.name}</extra>",
            )
            for key, values in series.items()
        ]
    )
    fig.update_layout(barmode="group", yaxis_title=t("stress_fig.ratio_axis", lang))
    _line(
        fig,
        100 * comp_min,
        t("stress_fig.comprehensive_minimum", lang, value=f"{100 * comp_min:.0f}%"),
        "#c0392b",
        "solid",
        False,
    )
    _line(
        fig,
        100 * core_min,
        t("stress_fig.core_minimum", lang, value=f"{100 * core_min:.0f}%"),
        "#e67e22",
        "solid",
        False,
    )
    if target:
        _line(
            fig,
            100 * float(target),
            t("stress_fig.target", lang, value=f"{100 * float(target):.0f}%"),
            "#27ae60",
            "dash",
            False,
        )
    return _layout(fig, t("stress_fig.ratios_title", lang), height=460)


# -- Monte Carlo -----------------------------------------------------------------------------
def simulation_summary(result: Any, bins: int = HIST_BINS, key: str = "") -> dict[str, Any]:
    """JSON-able summary of a ``SimulationResult``: ``to_dict()`` plus
    ``histogram = {"edges": [...], "counts": [...]}`` of the comprehensive ratios in percent
    (``numpy.histogram`` with ``bins`` equal bins over the finite values), ``thresholds`` (the
    regime's ratio thresholds the simulation used, fractions) and ``key`` (which portfolio it
    belongs to)."""
    out = result.to_dict()
    out["thresholds"] = {k: float(v) for k, v in result.thresholds.items()}
    comp = np.asarray(result.comprehensive, dtype=float) * 100.0
    finite = comp[np.isfinite(comp)]
    counts, edges = np.histogram(finite, bins=bins) if finite.size else (np.zeros(0), [0.0])
    out["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    out["key"] = key
    return out


def histogram(
    summary: dict[str, Any], lang: str = "zh", thresholds: dict[str, float] | None = None
) -> go.Figure:
    """The simulated comprehensive-ratio distribution (bars of the binned counts) with lines
    at the legal minimum (100%) and the watch level (120%) from ``thresholds`` (fractions; by
    default the ``thresholds`` of the summary, i.e. of the regime the simulation ran under; a
    summary without them and no ``thresholds`` is an error, never the default regime's), the
    company's comprehensive target, and today's ratio."""
    if thresholds is None:
        thresholds = summary.get("thresholds")
    comp_min, watch = (
        100 * v
        for v in _thresholds(thresholds or {}, "comprehensive_minimum", "comprehensive_watch")
    )
    edges = np.asarray(summary["histogram"]["edges"], dtype=float)
    counts = summary["histogram"]["counts"]
    centers = ((edges[:-1] + edges[1:]) / 2).tolist() if len(edges) > 1 else []
    widths = np.diff(edges).tolist() if len(edges) > 1 else []
    fig = go.Figure(
        go.Bar(
            x=centers,
            y=counts,
            width=widths,
            marker_color="#2f6db5",
            marker_line_width=0,
            hovertemplate="%{x:.1f}%: %{y}<extra></extra>",
            name=t("stress_fig.hist_y", lang),
        )
    )
    target = summary.get("targets", {}).get("comprehensive")
    _line(
        fig,
        comp_min,
        t("stress_fig.comprehensive_minimum", lang, value=f"{comp_min:.0f}%"),
        "#c0392b",
        "solid",
        True,
    )
    _line(fig, watch, t("stress_fig.line_120", lang, value=f"{watch:.0f}%"), "#e67e22", "dot", True)
    if target:
        _line(
            fig,
            100 * float(target),
            t("stress_fig.target", lang, value=f"{100 * float(target):.0f}%"),
            "#27ae60",
            "dash",
            True,
        )
    base = pct(summary.get("base", {}).get("comprehensive"))
    if base is not None:
        fig.add_vline(x=base, line_color="#555", line_width=1, line_dash="longdash")
    fig.update_layout(
        xaxis_title=t("stress_fig.hist_x", lang),
        yaxis_title=t("stress_fig.hist_y", lang),
        bargap=0,
        showlegend=False,
    )
    title = t("stress_fig.hist_title", lang, n=f"{int(summary['n_scenarios']):,}")
    return _layout(fig, title, height=420)


def tail_bars(
    summary: dict[str, Any], unit: str = "yi", lang: str = "zh", top: int = 10
) -> go.Figure:
    """The ``top`` tail drivers (largest share of the tail loss first): mean P&L per class."""
    drivers = list(summary.get("tail_drivers", []))[:top]
    drivers.reverse()  # largest at the top of a horizontal bar chart
    fig = go.Figure(
        go.Bar(
            x=[to_unit(d["mean_pnl"], unit) for d in drivers],
            y=[names.asset_class(d["asset_class"], lang) for d in drivers],
            orientation="h",
            marker_color="#c0392b",
            customdata=[100 * d["share_of_loss"] for d in drivers],
            hovertemplate="%{y}: %{x:,.2f} (%{customdata:.1f}%)<extra></extra>",
        )
    )
    return _layout(fig, t("stress_fig.tail_title", lang, unit=unit_label(unit, lang)), height=380)
