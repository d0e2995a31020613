"""Test helpers for the signed browser stores (`dashboard.trust`)."""

from __future__ import annotations

from typing import Any

ROLE_OF = {"exec": "executive", "manager": "asset_manager", "risk": "risk_officer"}


def who_of(name: str = "local") -> list[str]:
    """The token owner of a test user (``local`` or a name of the ``users_file`` fixture)."""
    return [name, "risk_officer" if name == "local" else ROLE_OF[name]]


def open_token(app: Any, store_id: str, token: Any, user: str = "local") -> Any:
    """The value of a signed store token the server issued to ``user``."""
    from dashboard import trust

    return trust.unseal(app.server, store_id, token, who_of(user))[0]


def seal_value(
    app: Any, store_id: str, value: Any, user: str = "local", scenario: Any = None
) -> Any:
    """The token the server would issue to ``user`` for ``value``."""
    from dashboard import trust

    return trust.seal(app.server, store_id, value, who_of(user), scenario)
