"""Scenario store: saved allocations in a real database through SQLAlchemy 2.0.

SQLite (the embedded default) and PostgreSQL (pass a ``postgresql+psycopg2://`` URL) are
both supported and tested. One table, ``scenarios``; the inputs are kept as JSON *text* so
the schema is the same on both databases, and a reloaded scenario gives back exactly the
values that were saved (floats round-trip through JSON exactly).

A scenario is immutable once saved, except for its review stamp: "save as" a new name to
change it. Names are unique per company.

Example
-------
>>> store = ScenarioStore("sqlite:///:memory:")
>>> sid = store.save(name="base", company_name="Demo Life", regime="cross2",
...                  author="wang", holdings=[{"id": "b1", "market_value": 1.0e8}],
...                  company={"name": "Demo Life"}, options={}, weights={"bond": 1.0})
>>> store.get(sid).weights
{'bond': 1.0}
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from analyzer import api

#: Version of the JSON document in the ``inputs`` column.
INPUTS_FORMAT = 1

NAME_MAX = 200


class StoreError(Exception):
    """Base class of scenario-store errors (messages are meant for the user)."""


class ScenarioNotFound(StoreError, LookupError):
    """No scenario with that id."""

    def __init__(self, scenario_id: int) -> None:
        super().__init__(f"scenario {scenario_id} does not exist")
        self.scenario_id = scenario_id


class ScenarioNameTaken(StoreError, ValueError):
    """A scenario with that name already exists for that company."""

    def __init__(self, name: str, company_name: str) -> None:
        super().__init__(
            f"a scenario named {name!r} already exists for {company_name!r}; choose another name"
        )
        self.name = name
        self.company_name = company_name


class InvalidScenario(StoreError, ValueError):
    """The scenario's fields cannot be stored (empty name, non-JSON value, ...)."""


class InvalidScenarioName(InvalidScenario):
    """A scenario name that is empty, too long, or holds a control or bidi character."""

    def __init__(self, reason: str, char: str = "") -> None:
        self.reason = reason  # "empty" | "too_long" | "char"
        self.char = char
        detail = {"empty": "must not be empty", "too_long": f"is longer than {NAME_MAX} characters"}
        super().__init__(
            f"scenario name {detail.get(reason, f'may not contain the character {char}')}"
        )


#: Characters refused in scenario names: control characters (NUL, newlines, tabs ...) and the
#: bidirectional marks / overrides / isolates that can make a name read as another one.
FORBIDDEN_NAME_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def check_scenario_name(name: str | None) -> str:
    """The name without surrounding spaces; raises `InvalidScenarioName`."""
    value = (name or "").strip()
    if not value:
        raise InvalidScenarioName("empty")
    if len(value) > NAME_MAX:
        raise InvalidScenarioName("too_long")
    bad = FORBIDDEN_NAME_CHARS.search(value)
    if bad:
        raise InvalidScenarioName("char", f"U+{ord(bad.group()):04X}")
    return value


class _Base(DeclarativeBase):
    pass


class _ScenarioRow(_Base):
    __tablename__ = "scenarios"
    __table_args__ = (UniqueConstraint("company_name", "name", name="uq_scenarios_company_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    company_name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    regime: Mapped[str] = mapped_column(String(64), nullable=False)
    author: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    reviewed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    inputs: Mapped[str] = mapped_column(Text, nullable=False)


class _LoginSessionRow(_Base):
    """A login: the cookie carries ``id`` (random); logout revokes it here, for every worker."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class _LoginFailureRow(_Base):
    """Failed logins per key (``user:NAME``, ``ip:ADDRESS``) for throttling and lockout."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class ScenarioInfo:
    """A saved scenario's metadata (what `ScenarioStore.list` returns)."""

    id: int
    name: str
    company_name: str
    regime: str
    author: str
    created_at: dt.datetime  # timezone-aware, UTC
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None  # timezone-aware, UTC
    description: str = ""

    @property
    def reviewed(self) -> bool:
        return self.reviewed_by is not None


@dataclass(frozen=True)
class Scenario(ScenarioInfo):
    """A saved scenario with its inputs, exactly as they were saved."""

    holdings: list[dict[str, Any]] = field(default_factory=list)
    company: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    weights: dict[str, Any] = field(default_factory=dict)


def _json_default(value: Any) -> Any:
    """Make numpy/pandas scalars and dates JSON-able; refuse anything else clearly."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    item = getattr(value, "item", None)  # numpy scalars: np.float64(1.5).item() -> 1.5
    if callable(item):
        try:
            return item()
        except (TypeError, ValueError):
            pass
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return tolist()
    raise InvalidScenario(
        f"cannot store a value of type {type(value).__name__} in a scenario: {value!r}"
    )


def _clean(value: Any) -> Any:
    """NaN/inf floats (pandas' missing values) as None and numpy scalars as Python ones,
    recursively: the scenario service's `clean` (loaded on first use: the store itself runs
    without the engine)."""
    return api.scenarios.clean(value)


def encode_inputs(
    holdings: Sequence[Mapping[str, Any]],
    company: Mapping[str, Any],
    options: Mapping[str, Any],
    weights: Mapping[str, Any],
) -> str:
    """The JSON text stored in the ``inputs`` column (NaN becomes null)."""
    doc = {
        "format": INPUTS_FORMAT,
        "holdings": [_clean(dict(row)) for row in holdings],
        "company": _clean(dict(company)),
        "options": _clean(dict(options)),
        "weights": _clean(dict(weights)),
    }
    try:
        return json.dumps(
            doc, ensure_ascii=False, allow_nan=False, default=_json_default, sort_keys=False
        )
    except ValueError as exc:  # circular reference, ...
        raise InvalidScenario(f"scenario inputs are not JSON-serialisable: {exc}") from exc


def decode_inputs(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    fmt = doc.get("format", 1)
    if fmt > INPUTS_FORMAT:
        raise StoreError(
            f"scenario inputs format {fmt} is newer than this version understands "
            f"({INPUTS_FORMAT}); upgrade the analyzer"
        )
    return doc


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back: they were stored as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _info(row: _ScenarioRow) -> dict[str, Any]:
    created = _utc(row.created_at)
    assert created is not None
    return {
        "id": row.id,
        "name": row.name,
        "company_name": row.company_name,
        "regime": row.regime,
        "author": row.author,
        "created_at": created,
        "reviewed_by": row.reviewed_by,
        "reviewed_at": _utc(row.reviewed_at),
        "description": row.description or "",
    }


def _scenario(row: _ScenarioRow) -> Scenario:
    doc = decode_inputs(row.inputs)
    return Scenario(
        **_info(row),
        holdings=doc.get("holdings", []),
        company=doc.get("company", {}),
        options=doc.get("options", {}),
        weights=doc.get("weights", {}),
    )


def _required(label: str, value: str, max_len: int = NAME_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidScenario(f"{label} must not be empty")
    if len(value) > max_len:
        raise InvalidScenario(f"{label} is longer than {max_len} characters")
    return value


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created first."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}  # wait for another worker's write lock
    else:
        kwargs["pool_pre_ping"] = True
    return create_engine(url, **kwargs)


class ScenarioStore:
    """Save, list, reload, review and delete scenarios in the database at ``url``.

    The engine is created, and the table, on first use (so a store built before a
    gunicorn fork opens no connection in the parent). Thread-safe; one per app.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    engine = make_engine(self.url)
                    self._create_tables(engine)
                    self._engine = engine
        return self._engine

    @staticmethod
    def _create_tables(engine: Engine) -> None:
        try:
            _Base.metadata.create_all(engine)
        except (IntegrityError, ProgrammingError, OperationalError):
            # another process created it at the same moment (PostgreSQL catalog race)
            _Base.metadata.create_all(engine)

    def dispose(self) -> None:
        """Close the connection pool (tests, shutdown)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def drop_all(self) -> None:
        """Drop the scenario table (tests only)."""
        _Base.metadata.drop_all(self.engine)
        self.dispose()

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- API -----------------------------------------------------------------------------
    def save(
        self,
        *,
        name: str,
        company_name: str,
        regime: str,
        author: str,
        holdings: Sequence[Mapping[str, Any]],
        company: Mapping[str, Any],
        options: Mapping[str, Any] | None = None,
        weights: Mapping[str, Any] | None = None,
        description: str = "",
        created_at: dt.datetime | None = None,
    ) -> int:
        """Store a new scenario and return its id.

        Raises `ScenarioNameTaken` when the company already has a scenario of that name,
        `InvalidScenario` for an empty name/company/regime/author or non-JSON inputs.
        """
        name = check_scenario_name(name)
        company_name = _required("company name", company_name)
        regime = _required("regime", regime, 64)
        author = _required("author", author, 100)
        inputs = encode_inputs(holdings, company, options or {}, weights or {})
        when = created_at or dt.datetime.now(dt.UTC)
        row = _ScenarioRow(
            name=name,
            company_name=company_name,
            regime=regime,
            author=author,
            created_at=when.astimezone(dt.UTC),
            description=description or "",
            inputs=inputs,
        )
        with self._session() as session:
            exists = session.scalar(
                select(_ScenarioRow.id).where(
                    _ScenarioRow.company_name == company_name, _ScenarioRow.name == name
                )
            )
            if exists is not None:
                raise ScenarioNameTaken(name, company_name)
            session.add(row)
            try:
                session.commit()
            except IntegrityError as exc:  # lost a race with another writer
                session.rollback()
                raise ScenarioNameTaken(name, company_name) from exc
            return int(row.id)

    def get(self, scenario_id: int) -> Scenario:
        """The scenario with its inputs; raises `ScenarioNotFound`."""
        with self._session() as session:
            row = session.get(_ScenarioRow, int(scenario_id))
            if row is None:
                raise ScenarioNotFound(scenario_id)
            return _scenario(row)

    def find(self, company_name: str, name: str) -> Scenario | None:
        """The scenario of that company and name, or None."""
        with self._session() as session:
            row = session.scalar(
                select(_ScenarioRow).where(
                    _ScenarioRow.company_name == company_name, _ScenarioRow.name == name
                )
            )
            return None if row is None else _scenario(row)

    def list(self, company_name: str | None = None) -> list[ScenarioInfo]:
        """Metadata of all scenarios (of one company if given), newest first."""
        query = select(_ScenarioRow).order_by(
            _ScenarioRow.created_at.desc(), _ScenarioRow.id.desc()
        )
        if company_name is not None:
            query = query.where(_ScenarioRow.company_name == company_name)
        with self._session() as session:
            return [ScenarioInfo(**_info(row)) for row in session.scalars(query)]

    def mark_reviewed(
        self, scenario_id: int, user: str, when: dt.datetime | None = None
    ) -> Scenario:
        """Stamp the scenario as reviewed by ``user`` now; returns the updated scenario.

        Reviewing again replaces the stamp (the latest reviewer and time are kept).
        """
        user = _required("reviewer", user, 100)
        with self._session() as session:
            row = session.get(_ScenarioRow, int(scenario_id))
            if row is None:
                raise ScenarioNotFound(scenario_id)
            row.reviewed_by = user
            row.reviewed_at = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
            session.commit()
            return _scenario(row)

    def delete(self, scenario_id: int) -> None:
        """Remove the scenario; raises `ScenarioNotFound`."""
        with self._session() as session:
            result = session.execute(
                delete(_ScenarioRow).where(_ScenarioRow.id == int(scenario_id))
            )
            session.commit()
            if not result.rowcount:  # type: ignore[attr-defined]
                raise ScenarioNotFound(scenario_id)

    # -- login sessions and failed logins (used by dashboard.auth) -----------------------
    def open_session(self, user_name: str, lifetime: dt.timedelta) -> str:
        """Record a new login and return its random id (for the session cookie)."""
        import secrets

        sid = secrets.token_urlsafe(32)
        now = dt.datetime.now(dt.UTC)
        with self._session() as session:
            # forget logins that ended more than a day ago (the table stays small)
            session.execute(
                delete(_LoginSessionRow).where(
                    _LoginSessionRow.expires_at < now - dt.timedelta(days=1)
                )
            )
            session.add(
                _LoginSessionRow(
                    id=sid, user_name=user_name, created_at=now, expires_at=now + lifetime
                )
            )
            session.commit()
        return sid

    def session_user(self, sid: str) -> str | None:
        """The user of a live (not revoked, not expired) login, else None."""
        with self._session() as session:
            row = session.get(_LoginSessionRow, sid)
            if row is None or row.revoked_at is not None:
                return None
            expires = _utc(row.expires_at)
            if expires is None or expires <= dt.datetime.now(dt.UTC):
                return None
            return row.user_name

    def revoke_session(self, sid: str) -> None:
        """End a login (logout): its cookie no longer works, in any worker."""
        with self._session() as session:
            row = session.get(_LoginSessionRow, sid)
            if row is not None and row.revoked_at is None:
                row.revoked_at = dt.datetime.now(dt.UTC)
                session.commit()

    def revoke_user_sessions(self, user_name: str) -> int:
        """End every login of a user; returns how many were live."""
        now = dt.datetime.now(dt.UTC)
        with self._session() as session:
            rows = session.scalars(
                select(_LoginSessionRow).where(
                    _LoginSessionRow.user_name == user_name, _LoginSessionRow.revoked_at.is_(None)
                )
            ).all()
            for row in rows:
                row.revoked_at = now
            session.commit()
            return len(rows)

    def locked_until(self, key: str, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the lockout of ``key`` ends (None: not locked)."""
        now = now or dt.datetime.now(dt.UTC)
        with self._session() as session:
            row = session.get(_LoginFailureRow, key)
            until = _utc(row.locked_until) if row is not None else None
            return until if until is not None and until > now else None

    def record_failure(
        self,
        key: str,
        *,
        limit: int,
        window: dt.timedelta,
        lockout: dt.timedelta,
        now: dt.datetime | None = None,
    ) -> dt.datetime | None:
        """Count a failed login of ``key``; the ``limit``-th failure within ``window`` locks
        it for ``lockout``. Returns the end of the lockout (None: not locked)."""
        now = now or dt.datetime.now(dt.UTC)
        with self._session() as session:
            row = session.get(_LoginFailureRow, key)
            if row is None:
                row = _LoginFailureRow(key=key, failures=0, first_at=now)
                session.add(row)
            first = _utc(row.first_at)
            if first is None or now - first > window:
                row.failures, row.first_at, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + lockout
                row.failures, row.first_at = 0, now
            until = _utc(row.locked_until)
            try:
                session.commit()
            except IntegrityError:  # another worker created the row at the same moment
                session.rollback()
                return self.record_failure(
                    key, limit=limit, window=window, lockout=lockout, now=now
                )
            return until if until is not None and until > now else None

    def clear_failures(self, key: str) -> None:
        """Forget the failed logins of ``key`` (after a successful login)."""
        with self._session() as session:
            session.execute(delete(_LoginFailureRow).where(_LoginFailureRow.key == key))
            session.commit()
