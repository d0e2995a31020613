"""Sci-tech insurance investment analyzer: C-ROSS II capital, compliance and allocation.

The package is the pure core: numpy, pandas and cvxpy only (no Dash, no plotly). Its
application services (:mod:`analyzer.api`) are re-exported here, flat: ``analyzer.evaluate``
is ``analyzer.api.evaluate``. They load on first use, so that ``import analyzer`` stays cheap.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # a submodule being imported (``from analyzer import compliance``) is not a service
    if name.startswith("__") or importlib.util.find_spec(f"{__name__}.{name}") is not None:
        raise AttributeError(name)
    api = importlib.import_module("analyzer.api")
    try:
        return getattr(api, name)
    except AttributeError:
        raise AttributeError(f"module 'analyzer' has no attribute {name!r}") from None


def __dir__() -> list[str]:
    api = importlib.import_module("analyzer.api")
    return sorted({*globals(), *api.__all__})
