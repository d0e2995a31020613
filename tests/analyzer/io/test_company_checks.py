"""The company file refuses or warns every silent wrong accept found on the sample life
company: units, percentages, non-finite numbers, unknown keys, encodings, and liability files
taken from anywhere but the company file's own folder or upload.

Each case mutates a copy of ``data/life`` (or ``data/pc``) in ``tmp_path``; each fails on a
reader that accepted the mutation without a word.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.io.company import company_from_dict, read_company

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture
def life(tmp_path) -> Path:
    """A copy of the sample life company folder; returns the company file."""
    folder = tmp_path / "life"
    shutil.copytree(DATA / "life", folder)
    return folder / "company.toml"


def replace(path: Path, old: str, new: str) -> Path:
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    return path


def refused(path: Path, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        read_company(path, **kw)
    return err.value


def columns(err: InputError) -> set:
    return {p.column for p in err.problems}


def test_samples_load_without_a_warning():
    for kind in ("life", "pc"):
        c = read_company(DATA / kind / "company.toml")
        assert c.warnings == ()


# --------------------------------------------------------------------------- encodings


def test_utf8_bom_is_accepted(life):
    life.write_bytes(b"\xef\xbb\xbf" + life.read_bytes())
    c = read_company(life)
    assert c.name == "示例人寿 (Sample Life)" and c.total_assets == 3.0e11


@pytest.mark.parametrize(("codec", "named"), [("gbk", "GBK"), ("utf-16", "UTF-16")])
def test_other_encodings_say_save_as_utf8(life, codec, named):
    life.write_bytes(life.read_text(encoding="utf-8").encode(codec))
    err = refused(life)
    p = err.problems[0]
    assert "save it as UTF-8" in p.message and named in p.message
    assert "UTF-8" in p.message_zh and p.file == str(life)


# --------------------------------------------------------------------------- keys and numbers


def test_unknown_key_under_liabilities_is_refused(life):
    replace(life, 'spot_curve = "spot_curve.csv"', 'spot_curve = "spot_curve.csv"\nshock = 0.5')
    err = refused(life)
    assert "liabilities.shock" in columns(err)


def test_near_miss_under_liabilities_says_did_you_mean(life):
    replace(life, 'spot_curve = "spot_curve.csv"', 'spot_curves = "spot_curve.csv"')
    err = refused(life)
    p = next(p for p in err.problems if p.column == "liabilities.spot_curves")
    assert "did you mean 'spot_curve'" in p.message and "spot_curve" in p.message_zh


@pytest.mark.parametrize(
    ("old", "new", "column", "suggestion"),
    [
        ("total_assets = 3.0e11", "total_asset = 3.0e11", "total_asset", "total_assets"),
        ("core_tier2 = 4.0e9", "core_tier_2 = 4.0e9", "capital.core_tier_2", "core_tier2"),
        ("sarmra_score = 78", "sarmra = 78", "minimum_capital.sarmra", "sarmra_score"),
    ],
)
def test_misspelt_keys_say_did_you_mean(life, old, new, column, suggestion):
    err = refused(replace(life, old, new))
    p = next(p for p in err.problems if p.column == column)
    assert f"did you mean '{suggestion}'" in p.message


def test_unknown_key_far_from_any_lists_the_allowed(life):
    err = refused(replace(life, "core_tier1 = 3.3e10", "core_tier1 = 3.3e10\nbonus = 1"))
    p = next(p for p in err.problems if p.column == "capital.bonus")
    assert "allowed:" in p.message and "core_tier2" in p.message


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("total_assets = 3.0e11", "total_assets = true", "total_assets"),
        ("total_assets = 3.0e11", 'total_assets = "3.0e11"', "total_assets"),
        ("total_assets = 3.0e11", "total_assets = inf", "total_assets"),
        ("core_tier1 = 3.3e10", "core_tier1 = nan", "capital.core_tier1"),
        ("core_tier1 = 3.3e10", "core_tier1 = inf", "capital.core_tier1"),
        ("life_insurance = 1.2e10", "life_insurance = inf", "minimum_capital.life_insurance"),
        ("sarmra_score = 78", "sarmra_score = true", "minimum_capital.sarmra_score"),
    ],
)
def test_numbers_are_strict_and_finite(life, old, new, column):
    err = refused(replace(life, old, new))
    assert column in columns(err)


def test_negative_core_capital_of_a_distressed_insurer_is_accepted(life):
    c = read_company(replace(life, "core_tier1 = 3.3e10", "core_tier1 = -2.0e9"))
    assert c.capital.core_tier1 == -2.0e9 and c.warnings == ()


# --------------------------------------------------------------------------- plausibility


@pytest.mark.parametrize(
    ("old", "new", "column", "words"),
    [
        ("total_assets = 3.0e11", "total_assets = 3000", "total_assets", "2亿元"),
        ("core_tier1 = 3.3e10", "core_tier1 = 330", "capital.core_tier1", "亿元"),
        ("life_insurance = 1.2e10", "life_insurance = 120", "minimum_capital.life_insurance", "亿"),
        (
            "prior_comprehensive_ratio = 2.1",
            "prior_comprehensive_ratio = 210",
            "prior_comprehensive_ratio",
            "21000%",
        ),
        ("sarmra_score = 78", "sarmra_score = 0.78", "minimum_capital.sarmra_score", "0 to 100"),
        ("comprehensive = 1.5", "comprehensive = 150", "targets.comprehensive", "15000%"),
        ("core = 0.75", "core = 75", "targets.core", "fractions"),
        ("total_assets = 3.0e11", "total_assets = 3.0e10", "capital", "more than total_assets"),
    ],
)
def test_values_no_insurer_can_show_are_refused(life, old, new, column, words):
    err = refused(replace(life, old, new))
    p = next(p for p in err.problems if p.column == column)
    assert words in p.message and p.message_zh


def test_ratio_above_1000_percent_is_a_warning(life):
    c = read_company(
        replace(life, "prior_comprehensive_ratio = 2.1", "prior_comprehensive_ratio = 12.5")
    )
    assert [w.code for w in c.warnings] == ["company.ratio_high"]
    assert c.warnings[0].column == "prior_comprehensive_ratio"


def test_capital_in_wan_yuan_is_a_warning(life):
    """330亿元 in 万元 is 3,300,000: big enough to pass the 亿元 rule, 1e-5 of total assets."""
    text = life.read_text(encoding="utf-8")
    for old, new in (
        ("core_tier1 = 3.3e10", "core_tier1 = 3.3e6"),
        ("core_tier2 = 4.0e9", "core_tier2 = 4.0e5"),
        ("supplementary_tier1 = 1.3e10", "supplementary_tier1 = 1.3e6"),
        ("supplementary_tier2 = 5.0e9", "supplementary_tier2 = 5.0e5"),
    ):
        text = text.replace(old, new)
    life.write_text(text, encoding="utf-8")
    c = read_company(life)
    assert [w.code for w in c.warnings] == ["company.amount_scale"]


def _spot(life: Path, transform) -> None:
    path = life.parent / "spot_curve.csv"
    lines = path.read_text().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        year, rate = line.split(",")
        out.append(f"{year},{transform(i, rate)}")
    path.write_text("\n".join(out) + "\n")


def test_spot_curve_in_percent_is_refused_with_rows(life):
    _spot(life, lambda i, r: f"{float(r) * 100:.3f}")
    err = refused(life)
    p = err.problems[0]
    assert p.file.endswith("spot_curve.csv") and p.column == "rate"
    assert p.message.startswith("rows 2, 3, 4") and "0.025 = 2.5%" in p.message


@pytest.mark.parametrize("value", ["-0.5", "-1.0", "inf", "-inf", "nan"])
def test_spot_rate_not_real_is_refused_at_its_row(life, value):
    _spot(life, lambda i, r: value if i == 4 else r)
    err = refused(life)
    p = err.problems[0]
    assert (p.file.endswith("spot_curve.csv"), p.row, p.column) == (True, 6, "rate")


def _flows(life: Path, transform) -> None:
    path = life.parent / "liability_cash_flows.csv"
    lines = path.read_text().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        year, value = line.split(",")
        out.append(f"{year},{transform(i, float(value))}")
    path.write_text("\n".join(out) + "\n")


def test_cash_flow_inf_is_refused_at_its_row(life):
    _flows(life, lambda i, v: "inf" if i == 2 else v)
    p = refused(life).problems[0]
    assert (p.row, p.column) == (4, "net_outflow") and "finite" in p.message


def test_cash_flows_in_yi_yuan_are_refused(life):
    _flows(life, lambda i, v: f"{v / 1e8:.4f}")
    p = refused(life).problems[0]
    assert p.file.endswith("liability_cash_flows.csv") and "亿元" in p.message


def test_cash_flows_in_wan_yuan_are_a_warning(life):
    _flows(life, lambda i, v: f"{v / 1e4:.2f}")
    c = read_company(life)
    assert [w.code for w in c.warnings] == ["company.cash_flows_scale"]


def test_unknown_column_in_a_liability_file_is_refused(life):
    path = life.parent / "spot_curve.csv"
    path.write_text(path.read_text().replace("year,rate", "year,rates", 1))
    err = refused(life)
    assert "rate" in columns(err) and "rates" in columns(err)


# --------------------------------------------------------------------------- liability files


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../outside.csv", "sub/../../outside.csv", "C:/x.csv", "..\\outside.csv", ""],
)
def test_liability_paths_outside_the_folder_are_refused(life, name):
    outside = life.parent.parent / "outside.csv"
    outside.write_text("year,net_outflow\n1,1e10\n")
    err = refused(replace(life, '"liability_cash_flows.csv"', f'"{name}"'.replace("\\", "\\\\")))
    p = err.problems[0]
    assert p.column == "liabilities.cash_flows"


def test_a_link_out_of_the_folder_is_refused(life):
    outside = life.parent.parent / "outside.csv"
    outside.write_text("year,net_outflow\n1,1e10\n")
    (life.parent / "link.csv").symlink_to(outside)
    err = refused(replace(life, '"liability_cash_flows.csv"', '"link.csv"'))
    assert err.problems[0].column == "liabilities.cash_flows"


def test_a_subfolder_of_the_company_folder_is_allowed(life):
    sub = life.parent / "liab"
    sub.mkdir()
    shutil.move(life.parent / "spot_curve.csv", sub / "spot_curve.csv")
    c = read_company(replace(life, '"spot_curve.csv"', '"liab/spot_curve.csv"'))
    assert len(c.liabilities.spot_curve) == 50


def _attachments(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in ("liability_cash_flows.csv", "spot_curve.csv")}


def test_attachments_are_the_only_source(life, monkeypatch):
    """With attachments, the liability files come from the uploaded bytes: the files beside
    the company file on disk are never opened."""
    uploads = _attachments(life.parent)
    (life.parent / "spot_curve.csv").write_text("garbage that would be refused\n")
    (life.parent / "liability_cash_flows.csv").unlink()
    c = read_company(life.read_bytes(), attachments=uploads, name="company.toml")
    ref = read_company(DATA / "life" / "company.toml")
    assert np.array_equal(c.liabilities.cash_flows, ref.liabilities.cash_flows)
    assert np.array_equal(c.liabilities.spot_curve, ref.liabilities.spot_curve)
    assert c.source == "company.toml"


def test_attachment_missing_does_not_reveal_server_files(life, tmp_path):
    """The same upload gives the same message whether or not the server holds a file of the
    name the company file gives: nothing on disk is looked at."""
    uploads = {"liability_cash_flows.csv": _attachments(life.parent)["liability_cash_flows.csv"]}
    messages = []
    for name in ("/etc/hostname", "/no/such/file.csv", "spot_curve.csv", "missing.csv"):
        raw = life.read_text(encoding="utf-8").replace('"spot_curve.csv"', f'"{name}"')
        with pytest.raises(InputError) as err:
            read_company(raw.encode(), attachments=uploads, name="company.toml")
        p = err.value.problems[0]
        assert p.column == "liabilities.spot_curve" and p.file == "company.toml"
        assert "not found" not in p.message
        messages.append(p.message.replace(name, "NAME"))
    # absolute names are refused for their form; relative ones as not uploaded, present or not
    assert messages[0] == messages[1]
    assert messages[2] == messages[3]
    assert "uploaded" in messages[2] and tmp_path.name not in messages[2]


def test_bytes_without_attachments_never_read_the_disk(life, monkeypatch):
    monkeypatch.chdir(life.parent)  # the files would be found relative to the working folder
    err = refused(life.read_bytes(), name="company.toml")
    assert {p.column for p in err.problems} == {"liabilities.cash_flows", "liabilities.spot_curve"}


def test_company_from_dict_paths_get_the_same_checks(life):
    import tomllib

    data = tomllib.loads(life.read_text(encoding="utf-8"))
    for bad in ("/etc/passwd", "../x.csv"):
        data["liabilities"]["spot_curve"] = bad
        with pytest.raises(InputError) as err:
            company_from_dict(data, "c.toml", base=life.parent)
        assert err.value.problems[0].column == "liabilities.spot_curve"
    data["liabilities"]["spot_curve"] = "spot_curve.csv"
    with pytest.raises(InputError):  # neither folder nor attachments: nothing is read
        company_from_dict(data, "c.toml")
    c = company_from_dict(data, "c.toml", base=life.parent, plausibility=True)
    assert len(c.liabilities.spot_curve) == 50
    c = company_from_dict(data, "c.toml", attachments=_attachments(life.parent))
    assert len(c.liabilities.cash_flows) == 80


def test_company_from_dict_refuses_non_finite_series():
    from analyzer.io.company import company_from_dict as build

    data = {
        "name": "x",
        "company_type": "life",
        "total_assets": 1e11,
        "prior_comprehensive_ratio": 2.0,
        "capital": {"core_tier1": 1e10},
        "liabilities": {"cash_flows": np.array([1e9, np.inf]), "spot_curve": np.full(40, 0.02)},
    }
    with pytest.raises(InputError) as err:
        build(data)
    assert err.value.problems[0].column == "liabilities.cash_flows"


def test_ratio_of_exactly_100_warns_and_above_is_refused(life):
    """100 (10000%) is what a user enters for a real ratio above it (the equity cap is the
    same from the top tier up), so it warns; anything above is a percent and refused."""
    c = read_company(
        replace(life, "prior_comprehensive_ratio = 2.1", "prior_comprehensive_ratio = 100")
    )
    assert [w.code for w in c.warnings] == ["company.ratio_high"]
    replace(life, "prior_comprehensive_ratio = 100", "prior_comprehensive_ratio = 100.5")
    assert "prior_comprehensive_ratio" in columns(refused(life))
