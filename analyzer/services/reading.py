"""The one validation layer every front end shares: read the input files of a run, check each
file, check the files against each other, and stop on anything not accepted.

``load_inputs`` is what the command line, the dashboard upload and ``analyzer validate`` call.
Each reader validates its own file (see :mod:`analyzer.io.holdings`, :mod:`analyzer.io.company`,
:mod:`analyzer.io.assumptions`, :mod:`analyzer.optimize.limits`, :mod:`analyzer.stress`);
:mod:`analyzer.io.inputs` adds the checks that need two files at once (the positions' sum
against ``total_assets``, a position larger than the balance sheet, the look-through data
dates against the valuation date), and this module the decision on warnings
(:func:`analyzer.errors.enforce_warnings`).

It sits above every reader: the readers of the limits, scenario and commitment files belong to
:mod:`analyzer.optimize` and :mod:`analyzer.stress`, which themselves read :mod:`analyzer.io`.

With ``collect=True`` (``analyzer validate``) every file is read even when an earlier one
failed, and all problems and warnings come back at once instead of stopping at the first file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer.errors import (
    InputError,
    InputProblem,
    InputWarning,
    UnacceptedWarningError,
    enforce_warnings,
)
from analyzer.io.holdings import products_without_underlyings
from analyzer.io.inputs import cross_check
from analyzer.io.look_through import read_look_through
from analyzer.io.provenance import InputFile, Provenance, file_digest
from analyzer.io.trades import apply_trades
from analyzer.services.checks import check_accepted, correlations_path
from analyzer.solvency.regime import load_regime


@dataclass(frozen=True)
class Inputs:
    """Validated inputs of one run, with what is needed to reproduce it.

    Attributes
    ----------
    holdings : Holdings or None
    company : Company or None
    assumptions : Assumptions or None
    templates : Holdings or None
        Model positions for classes not yet held (holdings format).
    warnings : tuple of InputWarning
        Every warning raised by the files (all accepted when ``load_inputs`` returned).
    provenance : Provenance
        Input digests, mapping, accepted warnings.
    scenarios : tuple of Shock
        The stress scenarios of the scenario files, in file order.
    commitments : dict or None
        The commitment plan (projection year -> CNY).
    limits : tuple (Limits, dict) or None
        The limits file read on top of the default limits, with the per-class costs.
    extra : tuple
        What the readers of ``load_inputs(extra=...)`` returned, in the same order (None for a
        file that failed under ``collect``).
    """

    @property
    def notes(self) -> tuple[tuple[str, Any], ...]:
        """Non-blocking notices of the readers, as (file, Text): columns of a holdings
        export that were ignored, the units a mapping converted."""
        out = []
        for h in (self.holdings, self.templates):
            for note in getattr(h, "notes", ()) or ():
                out.append((str(getattr(h, "source", "")), note))
        return tuple(out)

    holdings: Any = None
    company: Any = None
    assumptions: Any = None
    templates: Any = None
    warnings: tuple[InputWarning, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    scenarios: tuple = ()
    commitments: dict | None = None
    limits: Any = None
    extra: tuple[Any, ...] = ()


def company_valuation_date(company: str | Path | None) -> dt.date | None:
    """The ``valuation_date`` of a company file, read ahead of the holdings so that their
    date-dependent checks use it (None when absent or unreadable: the company file's own
    reader reports that)."""
    if not isinstance(company, (str, Path)) or not Path(company).is_file():
        return None
    try:
        from analyzer.io.company import _iso_date
        from analyzer.io.fields import parse_toml

        data = parse_toml(Path(company).read_bytes(), str(company))
    except (InputError, OSError):
        return None
    return _iso_date(data.get("valuation_date"))


@dataclass
class _Collector:
    """Runs readers, keeping their problems (``collect``) or raising the first."""

    collect: bool
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)

    def attempt(self, reader: Callable[[], Any]) -> tuple[bool, Any]:
        """(True, ``reader()``), or (False, None) with its problems collected (raised when
        not collecting)."""
        try:
            return True, reader()
        except InputError as err:
            if not self.collect:
                raise
            self.problems.extend(err.problems)
            return False, None

    def record(self, role: str, path: Any) -> None:
        """Record the digest of a file read (nothing for a path that is not a file)."""
        if isinstance(path, (str, Path)) and Path(path).is_file():
            self.files.append(InputFile(role, str(path), file_digest(path)))

    def read(self, role: str, path: str | Path | None, reader: Callable[[], Any]) -> Any:
        if path is None:
            return None
        ok, value = self.attempt(reader)
        if not ok:
            return None
        self.record(role, path)
        self.warnings.extend(getattr(value, "warnings", ()) or ())
        return value


def _with_trades(c: _Collector, h: Any, co: Any, trades: str | Path) -> Any:
    """The holdings with holding periods from the trade history (its problems collected,
    its digest and new warnings recorded)."""
    valuation = getattr(co, "valuation_date", None) or dt.date.today()
    ok, new = c.attempt(lambda: apply_trades(h, trades, valuation))
    if not ok:
        return h
    c.record("trades", trades)
    c.warnings.extend(new.warnings[len(h.warnings) :])
    return new


def load_inputs(
    holdings: str | Path | None = None,
    company: str | Path | None = None,
    assumptions: str | Path | None = None,
    correlations: str | Path | None = None,
    templates: str | Path | None = None,
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    repair: bool = False,
    collect: bool = False,
    *,
    regime: str | None = None,
    scenarios: Collection[str | Path] = (),
    commitments: str | Path | None = None,
    horizon: int | None = None,
    limits: str | Path | None = None,
    extra: Sequence[tuple[str, str | Path, Callable[[dict], Any]]] = (),
    look_through: str | Path | None = None,
    trades: str | Path | None = None,
) -> Inputs:
    """Read, validate and cross-check the input files of a run.

    Parameters
    ----------
    holdings, company, assumptions, correlations, templates : path, optional
        The files (formats in ``docs/formats.md``); ``None`` skips a file. The correlation
        matrix defaults to ``correlations.csv`` beside the assumptions, so that its digest is
        recorded (:func:`~analyzer.services.checks.correlations_path`).
    mapping : path, optional
        A mapping file that turns an insurer's own export into the holdings format.
    accept : collection of str
        Warning codes the user accepted (``--accept-warning``); an unknown code is refused.
    regime : str, optional
        The regime's name, checked when given (an unknown regime is refused).
    repair : bool
        Replace a correlation matrix that is not positive semi-definite by its nearest
        correlation matrix.
    collect : bool
        Read every file and report every problem at once (``analyzer validate``).
    scenarios : paths, optional
        Stress scenario files (their asset classes are checked against the holdings').
    commitments : path, optional
        A commitment plan; ``horizon`` (years) refuses a year beyond it.
    limits : path, optional
        A limits file, read on top of the default limits (its classes are checked against
        the holdings'); a command that builds its limits from options reads the file again
        on top of them.
    look_through : path, optional
        A look-through file (``--look-through FILE``, :mod:`analyzer.io.look_through`): the
        underlyings of looked-through positions, read against the holdings and attached to
        them (``Holdings.look_through``); its digest is recorded (role ``look_through``).
    extra : sequence of (role, path, reader)
        Further files of a command (limits, scenarios, commitments): ``reader(read)`` is
        called after the files above, with ``read`` the dict of what they gave (``holdings``,
        ``company``, ``assumptions``, ``templates``; None when absent or failed); its problems,
        warnings and digest join the others.
    trades : path, optional
        A trade history (``--trades FILE``, :mod:`analyzer.io.trades`): the stocks' holding
        periods are derived from it as of the company's ``valuation_date`` (today when the
        company file has none or is not given).

    Raises
    ------
    InputError
        An unknown warning code, an unknown regime, or any file or cross-file problem (all of
        them when ``collect``; the error then also carries ``warnings``, the warnings not
        accepted, so that nothing found is lost).
    UnacceptedWarningError
        Warnings not in ``accept``.
    """
    # the readers are looked up at each call (a test may replace one in its module)
    from analyzer.io.assumptions import read_assumptions
    from analyzer.io.company import read_company
    from analyzer.io.holdings import read_holdings

    accept = check_accepted(accept)
    if regime is not None:
        load_regime(regime)
    correlations = correlations_path(assumptions, correlations)
    c = _Collector(collect)
    day = company_valuation_date(company)
    h = c.read(
        "holdings",
        holdings,
        lambda: read_holdings(holdings, mapping=mapping, valuation_date=day),
    )
    co = c.read("company", company, lambda: read_company(company))
    a = c.read(
        "assumptions",
        assumptions,
        lambda: read_assumptions(assumptions, correlations, repair=repair),
    )
    if correlations is not None:
        c.record("correlations", correlations)
    if look_through is not None and h is not None:
        lt = c.read("look_through", look_through, lambda: read_look_through(look_through, h))
        if lt is not None:
            h = replace(h, look_through=lt, notes=tuple(h.notes) + tuple(lt.notes))
    elif look_through is not None:
        c.record("look_through", look_through)
    if h is not None and hasattr(h, "frame"):
        # a looked-through portfolio product is charged on its underlyings (Rule 7 Art. 14-20)
        lt_rows = getattr(h, "look_through", None)
        parents = () if lt_rows is None else lt_rows.frame["parent_id"].unique()
        unlooked = products_without_underlyings(h.frame, parents, h.source)
        if unlooked and not c.collect:
            raise InputError(unlooked)
        c.problems.extend(unlooked)
    if trades is not None and h is not None:
        h = _with_trades(c, h, co, trades)
    t = c.read("templates", templates, lambda: read_holdings(templates))
    if mapping is not None:
        c.record("mapping", mapping)
    held = None
    if h is not None and "asset_class" in getattr(h, "frame", {}):
        held = tuple(sorted({str(c) for c in h.frame["asset_class"] if str(c)}))
    # the readers of analyzer.stress and analyzer.optimize are imported only when their file is
    # given: those packages load the engine and the solver, which a run without them never needs
    shocks: list = []
    for path in scenarios:
        from analyzer.stress.scenario_file import read_scenarios

        got = c.read("scenarios", path, lambda p=path: read_scenarios(p, known_classes=held))
        shocks.extend(got or ())
    plan = None
    if commitments is not None:
        from analyzer.stress.commitments import read_commitments

        plan = c.read("commitments", commitments, lambda: read_commitments(commitments, horizon))
    lim = None
    if limits is not None:
        from analyzer.optimize.limits import read_limits

        lim = c.read("limits", limits, lambda: read_limits(limits, classes=held or ()))
    if h is not None and co is not None:
        for found in cross_check(h, co, str(holdings)):
            if isinstance(found, InputWarning):
                c.warnings.append(found)
            else:
                c.problems.append(found)
        if c.problems and not collect:
            raise InputError(c.problems)
    read = {"holdings": h, "company": co, "assumptions": a, "templates": t}
    more = tuple(
        c.read(role, path, lambda reader=reader: reader(read)) for role, path, reader in extra
    )
    if c.problems:
        pending = [w for w in c.warnings if w.code not in set(accept)]
        if pending:  # every problem and every open warning at once
            c.problems.extend(UnacceptedWarningError(pending).problems)
        err = InputError(c.problems)
        err.warnings = tuple(pending)
        raise err
    accepted = enforce_warnings(c.warnings, accept)
    return Inputs(
        holdings=h,
        company=co,
        assumptions=a,
        templates=t,
        warnings=accepted,
        provenance=Provenance(
            inputs=tuple(c.files),
            mapping=getattr(h, "mapping", None),
            accepted_warnings=accepted,
            defaults_used=dict(getattr(h, "defaults_used", None) or {}),
        ),
        scenarios=tuple(shocks),
        commitments=plan,
        limits=lim,
        extra=more,
    )
