"""The readable projection and plan (``analyzer project`` / ``analyzer plan --format table``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from analyzer.messages import Text, register, text
from analyzer.report.units import money, pct, unit_label

#: labels: key -> (English, Chinese); catalogue ids ``report.projection.<key>``
LABELS: dict[str, tuple[str, str]] = {
    "header": (
        "[bold]{company}[/bold]   regime [bold]{regime}[/bold]   from {date}, {n} {step}s, "
        "policy {policy}   money in {unit}",
        "[bold]{company}[/bold]   监管口径 [bold]{regime}[/bold]   自 {date} 起 {n} 个{step}，"
        "配置策略 {policy}   金额单位 {unit}",
    ),
    "step.quarter": ("quarter", "季度"),
    "step.year": ("year", "年度"),
    "base.title": (
        "Projected base scenario (Rule 10 Art. 13-14)",
        "基本情景预测（第10号规则第十三至十四条）",
    ),
    "col.date": ("date", "日期"),
    "col.comprehensive": ("comprehensive", "综合充足率"),
    "col.core": ("core", "核心充足率"),
    "col.minimum": ("minimum capital", "最低资本"),
    "col.actual": ("actual capital", "实际资本"),
    "col.core_capital": ("core capital", "核心资本"),
    "col.sci_tech": ("sci-tech share", "科技投资占比"),
    "col.new_money": ("new money", "新增资金"),
    "col.calls": ("VC calls", "基金实缴"),
    "col.distributions": ("VC distributions", "基金分配"),
    "col.matured": ("repaid", "到期兑付"),
    "today": ("today", "当前"),
    "stress.title": (
        "Annex 4 scenarios at the year-ends (Rule 10 Art. 23)",
        "年末附件4压力情景（第10号规则第二十三条）",
    ),
    "col.scenario": ("scenario", "情景"),
    "col.loss": ("loss of actual capital", "实际资本损失"),
    "reverse.title": (
        "Reverse stress where the comprehensive ratio is 100-150% (Rule 10 Art. 30)",
        "综合充足率介于 100% 至 150% 时的反向压力测试（第10号规则第三十条）",
    ),
    "col.driver": ("driver", "风险因子"),
    "col.threshold": ("threshold", "临界值"),
    "col.move": ("move that reaches it", "触及所需变动"),
    "reverse.none": (
        "no year-end comprehensive ratio between 100% and 150%: no reverse stress required",
        "各年末综合充足率均不在 100% 至 150% 之间：无需反向压力测试",
    ),
    "programme.title": ("VC commitment programme by year", "创投基金承诺出资计划（按年）"),
    "col.year": ("year", "年度"),
    "col.nav": ("NAV at year-end", "年末净值"),
    "notes.title": ("What the projection assumed", "预测假设"),
    "plan.title": (
        "The plan: amounts per class after the trades ({unit}; the {n} largest classes at the "
        "end, the rest in 'other')",
        "规划：各类别调仓后金额（{unit}；期末最大的 {n} 个类别，其余计入“其他”）",
    ),
    "plan.other": ("other", "其他"),
    "plan.vintages": ("New commitments per vintage", "各期新增承诺出资"),
    "col.vintage": ("vintage", "期次"),
    "col.commitment": ("commitment", "承诺金额"),
    "plan.binding": (
        "Binding limits and their shadow prices (objective {objective})",
        "起作用的约束及其影子价格（目标 {objective}）",
    ),
    "col.limit": ("limit", "约束"),
    "col.subject": ("subject", "对象"),
    "col.value": ("value", "取值"),
    "col.per_point": ("objective per ratio point / pp", "每 1 个百分点对应的目标值"),
    "col.bp_per_yi": ("1亿 more capital, bp of terminal book", "每增加 1 亿资本（期末规模的基点）"),
    "plan.binding_more": (
        "{n} more binding limits with smaller shadow prices: see --format json or xlsx",
        "另有 {n} 个影子价格较小的起作用约束：见 --format json 或 xlsx",
    ),
    "plan.rounds": (
        "Rounds against the engine: {n}; worst gap below a floor after the last {gap}; "
        "objective {value} {unit}; {seconds:.2f} s",
        "对照引擎的求解轮数：{n}；末轮低于下限的最大差距 {gap}；目标值 {value} {unit}；"
        "用时 {seconds:.2f} 秒",
    ),
}
register({f"report.projection.{k}": v for k, v in LABELS.items()})


def label(key: str, lang: str | None = None, **fields: object) -> str:
    """A label in ``lang`` (default: the user's language)."""
    return text(f"report.projection.{key}", **fields).render(lang)


def render(
    projection: Any,
    company: str,
    console: Console,
    unit: str = "yi",
    lang: str | None = None,
) -> None:
    """Print the projection: ratios per date, year-end stresses, reverse stress, the VC
    programme and the notes."""
    L = lambda k, **f: label(k, lang, **f)  # noqa: E731
    u = unit_label(unit)
    console.print(
        L(
            "header",
            company=company,
            regime=projection.regime,
            date=projection.valuation_date.isoformat(),
            n=len(projection.periods),
            step=L(f"step.{projection.step}"),
            policy=projection.policy,
            unit=u,
        )
    )
    t = Table(title=L("base.title"), title_justify="left")
    for key in (
        "col.date",
        "col.comprehensive",
        "col.core",
        "col.minimum",
        "col.actual",
        "col.core_capital",
        "col.sci_tech",
        "col.new_money",
        "col.matured",
        "col.calls",
        "col.distributions",
    ):
        t.add_column(L(key), justify="left" if key == "col.date" else "right")
    r0 = projection.today
    t.add_row(
        L("today"),
        pct(r0.comprehensive_ratio),
        pct(r0.core_ratio),
        money(r0.minimum_capital, unit),
        money(r0.actual_capital, unit),
        money(r0.core_capital, unit),
        "",
        "",
        "",
        "",
        "",
    )
    for p in projection.periods:
        r = p.result
        f = p.flows
        t.add_row(
            p.date.isoformat(),
            pct(r.comprehensive_ratio),
            pct(r.core_ratio),
            money(r.minimum_capital, unit),
            money(r.actual_capital, unit),
            money(r.core_capital, unit),
            pct(p.sci_tech_share),
            money(f.get("new_money", 0.0), unit),
            money(f.get("matured", 0.0), unit),
            money(f.get("calls", 0.0), unit),
            money(f.get("distributions", 0.0), unit),
        )
    console.print(t)
    stressed = [(p, s) for p in projection.periods for s in p.stressed]
    if stressed:
        t = Table(title=L("stress.title"), title_justify="left")
        for key in ("col.date", "col.scenario", "col.comprehensive", "col.core", "col.loss"):
            t.add_column(L(key), justify="left" if key in ("col.date", "col.scenario") else "right")
        for p, s in stressed:
            t.add_row(
                p.date.isoformat(),
                s.name,
                pct(s.stressed.comprehensive_ratio),
                pct(s.stressed.core_ratio),
                money(s.loss_actual, unit),
            )
        console.print(t)
        rev = [(p, r) for p in projection.periods for r in p.reverse]
        if rev:
            t = Table(title=L("reverse.title"), title_justify="left")
            for key in ("col.date", "col.driver", "col.threshold", "col.move"):
                t.add_column(L(key))
            for p, r in rev:
                move = "-" if r.move is None else f"{r.move:g} {r.unit}"
                t.add_row(
                    p.date.isoformat(),
                    r.driver,
                    f"{r.threshold.ratio} {pct(r.threshold.level, 0)}",
                    f"{move} ({r.status})",
                )
            console.print(t)
        else:
            console.print(L("reverse.none"))
    total = projection.commitments.get("total", [])
    if projection.commitments.get("vintages"):
        spy = 4 if projection.step == "quarter" else 1
        t = Table(title=L("programme.title"), title_justify="left")
        for key in ("col.year", "col.calls", "col.distributions", "col.nav"):
            t.add_column(L(key), justify="right")
        for y in range(len(total) // spy):
            rows = total[y * spy : (y + 1) * spy]
            t.add_row(
                str(y + 1),
                money(sum(r["calls"] for r in rows), unit),
                money(sum(r["distributions"] for r in rows), unit),
                money(rows[-1]["nav"], unit),
            )
        console.print(t)
    if projection.notes:
        console.print(L("notes.title") + ":")
        for n in projection.notes:
            console.print(
                "  - " + (n.render(lang) if isinstance(n, Text) else str(n)), markup=False
            )


def render_plan(
    plan: Any,
    console: Console,
    unit: str = "yi",
    lang: str | None = None,
    top: int = 8,
    top_binding: int = 15,
) -> None:
    """Print the plan: amounts per class and date, new commitments, binding limits with their
    shadow prices, and the rounds against the engine."""
    L = lambda k, **f: label(k, lang, **f)  # noqa: E731
    u = unit_label(unit)
    dates = list(plan.amounts)
    if dates:
        last = plan.amounts[dates[-1]]
        order = sorted(last, key=lambda c: -last[c])
        shown = order[:top]
        t = Table(title=L("plan.title", unit=u, n=len(shown)), title_justify="left")
        t.add_column(L("col.date"))
        for c in shown:
            t.add_column(c, justify="right")
        t.add_column(L("plan.other"), justify="right")
        for d in dates:
            a = plan.amounts[d]
            rest = sum(v for c, v in a.items() if c not in shown)
            t.add_row(d, *[money(a.get(c, 0.0), unit) for c in shown], money(rest, unit))
        console.print(t)
    if plan.commitments:
        t = Table(title=L("plan.vintages"), title_justify="left")
        t.add_column(L("col.vintage"))
        t.add_column(L("col.commitment"), justify="right")
        for k, v in plan.commitments.items():
            t.add_row(k, money(v, unit))
        console.print(t)
    if plan.binding:
        # the capital floors and the sci-tech path always; the other limits by shadow price
        first = [b for b in plan.binding if b.bp_per_yi is not None or "sci_tech" in b.limit]
        ranked = sorted(
            (b for b in plan.binding if b not in first), key=lambda b: -abs(b.per_point)
        )
        shown = sorted(first + ranked[:top_binding], key=lambda b: (b.date, b.limit, b.subject))
        ranked = first + ranked
        t = Table(title=L("plan.binding", objective=plan.objective), title_justify="left")
        for key in (
            "col.date",
            "col.limit",
            "col.subject",
            "col.value",
            "col.per_point",
            "col.bp_per_yi",
        ):
            left = key in ("col.date", "col.limit", "col.subject")
            t.add_column(L(key), justify="left" if left else "right")
        for b in shown:
            value = b.requested if b.requested is not None else b.value
            t.add_row(
                b.date,
                b.limit,
                b.subject,
                money(value * 1e8, unit) if b.limit.endswith("_threshold") else pct(value),
                money(b.per_point, unit),
                "" if b.bp_per_yi is None else f"{b.bp_per_yi:.3f}",
            )
        console.print(t)
        if len(ranked) > len(shown):
            console.print(L("plan.binding_more", n=len(ranked) - len(shown)))
    console.print(
        L(
            "plan.rounds",
            n=len(plan.rounds),
            gap=pct(plan.final_gap, 2),
            value=money(plan.objective_value, unit),
            unit=u,
            seconds=plan.seconds,
        )
    )
    for n in plan.notes:
        console.print("  - " + (n.render(lang) if isinstance(n, Text) else str(n)), markup=False)


__all__ = ["LABELS", "label", "render", "render_plan"]
