"""The application services re-exported by :mod:`analyzer.api`."""
