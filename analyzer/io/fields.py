"""Helpers every reader of an input file shares: one wording for unknown names ("did you
mean"), numbers, encodings and the text of table cells.

A leaf module: it imports nothing of :mod:`analyzer` but :mod:`analyzer.errors` and
:mod:`analyzer.messages`, so that every reader (holdings, mapping, company, assumptions,
trades, limits, scenarios, commitments) can use it without importing another reader.
"""

from __future__ import annotations

import codecs
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem
from analyzer.messages import register, text

register(
    {
        "inputs.unknown_key_near": (
            "unknown key '{key}'; did you mean '{suggestion}'?",
            "未知的键 '{key}'；是否应为 '{suggestion}'？",
        ),
        "inputs.unknown_key": (
            "unknown key '{key}'; allowed: {allowed}",
            "未知的键 '{key}'；允许的键：{allowed}",
        ),
        "inputs.unknown_column_near": (
            "unknown column '{key}'; did you mean '{suggestion}'?",
            "未知的列 '{key}'；是否应为 '{suggestion}'？",
        ),
        "inputs.unknown_column": (
            "unknown column '{key}'; allowed: {allowed}",
            "未知的列 '{key}'；允许的列：{allowed}",
        ),
        "inputs.not_number": (
            "must be a number, found {value}",
            "必须为数值，实际为 {value}",
        ),
        "inputs.not_table": ("must be a table", "必须是一个表（[节]）"),
        "inputs.not_text": (
            "must be text in quotes, found {value}",
            "必须是带引号的文本，实际为 {value}",
        ),
    }
)

# --------------------------------------------------------------------------------------------
# "Did you mean"
# --------------------------------------------------------------------------------------------


def squash(name: str) -> str:
    """``name`` lower-cased with everything but letters and digits removed: the form in which
    ``Market Value``, ``market-value`` and ``market_value`` are the same name."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance of ``a`` and ``b`` (insertions, deletions,
    substitutions and swaps of two neighbours), or ``limit + 1`` as soon as it exceeds
    ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def suggest(
    name: str,
    known: Iterable[str],
    *,
    synonyms: Mapping[str, str] | None = None,
    strict: bool = False,
) -> str | None:
    """The known name ``name`` is most likely a misspelling of, or None.

    Tried in this order, the first hit wins:

    1. ``synonyms``: a name real files use for a known one (``issuer`` for ``counterparty``,
       ``市值`` for ``market_value``), looked up lower-cased, as written or with spaces, dashes,
       dots and slashes read as underscores;
    2. the same name once case and everything but letters and digits are ignored
       (``sci-tech`` for ``sci_tech``, ``lookthrough`` for ``look_through``);
    3. a close spelling:

       - by default (an unknown key or column is refused anyway; the suggestion only words
         the message): a name contained in exactly one known name or containing it, both at
         least 5 letters (``sarmra`` for ``sarmra_score``), else a ``difflib`` ratio >= 0.75;
       - ``strict`` (a suggestion turns a column that would be ignored into a refusal, as in
         a holdings header): a plural (``regions``), else, for ASCII names only, an edit
         distance of at most 1 (at most 2 beyond 5 letters) to a known name of more than 3
         letters (``modifed_duration``); the first known name wins a tie.

    Parameters
    ----------
    name : str
        The name as found in the file.
    known : iterable of str
        The allowed names, in the order their ties are settled.
    synonyms : mapping of str to str, optional
        Lower-case alternative names -> known name.
    strict : bool
        Use the strict close spelling (see above).
    """
    known = list(known)
    if synonyms:
        key = name.strip().lower()
        for k in (key, re.sub(r"[\s\-./]+", "_", key)):
            if k in synonyms:
                return synonyms[k]
    squashed: dict[str, str] = {}
    for k in known:
        squashed.setdefault(squash(k), k)
    s = squash(name)
    if not s:
        return None
    if s in squashed:
        return squashed[s]
    if strict:
        if s.endswith("s") and s[:-1] in squashed:
            return squashed[s[:-1]]
        if not s.isascii():
            return None
        limit = 1 if len(s) <= 5 else 2
        best, best_d = None, limit + 1
        for k_squashed, k in squashed.items():
            if min(len(k_squashed), len(s)) <= 3:
                continue
            d = edit_distance(s, k_squashed, limit)
            if d < best_d:
                best, best_d = k, d
        return best
    within = [
        k for k in known if min(len(squash(k)), len(s)) >= 5 and (s in squash(k) or squash(k) in s)
    ]
    if len(within) == 1:  # sarmra for sarmra_score, cashflows_file for cash_flows
        return within[0]
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.75)
    return close[0] if close else None


def unknown_name(
    file: str, column: str, key: str, known: Iterable[str], kind: str = "key"
) -> InputProblem:
    """The problem for an unknown key (``kind="key"``) or column (``kind="column"``):
    "did you mean" for a near miss, otherwise the list of allowed names."""
    known = sorted(known)
    near = suggest(key, known)
    if near is not None:
        return InputProblem(
            file, None, column, text(f"inputs.unknown_{kind}_near", key=key, suggestion=near)
        )
    return InputProblem(
        file, None, column, text(f"inputs.unknown_{kind}", key=key, allowed=", ".join(known))
    )


# --------------------------------------------------------------------------------------------
# Files and values
# --------------------------------------------------------------------------------------------


def decode_utf8(raw: bytes, file: str) -> str:
    """The text of a file that must be UTF-8 (a leading byte-order mark is accepted).

    Raises
    ------
    InputError
        ``file.encoding`` ("save it as UTF-8") for UTF-16, GBK / GB18030 or anything else
        that is not UTF-8.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        raise InputError.single(file, None, None, text("file.encoding", encoding="UTF-16"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        encoding = "GBK / GB18030"
    except UnicodeDecodeError:
        encoding = "an unknown encoding"
    raise InputError.single(file, None, None, text("file.encoding", encoding=encoding))


def parse_toml(raw: bytes, file: str) -> dict:
    """A TOML document from its bytes (UTF-8, BOM accepted) as a dict.

    Raises
    ------
    InputError
        Not UTF-8 (``file.encoding``) or not valid TOML (``file.not_toml``).
    """
    import tomllib

    content = decode_utf8(raw, file)
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise InputError.single(file, None, None, text("file.not_toml", reason=str(exc))) from exc


def read_bytes(path: str | Path, file: str | None = None) -> bytes:
    """The bytes of a file; missing or unreadable is an :class:`InputError`."""
    path = Path(path)
    label = file or str(path)
    if not path.is_file():
        raise InputError.single(label, None, None, text("file.not_found"))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError.single(
            label, None, None, text("file.unreadable", reason=exc.strerror or str(exc))
        ) from exc


def number(
    value: object, file: str, column: str, problems: list[InputProblem], row: int | None = None
) -> float | None:
    """``value`` as a finite float when it is a TOML / JSON number (not a boolean, not text),
    else None with the problem appended."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        problems.append(
            InputProblem(file, row, column, text("inputs.not_number", value=repr(value)))
        )
        return None
    v = float(value)
    if not math.isfinite(v):
        problems.append(InputProblem(file, row, column, text("value.not_finite", value=value)))
        return None
    return v


# --------------------------------------------------------------------------------------------
# Table cells
# --------------------------------------------------------------------------------------------


def cell_text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text, missing cells (NaN, None, NA) as "" (pandas 3 keeps NaN
    through ``astype(str)``, so blanks of .xlsx/.parquet/in-memory tables must be filled)."""
    missing = raw.isna()
    if missing.any():
        raw = raw.astype(object).where(~missing, "")
    if raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=True) != "string":
        # a whole number typed into a text cell of a spreadsheet arrives as 101.0
        raw = raw.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v)
    return raw.astype(str).str.strip()


def factorized_text(raw: pd.Series, blank_words: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(codes, stripped text of each code) of a column: string work is done once per
    distinct value; missing cells (and "nan"/"none" when ``blank_words``) read as ""."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    texts = cell_text(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    if blank_words:
        texts = texts.where(~texts.str.lower().isin(["nan", "none"]), "")
    texts = np.append(texts.to_numpy(dtype=object), "")  # code -1 (missing) reads as ""
    return np.where(codes < 0, len(texts) - 1, codes), texts
