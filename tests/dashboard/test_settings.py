from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dashboard.settings import (
    DEFAULT_COMPANY,
    DEFAULT_HOLDINGS,
    Settings,
    SettingsError,
    load_or_create_secret,
)


def test_defaults_from_an_empty_environment(tmp_path: Path) -> None:
    s = Settings.from_env({"HOME": str(tmp_path)})
    data = tmp_path / ".local" / "share" / "analyzer"
    assert s.db_url == f"sqlite:///{data / 'analyzer.db'}"
    assert s.cache_dir == tmp_path / ".cache" / "analyzer" / "callbacks"
    assert s.data_dir == data
    assert s.users_file is None and not s.login_required
    assert s.secret_key is None
    assert (s.lang, s.unit, s.max_upload_mb) == ("zh", "yi", 10.0)
    assert (s.holdings_path, s.company_path) == (DEFAULT_HOLDINGS, DEFAULT_COMPANY)
    assert DEFAULT_HOLDINGS.parts[-3:] == ("samples", "life", "holdings.csv")
    # reading settings creates nothing
    assert not (tmp_path / ".local").exists() and not (tmp_path / ".cache").exists()


def test_every_variable_is_read(tmp_path: Path) -> None:
    env = {
        "HOME": str(tmp_path),
        "ANALYZER_DB_URL": "postgresql+psycopg2://u:p@db:5432/analyzer",
        "ANALYZER_USERS_FILE": str(tmp_path / "users.toml"),
        "ANALYZER_CACHE_DIR": str(tmp_path / "shared-cache"),
        "ANALYZER_SECRET_KEY": "s3cret",
        "ANALYZER_LANG": "EN",
        "ANALYZER_UNIT": "cny",
        "ANALYZER_MAX_UPLOAD_MB": "2.5",
        "ANALYZER_HOLDINGS_FILE": str(tmp_path / "h.csv"),
        "ANALYZER_COMPANY_FILE": str(tmp_path / "c.toml"),
    }
    s = Settings.from_env(env)
    assert s.db_url == env["ANALYZER_DB_URL"]
    assert s.users_file == tmp_path / "users.toml" and s.login_required
    assert s.cache_dir == tmp_path / "shared-cache"
    assert s.secret_key == "s3cret"
    assert (s.lang, s.unit) == ("en", "cny")
    assert s.max_upload_bytes == int(2.5 * 1024 * 1024)
    assert s.max_request_bytes > s.max_upload_bytes * 4 // 3
    assert s.holdings_path == tmp_path / "h.csv" and s.company_path == tmp_path / "c.toml"


def test_xdg_dirs_are_honoured(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "HOME": "/nonexistent",
            "XDG_DATA_HOME": str(tmp_path / "d"),
            "XDG_CACHE_HOME": str(tmp_path / "c"),
        }
    )
    assert s.data_dir == tmp_path / "d" / "analyzer"
    assert s.cache_dir == tmp_path / "c" / "analyzer" / "callbacks"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ANALYZER_LANG", "fr", "ANALYZER_LANG"),
        ("ANALYZER_UNIT", "usd", "ANALYZER_UNIT"),
        ("ANALYZER_MAX_UPLOAD_MB", "ten", "ANALYZER_MAX_UPLOAD_MB"),
        ("ANALYZER_MAX_UPLOAD_MB", "0", "ANALYZER_MAX_UPLOAD_MB"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"HOME": str(tmp_path), name: value})


def test_settings_are_frozen(settings: Settings) -> None:
    with pytest.raises(AttributeError):
        settings.lang = "en"  # type: ignore[misc]


def test_secret_key_file_is_created_once_and_private(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path / "data")
    second = load_or_create_secret(tmp_path / "data")
    assert first == second and len(first) >= 32
    mode = stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode)
    assert mode == 0o600
