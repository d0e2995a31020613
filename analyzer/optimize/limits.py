"""The limits file (TOML) of ``analyzer optimize --limits FILE``.

```toml
[solvency]                 # ratio floors, fractions
min_comprehensive = 1.5
min_core = 0.75
[sci_tech]
min_share = 0.08           # of the invested total
[liquidity]
min_share = 0.05
min_lcr2 = 1.0             # stressed liquidity coverage ratio floor (Rule 13), 3 and 12 months
[risk]
max_volatility = 0.08
target_return = 0.04
[duration]                 # modified duration, years
min = 5.0
max = 12.0
[trading]
max_turnover = 0.2         # one-way, fraction of the invested total
transaction_cost_bp = 10   # default for every class
[classes.stock_csi300]     # per-class bounds and cost
min = 0.02
max = 0.10
transaction_cost_bp = 20
[groups.fixed_income]
classes = ["government_bond", "policy_bank_bond"]
min = 0.3
max = 0.9
[options]
equity_cap_basis = "resulting"      # or "prior_quarter"
counterparty_concentration = true   # keep counterparties below the Art. 65 threshold
```

Every key is known (a misspelt one is refused with "did you mean"), every number finite, and
ratios and shares are fractions: a floor of 150 (for 150%) or a volatility cap of 8 (for 8%) is
refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.errors import InputError, InputProblem
from analyzer.io.inputs import parse_toml, read_bytes, unknown_name
from analyzer.io.rules import rule
from analyzer.messages import register, text
from analyzer.solvency.regime import legal_minimum


@dataclass(frozen=True)
class Limits:
    """The limits of a plan. Defaults are the legal ones only (docs/formats.md §4).

    Attributes
    ----------
    min_comprehensive, min_core : ratio floors (fractions; legal 1.0 and 0.5)
    min_sci_tech : minimum sci-tech share of the invested total (fraction)
    min_liquid : minimum share of liquid classes (fraction)
    max_turnover : one-way turnover cap (fraction) or None
    transaction_cost : proportional cost per unit (fraction of the amount traded), scalar or
        per unit
    max_volatility : annual volatility cap (fraction) or None
    target_return : minimum expected return (fraction) or None (required by ``min_capital``)
    duration : (lower, upper) modified-duration band in years (either may be None) or None
    class_bounds : unit -> (min, max) weights, on top of the assumptions' bounds
    groups : name -> (members, min, max)
    equity_cap_basis : ``prior_quarter`` (the rule) or ``resulting``
    counterparty_concentration : keep counterparties below the Art. 65 threshold
    use_assumption_bounds : apply ``min_weight`` / ``max_weight`` of the assumptions
    min_lcr2 : floor on the stressed liquidity coverage ratio LCR2 (with asset realisation,
        Rule 13 Annex 2) over the next 3 and the next 12 months (fraction, e.g. 1.0), or None;
        needs the company file's ``[liquidity]``
    """

    min_comprehensive: float = field(default_factory=lambda: legal_minimum("comprehensive"))
    min_core: float = field(default_factory=lambda: legal_minimum("core"))
    min_sci_tech: float = 0.0
    min_liquid: float = 0.0
    max_turnover: float | None = None
    transaction_cost: Any = 0.0
    max_volatility: float | None = None
    target_return: float | None = None
    duration: tuple[float | None, float | None] | None = None
    class_bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    groups: dict[str, tuple[tuple[str, ...], float, float]] = field(default_factory=dict)
    equity_cap_basis: str = "prior_quarter"
    counterparty_concentration: bool = True
    use_assumption_bounds: bool = True
    min_lcr2: float | None = None


register(
    {
        "limits.positive": ("must be > 0", "必须 > 0"),
        "limits.min_above_max": ("min {lo:g} exceeds max {hi:g}", "min {lo:g} 大于 max {hi:g}"),
        "limits.unknown_class": (
            "unknown asset class '{value}' (not in the holdings)",
            "未知的资产类别 '{value}'（持仓中没有）",
        ),
        "limits.min_sum": (
            "the minimum weights add up to {value:.4g} > 1",
            "最低权重合计 {value:.4g} > 1",
        ),
        "limits.group_classes": (
            "a non-empty list of asset classes is required",
            "须为非空的资产类别列表",
        ),
        "limits.not_number": ("must be a number, found {value}", "必须为数值，实际为 {value}"),
        "limits.not_finite": (
            "'{value}' is not a finite number; only finite numbers are allowed",
            "'{value}' 不是有限数值；只允许有限数值",
        ),
        "limits.range": (
            "must be between {lo:g} and {hi:g}, found {value:g}",
            "必须在 {lo:g} 与 {hi:g} 之间，实际为 {value:g}",
        ),
        "limits.at_least": (
            "must be >= {lo:g}, found {value:g}",
            "必须 >= {lo:g}，实际为 {value:g}",
        ),
        "limits.share_range": (
            "must be a fraction between {lo:g} and {hi:g} (0.08 = 8%), found {value:g}",
            "必须为 {lo:g} 至 {hi:g} 之间的小数（0.08 = 8%），实际为 {value:g}",
        ),
        "limits.ratio_percent": (
            "{value:g} reads as a ratio of {value:.0%}; ratio floors are fractions (1.5 = 150%)",
            "{value:g} 即充足率 {value:.0%}；充足率下限以小数填写（1.5 = 150%）",
        ),
        "limits.rate_percent": (
            "{value:g} reads as {value:.0%} a year; volatilities and returns are annual "
            "fractions (0.08 = 8%)",
            "{value:g} 即每年 {value:.0%}；波动率与收益率以年化小数填写（0.08 = 8%）",
        ),
        "limits.duration_range": (
            "{value:g} years is beyond any bond an insurer holds; modified duration is in "
            "years (not months), between 0 and {hi:g}",
            "{value:g} 年超出保险公司所持任何债券的期限；修正久期以年（不是月）为单位，"
            "介于 0 与 {hi:g} 之间",
        ),
    }
)

RATIO_PERCENT = rule(
    "limits.ratio_percent",
    "refuse",
    "A solvency-ratio floor above 10 (1000%) is a percent written for a fraction (150 for "
    "150%); no plan can meet it, and the optimiser would report infeasible for the wrong "
    "reason.",
    "充足率下限高于 10（1000%）是把百分数当成了小数（150 表示 150%）；任何方案都无法满足，"
    "优化器会因错误的原因报告无解。",
)
RATE_PERCENT = rule(
    "limits.rate_percent",
    "refuse",
    "A volatility cap of 150% or more, or a return target of 100% a year or more, is a "
    "percent written for a fraction (8 for 8%).",
    "波动率上限达到 150% 或收益率目标达到每年 100%，是把百分数当成了小数（8 表示 8%）。",
)
DURATION_RANGE = rule(
    "limits.duration_range",
    "refuse",
    "No bond portfolio has a modified duration above 50 years; a larger number is a "
    "duration in months.",
    "债券组合的修正久期不会超过 50 年；更大的数字是以月为单位的久期。",
)
#: refused above: a ratio floor, a volatility cap, |target return|, a duration bound (years)
MAX_RATIO, MAX_VOLATILITY, MAX_RETURN, MAX_DURATION = 10.0, 1.5, 1.0, 50.0

_SECTIONS = {
    "solvency": {"min_comprehensive", "min_core"},
    "sci_tech": {"min_share"},
    "liquidity": {"min_share", "min_lcr2"},
    "risk": {"max_volatility", "target_return"},
    "duration": {"min", "max"},
    "trading": {"max_turnover", "transaction_cost_bp"},
    "classes": None,
    "groups": None,
    "options": {"equity_cap_basis", "counterparty_concentration"},
}


def _num(
    label: str,
    key: str,
    value: Any,
    lo: float | None = 0.0,
    hi: float | None = None,
    problems: list[InputProblem] | None = None,
    share: bool = False,
) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(
            InputProblem(label, None, key, text("limits.not_number", value=repr(value)))
        )
        return None
    v = float(value)
    if not math.isfinite(v):
        problems.append(InputProblem(label, None, key, text("limits.not_finite", value=value)))
        return None
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        if hi is None:
            msg = text("limits.at_least", lo=lo, value=v)
        elif share:
            msg = text("limits.share_range", lo=lo, hi=hi, value=v)
        else:
            msg = text("limits.range", lo=lo if lo is not None else -math.inf, hi=hi, value=v)
        problems.append(InputProblem(label, None, key, msg))
        return None
    return v


def read_limits(
    path: str | Path, base: Limits | None = None, classes: tuple[str, ...] = ()
) -> tuple[Limits, dict[str, float]]:
    """Read a limits file on top of ``base``.

    Returns
    -------
    (limits, per-class transaction cost in fractions)

    Raises
    ------
    InputError
        Unknown sections or keys, non-numbers, values out of range, min above max, minimum
        weights adding up to more than 1, an unknown class (when ``classes`` is given).
    """
    path = Path(path)
    label = str(path)
    data = parse_toml(read_bytes(path, label), label)
    base = base or Limits()
    p: list[InputProblem] = []
    kw: dict[str, Any] = {}
    for section, body in data.items():
        if section not in _SECTIONS:
            p.append(unknown_name(label, section, section, _SECTIONS))
            continue
        if not isinstance(body, dict):
            p.append(InputProblem(label, None, section, text("inputs.not_table")))
            continue
        allowed = _SECTIONS[section]
        if allowed is not None:
            for key in body:
                if key not in allowed:
                    p.append(unknown_name(label, f"{section}.{key}", key, allowed))
    if p:
        raise InputError(p)
    s = data.get("solvency", {})
    for key in ("min_comprehensive", "min_core"):
        if key in s:
            v = _num(label, f"solvency.{key}", s[key], 0.0, None, p)
            if v is not None and v <= 0:
                p.append(InputProblem(label, None, f"solvency.{key}", text("limits.positive")))
            elif v is not None and v > MAX_RATIO:
                p.append(
                    RATIO_PERCENT.breach(
                        label, f"solvency.{key}", [], text("limits.ratio_percent", value=v)
                    )
                )
            elif v is not None:
                kw[key] = v
    for section, name in (("sci_tech", "min_sci_tech"), ("liquidity", "min_liquid")):
        if "min_share" in data.get(section, {}):
            v = _num(
                label, f"{section}.min_share", data[section]["min_share"], 0.0, 1.0, p, share=True
            )
            if v is not None:
                kw[name] = v
    if "min_lcr2" in data.get("liquidity", {}):
        v = _num(label, "liquidity.min_lcr2", data["liquidity"]["min_lcr2"], 0.0, None, p)
        if v is not None and v <= 0:
            p.append(InputProblem(label, None, "liquidity.min_lcr2", text("limits.positive")))
        elif v is not None and v > MAX_RATIO:
            p.append(
                RATIO_PERCENT.breach(
                    label, "liquidity.min_lcr2", [], text("limits.ratio_percent", value=v)
                )
            )
        elif v is not None:
            kw["min_lcr2"] = v
    r = data.get("risk", {})
    for key, cap in (("max_volatility", MAX_VOLATILITY), ("target_return", MAX_RETURN)):
        if key in r:
            v = _num(
                label, f"risk.{key}", r[key], 0.0 if key == "max_volatility" else None, None, p
            )
            if v is not None and abs(v) >= cap:
                p.append(
                    RATE_PERCENT.breach(
                        label, f"risk.{key}", [], text("limits.rate_percent", value=v)
                    )
                )
            else:
                kw[key] = v
    d = data.get("duration", {})
    if d:
        bounds_ = {}
        for key in ("min", "max"):
            v = _num(label, f"duration.{key}", d[key], 0.0, None, p) if key in d else None
            if v is not None and v > MAX_DURATION:
                p.append(
                    DURATION_RANGE.breach(
                        label,
                        f"duration.{key}",
                        [],
                        text("limits.duration_range", value=v, hi=MAX_DURATION),
                    )
                )
                v = None
            bounds_[key] = v
        lo, hi = bounds_["min"], bounds_["max"]
        if lo is not None and hi is not None and lo > hi:
            p.append(
                InputProblem(
                    label, None, "duration.min", text("limits.min_above_max", lo=lo, hi=hi)
                )
            )
        kw["duration"] = (lo, hi)
    tr = data.get("trading", {})
    default_cost = 0.0
    if "max_turnover" in tr:
        kw["max_turnover"] = _num(label, "trading.max_turnover", tr["max_turnover"], 0.0, 2.0, p)
    if "transaction_cost_bp" in tr:
        default_cost = (
            _num(label, "trading.transaction_cost_bp", tr["transaction_cost_bp"], 0.0, 1e4, p)
            or 0.0
        ) / 1e4
    costs: dict[str, float] = {}
    bounds: dict[str, tuple[float, float]] = dict(base.class_bounds)
    for name, body in data.get("classes", {}).items():
        key = f"classes.{name}"
        if classes and name not in classes:
            p.append(InputProblem(label, None, key, text("limits.unknown_class", value=name)))
            continue
        allowed_keys = ("min", "max", "transaction_cost_bp")
        if not isinstance(body, dict):
            p.append(InputProblem(label, None, key, text("inputs.not_table")))
            continue
        extra = [k for k in body if k not in allowed_keys]
        for k in extra:
            p.append(unknown_name(label, f"{key}.{k}", k, allowed_keys))
        if extra:
            continue
        lo = _num(label, key + ".min", body.get("min", 0.0), 0.0, 1.0, p, share=True)
        hi = _num(label, key + ".max", body.get("max", 1.0), 0.0, 1.0, p, share=True)
        if lo is not None and hi is not None:
            if lo > hi:
                p.append(
                    InputProblem(
                        label, None, key + ".min", text("limits.min_above_max", lo=lo, hi=hi)
                    )
                )
            bounds[name] = (lo, hi)
        if "transaction_cost_bp" in body:
            c = _num(label, key + ".transaction_cost_bp", body["transaction_cost_bp"], 0.0, 1e4, p)
            if c is not None:
                costs[name] = c / 1e4
    if sum(b[0] for b in bounds.values()) > 1 + 1e-12:
        p.append(
            InputProblem(
                label,
                None,
                "classes",
                text("limits.min_sum", value=sum(b[0] for b in bounds.values())),
            )
        )
    groups = dict(base.groups)
    for name, body in data.get("groups", {}).items():
        key = f"groups.{name}"
        members = body.get("classes") if isinstance(body, dict) else None
        if isinstance(body, dict):
            for k in body:
                if k not in ("classes", "min", "max"):
                    p.append(unknown_name(label, f"{key}.{k}", k, ("classes", "min", "max")))
        if not isinstance(members, list) or not members:
            p.append(InputProblem(label, None, key + ".classes", text("limits.group_classes")))
            continue
        for m in members:
            if classes and m not in classes:
                p.append(
                    InputProblem(
                        label, None, key + ".classes", text("limits.unknown_class", value=m)
                    )
                )
        lo = _num(label, key + ".min", body.get("min", 0.0), 0.0, 1.0, p, share=True)
        hi = _num(label, key + ".max", body.get("max", 1.0), 0.0, 1.0, p, share=True)
        if lo is not None and hi is not None:
            if lo > hi:
                p.append(
                    InputProblem(
                        label, None, key + ".min", text("limits.min_above_max", lo=lo, hi=hi)
                    )
                )
            groups[name] = (tuple(members), lo, hi)
    o = data.get("options", {})
    if "equity_cap_basis" in o:
        if o["equity_cap_basis"] not in ("prior_quarter", "resulting"):
            p.append(
                InputProblem(
                    label,
                    None,
                    "options.equity_cap_basis",
                    text(
                        "value.not_allowed",
                        value=o["equity_cap_basis"],
                        allowed="prior_quarter, resulting",
                    ),
                )
            )
        else:
            kw["equity_cap_basis"] = o["equity_cap_basis"]
    if "counterparty_concentration" in o:
        if not isinstance(o["counterparty_concentration"], bool):
            p.append(
                InputProblem(
                    label,
                    None,
                    "options.counterparty_concentration",
                    text("value.not_bool", value=o["counterparty_concentration"]),
                )
            )
        else:
            kw["counterparty_concentration"] = o["counterparty_concentration"]
    if p:
        raise InputError(p)
    limits = replace(base, class_bounds=bounds, groups=groups, **kw)
    if default_cost or costs:
        rate = dict.fromkeys(classes, default_cost) if classes else {}
        rate.update(costs)
        costs = rate
    return limits, costs


def cost_vector(
    units: tuple[str, ...],
    unit_class: tuple[str, ...],
    costs: dict[str, float],
    default: float = 0.0,
) -> np.ndarray:
    """Per-unit proportional cost (fractions) from per-class costs."""
    return np.array(
        [costs.get(u, costs.get(c, default)) for u, c in zip(units, unit_class, strict=True)]
    )
