"""The Annex 4 mandatory scenarios that are not investment moves: the insurance-risk scenarios
and life scenario 三 (interest rates).

Source: 《保险公司偿付能力监管规则第10号：压力测试》附件4 (docs/stress.md §2 says how each was
read). Factors: regime table ``stress`` (``annex4_insurance``, ``annex4_life_rate``).

P&C insurers (第一章; reinsurers follow it, as in :mod:`analyzer.stress.annex4`)
    - 一(一) 必测压力情景一: premium income 120% and combined ratio 110% of the base scenario
      for the next accounting year. With premium ``P`` and combined ratio ``CR`` the
      underwriting result ``P (1 - CR)`` becomes ``1.2 P (1 - 1.1 CR)``; the difference reaches
      core tier 1. The premium-risk capital scales with premium (x 1.2).
    - 二(一) annual sensitivity factor 1: premium income 130% at the base combined ratio:
      ``0.3 P (1 - CR)`` to core tier 1, premium-risk capital x 1.3.
    - 三(一) quarterly sensitivity factor 1: the quarter's combined loss ratio 120%: extra
      claims ``0.2 LR EP_q`` (earned premium of the quarter) off core tier 1.
Life insurers (第二章)
    - 一(一) 必测压力情景一: new-business premium 130% or 70% (the direction giving the lower
      comprehensive ratio, as the annex requires), mortality +10%, lapse +20%, morbidity +15%
      (next year and the valuation assumptions after), expenses +10% next year, at once. The
      liability increases and the changes of the life insurance-risk capital come from the
      company's actuaries (``[stress_inputs]``); the simultaneous effect is their sum
      (first order: interactions between the assumptions are not modelled).
    - 一(三) 必测压力情景三: the Annex 3 adverse parameters x 130%. The government curve moves
      to the Annex 3 adverse curve built with ``1.3 Stress_t`` (up and down both run). The
      assets of the scenario method (Rule 8 Art. 13) and the liability net outflows are
      revalued on it; minimum capital is recomputed by the engine on the moved curve.

A scenario whose figures the company file lacks is returned as :class:`NotRun` (listed, never
dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from analyzer.errors import InputError
from analyzer.io.company import Company, Liabilities, NonInvestmentCapital, StressInputs
from analyzer.io.holdings import Holdings
from analyzer.messages import Text, text
from analyzer.solvency.capital import admitted_capital
from analyzer.solvency.regime import Regime
from analyzer.stress.forward import Snapshot, Stresser, StressResult
from analyzer.stress.shocks import Shock

__all__ = [
    "NotRun",
    "insurance_scenarios",
    "life_rate_scenarios",
    "mandatory_scenarios",
    "stressed_rate_table",
]


@dataclass(frozen=True)
class NotRun:
    """A mandatory scenario that could not be run, and the company keys it lacks.

    Attributes
    ----------
    name, reference, description : str
    missing : tuple of str
        The company-file keys (``stress_inputs.<key>``) the scenario needs and lacks.
    """

    name: str
    reference: str
    description: str
    missing: tuple[str, ...]

    @property
    def reason(self) -> Text:
        """Why it was not run, in both languages."""
        return text("stress.not_run_missing", keys=", ".join(self.missing))

    def to_dict(self) -> dict:
        """Plain dict for JSON (``reason`` in English, ``reason_zh`` in Chinese)."""
        return {
            "name": self.name,
            "reference": self.reference,
            "description": self.description,
            "status": "not_run",
            "missing": list(self.missing),
            "reason": self.reason.render("en"),
            "reason_zh": self.reason.render("zh"),
        }


def _lacking(inputs: StressInputs | None, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"stress_inputs.{k}" for k in keys if inputs is None or getattr(inputs, k) is None)


def _outcome(
    stresser: Stresser,
    shock: Shock,
    core_change: float,
    company: Company | None = None,
    holdings=None,
    asset_change: float = 0.0,
    liability_change: float = 0.0,
    by_driver: dict[str, float] | None = None,
) -> StressResult:
    """A StressResult from a change of core tier 1 (CNY) and, when the minimum capital moves,
    the engine re-run on the changed company (and holdings)."""
    change = core_change * stresser.params.capital_share_of_loss
    tiers = admitted_capital(stresser.company.capital, stresser.regime, change)
    if company is None and holdings is None:
        res = stresser.base_result
    else:
        res = stresser._evaluate(
            holdings if holdings is not None else stresser.holdings,
            company if company is not None else stresser.company,
            stresser.regime,
            stresser.options,
            scitech=False,
        )
    stressed = Snapshot.of(res, float(tiers.actual), float(tiers.core))
    return StressResult(
        shock,
        asset_change,
        liability_change,
        stresser.base.actual_capital - float(tiers.actual),
        stresser.base.core_capital - float(tiers.core),
        stresser.base,
        stressed,
        dict(by_driver or {"insurance": core_change}),
    )


def _with_insurance_capital(company: Company, key: str, change: float) -> Company:
    """The company with ``minimum_capital.<key>`` moved by ``change`` (CNY); refused below 0."""
    mc = company.minimum_capital
    new = getattr(mc, key) + change
    if new < 0:
        raise InputError.single(
            company.source,
            None,
            "stress_inputs",
            text("stress.insurance_capital_negative", key=key, value=getattr(mc, key), new=new),
        )
    return company.model_copy(
        update={"minimum_capital": NonInvestmentCapital(**{**mc.model_dump(), key: new})}
    )


# --------------------------------------------------------------------------------------------
# Insurance-risk scenarios
# --------------------------------------------------------------------------------------------

PC_ANNUAL = ("premium_income", "combined_ratio")
PC_QUARTER = ("quarter_earned_premium", "quarter_loss_ratio")
LIFE_ASSUMPTIONS = ("mortality_up_10", "lapse_up_20", "morbidity_up_15")
LIFE_KEYS = (
    "new_business_130_capital_change",
    "new_business_130_minimum_capital_change",
    "new_business_70_capital_change",
    "new_business_70_minimum_capital_change",
    *(
        f"{a}_{s}"
        for a in LIFE_ASSUMPTIONS
        for s in ("liability_increase", "minimum_capital_change")
    ),
    "annual_expenses",
)


def _pc(stresser: Stresser) -> tuple[list[StressResult], list[NotRun]]:
    c = stresser.company
    si = c.stress_inputs
    f = stresser.regime.table("stress", "annex4_insurance")
    art = "Rule 10 Annex 4 第一章"
    done: list[StressResult] = []
    skipped: list[NotRun] = []
    s1 = Shock(
        "annex4_pc_insurance",
        description=f"Mandatory scenario 1 (insurance): premium income "
        f"{f['pc_premium_factor']:.0%} and combined ratio {f['pc_combined_ratio_factor']:.0%} "
        "of the base scenario, next accounting year",
        reference=f"{art} 一(一)",
        kind="annex4",
    )
    s2 = Shock(
        "annex4_pc_premium_130",
        description=f"Annual sensitivity factor 1: premium income "
        f"{f['pc_annual_premium_factor']:.0%} of the base scenario (base combined ratio)",
        reference=f"{art} 二(一)",
        kind="annex4",
    )
    s3 = Shock(
        "annex4_pc_quarter_loss_ratio_120",
        description=f"Quarterly sensitivity factor 1: combined loss ratio "
        f"{f['pc_quarter_loss_ratio_factor']:.0%} of the base scenario, next quarter",
        reference=f"{art} 三(一)",
        kind="annex4",
    )
    missing = _lacking(si, PC_ANNUAL)
    if missing:
        skipped += [NotRun(s.name, s.reference, s.description, missing) for s in (s1, s2)]
    else:
        p, cr = si.premium_income, si.combined_ratio
        # premium-risk capital: the part of nonlife_insurance that scales with premium; blank
        # takes all of nonlife_insurance (the larger increase)
        prc = si.premium_risk_capital
        if prc is None:
            prc = c.minimum_capital.nonlife_insurance
        base = p * (1.0 - cr)
        for shock, pf, cf in (
            (s1, f["pc_premium_factor"], f["pc_combined_ratio_factor"]),
            (s2, f["pc_annual_premium_factor"], 1.0),
        ):
            change = pf * p * (1.0 - cf * cr) - base
            company = _with_insurance_capital(c, "nonlife_insurance", (pf - 1.0) * prc)
            done.append(_outcome(stresser, shock, change, company=company))
    missing = _lacking(si, PC_QUARTER)
    if missing:
        skipped.append(NotRun(s3.name, s3.reference, s3.description, missing))
    else:
        extra = (f["pc_quarter_loss_ratio_factor"] - 1.0) * si.quarter_loss_ratio
        done.append(_outcome(stresser, s3, -extra * si.quarter_earned_premium))
    return done, skipped


def _life(stresser: Stresser) -> tuple[list[StressResult], list[NotRun]]:
    c = stresser.company
    si = c.stress_inputs
    f = stresser.regime.table("stress", "annex4_insurance")
    shock = Shock(
        "annex4_life_insurance",
        description="Mandatory scenario 1 (insurance): new-business premium 130% or 70% "
        "(the lower ratio), mortality +10%, lapse +20%, morbidity +15%, expenses "
        f"+{f['life_expense_factor'] - 1.0:.0%}, simultaneously (sum of the actuaries' effects)",
        reference="Rule 10 Annex 4 第二章 一(一)",
        kind="annex4",
    )
    missing = _lacking(si, LIFE_KEYS)
    if missing:
        return [], [NotRun(shock.name, shock.reference, shock.description, missing)]
    liab = sum(getattr(si, f"{a}_liability_increase") for a in LIFE_ASSUMPTIONS)
    mc = sum(getattr(si, f"{a}_minimum_capital_change") for a in LIFE_ASSUMPTIONS)
    expense = (f["life_expense_factor"] - 1.0) * si.annual_expenses
    out = []
    for way in ("130", "70"):
        nb = getattr(si, f"new_business_{way}_capital_change")
        nb_mc = getattr(si, f"new_business_{way}_minimum_capital_change")
        company = _with_insurance_capital(c, "life_insurance", mc + nb_mc)
        s = replace(
            shock,
            name=shock.name,
            description=f"{shock.description}; new business {way}% chosen",
        )
        drivers = {"new_business": nb, "liabilities": -liab, "expenses": -expense}
        out.append(
            _outcome(
                stresser,
                s,
                nb - liab - expense,
                company=company,
                liability_change=liab,
                by_driver=drivers,
            )
        )
    # Annex 4 第二章 一(一)(1): the direction giving the smaller solvency ratio
    worst = min(out, key=lambda r: (r.stressed.comprehensive_ratio, r.stressed.core_ratio))
    return [worst], []


def insurance_scenarios(stresser: Stresser) -> tuple[list[StressResult], list[NotRun]]:
    """Run the Annex 4 insurance-risk scenarios of the company's type.

    Returns
    -------
    (results, not_run) : list of StressResult, list of NotRun
    """
    if stresser.company.company_type == "life":
        return _life(stresser)
    return _pc(stresser)


# --------------------------------------------------------------------------------------------
# Life scenario 三: Annex 3 adverse parameters x 130%
# --------------------------------------------------------------------------------------------


def stressed_rate_table(regime: Regime) -> dict:
    """The regime's Annex 3 table with every adverse parameter (``up``, ``down``, ``up_40``,
    ``down_40``) multiplied by the Annex 4 factor (1.3)."""
    t = dict(regime.table("life_interest_rate", "life_interest_rate"))
    k = float(regime.table("stress", "annex4_life_rate")["parameter_multiplier"])
    for key in ("up", "down"):
        t[key] = [k * float(v) for v in t[key]]
    for key in ("up_40", "down_40"):
        t[key] = k * float(t[key])
    return t


def _regime_with(regime: Regime, table: dict) -> Regime:
    tables = dict(regime.tables)
    area = dict(tables["life_interest_rate"])
    area["life_interest_rate"] = MappingProxyType(table)
    tables["life_interest_rate"] = MappingProxyType(area)
    return replace(regime, tables=MappingProxyType(tables))


def life_rate_scenarios(stresser: Stresser) -> list[StressResult]:
    """Life scenario 三, up and down: the government curve moves to the Annex 3 adverse curve
    with parameters x 130%.

    - Assets of the scenario method (Rule 8 Art. 13): value x ``PV_stressed / PV_base`` of
      their cash flows on the Annex 3 discount curves (base and x 130%, premium included).
    - Liabilities: their value rises by ``PV_stressed - PV_base`` of the net outflows.
    - Core tier 1 changes by the asset change less the liability increase.
    - Minimum capital: the engine re-run with the shocked assets and the company's spot curve
      replaced by the stressed government curve ``r*_t (1 + 1.3 Stress_t)`` (years 1..40; the
      ultimate rate of Annex 3 stays 4.5%, a regulatory constant).

    Returns an empty list for a company without the scenario method.
    """
    from analyzer.solvency.charges import ChargeContext
    from analyzer.solvency.engine import _life_rate
    from analyzer.solvency.life_interest_rate import build_curves

    c = stresser.company
    if c.company_type != "life" or c.liabilities is None:
        return []
    table = stressed_rate_table(stresser.regime)
    regime130 = _regime_with(stresser.regime, table)
    h = stresser.holdings
    ctx = ChargeContext(h.frame, regime130, c, stresser.options)
    life = _life_rate(ctx, h.source)
    if life is None:
        return []
    r = life.result
    spot = np.asarray(c.liabilities.spot_curve, dtype=float)
    t2 = int(table["ultimate_year"])
    given = spot[:t2]
    r_star = np.concatenate([given, np.full(t2 - len(given), given[-1])])
    curves = build_curves(spot, table, t2)
    x = h.frame["market_value"].to_numpy(dtype=float)
    out = []
    for way, asset_delta, liab_delta, stress in (
        ("up", r.asset_delta_up, r.liability_delta_up, curves.stress_up),
        ("down", r.asset_delta_down, r.liability_delta_down, curves.stress_down),
    ):
        m = np.ones(len(x))
        pv = np.asarray(r.asset_pv_base, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(pv > 0, 1.0 + np.asarray(asset_delta) / pv, 1.0)
        m[life.positions] = ratio
        frame = h.frame.copy()
        for col in ("market_value", "book_value"):
            frame[col] = frame[col].to_numpy() * m
        shocked = Holdings(frame, h.source, look_through=h.look_through)
        moved = r_star * (1.0 + stress[:t2])
        company = c.model_copy(
            update={
                "liabilities": Liabilities(cash_flows=c.liabilities.cash_flows, spot_curve=moved)
            }
        )
        dv = float((x * (m - 1.0)).sum())
        shock = Shock(
            f"annex4_life_rate_{way}_130",
            description=f"Mandatory scenario 3 (interest rate): government curve moves to the "
            f"Annex 3 '{way}' adverse curve with parameters x 130%; scenario-method assets and "
            "liabilities revalued, minimum capital on the moved curve",
            reference="Rule 10 Annex 4 第二章 一(三); Annex 3",
            kind="annex4",
        )
        out.append(
            _outcome(
                stresser,
                shock,
                dv - float(liab_delta),
                company=company,
                holdings=shocked,
                asset_change=dv,
                liability_change=float(liab_delta),
                by_driver={"rates": dv, "liabilities": -float(liab_delta)},
            )
        )
    return out


def mandatory_scenarios(stresser: Stresser) -> tuple[list[StressResult], list[NotRun]]:
    """The insurance-risk scenarios and, for a life insurer, scenario 三 (both directions)."""
    done, skipped = insurance_scenarios(stresser)
    return done + life_rate_scenarios(stresser), skipped
