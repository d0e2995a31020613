"""Scenario files: historical and user stress scenarios as shocks per risk driver or class.

Format (``.csv`` or ``.xlsx``; one row per move; rows are spreadsheet rows, header = row 1)::

    scenario,driver,asset_class,shock,description,source
    2015_a_share_crash,equity,,-0.43,"CSI 300 peak to trough","CSI 300 close ..."
    my_view,,stock_star,-0.50,"STAR board halves",

- ``scenario``: name (rows with the same name form one scenario);
- exactly one of ``driver`` (see :data:`analyzer.stress.shocks.DRIVERS`) or ``asset_class``
  (a class of the holdings);
- ``shock``: a return as a fraction (>= -1) for return drivers and asset classes, basis points
  for ``rates``, ``spread`` and ``liability_rates``, a loss fraction in [0, 1] for ``default``;
- optional ``description``, ``source``, ``reference``: the first non-blank value of a scenario
  is kept.

Every problem is reported with its file, row and column (:class:`analyzer.errors.InputError`,
exit status 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from analyzer.errors import InputError, InputProblem
from analyzer.stress.shocks import BP_DRIVERS, DRIVERS, Shock

COLUMNS = ("scenario", "driver", "asset_class", "shock", "description", "source", "reference")


def read_scenarios(
    path: str | Path, kind: str = "user", known_classes: Iterable[str] | None = None
) -> list[Shock]:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : the file
    kind : label of the scenarios (``user`` or ``historical``)
    known_classes : the holdings' asset classes; when given, an unknown class is an error

    Returns
    -------
    list of Shock, in file order of first appearance

    Raises
    ------
    InputError
        Missing column, blank scenario, both or neither of driver / asset_class, unknown
        driver or class, missing or non-numeric shock, a return below -100%, a default loss
        outside [0, 1], or the same driver / class twice in one scenario.
    """
    from analyzer.io.tables import read_table

    label = str(path)
    frame = read_table(path, name=label)
    problems: list[InputProblem] = []
    for col in ("scenario", "shock"):
        if col not in frame.columns:
            problems.append(
                InputProblem(
                    label,
                    1,
                    col,
                    "required column is missing; the "
                    "header must name scenario, driver and/or "
                    "asset_class, shock",
                )
            )
    if "driver" not in frame.columns and "asset_class" not in frame.columns:
        problems.append(
            InputProblem(label, 1, "driver", "the header needs a driver or an asset_class column")
        )
    if problems:
        raise InputError(problems)

    def text(col: str, i: int) -> str:
        if col not in frame.columns:
            return ""
        v = str(frame[col].iloc[i]).strip()
        return "" if v.lower() in ("nan", "none") else v

    classes = set(known_classes) if known_classes is not None else None
    order: list[str] = []
    drivers: dict[str, dict[str, float]] = {}
    class_returns: dict[str, dict[str, float]] = {}
    info: dict[str, dict[str, str]] = {}
    rows: dict[str, dict[str, int]] = {}
    for i in range(len(frame)):
        row = i + 2
        name = text("scenario", i)
        driver = text("driver", i)
        cls = text("asset_class", i)
        raw = text("shock", i)
        if not name:
            problems.append(InputProblem(label, row, "scenario", "a scenario name is required"))
            continue
        if driver and cls:
            problems.append(
                InputProblem(
                    label, row, "driver", "give either a driver or an asset_class, not both"
                )
            )
            continue
        if not driver and not cls:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "driver",
                    f"a driver or an asset_class is required; drivers: {', '.join(DRIVERS)}",
                )
            )
            continue
        if driver and driver not in DRIVERS:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "driver",
                    f"unknown driver '{driver}'; allowed: {', '.join(DRIVERS)}",
                )
            )
            continue
        if cls and classes is not None and cls not in classes:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "asset_class",
                    f"unknown asset class '{cls}'; the holdings have: {', '.join(sorted(classes))}",
                )
            )
            continue
        if raw == "":
            problems.append(InputProblem(label, row, "shock", "a value is required"))
            continue
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            problems.append(InputProblem(label, row, "shock", f"'{raw}' is not a number"))
            continue
        if not np.isfinite(value):
            problems.append(InputProblem(label, row, "shock", "must be finite"))
            continue
        key = driver or cls
        if driver == "default":
            if not 0.0 <= value <= 1.0:
                problems.append(
                    InputProblem(
                        label,
                        row,
                        "shock",
                        f"{value:g} is not a loss fraction in [0, 1] (0.1 = 10% of admitted value)",
                    )
                )
                continue
        elif driver not in BP_DRIVERS and value < -1.0:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "shock",
                    f"{value:g} is a return below -100% (returns are fractions: -0.3 = -30%)",
                )
            )
            continue
        target = drivers if driver else class_returns
        if name not in rows:
            order.append(name)
            drivers[name], class_returns[name], info[name], rows[name] = {}, {}, {}, {}
        if key in target[name]:
            problems.append(
                InputProblem(
                    label,
                    row,
                    "driver" if driver else "asset_class",
                    f"'{key}' appears twice in scenario '{name}' (first on row {rows[name][key]})",
                )
            )
            continue
        target[name][key] = value
        rows[name][key] = row
        for col in ("description", "source", "reference"):
            if text(col, i) and col not in info[name]:
                info[name][col] = text(col, i)
    if problems:
        raise InputError(problems)
    return [
        Shock(
            n,
            drivers[n],
            class_returns[n],
            description=info[n].get("description", ""),
            reference=info[n].get("reference", ""),
            source=info[n].get("source", ""),
            kind=kind,
            rows=rows[n],
        )
        for n in order
    ]


def check_classes(shocks: Iterable[Shock], classes: Iterable[str], file: str) -> None:
    """Raise :class:`InputError` for asset classes of the shocks not in ``classes``."""
    known = set(classes)
    problems = [
        InputProblem(
            file,
            s.rows.get(c),
            "asset_class",
            f"unknown asset class '{c}'; the holdings have: {', '.join(sorted(known))}",
        )
        for s in shocks
        for c in s.class_returns
        if c not in known
    ]
    if problems:
        raise InputError(problems)
