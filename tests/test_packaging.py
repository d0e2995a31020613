"""The built wheel works on its own: installed outside the checkout, it copies the bundled
samples (``analyzer samples DIR``) and computes the same solvency ratios as the source tree.

The wheel is built from this checkout with hatchling (no build isolation, so no download) and
installed with ``--no-deps`` into a fresh virtual environment in a temporary folder. The
dependencies come from the running environment through a ``.pth`` file in the new
environment's site-packages: a ``.pth`` line only appends a folder to ``sys.path`` (the
``.pth`` files inside that folder, such as an editable install of this checkout, are not
processed), and the new environment's own site-packages comes first, so ``analyzer`` is
imported from the wheel. The test checks that it is.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(extra)
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out)]
        + ["--quiet", str(ROOT)],
        cwd=out,
        env=_env(),
    )
    (path,) = out.glob("cross2_scitech_analyzer-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with only the wheel installed in it."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    _run(
        [sys.executable, "-m", "venv", "--without-pip", str(env_dir)],
        cwd=env_dir.parent,
        env=_env(),
    )
    python = env_dir / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=env_dir.parent,
        env=_env(),
    ).stdout.strip()
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "_outer_dependencies.pth").write_text("\n".join(deps) + "\n")
    _run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed"]
        + ["--no-index", str(wheel)],
        cwd=env_dir.parent,
        env=_env(),
    )
    return env_dir


def _ratios(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict[str, float]:
    out = json.loads(_run(cmd, cwd=cwd, env=env).stdout)
    keys = ("core_ratio", "comprehensive_ratio", "minimum_capital", "actual_capital")
    return {k: out[k] for k in keys}


def test_wheel_contains_regimes_samples_and_license(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    regimes = ROOT / "analyzer" / "solvency" / "regimes"
    expected = {p.relative_to(ROOT).as_posix() for p in regimes.rglob("*.toml")}
    from analyzer.samples import sample_files

    samples = sample_files()
    assert {"life/holdings.csv", "life/company.toml", "pc/holdings.csv", "assumptions.csv"} <= set(
        samples
    )
    expected |= {f"analyzer/samples/{name}" for name in samples}
    # the one zh / en catalogue's data files (the dashboard's texts)
    texts = {p.relative_to(ROOT).as_posix() for p in (ROOT / "analyzer" / "texts").rglob("*.toml")}
    assert "analyzer/texts/dashboard/common.toml" in texts
    expected |= texts
    assert len(expected) > 20
    assert expected <= names, sorted(expected - names)
    assert "analyzer/samples/generate_samples.py" not in names
    assert "analyzer/samples/generate_midlife.py" not in names
    assert "analyzer/samples/midlife/holdings.csv" in names  # the third sample ships
    # the documentation (formats, optimiser, solvency model) ships with the samples
    assert {"analyzer/samples/docs/formats.md", "analyzer/samples/docs/optimizer.md"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_wheel_installs_and_runs_outside_the_checkout(venv: Path, tmp_path: Path) -> None:
    python = venv / "bin" / "python"
    where = _run(
        [
            str(python),
            "-c",
            "import analyzer, dashboard.settings as s; print(analyzer.__file__);"
            "print(s.DEFAULT_HOLDINGS.is_file() and s.DEFAULT_COMPANY.is_file())",
        ],
        cwd=tmp_path,
        env=_env(),
    ).stdout.split()
    # imported from the wheel, not from the checkout; the dashboard finds the bundled sample
    assert Path(where[0]).resolve().is_relative_to(venv.resolve()), where[0]
    assert where[1] == "True"

    # the dashboard starts on the bundled sample from a directory that has no data/
    home = tmp_path / "home"
    dash_env = _env(HOME=str(home), XDG_DATA_HOME=str(home / "d"), XDG_CACHE_HOME=str(home / "c"))
    started = _run(
        [
            str(python),
            "-c",
            "from dashboard.app import ENV_EXTENSION, create_app\n"
            "app = create_app()\n"
            "env = app.server.extensions[ENV_EXTENSION]\n"
            "assert not env.missing_data(), env.missing_data()\n"
            "print(env.holdings_path, app.server.test_client().get('/').status_code)\n"
            "from dashboard.i18n import t\n"
            "print(t('nav.lab', 'en').replace(' ', '_'))",
        ],
        cwd=tmp_path,
        env=dash_env,
    ).stdout.split()
    assert Path(started[0]).resolve().is_relative_to(venv.resolve()), started
    assert started[1] == "200"
    assert started[2] == "Allocation_lab"  # the catalogue's texts are read from the wheel

    copy = tmp_path / "samples"
    _run([str(venv / "bin" / "analyzer"), "samples", str(copy)], cwd=tmp_path, env=_env())
    assert (copy / "life" / "holdings.csv").read_bytes() == (
        ROOT / "data" / "life" / "holdings.csv"
    ).read_bytes()
    # the third sample insurer is copied with every file it needs
    for name in ("holdings.csv", "look_through.csv", "trades.csv", "company.toml"):
        assert (copy / "midlife" / name).read_bytes() == (
            ROOT / "data" / "midlife" / name
        ).read_bytes()
    # a user with only the wheel reads the formats beside the samples
    assert (copy / "docs" / "formats.md").read_bytes() == (
        ROOT / "docs" / "formats.md"
    ).read_bytes()
    life = copy / "life"
    installed = _ratios(
        [str(venv / "bin" / "analyzer"), "solvency", str(life / "holdings.csv")]
        + ["-c", str(life / "company.toml"), "--format", "json"],
        cwd=tmp_path,
        env=_env(),
    )
    source = _ratios(
        [sys.executable, "-m", "analyzer.cli", "solvency", "data/life/holdings.csv"]
        + ["-c", "data/life/company.toml", "--format", "json"],
        cwd=ROOT,
        env=_env(PYTHONPATH=str(ROOT)),
    )
    assert installed == source
    assert 1.0 < installed["comprehensive_ratio"] < 10.0
