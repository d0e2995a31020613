"""The one capital model for the optimiser and the simulation: a linear map from exposures by
asset class (or by position) to sub-module capital, plus the engine's aggregation.

Under the factor approach each position's capital is linear in its exposure once the
characteristic coefficients are fixed at their current values (k1 of the stock book, holding
periods, layers, ratings, durations, concentration status); positions inside a class scale pro
rata, so a class carries the factors of its current mix. The map is exact for any exposures
that leave those coefficients unchanged; the one that can move under a reallocation is the
stock-book k1 of Rule 8 Art. 26 (a ratio over all directly held stocks), which stays fixed only
when the stock classes scale by the same factor. The optimiser bounds it explicitly
(docs/optimizer.md) and every optimum is re-evaluated by the engine. The map is built from the
*same* charge table as the report (:func:`analyzer.solvency.engine.build_charges`), so
``CapitalMap.minimum_capital(current_exposure)`` equals the engine's minimum capital.

Life insurers: the interest-rate entry is ``max(L_up - a_up' x, L_down - a_down' x, 0)`` with
``a_up``, ``a_down`` the present-value changes per CNY of class exposure in the two Annex 3
scenarios and ``L_up``, ``L_down`` those of the liabilities.

Loss absorption (Rule 2 Art. 19): ``constants.loss_absorption`` is the current book's LA (what
the optimiser holds fixed, docs/optimizer.md); :meth:`CapitalMap.loss_absorption` recomputes
it for any exposures from the participating and universal positions' own linear map
(``A_par``, ``ir_par_up``, ``ir_par_down``) with the one formula of
:func:`analyzer.solvency.loss_absorption.adjustment`, and :meth:`CapitalMap.aggregate` (so the
simulation) uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analyzer.errors import InputError
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.solvency import aggregation, life_interest_rate
from analyzer.solvency import loss_absorption as la_rule
from analyzer.solvency.capital import AdmittedCapital, admitted_capital
from analyzer.solvency.charges import SUBMODULE_INDEX, SUBMODULES, ChargeContext
from analyzer.solvency.messages import compose
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, Regime, load_regime


@dataclass(frozen=True)
class CapitalMap:
    """Exposure -> capital, linear per sub-module, aggregated as in the engine.

    Attributes
    ----------
    classes : tuple of str
        The decision units (asset classes, or position ids).
    current_exposure : ndarray (n,)
        Current market value of each class, CNY.
    A : ndarray (10, n)
        Capital per CNY of exposure in each sub-module (rows in ``SUBMODULES`` order); the
        interest-rate row is 0 for life insurers (see ``ir_asset_up``).
    ir_asset_up, ir_asset_down : ndarray (n,)
        Life only: PV change (adverse - base) of the class's asset cash flows per CNY.
    ir_liability_up, ir_liability_down : float
        Life only: PV change of the liability outflows, CNY.
    life : bool
        Whether the interest-rate entry follows the life scenario method.
    constants : aggregation.Constants
    matrices : aggregation.Matrices
    company : Company
    regime : Regime
    sci_tech_share : ndarray (n,)
        Share of each class's value that is sci-tech (``sci_tech`` column).
    fixed : ndarray (10,)
        Sub-module capital that does not depend on the exposures, CNY: the default-risk
        capital of the company's non-investment credit items (Rule 9 Art. 22-38), added to
        ``A x`` by :meth:`submodule_capital`.
    A_par : ndarray (10, n)
        The part of ``A`` from participating and universal positions (interest rate: see
        ``ir_par_up``; zero under option ``loss_absorption_interest_rate = "excluded"``).
    ir_par_up, ir_par_down : ndarray (n,)
        Life only: the participating and universal positions' part of ``ir_asset_up``,
        ``ir_asset_down`` (zero when excluded by the option).
    la_cap : float or None
        LA_上限 of the company file (CNY); None when LA does not come from the formula (then
        ``constants.loss_absorption`` is the company file's fixed figure, or 0).
    """

    classes: tuple[str, ...]
    current_exposure: np.ndarray
    A: np.ndarray
    ir_asset_up: np.ndarray
    ir_asset_down: np.ndarray
    ir_liability_up: float
    ir_liability_down: float
    life: bool
    constants: aggregation.Constants
    matrices: aggregation.Matrices
    company: Company = field(repr=False)
    regime: Regime = field(repr=False)
    sci_tech_share: np.ndarray = field(repr=False)
    members: pd.Series = field(repr=False)  # position index -> class index
    fixed: np.ndarray = field(default_factory=lambda: np.zeros(len(SUBMODULES)), repr=False)
    A_par: np.ndarray | None = field(default=None, repr=False)
    ir_par_up: np.ndarray | None = field(default=None, repr=False)
    ir_par_down: np.ndarray | None = field(default=None, repr=False)
    la_cap: float | None = None
    #: what the positions held constant (derivatives, hedged and separate-account positions)
    #: add to the participating and universal accounts' sub-module capital (CNY, today's)
    par_fixed: np.ndarray | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of classes."""
        return len(self.classes)

    @property
    def total_invested(self) -> float:
        """Current total invested, CNY."""
        return float(self.current_exposure.sum())

    def submodule_capital(self, exposure: np.ndarray, A: np.ndarray | None = None) -> np.ndarray:
        """Sub-module capital (..., 10) for exposures (..., n) in CNY.

        ``A`` (10, n) replaces the map's capital per CNY (the optimiser's ``A`` with the Rule 8
        Art. 66 equity add-on); the fixed capital and the life interest-rate entry are as
        always.
        """
        x = np.asarray(exposure, dtype=float)
        s = x @ (self.A if A is None else A).T + self.fixed
        if self.life:
            ir = life_interest_rate.capital_for(
                x @ self.ir_asset_up,
                x @ self.ir_asset_down,
                self.ir_liability_up,
                self.ir_liability_down,
            )
            s = s.copy()
            s[..., SUBMODULE_INDEX["interest_rate"]] += ir
        return s

    def loss_absorption(self, exposure: np.ndarray) -> np.ndarray:
        """LA (CNY) of Rule 2 Art. 19 for exposures (..., n) in CNY: the formula on the
        participating and universal positions' capital when the company file gives
        ``[loss_absorption]``, else the constant of ``constants``."""
        x = np.asarray(exposure, dtype=float)
        if self.la_cap is None or self.A_par is None:
            return np.broadcast_to(np.asarray(self.constants.loss_absorption), x.shape[:-1])
        table = la_rule.parameters(self.regime)
        _, _, mc_par = la_rule.account_capital(
            np.maximum(self.participating_capital(x), 0.0), self.matrices, table
        )
        return la_rule.adjustment(mc_par, self.la_cap, table)

    def participating_capital(self, exposure: np.ndarray) -> np.ndarray:
        """Sub-module capital (..., 10) of the participating and universal accounts (CNY, before
        the floor at 0 of Rule 2 Art. 19's MC_par) for exposures (..., n) in CNY."""
        x = np.asarray(exposure, dtype=float)
        s = x @ self.A_par.T
        if self.life and self.ir_par_up is not None:
            up = self.ir_liability_up - x @ self.ir_asset_up
            down = self.ir_liability_down - x @ self.ir_asset_down
            # the company's binding scenario (as life_interest_rate.evaluate picks it)
            par = np.where(up >= down, -(x @ self.ir_par_up), -(x @ self.ir_par_down))
            par = np.where(np.maximum(up, down) > 0, par, 0.0)
            s = s.copy()
            s[..., SUBMODULE_INDEX["interest_rate"]] += par
        if self.par_fixed is not None:
            s = s + self.par_fixed
        return s

    def aggregate(self, exposure: np.ndarray, gradient: bool = False) -> aggregation.Aggregation:
        """The engine's aggregation of the exposures (batched over leading axes), with the
        loss absorption of those exposures (:meth:`loss_absorption`); the gradient holds LA
        fixed (LA is its own Euler item, as in the engine)."""
        consts = self.constants
        if self.la_cap is not None:
            consts = replace(consts, loss_absorption=self.loss_absorption(exposure))
        return aggregation.aggregate(
            self.submodule_capital(exposure), consts, self.matrices, gradient=gradient
        )

    def minimum_capital(self, exposure: np.ndarray) -> np.ndarray:
        """Minimum capital (CNY) for exposures (..., n) in CNY."""
        return self.aggregate(exposure).minimum_capital

    def admitted_capital(self, core_tier1_change: float = 0.0) -> AdmittedCapital:
        """Actual and core capital after a gain or loss to core tier 1 (CNY)."""
        return admitted_capital(self.company.capital, self.regime, core_tier1_change)


def build_capital_map(
    holdings: Holdings,
    company: Company,
    regime: str | Regime = DEFAULT_REGIME,
    options: EngineOptions | None = None,
    by: str = "asset_class",
) -> CapitalMap:
    """Build the capital map from the engine's charge table.

    Parameters
    ----------
    by : ``"asset_class"`` (classes scale pro rata) or ``"id"`` (one unit per position)

    Raises
    ------
    InputError
        When ``by == "asset_class"`` and a position has no ``asset_class``.
    """
    from analyzer.solvency import credit_items, derivatives
    from analyzer.solvency.engine import book_loss_absorption, build_charge_arrays

    regime = regime if isinstance(regime, Regime) else load_regime(regime)
    options = options or EngineOptions()
    frame = holdings.frame
    held, fixed_rows = split_held_constant(holdings)
    if fixed_rows is not None:
        return _with_derivatives(holdings, held, company, regime, options, by)
    keys = frame[by].astype(str).to_numpy()
    if (keys == "").any():
        i = int(np.flatnonzero(keys == "")[0])
        raise InputError.single(
            holdings.source, i + 2, by, compose("solvency.class_required", column=by)
        )
    classes, members = np.unique(keys, return_inverse=True)
    n = len(classes)
    mv = frame["market_value"].to_numpy()
    exposure = np.bincount(members, weights=mv, minlength=n)
    safe = np.where(exposure > 0, exposure, 1.0)
    ctx = ChargeContext(frame, regime, company, options, look_through=holdings.look_through)
    charges, life = build_charge_arrays(ctx, holdings.source)
    keep = slice(None) if life is None else charges.submodule != SUBMODULE_INDEX["interest_rate"]
    sub = charges.submodule[keep].astype(np.int64)
    cls = members[charges.position[keep]]
    A = (
        np.bincount(sub * n + cls, weights=charges.capital[keep], minlength=len(SUBMODULES) * n)
        .reshape(len(SUBMODULES), n)
        .astype(float)
    )
    A /= safe
    up = np.zeros(n)
    down = np.zeros(n)
    lu = ld = 0.0
    if life is not None:
        r = life.result
        np.add.at(up, members[life.positions], r.asset_delta_up)
        np.add.at(down, members[life.positions], r.asset_delta_down)
        up /= safe
        down /= safe
        lu, ld = float(r.liability_delta_up), float(r.liability_delta_down)
    sci = (
        np.bincount(members, weights=mv * frame["sci_tech"].to_numpy(dtype=float), minlength=n)
        / safe
    )
    fixed = np.zeros(len(SUBMODULES))
    fixed[SUBMODULE_INDEX["default"]] = credit_items.evaluate(company, regime, options).capital
    fixed[SUBMODULE_INDEX["fx"]] = derivatives.fx_liability_adjustment(ctx)
    # loss absorption: the participating and universal positions' part of the map
    mats = aggregation.matrices(regime, company.company_type)
    constants, la = book_loss_absorption(ctx, charges, mats)
    par = la_rule.participating_mask(ctx)
    par_rows = par[charges.position[keep]]
    A_par = (
        np.bincount(
            sub[par_rows] * n + cls[par_rows],
            weights=charges.capital[keep][par_rows],
            minlength=len(SUBMODULES) * n,
        )
        .reshape(len(SUBMODULES), n)
        .astype(float)
    )
    A_par /= safe
    par_up = par_down = None
    ir_counts = options.loss_absorption_interest_rate != "excluded"
    if not ir_counts:
        A_par[SUBMODULE_INDEX["interest_rate"]] = 0.0
    if life is not None:
        par_up, par_down = np.zeros(n), np.zeros(n)
        if ir_counts:
            in_par = par[life.positions]
            np.add.at(par_up, members[life.positions[in_par]], life.result.asset_delta_up[in_par])
            np.add.at(
                par_down, members[life.positions[in_par]], life.result.asset_delta_down[in_par]
            )
            par_up /= safe
            par_down /= safe
    return CapitalMap(
        classes=tuple(str(c) for c in classes),
        current_exposure=exposure,
        A=A,
        ir_asset_up=up,
        ir_asset_down=down,
        ir_liability_up=lu,
        ir_liability_down=ld,
        life=life is not None,
        constants=constants,
        matrices=mats,
        company=company,
        regime=regime,
        sci_tech_share=sci,
        members=pd.Series(members),
        fixed=fixed,
        A_par=A_par,
        ir_par_up=par_up,
        ir_par_down=par_down,
        la_cap=la.cap if la.source == "formula" else None,
    )


def split_held_constant(holdings: Holdings) -> tuple[Holdings, Holdings | None]:
    """The positions the optimiser moves, and those it holds constant (None when there are
    none): the derivatives, the positions they hedge and the separate-account positions.

    Derivatives are not decision variables of the optimiser: their notional is held constant
    (docs/optimizer.md), so they carry no ``asset_class``. The positions a derivative hedges
    (``hedged_id`` of a qualifying hedge, ``hedge_effective``) are held with it: the offset
    ``|C - H|`` (Rule 8 Art. 16, 35, 58) stays exact only while the hedged capital C does.
    Separate-account positions
    (``account = separate``) belong to the policyholders' accounts and carry no capital (Rule 2
    Art. 12): moved with their asset class they would dilute its capital per CNY, so they are
    held constant too.
    """
    from analyzer.io.holdings import DERIVATIVES

    frame = holdings.frame
    deriv = frame["asset_type"].astype(object).isin(DERIVATIVES).to_numpy()
    if deriv.any() and "hedged_id" in frame:
        qualifying = deriv & frame.get("hedge_effective", False).astype(bool).to_numpy()
        hedged = {
            part.strip()
            for cell in frame.loc[qualifying, "hedged_id"].astype(str)
            for part in cell.split(";")
            if part.strip()
        }
        deriv = deriv | frame["id"].astype(str).isin(hedged).to_numpy()
    if "account" in frame:
        deriv = deriv | frame["account"].astype(object).eq("separate").to_numpy()
    if not deriv.any():
        return holdings, None
    return (
        replace(holdings, frame=frame[~deriv].reset_index(drop=True)),
        replace(holdings, frame=frame[deriv].reset_index(drop=True)),
    )


def _with_derivatives(
    holdings: Holdings,
    held: Holdings,
    company: Company,
    regime: Regime,
    options: EngineOptions,
    by: str,
) -> CapitalMap:
    """The map of the positions without the derivatives, with what the derivatives change
    (at today's exposures) held fixed.

    A derivative's charge depends on the capital of the positions it hedges (Rule 8 Art. 16,
    35, 58: ``|C - H|``) and the FX and counterparty nettings are absolute values or maxima:
    not linear in the class exposures. The derivatives' notionals stay constant, and their
    effect ``S(book) - S(book without derivatives)`` per sub-module, evaluated by the engine
    today, is added to ``fixed``: the map is exact at today's exposures (a test checks it)
    and the optimiser re-evaluates every optimum with the engine. Life insurers: the swaps'
    and treasury futures' scenario deltas join the liability side (``ir_liability_up`` /
    ``_down``), which keeps the scenario method's ``max`` exact for every exposure.
    """
    from analyzer.solvency import credit_items, derivatives
    from analyzer.solvency.engine import build_charge_arrays, submodule_totals

    cmap = build_capital_map(held, company, regime, options, by=by)
    ctx = ChargeContext(
        holdings.frame, regime, company, options, look_through=holdings.look_through
    )
    charges, life = build_charge_arrays(ctx, holdings.source)
    full = submodule_totals(
        charges,
        life,
        credit_items.evaluate(company, regime, options).capital,
        derivatives.fx_liability_adjustment(ctx),
    )
    now = cmap.submodule_capital(cmap.current_exposure)
    delta = full - now
    lu, ld = cmap.ir_liability_up, cmap.ir_liability_down
    if life is not None:
        # every position held constant (the derivatives' legs, the hedged and the separate-
        # account positions in scope) joins the liability side with its scenario deltas
        moving = set(held.frame["id"].astype(str))
        fixed_rows = ~ctx.frame["id"].astype(str).isin(moving).to_numpy()
        at = fixed_rows[life.positions]
        lu -= float(np.sum(life.result.asset_delta_up[at]))
        ld -= float(np.sum(life.result.asset_delta_down[at]))
        delta[SUBMODULE_INDEX["interest_rate"]] = 0.0
    out = replace(cmap, fixed=cmap.fixed + delta, ir_liability_up=lu, ir_liability_down=ld)
    if out.la_cap is not None and out.A_par is not None:
        # the participating and universal accounts as the engine sees the whole book today,
        # less what the moving positions give: exact at today's exposures, as ``fixed`` is
        rows = la_rule.participating_mask(ctx)[charges.position]
        whole = np.bincount(
            charges.submodule[rows], weights=charges.capital[rows], minlength=len(SUBMODULES)
        )
        if options.loss_absorption_interest_rate == "excluded":
            whole[SUBMODULE_INDEX["interest_rate"]] = 0.0
        out = replace(out, par_fixed=whole - out.participating_capital(out.current_exposure))
    return out
