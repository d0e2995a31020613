"""The bundled regulatory regimes, listed (light: no numpy, pandas or cvxpy, so that
``analyzer regimes`` starts quickly)."""

from __future__ import annotations

from analyzer.solvency.regime import DEFAULT_REGIME, available_regimes, load_regime


def describe_regimes() -> list[dict]:
    """One record per bundled regime, oldest first: name, whether it is the default, title,
    effective date, notice, the regime it builds on, its lineage and what it changed."""
    out = []
    for name in available_regimes():
        regime = load_regime(name)
        out.append(
            {
                "name": regime.name,
                "default": regime.name == DEFAULT_REGIME,
                "title": regime.title,
                "effective": regime.effective,
                "notice": regime.notice,
                "base": regime.base,
                "lineage": list(regime.lineage()),
                "changes": list(regime.changes),
            }
        )
    return out


__all__ = ["DEFAULT_REGIME", "available_regimes", "describe_regimes", "load_regime"]
