"""The bundled regimes and ``analyzer regimes`` (docs/formats.md §4).

Spot checks that each merged regime reflects its notice:

- cross2-2022: Rules 1-20 as issued (Rule 7 Art. 30-34: REIT not looked through 0.6; no size
  coefficient; Rule 8 Art. 26: CSI 300 k2 = -0.05).
- cross2-2023-09 (金规〔2023〕5号): REIT not looked through 0.5 (三(七)); size coefficient
  -0.05 for a life insurer with total assets in [500亿, 5000亿) (一(二)); CSI 300 0.30 and
  STAR 0.40 through k2 (三(六)).
- cross2-2025-12: STAR held > 2 years 0.36 and CSI 300 / dividend low-vol 100 held > 3 years
  0.27 (notice 一、二), everything else inherited.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from analyzer.cli import main
from analyzer.solvency import aggregation
from analyzer.solvency.regime import DEFAULT_REGIME, available_regimes, load_regime

NAMES = ("cross2-2022", "cross2-2023-09", "cross2-2025-12")


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return info.value.code, out, err


def star_buckets(regime_name: str) -> list[dict]:
    buckets = load_regime(regime_name).table("equity", "stock_k2")["buckets"]
    return [b for b in buckets if b["board"] == "star"]


def test_three_regimes_bundled_default_is_2025_12():
    assert set(NAMES) <= set(available_regimes())
    assert DEFAULT_REGIME == "cross2-2025-12"


def test_cli_table_lists_regimes_with_default_marked(capsys):
    code, out, err = run(["regimes"], capsys)
    assert code == 0, err
    for name in NAMES:
        assert name in out
    marked = [line for line in out.splitlines() if "(default)" in line]
    assert len(marked) == 1 and marked[0].startswith("cross2-2025-12")
    assert "金规〔2023〕5号" in out
    assert "public infrastructure REITs not looked through 0.6 -> 0.5" in out
    assert "cross2-2022 -> cross2-2023-09 -> cross2-2025-12" in out


def test_cli_json(capsys):
    code, out, err = run(["regimes", "--format", "json"], capsys)
    assert code == 0, err
    records = {r["name"]: r for r in json.loads(out)}
    assert set(NAMES) <= set(records)
    assert [n for n, r in records.items() if r["default"]] == ["cross2-2025-12"]
    for name in NAMES:
        rec = records[name]
        regime = load_regime(name)
        assert rec["title"] == regime.title and rec["notice"] == regime.notice
        assert rec["effective"] == regime.effective and rec["base"] == regime.base
        assert rec["changes"] == list(regime.changes) and rec["changes"]
    assert records["cross2-2022"]["base"] is None
    assert records["cross2-2023-09"]["effective"] == "2023-09-10"
    assert records["cross2-2025-12"]["lineage"] == list(NAMES)


def test_lineage():
    assert load_regime("cross2-2025-12").lineage() == NAMES
    assert load_regime("cross2-2023-09").lineage() == NAMES[:2]
    assert load_regime("cross2-2022").lineage() == NAMES[:1]


@pytest.mark.parametrize(
    "name,rf0", [("cross2-2022", 0.6), ("cross2-2023-09", 0.5), ("cross2-2025-12", 0.5)]
)
def test_reit_not_looked_through(name, rf0):
    """Rule 7: 0.6; 金规〔2023〕5号 三(七): 0.5, inherited by 2025-12. PE/VC stays 0.6."""
    table = load_regime(name).table("look_through", "not_looked_through")
    assert table["equity_rf0"]["reit"] == rf0
    assert table["equity_rf0"]["pe_vc_fund"] == 0.6  # the delta merges key by key


@pytest.mark.parametrize(
    "name,k", [("cross2-2022", 0.0), ("cross2-2023-09", -0.05), ("cross2-2025-12", -0.05)]
)
def test_size_coefficient_life_1000_yi(name, k):
    """A life insurer with 1000亿 of total assets: 0 before the notice, -0.05 after."""
    assert aggregation.size_coefficient(1.0e11, "life", load_regime(name)) == k


def test_size_bands_2023_09():
    """金规〔2023〕5号 一: life below 500亿 -0.10, 500亿 to 5000亿 -0.05, above 5000亿 0;
    P&C and reinsurers below 100亿 -0.10, 100亿 to 2000亿 -0.05, above 2000亿 0.

    Exactly at 5000亿 / 2000亿 the reading of 以上/以下 is the regime table's business
    (size.toml); these checks stay clear of the upper boundary.
    """
    regime = load_regime("cross2-2023-09")
    k = aggregation.size_coefficient
    assert [k(a, "life", regime) for a in (4.99e10, 5e10, 4.99e11, 5.01e11)] == [
        -0.10,
        -0.05,
        -0.05,
        0.0,
    ]
    for ctype in ("pc", "reinsurer"):
        assert [k(a, ctype, regime) for a in (9.9e9, 1e10, 1.99e11, 2.01e11)] == [
            -0.10,
            -0.05,
            -0.05,
            0.0,
        ]


def test_star_over_two_years_only_in_2025_12():
    """STAR held > 2 years: k2 = 0.36 / 0.45 - 1 = -0.2, from the 2025-12 notice only."""
    assert star_buckets("cross2-2022") == []
    long_2023 = [b for b in star_buckets("cross2-2023-09") if b["min_holding_years"] >= 2.0]
    assert long_2023 == []
    long_2025 = [b for b in star_buckets("cross2-2025-12") if b["min_holding_years"] == 2.0]
    assert len(long_2025) == 1
    rf0 = load_regime("cross2-2025-12").table("equity", "stock")["rf0"]["star"]
    assert rf0 * (1 + long_2025[0]["k2"]) == pytest.approx(0.36)


def test_star_and_csi300_factors_from_2023_09():
    """金规〔2023〕5号 三(六): STAR 0.45 -> 0.40, CSI 300 0.35 -> 0.30 (through k2)."""
    regime = load_regime("cross2-2023-09")
    rf0 = regime.table("equity", "stock")["rf0"]
    buckets = regime.table("equity", "stock_k2")["buckets"]
    star = [b for b in buckets if b["board"] == "star" and b["min_holding_years"] == 0.0]
    csi = [b for b in buckets if b["member"] == "csi300" and b["min_holding_years"] == 0.0]
    assert rf0["star"] * (1 + star[0]["k2"]) == pytest.approx(0.40)
    assert rf0["main"] * (1 + csi[0]["k2"]) == pytest.approx(0.30)
    # 2022: Rule 8 Art. 26, CSI 300 k2 = -0.05 only
    old = load_regime("cross2-2022").table("equity", "stock_k2")["buckets"]
    assert [(b["member"], b["k2"]) for b in old] == [("csi300", -0.05)]


def test_dividend_low_vol_over_three_years_only_in_2025_12():
    """2025-12 notice 一: CSI 300 / dividend low-vol 100 held > 3 years: 0.35 (1 + k2) = 0.27."""
    for name, expected in (("cross2-2023-09", 0), ("cross2-2025-12", 2)):
        buckets = load_regime(name).table("equity", "stock_k2")["buckets"]
        long = [b for b in buckets if b["min_holding_years"] == 3.0]
        assert len(long) == expected
        for b in long:
            assert 0.35 * (1 + b["k2"]) == pytest.approx(0.27)


def test_aggregation_matrices_unchanged_by_the_notices():
    """Neither notice touched Rule 2 / Rule 8 Art. 70 / Rule 9 Art. 43: same matrices."""
    base = aggregation.matrices(load_regime("cross2-2022"), "life")
    for name in NAMES[1:]:
        for ctype in ("life", "pc", "reinsurer"):
            m = aggregation.matrices(load_regime(name), ctype)
            ref = aggregation.matrices(load_regime("cross2-2022"), ctype)
            assert (m.top == ref.top).all() and (m.market == base.market).all()
            assert m.rho_credit == 0.25


def test_legal_minimums_live_in_the_regime_data():
    """保险公司偿付能力管理规定 Art. 22: core >= 50%, comprehensive >= 100%. The optimiser's
    default floors and the reverse-stress thresholds read them from the regime table."""
    from analyzer.optimize import Limits
    from analyzer.solvency.regime import available_regimes, legal_minimum
    from analyzer.stress.reverse import default_thresholds

    for name in available_regimes():
        assert legal_minimum("comprehensive", name) == 1.0
        assert legal_minimum("core", name) == 0.5
    assert (Limits().min_comprehensive, Limits().min_core) == (1.0, 0.5)
    levels = {t.name: t.level for t in default_thresholds(1.5)}
    assert levels["comprehensive_100"] == 1.0 and levels["core_50"] == 0.5


def test_the_thresholds_table_has_one_reader(run):
    """保险公司偿付能力管理规定 Art. 22-23: minimums core 50%, comprehensive 100%; watch
    levels core 60%, comprehensive 120%. The engine's result, the Monte Carlo's events and the
    legal minimums all show what `ratio_thresholds` reads, for every regime."""
    from analyzer.solvency.regime import legal_minimum, ratio_thresholds
    from analyzer.stress.montecarlo import regime_thresholds

    expected = {
        "core_minimum": 0.5,
        "comprehensive_minimum": 1.0,
        "core_watch": 0.6,
        "comprehensive_watch": 1.2,
    }
    for name in available_regimes():
        th = ratio_thresholds(name)
        assert th == expected and list(th) == list(expected)  # the table's order
        assert regime_thresholds(load_regime(name)) == expected
        assert legal_minimum("core", name) == th["core_minimum"]
    result = run([{"asset_type": "cash", "market_value": 1e8}])
    assert result.thresholds == expected and list(result.thresholds) == list(expected)


@pytest.mark.parametrize("args", [[], ["--format", "json"], ["--format=table"]])
def test_light_regimes_prints_what_the_full_command_prints(args, capsys):
    """The quick path of ``analyzer regimes`` and the typer command give the same output."""
    from analyzer import cli
    from analyzer.commands import regimes as module

    assert cli.run(["regimes", *args]) == 0
    light = capsys.readouterr().out
    runner = CliRunner()
    full = runner.invoke(cli.app, ["regimes", *args])
    assert full.exit_code == 0
    assert light == full.output
    assert module.run_light(["--format", "xml"]) is None  # left to the full command line
