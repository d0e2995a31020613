"""Liquidity coverage ratios (流动性覆盖率), Rule 13 Art. 33-35 and Annex 2 一.

For each horizon (the next 3 and the next 12 months, Annex 2 一(二)2)::

    LCR1 = (base inflows + cash and cash equivalents) / base outflows
    LCR2 = (stressed inflows + cash and cash equivalents + realisable reserve) / stressed outflows
    LCR3 = (stressed inflows + cash and cash equivalents) / stressed outflows

with the cash flows of the company file's ``[liquidity]`` section (Annex 1 附表1 subtotals),
cash and cash equivalents and the liquid-asset reserve (流动性资产储备) from the holdings at book
value, and the reserve's realisable amount = book value x the factor of its row of the
流动性资产储备构成表. The table, the mapping of asset types to its rows and the thresholds
(LCR1, LCR2 >= 100%, LCR3 >= 50%, Annex 2 一(三)) are the regime table ``liquidity.toml``.

Pure: numpy and pandas on validated inputs. The realisable amount of every position is linear
in its book value, so LCR2 is linear in the holdings' exposures and the optimiser can state a
floor on it (:mod:`analyzer.optimize.constraints`).

Choices the holdings file leaves open (each documented in docs/formats.md §7 and an
:class:`~analyzer.solvency.options.EngineOptions` field where it is an interpretation):

- an asset type the table does not map (a type added later) is realisable at 0, with a note;
- a bond needs ``accounting`` = ``fvtpl`` or ``fvoci`` (交易类及可供出售类); blank follows
  ``liquidity_unknown_accounting`` (default: amortised cost, left out);
- a deposit counts (row 3) only with ``liquidity_deposits_withdrawable`` (default false);
- a position maturing within the horizon is left out of that horizon's reserve
  (``liquidity_exclude_maturing``, ⑨);
- funds and asset-management products are taken as open-ended and outside any closed period,
  and products as held at no more than 80% (⑥, ⑦: the holdings file does not say).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyzer.io.company import Company
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import Regime

#: the reason codes of a position's treatment (``PositionLiquidity.reason``)
REASONS = {
    "cash": "cash and cash equivalents (Annex 2 一(二)3)",
    "reserve": "liquid-asset reserve (Annex 2 一(二)4(3))",
    "not_reserve_type": "not a reserve asset (Annex 2 一(二)4(2))",
    "held_to_maturity": "amortised cost: 持有至到期 (Annex 2 一(二)4(2)④)",
    "accounting_unknown": "accounting blank: taken as amortised cost (option "
    "liquidity_unknown_accounting, Annex 2 一(二)4(2)④)",
    "below_aaa": "rated below AAA (Annex 2 一(二)4(2)③)",
    "not_withdrawable": "deposit not taken as withdrawable early (option "
    "liquidity_deposits_withdrawable, reserve row 3)",
    "matures_in_horizon": "matures within the horizon: its principal is an investing inflow "
    "(Annex 2 一(二)4(2)⑨)",
    "unmapped_type": "asset type not in the liquidity table: realisable at 0",
}
CASH, EXCLUDED = "cash", "excluded"
FAIR_VALUE_CLASSES = ("fvtpl", "fvoci")


@dataclass(frozen=True)
class ReserveRow:
    """One row of 附表2-2 (流动性资产储备明细表) for one horizon.

    Attributes
    ----------
    category : str
        Key of the row in ``liquidity.toml`` (``treasury_bond`` ...).
    row : int
        Row of the 流动性资产储备构成表 (1-14).
    name, name_zh : str
    book_value : float
        Book value of the positions in the row, CNY.
    factor : float
        折算系数, fraction.
    realisable : float
        ``book_value x factor``, CNY.
    """

    category: str
    row: int
    name: str
    name_zh: str
    book_value: float
    factor: float
    realisable: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class HorizonLCR:
    """The three ratios over one horizon (附表2-1, one column pair).

    Money in CNY, ratios as fractions.
    """

    months: int
    base_inflow: float
    base_outflow: float
    stress_inflow: float
    stress_outflow: float
    cash: float
    reserve: float
    lcr1: float
    lcr2: float
    lcr3: float
    reserve_rows: tuple[ReserveRow, ...]
    excluded: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``reserve_rows`` a list, ``excluded`` reason -> CNY)."""
        out = {k: v for k, v in self.__dict__.items() if k not in ("reserve_rows", "excluded")}
        out["reserve_rows"] = [r.to_dict() for r in self.reserve_rows]
        out["excluded"] = dict(self.excluded)
        return out


@dataclass(frozen=True)
class LiquidityResult:
    """Liquidity coverage ratios for the next 3 and 12 months (Rule 13 Annex 2 一).

    Attributes
    ----------
    horizons : tuple of HorizonLCR
        One per horizon, 3 months first.
    thresholds : mapping
        ``lcr1``, ``lcr2``, ``lcr3`` minimums, fractions (Annex 2 一(三)).
    article : str
    cash_in_holdings, cash_outside_holdings : float
        Cash and cash equivalents from the holdings and from ``[liquidity]``, CNY.
    notes : tuple of str
        What a reader should know (asset types realisable at 0 because unmapped ...).
    """

    horizons: tuple[HorizonLCR, ...]
    thresholds: Mapping[str, float]
    article: str
    cash_in_holdings: float
    cash_outside_holdings: float
    notes: tuple[str, ...] = ()
    breaches: tuple[str, ...] = field(default=())

    def horizon(self, months: int) -> HorizonLCR:
        """The ratios over ``months`` (3 or 12)."""
        for h in self.horizons:
            if h.months == months:
                return h
        raise KeyError(months)

    @property
    def met(self) -> bool:
        """Every ratio of every horizon at or above its threshold."""
        return not self.breaches

    def to_dict(self) -> dict[str, Any]:
        """JSON of docs/formats.md §5 key ``liquidity``."""
        return {
            "computed": True,
            "article": self.article,
            "thresholds": dict(self.thresholds),
            "cash_in_holdings": self.cash_in_holdings,
            "cash_outside_holdings": self.cash_outside_holdings,
            "horizons": {f"{h.months}m": h.to_dict() for h in self.horizons},
            "breaches": list(self.breaches),
            "met": self.met,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PositionLiquidity:
    """Per position: its category, factor and the reason for its treatment in one horizon.

    ``cash`` and ``reserve`` are CNY realisable per position (book value x factor; cash at
    factor 1), ``category`` the table key, ``CASH`` or ``EXCLUDED``.
    """

    months: int
    category: np.ndarray
    factor: np.ndarray
    cash: np.ndarray
    reserve: np.ndarray
    reason: np.ndarray
    unmapped: tuple[str, ...]


def horizons(regime: Regime) -> tuple[int, ...]:
    """The horizons in months (3, 12)."""
    return tuple(int(m) for m in regime.table("liquidity", "horizons")["months"])


def thresholds(regime: Regime) -> dict[str, float]:
    """``lcr1``, ``lcr2``, ``lcr3`` minimums (fractions)."""
    t = regime.table("liquidity", "thresholds")
    return {k: float(t[k]) for k in ("lcr1", "lcr2", "lcr3")}


def _text(frame: pd.DataFrame, column: str, default: str = "") -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), default, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), default).astype(str).to_numpy()


def classify(
    frame: pd.DataFrame, regime: Regime, options: EngineOptions, months: int
) -> PositionLiquidity:
    """Where each position goes in the ratios over ``months``.

    Parameters
    ----------
    frame : validated holdings frame (``Holdings.frame``)
    months : the horizon (3 or 12)

    Returns
    -------
    PositionLiquidity
        Arrays of length ``len(frame)``.
    """
    n = len(frame)
    cats = regime.table("liquidity", "categories")
    types = regime.table("liquidity", "asset_types")
    cash_factor = float(regime.table("liquidity", "cash")["factor"])
    at = _text(frame, "asset_type")
    overseas = _text(frame, "region", "domestic") != "domestic"
    rating = _text(frame, "rating")
    issuer = _text(frame, "issuer_type")
    accounting = _text(frame, "accounting")
    book = frame["book_value"].to_numpy(dtype=float)
    category = np.full(n, EXCLUDED, dtype=object)
    reason = np.full(n, "not_reserve_type", dtype=object)
    unmapped = sorted(set(at) - set(types) - {"article"})
    for kind in set(at):
        rows = at == kind
        spec = types.get(kind) if kind != "article" else None
        if spec is None:
            reason[rows] = "unmapped_type"
            continue
        dom = np.full(rows.sum(), spec["domestic"], dtype=object)
        by_issuer = spec.get("by_issuer_type", {})
        if by_issuer:
            iss = issuer[rows]
            for k, v in by_issuer.items():
                dom[iss == k] = v
        cat = np.where(overseas[rows], spec.get("overseas", spec["domestic"]), dom)
        why = np.where(
            cat == CASH, "cash", np.where(cat == EXCLUDED, "not_reserve_type", "reserve")
        )
        conditions = spec.get("conditions", ())
        in_reserve = why == "reserve"
        if "fair_value" in conditions:
            acc = accounting[rows]
            blank = acc == ""
            fair = np.isin(acc, FAIR_VALUE_CLASSES) | (
                blank & (options.liquidity_unknown_accounting == "fair_value")
            )
            fail = in_reserve & ~fair
            why = np.where(fail, np.where(blank, "accounting_unknown", "held_to_maturity"), why)
            in_reserve &= ~fail
        if "aaa" in conditions:
            fail = in_reserve & (rating[rows] != "AAA")
            why = np.where(fail, "below_aaa", why)
            in_reserve &= ~fail
        if "withdrawable" in conditions and not options.liquidity_deposits_withdrawable:
            why = np.where(in_reserve, "not_withdrawable", why)
            in_reserve[:] = False
        category[rows] = np.where(in_reserve | (why == "cash"), cat, EXCLUDED)
        reason[rows] = why
    if options.liquidity_exclude_maturing and "maturity_years" in frame.columns:
        mat = frame["maturity_years"].to_numpy(dtype=float)
        limit = months / 12.0
        # a fractional maturity is exact; a whole number of years may be rounded, so 0 is
        # within 3 months and 0 or 1 within 12 (conservative)
        whole = np.isfinite(mat) & (mat == np.round(mat))
        rounded = (mat < 1.0) if limit <= 0.25 else (mat <= limit)
        maturing = np.isfinite(mat) & np.where(whole, rounded, mat <= limit)
        hit = maturing & (reason == "reserve")
        reason[hit] = "matures_in_horizon"
        category[hit] = EXCLUDED
    factor = np.zeros(n)
    for key, spec in cats.items():
        if key == "article":
            continue
        factor[category == key] = float(spec["factor"])
    is_cash = category == CASH
    factor[is_cash] = cash_factor
    cash = np.where(is_cash, book * cash_factor, 0.0)
    reserve = np.where(is_cash, 0.0, book * factor)
    return PositionLiquidity(months, category, factor, cash, reserve, reason, tuple(unmapped))


def evaluate_liquidity(
    frame: pd.DataFrame,
    company: Company,
    regime: Regime,
    options: EngineOptions | None = None,
) -> LiquidityResult | None:
    """The liquidity coverage ratios, or None when the company file has no ``[liquidity]``.

    Parameters
    ----------
    frame : validated holdings frame
    company : validated company; ``company.liquidity`` holds the projected cash flows (CNY)

    Returns
    -------
    LiquidityResult or None
    """
    liq = company.liquidity
    if liq is None:
        return None
    options = options or EngineOptions()
    cats = regime.table("liquidity", "categories")
    th = thresholds(regime)
    out: list[HorizonLCR] = []
    notes: list[str] = []
    cash_held = 0.0
    breaches: list[str] = []
    book = frame["book_value"].to_numpy(dtype=float)
    for months in horizons(regime):
        pos = classify(frame, regime, options, months)
        cash_held = float(pos.cash.sum())
        cash = cash_held + liq.cash_outside_holdings
        rows = []
        for key, spec in cats.items():
            if key == "article":
                continue
            mask = pos.category == key
            rows.append(
                ReserveRow(
                    key,
                    int(spec["row"]),
                    str(spec["name"]),
                    str(spec["name_zh"]),
                    float(book[mask].sum()),
                    float(spec["factor"]),
                    float(pos.reserve[mask].sum()),
                )
            )
        reserve = float(pos.reserve.sum())
        excluded = {
            r: float(book[pos.reason == r].sum())
            for r in REASONS
            if r not in ("cash", "reserve") and (pos.reason == r).any()
        }
        base, stress = liq.scenario("base", months), liq.scenario("stress", months)
        h = HorizonLCR(
            months=months,
            base_inflow=base.inflow,
            base_outflow=base.outflow,
            stress_inflow=stress.inflow,
            stress_outflow=stress.outflow,
            cash=cash,
            reserve=reserve,
            lcr1=(base.inflow + cash) / base.outflow,
            lcr2=(stress.inflow + cash + reserve) / stress.outflow,
            lcr3=(stress.inflow + cash) / stress.outflow,
            reserve_rows=tuple(rows),
            excluded=excluded,
        )
        out.append(h)
        for k in ("lcr1", "lcr2", "lcr3"):
            if getattr(h, k) < th[k]:
                breaches.append(f"{k}_{months}m")
        if pos.unmapped and not notes:
            notes.append(
                "asset types not in the Rule 13 liquidity table, realisable at 0: "
                + ", ".join(pos.unmapped)
            )
    return LiquidityResult(
        horizons=tuple(out),
        thresholds=th,
        article=str(regime.table("liquidity", "thresholds")["article"]),
        cash_in_holdings=cash_held,
        cash_outside_holdings=float(liq.cash_outside_holdings),
        notes=tuple(notes),
        breaches=tuple(breaches),
    )


def realisable_per_unit(
    frame: pd.DataFrame,
    members: np.ndarray,
    base_value: np.ndarray,
    regime: Regime,
    options: EngineOptions,
    months: int,
) -> np.ndarray:
    """Cash plus realisable reserve per CNY of each unit's market value (the optimiser's LCR2
    numerator is ``V * rho @ w`` + stressed inflows + cash outside the holdings).

    Parameters
    ----------
    members : (n_positions,) unit index of each position
    base_value : (n_units,) CNY of each unit in ``frame`` (what pro-rata scaling multiplies)
    """
    pos = classify(frame, regime, options, months)
    n = len(base_value)
    total = np.bincount(members, weights=pos.cash + pos.reserve, minlength=n)
    safe = np.where(base_value > 0, base_value, 1.0)
    return np.where(base_value > 0, total / safe, 0.0)
