"""The optimiser's nested second-order cones (``analyzer.optimize.capital.state_capital``) bound
the same MC* the engine's numpy aggregation computes: at fixed random weights the smallest
``z`` the cones allow equals ``mc_star_value`` (the capital map and
``aggregation.aggregate``), and the minimum capital of that ``z`` by the one formula equals
the capital map's.

Both sides use the regime's correlation matrices (Rule 2 Art. 16-18, Rule 8 Art. 47/53/70,
Rule 9 Art. 43): numpy as ``sqrt(v' M v)``, the cones as ``||L' v||`` with
``L = aggregation.psd_root(M)``.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

from analyzer.optimize.capital import LIFE_CASES, RELAXED, mc_star_value, scalars, state_capital
from analyzer.optimize.context import Context


def weights(n: int, seed: int, count: int = 6) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.dirichlet(np.full(n, 0.5)) for _ in range(count)]


def smallest_z(
    u, w: np.ndarray, life_case: str | None, equity_addon: bool
) -> tuple[float, Context]:
    ctx = Context(u)
    z = state_capital(cp.Constant(w), ctx, life_case, equity_addon)
    problem = cp.Problem(cp.Minimize(z), ctx.extra)
    problem.solve()
    assert problem.status == cp.OPTIMAL, problem.status
    return float(z.value), ctx


@pytest.mark.parametrize("equity_addon", [False, True])
def test_pc_cones_give_the_numpy_mc_star(pc_universe, equity_addon):
    u = pc_universe
    for w in [u.w0, *weights(u.n, 11)]:
        got, ctx = smallest_z(u, w, None, equity_addon)
        want = mc_star_value(ctx, w, equity_addon)
        assert want > 0
        assert got == pytest.approx(want, rel=1e-6)
        s = scalars(ctx)
        if not equity_addon:  # the one formula on both: the capital map's minimum capital
            mc = float(u.capmap.minimum_capital(w * u.V))
            assert s.minimum_capital(got) == pytest.approx(mc, rel=1e-6)


def test_life_cones_give_the_numpy_mc_star(life_universe):
    """The relaxed interest-rate case (one problem, ``t_ir >= up, down, 0``) and the exact
    case the scenario method picks (Rule 8 Art. 18: the worse of up and down, at least 0)."""
    u = life_universe
    cm = u.capmap
    for w in [u.w0, *weights(u.n, 12)]:
        x = w * u.V
        up = cm.ir_liability_up - x @ cm.ir_asset_up
        down = cm.ir_liability_down - x @ cm.ir_asset_down
        case = LIFE_CASES[2] if max(up, down) <= 0 else "up" if up >= down else "down"
        for life_case in (RELAXED, case):
            got, ctx = smallest_z(u, w, life_case, False)
            want = mc_star_value(ctx, w)
            assert got == pytest.approx(want, rel=1e-6), life_case
