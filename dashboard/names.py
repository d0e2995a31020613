"""Display names (zh, en) of the analyzer's keys: asset classes, asset types, risk modules,
compliance limits and the optimiser's binding limits and units.

The names are the catalogue's ``name.<kind>.<key>`` entries (`analyzer.messages`, read from
``analyzer/texts/dashboard/names.toml``); the tables below are views of them by kind.

Every lookup falls back to the raw key for a name it does not know (a user's own asset class,
a limit added to the engine later), so a new key never breaks a page::

    asset_class("government_bond", "zh")  -> "国债"
    asset_class("my_sleeve", "en")         -> "my_sleeve"

Tests (`tests/dashboard/test_names.py`) check that every asset class of
``data/assumptions.csv`` and every asset type of `analyzer.io.holdings.ASSET_TYPES` has both
names.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard.i18n import normalize_lang, pairs, t

Pair = tuple[str, str]


def _table(kind: str) -> dict[str, Pair]:
    """{key: (zh, en)} of the catalogue's ``name.<kind>.<key>`` entries (in file order)."""
    return pairs(f"name.{kind}.")


#: asset classes (``asset_class`` column; the optimiser's buckets, data/assumptions.csv)
ASSET_CLASSES: dict[str, Pair] = _table("asset_class")

#: asset types (``asset_type`` column, docs/formats.md §1)
ASSET_TYPES: dict[str, Pair] = _table("asset_type")

#: risk modules: the engine's sub-modules, the holdings' ``module`` values and the totals
MODULES: dict[str, Pair] = _table("module")

#: investment-ratio limits of `analyzer.compliance` (``LimitCheck.limit``)
LIMITS: dict[str, Pair] = _table("limit")

#: the optimiser's limit names (`analyzer.optimize.constraints`, ``BindingConstraint``)
BINDING: dict[str, Pair] = _table("binding")

#: pieces of the optimiser's units (``"bp of expected return per pp of total assets"``)
UNIT_PARTS: dict[str, Pair] = _table("unit_part")

TABLES: dict[str, dict[str, Pair]] = {
    "asset_class": ASSET_CLASSES,
    "asset_type": ASSET_TYPES,
    "module": MODULES,
    "limit": LIMITS,
    "binding": BINDING,
}


def name(kind: str, key: Any, lang: str | None = "zh") -> str:
    """The display name of ``key`` in table ``kind`` (the raw key when unknown; never raises)."""
    text = "" if key is None else str(key)
    pair = TABLES.get(kind, {}).get(text)
    if pair is None:
        return text
    return pair[1] if normalize_lang(lang) == "en" else pair[0]


def asset_class(key: Any, lang: str | None = "zh") -> str:
    return name("asset_class", key, lang)


def asset_type(key: Any, lang: str | None = "zh") -> str:
    return name("asset_type", key, lang)


def module(key: Any, lang: str | None = "zh") -> str:
    return name("module", key, lang)


def limit(key: Any, lang: str | None = "zh") -> str:
    """A compliance limit (`analyzer.compliance`)."""
    return name("limit", key, lang)


def binding(key: Any, lang: str | None = "zh") -> str:
    """An optimiser limit; ``group_min:NAME`` / ``group_max:NAME`` keep their group name."""
    text = "" if key is None else str(key)
    if ":" in text:
        head, _, tail = text.partition(":")
        if head in BINDING:
            return (
                f"{name('binding', head, lang)}：{tail}"
                if normalize_lang(lang) == "zh"
                else f"{name('binding', head, lang)}: {tail}"
            )
    return name("binding", text, lang)


def subject(key: Any, lang: str | None = "zh") -> str:
    """A binding limit's subject: an asset class when it is one, else as given."""
    text = "" if key is None else str(key)
    return asset_class(text, lang) if text in ASSET_CLASSES else text


def unit(text: Any, lang: str | None = "zh") -> str:
    """An optimiser unit (``"bp of expected return per pp of total assets"``) in ``lang``;
    unknown pieces are kept as they are."""
    raw = "" if text is None else str(text)
    zh = normalize_lang(lang) == "zh"
    parts = re.split(r"\s+per\s+", raw)
    out = []
    for part in parts:
        pair = UNIT_PARTS.get(part.strip())
        out.append(pair[0 if zh else 1] if pair else part)
    return t("unit.per", lang).join(out) if len(out) > 1 else out[0]


def ref_data(kind: str, lang: str | None) -> dict[str, str]:
    """{key: name} of ``kind`` in ``lang``: an ag-grid column's ``refData`` (shows the names,
    filters and sorts on them; keys it does not list are shown as they are)."""
    lang = normalize_lang(lang)
    return {k: (v[1] if lang == "en" else v[0]) for k, v in TABLES[kind].items()}
