"""Loss absorption LA of participating (分红) and universal (万能) business, Rule 2 Art. 19.

    LA      = min(MC_par x beta, LA_cap)
    MC_par  = sqrt(MC_market^2 + 2 rho MC_market MC_credit + MC_credit^2),  rho = 0.35
    beta    = (1 + K) x min(0.5, 0.22 x LA_cap / MC_par + 0.02)
    LA_cap  = max(PV_base - PV_floor, 0)

``MC_market`` and ``MC_credit`` are the market and credit capital of the participating and
universal accounts combined: the charges of the positions whose ``account`` is
``participating`` or ``universal``, aggregated through the company's own market and credit
matrices (:func:`analyzer.solvency.aggregation.market_and_credit`). K is published by the
regulator; the implementation notice of 2021 (四) sets K = 0 (regime table
``aggregation.loss_absorption``). ``PV_base`` and ``PV_floor`` are the actuaries' figures of
the company file's ``[loss_absorption]`` table.

``MC_par x beta = (1 + K) x min(0.5 MC_par, 0.22 LA_cap + 0.02 MC_par)``, which is how
:func:`adjustment` computes it (no division, so MC_par = 0 gives LA = 0).

This module is the one place the formula exists: the engine (report, stresses, the sci-tech
view) and the capital map (simulation) call :func:`adjustment`; the optimiser holds LA at the
current book's value during a solve (docs/optimizer.md) and the engine re-evaluates the result.

The participating and universal interest-rate capital of a life insurer is an interpretation
(option ``loss_absorption_interest_rate``): the scenario method of Rule 8 Art. 18-20 needs the
accounts' own liability cash flows, which the company file does not give. ``asset_side``
counts the accounts' assets' present-value loss in the company's binding scenario (the sum of
their interest-rate rows, at least 0); ``excluded`` leaves interest rate out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.io.company import Company
from analyzer.solvency import aggregation
from analyzer.solvency.charges import SUBMODULE_INDEX, SUBMODULES, ChargeArrays, ChargeContext
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import Regime

#: the accounts whose market and credit capital give MC_分红万能账户 (Rule 2 Art. 19 (一))
PARTICIPATING = ("participating", "universal")
#: the account left out of market and credit capital (Rule 2 Art. 12)
SEPARATE = "separate"
#: where LA comes from: the formula on the book, the company file's fixed figure, or neither
#: (no PV figures: LA = 0)
SOURCES = ("formula", "company_file", "none")
ARTICLE = "Rule 2 Art. 19"


def parameters(regime: Regime) -> Mapping[str, Any]:
    """The Rule 2 Art. 19 table of a regime (rho, the beta line, K, article)."""
    return regime.table("aggregation", "loss_absorption")


def account_mask(ctx: ChargeContext, accounts: tuple[str, ...]) -> np.ndarray:
    """Mask of the positions whose ``account`` is one of ``accounts`` (all ``general`` when
    the frame has no ``account`` column, e.g. a frame built in code)."""
    if "account" not in ctx.frame.columns:
        return np.zeros(len(ctx.frame), dtype=bool)
    return ctx.column_in("account", accounts)


def participating_mask(ctx: ChargeContext) -> np.ndarray:
    """Positions of the participating and universal accounts."""
    return account_mask(ctx, PARTICIPATING)


def separate_mask(ctx: ChargeContext) -> np.ndarray:
    """Positions of separate accounts (独立账户): no market or credit capital, Rule 2 Art. 12."""
    return account_mask(ctx, (SEPARATE,))


def adjustment(mc_par: Any, cap: Any, table: Mapping[str, Any]) -> Any:
    """LA = min(MC_par x beta, LA_cap) (CNY), Rule 2 Art. 19; numbers or arrays (batched).

    Parameters
    ----------
    mc_par : MC_分红万能账户, CNY (>= 0)
    cap : LA_上限, CNY (>= 0)
    table : :func:`parameters` (beta_cap 0.5, beta_slope 0.22, beta_intercept 0.02, k)
    """
    mc = np.maximum(np.asarray(mc_par, dtype=float), 0.0)
    cap = np.maximum(np.asarray(cap, dtype=float), 0.0)
    scaled = (1.0 + table["k"]) * np.minimum(
        table["beta_cap"] * mc, table["beta_slope"] * cap + table["beta_intercept"] * mc
    )
    return np.minimum(scaled, cap)


def ratio(mc_par: Any, cap: Any, table: Mapping[str, Any]) -> Any:
    """beta = (1 + K) x min(0.5, 0.22 x LA_cap / MC_par + 0.02) (fraction); 0 where
    MC_par = 0 (then there is nothing to absorb)."""
    mc = np.asarray(mc_par, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = (1.0 + table["k"]) * np.minimum(
            table["beta_cap"], table["beta_slope"] * np.asarray(cap) / mc + table["beta_intercept"]
        )
    return np.where(mc > 0, b, 0.0)


def account_capital(
    submodules: np.ndarray, mats: aggregation.Matrices, table: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(market, credit, MC_par) of the accounts' sub-module capital (CNY, last axis =
    ``SUBMODULES``): market and credit through the company's matrices, then the pair with
    rho = 0.35 of Rule 2 Art. 19 (一)."""
    _, market, credit = aggregation.market_and_credit(submodules, mats)
    return market, credit, aggregation.pair(market, credit, table["rho_market_credit"])


def account_submodules(
    charges: ChargeArrays, mask: np.ndarray, options: EngineOptions
) -> np.ndarray:
    """Sub-module capital (CNY, ``SUBMODULES`` order) of the positions in ``mask``: the sum
    of their charge rows (including concentration add-ons and, for a life insurer, their
    scenario-method rows), each entry at least 0; interest rate per option
    ``loss_absorption_interest_rate``."""
    rows = mask[charges.position]
    totals = np.bincount(
        charges.submodule[rows], weights=charges.capital[rows], minlength=len(SUBMODULES)
    )
    if options.loss_absorption_interest_rate == "excluded":
        totals[SUBMODULE_INDEX["interest_rate"]] = 0.0
    return np.maximum(totals, 0.0)


@dataclass(frozen=True)
class LossAbsorption:
    """The loss absorption of one book (CNY unless stated).

    Attributes
    ----------
    value : LA used in minimum capital
    source : ``formula`` (Rule 2 Art. 19 on the book, cap from ``[loss_absorption]``),
        ``company_file`` (the fixed ``[minimum_capital] loss_absorption``) or ``none``
        (neither given: LA = 0)
    mc_par, market, credit : MC_分红万能账户 and its market and credit parts
    beta : the adjustment ratio (fraction; None unless ``source == "formula"``)
    cap : LA_上限 (None unless ``source == "formula"``)
    k : K of the regime table
    positions : number of participating and universal positions
    separate_positions, separate_value : separate-account positions left out of capital
        (Rule 2 Art. 12) and their market value
    """

    value: float
    source: str
    mc_par: float
    market: float
    credit: float
    beta: float | None
    cap: float | None
    k: float
    positions: int
    separate_positions: int
    separate_value: float
    article: str = ARTICLE

    def to_dict(self) -> dict[str, Any]:
        """The ``loss_absorption_detail`` of the JSON (docs/formats.md §5)."""
        return {
            "value": self.value,
            "source": self.source,
            "mc_par": self.mc_par,
            "market": self.market,
            "credit": self.credit,
            "beta": self.beta,
            "cap": self.cap,
            "k": self.k,
            "positions": self.positions,
            "separate_positions": self.separate_positions,
            "separate_value": self.separate_value,
            "article": self.article,
        }


def cap_of(company: Company) -> float | None:
    """LA_上限 of the company file (CNY), None when LA does not come from the formula."""
    return None if company.loss_absorption is None else company.loss_absorption.cap


def source_of(company: Company) -> str:
    """Where the company's LA comes from (:data:`SOURCES`)."""
    if company.loss_absorption is not None:
        return "formula"
    if company.minimum_capital.loss_absorption > 0:
        return "company_file"
    return "none"


def evaluate(
    ctx: ChargeContext, charges: ChargeArrays, mats: aggregation.Matrices
) -> LossAbsorption:
    """The loss absorption of the book in ``ctx`` from its charge table ``charges`` (the
    engine's, with separate-account rows already left out)."""
    company, table = ctx.company, parameters(ctx.regime)
    par = participating_mask(ctx)
    sep = separate_mask(ctx)
    market, credit, mc = account_capital(account_submodules(charges, par, ctx.options), mats, table)
    mc, market, credit = float(mc), float(market), float(credit)
    source = source_of(company)
    cap = cap_of(company)
    if source == "formula":
        value, beta = float(adjustment(mc, cap, table)), float(ratio(mc, cap, table))
    elif source == "company_file":
        value, beta = float(company.minimum_capital.loss_absorption), None
    else:
        value, beta = 0.0, None
    return LossAbsorption(
        value=value,
        source=source,
        mc_par=mc,
        market=market,
        credit=credit,
        beta=beta,
        cap=cap,
        k=float(table["k"]),
        positions=int(par.sum()),
        separate_positions=int(sep.sum()),
        separate_value=float(ctx.values("market_value")[sep].sum()),
        article=str(table["article"]),
    )


__all__ = [
    "ARTICLE",
    "PARTICIPATING",
    "SEPARATE",
    "SOURCES",
    "LossAbsorption",
    "account_capital",
    "account_mask",
    "account_submodules",
    "adjustment",
    "cap_of",
    "evaluate",
    "parameters",
    "participating_mask",
    "ratio",
    "separate_mask",
    "source_of",
]
