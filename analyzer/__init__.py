"""Sci-tech insurance investment analyzer: C-ROSS II capital, compliance and allocation.

The package is the pure core: numpy, pandas and cvxpy only (no Dash, no plotly).
"""

__version__ = "0.1.0"
