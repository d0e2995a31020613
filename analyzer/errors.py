"""The package's exception hierarchy.

Every error a user can cause derives from :class:`AnalyzerError`. The command line
(`analyzer.cli`) and the dashboard map these classes to messages and exit codes in one
place each; core code raises them and never prints.

Exit codes (docs/formats.md §4): 0 success, 2 bad input, 3 infeasible plan, 1 internal.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from analyzer.messages import Text, language, register, text


def _located(
    where: list[str], rows: str | None, column: str | None, en: str, zh: str, lang: str
) -> str:
    """``file, row R, column 'C': message`` in ``lang`` (the Chinese message when there is one)."""
    parts = list(where)
    if rows is not None:
        parts.append(text("where.row", row=rows).render(lang))
    if column is not None:
        parts.append(text("where.column", column=column).render(lang))
    msg = zh if lang == "zh" and zh else en
    return f"{text('where.sep').render(lang).join(parts)}{text('where.colon').render(lang)}{msg}"


class AnalyzerError(Exception):
    """Base class of every error the analyzer raises on purpose.

    The message may be a :class:`~analyzer.messages.Text` (both languages): ``str(err)`` and
    ``err.args[0]`` stay the English text, :meth:`localized` gives the user's language.
    """

    exit_code: int = 1

    def __init__(self, *args: object):
        self.text: Text | None = args[0] if args and isinstance(args[0], Text) else None
        if self.text is not None:
            args = (self.text.en, *args[1:])
        super().__init__(*args)

    def localized(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: :func:`~analyzer.messages.language`); English when
        the error was raised with a plain string."""
        return self.text.render(lang) if self.text is not None else str(self)

    def lines(self, lang: str | None = None) -> list[str]:
        """What a front end shows, one entry per line, in ``lang``."""
        return [self.localized(lang)]


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
    message : str or Text
        What is wrong and what is allowed. A :class:`~analyzer.messages.Text` carries both
        languages; it is stored as ``message`` (English) and ``message_zh`` (Chinese).
    message_zh : str
        The Chinese text (empty: the English one is shown in both languages).
    """

    file: str
    row: int | None
    column: str | None
    message: str
    message_zh: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.message, Text):
            object.__setattr__(self, "message_zh", self.message.zh)
            object.__setattr__(self, "message", self.message.en)

    def render(self, lang: str | None = None) -> str:
        """One line: file, row, column and the message, in ``lang`` (default: the user's)."""
        lang = lang or language()
        row = None if self.row is None else str(self.row)
        return _located([self.file], row, self.column, self.message, self.message_zh, lang)

    def __str__(self) -> str:
        return self.render("en")


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
    def single(
        cls, file: str, row: int | None, column: str | None, message: str | Text
    ) -> InputError:
        """Build an error with exactly one problem."""
        return cls(InputProblem(file, row, column, message))

    def render(self, lang: str | None = None, limit: int = 10) -> list[str]:
        """The problems as lines in ``lang``: at most ``limit``, then a count of the rest."""
        lines = [p.render(lang) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(text("value.more_rows", count=len(self.problems) - limit).render(lang))
        return lines

    def localized(self, lang: str | None = None) -> str:
        """The first problem on one line in ``lang``, plus a count of the others."""
        first = self.problems[0].render(lang)
        more = len(self.problems) - 1
        return first if not more else first + text("error.more_problems", count=more).render(lang)

    def lines(self, lang: str | None = None) -> list[str]:
        """Every problem (at most 10, then a count of the rest), one a line, in ``lang``."""
        return self.render(lang)


@dataclass(frozen=True)
class InputWarning:
    """An input that may be real but is more often a mistake (a unit, a percentage, a sum
    that does not match a total). A run stops on a warning until the user accepts its code.

    Parameters
    ----------
    code : str
        Stable id the user passes to ``--accept-warning`` (e.g.
        ``holdings.sum_vs_total_assets``); every code is listed with its reason in
        ``docs/formats.md``.
    file : str
        The file, as the user named it.
    column : str or None
        The column or key concerned.
    rows : tuple of int
        Spreadsheet rows concerned (header = row 1); empty for the whole file.
    message : str or Text
        What looks wrong, in both languages when a :class:`~analyzer.messages.Text`.
    message_zh : str
        Chinese text (filled from ``message`` when it is a Text).
    """

    code: str
    file: str
    column: str | None
    rows: tuple[int, ...]
    message: str
    message_zh: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.message, Text):
            object.__setattr__(self, "message_zh", self.message.zh)
            object.__setattr__(self, "message", self.message.en)
        object.__setattr__(self, "rows", tuple(int(r) for r in self.rows))

    def render(self, lang: str | None = None, max_rows: int = 10, with_file: bool = True) -> str:
        """One line: ``[code] file, rows ..., column: message`` in ``lang``."""
        lang = lang or language()
        rows = None
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:max_rows])
            more = f" (+{len(self.rows) - max_rows})" if len(self.rows) > max_rows else ""
            rows = shown + more
        where = [self.file] if with_file else []
        line = _located(where, rows, self.column, self.message, self.message_zh, lang)
        return f"[{self.code}] {line}"

    def __str__(self) -> str:
        return self.render("en")

    def to_dict(self) -> dict:
        """JSON form (for provenance and the dashboard)."""
        return {
            "code": self.code,
            "file": self.file,
            "column": self.column,
            "rows": list(self.rows),
            "message": self.message,
            "message_zh": self.message_zh,
        }


class UnacceptedWarningError(InputError):
    """Warnings the user has not accepted: the run stops (exit 2) and lists them with their
    codes; ``--accept-warning CODE`` (or the dashboard's accept box) lets it proceed."""

    def __init__(self, warnings: Sequence[InputWarning]):
        self.warnings: tuple[InputWarning, ...] = tuple(warnings)
        codes = sorted({w.code for w in self.warnings})
        head = text("warning.unaccepted", count=len(self.warnings), ids=" ".join(codes))
        problems = [InputProblem("--accept-warning", None, None, head)] + [
            InputProblem(
                w.file,
                None,
                None,
                Text(w.render("en", with_file=False), w.render("zh", with_file=False)),
            )
            for w in self.warnings
        ]
        super().__init__(problems)


def enforce_warnings(
    warnings: Sequence[InputWarning], accepted: Collection[str] = ()
) -> tuple[InputWarning, ...]:
    """Stop on every warning whose code is not in ``accepted``; return the accepted ones.

    Raises
    ------
    UnacceptedWarningError
        When any warning is not accepted (all of them are listed at once).
    """
    accepted = set(accepted)
    pending = [w for w in warnings if w.code not in accepted]
    if pending:
        raise UnacceptedWarningError(pending)
    return tuple(warnings)


class ParameterError(AnalyzerError):
    """An option or regime parameter is invalid (unknown regime, bad option value).

    Parameters
    ----------
    message : str or Text
        What is wrong and what is allowed (a Text carries both languages).
    """

    exit_code = 2


class InfeasibleError(AnalyzerError):
    """An allocation problem has no solution; ``conflicts`` says what to relax.

    Parameters
    ----------
    message : str or Text
        What has no solution (a Text carries both languages).
    conflicts : sequence of dict
        One dict per constraint to relax; ``message`` is English, ``message_zh`` (when present)
        Chinese.
    """

    exit_code = 3

    def __init__(self, message: str | Text, conflicts: Sequence[dict] = ()):
        super().__init__(message)
        self.conflicts = list(conflicts)

    def lines(self, lang: str | None = None) -> list[str]:
        """The message, then one line per conflict, in ``lang``."""
        lang = lang or language()
        out = [self.localized(lang)]
        for conflict in self.conflicts:
            msg = conflict.get("message", conflict) if isinstance(conflict, dict) else conflict
            if isinstance(msg, Text):
                msg = msg.render(lang)
            elif lang == "zh" and isinstance(conflict, dict) and conflict.get("message_zh"):
                msg = conflict["message_zh"]
            out.append(f"  - {msg}")
        return out


class SolverError(AnalyzerError):
    """The numerical solver failed for a reason other than infeasibility.

    Parameters
    ----------
    message : str or Text
        What failed (a Text carries both languages).
    """

    exit_code = 1


register(
    {
        "error.more_problems": (
            " (and {count} more problem(s))",
            "（另有 {count} 个问题）",
        ),
    }
)
