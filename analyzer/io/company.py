"""The company file (TOML, docs/formats.md §2): capital, non-investment capital, liabilities."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analyzer.errors import InputError, InputProblem


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Capital(_Frozen):
    """Capital by tier (CNY), before the tier limits of Rule 1 Art. 41."""

    core_tier1: float = Field(description="核心一级资本, CNY")
    core_tier2: float = Field(0.0, ge=0, description="核心二级资本, CNY")
    supplementary_tier1: float = Field(0.0, ge=0, description="附属一级资本, CNY")
    supplementary_tier2: float = Field(0.0, ge=0, description="附属二级资本, CNY")
    future_surplus_in_core: float = Field(
        0.0, ge=0, description="part of core tier 1/2 that is future policy surplus (Art. 41(二))"
    )


class NonInvestmentCapital(_Frozen):
    """Minimum capital the investment portfolio does not determine (CNY)."""

    life_insurance: float = Field(0.0, ge=0)
    nonlife_insurance: float = Field(0.0, ge=0)
    loss_absorption: float = Field(0.0, ge=0)
    additional: float = Field(0.0, ge=0)
    sarmra_score: float = Field(80.0, ge=0, le=100)


class Targets(_Frozen):
    """The company's own solvency targets (fractions), e.g. 1.5 and 0.75."""

    comprehensive: float = Field(1.5, gt=0)
    core: float = Field(0.75, gt=0)
    sci_tech_share: float = Field(0.0, ge=0, le=1)


class Liabilities(_Frozen):
    """Life insurers: liability net outflows and the government spot curve."""

    cash_flows: np.ndarray = Field(description="net outflow of year t = 1..N, CNY")
    spot_curve: np.ndarray = Field(description="spot rate of year t = 1..M, fraction")


class Company(_Frozen):
    """A validated company file."""

    name: str
    company_type: Literal["life", "pc", "reinsurer"]
    total_assets: float = Field(gt=0, description="parent-company total assets, CNY")
    prior_comprehensive_ratio: float = Field(gt=0, description="previous quarter, fraction")
    capital: Capital
    minimum_capital: NonInvestmentCapital = NonInvestmentCapital()
    targets: Targets = Targets()
    liabilities: Liabilities | None = None
    source: str = "<memory>"

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v


def _read_series(path: Path, label: str, key_col: str, value_col: str) -> np.ndarray:
    from analyzer.io.tables import read_table

    frame = read_table(path, name=label)
    for col in (key_col, value_col):
        if col not in frame.columns:
            raise InputError.single(
                label,
                1,
                col,
                f"required column is missing; the header must name {key_col}, {value_col}",
            )
    problems = []
    keys = pd.to_numeric(frame[key_col], errors="coerce")
    values = pd.to_numeric(frame[value_col], errors="coerce")
    for i in np.flatnonzero(keys.isna().to_numpy())[:10]:
        problems.append(InputProblem(label, int(i) + 2, key_col, "must be a whole year >= 1"))
    for i in np.flatnonzero(values.isna().to_numpy())[:10]:
        problems.append(
            InputProblem(
                label, int(i) + 2, value_col, f"'{frame[value_col].iloc[i]}' is not a number"
            )
        )
    if problems:
        raise InputError(problems)
    years = keys.to_numpy(dtype=float)
    expected = np.arange(1, len(years) + 1)
    if not np.array_equal(years, expected):
        bad = int(np.flatnonzero(years != expected)[0])
        raise InputError.single(
            label,
            bad + 2,
            key_col,
            f"years must run 1, 2, 3, ... without gaps; found {years[bad]:g}",
        )
    return values.to_numpy(dtype=float)


def read_company(path: str | Path) -> Company:
    """Read and validate a company TOML file; load the liability files it names.

    Raises
    ------
    InputError
        Unreadable file, missing ``[capital]``, a value of the wrong type or range, a life
        insurer without liabilities, or a bad cash-flow / spot-curve file.
    """
    from analyzer.io.tables import read_toml

    path = Path(path)
    label = str(path)
    data = read_toml(path)
    if "capital" not in data:
        raise InputError.single(
            label,
            None,
            "capital",
            "the [capital] table is required "
            "(core_tier1, core_tier2, supplementary_tier1, "
            "supplementary_tier2, CNY)",
        )
    liab = data.pop("liabilities", None)
    if data.get("company_type") == "life" and not liab:
        raise InputError.single(
            label,
            None,
            "liabilities",
            "a life insurer needs [liabilities] "
            "with cash_flows and spot_curve files (Rule 8 Art. 18-20)",
        )
    if liab:
        for key in ("cash_flows", "spot_curve"):
            if key not in liab:
                raise InputError.single(label, None, f"liabilities.{key}", "required file name")
        cf_path = path.parent / liab["cash_flows"]
        sc_path = path.parent / liab["spot_curve"]
        data["liabilities"] = Liabilities(
            cash_flows=_read_series(cf_path, str(cf_path), "year", "net_outflow"),
            spot_curve=_read_series(sc_path, str(sc_path), "year", "rate"),
        )
        if len(data["liabilities"].spot_curve) < 20:
            raise InputError.single(
                str(sc_path), None, "year", "the spot curve must cover years 1..20 at least"
            )
    return company_from_dict(data, label)


def company_from_dict(data: dict, label: str = "<memory>") -> Company:
    """Validate a company given as a dict (the TOML's structure)."""
    try:
        company = Company(**data, source=label)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(InputProblem(label, None, loc, err["msg"]))
        raise InputError(problems) from exc
    mc = company.minimum_capital
    if company.company_type == "pc" and mc.life_insurance > 0:
        raise InputError.single(
            label,
            None,
            "minimum_capital.life_insurance",
            "a P&C insurer has no life insurance risk (Rule 2 Art. 16); must be 0",
        )
    return company
