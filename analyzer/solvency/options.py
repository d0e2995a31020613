"""Every interpretation the rule texts leave open, as a named option with a default.

See docs/formats.md §7 (the default interpretations) and docs/solvency.md (the options).
Changing a default is a documented, visible choice.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class EngineOptions(BaseModel):
    """Interpretation switches of the capital engine."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    clamp_k: bool = Field(
        True,
        description="Clamp K = sum(k_i) to [-0.25, 0.25] (Rule 8 Art. 7) also when the "
        "2023-09/2025-12 k2 and a negative k1 would go below (docs/formats.md §7.1).",
    )
    overlapping_k2: Literal["most_favourable", "sum"] = Field(
        "most_favourable",
        description="A stock in several k2 buckets (STAR and CSI 300, CSI 300 and dividend "
        "low-vol): take the lowest k2, or add them (docs/formats.md §7.7).",
    )
    bse_board: Literal["growth", "main"] = Field(
        "growth",
        description="北交所 stocks are not named in Rule 8 Art. 26: 'growth' charges them like "
        "ChiNext/STAR (0.45), 'main' like the main board (0.35) (docs/formats.md §7.8).",
    )
    strategic_emerging_layer_coefficient: bool = Field(
        True,
        description="The 0.4 of 金规〔2023〕5号 (八) is an RF0 to which the look-through "
        "K_p still applies (docs/formats.md §7.5); False charges a flat 0.4.",
    )
    reit_underlying: Literal["unlisted_equity", "real_estate"] = Field(
        "unlisted_equity",
        description="RF0 of a looked-through public infrastructure REIT's underlying "
        "(docs/formats.md §7.9): the project company's equity (0.41, equity risk) or real "
        "estate (0.15).",
    )
    concentration_basis: Literal["full_exposure", "excess"] = Field(
        "full_exposure",
        description="Counterparty concentration add-on EX x RF0 x 0.4 on every related asset "
        "(docs/formats.md §7.3), or only on the share of the exposure above the threshold.",
    )
    class_concentration: bool = Field(
        True,
        description="Apply Rule 8 Art. 66 (k = 0.2) to directly held equity, other financial "
        "and overseas assets when their class exceeds its ratio cap.",
    )
    local_government_credit_exempt: bool = Field(
        True,
        description="Local-government bonds count as 政府债券 for Rule 9 Art. 10 (no credit "
        "charge) (docs/formats.md §7.10).",
    )
    overseas_default_currency: Literal["USD", "HKD", "EUR", "GBP", "other"] = Field(
        "USD",
        description="Currency of an overseas position whose `currency` is blank in a frame "
        "built in memory (FX risk, Rule 8 Art. 55-59); the holdings reader refuses such a "
        "blank (docs/formats.md §1).",
    )
    equity_cap_basis: Literal["prior_quarter", "resulting"] = Field(
        "prior_quarter",
        description="Which comprehensive ratio picks the equity-cap tier: the prior quarter's "
        "(the rule) or the one the portfolio itself gives.",
    )
    overseas_reinsurer_k3: Literal["zero", "non_independent"] = Field(
        "zero",
        description="k3 of Rule 9 Art. 24(二) names domestic independent (0) and domestic "
        "non-independent (0.05) reinsurers only: 'zero' gives an overseas reinsurer k3 = 0, "
        "'non_independent' charges it the 0.05 (docs/solvency.md).",
    )
    swap_net_interest_rate: Literal["absolute", "zero"] = Field(
        "absolute",
        description="When paying-fixed interest-rate swaps (RF0 < 0, Rule 8 Art. 15) make the "
        "P&C interest-rate capital (the Art. 17 sum) negative: charge its absolute value (a net "
        "short duration loses when rates fall) or 0 (docs/formats.md §7).",
    )
    liquidity_unknown_accounting: Literal["amortised_cost", "fair_value"] = Field(
        "amortised_cost",
        description="A bond whose `accounting` is blank (or a file without the column): the "
        "liquid-asset reserve takes only trading and available-for-sale bonds (Rule 13 Annex 2 "
        "一(二)4(2)④), so 'amortised_cost' leaves it out (conservative); 'fair_value' counts it.",
    )
    liquidity_deposits_withdrawable: bool = Field(
        False,
        description="Domestic term and negotiated deposits may be withdrawn early (Rule 13 "
        "Annex 2 reserve row 3, 90%); the holdings file does not say, so by default they are "
        "left out of the reserve (conservative).",
    )
    liquidity_exclude_maturing: bool = Field(
        True,
        description="Leave out of a horizon's reserve the positions maturing within it (Rule 13 "
        "Annex 2 一(二)4(2)⑨: their principal is a projected investing inflow): with whole-year "
        "maturity_years, 0 within 3 months and 0 or 1 within 12 months.",
    )
    loss_absorption_interest_rate: Literal["asset_side", "excluded"] = Field(
        "asset_side",
        description="Interest-rate capital in MC_分红万能账户 of Rule 2 Art. 19 for a life "
        "insurer (the scenario method of Rule 8 Art. 18-20 needs liabilities by account, which "
        "the company file does not give): 'asset_side' counts the participating and universal "
        "positions' asset losses in the company's binding scenario (at least 0), 'excluded' "
        "leaves interest rate out (a smaller MC, so a loss absorption no larger) "
        "(docs/solvency.md, Loss absorption).",
    )
    life_curve_interpolation: Literal["linear_spot", "loglinear_discount"] = Field(
        "linear_spot",
        description="Annex 1 / 3 give the life scenario curves by whole year: a cash flow "
        "between whole years (fractional maturity, semi-annual coupon) is discounted at the "
        "spot discount rate interpolated linearly between the neighbouring years (flat at "
        "year 1 before it), or with the one-year forward rate held constant within each year "
        "('loglinear_discount') (docs/formats.md §7.16).",
    )
    index_factor_reading: Literal["k2", "base_factor"] = Field(
        "k2",
        description="How the CSI 300 / STAR factors of 金规〔2023〕5号 三(六) (0.30, 0.40) and the "
        "2025-12 notice (0.27, 0.36, dividend low-vol 0.27) enter: 'k2' as a k2 with "
        "RF0 x (1 + k2) = the announced factor, added to k1 in K and clamped (Rule 8 Art. 7, 26); "
        "'base_factor' as the new RF0, to which k1 then applies (docs/formats.md §7.22).",
    )
    control_q_base: Literal["after_size", "before_size"] = Field(
        "after_size",
        description="What control risk Q (Rule 12 Art. 120) multiplies: the quantifiable "
        "capital after the size coefficient of 金规〔2023〕5号 一, (MC* - LA)(1 + k) "
        "('after_size'), or MC* - LA before it ('before_size', minimum = (1 + k + Q)(MC* - LA) "
        "+ additional) (docs/formats.md §7.23).",
    )
    size_band_boundary: Literal["middle_band", "upper_band", "lower_band"] = Field(
        "middle_band",
        description="The band of a company whose total assets equal a boundary of 金规〔2023〕5号 "
        "一 (P&C 100亿 / 2000亿, life 500亿 / 5000亿; both adjacent bands name it with 以上 / "
        "以下): 'middle_band' the 95% band at both, 'upper_band' the band above, "
        "'lower_band' the band below (docs/formats.md §7.24).",
    )
    non_base_interest_rate_scope: Literal["life_scenario_method", "every_method"] = Field(
        "life_scenario_method",
        description="金规〔2023〕5号 二(五) brings fixed-income non-base assets of at most three "
        "layers into interest-rate risk: 'life_scenario_method' into the life scenario method "
        "only (its stated aim is asset-liability matching), 'every_method' also into the P&C "
        "duration factor of Rule 8 Art. 14 (docs/formats.md §7.25).",
    )
    concentration_exempt_unnamed: bool = Field(
        True,
        description="Cash, public money-market funds and policy loans, which the exempt list "
        "of Rule 8 Art. 64 does not name, are exempt from counterparty concentration (True); "
        "False counts them against their counterparty like any other asset "
        "(docs/formats.md §7.26).",
    )
