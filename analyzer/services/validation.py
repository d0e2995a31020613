"""The validation service: every problem and warning of a set of input files, at once,
without computing anything."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import InputError, UnacceptedWarningError
from analyzer.io.provenance import Provenance
from analyzer.services import reading
from analyzer.services.checks import build_provenance, check_accepted, correlations_path
from analyzer.services.reading import Inputs


@dataclass(frozen=True)
class ValidationReport:
    """Every problem and warning of a set of input files.

    Attributes
    ----------
    files : the files checked (the correlation matrix found beside the assumptions included)
    problems : the refusals (InputProblem)
    warnings : the warnings not accepted (InputWarning)
    accepted : the warnings accepted
    inputs : the validated inputs (None when a problem or warning stopped them)
    provenance : the inputs' digests and options (empty when stopped)
    """

    files: tuple[Path, ...]
    problems: tuple
    warnings: tuple
    accepted: tuple
    inputs: Inputs | None
    provenance: Provenance

    @property
    def ok(self) -> bool:
        """No problem and no warning left to accept."""
        return not self.problems and not self.warnings

    def to_dict(self) -> dict:
        """The JSON form (docs/formats.md §5), provenance included."""
        return {
            "ok": self.ok,
            "files": [str(p) for p in self.files],
            "problems": [
                {
                    "file": p.file,
                    "row": p.row,
                    "column": p.column,
                    "message": p.message,
                    "message_zh": p.message_zh,
                }
                for p in self.problems
            ],
            "warnings": [w.to_dict() for w in self.warnings],
            "accepted_warnings": [w.to_dict() for w in self.accepted],
            "provenance": self.provenance.to_dict(),
        }


def validate(
    holdings: str | Path,
    company: str | Path | None = None,
    assumptions: str | Path | None = None,
    correlations: str | Path | None = None,
    templates: str | Path | None = None,
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    *,
    look_through: str | Path | None = None,
    trades: str | Path | None = None,
    options: Mapping[str, Any] | None = None,
) -> ValidationReport:
    """Check input files without computing anything: every problem and every warning across
    the files, each with file, row and column.

    Raises
    ------
    InputError
        Only for an unknown accepted warning code; the files' problems are reported.
    """
    accept = check_accepted(accept)
    correlations = correlations_path(assumptions, correlations)
    problems: tuple = ()
    pending: tuple = ()
    accepted: tuple = ()
    prov = Provenance()
    inputs = None
    try:
        inputs = reading.load_inputs(
            holdings=holdings,
            company=company,
            assumptions=assumptions,
            correlations=correlations,
            templates=templates,
            mapping=mapping,
            accept=accept,
            collect=True,
            look_through=look_through,
            trades=trades,
        )
        accepted = tuple(inputs.warnings)
        prov = build_provenance(inputs, options)
    except UnacceptedWarningError as err:
        pending = err.warnings
    except InputError as err:
        problems = err.problems
        pending = tuple(getattr(err, "warnings", ()) or ())
    files = (holdings, company, assumptions, correlations, templates, mapping, look_through, trades)
    return ValidationReport(
        tuple(Path(p) for p in files if p), problems, pending, accepted, inputs, prov
    )


__all__ = [
    "ValidationReport",
    "validate",
]
