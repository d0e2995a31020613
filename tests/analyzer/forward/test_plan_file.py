"""The plan file, the projection's step dates, the plan laid out on them and the file of new
commitments: numbers worked by hand from the rules of docs/formats.md section 11."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest

from analyzer.errors import InputError, ParameterError
from analyzer.forward.plan_file import (
    add_months,
    read_new_commitments,
    read_plan,
    step_dates,
)
from analyzer.stress.commitments import TakahashiAlexander, read_commitments

ROOT = Path(__file__).resolve().parents[3]
LIFE = ROOT / "data" / "life"
D = dt.date
VD = D(2025, 12, 31)
CLASSES = ("government_bond", "stock_csi300", "vc_fund", "corporate_bond_aaa")


def write(tmp_path: Path, body: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def refused(path: Path, **kwargs) -> list:
    kwargs.setdefault("valuation_date", VD)
    kwargs.setdefault("classes", CLASSES)
    with pytest.raises(InputError) as err:
        read_plan(path, **kwargs)
    return list(err.value.problems)


def only(problems: list, file: Path | str, row, column):
    """The one problem; its file, row and column as given, both languages non-empty."""
    assert len(problems) == 1, [str(p) for p in problems]
    p = problems[0]
    assert (p.file, p.row, p.column) == (str(file), row, column), str(p)
    assert p.message.strip() and p.message_zh.strip()
    assert p.message != p.message_zh
    return p


# --------------------------------------------------------------------------------------------
# Step dates


def test_month_end_valuation_date_gives_month_ends() -> None:
    assert step_dates(D(2026, 9, 30), 1, "quarter") == (
        D(2026, 12, 31),
        D(2027, 3, 31),
        D(2027, 6, 30),
        D(2027, 9, 30),
    )
    assert step_dates(D(2026, 9, 30), 3, "year") == (D(2027, 9, 30), D(2028, 9, 30), D(2029, 9, 30))
    # a February month end stays a month end after it: 2026-11-30 is a month end
    assert step_dates(D(2026, 11, 30), 1)[:2] == (D(2027, 2, 28), D(2027, 5, 31))
    assert step_dates(D(2027, 8, 31), 1)[:2] == (D(2027, 11, 30), D(2028, 2, 29))  # leap year
    assert len(step_dates(VD, 3)) == 12 and step_dates(VD, 3)[-1] == D(2028, 12, 31)


def test_mid_month_valuation_date_keeps_its_day_clipped_to_the_month() -> None:
    # counted from the valuation date: the clipped February does not pull May back to the 28th
    assert step_dates(D(2026, 11, 29), 2, "quarter") == (
        D(2027, 2, 28),
        D(2027, 5, 29),
        D(2027, 8, 29),
        D(2027, 11, 29),
        D(2028, 2, 29),
        D(2028, 5, 29),
        D(2028, 8, 29),
        D(2028, 11, 29),
    )
    assert step_dates(D(2026, 1, 15), 2, "year") == (D(2027, 1, 15), D(2028, 1, 15))
    assert add_months(D(2026, 1, 30), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 2, 28), 1) == D(2026, 3, 31)  # a month end
    assert add_months(D(2026, 3, 15), -3) == D(2025, 12, 15)


def test_step_dates_refuse_an_unknown_step_or_no_year() -> None:
    with pytest.raises(ParameterError) as err:
        step_dates(VD, 3, "month")
    assert "month" in str(err.value) and "quarter" in str(err.value)
    assert err.value.localized("zh") != str(err.value)
    with pytest.raises(ParameterError):
        step_dates(VD, 0)


# --------------------------------------------------------------------------------------------
# The sample plan and its schedule


def test_the_sample_plan_reads_as_written() -> None:
    plan = read_plan(LIFE / "plan.toml", valuation_date=None, classes=CLASSES)
    assert plan.valuation_date == VD and plan.policy == "hold" and plan.glide == ()
    assert plan.income_to_capital == 0.75 and plan.commitment_class == "vc_fund"
    assert plan.takahashi_alexander == TakahashiAlexander(
        lifetime=12, bow=2.5, growth=0.10, yield_=0.0
    )
    assert [(p.row, p.year, p.new_money) for p in plan.periods] == [
        (1, 1, 2.0e10),
        (2, 2, 2.0e10),
        (3, 3, 2.0e10),
    ]
    # +5% a year from the company file's 1.2e10
    assert [p.life_insurance for p in plan.periods] == pytest.approx(
        [1.2e10 * 1.05**y for y in (1, 2, 3)], rel=1e-12
    )
    assert all(p.loss_absorption is None for p in plan.periods)
    assert [(a.tier, a.amount, a.approved, a.date) for a in plan.capital_actions] == [
        ("supplementary_tier2", 5.0e9, True, D(2027, 6, 30)),
        ("core_tier2", 3.0e9, False, D(2028, 3, 31)),
    ]
    record = json.loads(json.dumps(plan.to_dict()))
    assert (
        record["periods"][1]["year"] == 2 and record["capital_actions"][0]["date"] == "2027-06-30"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.policy = "glide"  # type: ignore[misc]


def test_the_sample_plan_on_quarters() -> None:
    plan = read_plan(LIFE / "plan.toml", valuation_date=VD, classes=None)
    dates = step_dates(VD, 3)
    s = plan.schedule(VD, dates, {"government_bond": 1.0})
    assert s.dates == dates
    assert s.new_money.tolist() == [5.0e9] * 12
    assert s.retained_profit.tolist() == [3.75e8] * 12 and s.dividends.tolist() == [1.25e8] * 12
    assert s.life_insurance.tolist() == [1.26e10] * 4 + [1.323e10] * 4 + [1.38915e10] * 4
    assert np.isnan(s.loss_absorption).all()  # held at today's
    # the approved bond in Q2 2027 (step 6), the unapproved one in Q1 2028 (step 9)
    t2, c2 = s.tiers.index("supplementary_tier2"), s.tiers.index("core_tier2")
    assert s.actions_approved[5, t2] == 5.0e9 and s.actions_approved.sum() == 5.0e9
    assert s.actions_all[8, c2] == 3.0e9 and s.actions_all.sum() == 8.0e9
    assert s.glide is None
    src = str(LIFE / "plan.toml")
    assert s.sources["new_money"][4] == ((src, 2),)  # the first quarter of year 2: entry 2
    assert s.sources["capital_actions"][8] == ((src, 2),)
    assert s.sources["loss_absorption"][0] == ()
    with pytest.raises(ValueError):
        s.new_money[0] = 0.0  # read-only
    out = json.loads(json.dumps(s.to_dict()))
    assert out["steps"][5]["actions_approved"]["supplementary_tier2"] == 5.0e9
    assert out["steps"][0]["loss_absorption"] is None


def test_the_sample_plan_on_years() -> None:
    plan = read_plan(LIFE / "plan.toml", valuation_date=VD, classes=None)
    s = plan.schedule(VD, step_dates(VD, 3, "year"), {"government_bond": 1.0})
    assert s.new_money.tolist() == [2.0e10] * 3
    assert s.actions_all[1].sum() == 5.0e9 and s.actions_all[2].sum() == 3.0e9


PLAN = """
valuation_date = 2025-12-31
[[periods]]
year = 1
new_money = 12345678901.23
life_insurance = 1.3e10
[[periods]]
date = 2026-04-01
new_money = -1.0e9
[[periods]]
date = 2026-03-31
retained_profit = 2.0e8
[[periods]]
date = 2027-08-15
nonlife_insurance = 4.0e8
[[periods]]
year = 3
life_insurance = 1.5e10
"""


def test_a_year_is_spread_exactly_and_a_date_lands_in_its_quarter(tmp_path) -> None:
    plan = read_plan(write(tmp_path, PLAN), valuation_date=None, classes=None)
    s = plan.schedule(VD, step_dates(VD, 3), {"cash": 1.0})
    year1 = [12345678901.23 / 4] * 3 + [None]
    got = s.new_money.tolist()
    # the year's amount spread over its four quarters; added in order they give it exactly
    assert got[0] == year1[0] and got[2] == year1[2]
    assert got[1] == pytest.approx(12345678901.23 / 4 - 1.0e9, rel=1e-15)  # plus the outflow
    assert got[4:] == [0.0] * 8
    alone = write(tmp_path, "[[periods]]\nyear = 1\nnew_money = 12345678901.23\n", "one.toml")
    q = read_plan(alone, valuation_date=VD, classes=None).schedule(VD, step_dates(VD, 1), {})
    assert q.new_money[0] + q.new_money[1] + q.new_money[2] + q.new_money[3] == 12345678901.23
    assert q.new_money[:3].tolist() == [12345678901.23 / 4] * 3
    # 2026-03-31 is the end of the first quarter (intervals are (d_k-1, d_k]), 04-01 the second
    assert s.retained_profit.tolist() == [2.0e8] + [0.0] * 11
    # levels: year 1 in every quarter of year 1, held through year 2, year 3's from year 3
    assert s.life_insurance.tolist() == [1.3e10] * 8 + [1.5e10] * 4
    # a date entry: from its step (2027-08-15 is in the quarter ending 2027-09-30) on
    assert np.isnan(s.nonlife_insurance[:6]).all()
    assert s.nonlife_insurance[6:].tolist() == [4.0e8] * 6
    assert s.sources["new_money"][1] == (
        (str(tmp_path / "plan.toml"), 1),
        (str(tmp_path / "plan.toml"), 2),
    )


def test_year_spreading_sums_exactly_for_awkward_amounts(tmp_path) -> None:
    rng = np.random.default_rng(7)
    amounts = [float(a) for a in rng.uniform(1e8, 1e11, size=40)]
    body = "".join(
        f"[[periods]]\nyear = {k + 1}\nnew_money = {a!r}\n" for k, a in enumerate(amounts)
    )
    plan = read_plan(write(tmp_path, body), valuation_date=VD, classes=None)
    s = plan.schedule(VD, step_dates(VD, 40), {"cash": 1.0})
    for k, a in enumerate(amounts):
        q = s.new_money[4 * k : 4 * k + 4].tolist()
        assert q[0] + q[1] + q[2] + q[3] == a
    # monthly steps (any increasing dates may be given): twelve equal parts of a/12 would
    # miss the amount for about half of these; the last part takes the rounding
    monthly = tuple(add_months(VD, m) for m in range(1, 12 * 40 + 1))
    s = plan.schedule(VD, monthly, {"cash": 1.0})
    for k, a in enumerate(amounts):
        parts = s.new_money[12 * k : 12 * k + 12].tolist()
        total = 0.0
        for part in parts:
            total += part
        assert total == a
        assert max(parts) - min(parts) <= 12 * math.ulp(a)
    assert sum(sum([a / 12] * 12) != a for a in amounts) > 10  # the naive split would fail


def test_schedule_refuses_what_falls_outside_the_projection(tmp_path) -> None:
    body = (
        "[[periods]]\nyear = 4\nnew_money = 1.0e9\n"
        "[[periods]]\ndate = 2029-01-15\nnew_money = 1.0e9\n"
        '[[capital_actions]]\ndate = 2029-03-31\ntier = "core_tier2"\namount = 1.0e9\n'
        "approved = true\n"
    )
    path = write(tmp_path, body)
    plan = read_plan(path, valuation_date=VD, classes=None)
    with pytest.raises(InputError) as err:
        plan.schedule(VD, step_dates(VD, 3), {"cash": 1.0})
    where = [(p.file, p.row, p.column) for p in err.value.problems]
    assert where == [
        (str(path), 1, "periods.year"),
        (str(path), 2, "periods.date"),
        (str(path), 1, "capital_actions.date"),
    ]
    assert "2029-12-31" in err.value.problems[0].message  # year 4 ends then
    assert all(p.message_zh for p in err.value.problems)
    # with four years everything is inside
    s = plan.schedule(VD, step_dates(VD, 4), {"cash": 1.0})
    assert s.new_money[12:].tolist() == [2.5e8 + 1.0e9, 2.5e8, 2.5e8, 2.5e8]


def test_schedule_refuses_a_level_set_twice_in_a_step(tmp_path) -> None:
    body = (
        "[[periods]]\nyear = 1\nlife_insurance = 1.3e10\n"
        "[[periods]]\ndate = 2026-05-31\nlife_insurance = 1.4e10\n"
    )
    path = write(tmp_path, body)
    plan = read_plan(path, valuation_date=VD, classes=None)
    with pytest.raises(InputError) as err:
        plan.schedule(VD, step_dates(VD, 1), {"cash": 1.0})
    p = only(list(err.value.problems), path, 2, "periods.life_insurance")
    assert "2026-06-30" in p.message and "1" in p.message


def test_schedule_refuses_another_valuation_date(tmp_path) -> None:
    plan = read_plan(LIFE / "plan.toml", valuation_date=None, classes=None)
    with pytest.raises(InputError) as err:
        plan.schedule(D(2026, 3, 31), step_dates(D(2026, 3, 31), 3), {"cash": 1.0})
    only(list(err.value.problems), LIFE / "plan.toml", None, "valuation_date")
    with pytest.raises(ParameterError):  # dates not after the valuation date
        plan.schedule(VD, (D(2025, 12, 31), D(2026, 3, 31)), {"cash": 1.0})


# --------------------------------------------------------------------------------------------
# Glide path

GLIDE = """
valuation_date = 2025-12-31
[policy]
kind = "glide"
[[policy.glide]]
date = 2027-12-31
weights = { government_bond = 0.5, stock_csi300 = 0.3, vc_fund = 0.2 }
[[policy.glide]]
date = 2026-12-31
weights = { government_bond = 0.6, stock_csi300 = 0.3, vc_fund = 0.1 }
"""


def test_glide_weights_interpolated_by_hand(tmp_path) -> None:
    plan = read_plan(write(tmp_path, GLIDE), valuation_date=VD, classes=CLASSES)
    assert [g.date for g in plan.glide] == [D(2026, 12, 31), D(2027, 12, 31)]  # sorted
    assert [g.row for g in plan.glide] == [2, 1]
    w0 = {"government_bond": 0.8, "stock_csi300": 0.2}
    s = plan.schedule(VD, step_dates(VD, 3), w0)
    g = s.glide
    assert g is not None and len(g) == 12
    # 2026-03-31: 90 of the 365 days from today's weights to the first point
    f = 90 / 365
    assert g[0] == pytest.approx(
        {"government_bond": 0.8 - 0.2 * f, "stock_csi300": 0.2 + 0.1 * f, "vc_fund": 0.1 * f},
        abs=1e-15,
    )
    assert g[3] == pytest.approx({"government_bond": 0.6, "stock_csi300": 0.3, "vc_fund": 0.1})
    # 2027-06-30: 181 of the 365 days from the first point to the second
    f = 181 / 365
    assert g[5] == pytest.approx(
        {"government_bond": 0.6 - 0.1 * f, "stock_csi300": 0.3, "vc_fund": 0.1 + 0.1 * f},
        abs=1e-15,
    )
    # after the last point: held
    for k in range(7, 12):
        assert g[k] == pytest.approx({"government_bond": 0.5, "stock_csi300": 0.3, "vc_fund": 0.2})
    assert all(abs(sum(w.values()) - 1.0) < 1e-12 for w in g)
    with pytest.raises(ParameterError):
        plan.schedule(VD, step_dates(VD, 3), {"government_bond": 0.8})
    # read without a valuation date: a glide point not after it is refused by the schedule
    path = write(tmp_path, GLIDE.replace("valuation_date = 2025-12-31\n", ""), "late.toml")
    late = read_plan(path, valuation_date=None, classes=CLASSES)
    day = D(2026, 12, 31)
    with pytest.raises(InputError) as err:
        late.schedule(day, step_dates(day, 1), w0)
    only(list(err.value.problems), path, 2, "policy.glide.date")


# --------------------------------------------------------------------------------------------
# Refusals: file, row and key of each, both languages


def test_a_date_before_the_valuation_date(tmp_path) -> None:
    path = write(
        tmp_path, "[[periods]]\nyear = 1\n[[periods]]\ndate = 2025-06-30\nnew_money = 1e9\n"
    )
    p = only(refused(path), path, 2, "periods.date")
    assert "2025-06-30" in p.message and "2025-12-31" in p.message
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2025-12-31\ntier = "core_tier2"\namount = 1e9\n'
        "approved = true\n",
    )
    only(refused(path), path, 1, "capital_actions.date")


def test_glide_weights_not_adding_up_to_one_name_the_row(tmp_path) -> None:
    body = GLIDE.replace("vc_fund = 0.1 }", "vc_fund = 0.05 }")
    path = write(tmp_path, body)
    p = only(refused(path), path, 2, "policy.glide.weights")
    assert "0.950000" in p.message
    ok = GLIDE.replace("vc_fund = 0.1 }", "vc_fund = 0.1000005 }")  # within 1e-6
    read_plan(write(tmp_path, ok), valuation_date=VD, classes=CLASSES)
    path = write(tmp_path, GLIDE.replace("stock_csi300 = 0.3, vc_fund = 0.2", "stock_csi300 = 50"))
    p = only(refused(path), path, 1, "policy.glide.weights.stock_csi300")


def test_an_unknown_class_is_refused_with_a_suggestion(tmp_path) -> None:
    path = write(tmp_path, GLIDE.replace("government_bond = 0.5", "goverment_bond = 0.5"))
    p = only(refused(path), path, 1, "policy.glide.weights.goverment_bond")
    assert "did you mean 'government_bond'" in p.message and "government_bond" in p.message_zh
    path = write(tmp_path, 'commitment_class = "vcfund"\n')
    p = only(refused(path), path, None, "commitment_class")
    assert "'vc_fund'" in p.message


def test_an_unknown_key_is_refused_with_a_suggestion(tmp_path) -> None:
    path = write(tmp_path, "[[periods]]\nyear = 1\n[[periods]]\nyear = 2\nnew_monye = 1e9\n")
    p = only(refused(path), path, 2, "periods.new_monye")
    assert "did you mean 'new_money'" in p.message
    path = write(tmp_path, "income_to_captial = 0.75\n")
    p = only(refused(path), path, None, "income_to_captial")
    assert "'income_to_capital'" in p.message
    path = write(tmp_path, "[takahashi_alexander]\nlifetme = 10\n")
    p = only(refused(path), path, None, "takahashi_alexander.lifetme")
    assert "'lifetime'" in p.message
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "core_tier2"\n'
        'amount = 1e9\napproved = true\nnote = "x"\n',
    )
    p = only(refused(path), path, 1, "capital_actions.note")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_non_finite_number_is_refused(tmp_path, value) -> None:
    path = write(tmp_path, f"[[periods]]\nyear = 1\nnew_money = {value}\n")
    p = only(refused(path), path, 1, "periods.new_money")
    assert "finite" in p.message
    path = write(tmp_path, f"income_to_capital = {value}\n")
    only(refused(path), path, None, "income_to_capital")


def test_an_amount_in_yi_yuan_is_refused(tmp_path) -> None:
    path = write(tmp_path, "[[periods]]\nyear = 1\nnew_money = 200\n")
    p = only(refused(path), path, 1, "periods.new_money")
    assert "亿元" in p.message and "亿元" in p.message_zh
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "core_tier2"\namount = -30\n'
        "approved = true\n",
    )
    only(refused(path), path, 1, "capital_actions.amount")
    # new money may be a net outflow; zero is no amount at all
    path = write(tmp_path, "[[periods]]\nyear = 1\nnew_money = -5.0e9\ndividends = 0\n")
    plan = read_plan(path, valuation_date=VD, classes=None)
    assert plan.periods[0].new_money == -5.0e9


def test_an_unknown_tier_is_refused(tmp_path) -> None:
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "supplementary_tier_2"\namount = 1e9\n'
        "approved = true\n",
    )
    p = only(refused(path), path, 1, "capital_actions.tier")
    assert "did you mean 'supplementary_tier2'" in p.message
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "tier3"\namount = 1e9\napproved = true\n',
    )
    p = only(refused(path), path, 1, "capital_actions.tier")
    assert "core_tier1, core_tier2" in p.message


def test_a_capital_action_must_say_whether_it_is_approved(tmp_path) -> None:
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "core_tier2"\namount = 1e9\n'
        "approved = true\n"
        '[[capital_actions]]\ndate = 2026-09-30\ntier = "core_tier2"\namount = 1e9\n',
    )
    p = only(refused(path), path, 2, "capital_actions.approved")
    assert "Art. 16" in p.message and "第十六条" in p.message_zh
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "core_tier2"\namount = 1e9\n'
        'approved = "yes"\n',
    )
    only(refused(path), path, 1, "capital_actions.approved")
    path = write(
        tmp_path,
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "core_tier2"\namount = 0\n'
        "approved = true\n",
    )
    only(refused(path), path, 1, "capital_actions.amount")


@pytest.mark.parametrize(
    ("body", "row", "column", "needle"),
    [
        ("valuation_date = 2026-03-31\n", None, "valuation_date", "2025-12-31"),
        ("income_to_capital = 75\n", None, "income_to_capital", "75"),
        ('[policy]\nkind = "optimize"\n', None, "policy.kind", "optimise"),
        ('[policy]\nkind = "glide"\n', None, "policy.kind", "glide"),
        ("[[periods]]\nyear = 1\ndividends = -5e8\n", 1, "periods.dividends", "negative"),
        ("[[periods]]\nyear = 1\nlife_insurance = -1e9\n", 1, "periods.life_insurance", "negative"),
        ("[[periods]]\nyear = 2027\nnew_money = 1e9\n", 1, "periods.year", "calendar year"),
        ("[[periods]]\nyear = 1.5\n", 1, "periods.year", "whole number"),
        ("[[periods]]\nyear = 0\n", 1, "periods.year", "whole number"),
        ("[[periods]]\nyear = 1\ndate = 2026-06-30\n", 1, "periods.year", "exactly one"),
        ("[[periods]]\nnew_money = 1e9\n", 1, "periods", "exactly one"),
        ("[[periods]]\nyear = 1\n[[periods]]\nyear = 1\n", 2, "periods.year", "twice"),
        ('[[periods]]\ndate = "June"\n', 1, "periods.date", "not a date"),
        ("[takahashi_alexander]\nlifetime = 0\n", None, "takahashi_alexander.lifetime", "1"),
        (
            "[takahashi_alexander]\ncontribution_rates = [0.25, 33]\n",
            None,
            "takahashi_alexander.contribution_rates",
            "[0, 1]",
        ),
        (GLIDE.replace('"glide"', '"hold"'), 1, "policy.glide", "glide"),
        ("periods = 3\n", None, "periods", "table"),
    ],
)
def test_other_refusals(tmp_path, body, row, column, needle) -> None:
    path = write(tmp_path, body)
    p = only(refused(path), path, row, column)
    assert needle in p.message, p.message


def test_every_problem_is_reported_at_once(tmp_path) -> None:
    body = (
        "income_to_capital = 2\n[[periods]]\nyear = 1\nnew_money = 200\n"
        '[[capital_actions]]\ndate = 2026-06-30\ntier = "core_tier2"\namount = 1e9\n'
    )
    path = write(tmp_path, body)
    with pytest.raises(InputError) as err:
        read_plan(path, valuation_date=VD, classes=None)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (None, "income_to_capital"),
        (1, "periods.new_money"),
        (1, "capital_actions.approved"),
    ]


def test_other_file_types_are_refused(tmp_path) -> None:
    path = write(tmp_path, "x", name="plan.csv")
    only(refused(path), path, None, None)
    with pytest.raises(InputError):
        read_plan(tmp_path / "missing.toml", valuation_date=VD, classes=None)


# --------------------------------------------------------------------------------------------
# The workbook form


def _workbook(path: Path, settings, periods, glide, actions) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in (
        ("settings", settings),
        ("periods", periods),
        ("glide", glide),
        ("capital_actions", actions),
    ):
        if rows is None:
            continue
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


GLIDE_TOML = """
valuation_date = 2025-12-31
income_to_capital = 0.7
commitment_class = "vc_fund"
[policy]
kind = "glide"
[[policy.glide]]
date = 2026-12-31
weights = { government_bond = 0.6, stock_csi300 = 0.3, vc_fund = 0.1 }
[[policy.glide]]
date = 2027-12-31
weights = { government_bond = 0.5, stock_csi300 = 0.3, vc_fund = 0.2 }
[takahashi_alexander]
contribution_rates = [0.3, 0.5, 1.0]
lifetime = 10
growth = 0.12
[[periods]]
year = 1
new_money = 2.0e10
life_insurance = 1.26e10
dividends = 5.0e8
[[periods]]
date = 2027-02-15
new_money = -3.0e9
loss_absorption = 6.5e9
[[capital_actions]]
date = 2027-06-30
tier = "supplementary_tier2"
amount = 5.0e9
approved = true
description = "capital supplement bond"
[[capital_actions]]
date = 2028-03-31
tier = "core_tier2"
amount = -1.0e9
approved = false
"""


def _the_workbook(path: Path, weights_row2=(0.5, 0.3, 0.2)) -> Path:
    return _workbook(
        path,
        [
            ("key", "value"),
            ("valuation_date", dt.datetime(2025, 12, 31)),
            ("income_to_capital", 0.7),
            ("commitment_class", "vc_fund"),
            ("policy.kind", "glide"),
            ("takahashi_alexander.contribution_rates", "0.3, 0.5, 1.0"),
            ("takahashi_alexander.lifetime", 10),
            ("takahashi_alexander.growth", 0.12),
        ],
        [
            ("year", "date", "new_money", "life_insurance", "loss_absorption", "dividends"),
            (1, None, 2.0e10, 1.26e10, None, 5.0e8),
            (None, dt.datetime(2027, 2, 15), -3.0e9, None, 6.5e9, None),
        ],
        [
            ("date", "government_bond", "stock_csi300", "vc_fund"),
            (dt.datetime(2026, 12, 31), 0.6, 0.3, 0.1),
            (dt.datetime(2027, 12, 31), *weights_row2),
        ],
        [
            ("date", "tier", "amount", "approved", "description"),
            (
                dt.datetime(2027, 6, 30),
                "supplementary_tier2",
                5.0e9,
                True,
                "capital supplement bond",
            ),
            (dt.datetime(2028, 3, 31), "core_tier2", -1.0e9, False, None),
        ],
    )


def _without_rows(record: dict) -> dict:
    record = json.loads(json.dumps(record))
    record.pop("source")
    for table in ("glide", "periods", "capital_actions"):
        for entry in record[table]:
            entry.pop("row")
    return record


def test_the_workbook_reads_as_the_toml(tmp_path) -> None:
    toml = read_plan(write(tmp_path, GLIDE_TOML), valuation_date=None, classes=CLASSES)
    xlsx = read_plan(_the_workbook(tmp_path / "plan.xlsx"), valuation_date=None, classes=CLASSES)
    assert _without_rows(xlsx.to_dict()) == _without_rows(toml.to_dict())
    assert xlsx.takahashi_alexander == TakahashiAlexander(
        contribution_rates=(0.3, 0.5, 1.0), lifetime=10, growth=0.12
    )
    # rows are spreadsheet rows (header = row 1), TOML rows the entries
    assert [p.row for p in xlsx.periods] == [2, 3] and [p.row for p in toml.periods] == [1, 2]
    dates = step_dates(VD, 3)
    w0 = {"government_bond": 0.8, "stock_csi300": 0.2}
    a, b = toml.schedule(VD, dates, w0), xlsx.schedule(VD, dates, w0)
    for name in ("new_money", "dividends", "life_insurance", "loss_absorption", "actions_all"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.glide == b.glide
    # the dated outflow in the quarter ending 2027-03-31, its loss absorption from then on
    assert a.new_money[4] == -3.0e9 and np.isnan(a.loss_absorption[3])
    assert a.loss_absorption[4:].tolist() == [6.5e9] * 8


def test_workbook_problems_name_the_spreadsheet_row(tmp_path) -> None:
    path = _the_workbook(tmp_path / "plan.xlsx", weights_row2=(0.5, 0.3, 0.1))
    p = only(refused(path, valuation_date=None), path, 3, "policy.glide.weights")
    assert "0.900000" in p.message
    path = _workbook(
        tmp_path / "b.xlsx",
        [("key", "value"), ("policy", "hold")],
        [("year", "new_mony"), (1, 2e10)],
        None,
        [("date", "tier", "amount"), (dt.datetime(2026, 6, 30), "core_tier2", 1e9)],
    )
    problems = refused(path)
    got = [(p.row, p.column) for p in problems]
    assert got == [(2, "policy"), (1, "periods.new_mony"), (2, "capital_actions.approved")]
    assert "'policy.kind'" in problems[0].message and "'new_money'" in problems[1].message
    path = _workbook(tmp_path / "c.xlsx", [("key", "value")], None, None, None)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.create_sheet("period")
    wb.save(path)
    p = only(refused(path), path, None, "period")
    assert "did you mean 'periods'" in p.message


# --------------------------------------------------------------------------------------------
# New commitments and the signed programme


def test_the_sample_commitment_files() -> None:
    vintages = read_new_commitments(LIFE / "new_commitments.csv", classes=CLASSES, years=3)
    assert [(v.year, v.asset_class, v.max_commitment, v.row) for v in vintages] == [
        (1, "vc_fund", 2.0e9, 2),
        (2, "vc_fund", 2.0e9, 3),
        (3, "vc_fund", 2.0e9, 4),
    ]
    assert read_commitments(LIFE / "commitments.csv", horizon=3) == {1: 1.5e9, 2: 1.0e9}


@pytest.mark.parametrize(
    ("rows", "row", "column", "needle"),
    [
        ("4,vc_fund,1e9", 2, "year", "3-year"),
        ("2027,vc_fund,1e9", 2, "year", "calendar year"),
        ("1.5,vc_fund,1e9", 2, "year", "whole number"),
        ("1,vcfund,1e9", 2, "asset_class", "did you mean 'vc_fund'"),
        ("1,vc_fund,20", 2, "max_commitment", "亿元"),
        ("1,vc_fund,-1e9", 2, "max_commitment", ">= 0"),
        ("1,vc_fund,nan", 2, "max_commitment", "nan"),
        ('1,vc_fund,"2,000,000,000"', 2, "max_commitment", "separators"),
        ("1,vc_fund,1e9\n1,vc_fund,2e9", 3, "year", "twice"),
    ],
)
def test_new_commitment_refusals(tmp_path, rows, row, column, needle) -> None:
    path = write(tmp_path, "year,asset_class,max_commitment\n" + rows + "\n", "new.csv")
    with pytest.raises(InputError) as err:
        read_new_commitments(path, classes=CLASSES, years=3)
    p = only(list(err.value.problems), path, row, column)
    assert needle in p.message, p.message


def test_new_commitments_unknown_column(tmp_path) -> None:
    path = write(tmp_path, "year,asset_class,max_comitment\n1,vc_fund,1e9\n", "new.csv")
    with pytest.raises(InputError) as err:
        read_new_commitments(path, classes=CLASSES, years=3)
    where = [(p.row, p.column) for p in err.value.problems]
    assert where == [(1, "max_commitment"), (1, "max_comitment")]
    assert "did you mean 'max_commitment'" in err.value.problems[1].message


def test_sci_tech_path_holds_a_floor_from_its_date_on(tmp_path) -> None:
    from analyzer.forward.plan_file import read_sci_tech_path

    f = tmp_path / "path.csv"
    f.write_text("year,date,min_share\n1,,0.08\n,2027-06-30,0.10\n3,,0.12\n", encoding="utf-8")
    dates = step_dates(VD, 3)
    path = read_sci_tech_path(f, valuation_date=VD, dates=dates)
    # nothing before 2026-12-31, 8% to 2027-03-31, 10% from 2027-06-30, 12% at 2028-12-31
    assert np.isnan(path[:3]).all()
    assert path[3:5].tolist() == [0.08, 0.08]
    assert path[5:11].tolist() == [0.10] * 6
    assert path[11] == 0.12


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ("year,min_share\n3,12\n", "min_share"),
        ("year,date,min_share\n1,2026-06-30,0.1\n", "year"),
        ("year,min_share\n4,0.1\n", "year"),
        ("date,min_share\n2025-06-30,0.1\n", "date"),
        ("year,min_shar\n1,0.1\n", "min_shar"),
    ],
    ids=["percent", "both", "beyond", "before-valuation", "misnamed"],
)
def test_sci_tech_path_refusals(tmp_path, body, column) -> None:
    from analyzer.forward.plan_file import read_sci_tech_path

    f = tmp_path / "path.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_sci_tech_path(f, valuation_date=VD, dates=step_dates(VD, 3))
    found = {p.column: p for p in err.value.problems}
    assert column in found and found[column].row in (1, 2) and found[column].message_zh
