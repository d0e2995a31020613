"""The LCR2 floor of the optimiser (Rule 13 Annex 2 一: stressed liquidity coverage with asset
realisation): a binding floor moves money out of the illiquid classes, and the engine's LCR2 of
the plan meets it over both horizons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzer.errors import InputError, ParameterError
from analyzer.io.company import company_from_dict
from analyzer.optimize import AllocationProblem, Limits, build_universe
from analyzer.optimize.limits import read_limits

ILLIQUID = (
    "vc_fund",
    "pe_fund",
    "unlisted_equity",
    "investment_property",
    "debt_investment_plan",
    "trust_plan",
    "insurance_abs_plan",
    "long_term_equity_investment",
)


def flows(op_in, op_out, inv_in, inv_out, stf=0.0):
    return {
        "operating_inflow": op_in,
        "operating_outflow": op_out,
        "investing_inflow": inv_in,
        "investing_outflow": inv_out,
        "financing_inflow": 0.0,
        "financing_outflow": 2.0e8,
        "short_term_financing_net": stf,
    }


LIQUIDITY = {
    "base_3m": flows(1.2e10, 1.0e10, 3.0e9, 4.0e9),
    "base_12m": flows(4.6e10, 4.0e10, 1.2e10, 1.5e10),
    "stress_3m": flows(8.0e9, 1.4e10, 2.5e9, 1.0e9, 1.0e9),
    "stress_12m": flows(3.2e10, 5.2e10, 1.0e10, 3.0e9, -5.0e8),
}


@pytest.fixture(scope="module")
def universe(samples, assumptions):
    h, c, _ = samples["life"]
    d = c.model_dump()
    d.pop("source")
    d["liabilities"] = c.liabilities
    d["liquidity"] = LIQUIDITY
    company = company_from_dict(d)
    return build_universe(h, company, assumptions)


def illiquid_share(result) -> float:
    return sum(w for u, w in result.weight_map.items() if u in ILLIQUID)


def test_binding_lcr2_floor_reduces_illiquid_classes(universe):
    free = AllocationProblem(universe, "max_return", Limits()).solve()
    lcr2_free = min(h.lcr2 for h in free.solvency.liquidity.horizons)
    floor = round(lcr2_free + 0.4, 2)
    bound = AllocationProblem(universe, "max_return", Limits(min_lcr2=floor)).solve()
    liq = bound.solvency.liquidity
    # the engine's own LCR2 of the plan meets the floor over 3 and 12 months
    for h in liq.horizons:
        assert h.lcr2 >= floor
    assert min(h.lcr2 for h in liq.horizons) == pytest.approx(floor, rel=1e-4)  # binding
    assert any(b.constraint.startswith("min_lcr2") for b in bound.binding)
    assert illiquid_share(bound) < illiquid_share(free) - 0.01
    assert bound.expected_return < free.expected_return  # a binding floor costs return


def test_floor_already_met_changes_nothing(universe):
    free = AllocationProblem(universe, "max_return", Limits()).solve()
    lcr2_free = min(h.lcr2 for h in free.solvency.liquidity.horizons)
    loose = AllocationProblem(universe, "max_return", Limits(min_lcr2=lcr2_free * 0.9)).solve()
    assert np.allclose(loose.weights, free.weights, atol=1e-5)


def test_floor_needs_the_liquidity_section(samples):
    _, _, u = samples["life"]
    with pytest.raises(ParameterError, match=r"\[liquidity\]"):
        AllocationProblem(u, "max_return", Limits(min_lcr2=1.0)).solve()


def test_limits_file_key(tmp_path: Path):
    path = tmp_path / "limits.toml"
    path.write_text("[liquidity]\nmin_lcr2 = 1.2\n", encoding="utf-8")
    limits, _ = read_limits(path)
    assert limits.min_lcr2 == 1.2
    path.write_text("[liquidity]\nmin_lcr2 = 120\n", encoding="utf-8")
    with pytest.raises(InputError, match="ratio"):
        read_limits(path)
    path.write_text("[liquidity]\nmin_lcr = 1.2\n", encoding="utf-8")
    with pytest.raises(InputError, match="min_lcr2"):
        read_limits(path)


def test_cli_refuses_the_floor_without_the_section(capsys):
    from analyzer.cli import main

    data = Path(__file__).resolve().parents[3] / "data"
    args = [
        "optimize",
        str(data / "life" / "holdings.csv"),
        "--company",
        str(data / "life" / "company.toml"),
        "--assumptions",
        str(data / "assumptions.csv"),
        "--min-lcr2",
        "1.2",
    ]
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert "[liquidity]" in capsys.readouterr().err
