"""The bundled sample insurers, shipped as package data.

Three synthetic insurers (``life/``, ``pc/``, ``midlife/``), the capital-market assumptions
and correlations, the templates of classes not yet held and the historical stress
scenarios; ``README.md`` in this folder describes every file. In a source checkout
``data/`` at the repository root is a link to this folder, so ``data/life/holdings.csv``
and the bundled copy are the same file.

Everything that needs the samples (``analyzer samples DIR``, the dashboard, the tests) finds
them through `sample_dir`, one lookup by ``importlib.resources`` that works from a source
checkout, an editable install and an installed wheel alike.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from analyzer.errors import InputError
from analyzer.messages import register, text

register(
    {
        "samples.exists": (
            "already exists; pass --overwrite to replace the sample files",
            "已存在；如需覆盖示例文件，请加 --overwrite",
        ),
    }
)

#: files of this folder that are code, not samples (not copied by ``analyzer samples``)
_NOT_SAMPLES = ("__init__.py", "generate_samples.py", "generate_midlife.py")


def sample_dir() -> Path:
    """The folder holding the bundled samples (a real directory of the installed package).

    Returns
    -------
    Path
        ``.../analyzer/samples``; e.g. ``sample_dir() / "life" / "holdings.csv"``.
    """
    return Path(str(files(__name__)))


def sample_files() -> list[str]:
    """The bundled sample files, as ``/``-separated paths relative to `sample_dir`, sorted.

    Everything in the folder except its Python code (the package marker and, in a source
    checkout, the generators) and caches: the insurers, assumptions, correlations, templates,
    scenarios and the README that describes them.
    """
    root = sample_dir()
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and p.name not in _NOT_SAMPLES
        and "__pycache__" not in p.parts
        and p.suffix != ".pyc"
    )


def copy_samples(target: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the bundled samples into ``target`` (created if missing), keeping the layout.

    Parameters
    ----------
    target
        Destination folder.
    overwrite
        Replace files that already exist. Without it an existing file is an error and nothing
        is copied.

    Returns
    -------
    list of Path
        The files written, in `sample_files` order.

    Raises
    ------
    InputError
        A destination file exists and ``overwrite`` is False (nothing was written; the error
        names the first such file).
    """
    source = sample_dir()
    target = Path(target)
    names = sample_files()
    existing = [target / name for name in names if (target / name).exists()]
    if existing and not overwrite:
        raise InputError.single(str(existing[0]), None, None, text("samples.exists"))
    written = []
    for name in names:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, dest)
        written.append(dest)
    return written
