"""The JSON and Parquet writers of analyzer/report/files.py.

The column-wise JSON writer is checked against the standard library's ``json`` on the
per-row dicts (the independent formulation it replaces): parsed, the two are identical, keys
in the same order, every float to the last bit and still a float. Non-finite numbers are
refused before anything is written.
"""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.cli import main
from analyzer.errors import AnalyzerError
from analyzer.io import read_company, read_holdings
from analyzer.report import files
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import load_regime

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = {"life": ROOT / "data" / "life", "pc": ROOT / "data" / "pc"}


def exact(value):
    """A structure that compares floats by their bits and keeps int/float apart."""
    if isinstance(value, dict):
        return [(k, exact(v)) for k, v in value.items()]  # key order counts
    if isinstance(value, list):
        return [exact(v) for v in value]
    if isinstance(value, float):
        return ("float", struct.pack("<d", value))
    return (type(value).__name__, value)


def written(data: dict, tables: dict) -> str:
    out = io.BytesIO()
    files.write_json(data, out, tables)
    return out.getvalue().decode("utf-8")


def reference(data: dict, tables: dict) -> str:
    """What the standard library writes for the same content (the former writer)."""
    full = {**data, **{k: t.to_dict(orient="records") for k, t in tables.items()}}
    return files.to_json(full, strict=True)


@pytest.mark.parametrize("sample", list(SAMPLES), ids=list(SAMPLES))
def test_solvency_json_identical_to_the_standard_library(sample: str) -> None:
    folder = SAMPLES[sample]
    result = evaluate(
        read_holdings(folder / "holdings.csv"),
        read_company(folder / "company.toml"),
        load_regime("cross2-2025-12"),
    )
    new = json.loads(written(result.to_dict(holdings=False), {"holdings": result.position_table()}))
    old = json.loads(files.to_json(result.to_dict()))
    assert len(new["holdings"]) == len(result.holdings) > 100
    assert exact(new) == exact(old)


def _awkward_floats(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bits = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, n, dtype=np.int64)
    values = bits.view(np.float64)
    values = values[np.isfinite(values)]
    edges = [0.0, -0.0, 5.0, -3.0, 1e16, 1e15, 2.0**53, 1e-7, 1e-5, 1e-4, 0.1 + 0.2, 5e-324]
    edges += [1.7976931348623157e308, -2.2250738585072014e-308, 123456789.125, 1e22, 1e21]
    money = np.round(rng.lognormal(16, 2, n), 2)
    return np.concatenate([values, np.array(edges), money, money * 0.15])


def test_floats_read_back_to_the_last_bit_and_stay_floats() -> None:
    values = _awkward_floats(20_000, seed=3)
    table = pd.DataFrame({"x": values, "k": np.arange(len(values))})
    parsed = json.loads(written({"n": 1}, {"rows": table}))
    assert [r["k"] for r in parsed["rows"]] == list(range(len(values)))
    back = [r["x"] for r in parsed["rows"]]
    assert all(isinstance(v, float) for v in back)
    assert np.array_equal(np.array(back).view(np.int64), values.view(np.int64))


def test_text_escaped_as_json_does() -> None:
    ids = ["plain", 'quote"d', "back\\slash", "tab\there", "nl\nx", "\x00\x1f", "中文债券", "x\x7f"]
    flags = [True, False] * 4 + [True]
    table = pd.DataFrame({"id": ids + [None], "flag": flags})
    text = written({}, {"rows": table})
    rows = [{"id": i, "flag": f} for i, f in zip(ids + [None], flags, strict=True)]
    assert exact(json.loads(text)) == exact({"rows": rows})
    # the fast path (nothing to escape) gives the same as the general one
    easy = pd.DataFrame({"id": ["a", "中", None, "b"]})
    assert json.loads(written({}, {"rows": easy}))["rows"] == [
        {"id": "a"},
        {"id": "中"},
        {"id": None},
        {"id": "b"},
    ]


def test_chunks_join_into_one_list(monkeypatch) -> None:
    monkeypatch.setattr(files, "CHUNK_ROWS", 3)
    table = pd.DataFrame({"id": [f"P{i}" for i in range(10)], "v": np.arange(10) / 7})
    for n in (1, 2, 3, 4, 6, 7, 10):
        part = table.head(n)
        got = json.loads(written({"a": 1.5}, {"rows": part}))
        assert exact(got) == exact(json.loads(reference({"a": 1.5}, {"rows": part})))


def test_empty_table_and_no_data() -> None:
    assert json.loads(written({"a": 1}, {"rows": pd.DataFrame({"x": []})})) == {"a": 1, "rows": []}
    assert json.loads(written({}, {"rows": pd.DataFrame({"x": [1.0]})})) == {"rows": [{"x": 1.0}]}
    assert json.loads(written({"a": [1, 2]}, {})) == {"a": [1, 2]}


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_numbers_are_refused_and_nothing_is_written(bad: float, tmp_path) -> None:
    table = pd.DataFrame({"id": ["a", "b"], "capital": [1.0, bad]})
    target = tmp_path / "out.json"
    with pytest.raises(AnalyzerError) as err:
        files.write_json_file(target, {"a": 1}, {"holdings": table})
    assert err.value.exit_code == 1
    assert "holdings[1].capital" in str(err.value.args[0])
    assert list(tmp_path.iterdir()) == []  # no file, no temp file
    with pytest.raises(AnalyzerError):
        files.write_json_file(target, {"ratio": bad}, {})
    out = io.BytesIO()
    with pytest.raises(AnalyzerError):
        files.write_json({"a": 1}, out, {"holdings": table})
    assert out.getvalue() == b""  # refused before the first byte
    with pytest.raises(AnalyzerError):
        files.write_parquet(tmp_path / "t.parquet", table)
    assert list(tmp_path.iterdir()) == []


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_no_positions_leaves_out_only_the_holdings(capsys) -> None:
    base = [
        "solvency",
        str(SAMPLES["pc"] / "holdings.csv"),
        "-c",
        str(SAMPLES["pc"] / "company.toml"),
    ]
    code, full, _ = _cli([*base, "--format", "json"], capsys)
    assert code == 0
    code, short, _ = _cli([*base, "--format", "json", "--no-positions"], capsys)
    assert code == 0
    full_data, short_data = json.loads(full), json.loads(short)
    assert "holdings" in full_data and "holdings" not in short_data
    full_data.pop("holdings")
    # the provenance records the option itself; everything else is the same
    full_opts = full_data["provenance"]["options"]
    short_opts = short_data["provenance"]["options"]
    assert full_opts.pop("positions") is True and short_opts.pop("positions") is False
    assert exact(full_data) == exact(short_data)


def test_parquet_writes_the_per_position_table(capsys, tmp_path) -> None:
    folder = SAMPLES["life"]
    base = ["solvency", str(folder / "holdings.csv"), "-c", str(folder / "company.toml")]
    code, _, err = _cli([*base, "--format", "parquet"], capsys)
    assert code == 2 and "--output" in err
    target = tmp_path / "positions.parquet"
    code, _, _ = _cli([*base, "--format", "parquet", "--output", str(target)], capsys)
    assert code == 0
    got = pd.read_parquet(target)
    result = evaluate(
        read_holdings(folder / "holdings.csv"),
        read_company(folder / "company.toml"),
        load_regime("cross2-2025-12"),
    )
    expected = result.holdings.reset_index(drop=True)
    assert list(got.columns) == list(expected.columns)
    assert got["id"].astype(str).tolist() == expected["id"].astype(str).tolist()
    for col in ("exposure", "factor", "capital", "marginal_capital"):
        assert np.array_equal(got[col].to_numpy(), expected[col].to_numpy())
    assert got["marginal_capital"].sum() == pytest.approx(result.investment_capital, rel=1e-12)


def test_stdout_without_a_binary_buffer(monkeypatch) -> None:
    text = io.StringIO()
    monkeypatch.setattr("sys.stdout", text)
    files.write_json_file(None, {"a": 1}, {"rows": pd.DataFrame({"x": [0.5, -0.0]})})
    assert exact(json.loads(text.getvalue())) == exact({"a": 1, "rows": [{"x": 0.5}, {"x": -0.0}]})
