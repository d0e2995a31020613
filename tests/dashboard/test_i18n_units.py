from __future__ import annotations

import importlib
import math
import pkgutil

import pytest

import analyzer
from dashboard import i18n
from dashboard.auth import PERMISSIONS, ROLES
from dashboard.i18n import t
from dashboard.pages import PAGES
from dashboard.units import fmt_money, fmt_number, fmt_pct, from_unit, to_unit, unit_label


def _every_key() -> list[str]:
    """Every key of the one catalogue: the dashboard's texts and the messages the core's
    modules register when imported (all of them are imported here)."""
    for info in pkgutil.walk_packages(analyzer.__path__, "analyzer."):
        importlib.import_module(info.name)
    return i18n.keys()


@pytest.mark.parametrize("key", _every_key())
def test_every_label_has_both_languages_and_same_placeholders(key: str) -> None:
    zh, en = t(key, "zh"), t(key, "en")
    assert zh and en
    assert i18n.placeholders(key, "zh") == i18n.placeholders(key, "en")


def test_the_catalogue_holds_the_dashboard_and_the_core() -> None:
    keys = set(_every_key())
    assert {"nav.lab", "lab.grid.help", "stress.portfolio", "name.asset_class.cash"} <= keys
    assert {"value.not_number", "report.solvency.ratios.title"} <= keys


def test_labels_needed_by_the_shell_exist() -> None:
    needed = [p.nav_key for p in PAGES] + [p.title_key for p in PAGES]
    needed += [f"page.{p.key}.audience" for p in PAGES]
    needed += [f"role.{r}" for r in ROLES] + [f"perm.{p}" for p in PERMISSIONS]
    missing = [k for k in needed if not i18n.has(k)]
    assert missing == []


def test_translation_and_parameters() -> None:
    assert t("nav.lab", "zh") == "配置实验室"
    assert t("nav.lab", "en") == "Allocation lab"
    assert t("nav.lab", "en-GB") == "Allocation lab"
    assert t("nav.lab", None) == "配置实验室"  # default Chinese
    assert t("no.such.key", "en") == "no.such.key"
    text = t("notice.denied", "en", role="@role.executive", permission="@perm.save")
    assert text == "Not allowed: the Executive role may not save scenarios."
    assert t("notice.denied", "zh", role="@role.executive", permission="@perm.save") == (
        "无权操作：管理层角色不能保存情景。"
    )


def test_register_adds_and_refuses_conflicts() -> None:
    i18n.register({"test.only.label": ("测试", "Test")})
    assert t("test.only.label", "en") == "Test"
    i18n.register({"test.only.label": ("测试", "Test")})  # same pair: fine
    with pytest.raises(ValueError):
        i18n.register({"test.only.label": ("测试", "Other")})
    with pytest.raises(ValueError):
        i18n.register({"test.only.empty": ("", "x")})


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (1.234e9, "yi", "zh", "12.34 亿元"),
        (1.234e9, "yi", "en", "12.34 CNY 100m"),
        (1.234e9, "cny", "zh", "1,234,000,000 元"),
        (1.234e9, "cny", "en", "1,234,000,000 CNY"),
        (-5.5e7, "yi", "zh", "-0.55 亿元"),
        (1.2345e12, "yi", "zh", "12,345.00 亿元"),
        (-1e3, "yi", "zh", "0.00 亿元"),  # no "-0.00"
        (None, "yi", "zh", "—"),
        (math.nan, "yi", "zh", "—"),
        (1e8, "bogus", "zh", "1.00 亿元"),  # unknown unit -> default
    ],
)
def test_fmt_money(value: float | None, unit: str, lang: str, expected: str) -> None:
    assert fmt_money(value, unit, lang) == expected


def test_money_options_and_conversions() -> None:
    assert fmt_money(1.5e8) == "1.50 亿元"  # default unit and language
    assert fmt_money(1.5e8, decimals=1, with_unit=False) == "1.5"
    assert to_unit(2.5e8, "yi") == pytest.approx(2.5)
    assert from_unit(2.5, "yi") == pytest.approx(2.5e8)
    assert to_unit(123.0, "cny") == 123.0
    assert unit_label("yi", "zh") == "亿元" and unit_label("cny", "en") == "CNY"


@pytest.mark.parametrize(
    ("ratio", "decimals", "expected"),
    [
        (1.5, 1, "150.0%"),
        (0.0234, 2, "2.34%"),
        (2.0, 0, "200%"),
        (-0.0001, 1, "0.0%"),
        (None, 1, "—"),
        (math.inf, 1, "—"),
        (12.3456, 1, "1,234.6%"),
    ],
)
def test_fmt_pct(ratio: float | None, decimals: int, expected: str) -> None:
    assert fmt_pct(ratio, decimals) == expected


def test_fmt_number() -> None:
    assert fmt_number(12345.678) == "12,345.68"
    assert fmt_number(None) == "—"


def test_times_show_in_beijing_time() -> None:
    import datetime as dt

    from dashboard.units import fmt_time

    stored = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)  # 01:30 the next day in Beijing
    assert fmt_time(stored, "zh") == "2027-01-01 01:30 北京时间"
    assert fmt_time(stored, "en") == "2027-01-01 01:30 Beijing time"
    assert fmt_time(None, "en") == "—"
