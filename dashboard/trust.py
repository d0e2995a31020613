"""What the browser holds is signed by the server; nothing it sends back is used unchecked.

The current scenario (``ids.CURRENT_SCENARIO``) and the proposed allocation
(``ids.PROPOSED_WEIGHTS``) live in the browser's session storage, so that every page and every
gunicorn worker sees them without server-side session state. The browser holds them only as
**opaque signed tokens** (``itsdangerous``, HMAC-SHA1 with the app's secret key, zlib
compressed): the callbacks themselves never see a token.

* Every callback *response* that writes one of these stores is rewritten here: the value the
  callback returned is sealed into a token bound to the user (name and role) and to the store.
  A proposal is also bound to the scenario it was made for (a hash of its holdings and
  company).
* Every callback *request* is rewritten before Dash dispatches it: each token is verified and
  replaced by its value. A token that was forged, edited, issued to another user or role, or
  for the other store is refused: the callback does not run, a notice says so, and the
  browser's copy is cleared (the tab is back to the start-up data). A proposal made for
  another scenario (e.g. before new holdings were uploaded) is dropped, so it can never be
  shown or saved with the wrong holdings.

Values the server seals were themselves validated when they were produced (uploads by the core
readers, proposals by the lab's weight checks, saved scenarios when saved and when loaded);
what is saved is validated once more (`dashboard.state.validated_inputs`).

Why signing rather than a server-side store keyed by session: it needs no shared mutable state
between workers and no clean-up, and background callbacks (run in another process) get plain
values like every other callback; the token check is one choke point that no callback can
forget.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import flask
from itsdangerous import BadSignature, URLSafeSerializer

from dashboard import ids

#: store id -> kind written into its tokens
SIGNED_STORES: dict[str, str] = {
    ids.CURRENT_SCENARIO: "scenario",
    ids.PROPOSED_WEIGHTS: "proposal",
}
SALT = "analyzer.client-state.v1"
_G_SCENARIO = "analyzer_incoming_scenario"
_NEEDLES = tuple(f'"{k}'.encode() for k in SIGNED_STORES)


class Untrusted(Exception):
    """A token the server did not issue for this user and store."""


def _serializer(server: flask.Flask) -> URLSafeSerializer:
    key = server.secret_key
    if not key:
        raise RuntimeError("the app has no secret key")
    return URLSafeSerializer(key, salt=SALT)


def scenario_hash(scenario: Any) -> str:
    """What a proposal belongs to: the holdings and company of the scenario ("startup" for the
    start-up files, whatever their regime)."""
    if not (isinstance(scenario, dict) and scenario.get("holdings") and scenario.get("company")):
        return "startup"
    doc = {"holdings": scenario["holdings"], "company": scenario["company"]}
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _who() -> list[str]:
    from dashboard import auth

    user = auth.current_user()
    return [user.name, user.role] if user is not None else ["", ""]


def seal(
    server: flask.Flask,
    store_id: str,
    value: Any,
    who: list[str],
    scenario: Any = None,
) -> str | None:
    """The token the browser keeps for ``value`` (None stays None: nothing to protect)."""
    if value is None:
        return None
    kind = SIGNED_STORES[store_id]
    doc: dict[str, Any] = {"k": kind, "u": who, "v": value}
    if kind == "proposal":
        doc["h"] = scenario_hash(scenario)
    return _serializer(server).dumps(doc)


def unseal(server: flask.Flask, store_id: str, token: Any, who: list[str]) -> tuple[Any, str]:
    """(value, scenario hash of a proposal) of a token; raises `Untrusted`."""
    if token is None:
        return None, ""
    if not isinstance(token, str):
        raise Untrusted("not a token")
    try:
        doc = _serializer(server).loads(token)
    except BadSignature as exc:
        raise Untrusted("bad signature") from exc
    if not isinstance(doc, dict) or doc.get("k") != SIGNED_STORES[store_id]:
        raise Untrusted("token of another store")
    if doc.get("u") != who:
        raise Untrusted("token of another user or role")
    return doc.get("v"), str(doc.get("h", ""))


# -- request / response rewriting --------------------------------------------------------
def _entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key in ("inputs", "state"):
        for item in body.get(key) or []:
            for entry in item if isinstance(item, list) else [item]:
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("id"), str)
                    and entry["id"] in SIGNED_STORES
                    and entry.get("property") == "data"
                ):
                    out.append(entry)
    return out


def _refusal(present: set[str]) -> flask.Response:
    from dashboard.notices import payload

    side: dict[str, Any] = {ids.NOTICE_STORE: {"data": payload("notice.untrusted", "warning")}}
    for store_id in present:
        side[store_id] = {"data": None}
    body = {"multi": True, "response": {}, "sideUpdate": side}
    return flask.Response(json.dumps(body), status=200, mimetype="application/json")


def open_request() -> Any:
    """``before_request``: replace each token of the callback request by its verified value."""
    if not flask.request.path.endswith("/_dash-update-component"):
        return None
    if flask.request.method != "POST":
        return None
    body = flask.request.get_json(silent=True)  # cached: Dash's dispatch reads this object
    if not isinstance(body, dict):
        return None
    entries = _entries(body)
    if not entries:
        return None
    server = flask.current_app
    who = _who()
    scenario: Any = None
    have_scenario = False
    proposals: list[tuple[dict[str, Any], str]] = []
    try:
        for entry in entries:
            value, made_for = unseal(server, entry["id"], entry.get("value"), who)
            entry["value"] = value
            if entry["id"] == ids.CURRENT_SCENARIO:
                scenario, have_scenario = value, True
            elif value is not None:
                proposals.append((entry, made_for))
    except Untrusted:
        return _refusal({e["id"] for e in entries})
    if have_scenario:
        flask.g.setdefault(_G_SCENARIO, scenario)
        current = scenario_hash(scenario)
        for entry, made_for in proposals:
            if made_for != current:  # a proposal for other holdings: never use it
                entry["value"] = None
    return None


def _base_id(key: str) -> str:
    return key.split("@", 1)[0]


def seal_response(response: flask.Response) -> flask.Response:
    """``after_request``: seal every value a callback writes to a signed store."""
    if not flask.request.path.endswith("/_dash-update-component"):
        return response
    if response.status_code != 200 or not response.is_json or response.direct_passthrough:
        return response
    raw = response.get_data()
    if not any(n in raw for n in _NEEDLES):
        return response
    body = json.loads(raw)
    if not isinstance(body, dict):
        return response
    outputs = [body.get("response"), body.get("sideUpdate")]
    targets: list[tuple[dict[str, Any], str]] = [
        (out[key], _base_id(key))
        for out in outputs
        if isinstance(out, dict)
        for key in out
        if _base_id(key) in SIGNED_STORES and isinstance(out[key], dict) and "data" in out[key]
    ]
    if not targets:
        return response
    server = flask.current_app
    who = _who()
    scenario = flask.g.get(_G_SCENARIO)
    for props, store_id in targets:
        if store_id == ids.CURRENT_SCENARIO:
            scenario = props["data"]  # a proposal written with it belongs to the new one
    for props, store_id in targets:
        props["data"] = seal(server, store_id, props["data"], who, scenario)
    response.set_data(json.dumps(body))
    return response


def install(app: Any) -> None:
    """Add the request and response hooks (after `dashboard.auth.install`)."""
    server: flask.Flask = app.server
    server.before_request(open_request)
    server.after_request(seal_response)
