"""The holdings input workbook of ``analyzer template``: read back by the holdings reader,
drop-downs on every choice and true/false column, instructions in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import typer
from openpyxl.utils import column_index_from_string
from typer.testing import CliRunner

from analyzer.commands import template as template_command
from analyzer.errors import InputError
from analyzer.io import holdings as H
from analyzer.io.company import read_company
from analyzer.io.holdings import read_holdings
from analyzer.io.template import (
    DATA_SHEET,
    DESCRIPTIONS,
    EXAMPLES,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    write_template,
)
from analyzer.solvency.engine import evaluate

ROOT = Path(__file__).resolve().parents[3]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "holdings.xlsx", lang="zh")


def test_examples_read_back_one_per_asset_type(workbook: Path) -> None:
    holdings = read_holdings(workbook)
    frame = holdings.frame
    assert len(frame) == len(EXAMPLES)
    assert sorted(frame["asset_type"].astype(str)) == sorted(H.ASSET_TYPES)
    assert list(frame["id"]) == [e["id"] for e in EXAMPLES]
    expected = np.array([e["market_value"] for e in EXAMPLES], dtype=float)
    np.testing.assert_allclose(frame["market_value"].to_numpy(), expected, rtol=0, atol=1e-6)
    # a value typed in the example arrives unchanged (not replaced by a default)
    stock = frame[frame["asset_type"] == "stock"].iloc[0]
    assert stock["board"] == "main" and bool(stock["csi300"]) is True
    assert stock["purchase_cost"] == pytest.approx(324494757.79)
    sd = frame[frame["asset_type"] == "structured_deposit"].iloc[0]
    assert sd["bank_type"] == "joint_stock" and sd["bank_car"] == pytest.approx(0.151)


@pytest.mark.parametrize("company", ["life", "pc"])
def test_examples_evaluate_for_life_and_pc_insurers(workbook: Path, company: str) -> None:
    """The examples are complete: a life insurer's scenario method finds every cash-flow field."""
    result = evaluate(
        read_holdings(workbook), read_company(ROOT / "data" / company / "company.toml")
    )
    assert np.isfinite(result.minimum_capital) and result.minimum_capital > 0


def _validations(ws) -> dict[str, list]:
    """Column letter -> the data validations whose range starts at row 2 of that column."""
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            m = re.fullmatch(r"([A-Z]+)2:([A-Z]+)(\d+)", rng)
            assert m and m.group(1) == m.group(2), rng
            assert int(m.group(3)) >= 100_000  # covers a real book, not only the examples
            out.setdefault(m.group(1), []).append(dv)
    return out


def test_every_choice_and_bool_column_has_a_drop_down(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    ws = wb[DATA_SHEET]
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    header = [c.value for c in ws[1]]
    assert header == list(H.COLUMN_NAMES)
    by_letter = _validations(ws)
    checked = 0
    for j, column in enumerate(H.COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(j)
        if column.kind not in ("choice", "bool"):
            continue
        kinds = [dv for dv in by_letter.get(letter, []) if dv.type == "list"]
        assert len(kinds) == 1, column.name
        formula = kinds[0].formula1
        if column.kind == "bool":
            assert formula == '"true,false"'
        else:
            m = re.fullmatch(rf"'{LISTS_SHEET}'!\$([A-Z]+)\$2:\$([A-Z]+)\$(\d+)", formula)
            assert m, formula
            col = column_index_from_string(m.group(1))
            values = [lists.cell(row=r, column=col).value for r in range(2, int(m.group(3)) + 1)]
            assert values == list(column.choices), column.name
        checked += 1
    assert checked == sum(c.kind in ("choice", "bool") for c in H.COLUMNS)


def test_number_columns_refuse_values_below_their_minimum(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)[DATA_SHEET]
    by_letter = _validations(ws)
    for j, column in enumerate(H.COLUMNS, start=1):
        if column.kind in ("number", "int") and column.minimum is not None:
            (dv,) = by_letter[openpyxl.utils.get_column_letter(j)]
            assert dv.type == ("whole" if column.kind == "int" else "decimal")
            assert dv.operator == "greaterThanOrEqual"
            assert float(dv.formula1) == column.minimum


def test_instructions_cover_every_column_in_both_languages(workbook: Path) -> None:
    assert set(DESCRIPTIONS) == set(H.COLUMN_NAMES), "describe every holdings column"
    ws = openpyxl.load_workbook(workbook)[INSTRUCTIONS_SHEET]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in H.COLUMN_NAMES}
    assert set(rows) == set(H.COLUMN_NAMES)
    for column in H.COLUMNS:
        name, zh, en, *_ = rows[column.name]
        assert CJK.search(zh), column.name
        assert en and en != zh and re.search("[a-z]{3}", en), column.name
        allowed = rows[column.name][6]
        for choice in column.choices:
            assert choice in allowed
    # the defaults shown are the reader's
    assert rows["region"][8] == "domestic"
    assert rows["market_value"][8] == "required"
    # required where read (Rule 9 Art. 21 has no factor for an unknown protection): no default
    assert not rows["principal_protected"][8]


def test_a_bad_value_typed_into_the_template_is_refused_with_its_row(tmp_path: Path) -> None:
    rows = [dict(e) for e in EXAMPLES]
    rows[4]["rating"] = "AAA+"
    path = write_template(tmp_path / "bad.xlsx", examples=rows)
    with pytest.raises(InputError) as err:
        read_holdings(path)
    assert [(p.row, p.column) for p in err.value.problems] == [(6, "rating")]


def test_command_writes_workbook_and_refuses_other_suffixes(tmp_path: Path) -> None:
    app = typer.Typer()
    template_command.register(app)
    app.command("noop")(lambda: None)  # a group, as in the real CLI
    runner = CliRunner()
    out = tmp_path / "mine.xlsx"
    result = runner.invoke(app, ["template", "--output", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert len(read_holdings(out)) == len(EXAMPLES)
    result = runner.invoke(app, ["template", "--output", str(tmp_path / "x.csv")])
    assert isinstance(result.exception, InputError)
    assert ".xlsx" in str(result.exception)
    assert not (tmp_path / "x.csv").exists()
    # an existing file (perhaps a filled-in book) is kept unless --force
    out.write_bytes(b"my positions")
    result = runner.invoke(app, ["template", "--output", str(out)])
    assert isinstance(result.exception, InputError) and "--force" in str(result.exception)
    assert out.read_bytes() == b"my positions"
    result = runner.invoke(app, ["template", "--output", str(out), "--force"])
    assert result.exit_code == 0 and len(read_holdings(out)) == len(EXAMPLES)


def test_needed_for_follows_the_readers_table(workbook: Path) -> None:
    """Where the reader declares which asset types need a column, the instructions say so."""
    ws = openpyxl.load_workbook(workbook)[INSTRUCTIONS_SHEET]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in H.COLUMN_NAMES}
    assert "stock" in rows["board"][10] and "stock" in rows["purchase_cost"][10]
    assert all(t in rows["bank_type"][10] for t in ("deposit", "structured_deposit"))
    for column, types, _ in getattr(H, "NEEDED_BY", ()):
        needed_en = rows[column][10]
        assert needed_en.endswith("every position") or all(t in needed_en for t in types), column


def test_text_columns_are_formatted_as_text(workbook: Path) -> None:
    """Excel keeps what is typed in a text column (an id 0001 stays 0001, not the number 1)."""
    ws = openpyxl.load_workbook(workbook)[DATA_SHEET]
    for j, column in enumerate(H.COLUMNS, start=1):
        fmt = ws.column_dimensions[openpyxl.utils.get_column_letter(j)].number_format
        assert (fmt == "@") == (column.kind in ("text", "choice", "bool")), column.name
