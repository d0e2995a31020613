"""Scenario files: historical and user stress scenarios as shocks per risk driver or class.

Format (``.csv`` or ``.xlsx``; one row per move; rows are spreadsheet rows, header = row 1)::

    scenario,driver,asset_class,shock,description,source
    2015_a_share_crash,equity,,-0.43,"CSI 300 peak to trough","CSI 300 close ..."
    my_view,,stock_star,-0.50,"STAR board halves",

- ``scenario``: name (rows with the same name form one scenario);
- exactly one of ``driver`` (see :data:`analyzer.stress.shocks.DRIVERS`) or ``asset_class``
  (a class of the holdings);
- ``shock``: a return as a fraction (>= -1) for return drivers and asset classes, basis points
  for ``rates``, ``spread`` and ``liability_rates``, a loss fraction in [0, 1] for ``default``;
- optional ``description``, ``source``, ``reference``: the first non-blank value of a scenario
  is kept.

Any other column is refused (with "did you mean" for a near miss); a shock must be a finite
number written with a decimal point (``4,17`` is refused, not read as 417). A return above
+500% is a percent written for a fraction and refused; above +100% it is a warning; a basis-point
shock between -1 and 1 (0.0025 for 25 bp) is a warning. Warnings come back on the returned
list's ``warnings`` and stop a run until accepted.

Every problem is reported with its file, row and column (:class:`analyzer.errors.InputError`,
exit status 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from analyzer.errors import InputError, InputProblem, InputWarning
from analyzer.io.fields import unknown_name
from analyzer.io.rules import rule
from analyzer.messages import register
from analyzer.messages import text as msg
from analyzer.stress.shocks import BP_DRIVERS, DRIVERS, Shock

COLUMNS = ("scenario", "driver", "asset_class", "shock", "description", "source", "reference")
#: a return shock (fraction) above which it is refused as a percent, and above which it warns
RETURN_REFUSE, RETURN_WARN = 5.0, 1.0

register(
    {
        "scenarios.column_missing": (
            "required column is missing; the header must name scenario, driver and/or "
            "asset_class, shock",
            "缺少必需的列；表头须包含 scenario、driver 和/或 asset_class、shock",
        ),
        "scenarios.driver_column": (
            "the header needs a driver or an asset_class column",
            "表头须包含 driver 或 asset_class 列",
        ),
        "scenarios.name_required": ("a scenario name is required", "必须填写情景名称"),
        "scenarios.both": (
            "give either a driver or an asset_class, not both",
            "driver 与 asset_class 只能填写其一，不能同时填写",
        ),
        "scenarios.neither": (
            "a driver or an asset_class is required; drivers: {allowed}",
            "必须填写 driver 或 asset_class；可用的 driver：{allowed}",
        ),
        "scenarios.unknown_driver": (
            "unknown driver '{value}'; allowed: {allowed}",
            "未知的 driver '{value}'；允许：{allowed}",
        ),
        "scenarios.unknown_class": (
            "unknown asset class '{value}'; the holdings have: {allowed}",
            "未知的资产类别 '{value}'；持仓中的类别：{allowed}",
        ),
        "scenarios.default_range": (
            "{value:g} is not a loss fraction in [0, 1] (0.1 = 10% of admitted value)",
            "{value:g} 不是 [0, 1] 内的损失比例（0.1 = 认可价值的 10%）",
        ),
        "scenarios.below_minus_100": (
            "{value:g} is a return below -100% (returns are fractions: -0.3 = -30%)",
            "{value:g} 是低于 -100% 的收益率（收益率以小数填写：-0.3 = -30%）",
        ),
        "scenarios.twice": (
            "'{value}' appears twice in scenario '{scenario}' (first on row {row})",
            "'{value}' 在情景 '{scenario}' 中出现了两次（首次在第 {row} 行）",
        ),
        "scenarios.not_number": (
            "'{value}' is not a number (write a decimal point, no thousands separators: -0.3, 25)",
            "'{value}' 不是数字（使用小数点，不用千位分隔符：-0.3、25）",
        ),
        "scenarios.return_percent": (
            "{value:g} would be a return of {value:.0%}; returns are fractions (-0.3 = -30%, "
            "0.2 = +20%)",
            "{value:g} 即收益率 {value:.0%}；收益率以小数填写（-0.3 = -30%，0.2 = +20%）",
        ),
        "scenarios.return_high": (
            "a return of {value:.0%} is more than doubling in the scenario; returns are "
            "fractions (0.2 = +20%)",
            "收益率 {value:.0%} 意味着情景中价格翻倍以上；收益率以小数填写（0.2 = +20%）",
        ),
        "scenarios.bp_fraction": (
            "{value:g} bp is less than one basis point; '{driver}' shocks are in basis points "
            "(25 = +0.25%), not fractions",
            "{value:g} 个基点不足 1 个基点；'{driver}' 冲击以基点填写（25 = +0.25%），不是小数",
        ),
    }
)

RETURN_PERCENT = rule(
    "scenarios.return_percent",
    "refuse",
    "No stress scenario multiplies prices by six within its horizon; 30 is +30% written in "
    "percent, and read as a fraction it would turn a stress into a windfall.",
    "压力情景不会让价格在期内涨到六倍；30 是以百分数写的 +30%，按小数读取会把压力变成暴利。",
)
RETURN_HIGH = rule(
    "scenarios.return_high",
    "warn",
    "A rise of more than 100% is possible in a deliberate upside scenario (ChiNext more than "
    "doubled in 2014-15) but is more often a percent.",
    "涨幅超过 100% 在有意设计的上行情景中可能出现（创业板 2014-15 年曾翻倍以上），"
    "但更常见的是百分数误填。",
)
BP_FRACTION = rule(
    "scenarios.bp_fraction",
    "warn",
    "A rate or spread shock below one basis point does nothing a board would notice; 0.0025 is "
    "25 bp written as a fraction, though a user may mean a tiny shift.",
    "低于 1 个基点的利率或利差冲击没有实际意义；0.0025 是把 25 个基点写成了小数，"
    "但用户也可能确实指极小的变动。",
)


class ScenarioList(list):
    """The scenarios of a file (a list of :class:`Shock`) with the file's ``warnings``."""

    warnings: tuple[InputWarning, ...] = ()


def read_scenarios(
    path: str | Path, kind: str = "user", known_classes: Iterable[str] | None = None
) -> list[Shock]:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : the file
    kind : label of the scenarios (``user`` or ``historical``)
    known_classes : the holdings' asset classes; when given, an unknown class is an error

    Returns
    -------
    ScenarioList
        The :class:`Shock` of each scenario, in file order of first appearance (a list), with
        the plausibility warnings of the file as ``warnings``.

    Raises
    ------
    InputError
        Missing column, blank scenario, both or neither of driver / asset_class, unknown
        driver or class, missing or non-numeric shock, a return below -100%, a default loss
        outside [0, 1], or the same driver / class twice in one scenario.
    """
    from analyzer.io.tables import read_table

    label = str(path)
    frame = read_table(path, name=label)
    problems: list[InputProblem] = []
    for col in ("scenario", "shock"):
        if col not in frame.columns:
            problems.append(
                InputProblem(
                    label,
                    1,
                    col,
                    msg("scenarios.column_missing"),
                )
            )
    if "driver" not in frame.columns and "asset_class" not in frame.columns:
        problems.append(InputProblem(label, 1, "driver", msg("scenarios.driver_column")))
    for col in frame.columns:
        if col not in COLUMNS:
            problems.append(unknown_name(label, col, col, COLUMNS, kind="column"))
    if problems:
        raise InputError(problems)

    def text(col: str, i: int) -> str:
        if col not in frame.columns:
            return ""
        v = str(frame[col].iloc[i]).strip()
        return "" if v.lower() in ("nan", "none") else v

    classes = set(known_classes) if known_classes is not None else None
    order: list[str] = []
    drivers: dict[str, dict[str, float]] = {}
    class_returns: dict[str, dict[str, float]] = {}
    info: dict[str, dict[str, str]] = {}
    rows: dict[str, dict[str, int]] = {}
    flagged: dict[str, list[tuple[int, float, str]]] = {}
    for i in range(len(frame)):
        row = i + 2
        name = text("scenario", i)
        driver = text("driver", i)
        cls = text("asset_class", i)
        raw = text("shock", i)
        if not name:
            problems.append(InputProblem(label, row, "scenario", msg("scenarios.name_required")))
            continue
        if driver and cls:
            problems.append(InputProblem(label, row, "driver", msg("scenarios.both")))
            continue
        if not driver and not cls:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "driver",
                    msg("scenarios.neither", allowed=", ".join(DRIVERS)),
                )
            )
            continue
        if driver and driver not in DRIVERS:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "driver",
                    msg("scenarios.unknown_driver", value=driver, allowed=", ".join(DRIVERS)),
                )
            )
            continue
        if cls and classes is not None and cls not in classes:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "asset_class",
                    msg("scenarios.unknown_class", value=cls, allowed=", ".join(sorted(classes))),
                )
            )
            continue
        if raw == "":
            problems.append(InputProblem(label, row, "shock", msg("value.required")))
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append(
                InputProblem(label, row, "shock", msg("scenarios.not_number", value=raw))
            )
            continue
        if not np.isfinite(value):
            problems.append(InputProblem(label, row, "shock", msg("value.not_finite", value=raw)))
            continue
        if driver in BP_DRIVERS:
            if 0 < abs(value) < 1:
                flagged.setdefault("bp", []).append((row, value, driver))
        elif driver != "default" and value > RETURN_REFUSE:
            problems.append(
                RETURN_PERCENT.breach(
                    label, "shock", [row], msg("scenarios.return_percent", value=value)
                )
            )
            continue
        elif driver != "default" and value > RETURN_WARN:
            flagged.setdefault("high", []).append((row, value, driver))
        key = driver or cls
        if driver == "default":
            if not 0.0 <= value <= 1.0:
                problems.append(
                    InputProblem(
                        label,
                        row,
                        "shock",
                        msg("scenarios.default_range", value=value),
                    )
                )
                continue
        elif driver not in BP_DRIVERS and value < -1.0:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "shock",
                    msg("scenarios.below_minus_100", value=value),
                )
            )
            continue
        target = drivers if driver else class_returns
        if name not in rows:
            order.append(name)
            drivers[name], class_returns[name], info[name], rows[name] = {}, {}, {}, {}
        if key in target[name]:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "driver" if driver else "asset_class",
                    msg("scenarios.twice", value=key, scenario=name, row=rows[name][key]),
                )
            )
            continue
        target[name][key] = value
        rows[name][key] = row
        for col in ("description", "source", "reference"):
            if text(col, i) and col not in info[name]:
                info[name][col] = text(col, i)
    if problems:
        raise InputError(problems)
    warnings: list[InputWarning] = []
    if "high" in flagged:
        r, v, _ = flagged["high"][0]
        warnings.append(
            RETURN_HIGH.breach(
                label,
                "shock",
                [x[0] for x in flagged["high"]],
                msg("scenarios.return_high", value=v),
            )
        )
    if "bp" in flagged:
        r, v, d = flagged["bp"][0]
        warnings.append(
            BP_FRACTION.breach(
                label,
                "shock",
                [x[0] for x in flagged["bp"]],
                msg("scenarios.bp_fraction", value=v, driver=d),
            )
        )
    out = ScenarioList(
        Shock(
            n,
            drivers[n],
            class_returns[n],
            description=info[n].get("description", ""),
            reference=info[n].get("reference", ""),
            source=info[n].get("source", ""),
            kind=kind,
            rows=rows[n],
        )
        for n in order
    )
    out.warnings = tuple(warnings)
    return out
