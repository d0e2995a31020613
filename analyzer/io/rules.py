"""Plausibility rules: each a declared decision, refuse or warn, with the reason a risk officer
would give.

A rule that is broken by something that cannot be real (a SARMRA score of 0.78, a coupon of
417%, a position larger than the whole balance sheet) *refuses* the input: the run stops with
an :class:`~analyzer.errors.InputError` naming file, row and field. A rule that a real book can
trip (a ratio above 1000% for a newly licensed insurer) *warns*: the run stops with an
:class:`~analyzer.errors.UnacceptedWarningError` until the user accepts the rule's code
(``--accept-warning CODE``), and the accepted code is recorded with the output. Nothing is
silent.

Validators register their rules here with :func:`rule`; ``docs/formats.md`` lists every
code (a test checks that the two agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from analyzer.errors import InputProblem, InputWarning
from analyzer.messages import Text

Action = Literal["refuse", "warn"]


@dataclass(frozen=True)
class Rule:
    """One plausibility rule.

    Parameters
    ----------
    code : str
        Stable id, ``<file kind>.<what>`` (e.g. ``holdings.coupon_percent``).
    action : {"refuse", "warn"}
        What a breach does.
    reason : Text
        Why, as a risk officer would say it, in both languages.
    """

    code: str
    action: Action
    reason: Text

    def breach(
        self,
        file: str,
        column: str | None,
        rows: tuple[int, ...] | list[int],
        message: Text | str,
    ) -> InputProblem | InputWarning:
        """The problem (refuse) or warning (warn) for rows that break the rule."""
        if self.action == "warn":
            return InputWarning(self.code, file, column, tuple(rows), message)
        row = int(rows[0]) if len(rows) == 1 else None
        if len(rows) > 1:
            shown = ", ".join(str(r) for r in list(rows)[:10])
            more = f" (+{len(rows) - 10})" if len(rows) > 10 else ""
            if isinstance(message, Text):
                message = Text(
                    f"rows {shown}{more}: {message.en}", f"第 {shown}{more} 行：{message.zh}"
                )
            else:
                message = f"rows {shown}{more}: {message}"
        return InputProblem(file, row, column, message)


RULES: dict[str, Rule] = {}


def rule(code: str, action: Action, reason_en: str, reason_zh: str) -> Rule:
    """Declare (register) a rule; codes are unique."""
    if code in RULES:
        raise ValueError(f"rule {code!r} declared twice")
    r = Rule(code, action, Text(reason_en, reason_zh))
    RULES[code] = r
    return r


def warning_codes() -> tuple[str, ...]:
    """Codes a user may pass to ``--accept-warning`` (the rules that warn)."""
    return tuple(sorted(c for c, r in RULES.items() if r.action == "warn"))
