"""The names a user picks from: the objectives of an allocation, defined once."""

from __future__ import annotations

from enum import StrEnum


class ObjectiveName(StrEnum):
    """What an allocation optimises (docs/formats.md §4)."""

    max_return = "max_return"
    mean_variance = "mean_variance"
    min_volatility = "min_volatility"
    min_capital = "min_capital"
    max_return_on_capital = "max_return_on_capital"


#: the objectives' names in the order a user sees them
OBJECTIVES: tuple[str, ...] = tuple(o.value for o in ObjectiveName)
