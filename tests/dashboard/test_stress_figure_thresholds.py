"""The stress figures draw the regime's ratio thresholds, never guessed ones: a missing
threshold is an error, and the Monte Carlo histogram uses the thresholds of the regime the
simulation ran under (carried in its summary), not the default regime's."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from dashboard import stress_figures as sf


def _result(comprehensive: float, core: float) -> SimpleNamespace:
    ratios = SimpleNamespace(comprehensive_ratio=comprehensive, core_ratio=core)
    return SimpleNamespace(name="s", base=ratios, stressed=ratios)


def _line_levels(fig) -> list[float]:
    return sorted(round(s.y0 if s.y0 == s.y1 else s.x0, 6) for s in fig.layout.shapes)


def test_ratio_bars_draw_the_given_minimums():
    fig = sf.ratio_bars(
        [_result(1.8, 1.2)], {"comprehensive_minimum": 1.3, "core_minimum": 0.7}, None, "en"
    )
    assert _line_levels(fig) == [70.0, 130.0]


@pytest.mark.parametrize("minimums", [{"comprehensive_minimum": 1.0}, {"core_minimum": 0.5}, {}])
def test_ratio_bars_refuse_a_missing_minimum(minimums):
    with pytest.raises(ValueError, match="minimum"):
        sf.ratio_bars([_result(1.8, 1.2)], minimums, 1.5, "en")


def _summary(thresholds: dict | None) -> dict:
    comprehensive = np.linspace(0.8, 2.4, 200)
    result = SimpleNamespace(
        comprehensive=comprehensive,
        thresholds=thresholds or {},
        to_dict=lambda: {"n_scenarios": 200, "base": {"comprehensive": 1.9}, "targets": {}},
    )
    summary = sf.simulation_summary(result, bins=10)
    if thresholds is None:
        summary.pop("thresholds")
    return summary


def test_histogram_draws_the_simulations_regime_thresholds():
    th = {"comprehensive_minimum": 1.1, "comprehensive_watch": 1.45, "core_minimum": 0.55}
    summary = _summary(th)
    assert summary["thresholds"] == th
    fig = sf.histogram(summary, "en")
    xs = sorted(round(s.x0, 6) for s in fig.layout.shapes)
    assert 110.0 in xs and 145.0 in xs and 100.0 not in xs and 120.0 not in xs
    # explicit thresholds win over the summary's
    fig = sf.histogram(summary, "en", {"comprehensive_minimum": 1.0, "comprehensive_watch": 1.2})
    xs = sorted(round(s.x0, 6) for s in fig.layout.shapes)
    assert 100.0 in xs and 120.0 in xs


def test_histogram_refuses_a_summary_without_thresholds():
    with pytest.raises(ValueError, match="comprehensive_minimum"):
        sf.histogram(_summary(None), "en")
    with pytest.raises(ValueError, match="comprehensive_watch"):
        sf.histogram(_summary({"comprehensive_minimum": 1.0}), "en")
