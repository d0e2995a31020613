"""The checks that need two input files at once: the positions' sum against ``total_assets``,
a position larger than the balance sheet, and the look-through data dates against the
company's ``valuation_date`` (Rule 7 Art. 11).

Each reader validates its own file (:mod:`analyzer.io.holdings`, :mod:`analyzer.io.company`,
:mod:`analyzer.io.assumptions`, ...); the validation layer every front end calls,
:func:`analyzer.services.reading.load_inputs`, reads them all and adds these checks. The
readers' shared helpers (:func:`~analyzer.io.fields.suggest`,
:func:`~analyzer.io.fields.unknown_name`, ...) live in :mod:`analyzer.io.fields` and are
re-exported here for older imports.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from analyzer.errors import InputProblem, InputWarning
from analyzer.io.fields import (  # noqa: F401  (the readers' helpers, for older imports)
    decode_utf8,
    number,
    parse_toml,
    read_bytes,
    suggest,
    unknown_name,
)
from analyzer.io.holdings import look_through_age, look_through_dates
from analyzer.io.rules import rule
from analyzer.messages import Text, register, text

register(
    {
        "inputs.sum_below_assets": (
            "the positions add up to {total:,.0f} CNY, {share:.3g} of total_assets "
            "{assets:,.0f} CNY in the company file; a balance sheet cannot be that small "
            "against its investments: are market values in 亿元 or 万元 instead of CNY?",
            "持仓合计 {total:,.0f} 元，仅为公司文件中总资产 {assets:,.0f} 元的 {share:.3g}；"
            "是否把市值按亿元或万元填写了（应为元）？",
        ),
        "inputs.sum_vs_assets": (
            "the positions add up to {total:,.0f} CNY, {share:.1%} of total_assets "
            "{assets:,.0f} CNY in the company file (usual: {low:.0%} to {high:.0%}); check "
            "the units of market_value and of total_assets",
            "持仓合计 {total:,.0f} 元，为公司文件中总资产 {assets:,.0f} 元的 {share:.1%}"
            "（通常在 {low:.0%} 至 {high:.0%} 之间）；请核对 market_value 与 total_assets 的单位",
        ),
        "inputs.valuation_date_required": (
            "valuation_date is required: the holdings give look-through data dates (first at "
            "row {row}) and Rule 7 Art. 11 tests them against the valuation date; add "
            "valuation_date = YYYY-MM-DD to the company file",
            "必须填写 valuation_date：持仓文件填写了穿透数据日期（首次在第 {row} 行），规则第7号"
            "第十一条须以评估日检验其时效；请在公司文件中加入 valuation_date = YYYY-MM-DD",
        ),
        "inputs.look_through_stale": (
            "look-through data of {value} are older than the previous quarter of the valuation "
            "date {valuation_date}: charged as not looked through",
            "穿透数据日期 {value} 早于评估日 {valuation_date} 的上一季度：按无法穿透计量",
        ),
        "inputs.look_through_future": (
            "look-through data of {value} are dated after the valuation date {valuation_date}",
            "穿透数据日期 {value} 晚于评估日 {valuation_date}",
        ),
        "inputs.position_above_assets": (
            "a single position of {value:,.0f} CNY is larger than total_assets "
            "{assets:,.0f} CNY of the company file",
            "单个持仓 {value:,.0f} 元大于公司文件中的总资产 {assets:,.0f} 元",
        ),
    }
)


# --------------------------------------------------------------------------------------------
# Checks across files
# --------------------------------------------------------------------------------------------

#: positions' sum / total_assets below which (or above which) the units cannot agree
SUM_REFUSE_BELOW, SUM_REFUSE_ABOVE = 1e-3, 10.0
#: positions' sum / total_assets outside which a real book is unusual
SUM_WARN_BELOW, SUM_WARN_ABOVE = 0.6, 1.2

SUM_UNIT = rule(
    "inputs.sum_vs_total_assets_unit",
    "refuse",
    "An insurer holds most of its balance sheet as investments; positions adding up to less "
    "than 0.1% (or more than 10 times) of total assets mean the two files are in different "
    "units (亿元 or 万元 against CNY): every ratio computed from them would be wrong.",
    "保险公司的资产主要是投资资产；持仓合计不到总资产的 0.1%（或超过总资产的 10 倍），"
    "说明两个文件的金额单位不一致（亿元或万元与元混用），据此算出的所有比例都是错的。",
)
SUM_UNUSUAL = rule(
    "inputs.sum_vs_total_assets",
    "warn",
    "Investments are usually 60% to 120% of total assets (about 90% for a life insurer, 60% to "
    "85% for a P&C insurer, whose receivables and reinsurance assets are not investments); "
    "below that the holdings file is most often incomplete (an export cut short, a missing "
    "account), above it a total is stale, but a real book (a new insurer, a partial upload) can "
    "show it.",
    "投资资产通常为总资产的 60% 至 120%（寿险公司约 90%，财险公司 60% 至 85%，其应收款和再保险"
    "资产不属于投资）；低于该范围多半是持仓文件不全（导出被截断、漏了账户），高于该范围可能是总资产"
    "过期，但真实账簿（新设公司、部分上传）也可能如此。",
)
POSITION_ABOVE = rule(
    "inputs.position_above_total_assets",
    "refuse",
    "A single position cannot be worth more than the insurer's whole balance sheet; the "
    "position or total_assets is in the wrong unit.",
    "单个持仓不可能大于公司全部资产；持仓或总资产的单位有误。",
)

LOOK_THROUGH_STALE = rule(
    "holdings.look_through_stale",
    "warn",
    "Rule 7 Art. 11: a product is looked through with the current quarter's information, or "
    "the previous quarter's; older look-through data make it a product that cannot be looked "
    "through, so these rows are charged as not looked through (Art. 31-32: 0.6)",
    "规则第7号第十一条：穿透计量使用本季度信息，无法获取时可使用上季度信息；更早的穿透数据视为"
    "无法穿透，这些行按无法穿透计量（第三十一、三十二条：0.6）",
)
LOOK_THROUGH_FUTURE = rule(
    "holdings.look_through_future",
    "refuse",
    "look-through data dated after the valuation date cannot exist; the date or the company's "
    "valuation_date is wrong",
    "穿透数据的日期晚于评估日是不可能的；该日期或公司文件的 valuation_date 有误",
)


def freshness_check(
    holdings: Any, company: Any, holdings_file: str
) -> list[InputProblem | InputWarning]:
    """Rule 7 Art. 11 against the company's ``valuation_date``: stale look-through data warn
    (and are charged as not looked through), data after the valuation date are refused, and
    dates without a valuation date are refused (the test cannot be made)."""
    frame = getattr(holdings, "frame", None)
    if frame is None or "look_through_date" not in frame or len(frame) == 0:
        return []
    day = getattr(company, "valuation_day", None)
    if day is None:
        dated = np.flatnonzero(
            ~np.isnat(look_through_dates(frame)) & frame["look_through"].to_numpy(dtype=bool)
        )
        if not len(dated):
            return []
        return [
            InputProblem(
                getattr(company, "source", "<company>"),
                None,
                "valuation_date",
                text("inputs.valuation_date_required", row=int(dated[0]) + 2),
            )
        ]
    stale, future = look_through_age(frame, day)
    out: list[InputProblem | InputWarning] = []
    for r, mask, key in (
        (LOOK_THROUGH_STALE, stale, "inputs.look_through_stale"),
        (LOOK_THROUGH_FUTURE, future, "inputs.look_through_future"),
    ):
        rows = np.flatnonzero(mask)
        if len(rows):
            what = text(
                key,
                value=str(frame["look_through_date"].iloc[rows[0]]),
                valuation_date=day.isoformat(),
            )
            message = Text(f"{what.en}. {r.reason.en}", f"{what.zh}。{r.reason.zh}")
            out.append(
                r.breach(holdings_file, "look_through_date", [int(i) + 2 for i in rows], message)
            )
    return out


def cross_check(
    holdings: Any, company: Any, holdings_file: str
) -> list[InputProblem | InputWarning]:
    """Checks of the holdings against the company file: the positions' sum against
    ``total_assets``, single positions larger than ``total_assets`` and the look-through data
    dates against ``valuation_date`` (:func:`freshness_check`).

    Returns
    -------
    list of InputProblem (refusals) and InputWarning (warnings)
    """
    out: list[InputProblem | InputWarning] = freshness_check(holdings, company, holdings_file)
    frame = getattr(holdings, "frame", None)
    assets = float(getattr(company, "total_assets", 0.0) or 0.0)
    if frame is None or "market_value" not in frame or not assets > 0 or len(frame) == 0:
        return out
    mv = np.asarray(frame["market_value"], dtype=float)
    rows = getattr(holdings, "rows", None)
    rows = np.arange(len(mv)) + 2 if rows is None else np.asarray(rows)
    big = np.flatnonzero(mv > assets)
    if len(big):
        out.append(
            POSITION_ABOVE.breach(
                holdings_file,
                "market_value",
                [int(rows[i]) for i in big],
                text("inputs.position_above_assets", value=float(mv[big[0]]), assets=assets),
            )
        )
    total = float(mv.sum())
    share = total / assets
    if share < SUM_REFUSE_BELOW or share > SUM_REFUSE_ABOVE:
        out.append(
            SUM_UNIT.breach(
                holdings_file,
                "market_value",
                [],
                text("inputs.sum_below_assets", total=total, share=share, assets=assets),
            )
        )
    elif share < SUM_WARN_BELOW or share > SUM_WARN_ABOVE:
        out.append(
            SUM_UNUSUAL.breach(
                holdings_file,
                "market_value",
                [],
                text(
                    "inputs.sum_vs_assets",
                    total=total,
                    share=share,
                    assets=assets,
                    low=SUM_WARN_BELOW,
                    high=SUM_WARN_ABOVE,
                ),
            )
        )
    return out
