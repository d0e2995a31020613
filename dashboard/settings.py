"""Dashboard settings, read once from environment variables.

`Settings.from_env()` is the only place that reads the environment; everything else gets a
`Settings` object (``create_app(settings)``). Reading settings creates no files or folders:
the app creates the cache folder and the store creates the SQLite folder when first used.

Environment variables (all optional):

=========================== ============================================================
``ANALYZER_DB_URL``         SQLAlchemy URL of the scenario database. Default
                            ``sqlite:///~/.local/share/analyzer/analyzer.db`` (honours
                            ``XDG_DATA_HOME``). PostgreSQL:
                            ``postgresql+psycopg2://user:pass@host:5432/dbname``.
``ANALYZER_USERS_FILE``     TOML users file; when set, login is required. Unset: one local
                            user with the ``risk_officer`` role.
``ANALYZER_CACHE_DIR``      background-callback cache (diskcache) folder. Must be the same
                            path for every gunicorn worker. Default
                            ``~/.cache/analyzer/callbacks`` (honours ``XDG_CACHE_HOME``).
``ANALYZER_SECRET_KEY``     Flask session signing key. Default: a random key kept in
                            ``<data dir>/secret_key`` (created once, mode 0600), so all
                            workers on one host share it.
``ANALYZER_LANG``           ``zh`` (default) or ``en``: initial UI language.
``ANALYZER_UNIT``           ``yi`` (default, 亿元) or ``cny``: initial money unit.
``ANALYZER_MAX_UPLOAD_MB``  largest accepted upload in MiB (default 10).
``ANALYZER_HOLDINGS_FILE``  holdings CSV shown at start (default: bundled sample).
``ANALYZER_COMPANY_FILE``   company TOML shown at start (default: bundled sample).
``ANALYZER_PROXIES``        number of reverse proxies in front of the app whose
                            ``X-Forwarded-For`` / ``X-Forwarded-Proto`` headers are
                            trusted (default 0): the client address for the login lockout
                            and HTTPS for the ``Secure`` cookie flag.
=========================== ============================================================
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.api import sample_dir

LANGUAGES = ("zh", "en")
MONEY_UNITS = ("yi", "cny")

#: The bundled sample insurers (package data, found wherever the package is installed).
REPO_DATA_DIR = sample_dir()
DEFAULT_HOLDINGS = REPO_DATA_DIR / "life" / "holdings.csv"
DEFAULT_COMPANY = REPO_DATA_DIR / "life" / "company.toml"


class SettingsError(ValueError):
    """An environment variable holds a value the dashboard cannot use."""


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Per-user data folder: ``$XDG_DATA_HOME/analyzer`` or ``~/.local/share/analyzer``."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(_home(env) / ".local" / "share")
    return Path(base) / "analyzer"


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Shared callback cache: ``$XDG_CACHE_HOME/analyzer/callbacks`` or ``~/.cache/...``."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or str(_home(env) / ".cache")
    return Path(base) / "analyzer" / "callbacks"


@dataclass(frozen=True)
class Settings:
    """Everything the dashboard needs from its environment.

    Build it with `Settings.from_env()` or directly (tests); pass it to
    ``dashboard.app.create_app(settings)``.
    """

    db_url: str
    cache_dir: Path
    data_dir: Path
    users_file: Path | None = None
    secret_key: str | None = None
    lang: str = "zh"
    unit: str = "yi"
    max_upload_mb: float = 10.0
    holdings_path: Path = field(default=DEFAULT_HOLDINGS)
    company_path: Path = field(default=DEFAULT_COMPANY)
    proxies: int = 0

    def __post_init__(self) -> None:
        if not (isinstance(self.proxies, int) and 0 <= self.proxies <= 10):
            raise SettingsError(
                f"ANALYZER_PROXIES must be a whole number from 0 to 10, got {self.proxies!r}"
            )
        if self.lang not in LANGUAGES:
            raise SettingsError(
                f"ANALYZER_LANG must be one of {', '.join(LANGUAGES)}, got {self.lang!r}"
            )
        if self.unit not in MONEY_UNITS:
            raise SettingsError(
                f"ANALYZER_UNIT must be one of {', '.join(MONEY_UNITS)}, got {self.unit!r}"
            )
        if not self.max_upload_mb > 0:
            raise SettingsError(
                f"ANALYZER_MAX_UPLOAD_MB must be a positive number, got {self.max_upload_mb!r}"
            )
        if not self.db_url:
            raise SettingsError("ANALYZER_DB_URL must not be empty")

    @property
    def login_required(self) -> bool:
        """True when a users file is configured (multi-user mode)."""
        return self.users_file is not None

    @property
    def max_upload_bytes(self) -> int:
        """Largest accepted file, in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_request_bytes(self) -> int:
        """Flask ``MAX_CONTENT_LENGTH``: base64 inflates uploads by 4/3; 1 MiB for the rest."""
        return self.max_upload_bytes * 4 // 3 + 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the ``ANALYZER_*`` variables (see the module docstring)."""
        env = os.environ if env is None else env
        data_dir = default_data_dir(env)

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        users = get("ANALYZER_USERS_FILE")
        raw_mb = get("ANALYZER_MAX_UPLOAD_MB") or "10"
        try:
            max_mb = float(raw_mb)
        except ValueError:
            raise SettingsError(
                f"ANALYZER_MAX_UPLOAD_MB must be a number of MiB, got {raw_mb!r}"
            ) from None
        raw_proxies = get("ANALYZER_PROXIES") or "0"
        try:
            proxies = int(raw_proxies)
        except ValueError:
            raise SettingsError(
                f"ANALYZER_PROXIES must be a whole number, got {raw_proxies!r}"
            ) from None
        holdings = get("ANALYZER_HOLDINGS_FILE")
        company = get("ANALYZER_COMPANY_FILE")
        cache = get("ANALYZER_CACHE_DIR")
        return cls(
            db_url=get("ANALYZER_DB_URL") or f"sqlite:///{data_dir / 'analyzer.db'}",
            cache_dir=Path(cache).expanduser() if cache else default_cache_dir(env),
            data_dir=data_dir,
            users_file=Path(users).expanduser() if users else None,
            secret_key=get("ANALYZER_SECRET_KEY"),
            lang=(get("ANALYZER_LANG") or "zh").lower(),
            unit=(get("ANALYZER_UNIT") or "yi").lower(),
            max_upload_mb=max_mb,
            holdings_path=Path(holdings).expanduser() if holdings else DEFAULT_HOLDINGS,
            company_path=Path(company).expanduser() if company else DEFAULT_COMPANY,
            proxies=proxies,
        )


def load_or_create_secret(data_dir: Path) -> str:
    """Return the key in ``data_dir/secret_key``, creating it (mode 0600) on first use.

    Several gunicorn workers may race here: the file is created with ``O_EXCL`` and a
    loser reads the winner's key.
    """
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            time.sleep(0.02)  # the creator has not written it yet
        raise SettingsError(
            f"secret key file {path} is empty; delete it or set ANALYZER_SECRET_KEY"
        ) from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key
