"""Chinese and English texts of the solvency engine's errors (ids ``solvency.*``), and
:func:`compose`, which fills a message whose fields are themselves texts in both languages."""

from __future__ import annotations

from collections.abc import Iterable

from analyzer.messages import CATALOGUE, Text, register


def compose(code: str, **fields: object) -> Text:
    """The catalogue message ``code`` with ``fields`` filled in, in both languages; a field that
    is a :class:`~analyzer.messages.Text` goes in in the matching language (``text`` would put
    its English into both)."""
    en, zh = CATALOGUE[code]
    return Text(
        en.format(**{k: v.en if isinstance(v, Text) else v for k, v in fields.items()}),
        zh.format(**{k: v.zh if isinstance(v, Text) else v for k, v in fields.items()}),
    )


def join(parts: Iterable[Text | str], sep: str = "solvency.join.list") -> Text:
    """Join texts with the catalogue separator ``sep`` of each language."""
    en_sep, zh_sep = CATALOGUE[sep]
    parts = [p if isinstance(p, Text) else Text(str(p), str(p)) for p in parts]
    return Text(en_sep.join(p.en for p in parts), zh_sep.join(p.zh for p in parts))


register(
    {
        # separators used by join()
        "solvency.join.list": (", ", "、"),
        "solvency.join.and": (" and ", "与"),
        "solvency.join.or": ("; or ", "；或者"),
        # engine
        "solvency.non_base_duration_required": (
            "row {row}: modified duration (years) is required for a {asset_type} of at most "
            "{layers} layers: option non_base_interest_rate_scope = 'every_method' charges it "
            "the Rule 8 Art. 14 duration factor (金规〔2023〕5号 二(五))",
            "第 {row} 行：{asset_type}（不超过 {layers} 层）必须填写修正久期（年）：选项 "
            "non_base_interest_rate_scope = 'every_method' 按规则第8号第14条久期因子计量"
            "（金规〔2023〕5号 二(五)）",
        ),
        "solvency.life_needs_liabilities": (
            "a life insurer needs liability cash flows and a spot curve",
            "寿险公司需要负债现金流和即期利率曲线",
        ),
        "solvency.life_field_required": (
            "required for {asset_type} of a life insurer (interest-rate scenario method, "
            "Rule 8 Art. 13)",
            "寿险公司的 {asset_type} 必须填写（利率风险情景法，规则第 8 号第十三条）",
        ),
        "solvency.at_least_one": ("must be at least 1", "必须至少为 1"),
        "solvency.above_zero": (
            "must be above 0 (years to maturity)",
            "必须大于 0（剩余期限，年）",
        ),
        "solvency.call_within_maturity": (
            "the first exercise date must be above 0 and not after maturity_years "
            "(years after the valuation date; blank for an asset without an option)",
            "首次行权日必须大于 0 且不晚于 maturity_years（距评估日的年数；无选择权的资产留空）",
        ),
        "solvency.no_overseas_rule": (
            "{asset_type} has no overseas rule; use region 'domestic'",
            "{asset_type} 没有境外资产的计量规则；region 请填 'domestic'",
        ),
        "solvency.rated_perpetual": (
            "{what} is required for {asset_type} in row {row}: a non-financial issuer's "
            "perpetual bond is a rated corporate bond (not a Rule 8 Art. 36 capital instrument)",
            "第 {row} 行的 {asset_type} 必须填写{what}：非金融企业发行的永续债按有评级的"
            "企业债计量（不是规则第 8 号第三十六条的资本工具）",
        ),
        "solvency.rated_local_government": (
            "{what} is required for {asset_type} in row {row}: option "
            "local_government_credit_exempt is False: local-government bonds take the Rule 9 "
            "Art. 15 rated spread table",
            "第 {row} 行的 {asset_type} 必须填写{what}：选项 local_government_credit_exempt "
            "为 False，地方政府债适用规则第 9 号第十五条的评级利差表",
        ),
        "solvency.what.rating": ("a rating", "评级"),
        "solvency.what.duration": ("a modified duration (years)", "修正久期（年）"),
        "solvency.class_required": (
            "every position needs a {column} for optimisation",
            "优化时每个持仓都必须填写 {column}",
        ),
        # options and regime tables
        "solvency.unknown_option_value": (
            "unknown value '{value}' for {name}; allowed: {allowed}",
            "{name} 的取值 '{value}' 未知；允许的取值：{allowed}",
        ),
        "solvency.life_table_malformed": (
            "life_interest_rate table is malformed: {reason}",
            "life_interest_rate 参数表格式错误：{reason}",
        ),
        "solvency.life_table_years": (
            "life_interest_rate table: need 0 < last_liquid_year ({t1}) < ultimate_year ({t2})",
            "life_interest_rate 参数表：需要 0 < last_liquid_year（{t1}）< ultimate_year（{t2}）",
        ),
        "solvency.life_table_stress": (
            "life_interest_rate table: 'years' must be 1..last_liquid_year with one 'up' and "
            "one 'down' stress per year",
            "life_interest_rate 参数表：'years' 必须为 1..last_liquid_year，"
            "且每年各有一个 'up' 和 'down' 压力值",
        ),
        "solvency.regime_no_table": (
            "regime {regime} has no table {table}",
            "监管口径 {regime} 没有参数表 {table}",
        ),
        "solvency.unknown_regime": (
            "unknown regime '{regime}'; allowed: {allowed}",
            "未知的监管口径 '{regime}'；允许的取值：{allowed}",
        ),
    }
)
