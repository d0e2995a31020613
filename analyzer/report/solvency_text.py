"""The readable solvency report (``analyzer solvency --format table``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from analyzer.report.units import money, pct, unit_label
from analyzer.solvency.result import SolvencyResult


def _status(ratio: float, minimum: float, watch: float, target: float | None) -> str:
    if ratio < minimum:
        return "BELOW MINIMUM"
    if ratio < watch:
        return "watch (below the priority-review level)"
    if target is not None and ratio < target:
        return "meets minimum, below company target"
    return "ok"


def render(
    result: SolvencyResult,
    console: Console,
    unit: str = "yi",
    targets: tuple[float, float] | None = None,
    top: int = 10,
) -> None:
    """Print the report.

    Parameters
    ----------
    targets : (comprehensive, core) company targets, fractions, or None
    """
    u = unit_label(unit)
    th = result.thresholds
    console.print(
        f"[bold]{result.company}[/bold]  ({result.company_type})   regime "
        f"[bold]{result.regime}[/bold]   money in {u}"
    )

    t = Table(title="Solvency ratios", title_justify="left")
    for col in ("ratio", "value", "legal minimum", "watch level", "company target", "status"):
        t.add_column(col, justify="right" if col not in ("ratio", "status") else "left")
    tc, tk = targets if targets else (None, None)
    t.add_row(
        "comprehensive (综合偿付能力充足率)",
        pct(result.comprehensive_ratio),
        pct(th["comprehensive_minimum"], 0),
        pct(th["comprehensive_watch"], 0),
        pct(tc, 0) if tc else "-",
        _status(
            result.comprehensive_ratio, th["comprehensive_minimum"], th["comprehensive_watch"], tc
        ),
    )
    t.add_row(
        "core (核心偿付能力充足率)",
        pct(result.core_ratio),
        pct(th["core_minimum"], 0),
        pct(th["core_watch"], 0),
        pct(tk, 0) if tk else "-",
        _status(result.core_ratio, th["core_minimum"], th["core_watch"], tk),
    )
    console.print(t)

    t = Table(title=f"Capital ({u})", title_justify="left")
    t.add_column("item")
    t.add_column("amount", justify="right")
    for label, value in (
        ("actual capital 实际资本", result.actual_capital),
        ("core capital 核心资本", result.core_capital),
        ("minimum capital 最低资本", result.minimum_capital),
    ):
        t.add_row(label, money(value, unit))
    console.print(t)

    t = Table(title=f"Minimum capital by module ({u})", title_justify="left")
    t.add_column("module")
    t.add_column("capital", justify="right")
    t.add_column("rule")
    m, c = result.market, result.credit
    rows = [
        ("  interest rate 利率风险", m["interest_rate"], "Rule 8 Art. 11-20"),
        ("  equity 权益价格风险", m["equity"], "Rule 8 Art. 24-37; Rule 7"),
        ("  real estate 房地产价格风险", m["real_estate"], "Rule 8 Art. 38-43"),
        ("  overseas fixed income 境外固定收益", m["overseas_fixed_income"], "Rule 8 Art. 44-48"),
        ("  overseas equity 境外权益", m["overseas_equity"], "Rule 8 Art. 49-54"),
        ("  FX 汇率风险", m["fx"], "Rule 8 Art. 55-59"),
        ("market risk 市场风险 (diversified)", m["total"], "Rule 8 Art. 69-70"),
        ("  spread 利差风险", c["spread"], "Rule 9 Art. 11-17"),
        ("  default 交易对手违约风险", c["default"], "Rule 9 Art. 18-39; Rule 7"),
        ("credit risk 信用风险 (diversified)", c["total"], "Rule 9 Art. 43"),
        ("life insurance risk 寿险保险风险", result.insurance["life"], "company file"),
        ("non-life insurance risk 非寿险保险风险", result.insurance["nonlife"], "company file"),
        ("diversification 风险分散效应", -result.diversification, "Rule 2 Art. 15-18"),
        ("loss absorption 损失吸收效应", -result.loss_absorption, "Rule 2 Art. 19"),
        (
            f"size coefficient {result.size_coefficient:+.2f}",
            result.quantifiable
            - (
                result.quantifiable / (1 + result.size_coefficient)
                if result.size_coefficient != -1
                else 0.0
            ),
            "金规〔2023〕5号 一",
        ),
        ("quantifiable risk 可资本化风险最低资本", result.quantifiable, "Rule 2 Art. 15"),
        (
            f"control risk 控制风险 (Q = {result.control_q:+.3f})",
            result.control,
            "Rule 12 Art. 120",
        ),
        ("additional capital 附加资本", result.additional, "Rule 2 Art. 21"),
        ("minimum capital 最低资本", result.minimum_capital, "Rule 2 Art. 5"),
    ]
    for label, value, rule in rows:
        t.add_row(label, money(value, unit), rule)
    console.print(t)
    if result.life_interest_rate:
        li = result.life_interest_rate
        console.print(
            f"Life interest rate (scenario method, binding: {li['binding']}): "
            f"liabilities PV {money(li['liability_pv_base'], unit)}, "
            f"net PV change up {money(li['net_delta_up'], unit)}, "
            f"down {money(li['net_delta_down'], unit)}"
        )

    t = Table(
        title="Investment-ratio compliance (shares of prior-quarter total assets)",
        title_justify="left",
    )
    for col in ("limit", "value", "share", "cap", f"headroom ({u})", "status", "largest"):
        t.add_column(col, justify="left" if col in ("limit", "status", "largest") else "right")
    for chk in result.compliance.checks:
        t.add_row(
            chk.limit,
            money(chk.value, unit),
            pct(chk.share, 2),
            pct(chk.cap, 0),
            money(chk.headroom, unit),
            "BREACH" if chk.breached else "ok",
            chk.subject,
        )
    console.print(t)

    t = Table(
        title=f"Ten largest capital consumers (Euler contribution to minimum capital, {u})",
        title_justify="left",
    )
    for col in (
        "id",
        "asset type",
        "class",
        "exposure",
        "stand-alone capital",
        "contribution",
        "share",
    ):
        t.add_column(col, justify="left" if col in ("id", "asset type", "class") else "right")
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
        t = Table(title="Sci-tech view (measures 15-16)", title_justify="left")
        t.add_column("item")
        t.add_column("value", justify="right")
        t.add_row("sci-tech assets", f"{money(s.value, unit)} ({pct(s.share, 2)} of invested)")
        if s.target:
            t.add_row("target share", pct(s.target, 1))
        t.add_row(
            f"stand-alone capital of sci-tech assets, {result.regime}", money(s.capital, unit)
        )
        t.add_row(f"the same under {s.baseline_regime}", money(s.capital_baseline, unit))
        t.add_row(
            f"minimum capital under {s.baseline_regime}", money(s.minimum_capital_baseline, unit)
        )
        t.add_row("capital relief of the newer rules", money(s.relief, unit))
        t.add_row(
            f"comprehensive ratio under {s.baseline_regime}", pct(s.comprehensive_ratio_baseline)
        )
        console.print(t)
    console.print(
        f"Diversification benefit: {money(result.diversification, unit)} {u}. "
        "Every number traces to its rule: --format xlsx writes the per-charge trace "
        "with articles."
    )
