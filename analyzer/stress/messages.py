"""Chinese and English texts of the stress tests' errors (ids ``stress.*``)."""

from __future__ import annotations

from analyzer.messages import register
from analyzer.solvency.messages import compose, join

__all__ = ["compose", "join"]

register(
    {
        "stress.accounting_wins": (
            "the holdings column accounting is given for {given} position(s): they move with "
            "the +50bp shock fully (fvoci, fvtpl) or not at all (amortised_cost); "
            "--fair-value-share {share:g} applies only to the {blank} position(s) without it",
            "持仓文件的 accounting 列已为 {given} 个持仓填写：这些持仓在 +50bp 情景下全部"
            "（fvoci、fvtpl）或完全不（amortised_cost）受影响；--fair-value-share {share:g} "
            "仅适用于其余未填写的 {blank} 个持仓",
        ),
        "stress.dof": (
            "degrees of freedom must be > 2 (finite variance), got {dof}",
            "自由度必须大于 2（方差有限），现为 {dof}",
        ),
        "stress.no_assumptions": (
            "no assumptions for asset class '{asset_class}'",
            "资产大类 '{asset_class}' 没有资本市场假设",
        ),
        "stress.class_order": (
            "the market model's classes must be the holdings' classes in the order {classes}",
            "市场模型的资产大类必须与持仓的资产大类一致，顺序为 {classes}",
        ),
        "stress.n_scenarios": (
            "the number of scenarios must be >= 1, got {n}",
            "情景数必须 >= 1，现为 {n}",
        ),
        "stress.seed": ("the seed must be >= 0, got {seed}", "随机种子必须 >= 0，现为 {seed}"),
        "stress.backend": (
            "backend must be 'local' or 'dask', got {backend!r}",
            "backend 必须是 'local' 或 'dask'，现为 {backend!r}",
        ),
        "stress.unknown_driver": (
            "unknown reverse-stress driver {driver!r}; allowed: {allowed}",
            "未知的反向压力测试驱动因素 {driver!r}；允许的取值：{allowed}",
        ),
        "stress.credit_scope": (
            "credit_scope must be 'charged' or 'any_row', got {scope!r}",
            "credit_scope 必须是 'charged' 或 'any_row'，现为 {scope!r}",
        ),
        "stress.mixed_equity_share": (
            "mixed_equity_share must be between 0 and 1, got {share!r}",
            "mixed_equity_share 必须在 0 与 1 之间，现为 {share!r}",
        ),
        "stress.not_run_missing": (
            "not run: company file lacks {keys}",
            "未运行：公司文件缺少 {keys}",
        ),
        "stress.insurance_capital_negative": (
            "the minimum-capital change of [stress_inputs] takes minimum_capital.{key} from "
            "{value:,.0f} to {new:,.0f} CNY, below 0; check the sign and unit of the changes",
            "[stress_inputs] 的最低资本变动使 minimum_capital.{key} 从 {value:,.0f} 元降至 "
            "{new:,.0f} 元，低于 0；请检查变动的符号与单位",
        ),
    }
)
