"""The application services behind the front ends (re-exported by :mod:`analyzer.api`)."""
