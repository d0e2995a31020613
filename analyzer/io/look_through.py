"""The look-through file (``--look-through FILE``): the underlyings of looked-through products.

One row per underlying asset (底层资产, Rule 7 Art. 6) of a holdings position whose
``look_through`` is true:

- ``parent_id``: the ``id`` of the product in the holdings file;
- ``share``: the fraction of the parent's admitted value the underlying represents
  (0 < share <= 1; Rule 7 Art. 15-16: the insurer's share of the underlying's exposure);
- the holdings columns that describe the underlying (``id``, ``asset_type``, ``rating``,
  ``modified_duration``, ...), validated by :func:`analyzer.io.holdings.validate_holdings`,
  so every holdings rule applies to them. ``market_value`` is not a column of this file: it is
  ``share`` x the parent's ``market_value``. Amounts (``face_value``, ``purchase_cost``,
  ``book_value``) are the insurer's share of the underlying, in CNY.

An underlying's position id is ``<parent_id>/<id>``: the same asset may sit under two
products. The engine charges each parent on its underlyings (``analyzer.solvency.underlyings``).

Checks (file, row, column; docs/formats.md §9, codes ``look_through.*``): an unknown parent, a
parent that is not a non-base asset looked through, an exempt parent, a share outside (0, 1],
shares of one parent adding up to more than 1, a nested non-base product (refused); shares
adding up to less than 1 (warned: the rest is charged as not looked through, Rule 7 Art. 30-33).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem, InputWarning
from analyzer.io.fields import factorized_text
from analyzer.io.holdings import (
    COLUMNS,
    NON_BASE,
    Holdings,
    _parse_numbers,
    validate_holdings,
)
from analyzer.io.rules import rule
from analyzer.messages import Text, register, text

#: shares of one parent may add up to 1 + this (rounding of a manager's report)
SHARE_TOLERANCE = 1e-6
#: the columns of the look-through file besides the holdings columns
OWN_COLUMNS = ("parent_id", "share")
#: amounts that scale with the parent's value (CNY)
AMOUNTS = ("market_value", "face_value", "purchase_cost", "book_value")

register(
    {
        "look_through.required_column": (
            "required column is missing; a look-through file names parent_id, share, id and "
            "asset_type",
            "缺少必需的列；穿透文件须包含 parent_id、share、id 和 asset_type",
        ),
        "look_through.market_value_column": (
            "market_value is not a column of the look-through file: an underlying's value is "
            "share x its parent's market_value; give share (a fraction of the parent)",
            "穿透文件不含 market_value 列：底层资产的价值为 share × 母产品的 market_value；"
            "请填写 share（占母产品价值的比例）",
        ),
        "look_through.unknown_parent": (
            "parent_id '{value}' is not an id of the holdings file {holdings}",
            "parent_id '{value}' 不是持仓文件 {holdings} 中的 id",
        ),
        "look_through.parent_not_looked_through": (
            "parent '{value}' has look_through = false in the holdings file: set it to true "
            "to charge the product on these underlyings, or remove its rows",
            "母产品 '{value}' 在持仓文件中 look_through = false：如按这些底层资产计量，"
            "请改为 true，否则请删除这些行",
        ),
        "look_through.parent_not_non_base": (
            "parent '{value}' is a {asset_type}, not a non-base asset (Rule 7 Art. 4); only "
            "{allowed} are looked through",
            "母产品 '{value}' 为 {asset_type}，不是非基础资产（规则第7号第四条）；"
            "只有 {allowed} 可穿透",
        ),
        "look_through.parent_exempt": (
            "parent '{value}' has exempt = true (exempt from look-through, Rule 7 Art. 25-28): "
            "set exempt = false to charge it on its underlyings (Art. 29)",
            "母产品 '{value}' 的 exempt = true（豁免穿透，规则第7号第二十五至二十八条）："
            "如按底层资产计量，请改为 false（第二十九条）",
        ),
        "look_through.share_range": (
            "share must be a fraction of the parent's value, above 0 and at most 1; found {value}",
            "share 须为占母产品价值的比例，大于 0 且不超过 1；实际为 {value}",
        ),
        "look_through.shares_above_one": (
            "the shares of parent '{value}' add up to {total:.6g}, more than 1: an underlying "
            "is listed twice or a share is a percentage",
            "母产品 '{value}' 的 share 合计 {total:.6g}，超过 1：某项底层资产重复列示，"
            "或 share 按百分数填写",
        ),
        "look_through.shares_below_one": (
            "the shares of parent '{value}' add up to {total:.6g}: the remaining {rest:.6g} of "
            "its value is charged as not looked through (Rule 7 Art. 30-33)",
            "母产品 '{value}' 的 share 合计 {total:.6g}：其余 {rest:.6g} 的价值按无法穿透的"
            "非基础资产计量（规则第7号第三十至三十三条）",
        ),
        "look_through.nested": (
            "the underlying is itself a non-base product ({asset_type}): nested look-through "
            "is not read; list its own underlyings under the top parent (their share of the "
            "top parent) and count its layer in the parent's layers (Rule 7 Art. 9, 18)",
            "该底层资产本身是非基础资产（{asset_type}）：不支持嵌套穿透；请将其底层资产直接列在"
            "最上层母产品下（按占最上层母产品的比例），并把该层计入母产品的 layers"
            "（规则第7号第九条、第十八条）",
        ),
        "look_through.no_children": (
            "{count} position(s) with look_through = true have no rows in the look-through "
            "file {file} and keep the built-in charge of a looked-through product: {ids}",
            "{count} 个 look_through = true 的持仓在穿透文件 {file} 中没有底层资产，"
            "仍按内置的穿透计量：{ids}",
        ),
    }
)

R_UNKNOWN_PARENT = rule(
    "look_through.unknown_parent",
    "refuse",
    "An underlying must belong to a position of the holdings file; a parent_id that is not a "
    "holdings id would leave the underlying uncharged or charge a product that is not held.",
    "底层资产必须属于持仓文件中的某个持仓；parent_id 不是持仓 id 时，该底层资产无从计量。",
)
R_PARENT_FLAG = rule(
    "look_through.parent_not_looked_through",
    "refuse",
    "A product with look_through = false is charged as not looked through (Rule 7 Art. 30-32); "
    "underlyings given for it contradict the holdings file, and which of the two is meant "
    "cannot be guessed.",
    "look_through = false 的产品按无法穿透计量（规则第7号第三十至三十二条）；为其提供底层资产"
    "与持仓文件矛盾，无法判断以何者为准。",
)
R_PARENT_TYPE = rule(
    "look_through.parent_not_non_base",
    "refuse",
    "Only non-base assets (Rule 7 Art. 4) are looked through; base assets are charged directly "
    "(Art. 3), and an exempt product is charged by its own factor (Art. 25-28) unless the "
    "exemption is waived (exempt = false, Art. 29).",
    "只有非基础资产（规则第7号第四条）需要穿透；基础资产直接计量（第三条），豁免穿透的产品按"
    "其自身因子计量（第二十五至二十八条），除非放弃豁免（exempt = false，第二十九条）。",
)
R_SHARE = rule(
    "look_through.share_range",
    "refuse",
    "A share is the fraction of the parent's value an underlying represents: above 0 and at "
    "most 1; 40 for 40% would charge forty times the underlying.",
    "share 是底层资产占母产品价值的比例，须大于 0 且不超过 1；把 40% 写成 40 会按 40 倍计量。",
)
R_SHARES_ABOVE = rule(
    "look_through.shares_above_one",
    "refuse",
    "The underlyings of a product cannot be worth more than the product: shares adding up to "
    "more than 1 (+1e-6) double count an underlying or mix percentages and fractions.",
    "产品的底层资产合计不可能超过产品本身：share 合计超过 1（容差 1e-6）说明重复列示或混用了"
    "百分数与小数。",
)
R_SHARES_BELOW = rule(
    "look_through.shares_below_one",
    "warn",
    "Underlyings adding up to less than the product are a partial look-through (Rule 7 "
    "Art. 33): the part not identified is charged as not looked through (Art. 30-32, factor "
    "0.6), which a real report can show (fees, cash not reported), but a missing row is more "
    "common.",
    "底层资产合计小于产品价值属于部分穿透（规则第7号第三十三条）：未识别部分按无法穿透计量"
    "（第三十至三十二条，因子 0.6）；真实报告可能如此（费用、未披露现金），但更常见的是漏了行。",
)
R_NESTED = rule(
    "look_through.nested",
    "refuse",
    "Look-through goes down to base assets (Rule 7 Art. 9) and the layers of the structure "
    "are counted in the parent's layers (Art. 18); a non-base product as an underlying would "
    "be charged without its own underlyings.",
    "穿透应至基础资产（规则第7号第九条），交易结构层数计入母产品的 layers（第十八条）；"
    "以非基础资产作为底层资产会使其自身的底层资产无从计量。",
)


@dataclass(frozen=True)
class LookThrough:
    """Validated underlyings of looked-through positions.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per underlying in file order: every holdings column (typed as in
        :class:`~analyzer.io.holdings.Holdings`; ``id`` is ``<parent_id>/<id>``,
        ``market_value`` = share x the parent's value when read, CNY), plus ``parent_id``
        (str), ``share`` (fraction) and ``parent_value`` (the parent's ``market_value`` when
        read, CNY; amounts scale with the parent's value from there).
    source : str
        The file name, for messages.
    warnings : tuple of InputWarning
        Warnings of the file (holdings plausibility rules, shares below 1).
    notes : tuple of Text
        Non-blocking notices (columns ignored, parents without underlyings).
    """

    frame: pd.DataFrame = field(repr=False)
    source: str = "<memory>"
    warnings: tuple[InputWarning, ...] = ()
    notes: tuple[Text, ...] = ()

    def __len__(self) -> int:
        return len(self.frame)


def read_look_through(
    source: str | Path | bytes, holdings: Holdings, name: str | None = None
) -> LookThrough:
    """Read and validate a look-through file against the holdings it belongs to.

    Parameters
    ----------
    source : path or bytes
        The file (.csv, .xlsx or .parquet), or an upload's bytes (then pass ``name``).
    holdings : Holdings
        The validated positions the parents are looked up in.
    name : str, optional
        File name for messages and to pick the format of bytes.

    Raises
    ------
    InputError
        Every problem at once: the holdings checks of each underlying and the checks of
        this module (module docstring).
    """
    from analyzer.io.tables import read_table

    label = name or (str(source) if not isinstance(source, bytes) else "<upload>")
    numeric = [c.name for c in COLUMNS if c.kind in ("number", "int")] + ["share"]
    return validate_look_through(read_table(source, name=label, numeric=numeric), holdings, label)


def validate_look_through(
    raw: pd.DataFrame, holdings: Holdings, file: str = "<memory>"
) -> LookThrough:
    """Validate a raw look-through table (see :func:`read_look_through`)."""
    raw = raw.copy()
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    problems: list[InputProblem] = []
    if "market_value" in raw.columns:
        problems.append(
            InputProblem(file, 1, "market_value", text("look_through.market_value_column"))
        )
    missing = [c for c in ("parent_id", "share", "id", "asset_type") if c not in raw.columns]
    for c in missing:
        problems.append(InputProblem(file, 1, c, text("look_through.required_column")))
    if problems:
        raise InputError(problems)
    n = len(raw)
    rows = np.arange(n) + 2
    hf = holdings.frame
    hsrc = holdings.source

    # parent_id
    codes, texts = factorized_text(raw["parent_id"], blank_words=False)
    parent_id = np.asarray(texts, dtype=object)[codes]
    index = pd.Index(hf["id"].to_numpy(dtype=object))
    parent = index.get_indexer(parent_id)
    blank = parent_id == ""
    for i in np.flatnonzero(blank)[:20]:
        problems.append(InputProblem(file, int(rows[i]), "parent_id", text("value.required")))
    unknown = (parent < 0) & ~blank
    for i in np.flatnonzero(unknown)[:20]:
        problems.append(
            R_UNKNOWN_PARENT.breach(
                file,
                "parent_id",
                [int(rows[i])],
                text("look_through.unknown_parent", value=parent_id[i], holdings=hsrc),
            )
        )
    known = parent >= 0
    p = np.where(known, parent, 0)
    if len(hf):
        lt = hf["look_through"].to_numpy(dtype=bool)[p]
        types = hf["asset_type"].astype(str).to_numpy(dtype=object)[p]
        exempt = hf["exempt"].to_numpy(dtype=bool)[p]
        parent_mv = hf["market_value"].to_numpy(dtype=float)[p]
    else:
        lt = exempt = np.zeros(n, dtype=bool)
        types = np.full(n, "", dtype=object)
        parent_mv = np.zeros(n)
    non_base = np.isin(types, list(NON_BASE))
    reported: set[str] = set()
    for i in np.flatnonzero(known):
        pid = parent_id[i]
        if pid in reported:
            continue
        if not non_base[i]:
            msg = text(
                "look_through.parent_not_non_base",
                value=pid,
                asset_type=types[i],
                allowed=", ".join(NON_BASE),
            )
            problems.append(R_PARENT_TYPE.breach(file, "parent_id", [int(rows[i])], msg))
        elif exempt[i]:
            msg = text("look_through.parent_exempt", value=pid)
            problems.append(R_PARENT_TYPE.breach(file, "parent_id", [int(rows[i])], msg))
        elif not lt[i]:
            msg = text("look_through.parent_not_looked_through", value=pid)
            problems.append(R_PARENT_FLAG.breach(file, "parent_id", [int(rows[i])], msg))
        else:
            continue
        reported.add(pid)

    # share
    num = _parse_numbers(raw["share"])
    share = num.values
    for mask, msg in (
        (num.blank, lambda i: text("value.required")),
        (num.bad, lambda i: text("value.not_number", value=num.cells(i))),
        (num.non_finite, lambda i: text("value.not_finite", value=num.cells(i))),
        (num.decimal_comma, lambda i: text("holdings.decimal_comma", value=num.cells(i))),
        (num.grouping, lambda i: text("holdings.bad_grouping", value=num.cells(i))),
    ):
        for i in np.flatnonzero(mask)[:20]:
            problems.append(InputProblem(file, int(rows[i]), "share", msg(i)))
    finite = np.isfinite(share)
    out_of_range = finite & ((share <= 0) | (share > 1))
    for i in np.flatnonzero(out_of_range)[:20]:
        problems.append(
            R_SHARE.breach(
                file, "share", [int(rows[i])], text("look_through.share_range", value=share[i])
            )
        )
    good = finite & ~out_of_range
    share = np.where(good, share, 0.0)

    # sums by parent
    warnings: list[InputWarning] = []
    if known.any():
        sums = pd.Series(share[known]).groupby(parent_id[known], sort=False).sum()
        for pid, total in sums.items():
            mine = [int(r) for r in rows[known & (parent_id == pid)]]
            if total > 1.0 + SHARE_TOLERANCE:
                problems.append(
                    R_SHARES_ABOVE.breach(
                        file,
                        "share",
                        mine,
                        text("look_through.shares_above_one", value=pid, total=float(total)),
                    )
                )
            elif total < 1.0 - SHARE_TOLERANCE and total > 0:
                warnings.append(
                    R_SHARES_BELOW.breach(
                        file,
                        "share",
                        mine,
                        text(
                            "look_through.shares_below_one",
                            value=pid,
                            total=float(total),
                            rest=float(1.0 - total),
                        ),
                    )
                )

    # the underlyings as holdings rows: id <parent>/<id>, market_value = share x parent's
    body = raw.drop(columns=list(OWN_COLUMNS))
    cid_codes, cid_texts = factorized_text(raw["id"], blank_words=False)
    cid = np.asarray(cid_texts, dtype=object)[cid_codes]
    for i in np.flatnonzero(cid == "")[:20]:
        problems.append(InputProblem(file, int(rows[i]), "id", text("value.required")))
    body["id"] = np.where(cid == "", "", pd.Series(parent_id, dtype=object) + "/" + cid)
    value = np.where(known, parent_mv, 0.0) * share
    body["market_value"] = value
    at_codes, at_texts = factorized_text(raw["asset_type"])
    at = np.array([t.strip().lower() for t in at_texts], dtype=object)[at_codes]
    for i in np.flatnonzero(np.isin(at, list(NON_BASE)))[:20]:
        problems.append(
            R_NESTED.breach(
                file, "asset_type", [int(rows[i])], text("look_through.nested", asset_type=at[i])
            )
        )
    try:
        h = validate_holdings(body, file=file)
    except InputError as err:
        problems.extend(err.problems)
        h = None
    if problems:
        raise InputError(problems)
    frame = h.frame.copy()
    frame["parent_id"] = pd.Series(parent_id, dtype=object)
    frame["share"] = share
    frame["parent_value"] = parent_mv
    # parents with look_through = true but no underlyings keep the built-in charge: a note
    notes = list(h.notes)
    flagged = (
        hf["look_through"].to_numpy(dtype=bool)
        & hf["asset_type"].astype(str).isin(list(NON_BASE)).to_numpy()
    )
    listed = set(parent_id)
    lonely = [str(x) for x in hf["id"].to_numpy(dtype=object)[flagged] if x not in listed]
    if lonely:
        shown = ", ".join(lonely[:10]) + (f" (+{len(lonely) - 10})" if len(lonely) > 10 else "")
        notes.append(text("look_through.no_children", count=len(lonely), file=file, ids=shown))
    return LookThrough(
        frame.reset_index(drop=True),
        file,
        warnings=tuple(h.warnings) + tuple(warnings),
        notes=tuple(notes),
    )
