"""The top-down service: minimum capital and ratios from module capitals."""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

from analyzer.errors import InputError
from analyzer.io.tables import read_table
from analyzer.messages import register, text
from analyzer.solvency.regime import DEFAULT_REGIME, load_regime
from analyzer.topdown import aggregate_modules

register(
    {
        "aggregate.cannot_write": (
            "cannot write the output here: {reason}",
            "无法在此处写入输出：{reason}",
        ),
    }
)


def aggregate(
    modules: str | Path, regime: str = DEFAULT_REGIME, assets_unit: str = "yuan"
) -> pd.DataFrame:
    """Minimum capital and solvency ratios from module capitals (top-down, Rule 2): the rows
    of the table ``modules`` with the size coefficient, diversification, quantifiable and
    minimum capital and the ratios added (:func:`analyzer.topdown.aggregate_modules`).

    ``assets_unit`` is the unit of ``total_assets``: ``yuan``, ``wan`` or ``yi``.
    """
    reg = load_regime(regime)
    frame = read_table(modules, name=str(modules))
    return aggregate_modules(frame, reg, str(modules), assets_unit=assets_unit)


def _records(frame: pd.DataFrame) -> list[dict]:
    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if hasattr(value, "item"):  # numpy scalar
            return clean(value.item())
        return value

    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def render_aggregate(frame: pd.DataFrame, fmt: str = "csv") -> str:
    """The result of :func:`aggregate` as CSV (``fmt="csv"``) or as a JSON list of records
    (``"json"``; NaN as null)."""
    if fmt == "json":
        return json.dumps(_records(frame), ensure_ascii=False, indent=2) + "\n"
    return frame.to_csv(index=False, lineterminator="\n")


def write_text_atomically(path: str | Path, body: str) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError.single(
            str(path), None, None, text("aggregate.cannot_write", reason=exc.strerror)
        ) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(body)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_aggregate(
    frame: pd.DataFrame, fmt: str = "csv", output: str | Path | None = None
) -> None:
    """Write :func:`render_aggregate` to ``output`` (atomically) or to stdout."""
    body = render_aggregate(frame, fmt)
    if output is None:
        sys.stdout.write(body)
        sys.stdout.flush()
    else:
        write_text_atomically(output, body)


__all__ = ["aggregate", "render_aggregate", "write_aggregate", "write_text_atomically"]
