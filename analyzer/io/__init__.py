"""Typed inputs at the boundary: holdings, company and assumption files, parsed once."""

from analyzer.io.company import Company, read_company
from analyzer.io.holdings import Holdings, read_holdings

__all__ = ["Company", "Holdings", "read_company", "read_holdings"]
