"""A looked-through product charged on the underlyings of a look-through file (Rule 7
Art. 14-24, 33).

Each underlying is charged as if held directly at ``share x`` the parent's value, with the
structure coefficient K_p of Art. 18 added to its K outside the Rule 8 Art. 7 clamp:
RF = RF0 x (1 + K + K_p); K_p = (n - 1) x 0.1 for a debt-type parent, n x 0.1 otherwise. A
debt-type parent keeps its surface default charge (Art. 21-23) on its full value; shares
below 1 leave a remainder charged as not looked through (Art. 30-33). A life insurer's
looked-through fixed income has no interest-rate charge, a P&C insurer's has (Art. 20).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from analyzer.io.holdings import NEEDED_BY, OVERSEAS_NEEDED
from analyzer.io.look_through import validate_look_through
from analyzer.solvency.capital_map import build_capital_map
from analyzer.solvency.engine import evaluate

R22, R25 = "cross2-2022", "cross2-2025-12"


def blank_columns(raw: pd.DataFrame) -> pd.DataFrame:
    """Every column the reader may need, blank (documented defaults)."""
    for column in [c for c, _, _ in NEEDED_BY] + list(OVERSEAS_NEEDED):
        if column not in raw.columns:
            raw[column] = None
    return raw


def with_children(holdings, rows):
    """The holdings with a look-through file of ``rows`` (dicts) attached."""
    raw = blank_columns(pd.DataFrame.from_records(rows)).drop(
        columns=["market_value"], errors="ignore"
    )
    return replace(holdings, look_through=validate_look_through(raw, holdings, "lt.csv"))


def solve(holdings, company, regime=R25, **kw):
    return evaluate(holdings, company, regime, scitech=False, **kw)


def rows_of(result, parent):
    ch = result.charges
    return ch[ch["position"] == parent].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# worked by hand
# ------------------------------------------------------------------------------------------


def test_equity_type_parent_by_hand(make_holdings, make_company):
    """PE fund, 2 layers (K_p = 2 x 0.1, Art. 18): an unlisted-equity underlying of 60% of
    1,000,000 CNY: 600,000 x 0.41 x (1 + 0.2) = 295,200 (Rule 8 Art. 27, Rule 7 Art. 14); the
    40% not identified: 400,000 x 0.6 = 240,000 (Art. 31, 33)."""
    h = make_holdings(
        [
            {
                "id": "F",
                "asset_type": "pe_vc_fund",
                "market_value": 1_000_000.0,
                "look_through": True,
                "layers": 2,
                "asset_class": "pe",
            }
        ]
    )
    h = with_children(
        h, [{"parent_id": "F", "share": 0.6, "id": "u1", "asset_type": "unlisted_equity"}]
    )
    r = solve(h, make_company("pc"))
    ch = rows_of(r, 0)
    child = ch[ch["id"] == "F/u1"].iloc[0]
    assert child["parent_id"] == "F"
    assert child["exposure"] == pytest.approx(600_000.0)
    assert child["k"] == pytest.approx(0.2)
    assert child["capital"] == pytest.approx(295_200.0, rel=1e-12)
    rest = ch[(ch["id"] == "F") & (ch["parent_id"] == "F")].iloc[0]
    assert rest["capital"] == pytest.approx(240_000.0, rel=1e-12)
    assert len(ch) == 2  # the built-in charge of the parent is gone
    # the per-position view: one row for the parent, the sum of its underlyings
    hold = r.holdings
    assert list(hold["id"]) == ["F"]
    assert hold["capital"].iloc[0] == pytest.approx(535_200.0, rel=1e-12)
    assert hold["exposure"].iloc[0] == pytest.approx(1_000_000.0)
    assert r.submodules["equity"] == pytest.approx(535_200.0, rel=1e-12)


def _debt_plan(make_holdings):
    h = make_holdings(
        [
            {
                "id": "D",
                "asset_type": "debt_investment_plan",
                "market_value": 2_000_000.0,
                "look_through": True,
                "layers": 2,
                "rating": "AA",
                "loan_class": "normal",  # required by the reader; unread with underlyings
                "asset_class": "dip",
            }
        ]
    )
    return with_children(
        h,
        [
            {
                "parent_id": "D",
                "share": 0.5,
                "id": "b1",
                "asset_type": "corporate_bond",
                "rating": "AAA",
                "modified_duration": 2.0,
            }
        ],
    )


def test_debt_type_parent_by_hand_pc(make_holdings, make_company):
    """Debt investment plan, AA, 2 layers (K_p = (2 - 1) x 0.1 = 0.1), 2,000,000 CNY; half
    of it an AAA corporate bond of duration 2 (1,000,000 CNY):
    spread RF0 = 2 x (0.0006 x 2 + 0.012) = 0.0264 (Rule 9 Art. 15) -> 1e6 x 0.0264 x 1.1
    = 29,040; P&C interest rate RF0 = 2 x (-0.001 x 2 + 0.0217) = 0.0394 (Rule 8 Art. 14)
    -> 1e6 x 0.0394 x 1.1 = 43,340 (Rule 7 Art. 20: charged for a P&C insurer); surface
    default on the full value 2e6 x 0.02 x (1 - 0.2) = 32,000 (Art. 21-23); the other half
    not looked through 1e6 x 0.6 = 600,000 (Art. 32, 33)."""
    r = solve(_debt_plan(make_holdings), make_company("pc"), R22)
    ch = rows_of(r, 0)
    got = {(row.id, row.submodule, row.rule): row.capital for row in ch.itertuples()}
    b1 = ch[ch["id"] == "D/b1"].set_index("submodule")["capital"]
    assert b1["spread"] == pytest.approx(29_040.0, rel=1e-12)
    assert b1["interest_rate"] == pytest.approx(43_340.0, rel=1e-12)
    surface = ch[ch["rule"] == "debt-type product, surface default"]
    assert surface["capital"].sum() == pytest.approx(32_000.0, rel=1e-12)
    assert (surface["parent_id"] == "").all()
    rest = ch[(ch["id"] == "D") & (ch["parent_id"] == "D")]
    assert rest["capital"].sum() == pytest.approx(600_000.0, rel=1e-12)
    assert sum(got.values()) == pytest.approx(29_040 + 43_340 + 32_000 + 600_000, rel=1e-12)
    # no built-in "underlying loans" row any more
    assert not ch["rule"].astype(str).str.contains("underlying loans").any()


def test_life_insurer_underlyings_carry_no_interest_rate_charge(make_holdings, make_company):
    """Rule 7 Art. 20: the same plan held by a life insurer: the bond underlying has its
    spread charge (29,040) but no interest-rate charge, neither a duration factor nor a
    place in the life scenario method."""
    r = solve(_debt_plan(make_holdings), make_company("life"), R22)
    ch = rows_of(r, 0)
    b1 = ch[ch["id"] == "D/b1"]
    assert list(b1["submodule"].astype(str)) == ["spread"]
    assert b1["capital"].iloc[0] == pytest.approx(29_040.0, rel=1e-12)
    assert not (ch["submodule"].astype(str) == "interest_rate").any()


def test_without_the_file_the_built_in_charge_is_unchanged(make_holdings, make_company):
    """A parent without underlyings keeps today's charge: the same result as no file."""
    h = make_holdings(
        [
            {"asset_type": "pe_vc_fund", "market_value": 1e6, "look_through": True, "layers": 1},
            {
                "id": "G",
                "asset_type": "pe_vc_fund",
                "market_value": 1e6,
                "look_through": True,
                "layers": 1,
            },
        ]
    )
    lt = with_children(
        h, [{"parent_id": "G", "share": 1.0, "id": "u", "asset_type": "unlisted_equity"}]
    )
    a, b = solve(h, make_company("pc")), solve(lt, make_company("pc"))
    assert rows_of(a, 0)["capital"].sum() == rows_of(b, 0)["capital"].sum()
    # G in full on its underlying: 1e6 x 0.41 x (1 + 0.1), no remainder
    assert rows_of(b, 1)["capital"].sum() == pytest.approx(451_000.0, rel=1e-12)


# ------------------------------------------------------------------------------------------
# property: a parent on its underlyings = the underlyings held directly, K_p added
# ------------------------------------------------------------------------------------------

RATINGS = ["AAA", "AA+", "AA", "AA-", "A+"]
child = st.one_of(
    st.builds(
        lambda r, d: {"asset_type": "corporate_bond", "rating": r, "modified_duration": d},
        st.sampled_from(RATINGS),
        st.floats(0.2, 12.0),
    ),
    st.builds(
        lambda d: {"asset_type": "government_bond", "modified_duration": d}, st.floats(0.2, 20.0)
    ),
    st.builds(
        lambda se: {"asset_type": "unlisted_equity", "strategic_emerging": se}, st.booleans()
    ),
    st.builds(
        lambda c: {"asset_type": "stock", "board": "main", "purchase_cost": c},
        st.floats(0.5, 2.0),
    ),
)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    kids=st.lists(child, min_size=1, max_size=4),
    weights=st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4),
    parent_type=st.sampled_from(["pe_vc_fund", "trust_plan", "debt_investment_plan"]),
    layers=st.integers(1, 3),
    company_type=st.sampled_from(["pc", "life"]),
)
def test_parent_equals_underlyings_held_directly_with_k_p(
    make_holdings, make_company, kids, weights, parent_type, layers, company_type
):
    """Each underlying's rows equal the rows of the same asset held directly at share x the
    parent's value, with K_p added to K: capital x (1 + K + K_p) / (1 + K) (Rule 7 Art. 14,
    18); the life insurer's interest-rate rows excepted (Art. 20)."""
    mv = 5_000_000.0
    w = np.array(weights[: len(kids)])
    share = w / w.sum()
    parent = {
        "id": "P",
        "asset_type": parent_type,
        "market_value": mv,
        "look_through": True,
        "layers": layers,
        "rating": "AA",
    }
    if parent_type == "trust_plan":
        parent["trust_kind"] = "fixed_income"
    if parent_type != "pe_vc_fund":  # required by the reader; unread with underlyings
        parent["loan_class"] = "normal"
    company = make_company(company_type)
    held = make_holdings([parent])
    children = []
    direct = []
    for i, (kid, s) in enumerate(zip(kids, share, strict=True)):
        row = dict(kid)
        if row["asset_type"] == "stock":
            row["purchase_cost"] = row["purchase_cost"] * mv * s
        if row["asset_type"].endswith("bond"):  # cash flows: a life insurer holds it directly
            row.update(
                coupon_rate=0.03,
                maturity_years=int(np.ceil(row["modified_duration"])) + 1,
                face_value=mv * s,
            )
        children.append({"parent_id": "P", "share": float(s), "id": f"c{i}", **row})
        direct.append({"id": f"c{i}", "market_value": mv * s, **row})
    lt = with_children(held, children)
    a = solve(lt, company, R22)
    b = solve(make_holdings(direct), company, R22)
    k_p = (layers - 1 if parent_type != "pe_vc_fund" else layers) * 0.1
    ca, cb = a.charges, b.charges
    for i in range(len(kids)):
        ra = ca[ca["id"] == f"P/c{i}"].sort_values(["submodule", "rule"]).reset_index(drop=True)
        rb = cb[cb["id"] == f"c{i}"]
        if company_type == "life":
            rb = rb[rb["submodule"].astype(str) != "interest_rate"]
        rb = rb.sort_values(["submodule", "rule"]).reset_index(drop=True)
        assert len(ra) == len(rb)
        assert list(ra["submodule"].astype(str)) == list(rb["submodule"].astype(str))
        np.testing.assert_allclose(ra["exposure"], rb["exposure"], rtol=1e-12)
        np.testing.assert_allclose(ra["rf0"], rb["rf0"], rtol=1e-12)
        np.testing.assert_allclose(ra["k"], rb["k"] + k_p, rtol=1e-12, atol=1e-12)
        expected = rb["capital"] * (1 + rb["k"] + k_p) / (1 + rb["k"])
        np.testing.assert_allclose(ra["capital"], expected, rtol=1e-9)
        assert (ra["parent_id"] == "P").all()


# ------------------------------------------------------------------------------------------
# the capital map (optimiser) and linearity in the parent's exposure
# ------------------------------------------------------------------------------------------


def test_capital_map_equals_engine_and_scales_with_the_parent(make_holdings, make_company):
    """The optimiser moves parents by asset_class: the map built from the charge table gives
    the engine's minimum capital today and after scaling the parent's class (the
    underlyings scale with it: capital linear in the parent's exposure)."""
    h = make_holdings(
        [
            {
                "id": "F",
                "asset_type": "pe_vc_fund",
                "market_value": 3e8,
                "look_through": True,
                "layers": 2,
                "asset_class": "pe",
            },
            {
                "id": "D",
                "asset_type": "debt_investment_plan",
                "market_value": 4e8,
                "look_through": True,
                "layers": 1,
                "rating": "AA+",
                "loan_class": "normal",  # required by the reader; unread with underlyings
                "asset_class": "dip",
            },
            {
                "id": "B",
                "asset_type": "corporate_bond",
                "market_value": 5e8,
                "rating": "AAA",
                "modified_duration": 4.0,
                "asset_class": "bond",
            },
        ]
    )
    h = with_children(
        h,
        [
            {"parent_id": "F", "share": 0.5, "id": "u", "asset_type": "unlisted_equity"},
            {
                "parent_id": "F",
                "share": 0.5,
                "id": "g",
                "asset_type": "government_bond",
                "modified_duration": 7.0,
            },
            {
                "parent_id": "D",
                "share": 0.8,
                "id": "c",
                "asset_type": "corporate_bond",
                "rating": "AA",
                "modified_duration": 3.0,
            },
        ],
    )
    company = make_company("pc", total_assets=2e9)
    cmap = build_capital_map(h, company, R25)
    base = solve(h, company)
    assert cmap.minimum_capital(cmap.current_exposure) == pytest.approx(
        base.minimum_capital, rel=1e-10
    )
    factors = {"pe": 1.7, "dip": 0.4}
    scaled = solve(h.scaled(factors), company)
    x = cmap.current_exposure * np.array([factors.get(c, 1.0) for c in cmap.classes])
    assert cmap.minimum_capital(x) == pytest.approx(scaled.minimum_capital, rel=1e-10)
    # the underlyings really moved: the scaled parent's equity is 1.7 times today's
    eq = base.submodules["equity"]
    assert scaled.submodules["equity"] == pytest.approx(1.7 * eq, rel=1e-10)


def test_equity_trust_with_underlyings_is_equity_type(make_holdings, make_company):
    """An equity trust (trust_kind = equity) looked through with a file is equity-type: no
    surface default charge (it has no rating; the surface charge of Rule 7 Art. 21-23 is for
    debt-type products) and K_p = n x 0.1 (Art. 18), not (n - 1) x 0.1. One layer, one
    unlisted-equity underlying of 1,000,000 CNY: 1,000,000 x 0.41 x (1 + 0.1) = 451,000
    (Rule 8 Art. 27, Rule 7 Art. 14, 31 (一)). Before the fix the surface row had a NaN factor
    and the whole result was NaN."""
    h = make_holdings(
        [
            {
                "id": "T",
                "asset_type": "trust_plan",
                "trust_kind": "equity",
                "market_value": 1_000_000.0,
                "look_through": True,
                "layers": 1,
                "asset_class": "trust",
                "counterparty": "某信托",
            }
        ]
    )
    h = with_children(
        h, [{"parent_id": "T", "share": 1.0, "id": "u1", "asset_type": "unlisted_equity"}]
    )
    r = solve(h, make_company("life"))
    ch = rows_of(r, 0)
    assert list(ch["submodule"]) == ["equity"]
    assert ch["k"].iloc[0] == pytest.approx(0.1)
    assert ch["capital"].iloc[0] == pytest.approx(451_000.0, rel=1e-12)
    assert np.isfinite(r.minimum_capital)
