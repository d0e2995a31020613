"""The limits file (TOML) of ``analyzer optimize --limits FILE``.

```toml
[solvency]                 # ratio floors, fractions
min_comprehensive = 1.5
min_core = 0.75
[sci_tech]
min_share = 0.08           # of the invested total
[liquidity]
min_share = 0.05
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
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.errors import InputError, InputProblem
from analyzer.optimize.problem import Limits

_SECTIONS = {
    "solvency": {"min_comprehensive", "min_core"},
    "sci_tech": {"min_share"},
    "liquidity": {"min_share"},
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
) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(InputProblem(label, None, key, f"must be a number, found {value!r}"))
        return None
    v = float(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        rng = f"between {lo:g} and {hi:g}" if hi is not None else f">= {lo:g}"
        problems.append(InputProblem(label, None, key, f"must be {rng}, found {v:g}"))
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
    if not path.is_file():
        raise InputError.single(label, None, None, "file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(label, None, None, f"not valid TOML: {exc}") from exc
    base = base or Limits()
    p: list[InputProblem] = []
    kw: dict[str, Any] = {}
    for section, body in data.items():
        if section not in _SECTIONS:
            p.append(
                InputProblem(
                    label, None, section, "unknown section; allowed: " + ", ".join(_SECTIONS)
                )
            )
            continue
        if not isinstance(body, dict):
            p.append(InputProblem(label, None, section, "must be a table"))
            continue
        allowed = _SECTIONS[section]
        if allowed is not None:
            for key in body:
                if key not in allowed:
                    p.append(
                        InputProblem(
                            label,
                            None,
                            f"{section}.{key}",
                            "unknown key; allowed: " + ", ".join(sorted(allowed)),
                        )
                    )
    if p:
        raise InputError(p)
    s = data.get("solvency", {})
    for key in ("min_comprehensive", "min_core"):
        if key in s:
            v = _num(label, f"solvency.{key}", s[key], 0.0, None, p)
            if v is not None and v <= 0:
                p.append(InputProblem(label, None, f"solvency.{key}", "must be > 0"))
            elif v is not None:
                kw[key] = v
    for section, field in (("sci_tech", "min_sci_tech"), ("liquidity", "min_liquid")):
        if "min_share" in data.get(section, {}):
            v = _num(label, f"{section}.min_share", data[section]["min_share"], 0.0, 1.0, p)
            if v is not None:
                kw[field] = v
    r = data.get("risk", {})
    if "max_volatility" in r:
        kw["max_volatility"] = _num(label, "risk.max_volatility", r["max_volatility"], 0.0, None, p)
    if "target_return" in r:
        kw["target_return"] = _num(label, "risk.target_return", r["target_return"], None, None, p)
    d = data.get("duration", {})
    if d:
        lo = _num(label, "duration.min", d["min"], 0.0, None, p) if "min" in d else None
        hi = _num(label, "duration.max", d["max"], 0.0, None, p) if "max" in d else None
        if lo is not None and hi is not None and lo > hi:
            p.append(InputProblem(label, None, "duration.min", f"min {lo:g} exceeds max {hi:g}"))
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
            p.append(InputProblem(label, None, key, "unknown asset class (not in the holdings)"))
            continue
        if not isinstance(body, dict) or set(body) - {"min", "max", "transaction_cost_bp"}:
            p.append(InputProblem(label, None, key, "allowed keys: min, max, transaction_cost_bp"))
            continue
        lo = _num(label, key + ".min", body.get("min", 0.0), 0.0, 1.0, p)
        hi = _num(label, key + ".max", body.get("max", 1.0), 0.0, 1.0, p)
        if lo is not None and hi is not None:
            if lo > hi:
                p.append(InputProblem(label, None, key + ".min", f"min {lo:g} exceeds max {hi:g}"))
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
                f"the minimum weights add up to {sum(b[0] for b in bounds.values()):.4g} > 1",
            )
        )
    groups = dict(base.groups)
    for name, body in data.get("groups", {}).items():
        key = f"groups.{name}"
        members = body.get("classes") if isinstance(body, dict) else None
        if not isinstance(members, list) or not members:
            p.append(InputProblem(label, None, key + ".classes", "a non-empty list of classes"))
            continue
        for m in members:
            if classes and m not in classes:
                p.append(InputProblem(label, None, key + ".classes", f"unknown asset class '{m}'"))
        lo = _num(label, key + ".min", body.get("min", 0.0), 0.0, 1.0, p)
        hi = _num(label, key + ".max", body.get("max", 1.0), 0.0, 1.0, p)
        if lo is not None and hi is not None:
            if lo > hi:
                p.append(InputProblem(label, None, key + ".min", f"min {lo:g} exceeds max {hi:g}"))
            groups[name] = (tuple(members), lo, hi)
    o = data.get("options", {})
    if "equity_cap_basis" in o:
        if o["equity_cap_basis"] not in ("prior_quarter", "resulting"):
            p.append(
                InputProblem(
                    label, None, "options.equity_cap_basis", "allowed: prior_quarter, resulting"
                )
            )
        else:
            kw["equity_cap_basis"] = o["equity_cap_basis"]
    if "counterparty_concentration" in o:
        if not isinstance(o["counterparty_concentration"], bool):
            p.append(
                InputProblem(label, None, "options.counterparty_concentration", "true or false")
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
