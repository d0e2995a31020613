"""Money and ratio formatting for display.

The core works in CNY (yuan) and fractions; the dashboard shows money in 亿元 (10^8 CNY) by
default, switchable to CNY, and ratios in percent. Missing values (None, NaN) show as "—".
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real

from dashboard.i18n import t

MONEY_UNITS = ("yi", "cny")
DEFAULT_UNIT = "yi"
#: CNY per display unit
SCALE = {"yi": 1e8, "cny": 1.0}
#: default decimals per unit
DECIMALS = {"yi": 2, "cny": 0}
MISSING = "—"
#: Beijing time (China Standard Time, UTC+8, no daylight saving): the times the dashboard shows
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def normalize_unit(unit: str | None) -> str:
    return unit if unit in MONEY_UNITS else DEFAULT_UNIT


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, Real):
        return not math.isfinite(float(value))
    return False


def to_unit(value_cny: float, unit: str | None = DEFAULT_UNIT) -> float:
    """CNY -> display unit (``to_unit(1.5e8, "yi") == 1.5``)."""
    return float(value_cny) / SCALE[normalize_unit(unit)]


def from_unit(value: float, unit: str | None = DEFAULT_UNIT) -> float:
    """Display unit -> CNY (inputs typed by the user)."""
    return float(value) * SCALE[normalize_unit(unit)]


def unit_label(unit: str | None = DEFAULT_UNIT, lang: str | None = "zh") -> str:
    """``亿元`` / ``元`` in Chinese, ``CNY 100m`` / ``CNY`` in English."""
    return t(f"unit.{normalize_unit(unit)}", lang)


def fmt_money(
    value_cny: float | None,
    unit: str | None = DEFAULT_UNIT,
    lang: str | None = "zh",
    *,
    decimals: int | None = None,
    with_unit: bool = True,
) -> str:
    """Money for display: ``fmt_money(1.234e9) == "12.34 亿元"``.

    ``unit="cny"`` gives ``"1,234,000,000 元"`` (``"1,234,000,000 CNY"`` in English).
    ``with_unit=False`` for table cells whose header carries the unit.
    """
    if _missing(value_cny):
        return MISSING
    unit = normalize_unit(unit)
    digits = DECIMALS[unit] if decimals is None else decimals
    number = f"{to_unit(value_cny, unit):,.{digits}f}"  # type: ignore[arg-type]
    if number.startswith("-") and float(number.replace(",", "")) == 0:
        number = number[1:]  # no "-0.00"
    return f"{number} {unit_label(unit, lang)}" if with_unit else number


def fmt_pct(ratio: float | None, decimals: int = 1) -> str:
    """A fraction as percent: ``fmt_pct(1.5) == "150.0%"``; ``fmt_pct(0.0234, 2) == "2.34%"``."""
    if _missing(ratio):
        return MISSING
    number = f"{float(ratio) * 100:,.{decimals}f}"  # type: ignore[arg-type]
    if number.startswith("-") and float(number.replace(",", "")) == 0:
        number = number[1:]
    return f"{number}%"


def fmt_number(value: float | None, decimals: int = 2) -> str:
    """A plain number with thousands separators (durations, counts)."""
    if _missing(value):
        return MISSING
    return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]


def fmt_time(when: dt.datetime | None, lang: str | None = "zh") -> str:
    """A stored time (timezone-aware, UTC) in Beijing time, to the minute, its zone named."""
    if when is None:
        return MISSING
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return f"{when.astimezone(BEIJING):%Y-%m-%d %H:%M} {t('time.beijing', lang)}"
