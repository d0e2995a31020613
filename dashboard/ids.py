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
UPLOAD_LIMIT = "upload-limit"  # hidden div: data-mb = the upload limit (assets/upload_errors.js)
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

# -- login page (plain HTML served by Flask, dashboard/auth/login.py) -----------------------
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


# -- overview / solvency / data pages, shared scenario state (appended by the pages owner) --
CURRENT_SCENARIO = "data-current-scenario"  # dcc.Store (session): dashboard.state inputs or None
PROPOSED_WEIGHTS = "proposed-weights"  # dcc.Store (session): {asset_class: weight} from the lab
OVERVIEW_KPIS = "overview-kpis"
OVERVIEW_COMPLIANCE = "overview-compliance"
OVERVIEW_WATERFALL = "overview-waterfall"
OVERVIEW_TREEMAP = "overview-treemap"
OVERVIEW_COMPARE = "overview-compare"
OVERVIEW_RETURN = "overview-return"
SOLVENCY_MODULES = "solvency-modules"  # dcc.Graph, click a bar to filter the grid
SOLVENCY_MODULE_FILTER = "solvency-module-filter"  # text showing the drill-down module
SOLVENCY_MODULE_CLEAR = "solvency-module-clear"
SOLVENCY_POSITIONS = "solvency-positions"  # dash-ag-grid of Euler contributions
SOLVENCY_COMPLIANCE = "solvency-compliance"
SOLVENCY_REGIMES = "solvency-regimes"
DATA_HOLDINGS_UPLOAD = "data-holdings-upload"
DATA_COMPANY_UPLOAD = "data-company-upload"
DATA_ASSUMPTIONS_UPLOAD = "data-assumptions-upload"  # assumptions table + correlations
DATA_ASSUMPTIONS_REPAIR = "data-assumptions-repair"  # dcc.Checklist: repair a non-PSD matrix
DATA_TEMPLATES_UPLOAD = "data-templates-upload"  # template positions of classes not held yet
DATA_UPLOAD_STATUS = "data-upload-status"
DATA_ERRORS = "data-errors"  # table of InputError problems (file, row, column, message)
DATA_CURRENT = "data-current"  # what the current scenario is
DATA_RESET = "data-reset"
DATA_DOWNLOAD_BUTTON = "data-download-button"
DATA_DOWNLOAD = "data-download"
DATA_SCENARIO_NAME = "data-scenario-name"
DATA_SCENARIO_SAVE = "data-scenario-save"
DATA_SCENARIO_LIST = "data-scenario-list"  # dcc.Dropdown of saved scenarios
DATA_SCENARIO_LOAD = "data-scenario-load"
DATA_SCENARIO_REVIEW = "data-scenario-review"
DATA_SCENARIO_COMPARE_WITH = "data-scenario-compare-with"  # second dcc.Dropdown
DATA_SCENARIO_COMPARE = "data-scenario-compare"  # the comparison table
DATA_SCENARIO_TABLE = "data-scenario-table"  # list of saved scenarios
DATA_SCENARIOS_REFRESH = "data-scenarios-refresh"  # dcc.Store counter bumped after changes

# -- allocation lab page (appended by the lab owner) ---------------------------------------
LAB_SOURCE = "lab-source"  # dcc.Store: opaque key of the portfolio the lab works on
LAB_GRID = "lab-grid"  # dash-ag-grid: class, current %, proposed % (editable), min/max %, return
LAB_WEIGHTS = "lab-weights"  # dcc.Store (session): {asset_class: percent} being edited
LAB_FIGURES = "lab-figures"  # ratio / capital / sci-tech / return cards
LAB_ERROR = "lab-error"  # weight error text (e.g. total not 100%)
LAB_TRADES = "lab-trades"  # table of trades in the money unit
LAB_RESET = "lab-reset"  # button: back to the current allocation
LAB_APPLY = "lab-apply"  # button: write PROPOSED_WEIGHTS (edit permission)
LAB_MIN_COMPREHENSIVE = "lab-min-comprehensive"  # dcc.Input, percent
LAB_MIN_CORE = "lab-min-core"
LAB_MIN_SCITECH = "lab-min-scitech"
LAB_MAX_TURNOVER = "lab-max-turnover"
LAB_OBJECTIVE = "lab-objective"  # dcc.Dropdown
LAB_OPTIMISE = "lab-optimise"  # button (background callback, optimize permission)
LAB_CANCEL = "lab-cancel"
LAB_PROGRESS = "lab-progress"  # html.Progress
LAB_RESULT = "lab-result"  # dcc.Store (session): analyzer.services.lab.optimise output
LAB_RESULT_STATUS = "lab-result-status"  # optimum summary or infeasibility in words
LAB_USE_OPTIMUM = "lab-use-optimum"  # button: load the optimum into the grid
LAB_SHADOW = "lab-shadow"  # table of binding limits and shadow prices
LAB_FRONTIER_VOL = "lab-frontier-volatility"  # dcc.Graph, click a point to load it
LAB_FRONTIER_SOLV = "lab-frontier-solvency"  # dcc.Graph, click a point to load it
LAB_TEMPLATES = "lab-templates"  # what the "new" marker means / why templates were not used
LAB_NOTES = "lab-notes"  # the optimiser result's notes (new classes, not buyable ...)

# -- stress page (risk officers) and the regime selector (appended by the stress owner) -----
NAV_LINKS["stress"] = "nav-stress"
#: the regime dropdown on overview / solvency / stress: a pattern-matching id, so its callback
#: (``{"type": REGIME_SELECT_TYPE, "index": ALL}``) is silent on pages without it
REGIME_SELECT_TYPE = "regime-select"
REGIME_SELECT = {"type": REGIME_SELECT_TYPE, "index": "main"}
REGIME_BOX = "regime-box"  # the selector's wrapper (label + dropdown)
STRESS_BODY = "stress-body"
STRESS_SOURCE = "stress-source"  # dcc.Store: opaque key of the app's start-up files
STRESS_PORTFOLIO = "stress-portfolio"  # dcc.RadioItems "current" | "proposed" (lab weights)
STRESS_SCENARIOS = "stress-scenarios"  # table of Annex 4 + historical scenario results
STRESS_CHART = "stress-chart"  # dcc.Graph: ratios before / after per scenario
STRESS_REVERSE = "stress-reverse"  # table of reverse-stress moves
STRESS_SIM_N = "stress-sim-n"  # dcc.Input: number of Monte Carlo scenarios
STRESS_SIM_SEED = "stress-sim-seed"  # dcc.Input: seed
STRESS_SIMULATE = "stress-simulate"  # button (background callback, permission "view")
STRESS_CANCEL = "stress-cancel"
STRESS_PROGRESS = "stress-progress"  # html.Progress
STRESS_SIM_RESULT = "stress-sim-result"  # dcc.Store (memory): stress_figures.simulation_summary
STRESS_SIM_STATUS = "stress-sim-status"  # run line (n, seed, time) or "not run yet"
STRESS_HISTOGRAM = "stress-histogram"  # dcc.Graph: simulated comprehensive-ratio distribution
STRESS_SIM_TABLES = "stress-sim-tables"  # percentiles, probabilities, tail drivers

# -- plan page (executives) ------------------------------------------------------------------
NAV_LINKS["plan"] = "nav-plan"
PLAN_BODY = "plan-body"
PLAN_SOURCE = "plan-source"  # dcc.Store: opaque key of the app's start-up files
PLAN_RESULT = "plan-result"  # dcc.Store (session): analyzer.api.plan_page.run output
#: plan inputs per projection year: pattern-matching ids, ``{"type": ..., "index": year}``
PLAN_NEW_MONEY_TYPE = "plan-new-money"  # dcc.Input, new money of the year (亿元)
PLAN_COMMITMENT_TYPE = "plan-commitment"  # dcc.Input, VC commitment of the vintage (亿元)
PLAN_COMMITMENT_CLASS = "plan-commitment-class"  # dcc.Dropdown: the VC programme's class
PLAN_TARGET_SHARE = "plan-target-share"  # dcc.Input, percent
PLAN_FLOOR_COMPREHENSIVE = "plan-floor-comprehensive"  # dcc.Input, percent (blank: none)
PLAN_FLOOR_CORE = "plan-floor-core"  # dcc.Input, percent (blank: none)
PLAN_OPTIMISE = "plan-optimise"  # dcc.Checklist: solve the best path (floors, target enforced)
PLAN_RUN = "plan-run"  # button (background callback, permission "view")
PLAN_CANCEL = "plan-cancel"
PLAN_PROGRESS = "plan-progress"  # html.Progress: projected dates done / total
PLAN_STATUS = "plan-status"  # the run line, or "not run yet", or why it failed
PLAN_TABLE = "plan-table"  # the projected ratios per date (table id "plan-ratios-table")
PLAN_CHECKS = "plan-checks"  # dates breaching a floor or short of the sci-tech target
PLAN_RATIO_CHART = "plan-ratio-chart"  # dcc.Graph: base and stressed ratios with the lines
PLAN_GLIDE_CHART = "plan-glide-chart"  # dcc.Graph: stacked class weights per date
PLAN_PROGRAMME_CHART = "plan-programme-chart"  # dcc.Graph: calls, distributions, NAV per year
PLAN_SCI_CHART = "plan-sci-chart"  # dcc.Graph: sci-tech share against its target
PLAN_PROGRAMME = "plan-programme"  # table of the VC programme per year
PLAN_NOTES = "plan-notes"  # the projection's assumptions
PLAN_SAVE_NAME = "plan-save-name"  # dcc.Input
PLAN_SAVE = "plan-save"  # button (permission "save")
PLAN_SAVED = "plan-saved"  # dcc.Store counter bumped after a save
PLAN_COMPARE_A = "plan-compare-a"  # dcc.Dropdown of saved plan scenarios
PLAN_COMPARE_B = "plan-compare-b"
PLAN_COMPARE = "plan-compare"  # the comparison table
PLAN_LOAD = "plan-load"  # button: the first compared scenario becomes the current one


def plan_new_money(year: int) -> dict[str, object]:
    """The new-money input of projection year ``year`` (1 = next year)."""
    return {"type": PLAN_NEW_MONEY_TYPE, "index": year}


def plan_commitment(year: int) -> dict[str, object]:
    """The VC commitment input of the vintage first called in ``year``."""
    return {"type": PLAN_COMMITMENT_TYPE, "index": year}
