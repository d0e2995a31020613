"""The Data page's holdings/company upload runs the checks every front end runs
(`analyzer.io.inputs.load_inputs`): the holdings against the company file (`cross_check`), the
readers' warnings stopping the upload until the user accepts exactly the codes shown for those
files, and the readers' notes in the upload notice."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from tokens import open_token

from analyzer.io.inputs import SUM_UNIT, SUM_UNUSUAL
from dashboard import ids, state
from dashboard.app import create_app
from dashboard.pages import data as data_page
from dashboard.settings import REPO_DATA_DIR

PC = REPO_DATA_DIR / "pc"
HOLDINGS = (PC / "holdings.csv").read_bytes()
TOML = (PC / "company.toml").read_text(encoding="utf-8")
#: the sample P&C positions add up to 5.0e10 CNY, 83% of its total assets 6.0e10 CNY
TOTAL_50 = TOML.replace("total_assets = 6.0e10", "total_assets = 1.0e11").encode("utf-8")


def in_yi(raw: bytes) -> bytes:
    """The holdings with every amount in 亿元 (CNY / 1e8)."""
    lines = raw.decode("utf-8").splitlines()
    header = lines[0].split(",")
    money = [header.index(c) for c in ("market_value", "book_value", "face_value", "purchase_cost")]
    out = [lines[0]]
    for ln in lines[1:]:
        cells = ln.split(",")
        for i in money:
            if cells[i]:
                cells[i] = repr(float(cells[i]) / 1e8)
        out.append(",".join(cells))
    return ("\n".join(out) + "\n").encode("utf-8")


def with_unnamed_column(raw: bytes) -> bytes:
    lines = raw.decode("utf-8").splitlines()
    return ("\n".join([lines[0] + ","] + [ln + ",memo" for ln in lines[1:]]) + "\n").encode()


def data_url(raw: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(raw).decode("ascii")


# -- apply_upload ----------------------------------------------------------------------------
def test_holdings_in_yi_against_a_company_in_cny_is_refused(env: Any) -> None:
    inputs, rows = data_page.apply_upload(None, env, holdings=("yi.csv", in_yi(HOLDINGS)))
    assert inputs is None
    assert rows and not data_page.pending_codes(rows)
    assert rows[0]["file"] == "yi.csv" and rows[0]["column"] == "market_value"
    assert "亿元" in rows[0]["message"] and "亿元" in rows[0]["message_zh"]
    # the same refusal whatever is accepted: a refusal has no code to accept
    _, again = data_page.apply_upload(
        None, env, holdings=("yi.csv", in_yi(HOLDINGS)), accept={SUM_UNIT.code}
    )
    assert again == rows


def test_company_upload_is_checked_against_the_kept_holdings(env: Any) -> None:
    pc_company = [("company.toml", (PC / "company.toml").read_bytes())]
    current, rows = data_page.apply_upload(None, env, ("pc.csv", HOLDINGS), pc_company)
    assert rows == []
    # the kept P&C positions (5.0e10 CNY) against a company of 1.0e11 CNY: 50%
    _, rows = data_page.apply_upload(current, env, company=[("c.toml", TOTAL_50)])
    assert data_page.pending_codes(rows) == [SUM_UNUSUAL.code]
    assert rows[0]["file"] == "pc.csv"
    # kept company, holdings in 亿元: refused
    _, rows = data_page.apply_upload(current, env, holdings=("yi.csv", in_yi(HOLDINGS)))
    assert rows and not data_page.pending_codes(rows) and "亿元" in rows[0]["message"]


def test_sum_outside_60_to_120_percent_stops_with_its_code(env: Any) -> None:
    files = (("pc.csv", HOLDINGS), [("company.toml", TOTAL_50)])
    inputs, rows = data_page.apply_upload(None, env, *files)
    assert inputs is None
    assert data_page.pending_codes(rows) == [SUM_UNUSUAL.code]
    assert "50.0%" in rows[0]["message"] and "50.0%" in rows[0]["message_zh"]
    assert rows[0]["message"].startswith(f"[{SUM_UNUSUAL.code}]")
    panel = repr(data_page.errors_table(rows, "zh"))
    assert "我已核对，接受这些警告" in panel and "持仓合计" in panel
    assert "I have checked these" in repr(data_page.errors_table(rows, "en"))
    # accepted: loaded, and the accepted warning recorded with its messages
    inputs, rows = data_page.apply_upload(None, env, *files, accept={SUM_UNUSUAL.code})
    assert rows == [] and inputs is not None
    (acc,) = inputs["source"]["accepted_warnings"]
    assert acc["code"] == SUM_UNUSUAL.code and "50.0%" in acc["message_zh"]
    text = data_page.current_text(inputs, env, "zh")
    assert SUM_UNUSUAL.code in text and "已接受的警告" in text
    # accepting another code does not help
    _, rows = data_page.apply_upload(None, env, *files, accept={"holdings.other"})
    assert data_page.pending_codes(rows) == [SUM_UNUSUAL.code]


def test_accepted_warnings_are_saved_with_the_scenario(env: Any) -> None:
    files = (("pc.csv", HOLDINGS), [("company.toml", TOTAL_50)])
    inputs, _ = data_page.apply_upload(None, env, *files, accept={SUM_UNUSUAL.code})
    sid = data_page.save_inputs(env.store, "half", state.validated_inputs(inputs), "tester")
    loaded = data_page.scenario_inputs(env.store, sid)
    assert [w["code"] for w in data_page.accepted_warnings(loaded)] == [SUM_UNUSUAL.code]
    assert SUM_UNUSUAL.code in data_page.current_text(loaded, env, "en")
    # a new company file: the cross-file warning is checked again (none: 83%)
    again, rows = data_page.apply_upload(
        loaded, env, company=[("company.toml", (PC / "company.toml").read_bytes())]
    )
    assert rows == [] and data_page.accepted_warnings(again) == []


def test_problem_rows_in_chinese(env: Any) -> None:
    _, rows = data_page.apply_upload(None, env, holdings=("yi.csv", in_yi(HOLDINGS)))
    zh = repr(data_page.errors_table(rows, "zh"))
    assert "持仓合计" in zh and "the positions add up" not in zh


def test_reader_notes_are_kept_for_the_notice(env: Any) -> None:
    inputs, rows = data_page.apply_upload(
        None,
        env,
        ("memo.csv", with_unnamed_column(HOLDINGS)),
        [("company.toml", (PC / "company.toml").read_bytes())],
    )
    assert rows == []
    (note,) = inputs["source"]["notes"]
    assert "unnamed" in note["en"].lower() and note["zh"]


# -- the callbacks through the server (signed record of the warnings shown) ------------------
def _upload(client: Any, app: Any, dash_call: Any, callback_id: Any, company: bytes) -> Any:
    key = callback_id(app, ids.DATA_ERRORS)
    return dash_call(
        client,
        app,
        key,
        [data_url(HOLDINGS), [data_url(company)]],
        ["pc.csv", ["company.toml"], None, "zh"],
    ).get_json()


def _accept_key(app: Any) -> str:
    for key, spec in app.callback_map.items():
        if spec["inputs"] and spec["inputs"][0]["id"] == data_page.DATA_ACCEPT:
            return key
    raise KeyError(data_page.DATA_ACCEPT)


def _accept(client: Any, app: Any, dash_call: Any, company: bytes, token: Any) -> Any:
    return dash_call(
        client,
        app,
        _accept_key(app),
        [["accept"]],
        [data_url(HOLDINGS), "pc.csv", [data_url(company)], ["company.toml"], None, "zh", token]
        + [None] * 5,
    )


def test_warning_shown_then_accepted_through_the_server(
    app: Any, dash_call: Any, callback_id: Any
) -> None:
    client = app.server.test_client()
    body = _upload(client, app, dash_call, callback_id, TOTAL_50)
    assert ids.CURRENT_SCENARIO not in body["response"]  # nothing loaded
    shown = repr(body["response"][ids.DATA_ERRORS])
    assert SUM_UNUSUAL.code in shown and "我已核对" in shown and "持仓合计" in shown
    token = body["sideUpdate"][data_page.DATA_PENDING]["data"]
    assert token
    # forged, or for other files: nothing happens
    for bad_token, company in (("forged", TOTAL_50), (token, TOTAL_50.replace(b"1.0e11", b"9e10"))):
        resp = _accept(client, app, dash_call, company, bad_token)
        assert resp.status_code == 204 or ids.CURRENT_SCENARIO not in resp.get_json().get(
            "response", {}
        )
    resp = _accept(client, app, dash_call, TOTAL_50, token).get_json()
    inputs = open_token(app, ids.CURRENT_SCENARIO, resp["response"][ids.CURRENT_SCENARIO]["data"])
    assert [w["code"] for w in inputs["source"]["accepted_warnings"]] == [SUM_UNUSUAL.code]
    assert resp["sideUpdate"][ids.NOTICE_STORE]["data"]["key"] == "data.loaded"
    accepted = resp["sideUpdate"][ids.NOTICE_STORE]["data"]["params"]["accepted"]
    assert SUM_UNUSUAL.code in accepted["zh"]


def test_another_users_token_accepts_nothing(
    login_settings: Any, log_in: Any, dash_call: Any, callback_id: Any
) -> None:
    app = create_app(login_settings)
    risk = app.server.test_client()
    log_in(risk, "risk")
    token = _upload(risk, app, dash_call, callback_id, TOTAL_50)["sideUpdate"][
        data_page.DATA_PENDING
    ]["data"]
    manager = app.server.test_client()
    log_in(manager, "manager")
    resp = _accept(manager, app, dash_call, TOTAL_50, token)
    assert resp.status_code == 204 or ids.CURRENT_SCENARIO not in resp.get_json().get(
        "response", {}
    )


# -- assumptions: the reader's warnings stop the upload as well ------------------------------
def high_return() -> bytes:
    """The bundled assumptions with government bonds at 40% a year (warned above 30%)."""
    lines = (REPO_DATA_DIR / "assumptions.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    i = header.index("expected_return")
    for k, ln in enumerate(lines):
        if ln.startswith("government_bond,"):
            cells = ln.split(",")
            cells[i] = "0.4"
            lines[k] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_assumptions_warning_stops_until_accepted(env: Any) -> None:
    files = [("a.csv", high_return())]
    inputs, rows = data_page.apply_upload(None, env, assumptions=files)
    assert inputs is None and data_page.pending_codes(rows) == ["assumptions.return_high"]
    assert rows[0]["file"] == "a.csv" and rows[0]["column"] == "expected_return"
    inputs, rows = data_page.apply_upload(
        None, env, assumptions=files, accept={"assumptions.return_high"}
    )
    assert rows == []
    (acc,) = data_page.accepted_warnings(inputs)
    assert acc["role"] == "assumptions" and acc["code"] == "assumptions.return_high"
    by_class = dict(
        zip(inputs["assumptions"]["classes"], inputs["assumptions"]["expected_return"], strict=True)
    )
    assert by_class["government_bond"] == pytest.approx(0.4)


def test_assumptions_warning_accepted_through_the_server(
    app: Any, dash_call: Any, callback_id: Any
) -> None:
    client = app.server.test_client()
    key = next(
        k
        for k, spec in app.callback_map.items()
        if spec["inputs"] and spec["inputs"][0]["id"] == ids.DATA_ASSUMPTIONS_UPLOAD
    )
    contents = [data_url(high_return())]
    body = dash_call(client, app, key, [contents, []], [["a.csv"], None, "en", None]).get_json()
    assert "assumptions.return_high" in repr(body["response"][ids.DATA_ERRORS])
    token = body["sideUpdate"][data_page.DATA_PENDING]["data"]
    state_ = [None, None, None, None, None, "en", token, contents, ["a.csv"], [], None, None]
    resp = dash_call(client, app, _accept_key(app), [["accept"]], state_).get_json()
    inputs = open_token(app, ids.CURRENT_SCENARIO, resp["response"][ids.CURRENT_SCENARIO]["data"])
    assert [w["code"] for w in data_page.accepted_warnings(inputs)] == ["assumptions.return_high"]
    # the same token does not accept the holdings/company upload's warnings
    resp = _accept(client, app, dash_call, TOTAL_50, token)
    assert resp.status_code == 204 or ids.CURRENT_SCENARIO not in resp.get_json().get(
        "response", {}
    )
