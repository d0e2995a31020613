"""Read a tabular file (.csv, .xlsx, .parquet) into a DataFrame with file-level errors."""

from __future__ import annotations

import io
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from analyzer.errors import InputError

SUPPORTED = (".csv", ".xlsx", ".parquet")


def read_table(
    source: str | Path | bytes, name: str | None = None, numeric: Collection[str] = ()
) -> pd.DataFrame:
    """Read a table as strings-preserving DataFrame.

    Parameters
    ----------
    source : path or bytes
        A file path, or the raw bytes of an upload (then ``name`` gives its file name,
        whose extension picks the format).
    name : str, optional
        The name used in error messages (defaults to the path).
    numeric : column names (lower case) that pandas may parse as numbers in a CSV. A column
        whose every cell is a number (or blank, read as NaN) arrives as float; one with any
        other text arrives as text, so the caller still reports the bad cell exactly.

    Returns
    -------
    pandas.DataFrame
        Columns as in the file, lower-cased and stripped; cells as read (CSV cells are kept
        as text and parsed by the caller, so that "abc" in a numeric column is reported,
        not silently turned into NaN).

    Raises
    ------
    InputError
        When the file is missing, unreadable, empty or of an unsupported type.
    """
    label = name or str(source if not isinstance(source, bytes) else "<upload>")
    suffix = Path(name or (source if not isinstance(source, bytes) else "")).suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError.single(
            label,
            None,
            None,
            f"unsupported file type '{suffix or '?'}'; allowed: " + ", ".join(SUPPORTED),
        )
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else source
        if isinstance(handle, (str, Path)) and not Path(handle).is_file():
            raise InputError.single(label, None, None, "file not found")
        if suffix == ".csv" and numeric:
            header = pd.read_csv(handle, nrows=0, encoding="utf-8-sig").columns
            if isinstance(handle, io.BytesIO):
                handle.seek(0)
            wanted = {c.lower() for c in numeric}
            text = {c: str for c in header if str(c).strip().lower() not in wanted}
            frame = pd.read_csv(
                handle, dtype=text, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
            )
            for col in text:  # blanks of text columns stay "" (not NaN)
                frame[col] = frame[col].fillna("")
        elif suffix == ".csv":
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif suffix == ".xlsx":
            frame = pd.read_excel(handle, dtype=object, engine="openpyxl")
            frame = frame.astype(object).where(frame.notna(), "")
        else:
            frame = pd.read_parquet(handle)
    except InputError:
        raise
    except Exception as exc:  # any parser failure is the user's file, not our bug
        raise InputError.single(label, None, None, f"cannot read the file: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if frame.empty:
        raise InputError.single(label, None, None, "the file has no data rows")
    return frame


def read_toml(path: str | Path) -> dict:
    """Read a TOML file; a missing, unreadable or malformed file is an :class:`InputError`."""
    import tomllib

    path = Path(path)
    label = str(path)
    if not path.is_file():
        raise InputError.single(label, None, None, "file not found")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(label, None, None, f"not valid TOML: {exc}") from exc
    except OSError as exc:
        raise InputError.single(label, None, None, f"cannot read the file: {exc}") from exc
