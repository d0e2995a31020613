"""The checks every run shares, whatever the front end: the ``--accept-warning`` codes, the
plausibility of a result's ratios, the last check before anything is written (no non-finite
number ever leaves the analyzer), and the provenance of an output.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import analyzer.io as io_pkg
from analyzer.errors import AnalyzerError, InputError, InputProblem, InputWarning, enforce_warnings
from analyzer.io.provenance import Provenance
from analyzer.io.rules import RULES, rule, warning_codes
from analyzer.messages import register, text

#: a solvency ratio above this (a fraction: 10 = 1000%) stops a run until accepted
RATIO_WARN_ABOVE = 10.0

register(
    {
        "cli.ratio_above_10": (
            "the {ratio} ratio is {value}, above {limit}: a newly licensed insurer can report "
            "this, but it is more often an amount in the wrong unit (亿元 or 万元 read as CNY) "
            "or a company file that does not match the holdings",
            "{ratio}偿付能力充足率为 {value}，高于 {limit}：新开业公司可能如此，但更常见的是"
            "金额单位错误（亿元或万元被当作元）或公司文件与持仓不符",
        ),
        "cli.non_finite": (
            "internal error: the result has a non-finite number ({value}) at {where}; nothing "
            "was written. Please report this with the input files (their SHA-256 are in the "
            "provenance of a successful run).",
            "内部错误：结果中 {where} 处出现非有限数值（{value}），未写出任何结果。请连同输入文件"
            "报告此问题。",
        ),
    }
)

RATIO_RULE = (
    RULES["result.ratio_above_10"]
    if "result.ratio_above_10" in RULES
    else rule(
        "result.ratio_above_10",
        "warn",
        "a solvency ratio above 1000% is real only for a newly licensed insurer; more often "
        "an amount is in the wrong unit or the company file belongs to another book",
        "综合或核心偿付能力充足率高于 1000% 仅见于新开业公司；更常见的是金额单位错误或公司"
        "文件与持仓不属于同一账户",
    )
)

#: modules that declare plausibility rules outside ``analyzer.io`` (imported so that every
#: warning code is known before ``--accept-warning`` is checked)
_RULE_MODULES = (
    "analyzer.optimize.limits",
    "analyzer.stress.scenario_file",
    "analyzer.stress.commitments",
)


def known_warning_codes() -> tuple[str, ...]:
    """Every warning code a user may accept (imports the modules that declare rules)."""
    names = [f"analyzer.io.{m.name}" for m in pkgutil.iter_modules(io_pkg.__path__)]
    for name in (*names, *_RULE_MODULES):
        try:
            importlib.import_module(name)
        except ImportError:  # an optional module (its extra is not installed)
            continue
    return warning_codes()


def check_accepted(accept: Iterable[str]) -> tuple[str, ...]:
    """The accepted warning codes, refused (exit 2) when one is not a warning code: a
    misspelt code would otherwise accept nothing and say nothing.

    Raises
    ------
    InputError
        One problem per unknown code, listing the known ones.
    """
    accept = tuple(accept)
    if not accept:
        return accept
    known = known_warning_codes()
    bad = [a for a in accept if a not in known]
    if bad:
        raise InputError(
            [
                InputProblem(
                    "--accept-warning",
                    None,
                    None,
                    text("warning.unknown_id", value=b, allowed=", ".join(known) or "-"),
                )
                for b in bad
            ]
        )
    return accept


def correlations_path(assumptions: Path | None, correlations: Path | None) -> Path | None:
    """The correlation matrix a run uses: the one given, else ``correlations.csv`` beside the
    assumptions (as the assumptions reader does), so that its digest is recorded too."""
    if correlations is not None or assumptions is None:
        return correlations
    beside = Path(assumptions).parent / "correlations.csv"
    return beside if beside.is_file() else None


def plain(value: Any) -> Any:
    """An option's value in JSON form (enums by value, paths as text, non-finite as text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def build_provenance(
    inputs: Any, options: Mapping[str, Any] | None = None, regime: str | None = None
) -> Provenance:
    """The provenance of an output: the inputs' digests and accepted warnings from ``inputs``
    (an :class:`~analyzer.io.inputs.Inputs`, or None), the options the run was given (as the
    user gave them) and the regime."""
    opts = dict(options or {})
    if regime is not None:
        opts["regime"] = regime
    prov = inputs.provenance if inputs is not None else Provenance()
    return replace(prov, options={**dict(prov.options), **opts})


def with_warnings(prov: Provenance, accepted: Iterable[InputWarning]) -> Provenance:
    """``prov`` with further accepted warnings recorded."""
    more = tuple(accepted)
    if not more:
        return prov
    return replace(prov, accepted_warnings=tuple(prov.accepted_warnings) + more)


def check_ratios(
    ratios: Mapping[str, float], accept: Iterable[str], where: str = "result"
) -> tuple[InputWarning, ...]:
    """Stop on a comprehensive or core ratio above :data:`RATIO_WARN_ABOVE` (1000%) unless
    ``result.ratio_above_10`` is accepted; return the accepted warnings.

    Parameters
    ----------
    ratios : mapping name -> ratio (fraction), e.g. ``{"comprehensive": 1.958, "core": 1.2}``
    accept : the accepted warning codes
    where : what the ratios belong to (shown as the "file" of the warning)

    Raises
    ------
    UnacceptedWarningError
        A ratio above the limit and the code not accepted (exit 2).
    """
    found = []
    for name, value in ratios.items():
        if value is None or not math.isfinite(float(value)):
            continue  # the non-finite check reports it
        if float(value) > RATIO_WARN_ABOVE:
            found.append(
                RATIO_RULE.breach(
                    where,
                    f"{name}_ratio",
                    (),
                    text(
                        "cli.ratio_above_10",
                        ratio=name,
                        value=f"{float(value):.1%}",
                        limit=f"{RATIO_WARN_ABOVE:.0%}",
                    ),
                )
            )
    return enforce_warnings(found, accept)


def _fail(where: str, value: Any) -> None:
    raise AnalyzerError(text("cli.non_finite", where=where or "<top>", value=value).en)


def check_finite(data: Any, where: str = "") -> None:
    """Raise an internal error (exit 1) when ``data`` holds a NaN or an infinity anywhere:
    dicts, lists, numpy arrays and scalars, pandas frames and series are searched.

    This is the last check before an output is written: a non-finite number is never
    turned into ``null`` or printed as ``nan``.
    """
    if data is None or isinstance(data, (str, bool, int, np.integer, np.bool_)):
        return
    if isinstance(data, (float, np.floating)):
        if not math.isfinite(float(data)):
            _fail(where, data)
        return
    if isinstance(data, Mapping):
        for k, v in data.items():
            check_finite(v, f"{where}.{k}" if where else str(k))
        return
    if isinstance(data, pd.DataFrame):
        for col in data.columns:
            check_finite(data[col], f"{where}.{col}" if where else str(col))
        return
    if isinstance(data, (pd.Series, pd.Index)):
        if pd.api.types.is_float_dtype(data.dtype):
            arr = data.to_numpy(dtype=float)
            bad = np.flatnonzero(~np.isfinite(arr))
            if len(bad):
                _fail(f"{where}[{int(bad[0])}]", arr[bad[0]])
        elif data.dtype == object:
            for i, v in enumerate(data.tolist()):
                if isinstance(v, (float, np.floating, dict, list, tuple)):
                    check_finite(v, f"{where}[{i}]")
        return
    if isinstance(data, np.ndarray):
        if data.dtype.kind in "fc":
            bad = np.argwhere(~np.isfinite(data))
            if len(bad):
                idx = tuple(int(i) for i in bad[0])
                _fail(f"{where}{list(idx)}", data[idx])
        elif data.dtype == object:
            for i, v in enumerate(data.ravel().tolist()):
                check_finite(v, f"{where}[{i}]")
        return
    if isinstance(data, (list, tuple, set, frozenset)):
        for i, v in enumerate(data):
            check_finite(v, f"{where}[{i}]")
        return
    if hasattr(data, "to_dict") and callable(data.to_dict):
        check_finite(data.to_dict(), where)


def check_solvency(result: Any, where: str = "") -> None:
    """:func:`check_finite` on a :class:`~analyzer.solvency.result.SolvencyResult`: its
    figures and its per-position table (vectorised, for large books)."""
    check_finite(result.to_dict(holdings=False), where)
    cols = [c for c in ("exposure", "factor", "capital", "marginal_capital")]
    frame = result.holdings
    check_finite(frame[[c for c in cols if c in frame.columns]], f"{where}holdings")


def check_result_ratios(
    result: Any, accept: Iterable[str], where: str = "result"
) -> tuple[InputWarning, ...]:
    """:func:`check_solvency` then :func:`check_ratios` on a solvency result's comprehensive
    and core ratios; the accepted warnings."""
    check_solvency(result)
    return check_ratios(
        {"comprehensive": result.comprehensive_ratio, "core": result.core_ratio}, accept, where
    )
