"""Dash dashboard over the analyzer core."""
