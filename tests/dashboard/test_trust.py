"""The browser's stores are signed: forged, edited or foreign state is refused on the server,
and what is saved is validated again by the core (request-level tests)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tokens import open_token, seal_value

from analyzer.io import read_company, read_holdings
from dashboard import ids, state
from dashboard.app import create_app
from dashboard.context import app_env
from dashboard.pages import data as data_page
from dashboard.settings import REPO_DATA_DIR

LIFE = REPO_DATA_DIR / "life"
PC = REPO_DATA_DIR / "pc"


def full(inputs: dict[str, Any], **moved: float) -> dict[str, float]:
    """A proposal as the lab writes it: every held class, current weights, some changed."""
    values = state.class_values(state.parsed(inputs)[0])
    total = sum(values.values())
    weights = {c: v / total for c, v in values.items()}
    weights.update(moved)
    weights["cash"] += 1.0 - sum(weights.values())
    return weights


def by_input(app: Any, input_id: str) -> str:
    for key, spec in app.callback_map.items():
        if spec["inputs"] and spec["inputs"][0]["id"] == input_id:
            return key
    raise KeyError(input_id)


def pc_inputs() -> dict[str, Any]:
    """Another insurer's scenario (what a forger would put in the store)."""
    return state.make_inputs(read_holdings(PC / "holdings.csv"), read_company(PC / "company.toml"))


@pytest.fixture
def app(login_settings: Any) -> Any:
    return create_app(login_settings)


def client_of(app: Any, log_in: Any, name: str) -> Any:
    client = app.server.test_client()
    log_in(client, name)
    return client


def overview(app: Any) -> str:
    return by_input(app, ids.CURRENT_SCENARIO)


def refused(resp: Any) -> bool:
    body = resp.get_json()
    return (
        body["response"] == {}
        and body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.untrusted"
    )


def test_forged_scenario_is_refused_for_an_executive(app: Any, log_in: Any, dash_call: Any) -> None:
    client = client_of(app, log_in, "exec")
    cid = overview(app)
    assert ids.OVERVIEW_KPIS in cid
    forged = pc_inputs()
    resp = dash_call(client, app, cid, [forged, None, "yi", "en"])
    assert refused(resp)
    # the browser's copy is cleared: the tab goes back to the start-up data
    assert resp.get_json()["sideUpdate"][ids.CURRENT_SCENARIO] == {"data": None}
    # the start-up data render normally
    ok = dash_call(client, app, cid, [None, None, "yi", "en"]).get_json()
    assert ids.OVERVIEW_KPIS in ok["response"]


def test_forged_scenario_cannot_be_downloaded(app: Any, log_in: Any, dash_call: Any) -> None:
    client = client_of(app, log_in, "exec")
    cid = by_input(app, ids.DATA_DOWNLOAD_BUTTON)
    assert refused(dash_call(client, app, cid, [1], [pc_inputs()]))
    body = dash_call(client, app, cid, [1], [None]).get_json()
    assert body["response"][ids.DATA_DOWNLOAD]["data"]["filename"].endswith(".xlsx")


def test_forged_or_edited_proposal_is_refused(app: Any, log_in: Any, dash_call: Any) -> None:
    client = client_of(app, log_in, "exec")
    cid = overview(app)
    assert refused(dash_call(client, app, cid, [None, {"cash": 1.0}, "yi", "en"]))
    # a real token with one character changed
    token = seal_value(app, ids.PROPOSED_WEIGHTS, {"cash": 1.0}, "exec")
    edited = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert refused(dash_call(client, app, cid, [None, edited, "yi", "en"]))
    ok = dash_call(client, app, cid, [None, token, "yi", "en"])
    assert ids.OVERVIEW_KPIS in ok.get_json()["response"]


def test_token_of_another_user_or_store_is_refused(app: Any, log_in: Any, dash_call: Any) -> None:
    client = client_of(app, log_in, "exec")
    cid = overview(app)
    mine = seal_value(app, ids.CURRENT_SCENARIO, pc_inputs(), "exec")
    assert (
        ids.OVERVIEW_KPIS
        in dash_call(client, app, cid, [mine, None, "yi", "en"]).get_json()["response"]
    )
    theirs = seal_value(app, ids.CURRENT_SCENARIO, pc_inputs(), "manager")
    assert refused(dash_call(client, app, cid, [theirs, None, "yi", "en"]))
    weights_as_scenario = seal_value(app, ids.PROPOSED_WEIGHTS, pc_inputs(), "exec")
    assert refused(dash_call(client, app, cid, [weights_as_scenario, None, "yi", "en"]))


def test_store_values_leave_the_server_signed(app: Any, log_in: Any, dash_call: Any) -> None:
    client = client_of(app, log_in, "manager")
    life = state.default_inputs(app_env(app))
    weights = full(life, government_bond=0.05)
    sid = data_page.save_inputs(app_env(app).store, "base", life, "manager", weights)
    load = by_input(app, ids.DATA_SCENARIO_LOAD)
    out = dash_call(client, app, load, [1], [sid]).get_json()["response"]
    scenario_token = out[ids.CURRENT_SCENARIO]["data"]
    assert isinstance(scenario_token, str) and "holdings" not in scenario_token
    assert open_token(app, ids.CURRENT_SCENARIO, scenario_token, "manager")["scenario_name"] == (
        "base"
    )
    assert (
        open_token(app, ids.PROPOSED_WEIGHTS, out[ids.PROPOSED_WEIGHTS]["data"], "manager")
        == weights
    )


def test_nonsense_scenario_is_not_saved(app: Any, log_in: Any, dash_call: Any) -> None:
    """The asset manager's forged scenario (asset_type nonsense, market_value -5) is refused
    as forged; and a scenario that fails validation is refused even when the server signed it
    (e.g. held since an older version)."""
    env = app_env(app)
    client = client_of(app, log_in, "manager")
    save = by_input(app, ids.DATA_SCENARIO_SAVE)
    bad = state.default_inputs(env)
    bad = {**bad, "holdings": [dict(r) for r in bad["holdings"]]}
    bad["holdings"][0].update(asset_type="nonsense", market_value=-5)
    assert refused(dash_call(client, app, save, [1], ["evil", bad, None, 0]))
    token = seal_value(app, ids.CURRENT_SCENARIO, bad, "manager")
    body = dash_call(client, app, save, [1], ["evil", token, None, 0]).get_json()
    notice = body["sideUpdate"][ids.NOTICE_STORE]["data"]
    assert notice["key"] == "notice.input_error"
    message = notice["params"]["message"]
    assert "asset_type" in message["en"] and "nonsense" in message["en"]
    assert message["zh"] and message["zh"] != message["en"]
    assert env.store.list() == []


@pytest.mark.parametrize(
    "weights",
    [{"cash": 0.5}, {"cash": 1.5, "government_bond": -0.5}, {"no_such_class": 1.0}],
)
def test_invalid_signed_proposal_is_not_saved(
    app: Any, log_in: Any, dash_call: Any, weights: dict[str, float]
) -> None:
    env = app_env(app)
    client = client_of(app, log_in, "manager")
    save = by_input(app, ids.DATA_SCENARIO_SAVE)
    token = seal_value(app, ids.PROPOSED_WEIGHTS, weights, "manager", None)
    body = dash_call(client, app, save, [1], ["p", None, token, 0]).get_json()
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.input_error"
    assert env.store.list() == []


@pytest.mark.parametrize(
    "name", ["a\x00b", "line\nbreak", "tab\there", "evil\u202etxt.exe", "iso\u2066late", " "]
)
def test_scenario_names_with_control_or_bidi_characters_are_refused(
    app: Any, log_in: Any, dash_call: Any, name: str
) -> None:
    env = app_env(app)
    client = client_of(app, log_in, "manager")
    save = by_input(app, ids.DATA_SCENARIO_SAVE)
    body = dash_call(client, app, save, [1], [name, None, None, 0]).get_json()
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"].startswith("notice.bad_name.")
    assert env.store.list() == []
    ok = dash_call(client, app, save, [1], ["基准 2026-Q1", None, None, 0]).get_json()
    assert ok["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.saved"


# -- the old proposal after new holdings (front-end bug) ------------------------------------
def test_upload_clears_the_proposal_and_a_stale_one_is_never_saved(
    app: Any, log_in: Any, dash_call: Any, callback_id: Any
) -> None:
    import base64

    env = app_env(app)
    client = client_of(app, log_in, "manager")
    life = state.default_inputs(env)
    weights = full(life, government_bond=0.05)
    proposal = seal_value(app, ids.PROPOSED_WEIGHTS, weights, "manager", life)

    # new holdings uploaded: the response clears the browser's proposal
    upload = callback_id(app, ids.DATA_ERRORS)
    pc = "data:text/csv;base64," + base64.b64encode((PC / "holdings.csv").read_bytes()).decode()
    toml = "data:text/plain;base64," + base64.b64encode((PC / "company.toml").read_bytes()).decode()
    out = dash_call(
        client, app, upload, [pc, [toml]], ["pc.csv", ["company.toml"], None, "en"]
    ).get_json()["response"]
    weights_key = next(k for k in out if k.startswith(ids.PROPOSED_WEIGHTS))
    assert out[weights_key]["data"] is None
    new_scenario = out[next(k for k in out if k.startswith(ids.CURRENT_SCENARIO))]["data"]

    # a browser that still sends the old proposal: the server drops it (made for other
    # holdings), so the saved scenario has no weights
    save = by_input(app, ids.DATA_SCENARIO_SAVE)
    body = dash_call(client, app, save, [1], ["pc-new", new_scenario, proposal, 0]).get_json()
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.saved"
    saved = env.store.find(read_company(PC / "company.toml").name, "pc-new")
    assert saved is not None and saved.weights == {}
    assert len(saved.holdings) == len(read_holdings(PC / "holdings.csv").frame)

    # the same proposal with its own scenario is kept
    life_token = seal_value(app, ids.CURRENT_SCENARIO, life, "manager")
    body = dash_call(client, app, save, [1], ["life-p", life_token, proposal, 0]).get_json()
    assert body["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "notice.saved"
    assert env.store.find(life["company"]["name"], "life-p").weights == weights


def test_overview_ignores_a_proposal_of_other_holdings(
    app: Any, log_in: Any, dash_call: Any
) -> None:
    client = client_of(app, log_in, "manager")
    cid = overview(app)
    pc = pc_inputs()
    life = state.default_inputs(app_env(app))
    stale = seal_value(app, ids.PROPOSED_WEIGHTS, full(life), "manager", None)  # start-up's
    pc_token = seal_value(app, ids.CURRENT_SCENARIO, pc, "manager")
    with_stale = dash_call(client, app, cid, [pc_token, stale, "yi", "en"]).get_json()
    without = dash_call(client, app, cid, [pc_token, None, "yi", "en"]).get_json()
    assert json.dumps(with_stale["response"][ids.OVERVIEW_COMPARE]) == json.dumps(
        without["response"][ids.OVERVIEW_COMPARE]
    )
