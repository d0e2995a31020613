"""Every Dash component id, as a constant (typos fail at import time, tests can import them).

Naming: ``<AREA>_<THING>`` with values ``"<area>-<thing>"``. Pages use their own prefix
(``overview-``, ``lab-``, ``solvency-``, ``data-``); add page ids below their section.
Pattern-matching ids are built by the small factory functions at the end.
"""

from __future__ import annotations

# -- app shell (dashboard/app.py) ----------------------------------------------------------
URL = "app-url"
APP_ROOT = "app-root"
BRAND = "app-brand"
NAV = "app-nav"
LANG = "app-lang"  # dcc.RadioItems, value "zh" | "en" (persisted in the browser)
UNIT = "app-unit"  # dcc.RadioItems, value "yi" | "cny" (persisted in the browser)
LANG_LABEL = "app-lang-label"
UNIT_LABEL = "app-unit-label"
USER = "app-user"  # user name and role
LOGOUT = "app-logout"  # a plain link to the Flask /logout route
NOTICE_STORE = "app-notice-store"  # {"key", "level", "params", "at"}: see dashboard.notices
NOTICE = "app-notice"  # where the current notice is shown
DATA_STATUS = "app-data-status"  # banner when the sample data files are missing
PAGE = "app-page"  # the current page's layout goes here
PAGE_TITLE = "app-page-title"  # the <h1> of the current page (set by the page layout)

#: one nav link per page key
NAV_LINKS = {
    "overview": "nav-overview",
    "lab": "nav-lab",
    "solvency": "nav-solvency",
    "data": "nav-data",
}

# -- login page (plain HTML served by Flask, dashboard/auth.py) -----------------------------
LOGIN_FORM = "login-form"
LOGIN_USERNAME = "login-username"
LOGIN_PASSWORD = "login-password"
LOGIN_SUBMIT = "login-submit"
LOGIN_ERROR = "login-error"

# -- overview page (executives) ------------------------------------------------------------
OVERVIEW_BODY = "overview-body"

# -- allocation lab (asset managers) -------------------------------------------------------
LAB_BODY = "lab-body"

# -- solvency page (risk officers) ---------------------------------------------------------
SOLVENCY_BODY = "solvency-body"

# -- data page (uploads / downloads) -------------------------------------------------------
DATA_BODY = "data-body"


# -- pattern-matching id factories ---------------------------------------------------------
def bound_id(kind: str, asset_class: str) -> dict[str, str]:
    """Per-asset-class bound input, e.g. ``bound_id("min", "equity")``."""
    return {"type": f"bound-{kind}", "asset": asset_class}
