"""The README's "From Python" example runs as written and prints what its comments say."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## From Python", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's From Python section has no python block"
    return match.group(1)


def test_the_readme_example_runs_and_its_comments_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    names: dict = {}
    exec(compile(_example(), "README.md", "exec"), names)  # noqa: S102 - our own README
    run, plan = names["run"], names["plan"]
    # the comment: "run.result.comprehensive_ratio  # 1.958"
    shown = re.search(r"comprehensive_ratio\s+#\s*([0-9.]+)", _example())
    assert shown and round(run.result.comprehensive_ratio, 3) == float(shown.group(1))
    assert plan.solvency.comprehensive_ratio >= 1.5 - 1e-6  # the example's floor holds
    assert abs(sum(plan.weight_map.values()) - 1.0) < 1e-6
    assert os.path.isdir(ROOT / "data")
