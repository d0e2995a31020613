"""Plotly figures built from result objects (pure: no Dash, no request state).

Money arrives in CNY and is shown in the display unit (``units.to_unit``); each builder
also exposes the raw steps (``waterfall_steps``, ...) so tests compare them with the result.
"""

from __future__ import annotations

import plotly.graph_objects as go

from analyzer.api import SolvencyResult
from analyzer.api import overview as overview_service
from dashboard import i18n, names
from dashboard.i18n import t
from dashboard.units import to_unit, unit_label


def waterfall_steps(result: SolvencyResult) -> list[tuple[str, float]]:
    """(step, CNY) from the undiversified charges to the minimum capital.

    The steps sum to ``result.minimum_capital``: MC* = sum - diversification;
    quantifiable = (MC* - loss absorption) x (1 + k); minimum = quantifiable + control +
    additional.
    """
    life = float(result.insurance.get("life", 0.0))
    nonlife = float(result.insurance.get("nonlife", 0.0))
    market = float(result.market["total"])
    credit = float(result.credit["total"])
    diversified = life + nonlife + market + credit - float(result.diversification)
    before_size = diversified - float(result.loss_absorption)
    size = before_size * float(result.size_coefficient)
    return [
        ("life", life),
        ("nonlife", nonlife),
        ("market", market),
        ("credit", credit),
        ("diversification", -float(result.diversification)),
        ("loss_absorption", -float(result.loss_absorption)),
        ("size", size),
        ("control", float(result.control)),
        ("additional", float(result.additional)),
    ]


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        margin={"l": 40, "r": 20, "t": 50, "b": 40},
        template="plotly_white",
        height=380,
    )
    return fig


def waterfall(result: SolvencyResult, unit: str = "yi", lang: str = "zh") -> go.Figure:
    """Minimum capital as a plotly Waterfall: module charges, effects, total."""
    steps = [(k, v) for k, v in waterfall_steps(result) if k not in ("nonlife", "life") or v]
    names = [t(f"fig.{k}", lang) for k, _ in steps] + [t("fig.minimum", lang)]
    values = [to_unit(v, unit) for _, v in steps] + [to_unit(result.minimum_capital, unit)]
    fig = go.Figure(
        go.Waterfall(
            x=names,
            y=values,
            measure=["relative"] * len(steps) + ["total"],
            texttemplate="%{y:,.2f}" if unit == "yi" else "%{y:,.0f}",
            textposition="outside",
            connector={"line": {"color": "#999"}},
        )
    )
    return _layout(fig, t("fig.waterfall_title", lang, unit=unit_label(unit, lang)))


def module_items(result: SolvencyResult) -> list[tuple[str, float]]:
    """(sub-module, CNY) stand-alone capital per module (``result.submodules``)."""
    return [(k, float(v)) for k, v in result.submodules.items()]


def modules_bar(result: SolvencyResult, unit: str = "yi", lang: str = "zh") -> go.Figure:
    """Capital by sub-module (bar); ``customdata`` holds the module key for drill-down."""
    items = module_items(result)
    fig = go.Figure(
        go.Bar(
            x=[
                t(f"submodule.{k}", lang) if i18n.has(f"submodule.{k}") else names.module(k, lang)
                for k, _ in items
            ],
            y=[to_unit(v, unit) for _, v in items],
            customdata=[k for k, _ in items],
            marker_color="#2f6db5",
        )
    )
    return _layout(fig, t("fig.modules_title", lang, unit=unit_label(unit, lang)))


def treemap(result: SolvencyResult, unit: str = "yi", lang: str = "zh") -> go.Figure:
    """Allocation treemap: asset_class -> asset_type (sizes in the display unit)."""
    frame = overview_service.allocation_frame(result)
    by_type = frame.groupby(["asset_class", "asset_type"], sort=True)["exposure"].sum()
    by_class = by_type.groupby(level=0).sum()
    root = t("fig.total", lang)
    ids_ = [root] + [str(c) for c in by_class.index] + [f"{c}/{a}" for c, a in by_type.index]
    labels = (
        [root]
        + [names.asset_class(c, lang) for c in by_class.index]
        + [names.asset_type(a, lang) for _, a in by_type.index]
    )
    parents = [""] + [root] * len(by_class) + [str(c) for c, _ in by_type.index]
    values = (
        [to_unit(float(by_class.sum()), unit)]
        + [to_unit(float(v), unit) for v in by_class]
        + [to_unit(float(v), unit) for v in by_type]
    )
    fig = go.Figure(
        go.Treemap(
            ids=ids_,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            textinfo="label+percent root",
        )
    )
    return _layout(fig, t("fig.allocation_title", lang, unit=unit_label(unit, lang)))


def compare_bars(
    current: SolvencyResult, proposed: SolvencyResult, unit: str = "yi", lang: str = "zh"
) -> go.Figure:
    """Current against proposed: minimum capital and module totals side by side."""
    keys = ["market", "credit", "minimum"]

    def vals(r: SolvencyResult) -> list[float]:
        return [
            to_unit(r.market["total"], unit),
            to_unit(r.credit["total"], unit),
            to_unit(r.minimum_capital, unit),
        ]

    names = [t(f"fig.{k}", lang) for k in keys]
    fig = go.Figure(
        [
            go.Bar(name=t("fig.current", lang), x=names, y=vals(current)),
            go.Bar(name=t("fig.proposed", lang), x=names, y=vals(proposed)),
        ]
    )
    fig.update_layout(barmode="group")
    return _layout(fig, t("fig.modules_title", lang, unit=unit_label(unit, lang)))
