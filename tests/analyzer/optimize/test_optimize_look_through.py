"""The optimiser with a look-through file: parents move by asset_class and their underlyings'
capital follows linearly, so the capital map equals the engine today, its cones bound the
engine at the optimum, and the engine's own evaluation of the optimum meets the floors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analyzer.io.look_through import read_look_through
from analyzer.optimize import AllocationProblem, Limits, build_universe
from analyzer.optimize.capital import mc_star_value, scalars
from analyzer.solvency.capital_map import build_capital_map
from analyzer.solvency.engine import evaluate

HEADER = (
    "parent_id,share,id,asset_type,rating,modified_duration,board,purchase_cost,holding_years,"
    "csi300,dividend_low_vol_100,strategic_emerging,counterparty,green,region,sci_tech"
)
#: P0266 (PE/VC fund), P0279 (REIT) and P0282 (insurance ABS plan) of the P&C sample
ROWS = [
    "P0266,0.7,ue1,unlisted_equity,,,,,,,,,acme,,,",
    "P0266,0.3,st1,stock,,,main,40000000,1,,,,,,,",
    "P0279,1.0,ue2,unlisted_equity,,,,,,,,,infra,,,",
    "P0282,0.6,cb1,corporate_bond,AA+,3.5,,,,,,,bankco,,,",
    "P0282,0.4,cb2,corporate_bond,AAA,2.0,,,,,,,bankco,,,",
]


@pytest.fixture(scope="module")
def looked_through(samples, assumptions, tmp_path_factory):
    h, c, _ = samples["pc"]
    path = tmp_path_factory.mktemp("lt") / "lt.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    h = replace(h, look_through=read_look_through(path, h))
    return h, c, build_universe(h, c, assumptions)


def test_capital_map_equals_the_engine_and_differs_from_the_built_in(looked_through, samples):
    """The map built from the charge table is the engine today (the universe's own map sets
    the stock book's k1 to its bound, docs/optimizer.md, so it is compared at that k1)."""
    h, c, _ = looked_through
    engine = evaluate(h, c, scitech=False).minimum_capital
    cmap = build_capital_map(h, c)
    assert cmap.minimum_capital(cmap.current_exposure) == pytest.approx(engine, rel=1e-9)
    without = build_capital_map(samples["pc"][0], c)
    assert without.minimum_capital(without.current_exposure) != pytest.approx(engine, rel=1e-6)
    # the parents' classes scale their underlyings: the map stays the engine
    factors = {"vc_fund": 1.5, "reit": 0.5, "insurance_abs_plan": 2.0}
    x = cmap.current_exposure * [factors.get(k, 1.0) for k in cmap.classes]
    scaled = evaluate(h.scaled(factors), c, scitech=False).minimum_capital
    assert cmap.minimum_capital(x) == pytest.approx(scaled, rel=1e-9)


def test_cones_bound_the_engine_and_the_optimum_meets_the_floors(looked_through):
    _, _, u = looked_through
    p = AllocationProblem(u, "max_return", Limits(min_comprehensive=1.5, min_core=0.75))
    r = p.solve()
    assert r.solvency.comprehensive_ratio >= 1.5 * (1 - 1e-7)
    assert r.solvency.core_ratio >= 0.75 * (1 - 1e-7)
    best = p.pick(p.solve_cases())
    w = p._weights(best)
    z = mc_star_value(best.ctx, w)
    assert float(best.ctx.z.value) == pytest.approx(z, rel=1e-6)
    mc = scalars(best.ctx).minimum_capital(z)
    assert mc >= r.solvency.minimum_capital * (1 - 1e-7)
    assert mc <= r.solvency.minimum_capital * 1.03
