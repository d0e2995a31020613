"""Move the dashboard's label tables into TOML files of analyzer/texts/dashboard/ (run once).

Reads every top-level ``register({...})`` / ``i18n.register({...})`` call of the dashboard's
modules, ``_LABELS`` of dashboard/i18n.py and the name tables of dashboard/names.py (all
``key -> (zh, en)``), writes them as ``["key"] en = ... zh = ...`` tables, checks the files read
back to the same texts byte for byte, and deletes the register calls from the modules.
"""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
OUT = ROOT / "analyzer" / "texts" / "dashboard"

#: module -> (TOML file, what it holds)
SOURCES = {
    "dashboard/i18n.py": (
        "common.toml",
        "the app shell, access control, notices, login, units, "
        "scenarios, metrics and sub-modules shared by the pages",
    ),
    "dashboard/figures.py": ("figures.toml", "the overview and solvency figures"),
    "dashboard/lab_figures.py": ("lab_figures.toml", "the allocation lab's figures"),
    "dashboard/stress_figures.py": ("stress_figures.toml", "the stress page's figures"),
    "dashboard/pages/overview.py": ("overview.toml", "the overview page"),
    "dashboard/pages/solvency.py": ("solvency.toml", "the solvency page"),
    "dashboard/pages/lab.py": ("lab.toml", "the allocation lab"),
    "dashboard/pages/stress.py": ("stress.toml", "the stress page"),
    "dashboard/pages/data.py": ("data.toml", "the data page"),
}
NAME_TABLES = {
    "ASSET_CLASSES": "asset_class",
    "ASSET_TYPES": "asset_type",
    "MODULES": "module",
    "LIMITS": "limit",
    "BINDING": "binding",
    "UNIT_PARTS": "unit_part",
}


def _is_register(node: ast.stmt) -> bool:
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    func = node.value.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name == "register" and len(node.value.args) == 1


def _pairs(value: object, where: str) -> dict[str, tuple[str, str]]:
    assert isinstance(value, dict), where
    for key, pair in value.items():
        assert isinstance(key, str) and isinstance(pair, tuple) and len(pair) == 2, (where, key)
        assert all(isinstance(s, str) for s in pair), (where, key)
    return value


def _toml_string(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)  # JSON escapes are valid TOML basic-string escapes
    assert "\x7f" not in out
    return out


def write(path: Path, title: str, labels: dict[str, tuple[str, str]]) -> None:
    lines = [
        f"# Dashboard texts: {title}.",
        "# One table per catalogue id: the English and the Chinese template, with the same",
        "# {placeholders}. Read into analyzer.messages.CATALOGUE at import.",
    ]
    for key, (zh, en) in labels.items():
        lines += [
            "",
            f"[{_toml_string(key)}]",
            f"en = {_toml_string(en)}",
            f"zh = {_toml_string(zh)}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    back = tomllib.loads(path.read_text(encoding="utf-8"))
    assert list(back) == list(labels), path
    for key, (zh, en) in labels.items():
        assert back[key] == {"en": en, "zh": zh}, (path, key)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    seen: dict[str, tuple[str, str]] = {}
    for rel, (fname, title) in SOURCES.items():
        path = ROOT / rel
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        labels: dict[str, tuple[str, str]] = {}
        cut: list[tuple[int, int]] = []
        for node in tree.body:
            if _is_register(node):
                labels.update(_pairs(ast.literal_eval(node.value.args[0]), rel))
                cut.append((node.lineno, node.end_lineno))
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == "_LABELS"
            ):
                labels.update(_pairs(ast.literal_eval(node.value), rel))
                cut.append(
                    (
                        node.lineno - 1
                        if "#: key" in source.splitlines()[node.lineno - 2]
                        else node.lineno,
                        node.end_lineno,
                    )
                )
        assert labels, rel
        for key, pair in labels.items():
            assert seen.get(key, pair) == pair, (rel, key)
            seen[key] = pair
        write(OUT / fname, title, labels)
        lines = source.splitlines(keepends=True)
        for start, end in sorted(cut, reverse=True):
            stop = end
            while stop < len(lines) and not lines[stop].strip():
                stop += 1  # the blank lines after the block
            del lines[start - 1 : stop]
        path.write_text("".join(lines), encoding="utf-8")
        print(f"{rel}: {len(labels)} labels -> {fname}")
    names = ROOT / "dashboard" / "names.py"
    tree = ast.parse(names.read_text(encoding="utf-8"))
    labels = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") in NAME_TABLES:
            kind = NAME_TABLES[node.target.id]
            table = _pairs(ast.literal_eval(node.value), node.target.id)
            labels.update({f"name.{kind}.{key}": pair for key, pair in table.items()})
    assert not set(labels) & set(seen)
    write(
        OUT / "names.toml",
        "display names of the analyzer's keys (asset classes, asset types, "
        "risk modules, compliance limits, the optimiser's limits and unit pieces), "
        "``name.<kind>.<key>``",
        labels,
    )
    print(f"dashboard/names.py: {len(labels)} names -> names.toml (tables rewritten by hand)")


if __name__ == "__main__":
    main()
