"""Money and ratio formatting for reports: 亿元 by default, as the users' own reports."""

from __future__ import annotations

UNITS = {"yi": (1e8, "亿元"), "wan": (1e4, "万元"), "cny": (1.0, "CNY")}


def money(value: float, unit: str = "yi") -> str:
    """Format CNY in the unit (``yi`` = 亿元, ``wan`` = 万元, ``cny``)."""
    scale, _ = UNITS[unit]
    v = value / scale
    return f"{v:,.2f}" if unit != "cny" else f"{v:,.0f}"


def unit_label(unit: str) -> str:
    """The unit's label, e.g. 亿元."""
    return UNITS[unit][1]


def pct(value: float, digits: int = 1) -> str:
    """A fraction as a percentage."""
    if value != value or value in (float("inf"), float("-inf")):
        return "n/a"
    return f"{value * 100:,.{digits}f}%"
