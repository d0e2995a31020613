"""Exported inputs (analyzer.io.export): the files read back with the ordinary readers give the
same holdings, company and solvency, to the last bit, and a failed write leaves no partial file."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.cli import main
from analyzer.errors import AnalyzerError
from analyzer.io import export
from analyzer.io.columns import COLUMN_NAMES
from analyzer.io.company import read_company
from analyzer.io.export import (
    CASH_FLOWS_FILE,
    LOOK_THROUGH_FILE,
    SPOT_CURVE_FILE,
    company_toml,
    export_inputs,
    look_through_cells,
    write_company,
    write_holdings,
)
from analyzer.io.holdings import read_holdings, validate_holdings
from analyzer.report.files import to_json
from analyzer.services.reading import load_inputs
from analyzer.solvency import underlyings
from analyzer.solvency.charges import ChargeContext
from analyzer.solvency.engine import evaluate
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, load_regime

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
MIDLIFE_EXTRA = {
    "look_through": DATA / "midlife" / "look_through.csv",
    "trades": DATA / "midlife" / "trades.csv",
}
SAMPLES = {"life": {}, "pc": {}, "midlife": MIDLIFE_EXTRA}


def _load(name: str):
    d = DATA / name
    return load_inputs(holdings=d / "holdings.csv", company=d / "company.toml", **SAMPLES[name])


def _reload(paths: dict[str, Path]):
    return load_inputs(
        holdings=paths["holdings"],
        company=paths["company"],
        look_through=paths.get("look_through"),
    )


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.int64)


def _assert_same_solvency(a, b) -> None:
    """Ratios, minimum capital and every submodule equal (==), and the whole result too."""
    assert a.core_ratio == b.core_ratio
    assert a.comprehensive_ratio == b.comprehensive_ratio
    assert a.minimum_capital == b.minimum_capital
    assert a.submodules == b.submodules
    assert a.market == b.market and a.credit == b.credit
    assert to_json(a.to_dict()) == to_json(b.to_dict())


def _assert_same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    for column in a.columns:
        x, y = a[column], b[column]
        if x.dtype.kind == "f":
            # bit for bit: NaN where NaN, the sign of zero kept
            assert np.array_equal(_bits(x), _bits(y)), column
        else:
            pd.testing.assert_series_equal(x, y, check_exact=True, obj=column)


def _assert_same_company(a, b) -> None:
    skip = {"source", "liabilities"}
    assert a.model_dump(exclude=skip) == b.model_dump(exclude=skip)
    if a.liabilities is None:
        assert b.liabilities is None
    else:
        assert np.array_equal(_bits(a.liabilities.cash_flows), _bits(b.liabilities.cash_flows))
        assert np.array_equal(_bits(a.liabilities.spot_curve), _bits(b.liabilities.spot_curve))


@pytest.mark.parametrize("name", list(SAMPLES))
def test_samples_round_trip_exactly(name: str, tmp_path: Path) -> None:
    before = _load(name)
    paths = export_inputs(before.holdings, before.company, tmp_path)
    expected = {"holdings", "company"}
    if before.company.liabilities is not None:
        expected |= {"liability_cash_flows", "spot_curve"}
    if before.holdings.look_through is not None:
        expected.add("look_through")
    assert set(paths) == expected and all(p.is_file() for p in paths.values())
    after = _reload(paths)
    _assert_same_frame(before.holdings.frame, after.holdings.frame)
    _assert_same_company(before.company, after.company)
    assert after.holdings.defaults_used == before.holdings.defaults_used
    assert [w.code for w in after.warnings] == [w.code for w in before.warnings]
    if before.holdings.look_through is not None:
        _assert_same_frame(before.holdings.look_through.frame, after.holdings.look_through.frame)
    _assert_same_solvency(
        evaluate(before.holdings, before.company), evaluate(after.holdings, after.company)
    )


def test_holdings_file_is_the_documented_format(tmp_path: Path) -> None:
    before = _load("midlife")
    path = write_holdings(before.holdings, tmp_path / "h.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert tuple(raw.columns) == COLUMN_NAMES
    assert set(raw["csi300"]) == {"true", "false"}
    # the stocks' holding periods came from the trade history: written as the numbers they are
    stocks = before.holdings.frame["asset_type"].astype(str).to_numpy() == "stock"
    held = before.holdings.frame["holding_years"].to_numpy()[stocks]
    assert [float(x) for x in raw["holding_years"][stocks]] == list(held)
    # the 8 blank layers that took their default (1) are written blank again
    rows = before.holdings.defaulted["layers"]
    assert len(rows) == 8 and set(raw["layers"].iloc[rows]) == {""}


def test_a_default_changed_since_reading_is_written(tmp_path: Path) -> None:
    before = _load("midlife").holdings
    rows = before.defaulted["layers"]
    frame = before.frame.copy()
    layers = frame["layers"].to_numpy().copy()
    layers[rows[0]] = 2.0
    frame["layers"] = layers
    changed = replace(before, frame=frame, look_through=None)
    after = read_holdings(write_holdings(changed, tmp_path / "h.csv"))
    assert after.frame["layers"].iloc[rows[0]] == 2.0
    assert after.defaults_used["layers"] == 7
    _assert_same_frame(frame, after.frame)


def test_scaled_holdings_round_trip(tmp_path: Path) -> None:
    before = _load("life")
    scaled = before.holdings.scaled({"cash": 1.3, "government_bond": 0.7})
    cash = before.holdings.frame["asset_class"].astype(str).to_numpy() == "cash"
    assert (
        scaled.frame["market_value"].to_numpy()[cash]
        > before.holdings.frame["market_value"].to_numpy()[cash]
    ).all()
    paths = export_inputs(scaled, before.company, tmp_path)
    after = _reload(paths)
    _assert_same_frame(scaled.frame, after.holdings.frame)
    _assert_same_solvency(evaluate(scaled, before.company), evaluate(after.holdings, after.company))


def _expanded(holdings, company) -> pd.DataFrame:
    ctx = ChargeContext(
        holdings.frame,
        load_regime(DEFAULT_REGIME),
        company,
        EngineOptions(),
        look_through=holdings.look_through,
    )
    return underlyings.expand(ctx).frame


def test_underlyings_follow_their_parents_value(tmp_path: Path) -> None:
    before = _load("midlife")
    h = before.holdings
    lt = h.look_through.frame
    parents = h.frame["id"].isin(set(lt["parent_id"])).to_numpy()
    classes = sorted(set(h.frame["asset_class"].astype(str).to_numpy()[parents]))
    moved = h.scaled(dict.fromkeys(classes, 1.25))
    paths = export_inputs(moved, before.company, tmp_path)
    after = _reload(paths)
    # read back against the moved parents: the values the file was read at are theirs now
    new_mv = dict(zip(moved.frame["id"], moved.frame["market_value"], strict=True))
    got = after.holdings.look_through.frame
    assert list(got["parent_value"]) == [new_mv[p] for p in got["parent_id"]]
    assert list(got["parent_value"]) != list(lt["parent_value"])
    # the rows the engine charges (parents, underlyings, remainders) are the same, amounts too
    _assert_same_frame(_expanded(moved, before.company), _expanded(after.holdings, after.company))
    _assert_same_solvency(evaluate(moved, before.company), evaluate(after.holdings, after.company))


def test_underlyings_of_a_parent_not_looked_through_are_left_out() -> None:
    h = _load("midlife").holdings
    lt = h.look_through.frame
    first = lt["parent_id"].iloc[0]
    frame = h.frame.copy()
    flags = frame["look_through"].to_numpy().copy()
    flags[(frame["id"] == first).to_numpy()] = False
    frame["look_through"] = flags
    cells = look_through_cells(h.look_through, replace(h, frame=frame))
    mine = (lt["parent_id"] == first).to_numpy()
    assert first not in set(cells["parent_id"])
    assert len(cells) == int((~mine).sum()) > 0
    # the underlyings' own ids, without the "<parent_id>/" the reader adds
    own = [i.split("/", 1)[1] for i in lt["id"][~mine]]
    assert list(cells["id"]) == own
    assert list(cells.columns[:3]) == ["parent_id", "share", "id"]
    assert "market_value" not in cells.columns


def test_blank_cell_warning_is_kept(tmp_path: Path) -> None:
    """A bank's preferred share with a clause and a blank issuer_ratios_met is warned (charged
    as not met); written back blank, the warning and the count stay."""
    source = tmp_path / "in.csv"
    source.write_text(
        "id,asset_type,market_value,counterparty,region,sci_tech,issuer_type,"
        "conversion_clause,issuer_ratios_met\n"
        "P1,preferred_share,1000000000.5,某银行,domestic,false,joint_stock,true,\n"
        'P2,preferred_share,2.0e8,"另一银行, ""总行""",domestic,false,joint_stock,true,true\n',
        encoding="utf-8",
    )
    before = read_holdings(source)
    assert [w.code for w in before.warnings] == ["holdings.issuer_ratios_unknown"]
    after = read_holdings(write_holdings(before, tmp_path / "out" / "holdings.csv"))
    assert [w.code for w in after.warnings] == ["holdings.issuer_ratios_unknown"]
    assert after.warnings[0].rows == before.warnings[0].rows
    assert after.defaults_used == before.defaults_used
    assert after.frame["counterparty"].iloc[1] == '另一银行, "总行"'
    _assert_same_frame(before.frame, after.frame)


def test_every_float_reads_back_bit_for_bit(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 4000
    values = rng.random(n) * 10.0 ** rng.integers(-9, 14, n)
    values[:6] = [0.0, -0.0, 5.0, 1e10, 3e11, 99999999999999.98]
    values[6:100] = np.round(values[6:100] * 100) / 100  # amounts in fen
    raw = pd.DataFrame(
        {
            "id": [f"C{i}" for i in range(n)],
            "asset_type": "cash",
            "market_value": "1",
            "region": "domestic",
            "sci_tech": "false",
        }
    )
    h = validate_holdings(raw, file="x.csv")
    frame = h.frame.copy()
    frame["market_value"] = values
    frame["book_value"] = values * rng.uniform(0.5, 2.0, n)  # within the plausible ratio
    after = read_holdings(write_holdings(replace(h, frame=frame), tmp_path / "h.csv"))
    for column in ("market_value", "book_value"):
        assert np.array_equal(_bits(after.frame[column]), _bits(frame[column])), column
    text = (tmp_path / "h.csv").read_text(encoding="utf-8")
    assert ",300000000000.0," in text  # every digit, not 3e+11


def test_company_toml_is_exact(tmp_path: Path) -> None:
    company = _load("midlife").company
    name = 'A "quoted" \\ name\nwith\ttabs \x01 and 中文'
    capital = company.capital.model_copy(update={"core_tier1": 9.0e9 + 0.1 + 1 / 3})
    odd = company.model_copy(update={"name": name, "capital": capital})
    text = company_toml(odd)
    data = tomllib.loads(text)
    assert data["name"] == name
    assert data["capital"]["core_tier1"] == capital.core_tier1
    assert len(data["credit_items"]) == len(company.credit_items) == 8
    # a credit item carries the keys of its type only
    assert "age_months" not in data["credit_items"][0]
    assert data["valuation_date"] == company.valuation_date
    path = write_company(odd, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "company.toml",
        CASH_FLOWS_FILE,
        SPOT_CURVE_FILE,
    }
    _assert_same_company(odd, read_company(path))


def test_company_without_optional_sections(tmp_path: Path) -> None:
    company = _load("pc").company
    text = company_toml(company)
    for absent in ("[liabilities]", "[liquidity]", "[[credit_items]]", "valuation_date"):
        assert absent not in text
    path = write_company(company, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["company.toml"]
    _assert_same_company(company, read_company(path))


def _json(args: list[str], capsys) -> dict:
    with pytest.raises(SystemExit) as exc:
        main(["solvency", *args, "--format", "json", "--no-positions"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    return json.loads(out)


def test_cli_on_an_exported_directory(tmp_path: Path, capsys) -> None:
    before = _load("midlife")
    directory = tmp_path / "2026-03-31"
    paths = export_inputs(before.holdings, before.company, directory)
    d = DATA / "midlife"
    original = _json(
        [
            str(d / "holdings.csv"),
            "--company",
            str(d / "company.toml"),
            "--look-through",
            str(MIDLIFE_EXTRA["look_through"]),
            "--trades",
            str(MIDLIFE_EXTRA["trades"]),
        ],
        capsys,
    )
    exported = _json(
        [
            str(directory / "holdings.csv"),
            "--company",
            str(directory / "company.toml"),
            "--look-through",
            str(paths["look_through"]),
        ],
        capsys,
    )
    for key in (
        "core_ratio",
        "comprehensive_ratio",
        "minimum_capital",
        "actual_capital",
        "market",
        "credit",
        "insurance",
    ):
        assert exported[key] == original[key], key
    assert math.isclose(original["core_ratio"], 1.2327576637044666, rel_tol=1e-12)


def test_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch) -> None:
    h = _load("pc").holdings
    target = tmp_path / "holdings.csv"
    real = export._csv_chunks

    def half(cells):
        pieces = real(cells)
        yield next(pieces)
        yield next(pieces)[:100]
        raise OSError("disk full")

    monkeypatch.setattr(export, "_csv_chunks", half)
    with pytest.raises(OSError, match="disk full"):
        write_holdings(h, target)
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temp file
    # an earlier complete file stays as it was
    monkeypatch.setattr(export, "_csv_chunks", real)
    write_holdings(h, target)
    good = target.read_bytes()
    monkeypatch.setattr(export, "_csv_chunks", half)
    with pytest.raises(OSError):
        write_holdings(h, target)
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["holdings.csv"]
    # a company file that fails half-way is not left behind (nor its temp file); the
    # liability files written before it are complete
    monkeypatch.setattr(export, "_csv_chunks", real)
    life = _load("life").company
    real_atomic = export.atomic_write

    def flaky(path, write):
        if Path(path).suffix == ".toml":

            def partial(tmp: Path) -> None:
                tmp.write_text('name = "', encoding="utf-8")
                raise OSError("disk full")

            return real_atomic(path, partial)
        return real_atomic(path, write)

    monkeypatch.setattr(export, "atomic_write", flaky)
    folder = tmp_path / "co"
    with pytest.raises(OSError, match="disk full"):
        write_company(life, folder)
    assert sorted(p.name for p in folder.iterdir()) == [CASH_FLOWS_FILE, SPOT_CURVE_FILE]
    flows = pd.read_csv(folder / CASH_FLOWS_FILE)["net_outflow"].to_numpy()
    assert np.array_equal(_bits(flows), _bits(life.liabilities.cash_flows))


def test_a_number_that_cannot_be_read_back_writes_nothing(tmp_path: Path) -> None:
    before = _load("life")
    frame = before.holdings.frame.copy()
    mv = frame["market_value"].to_numpy().copy()
    mv[3] = np.inf
    frame["market_value"] = mv
    with pytest.raises(AnalyzerError, match="market_value of row 5"):
        export_inputs(replace(before.holdings, frame=frame), before.company, tmp_path / "d")
    assert not (tmp_path / "d").exists()


def test_stale_files_of_an_earlier_export_are_removed(tmp_path: Path) -> None:
    mid = _load("midlife")
    export_inputs(mid.holdings, mid.company, tmp_path)
    assert (tmp_path / LOOK_THROUGH_FILE).is_file()
    pc = _load("pc")
    paths = export_inputs(pc.holdings, pc.company, tmp_path)
    assert set(paths) == {"holdings", "company"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company.toml", "holdings.csv"]


def test_a_company_number_that_cannot_be_read_back_writes_nothing(tmp_path: Path) -> None:
    before = _load("life")
    liab = before.company.liabilities
    curve = liab.spot_curve.copy()
    curve[2] = np.nan
    broken = before.company.model_copy(
        update={"liabilities": liab.model_copy(update={"spot_curve": curve})}
    )
    with pytest.raises(AnalyzerError, match="rate of row 4 is nan"):
        export_inputs(before.holdings, broken, tmp_path / "d")
    capital = before.company.capital.model_copy(update={"core_tier1": math.inf})
    with pytest.raises(AnalyzerError, match="capital.core_tier1 is inf"):
        export_inputs(
            before.holdings, before.company.model_copy(update={"capital": capital}), tmp_path / "d"
        )
    assert not (tmp_path / "d").exists()
