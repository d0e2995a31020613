"""Fixtures: the sample insurers (data/life, data/pc) and the sample assumptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.io.assumptions import read_assumptions
from analyzer.io.company import read_company
from analyzer.io.holdings import read_holdings
from analyzer.optimize import build_universe

DATA = Path(__file__).resolve().parents[3] / "data"
INSURERS = ("life", "pc")


@pytest.fixture(scope="session")
def assumptions():
    return read_assumptions(DATA / "assumptions.csv")


@pytest.fixture(scope="session")
def samples(assumptions):
    """insurer -> (holdings, company, universe)."""
    out = {}
    for kind in INSURERS:
        h = read_holdings(DATA / kind / "holdings.csv")
        c = read_company(DATA / kind / "company.toml")
        out[kind] = (h, c, build_universe(h, c, assumptions))
    return out


@pytest.fixture(scope="session")
def pc_universe(samples):
    return samples["pc"][2]


@pytest.fixture(scope="session")
def life_universe(samples):
    return samples["life"][2]
