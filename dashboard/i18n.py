"""Labels in Chinese (default) and English: ``t(key, lang, **params)``.

Keys are dotted: ``nav.*`` page names, ``shell.*`` top bar, ``role.*`` / ``perm.*`` access
control, ``notice.*`` messages, ``login.*`` the login page, ``unit.*`` money units,
``metric.*`` / ``submodule.*`` domain terms shared by pages. Add a page's own labels under
its prefix (``overview.*``, ``lab.*``, ``solvency.*``, ``data.*``) with both languages:
``tests/dashboard/test_i18n_units.py`` checks every key has a non-empty zh and en text and
the same ``{placeholders}`` in both.
"""

from __future__ import annotations

import string
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"

#: key -> (zh, en)
_LABELS: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("偿二代资本与资产配置分析", "C-ROSS II capital and allocation analyzer"),
    "shell.lang": ("语言", "Language"),
    "shell.unit": ("金额单位", "Money unit"),
    "shell.logout": ("退出登录", "Log out"),
    "shell.user": ("{name}（{role}）", "{name} ({role})"),
    "shell.local_user": ("本地用户", "Local user"),
    "shell.not_found": ("页面不存在：{path}", "Page not found: {path}"),
    "shell.back_home": ("返回总览", "Back to the overview"),
    "shell.placeholder": ("本页内容建设中。", "This page is under construction."),
    "shell.data_missing": (
        "未找到示例数据文件：{files}。页面可以打开，但没有数据可显示；"
        "请在“数据”页上传持仓和公司文件，或设置 ANALYZER_HOLDINGS_FILE / ANALYZER_COMPANY_FILE。",
        "Sample data not found: {files}. The pages open but have no data to show; "
        "upload holdings and company files on the Data page, or set "
        "ANALYZER_HOLDINGS_FILE / ANALYZER_COMPANY_FILE.",
    ),
    # pages (nav names, titles and audiences)
    "nav.overview": ("总览", "Overview"),
    "nav.lab": ("配置实验室", "Allocation lab"),
    "nav.solvency": ("偿付能力", "Solvency"),
    "nav.data": ("数据", "Data"),
    "page.overview.title": ("偿付能力总览", "Solvency overview"),
    "page.overview.audience": ("面向公司管理层", "For executives"),
    "page.lab.title": ("资产配置实验室", "Allocation lab"),
    "page.lab.audience": ("面向资产管理人员", "For asset managers"),
    "page.solvency.title": ("偿付能力与风险资本", "Solvency and risk capital"),
    "page.solvency.audience": ("面向风险管理人员", "For risk officers"),
    "page.data.title": ("数据上传与下载", "Data uploads and downloads"),
    "page.data.audience": ("持仓、公司参数与报告", "Holdings, company parameters and reports"),
    # roles and permissions
    "role.executive": ("管理层", "Executive"),
    "role.asset_manager": ("资产管理人员", "Asset manager"),
    "role.risk_officer": ("风险管理人员", "Risk officer"),
    "perm.view": ("查看", "view"),
    "perm.edit": ("编辑配置", "edit allocations"),
    "perm.optimize": ("运行优化", "run optimisations"),
    "perm.save": ("保存情景", "save scenarios"),
    "perm.review": ("标记情景已复核", "mark scenarios reviewed"),
    "perm.upload": ("上传数据", "upload data"),
    "perm.delete": ("删除情景", "delete scenarios"),
    # notices
    "notice.denied": (
        "无权操作：{role}角色不能{permission}。",
        "Not allowed: the {role} role may not {permission}.",
    ),
    "notice.login_required": ("请先登录。", "Please log in first."),
    "notice.error": ("出错了：{message}", "Error: {message}"),
    "notice.saved": ("情景“{name}”已保存。", "Scenario “{name}” saved."),
    "notice.name_taken": (
        "该公司已有名为“{name}”的情景，请换一个名称。",
        "A scenario named “{name}” already exists for this company; choose another name.",
    ),
    "notice.reviewed": ("情景“{name}”已标记为已复核。", "Scenario “{name}” marked reviewed."),
    "notice.bad_name.empty": ("请填写情景名称。", "Enter a scenario name."),
    "notice.bad_name.too_long": (
        "情景名称最多 {limit} 个字符。",
        "A scenario name has at most {limit} characters.",
    ),
    "notice.bad_name.char": (
        "情景名称不能包含控制字符或文字方向控制字符（{char}）。",
        "A scenario name may not contain control or text-direction characters ({char}).",
    ),
    "notice.input_error": ("出错了：{message}", "Error: {message}"),
    "notice.untrusted": (
        "本页保存的情景无法验证（可能已在别处更改、已重新登录或角色已变更），已恢复为启动数据。",
        "The scenario held by this page could not be verified (changed elsewhere, signed in "
        "again or role changed); it is back to the start-up data.",
    ),
    "notice.upload_too_large": (
        "文件过大（上限 {limit} MB），未载入。",
        "The file is too large (limit {limit} MB); nothing was loaded.",
    ),
    "notice.request_refused": (
        "服务器无法读取该请求（HTTP {status}），未载入任何内容。",
        "The server could not read the request (HTTP {status}); nothing was loaded.",
    ),
    # login page
    "login.title": ("登录", "Log in"),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码错误。", "Wrong user name or password."),
    "login.switch": ("English", "中文"),
    "login.locked": (
        "登录失败次数过多，请 {minutes} 分钟后再试。",
        "Too many failed logins; try again in {minutes} minute(s).",
    ),
    # money units
    "unit.yi": ("亿元", "CNY 100m"),
    "unit.cny": ("元", "CNY"),
    # scenarios
    "scenario.name": ("情景名称", "Scenario name"),
    "scenario.author": ("创建人", "Author"),
    "scenario.created_at": ("创建时间", "Created"),
    "scenario.regime": ("监管规则", "Regime"),
    "scenario.reviewed_by": ("复核人", "Reviewed by"),
    "scenario.reviewed_at": ("复核时间", "Reviewed"),
    "scenario.save": ("保存情景", "Save scenario"),
    "scenario.load": ("载入情景", "Load scenario"),
    "scenario.compare": ("情景比较", "Compare scenarios"),
    "scenario.mark_reviewed": ("标记已复核", "Mark reviewed"),
    "scenario.delete": ("删除", "Delete"),
    "scenario.none": ("尚无已保存的情景。", "No saved scenarios yet."),
    # solvency metrics
    "metric.comprehensive_ratio": ("综合偿付能力充足率", "Comprehensive solvency ratio"),
    "metric.core_ratio": ("核心偿付能力充足率", "Core solvency ratio"),
    "metric.minimum_capital": ("最低资本", "Minimum capital"),
    "metric.actual_capital": ("实际资本", "Actual capital"),
    "metric.core_capital": ("核心资本", "Core capital"),
    "metric.market_risk": ("市场风险最低资本", "Market risk capital"),
    "metric.credit_risk": ("信用风险最低资本", "Credit risk capital"),
    "metric.insurance_risk": ("保险风险最低资本", "Insurance risk capital"),
    "metric.diversification": ("风险分散效应", "Diversification"),
    "metric.loss_absorption": ("损失吸收效应", "Loss absorption"),
    "metric.control_risk": ("控制风险最低资本", "Control risk capital"),
    "metric.additional_capital": ("附加资本", "Additional capital"),
    "metric.market_value": ("市值", "Market value"),
    "metric.weight": ("权重", "Weight"),
    "metric.headroom": ("剩余额度", "Headroom"),
    "metric.limit": ("上限", "Limit"),
    # sub-modules (order of architecture.md)
    "submodule.interest_rate": ("利率风险", "Interest rate"),
    "submodule.equity": ("权益价格风险", "Equity"),
    "submodule.real_estate": ("房地产价格风险", "Real estate"),
    "submodule.overseas_fixed_income_developed": (
        "境外固定收益（发达市场）",
        "Overseas fixed income (developed)",
    ),
    "submodule.overseas_fixed_income_emerging": (
        "境外固定收益（新兴市场）",
        "Overseas fixed income (emerging)",
    ),
    "submodule.overseas_equity_developed": ("境外权益（发达市场）", "Overseas equity (developed)"),
    "submodule.overseas_equity_emerging": ("境外权益（新兴市场）", "Overseas equity (emerging)"),
    "submodule.fx": ("汇率风险", "FX"),
    "submodule.spread": ("利差风险", "Spread"),
    "submodule.default": ("交易对手违约风险", "Counterparty default"),
}


def normalize_lang(lang: str | None) -> str:
    """``"en"`` or ``"zh"``; anything else (None, "zh-CN", ...) falls back sensibly."""
    if lang and lang.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG


def has(key: str) -> bool:
    return key in _LABELS


def keys() -> list[str]:
    """All label keys (for tests and tooling)."""
    return sorted(_LABELS)


def t(key: str, lang: str | None = DEFAULT_LANG, **params: Any) -> str:
    """The label ``key`` in ``lang`` with ``{params}`` filled in.

    A parameter value that is a string starting with ``@`` is itself a key and is
    translated first (``t("notice.denied", "en", role="@role.executive", ...)``).
    An unknown key returns the key itself, so a missing label is visible, not fatal.
    """
    pair = _LABELS.get(key)
    if pair is None:
        return key
    text = pair[1] if normalize_lang(lang) == "en" else pair[0]
    if not params:
        return text
    filled = {
        name: t(value[1:], lang) if isinstance(value, str) and value.startswith("@") else value
        for name, value in params.items()
    }
    try:
        return text.format(**filled)
    except (KeyError, IndexError):
        return text


def placeholders(key: str, lang: str) -> set[str]:
    """The ``{names}`` used by a label (tests check zh and en agree)."""
    text = t(key, lang)
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def register(labels: dict[str, tuple[str, str]]) -> None:
    """Add labels at import time of a page module (``{key: (zh, en)}``); no overrides."""
    for key, pair in labels.items():
        if key in _LABELS and _LABELS[key] != pair:
            raise ValueError(f"label {key!r} is already defined differently")
        if len(pair) != 2 or not all(isinstance(s, str) and s for s in pair):
            raise ValueError(f"label {key!r} needs a non-empty (zh, en) pair")
        _LABELS[key] = pair
