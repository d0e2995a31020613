"""Investment-ratio compliance (保险资金运用比例监管): the class caps of 保监发〔2014〕13号, the
solvency-tiered equity cap (2020 table in cross2-2022, the 2025-04 table from cross2-2025-12),
VC funds 2%, single asset 5% and single counterparty 20% with their exemptions."""

from __future__ import annotations

import pytest

from analyzer import compliance
from analyzer.solvency.regime import load_regime

R22, R25 = load_regime("cross2-2022"), load_regime("cross2-2025-12")
TA = 1000.0


@pytest.mark.parametrize(
    ("ratio", "cap22", "cap25"),
    [
        (0.5, 0.10, 0.10),
        (0.999, 0.10, 0.10),
        (1.0, 0.20, 0.20),
        (1.499, 0.20, 0.20),
        (1.5, 0.25, 0.30),
        (1.999, 0.25, 0.30),
        (2.0, 0.30, 0.30),
        (2.499, 0.30, 0.30),
        (2.5, 0.35, 0.40),
        (2.999, 0.35, 0.40),
        (3.0, 0.40, 0.40),
        (3.499, 0.40, 0.40),
        (3.5, 0.45, 0.50),
        (5.0, 0.45, 0.50),
    ],
)
def test_equity_cap_tiers(ratio, cap22, cap25):
    """2020 notice (cross2-2022): <100% 10%, [100,150) 20%, [150,200) 25%, [200,250) 30%,
    [250,300) 35%, [300,350) 40%, >= 350% 45%. 2025-04 notice: <100% 10%, [100,150) 20%,
    [150,250) 30%, [250,350) 40%, >= 350% 50%. Lower bounds inclusive ("以上（含）")."""
    assert compliance.equity_cap(ratio, R22) == cap22
    assert compliance.equity_cap(ratio, R25) == cap25


def checks(make_holdings, rows, ratio=2.0, regime=R25):
    res = compliance.check(make_holdings(rows).frame, TA, ratio, regime)
    return {c.limit: c for c in res.checks}, res


def test_class_limits(make_holdings):
    """Equity 301 of 1000 with ratio 2.0 (2025 cap 30%): breached by 1 (headroom -1); real
    estate 300 = 30%: not breached; other financial (ABS, ABS plan, trust, REIT) 250: at 25%;
    overseas 151 (> 15%): breached."""
    rows = [
        {"asset_type": "stock", "market_value": 201, "board": "main", "purchase_cost": 201},
        {"asset_type": "equity_fund", "market_value": 100},
        {"asset_type": "investment_property", "market_value": 300, "property_tier": "major"},
        {"asset_type": "abs", "market_value": 100, "rating": "AAA", "modified_duration": 1},
        {
            "asset_type": "trust_plan",
            "market_value": 100,
            "rating": "AAA",
            "trust_kind": "fixed_income",
        },
        {"asset_type": "reit", "market_value": 50},
        {
            "asset_type": "corporate_bond",
            "market_value": 151,
            "region": "developed",
            "currency": "USD",
        },
    ]
    c, res = checks(make_holdings, rows)
    assert (c["equity"].value, c["equity"].cap, c["equity"].breached) == (301, 0.30, True)
    assert c["equity"].headroom == pytest.approx(-1.0)
    assert (c["real_estate"].share, c["real_estate"].breached) == (0.30, False)
    assert (c["other_financial"].value, c["other_financial"].breached) == (250, False)
    assert (c["overseas"].value, c["overseas"].breached) == (151, True)
    assert {b.limit for b in res.breaches} >= {"equity", "overseas"}


def test_equity_cap_uses_the_tier(make_holdings):
    """Same 250 of equity: ratio 1.4 -> cap 20% breached; ratio 1.5 -> 30% fine (2025)."""
    rows = [{"asset_type": "equity_fund", "market_value": 250}]
    assert checks(make_holdings, rows, 1.4)[0]["equity"].breached
    assert not checks(make_holdings, rows, 1.5)[0]["equity"].breached
    assert checks(make_holdings, rows, 1.5, R22)[0]["equity"].cap == 0.25


def test_venture_capital_two_percent(make_holdings):
    """2014 VC notice: VC funds <= 2% of total assets; PE funds do not count. VC 21 -> breached;
    PE 500 not counted."""
    rows = [
        {"asset_type": "pe_vc_fund", "market_value": 21, "fund_kind": "vc"},
        {"asset_type": "pe_vc_fund", "market_value": 10, "fund_kind": "pe"},
    ]
    c, _ = checks(make_holdings, rows)
    assert (c["venture_capital"].value, c["venture_capital"].breached) == (21, True)
    c, _ = checks(make_holdings, [{"asset_type": "pe_vc_fund", "market_value": 20}])
    assert not c["venture_capital"].breached  # 2% exactly, default fund_kind vc


def test_single_asset_with_exemptions(make_holdings):
    """13号文: single asset <= 5%; government bonds, deposits, cash ... are exempt. A 60
    government bond and a 200 deposit are ignored; the largest other asset is the 51 corporate
    bond -> breached, subject its id."""
    rows = [
        {"asset_type": "government_bond", "market_value": 60, "modified_duration": 3},
        {"asset_type": "deposit", "market_value": 200, "bank_type": "large_state"},
        {
            "asset_type": "corporate_bond",
            "market_value": 51,
            "rating": "AAA",
            "modified_duration": 3,
            "id": "big",
        },
        {"asset_type": "equity_fund", "market_value": 50},
    ]
    c, _ = checks(make_holdings, rows)
    s = c["single_asset"]
    assert (s.value, s.subject, s.breached) == (51, "big", True)


def test_single_counterparty(make_holdings):
    """13号文: one legal entity <= 20%: X holds 120 + 81 = 201 -> breached; the ministry of
    finance's 500 of government bonds is exempt."""
    rows = [
        {
            "asset_type": "corporate_bond",
            "market_value": 120,
            "rating": "AAA",
            "modified_duration": 2,
            "counterparty": "X",
        },
        {
            "asset_type": "stock",
            "market_value": 81,
            "board": "main",
            "purchase_cost": 81,
            "counterparty": "X",
        },
        {
            "asset_type": "government_bond",
            "market_value": 500,
            "modified_duration": 2,
            "counterparty": "MOF",
        },
    ]
    c, _ = checks(make_holdings, rows)
    s = c["single_counterparty"]
    assert (s.value, s.subject, s.breached) == (201, "X", True)


def test_engine_compliance_uses_prior_ratio(run):
    """evaluate(): the equity tier comes from prior_comprehensive_ratio by default
    (equity_cap_basis = 'prior_quarter'): 1.2 -> 20%."""
    r = run([{"asset_type": "equity_fund", "market_value": 1e6}], prior_comprehensive_ratio=1.2)
    eq = {c.limit: c for c in r.compliance.checks}["equity"]
    assert eq.cap == 0.20 and r.compliance.equity_tier_ratio == 1.2
