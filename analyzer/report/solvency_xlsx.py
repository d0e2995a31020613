"""The solvency workbook (``analyzer solvency --format xlsx --output FILE``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer.report.files import atomic_write
from analyzer.report.solvency_text import scitech_cause_rows
from analyzer.report.xlsx import write_workbook
from analyzer.solvency.result import SolvencyResult


def summary_frame(result: SolvencyResult) -> pd.DataFrame:
    """Key figures as a two-column table (item, value)."""
    rows = [
        ("company", result.company),
        ("company type", result.company_type),
        ("regime", result.regime),
        ("comprehensive ratio", result.comprehensive_ratio),
        ("core ratio", result.core_ratio),
        ("actual capital (CNY)", result.actual_capital),
        ("core capital (CNY)", result.core_capital),
        ("minimum capital (CNY)", result.minimum_capital),
        ("quantifiable (CNY)", result.quantifiable),
        ("control risk (CNY)", result.control),
        ("control Q", result.control_q),
        ("size coefficient", result.size_coefficient),
        ("additional (CNY)", result.additional),
        ("diversification (CNY)", result.diversification),
        ("loss absorption (CNY)", result.loss_absorption),
        ("total invested (CNY)", result.total_invested),
    ]
    for k, v in result.market.items():
        rows.append((f"market: {k} (CNY)", v))
    for k, v in result.credit.items():
        rows.append((f"credit: {k} (CNY)", v))
    for k, v in result.euler.items():
        rows.append((f"Euler contribution: {k} (CNY)", v))
    if result.scitech:
        for k, v in result.scitech.to_dict().items():
            rows.append((f"sci-tech: {k}", v))
    for k, v in result.options.items():
        rows.append((f"option: {k}", str(v)))
    return pd.DataFrame(rows, columns=["item", "value"])


#: the rows of the ``Loss absorption`` sheet: key of ``loss_absorption_detail``, label, formula
LOSS_ABSORPTION_ROWS = (
    ("source", "source", "formula | company_file | none"),
    ("market", "MC_market of the participating and universal accounts (CNY)", "Rule 8 Art. 69-70"),
    ("credit", "MC_credit of the participating and universal accounts (CNY)", "Rule 9 Art. 43"),
    ("mc_par", "MC_par (CNY)", "sqrt(market^2 + 2 x 0.35 x market x credit + credit^2)"),
    ("cap", "LA_cap (CNY)", "max(pv_base - pv_floor, 0)"),
    ("k", "K", "implementation notice 2021 (四)"),
    ("beta", "beta", "(1 + K) x min(0.5, 0.22 x LA_cap / MC_par + 0.02)"),
    ("value", "LA (CNY)", "min(MC_par x beta, LA_cap)"),
    ("positions", "participating and universal positions", "account column"),
    ("separate_positions", "separate-account positions (no capital)", "Rule 2 Art. 12"),
    ("separate_value", "separate-account value (CNY)", "Rule 2 Art. 12"),
)


def loss_absorption_frame(result: SolvencyResult) -> pd.DataFrame:
    """The trace of the loss absorption (sheet ``Loss absorption``): item, value, formula
    and article (Rule 2 Art. 19)."""
    d = result.loss_absorption_detail or {}
    rows = [(label, d.get(key), how) for key, label, how in LOSS_ABSORPTION_ROWS]
    rows.append(("article", d.get("article", "Rule 2 Art. 19"), ""))
    return pd.DataFrame(rows, columns=["item", "value", "formula / article"])


def scitech_relief_frame(result: SolvencyResult, lang: str | None = None) -> pd.DataFrame:
    """The change of minimum capital since the baseline regime by cause (sheet
    ``Sci-tech relief``): key, cause, amount (CNY), how it is measured; the sci-tech relief,
    the other positions' factors, the size coefficient and the remainder add up to the whole
    change (labels in ``lang``, default the user's language)."""
    return pd.DataFrame(
        scitech_cause_rows(result, lang), columns=["key", "cause", "amount (CNY)", "measured as"]
    )


def write(result: SolvencyResult, path: str | Path, company=None) -> Path:
    """Write the workbook atomically: Summary, Holdings, Charges (trace), Compliance,
    Submodules, with the sci-tech view Sci-tech relief, then the filing view in the layout of
    the quarterly solvency report summary (``主要指标 Main indicators``, ``最低资本 Minimum
    capital``; `analyzer.report.solvency_filing`; ``company`` gives its optional ``[filing]``
    figures), Loss absorption and Liquidity (Rule 13 LCR). Text cells are never formulas
    (`analyzer.report.xlsx`)."""
    from analyzer.report import solvency_filing
    from analyzer.report.liquidity_text import liquidity_frame

    sheets = {
        "Summary": summary_frame(result),
        "Holdings": result.holdings.drop(columns=["position"]),
        "Charges": result.charges.drop(columns=["position"]),
        "Compliance": result.compliance.to_frame(),
        "Submodules": pd.DataFrame(
            {"submodule": list(result.submodules), "capital": list(result.submodules.values())}
        ),
    }
    if result.loss_absorption_detail:
        sheets["Loss absorption"] = loss_absorption_frame(result)
    if result.scitech:
        sheets["Sci-tech relief"] = scitech_relief_frame(result)
    sheets.update(solvency_filing.sheets(result, company))
    sheets["Liquidity"] = liquidity_frame(result)
    return atomic_write(path, lambda tmp: write_workbook(tmp, sheets))
