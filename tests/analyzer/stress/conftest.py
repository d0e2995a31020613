"""Fixtures of the stress tests: small portfolios worked by hand.

``make_holdings`` validates rows as a file would be; ``make_company`` builds a company whose
defaults keep portfolio-size effects out of the way (total assets 1e12 CNY, insurance risks
0, SARMRA 80, capital = core tier 1 of 1e10 CNY only).
"""

from __future__ import annotations

import pytest
from stress_factories import PC_ROWS, make_company, make_holdings  # noqa: F401


@pytest.fixture
def pc_holdings():
    return make_holdings(PC_ROWS)


@pytest.fixture
def pc():
    return make_company("pc")


@pytest.fixture
def life():
    return make_company("life")
