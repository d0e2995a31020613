"""The application services: everything the command line and the dashboard call.

A front end (``analyzer/commands/``, ``dashboard/``) imports from this module and from
:mod:`analyzer.errors` only: it parses what the user gave, calls one service and formats the
result. The services take typed inputs (checked once by the one validation layer) and return
the immutable result objects re-exported here.

Typical use::

    import analyzer as az
    inputs = az.load_inputs("holdings.csv", "company.toml")
    result = az.evaluate(inputs)
"""

from __future__ import annotations

from analyzer.optimize.kinds import OBJECTIVES, ObjectiveName

__all__ = [
    "OBJECTIVES",
    "ObjectiveName",
]
