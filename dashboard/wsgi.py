"""WSGI entry point for production: ``gunicorn -w 2 -b 127.0.0.1:8050 dashboard.wsgi:server``
behind an HTTPS reverse proxy (``ANALYZER_PROXIES=1``), with ``ANALYZER_USERS_FILE`` set.
Bind another address only with a users file: without one every client is a risk officer
(the app logs a warning when it serves a client from another machine).

The only module that builds the app at import time. Settings come from the environment
(``ANALYZER_*``); every worker must see the same ``ANALYZER_CACHE_DIR`` (the default is a
fixed per-user path, which is shared) and the same ``ANALYZER_SECRET_KEY`` (the default key
file in the data folder is shared too).
"""

from __future__ import annotations

from dashboard.app import create_app

app = create_app()
server = app.server
