"""The solvency report as terminal tables (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer.report import solvency_text

if TYPE_CHECKING:  # annotations only: writing JSON needs no engine
    from analyzer.services.solvency import SolvencyRun


def render_solvency_table(
    run: SolvencyRun, console: Any, *, unit: str = "yi", top: int = 10
) -> None:
    """The solvency report as terminal tables on the rich ``console``: ratios against the
    company's targets, capital by module, compliance, the ``top`` largest consumers,
    sci-tech; amounts in ``unit`` (``yi``, ``wan`` or ``cny``)."""
    c = run.company
    solvency_text.render(
        run.result,
        console,
        unit=unit,
        targets=(c.targets.comprehensive, c.targets.core),
        top=top,
    )


__all__ = ["render_solvency_table"]
