"""The front ends (the command line and the dashboard) reach the core through
:mod:`analyzer.api` only.

Every module under ``analyzer/commands/``, ``analyzer/cli.py`` and every module under
``dashboard/`` may import, of the analyzer, only ``analyzer`` itself (whose attributes are
the services), ``analyzer.api``, ``analyzer.errors`` and, among the commands,
``analyzer.commands.*``. Imports inside functions count, and so do the module names given
to ``importlib.import_module`` as text.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = ("analyzer", "analyzer.api", "analyzer.errors")
ALLOWED_PREFIX = "analyzer.commands"


def _allowed(module: str) -> bool:
    return module in ALLOWED or module == ALLOWED_PREFIX or module.startswith(ALLOWED_PREFIX + ".")


def _api_names() -> set[str]:
    import analyzer.api

    return set(analyzer.api.__all__)


def forbidden_imports(source: str, name: str = "<source>") -> list[str]:
    """The imports of ``source`` that reach into the analyzer past its API, as
    ``"file:line: module"``."""
    tree = ast.parse(source, filename=name)
    api_names = _api_names()
    bad = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "analyzer":  # ``from analyzer import x``: x a module or a service
                modules = [
                    "analyzer" if a.name in api_names else f"analyzer.{a.name}" for a in node.names
                ]
            else:
                modules = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                modules = [arg.value]
            elif isinstance(arg, ast.JoinedStr) and arg.values:
                head = arg.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    modules = [head.value.rstrip(".")]
        for module in modules:
            if (module == "analyzer" or module.startswith("analyzer.")) and not _allowed(module):
                bad.append(f"{name}:{node.lineno}: {module}")
    return bad


def _files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def _scan(paths: Iterable[Path]) -> list[str]:
    bad = []
    for path in _files(paths):
        bad += forbidden_imports(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return bad


def test_the_checker_finds_deep_imports() -> None:
    source = (
        "import analyzer.solvency.engine\n"
        "from analyzer.io.inputs import load_inputs\n"
        "from analyzer import messages, api, evaluate\n"
        "def f():\n"
        "    from analyzer.optimize import frontier\n"
        "    importlib.import_module('analyzer.report.files')\n"
        "    importlib.import_module(f'analyzer.commands.{name}')\n"
        "from analyzer.api import evaluate\n"
        "from analyzer.errors import InputError\n"
        "import pandas\n"
    )
    found = [b.split(": ", 1)[1] for b in forbidden_imports(source)]
    assert found == [
        "analyzer.solvency.engine",
        "analyzer.io.inputs",
        "analyzer.messages",
        "analyzer.optimize",
        "analyzer.report.files",
    ]


def test_command_line_imports_only_the_api() -> None:
    files = _files([ROOT / "analyzer" / "commands", ROOT / "analyzer" / "cli.py"])
    assert len(files) >= 10  # every command module is scanned
    assert _scan([ROOT / "analyzer" / "commands", ROOT / "analyzer" / "cli.py"]) == []


def test_dashboard_imports_only_the_api() -> None:
    assert _files([ROOT / "dashboard"])
    assert _scan([ROOT / "dashboard"]) == []


def test_every_api_name_resolves() -> None:
    """Each name ``analyzer.api`` lists loads, and ``analyzer.<name>`` is the same object."""
    import analyzer
    import analyzer.api

    for name in analyzer.api.__all__:
        value = getattr(analyzer.api, name)
        assert getattr(analyzer, name) is value, name


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_core_never_imports_dash_or_plotly() -> None:
    """The core stays a library: no module under ``analyzer/`` imports Dash or plotly, even
    inside a function (``analyzer dashboard`` starts the app through the ``dashboard``
    package, which is the front end)."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_top_level_imports(path) & {"dash", "plotly"})
        for path in _files([ROOT / "analyzer"])
    }
    assert len(offenders) > 50  # the whole core is scanned
    assert {k: v for k, v in offenders.items() if v} == {}
    # and the check can fail
    probe = ROOT / "analyzer" / "commands" / "dashboard.py"
    assert "dashboard" in _top_level_imports(probe)
