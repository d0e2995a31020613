"""Trade history (``--trades FILE``): the weighted-average holding period of each stock.

The 2025-12 risk-factor notice lowers the factor of a CSI 300 or CSI Dividend Low-Volatility
100 constituent held *more than* three years (一, "该持仓时间根据过去六年加权平均持仓时间确定")
and of a STAR stock held more than two years (二, "根据过去四年加权平均持仓时间确定"). The
notice does not spell out the average; the analyzer computes it first-in-first-out
(docs/formats.md §7.17):

- the trades of a position (bought ``quantity > 0``, sold ``quantity < 0``), in date order
  (same-day trades in file order), build lots; a sale takes from the oldest lots first;
- the lots left at the valuation date ``V`` are the position; a lot bought on ``d`` has been
  held ``(V - d).days / 365.25`` years, capped at the look-back window (6 years; 4 for a STAR
  stock, the shorter window also when a STAR stock is a CSI 300 constituent, so that neither
  threshold is met on a longer history than its notice allows);
- ``holding_years`` is the quantity-weighted mean of the lots' capped holding times.

Example: 100 shares bought 5 years and 60 bought 1 year before ``V``, 40 sold since: the
sale takes 40 of the oldest lot, leaving 60 held 5 years and 60 held 1 year, so
``holding_years = (60 x 5 + 60 x 1) / 120 = 3``.

The file: columns ``date`` (ISO ``YYYY-MM-DD``), ``id`` (the holdings ``id``) and ``quantity``
(shares or units, + bought, - sold); an optional ``price`` is checked to be a number and is
otherwise not used. Trades of positions that are not stocks are read and checked but change
nothing (only stocks carry a holding period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem, InputWarning
from analyzer.io.fields import unknown_name
from analyzer.io.holdings import Holdings, defaults_note
from analyzer.io.rules import rule
from analyzer.messages import register, text

__all__ = [
    "DAYS_PER_YEAR",
    "LOOKBACK_YEARS",
    "LOOKBACK_YEARS_STAR",
    "apply_trades",
    "holding_years",
    "read_trades",
]

#: days in a year of holding time (the same year as the holdings plausibility checks)
DAYS_PER_YEAR = 365.25
#: look-back window of the weighted average, years (2025-12 notice 一: "过去六年")
LOOKBACK_YEARS = 6.0
#: look-back window for STAR stocks, years (2025-12 notice 二: "过去四年")
LOOKBACK_YEARS_STAR = 4.0

REQUIRED = ("date", "id", "quantity")
OPTIONAL = ("price",)

register(
    {
        "trades.column_missing": (
            "required column is missing; the header must name date, id and quantity",
            "缺少必需的列；表头必须包含 date、id 和 quantity",
        ),
        "trades.date": (
            "'{value}' is not a date; write it as YYYY-MM-DD (e.g. 2023-06-30)",
            "'{value}' 不是日期；请写成 YYYY-MM-DD（例如 2023-06-30）",
        ),
        "trades.future": (
            "trade date {date} is after the valuation date {valuation}; a trade that has not "
            "happened cannot count towards the holding period",
            "交易日期 {date} 晚于评估日 {valuation}；尚未发生的交易不能计入持仓时间",
        ),
        "trades.unknown_id": (
            "'{value}' is not an id of the holdings file; every trade must name a position",
            "'{value}' 不是持仓文件中的 id；每笔交易必须对应一个持仓",
        ),
        "trades.quantity": (
            "'{value}' is not a quantity: a non-zero number, + bought, - sold",
            "'{value}' 不是有效的数量：应为非零数字，买入为正，卖出为负",
        ),
        "trades.oversold": (
            "this sale of {sold:g} leaves {left:g} of position '{id}': more is sold than the "
            "trades before it bought; the history is incomplete or a sign is wrong",
            "此笔卖出 {sold:g} 使持仓 '{id}' 余额为 {left:g}：卖出多于此前买入；交易记录不完整"
            "或数量符号有误",
        ),
        "trades.nothing_left": (
            "the trades of stock '{id}' leave nothing held at the valuation date, but the "
            "holdings file holds it; the history is incomplete",
            "股票 '{id}' 的交易在评估日已无余额，但持仓文件中仍持有；交易记录不完整",
        ),
        "trades.replaced": (
            "holding_years {typed:g} typed in the holdings file is replaced by {derived:.4g} "
            "years from the trade history",
            "持仓文件中填写的 holding_years {typed:g} 被交易记录计算的 {derived:.4g} 年替代",
        ),
    }
)

R_REPLACED = rule(
    "trades.holding_years_replaced",
    "warn",
    "a stock has both a holding period typed in the holdings file and trades in the trade "
    "history that give another one; the trades are used (they are the record the notice's "
    "weighted average is computed from), check the typed value was not meant",
    "持仓文件已填写持仓时间，交易记录计算出的持仓时间与之不同；以交易记录为准（通知的加权平均"
    "持仓时间按交易记录计算），请确认所填数值并非有意为之",
)


def _date(value: object) -> dt.date | None:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    try:
        return dt.date.fromisoformat(raw[:10]) if len(raw) in (10, 19) else None
    except ValueError:
        return None


def read_trades(
    source: str | Path | bytes,
    ids: tuple[str, ...] | list[str],
    valuation_date: dt.date,
    name: str | None = None,
) -> pd.DataFrame:
    """Read and check a trade history (.csv or .xlsx).

    Parameters
    ----------
    source : path or bytes
        The file (or an upload's bytes; then pass ``name``).
    ids : sequence of str
        The holdings ids a trade may name.
    valuation_date : date
        No trade may be dated after it.
    name : str, optional
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime.date), ``id`` (str), ``quantity`` (float, + bought,
        - sold), ``row`` (spreadsheet row, header = 1), in file order.

    Raises
    ------
    InputError
        A missing or unknown column, a date that is not ``YYYY-MM-DD`` or after the valuation
        date, an id not in the holdings, a quantity that is not a non-zero number, a price
        that is not a number, or a sale of more than the earlier trades bought: one problem
        per cell, naming file, row and column.
    """
    from analyzer.io.tables import read_table

    label = name or (str(source) if not isinstance(source, bytes) else "<upload>")
    frame = read_table(source, name=label)
    problems: list[InputProblem] = []
    for col in REQUIRED:
        if col not in frame.columns:
            problems.append(InputProblem(label, 1, col, text("trades.column_missing")))
    for col in frame.columns:
        if col not in REQUIRED + OPTIONAL:
            problems.append(unknown_name(label, col, col, REQUIRED + OPTIONAL, kind="column"))
    if problems:
        raise InputError(problems)
    known = {str(i) for i in ids}
    out: list[tuple[dt.date, str, float, int]] = []
    for i in range(len(frame)):
        row = i + 2
        raw_date = frame["date"].iloc[i]
        day = _date(raw_date)
        if day is None:
            problems.append(InputProblem(label, row, "date", text("trades.date", value=raw_date)))
        elif day > valuation_date:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "date",
                    text("trades.future", date=day.isoformat(), valuation=valuation_date),
                )
            )
        pid = str(frame["id"].iloc[i]).strip()
        if pid not in known:
            problems.append(InputProblem(label, row, "id", text("trades.unknown_id", value=pid)))
        raw_q = frame["quantity"].iloc[i]
        try:
            qty = float(str(raw_q).strip())
            if not np.isfinite(qty) or qty == 0:
                raise ValueError
        except ValueError:
            problems.append(
                InputProblem(label, row, "quantity", text("trades.quantity", value=raw_q))
            )
            qty = float("nan")
        if "price" in frame.columns:
            raw_p = str(frame["price"].iloc[i]).strip()
            if raw_p:
                try:
                    if not np.isfinite(float(raw_p)) or float(raw_p) < 0:
                        raise ValueError
                except ValueError:
                    problems.append(
                        InputProblem(label, row, "price", text("value.not_number", value=raw_p))
                    )
        if day is not None and np.isfinite(qty):
            out.append((day, pid, qty, row))
        if len(problems) >= 50:
            break
    if problems:
        raise InputError(problems)
    trades = pd.DataFrame(out, columns=["date", "id", "quantity", "row"])
    # a sale may not take more than the earlier trades bought (file order within a day)
    ordered = trades.sort_values(["date", "row"], kind="stable")
    for pid, group in ordered.groupby("id", sort=False):
        held = 0.0
        for qty, row in zip(group["quantity"], group["row"], strict=True):
            held += qty
            if held < -1e-9 * max(1.0, abs(qty)):
                problems.append(
                    InputProblem(
                        label,
                        int(row),
                        "quantity",
                        text("trades.oversold", sold=-qty, left=held, id=pid),
                    )
                )
                break
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.row or 0))
    return trades


def holding_years(
    dates: list[dt.date] | tuple[dt.date, ...],
    quantities: list[float] | tuple[float, ...] | np.ndarray,
    valuation_date: dt.date,
    lookback_years: float = LOOKBACK_YEARS,
) -> tuple[float, float]:
    """First-in-first-out weighted-average holding period of one position.

    Parameters
    ----------
    dates : sequence of date
        Trade dates, in the order the trades happened.
    quantities : sequence of float
        Shares bought (> 0) or sold (< 0) on each date.
    valuation_date : date
    lookback_years : float
        Look-back window, years: a lot held longer counts as held this long.

    Returns
    -------
    (years, quantity) : tuple of float
        The quantity-weighted mean holding time of the lots left (years; 0 when nothing is
        left) and the quantity left.

    Raises
    ------
    ValueError
        A sale of more than is held.
    """
    lots: list[list] = []  # [date, quantity left], oldest first
    for day, qty in zip(dates, quantities, strict=True):
        if qty > 0:
            lots.append([day, float(qty)])
            continue
        to_sell = -float(qty)
        while to_sell > 1e-12 and lots:
            take = min(to_sell, lots[0][1])
            lots[0][1] -= take
            to_sell -= take
            if lots[0][1] <= 1e-12:
                lots.pop(0)
        if to_sell > 1e-9 * max(1.0, -float(qty)):
            raise ValueError("a sale of more than is held")
    left = sum(q for _, q in lots)
    if left <= 0:
        return 0.0, 0.0
    held = sum(
        q * min((valuation_date - day).days / DAYS_PER_YEAR, lookback_years) for day, q in lots
    )
    return held / left, left


def apply_trades(
    holdings: Holdings,
    source: str | Path | bytes,
    valuation_date: dt.date,
    name: str | None = None,
) -> Holdings:
    """The holdings with each traded stock's ``holding_years`` derived from the trades.

    Parameters
    ----------
    holdings : Holdings
    source : path or bytes
        The trade history (:func:`read_trades`).
    valuation_date : date
        The company file's ``valuation_date`` (today when it has none).
    name : str, optional
        File name for messages.

    Returns
    -------
    Holdings
        A copy whose ``holding_years`` of every stock with trades is the FIFO weighted average
        (module docstring); a typed non-zero value that differs by more than a day raises the
        warning ``trades.holding_years_replaced`` (in ``warnings``). Other positions are
        unchanged.

    Raises
    ------
    InputError
        Any problem of :func:`read_trades`, or a stock of the holdings whose trades leave
        nothing held at the valuation date.
    """
    label = name or (str(source) if not isinstance(source, bytes) else "<upload>")
    frame = holdings.frame
    ids = [str(i) for i in frame["id"]]
    trades = read_trades(source, ids, valuation_date, name=label)
    ordered = trades.sort_values(["date", "row"], kind="stable")
    index = {pid: i for i, pid in enumerate(ids)}
    stock = (frame["asset_type"].astype(str) == "stock").to_numpy()
    star = (frame["board"].astype(str) == "star").to_numpy()
    held = frame["holding_years"].to_numpy(dtype=float).copy()
    problems: list[InputProblem] = []
    replaced: list[tuple[int, float, float]] = []
    from_trades: set[int] = set()
    for pid, group in ordered.groupby("id", sort=False):
        i = index[pid]
        if not stock[i]:
            continue
        window = LOOKBACK_YEARS_STAR if star[i] else LOOKBACK_YEARS
        years, left = holding_years(
            list(group["date"]), group["quantity"].to_numpy(float), valuation_date, window
        )
        if left <= 0:
            problems.append(
                InputProblem(
                    label, int(group["row"].iloc[-1]), "id", text("trades.nothing_left", id=pid)
                )
            )
            continue
        if held[i] > 0 and abs(held[i] - years) > 1.0 / DAYS_PER_YEAR:
            replaced.append((i, float(held[i]), years))
        held[i] = years
        from_trades.add(i)
    if problems:
        raise InputError(problems)
    warnings: list[InputWarning] = []
    if replaced:
        rows = [i + 2 for i, _, _ in replaced]
        _, typed, derived = replaced[0]
        found = R_REPLACED.breach(
            holdings.source,
            "holding_years",
            rows,
            text("trades.replaced", typed=typed, derived=derived),
        )
        warnings.append(found)  # type: ignore[arg-type]
    new = frame.copy()
    new["holding_years"] = held
    # a holding period taken from the trades is no blank cell's default any more
    defaulted = dict(getattr(holdings, "defaulted", {}) or {})
    notes = tuple(holdings.notes)
    if from_trades and "holding_years" in defaulted:
        rows = defaulted["holding_years"]
        rows = rows[~np.isin(rows, list(from_trades))]
        if len(rows):
            defaulted["holding_years"] = rows
        else:
            del defaulted["holding_years"]
        used = {c: len(r) for c, r in defaulted.items()}
        old_note = defaults_note(getattr(holdings, "defaults_used", {}) or {})
        notes = tuple(n for n in notes if n != old_note)
        note = defaults_note(used)
        notes = notes + ((note,) if note is not None else ())
        return replace(
            holdings,
            frame=new,
            warnings=tuple(holdings.warnings) + tuple(warnings),
            notes=notes,
            defaults_used=used,
            defaulted=defaulted,
        )
    return replace(holdings, frame=new, warnings=tuple(holdings.warnings) + tuple(warnings))
