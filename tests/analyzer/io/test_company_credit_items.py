"""The company file's ``[[credit_items]]`` and ``reinsurance_business`` (docs/formats.md §2):
read from TOML, and every bad entry refused naming the file and the key
(``credit_items[N].key``), in both languages."""

from __future__ import annotations

import pytest

from analyzer.errors import InputError
from analyzer.io import read_company
from analyzer.io.company import company_from_dict

PC = """name = "T P&C"
company_type = "pc"
total_assets = 6.0e10
prior_comprehensive_ratio = 2.4

[capital]
core_tier1 = 1.4e10

[minimum_capital]
nonlife_insurance = 5.5e9
"""

ITEMS = """
[[credit_items]]
id = "re-china-re"
item_type = "reinsurance_ceded"
amount = 1.2e9
counterparty = "中国财产再保险"
reinsurer_region = "domestic"
reinsurer_kind = "reinsurer"
reinsurer_solvency_ratio = 1.9
reinsurer_branch = false

[[credit_items]]
id = "re-overseas"
item_type = "reinsurance_ceded"
amount = 3.0e8
reinsurer_region = "overseas"
reinsurer_kind = "reinsurer"
meets_local_solvency = true
collateralised = 1.0e8

[[credit_items]]
id = "prem-agri"
item_type = "premium_receivable"
amount = 4.0e8
business = "subsidised"
age_months = 10

[[credit_items]]
id = "guar-1"
item_type = "guarantee"
amount = 5.0e7
"""


def write(tmp_path, text):
    path = tmp_path / "company.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(data, plausibility=False):
    with pytest.raises(InputError) as err:
        company_from_dict(data, "co.toml", plausibility=plausibility)
    return err.value.problems


def base(**over):
    data = {
        "name": "T",
        "company_type": "pc",
        "total_assets": 6.0e10,
        "prior_comprehensive_ratio": 2.0,
        "capital": {"core_tier1": 1.0e10},
    }
    data.update(over)
    return data


def test_reads_items_from_toml(tmp_path):
    c = read_company(write(tmp_path, PC + ITEMS))
    assert [i.id for i in c.credit_items] == ["re-china-re", "re-overseas", "prem-agri", "guar-1"]
    first = c.credit_items[0]
    assert (first.reinsurer_solvency_ratio, first.reinsurer_branch) == (1.9, False)
    assert c.credit_items[1].collateralised == 1.0e8
    assert c.credit_items[2].business == "subsidised"


def test_file_without_items_has_none(tmp_path):
    assert read_company(write(tmp_path, PC)).credit_items == ()


@pytest.mark.parametrize(
    ("entry", "column", "needle"),
    [
        ({"item_type": "loan_receivable"}, "credit_items[1].item_type", "allowed"),
        ({"amount": -5.0e6}, "credit_items[1].amount", "negative"),
        ({"amount": "5e6"}, "credit_items[1].amount", "must be a number"),
        ({"amount": float("nan")}, "credit_items[1].amount", "finite"),
        ({"age_month": 3}, "credit_items[1].age_month", "age_months"),  # did you mean
        ({"reinsurer_rating": "AA"}, "credit_items[1].reinsurer_rating", "not used"),
        ({"business": "car"}, "credit_items[1].business", "allowed"),
    ],
)
def test_bad_item_refused_with_key(entry, column, needle):
    item = {"id": "p", "item_type": "premium_receivable", "amount": 5.0e6, "age_months": 3}
    item.update(entry)
    found = problems_of(base(credit_items=[item]))
    assert any(p.column == column and needle in str(p.message) for p in found), found
    assert all(p.file == "co.toml" for p in found)


def test_missing_keys_the_article_needs():
    """A ceded item needs region and reinsurer kind (Art. 22-24); a domestic one its ratio and
    legal-entity status; a reinsurer ceding overseas (local solvency met) the rating (Art. 23,
    29); an other receivable its category; an aged item its age."""
    found = problems_of(
        base(
            company_type="reinsurer",
            reinsurance_business="pc",
            credit_items=[
                {"id": "a", "item_type": "reinsurance_ceded", "amount": 1e8},
                {
                    "id": "b",
                    "item_type": "reinsurance_ceded",
                    "amount": 1e8,
                    "reinsurer_region": "domestic",
                    "reinsurer_kind": "reinsurer",
                },
                {
                    "id": "c",
                    "item_type": "reinsurance_ceded",
                    "amount": 1e8,
                    "reinsurer_region": "overseas",
                    "reinsurer_kind": "reinsurer",
                    "meets_local_solvency": True,
                },
                {"id": "d", "item_type": "other_receivable", "amount": 1e6},
                {"id": "e", "item_type": "reinsurance_assumed", "amount": 1e6},
                {"item_type": "guarantee", "amount": 1e6},
            ],
        )
    )
    columns = {p.column for p in found}
    assert {
        "credit_items[1].reinsurer_region",
        "credit_items[1].reinsurer_kind",
        "credit_items[2].reinsurer_solvency_ratio",
        "credit_items[2].reinsurer_branch",
        "credit_items[3].reinsurer_rating",
        "credit_items[4].category",
        "credit_items[5].age_months",
        "credit_items[6].id",
    } <= columns
    rating = next(p for p in found if p.column == "credit_items[3].reinsurer_rating")
    assert "Art. 23, 29" in rating.message and "规则第9号第23, 29条" in rating.message_zh


def test_rating_not_needed_for_a_direct_insurer():
    """Art. 22 (a P&C or life insurer ceding) has no rating table: no rating asked."""
    c = company_from_dict(
        base(
            credit_items=[
                {
                    "id": "c",
                    "item_type": "reinsurance_ceded",
                    "amount": 1e8,
                    "reinsurer_region": "overseas",
                    "reinsurer_kind": "reinsurer",
                    "meets_local_solvency": True,
                }
            ]
        )
    )
    assert c.credit_items[0].reinsurer_rating is None


def test_unknown_rating_refused():
    found = problems_of(
        base(
            company_type="reinsurer",
            reinsurance_business="pc",
            credit_items=[
                {
                    "id": "c",
                    "item_type": "reinsurance_ceded",
                    "amount": 1e8,
                    "reinsurer_region": "overseas",
                    "reinsurer_kind": "reinsurer",
                    "meets_local_solvency": True,
                    "reinsurer_rating": "A1",
                }
            ],
        )
    )
    assert found[0].column == "credit_items[1].reinsurer_rating"
    assert "unrated" in found[0].message


def test_duplicate_id_collateral_and_not_an_array():
    item = {"id": "x", "item_type": "guarantee", "amount": 1e6}
    found = problems_of(base(credit_items=[item, item]))
    assert found[0].column == "credit_items[2].id" and "more than one" in str(found[0].message)
    over = {
        "id": "y",
        "item_type": "reinsurance_ceded",
        "amount": 1e6,
        "reinsurer_region": "overseas",
        "reinsurer_kind": "reinsurer",
        "meets_local_solvency": True,
        "collateralised": 2e6,
    }
    found = problems_of(base(credit_items=[over]))
    assert found[0].column == "credit_items[1].collateralised"
    found = problems_of(base(credit_items={"id": "x"}))
    assert found[0].column == "credit_items"
    found = problems_of(base(credit_items=[{**item, "transparency_measures": True}]))
    assert found[0].column == "credit_items[1].transparency_measures"


def test_plausibility_of_items():
    """An item above total assets, or a solvency ratio written in percent, is refused."""
    items = [
        {"id": "big", "item_type": "guarantee", "amount": 7.0e10},
        {
            "id": "pct",
            "item_type": "reinsurance_ceded",
            "amount": 1e8,
            "reinsurer_region": "domestic",
            "reinsurer_kind": "reinsurer",
            "reinsurer_solvency_ratio": 250,
            "reinsurer_branch": False,
        },
    ]
    found = problems_of(base(credit_items=items), plausibility=True)
    columns = {p.column for p in found}
    assert "credit_items[1].amount" in columns
    assert "credit_items[2].reinsurer_solvency_ratio" in columns


# ------------------------------------------------------------------ reinsurance_business


def test_reinsurer_must_state_its_business():
    found = problems_of(base(company_type="reinsurer"))
    assert found[0].column == "reinsurance_business"
    assert "Art. 22" in found[0].message and "第二十二条" in found[0].message_zh


def test_life_reinsurer_needs_liabilities():
    found = problems_of(base(company_type="reinsurer", reinsurance_business="life"))
    assert found[0].column == "liabilities" and "scenario" in found[0].message


def test_composite_reinsurer_refused_naming_art_23():
    found = problems_of(base(company_type="reinsurer", reinsurance_business="composite"))
    assert found[0].column == "reinsurance_business" and "Art. 23" in found[0].message


def test_business_only_for_a_reinsurer():
    found = problems_of(base(reinsurance_business="pc"))
    assert found[0].column == "reinsurance_business"


def test_bad_business_value():
    found = problems_of(base(company_type="reinsurer", reinsurance_business="Life"))
    assert any(p.column == "reinsurance_business" for p in found)


def test_round_trip_through_model_dump(tmp_path):
    """A company sent back as a dict (dashboard, stored scenario) keeps its items."""
    c = read_company(write(tmp_path, PC + ITEMS))
    again = company_from_dict(c.model_dump(exclude_none=True), "back.toml", plausibility=True)
    assert again.credit_items == c.credit_items
    again = company_from_dict({**c.model_dump(exclude_none=True), "credit_items": c.credit_items})
    assert again.credit_items == c.credit_items


def test_dashboard_dump_of_a_company_without_items(tmp_path):
    """The dashboard sends back ``model_dump(exclude={"source", "liabilities"})``: the new
    optional keys arrive as None / () and are accepted."""
    c = read_company(write(tmp_path, PC))
    again = company_from_dict(c.model_dump(exclude={"source", "liabilities"}), plausibility=True)
    assert again.credit_items == () and again.reinsurance_business is None
    c = read_company(write(tmp_path, PC + ITEMS))
    again = company_from_dict(c.model_dump(exclude={"source", "liabilities"}), plausibility=True)
    assert again.credit_items == c.credit_items
