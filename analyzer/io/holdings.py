"""The holdings file: one row per position (docs/formats.md §1).

:func:`read_holdings` validates every column at once (vectorised: a million rows read in a few
seconds) and reports every problem with its file, row, column and what is allowed, in Chinese
and English. Rows are spreadsheet rows: the header is row 1, the first position row 2.

What is checked, once, at this boundary (the dashboard's in-memory grid goes through
:func:`validate_holdings`, the same checks):

- the header: a column named twice, a near miss or synonym of a holdings column ("did you
  mean"), a column the engine needs for an asset type present in the file; other columns are
  ignored and listed once (``Holdings.ignored_columns`` and ``Holdings.notes``);
- every cell: allowed values, finite numbers written with a decimal point (``4,17`` is
  refused as a decimal comma), whole numbers, required values;
- plausibility rules (:mod:`analyzer.io.rules`, codes ``holdings.*``): amounts, rates and
  durations given in another unit than the file's, each refused or warned with the reason a
  risk officer would give. Warnings go to ``Holdings.warnings`` and stop a run until accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem, InputWarning
from analyzer.io.columns import (  # noqa: F401  (the column table, imported from here too)
    ACCOUNTING_CLASSES,
    ACCOUNTS,
    AMOUNT_COLUMNS,
    ASSET_TYPES,
    BANK_TYPES,
    BOARDS,
    BONDS,
    COLUMN_NAMES,
    COLUMNS,
    CURRENCIES,
    DERIVATIVES,
    DIRECTIONS,
    EQUITY_PLANS,
    EXEMPTIBLE,
    FUND_KINDS,
    INVESTEES,
    ISSUER_TYPES,
    KIND_PRODUCTS,
    LOAN_CLASSES,
    MONEY_MARKET_INSTRUMENTS,
    NON_BASE,
    PRODUCT_KINDS,
    PROPERTY_TIERS,
    RATED,
    RATINGS,
    REGIONS,
    REQUIRED,
    SYNONYMS,
    TRUST_KINDS,
    Column,
    suggest_column,
)
from analyzer.io.fields import cell_text, factorized_text
from analyzer.io.rules import Rule, rule
from analyzer.messages import Text, register, text

if TYPE_CHECKING:
    from analyzer.io.mapping import Mapping

#: Rule 7 Art. 25: the largest underlying (other than cash, liquidity tools, government,
#: policy-bank and agency bonds) at most 20% of the underlyings' book value; ABS plans more
#: than 100 underlyings
EXEMPT_LARGEST_SHARE = 0.20
EXEMPT_ABS_MIN_COUNT = 100
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


register(
    {
        "holdings.overseas_rows": (
            "overseas positions (region developed or emerging)",
            "境外持仓（region 为 developed 或 emerging）",
        ),
        "holdings.required_column": (
            "required column is missing; the header must name {columns}",
            "缺少必需的列；表头必须包含 {columns}",
        ),
        "holdings.did_you_mean": (
            "'{found}' is not a holdings column; did you mean '{column}'? Rename the column (or "
            "name it in a mapping file): a column that is not recognised is ignored, and its "
            "values would silently be replaced by defaults",
            "'{found}' 不是持仓文件的列；是否应为 '{column}'？请修改列名（或在映射文件中声明）："
            "无法识别的列会被忽略，其数值将被默认值替代",
        ),
        "holdings.duplicate_suffix": (
            "'{found}' is a second '{column}' column (renamed by the program that wrote the "
            "table); every column must appear once",
            "'{found}' 是第二个 '{column}' 列（被生成该表的程序改名）；每一列只能出现一次",
        ),
        "holdings.column_needed": (
            "column '{column}' is missing; the analyzer needs it for {types} ({count} row(s), "
            "first at row {row}); add the column (a blank cell takes its documented default)",
            "缺少列 '{column}'；计算 {types} 需要该列（共 {count} 行，首次出现在第 {row} 行）；"
            "请添加该列（空白单元格取文档规定的默认值）",
        ),
        "holdings.every_type": ("every asset type", "所有资产类型"),
        "holdings.ignored_columns": (
            "{count} column(s) not used by the analyzer were ignored: {columns}",
            "以下 {count} 列未被使用，已忽略：{columns}",
        ),
        "holdings.converted_unit": (
            "'{column}' converted from {unit} to CNY (x {factor}) as the mapping file declares",
            "'{column}' 已按映射文件的声明从{unit}换算为元（x {factor}）",
        ),
        "holdings.decimal_comma": (
            "'{value}' looks like a decimal comma; write numbers with a decimal point (4.17) "
            "and thousands separators, if any, in groups of three (1,234,567.89)",
            "'{value}' 看起来使用了逗号作小数点；请用小数点书写数字（4.17），"
            "千位分隔符（如有）须每三位一组（1,234,567.89）",
        ),
        "holdings.bad_grouping": (
            "'{value}' is not a number: a comma may only separate groups of three digits "
            "(1,234,567.89)",
            "'{value}' 不是数字：逗号只能用作每三位一组的千位分隔符（1,234,567.89）",
        ),
        "holdings.duplicate_id": (
            "duplicate id '{value}'; every position needs its own id",
            "id '{value}' 重复；每个持仓必须有唯一的 id",
        ),
        "holdings.rating_required": (
            "a rating is required for {asset_type}; allowed: {allowed}",
            "{asset_type} 必须填写评级；允许的取值：{allowed}",
        ),
        "holdings.duration_required": (
            "modified duration (years) is required for {asset_type}",
            "{asset_type} 必须填写修正久期（年）",
        ),
        "holdings.board_required": (
            "a board is required for stocks; allowed: {allowed}",
            "股票必须填写板块；允许的取值：{allowed}",
        ),
        "holdings.cost_required": (
            "purchase cost (CNY) is required for stocks (Rule 8 Art. 26 k1)",
            "股票必须填写购买成本（元）（规则第8号第26条 k1）",
        ),
        "holdings.bank_type_required": (
            "a bank type is required for deposits; allowed: {allowed}",
            "存款必须填写银行类型；允许的取值：{allowed}",
        ),
        "holdings.issuer_type_required": (
            "an issuer type is required; allowed: {allowed}",
            "必须填写发行人类型；允许的取值：{allowed}",
        ),
        "holdings.perpetual_rating_required": (
            "row {row}: a rating is required for a perpetual bond of a non-financial issuer "
            "(charged as a rated corporate bond, Rule 9 Art. 15; Rule 8 Art. 36 covers financial "
            "institutions' perpetual bonds); allowed: {allowed}",
            "第 {row} 行：非金融企业发行的永续债必须填写评级（按有评级的企业债计量，规则第9号"
            "第15条；规则第8号第36条仅适用于金融机构的永续债）；允许的取值：{allowed}",
        ),
        "holdings.perpetual_duration_required": (
            "row {row}: modified duration (years) is required for a perpetual bond of a "
            "non-financial issuer (charged as a rated corporate bond, Rule 9 Art. 15)",
            "第 {row} 行：非金融企业发行的永续债必须填写修正久期（年）（按有评级的企业债计量，"
            "规则第9号第15条）",
        ),
        "holdings.breach": ("{column} = {value}: {reason}", "{column} = {value}：{reason}"),
        "holdings.product_kind_required": (
            "row {row}: product_kind is required for {asset_type} (it decides the Rule 7 Art. "
            "26 / 27 factor); allowed: {allowed}",
            "第 {row} 行：{asset_type} 必须填写 product_kind（决定规则第7号第二十六/二十七条的"
            "基础因子）；允许的取值：{allowed}",
        ),
        "holdings.trust_kind_required": (
            "row {row}: trust_kind is required for a trust plan: an equity trust is charged in "
            "equity risk, a fixed-income trust in default risk (Rule 7 Art. 31 (一), 32 (一)); "
            "allowed: {allowed}",
            "第 {row} 行：信托计划必须填写 trust_kind：权益类信托计量权益价格风险，固定收益类信托"
            "计量交易对手违约风险（规则第7号第三十一条（一）、第三十二条（一））；允许的取值：{allowed}",
        ),
        "holdings.exempt_share_required": (
            "row {row}: an exempt {asset_type} needs largest_underlying_share, the book-value "
            "share of its largest underlying other than cash, liquidity tools, government, "
            "policy-bank and agency bonds (Rule 7 Art. 25: at most 0.2)",
            "第 {row} 行：豁免穿透的 {asset_type} 必须填写 largest_underlying_share，即最大一笔"
            "底层资产（现金及流动性管理工具、政府债券、政策性银行金融债券、政府支持机构债券除外）"
            "占底层资产账面价值总和的比例（规则第7号第二十五条：不超过 0.2）",
        ),
        "holdings.exempt_not_allowed": (
            "row {row}: {asset_type} cannot be exempt from look-through; Rule 7 Art. 25 exempts "
            "only portfolio insurance asset-management products (am_product), bank wealth-"
            "management products and ABS plans (insurance_abs_plan)",
            "第 {row} 行：{asset_type} 不能豁免穿透；规则第7号第二十五条仅豁免组合类保险资产管理"
            "产品（am_product）、商业银行理财产品和资产支持计划（insurance_abs_plan）",
        ),
        "holdings.waive_not_allowed": (
            "row {row}: waive_exemption applies to am_product and wealth_management_product "
            "only (Rule 7 Art. 29)",
            "第 {row} 行：waive_exemption 仅适用于 am_product 和 wealth_management_product"
            "（规则第7号第二十九条）",
        ),
        "holdings.product_needs_underlyings": (
            "row {row}: a looked-through {asset_type} is charged on its underlyings (Rule 7 Art. "
            "14-20), which the analyzer cannot infer from the product's kind: enter the "
            "underlyings, or set look_through = false (Art. 31: 0.6), or mark it exempt if it "
            "meets Art. 25",
            "第 {row} 行：穿透的 {asset_type} 按其底层资产计量（规则第7号第十四至二十条），"
            "无法由产品类型推断：请填写底层资产，或设 look_through = false（第三十一条：0.6），"
            "符合第二十五条的可标记为豁免",
        ),
        "holdings.not_date": (
            "'{value}' is not a date; write it as YYYY-MM-DD (2024-03-31)",
            "'{value}' 不是日期；请按 YYYY-MM-DD 填写（2024-03-31）",
        ),
        "holdings.share_without_look_through": (
            "row {row}: look_through_share is given but look_through is false; a partly "
            "looked-through product (Rule 7 Art. 33) has look_through = true",
            "第 {row} 行：填写了 look_through_share 但 look_through 为 false；部分穿透的产品"
            "（规则第7号第三十三条）应设 look_through = true",
        ),
        "holdings.ciif_not_allowed": (
            "row {row}: ciif_national_strategy applies to domestic unlisted_equity only (2021-12 "
            "implementation notice 一(七): China Insurance Investment Fund II)",
            "第 {row} 行：ciif_national_strategy 仅适用于境内 unlisted_equity（2021年12月实施"
            "通知一（七）：中国保险投资基金二期）",
        ),
        "holdings.instrument_not_allowed": (
            "row {row}: money_market_instrument applies to overseas bonds only (Rule 8 Art. 46: "
            "overseas NCDs and commercial paper 0.03)",
            "第 {row} 行：money_market_instrument 仅适用于境外债券（规则第8号第四十六条：境外"
            "同业存单、短期融资券 0.03）",
        ),
        "holdings.clause_required": (
            "conversion_clause (true or false) is required for a preferred share or a financial "
            "institution's perpetual bond: Rule 8 Art. 36 charges 0.15 without a write-down or "
            "conversion clause and up to 0.45 with one, and gives no factor for an unknown clause",
            "优先股和金融机构永续债必须填写 conversion_clause（true 或 false）：规则第8号第36条对"
            "不带减记或转股条款的赋值 0.15，带此类条款的最高 0.45，且未规定条款不明时的因子",
        ),
        "holdings.protected_required": (
            "principal_protected (true or false) is required for a structured deposit: Rule 9 "
            "Art. 21 charges a structured deposit that does not protect the principal 0.50 and "
            "gives no factor for an unknown one",
            "结构性存款必须填写 principal_protected（true 或 false）：规则第9号第21条对非保本结构性"
            "存款赋值 0.50，且未规定是否保本不明时的因子",
        ),
        "holdings.tier_required": (
            "property_tier (major or other) is required for domestic investment property: Rule 8 "
            "Art. 40 adds k1 = 0.2 outside 直辖市, provincial capitals and 计划单列市",
            "境内投资性房地产必须填写 property_tier（major 或 other）：规则第8号第40条对直辖市、"
            "省会城市、计划单列市以外的地区设特征系数 k1 = 0.2",
        ),
        "holdings.loan_class_required": (
            "loan_class ({allowed}) of the underlying loans is required for a looked-through "
            "debt-type product: Rule 9 Art. 37 charges 0.085 (normal) to 1 (loss) by class",
            "穿透计量的债权类产品必须填写底层债权的 loan_class（{allowed}）：规则第9号第37条按五级"
            "分类赋值 0.085（正常）至 1（损失）",
        ),
        "holdings.layers_required": (
            "layers (a whole number >= 1, the surface counted) is required for a looked-through "
            "non-base asset: Rule 7 Art. 18 adds 0.1 to the factor for each layer",
            "穿透计量的非基础资产必须填写 layers（不小于 1 的整数，含表层）：规则第7号第18条每增加"
            "一层，因子增加 0.1",
        ),
        "holdings.ratios_met_required": (
            "issuer_ratios_met (true or false) is required for an insurer's preferred share or "
            "perpetual bond with a conversion clause: Rule 8 Art. 36 charges 0.15 when every "
            "solvency ratio is met and 0.45 otherwise, and prescribes the not-met factor for "
            "missing data only for banks' and asset management companies' capital ratios",
            "保险公司发行的带转股或减记条款的优先股、永续债必须填写 issuer_ratios_met（true 或 "
            "false）：规则第8号第36条对各级偿付能力充足率全部达标的赋值 0.15，否则 0.45；数据缺失"
            "按未达标处理的规定仅适用于银行和金融资产管理公司的资本充足率",
        ),
        "holdings.currency_required": (
            "currency is required for an overseas position: Rule 8 Art. 57 charges 0.05 (USD, "
            "HKD), 0.08 (EUR, GBP) or 0.15 (other currencies) and has no factor for an unknown "
            "currency; allowed: {allowed}",
            "境外持仓必须填写 currency：规则第8号第57条对美元、港元赋值 0.05，欧元、英镑 0.08，"
            "其他币种 0.15，且未规定币种不明时的因子；允许的取值：{allowed}",
        ),
        "holdings.blank": ("(blank)", "（空白）"),
        "holdings.defaults_used": (
            "{count} blank cell(s) of columns the analyzer reads took their documented default "
            "(docs/formats.md §1): {columns}",
            "共 {count} 个需要读取的空白单元格取了文档规定的默认值"
            "（docs/formats.md §1）：{columns}",
        ),
    }
)

#: the days each A-share board opened (a stock cannot have been held on it for longer);
#: ``bse``: the NEEQ select tier (精选层), whose companies moved to the Beijing Stock Exchange
#: when it opened on 2021-11-15 with their holding periods
BOARD_OPENED: dict[str, dt.date] = {
    "main": dt.date(1990, 12, 19),
    "star": dt.date(2019, 7, 22),
    "chinext": dt.date(2009, 10, 30),
    "bse": dt.date(2020, 7, 27),
}

#: the plausibility bounds (the reasons are in the rules below and in docs/formats.md §9)
MAX_AMOUNT = 1.0e14  # CNY: above the total assets of any Chinese insurer
COUPON_REFUSE = 1.0
COUPON_WARN = 0.2
DURATION_REFUSE = 100.0
DURATION_WARN = 35.0
MATURITY_REFUSE = 100.0
MATURITY_WARN = 50.0
HOLDING_REFUSE = 100.0
HOLDING_WARN = 15.0
BANK_CAR_WARN = 0.5
LAYERS_REFUSE = 10.0
LAYERS_WARN = 5.0
RATIO_REFUSE = (1.0e-3, 1.0e3)  # any amount against market value
FACE_WARN = (0.2, 5.0)
COST_WARN = (0.02, 50.0)
BOOK_WARN = (0.1, 10.0)
COUPON_FREQUENCIES = (1.0, 2.0, 4.0, 12.0)

R_AMOUNT = rule(
    "holdings.amount_too_large",
    "refuse",
    "one position above 1e14 CNY (100 trillion) is larger than the total assets of any Chinese "
    "insurer: the amount is in another unit or corrupt",
    "单个持仓超过 1e14 元（100 万亿元），大于任何一家中国保险公司的总资产：金额单位有误或数据损坏",
)
R_COUPON = rule(
    "holdings.coupon_percent",
    "refuse",
    "a coupon above 1 (100% a year) is a percentage typed as a number: write 0.0417 for 4.17%",
    "票面利率大于 1（年利率 100%）说明按百分数填写：4.17% 应填 0.0417",
)
R_COUPON_WARN = rule(
    "holdings.coupon_high",
    "warn",
    "a coupon above 20% a year is not found in an insurer's book; a coupon of 0.5% typed as "
    "0.5 reads as 50%",
    "票面利率高于年 20% 在保险公司持仓中不会出现；0.5% 若填为 0.5 会被读作 50%",
)
R_DURATION_MATURITY = rule(
    "holdings.duration_above_maturity",
    "refuse",
    "a modified duration longer than the maturity (by more than a year) cannot be: duration "
    "is at most the time to maturity; it is likely in months or the maturity in years is wrong",
    "修正久期比剩余期限长一年以上是不可能的：久期不超过剩余期限；久期可能以月为单位，或剩余期限有误",
)
R_DURATION = rule(
    "holdings.duration_absurd",
    "refuse",
    "a modified duration above 100 years is not a bond's: it is in months, days or corrupt",
    "修正久期超过 100 年不可能是债券的久期：单位可能是月、日，或数据损坏",
)
R_DURATION_WARN = rule(
    "holdings.duration_long",
    "warn",
    "a modified duration above 35 years is beyond the longest bonds in issue (50-year "
    "government bonds have about 30); check it is not in months",
    "修正久期超过 35 年，超出现存最长债券（50 年期国债约 30 年）；请确认不是以月为单位",
)
R_MATURITY = rule(
    "holdings.maturity_absurd",
    "refuse",
    "a maturity above 100 years is in months, days or an Excel date serial; it would also "
    "make the life interest-rate scenario method project cash flows for that many years",
    "剩余期限超过 100 年，应是以月、日计或 Excel 日期序号；并会使寿险利率情景法按该年数预测现金流",
)
R_MATURITY_WARN = rule(
    "holdings.maturity_long",
    "warn",
    "a maturity above 50 years is beyond the longest bonds in issue; check it is not in months",
    "剩余期限超过 50 年，超出现存最长债券；请确认不是以月为单位",
)
R_HOLDING_BOARD = rule(
    "holdings.holding_before_board",
    "refuse",
    "a stock cannot have been held longer than its board has existed (main board 1990-12-19, "
    "ChiNext 2009-10-30, NEEQ select tier / BSE 2020-07-27, STAR 2019-07-22): the holding "
    "period is in months or an Excel date",
    "股票的持有期不可能长于其板块存在的时间（主板 1990-12-19，创业板 2009-10-30，"
    "精选层/北交所 2020-07-27，科创板 2019-07-22）：持有期可能以月计或为 Excel 日期",
)
R_HOLDING = rule(
    "holdings.holding_absurd",
    "refuse",
    "a holding period above 100 years is in months, days or an Excel date serial",
    "持有期超过 100 年，应是以月、日计或 Excel 日期序号",
)
R_HOLDING_WARN = rule(
    "holdings.holding_long",
    "warn",
    "an average holding period above 15 years is rare in a stock book; a period in months "
    "(24 for two years) would read as 24 years and earn the long-holding k2",
    "平均持有期超过 15 年在股票组合中很少见；以月填写的持有期（两年填 24）会被读作 24 年，"
    "从而错误适用长期持有的 k2",
)
R_BANK_CAR = rule(
    "holdings.bank_car_percent",
    "refuse",
    "a capital adequacy ratio above 1 (100%) is a percentage typed as a number: write 0.135 "
    "for 13.5%",
    "资本充足率大于 1（100%）说明按百分数填写：13.5% 应填 0.135",
)
R_BANK_CAR_WARN = rule(
    "holdings.bank_car_high",
    "warn",
    "a bank's capital adequacy ratio above 50% is far above any bank's (finance companies "
    "can report this); check it is a fraction",
    "银行资本充足率高于 50%，远高于一般银行（财务公司可能出现）；请确认按小数填写",
)
R_LAYERS = rule(
    "holdings.layers_absurd",
    "refuse",
    "more than 10 layers of products is not a structure regulation allows (nesting is limited "
    "to one further layer); each layer adds 0.1 to the factor",
    "产品嵌套超过 10 层不符合监管规定（嵌套限于一层）；每增加一层，因子增加 0.1",
)
R_LAYERS_WARN = rule(
    "holdings.layers_deep",
    "warn",
    "more than 5 layers of products is very unusual; each layer adds 0.1 to the factor",
    "产品嵌套超过 5 层非常少见；每增加一层，因子增加 0.1",
)
R_FREQUENCY = rule(
    "holdings.coupon_frequency",
    "refuse",
    "coupons are paid 1, 2, 4 or 12 times a year; any other number is a typing error",
    "付息频率只能为每年 1、2、4 或 12 次；其他数字是输入错误",
)
R_RATIO = rule(
    "holdings.amount_unit_mismatch",
    "refuse",
    "an amount more than 1000 times larger or smaller than the position's market value is in "
    "another unit (万元, 亿元) or per share",
    "该金额是市值的 1000 倍以上或千分之一以下，单位不同（万元、亿元）或按每股填写",
)
R_FACE_WARN = rule(
    "holdings.face_value_ratio",
    "warn",
    "market value below 20% or above 500% of face value is rare (a defaulted or deep-discount "
    "bond); check both are in CNY",
    "市值低于面值的 20% 或高于 500% 很少见（违约或深度折价债券）；请确认二者均以元计",
)
R_COST_WARN = rule(
    "holdings.purchase_cost_ratio",
    "warn",
    "market value below 2% or above 50 times the purchase cost is rare; check the cost is the "
    "position's total in CNY, not per share",
    "市值低于购买成本的 2% 或高于其 50 倍很少见；"
    "请确认购买成本为该持仓的总成本（元），而非每股成本",
)
R_BOOK_WARN = rule(
    "holdings.book_value_ratio",
    "warn",
    "a book value below 10% or above 10 times the market value is rare; check both are in CNY",
    "账面价值低于市值的 10% 或高于其 10 倍很少见；请确认二者均以元计",
)
R_MOJIBAKE = rule(
    "holdings.mojibake",
    "refuse",
    "'??' is what an export leaves where Chinese characters could not be encoded (saved as "
    "Latin-1 or ANSI): different names become the same and counterparties would merge; save "
    "the export as UTF-8",
    "'??' 是导出时无法编码的中文字符留下的痕迹（以 Latin-1 或 ANSI 保存）：不同名称会变得相同，"
    "交易对手会被合并；请将导出文件另存为 UTF-8",
)

R_EXEMPT_LARGEST = rule(
    "holdings.exempt_largest_share",
    "refuse",
    "Rule 7 Art. 25 exempts a product from look-through only when its largest underlying (other "
    "than cash, liquidity tools, government, policy-bank and agency bonds) is at most 20% of the "
    "underlyings' book value: look the product through (or charge it as not looked through)",
    "按规则第7号第二十五条，只有最大一笔底层资产（现金及流动性管理工具、政府债券、政策性银行金融债券"
    "和政府支持机构债券除外）不超过底层资产账面价值总和 20% 的产品才可豁免穿透：请穿透计量"
    "（或按无法穿透计量）",
)
R_EXEMPT_COUNT = rule(
    "holdings.exempt_abs_count",
    "refuse",
    "Rule 7 Art. 25 (三) exempts an ABS plan only with more than 100 underlying assets",
    "按规则第7号第二十五条（三），资产支持计划须底层资产大于 100 笔方可豁免穿透",
)
R_SHARE = rule(
    "holdings.share_above_one",
    "refuse",
    "a share above 1 (100%) is a percentage typed as a number: write 0.15 for 15%",
    "占比大于 1（100%）说明按百分数填写：15% 应填 0.15",
)
R_RATIOS_UNKNOWN = rule(
    "holdings.issuer_ratios_unknown",
    "warn",
    "a blank issuer_ratios_met of a bank's or financial asset management company's preferred "
    "share or perpetual bond with a conversion or write-down clause is charged as not met "
    "(0.45): Rule 8 Art. 36 prescribes that factor when no capital adequacy data within one "
    "year is available; enter true where the issuer meets every ratio",
    "银行或金融资产管理公司发行的带转股或减记条款的优先股、永续债，issuer_ratios_met 空白的按"
    "未达标计量（0.45）：规则第8号第36条规定无法获取最近一年内资本充足率数据的按未全部达标确定"
    "风险因子；发行人各级资本充足率均达标的请填写 true",
)

#: asset types the concentration rule never charges (Rule 8 Art. 64 exempt types)
CONCENTRATION_EXEMPT = (
    "cash",
    "government_bond",
    "local_government_bond",
    "policy_bank_bond",
    "agency_bond",
    "money_market_fund",
    "investment_property",
    "policy_loan",
)
_DEPOSITS = ("deposit", "structured_deposit")
_CAPITAL_INSTRUMENTS = ("preferred_share", "perpetual_bond")
_PRODUCTS = ("insurance_abs_plan", "debt_investment_plan", "trust_plan")

#: columns the engine reads for an asset type: (column, asset types, domestic rows only).
#: A file holding such a position must carry the column in its header (a blank cell takes the
#: documented default; a missing column would silently give every row the default).
NEEDED_BY: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("region", ASSET_TYPES, False),
    ("sci_tech", ASSET_TYPES, False),
    ("counterparty", tuple(t for t in ASSET_TYPES if t not in CONCENTRATION_EXEMPT), False),
    ("rating", RATED, True),
    ("modified_duration", BONDS, True),
    ("green", ("policy_bank_bond", "agency_bond", "corporate_bond", "financial_bond", "abs"), True),
    ("board", ("stock",), True),
    ("purchase_cost", ("stock",), True),
    ("holding_years", ("stock",), True),
    ("csi300", ("stock",), True),
    ("dividend_low_vol_100", ("stock",), True),
    ("bank_type", _DEPOSITS, False),
    ("bank_car", _DEPOSITS, False),
    ("principal_protected", ("structured_deposit",), False),
    ("look_through", NON_BASE, True),
    ("layers", NON_BASE, True),
    ("strategic_emerging", ("pe_vc_fund", "unlisted_equity"), True),
    ("loan_class", _PRODUCTS, True),
    ("exempt", ("insurance_abs_plan",), True),
    ("investee", ("long_term_equity_investment",), False),
    ("issuer_type", _CAPITAL_INSTRUMENTS, False),
    ("conversion_clause", _CAPITAL_INSTRUMENTS, False),
    ("issuer_ratios_met", _CAPITAL_INSTRUMENTS, False),
    ("property_tier", ("investment_property",), True),
    ("product_kind", KIND_PRODUCTS, True),
    ("trust_kind", ("trust_plan",), True),
    ("exempt", KIND_PRODUCTS, False),
    ("strategic_emerging", ("equity_investment_plan", "debt_to_equity_plan"), True),
    ("property_tier", ("real_estate_financial_product",), True),
)

#: columns the engine reads for every overseas position (region developed or emerging): the
#: currency decides the FX charge (Rule 8 Art. 58); without the column every overseas row
#: would take the option's default currency
OVERSEAS_NEEDED: tuple[str, ...] = ("currency",)


@dataclass(frozen=True)
class Holdings:
    """Validated positions.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per position, every column of :data:`COLUMNS` present and typed
        (numbers float64 in CNY, years or fractions; flags bool; choices str; blanks filled
        with the documented default). ``currency`` is filled from ``region`` by the engine.
    source : str
        Where the positions came from (file name), for messages.
    warnings : tuple of InputWarning
        What the ``warn`` plausibility rules raised; ``load_inputs`` stops on them until the
        user accepts their codes.
    notes : tuple of Text
        Non-blocking notices a front end shows (columns ignored, units converted).
    ignored_columns : tuple of str
        Columns of the file the analyzer does not use (as written in the header).
    mapping : dict or None
        The mapping file applied to read an export (its content, for provenance).
    look_through : LookThrough or None
        The underlyings of looked-through positions (``--look-through FILE``,
        :mod:`analyzer.io.look_through`); the engine charges a parent on them.
    defaults_used : dict of str to int
        For each column, the number of positions whose blank cell took the column's
        documented default where the engine reads that column (:data:`DEFAULT_COUNTED`);
        columns no row defaulted are left out (docs/formats.md §1, the ``blank cell`` column).
    defaulted : dict of str to numpy.ndarray
        The rows (0-based) behind ``defaults_used``, so a later source of the value (a trade
        history for ``holding_years``) can take them out of the count.
    """

    frame: pd.DataFrame = field(repr=False)
    source: str = "<memory>"
    warnings: tuple[InputWarning, ...] = ()
    notes: tuple[Text, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    mapping: dict | None = None
    look_through: Any = None
    defaults_used: dict[str, int] = field(default_factory=dict)
    defaulted: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def total_market_value(self) -> float:
        """Sum of admitted values, CNY."""
        return float(self.frame["market_value"].sum())

    def codes(self, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """Integer codes of a text column and the text of each code (-1: missing).

        Categorical columns (:data:`CATEGORICAL`) cost nothing; others are factorised.
        """
        series = self.frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            return series.cat.codes.to_numpy(), tuple(str(c) for c in series.cat.categories)
        codes, uniques = pd.factorize(series.to_numpy())
        return codes, tuple(str(u) for u in uniques)

    def mask(self, column: str, *values: str) -> np.ndarray:
        """Mask of positions whose text ``column`` is one of ``values``."""
        codes, texts = self.codes(column)
        table = np.array([t in values for t in texts] + [False], dtype=bool)
        return table[codes]

    def scaled(self, factors: pd.Series | dict[str, float]) -> Holdings:
        """Return holdings with every position of an asset class scaled (pro rata).

        Parameters
        ----------
        factors : mapping of asset_class -> multiplier (>= 0); classes not named keep 1.
        """
        f = pd.Series(factors, dtype=float)
        codes, texts = self.codes("asset_class")
        by_code = (
            np.append(f.reindex(list(texts)).fillna(1.0).to_numpy(dtype=float), 1.0)
            if len(f)
            else np.ones(len(texts) + 1)
        )
        mult = by_code[codes]
        frame = self.frame.copy()
        for col in ("market_value", "face_value", "purchase_cost", "book_value"):
            frame[col] = frame[col].to_numpy() * mult
        return replace(self, frame=frame)


def concat_positions(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``a`` then ``b`` (holdings frames with the same columns), categorical columns
    kept categorical (their categories united)."""
    a, b = a.copy(), b[a.columns].copy()
    for col in a.columns:
        ca, cb = a[col].dtype, b[col].dtype
        if isinstance(ca, pd.CategoricalDtype) or isinstance(cb, pd.CategoricalDtype):
            cats_a = (
                list(ca.categories)
                if isinstance(ca, pd.CategoricalDtype)
                else list(pd.unique(a[col].astype(object)))
            )
            extra = b[col].astype(object).unique()
            cats = cats_a + [c for c in extra if c not in set(cats_a)]
            a[col] = pd.Categorical(a[col].astype(object), categories=cats)
            b[col] = pd.Categorical(b[col].astype(object), categories=cats)
    return pd.concat([a, b], ignore_index=True)


def _problem_rows(
    problems: list[InputProblem],
    file: str,
    mask: np.ndarray,
    column: str,
    message: Callable[[int], Text | str] | Text | str,
    limit: int = 20,
) -> None:
    rows = np.flatnonzero(mask)
    for i in rows[:limit]:
        msg = message(int(i)) if callable(message) else message
        problems.append(InputProblem(file, int(i) + 2, column, msg))
    if len(rows) > limit:
        problems.append(
            InputProblem(file, None, column, text("value.more_rows", count=len(rows) - limit))
        )


def _categorical(codes: np.ndarray, values: np.ndarray, categories=None) -> pd.Categorical:
    """Categorical of ``values[codes]``: the given ``categories`` (the allowed choices) or the
    distinct values (free text)."""
    if categories is None:
        cat_codes, cats = pd.factorize(values, sort=True)
        cats = pd.Index(np.asarray(cats, dtype=object), dtype=object)
    else:
        cats = pd.Index(list(categories), dtype=object)
        cat_codes = cats.get_indexer(pd.Index(values, dtype=object))
    return pd.Categorical.from_codes(cat_codes[codes].astype(np.int32), categories=cats)


#: text columns stored as pandas Categorical (fixed categories for choices, factorised text)
CATEGORICAL = (
    "asset_type",
    "rating",
    "board",
    "bank_type",
    "region",
    "currency",
    "property_tier",
    "loan_class",
    "investee",
    "issuer_type",
    "fund_kind",
    "counterparty",
    "asset_class",
    "account",
    "direction",
    "accounting",
    "product_kind",
    "trust_kind",
    "money_market_instrument",
)

_GROUPED = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?"
_DECIMAL_COMMA = r"[+-]?[\d. ]*\d,\d+"
_NON_FINITE = r"[+-]?(?:nan|inf|infinity)"


@dataclass
class _Numbers:
    """A parsed numeric column: values (NaN where blank or bad) and the masks of problems."""

    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray  # not a number
    non_finite: np.ndarray
    decimal_comma: np.ndarray
    grouping: np.ndarray
    cells: Callable[[int], str]


def _parse_numbers(raw: pd.Series) -> _Numbers:
    """Parse a numeric column: numbers as numbers, text once per distinct value."""
    n = len(raw)
    none = np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
        blank = np.isnan(values)
        return _Numbers(values, blank, none, np.isinf(values), none, none, lambda i: str(values[i]))
    codes, texts = factorized_text(raw, blank_words=False)
    t = pd.Series(texts, dtype=object)
    blank_t = (t == "").to_numpy()
    has_comma = t.str.contains(",", regex=False).to_numpy(dtype=bool)
    grouped = has_comma & t.str.fullmatch(_GROUPED).to_numpy(dtype=bool)
    decimal_comma = has_comma & ~grouped & t.str.fullmatch(_DECIMAL_COMMA).to_numpy(dtype=bool)
    grouping = has_comma & ~grouped & ~decimal_comma
    cleaned = t.where(~grouped, t.str.replace(",", "", regex=False))
    cleaned = cleaned.where(~has_comma | grouped, "x")
    lower = t.str.lower()
    values_t = pd.to_numeric(cleaned.where(~blank_t, "nan"), errors="coerce").to_numpy(float)
    nan_word = lower.str.fullmatch(_NON_FINITE).to_numpy(dtype=bool)
    non_finite_t = (np.isinf(values_t) | nan_word) & ~blank_t
    bad_t = np.isnan(values_t) & ~blank_t & ~nan_word & ~has_comma
    values_t = np.where(non_finite_t, np.nan, values_t)
    return _Numbers(
        values_t[codes],
        blank_t[codes],
        bad_t[codes],
        non_finite_t[codes],
        decimal_comma[codes],
        grouping[codes],
        lambda i: str(texts[codes[i]]),
    )


def frame_from_records(records: list[dict]) -> pd.DataFrame:
    """Build a raw holdings frame from records (e.g. an edited grid) for validation."""
    return pd.DataFrame.from_records(records).astype(object)


def check_columns(
    columns: list[str], file: str, ignore: tuple[str, ...] = ()
) -> tuple[list[InputProblem], list[str], set[str]]:
    """Problems of a header (near misses, renamed duplicates), the columns it ignores and the
    holdings columns its near misses point to.

    Parameters
    ----------
    columns : the header, lower-cased and stripped.
    ignore : headers a mapping file declares as ignored (never suggested).
    """
    problems: list[InputProblem] = []
    ignored: list[str] = []
    meant: set[str] = set()
    present = set(columns)
    for name in columns:
        if name in COLUMN_NAMES:
            continue
        if re.fullmatch(r"unnamed: ?\d+", name):
            continue  # blank header cell: the caller drops the column if it is empty
        m = re.fullmatch(r"(.+)\.(\d+)", name)
        if m and m.group(1) in COLUMN_NAMES:
            problems.append(
                InputProblem(
                    file, 1, name, text("holdings.duplicate_suffix", found=name, column=m.group(1))
                )
            )
            continue
        if name not in ignore:
            guess = suggest_column(name)
            if guess is not None and guess not in present:
                meant.add(guess)
                problems.append(
                    InputProblem(
                        file, 1, name, text("holdings.did_you_mean", found=name, column=guess)
                    )
                )
                continue
        ignored.append(name)
    return problems, ignored, meant


def _needed_columns(
    present: set[str], out: dict[str, object], file: str, problems: list[InputProblem]
) -> None:
    """A column the engine reads for an asset type the file holds must be in the header
    (``present`` includes the columns a near miss already points to: one message each)."""
    at = out["asset_type"]
    codes = np.asarray(at.codes)
    cats = list(at.categories)
    region = out["region"]
    domestic = np.asarray(region.codes) == list(region.categories).index("domestic")
    reported: set[str] = set()
    for column, types, domestic_only in NEEDED_BY:
        if column in present or column in reported:
            continue
        table = np.append(np.isin(np.asarray(cats, dtype=object), list(types)), False)
        mask = table[codes]
        if domestic_only:
            mask &= domestic
        rows = np.flatnonzero(mask)
        if not len(rows):
            continue
        if types is ASSET_TYPES:
            kinds = text("holdings.every_type")
        else:
            held = sorted({cats[c] for c in np.unique(codes[rows]) if c >= 0})
            kinds = Text(", ".join(held), ", ".join(held))
        en = text(
            "holdings.column_needed",
            column=column,
            types=kinds.en,
            count=len(rows),
            row=int(rows[0]) + 2,
        )
        zh = text(
            "holdings.column_needed",
            column=column,
            types=kinds.zh,
            count=len(rows),
            row=int(rows[0]) + 2,
        )
        problems.append(InputProblem(file, 1, column, Text(en.en, zh.zh)))
        reported.add(column)
    overseas = np.flatnonzero(~domestic)
    for column in OVERSEAS_NEEDED:
        if column in present or not len(overseas):
            continue
        kinds = text("holdings.overseas_rows")
        en, zh = (
            text(
                "holdings.column_needed",
                column=column,
                types=t,
                count=len(overseas),
                row=int(overseas[0]) + 2,
            )
            for t in (kinds.en, kinds.zh)
        )
        problems.append(InputProblem(file, 1, column, Text(en.en, zh.zh)))


def _breach(
    found: list[InputProblem | InputWarning],
    r: Rule,
    file: str,
    column: str,
    mask: np.ndarray,
    values: np.ndarray,
    against: tuple[str, np.ndarray] | None = None,
) -> None:
    """Add the problem or warning of rule ``r`` for the rows of ``mask``; ``against`` names the
    column a ratio rule compares with (both values are shown: either may be the wrong one)."""
    rows = np.flatnonzero(mask)
    if not len(rows):
        return
    v = values[rows[0]]
    shown = f"{v:g}" if isinstance(v, (float, np.floating)) else str(v)
    if against is not None:
        shown += f" ({against[0]} = {against[1][rows[0]]:g})"
    message = Text(
        text("holdings.breach", column=column, value=shown, reason=r.reason.en).en,
        text("holdings.breach", column=column, value=shown, reason=r.reason.zh).zh,
    )
    found.append(r.breach(file, column, [int(i) + 2 for i in rows], message))


def _plausibility(
    frame: pd.DataFrame,
    file: str,
    problems: list[InputProblem],
    warnings: list[InputWarning],
    valuation_date: dt.date,
) -> None:
    """The declared plausibility rules (refuse or warn), vectorised."""
    found: list[InputProblem | InputWarning] = []
    col = {c: frame[c].to_numpy(dtype=float) for c in AMOUNT_COLUMNS}
    mv = col["market_value"]
    for c in AMOUNT_COLUMNS:
        _breach(found, R_AMOUNT, file, c, col[c] > MAX_AMOUNT, col[c])
    with np.errstate(divide="ignore", invalid="ignore"):
        for c, warn_rule, band in (
            ("face_value", R_FACE_WARN, FACE_WARN),
            ("purchase_cost", R_COST_WARN, COST_WARN),
            ("book_value", R_BOOK_WARN, BOOK_WARN),
        ):
            ratio = mv / col[c]  # market value per unit of the other amount
            ok = (mv > 0) & (col[c] > 0) & np.isfinite(ratio)
            refuse = ok & ((ratio < RATIO_REFUSE[0]) | (ratio > RATIO_REFUSE[1]))
            _breach(found, R_RATIO, file, c, refuse, col[c], ("market_value", mv))
            warn = ok & ~refuse & ((ratio < band[0]) | (ratio > band[1]))
            _breach(found, warn_rule, file, c, warn, col[c], ("market_value", mv))
    coupon = frame["coupon_rate"].to_numpy(dtype=float)
    _breach(found, R_COUPON, file, "coupon_rate", coupon > COUPON_REFUSE, coupon)
    _breach(
        found,
        R_COUPON_WARN,
        file,
        "coupon_rate",
        (coupon > COUPON_WARN) & (coupon <= COUPON_REFUSE),
        coupon,
    )
    dur = frame["modified_duration"].to_numpy(dtype=float)
    mat = frame["maturity_years"].to_numpy(dtype=float)
    _breach(found, R_DURATION, file, "modified_duration", dur > DURATION_REFUSE, dur)
    _breach(
        found,
        R_DURATION_WARN,
        file,
        "modified_duration",
        (dur > DURATION_WARN) & (dur <= DURATION_REFUSE),
        dur,
    )
    _breach(found, R_MATURITY, file, "maturity_years", mat > MATURITY_REFUSE, mat)
    _breach(
        found,
        R_MATURITY_WARN,
        file,
        "maturity_years",
        (mat > MATURITY_WARN) & (mat <= MATURITY_REFUSE),
        mat,
    )
    _breach(
        found,
        R_DURATION_MATURITY,
        file,
        "modified_duration",
        (dur > mat + 1.0) & (dur <= DURATION_REFUSE) & (mat <= MATURITY_REFUSE),
        dur,
    )
    held = frame["holding_years"].to_numpy(dtype=float)
    stock = _is(frame, "asset_type", ("stock",))
    _breach(found, R_HOLDING, file, "holding_years", held > HOLDING_REFUSE, held)
    board_limit = np.full(len(frame), np.inf)
    for board, opened in BOARD_OPENED.items():
        years = (valuation_date - opened).days / 365.25
        board_limit = np.where(_is(frame, "board", (board,)), years, board_limit)
    before = stock & (held > board_limit + 1.0 / 365.25) & (held <= HOLDING_REFUSE)
    _breach(found, R_HOLDING_BOARD, file, "holding_years", before, held)
    _breach(
        found,
        R_HOLDING_WARN,
        file,
        "holding_years",
        stock & ~before & (held > HOLDING_WARN) & (held <= HOLDING_REFUSE),
        held,
    )
    car = frame["bank_car"].to_numpy(dtype=float)
    _breach(found, R_BANK_CAR, file, "bank_car", car > 1.0, car)
    _breach(found, R_BANK_CAR_WARN, file, "bank_car", (car > BANK_CAR_WARN) & (car <= 1.0), car)
    layers = frame["layers"].to_numpy(dtype=float)
    _breach(found, R_LAYERS, file, "layers", layers > LAYERS_REFUSE, layers)
    _breach(
        found,
        R_LAYERS_WARN,
        file,
        "layers",
        (layers > LAYERS_WARN) & (layers <= LAYERS_REFUSE),
        layers,
    )
    freq = frame["coupon_frequency"].to_numpy(dtype=float)
    _breach(found, R_FREQUENCY, file, "coupon_frequency", ~np.isin(freq, COUPON_FREQUENCIES), freq)
    for item in found:
        (warnings if isinstance(item, InputWarning) else problems).append(item)


def _mojibake(codes: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """Rows whose text shows the marks of a lossy export ('??' or U+FFFD)."""
    bad = np.array(["??" in t or "\ufffd" in t for t in texts], dtype=bool)
    return bad[codes]


def validate_holdings(
    raw: pd.DataFrame,
    file: str = "<memory>",
    mapping: Mapping | dict | str | Path | None = None,
    valuation_date: dt.date | None = None,
) -> Holdings:
    """Validate and type a raw holdings table.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read (text or typed cells); its header is checked as a file's.
    file : str
        The file name used in messages.
    mapping : Mapping, dict or path, optional
        A mapping file (:mod:`analyzer.io.mapping`) turning an insurer's export into the
        holdings columns, codes and CNY; applied before any check.
    valuation_date : date, optional
        The date holding periods are checked against (default: today).

    Raises
    ------
    InputError
        With one problem per bad cell (first 20 per column and kind), naming row, column
        and what is allowed, and every plausibility rule that refuses. Nothing is dropped or
        guessed.
    """
    from analyzer.io.mapping import Mapping, apply_mapping, load_mapping

    raw = raw.copy()
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    problems: list[InputProblem] = []
    notes: list[Text] = []
    scale: dict[str, float] = {}
    ignore: tuple[str, ...] = ()
    mapping_dict = None
    if mapping is not None:
        if not isinstance(mapping, Mapping):
            mapping = load_mapping(mapping)
        raw, scale, notes_m = apply_mapping(raw, mapping, file)
        notes.extend(notes_m)
        ignore = mapping.ignore
        mapping_dict = mapping.to_dict()
    dupes = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if dupes:
        from analyzer.io.tables import check_header

        check_header(list(raw.columns), file)
    header_problems, ignored, meant = check_columns(list(raw.columns), file, ignore)
    problems.extend(header_problems)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputError(
            [
                InputProblem(
                    file, 1, c, text("holdings.required_column", columns=", ".join(REQUIRED))
                )
                for c in missing
            ]
            + problems
        )
    unnamed = [c for c in raw.columns if re.fullmatch(r"unnamed: ?\d+", c)]
    for c in unnamed:  # a column without a header: ignored if it holds anything, else dropped
        if (cell_text(raw[c]) != "").any():
            ignored.append(c)
    if ignored:
        shown = ", ".join(ignored)
        notes.append(text("holdings.ignored_columns", count=len(ignored), columns=shown))
    n = len(raw)
    present = {c for c in raw.columns if c in COLUMN_NAMES}
    out: dict[str, object] = {}
    blanks: dict[str, np.ndarray] = {}  # cells that took the column's default
    for col in COLUMNS:
        is_present = col.name in raw.columns
        if not is_present:
            blanks[col.name] = np.ones(n, dtype=bool)
        if col.kind == "number" or col.kind == "int":
            if not is_present:
                out[col.name] = np.full(n, col.default, dtype=float)
                continue
            num = _parse_numbers(raw[col.name])
            values = num.values
            blanks[col.name] = num.blank
            _problem_rows(
                problems,
                file,
                num.bad,
                col.name,
                lambda i, c=num.cells: text("value.not_number", value=c(i)),
            )
            _problem_rows(
                problems,
                file,
                num.non_finite,
                col.name,
                lambda i, c=num.cells: text("value.not_finite", value=c(i)),
            )
            _problem_rows(
                problems,
                file,
                num.decimal_comma,
                col.name,
                lambda i, c=num.cells: text("holdings.decimal_comma", value=c(i)),
            )
            _problem_rows(
                problems,
                file,
                num.grouping,
                col.name,
                lambda i, c=num.cells: text("holdings.bad_grouping", value=c(i)),
            )
            if col.name in REQUIRED:
                _problem_rows(problems, file, num.blank, col.name, text("value.required"))
            finite = np.isfinite(values)
            if col.name in scale:
                values = values * scale[col.name]
            if col.minimum is not None:
                below = finite & (values < col.minimum)
                if col.name in SIGNED_FOR_DERIVATIVES:  # a derivative's fair value may be < 0
                    below &= ~_derivative_rows(out["asset_type"])
                _problem_rows(
                    problems,
                    file,
                    below,
                    col.name,
                    lambda i, v=values, m=col.minimum: text(
                        "value.below_minimum", value=v[i], minimum=m
                    ),
                )
            if col.kind == "int":
                frac = finite & (np.abs(values - np.round(values)) > 1e-9)
                _problem_rows(problems, file, frac, col.name, text("value.not_whole"))
            values = np.where(finite, values, col.default).astype(float)
            out[col.name] = values
        elif col.kind == "bool":
            if not is_present:
                out[col.name] = np.full(n, bool(col.default))
                continue
            series = raw[col.name]
            if pd.api.types.is_bool_dtype(series) and not series.isna().any():
                out[col.name] = series.to_numpy(dtype=bool)
                blanks[col.name] = np.zeros(n, dtype=bool)
                continue
            codes, texts = factorized_text(series)
            lower = np.array([t.lower() for t in texts], dtype=object)
            is_true = np.isin(lower, list(_TRUE))[codes]
            is_false = np.isin(lower, list(_FALSE))[codes]
            _problem_rows(
                problems,
                file,
                ~(is_true | is_false),
                col.name,
                lambda i, c=codes, t=texts: text("value.not_bool", value=t[c[i]]),
            )
            blank = (lower == "")[codes]
            blanks[col.name] = blank
            out[col.name] = np.where(blank, bool(col.default), is_true)
        else:
            categories = None
            if col.kind == "choice":
                categories = (*col.choices, "") if "" not in col.choices else col.choices
            if not is_present:
                value = col.default if col.default is not None else ""
                if col.name in CATEGORICAL:
                    out[col.name] = _categorical(
                        np.zeros(n, dtype=np.int64), np.array([value], dtype=object), categories
                    )
                else:
                    out[col.name] = np.full(n, value, dtype=object)
                continue
            if col.name == "id":
                # only an empty cell is missing: "None" and "NA" are ids like any other
                codes, texts = factorized_text(raw[col.name], blank_words=False)
                _problem_rows(
                    problems, file, (texts == "")[codes], col.name, text("value.required")
                )
                _mojibake_rows(problems, file, col.name, codes, texts)
                out[col.name] = texts[codes]
                continue
            codes, texts = factorized_text(raw[col.name])
            blanks[col.name] = (texts == "")[codes]
            if col.name in REQUIRED:
                _problem_rows(
                    problems, file, (texts == "")[codes], col.name, text("value.required")
                )
            if col.kind == "choice":
                lookup = {c.lower(): c for c in col.choices}
                canon = np.array([lookup.get(t.lower()) for t in texts], dtype=object)
                bad_code = np.array([c is None for c in canon]) & (texts != "")
                _problem_rows(
                    problems,
                    file,
                    bad_code[codes],
                    col.name,
                    lambda i, c=codes, t=texts, ch=col.choices: text(
                        "value.not_allowed", value=t[c[i]], allowed=", ".join(ch)
                    ),
                )
                blank_default = col.default if col.default is not None else ""
                texts = np.where(texts == "", blank_default, np.where(bad_code, "", canon)).astype(
                    object
                )
            else:
                _mojibake_rows(problems, file, col.name, codes, texts)
            if col.name in CATEGORICAL:
                out[col.name] = _categorical(codes, texts, categories)
            else:
                out[col.name] = texts[codes]
    _needed_columns(present | meant, out, file, problems)
    # Free text stays numpy object arrays (pandas 3 would infer its Arrow string dtype, whose
    # every to_numpy() copies 100,000 strings); the choice columns and the grouping texts are
    # Categorical (equal to their text; the engine compares integer codes).
    frame = pd.DataFrame(
        {
            k: v
            if isinstance(v, pd.Categorical)
            else (pd.Series(v, dtype=object) if np.asarray(v).dtype.kind == "O" else v)
            for k, v in out.items()
        }
    )
    _check_cross_fields(frame, file, problems)
    _check_products(frame, file, problems)
    warnings: list[InputWarning] = []
    _blank_cells(frame, blanks, file, problems, warnings)
    frame["book_value"] = np.where(
        np.isnan(frame["book_value"]), frame["market_value"], frame["book_value"]
    )
    _derivative_book_value(frame)
    _plausibility(frame, file, problems, warnings, valuation_date or dt.date.today())
    if problems:
        raise InputError(problems)
    defaulted = defaulted_rows(frame, blanks)
    used = {c: len(rows) for c, rows in defaulted.items()}
    note = defaults_note(used)
    if note is not None:
        notes.append(note)
    return Holdings(
        frame.reset_index(drop=True),
        file,
        warnings=tuple(warnings),
        notes=tuple(notes),
        ignored_columns=tuple(ignored),
        mapping=mapping_dict,
        defaults_used=used,
        defaulted=defaulted,
    )


def defaults_note(used: dict[str, int]) -> Text | None:
    """The note listing the blank cells that took a documented default (None when none)."""
    if not used:
        return None
    shown = ", ".join(f"{c} {k}" for c, k in used.items())
    return text("holdings.defaults_used", count=sum(used.values()), columns=shown)


def _mojibake_rows(
    problems: list[InputProblem], file: str, column: str, codes: np.ndarray, texts: np.ndarray
) -> None:
    mask = _mojibake(codes, texts)
    if mask.any():
        found: list[InputProblem | InputWarning] = []
        _breach(found, R_MOJIBAKE, file, column, mask, texts[codes])
        problems.extend(p for p in found if isinstance(p, InputProblem))


def _is(frame: pd.DataFrame, column: str, values) -> np.ndarray:
    """Mask of rows whose text ``column`` is one of ``values`` (compared by code)."""
    series = frame[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, cats = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, cats = pd.factorize(series.to_numpy())
    table = np.append(np.isin(np.asarray(cats, dtype=object), list(values)), False)
    return table[codes]


def _check_cross_fields(frame: pd.DataFrame, file: str, problems: list[InputProblem]) -> None:
    at = frame["asset_type"]
    ids = frame["id"]
    dup = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
    _problem_rows(
        problems,
        file,
        dup,
        "id",
        lambda i: text("holdings.duplicate_id", value=ids.iloc[i]),
    )
    domestic = _is(frame, "region", ("domestic",))
    # an equity trust has no surface default charge (Rule 7 Art. 21 covers debt-type products)
    rated = (
        _is(frame, "asset_type", RATED)
        & domestic
        & ~(_is(frame, "asset_type", ("trust_plan",)) & _is(frame, "trust_kind", ("equity",)))
    )
    _problem_rows(
        problems,
        file,
        rated & _is(frame, "rating", ("",)),
        "rating",
        lambda i: text(
            "holdings.rating_required", asset_type=at.iloc[i], allowed=", ".join(RATINGS)
        ),
    )
    needs_duration = _is(frame, "asset_type", BONDS) & domestic
    _problem_rows(
        problems,
        file,
        needs_duration & np.isnan(frame["modified_duration"].to_numpy()),
        "modified_duration",
        lambda i: text("holdings.duration_required", asset_type=at.iloc[i]),
    )
    stock = _is(frame, "asset_type", ("stock",)) & domestic
    _problem_rows(
        problems,
        file,
        stock & _is(frame, "board", ("",)),
        "board",
        text("holdings.board_required", allowed=", ".join(BOARDS)),
    )
    _problem_rows(
        problems,
        file,
        stock & np.isnan(frame["purchase_cost"].to_numpy()),
        "purchase_cost",
        text("holdings.cost_required"),
    )
    dep = _is(frame, "asset_type", ("deposit", "structured_deposit"))
    _problem_rows(
        problems,
        file,
        dep & _is(frame, "bank_type", ("",)),
        "bank_type",
        text("holdings.bank_type_required", allowed=", ".join(BANK_TYPES)),
    )
    pref = _is(frame, "asset_type", ("preferred_share", "perpetual_bond"))
    _problem_rows(
        problems,
        file,
        pref & _is(frame, "issuer_type", ("",)),
        "issuer_type",
        text("holdings.issuer_type_required", allowed=", ".join(ISSUER_TYPES)),
    )
    # a non-financial issuer's perpetual bond is not a Rule 8 Art. 36 capital instrument: it is
    # charged as a rated corporate bond (Rule 9 Art. 15), so it needs rating and duration
    corp_perpetual = (
        _is(frame, "asset_type", ("perpetual_bond",))
        & domestic
        & _is(frame, "issuer_type", ("non_financial",))
    )
    _problem_rows(
        problems,
        file,
        corp_perpetual & _is(frame, "rating", ("",)),
        "rating",
        lambda i: text("holdings.perpetual_rating_required", row=i + 2, allowed=", ".join(RATINGS)),
    )
    _problem_rows(
        problems,
        file,
        corp_perpetual & np.isnan(frame["modified_duration"].to_numpy()),
        "modified_duration",
        lambda i: text("holdings.perpetual_duration_required", row=i + 2),
    )
    _check_derivatives(frame, file, problems)


def _check_products(frame: pd.DataFrame, file: str, problems: list[InputProblem]) -> None:
    """Rule 7 products: kinds, the Art. 25 exemption test, waivers, partial look-through,
    the CIIF II flag, overseas money-market instruments and the look-through data date."""
    at = frame["asset_type"]
    domestic = _is(frame, "region", ("domestic",))
    exempt = frame["exempt"].to_numpy(dtype=bool)
    waived = frame["waive_exemption"].to_numpy(dtype=bool)
    lt = frame["look_through"].to_numpy(dtype=bool)
    kinds = _is(frame, "asset_type", KIND_PRODUCTS)
    _problem_rows(
        problems,
        file,
        kinds & domestic & _is(frame, "product_kind", ("",)),
        "product_kind",
        lambda i: text(
            "holdings.product_kind_required",
            row=i + 2,
            asset_type=at.iloc[i],
            allowed=", ".join(PRODUCT_KINDS),
        ),
    )
    _problem_rows(
        problems,
        file,
        _is(frame, "asset_type", ("trust_plan",)) & domestic & _is(frame, "trust_kind", ("",)),
        "trust_kind",
        lambda i: text("holdings.trust_kind_required", row=i + 2, allowed=", ".join(TRUST_KINDS)),
    )
    _problem_rows(
        problems,
        file,
        exempt & ~_is(frame, "asset_type", EXEMPTIBLE),
        "exempt",
        lambda i: text("holdings.exempt_not_allowed", row=i + 2, asset_type=at.iloc[i]),
    )
    _problem_rows(
        problems,
        file,
        waived & ~kinds,
        "waive_exemption",
        lambda i: text("holdings.waive_not_allowed", row=i + 2),
    )
    share = frame["largest_underlying_share"].to_numpy(dtype=float)
    claimed = exempt & ~waived & _is(frame, "asset_type", EXEMPTIBLE)
    _problem_rows(
        problems,
        file,
        claimed & kinds & np.isnan(share),
        "largest_underlying_share",
        lambda i: text("holdings.exempt_share_required", row=i + 2, asset_type=at.iloc[i]),
    )
    lt_share = frame["look_through_share"].to_numpy(dtype=float)
    found: list[InputProblem | InputWarning] = []
    for column, values in (("largest_underlying_share", share), ("look_through_share", lt_share)):
        _breach(found, R_SHARE, file, column, values > 1.0, values)
    over = claimed & (share > EXEMPT_LARGEST_SHARE) & (share <= 1.0)
    _breach(found, R_EXEMPT_LARGEST, file, "largest_underlying_share", over, share)
    count = frame["underlying_count"].to_numpy(dtype=float)
    few = (
        claimed
        & _is(frame, "asset_type", ("insurance_abs_plan",))
        & (count <= EXEMPT_ABS_MIN_COUNT)
    )
    _breach(found, R_EXEMPT_COUNT, file, "underlying_count", few, count)
    problems.extend(p for p in found if isinstance(p, InputProblem))
    _problem_rows(
        problems,
        file,
        ~lt & np.isfinite(lt_share),
        "look_through_share",
        lambda i: text("holdings.share_without_look_through", row=i + 2),
    )
    _problem_rows(
        problems,
        file,
        frame["ciif_national_strategy"].to_numpy(dtype=bool)
        & ~(_is(frame, "asset_type", ("unlisted_equity",)) & domestic),
        "ciif_national_strategy",
        lambda i: text("holdings.ciif_not_allowed", row=i + 2),
    )
    _problem_rows(
        problems,
        file,
        ~_is(frame, "money_market_instrument", ("",))
        & ~(_is(frame, "asset_type", BONDS) & ~domestic),
        "money_market_instrument",
        lambda i: text("holdings.instrument_not_allowed", row=i + 2),
    )
    dates = frame["look_through_date"].to_numpy().astype(object)
    given = dates != ""
    if given.any():
        # year first only (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, an Excel date's midnight):
        # 03/04/2024 is March or April depending on who typed it
        cells = pd.Series(dates[given], dtype=object).astype(str)
        year_first = cells.str.fullmatch(_YEAR_FIRST_DATE).to_numpy(dtype=bool)
        parsed = pd.to_datetime(
            cells.where(year_first, "").str.replace(r"[ T]00:00:00$", "", regex=True),
            errors="coerce",
            format="mixed",
        )
        bad = np.zeros(len(dates), dtype=bool)
        bad[np.flatnonzero(given)] = parsed.isna().to_numpy()
        _problem_rows(
            problems,
            file,
            bad,
            "look_through_date",
            lambda i: text("holdings.not_date", value=dates[i]),
        )
        iso = np.where(parsed.isna(), "", parsed.dt.strftime("%Y-%m-%d").fillna("")).astype(object)
        dates = dates.copy()
        dates[np.flatnonzero(given)] = iso
        frame["look_through_date"] = pd.Series(dates, dtype=object)


_YEAR_FIRST_DATE = r"\d{4}([-/])\d{1,2}\1\d{1,2}(?:[ T]00:00:00)?|\d{8}"


def look_through_dates(frame: pd.DataFrame) -> np.ndarray:
    """``look_through_date`` as numpy datetime64[D] (NaT where blank)."""
    raw = frame["look_through_date"].to_numpy().astype(object)
    return pd.to_datetime(pd.Series(np.where(raw == "", None, raw)), errors="coerce").to_numpy(
        dtype="datetime64[D]"
    )


def look_through_age(
    frame: pd.DataFrame, valuation_date: dt.date | None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose look-through data are too old or later than the valuation date.

    Rule 7 Art. 11: the look-through uses the current quarter's information, or the previous
    quarter's (投后报告) where it cannot be had; a product whose data are of neither is a
    product that cannot be looked through. The quarter is the calendar quarter of
    ``look_through_date`` against that of ``valuation_date``. Only looked-through non-base
    assets (``look_through = true``) with a ``look_through_date`` are tested.

    Returns
    -------
    stale, future : bool arrays (n,)
        ``stale``: data from before the previous quarter (charged as not looked through);
        ``future``: data dated after the valuation date (refused). Both all False without a
        valuation date.
    """
    n = len(frame)
    none = np.zeros(n, dtype=bool)
    if valuation_date is None or n == 0:
        return none, none.copy()
    days = look_through_dates(frame)
    given = ~np.isnat(days)
    if not given.any():
        return none, none.copy()
    lt = frame["look_through"].to_numpy(dtype=bool) & _is(frame, "asset_type", NON_BASE)
    given &= lt
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12
    quarter = years * 4 + months // 3
    v_quarter = valuation_date.year * 4 + (valuation_date.month - 1) // 3
    stale = given & (quarter < v_quarter - 1)
    future = given & (days > np.datetime64(valuation_date, "D"))
    return stale, future


#: columns whose blank is refused on the rows the engine reads them for (their rule gives no
#: value for missing information, and every default would lower the capital of some rows);
#: their ``Column.default`` only fills rows that do not read them
REQUIRED_WHEN_READ = (
    "conversion_clause",
    "principal_protected",
    "property_tier",
    "loan_class",
    "currency",
)

#: where a documented default is counted (``Holdings.defaults_used``): the columns the engine
#: reads for an asset type (:data:`NEEDED_BY`) and a few more, on the rows that read them
DEFAULT_COUNTED: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    *NEEDED_BY,
    ("book_value", ("stock",), True),
    ("fund_kind", ("pe_vc_fund",), False),
    ("coupon_frequency", BONDS, True),
)


def defaults_used(frame: pd.DataFrame, blanks: dict[str, np.ndarray]) -> dict[str, int]:
    """Positions whose blank cell took the column's documented default, per column, counted on
    the rows the engine reads the column for (:data:`DEFAULT_COUNTED`; ``currency`` on the
    overseas rows); columns without any are left out."""
    return {c: len(rows) for c, rows in defaulted_rows(frame, blanks).items()}


def defaulted_rows(frame: pd.DataFrame, blanks: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The rows (0-based, int32) counted by :func:`defaults_used`, per column."""
    domestic = _is(frame, "region", ("domestic",))
    masks: dict[str, np.ndarray] = {}
    for column, types, domestic_only in DEFAULT_COUNTED:
        mask = _is(frame, "asset_type", types) & blanks[column]
        if domestic_only:
            mask &= domestic
        masks[column] = masks.get(column, np.zeros(len(frame), dtype=bool)) | mask
    for column in OVERSEAS_NEEDED:
        masks[column] = masks.get(column, np.zeros(len(frame), dtype=bool)) | (
            ~domestic & blanks[column]
        )
    return {c: np.flatnonzero(m).astype(np.int32) for c, m in masks.items() if m.any()}


def _blank_cells(
    frame: pd.DataFrame,
    blanks: dict[str, np.ndarray],
    file: str,
    problems: list[InputProblem],
    warnings: list[InputWarning],
) -> None:
    """Blank cells that would lower the capital if they took a default: refused where the rule
    gives no value for missing information (the column is required for those rows), else filled
    with the rule's missing-data value and warned once (docs/formats.md §1, ``blank cell``)."""
    domestic = _is(frame, "region", ("domestic",))
    issuer = _is(frame, "issuer_type", ("non_financial",))
    capital = _is(frame, "asset_type", ("preferred_share",)) | (
        _is(frame, "asset_type", ("perpetual_bond",)) & ~issuer
    )
    _problem_rows(
        problems,
        file,
        capital & blanks["conversion_clause"],
        "conversion_clause",
        text("holdings.clause_required"),
    )
    _problem_rows(
        problems,
        file,
        ~domestic & blanks["currency"],
        "currency",
        text("holdings.currency_required", allowed=", ".join(CURRENCIES)),
    )
    _problem_rows(
        problems,
        file,
        _is(frame, "asset_type", ("structured_deposit",)) & blanks["principal_protected"],
        "principal_protected",
        text("holdings.protected_required"),
    )
    _problem_rows(
        problems,
        file,
        _is(frame, "asset_type", ("investment_property",)) & domestic & blanks["property_tier"],
        "property_tier",
        text("holdings.tier_required"),
    )
    looked = frame["look_through"].to_numpy(dtype=bool) & domestic
    exempt = _is(frame, "asset_type", ("insurance_abs_plan",)) & frame["exempt"].to_numpy(
        dtype=bool
    )
    _problem_rows(
        problems,
        file,
        _is(frame, "asset_type", _PRODUCTS)
        & looked
        & ~exempt
        & ~_is(frame, "trust_kind", ("equity",))  # an equity trust holds no loans (Art. 31)
        & blanks["loan_class"],
        "loan_class",
        text("holdings.loan_class_required", allowed=", ".join(LOAN_CLASSES)),
    )
    _problem_rows(
        problems,
        file,
        _is(frame, "asset_type", NON_BASE) & looked & ~exempt & blanks["layers"],
        "layers",
        text("holdings.layers_required"),
    )
    # Art. 36: the issuer's ratios matter for a financial issuer's instrument with a clause
    unknown = (capital & ~issuer & frame["conversion_clause"].to_numpy(dtype=bool)) & blanks[
        "issuer_ratios_met"
    ]
    insurer = _is(frame, "issuer_type", ("insurer",))
    _problem_rows(
        problems,
        file,
        unknown & insurer,
        "issuer_ratios_met",
        text("holdings.ratios_met_required"),
    )
    found: list[InputProblem | InputWarning] = []
    shown = text("holdings.blank")
    blank_text = np.full(len(frame), shown.en, dtype=object)
    _breach(found, R_RATIOS_UNKNOWN, file, "issuer_ratios_met", unknown & ~insurer, blank_text)
    warnings.extend(w for w in found if isinstance(w, InputWarning))


def read_holdings(
    source: str | Path | bytes,
    name: str | None = None,
    mapping: Mapping | dict | str | Path | None = None,
    valuation_date: dt.date | None = None,
) -> Holdings:
    """Read and validate a holdings file (.csv, .xlsx or .parquet).

    Parameters
    ----------
    source : path or bytes
        The file, or an upload's bytes (then pass ``name``).
    name : str, optional
        File name for messages and to pick the format of bytes.
    mapping : Mapping or path, optional
        A mapping file (``mapping.toml``, :mod:`analyzer.io.mapping`) that turns an insurer's
        own export (its headers, asset codes, amounts in 万元 or 亿元) into the holdings
        format; kept in ``Holdings.mapping``.
    valuation_date : date, optional
        The date the positions are valued at (the company file's); the plausibility checks
        that depend on a date (a stock held longer than its board has existed) use it, else
        today.

    Raises
    ------
    InputError
        For an unreadable file or any invalid cell (see :func:`validate_holdings`).
    """
    from analyzer.io.mapping import Mapping, load_mapping
    from analyzer.io.tables import read_table

    label = name or (str(source) if not isinstance(source, bytes) else "<upload>")
    numeric = [c.name for c in COLUMNS if c.kind in ("number", "int")]
    if mapping is not None:
        if not isinstance(mapping, Mapping):
            mapping = load_mapping(mapping)
        numeric = mapping.numeric_headers(numeric)
    return validate_holdings(
        read_table(source, name=label, numeric=numeric),
        file=label,
        mapping=mapping,
        valuation_date=valuation_date,
    )


# --- derivatives (Rule 8 Art. 15-16, 35, 56-58; Rule 9 Art. 33) -------------------------------

#: columns whose minimum (0) does not apply to derivatives: a derivative's market value is its
#: fair value (its book value under Rule 9 Art. 33), negative when the contract is a liability
SIGNED_FOR_DERIVATIVES = ("market_value",)
#: the direction each derivative type takes (Rule 8 Art. 15: swaps receive or pay the fixed rate)
DERIVATIVE_DIRECTIONS: dict[str, tuple[str, ...]] = {
    "interest_rate_swap": ("pay_fixed", "receive_fixed"),
    "treasury_future": ("long", "short"),
    "stock_index_future": ("long", "short"),
    "fx_forward": ("long", "short"),
}
#: the hedged position types each derivative may name in ``hedged_id`` (Art. 16: bonds;
#: Art. 35: listed stocks; Art. 58: any foreign-currency asset, checked by currency)
HEDGEABLE: dict[str, tuple[str, ...]] = {
    "treasury_future": BONDS,
    "stock_index_future": ("stock",),
}
HEDGE_EFFECTIVENESS_REFUSE = 1.25

R_HEDGE_EFFECTIVENESS = rule(
    "holdings.hedge_effectiveness_percent",
    "refuse",
    "hedge effectiveness is a fraction (0.95 for 95%); the accounting test accepts at most 125%, "
    "so a value above 1.25 is a percentage typed as a number",
    "套期有效性按小数填写（95% 填 0.95）；会计准则的有效性区间上限为 125%，"
    "大于 1.25 说明按百分数填写",
)

register(
    {
        "holdings.derivative_required": (
            "'{column}' is required for {asset_type}: {why}",
            "{asset_type} 必须填写 '{column}'：{why}",
        ),
        "holdings.derivative_direction": (
            "direction '{value}' does not fit {asset_type}; allowed: {allowed}",
            "方向 '{value}' 不适用于 {asset_type}；允许的取值：{allowed}",
        ),
        "holdings.hedged_unknown": (
            "hedged_id names '{value}', which is not the id of a position in the file",
            "hedged_id 中的 '{value}' 不是本文件中任何持仓的 id",
        ),
        "holdings.hedged_type": (
            "hedged_id '{value}' is a {hedged}; a {asset_type} hedges {allowed} ({article})",
            "hedged_id '{value}' 是 {hedged}；{asset_type} 只能对冲 {allowed}（{article}）",
        ),
        "holdings.hedged_currency": (
            "hedged_id '{value}' is held in {hedged}, the forward is in {currency}: an FX "
            "hedge pairs a contract with assets of its own currency (Rule 8 Art. 58)",
            "hedged_id '{value}' 的币种为 {hedged}，远期合约币种为 {currency}："
            "外汇套期须与同币种资产配对（规则第8号第58条）",
        ),
        "holdings.hedged_twice": (
            "position '{value}' is hedged by derivatives naming different hedged portfolios; "
            "derivatives that hedge the same positions must name the same hedged_id",
            "持仓 '{value}' 被多个衍生品对冲且其 hedged_id 不同；"
            "对冲同一组持仓的衍生品必须填写相同的 hedged_id",
        ),
        "derivative.why.notional": (
            "the exposure is the contract's notional (Rule 8 Art. 15-16, 35, 58)",
            "风险暴露为合约名义本金（规则第8号第15-16、35、58条）",
        ),
        "derivative.why.underlying": (
            "name what the contract references (index, bond, rate, currency pair)",
            "请填写合约标的（指数、债券、利率、货币对）",
        ),
        "derivative.why.direction": (
            "the sign of the exposure (Rule 8 Art. 15 swap direction; Art. 16, 35 long or short)",
            "风险暴露的方向（规则第8号第15条互换方向；第16、35条多头或空头）",
        ),
        "derivative.why.duration": (
            "RF0 is a function of the contract's modified duration (Rule 8 Art. 14-16)",
            "基础因子取决于合约的修正久期（规则第8号第14-16条）",
        ),
        "derivative.why.currency": (
            "the FX factor and the net position are per currency (Rule 8 Art. 57-58); a "
            "forward's currency is its foreign currency, not CNY",
            "汇率风险因子与净头寸按币种计算（规则第8号第57-58条）；"
            "远期合约的币种为其外币，不能为 CNY",
        ),
        "derivative.why.counterparty": (
            "claims and debts are netted per counterparty (Rule 9 Art. 33)",
            "按同一交易对手抵销债权债务（规则第9号第33条）",
        ),
        "derivative.why.hedged_id": (
            "a hedge that meets the effectiveness test is combined with the positions it "
            "hedges (Rule 8 Art. 16, 35, 58)",
            "符合套期有效性要求的套期与被套期持仓合并计算（规则第8号第16、35、58条）",
        ),
        "derivative.why.effectiveness": (
            "the offset is contract value x hedge effectiveness x factor (Rule 8 Art. 16, 35, 58)",
            "抵减额为合约价值 x 套期有效性 x 风险因子（规则第8号第16、35、58条）",
        ),
        "derivative.why.months": (
            "a hedge shorter than one month is charged differently (Rule 8 Art. 16, 35)",
            "套期期限低于1个月的计量方法不同（规则第8号第16、35条）",
        ),
    }
)


def _derivative_rows(asset_type) -> np.ndarray:
    """Mask of derivative rows of an asset-type column (Categorical or text)."""
    values = np.asarray(asset_type, dtype=object)
    return pd.Series(values, dtype=object).isin(DERIVATIVES).to_numpy()


def _derivative_book_value(frame: pd.DataFrame) -> None:
    """A derivative's book value counts towards its counterparty (Rule 8 Art. 64-65) only when
    the contract is an asset: a liability (negative fair value) counts 0, never less."""
    deriv = _derivative_rows(frame["asset_type"])
    if deriv.any():
        frame["book_value"] = np.where(
            deriv, np.maximum(frame["book_value"].to_numpy(dtype=float), 0.0), frame["book_value"]
        )


def split_ids(value: str) -> tuple[str, ...]:
    """The ids of a ``hedged_id`` cell (';'-separated, blanks dropped), sorted."""
    return tuple(sorted({p.strip() for p in str(value).split(";") if p.strip()}))


def _check_derivatives(frame: pd.DataFrame, file: str, problems: list[InputProblem]) -> None:
    """What a derivative row needs (docs/formats.md §1, derivatives)."""
    deriv = _derivative_rows(frame["asset_type"])
    if not deriv.any():
        return
    at = frame["asset_type"].astype(object).to_numpy()
    blank = {c: _is(frame, c, ("",)) for c in ("underlying", "counterparty", "currency")}

    def need(mask: np.ndarray, column: str, why: str) -> None:
        def message(i: int) -> Text:
            reason = text(f"derivative.why.{why}")
            en = text(
                "holdings.derivative_required", column=column, asset_type=at[i], why=reason.en
            )
            zh = text(
                "holdings.derivative_required", column=column, asset_type=at[i], why=reason.zh
            )
            return Text(en.en, zh.zh)

        _problem_rows(problems, file, mask, column, message)

    need(deriv & np.isnan(frame["notional"].to_numpy(dtype=float)), "notional", "notional")
    need(deriv & blank["underlying"], "underlying", "underlying")
    direction = frame["direction"].astype(object).to_numpy()
    need(deriv & (direction == ""), "direction", "direction")
    fits = np.array(
        [
            d == "" or d in DERIVATIVE_DIRECTIONS.get(t, (d,))
            for t, d in zip(at, direction, strict=True)
        ]
    )
    _problem_rows(
        problems,
        file,
        deriv & ~fits,
        "direction",
        lambda i: text(
            "holdings.derivative_direction",
            value=direction[i],
            asset_type=at[i],
            allowed=", ".join(DERIVATIVE_DIRECTIONS[at[i]]),
        ),
    )
    rate = _is(frame, "asset_type", ("interest_rate_swap", "treasury_future"))
    need(
        rate & np.isnan(frame["modified_duration"].to_numpy(dtype=float)),
        "modified_duration",
        "duration",
    )
    fx = _is(frame, "asset_type", ("fx_forward",))
    need(fx & (blank["currency"] | _is(frame, "currency", ("CNY",))), "currency", "currency")
    need(
        _is(frame, "asset_type", ("interest_rate_swap", "fx_forward")) & blank["counterparty"],
        "counterparty",
        "counterparty",
    )
    effective = deriv & frame["hedge_effective"].to_numpy(dtype=bool)
    hedges = effective & ~_is(frame, "asset_type", ("interest_rate_swap",))
    hedged = frame["hedged_id"].astype(object).to_numpy()
    need(hedges & (hedged == ""), "hedged_id", "hedged_id")
    eff = frame["hedge_effectiveness"].to_numpy(dtype=float)
    need(hedges & np.isnan(eff), "hedge_effectiveness", "effectiveness")
    futures = _is(frame, "asset_type", ("treasury_future", "stock_index_future"))
    need(
        hedges & futures & np.isnan(frame["hedge_months"].to_numpy(dtype=float)),
        "hedge_months",
        "months",
    )
    found: list[InputProblem | InputWarning] = []
    _breach(
        found,
        R_HEDGE_EFFECTIVENESS,
        file,
        "hedge_effectiveness",
        eff > HEDGE_EFFECTIVENESS_REFUSE,
        eff,
    )
    problems.extend(p for p in found if isinstance(p, InputProblem))
    # the hedged positions: known ids, of a type (or currency) the derivative can hedge, and
    # each in one hedged portfolio only
    ids = frame["id"].astype(object).to_numpy()
    row_of = {v: i for i, v in enumerate(ids)}
    currency = frame["currency"].astype(object).to_numpy()
    group_of: dict[str, tuple[str, ...]] = {}
    for i in np.flatnonzero(deriv & (hedged != "")):
        group = split_ids(hedged[i])
        for h in group:
            j = row_of.get(h)
            if j is None or deriv[j]:
                problems.append(
                    InputProblem(
                        file, int(i) + 2, "hedged_id", text("holdings.hedged_unknown", value=h)
                    )
                )
                continue
            allowed = HEDGEABLE.get(at[i])
            if allowed is not None and at[j] not in allowed:
                article = "Rule 8 Art. 16" if at[i] == "treasury_future" else "Rule 8 Art. 35"
                problems.append(
                    InputProblem(
                        file,
                        int(i) + 2,
                        "hedged_id",
                        text(
                            "holdings.hedged_type",
                            value=h,
                            hedged=at[j],
                            asset_type=at[i],
                            allowed=", ".join(allowed),
                            article=article,
                        ),
                    )
                )
            if at[i] == "fx_forward" and currency[j] != currency[i]:
                problems.append(
                    InputProblem(
                        file,
                        int(i) + 2,
                        "hedged_id",
                        text(
                            "holdings.hedged_currency",
                            value=h,
                            hedged=currency[j] or "(blank)",
                            currency=currency[i],
                        ),
                    )
                )
            if not effective[i]:
                continue
            if group_of.setdefault(h, group) != group:
                problems.append(
                    InputProblem(
                        file, int(i) + 2, "hedged_id", text("holdings.hedged_twice", value=h)
                    )
                )


def products_without_underlyings(frame: pd.DataFrame, parents: Collection[str], file: str) -> list:
    """Looked-through portfolio products (``am_product``, ``wealth_management_product``) that are
    not exempt and have no underlyings in a look-through file (``parents``: the ids that have):
    Rule 7 Art. 14-20 charge them on what they hold, which their kind does not tell, so each is
    a problem naming its row and ``look_through`` (enter the underlyings, set look_through =
    false for Art. 31, or mark it exempt under Art. 25)."""
    problems: list[InputProblem] = []
    if frame.empty or "product_kind" not in frame:
        return problems
    kinds = _is(frame, "asset_type", KIND_PRODUCTS)
    if not kinds.any():
        return problems
    domestic = _is(frame, "region", ("domestic", ""))
    lt = frame["look_through"].to_numpy(dtype=bool)
    exempt = frame["exempt"].to_numpy(dtype=bool)
    waived = frame["waive_exemption"].to_numpy(dtype=bool)
    rows = np.flatnonzero(kinds & domestic & lt & (~exempt | waived))
    if not len(rows):
        return problems
    ids = frame["id"].astype(str).to_numpy()[rows]
    mask = np.zeros(len(frame), dtype=bool)
    mask[rows[~np.isin(ids, list(parents))]] = True
    at = frame["asset_type"]
    _problem_rows(
        problems,
        file,
        mask,
        "look_through",
        lambda i: text("holdings.product_needs_underlyings", row=i + 2, asset_type=str(at.iloc[i])),
    )
    return problems
