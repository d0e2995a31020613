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

The file is one pydantic model (:class:`LimitsFile`, a section model each): every field names
its check (:class:`Number`, :class:`Choice`, :class:`Flag`, :class:`Members`), and the checks
report every problem of the file (file, key, what is allowed, in English and Chinese) rather
than stop at the first. :class:`Limits`, what the optimiser takes, is a validated pydantic
dataclass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, ClassVar

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass

from analyzer.errors import InputError, InputProblem
from analyzer.io.fields import parse_toml, read_bytes, unknown_name
from analyzer.io.rules import Rule, rule
from analyzer.messages import Text, register, text
from analyzer.solvency.regime import legal_minimum


@pydantic_dataclass(frozen=True, config=ConfigDict(arbitrary_types_allowed=True))
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

    The types are validated (a pydantic dataclass: ``dataclasses.replace`` validates too); the
    ranges a user may give are those of the limits file (:class:`LimitsFile`) and the command
    line.
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
    groups: dict[str, tuple[tuple[Any, ...], float, float]] = field(default_factory=dict)
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


class Problems:
    """The problems found so far in one limits file (the validation context of
    :class:`LimitsFile`).

    Attributes
    ----------
    label : the file as the user named it
    classes : the asset classes a bound may name (empty: any)
    base : the limits the file is read on top of (their class bounds count in the minimum sum)
    found : the problems, in the order of the file's tables
    """

    def __init__(self, label: str, classes: tuple[str, ...], base: Limits) -> None:
        self.label, self.classes, self.base = label, classes, base
        self.found: list[InputProblem] = []

    def add(self, column: str, message: Text) -> None:
        """A problem at ``column`` (``table.key``)."""
        self.found.append(InputProblem(self.label, None, column, message))


@dataclass(frozen=True)
class Implausible:
    """A number no plan means (a percent written for a fraction ...), refused by ``rule``."""

    rule: Rule
    above: float
    message: str
    absolute: bool = False  # compare |value|
    inclusive: bool = False  # refuse at ``above`` itself too
    hi: float | None = None  # named in the message

    def breached(self, value: float) -> bool:
        """Whether ``value`` is beyond ``above``."""
        x = abs(value) if self.absolute else value
        return x >= self.above if self.inclusive else x > self.above

    def problem(self, label: str, column: str, value: float) -> InputProblem:
        """The rule's breach at ``column``."""
        kw: dict[str, Any] = {"value": value}
        if self.hi is not None:
            kw["hi"] = self.hi
        return self.rule.breach(label, column, [], text(self.message, **kw))


@dataclass(frozen=True)
class Number:
    """A finite number in ``[lo, hi]`` (None: open; ``share``: a fraction), ``> 0`` when
    ``positive``, and not :class:`Implausible`."""

    lo: float | None = 0.0
    hi: float | None = None
    share: bool = False
    positive: bool = False
    implausible: Implausible | None = None

    def check(self, value: Any, column: str, p: Problems) -> float | None:
        """The number, or None with its problem recorded."""
        v = _num(p.label, column, value, self.lo, self.hi, p.found, self.share)
        if v is None:
            return None
        if self.positive and v <= 0:
            p.add(column, text("limits.positive"))
            return None
        if self.implausible is not None and self.implausible.breached(v):
            p.found.append(self.implausible.problem(p.label, column, v))
            return None
        return v


@dataclass(frozen=True)
class Choice:
    """One of ``allowed``."""

    allowed: tuple[str, ...]

    def check(self, value: Any, column: str, p: Problems) -> str | None:
        """The value, or None with its problem recorded."""
        if value not in self.allowed:
            p.add(column, text("value.not_allowed", value=value, allowed=", ".join(self.allowed)))
            return None
        return value


@dataclass(frozen=True)
class Flag:
    """``true`` or ``false``."""

    def check(self, value: Any, column: str, p: Problems) -> bool | None:
        """The value, or None with its problem recorded."""
        if not isinstance(value, bool):
            p.add(column, text("value.not_bool", value=value))
            return None
        return value


@dataclass(frozen=True)
class Members:
    """A non-empty list of asset classes, each known when the holdings are."""

    def check(self, value: Any, column: str, p: Problems) -> tuple[Any, ...] | None:
        """The classes, or None with the problem recorded (unknown classes are recorded and
        kept)."""
        if not isinstance(value, list) or not value:
            p.add(column, text("limits.group_classes"))
            return None
        for m in value:
            if p.classes and m not in p.classes:
                p.add(column, text("limits.unknown_class", value=m))
        return tuple(value)


RATIO_FLOOR = Number(
    0.0,
    None,
    positive=True,
    implausible=Implausible(RATIO_PERCENT, MAX_RATIO, "limits.ratio_percent"),
)
SHARE = Number(0.0, 1.0, share=True)
RATE = Implausible(RATE_PERCENT, 0.0, "limits.rate_percent", absolute=True, inclusive=True)
YEARS = Number(
    0.0,
    None,
    implausible=Implausible(DURATION_RANGE, MAX_DURATION, "limits.duration_range", hi=MAX_DURATION),
)
BASIS_POINTS = Number(0.0, 1e4)


class Part(BaseModel):
    """A table of the file. Each field is ``Annotated[type, check]``: the check runs on the raw
    value, records its problem and leaves None, so that every problem is found at once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: the table's key in the file (an entry of ``classes`` or ``groups``: the context's ``at``)
    section: ClassVar[str] = ""

    @field_validator("*", mode="before")
    @classmethod
    def _check(cls, value: Any, info: ValidationInfo) -> Any:
        check = next(m for m in cls.model_fields[info.field_name].metadata if hasattr(m, "check"))
        return check.check(value, f"{_at(cls, info)}.{info.field_name}", info.context["problems"])

    def given(self, key: str) -> bool:
        """Whether the file gives ``key``."""
        return key in self.model_fields_set


def _at(cls: type[Part], info: ValidationInfo) -> str:
    return info.context.get("at") or cls.section


class Bounded(Part):
    """A table with ``min`` and ``max``: ``min <= max`` (reported at ``min``, when both are
    numbers; right after ``max``)."""

    @field_validator("max", mode="after", check_fields=False)
    @classmethod
    def _order(cls, hi: float | None, info: ValidationInfo) -> float | None:
        lo = info.data.get("min")
        if lo is not None and hi is not None and lo > hi:
            info.context["problems"].add(
                f"{_at(cls, info)}.min", text("limits.min_above_max", lo=lo, hi=hi)
            )
        return hi


class Solvency(Part):
    """``[solvency]``: the ratio floors (fractions)."""

    section = "solvency"
    min_comprehensive: Annotated[float | None, RATIO_FLOOR] = None
    min_core: Annotated[float | None, RATIO_FLOOR] = None


class SciTech(Part):
    """``[sci_tech]``: the minimum sci-tech share of the invested total."""

    section = "sci_tech"
    min_share: Annotated[float | None, SHARE] = None


class Liquidity(Part):
    """``[liquidity]``: the minimum liquid share and the LCR2 floor (Rule 13)."""

    section = "liquidity"
    min_share: Annotated[float | None, SHARE] = None
    min_lcr2: Annotated[float | None, RATIO_FLOOR] = None


class Risk(Part):
    """``[risk]``: the volatility cap and the target return (annual fractions)."""

    section = "risk"
    max_volatility: Annotated[
        float | None, Number(0.0, None, implausible=replace(RATE, above=MAX_VOLATILITY))
    ] = None
    target_return: Annotated[
        float | None, Number(None, None, implausible=replace(RATE, above=MAX_RETURN))
    ] = None


class Duration(Bounded):
    """``[duration]``: the modified-duration band (years)."""

    section = "duration"
    min: Annotated[float | None, YEARS] = None
    max: Annotated[float | None, YEARS] = None


class Trading(Part):
    """``[trading]``: the turnover cap and the default transaction cost."""

    section = "trading"
    max_turnover: Annotated[float | None, Number(0.0, 2.0)] = None
    transaction_cost_bp: Annotated[float | None, BASIS_POINTS] = None


class ClassLimits(Bounded):
    """``[classes.<name>]``: the class's weight bounds and transaction cost."""

    min: Annotated[float | None, SHARE] = 0.0
    max: Annotated[float | None, SHARE] = 1.0
    transaction_cost_bp: Annotated[float | None, BASIS_POINTS] = None


class Group(Bounded):
    """``[groups.<name>]``: bounds on the sum of the weights of some classes."""

    classes: Annotated[tuple[Any, ...] | None, Members()] = None
    min: Annotated[float | None, SHARE] = 0.0
    max: Annotated[float | None, SHARE] = 1.0


class Options(Part):
    """``[options]``: the equity-cap basis and the counterparty-threshold switch."""

    section = "options"
    equity_cap_basis: Annotated[str | None, Choice(("prior_quarter", "resulting"))] = None
    counterparty_concentration: Annotated[bool | None, Flag()] = None


#: (table, key, Limits field) of each single value of the file; the command line's limit
#: options set the same fields and are checked by the same keys (:func:`check_values`)
SCALAR_KEYS: tuple[tuple[str, str, str], ...] = (
    ("solvency", "min_comprehensive", "min_comprehensive"),
    ("solvency", "min_core", "min_core"),
    ("sci_tech", "min_share", "min_sci_tech"),
    ("liquidity", "min_share", "min_liquid"),
    ("liquidity", "min_lcr2", "min_lcr2"),
    ("risk", "max_volatility", "max_volatility"),
    ("risk", "target_return", "target_return"),
    ("trading", "max_turnover", "max_turnover"),
    ("options", "equity_cap_basis", "equity_cap_basis"),
    ("options", "counterparty_concentration", "counterparty_concentration"),
)

#: the tables of the file; ``classes`` and ``groups`` hold one table per name
TABLES: dict[str, type[Part] | None] = {
    "solvency": Solvency,
    "sci_tech": SciTech,
    "liquidity": Liquidity,
    "risk": Risk,
    "duration": Duration,
    "trading": Trading,
    "classes": None,
    "groups": None,
    "options": Options,
}


def _named(value: dict, info: ValidationInfo, table: str, model: type[Part]) -> dict[str, Part]:
    """The named tables of ``classes`` or ``groups``, each validated (problems recorded).

    A class the holdings do not hold, a class that is not a table or has unknown keys is
    not read further; a group without a list of classes neither.
    """
    p: Problems = info.context["problems"]
    out: dict[str, Part] = {}
    allowed = tuple(model.model_fields)
    for name, body in value.items():
        key = f"{table}.{name}"
        if table == "classes" and p.classes and name not in p.classes:
            p.add(key, text("limits.unknown_class", value=name))
            continue
        if not isinstance(body, dict):
            if table == "classes":
                p.add(key, text("inputs.not_table"))
            else:
                p.add(key + ".classes", text("limits.group_classes"))
            continue
        extra = [k for k in body if k not in allowed]
        for k in extra:
            p.found.append(unknown_name(p.label, f"{key}.{k}", k, allowed))
        if extra and table == "classes":
            continue
        if table == "groups" and (not isinstance(body.get("classes"), list) or not body["classes"]):
            p.add(key + ".classes", text("limits.group_classes"))
            continue
        known = {k: v for k, v in body.items() if k in allowed}
        out[name] = model.model_validate(known, context={**info.context, "at": key})
    return out


class LimitsFile(BaseModel):
    """The limits file: one optional table per section (docs/formats.md §4).

    Validate with ``LimitsFile.model_validate(data, context={"problems": Problems(...)})``.
    Unknown tables, tables that are not tables and unknown keys of the fixed tables stop the
    validation (nothing else is read); every other problem is recorded in the context's
    :class:`Problems`, in the order of the fields.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    solvency: Solvency = Solvency()
    sci_tech: SciTech = SciTech()
    liquidity: Liquidity = Liquidity()
    risk: Risk = Risk()
    duration: Duration = Duration()
    trading: Trading = Trading()
    classes: dict[str, ClassLimits] = {}
    groups: dict[str, Group] = {}
    options: Options = Options()

    @model_validator(mode="before")
    @classmethod
    def _known(cls, data: Any, info: ValidationInfo) -> Any:
        p: Problems = info.context["problems"]
        for table, body in data.items():
            if table not in TABLES:
                p.found.append(unknown_name(p.label, table, table, TABLES))
                continue
            if not isinstance(body, dict):
                p.add(table, text("inputs.not_table"))
                continue
            part = TABLES[table]
            if part is not None:
                for key in body:
                    if key not in part.model_fields:
                        p.found.append(
                            unknown_name(p.label, f"{table}.{key}", key, tuple(part.model_fields))
                        )
        if p.found:
            raise ValueError("unknown tables or keys")
        return data

    @field_validator("classes", mode="before")
    @classmethod
    def _classes(cls, value: Any, info: ValidationInfo) -> Any:
        return _named(value, info, "classes", ClassLimits)

    @field_validator("classes", mode="after")
    @classmethod
    def _min_sum(cls, value: dict[str, ClassLimits], info: ValidationInfo) -> Any:
        p: Problems = info.context["problems"]
        total = sum(b[0] for b in _bounds(p.base, value).values())
        if total > 1 + 1e-12:
            p.add("classes", text("limits.min_sum", value=total))
        return value

    @field_validator("groups", mode="before")
    @classmethod
    def _groups(cls, value: Any, info: ValidationInfo) -> Any:
        return _named(value, info, "groups", Group)

    def limits(self, base: Limits, classes: tuple[str, ...]) -> tuple[Limits, dict[str, float]]:
        """The limits of the file on top of ``base``, and the per-class transaction cost
        (fractions)."""
        kw: dict[str, Any] = {}
        for table, key, name in SCALAR_KEYS:
            part = getattr(self, table)
            if part.given(key):
                kw[name] = getattr(part, key)
        if self.duration.model_fields_set:
            kw["duration"] = (self.duration.min, self.duration.max)
        groups = dict(base.groups)
        for name, g in self.groups.items():
            if g.min is not None and g.max is not None:
                groups[name] = (g.classes, g.min, g.max)
        limits = replace(base, class_bounds=_bounds(base, self.classes), groups=groups, **kw)
        default_cost = (self.trading.transaction_cost_bp or 0.0) / 1e4
        costs = {
            name: c.transaction_cost_bp / 1e4
            for name, c in self.classes.items()
            if c.transaction_cost_bp is not None
        }
        if default_cost or costs:
            rate = dict.fromkeys(classes, default_cost) if classes else {}
            rate.update(costs)
            costs = rate
        return limits, costs


def _bounds(base: Limits, classes: dict[str, ClassLimits]) -> dict[str, tuple[float, float]]:
    """``base``'s class bounds with those of the file (where both sides are numbers)."""
    out = dict(base.class_bounds)
    for name, c in classes.items():
        if c.min is not None and c.max is not None:
            out[name] = (c.min, c.max)
    return out


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
    problems = Problems(label, tuple(classes), base)
    try:
        parsed = LimitsFile.model_validate(data, context={"problems": problems})
    except ValidationError:
        if not problems.found:
            raise
        parsed = None
    if problems.found:
        raise InputError(problems.found)
    return parsed.limits(base, classes)


def check_values(values: dict[str, Any], label: str) -> dict[str, InputProblem]:
    """The problems of :class:`Limits` field values given outside a file (the command line's
    options), found by the same checks as the file's keys: field -> its first problem.

    ``values`` maps field names (``min_core``, ``max_turnover`` ...) to values; fields
    without a key in :data:`SCALAR_KEYS` are not checked here.
    """
    where = {name: (table, key) for table, key, name in SCALAR_KEYS}
    data: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if name in where:
            table, key = where[name]
            data.setdefault(table, {})[key] = value
    problems = Problems(label, (), Limits())
    LimitsFile.model_validate(data, context={"problems": problems})
    field_of = {f"{table}.{key}": name for table, key, name in SCALAR_KEYS}
    found: dict[str, InputProblem] = {}
    for problem in problems.found:
        found.setdefault(field_of[problem.column], problem)
    return found


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
