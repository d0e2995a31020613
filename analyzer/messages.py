"""User-facing texts in Chinese and English: one catalogue shared by the core, the command line
and the dashboard.

Every message has an id and a template in each language; both templates take the same named
fields. Core code builds a :class:`Text` with :func:`text` and hands it to an error or warning;
the front end renders it in the user's language (:func:`language`).

The core's modules add their messages with :func:`register` when imported; the dashboard's
texts (page labels, notices, display names of the analyzer's keys) are data files,
``analyzer/texts/**/*.toml`` (one table per id with an ``en`` and a ``zh`` string), read into
the same :data:`CATALOGUE` by :func:`load_texts` -- on the first lookup of an id that is not
there yet, so a command that never needs them does not parse them. :func:`template` is the
one lookup and :func:`normalize_lang` the one reading of a language tag.

>>> str(text("value.not_number", value="abc"))
"'abc' is not a number"
>>> text("value.not_number", value="abc").render("zh")
"'abc' 不是数字"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

LANGUAGES: tuple[str, ...] = ("zh", "en")

_override: str | None = None


def set_language(lang: str | None) -> None:
    """Choose the language of every rendered message (``None``: back to the environment)."""
    global _override
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGUAGES)}")
    _override = lang


def normalize_lang(lang: str | None, default: str = "en") -> str:
    """``"zh"`` or ``"en"`` for a language tag: a tag starting with ``zh`` or ``en`` (any case,
    ``"zh-CN"``, ``"en_GB.UTF-8"``) is that language; anything else (``None``, ``""``,
    ``"fr"``) is ``default``."""
    tag = (lang or "").lower()
    for known in LANGUAGES:
        if tag.startswith(known):
            return known
    return default


def language() -> str:
    """The language messages are rendered in: :func:`set_language`, else ``ANALYZER_LANG``,
    else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``zh*`` gives Chinese), else
    English."""
    if _override:
        return _override
    explicit = os.environ.get("ANALYZER_LANG", "").strip().lower()
    if explicit in LANGUAGES:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return normalize_lang(value, "en")
    return "en"


@dataclass(frozen=True)
class Text:
    """One message in both languages. ``str()`` is English; :meth:`render` picks one."""

    en: str
    zh: str

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: :func:`language`)."""
        return self.zh if (lang or language()) == "zh" else self.en

    def __str__(self) -> str:
        return self.en

    def __add__(self, other: Text | str) -> Text:
        if isinstance(other, Text):
            return Text(self.en + other.en, self.zh + other.zh)
        return Text(self.en + other, self.zh + other)


#: message id -> (English template, Chinese template). Both take the same ``{fields}``.
CATALOGUE: dict[str, tuple[str, str]] = {
    # locations
    "where.row": ("row {row}", "第 {row} 行"),
    "where.column": ("column '{column}'", "列 '{column}'"),
    "where.sep": (", ", "，"),
    "where.colon": (": ", "："),
    # generic cell values
    "value.required": ("a value is required", "必须填写"),
    "value.not_number": ("'{value}' is not a number", "'{value}' 不是数字"),
    "value.not_finite": (
        "'{value}' is not a finite number; only finite numbers are allowed",
        "'{value}' 不是有限数值；只允许有限数值",
    ),
    "value.below_minimum": (
        "{value:g} is below the allowed minimum {minimum:g}",
        "{value:g} 低于允许的最小值 {minimum:g}",
    ),
    "value.not_whole": ("must be a whole number", "必须为整数"),
    "value.not_bool": ("'{value}' is not true/false", "'{value}' 不是 true/false"),
    "value.not_allowed": (
        "'{value}' is not allowed; allowed: {allowed}",
        "不允许 '{value}'；允许的取值：{allowed}",
    ),
    "value.more_rows": (
        "{count} more row(s) with the same problem",
        "另有 {count} 行存在同样的问题",
    ),
    # files
    "file.not_found": ("file not found", "找不到文件"),
    "file.unreadable": ("cannot read the file: {reason}", "无法读取文件：{reason}"),
    "file.no_rows": ("the file has no data rows", "文件没有数据行"),
    "file.unsupported_type": (
        "unsupported file type '{suffix}'; allowed: {allowed}",
        "不支持的文件类型 '{suffix}'；允许：{allowed}",
    ),
    "file.not_toml": ("not valid TOML: {reason}", "不是有效的 TOML：{reason}"),
    "file.encoding": (
        "the file is not UTF-8 (it looks like {encoding}); save it as UTF-8 (CSV UTF-8 in Excel) "
        "and try again",
        "文件不是 UTF-8 编码（看起来是 {encoding}）；"
        "请另存为 UTF-8（Excel 中选择“CSV UTF-8”）后重试",
    ),
    # warnings
    "warning.unaccepted": (
        "{count} warning(s) need a decision; check them and, if the input is right, pass "
        "--accept-warning with each id: {ids}",
        "有 {count} 条警告需要确认；请核对，如输入无误，"
        "用 --accept-warning 逐一确认这些编号：{ids}",
    ),
    "warning.unknown_id": (
        "'{value}' is not a warning id; known ids: {allowed}",
        "'{value}' 不是警告编号；已知编号：{allowed}",
    ),
}


def template(code: str, lang: str) -> str:
    """The template of ``code`` in ``lang`` (``"zh"``, else English), fields not filled in.

    Raises
    ------
    KeyError
        When ``code`` is not in :data:`CATALOGUE`.
    """
    pair = CATALOGUE.get(code)
    if pair is None:
        load_texts()
        pair = CATALOGUE[code]
    return pair[1] if lang == "zh" else pair[0]


def text(code: str, **fields: object) -> Text:
    """The catalogue message ``code`` with ``fields`` filled in, in both languages.

    Raises
    ------
    KeyError
        When ``code`` is not in :data:`CATALOGUE` (a programming error, caught by the tests).
    """
    return Text(template(code, "en").format(**fields), template(code, "zh").format(**fields))


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a module's messages to the catalogue (ids must be new)."""
    clash = set(messages) & set(CATALOGUE)
    if clash:
        raise ValueError(f"message ids defined twice: {sorted(clash)}")
    CATALOGUE.update(messages)


_texts_loaded = False


def load_texts() -> dict[str, tuple[str, str]]:
    """Register the texts of every ``analyzer/texts/**/*.toml`` file (sorted by path), once;
    returns :data:`CATALOGUE`, now complete but for modules not imported yet."""
    global _texts_loaded
    if _texts_loaded:
        return CATALOGUE
    _texts_loaded = True
    found: list[tuple[str, Traversable]] = []

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".toml"):
                found.append((f"{prefix}{entry.name}", entry))

    walk(resources.files("analyzer").joinpath("texts"), "")
    for name, entry in sorted(found, key=lambda item: item[0]):
        table = tomllib.loads(entry.read_text(encoding="utf-8"))
        bad = [k for k, v in table.items() if not (isinstance(v, dict) and set(v) == {"en", "zh"})]
        if bad:
            raise ValueError(f"texts/{name}: entries without exactly 'en' and 'zh': {bad}")
        register({code: (pair["en"], pair["zh"]) for code, pair in table.items()})
    return CATALOGUE
