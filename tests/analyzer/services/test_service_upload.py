"""The upload service: files read by the core's readers, merged into the scenario they join."""

from __future__ import annotations

from analyzer.io import read_company, read_holdings
from analyzer.samples import sample_dir
from analyzer.services import scenario as sc
from analyzer.services.upload import apply_upload
from analyzer.solvency.engine import evaluate

PC = sample_dir() / "pc"
LIFE = sample_dir() / "life"


def files() -> tuple[tuple[str, bytes], list[tuple[str, bytes]]]:
    return (
        ("pc.csv", (PC / "holdings.csv").read_bytes()),
        [("pc.toml", (PC / "company.toml").read_bytes())],
    )


def test_holdings_and_company_give_the_engines_numbers() -> None:
    holdings, company = files()
    out = apply_upload(None, holdings=holdings, company=company)
    assert out.problems == () and out.warnings == () and out.scenario is not None
    assert out.scenario["source"]["holdings"] == "pc.csv"
    assert out.scenario["source"]["company"] == "pc.toml"
    expected = evaluate(read_holdings(PC / "holdings.csv"), read_company(PC / "company.toml"))
    assert sc.result_for(out.scenario).minimum_capital == expected.minimum_capital


def test_one_file_without_a_scenario_to_join_is_refused_in_both_languages() -> None:
    holdings, _ = files()
    out = apply_upload(None, holdings=holdings)
    assert out.scenario is None
    (problem,) = out.problems
    assert "upload holdings and company together" in problem.message
    assert "同时上传持仓文件和公司文件" in problem.message_zh


def test_a_file_joins_the_scenario_and_the_base_is_read_after_the_files() -> None:
    life = sc.make_scenario(
        read_holdings(LIFE / "holdings.csv"), read_company(LIFE / "company.toml")
    )
    asked: list[int] = []

    def base() -> sc.Scenario:
        asked.append(1)
        return life

    bad = apply_upload(base, holdings=("h.txt", b"id\n"))
    assert bad.scenario is None and asked == []  # the file's own problem first
    assert "unsupported file type .txt" in bad.problems[0].message
    holdings, _ = files()
    out = apply_upload(base, holdings=holdings)
    assert asked == [1]
    # the P&C holdings against the life company's total assets: a warning to accept
    assert out.scenario is None and [w.code for w in out.warnings] == ["inputs.sum_vs_total_assets"]
    accepted = apply_upload(base, holdings=holdings, accept={"inputs.sum_vs_total_assets"})
    assert accepted.scenario is not None
    assert accepted.scenario["company"] == life.company  # the company kept
    (record,) = accepted.scenario["source"]["accepted_warnings"]
    assert record["code"] == "inputs.sum_vs_total_assets" and record["role"] == "cross"
