"""The capital engine: holdings + company + regime -> :class:`SolvencyResult`.

One pass builds the charge table (every rule module contributes rows), the life insurer's
interest-rate scenario method, the concentration add-ons, then aggregates once
(:mod:`aggregation`) and allocates minimum capital to positions by Euler contributions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analyzer import compliance
from analyzer.errors import InputError, InputProblem, ParameterError
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.solvency import (
    aggregation,
    concentration,
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
    ChargeContext,
    empty_charges,
)
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
    mask = ctx.of_type(*t["scope"])
    if t["non_base_scope"]:
        mask |= ctx.of_type(*t["non_base_scope"]) & (
            ctx.frame["layers"].to_numpy() <= t["non_base_max_layers"])
    return mask


def _life_rate(ctx: ChargeContext, source: str) -> LifeRate | None:
    company = ctx.company
    if company.company_type != "life":
        return None
    if company.liabilities is None:  # read_company refuses this; guard for in-memory use
        raise InputError.single(company.source, None, "liabilities",
                                "a life insurer needs liability cash flows and a spot curve")
    mask = life_scope(ctx)
    f = ctx.frame
    problems = []
    for col in ("coupon_rate", "maturity_years", "face_value"):
        bad = np.flatnonzero(mask & np.isnan(f[col].to_numpy()))
        for i in bad[:20]:
            problems.append(InputProblem(source, int(i) + 2, col,
                                         f"required for {f['asset_type'].iloc[i]} of a life "
                                         "insurer (interest-rate scenario method, Rule 8 "
                                         "Art. 13)"))
        bad_maturity = np.flatnonzero(mask & (f["maturity_years"].to_numpy() < 1))
        if col == "maturity_years":
            for i in bad_maturity[:20]:
                problems.append(InputProblem(source, int(i) + 2, col, "must be at least 1"))
    if problems:
        raise InputError(problems)
    idx = np.flatnonzero(mask)
    liab = company.liabilities.cash_flows
    maturities = f["maturity_years"].to_numpy()[idx]
    horizon = life_interest_rate.scenario_horizon(len(liab), maturities)
    table = ctx.regime.table("life_interest_rate", "life_interest_rate")
    curves = life_interest_rate.build_curves(company.liabilities.spot_curve, table, horizon)
    cfs = life_interest_rate.asset_cash_flows(
        f["coupon_rate"].to_numpy()[idx], f["face_value"].to_numpy()[idx], maturities,
        f["coupon_frequency"].to_numpy()[idx], horizon)
    outflows = np.zeros(horizon)
    outflows[: len(liab)] = liab
    result = life_interest_rate.evaluate(cfs, outflows, curves)
    return LifeRate(idx, result, table["article"])


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

    rows: list[pd.DataFrame]
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
        rows = module.charges(replace(ctx, regime=recorder))
        out[module] = _ModuleRows(rows, ctx.regime, frozenset(recorder.used))
    return out


def build_charges(ctx: ChargeContext, source: str = "<memory>"
                  ) -> tuple[pd.DataFrame, LifeRate | None]:
    """The full charge table (base rows, life interest rate, concentration add-ons)."""
    charges, life, _ = _build_charges(ctx, source)
    return charges, life


def _build_charges(ctx: ChargeContext, source: str = "<memory>", reuse: dict | None = None
                   ) -> tuple[pd.DataFrame, LifeRate | None, dict]:
    unsupported = overseas.unsupported_overseas(ctx)
    if unsupported.any():
        i = int(np.flatnonzero(unsupported)[0])
        raise InputError.single(source, i + 2, "region",
                                f"{ctx.frame['asset_type'].iloc[i]} has no overseas rule; "
                                "use region 'domestic'")
    by_module = _rule_rows(ctx, reuse)
    parts = [rows for m in RULE_MODULES for rows in by_module[m].rows]
    base = pd.concat(parts, ignore_index=True) if parts else empty_charges()
    parts = [base, *concentration.charges(ctx, base)]
    life = _life_rate(ctx, source)
    if life is not None:
        capital = life.result.asset_capital_contribution
        exposure = ctx.frame["market_value"].to_numpy()[life.positions]
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(exposure > 0, capital / exposure, 0.0)
        parts.append(pd.DataFrame({
            "position": life.positions, "submodule": "interest_rate", "exposure": exposure,
            "rf0": np.nan, "k": 0.0, "factor": factor, "capital": capital,
            "rule": f"life scenario method (binding: {life.result.binding})",
            "article": life.article,
        }))
    charges = pd.concat([p for p in parts if not p.empty], ignore_index=True) \
        if any(not p.empty for p in parts) else empty_charges()
    return charges, life, by_module


def constants_for(company: Company, regime: Regime) -> aggregation.Constants:
    """The non-investment inputs of aggregation for a company under a regime."""
    mc = company.minimum_capital
    return aggregation.Constants(
        life_insurance=mc.life_insurance,
        nonlife_insurance=mc.nonlife_insurance,
        loss_absorption=mc.loss_absorption,
        size_coefficient=aggregation.size_coefficient(company.total_assets,
                                                      company.company_type, regime),
        control_q=aggregation.control_q(mc.sarmra_score, regime),
        additional=mc.additional,
    )


def submodule_totals(charges: pd.DataFrame, life: LifeRate | None) -> np.ndarray:
    """Sub-module capital vector (CNY) in the order of ``SUBMODULES``."""
    idx = charges["submodule"].map(SUBMODULE_INDEX).to_numpy(dtype=int)
    totals = np.bincount(idx, weights=charges["capital"].to_numpy(), minlength=len(SUBMODULES))
    if life is not None:
        totals[SUBMODULE_INDEX["interest_rate"]] += life.result.liability_capital_contribution
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
    scitech : also compute the sci-tech view (re-evaluates under ``cross2-2022``)

    Returns
    -------
    SolvencyResult
    """
    regime = _regime(regime)
    options = options or EngineOptions()
    frame = holdings.frame
    ctx = ChargeContext(frame, regime, company, options)
    charges, life, module_rows = _build_charges(ctx, holdings.source)
    totals = submodule_totals(charges, life)
    consts = constants_for(company, regime)
    mats = aggregation.matrices(regime, company.company_type)
    agg = aggregation.aggregate(totals, consts, mats, gradient=True)
    grad = agg.gradient
    sub_idx = charges["submodule"].map(SUBMODULE_INDEX).to_numpy(dtype=int)
    charges = charges.assign(marginal_capital=charges["capital"].to_numpy() * grad[sub_idx],
                             id=frame["id"].to_numpy()[charges["position"].to_numpy()])

    scale = (1.0 + consts.size_coefficient) * (1.0 + consts.control_q)
    euler = {
        "life_insurance": float(consts.life_insurance * agg.insurance_gradient[0]),
        "nonlife_insurance": float(consts.nonlife_insurance * agg.insurance_gradient[1]),
        "liability_interest_rate": float(
            life.result.liability_capital_contribution * grad[SUBMODULE_INDEX["interest_rate"]]
        ) if life else 0.0,
        "loss_absorption": float(-consts.loss_absorption * scale),
        "additional": float(consts.additional),
    }
    holdings_table = _holdings_table(frame, charges)

    tiers = admitted_capital(company.capital, regime)
    minimum = float(agg.minimum_capital)
    thresholds = dict(regime.table("capital", "thresholds"))
    thresholds.pop("article", None)
    comprehensive = tiers.actual / minimum if minimum > 0 else float("inf")
    tier_ratio = company.prior_comprehensive_ratio \
        if options.equity_cap_basis == "prior_quarter" else comprehensive
    comp = compliance.check(frame, company.total_assets, tier_ratio, regime)
    v = agg.market_vector
    market = {name: float(v[i]) for i, name in enumerate(aggregation.MARKET_ORDER)}
    market["total"] = float(agg.market)
    s = {name: float(totals[i]) for i, name in enumerate(SUBMODULES)}
    result = SolvencyResult(
        regime=regime.name, company=company.name, company_type=company.company_type,
        actual_capital=tiers.actual, core_capital=tiers.core, minimum_capital=minimum,
        core_ratio=tiers.core / minimum if minimum > 0 else float("inf"),
        comprehensive_ratio=comprehensive, quantifiable=float(agg.quantifiable),
        control=float(agg.control), additional=consts.additional, market=market,
        credit={"spread": s["spread"], "default": s["default"], "total": float(agg.credit)},
        insurance={"life": consts.life_insurance, "nonlife": consts.nonlife_insurance},
        diversification=float(agg.diversification), loss_absorption=consts.loss_absorption,
        size_coefficient=consts.size_coefficient, control_q=consts.control_q, submodules=s,
        capital_tiers={"core_tier1": tiers.core_tier1, "core_tier2": tiers.core_tier2,
                       "supplementary_tier1": tiers.supplementary_tier1,
                       "supplementary_tier2": tiers.supplementary_tier2,
                       "excluded_by_limits": tiers.excluded},
        euler=euler, life_interest_rate=_life_summary(life),
        total_invested=holdings.total_market_value, compliance=comp, thresholds=thresholds,
        holdings=holdings_table, charges=charges, options=options.model_dump(),
    )
    if scitech:
        result = _with_scitech(result, holdings, company, options, charges, module_rows)
    return result


def _life_summary(life: LifeRate | None) -> dict | None:
    if life is None:
        return None
    r = life.result
    return {
        "capital": float(r.capital), "binding": r.binding,
        "liability_pv_base": float(r.liability_pv_base),
        "liability_delta_up": float(r.liability_delta_up),
        "liability_delta_down": float(r.liability_delta_down),
        "asset_pv_base": float(r.asset_pv_base.sum()),
        "asset_delta_up": float(r.asset_delta_up.sum()),
        "asset_delta_down": float(r.asset_delta_down.sum()),
        "net_delta_up": float(r.net_delta_up), "net_delta_down": float(r.net_delta_down),
        "article": life.article,
    }


def _holdings_table(frame: pd.DataFrame, charges: pd.DataFrame) -> pd.DataFrame:
    """One row per (position, module) with exposure, effective factor, capital, Euler."""
    modules = np.array(sorted(set(MODULE_OF.values())) + ["none"], dtype=object)
    code_of = {m: i for i, m in enumerate(modules)}
    sub_code = np.array([code_of[MODULE_OF[name]] for name in SUBMODULES])
    nm, n = len(modules), len(frame)
    pos = charges["position"].to_numpy(dtype=np.int64)
    sub = charges["submodule"].map(SUBMODULE_INDEX).to_numpy(dtype=int)
    key = pos * nm + sub_code[sub]
    uncharged = np.setdiff1d(np.arange(n), pos)
    key = np.concatenate([key, uncharged * nm + code_of["none"]])
    mv = frame["market_value"].to_numpy()
    exposure = np.concatenate([charges["exposure"].to_numpy(dtype=float), mv[uncharged]])
    capital = np.concatenate([charges["capital"].to_numpy(dtype=float),
                              np.zeros(len(uncharged))])
    marginal = np.concatenate([charges["marginal_capital"].to_numpy(dtype=float),
                               np.zeros(len(uncharged))])
    keys, inverse = np.unique(key, return_inverse=True)  # sorted by (position, module)
    m = len(keys)
    exp_max = np.full(m, -np.inf)
    np.maximum.at(exp_max, inverse, exposure)
    cap = np.bincount(inverse, weights=capital, minlength=m)
    marg = np.bincount(inverse, weights=marginal, minlength=m)
    position = keys // nm
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(exp_max > 0, cap / exp_max, 0.0)
    return pd.DataFrame({
        "id": pd.Series(frame["id"].to_numpy()[position], dtype=object),
        "asset_type": pd.Series(frame["asset_type"].to_numpy()[position], dtype=object),
        "asset_class": pd.Series(frame["asset_class"].to_numpy()[position], dtype=object),
        "module": pd.Series(modules[keys % nm], dtype=object),
        "exposure": exp_max, "factor": factor, "capital": cap, "marginal_capital": marg,
        "sci_tech": frame["sci_tech"].to_numpy()[position], "position": position,
    })


@dataclass(frozen=True)
class _Baseline:
    """What the sci-tech view needs of the baseline regime's evaluation."""

    charges: pd.DataFrame
    minimum_capital: float
    core_ratio: float
    comprehensive_ratio: float


def _baseline(holdings: Holdings, company: Company, options: EngineOptions,
              reuse: dict | None = None) -> _Baseline:
    """Charges, minimum capital and ratios under the baseline regime: the capital chain of
    :func:`evaluate` without its report tables (holdings table, compliance, Euler); rule
    modules whose tables the regimes share reuse the current regime's rows (``reuse``)."""
    regime = load_regime(BASELINE_REGIME)
    ctx = ChargeContext(holdings.frame, regime, company, options)
    charges, life, _ = _build_charges(ctx, holdings.source, reuse)
    consts = constants_for(company, regime)
    agg = aggregation.aggregate(submodule_totals(charges, life), consts,
                                aggregation.matrices(regime, company.company_type))
    tiers = admitted_capital(company.capital, regime)
    minimum = float(agg.minimum_capital)
    return _Baseline(charges, minimum,
                     tiers.core / minimum if minimum > 0 else float("inf"),
                     tiers.actual / minimum if minimum > 0 else float("inf"))


def _with_scitech(result: SolvencyResult, holdings: Holdings, company: Company,
                  options: EngineOptions, charges: pd.DataFrame,
                  module_rows: dict | None = None) -> SolvencyResult:
    frame = holdings.frame
    sci = frame["sci_tech"].to_numpy(dtype=bool)
    total = holdings.total_market_value
    value = float(frame["market_value"].to_numpy()[sci].sum())
    if result.regime != BASELINE_REGIME:
        baseline = _baseline(holdings, company, options, module_rows)
    else:
        baseline = _Baseline(charges, result.minimum_capital, result.core_ratio,
                             result.comprehensive_ratio)
    sci_pos = np.flatnonzero(sci)

    def sci_capital(ch: pd.DataFrame) -> float:
        keep = np.isin(ch["position"].to_numpy(), sci_pos) & (ch["submodule"] != "interest_rate")
        return float(ch["capital"].to_numpy()[keep].sum())

    view = SciTechView(
        share=value / total if total > 0 else 0.0, value=value,
        target=company.targets.sci_tech_share, capital=sci_capital(charges),
        capital_baseline=sci_capital(baseline.charges),
        minimum_capital_baseline=baseline.minimum_capital,
        relief=baseline.minimum_capital - result.minimum_capital,
        comprehensive_ratio_baseline=baseline.comprehensive_ratio,
        core_ratio_baseline=baseline.core_ratio, baseline_regime=BASELINE_REGIME,
    )
    return replace(result, scitech=view)
