"""The readable solvency report (``analyzer solvency --format table``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from analyzer.compliance import label as compliance_label
from analyzer.messages import language, register
from analyzer.report.units import money, pct, unit_label
from analyzer.solvency.aggregation import diversified_for
from analyzer.solvency.messages import compose
from analyzer.solvency.result import SolvencyResult

#: the report's labels: key -> (English, Chinese); catalogue ids ``report.solvency.<key>``
LABELS: dict[str, tuple[str, str]] = {
    "status.below_minimum": ("BELOW MINIMUM", "低于最低要求"),
    "status.watch": ("watch (below the priority-review level)", "关注（低于重点核查水平）"),
    "status.below_target": ("meets minimum, below company target", "达到最低要求，低于公司目标"),
    "status.ok": ("ok", "正常"),
    "header": (
        "[bold]{company}[/bold]  ({company_type})   regime [bold]{regime}[/bold]   money in {unit}",
        "[bold]{company}[/bold]  （{company_type}）   监管口径 [bold]{regime}[/bold]   "
        "金额单位 {unit}",
    ),
    "ratios.title": ("Solvency ratios", "偿付能力充足率"),
    "col.ratio": ("ratio", "指标"),
    "col.value": ("value", "数值"),
    "col.legal_minimum": ("legal minimum", "监管最低要求"),
    "col.watch": ("watch level", "关注水平"),
    "col.target": ("company target", "公司目标"),
    "col.status": ("status", "状态"),
    "ratio.comprehensive": ("comprehensive (综合偿付能力充足率)", "综合偿付能力充足率"),
    "ratio.core": ("core (核心偿付能力充足率)", "核心偿付能力充足率"),
    "capital.title": ("Capital ({unit})", "资本（{unit}）"),
    "col.item": ("item", "项目"),
    "col.amount": ("amount", "金额"),
    "capital.actual": ("actual capital 实际资本", "实际资本"),
    "capital.core": ("core capital 核心资本", "核心资本"),
    "capital.minimum": ("minimum capital 最低资本", "最低资本"),
    "modules.title": ("Minimum capital by module ({unit})", "各风险模块最低资本（{unit}）"),
    "col.module": ("module", "风险模块"),
    "col.capital": ("capital", "最低资本"),
    "col.rule": ("rule", "规则"),
    "m.interest_rate": ("  interest rate 利率风险", "  利率风险"),
    "m.equity": ("  equity 权益价格风险", "  权益价格风险"),
    "m.real_estate": ("  real estate 房地产价格风险", "  房地产价格风险"),
    "m.overseas_fixed_income": (
        "  overseas fixed income 境外固定收益",
        "  境外固定收益类资产价格风险",
    ),
    "m.overseas_equity": ("  overseas equity 境外权益", "  境外权益类资产价格风险"),
    "m.fx": ("  FX 汇率风险", "  汇率风险"),
    "m.market": ("market risk 市场风险 (diversified)", "市场风险（分散后）"),
    "m.spread": ("  spread 利差风险", "  利差风险"),
    "m.default": ("  default 交易对手违约风险", "  交易对手违约风险"),
    "m.credit": ("credit risk 信用风险 (diversified)", "信用风险（分散后）"),
    "m.life": ("life insurance risk 寿险保险风险", "寿险业务保险风险"),
    "m.nonlife": ("non-life insurance risk 非寿险保险风险", "非寿险业务保险风险"),
    "m.diversification": ("diversification 风险分散效应", "风险分散效应"),
    "m.loss_absorption": ("loss absorption 损失吸收效应", "损失吸收效应"),
    "m.size": ("size coefficient {k:+.2f}", "规模调整系数 {k:+.2f}"),
    "m.quantifiable": ("quantifiable risk 可资本化风险最低资本", "可资本化风险最低资本"),
    "m.control": ("control risk 控制风险 (Q = {q:+.3f})", "控制风险（Q = {q:+.3f}）"),
    "m.additional": ("additional capital 附加资本", "附加资本"),
    "m.minimum": ("minimum capital 最低资本", "最低资本"),
    "rule.company_file": ("company file", "公司文件"),
    "la.formula": (
        "Loss absorption (Rule 2 Art. 19): LA = min(MC_par x beta, LA_cap) = {la}; MC_par "
        "{mc} (market {market}, credit {credit}, {n} participating/universal positions), "
        "beta {beta:.4f} (K = {k:g}), LA_cap = max(pv_base - pv_floor, 0) = {cap}",
        "损失吸收效应（规则第2号第19条）：LA = min(MC分红万能账户 × β, LA上限) = {la}；"
        "MC分红万能账户 {mc}（市场 {market}，信用 {credit}，分红/万能持仓 {n} 笔），"
        "β = {beta:.4f}（K = {k:g}），LA上限 = max(PV基础 - PV下限, 0) = {cap}",
    ),
    "la.company_file": (
        "Loss absorption (Rule 2 Art. 19): {la}, the fixed [minimum_capital] loss_absorption "
        "of the company file (the book's MC_par would be {mc}, {n} participating/universal "
        "positions)",
        "损失吸收效应（规则第2号第19条）：{la}，取公司文件 [minimum_capital] loss_absorption "
        "的固定值（按持仓计算的 MC分红万能账户 为 {mc}，分红/万能持仓 {n} 笔）",
    ),
    "la.none": (
        "Loss absorption (Rule 2 Art. 19): 0; {n} participating/universal positions (MC_par "
        "{mc}) but the company file gives no [loss_absorption] pv_base and pv_floor",
        "损失吸收效应（规则第2号第19条）：0；有分红/万能持仓 {n} 笔（MC分红万能账户 {mc}），"
        "但公司文件未提供 [loss_absorption] 的 pv_base 和 pv_floor",
    ),
    "la.separate": (
        "Separate accounts (Rule 2 Art. 12): {n} positions, {value}, carry no market or credit "
        "capital",
        "独立账户（规则第2号第12条）：{n} 笔持仓，{value}，不计市场风险和信用风险最低资本",
    ),
    "life": (
        "Life interest rate (scenario method, binding: {binding}): liabilities PV {pv}, "
        "net PV change up {up}, down {down}",
        "寿险利率风险（情景法，起作用的情景：{binding}）：负债现值 {pv}，"
        "上升情景净现值变动 {up}，下降情景 {down}",
    ),
    "compliance.title": (
        "Investment-ratio compliance (shares of prior-quarter total assets)",
        "投资比例监管（占上季末总资产的比例）",
    ),
    "col.limit": ("limit", "比例限制"),
    "col.share": ("share", "占比"),
    "col.cap": ("cap", "上限"),
    "col.headroom": ("headroom ({unit})", "剩余空间（{unit}）"),
    "col.largest": ("largest", "最大者"),
    "breach": ("BREACH", "超限"),
    "top.title": (
        "Ten largest capital consumers (Euler contribution to minimum capital, {unit})",
        "占用资本最多的持仓（对最低资本的欧拉贡献，{unit}）",
    ),
    "col.id": ("id", "编号"),
    "col.asset_type": ("asset type", "资产类型"),
    "col.class": ("class", "配置大类"),
    "col.exposure": ("exposure", "风险暴露"),
    "col.standalone": ("stand-alone capital", "单独计量的最低资本"),
    "col.contribution": ("contribution", "贡献"),
    "scitech.title": ("Sci-tech view (measures 15-16)", "科技投资视图（第 15-16 条措施）"),
    "scitech.assets": ("sci-tech assets", "科技投资资产"),
    "scitech.assets_value": ("{value} ({share} of invested)", "{value}（占投资资产 {share}）"),
    "scitech.target": ("target share", "目标占比"),
    "scitech.capital": (
        "stand-alone capital of sci-tech assets, {regime}",
        "科技投资资产单独计量的最低资本，{regime}",
    ),
    "scitech.capital_baseline": ("the same under {regime}", "{regime} 下的同一数值"),
    "scitech.minimum_baseline": ("minimum capital under {regime}", "{regime} 下的最低资本"),
    "scitech.relief": (
        "sci-tech relief: sci-tech positions' factors (size coefficient excluded)",
        "科技投资资产风险因子带来的资本节约（不含规模调整系数）",
    ),
    "scitech.change_title": (
        "Minimum capital released by {regime} against {base}, by cause ({unit})",
        "{regime} 较 {base} 释放的最低资本，按原因分解（{unit}）",
    ),
    "col.cause": ("cause", "原因"),
    "col.how": ("how it is measured", "计量方法"),
    "scitech.cause.relief": ("sci-tech positions' factors", "科技投资资产的风险因子"),
    "scitech.how.relief": (
        "sci-tech positions at {base} factors, all else {regime}",
        "科技投资资产按 {base} 因子，其余按 {regime}",
    ),
    "scitech.cause.other": ("other positions' factors", "其他资产的风险因子"),
    "scitech.how.other": (
        "other positions at {base} factors, all else {regime}",
        "其他资产按 {base} 因子，其余按 {regime}",
    ),
    "scitech.cause.size": ("size coefficient", "规模调整系数"),
    "scitech.how.size": (
        "size coefficient {k_base:+.2f} instead of {k:+.2f}, all else {regime}",
        "规模调整系数取 {k_base:+.2f}（而非 {k:+.2f}），其余按 {regime}",
    ),
    "scitech.cause.remainder": ("remainder (interaction)", "剩余（交互作用）"),
    "scitech.how.remainder": (
        "diversification and the size coefficient make the parts non-additive",
        "风险分散与规模调整系数使各部分不可直接相加",
    ),
    "scitech.cause.total": ("whole change", "合计变动"),
    "scitech.how.total": (
        "minimum capital under {base} minus under {regime}",
        "{base} 下最低资本减 {regime} 下最低资本",
    ),
    "scitech.ratio_baseline": (
        "comprehensive ratio under {regime}",
        "{regime} 下的综合偿付能力充足率",
    ),
    "footer": (
        "Diversification benefit: {amount} {unit}. Every number traces to its rule: "
        "--format xlsx writes the per-charge trace with articles.",
        "风险分散效应：{amount} {unit}。每个数字都可追溯到规则条文："
        "--format xlsx 会写出逐项计提明细及条款。",
    ),
}
register({f"report.solvency.{k}": v for k, v in LABELS.items()})


def label(key: str, lang: str | None = None, **fields: object) -> str:
    """A label of the report in ``lang`` (default: the user's language)."""
    return compose(f"report.solvency.{key}", **fields).render(lang or language())


def _status(
    ratio: float, minimum: float, watch: float, target: float | None, lang: str | None = None
) -> str:
    if ratio < minimum:
        return label("status.below_minimum", lang)
    if ratio < watch:
        return label("status.watch", lang)
    if target is not None and ratio < target:
        return label("status.below_target", lang)
    return label("status.ok", lang)


def _before_size(result: SolvencyResult) -> float:
    """MC* - LA (CNY), the quantifiable capital before the size coefficient: the inverse of
    the quantifiable capital ``(MC* - LA)(1 + k)`` (:func:`diversified_for` with no loss
    absorption, control risk or additional capital); 0 for ``k = -1``."""
    if result.size_coefficient == -1:
        return 0.0
    return float(diversified_for(result.quantifiable, 0.0, result.size_coefficient))


def render(
    result: SolvencyResult,
    console: Console,
    unit: str = "yi",
    targets: tuple[float, float] | None = None,
    top: int = 10,
    lang: str | None = None,
) -> None:
    """Print the report.

    Parameters
    ----------
    targets : (comprehensive, core) company targets, fractions, or None
    lang : "zh" or "en" (default: :func:`analyzer.messages.language`)
    """
    lang = lang or language()

    def L(key: str, **fields: object) -> str:  # noqa: N802 (reads as a label)
        return label(key, lang, **fields)

    u = unit_label(unit)
    th = result.thresholds
    console.print(
        L(
            "header",
            company=result.company,
            company_type=result.company_type,
            regime=result.regime,
            unit=u,
        )
    )

    t = Table(title=L("ratios.title"), title_justify="left")
    for key in ("ratio", "value", "legal_minimum", "watch", "target", "status"):
        t.add_column(L(f"col.{key}"), justify="right" if key not in ("ratio", "status") else "left")
    tc, tk = targets if targets else (None, None)
    t.add_row(
        L("ratio.comprehensive"),
        pct(result.comprehensive_ratio),
        pct(th["comprehensive_minimum"], 0),
        pct(th["comprehensive_watch"], 0),
        pct(tc, 0) if tc else "-",
        _status(
            result.comprehensive_ratio,
            th["comprehensive_minimum"],
            th["comprehensive_watch"],
            tc,
            lang,
        ),
    )
    t.add_row(
        L("ratio.core"),
        pct(result.core_ratio),
        pct(th["core_minimum"], 0),
        pct(th["core_watch"], 0),
        pct(tk, 0) if tk else "-",
        _status(result.core_ratio, th["core_minimum"], th["core_watch"], tk, lang),
    )
    console.print(t)

    t = Table(title=L("capital.title", unit=u), title_justify="left")
    t.add_column(L("col.item"))
    t.add_column(L("col.amount"), justify="right")
    for key, value in (
        ("capital.actual", result.actual_capital),
        ("capital.core", result.core_capital),
        ("capital.minimum", result.minimum_capital),
    ):
        t.add_row(L(key), money(value, unit))
    console.print(t)

    t = Table(title=L("modules.title", unit=u), title_justify="left")
    t.add_column(L("col.module"))
    t.add_column(L("col.capital"), justify="right")
    t.add_column(L("col.rule"))
    m, c = result.market, result.credit
    rows = [
        (L("m.interest_rate"), m["interest_rate"], "Rule 8 Art. 11-20"),
        (L("m.equity"), m["equity"], "Rule 8 Art. 24-37; Rule 7"),
        (L("m.real_estate"), m["real_estate"], "Rule 8 Art. 38-43"),
        (L("m.overseas_fixed_income"), m["overseas_fixed_income"], "Rule 8 Art. 44-48"),
        (L("m.overseas_equity"), m["overseas_equity"], "Rule 8 Art. 49-54"),
        (L("m.fx"), m["fx"], "Rule 8 Art. 55-59"),
        (L("m.market"), m["total"], "Rule 8 Art. 69-70"),
        (L("m.spread"), c["spread"], "Rule 9 Art. 11-17"),
        (L("m.default"), c["default"], "Rule 9 Art. 18-39; Rule 7"),
        (L("m.credit"), c["total"], "Rule 9 Art. 43"),
        (L("m.life"), result.insurance["life"], L("rule.company_file")),
        (L("m.nonlife"), result.insurance["nonlife"], L("rule.company_file")),
        (L("m.diversification"), -result.diversification, "Rule 2 Art. 15-18"),
        (L("m.loss_absorption"), -result.loss_absorption, "Rule 2 Art. 19"),
        (
            L("m.size", k=result.size_coefficient),
            result.quantifiable - _before_size(result),
            "金规〔2023〕5号 一",
        ),
        (L("m.quantifiable"), result.quantifiable, "Rule 2 Art. 15"),
        (
            L("m.control", q=result.control_q),
            result.control,
            "Rule 12 Art. 120",
        ),
        (L("m.additional"), result.additional, "Rule 2 Art. 21"),
        (L("m.minimum"), result.minimum_capital, "Rule 2 Art. 5"),
    ]
    for name, value, rule in rows:
        t.add_row(name, money(value, unit), rule)
    console.print(t)
    for line in loss_absorption_lines(result, unit, lang):
        console.print(line)
    if result.life_interest_rate:
        li = result.life_interest_rate
        console.print(
            L(
                "life",
                binding=li["binding"],
                pv=money(li["liability_pv_base"], unit),
                up=money(li["net_delta_up"], unit),
                down=money(li["net_delta_down"], unit),
            )
        )

    t = Table(
        title=L("compliance.title"),
        title_justify="left",
    )
    for key in ("limit", "value", "share", "cap", "headroom", "status", "largest"):
        t.add_column(
            L(f"col.{key}", unit=u),
            justify="left" if key in ("limit", "status", "largest") else "right",
        )
    for chk in result.compliance.checks:
        t.add_row(
            chk.limit if lang == "en" else compliance_label(chk.limit),
            money(chk.value, unit),
            pct(chk.share, 2),
            pct(chk.cap, 0),
            money(chk.headroom, unit),
            L("breach") if chk.breached else L("status.ok"),
            chk.subject,
        )
    console.print(t)

    t = Table(
        title=L("top.title", unit=u),
        title_justify="left",
    )
    for key in ("id", "asset_type", "class", "exposure", "standalone", "contribution", "share"):
        t.add_column(
            L(f"col.{key}"), justify="left" if key in ("id", "asset_type", "class") else "right"
        )
    for row in result.top_consumers(top).itertuples():
        t.add_row(
            str(row.id),
            row.asset_type,
            str(row.asset_class),
            money(row.exposure, unit),
            money(row.capital, unit),
            money(row.marginal_capital, unit),
            pct(row.marginal_capital / result.minimum_capital, 2),
        )
    console.print(t)

    if result.scitech:
        s = result.scitech
        t = Table(title=L("scitech.title"), title_justify="left")
        t.add_column(L("col.item"))
        t.add_column(L("col.value"), justify="right")
        t.add_row(
            L("scitech.assets"),
            L("scitech.assets_value", value=money(s.value, unit), share=pct(s.share, 2)),
        )
        if s.target:
            t.add_row(L("scitech.target"), pct(s.target, 1))
        t.add_row(L("scitech.capital", regime=result.regime), money(s.capital, unit))
        t.add_row(
            L("scitech.capital_baseline", regime=s.baseline_regime),
            money(s.capital_baseline, unit),
        )
        t.add_row(
            L("scitech.minimum_baseline", regime=s.baseline_regime),
            money(s.minimum_capital_baseline, unit),
        )
        t.add_row(L("scitech.relief"), money(s.relief, unit))
        t.add_row(
            L("scitech.ratio_baseline", regime=s.baseline_regime),
            pct(s.comprehensive_ratio_baseline),
        )
        console.print(t)
        console.print(scitech_causes_table(result, unit))
    from analyzer.report.liquidity_text import liquidity_tables

    for part in liquidity_tables(result, unit, lang):
        console.print(part, markup=not isinstance(part, str))
    console.print(L("footer", amount=money(result.diversification, unit), unit=u))


#: the causes of the change since the baseline regime, in report order, with their
#: SciTechView fields
SCITECH_CAUSES: tuple[tuple[str, str], ...] = (
    ("relief", "relief"),
    ("other", "relief_other_factors"),
    ("size", "relief_size_coefficient"),
    ("remainder", "relief_remainder"),
    ("total", "regime_change"),
)


def scitech_cause_rows(
    result: SolvencyResult, lang: str | None = None
) -> list[tuple[str, str, float, str]]:
    """The change of minimum capital since the baseline regime, by cause, as rows
    ``(field, cause, CNY, how it is measured)`` in ``lang``: the sci-tech positions' factors
    (the headline relief), the other positions' factors, the size coefficient, the remainder
    and the whole change (the first four add up to the last). The text report and the
    workbook both show these rows."""
    s = result.scitech
    if s is None:
        raise ValueError("the result has no sci-tech view")
    names = {"regime": result.regime, "base": s.baseline_regime}
    size = {**names, "k": result.size_coefficient, "k_base": s.size_coefficient_baseline}
    return [
        (
            field,
            label(f"scitech.cause.{cause}", lang),
            float(getattr(s, field)),
            label(f"scitech.how.{cause}", lang, **(size if cause == "size" else names)),
        )
        for cause, field in SCITECH_CAUSES
    ]


def scitech_causes_table(result: SolvencyResult, unit: str, lang: str | None = None) -> Table:
    """:func:`scitech_cause_rows` as a table (money in ``unit``)."""
    s = result.scitech
    if s is None:
        raise ValueError("the result has no sci-tech view")
    t = Table(
        title=label(
            "scitech.change_title",
            lang,
            unit=unit_label(unit),
            regime=result.regime,
            base=s.baseline_regime,
        ),
        title_justify="left",
    )
    t.add_column(label("col.cause", lang))
    t.add_column(label("col.amount", lang), justify="right")
    t.add_column(label("col.how", lang))
    for _, cause, value, how in scitech_cause_rows(result, lang):
        t.add_row(cause, money(value, unit), how)
    return t


def loss_absorption_lines(
    result: SolvencyResult, unit: str = "yi", lang: str | None = None
) -> list[str]:
    """How the loss absorption was found (Rule 2 Art. 19) and the separate-account positions
    left out of capital (Rule 2 Art. 12), one line each, in ``lang`` (default: the user's
    language); nothing for a book without either and no loss absorption."""
    d = result.loss_absorption_detail
    if not d:
        return []
    u = unit_label(unit)

    def amount(value: float) -> str:
        return f"{money(value, unit)} {u}"

    out = []
    n = d["positions"]
    fields = {
        "la": amount(d["value"]),
        "mc": amount(d["mc_par"]),
        "market": amount(d["market"]),
        "credit": amount(d["credit"]),
        "n": n,
    }
    if d["source"] == "formula":
        out.append(
            label("la.formula", lang, beta=d["beta"], k=d["k"], cap=amount(d["cap"]), **fields)
        )
    elif d["source"] == "company_file":
        out.append(label("la.company_file", lang, **fields))
    elif n:
        out.append(label("la.none", lang, **fields))
    if d["separate_positions"]:
        out.append(
            label(
                "la.separate",
                lang,
                n=d["separate_positions"],
                value=amount(d["separate_value"]),
            )
        )
    return out
