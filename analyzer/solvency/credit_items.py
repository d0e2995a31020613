"""Counterparty default risk of the non-investment credit items (Rule 9 Art. 19, 22-38).

The company file's ``[[credit_items]]`` (docs/formats.md §2) lists reinsurance assets,
premium and other receivables and debt guarantees. Each item is charged
``EX x RF`` with ``RF = min(RF0 x (1 + K), 1)``, ``K = sum(k_i)`` clamped to [-0.25, 0.25]
(Art. 6), the factor of its own article:

- ``reinsurance_ceded``: 应收分保款项 / 应收分保准备金 of ceded business (Art. 22 for a P&C or
  life insurer ceding, Art. 23 for a reinsurer ceding), with k1 (Art. 23, collateralised part),
  k2 (reinsurer is a direct insurer), k3 (domestic non-independent entity; Art. 24) and k4
  (transparency measures of an overseas reinsurer; Art. 25). An overseas item with a
  collateralised part gives two rows (with and without 担保措施).
- ``reinsurance_assumed``: reinsurance assets of assumed business by age (Art. 30).
- ``premium_receivable``: 应收保费 by business type and age (Art. 34).
- ``other_receivable``: 其他应收及预付款项 by category (Art. 36; loans by five-category class,
  Art. 37).
- ``guarantee``: debt guarantees given, EX = the guaranteed amount (Art. 38).

The total joins the default-risk sub-module by arithmetic sum (Art. 39), which is then
aggregated with spread risk as Art. 43 says.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.io.company import Company, CreditItem
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import Regime

#: columns of :attr:`CreditItemCharges.table` (the trace rows of the items)
ITEM_COLUMNS = (
    "id",
    "item_type",
    "part",
    "exposure",
    "rf0",
    "k",
    "factor",
    "capital",
    "rule",
    "article",
)


@dataclass(frozen=True)
class CreditItemCharges:
    """The default-risk charges of the credit items.

    Attributes
    ----------
    table : DataFrame
        One row per charge (:data:`ITEM_COLUMNS`); ``part`` is ``collateralised`` /
        ``uncollateralised`` for a split reinsurance item, else ``""``.
    capital : float
        Their sum, CNY (Rule 9 Art. 39), added to the default-risk sub-module.
    """

    table: pd.DataFrame
    capital: float


def age_factor(age_months: float, bands: tuple) -> float:
    """RF0 of an age table: the first band whose inclusive upper bound ``upto`` (months) is
    not exceeded; the last band has no bound."""
    for band in bands:
        upto = band.get("upto")
        if upto is None or age_months <= upto:
            return float(band["rf0"])
    raise ValueError("age table without an open last band")


def _band_from(value: float, bands: tuple, key: str) -> float:
    """RF0 of the band with the highest lower bound ``key`` <= value."""
    out = None
    for band in sorted(bands, key=lambda b: b[key]):
        if value >= band[key]:
            out = float(band["rf0"])
    if out is None:
        raise ValueError("value below the first band")
    return out


def _rows(
    item: CreditItem, company: Company, regime: Regime, options: EngineOptions
) -> list[tuple[str, float, float, float, str, str]]:
    """``(part, exposure, rf0, k, rule, article)`` of one item (k before the clamp)."""
    t = regime.tables["credit_items"]
    kind = item.item_type
    if kind == "guarantee":
        g = t["guarantee"]
        return [("", item.amount, float(g["rf0"]), 0.0, "debt guarantee", g["article"])]
    if kind == "reinsurance_assumed":
        a = t["assumed"]
        rf0 = age_factor(item.age_months, a["bands"])
        return [("", item.amount, rf0, 0.0, "reinsurance assumed", a["article"])]
    if kind == "premium_receivable":
        p = t["premium_receivable"]
        rf0 = age_factor(item.age_months, p[item.business])
        rule = f"premium receivable ({item.business})"
        return [("", item.amount, rf0, 0.0, rule, p["article"])]
    if kind == "other_receivable":
        o = t["other_receivable"]
        cat = item.category
        if cat == "prepaid_claims_or_tax":
            rf0 = float(o["prepaid_claims_or_tax"])
        elif cat == "failed_risk_test":
            rf0 = age_factor(item.age_months, t["premium_receivable"][item.business])
        elif cat in ("loan_non_controlled_property", "loan_related_party"):
            rf0 = float(regime.table("default", "loan")["rf0"][item.loan_class])
        else:
            rf0 = age_factor(item.age_months, o["bands"])
        return [("", item.amount, rf0, 0.0, f"other receivable ({cat})", o["article"])]
    # reinsurance_ceded
    c = t["ceded_characteristic"]
    k = c["k2_direct_insurer"] if item.reinsurer_kind == "direct_insurer" else 0.0
    if item.reinsurer_region == "domestic":
        d = t["ceded_domestic"]
        k += c["k3_branch"] if item.reinsurer_branch else 0.0
        rf0 = _band_from(item.reinsurer_solvency_ratio, d["bands"], "ratio_from")
        article = f"{d['article']}; {c['article']}"
        return [("", item.amount, rf0, k, "reinsurance ceded (domestic reinsurer)", article)]
    if options.overseas_reinsurer_k3 == "non_independent":
        k += c["k3_branch"]
    if item.transparency_measures:
        k += c["k4_transparency"]
    covered = min(item.collateralised, item.amount)
    parts = [
        (part, ex)
        for part, ex in (("collateralised", covered), ("uncollateralised", item.amount - covered))
        if ex > 0
    ] or [("uncollateralised", 0.0)]
    out = []
    if company.company_type == "reinsurer":
        r = t["ceded_overseas_reinsurer"]
        article = f"{r['article']}; {c['article']}"
        for part, ex in parts:
            if not item.meets_local_solvency:
                rf0 = float(r["not_met"])
            else:
                rf0 = float(r["rating"].get(item.reinsurer_rating, r["other"]))
            k1 = r["k1_collateralised"] if part == "collateralised" else 0.0
            rule = f"reinsurance ceded by a reinsurer (overseas, {part})"
            out.append((part, ex, rf0, k + k1, rule, article))
        return out
    r = t["ceded_overseas_direct"]
    article = f"{r['article']}; {c['article']}"
    for part, ex in parts:
        rf0 = float(r[part]) if item.meets_local_solvency else float(r["not_met"])
        out.append((part, ex, rf0, k, f"reinsurance ceded (overseas, {part})", article))
    return out


def evaluate(
    company: Company, regime: Regime, options: EngineOptions | None = None
) -> CreditItemCharges:
    """The default-risk charges of ``company.credit_items`` under ``regime``.

    Returns
    -------
    CreditItemCharges
        Empty table and 0 capital when the company lists no items.
    """
    if not company.credit_items:  # the engine asks on every (re-)evaluation: no table to build
        return CreditItemCharges(_empty_table(), 0.0)
    options = options or EngineOptions()
    ch: Mapping = regime.table("equity", "characteristic")
    records = []
    for item in company.credit_items:
        for part, ex, rf0, k, rule, article in _rows(item, company, regime, options):
            k_total = float(np.clip(k, ch["k_min"], ch["k_max"])) if options.clamp_k else k
            factor = min(rf0 * (1.0 + k_total), float(ch["rf_max"]))
            ex = max(float(ex), 0.0)
            records.append(
                (
                    item.id,
                    item.item_type,
                    part,
                    ex,
                    rf0,
                    k_total,
                    factor,
                    ex * factor,
                    rule,
                    article,
                )
            )
    return CreditItemCharges(*_table(records))


def _table(records: list) -> tuple[pd.DataFrame, float]:
    """The item charge table of ``records`` and its capital (CNY)."""
    table = pd.DataFrame.from_records(records, columns=list(ITEM_COLUMNS))
    table = table.astype({c: float for c in ("exposure", "rf0", "k", "factor", "capital")}).astype(
        {c: object for c in ("id", "item_type", "part", "rule", "article")}
    )
    return table, float(table["capital"].sum()) if len(table) else 0.0


@functools.cache
def _empty_table() -> pd.DataFrame:
    """The empty item table (built once; nothing appends to it: see append_to_trace)."""
    return _table([])[0]


def append_to_trace(
    trace: pd.DataFrame, items: pd.DataFrame | None, default_gradient: float
) -> pd.DataFrame:
    """The engine's charge trace followed by the credit items' rows (``position`` = -1,
    ``submodule`` = ``default``, ``id`` = the item's id, ``marginal_capital`` = capital x the
    minimum capital's derivative in default capital). Unchanged when there are no items."""
    if items is None or not len(items):
        return trace
    rows = pd.DataFrame(
        {
            "position": np.full(len(items), -1, dtype=np.int64),
            "submodule": "default",
            "exposure": items["exposure"].to_numpy(),
            "rf0": items["rf0"].to_numpy(),
            "k": items["k"].to_numpy(),
            "factor": items["factor"].to_numpy(),
            "capital": items["capital"].to_numpy(),
            "rule": items["rule"].to_numpy(),
            "article": items["article"].to_numpy(),
            "marginal_capital": items["capital"].to_numpy() * default_gradient,
            "id": items["id"].to_numpy(),
        }
    )
    rows = rows[[c for c in trace.columns if c in rows.columns]]
    out = pd.concat(
        [trace.astype({c: object for c in ("submodule", "rule", "article")}), rows],
        ignore_index=True,
    )
    return out


__all__ = ["ITEM_COLUMNS", "CreditItemCharges", "age_factor", "append_to_trace", "evaluate"]
