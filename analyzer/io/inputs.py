"""The one validation layer every front end shares: read the input files of a run, check each
file, check the files against each other, and stop on anything not accepted.

``load_inputs`` is what the command line, the dashboard upload and ``analyzer validate`` call.
Each reader validates its own file (see :mod:`analyzer.io.holdings`, :mod:`analyzer.io.company`,
:mod:`analyzer.io.assumptions`); this module adds the checks that need two files at once (the
positions' sum against ``total_assets``, a position larger than the balance sheet, liability
cash flows in another unit than the balance sheet) and the decision on warnings
(:func:`analyzer.errors.enforce_warnings`).

With ``collect=True`` (``analyzer validate``) every file is read even when an earlier one
failed, and all problems and warnings come back at once instead of stopping at the first file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.errors import (
    InputError,
    InputProblem,
    InputWarning,
    UnacceptedWarningError,
    enforce_warnings,
)
from analyzer.io.fields import (  # noqa: F401  (the readers' helpers, for older imports)
    decode_utf8,
    number,
    parse_toml,
    read_bytes,
    suggest,
    unknown_name,
)
from analyzer.io.provenance import InputFile, Provenance, file_digest
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
    from analyzer.io.holdings import look_through_age, look_through_dates

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


@dataclass(frozen=True)
class Inputs:
    """Validated inputs of one run, with what is needed to reproduce it.

    Attributes
    ----------
    holdings : Holdings or None
    company : Company or None
    assumptions : Assumptions or None
    templates : Holdings or None
        Model positions for classes not yet held (holdings format).
    warnings : tuple of InputWarning
        Every warning raised by the files (all accepted when ``load_inputs`` returned).
    provenance : Provenance
        Input digests, mapping, accepted warnings.
    scenarios : tuple of Shock
        The stress scenarios of the scenario files, in file order.
    commitments : dict or None
        The commitment plan (projection year -> CNY).
    limits : tuple (Limits, dict) or None
        The limits file read on top of the default limits, with the per-class costs.
    extra : tuple
        What the readers of ``load_inputs(extra=...)`` returned, in the same order (None for a
        file that failed under ``collect``).
    """

    @property
    def notes(self) -> tuple[tuple[str, Any], ...]:
        """Non-blocking notices of the readers, as (file, Text): columns of a holdings
        export that were ignored, the units a mapping converted."""
        out = []
        for h in (self.holdings, self.templates):
            for note in getattr(h, "notes", ()) or ():
                out.append((str(getattr(h, "source", "")), note))
        return tuple(out)

    holdings: Any = None
    company: Any = None
    assumptions: Any = None
    templates: Any = None
    warnings: tuple[InputWarning, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    scenarios: tuple = ()
    commitments: dict | None = None
    limits: Any = None
    extra: tuple[Any, ...] = ()


@dataclass
class _Collector:
    """Runs readers, keeping their problems (``collect``) or raising the first."""

    collect: bool
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)

    def read(self, role: str, path: str | Path | None, reader: Callable[[], Any]) -> Any:
        if path is None:
            return None
        try:
            value = reader()
        except InputError as err:
            if not self.collect:
                raise
            self.problems.extend(err.problems)
            return None
        if isinstance(path, (str, Path)) and Path(path).is_file():
            self.files.append(InputFile(role, str(path), file_digest(path)))
        self.warnings.extend(getattr(value, "warnings", ()) or ())
        return value


def _with_trades(c: _Collector, h: Any, co: Any, trades: str | Path) -> Any:
    """The holdings with holding periods from the trade history (its problems collected,
    its digest and new warnings recorded)."""
    import datetime as dt

    from analyzer.io.trades import apply_trades

    valuation = getattr(co, "valuation_date", None) or dt.date.today()
    try:
        new = apply_trades(h, trades, valuation)
    except InputError as err:
        if not c.collect:
            raise
        c.problems.extend(err.problems)
        return h
    if isinstance(trades, (str, Path)) and Path(trades).is_file():
        c.files.append(InputFile("trades", str(trades), file_digest(trades)))
    c.warnings.extend(new.warnings[len(h.warnings) :])
    return new


def load_inputs(
    holdings: str | Path | None = None,
    company: str | Path | None = None,
    assumptions: str | Path | None = None,
    correlations: str | Path | None = None,
    templates: str | Path | None = None,
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    repair: bool = False,
    collect: bool = False,
    *,
    scenarios: Collection[str | Path] = (),
    commitments: str | Path | None = None,
    horizon: int | None = None,
    limits: str | Path | None = None,
    extra: Sequence[tuple[str, str | Path, Callable[[dict], Any]]] = (),
    look_through: str | Path | None = None,
    trades: str | Path | None = None,
) -> Inputs:
    """Read, validate and cross-check the input files of a run.

    Parameters
    ----------
    holdings, company, assumptions, correlations, templates : path, optional
        The files (formats in ``docs/formats.md``); ``None`` skips a file.
    mapping : path, optional
        A mapping file that turns an insurer's own export into the holdings format.
    accept : collection of str
        Warning codes the user accepted (``--accept-warning``).
    repair : bool
        Replace a correlation matrix that is not positive semi-definite by its nearest
        correlation matrix.
    collect : bool
        Read every file and report every problem at once (``analyzer validate``).
    scenarios : paths, optional
        Stress scenario files (their asset classes are checked against the holdings').
    commitments : path, optional
        A commitment plan; ``horizon`` (years) refuses a year beyond it.
    limits : path, optional
        A limits file, read on top of the default limits (its classes are checked against
        the holdings'); a command that builds its limits from options reads the file again
        on top of them.
    look_through : path, optional
        A look-through file (``--look-through FILE``, :mod:`analyzer.io.look_through`): the
        underlyings of looked-through positions, read against the holdings and attached to
        them (``Holdings.look_through``); its digest is recorded (role ``look_through``).
    extra : sequence of (role, path, reader)
        Further files of a command (limits, scenarios, commitments): ``reader(read)`` is
        called after the files above, with ``read`` the dict of what they gave (``holdings``,
        ``company``, ``assumptions``, ``templates``; None when absent or failed); its problems,
        warnings and digest join the others.
    trades : path, optional
        A trade history (``--trades FILE``, :mod:`analyzer.io.trades`): the stocks' holding
        periods are derived from it as of the company's ``valuation_date`` (today when the
        company file has none or is not given).

    Raises
    ------
    InputError
        Any file or cross-file problem (all of them when ``collect``; the error then also
        carries ``warnings``, the warnings not accepted, so that nothing found is lost).
    UnacceptedWarningError
        Warnings not in ``accept``.
    """
    from analyzer.io.assumptions import read_assumptions
    from analyzer.io.company import read_company
    from analyzer.io.holdings import read_holdings

    c = _Collector(collect)
    h = c.read(
        "holdings",
        holdings,
        lambda: (
            read_holdings(holdings) if mapping is None else read_holdings(holdings, mapping=mapping)
        ),
    )
    co = c.read("company", company, lambda: read_company(company))
    a = c.read(
        "assumptions",
        assumptions,
        lambda: read_assumptions(assumptions, correlations, repair=repair),
    )
    if correlations is not None and Path(correlations).is_file():
        c.files.append(InputFile("correlations", str(correlations), file_digest(correlations)))
    if look_through is not None and h is not None:
        from dataclasses import replace

        from analyzer.io.look_through import read_look_through

        lt = c.read("look_through", look_through, lambda: read_look_through(look_through, h))
        if lt is not None:
            h = replace(h, look_through=lt, notes=tuple(h.notes) + tuple(lt.notes))
    elif look_through is not None and Path(look_through).is_file():
        c.files.append(InputFile("look_through", str(look_through), file_digest(look_through)))
    if h is not None and hasattr(h, "frame"):
        # a looked-through portfolio product is charged on its underlyings (Rule 7 Art. 14-20)
        from analyzer.io.holdings import products_without_underlyings

        lt_rows = getattr(h, "look_through", None)
        parents = () if lt_rows is None else lt_rows.frame["parent_id"].unique()
        unlooked = products_without_underlyings(h.frame, parents, h.source)
        if unlooked and not c.collect:
            raise InputError(unlooked)
        c.problems.extend(unlooked)
    if trades is not None and h is not None:
        h = _with_trades(c, h, co, trades)
    t = c.read("templates", templates, lambda: read_holdings(templates))
    if mapping is not None and Path(mapping).is_file():
        c.files.append(InputFile("mapping", str(mapping), file_digest(mapping)))
    held = None
    if h is not None and "asset_class" in getattr(h, "frame", {}):
        held = tuple(sorted({str(c) for c in h.frame["asset_class"] if str(c)}))
    shocks: list = []
    for path in scenarios:
        from analyzer.stress.scenario_file import read_scenarios

        got = c.read("scenarios", path, lambda p=path: read_scenarios(p, known_classes=held))
        shocks.extend(got or ())
    plan = None
    if commitments is not None:
        from analyzer.stress.commitments import read_commitments

        plan = c.read("commitments", commitments, lambda: read_commitments(commitments, horizon))
    lim = None
    if limits is not None:
        from analyzer.optimize.limits import read_limits

        lim = c.read("limits", limits, lambda: read_limits(limits, classes=held or ()))
    if h is not None and co is not None:
        for found in cross_check(h, co, str(holdings)):
            if isinstance(found, InputWarning):
                c.warnings.append(found)
            else:
                c.problems.append(found)
        if c.problems and not collect:
            raise InputError(c.problems)
    read = {"holdings": h, "company": co, "assumptions": a, "templates": t}
    more = tuple(
        c.read(role, path, lambda reader=reader: reader(read)) for role, path, reader in extra
    )
    if c.problems:
        pending = [w for w in c.warnings if w.code not in set(accept)]
        if pending:  # every problem and every open warning at once
            c.problems.extend(UnacceptedWarningError(pending).problems)
        err = InputError(c.problems)
        err.warnings = tuple(pending)
        raise err
    accepted = enforce_warnings(c.warnings, accept)
    return Inputs(
        holdings=h,
        company=co,
        assumptions=a,
        templates=t,
        warnings=accepted,
        provenance=Provenance(
            inputs=tuple(c.files),
            mapping=getattr(h, "mapping", None),
            accepted_warnings=accepted,
            defaults_used=dict(getattr(h, "defaults_used", None) or {}),
        ),
        scenarios=tuple(shocks),
        commitments=plan,
        limits=lim,
        extra=more,
    )
