"""The liquidity coverage ratios in the solvency report (text tables and the workbook sheet).

Rule 13 Annex 2 一: LCR1, LCR2, LCR3 for the next 3 and 12 months (附表2-1) and the realisable
liquid-asset reserve by row of its table (附表2-2). Without a ``[liquidity]`` section in the
company file the report says so and prints no ratio.
"""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from analyzer.messages import language, register
from analyzer.report.units import money, pct, unit_label
from analyzer.solvency.messages import compose
from analyzer.solvency.result import SolvencyResult

LABELS: dict[str, tuple[str, str]] = {
    "title": (
        "Liquidity coverage ratios (Rule 13 Annex 2), money in {unit}",
        "流动性覆盖率（规则第13号附件2），金额单位 {unit}",
    ),
    "not_computed": (
        "Liquidity coverage ratios: not computed: company file lacks [liquidity]",
        "流动性覆盖率：未计算：公司文件缺少 [liquidity]",
    ),
    "col.item": ("item", "项目"),
    "col.3m": ("next 3 months", "未来3个月"),
    "col.12m": ("next 12 months", "未来12个月"),
    "col.minimum": ("minimum", "达标要求"),
    "base_inflow": ("base cash inflows", "基本情景现金流入"),
    "base_outflow": ("base cash outflows", "基本情景现金流出"),
    "stress_inflow": ("stressed cash inflows", "压力情景现金流入"),
    "stress_outflow": ("stressed cash outflows", "压力情景现金流出"),
    "cash": ("cash and cash equivalents", "现金及现金等价物"),
    "reserve": ("realisable liquid-asset reserve", "流动性资产储备变现金额"),
    "lcr1": ("LCR1 (base)", "LCR1（基本情景）"),
    "lcr2": ("LCR2 (stressed, with asset realisation)", "LCR2（压力情景）"),
    "lcr3": ("LCR3 (stressed, without asset realisation)", "LCR3（压力情景，不考虑资产变现）"),
    "below": ("BELOW MINIMUM", "未达标"),
    "reserve_title": (
        "Liquid-asset reserve by row of its table (Rule 13 Annex 2 一(二)4(3)), {unit}",
        "流动性资产储备明细（规则第13号附件2 一(二)4(3)），{unit}",
    ),
    "col.row": ("row", "序号"),
    "col.category": ("category", "资产类别"),
    "col.book": ("book value", "账面价值"),
    "col.factor": ("factor", "折算系数"),
    "col.realisable_3m": ("realisable, 3 months", "变现金额（3个月）"),
    "col.realisable_12m": ("realisable, 12 months", "变现金额（12个月）"),
    "excluded": (
        "left out of the reserve ({months} months): {reason}",
        "未计入储备（{months}个月）：{reason}",
    ),
}
register({f"report.liquidity.{k}": v for k, v in LABELS.items()})


def label(key: str, lang: str | None = None, **fields: object) -> str:
    """A label in ``lang`` (default: the user's language)."""
    return compose(f"report.liquidity.{key}", **fields).render(lang or language())


def _ratio(value: float, minimum: float, lang: str) -> str:
    shown = pct(value)
    return shown if value >= minimum else f"{shown} {label('below', lang)}"


def liquidity_tables(
    result: SolvencyResult, unit: str = "yi", lang: str | None = None
) -> list[Table | str]:
    """The ratios table and the reserve table, or the one line saying they were not computed."""
    lang = lang or language()
    liq = result.liquidity
    if liq is None:
        return [label("not_computed", lang)]
    u = unit_label(unit)
    h3, h12 = liq.horizon(3), liq.horizon(12)
    t = Table(title=label("title", lang, unit=u), title_justify="left")
    t.add_column(label("col.item", lang))
    for key in ("3m", "12m", "minimum"):
        t.add_column(label(f"col.{key}", lang), justify="right")
    for key in ("base_inflow", "base_outflow", "stress_inflow", "stress_outflow", "cash"):
        t.add_row(label(key, lang), money(getattr(h3, key), unit), money(getattr(h12, key), unit))
    t.add_row(label("reserve", lang), money(h3.reserve, unit), money(h12.reserve, unit), "")
    for key in ("lcr1", "lcr2", "lcr3"):
        m = liq.thresholds[key]
        t.add_row(
            label(key, lang),
            _ratio(getattr(h3, key), m, lang),
            _ratio(getattr(h12, key), m, lang),
            pct(m, 0),
        )
    r = Table(title=label("reserve_title", lang, unit=u), title_justify="left")
    for key in ("row", "category", "book", "factor", "realisable_3m", "realisable_12m"):
        r.add_column(label(f"col.{key}", lang), justify="left" if key == "category" else "right")
    for a, b in zip(h3.reserve_rows, h12.reserve_rows, strict=True):
        if a.book_value == 0 and b.book_value == 0:
            continue
        r.add_row(
            str(a.row),
            a.name_zh if lang == "zh" else a.name,
            money(max(a.book_value, b.book_value), unit),
            pct(a.factor, 0),
            money(a.realisable, unit),
            money(b.realisable, unit),
        )
    out: list[Table | str] = [t, r]
    for h in (h3, h12):
        for reason, value in h.excluded.items():
            out.append(
                label("excluded", lang, months=h.months, reason=reason)
                + f": {money(value, unit)} {u}"
            )
    out += list(liq.notes)
    return out


def liquidity_frame(result: SolvencyResult, lang: str | None = None) -> pd.DataFrame:
    """The sheet ``Liquidity``: one row per figure and horizon (item, horizon, value, unit),
    then the reserve rows; a single row saying it was not computed when there is no
    ``[liquidity]``."""
    lang = lang or language()
    liq = result.liquidity
    cols = ["item", "horizon_months", "value", "unit"]
    if liq is None:
        return pd.DataFrame([[label("not_computed", lang), "", "", ""]], columns=cols)
    rows: list[list[object]] = []
    for h in liq.horizons:
        for key in ("base_inflow", "base_outflow", "stress_inflow", "stress_outflow", "cash",
                    "reserve"):  # fmt: skip
            rows.append([label(key, lang), h.months, getattr(h, key), "CNY"])
        for key in ("lcr1", "lcr2", "lcr3"):
            rows.append([label(key, lang), h.months, getattr(h, key), "fraction"])
            rows.append([f"{label(key, lang)}: {label('col.minimum', lang)}", h.months,
                         liq.thresholds[key], "fraction"])  # fmt: skip
        for row in h.reserve_rows:
            name = row.name_zh if lang == "zh" else row.name
            rows.append([f"{row.row}. {name}: {label('col.book', lang)}", h.months,
                         row.book_value, "CNY"])  # fmt: skip
            rows.append([f"{row.row}. {name}: {label('col.factor', lang)}", h.months,
                         row.factor, "fraction"])  # fmt: skip
            rows.append([f"{row.row}. {name}: {label('reserve', lang)}", h.months,
                         row.realisable, "CNY"])  # fmt: skip
        for reason, value in h.excluded.items():
            rows.append([label("excluded", lang, months=h.months, reason=reason), h.months,
                         value, "CNY"])  # fmt: skip
    for note in liq.notes:
        rows.append([note, "", "", ""])
    return pd.DataFrame(rows, columns=cols)
