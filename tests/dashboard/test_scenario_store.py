"""The scenario store is re-validated by the server whenever it comes back from the browser:
a value not of the `Scenario`'s shape is refused with a message naming the field, even when
the server itself signed it (held since an older version, or a signing key that leaked)."""

from __future__ import annotations

from typing import Any

import pytest
from tokens import seal_value

from analyzer.errors import InputError
from dashboard import ids, state
from dashboard.app import create_app
from dashboard.context import app_env
from dashboard.pages import overview, stress


@pytest.fixture
def app(login_settings: Any) -> Any:
    return create_app(login_settings)


def by_input(app: Any, input_id: str) -> str:
    for key, spec in app.callback_map.items():
        if spec["inputs"] and spec["inputs"][0]["id"] == input_id:
            return key
    raise KeyError(input_id)


TAMPERED = [
    ({"holdings": "every row"}, "holdings"),
    ({"company": 42}, "company"),
    ({"source": {"holdings": "h.csv", "path": "/etc/passwd"}}, "source.path"),
    ({"evil": "<script>"}, "evil"),
]


@pytest.mark.parametrize(("change", "field"), TAMPERED)
def test_a_tampered_store_is_refused_by_every_entry(
    settings: Any, change: dict[str, Any], field: str
) -> None:
    env = app_env(create_app(settings))
    store = {**state.default_inputs(env), **change}
    with pytest.raises(InputError) as err:
        state.current_inputs(store, env)
    assert field in [p.column for p in err.value.problems]
    kpis = overview.overview_content(store, None, "yi", "en", env)[0]
    assert "scenario sent by the browser is not valid" in repr(kpis)
    notes = stress.stress_content(store, None, "current", "yi", "en", env)[0]
    assert "scenario sent by the browser is not valid" in repr(notes)


def test_a_signed_but_tampered_store_is_not_used(app: Any, log_in: Any, dash_call: Any) -> None:
    env = app_env(app)
    client = app.server.test_client()
    log_in(client, "manager")
    store = {**state.default_inputs(env), "company": ["not", "a", "table"]}
    token = seal_value(app, ids.CURRENT_SCENARIO, store, "manager")
    cid = by_input(app, ids.CURRENT_SCENARIO)
    assert ids.OVERVIEW_KPIS in cid
    body = dash_call(client, app, cid, [token, None, "yi", "en"]).get_json()
    shown = str(body["response"][ids.OVERVIEW_KPIS])
    assert "scenario sent by the browser is not valid" in shown and "company" in shown
    # saving it is refused with the same message, and nothing is saved
    save = by_input(app, ids.DATA_SCENARIO_SAVE)
    body = dash_call(client, app, save, [1], ["evil", token, None, 0]).get_json()
    notice = body["sideUpdate"][ids.NOTICE_STORE]["data"]
    assert notice["key"] == "notice.input_error"
    assert "company" in notice["params"]["message"]["en"]
    assert env.store.list() == []
    # the untampered store works
    good = seal_value(app, ids.CURRENT_SCENARIO, state.default_inputs(env), "manager")
    body = dash_call(client, app, cid, [good, None, "yi", "en"]).get_json()
    assert "not valid" not in str(body["response"][ids.OVERVIEW_KPIS])
