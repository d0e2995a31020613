"""Users, roles and server-side permission checks: `dashboard.auth.users` (accounts, password
hashes, roles and permissions, the users-file command line) and `dashboard.auth.login` (the
login page, sessions, the failed-login lockout and the permission gate). Both are re-exported
here: callers use ``from dashboard import auth`` / ``from dashboard.auth import ...``.

Add a user: ``python -m dashboard.auth add-user NAME ROLE [--password PW] [--file PATH]``.
"""

from __future__ import annotations

from dashboard.auth.login import (
    EXTENSION,
    FAILURE_WINDOW,
    IP_FAILURE_LIMIT,
    LOCKOUT,
    SESSION_ID_KEY,
    SESSION_KEY,
    SESSION_LIFETIME,
    USER_FAILURE_LIMIT,
    AuthState,
    current_user,
    install,
    login_page,
    protected_callback,
    refusal_response,
    require,
    state,
)
from dashboard.auth.users import (
    LOCAL_USER,
    LOCAL_USER_NAME,
    PERMISSIONS,
    ROLES,
    AuthError,
    PermissionDenied,
    User,
    UserRecord,
    UsersFileError,
    add_user,
    can,
    dump_users,
    load_users,
    main,
    parse_users,
    permissions_of,
    verify_password,
)

__all__ = [
    "EXTENSION",
    "FAILURE_WINDOW",
    "IP_FAILURE_LIMIT",
    "LOCAL_USER",
    "LOCAL_USER_NAME",
    "LOCKOUT",
    "PERMISSIONS",
    "ROLES",
    "SESSION_ID_KEY",
    "SESSION_KEY",
    "SESSION_LIFETIME",
    "USER_FAILURE_LIMIT",
    "AuthError",
    "AuthState",
    "PermissionDenied",
    "User",
    "UserRecord",
    "UsersFileError",
    "add_user",
    "can",
    "current_user",
    "dump_users",
    "install",
    "load_users",
    "login_page",
    "main",
    "parse_users",
    "permissions_of",
    "protected_callback",
    "refusal_response",
    "require",
    "state",
    "verify_password",
]
