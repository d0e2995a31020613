"""The holdings columns (docs/formats.md §1): their names, kinds, allowed values and defaults,
the headers real exports use for them, and "did you mean" for a header.

A leaf module: the holdings reader (:mod:`analyzer.io.holdings`) and the mapping file
(:mod:`analyzer.io.mapping`) both read this table; :mod:`analyzer.io.holdings` re-exports
every name, so ``from analyzer.io.holdings import COLUMNS`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzer.io.fields import suggest

ASSET_TYPES: tuple[str, ...] = (
    "cash",
    "interbank",
    "deposit",
    "structured_deposit",
    "government_bond",
    "local_government_bond",
    "policy_bank_bond",
    "agency_bond",
    "corporate_bond",
    "financial_bond",
    "abs",
    "convertible_bond",
    "stock",
    "equity_fund",
    "mixed_fund",
    "bond_fund",
    "money_market_fund",
    "unlisted_equity",
    "pe_vc_fund",
    "reit",
    "insurance_abs_plan",
    "debt_investment_plan",
    "trust_plan",
    "investment_property",
    "long_term_equity_investment",
    "policy_loan",
    "perpetual_bond",
    "preferred_share",
    "interest_rate_swap",
    "treasury_future",
    "stock_index_future",
    "fx_forward",
    "am_product",
    "wealth_management_product",
    "equity_investment_plan",
    "debt_to_equity_plan",
    "real_estate_financial_product",
)
RATINGS: tuple[str, ...] = (
    "AAA",
    "AA+",
    "AA",
    "AA-",
    "A+",
    "A",
    "A-",
    "BBB+",
    "BBB",
    "BBB-",
    "unrated",
)
BONDS: tuple[str, ...] = (
    "government_bond",
    "local_government_bond",
    "policy_bank_bond",
    "agency_bond",
    "corporate_bond",
    "financial_bond",
    "abs",
)
#: asset types that must carry a rating (credit assets and debt-type non-base assets)
RATED: tuple[str, ...] = (
    "corporate_bond",
    "financial_bond",
    "abs",
    "insurance_abs_plan",
    "debt_investment_plan",
    "trust_plan",
)
NON_BASE: tuple[str, ...] = (
    "pe_vc_fund",
    "reit",
    "insurance_abs_plan",
    "debt_investment_plan",
    "trust_plan",
    "am_product",
    "wealth_management_product",
    "equity_investment_plan",
    "debt_to_equity_plan",
    "real_estate_financial_product",
)
#: portfolio products of Rule 7 Art. 25 (一)(二) / 26-27 / 29: exemptible, with a product kind
KIND_PRODUCTS: tuple[str, ...] = ("am_product", "wealth_management_product")
#: equity-type plans of Rule 7 Art. 31 looked through to their underlying equity or property
EQUITY_PLANS: tuple[str, ...] = (
    "equity_investment_plan",
    "debt_to_equity_plan",
    "real_estate_financial_product",
)
#: non-base assets that Rule 7 Art. 25 may exempt from look-through
EXEMPTIBLE: tuple[str, ...] = ("insurance_abs_plan", *KIND_PRODUCTS)
BOARDS = ("main", "star", "chinext", "bse")
BANK_TYPES = ("large_state", "policy", "joint_stock", "city", "rural", "other", "finance_company")
REGIONS = ("domestic", "developed", "emerging")
CURRENCIES = ("CNY", "USD", "HKD", "EUR", "GBP", "other")
PROPERTY_TIERS = ("major", "other")
LOAN_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
INVESTEES = ("subsidiary", "insurance_subsidiary", "listed_associate", "unlisted_associate")
ISSUER_TYPES = (
    "policy_bank",
    "large_state",
    "joint_stock",
    "city",
    "other_bank",
    "amc",
    "insurer",
    "non_financial",
)
FUND_KINDS = ("vc", "pe")
#: derivatives (Rule 8 Art. 11, 15-16, 25, 35, 56-58; Rule 9 Art. 19, 33); an FX swap is entered
#: as the fx_forward of its far leg (the only FX derivative the articles name)
DERIVATIVES: tuple[str, ...] = (
    "interest_rate_swap",
    "treasury_future",
    "stock_index_future",
    "fx_forward",
)
#: direction of a derivative: receive/pay the fixed rate (swaps, Art. 15), long/short (others)
DIRECTIONS = ("long", "short", "pay_fixed", "receive_fixed")
#: the account a position belongs to: ``participating`` (分红) and ``universal`` (万能) give the
#: loss absorption of Rule 2 Art. 19; ``separate`` (独立账户) carries no market or credit capital
#: (Rule 2 Art. 12)
ACCOUNTS = ("general", "participating", "universal", "separate")
#: accounting class of a position (CAS 22 / IFRS 9): 以摊余成本计量, 以公允价值计量且其变动
#: 计入其他综合收益, 以公允价值计量且其变动计入当期损益
ACCOUNTING_CLASSES = ("amortised_cost", "fvoci", "fvtpl")
PRODUCT_KINDS = ("money_market", "fixed_income", "equity", "mixed")
TRUST_KINDS = ("equity", "fixed_income")
MONEY_MARKET_INSTRUMENTS = ("ncd", "commercial_paper")


@dataclass(frozen=True)
class Column:
    """One holdings column: its kind, allowed values and default."""

    name: str
    kind: str  # "text", "number", "bool", "choice", "int"
    choices: tuple[str, ...] = ()
    default: object = None
    minimum: float | None = None
    strictly_positive: bool = False
    doc: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("id", "text", doc="unique position id"),
    Column("asset_type", "choice", ASSET_TYPES),
    Column("market_value", "number", minimum=0.0, doc="admitted value, CNY"),
    Column("asset_class", "text", default="", doc="allocation bucket for the optimiser"),
    Column("rating", "choice", RATINGS, default=""),
    Column("modified_duration", "number", minimum=0.0, default=np.nan, doc="years"),
    Column("coupon_rate", "number", minimum=0.0, default=np.nan, doc="fraction a year"),
    Column(
        "maturity_years", "number", minimum=0.0, default=np.nan, doc="years (may be fractional)"
    ),
    Column("face_value", "number", minimum=0.0, default=np.nan, doc="CNY"),
    Column("coupon_frequency", "int", minimum=1.0, default=1.0),
    Column("board", "choice", BOARDS, default=""),
    Column("csi300", "bool", default=False),
    Column("dividend_low_vol_100", "bool", default=False),
    Column("holding_years", "number", minimum=0.0, default=0.0, doc="years (FIFO average)"),
    Column("purchase_cost", "number", minimum=0.0, default=np.nan, doc="CNY"),
    Column("counterparty", "text", default=""),
    Column("look_through", "bool", default=False),
    Column("layers", "int", minimum=1.0, default=1.0),
    Column("strategic_emerging", "bool", default=False),
    Column("green", "bool", default=False),
    Column("sci_tech", "bool", default=False),
    Column("bank_type", "choice", BANK_TYPES, default=""),
    Column("bank_car", "number", minimum=0.0, default=np.nan, doc="fraction"),
    Column("region", "choice", REGIONS, default="domestic"),
    Column("currency", "choice", CURRENCIES, default=""),
    Column("property_tier", "choice", PROPERTY_TIERS, default=""),
    Column("principal_protected", "bool", default=False),
    Column("loan_class", "choice", LOAN_CLASSES, default=""),
    Column("exempt", "bool", default=False),
    Column("investee", "choice", INVESTEES, default="subsidiary"),
    Column("issuer_type", "choice", ISSUER_TYPES, default=""),
    Column("conversion_clause", "bool", default=False),
    Column("issuer_ratios_met", "bool", default=False),
    Column("fund_kind", "choice", FUND_KINDS, default="vc"),
    Column("book_value", "number", minimum=0.0, default=np.nan, doc="CNY"),
    Column("notional", "number", minimum=0.0, default=np.nan, doc="derivative notional, CNY"),
    Column("direction", "choice", DIRECTIONS, default=""),
    Column("underlying", "text", default="", doc="what a derivative references"),
    Column("hedged_id", "text", default="", doc="ids of the hedged positions, ';'-separated"),
    Column("hedge_effective", "bool", default=False, doc="meets the hedge-accounting test"),
    Column("hedge_effectiveness", "number", minimum=0.0, default=np.nan, doc="fraction"),
    Column("hedge_months", "number", minimum=0.0, default=np.nan, doc="hedge term, months"),
    Column("account", "choice", ACCOUNTS, default="general", doc="Rule 2 Art. 12, 19"),
    Column("call_years", "number", minimum=0.0, default=np.nan, doc="years to first exercise"),
    Column("call_rate", "number", minimum=0.0, default=np.nan, doc="exercise rate, fraction"),
    Column("accounting", "choice", ACCOUNTING_CLASSES, default=""),
    Column("product_kind", "choice", PRODUCT_KINDS, default=""),
    Column("trust_kind", "choice", TRUST_KINDS, default=""),
    Column("ciif_national_strategy", "bool", default=False),
    Column(
        "largest_underlying_share",
        "number",
        minimum=0.0,
        default=np.nan,
        doc="fraction of the underlyings' book value (Rule 7 Art. 25)",
    ),
    Column("underlying_count", "int", minimum=0.0, default=np.nan),
    Column("waive_exemption", "bool", default=False),
    Column("look_through_date", "text", default="", doc="ISO date of the underlying data"),
    Column(
        "look_through_share",
        "number",
        minimum=0.0,
        default=np.nan,
        doc="fraction of the value looked through (Rule 7 Art. 33)",
    ),
    Column("money_market_instrument", "choice", MONEY_MARKET_INSTRUMENTS, default=""),
)
REQUIRED = ("id", "asset_type", "market_value")
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
#: the amount columns (CNY): a mapping file must give their unit, the plausibility rules bound them
AMOUNT_COLUMNS = ("market_value", "face_value", "purchase_cost", "book_value", "notional")

#: headers real exports use for a holdings column: refused with "did you mean"
SYNONYMS: dict[str, str] = {
    "issuer": "counterparty",
    "issuer_name": "counterparty",
    "obligor": "counterparty",
    "counter_party": "counterparty",
    "lookthrough": "look_through",
    "look_thru": "look_through",
    "mv": "market_value",
    "fair_value": "market_value",
    "admitted_value": "market_value",
    "duration": "modified_duration",
    "mod_duration": "modified_duration",
    "coupon": "coupon_rate",
    "maturity": "maturity_years",
    "par": "face_value",
    "par_value": "face_value",
    "nominal": "face_value",
    "cost": "purchase_cost",
    "carrying_value": "book_value",
    "country": "region",
    "hs300": "csi300",
    "scitech": "sci_tech",
    "car": "bank_car",
    "市值": "market_value",
    "公允价值": "market_value",
    "认可价值": "market_value",
    "账面价值": "book_value",
    "面值": "face_value",
    "评级": "rating",
    "信用评级": "rating",
    "修正久期": "modified_duration",
    "久期": "modified_duration",
    "票面利率": "coupon_rate",
    "剩余期限": "maturity_years",
    "交易对手": "counterparty",
    "发行人": "counterparty",
    "融资主体": "counterparty",
    "资产类型": "asset_type",
    "资产类别": "asset_class",
    "板块": "board",
    "持有期": "holding_years",
    "购买成本": "purchase_cost",
    "成本": "purchase_cost",
    "地区": "region",
    "币种": "currency",
    "科创": "sci_tech",
    "穿透": "look_through",
    "层级": "layers",
    "资本充足率": "bank_car",
    "银行类型": "bank_type",
    "account_type": "account",
    "账户": "account",
    "账户类型": "account",
    "所属账户": "account",
}


def suggest_column(name: str) -> str | None:
    """The holdings column a header most likely means, or None: a case, space or punctuation
    variant (``sci-tech``), a known synonym (``issuer``, ``市值``), a plural (``regions``) or a
    small typing error (``lookthrough``, ``csi_300``, ``maket_value``).

    Strict (:func:`analyzer.io.fields.suggest` with ``strict=True``): a suggested header
    refuses the file, where a header nothing resembles is ignored and listed.
    """
    return suggest(name, COLUMN_NAMES, synonyms=SYNONYMS, strict=True)
