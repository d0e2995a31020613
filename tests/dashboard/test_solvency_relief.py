"""The solvency page's regime table splits the released minimum capital by cause."""

from __future__ import annotations

from analyzer.io import read_company, read_holdings
from analyzer.solvency.engine import evaluate
from analyzer.solvency.regime import available_regimes
from dashboard.pages import solvency
from dashboard.settings import REPO_DATA_DIR
from dashboard.units import fmt_money


def test_regime_table_rows_by_cause() -> None:
    """Below "released vs cross2-2022" (the whole change), one row per cause, each cell the
    column's SciTechView figure: the sample life insurer's 2025-12 column shows the sci-tech
    relief without the size coefficient (which has its own row)."""
    life = REPO_DATA_DIR / "life"
    holdings = read_holdings(life / "holdings.csv")
    company = read_company(life / "company.toml")
    results = {name: evaluate(holdings, company, name) for name in available_regimes()}
    rows = solvency.regime_rows(results, "cny", "en")
    labels = [row[0] for row in rows]
    start = labels.index("Minimum capital released vs cross2-2022")
    assert labels[start + 1 :] == [
        "of which: sci-tech positions' factors (size coefficient excluded)",
        "of which: other positions' factors",
        "of which: size coefficient",
        "of which: remainder (diversification makes the parts non-additive)",
    ]
    col = 1 + list(results).index("cross2-2025-12")
    s = results["cross2-2025-12"].scitech
    expected = [
        s.regime_change,
        s.relief,
        s.relief_other_factors,
        s.relief_size_coefficient,
        s.relief_remainder,
    ]
    assert [row[col] for row in rows[start:]] == [fmt_money(v, "cny", "en") for v in expected]
    assert s.relief < s.relief_size_coefficient  # the size part is no longer in the relief
    zh = solvency.regime_rows(results, "yi", "zh")
    assert zh[start + 3][0] == "其中：规模调整系数"
