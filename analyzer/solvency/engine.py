"""The capital engine: holdings + company + regime -> :class:`SolvencyResult`.

One pass builds the charge table (every rule module contributes rows), the life insurer's
interest-rate scenario method, the concentration add-ons, then aggregates once
(:mod:`aggregation`) and allocates minimum capital to positions by Euler contributions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from analyzer import compliance
from analyzer.errors import InputError, InputProblem, ParameterError
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings, products_without_underlyings
from analyzer.solvency import (
    aggregation,
    concentration,
    credit_items,
    default,
    derivatives,
    equity,
    interest_rate,
    life_interest_rate,
    liquidity,
    look_through,
    loss_absorption,
    overseas,
    real_estate,
    spread,
    underlyings,
)
from analyzer.solvency.capital import admitted_capital
from analyzer.solvency.charges import (
    MODULE_OF,
    SUBMODULE_INDEX,
    SUBMODULES,
    ChargeArrays,
    ChargeBlock,
    ChargeContext,
)
from analyzer.solvency.messages import compose
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import (
    BASELINE_REGIME,
    DEFAULT_REGIME,
    Regime,
    load_regime,
    ratio_thresholds,
)
from analyzer.solvency.result import SciTechView, SolvencyResult

RULE_MODULES = (
    equity,
    real_estate,
    overseas,
    spread,
    default,
    interest_rate,
    look_through,
    underlyings,
)


@dataclass(frozen=True)
class LifeRate:
    """The life scenario method's outcome for one portfolio (engine-internal)."""

    positions: np.ndarray  # indices of positions in scope
    result: life_interest_rate.LifeInterestRate
    article: str


def _regime(regime: str | Regime) -> Regime:
    return regime if isinstance(regime, Regime) else load_regime(regime)


def life_scope(ctx: ChargeContext) -> np.ndarray:
    """Mask of the positions whose cash flows enter the life scenario method (Art. 13;
    金规〔2023〕5号 二(五) for non-base assets of at most three layers)."""
    t = ctx.regime.table("life_interest_rate", "life_interest_rate")
    # non-financial perpetual bonds are corporate bonds (not Rule 8 Art. 36 instruments)
    mask = ctx.of_type(*t["scope"]) | (ctx.domestic & equity.non_financial_perpetual(ctx))
    return mask | interest_rate.non_base_in_scope(ctx)


def _life_rate(ctx: ChargeContext, source: str, scope: np.ndarray | None = None) -> LifeRate | None:
    """The life scenario method on the positions in ``scope`` (default: :func:`life_scope`
    of ``ctx``), with the curves of ``ctx.regime``; None for a non-life company."""
    company = ctx.company
    if not interest_rate.scenario_method(company):  # Rule 8 Art. 14, 18, 21-22
        return None
    if company.liabilities is None:  # read_company refuses this; guard for in-memory use
        raise InputError.single(
            company.source,
            None,
            "liabilities",
            compose("solvency.life_needs_liabilities"),
        )
    mask = life_scope(ctx) if scope is None else scope
    # swaps and treasury futures: their cash flows (face = notional, signed by direction)
    legs, sign = derivatives.life_legs(ctx)
    mask = mask | legs
    face_all = np.where(legs, ctx.values("notional"), ctx.values("face_value"))
    problems = []
    for col in ("coupon_rate", "maturity_years", "face_value"):
        # a leg's face is its notional, which the holdings reader requires
        values = face_all if col == "face_value" else ctx.values(col)
        bad = np.flatnonzero(mask & np.isnan(values))
        for i in bad[:20]:
            problems.append(
                InputProblem(
                    source,
                    int(i) + 2,
                    col,
                    compose(
                        "solvency.life_field_required",
                        asset_type=ctx.frame["asset_type"].iloc[i],
                    ),
                )
            )
        if col == "maturity_years":
            for i in np.flatnonzero(mask & (ctx.values(col) <= 0))[:20]:
                problems.append(
                    InputProblem(source, int(i) + 2, col, compose("solvency.above_zero"))
                )
    call = ctx.values("call_years")
    maturity_all = ctx.values("maturity_years")
    for i in np.flatnonzero(mask & np.isfinite(call) & ((call <= 0) | (call > maturity_all)))[:20]:
        problems.append(
            InputProblem(source, int(i) + 2, "call_years", compose("solvency.call_within_maturity"))
        )
    if problems:
        raise InputError(problems)
    idx = np.flatnonzero(mask)
    liab = company.liabilities.cash_flows
    maturities = ctx.values("maturity_years")[idx]
    horizon = life_interest_rate.scenario_horizon(len(liab), maturities)
    table = ctx.regime.table("life_interest_rate", "life_interest_rate")
    curves = life_interest_rate.build_curves(company.liabilities.spot_curve, table, horizon)
    outflows = np.zeros(horizon)
    outflows[: len(liab)] = liab
    return LifeRate(
        idx,
        _scenario_method(
            ctx.values("coupon_rate")[idx],
            face_all[idx],
            maturities,
            outflows,
            curves,
            sign[idx],
            frequency=ctx.values("coupon_frequency")[idx],
            call_years=call[idx],
            call_rate=ctx.values("call_rate")[idx],
            interpolation=ctx.options.life_curve_interpolation,
        ),
        table["article"],
    )


def _scenario_method(
    coupon: np.ndarray,
    face: np.ndarray,
    maturity: np.ndarray,
    outflows: np.ndarray,
    curves,
    sign: np.ndarray | None = None,
    *,
    frequency: np.ndarray | float = 1.0,
    call_years: np.ndarray | None = None,
    call_rate: np.ndarray | None = None,
    interpolation: str = "linear_spot",
) -> life_interest_rate.LifeInterestRate:
    """:func:`life_interest_rate.evaluate_assets` of the positions' dated cash flows.

    Each position is cash-flowed to the date Rule 8 Art. 18 requires
    (:func:`life_interest_rate.exercise_years`: maturity, or the first call date of a callable
    asset), paying ``coupon / frequency x face`` on its coupon dates and ``face`` at the end
    (:func:`life_interest_rate.cash_flow_schedule`); each flow is discounted at its own date
    (``interpolation`` between whole years). For whole maturities and annual coupons these
    are the year-end flows of :func:`life_interest_rate.asset_cash_flows`. ``sign`` (-1 / +1
    per position, default +1) makes a position's flows outgoing (a swap paying fixed, a short
    treasury future: :func:`derivatives.life_legs`): its values and deltas change sign
    (:func:`life_interest_rate.signed`).
    """
    m = np.asarray(maturity, dtype=float)
    if not len(m):
        return life_interest_rate.evaluate(np.zeros((0, len(outflows))), outflows, curves)
    nan = np.full(len(m), np.nan)
    end = life_interest_rate.exercise_years(
        m,
        nan if call_years is None else call_years,
        nan if call_rate is None else call_rate,
        curves,
        interpolation=interpolation,
    )
    result = life_interest_rate.evaluate_assets(
        coupon, face, m, outflows, curves, frequency, end, interpolation=interpolation
    )
    if sign is not None:
        result = life_interest_rate.signed(result, sign)
    for arr in (
        result.asset_pv_base,
        result.asset_delta_up,
        result.asset_delta_down,
        result.asset_capital_contribution,
    ):
        arr.setflags(write=False)
    return result


class _RecordingRegime:
    """A regime that records which tables a rule module reads (for :class:`_ModuleRows`).

    Any access other than :meth:`table` (e.g. ``.tables``) is recorded as ``("*", "*")``, which
    makes the module's rows never reusable under another regime.
    """

    def __init__(self, regime: Regime):
        self._regime = regime
        self.used: set[tuple[str, str]] = set()

    def table(self, area: str, name: str):
        self.used.add((area, name))
        return self._regime.table(area, name)

    def __getattr__(self, name: str):
        if name != "name":
            self.used.add(("*", "*"))
        return getattr(self._regime, name)


@dataclass(frozen=True)
class _ModuleRows:
    """One rule module's charge rows and the regime tables they were computed from."""

    rows: list[ChargeBlock]
    regime: Regime
    used: frozenset[tuple[str, str]]

    def valid_under(self, regime: Regime) -> bool:
        """True when every table the rows came from is the same in ``regime``."""
        if ("*", "*") in self.used:
            return False
        try:
            return all(regime.table(a, n) == self.regime.table(a, n) for a, n in self.used)
        except ParameterError:
            return False


def _rule_rows(ctx: ChargeContext, reuse: dict | None = None) -> dict:
    """Rows of every rule module; a module's rows from ``reuse`` (another regime's run on the
    same positions, company and options) are taken when its tables are identical."""
    out = {}
    for module in RULE_MODULES:
        prior = (reuse or {}).get(module)
        if prior is not None and prior.valid_under(ctx.regime):
            out[module] = prior
            continue
        recorder = _RecordingRegime(ctx.regime)
        rows = module.blocks(replace(ctx, regime=recorder))
        if module is not underlyings:  # a replaced parent is charged on its underlyings
            rows = underlyings.drop_replaced(ctx, rows)
        if ctx.k_p is not None:  # the rows carry Rule 7 Art. 18 K_p of this table
            recorder.used.add(("look_through", "structure"))
        out[module] = _ModuleRows(rows, ctx.regime, frozenset(recorder.used))
    return out


def build_charges(
    ctx: ChargeContext, source: str = "<memory>"
) -> tuple[pd.DataFrame, LifeRate | None]:
    """The full charge table (base rows, life interest rate, concentration add-ons)."""
    charges, life, _ = _build_charges(ctx, source)
    return charges.to_frame(), life


def build_charge_arrays(
    ctx: ChargeContext, source: str = "<memory>"
) -> tuple[ChargeArrays, LifeRate | None]:
    """:func:`build_charges` as numpy arrays (no DataFrame)."""
    charges, life, _ = _build_charges(ctx, source)
    return charges, life


def _build_charges(
    ctx: ChargeContext, source: str = "<memory>", reuse: dict | None = None
) -> tuple[ChargeArrays, LifeRate | None, dict]:
    """Charges of ``ctx`` (positions as in ``ctx.frame``), its life scenario method and
    each rule module's rows (on the frame expanded by a look-through file, if any:
    :mod:`underlyings`)."""
    parents = () if ctx.look_through is None else ctx.look_through.frame["parent_id"].unique()
    unlooked = products_without_underlyings(ctx.frame, parents, source)
    if unlooked:
        raise InputError(unlooked)
    checked = [(ctx, source)]
    kids = underlyings.children_context(ctx)
    if kids is not None:  # the underlyings' rows are the look-through file's
        checked.append((kids, ctx.look_through.source))
    for c, src in checked:
        unsupported = overseas.unsupported_overseas(c)
        if unsupported.any():
            i = int(np.flatnonzero(unsupported)[0])
            raise InputError.single(
                src,
                i + 2,
                "region",
                compose("solvency.no_overseas_rule", asset_type=c.frame["asset_type"].iloc[i]),
            )
        _check_rated(c, src)
    x = underlyings.expand(ctx)
    by_module = _rule_rows(x, reuse)
    _check_non_base_duration(ctx, source)
    charges, life = _complete_charges(
        x, source, [rows for m in RULE_MODULES for rows in by_module[m].rows]
    )
    return charges, life, by_module


def _complete_charges(
    ctx: ChargeContext,
    source: str,
    rule_rows: list[ChargeBlock],
    life_scope_mask: np.ndarray | None = None,
) -> tuple[ChargeArrays, LifeRate | None]:
    """The charge table from the rule modules' rows: the concentration add-ons on those rows
    and the life scenario method (on ``life_scope_mask``, default :func:`life_scope`), both
    under ``ctx.regime``. ``ctx`` may be an expanded context (:func:`underlyings.expand`):
    the rows are then of the expanded frame, the underlyings stay out of the life scenario
    method (Rule 7 Art. 20) and the result's positions are the original ones. Positions of
    separate accounts (``account = separate``) count in the concentration tests as the
    company's assets but carry no rows (Rule 2 Art. 12), nor do their underlyings."""
    parts = list(rule_rows)
    base = ChargeArrays.concat(parts)
    parts += concentration.blocks(ctx, base)
    parts += derivatives.blocks(ctx, base)
    separate = loss_absorption.separate_mask(ctx)
    if separate.any():  # Rule 2 Art. 12: no market or credit capital on separate accounts
        parts = [b.take(~separate[b.position]) for b in parts]
        scope = life_scope(ctx) if life_scope_mask is None else life_scope_mask
        life_scope_mask = scope & ~separate[: len(scope)]
    if ctx.expansion is not None:
        scope = life_scope(ctx) if life_scope_mask is None else life_scope_mask[: ctx.expansion.n]
        life_scope_mask = underlyings.padded(ctx, scope[: ctx.expansion.n])
    life = _life_rate(ctx, source, life_scope_mask)
    if life is not None:
        capital = life.result.asset_capital_contribution
        exposure = ctx.values("market_value")[life.positions]
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(exposure > 0, capital / exposure, 0.0)
        n = len(life.positions)
        parts.append(
            ChargeBlock(
                life.positions,
                np.full(n, SUBMODULE_INDEX["interest_rate"], dtype=np.int8),
                exposure,
                np.full(n, np.nan),
                np.zeros(n),
                factor,
                capital,
                f"life scenario method (binding: {life.result.binding})",
                life.article,
            )
        )
    return underlyings.restore(ctx, ChargeArrays.concat(parts)), life


def _check_non_base_duration(ctx: ChargeContext, source: str) -> None:
    """Modified duration of the non-base assets the duration factor charges under option
    ``non_base_interest_rate_scope = "every_method"`` (a blank would charge nothing)."""
    scope = interest_rate.non_base_duration_scope(ctx)
    missing = np.flatnonzero(scope & np.isnan(ctx.values("modified_duration")))
    if not len(missing):
        return
    layers = int(
        ctx.regime.table("life_interest_rate", "life_interest_rate")["non_base_max_layers"]
    )
    raise InputError(
        [
            InputProblem(
                source,
                int(i) + 2,
                "modified_duration",
                compose(
                    "solvency.non_base_duration_required",
                    row=int(i) + 2,
                    asset_type=ctx.frame["asset_type"].iloc[i],
                    layers=layers,
                ),
            )
            for i in missing[:20]
        ]
    )


def _check_rated(ctx: ChargeContext, source: str) -> None:
    """Rating and modified duration of the positions put on the Rule 9 Art. 15 rated table by
    issuer type or option (non-financial perpetual bonds, local-government bonds not exempt)."""
    need = spread.rating_required(ctx)
    if not need.any():
        return
    codes, index = ctx.codes("rating")
    blank = need & ((codes < 0) | (codes == index.get("", -2)))
    no_duration = need & np.isnan(ctx.values("modified_duration"))
    problems = []
    for col, bad, what in (
        ("rating", blank, compose("solvency.what.rating")),
        ("modified_duration", no_duration, compose("solvency.what.duration")),
    ):
        for i in np.flatnonzero(bad)[:20]:
            at = ctx.frame["asset_type"].iloc[i]
            why = (
                "solvency.rated_perpetual"
                if at == "perpetual_bond"
                else "solvency.rated_local_government"
            )
            problems.append(
                InputProblem(
                    source,
                    int(i) + 2,
                    col,
                    compose(why, what=what, asset_type=at, row=int(i) + 2),
                )
            )
    if problems:
        raise InputError(problems)


def constants_for(
    company: Company,
    regime: Regime,
    options: EngineOptions | None = None,
    loss_absorption: float | None = None,
) -> aggregation.Constants:
    """The non-investment inputs of aggregation for a company under a regime (the options
    ``size_band_boundary`` and ``control_q_base`` decide the size band and Q's base).

    ``loss_absorption`` is the book's LA (CNY, :func:`book_loss_absorption`); without it the
    company file's fixed ``[minimum_capital] loss_absorption`` (0 when not given)."""
    options = options or EngineOptions()
    mc = company.minimum_capital
    return aggregation.Constants(
        life_insurance=mc.life_insurance,
        nonlife_insurance=mc.nonlife_insurance,
        loss_absorption=mc.loss_absorption if loss_absorption is None else loss_absorption,
        size_coefficient=aggregation.size_coefficient(
            company.total_assets, company.company_type, regime, options.size_band_boundary
        ),
        control_q=aggregation.control_q(mc.sarmra_score, regime),
        additional=mc.additional,
        control_base=options.control_q_base,
    )


def book_loss_absorption(
    ctx: ChargeContext, charges: ChargeArrays, mats: aggregation.Matrices
) -> tuple[aggregation.Constants, loss_absorption.LossAbsorption]:
    """The constants of aggregation with the loss absorption of the book in ``ctx``
    (:func:`analyzer.solvency.loss_absorption.evaluate` on its charge table), and that LA."""
    la = loss_absorption.evaluate(ctx, charges, mats)
    return constants_for(ctx.company, ctx.regime, ctx.options, la.value), la


def loss_absorption_of(
    holdings: Holdings,
    company: Company,
    regime: str | Regime = DEFAULT_REGIME,
    options: EngineOptions | None = None,
) -> loss_absorption.LossAbsorption:
    """The loss absorption (Rule 2 Art. 19) of a book, as :func:`evaluate` finds it, without
    the rest of the evaluation."""
    regime = _regime(regime)
    ctx = ChargeContext(
        holdings.frame,
        regime,
        company,
        options or EngineOptions(),
        look_through=holdings.look_through,
    )
    charges, _ = build_charge_arrays(ctx, holdings.source)
    return loss_absorption.evaluate(
        ctx, charges, aggregation.matrices(regime, company.company_type)
    )


def submodule_totals(
    charges: pd.DataFrame | ChargeArrays,
    life: LifeRate | None,
    credit_items: float = 0.0,
    fx_liabilities: float = 0.0,
) -> np.ndarray:
    """Sub-module capital vector (CNY) in the order of ``SUBMODULES``; ``credit_items`` is the
    default-risk capital of the company's non-investment credit items (Rule 9 Art. 39),
    ``fx_liabilities`` the change of FX capital from netting the company's foreign-currency
    liabilities (Rule 8 Art. 57, :func:`derivatives.fx_liability_adjustment`)."""
    if isinstance(charges, ChargeArrays):
        idx, capital = charges.submodule, charges.capital
    else:
        idx = charges["submodule"].map(SUBMODULE_INDEX).to_numpy(dtype=int)
        capital = charges["capital"].to_numpy(dtype=float)
    totals = np.bincount(idx, weights=capital, minlength=len(SUBMODULES))
    if life is not None:
        totals[SUBMODULE_INDEX["interest_rate"]] += life.result.liability_capital_contribution
    totals[SUBMODULE_INDEX["default"]] += credit_items
    totals[SUBMODULE_INDEX["fx"]] += fx_liabilities
    return totals


def evaluate(
    holdings: Holdings,
    company: Company,
    regime: str | Regime = DEFAULT_REGIME,
    options: EngineOptions | None = None,
    scitech: bool = True,
) -> SolvencyResult:
    """Compute the solvency of a portfolio.

    Parameters
    ----------
    holdings : validated positions (:func:`analyzer.io.read_holdings`)
    company : validated company (:func:`analyzer.io.read_company`)
    regime : regime name or object (default ``cross2-2025-12``)
    options : interpretation switches (:class:`EngineOptions`); defaults documented there
    scitech : also compute the sci-tech view (re-evaluates under ``cross2-2022`` and splits
        the change of minimum capital by cause: :class:`SciTechView`)

    Returns
    -------
    SolvencyResult
    """
    regime = _regime(regime)
    options = options or EngineOptions()
    frame = holdings.frame
    ctx = ChargeContext(frame, regime, company, options, look_through=holdings.look_through)
    arrays, life, module_rows = _build_charges(ctx, holdings.source)
    items = credit_items.evaluate(company, regime, options)
    fx_liabilities = derivatives.fx_liability_adjustment(ctx)
    totals = submodule_totals(arrays, life, items.capital, fx_liabilities)
    mats = aggregation.matrices(regime, company.company_type)
    consts, la = book_loss_absorption(ctx, arrays, mats)
    agg = aggregation.aggregate(totals, consts, mats, gradient=True)
    grad = agg.gradient
    marginal = arrays.capital * grad[arrays.submodule]
    ids, parents = underlyings.row_labels(underlyings.expand(ctx), arrays)
    items_marginal = items.capital * grad[SUBMODULE_INDEX["default"]]
    charges = partial(
        _charges_table,
        arrays,
        marginal,
        ids,
        items.table,
        grad[SUBMODULE_INDEX["default"]],
        parents,
    )

    scale = consts.multiplier
    euler = {
        "life_insurance": float(consts.life_insurance * agg.insurance_gradient[0]),
        "nonlife_insurance": float(consts.nonlife_insurance * agg.insurance_gradient[1]),
        "liability_interest_rate": float(
            life.result.liability_capital_contribution * grad[SUBMODULE_INDEX["interest_rate"]]
        )
        if life
        else 0.0,
        "loss_absorption": float(-consts.loss_absorption * scale),
        "additional": float(consts.additional),
        "credit_items": float(items_marginal),
        "fx_liabilities": float(fx_liabilities * grad[SUBMODULE_INDEX["fx"]]),
    }
    holdings_table = partial(_holdings_table, ctx, arrays, marginal)

    tiers = admitted_capital(company.capital, regime)
    minimum = float(agg.minimum_capital)
    thresholds = ratio_thresholds(regime)
    comprehensive = tiers.actual / minimum if minimum > 0 else float("inf")
    tier_ratio = (
        company.prior_comprehensive_ratio
        if options.equity_cap_basis == "prior_quarter"
        else comprehensive
    )
    comp = compliance.check(frame, company.total_assets, tier_ratio, regime)
    v = agg.market_vector
    market = {name: float(v[i]) for i, name in enumerate(aggregation.MARKET_ORDER)}
    market["total"] = float(agg.market)
    s = {name: float(totals[i]) for i, name in enumerate(SUBMODULES)}
    result = SolvencyResult(
        regime=regime.name,
        company=company.name,
        company_type=company.company_type,
        actual_capital=tiers.actual,
        core_capital=tiers.core,
        minimum_capital=minimum,
        core_ratio=tiers.core / minimum if minimum > 0 else float("inf"),
        comprehensive_ratio=comprehensive,
        quantifiable=float(agg.quantifiable),
        control=float(agg.control),
        additional=consts.additional,
        market=market,
        credit={"spread": s["spread"], "default": s["default"], "total": float(agg.credit)},
        insurance={"life": consts.life_insurance, "nonlife": consts.nonlife_insurance},
        diversification=float(agg.diversification),
        loss_absorption=consts.loss_absorption,
        loss_absorption_detail=la.to_dict(),
        size_coefficient=consts.size_coefficient,
        control_q=consts.control_q,
        submodules=s,
        capital_tiers={
            "core_tier1": tiers.core_tier1,
            "core_tier2": tiers.core_tier2,
            "supplementary_tier1": tiers.supplementary_tier1,
            "supplementary_tier2": tiers.supplementary_tier2,
            "excluded_by_limits": tiers.excluded,
        },
        euler=euler,
        life_interest_rate=_life_summary(life),
        total_invested=holdings.total_market_value,
        compliance=comp,
        thresholds=thresholds,
        holdings_table=holdings_table,
        charges_table=charges,
        options=options.model_dump(),
        credit_items=tuple(items.table.to_dict(orient="records")),
        credit_items_capital=items.capital,
        liquidity=liquidity.evaluate_liquidity(frame, company, regime, options),
    )
    if scitech:
        result = _with_scitech(result, ctx, holdings, arrays, module_rows, totals, consts, mats)
    return result


def _life_summary(life: LifeRate | None) -> dict | None:
    if life is None:
        return None
    r = life.result
    return {
        "capital": float(r.capital),
        "binding": r.binding,
        "liability_pv_base": float(r.liability_pv_base),
        "liability_delta_up": float(r.liability_delta_up),
        "liability_delta_down": float(r.liability_delta_down),
        "asset_pv_base": float(r.asset_pv_base.sum()),
        "asset_delta_up": float(r.asset_delta_up.sum()),
        "asset_delta_down": float(r.asset_delta_down.sum()),
        "net_delta_up": float(r.net_delta_up),
        "net_delta_down": float(r.net_delta_down),
        "article": life.article,
    }


_MODULES = np.array(sorted(set(MODULE_OF.values())) + ["none"], dtype=object)
_MODULE_CODE_OF_SUB = np.array([list(_MODULES).index(MODULE_OF[name]) for name in SUBMODULES])


def _charges_table(
    arrays: ChargeArrays,
    marginal: np.ndarray,
    ids: np.ndarray,
    items: pd.DataFrame | None = None,
    default_gradient: float = 0.0,
    parents: np.ndarray | None = None,
) -> pd.DataFrame:
    """The charge trace of a result (built on first use); the company's credit items follow
    the positions' rows (``position`` = -1, ``id`` = the item's id, submodule ``default``).

    ``ids`` and ``parents`` are per charge row: an underlying of a look-through file has id
    ``<parent_id>/<id>`` and ``parent_id`` its parent's id (blank for a position's own rows)."""
    n = len(arrays)
    table = arrays.to_frame(
        marginal_capital=marginal,
        id=pd.Series(ids, dtype=object),
        parent_id=pd.Series(
            np.full(n, "", dtype=object) if parents is None else parents, dtype=object
        ),
    )
    out = credit_items.append_to_trace(table, items, default_gradient)
    if len(out) > n:
        out["parent_id"] = out["parent_id"].fillna("")
    return out


def _holdings_table(
    ctx: ChargeContext, charges: ChargeArrays, marginal: np.ndarray
) -> pd.DataFrame:
    """One row per (position, module) with exposure, effective factor, capital, Euler."""
    frame = ctx.frame
    nm, n = len(_MODULES), len(frame)
    none = nm - 1
    pos = charges.position
    key = pos * nm + _MODULE_CODE_OF_SUB[charges.submodule]
    charged = np.zeros(n, dtype=bool)
    charged[pos] = True
    uncharged = np.flatnonzero(~charged)
    key = np.concatenate([key, uncharged * nm + none])
    mv = ctx.values("market_value")
    exposure = np.concatenate([charges.exposure, mv[uncharged]])
    count = np.bincount(key, minlength=n * nm)
    keys = np.flatnonzero(count)  # sorted by (position, module)
    slot = np.full(n * nm, -1, dtype=np.int64)
    slot[keys] = np.arange(len(keys))
    inverse = slot[key]
    m = len(keys)
    cap = np.bincount(inverse[: len(pos)], weights=charges.capital, minlength=m)
    marg = np.bincount(inverse[: len(pos)], weights=marginal, minlength=m)
    # the largest exposure of each (position, module): one row for most keys
    exp_max = np.full(m, -np.inf)
    single = count[key] == 1
    exp_max[inverse[single]] = exposure[single]
    if not single.all():
        np.maximum.at(exp_max, inverse[~single], exposure[~single])
    position = keys // nm
    x = underlyings.expand(ctx).expansion
    if x is not None and charges.row is not None:
        # a parent charged on its underlyings: its exposure in a module is the larger of its
        # own rows' (surface) and the sum over its underlyings (and remainder) of each one's
        # exposure in the module
        added = x.added[charges.row]
        if added.any():
            sub_key = inverse[: len(pos)][added]
            pair = pd.DataFrame({"key": sub_key, "row": charges.row[added]})
            pair["exposure"] = charges.exposure[added]
            summed = pair.groupby(["key", "row"]).exposure.max().groupby(level=0).sum()
            own = np.full(m, -np.inf)
            keep = ~added
            if keep.any():
                np.maximum.at(own, inverse[: len(pos)][keep], charges.exposure[keep])
            under = np.full(m, -np.inf)
            under[summed.index.to_numpy()] = summed.to_numpy()
            hit = np.isfinite(under)
            exp_max[hit] = np.maximum(own[hit], under[hit])
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(exp_max > 0, cap / exp_max, 0.0)

    def text(column: str) -> pd.Series:
        codes, index = ctx.codes(column)
        values = np.empty(len(index) + 1, dtype=object)
        for value, i in index.items():
            values[i] = value
        return pd.Series(values[codes[position]], dtype=object)

    return pd.DataFrame(
        {
            "id": pd.Series(frame["id"].to_numpy()[position], dtype=object),
            "asset_type": text("asset_type"),
            "asset_class": text("asset_class"),
            "module": pd.Series(_MODULES[keys % nm], dtype=object),
            "exposure": exp_max,
            "factor": factor,
            "capital": cap,
            "marginal_capital": marg,
            "sci_tech": ctx.values("sci_tech")[position],
            "position": position,
        },
        copy=False,
    )  # fresh arrays: no copy into consolidated blocks


@dataclass(frozen=True)
class _Baseline:
    """What the sci-tech view needs of the baseline regime's evaluation."""

    ctx: ChargeContext
    charges: ChargeArrays
    module_rows: dict
    minimum_capital: float
    core_ratio: float
    comprehensive_ratio: float
    size_coefficient: float


def _baseline(ctx: ChargeContext, holdings: Holdings, reuse: dict | None = None) -> _Baseline:
    """Charges, minimum capital and ratios under the baseline regime: the capital chain of
    :func:`evaluate` without its report tables (holdings table, compliance, Euler); rule
    modules whose tables the regimes share reuse the current regime's rows (``reuse``)."""
    regime = load_regime(BASELINE_REGIME)
    company = ctx.company
    base_ctx = replace(ctx, regime=regime)
    charges, life, module_rows = _build_charges(base_ctx, holdings.source, reuse)
    mats = aggregation.matrices(regime, company.company_type)
    consts, _ = book_loss_absorption(base_ctx, charges, mats)
    items = credit_items.evaluate(company, regime, ctx.options).capital
    agg = aggregation.aggregate(
        submodule_totals(charges, life, items, derivatives.fx_liability_adjustment(base_ctx)),
        consts,
        mats,
    )
    tiers = admitted_capital(company.capital, regime)
    minimum = float(agg.minimum_capital)
    return _Baseline(
        base_ctx,
        charges,
        module_rows,
        minimum,
        tiers.core / minimum if minimum > 0 else float("inf"),
        tiers.actual / minimum if minimum > 0 else float("inf"),
        consts.size_coefficient,
    )


def _minimum_with_baseline_factors(
    ctx: ChargeContext,
    source: str,
    module_rows: dict,
    baseline: _Baseline,
    moved: np.ndarray,
    consts: aggregation.Constants,
    mats: aggregation.Matrices,
) -> float:
    """Minimum capital (CNY) with the positions in ``moved`` charged at the baseline regime's
    factors and everything else as in ``ctx.regime``.

    The one engine, evaluated once on a mixed charge table: every rule module's rows of a
    moved position are the baseline regime's rows (``baseline.module_rows``), those of the
    other positions the current regime's (``module_rows``); then, as in :func:`evaluate`
    under the current regime: the concentration add-ons on those rows (the add-on of a moved
    row takes its baseline RF0; which thresholds are crossed is decided under the current
    regime), the life scenario method with the current curves on the positions each regime
    puts in scope (a moved position is in scope if the baseline regime puts it there), and
    one aggregation with the current constants (size coefficient, control risk Q) and
    correlation matrices; the loss absorption is that of the mixed book (Rule 2 Art. 19).
    """
    parts: list[ChargeBlock] = []
    x = underlyings.expand(ctx)
    moved_rows = moved if x.expansion is None else moved[x.expansion.origin]
    for module in RULE_MODULES:
        now, then = module_rows[module], baseline.module_rows[module]
        if then is now:  # the module's tables are the same in both regimes: same rows
            parts += now.rows
            continue
        parts += [b.take(~moved_rows[b.position]) for b in now.rows]
        parts += [b.take(moved_rows[b.position]) for b in then.rows]
    scope = None
    if ctx.company.company_type == "life":
        scope = np.where(moved, life_scope(baseline.ctx), life_scope(ctx))
    charges, life = _complete_charges(x, source, parts, scope)
    la = loss_absorption.evaluate(ctx, charges, mats)  # the mixed book's LA (Rule 2 Art. 19)
    consts = replace(consts, loss_absorption=la.value)
    # everything but the moved positions' factors as today: the credit items and the FX
    # liabilities under the current regime
    items = credit_items.evaluate(ctx.company, ctx.regime, ctx.options).capital
    fx_liabilities = derivatives.fx_liability_adjustment(ctx)
    agg = aggregation.aggregate(
        submodule_totals(charges, life, items, fx_liabilities), consts, mats
    )
    return float(agg.minimum_capital)


def _with_scitech(
    result: SolvencyResult,
    ctx: ChargeContext,
    holdings: Holdings,
    charges: ChargeArrays,
    module_rows: dict,
    totals: np.ndarray,
    consts: aggregation.Constants,
    mats: aggregation.Matrices,
) -> SolvencyResult:
    """The sci-tech view, with the change of minimum capital from the baseline regime to
    this one split by cause (:class:`SciTechView`).

    Each cause is the marginal effect of putting that one cause back to the baseline regime,
    all else as in this regime: ``relief`` (the ``sci_tech`` positions' factors),
    ``relief_other_factors`` (the other positions' factors) and
    ``relief_size_coefficient`` (the size coefficient of 金规〔2023〕5号 一). Minimum capital
    is not additive in its parts (square-root aggregation, the size coefficient multiplies
    the rest): ``relief_remainder`` is what the three leave of the whole change.
    """
    sci = ctx.values("sci_tech").astype(bool)
    total = holdings.total_market_value
    value = float(ctx.values("market_value")[sci].sum())
    today = result.minimum_capital
    relief = other = size = 0.0
    if result.regime != BASELINE_REGIME:
        baseline = _baseline(ctx, holdings, module_rows)

        def at_baseline(moved: np.ndarray) -> float:
            if not moved.any():  # nothing moves: this regime's minimum capital itself
                return today
            return _minimum_with_baseline_factors(
                ctx, holdings.source, module_rows, baseline, moved, consts, mats
            )

        relief = at_baseline(sci) - today
        other = at_baseline(~sci) - today
        size_back = replace(consts, size_coefficient=baseline.size_coefficient)
        size = float(aggregation.aggregate(totals, size_back, mats).minimum_capital) - today
    else:
        baseline = _Baseline(
            ctx,
            charges,
            module_rows,
            today,
            result.core_ratio,
            result.comprehensive_ratio,
            consts.size_coefficient,
        )
    ir = SUBMODULE_INDEX["interest_rate"]

    def sci_capital(ch: ChargeArrays) -> float:
        keep = sci[ch.position] & (ch.submodule != ir)
        return float(ch.capital[keep].sum())

    change = baseline.minimum_capital - today
    view = SciTechView(
        share=value / total if total > 0 else 0.0,
        value=value,
        target=ctx.company.targets.sci_tech_share,
        capital=sci_capital(charges),
        capital_baseline=sci_capital(baseline.charges),
        minimum_capital_baseline=baseline.minimum_capital,
        relief=relief,
        comprehensive_ratio_baseline=baseline.comprehensive_ratio,
        core_ratio_baseline=baseline.core_ratio,
        baseline_regime=BASELINE_REGIME,
        minimum_capital_scitech_at_baseline=today + relief,
        relief_other_factors=other,
        relief_size_coefficient=size,
        relief_remainder=change - relief - other - size,
        regime_change=change,
        size_coefficient_baseline=baseline.size_coefficient,
    )
    return replace(result, scitech=view)
