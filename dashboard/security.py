"""HTTP security headers, the reverse-proxy setting and the warning for exposed local mode.

Every response carries:

* ``Content-Security-Policy``: scripts only from the app itself plus the hashes of Dash's own
  inline scripts (`dash.Dash.csp_hashes`, computed once all callbacks are registered); styles
  from the app and inline (Dash components and plotly set ``style`` attributes); images and
  fonts from the app or ``data:``/``blob:`` (plotly's exports); requests only to the app;
  ``frame-ancestors 'none'`` (no framing), no plugins, forms post only to the app;
* ``X-Frame-Options: DENY`` (the same for older browsers), ``X-Content-Type-Options:
  nosniff``, ``Referrer-Policy: same-origin``.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import Any

import flask

from dashboard.i18n import t

log = logging.getLogger("dashboard")

_CSP = (
    "default-src 'self'; "
    "script-src 'self' {hashes}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "worker-src 'self' blob:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


def content_security_policy(app: Any) -> str:
    """The CSP header value of ``app`` (its inline scripts' hashes allowed)."""
    hashes = " ".join(app.csp_hashes())  # each already quoted: 'sha256-...'
    return _CSP.format(hashes=hashes)


def install_headers(app: Any) -> None:
    """Add the security headers to every response of ``app``'s server."""
    server: flask.Flask = app.server
    cached: dict[str, str] = {}

    def add_headers(response: flask.Response) -> flask.Response:
        if "csp" not in cached:  # after every callback (and its inline scripts) exists
            cached["csp"] = content_security_policy(app)
        response.headers.setdefault("Content-Security-Policy", cached["csp"])
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    server.after_request(add_headers)


def install_proxy_fix(app: Any, proxies: int) -> None:
    """Trust ``proxies`` reverse proxies' ``X-Forwarded-*`` headers (0: none)."""
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        server: flask.Flask = app.server
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address to bind) is reachable only from this machine."""
    host = (host or "").strip().strip("[]")
    if host == "localhost":
        return True
    if not host:  # all interfaces
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def exposed_text(host: str) -> str:
    """The warning for a server log: English and Chinese on one line (the catalogue's
    ``security.exposed``)."""
    return " / ".join(t("security.exposed", lang, host=host) for lang in ("en", "zh"))


def exposed_warning(host: str, login_required: bool) -> str | None:
    """The warning for binding local mode (no users file) to a non-loopback address."""
    if login_required or is_loopback(host):
        return None
    return exposed_text(host)


def install_remote_warning(app: Any, login_required: bool) -> None:
    """Local mode: log the warning once when a client from another machine is served (covers
    servers such as gunicorn, whose bind address the app does not know)."""
    if login_required:
        return
    server: flask.Flask = app.server
    warned: list[bool] = []

    def check() -> None:
        if warned:
            return
        addr = flask.request.remote_addr or ""
        try:
            remote = not ipaddress.ip_address(addr).is_loopback
        except ValueError:
            remote = False
        if remote:
            warned.append(True)
            log.warning(exposed_text(f"a non-loopback address (client {addr})"))

    server.before_request(check)
