"""What every command that reads input files shares: the ``--accept-warning`` and
``--mapping`` options, the provenance of an output, the plausibility check of a result, and
the last check before anything is written (no non-finite number ever leaves the analyzer).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import typer

from analyzer.errors import AnalyzerError, InputWarning, enforce_warnings
from analyzer.io.provenance import Provenance
from analyzer.io.rules import RULES, rule
from analyzer.messages import Text, register, text

ACCEPT_HELP = (
    "Accept a warning by its code (repeatable), after checking what it says; the accepted "
    "warnings are recorded in the output's provenance. `analyzer validate` lists them all."
)
MAPPING_HELP = (
    "Mapping file (.toml) that turns an insurer's own holdings export into the holdings "
    "format (headers, asset codes, the unit of each amount column); recorded in the output."
)

LOOK_THROUGH_HELP = (
    "Look-through file (.csv, .xlsx, .parquet): one row per underlying of a looked-through "
    "position (parent_id, share, and the holdings columns of the underlying); each parent is "
    "charged on its underlyings (Rule 7 Art. 14-24; docs/formats.md §11)."
)

#: a solvency ratio above this (a fraction: 10 = 1000%) stops a run until accepted
RATIO_WARN_ABOVE = 10.0

register(
    {
        "cli.note": ("note: {file}: {message}", "提示：{file}：{message}"),
        "cli.output_needed": (
            "--format {format} needs --output FILE.{format}",
            "--format {format} 需要 --output FILE.{format}",
        ),
        "cli.floors_positive": (
            "--min-core and --min-comprehensive must be > 0",
            "--min-core 和 --min-comprehensive 必须大于 0",
        ),
        "cli.simulate_needs_input": (
            "give --assumptions (Monte Carlo) and/or --commitments (VC commitment projection)",
            "请给出 --assumptions（蒙特卡洛模拟）和/或 --commitments（创投基金承诺出资预测）",
        ),
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
        "cli.provenance_footer": ("inputs: {files}", "输入文件：{files}"),
        "cli.accepted_footer": ("accepted warnings: {codes}", "已接受的警告：{codes}"),
        "cli.version_footer": (
            "analyzer {version}, regime {regime}",
            "analyzer {version}，监管口径 {regime}",
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


def accept_option() -> Any:
    """The ``--accept-warning CODE`` option (repeatable)."""
    return typer.Option([], "--accept-warning", help=ACCEPT_HELP, show_default=False)


def look_through_option() -> Any:
    """The ``--look-through FILE`` option."""
    return typer.Option(None, "--look-through", help=LOOK_THROUGH_HELP, show_default=False)


def mapping_option() -> Any:
    """The ``--mapping FILE`` option."""
    return typer.Option(None, "--mapping", help=MAPPING_HELP, show_default=False)


TRADES_HELP = (
    "Trade history (.csv/.xlsx: date, id, quantity, optional price): each stock's "
    "holding_years becomes its first-in-first-out weighted-average holding period over the "
    "past six years (four for STAR) at the company's valuation_date (2025-12 notice 一, 二)."
)


def trades_option() -> Any:
    """The ``--trades FILE`` option."""
    return typer.Option(None, "--trades", help=TRADES_HELP, show_default=False)


#: modules that declare plausibility rules outside ``analyzer.io`` (imported so that every
#: warning code is known before ``--accept-warning`` is checked)
_RULE_MODULES = (
    "analyzer.optimize.limits",
    "analyzer.stress.scenario_file",
    "analyzer.stress.commitments",
)


def known_warning_codes() -> tuple[str, ...]:
    """Every warning code a user may accept (imports the modules that declare rules)."""
    import importlib
    import pkgutil

    import analyzer.io as io_pkg
    from analyzer.io.rules import warning_codes

    names = [f"analyzer.io.{m.name}" for m in pkgutil.iter_modules(io_pkg.__path__)]
    for name in (*names, *_RULE_MODULES):
        try:
            importlib.import_module(name)
        except ImportError:  # an optional module (its extra is not installed)
            continue
    return warning_codes()


def check_accepted(accept: Iterable[str]) -> tuple[str, ...]:
    """The ``--accept-warning`` codes, refused (exit 2) when one is not a warning code: a
    misspelt code would otherwise accept nothing and say nothing."""
    from analyzer.errors import InputError, InputProblem

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


def _plain(value: Any) -> Any:
    """A command-line value in JSON form."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def command_options() -> dict[str, Any]:
    """The options of the running command, as given on the command line (with defaults)."""
    ctx = None
    try:  # typer >= 0.17 bundles its own click
        from typer._click.globals import get_current_context as typer_context

        ctx = typer_context(silent=True)
    except ImportError:
        pass
    if ctx is None:
        import click

        ctx = click.get_current_context(silent=True)
    if ctx is None:
        return {}
    out: dict[str, Any] = {"command": ctx.info_name}
    out.update({k: _plain(v) for k, v in ctx.params.items() if v is not None})
    return out


def provenance(inputs, regime: str | None = None, **options: Any) -> Provenance:
    """The provenance of the running command's output: the inputs' digests and accepted
    warnings from ``inputs`` (what :func:`analyzer.services.inputs.load_inputs` returned), the
    command-line options, the regime and any further ``options``."""
    opts = command_options()
    if regime is not None:
        opts["regime"] = regime
    opts.update({k: _plain(v) for k, v in options.items()})
    prov = inputs.provenance if inputs is not None else Provenance()
    return replace(prov, options={**dict(prov.options), **opts})


def show_notes(inputs: Any) -> None:
    """Print the readers' notices (ignored columns, units converted) to stderr, once each,
    in the user's language: nothing a reader decided goes unsaid."""
    for file, note in getattr(inputs, "notes", ()):
        shown = note.render() if isinstance(note, Text) else str(note)
        typer.echo(text("cli.note", file=file, message=shown).render(), err=True)


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
    accept : the codes given with ``--accept-warning``
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


def emit_json(data: dict, output: Path | None = None) -> None:
    """Check ``data`` (:func:`check_finite`) and write it as JSON to ``output`` (atomically)
    or to stdout."""
    from analyzer.report.files import atomic_write, to_json

    check_finite(data)
    body = to_json(data) + "\n"
    if output is not None:
        atomic_write(output, lambda p: p.write_text(body, encoding="utf-8"))
    else:
        sys.stdout.write(body)
        sys.stdout.flush()


def footer_lines(prov: Provenance, lang: str | None = None) -> list[str]:
    """Short provenance footer of a table: file names with the first 12 hex digits of their
    SHA-256, the accepted warnings, the version and regime."""
    files = ", ".join(f"{Path(f.name).name} ({f.role}) {f.sha256[:12]}" for f in prov.inputs)
    lines = [text("cli.provenance_footer", files=files or "-").render(lang)]
    if prov.accepted_warnings:
        codes = ", ".join(sorted({w.code for w in prov.accepted_warnings}))
        lines.append(text("cli.accepted_footer", codes=codes).render(lang))
    regime = prov.options.get("regime")
    if regime is None:
        lines.append(f"analyzer {prov.version}")
    else:
        lines.append(text("cli.version_footer", version=prov.version, regime=regime).render(lang))
    return lines


def print_footer(prov: Provenance, console=None) -> None:
    """Print :func:`footer_lines` (dim, below a table)."""
    lines = footer_lines(prov)
    if console is not None:
        for line in lines:
            console.print(line, markup=False, style="dim", highlight=False)
    else:
        for line in lines:
            typer.echo(line)


__all__ = [
    "RATIO_RULE",
    "Text",
    "accept_option",
    "check_finite",
    "check_ratios",
    "check_solvency",
    "emit_json",
    "footer_lines",
    "mapping_option",
    "print_footer",
    "provenance",
    "with_warnings",
]
