"""Chinese and English texts of the optimiser (ids ``optimize.*``): the limits as they are
named in an infeasibility explanation, and the optimiser's errors."""

from __future__ import annotations

from analyzer.messages import register
from analyzer.solvency.messages import compose, join

__all__ = ["compose", "join"]

register(
    {
        # limits, as named in an explanation of an infeasible plan
        "optimize.limit.min_core_ratio": (
            "the {floor:.0%} core solvency-ratio floor",
            "{floor:.0%} 的核心偿付能力充足率下限",
        ),
        "optimize.limit.min_comprehensive_ratio": (
            "the {floor:.0%} comprehensive solvency-ratio floor",
            "{floor:.0%} 的综合偿付能力充足率下限",
        ),
        "optimize.limit.real_estate_cap": (
            "the {cap:.0%} cap on 不动产类 real estate",
            "不动产类资产 {cap:.0%} 的比例上限",
        ),
        "optimize.limit.other_financial_cap": (
            "the {cap:.0%} cap on 其他金融资产 other financial assets",
            "其他金融资产 {cap:.0%} 的比例上限",
        ),
        "optimize.limit.overseas_cap": (
            "the {cap:.0%} cap on 境外 overseas investment",
            "境外投资 {cap:.0%} 的比例上限",
        ),
        "optimize.limit.equity_cap": (
            "the {cap:.0%} equity cap (tier of a {tier:.0%} comprehensive ratio)",
            "权益类资产 {cap:.0%} 的比例上限（综合偿付能力充足率 {tier:.0%} 对应的档位）",
        ),
        "optimize.limit.venture_capital_cap": (
            "the {cap:.0%} cap on VC funds",
            "创业投资基金 {cap:.0%} 的比例上限",
        ),
        "optimize.limit.single_counterparty": (
            "the {cap:.0%} single-counterparty cap",
            "单一法人主体 {cap:.0%} 的集中度上限",
        ),
        "optimize.limit.counterparty_threshold": (
            "the {threshold:.1f} 亿元 counterparty concentration threshold",
            "{threshold:.1f} 亿元的交易对手集中度阈值",
        ),
        "optimize.limit.single_asset": (
            "the {cap:.0%} single-asset cap",
            "单一资产 {cap:.0%} 的集中度上限",
        ),
        "optimize.limit.property_concentration": (
            "the {share:.0%} real-estate concentration threshold",
            "不动产 {share:.0%} 的集中度阈值",
        ),
        "optimize.limit.min_sci_tech": (
            "the {minimum:.1%} sci-tech minimum",
            "科技投资占比 {minimum:.1%} 的下限",
        ),
        "optimize.limit.min_liquidity": (
            "the {minimum:.1%} liquidity floor",
            "流动性资产 {minimum:.1%} 的下限",
        ),
        "optimize.limit.min_weight": ("the minimum weight", "最低权重"),
        "optimize.limit.max_weight": ("the maximum weight", "最高权重"),
        "optimize.limit.group_min": (
            "the {bound:.1%} minimum on group {group}",
            "资产组 {group} {bound:.1%} 的下限",
        ),
        "optimize.limit.group_max": (
            "the {bound:.1%} maximum on group {group}",
            "资产组 {group} {bound:.1%} 的上限",
        ),
        "optimize.limit.min_duration": (
            "the {years:g}-year minimum duration",
            "{years:g} 年的久期下限",
        ),
        "optimize.limit.max_duration": (
            "the {years:g}-year maximum duration",
            "{years:g} 年的久期上限",
        ),
        "optimize.limit.turnover": (
            "the {maximum:.1%} turnover limit",
            "{maximum:.1%} 的换手率上限",
        ),
        "optimize.limit.volatility": (
            "the {maximum:.1%} volatility limit",
            "{maximum:.1%} 的波动率上限",
        ),
        "optimize.limit.target_return": (
            "the {minimum:.2%} target return",
            "{minimum:.2%} 的目标收益率",
        ),
        "optimize.limit.labelled": ("{name} ({label})", "{name}（{label}）"),
        "optimize.unit.years": ("{value:.2f} years", "{value:.2f} 年"),
        # infeasible plans
        "optimize.elastic_failed": (
            "the plan is infeasible and the elastic problem failed too",
            "方案不可行，且弹性（松弛）问题也求解失败",
        ),
        "optimize.infeasible_tolerance": (
            "the plan is infeasible only within the solver's tolerance; "
            "relax any binding limit slightly",
            "方案仅在求解器容差范围内不可行；请将任一起作用的限制稍微放宽",
        ),
        "optimize.conflict": (
            "{name}: best reachable {reachable} (asked {limit})",
            "{name}：最多可达到 {reachable}（要求 {limit}）",
        ),
        "optimize.instead_of": ("{value} instead of {name}", "{value}（而不是{name}）"),
        "optimize.keeping_needs": ("keeping {name} needs {parts}", "保持{name}需要 {parts}"),
        "optimize.keeping_alone": (
            "keeping {name} alone is feasible",
            "仅保持{name}是可行的",
        ),
        "optimize.cannot_hold_one": (
            "{names} cannot hold with the other limits; the best reachable is {best}",
            "{names}与其他限制无法同时满足；最多可达到 {best}",
        ),
        "optimize.cannot_hold_two": (
            "{names} cannot both hold; the best reachable is {best} (at the other limits)",
            "{names}无法同时满足；最多可达到 {best}（其他限制保持不变）",
        ),
        "optimize.cannot_hold_all": (
            "{names} cannot all hold together; the best reachable is {best} (at the other limits)",
            "{names}无法全部同时满足；最多可达到 {best}（其他限制保持不变）",
        ),
        "optimize.solver_failed": (
            "the solver failed on every case (the limits may be at the edge of what is "
            "reachable; relax one slightly): {cases}",
            "求解器在所有情形下均失败（限制可能处于可达范围的边缘；请稍微放宽其中一个）：{cases}",
        ),
        # parameters
        "optimize.bad_axis": ("axis must be one of {allowed}", "axis 必须是以下之一：{allowed}"),
        "optimize.frontier_points": (
            "a frontier needs at least 2 points",
            "有效前沿至少需要 2 个点",
        ),
        "optimize.frontier_objective": (
            "a frontier maximises expected return at each {axis} target; objective "
            "'{objective}' is not supported (use 'analyzer optimize --objective {objective}' "
            "for a single portfolio)",
            "有效前沿在每个 {axis} 目标下最大化预期收益；不支持目标 '{objective}'"
            "（单个组合请用 'analyzer optimize --objective {objective}'）",
        ),
        "optimize.unknown_objective": (
            "unknown objective '{name}'; allowed: {allowed}",
            "未知的优化目标 '{name}'；允许的取值：{allowed}",
        ),
        "optimize.equity_cap_basis": (
            "equity_cap_basis must be 'prior_quarter' or 'resulting'",
            "equity_cap_basis 必须是 'prior_quarter' 或 'resulting'",
        ),
        "optimize.limit.min_lcr2": (
            "the {floor:.0%} floor on the stressed liquidity coverage ratio LCR2 over "
            "{months} months (Rule 13 Annex 2)",
            "未来{months}个月压力情景流动性覆盖率 LCR2 {floor:.0%} 的下限（规则第13号附件2）",
        ),
        "optimize.min_lcr2_no_liquidity": (
            "--min-lcr2 / min_lcr2 needs the company file's [liquidity] section (the projected "
            "cash flows of Rule 13 Annex 2); {company} has none",
            "--min-lcr2 / min_lcr2 需要公司文件的 [liquidity] 部分"
            "（规则第13号附件2 的预测现金流）；"
            "{company} 没有该部分",
        ),
        "optimize.min_capital_target": (
            "min_capital needs a target return (--target-return)",
            "min_capital 目标需要指定目标收益率（--target-return）",
        ),
    }
)
