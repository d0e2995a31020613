"""The package's exception hierarchy.

Every error a user can cause derives from :class:`AnalyzerError`. The command line
(`analyzer.cli`) and the dashboard map these classes to messages and exit codes in one
place each; core code raises them and never prints.

Exit codes (contract section 4): 0 success, 2 bad input, 3 infeasible plan, 1 internal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class AnalyzerError(Exception):
    """Base class of every error the analyzer raises on purpose."""

    exit_code: int = 1


@dataclass(frozen=True)
class InputProblem:
    """One problem found in an input file.

    Parameters
    ----------
    file : str
        The file (as the user named it), or ``"<upload>"``.
    row : int or None
        spreadsheet row (the header is row 1, the first position row 2), or None when the
        problem concerns the whole file or column.
    column : str or None
        The column, key or field.
    message : str
        What is wrong and what is allowed.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class InputError(AnalyzerError):
    """Bad input: an unreadable file, a missing column, a value outside what is allowed.

    Carries every problem found (``problems``) so that the dashboard can show them row by
    row; ``str(err)`` is the first problem on one line, plus a count of the others.
    """

    exit_code = 2

    def __init__(self, problems: InputProblem | Sequence[InputProblem]):
        if isinstance(problems, InputProblem):
            problems = [problems]
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        first = str(self.problems[0])
        more = len(self.problems) - 1
        super().__init__(first if not more else f"{first} (and {more} more problem(s))")

    @classmethod
    def single(cls, file: str, row: int | None, column: str | None, message: str) -> InputError:
        """Build an error with exactly one problem."""
        return cls(InputProblem(file, row, column, message))


class ParameterError(AnalyzerError):
    """An option or regime parameter is invalid (unknown regime, bad option value)."""

    exit_code = 2


class InfeasibleError(AnalyzerError):
    """An allocation problem has no solution; ``conflicts`` says what to relax."""

    exit_code = 3

    def __init__(self, message: str, conflicts: Sequence[dict] = ()):
        super().__init__(message)
        self.conflicts = list(conflicts)


class SolverError(AnalyzerError):
    """The numerical solver failed for a reason other than infeasibility."""

    exit_code = 1
