"""The template service: the holdings input workbook to fill in Excel."""

from __future__ import annotations

from pathlib import Path

from analyzer.errors import InputError
from analyzer.io.template import write_template as _write_workbook
from analyzer.messages import language, text


def write_template(output: str | Path, *, lang: str | None = None, force: bool = False) -> str:
    """Write the holdings input workbook (.xlsx) to ``output``; the language shown first
    (``lang``, else the user's) is returned.

    Raises
    ------
    InputError
        ``output`` not an .xlsx, or it exists and ``force`` is not given.
    """
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError.single(
            str(output), None, None, text("template.not_xlsx", suffix=output.suffix or "?")
        )
    if output.exists() and not force:
        raise InputError.single(str(output), None, None, text("template.exists"))
    chosen = lang if lang is not None else language()
    _write_workbook(output, lang=chosen)
    return chosen


__all__ = [
    "write_template",
]
