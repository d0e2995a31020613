"""``load_inputs``: the samples load clean; the holdings are checked against the company file
(positions' sum against total assets, a position larger than the balance sheet); with
``collect`` every problem of every file comes back at once; warnings stop a run until
accepted and are then recorded in the provenance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.errors import InputError, UnacceptedWarningError
from analyzer.io.fields import suggest
from analyzer.io.inputs import cross_check
from analyzer.io.rules import RULES
from analyzer.services.reading import load_inputs

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"


@pytest.fixture
def life(tmp_path) -> Path:
    folder = tmp_path / "life"
    shutil.copytree(DATA / "life", folder)
    return folder


def set_total_assets(folder: Path, value: str) -> Path:
    path = folder / "company.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "total_assets = 3.0e11", f"total_assets = {value}"
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("kind", ["life", "pc"])
def test_samples_load_with_no_refusal_and_no_warning(kind):
    i = load_inputs(
        holdings=DATA / kind / "holdings.csv",
        company=DATA / kind / "company.toml",
        assumptions=DATA / "assumptions.csv",
        correlations=DATA / "correlations.csv",
        templates=DATA / "templates.csv",
    )
    assert i.warnings == () and i.provenance.accepted_warnings == ()
    assert {f.role for f in i.provenance.inputs} == {
        "holdings",
        "company",
        "assumptions",
        "correlations",
        "templates",
    }


def test_holdings_against_a_balance_sheet_in_another_unit_are_refused(life):
    """Total assets 1e4 times too large (the holdings in 万元 against a balance sheet in CNY
    look the same): the positions add up to 9.3e-5 of total assets."""
    company = set_total_assets(life, "3.0e15")
    with pytest.raises(InputError) as err:
        load_inputs(holdings=life / "holdings.csv", company=company, collect=True)
    p = next(p for p in err.value.problems if "add up to" in p.message)
    assert p.file == str(life / "holdings.csv") and p.column == "market_value"
    assert "亿元 or 万元" in p.message and "亿元或万元" in p.message_zh


def test_a_position_larger_than_total_assets_is_refused_with_its_row(life, make_holdings):
    from analyzer.io.company import read_company

    company = read_company(DATA / "life" / "company.toml")
    h = make_holdings(
        [
            {"asset_type": "cash", "market_value": 2.0e11},
            {"asset_type": "cash", "market_value": 4.0e11},
        ]
    )
    found = cross_check(h, company, "h.csv")
    big = [p for p in found if "larger than total_assets" in str(p)]
    assert len(big) == 1 and big[0].row == 3 and big[0].column == "market_value"


def test_positions_well_below_total_assets_warn_until_accepted(life):
    """Half the balance sheet missing from the holdings (a partial export) is a warning."""
    holdings = life / "holdings.csv"
    lines = holdings.read_text(encoding="utf-8").splitlines()
    holdings.write_text("\n".join(lines[:60]) + "\n", encoding="utf-8")
    company = life / "company.toml"
    with pytest.raises(UnacceptedWarningError) as err:
        load_inputs(holdings=holdings, company=company)
    assert [w.code for w in err.value.warnings] == ["inputs.sum_vs_total_assets"]
    i = load_inputs(holdings=holdings, company=company, accept=["inputs.sum_vs_total_assets"])
    assert [w["code"] for w in i.provenance.to_dict()["accepted_warnings"]] == [
        "inputs.sum_vs_total_assets"
    ]


def test_collect_returns_every_problem_of_every_file(life, tmp_path):
    company = life / "company.toml"
    company.write_text(
        company.read_text(encoding="utf-8")
        .replace("sarmra_score = 78", "sarmra_score = 0.78")
        .replace("core_tier2 = 4.0e9", "core_tier_2 = 4.0e9"),
        encoding="utf-8",
    )
    assumptions = tmp_path / "assumptions.csv"
    assumptions.write_text(
        (DATA / "assumptions.csv").read_text().replace("cash,0.0120", "cash,1.20", 1)
    )
    with pytest.raises(InputError) as err:
        load_inputs(
            holdings=life / "holdings.csv",
            company=company,
            assumptions=assumptions,
            correlations=DATA / "correlations.csv",
            collect=True,
        )
    found = {(Path(p.file).name, p.column) for p in err.value.problems}
    assert ("company.toml", "minimum_capital.sarmra_score") in found
    assert ("company.toml", "capital.core_tier_2") in found
    assert ("assumptions.csv", "expected_return") in found


def test_collect_lists_open_warnings_beside_the_problems(life, tmp_path):
    company = set_total_assets(life, "3.0e11\n# x")
    company.write_text(
        company.read_text(encoding="utf-8").replace(
            "prior_comprehensive_ratio = 2.1", "prior_comprehensive_ratio = 12"
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "assumptions.csv"
    bad.write_text("asset_class,expected_return,volatility\ncash,inf,0.01\n")
    with pytest.raises(InputError) as err:
        load_inputs(company=company, assumptions=bad, collect=True)
    text = "\n".join(err.value.render("en", limit=50))
    assert "company.ratio_high" in text and "finite" in text


def test_without_collect_the_first_bad_file_stops(life, tmp_path):
    bad = tmp_path / "assumptions.csv"
    bad.write_text("asset_class,expected_return,volatility\ncash,inf,0.01\n")
    company = life / "company.toml"
    company.write_text(
        company.read_text(encoding="utf-8").replace("sarmra_score = 78", "sarmra_score = 0.5")
    )
    with pytest.raises(InputError) as err:
        load_inputs(company=company, assumptions=bad)
    assert {Path(p.file).name for p in err.value.problems} == {"company.toml"}


@pytest.mark.parametrize(
    ("name", "known", "expected"),
    [
        ("lookthrough", ["look_through", "layers"], "look_through"),
        ("sci-tech", ["sci_tech", "green"], "sci_tech"),
        ("sarmra", ["sarmra_score", "additional"], "sarmra_score"),
        ("expected_returns", ["expected_return", "volatility"], "expected_return"),
        ("comment", ["expected_return", "volatility"], None),
    ],
)
def test_suggest(name, known, expected):
    assert suggest(name, known) == expected


MY_AREAS = (
    "company.",
    "assumptions.",
    "limits.",
    "scenarios.",
    "commitments.",
    "inputs.",
    "trades.",
)


def test_every_rule_is_documented_with_its_action():
    import analyzer.io.assumptions  # noqa: F401  (rules register on import)
    import analyzer.io.company  # noqa: F401
    import analyzer.io.trades  # noqa: F401
    import analyzer.optimize.limits  # noqa: F401
    import analyzer.stress.commitments  # noqa: F401
    import analyzer.stress.scenario_file  # noqa: F401

    doc = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
        for line in doc.splitlines()
        if line.startswith("| `")
    }
    mine = {c: r for c, r in RULES.items() if c.startswith(MY_AREAS)}
    assert mine
    for code, r in mine.items():
        assert rows.get(code) == r.action, code


def test_every_message_has_the_same_fields_in_both_languages():
    import string

    from analyzer.messages import CATALOGUE

    def fields(template):
        return {f[1] for f in string.Formatter().parse(template) if f[1]}

    mine = {k: v for k, v in CATALOGUE.items() if k.startswith(MY_AREAS)}
    assert len(mine) > 40
    for key, (en, zh) in mine.items():
        assert fields(en) == fields(zh), key


def test_scenarios_commitments_and_limits_in_one_call(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("year,commitment\n1,1e9\n3,5e8\n", encoding="utf-8")
    limits = tmp_path / "limits.toml"
    limits.write_text("[classes.stock_csi300]\nmax = 0.1\n", encoding="utf-8")
    i = load_inputs(
        holdings=DATA / "life" / "holdings.csv",
        company=DATA / "life" / "company.toml",
        scenarios=[DATA / "scenarios" / "historical.csv", DATA / "scenarios" / "user_example.csv"],
        commitments=plan,
        horizon=10,
        limits=limits,
    )
    assert [s.name for s in i.scenarios][:2] == ["2015_a_share_crash", "2020_covid_q1"]
    assert i.commitments == {1: 1e9, 3: 5e8}
    assert i.limits[0].class_bounds["stock_csi300"] == (0.0, 0.1)
    roles = [f.role for f in i.provenance.inputs]
    assert roles.count("scenarios") == 2 and "commitments" in roles and "limits" in roles


def test_collect_reports_scenarios_commitments_and_limits_together(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("year,commitment\n2026,1e9\n", encoding="utf-8")
    limits = tmp_path / "limits.toml"
    limits.write_text("[solvency]\nmin_comprehensive = 150\n", encoding="utf-8")
    scen = tmp_path / "s.csv"
    scen.write_text("scenario,driver,asset_class,shock\na,,no_such_class,-0.1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inputs(
            holdings=DATA / "pc" / "holdings.csv",
            company=DATA / "pc" / "company.toml",
            scenarios=[scen],
            commitments=plan,
            limits=limits,
            collect=True,
        )
    found = {(Path(p.file).name, p.column) for p in err.value.problems}
    assert {
        ("s.csv", "asset_class"),
        ("plan.csv", "year"),
        ("limits.toml", "solvency.min_comprehensive"),
    } <= found


def test_scenario_warnings_stop_the_run_until_accepted(tmp_path):
    scen = tmp_path / "s.csv"
    scen.write_text("scenario,driver,asset_class,shock\nup,equity,,1.5\n", encoding="utf-8")
    with pytest.raises(UnacceptedWarningError):
        load_inputs(scenarios=[scen])
    assert load_inputs(scenarios=[scen], accept=["scenarios.return_high"]).scenarios


def test_every_declared_rule_of_the_product_is_in_the_docs_with_its_action():
    """All areas at once (holdings, company and the other files, results): a rule added
    without its row in docs/formats.md §9 fails here."""
    import importlib

    for module in (
        "analyzer.io.holdings",
        "analyzer.io.look_through",
        "analyzer.io.assumptions",
        "analyzer.io.company",
        "analyzer.optimize.limits",
        "analyzer.stress.commitments",
        "analyzer.stress.scenario_file",
        "analyzer.commands._shared",
    ):
        importlib.import_module(module)  # rules register on import
    doc = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    section = doc.split("## 9.", 1)[1].split("## 10.", 1)[0]
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
        for line in section.splitlines()
        if line.startswith("| `")
    }
    assert len(RULES) > 40
    missing = {c: r.action for c, r in RULES.items() if rows.get(c) != r.action}
    assert not missing
