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
from analyzer.io.holdings import Holdings
from analyzer.solvency import (
    aggregation,
    concentration,
    credit_items,
    default,
    equity,
    interest_rate,
    life_interest_rate,
    look_through,
    overseas,
    real_estate,
    spread,
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
from analyzer.solvency.regime import BASELINE_REGIME, DEFAULT_REGIME, Regime, load_regime
from analyzer.solvency.result import SciTechView, SolvencyResult

RULE_MODULES = (equity, real_estate, overseas, spread, default, interest_rate, look_through)


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
    problems = []
    for col in ("coupon_rate", "maturity_years", "face_value"):
        bad = np.flatnonzero(mask & np.isnan(ctx.values(col)))
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
            for i in np.flatnonzero(mask & (ctx.values(col) < 1))[:20]:
                problems.append(
                    InputProblem(source, int(i) + 2, col, compose("solvency.at_least_one"))
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
            ctx.values("face_value")[idx],
            maturities,
            outflows,
            curves,
        ),
        table["article"],
    )


def _scenario_method(
    coupon: np.ndarray, face: np.ndarray, maturity: np.ndarray, outflows: np.ndarray, curves
) -> life_interest_rate.LifeInterestRate:
    """:func:`life_interest_rate.evaluate` of the positions' cash flows without their
    (positions x years) matrix.

    A position's year-end flows are ``coupon x face`` in years ``1..m`` and ``face`` in year
    ``m`` (:func:`life_interest_rate.asset_cash_flows`), linear in (coupon x face, face) for
    each maturity ``m``. The scenario method is run on the cash flows summed by maturity (so
    capital, binding scenario and net deltas come from the module itself), and each position's
    present value and deltas are ``coupon x face x sum(d[:m]) + face x d[m - 1]`` for the
    discount factors (or their scenario differences) ``d``: the module's dot products,
    reordered.
    """
    m = np.asarray(maturity, dtype=float)
    cf = np.asarray(coupon, dtype=float) * np.asarray(face, dtype=float)
    face = np.asarray(face, dtype=float)
    if not len(m):
        return life_interest_rate.evaluate(np.zeros((0, len(outflows))), outflows, curves)
    years = m.astype(np.int64)
    top = int(years.max())
    # validation as in asset_cash_flows: whole maturities >= 1, finite non-negative amounts
    if (
        np.any(m < 1)
        or np.any(m != years)
        or not (np.all(np.isfinite(cf)) and np.all(np.isfinite(face)))
    ):
        life_interest_rate.asset_cash_flows(coupon, face, maturity, 1, len(outflows))
    cf_by_m = np.bincount(years - 1, weights=cf, minlength=top)
    face_by_m = np.bincount(years - 1, weights=face, minlength=top)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(face_by_m > 0, cf_by_m / face_by_m, 0.0)
    rows = np.flatnonzero(np.bincount(years - 1, minlength=top) > 0)
    summed = life_interest_rate.asset_cash_flows(
        rate[rows], face_by_m[rows], rows + 1, 1, len(outflows)
    )
    # where face sums to 0 the coupons cannot be carried by a rate: add them directly
    zero_face = face_by_m[rows] <= 0
    if zero_face.any():
        t = np.arange(1, len(outflows) + 1)
        summed[zero_face] += cf_by_m[rows][zero_face][:, None] * (
            t[None, :] <= rows[zero_face, None] + 1
        )
    total = life_interest_rate.evaluate(summed, outflows, curves)
    base = curves.discount_base[:top]

    def per_position(d: np.ndarray) -> np.ndarray:
        d = np.asarray(d[:top], dtype=float)
        annuity = np.cumsum(d)
        return cf * annuity[years - 1] + face * d[years - 1]

    pv = per_position(base)
    up = per_position(curves.discount_up[:top] - base)
    down = per_position(curves.discount_down[:top] - base)
    if total.binding == "up":
        contribution = -up
    elif total.binding == "down":
        contribution = -down
    else:
        contribution = np.zeros_like(up)
    for arr in (pv, up, down, contribution):
        arr.setflags(write=False)
    return replace(
        total,
        asset_pv_base=pv,
        asset_delta_up=up,
        asset_delta_down=down,
        asset_capital_contribution=contribution,
    )


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
    unsupported = overseas.unsupported_overseas(ctx)
    if unsupported.any():
        i = int(np.flatnonzero(unsupported)[0])
        raise InputError.single(
            source,
            i + 2,
            "region",
            compose("solvency.no_overseas_rule", asset_type=ctx.frame["asset_type"].iloc[i]),
        )
    _check_rated(ctx, source)
    _check_non_base_duration(ctx, source)
    by_module = _rule_rows(ctx, reuse)
    charges, life = _complete_charges(
        ctx, source, [rows for m in RULE_MODULES for rows in by_module[m].rows]
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
    under ``ctx.regime``."""
    parts = list(rule_rows)
    base = ChargeArrays.concat(parts)
    parts += concentration.blocks(ctx, base)
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
    return ChargeArrays.concat(parts), life


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
    company: Company, regime: Regime, options: EngineOptions | None = None
) -> aggregation.Constants:
    """The non-investment inputs of aggregation for a company under a regime (the options
    ``size_band_boundary`` and ``control_q_base`` decide the size band and Q's base)."""
    options = options or EngineOptions()
    mc = company.minimum_capital
    return aggregation.Constants(
        life_insurance=mc.life_insurance,
        nonlife_insurance=mc.nonlife_insurance,
        loss_absorption=mc.loss_absorption,
        size_coefficient=aggregation.size_coefficient(
            company.total_assets, company.company_type, regime, options.size_band_boundary
        ),
        control_q=aggregation.control_q(mc.sarmra_score, regime),
        additional=mc.additional,
        control_base=options.control_q_base,
    )


def submodule_totals(
    charges: pd.DataFrame | ChargeArrays, life: LifeRate | None, credit_items: float = 0.0
) -> np.ndarray:
    """Sub-module capital vector (CNY) in the order of ``SUBMODULES``; ``credit_items`` is the
    default-risk capital of the company's non-investment credit items (Rule 9 Art. 39)."""
    if isinstance(charges, ChargeArrays):
        idx, capital = charges.submodule, charges.capital
    else:
        idx = charges["submodule"].map(SUBMODULE_INDEX).to_numpy(dtype=int)
        capital = charges["capital"].to_numpy(dtype=float)
    totals = np.bincount(idx, weights=capital, minlength=len(SUBMODULES))
    if life is not None:
        totals[SUBMODULE_INDEX["interest_rate"]] += life.result.liability_capital_contribution
    totals[SUBMODULE_INDEX["default"]] += credit_items
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
    ctx = ChargeContext(frame, regime, company, options)
    arrays, life, module_rows = _build_charges(ctx, holdings.source)
    items = credit_items.evaluate(company, regime, options)
    totals = submodule_totals(arrays, life, items.capital)
    consts = constants_for(company, regime, options)
    mats = aggregation.matrices(regime, company.company_type)
    agg = aggregation.aggregate(totals, consts, mats, gradient=True)
    grad = agg.gradient
    marginal = arrays.capital * grad[arrays.submodule]
    ids = frame["id"].to_numpy()
    items_marginal = items.capital * grad[SUBMODULE_INDEX["default"]]
    charges = partial(
        _charges_table, arrays, marginal, ids, items.table, grad[SUBMODULE_INDEX["default"]]
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
    }
    holdings_table = partial(_holdings_table, ctx, arrays, marginal)

    tiers = admitted_capital(company.capital, regime)
    minimum = float(agg.minimum_capital)
    thresholds = dict(regime.table("capital", "thresholds"))
    thresholds.pop("article", None)
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
) -> pd.DataFrame:
    """The charge trace of a result (built on first use); the company's credit items follow
    the positions' rows (``position`` = -1, ``id`` = the item's id, submodule ``default``)."""
    table = arrays.to_frame(
        marginal_capital=marginal, id=pd.Series(ids[arrays.position], dtype=object)
    )
    return credit_items.append_to_trace(table, items, default_gradient)


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
    consts = constants_for(company, regime, ctx.options)
    items = credit_items.evaluate(company, regime, ctx.options).capital
    agg = aggregation.aggregate(
        submodule_totals(charges, life, items),
        consts,
        aggregation.matrices(regime, company.company_type),
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
    correlation matrices.
    """
    parts: list[ChargeBlock] = []
    for module in RULE_MODULES:
        now, then = module_rows[module], baseline.module_rows[module]
        if then is now:  # the module's tables are the same in both regimes: same rows
            parts += now.rows
            continue
        parts += [b.take(~moved[b.position]) for b in now.rows]
        parts += [b.take(moved[b.position]) for b in then.rows]
    scope = None
    if ctx.company.company_type == "life":
        scope = np.where(moved, life_scope(baseline.ctx), life_scope(ctx))
    charges, life = _complete_charges(ctx, source, parts, scope)
    agg = aggregation.aggregate(submodule_totals(charges, life), consts, mats)
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
