"""The investment-related mandatory scenarios and sensitivity factors of Annex 4.

Source: 《保险公司偿付能力监管规则第10号：压力测试》附件4 "保险公司压力测试必测压力情景和必测因素"
(the primary text this module follows; docs/stress.md §2 lists how each scenario was read).

P&C insurers (第一章)
    - 一(二) 必测压力情景二 (macro): at the end of the next accounting year, *simultaneously*
      (1) the risk-free curve +50bp (fair-value fixed income), (2) equity admitted value -20%
      (assets of Rule 8 equity price risk, direct and looked through, money-market funds
      excluded), (3) fixed-income default loss of 10% of admitted value (assets of Rule 9
      credit risk, direct and looked through).
    - 二(二) annual sensitivity factor 2 and 三(二) quarterly factor 2: equity -30%.
Life insurers (第二章)
    - 一(二) 必测压力情景二 (macro): the same three simultaneous moves.
    - 二(一) annual sensitivity factor 1: the 750-day moving-average government curve 50bp
      lower (the reserve discount curve; no asset moves).
    - 二(二) annual factor 2 and 三(二) quarterly factor 2: equity -30%.
    - 三(一) quarterly factor 1: fixed-income default loss of 10%.

Not here (no investment driver): the insurance-risk scenarios (一(一), premium and claims
ratios) and life scenario 三 (Annex 3 adverse parameters x 130%) are in
:mod:`analyzer.stress.mandatory`.

Each component of the macro scenario is also given alone (kind ``component``), so a user sees
which of the three moves drives the result; components are not separate mandatory tests.
"""

from __future__ import annotations

from analyzer.stress.shocks import Shock

RATES_UP_BP = 50.0
EQUITY_FALL_SCENARIO = -0.20
EQUITY_FALL_SENSITIVITY = -0.30
DEFAULT_LOSS = 0.10
RESERVE_CURVE_DOWN_BP = -50.0


def scenarios(company_type: str, components: bool = True) -> list[Shock]:
    """Annex 4 scenarios and factors that concern investments, for a company type.

    Parameters
    ----------
    company_type : ``life``, ``pc`` or ``reinsurer`` (reinsurers follow chapter 1, Rule 10
        Art. 43 leaves them free to design their own)
    components : also list each move of the macro scenario alone

    Returns
    -------
    list of Shock
    """
    life = company_type == "life"
    ch = "第二章" if life else "第一章"
    macro = Shock(
        "annex4_macro",
        {"rates": RATES_UP_BP, "equity": EQUITY_FALL_SCENARIO, "default": DEFAULT_LOSS},
        description="Mandatory scenario 2 (macro): risk-free curve +50bp, equity -20% and "
        "fixed-income default loss 10%, simultaneously",
        reference=f"Rule 10 Annex 4 {ch} 一(二)",
        kind="annex4",
    )
    out = [macro]
    if components:
        out += [
            Shock(
                "annex4_macro_rates_up_50bp",
                {"rates": RATES_UP_BP},
                description="Component (1) of scenario 2: risk-free curve +50bp on "
                "fair-value fixed income",
                reference=f"Rule 10 Annex 4 {ch} 一(二)(1)",
                kind="component",
            ),
            Shock(
                "annex4_macro_equity_down_20",
                {"equity": EQUITY_FALL_SCENARIO},
                description="Component (2) of scenario 2: equity admitted value -20%",
                reference=f"Rule 10 Annex 4 {ch} 一(二)(2)",
                kind="component",
            ),
            Shock(
                "annex4_macro_default_10",
                {"default": DEFAULT_LOSS},
                description="Component (3) of scenario 2: default loss of 10% of the "
                "admitted value of credit-risk assets",
                reference=f"Rule 10 Annex 4 {ch} 一(二)(3)",
                kind="component",
            ),
        ]
    if life:
        out.append(
            Shock(
                "annex4_reserve_curve_down_50bp",
                {"liability_rates": RESERVE_CURVE_DOWN_BP},
                description="Annual sensitivity factor 1: 750-day moving-average government "
                "curve -50bp (liabilities revalued; approximation on the company's "
                "spot curve, see docs/stress.md)",
                reference="Rule 10 Annex 4 第二章 二(一)",
                kind="annex4",
            )
        )
    out.append(
        Shock(
            "annex4_equity_down_30",
            {"equity": EQUITY_FALL_SENSITIVITY},
            description="Sensitivity factor 2: equity admitted value -30% (annual and quarterly)",
            reference=f"Rule 10 Annex 4 {ch} 二(二), 三(二)",
            kind="annex4",
        )
    )
    if life:
        out.append(
            Shock(
                "annex4_quarterly_default_10",
                {"default": DEFAULT_LOSS},
                description="Quarterly sensitivity factor 1: fixed-income default loss of 10% "
                "of admitted value",
                reference="Rule 10 Annex 4 第二章 三(一)",
                kind="annex4",
            )
        )
    return out
