"""Top-down aggregation: module capitals -> minimum capital and solvency ratios.

For risk officers who already have the module capitals of their quarterly solvency report
(偿付能力季度报告摘要) or from their actuaries: one row per company and period in, the same
rows with the diversification effect, quantifiable-risk minimum capital, minimum capital and
the two solvency ratios out (``analyzer aggregate``, docs/formats.md §4).

The formulas are those of the capital engine, called from :mod:`analyzer.solvency.aggregation`
(:func:`~analyzer.solvency.aggregation.minimum_capital` with the control-risk capital given as
an amount), with the market and credit totals given directly instead of built from holdings:

    u            = (life insurance, non-life insurance, market, credit)
    MC*          = sqrt(u' T u)                      Rule 2 Art. 16 (P&C), 17 (life), 18 (reinsurer)
    diversification = life + non-life + market + credit - MC*
    quantifiable = (MC* - loss absorption) x (1 + k)  k: size coefficient, 金规〔2023〕5号 一
    minimum      = quantifiable + control + additional
    core ratio   = core capital / minimum;  comprehensive ratio = actual capital / minimum

``control`` is the control-risk capital as an amount (Rule 12 Art. 120: Q x quantifiable, as the
summaries print it; negative for a good SARMRA score). The correlation matrices come from the
regime's tables (``aggregation.matrices``); none is typed here.

Optionally the market and credit totals can be built from their sub-items:

    market = sqrt(v' M v), v = (ir, eq, re, os_fi, os_eq, fx)   Rule 8 Art. 70
    credit = sqrt(spread^2 + 2 rho spread default + default^2), rho = 0.25   Rule 9 Art. 43

Amounts may be in any one unit (CNY, 万元 ...): ratios do not depend on it. Only
``total_assets`` is compared with the size bands of 金规〔2023〕5号 (in CNY), so its unit is
stated with ``assets_unit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem
from analyzer.messages import Text, register
from analyzer.solvency import aggregation
from analyzer.solvency.messages import compose
from analyzer.solvency.regime import Regime

COMPANY_TYPES = ("life", "pc", "reinsurer")

register(
    {
        "topdown.kind.signed": ("a number (may be negative)", "数值（可为负）"),
        "topdown.kind.nonneg": ("a number >= 0", "不小于 0 的数值"),
        "topdown.blank_amount": (
            "blank; allowed: {kind} (enter 0 if none)",
            "为空；允许：{kind}（没有请填 0）",
        ),
        "topdown.not_number": (
            "'{value}' is not a number; allowed: {kind}",
            "'{value}' 不是数字；允许：{kind}",
        ),
        "topdown.negative": (
            "{value:g} is negative; allowed: {kind}",
            "{value:g} 为负；允许：{kind}",
        ),
        "topdown.market_items": (
            " (or the market sub-items {items})",
            "（或市场风险子项 {items}）",
        ),
        "topdown.credit_items": (
            " (or the credit sub-items {items})",
            "（或信用风险子项 {items}）",
        ),
        "topdown.column_missing": (
            "required column missing{hint}; required: {required}, and total_assets or "
            "size_coefficient",
            "缺少必需的列{hint}；必需：{required}，以及 total_assets 或 size_coefficient",
        ),
        "topdown.items_missing": (
            "required column missing; required: {required}",
            "缺少必需的列；必需：{required}",
        ),
        "topdown.no_size_column": (
            "neither total_assets nor size_coefficient is present; give one of them "
            "(size_coefficient: 0, -0.05 or -0.1, 金规〔2023〕5号)",
            "既没有 total_assets 列也没有 size_coefficient 列；请提供其中之一"
            "（size_coefficient：0、-0.05 或 -0.1，金规〔2023〕5号）",
        ),
        "topdown.size_not_number": (
            "'{value}' is not a number; allowed: 0, -0.05, -0.1 (金规〔2023〕5号)",
            "'{value}' 不是数字；允许：0、-0.05、-0.1（金规〔2023〕5号）",
        ),
        "topdown.no_size_value": (
            "neither total_assets nor size_coefficient is given for this row; give one "
            "(size_coefficient: 0, -0.05 or -0.1, 金规〔2023〕5号)",
            "该行既未填 total_assets 也未填 size_coefficient；请填写其中之一"
            "（size_coefficient：0、-0.05 或 -0.1，金规〔2023〕5号）",
        ),
        "topdown.size_unknown": (
            "{value:g} is not a size coefficient of {regime} for {company_type}; "
            "allowed: {allowed} (金规〔2023〕5号)",
            "{value:g} 不是 {regime} 下 {company_type} 的规模调整系数；"
            "允许：{allowed}（金规〔2023〕5号）",
        ),
        "topdown.size_contradicts": (
            "{value:g} contradicts total_assets ({assets:.6g} CNY gives {derived:g} under "
            "{regime}); check the unit of total_assets or leave one of the two blank",
            "{value:g} 与 total_assets 矛盾（{assets:.6g} 元在 {regime} 下对应 {derived:g}）；"
            "请检查 total_assets 的单位，或将两者之一留空",
        ),
        "topdown.unknown_unit": (
            "unknown unit '{unit}'; allowed: {allowed}",
            "未知的单位 '{unit}'；允许：{allowed}",
        ),
        "topdown.blank_text": ("blank; allowed: any non-empty text", "为空；允许：任何非空文本"),
        "topdown.company_type": (
            "'{value}' is not a company type; allowed: {allowed}",
            "'{value}' 不是公司类型；允许：{allowed}",
        ),
        "topdown.duplicate": (
            "company '{company}' and period '{period}' repeat row {first}; allowed: one row per "
            "company and period",
            "公司 '{company}' 与期间 '{period}' 与第 {first} 行重复；每个公司每个期间只能有一行",
        ),
    }
)

AMOUNT_COLUMNS = (
    "life_insurance",
    "nonlife_insurance",
    "market",
    "credit",
    "loss_absorption",
    "control",
    "additional",
    "core_capital",
    "actual_capital",
)
REQUIRED_COLUMNS = ("company", "period", "company_type", *AMOUNT_COLUMNS)
# Amounts that may be negative: control-risk capital (a good SARMRA score lowers the
# requirement) and the capital of an insolvent company (e.g. 安心财产 2022-2024, 长安责任
# 2023Q2-Q3 report negative core and actual capital). Risk charges are never negative.
SIGNED_COLUMNS = frozenset({"control", "core_capital", "actual_capital"})

MARKET_ITEMS = ("ir", "eq", "re", "os_fi", "os_eq", "fx")  # order of aggregation.MARKET_ORDER
CREDIT_ITEMS = ("spread", "default")

OUTPUT_COLUMNS = (
    "size_coefficient",
    "diversification",
    "quantifiable",
    "minimum_capital",
    "core_ratio",
    "comprehensive_ratio",
)

#: CNY per unit of ``total_assets``.
ASSETS_UNITS = {"yuan": 1.0, "wan": 1.0e4, "yi": 1.0e8}

_K_TOLERANCE = 1e-9


# --------------------------------------------------------------------------------------------
# the quadratic forms, with the regime's matrices


def top_level(
    life: np.ndarray,
    nonlife: np.ndarray,
    market: np.ndarray,
    credit: np.ndarray,
    regime: Regime,
    company_type: str,
) -> np.ndarray:
    """MC* = sqrt(u' T u) for u = (life, non-life, market, credit) (Rule 2 Art. 16-18).

    Arrays broadcast together; ``T`` is ``aggregation.matrices(regime, company_type).top``.
    """
    u = np.stack(
        np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (life, nonlife, market, credit))),
        axis=-1,
    )
    return aggregation.quad(u, aggregation.matrices(regime, company_type).top)


def market_total(items: np.ndarray, regime: Regime) -> np.ndarray:
    """Market risk sqrt(v' M v) for v (..., 6) = (ir, eq, re, os_fi, os_eq, fx) (Rule 8 Art. 70).

    ``os_fi`` and ``os_eq`` are the overseas totals (developed and emerging already combined,
    Rule 8 Art. 47/53), as the summaries print them.
    """
    # the market matrix does not depend on the company type
    return aggregation.quad(
        np.asarray(items, dtype=float), aggregation.matrices(regime, "life").market
    )


def credit_total(spread: np.ndarray, default: np.ndarray, regime: Regime) -> np.ndarray:
    """Credit risk sqrt(s^2 + 2 rho s d + d^2), rho of Rule 9 Art. 43 (0.25)."""
    rho = aggregation.matrices(regime, "life").rho_credit
    return aggregation.pair(np.asarray(spread, dtype=float), np.asarray(default, dtype=float), rho)


def allowed_size_coefficients(regime: Regime, company_type: str) -> tuple[float, ...]:
    """The size coefficients a regime knows for a company type (金规〔2023〕5号 一), sorted.

    ``(-0.1, -0.05, 0.0)`` from cross2-2023-09 on; ``(0.0,)`` under cross2-2022.
    """
    bands = regime.table("size", "size_coefficient")[company_type]
    return tuple(sorted({float(b["k"]) for b in bands} | {0.0}))


# --------------------------------------------------------------------------------------------
# parsing and validation


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(str).str.strip().isin(["", "nan", "NaN", "None"])


def _numbers(frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values as float, blank mask, non-numeric mask) of one column."""
    raw = frame[column]
    blank = _blank(raw)
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.astype(float)
    else:
        text = raw.astype(str).str.strip().str.replace(",", "", regex=False)
        values = pd.to_numeric(text.where(~blank, None), errors="coerce").astype(float)
    bad = ~blank & (values.isna() | ~np.isfinite(values.fillna(0.0)))
    return values, blank, bad


def _row(index_position: int) -> int:
    """Spreadsheet row of a data row (header = row 1)."""
    return int(index_position) + 2


def _amounts(
    frame: pd.DataFrame,
    columns: tuple[str, ...],
    source: str,
    problems: list[InputProblem],
    signed: frozenset[str] = SIGNED_COLUMNS,
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for column in columns:
        values, blank, bad = _numbers(frame, column)
        kind = compose("topdown.kind.signed" if column in signed else "topdown.kind.nonneg")
        for pos in np.flatnonzero(blank.to_numpy()):
            problems.append(
                InputProblem(source, _row(pos), column, compose("topdown.blank_amount", kind=kind))
            )
        for pos in np.flatnonzero(bad.to_numpy()):
            problems.append(
                InputProblem(
                    source,
                    _row(pos),
                    column,
                    compose("topdown.not_number", value=frame[column].iloc[pos], kind=kind),
                )
            )
        if column not in signed:
            negative = (values < 0).fillna(False).to_numpy()
            for pos in np.flatnonzero(negative):
                problems.append(
                    InputProblem(
                        source,
                        _row(pos),
                        column,
                        compose("topdown.negative", value=values.iloc[pos], kind=kind),
                    )
                )
        out[column] = values.fillna(0.0).to_numpy(dtype=float)
    return out


def _missing(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[str]:
    return [c for c in columns if c not in frame.columns]


def _check_columns(frame: pd.DataFrame, source: str) -> tuple[bool, bool]:
    """Raise on missing columns; return whether market / credit come from their sub-items."""
    market_from_items = "market" not in frame.columns and not _missing(frame, MARKET_ITEMS)
    credit_from_items = "credit" not in frame.columns and not _missing(frame, CREDIT_ITEMS)
    needed = [
        c
        for c in REQUIRED_COLUMNS
        if not (c == "market" and market_from_items) and not (c == "credit" and credit_from_items)
    ]
    problems = []
    for column in _missing(frame, tuple(needed)):
        hint = Text("", "")
        if column == "market":
            hint = compose("topdown.market_items", items=", ".join(MARKET_ITEMS))
        elif column == "credit":
            hint = compose("topdown.credit_items", items=", ".join(CREDIT_ITEMS))
        problems.append(
            InputProblem(
                source,
                None,
                column,
                compose("topdown.column_missing", hint=hint, required=", ".join(REQUIRED_COLUMNS)),
            )
        )
    if "total_assets" not in frame.columns and "size_coefficient" not in frame.columns:
        problems.append(
            InputProblem(
                source,
                None,
                "total_assets",
                compose("topdown.no_size_column"),
            )
        )
    if problems:
        raise InputError(problems)
    return market_from_items, credit_from_items


def _size_coefficients(
    frame: pd.DataFrame,
    company_type: pd.Series,
    regime: Regime,
    source: str,
    assets_unit: float,
    problems: list[InputProblem],
) -> np.ndarray:
    """The size coefficient k per row: as given, else from total_assets (金规〔2023〕5号 一)."""
    n = len(frame)
    k = np.full(n, np.nan)
    given = np.zeros(n, dtype=bool)
    unreadable = np.zeros(n, dtype=bool)  # a problem already reported for this row
    if "size_coefficient" in frame.columns:
        values, blank, bad = _numbers(frame, "size_coefficient")
        for pos in np.flatnonzero(bad.to_numpy()):
            problems.append(
                InputProblem(
                    source,
                    _row(pos),
                    "size_coefficient",
                    compose("topdown.size_not_number", value=frame["size_coefficient"].iloc[pos]),
                )
            )
        given = np.array((~blank & ~bad).to_numpy(), dtype=bool)
        unreadable |= bad.to_numpy()
        k[given] = values.to_numpy()[given]
    assets = np.full(n, np.nan)
    has_assets = np.zeros(n, dtype=bool)
    if "total_assets" in frame.columns:
        values, blank, bad = _numbers(frame, "total_assets")
        negative = (values < 0).fillna(False).to_numpy()
        for pos in np.flatnonzero(bad.to_numpy()):
            problems.append(
                InputProblem(
                    source,
                    _row(pos),
                    "total_assets",
                    compose(
                        "topdown.not_number",
                        value=frame["total_assets"].iloc[pos],
                        kind=compose("topdown.kind.nonneg"),
                    ),
                )
            )
        for pos in np.flatnonzero(negative):
            problems.append(
                InputProblem(
                    source,
                    _row(pos),
                    "total_assets",
                    compose(
                        "topdown.negative",
                        value=values.iloc[pos],
                        kind=compose("topdown.kind.nonneg"),
                    ),
                )
            )
        has_assets = np.array((~blank & ~bad).to_numpy() & ~negative, dtype=bool)
        unreadable |= bad.to_numpy() | negative
        assets[has_assets] = values.to_numpy()[has_assets] * assets_unit
    column = "size_coefficient" if "size_coefficient" in frame.columns else "total_assets"
    for pos in np.flatnonzero(~given & ~has_assets & ~unreadable):
        problems.append(
            InputProblem(
                source,
                _row(pos),
                column,
                compose("topdown.no_size_value"),
            )
        )
    for ctype in COMPANY_TYPES:
        rows = (company_type == ctype).to_numpy()
        allowed = np.array(allowed_size_coefficients(regime, ctype))
        text = ", ".join(f"{a:g}" for a in sorted(allowed, reverse=True))
        for pos in np.flatnonzero(rows & given):
            match = np.abs(allowed - k[pos]) <= _K_TOLERANCE
            if match.any():
                k[pos] = allowed[match][0]
                continue
            problems.append(
                InputProblem(
                    source,
                    _row(pos),
                    "size_coefficient",
                    compose(
                        "topdown.size_unknown",
                        value=k[pos],
                        regime=regime.name,
                        company_type=ctype,
                        allowed=text,
                    ),
                )
            )
            given[pos] = False
            has_assets[pos] = False
        for pos in np.flatnonzero(rows & has_assets):
            derived = aggregation.size_coefficient(assets[pos], ctype, regime)
            if not given[pos]:
                k[pos] = derived
            elif abs(derived - k[pos]) > _K_TOLERANCE:
                problems.append(
                    InputProblem(
                        source,
                        _row(pos),
                        "size_coefficient",
                        compose(
                            "topdown.size_contradicts",
                            value=k[pos],
                            assets=assets[pos],
                            derived=derived,
                            regime=regime.name,
                        ),
                    )
                )
    return np.nan_to_num(k, nan=0.0)


# --------------------------------------------------------------------------------------------
# public API


def aggregate_market(frame: pd.DataFrame, regime: Regime, source: str = "<table>") -> pd.Series:
    """Market risk capital from its sub-items (Rule 8 Art. 70).

    ``frame`` has the columns ``ir, eq, re, os_fi, os_eq, fx`` (amounts >= 0, one unit);
    returns ``sqrt(v' M v)`` per row with the regime's market matrix.

    Raises
    ------
    InputError
        Missing column, blank, non-numeric or negative value (file, row, column).
    """
    return _items_total(frame, regime, source, MARKET_ITEMS, "market")


def aggregate_credit(frame: pd.DataFrame, regime: Regime, source: str = "<table>") -> pd.Series:
    """Credit risk capital from ``spread`` and ``default`` with rho = 0.25 (Rule 9 Art. 43).

    Raises
    ------
    InputError
        Missing column, blank, non-numeric or negative value (file, row, column).
    """
    return _items_total(frame, regime, source, CREDIT_ITEMS, "credit")


def _items_total(
    frame: pd.DataFrame, regime: Regime, source: str, items: tuple[str, ...], name: str
) -> pd.Series:
    frame = _normalise(frame)
    missing = _missing(frame, items)
    if missing:
        raise InputError(
            [
                InputProblem(
                    source,
                    None,
                    c,
                    compose("topdown.items_missing", required=", ".join(items)),
                )
                for c in missing
            ]
        )
    problems: list[InputProblem] = []
    values = _amounts(frame, items, source, problems, signed=frozenset())
    if problems:
        raise InputError(problems)
    if name == "market":
        total = market_total(np.stack([values[c] for c in items], axis=-1), regime)
    else:
        total = credit_total(values["spread"], values["default"], regime)
    return pd.Series(total, index=frame.index, name=name)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame.reset_index(drop=True)


def aggregate_modules(
    frame: pd.DataFrame, regime: Regime, source: str, assets_unit: str = "yuan"
) -> pd.DataFrame:
    """Minimum capital and solvency ratios from module capitals, one row per company-period.

    Parameters
    ----------
    frame : DataFrame
        One row per company and period with ``company, period, company_type`` (``life``,
        ``pc``, ``reinsurer``), ``life_insurance, nonlife_insurance, market, credit,
        loss_absorption, control, additional, core_capital, actual_capital`` (one unit, e.g.
        万元; all >= 0 except ``control``, ``core_capital`` and ``actual_capital``), and
        ``total_assets`` or ``size_coefficient`` (0, -0.05, -0.1) per row. ``market`` may be
        replaced by ``ir, eq, re, os_fi, os_eq, fx`` and ``credit`` by ``spread, default``.
        Cells may be text (as ``read_table`` gives them) or numbers; spreadsheet rows are
        reported with the header as row 1.
    regime : Regime
        Supplies the Rule 2 matrices and the size bands.
    source : str
        The file name used in error messages.
    assets_unit : ``"yuan"`` | ``"wan"`` | ``"yi"``
        Unit of ``total_assets`` (the size bands are in CNY). Other amounts may be in any unit.

    Returns
    -------
    DataFrame
        The input rows (amount columns and ``total_assets`` as floats, other columns
        untouched) plus ``size_coefficient`` (the k applied), ``diversification``, ``quantifiable``,
        ``minimum_capital``, ``core_ratio``, ``comprehensive_ratio`` (fractions; NaN where
        minimum capital is not positive). When built from sub-items, ``market`` / ``credit``
        are added too.

    Raises
    ------
    InputError
        Every problem found: missing column, blank / non-numeric / negative amount, unknown
        company_type, a row with neither total_assets nor size_coefficient, a size coefficient
        the regime does not know, duplicate company and period.
    """
    if assets_unit not in ASSETS_UNITS:
        raise InputError.single(
            source,
            None,
            "total_assets",
            compose("topdown.unknown_unit", unit=assets_unit, allowed=", ".join(ASSETS_UNITS)),
        )
    frame = _normalise(frame)
    market_from_items, credit_from_items = _check_columns(frame, source)
    problems: list[InputProblem] = []

    for column in ("company", "period"):
        for pos in np.flatnonzero(_blank(frame[column]).to_numpy()):
            problems.append(InputProblem(source, _row(pos), column, compose("topdown.blank_text")))
    company_type = frame["company_type"].astype(str).str.strip().str.lower()
    for pos in np.flatnonzero(~company_type.isin(COMPANY_TYPES).to_numpy()):
        problems.append(
            InputProblem(
                source,
                _row(pos),
                "company_type",
                compose(
                    "topdown.company_type",
                    value=frame["company_type"].iloc[pos],
                    allowed=", ".join(COMPANY_TYPES),
                ),
            )
        )
    keys = (
        frame["company"].astype(str).str.strip() + "\x00" + frame["period"].astype(str).str.strip()
    )
    named = ~(_blank(frame["company"]) | _blank(frame["period"]))
    first_of = {key: pos for pos, key in reversed(list(enumerate(keys)))}
    for pos in np.flatnonzero((keys.duplicated() & named).to_numpy()):
        first = first_of[keys.iloc[pos]]
        problems.append(
            InputProblem(
                source,
                _row(pos),
                "period",
                compose(
                    "topdown.duplicate",
                    company=frame["company"].iloc[pos],
                    period=frame["period"].iloc[pos],
                    first=_row(first),
                ),
            )
        )

    columns = tuple(
        c
        for c in AMOUNT_COLUMNS
        if not (c == "market" and market_from_items) and not (c == "credit" and credit_from_items)
    )
    if market_from_items:
        columns += MARKET_ITEMS
    if credit_from_items:
        columns += CREDIT_ITEMS
    amounts = _amounts(frame, columns, source, problems)
    unit = ASSETS_UNITS[assets_unit]
    k = _size_coefficients(frame, company_type, regime, source, unit, problems)
    if problems:
        problems.sort(
            key=lambda p: (
                p.row or 0,
                list(frame.columns).index(p.column) if p.column in frame.columns else -1,
            )
        )
        raise InputError(problems)

    if market_from_items:
        amounts["market"] = market_total(np.stack([amounts[c] for c in MARKET_ITEMS], -1), regime)
    if credit_from_items:
        amounts["credit"] = credit_total(amounts["spread"], amounts["default"], regime)

    life, nonlife = amounts["life_insurance"], amounts["nonlife_insurance"]
    market, credit = amounts["market"], amounts["credit"]
    diversified = np.zeros(len(frame))
    for ctype in COMPANY_TYPES:
        rows = (company_type == ctype).to_numpy()
        if rows.any():
            diversified[rows] = top_level(
                life[rows], nonlife[rows], market[rows], credit[rows], regime, ctype
            )
    quantifiable = aggregation.quantifiable_capital(diversified, amounts["loss_absorption"], k)
    minimum = aggregation.minimum_capital(
        diversified,
        amounts["loss_absorption"],
        k,
        additional=amounts["additional"],
        control=amounts["control"],
    )
    positive = minimum > 0
    safe = np.where(positive, minimum, 1.0)

    out = frame.copy()
    for column, values in amounts.items():
        out[column] = values
    if "total_assets" in out.columns:
        out["total_assets"] = _numbers(frame, "total_assets")[0].to_numpy()  # as given, NaN blank
    out["company_type"] = company_type
    out["size_coefficient"] = k
    out["diversification"] = life + nonlife + market + credit - diversified
    out["quantifiable"] = quantifiable
    out["minimum_capital"] = minimum
    out["core_ratio"] = np.where(positive, amounts["core_capital"] / safe, np.nan)
    out["comprehensive_ratio"] = np.where(positive, amounts["actual_capital"] / safe, np.nan)
    return out


__all__ = [
    "AMOUNT_COLUMNS",
    "ASSETS_UNITS",
    "COMPANY_TYPES",
    "CREDIT_ITEMS",
    "MARKET_ITEMS",
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "aggregate_credit",
    "aggregate_market",
    "aggregate_modules",
    "allowed_size_coefficients",
    "credit_total",
    "market_total",
    "top_level",
]
