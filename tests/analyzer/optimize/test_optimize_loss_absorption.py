"""The optimiser holds the loss absorption of Rule 2 Art. 19 at the current book's value and
the engine re-checks the result (docs/optimizer.md, "Loss absorption held fixed")."""

from __future__ import annotations

import pytest

from analyzer.io.company import LossAbsorptionInputs
from analyzer.io.holdings import Holdings
from analyzer.optimize import build_universe
from analyzer.optimize.problem import AllocationProblem, Limits
from analyzer.solvency.engine import evaluate


@pytest.fixture(scope="module")
def par_pc(samples, assumptions):
    """The P&C sample with its CSI 300 and dividend low-vol stocks in the participating
    account and LA from the formula (LA_cap 2亿)."""
    h, c, _ = samples["pc"]
    frame = h.frame.copy()
    par = frame["asset_class"].isin(["stock_csi300", "stock_dividend_low_vol"]).to_numpy()
    frame.loc[par, "account"] = "participating"
    holdings = Holdings(frame, h.source)
    company = c.model_copy(
        update={
            "loss_absorption": LossAbsorptionInputs(pv_base=5.2e10, pv_floor=5.0e10),
            "minimum_capital": c.minimum_capital.model_copy(update={"loss_absorption": 0.0}),
        }
    )
    return holdings, company, build_universe(holdings, company, assumptions)


def test_the_solve_holds_the_current_books_la_and_reports_the_gap(par_pc):
    holdings, company, u = par_pc
    current = evaluate(holdings, company, u.regime, u.options, scitech=False)
    assert current.loss_absorption > 0
    assert current.loss_absorption_detail["source"] == "formula"
    # held at the current book's LA, not at the LA of the map's (upper-bound k1) stock book
    assert u.capmap.constants.loss_absorption == pytest.approx(current.loss_absorption)
    assert float(u.capmap.loss_absorption(u.capmap.current_exposure)) > current.loss_absorption
    result = AllocationProblem(u, "max_return", Limits()).solve()
    # the ratios shown are the engine's on the result's own book and LA
    la = result.solvency.loss_absorption
    assert la == pytest.approx(
        evaluate(u.scaled_holdings(result.weights), company, u.regime, u.options).loss_absorption
    )
    assert result.loss_absorption_gap == pytest.approx(la - current.loss_absorption, abs=1e-3)
    out = result.to_dict()
    assert out["loss_absorption_gap"] == result.loss_absorption_gap
    mentioned = any("Rule 2 Art. 19" in n for n in result.notes)
    assert mentioned == (result.loss_absorption_gap != 0.0)
