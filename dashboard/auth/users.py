"""The dashboard's users: roles and permissions, the users file (TOML) and its password
hashes, and the ``add-user`` / ``list-users`` command line.

Users file::

    [[users]]
    name = "wang"
    role = "risk_officer"          # executive | asset_manager | risk_officer
    password_hash = "scrypt:32768:8:1$..."   # werkzeug.security.generate_password_hash
    display_name = "王风控"         # optional

Add a user: ``python -m dashboard.auth add-user NAME ROLE [--password PW] [--file PATH]``.
How a request gets its user (login page, sessions, lockout, the permission gate) is
`dashboard.auth.login`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("executive", "asset_manager", "risk_officer")

#: permission -> roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "edit": frozenset({"asset_manager", "risk_officer"}),
    "optimize": frozenset({"asset_manager", "risk_officer"}),
    "save": frozenset({"asset_manager", "risk_officer"}),
    "upload": frozenset({"asset_manager", "risk_officer"}),
    "review": frozenset({"risk_officer"}),
    "delete": frozenset({"risk_officer"}),
}

LOCAL_USER_NAME = "local"


class AuthError(Exception):
    """Base class of this module's errors."""


class UsersFileError(AuthError):
    """The users file is missing or malformed."""


class PermissionDenied(AuthError):
    """The current user lacks a permission."""

    def __init__(self, permission: str, user: User | None) -> None:
        self.permission = permission
        self.user = user
        who = f"{user.name} ({user.role})" if user else "anonymous user"
        super().__init__(f"{who} may not {permission}")

    def notice(self) -> dict[str, Any]:
        """Notice store payload (see `dashboard.notices`)."""
        from dashboard.notices import payload

        if self.user is None:
            return payload("notice.login_required", "warning")
        return payload(
            "notice.denied",
            "error",
            role=f"@role.{self.user.role}",
            permission=f"@perm.{self.permission}",
        )


@dataclass(frozen=True)
class User:
    """The person using the dashboard."""

    name: str
    role: str
    display_name: str = ""
    local: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.name

    def can(self, permission: str) -> bool:
        return can(self, permission)


LOCAL_USER = User(LOCAL_USER_NAME, "risk_officer", local=True)


@dataclass(frozen=True)
class UserRecord:
    """One entry of the users file."""

    name: str
    role: str
    password_hash: str
    display_name: str = ""

    def user(self) -> User:
        return User(self.name, self.role, self.display_name)


def can(user: User | None, permission: str) -> bool:
    """Whether ``user`` holds ``permission`` (unknown permissions are a programming error)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}; known: {', '.join(PERMISSIONS)}")
    return user is not None and user.role in PERMISSIONS[permission]


def permissions_of(role: str) -> list[str]:
    """The permissions a role holds, in table order."""
    return [p for p, roles in PERMISSIONS.items() if role in roles]


# -- users file ----------------------------------------------------------------------------
def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UsersFileError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role


def parse_users(doc: Mapping[str, Any], source: str = "users file") -> dict[str, UserRecord]:
    entries = doc.get("users", [])
    if not isinstance(entries, list):
        raise UsersFileError(f"{source}: 'users' must be an array of tables ([[users]])")
    users: dict[str, UserRecord] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"{source}: user #{n}"
        if not isinstance(entry, Mapping):
            raise UsersFileError(f"{where} is not a table")
        unknown = set(entry) - {"name", "role", "password_hash", "display_name"}
        if unknown:
            raise UsersFileError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        name = str(entry.get("name", "")).strip()
        if not name:
            raise UsersFileError(f"{where}: 'name' is missing")
        try:
            role = _check_role(str(entry.get("role", "")))
        except UsersFileError as exc:
            raise UsersFileError(f"{where} ({name}): {exc}") from None
        password_hash = str(entry.get("password_hash", ""))
        if not password_hash:
            raise UsersFileError(f"{where} ({name}): 'password_hash' is missing")
        if name in users:
            raise UsersFileError(f"{where}: user {name!r} appears twice")
        users[name] = UserRecord(name, role, password_hash, str(entry.get("display_name", "")))
    return users


def load_users(path: Path) -> dict[str, UserRecord]:
    """Read and validate a users file; raises `UsersFileError` with the file name."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise UsersFileError(f"users file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"users file {path} is not valid TOML: {exc}") from None
    users = parse_users(doc, str(path))
    if not users:
        raise UsersFileError(
            f"users file {path} defines no users; add one with "
            "`python -m dashboard.auth add-user NAME ROLE`"
        )
    return users


def _toml_str(value: str) -> str:
    # JSON string escapes (\" \\ \n \t \uXXXX) are valid TOML basic-string escapes
    return json.dumps(value, ensure_ascii=False)


def dump_users(users: Iterable[UserRecord]) -> str:
    """Users file text (comments of an existing file are not kept)."""
    lines = ["# Dashboard users: python -m dashboard.auth add-user NAME ROLE", ""]
    for user in users:
        lines.append("[[users]]")
        lines.append(f"name = {_toml_str(user.name)}")
        lines.append(f"role = {_toml_str(user.role)}")
        lines.append(f"password_hash = {_toml_str(user.password_hash)}")
        if user.display_name:
            lines.append(f"display_name = {_toml_str(user.display_name)}")
        lines.append("")
    return "\n".join(lines)


def add_user(
    path: Path,
    name: str,
    role: str,
    password: str,
    *,
    display_name: str = "",
    replace: bool = False,
    method: str | None = None,
) -> UserRecord:
    """Add (or with ``replace`` update) a user in the users file, creating the file.

    ``method`` is passed to `generate_password_hash` (default: werkzeug's, scrypt).
    """
    name = name.strip()
    if not name:
        raise UsersFileError("user name must not be empty")
    _check_role(role)
    if not password:
        raise UsersFileError("password must not be empty")
    users: dict[str, UserRecord] = {}
    if path.exists():
        with open(path, "rb") as fh:
            try:
                users = parse_users(tomllib.load(fh), str(path))
            except tomllib.TOMLDecodeError as exc:
                raise UsersFileError(f"users file {path} is not valid TOML: {exc}") from None
    if name in users and not replace:
        raise UsersFileError(f"user {name!r} already exists in {path}; use --replace")
    hashed = (
        generate_password_hash(password, method) if method else generate_password_hash(password)
    )
    record = UserRecord(name, role, hashed, display_name)
    users[name] = record
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump_users(users.values()), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return record


_DUMMY_HASH: str | None = None


def verify_password(users: Mapping[str, UserRecord], name: str, password: str) -> User | None:
    """The user if the password matches, else None."""
    global _DUMMY_HASH
    record = users.get(name)
    if record is None:
        # spend comparable time so unknown names are not revealed by timing
        if _DUMMY_HASH is None:
            _DUMMY_HASH = generate_password_hash("not a password")
        check_password_hash(_DUMMY_HASH, password or "-")
        return None
    if check_password_hash(record.password_hash, password):
        return record.user()
    return None


# -- command line --------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.auth add-user NAME ROLE [--password PW] [--file PATH]``."""
    import os

    parser = argparse.ArgumentParser(
        prog="python -m dashboard.auth",
        description="Users, roles and server-side permission checks.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="add a user to the users file (creates it)")
    add.add_argument("name")
    add.add_argument("role", choices=ROLES)
    add.add_argument("--password", help="the password (default: prompt twice)")
    add.add_argument("--display-name", default="", help="name shown in the top bar")
    add.add_argument("--file", type=Path, help="users file (default: $ANALYZER_USERS_FILE)")
    add.add_argument("--replace", action="store_true", help="update an existing user")
    lst = sub.add_parser("list-users", help="list the users and their roles")
    lst.add_argument("--file", type=Path, help="users file (default: $ANALYZER_USERS_FILE)")
    args = parser.parse_args(argv)

    path: Path | None = args.file or (
        Path(os.environ["ANALYZER_USERS_FILE"]) if os.environ.get("ANALYZER_USERS_FILE") else None
    )
    if path is None:
        parser.error("no users file: pass --file PATH or set ANALYZER_USERS_FILE")
    try:
        if args.command == "list-users":
            for record in load_users(path).values():
                label = f" ({record.display_name})" if record.display_name else ""
                print(f"{record.name}{label}\t{record.role}")
            return 0
        password = args.password
        if password is None:
            try:
                password = getpass.getpass(f"password for {args.name}: ")
                again = getpass.getpass("again: ")
            except EOFError:
                print("error: no password given (no terminal: use --password)", file=sys.stderr)
                return 2
            if again != password:
                print("error: the passwords differ", file=sys.stderr)
                return 2
        add_user(
            path,
            args.name,
            args.role,
            password,
            display_name=args.display_name,
            replace=args.replace,
        )
    except UsersFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.name} ({args.role}) written to {path}")
    return 0
