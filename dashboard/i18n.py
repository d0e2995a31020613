"""Labels in Chinese (default) and English: ``t(key, lang, **params)``.

The texts live in the one catalogue of the analyzer (`analyzer.messages`): the dashboard's are
the data files ``analyzer/texts/dashboard/*.toml``. Keys are dotted: ``nav.*`` page names,
``shell.*`` top bar, ``role.*`` / ``perm.*`` access control, ``notice.*`` messages,
``login.*`` the login page, ``unit.*`` money units, ``metric.*`` / ``submodule.*`` domain
terms shared by pages, ``name.<kind>.*`` display names (`dashboard.names`). Add a page's own
labels under its prefix (``overview.*``, ``lab.*``, ``solvency.*``, ``data.*``) with both
languages: ``tests/dashboard/test_i18n_units.py`` checks every key of the catalogue has a
non-empty zh and en text and the same ``{placeholders}`` in both.
"""

from __future__ import annotations

import string
from typing import Any

from analyzer.api import catalogue as messages

LANGUAGES = messages.LANGUAGES
DEFAULT_LANG = "zh"


def normalize_lang(lang: str | None) -> str:
    """``"en"`` or ``"zh"``; anything else (None, "fr", ...) is Chinese, the dashboard's
    default."""
    return messages.normalize_lang(lang, DEFAULT_LANG)


def has(key: str) -> bool:
    return key in messages.load_texts()


def keys() -> list[str]:
    """All keys of the catalogue (for tests and tooling)."""
    return sorted(messages.load_texts())


def t(key: str, lang: str | None = DEFAULT_LANG, **params: Any) -> str:
    """The label ``key`` in ``lang`` with ``{params}`` filled in.

    A parameter value that is a string starting with ``@`` is itself a key and is
    translated first (``t("notice.denied", "en", role="@role.executive", ...)``).
    An unknown key returns the key itself, so a missing label is visible, not fatal.
    """
    try:
        text = messages.template(key, normalize_lang(lang))
    except KeyError:
        return key
    if not params:
        return text
    filled = {
        name: t(value[1:], lang) if isinstance(value, str) and value.startswith("@") else value
        for name, value in params.items()
    }
    try:
        return text.format(**filled)
    except (KeyError, IndexError):
        return text


def pairs(prefix: str) -> dict[str, tuple[str, str]]:
    """{rest of the key: (zh, en)} of every key starting with ``prefix``, in catalogue order."""
    return {
        key[len(prefix) :]: (zh, en)
        for key, (en, zh) in messages.load_texts().items()
        if key.startswith(prefix)
    }


def placeholders(key: str, lang: str) -> set[str]:
    """The ``{names}`` used by a label (tests check zh and en agree)."""
    text = t(key, lang)
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def register(labels: dict[str, tuple[str, str]]) -> None:
    """Add labels at run time (``{key: (zh, en)}``) to the catalogue; a key already there
    with the same texts is fine, with other texts an error."""
    catalogue = messages.load_texts()
    new = {}
    for key, pair in labels.items():
        if len(pair) != 2 or not all(isinstance(s, str) and s for s in pair):
            raise ValueError(f"label {key!r} needs a non-empty (zh, en) pair")
        zh, en = pair
        if key in catalogue:
            if catalogue[key] != (en, zh):
                raise ValueError(f"label {key!r} is already defined differently")
            continue
        new[key] = (en, zh)
    messages.register(new)
