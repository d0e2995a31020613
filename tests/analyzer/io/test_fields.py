"""The readers' shared helpers (``analyzer.io.fields``) and the column table
(``analyzer.io.columns``): one "did you mean" for keys and headers, and the layering of
``analyzer/io`` (leaves import no reader, no reader imports the validation layer)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analyzer.io import columns, holdings
from analyzer.io.fields import edit_distance, suggest

IO = Path(__file__).resolve().parents[3] / "analyzer" / "io"


@pytest.mark.parametrize(
    ("name", "default", "strict"),
    [
        # contained in exactly one known name: a hint for a key, too loose to refuse a header
        ("market_value_cny", "market_value", None),
        ("comment", None, None),  # nothing alike under either mode
        # a plural: the default finds it by containment, the strict mode as a plural
        ("regions", "region", "region"),
        # a small typing error: difflib for a key, edit distance 1 for a header
        ("modifed_duration", "modified_duration", "modified_duration"),
        # case and separators never matter
        ("Market Value", "market_value", "market_value"),
        # a non-ASCII header only through a synonym (the strict mode is given them)
        ("市值", None, "market_value"),
    ],
)
def test_one_suggest_two_strengths(name, default, strict):
    known = columns.COLUMN_NAMES
    assert suggest(name, known) == default
    assert suggest(name, known, synonyms=columns.SYNONYMS, strict=True) == strict


def test_suggest_column_is_the_strict_suggest_on_the_column_table():
    for header in ("issuer", "lookthrough", "csi_300", "bank-car", "maket_value", "comment"):
        assert holdings.suggest_column(header) == suggest(
            header, columns.COLUMN_NAMES, synonyms=columns.SYNONYMS, strict=True
        )
    assert holdings.suggest_column("maket_value") == "market_value"
    assert holdings.suggest_column("comment") is None


def test_ties_go_to_the_first_known_name():
    # "abcdx" is one edit from both; the order of ``known`` decides
    assert suggest("abcdx", ["abcde", "abcdy"], strict=True) == "abcde"
    assert suggest("abcdx", ["abcdy", "abcde"], strict=True) == "abcdy"


@pytest.mark.parametrize(
    ("a", "b", "limit", "expected"),
    [
        ("marketvalue", "marketvalue", 2, 0),
        ("maketvalue", "marketvalue", 2, 1),  # one deletion
        ("makretvalue", "marketvalue", 2, 1),  # one swap of neighbours
        ("mkaretvalue", "marketvalue", 2, 2),
        ("value", "marketvalue", 2, 3),  # beyond the limit: limit + 1
    ],
)
def test_edit_distance(a, b, limit, expected):
    assert edit_distance(a, b, limit) == expected


def test_holdings_re_exports_the_column_table():
    for name in ("COLUMNS", "COLUMN_NAMES", "AMOUNT_COLUMNS", "ASSET_TYPES", "SYNONYMS"):
        assert getattr(holdings, name) is getattr(columns, name)


def _imports(path: Path) -> set[str]:
    """Every ``analyzer`` module a file imports, at the top or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m == "analyzer" or m.startswith("analyzer.")}


def test_the_leaves_import_no_reader():
    assert _imports(IO / "fields.py") == {"analyzer.errors", "analyzer.messages"}
    assert _imports(IO / "columns.py") == {"analyzer.io.fields"}


def test_no_reader_imports_the_validation_layer():
    """The readers sit below ``load_inputs`` (analyzer.services.inputs): none imports it or
    the cross-file checks, and nothing of analyzer/io imports a layer above it."""
    for path in sorted(IO.glob("*.py")):
        found = _imports(path)
        assert not any(m.startswith("analyzer.services") for m in found), path.name
        if path.name != "inputs.py":
            assert "analyzer.io.inputs" not in found, path.name
    for name in ("mapping.py", "columns.py", "fields.py"):
        assert "analyzer.io.holdings" not in _imports(IO / name), name
