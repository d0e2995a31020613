"""Regimes: versioned regulatory tables, one regime per notice.

Each regime is a folder in ``analyzer/solvency/regimes/`` holding ``regime.toml`` (name, notice,
what changed, ``base``) and one TOML file per rule area (``equity.toml``, ``spread.toml`` ...).
A regime with a ``base`` is a delta: its tables are deep-merged over the base's (tables merge
key by key, lists and values replace). Every table carries the ``article`` it comes from.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from analyzer.errors import ParameterError
from analyzer.solvency.messages import compose

DEFAULT_REGIME = "cross2-2025-12"
BASELINE_REGIME = "cross2-2022"
_PACKAGE = "analyzer.solvency.regimes"


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _merge(base: dict, delta: dict) -> dict:
    out = dict(base)
    for key, value in delta.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Regime:
    """A complete, merged set of regulatory tables.

    Attributes
    ----------
    name : str
        e.g. ``"cross2-2025-12"``.
    title, notice, effective : str
        What the regime is and the notice it comes from.
    changes : tuple of str
        What this regime changed against its base (empty for the base).
    base : str or None
        The regime this one is a delta on.
    tables : Mapping
        ``tables[area][table][key]``, e.g. ``tables["equity"]["stock"]["rf0"]["main"]``.
    """

    name: str
    title: str
    notice: str
    effective: str
    changes: tuple[str, ...]
    base: str | None
    tables: Mapping[str, Any] = field(repr=False)

    def __reduce__(self):
        """Pickle by name (the tables are read-only mappings): workers reload the regime."""
        return (load_regime, (self.name,))

    def table(self, area: str, name: str) -> Mapping[str, Any]:
        """Return one table, e.g. ``regime.table("equity", "stock")``."""
        try:
            return self.tables[area][name]
        except KeyError as exc:
            raise ParameterError(
                compose("solvency.regime_no_table", regime=self.name, table=f"{area}.{name}")
            ) from exc

    def lineage(self) -> tuple[str, ...]:
        """Names from the baseline to this regime."""
        chain = [self.name]
        base = self.base
        while base:
            chain.append(base)
            base = load_regime(base).base
        return tuple(reversed(chain))


def available_regimes() -> tuple[str, ...]:
    """Names of the bundled regimes, oldest first."""
    root = resources.files(_PACKAGE)
    names = [p.name for p in root.iterdir() if p.is_dir() and (p / "regime.toml").is_file()]
    return tuple(sorted(names))


def _raw_tables(name: str) -> tuple[dict, dict]:
    folder = resources.files(_PACKAGE) / name
    meta = tomllib.loads((folder / "regime.toml").read_text(encoding="utf-8"))
    tables: dict[str, Any] = {}
    for path in folder.iterdir():
        if path.name.endswith(".toml") and path.name != "regime.toml":
            tables[path.name[:-5]] = tomllib.loads(path.read_text(encoding="utf-8"))
    return meta, tables


@cache
def load_regime(name: str = DEFAULT_REGIME) -> Regime:
    """Load a regime by name, merged over its base.

    Raises
    ------
    ParameterError
        If no such regime is bundled.
    """
    if name not in available_regimes():
        raise ParameterError(
            compose("solvency.unknown_regime", regime=name, allowed=", ".join(available_regimes()))
        )
    meta, tables = _raw_tables(name)
    base = meta.get("base") or None
    merged = _merge(_unfreeze(load_regime(base).tables), tables) if base else tables
    return Regime(
        name=meta["name"],
        title=meta.get("title", ""),
        notice=meta.get("notice", ""),
        effective=meta.get("effective", ""),
        changes=tuple(meta.get("changes", ())),
        base=base,
        tables=_freeze(merged),
    )


def _unfreeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _unfreeze(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_unfreeze(v) for v in value]
    return value


def ratio_thresholds(regime: str | Regime = DEFAULT_REGIME) -> dict[str, float]:
    """The solvency ratio thresholds of the regime's ``capital.thresholds`` table (fractions,
    in the table's order): ``core_minimum`` (0.50), ``comprehensive_minimum`` (1.00),
    ``core_watch`` (0.60), ``comprehensive_watch`` (1.20) (保险公司偿付能力管理规定
    Art. 22-23); the one reader of that table."""
    reg = regime if isinstance(regime, Regime) else load_regime(regime)
    table = reg.table("capital", "thresholds")
    return {key: float(value) for key, value in table.items() if key != "article"}


def legal_minimum(kind: str, regime: str | Regime = DEFAULT_REGIME) -> float:
    """The legal minimum ratio (fraction) of :func:`ratio_thresholds`: ``kind`` is
    ``"comprehensive"`` (1.00) or ``"core"`` (0.50) (保险公司偿付能力管理规定 Art. 22)."""
    return ratio_thresholds(regime)[f"{kind}_minimum"]
