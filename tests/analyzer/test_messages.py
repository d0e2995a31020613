"""Messages in Chinese and English: the one catalogue is complete and consistent, the core
builds its errors from it (no plain-string messages), and the command line speaks the
user's language."""

from __future__ import annotations

import ast
import csv
import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest

import analyzer
from analyzer.cli import main
from analyzer.errors import (
    InfeasibleError,
    InputError,
    InputProblem,
    ParameterError,
    SolverError,
)
from analyzer.messages import CATALOGUE, Text, load_texts, set_language, text

ROOT = Path(__file__).resolve().parents[2]
LIFE = ROOT / "data" / "life"
#: Chinese script: ideographs, CJK punctuation (、。「」) and full-width forms (，：（）)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: modules that register messages when imported (every module of the package is imported
#: below as well, so that ids added anywhere are checked)
REGISTERING = (
    "analyzer.errors",
    "analyzer.solvency.messages",
    "analyzer.optimize.messages",
    "analyzer.stress.messages",
    "analyzer.topdown",
    "analyzer.compliance",
    "analyzer.report.solvency_text",
    "analyzer.io.template",
)


#: ids whose text names the other language (the login page's language switch)
SWITCHES = ("login.switch",)


def _import_everything() -> None:
    load_texts()  # the dashboard's texts (analyzer/texts/), read on demand
    for name in REGISTERING:
        importlib.import_module(name)
    for info in pkgutil.walk_packages(analyzer.__path__, "analyzer."):
        importlib.import_module(info.name)


def _fields(template: str) -> set[tuple[str, str | None]]:
    """The named fields of a template with their conversion (``!r``)."""
    return {
        (name, conversion)
        for _, name, _, conversion in string.Formatter().parse(template)
        if name is not None
    }


@pytest.fixture(scope="module")
def catalogue() -> dict[str, tuple[str, str]]:
    _import_everything()
    return dict(CATALOGUE)


def test_the_catalogue_holds_the_core_areas(catalogue) -> None:
    prefixes = {code.split(".")[0] for code in catalogue}
    assert {"solvency", "optimize", "stress", "topdown", "compliance", "report", "template"} <= (
        prefixes
    )
    assert len(catalogue) > 150


def test_every_entry_has_both_languages_with_the_same_fields(catalogue) -> None:
    bad = []
    for code, entry in catalogue.items():
        if not (isinstance(entry, tuple) and len(entry) == 2):
            bad.append(f"{code}: not an (English, Chinese) pair")
            continue
        en, zh = entry
        if not en.strip() and code not in ("where.sep",):
            bad.append(f"{code}: empty English text")
        if not CJK.search(zh) and code not in SWITCHES:
            bad.append(f"{code}: the Chinese text has no Chinese characters: {zh!r}")
        if _fields(en) != _fields(zh):
            bad.append(f"{code}: fields differ: {sorted(_fields(en))} vs {sorted(_fields(zh))}")
    assert not bad, "\n".join(bad)


def test_field_check_can_fail() -> None:
    assert _fields("'{value}' in {column!r}") == {("value", None), ("column", "r")}
    assert _fields("{value:g} 低于 {minimum:g}") == {("value", None), ("minimum", None)}
    assert _fields("a {x}") != _fields("甲 {y}")
    assert not CJK.search("no Chinese here (, :)")


# --------------------------------------------------------------------------------------------
# No plain-string messages in the core

#: Files converted by other engineers at the same time (their own areas); the coordinator
#: empties this list once their branches are merged, and the scan then covers them too.
PENDING: tuple[str, ...] = ()
#: Every other module of the package is scanned; these are the ones converted with this test.
CONVERTED: tuple[str, ...] = (
    "analyzer/solvency/*.py",
    "analyzer/optimize/*.py",
    "analyzer/stress/*.py",
    "analyzer/topdown.py",
    "analyzer/compliance.py",
    "analyzer/report/solvency_text.py",
    "analyzer/errors.py",
)

#: constructor -> index of the message among its positional arguments (and its keyword)
MESSAGE_ARG = {
    "InputProblem": 3,
    "single": 3,  # InputError.single(file, row, column, message)
    "ParameterError": 0,
    "InfeasibleError": 0,
    "SolverError": 0,
    "AnalyzerError": 0,
    "InputWarning": 4,
    "breach": 3,  # Rule.breach(file, column, rows, message)
}


def _is_plain_string(node: ast.AST | None, assigned: dict[str, list[ast.AST]]) -> bool:
    """A message built from a plain string: literal, f-string, concatenation, .format, % or
    a local variable assigned one of these."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _is_plain_string(node.left, assigned) or _is_plain_string(node.right, assigned)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return _is_plain_string(node.func.value, assigned)
    if isinstance(node, ast.IfExp):
        return _is_plain_string(node.body, assigned) or _is_plain_string(node.orelse, assigned)
    if isinstance(node, ast.Name):
        return any(_is_plain_string(v, {}) for v in assigned.get(node.id, []))
    return False


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def plain_string_messages(source: str, filename: str = "<source>") -> list[str]:
    """Where ``source`` builds an analyzer error, warning or input problem from a plain
    string (``file:line: Constructor``)."""
    tree = ast.parse(source, filename)
    found: list[tuple[int, str]] = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    scopes.append(tree)
    seen: set[int] = set()
    for scope in scopes:
        assigned: dict[str, list[ast.AST]] = {}
        # a parameter is the caller's message (checked where the caller builds it), even when
        # the function wraps it
        params = (
            {a.arg for a in (*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs)}
            if not isinstance(scope, ast.Module)
            else set()
        )
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in params:
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call) or id(node) in seen:
                continue
            name = _callee(node)
            if name not in MESSAGE_ARG:
                continue
            if name == "single" and not (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "InputError"
            ):
                continue
            seen.add(id(node))
            index = MESSAGE_ARG[name]
            message = node.args[index] if len(node.args) > index else None
            for kw in node.keywords:
                if kw.arg == "message":
                    message = kw.value
            if _is_plain_string(message, assigned):
                found.append((node.lineno, f"{filename}:{node.lineno}: {name}"))
    return [f for _, f in sorted(found)]


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return any(Path(path).match(p) for p in patterns)


def scanned_files() -> list[Path]:
    """Every module of the package except the pending ones."""
    out = []
    for path in sorted((ROOT / "analyzer").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not _matches(rel, PENDING):
            out.append(path)
    return out


def test_the_scan_finds_plain_string_messages() -> None:
    bad = """
def f(x):
    msg = f"bad {x}"
    raise ParameterError(msg)

def g(x):
    raise InputError.single("f.csv", 2, "c", "a value is required")

def h(x):
    problems.append(InputProblem("f", 2, "c", "must be " + x))
    raise InfeasibleError("no plan", [])

def k():
    return SolverError("failed: {}".format(1))
"""
    good = """
def f(x):
    raise ParameterError(text("solvency.unknown_regime", regime=x, allowed=""))

def g(x, message):
    raise InputError.single("f.csv", 2, "c", compose("solvency.at_least_one"))

def h(x):
    problems.append(InputProblem("<assumptions>", None, "c", text("value.required")))

def wraps(message):
    if not isinstance(message, Text):
        message = f"rows 1, 2: {message}"
    return InputProblem("f", None, None, message)
"""
    assert [f.split(": ")[1] for f in plain_string_messages(bad)] == [
        "ParameterError",
        "single",
        "InputProblem",
        "InfeasibleError",
        "SolverError",
    ]
    assert plain_string_messages(good) == []


def test_converted_core_builds_every_message_from_the_catalogue() -> None:
    files = scanned_files()
    rels = {p.relative_to(ROOT).as_posix() for p in files}
    for pattern in CONVERTED:  # the converted packages are really scanned
        assert any(Path(r).match(pattern) for r in rels), pattern
    found = []
    for path in files:
        found += plain_string_messages(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        )
    assert not found, "messages built from plain strings (use analyzer.messages):\n" + "\n".join(
        found
    )


# --------------------------------------------------------------------------------------------
# Errors carry both languages


def test_errors_keep_english_str_and_render_chinese() -> None:
    err = ParameterError(text("solvency.unknown_regime", regime="x", allowed="a, b"))
    assert str(err) == "unknown regime 'x'; allowed: a, b"
    assert err.args == ("unknown regime 'x'; allowed: a, b",)
    assert err.localized("zh") == "未知的监管口径 'x'；允许的取值：a, b"
    assert err.lines("en") == [str(err)]
    plain = SolverError("plain")
    assert plain.localized("zh") == "plain" and plain.text is None
    infeasible = InfeasibleError(
        Text("no plan", "无可行方案"), [{"message": "a", "message_zh": "甲"}, {"message": "b"}]
    )
    assert infeasible.lines("zh") == ["无可行方案", "  - 甲", "  - b"]
    assert infeasible.lines("en") == ["no plan", "  - a", "  - b"]
    problems = [InputProblem("f.csv", 3, "rating", text("value.required"))] * 2
    assert (
        InputError(problems).localized("zh")
        == "f.csv，第 3 行，列 'rating'：必须填写（另有 1 个问题）"
    )


def test_infeasible_plan_explained_in_both_languages() -> None:
    """The limits that conflict are named in Chinese too (message and each conflict)."""
    from analyzer.io import read_company, read_holdings
    from analyzer.io.assumptions import read_assumptions
    from analyzer.optimize import AllocationProblem, Limits, build_universe

    holdings = read_holdings(LIFE / "holdings.csv")
    company = read_company(LIFE / "company.toml")
    assumptions = read_assumptions(ROOT / "data" / "assumptions.csv")
    universe = build_universe(holdings, company, assumptions)
    limits = Limits(min_comprehensive=4.0, min_sci_tech=0.6)
    with pytest.raises(InfeasibleError) as exc:
        AllocationProblem(universe, "max_return", limits).solve()
    err = exc.value
    assert str(err).startswith("the 60.0% sci-tech minimum cannot hold with the other limits")
    assert "instead of the 400% comprehensive solvency-ratio floor" in str(err)
    zh = err.localized("zh")
    assert zh.startswith("科技投资占比 60.0% 的下限与其他限制无法同时满足；最多可达到"), zh
    assert "（而不是400% 的综合偿付能力充足率下限）" in zh, zh
    assert "sci-tech" not in zh and "instead" not in zh
    assert err.conflicts and all(CJK.search(c["message_zh"]) for c in err.conflicts)


# --------------------------------------------------------------------------------------------
# The command line in the user's language


@pytest.fixture
def reset_language():
    yield
    set_language(None)


def run(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code, capsys.readouterr().err


def _bad_aggregate_file(tmp_path: Path) -> Path:
    from analyzer.topdown import REQUIRED_COLUMNS

    path = tmp_path / "modules.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([*REQUIRED_COLUMNS, "total_assets"])
        row = {c: "0" for c in REQUIRED_COLUMNS}
        row.update(company="甲人寿", period="2025Q3", company_type="bank", market="100")
        w.writerow([*(row[c] for c in REQUIRED_COLUMNS), "1e11"])
    return path


@pytest.mark.parametrize("how", ["env", "option"])
def test_cli_errors_in_chinese(how, tmp_path, capsys, monkeypatch, reset_language) -> None:
    if how == "env":
        monkeypatch.setenv("ANALYZER_LANG", "zh")
        pre: list[str] = []
    else:
        monkeypatch.setenv("ANALYZER_LANG", "en")
        pre = ["--lang", "zh"]
    holdings, company = str(LIFE / "holdings.csv"), str(LIFE / "company.toml")
    code, err = run([*pre, "solvency", holdings, "-c", company, "--regime", "nope"], capsys)
    assert code == 2
    assert "未知的监管口径 'nope'" in err, err
    code, err = run([*pre, "aggregate", str(_bad_aggregate_file(tmp_path))], capsys)
    assert code == 2
    assert "'bank' 不是公司类型" in err and "第 2 行" in err, err


def test_cli_errors_in_english(tmp_path, capsys, monkeypatch, reset_language) -> None:
    monkeypatch.setenv("ANALYZER_LANG", "en")
    holdings, company = str(LIFE / "holdings.csv"), str(LIFE / "company.toml")
    code, err = run(["solvency", holdings, "-c", company, "--regime", "nope"], capsys)
    assert code == 2
    assert "unknown regime 'nope'" in err and not CJK.search(err), err
    code, err = run(["aggregate", str(_bad_aggregate_file(tmp_path))], capsys)
    assert code == 2 and "'bank' is not a company type" in err and "row 2" in err, err


def test_the_dashboard_texts_are_read_into_the_one_catalogue() -> None:
    from analyzer.messages import normalize_lang, template

    catalogue = load_texts()
    assert catalogue is CATALOGUE
    size = len(CATALOGUE)
    assert CATALOGUE["nav.lab"] == ("Allocation lab", "配置实验室")  # texts/dashboard/common.toml
    assert template("name.asset_class.vc_fund", "zh") == "创业投资基金"  # names.toml
    assert template("value.not_number", "zh") == "'{value}' 不是数字"  # a core message
    load_texts()  # read once
    assert len(CATALOGUE) == size
    with pytest.raises(KeyError):
        template("no.such.id", "en")
    assert [normalize_lang(x) for x in ("zh-CN", "EN_gb.UTF-8", None, "", "fr")] == (
        ["zh", "en", "en", "en", "en"]
    )
    assert normalize_lang("fr", "zh") == "zh" and normalize_lang("en", "zh") == "en"
