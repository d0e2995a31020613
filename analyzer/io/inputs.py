"""The one validation layer every front end shares: read the input files of a run, check each
file, check the files against each other, and stop on anything not accepted.

``load_inputs`` is what the command line, the dashboard upload and ``analyzer validate`` call.
Each reader validates its own file (see :mod:`analyzer.io.holdings`, :mod:`analyzer.io.company`,
:mod:`analyzer.io.assumptions`); this module adds the checks that need two files at once (the
positions' sum against ``total_assets``, a position larger than the balance sheet, liability
cash flows in another unit than the balance sheet) and the decision on warnings
(:func:`analyzer.errors.enforce_warnings`).

With ``collect=True`` (``analyzer validate``) every file is read even when an earlier one
failed, and all problems and warnings come back at once instead of stopping at the first file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import InputError, InputProblem, InputWarning, enforce_warnings
from analyzer.io.provenance import InputFile, Provenance, file_digest


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
    extra : tuple
        What the readers of ``load_inputs(extra=...)`` returned, in the same order (None for a
        file that failed under ``collect``).
    """

    holdings: Any = None
    company: Any = None
    assumptions: Any = None
    templates: Any = None
    warnings: tuple[InputWarning, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    extra: tuple[Any, ...] = ()


@dataclass
class _Collector:
    """Runs readers, keeping their problems (``collect``) or raising the first."""

    collect: bool
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)

    def read(self, role: str, path: str | Path | None, reader: Callable[[], Any]) -> Any:
        if path is None:
            return None
        try:
            value = reader()
        except InputError as err:
            if not self.collect:
                raise
            self.problems.extend(err.problems)
            return None
        if isinstance(path, (str, Path)) and Path(path).is_file():
            self.files.append(InputFile(role, str(path), file_digest(path)))
        self.warnings.extend(getattr(value, "warnings", ()) or ())
        return value


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
    extra: Sequence[tuple[str, str | Path, Callable[[dict], Any]]] = (),
) -> Inputs:
    """Read, validate and cross-check the input files of a run.

    Parameters
    ----------
    holdings, company, assumptions, correlations, templates : path, optional
        The files (formats in ``docs/formats.md``); ``None`` skips a file.
    mapping : path, optional
        A mapping file that turns an insurer's own export into the holdings format.
    accept : collection of str
        Warning codes the user accepted (``--accept-warning``).
    repair : bool
        Replace a correlation matrix that is not positive semi-definite by its nearest
        correlation matrix.
    collect : bool
        Read every file and report every problem at once (``analyzer validate``).
    extra : sequence of (role, path, reader)
        Further files of a command (limits, scenarios, commitments): ``reader(read)`` is
        called after the files above, with ``read`` the dict of what they gave (``holdings``,
        ``company``, ``assumptions``, ``templates``; None when absent or failed); its problems,
        warnings and digest join the others.

    Raises
    ------
    InputError
        Any file or cross-file problem (all of them when ``collect``; the error then also
        carries ``warnings``, the warnings not accepted, so that nothing found is lost).
    UnacceptedWarningError
        Warnings not in ``accept``.
    """
    from analyzer.io.assumptions import read_assumptions
    from analyzer.io.company import read_company
    from analyzer.io.holdings import read_holdings

    c = _Collector(collect)
    h = c.read(
        "holdings",
        holdings,
        lambda: (
            read_holdings(holdings) if mapping is None else read_holdings(holdings, mapping=mapping)
        ),
    )
    co = c.read("company", company, lambda: read_company(company))
    a = c.read(
        "assumptions",
        assumptions,
        lambda: read_assumptions(assumptions, correlations, repair=repair),
    )
    if correlations is not None and Path(correlations).is_file():
        c.files.append(InputFile("correlations", str(correlations), file_digest(correlations)))
    t = c.read("templates", templates, lambda: read_holdings(templates))
    if mapping is not None and Path(mapping).is_file():
        c.files.append(InputFile("mapping", str(mapping), file_digest(mapping)))
    read = {"holdings": h, "company": co, "assumptions": a, "templates": t}
    more = tuple(
        c.read(role, path, lambda reader=reader: reader(read)) for role, path, reader in extra
    )
    if c.problems:
        err = InputError(c.problems)
        err.warnings = tuple(w for w in c.warnings if w.code not in set(accept))
        raise err
    accepted = enforce_warnings(c.warnings, accept)
    return Inputs(
        holdings=h,
        company=co,
        assumptions=a,
        templates=t,
        warnings=accepted,
        provenance=Provenance(inputs=tuple(c.files), accepted_warnings=accepted),
        extra=more,
    )
