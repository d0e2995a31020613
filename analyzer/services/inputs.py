"""Reading a run's input files: the one validation layer
(:func:`analyzer.services.reading.load_inputs`, which also checks the accepted warning codes,
the regime's name and finds the correlation matrix beside the assumptions), under the names
the services and the front ends import."""

from __future__ import annotations

from collections.abc import Callable

from analyzer.services.reading import Inputs, load_inputs

#: a progress callback: called with the number of steps just done
Tick = Callable[[int], None]


__all__ = [
    "Inputs",
    "Tick",
    "load_inputs",
]
