"""`analyzer optimize --level position` keeps the assumptions' per-class bounds: the sum of a
class's positions stays within its min_weight / max_weight (the bounds used to be dropped at
the position level: policy loans ended at 49.5% of the invested total against a 4% cap, cash
at 0% against a 0.5% floor)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analyzer.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIFE = ROOT / "data" / "life"
ASSUMPTIONS = ROOT / "data" / "assumptions.csv"


def class_weights(weights: dict[str, float], holdings: Path) -> pd.Series:
    """Optimal weight of each asset class: the sum over its positions."""
    h = pd.read_csv(holdings, dtype=str, keep_default_na=False)
    cls = dict(zip(h["id"], h["asset_class"], strict=True))
    w = pd.Series(weights, dtype=float)
    return w.groupby(w.index.map(cls)).sum()


@pytest.mark.parametrize("objective", ["max_return", "min_volatility"])
def test_position_level_keeps_class_bounds(objective: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "optimize",
                str(LIFE / "holdings.csv"),
                "--company",
                str(LIFE / "company.toml"),
                "--assumptions",
                str(ASSUMPTIONS),
                "--level",
                "position",
                "--objective",
                objective,
                "--format",
                "json",
            ]
        )
    out = capsys.readouterr().out
    assert exc.value.code == 0
    data = json.loads(out)
    assert data["status"] == "optimal"
    by_class = class_weights(data["weights"], LIFE / "holdings.csv")
    a = pd.read_csv(ASSUMPTIONS).set_index("asset_class")
    lo = a["min_weight"].fillna(0.0)
    hi = a["max_weight"].fillna(1.0)
    held = by_class.index
    assert (by_class <= hi[held] + 1e-6).all(), (by_class - hi[held])[by_class > hi[held]]
    assert (by_class >= lo[held] - 1e-6).all(), (lo[held] - by_class)[by_class < lo[held]]
    # the two bounds of the issue, by name
    assert by_class["policy_loan"] <= 0.04 + 1e-6
    assert by_class["cash"] >= 0.005 - 1e-6
    assert abs(by_class.sum() - 1.0) < 1e-6
