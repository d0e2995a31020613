"""Counterparty default risk of cash, interbank lending, deposits and policy loans
(Rule 9 Art. 18-21, 32, 39).

Deposit factors are typed from the Art. 21 table (time / negotiated / CD, and principal-protected
structured deposits) for every bank type and capital-adequacy band, both sides of each band
edge, and a missing CAR (-> the highest factor of the type, Art. 21 last paragraph).
"""

from __future__ import annotations

import pytest

MV = 1_000_000.0


def default_factor(result, pid="p0") -> float:
    ch = result.charges
    rows = ch[(ch["id"] == pid) & (ch["submodule"] == "default")]
    assert len(rows) == 1, rows
    return float(rows["factor"].iloc[0])


def test_cash_and_interbank(run):
    """Rule 9 Art. 20: cash 0, 拆出资金 0.03."""
    r = run(
        [
            {"asset_type": "cash", "market_value": MV},
            {"asset_type": "interbank", "market_value": MV},
        ]
    )
    assert default_factor(r, "p0") == 0.0
    assert default_factor(r, "p1") == pytest.approx(0.03, rel=1e-12)
    assert r.submodules["default"] == pytest.approx(0.03 * MV, rel=1e-12)


# (bank_type, CAR, time deposit factor, protected structured deposit factor), Art. 21
ART21 = [
    ("large_state", 0.15, 0.005, 0.055),
    ("large_state", 0.08, 0.005, 0.055),
    ("policy", 0.11, 0.005, 0.055),
    ("joint_stock", 0.12, 0.03, 0.08),
    ("joint_stock", 0.15, 0.03, 0.08),
    ("joint_stock", 0.1199, 0.05, 0.10),
    ("city", 0.135, 0.04, 0.10),
    ("city", 0.16, 0.04, 0.10),
    ("city", 0.1349, 0.08, 0.13),
    ("city", 0.125, 0.08, 0.13),
    ("city", 0.1249, 0.10, 0.15),
    ("city", 0.12, 0.10, 0.15),
    ("city", 0.1199, 0.15, 0.20),
    ("rural", 0.145, 0.08, 0.13),
    ("rural", 0.1449, 0.10, 0.15),
    ("rural", 0.135, 0.10, 0.15),
    ("rural", 0.1349, 0.15, 0.20),
    ("rural", 0.125, 0.15, 0.20),
    ("rural", 0.1249, 0.18, 0.23),
    ("other", 0.135, 0.10, 0.15),
    ("other", 0.1349, 0.18, 0.23),
]


@pytest.mark.parametrize(("bank_type", "car", "time", "structured"), ART21)
def test_deposit_factor_by_bank_type_and_car(run, bank_type, car, time, structured):
    """Rule 9 Art. 21 table, lower band edges inclusive ("12%及以上", "[12.5%, 13.5%)")."""
    r = run(
        [
            {"asset_type": "deposit", "market_value": MV, "bank_type": bank_type, "bank_car": car},
            {
                "asset_type": "structured_deposit",
                "market_value": MV,
                "bank_type": bank_type,
                "bank_car": car,
                "principal_protected": True,
            },
        ]
    )
    assert default_factor(r, "p0") == pytest.approx(time, rel=1e-12)
    assert default_factor(r, "p1") == pytest.approx(structured, rel=1e-12)


@pytest.mark.parametrize(
    ("bank_type", "time", "structured"),
    [
        ("large_state", 0.005, 0.055),
        ("policy", 0.005, 0.055),
        ("joint_stock", 0.05, 0.10),
        ("city", 0.15, 0.20),
        ("rural", 0.18, 0.23),
        ("other", 0.18, 0.23),
    ],
)
def test_missing_car_takes_highest_factor(run, bank_type, time, structured):
    """Art. 21: no CAR within one year -> the highest base factor of the bank type."""
    r = run(
        [
            {"asset_type": "deposit", "market_value": MV, "bank_type": bank_type},
            {
                "asset_type": "structured_deposit",
                "market_value": MV,
                "bank_type": bank_type,
                "principal_protected": True,
            },
        ]
    )
    assert default_factor(r, "p0") == pytest.approx(time, rel=1e-12)
    assert default_factor(r, "p1") == pytest.approx(structured, rel=1e-12)


def test_finance_company_deposit(run):
    """Art. 21: deposits with 企业集团财务公司 0.1 whatever the CAR."""
    r = run(
        [
            {
                "asset_type": "deposit",
                "market_value": MV,
                "bank_type": "finance_company",
                "bank_car": 0.20,
            }
        ]
    )
    assert default_factor(r) == pytest.approx(0.10, rel=1e-12)


@pytest.mark.parametrize("bank_type", ["large_state", "joint_stock", "city", "rural", "other"])
def test_non_protected_structured_deposit(run, bank_type):
    """Art. 21: 非保本结构性存款, any bank: 0.5."""
    r = run(
        [
            {
                "asset_type": "structured_deposit",
                "market_value": MV,
                "bank_type": bank_type,
                "bank_car": 0.2,
                "principal_protected": False,
            }
        ]
    )
    assert default_factor(r) == pytest.approx(0.5, rel=1e-12)


def test_structured_deposit_blank_protection_is_refused(make_holdings):
    """A blank principal_protected would read as protected (large state bank 0.055 against
    0.50 not protected, Rule 9 Art. 21), and the article has no value for an unknown one:
    refused, naming the row and the column."""
    from analyzer.errors import InputError

    with pytest.raises(InputError) as err:
        make_holdings(
            [
                {"asset_type": "cash", "market_value": MV},
                {
                    "asset_type": "structured_deposit",
                    "market_value": MV,
                    "bank_type": "large_state",
                },
            ]
        )
    (p,) = [p for p in err.value.problems if p.column == "principal_protected"]
    assert p.row == 3 and "Art. 21" in p.message


def test_overseas_deposit_is_charged_default(run):
    """Art. 21: "本条所称各类存款包括保险公司在境外的存款": an overseas deposit with an overseas
    bank (other, CAR 14%) 0.10, plus FX on its currency (USD 0.05, Rule 8 Art. 57); no overseas
    price risk (Art. 46 excludes deposits)."""
    r = run(
        [
            {
                "asset_type": "deposit",
                "market_value": MV,
                "bank_type": "other",
                "bank_car": 0.14,
                "region": "developed",
                "currency": "USD",
            }
        ]
    )
    assert default_factor(r) == pytest.approx(0.10, rel=1e-12)
    assert r.submodules["fx"] == pytest.approx(0.05 * MV, rel=1e-12)
    assert r.submodules["overseas_fixed_income_developed"] == 0.0


def test_policy_loan(run):
    """Rule 9 Art. 32: policy loans 0.05."""
    r = run([{"asset_type": "policy_loan", "market_value": MV}])
    assert default_factor(r) == pytest.approx(0.05, rel=1e-12)
    assert "Art. 32" in r.charges["article"].iloc[0]


def test_default_is_arithmetic_sum(run):
    """Rule 9 Art. 39: 0.03 + 0.04 + 0.5 + 0.05 on 1e6 each = 0.62e6."""
    r = run(
        [
            {"asset_type": "interbank", "market_value": MV},
            {"asset_type": "deposit", "market_value": MV, "bank_type": "city", "bank_car": 0.14},
            {
                "asset_type": "structured_deposit",
                "market_value": MV,
                "bank_type": "city",
                "bank_car": 0.14,
                "principal_protected": False,
            },
            {"asset_type": "policy_loan", "market_value": MV},
        ]
    )
    assert r.submodules["default"] == pytest.approx(0.62 * MV, rel=1e-12)
