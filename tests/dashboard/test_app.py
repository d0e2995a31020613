"""The app factory, served through Flask's test client (no browser)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dashboard import ids, pages
from dashboard.app import create_app
from dashboard.settings import Settings


def test_index_layout_and_health(settings: Settings) -> None:
    app = create_app(settings)
    client = app.server.test_client()
    index = client.get("/")
    assert index.status_code == 200 and "偿二代资本与资产配置分析" in index.text
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-dependencies").status_code == 200
    assert client.get("/health").text == "OK"
    for page in pages.PAGES:  # deep links serve the app too
        assert client.get(page.path).status_code == 200


def test_two_apps_in_one_process_both_answer_callbacks(
    make_settings: Any, tmp_path: Path, dash_call: Any, callback_id: Any
) -> None:
    first = create_app(make_settings())
    second = create_app(make_settings(lang="en", db_url=f"sqlite:///{tmp_path / 'b.db'}"))
    for app, lang, brand in ((first, "zh", "偿二代"), (second, "en", "C-ROSS II")):
        client = app.server.test_client()
        assert client.get("/").status_code == 200
        shell = callback_id(app, ids.BRAND)
        response = dash_call(client, app, shell, [lang])
        assert response.status_code == 200, response.text
        assert brand in response.get_json()["response"][ids.BRAND]["children"]
    assert first.server.extensions["analyzer_env"] is not second.server.extensions["analyzer_env"]


def test_each_app_s_callbacks_use_the_env_they_were_registered_with(
    make_settings: Any, tmp_path: Path, dash_call: Any, callback_id: Any
) -> None:
    """Two apps on different start-up files: each one's Data page names its own holdings."""
    data = Path(__file__).resolve().parents[2] / "data"
    life = create_app(make_settings())
    pc = create_app(
        make_settings(db_url=f"sqlite:///{tmp_path / 'pc.db'}"),
        holdings_path=data / "pc" / "holdings.csv",
        company_path=data / "pc" / "company.toml",
    )
    for app, own, other in ((life, "life", "pc"), (pc, "pc", "life")):
        client = app.server.test_client()
        text = dash_call(client, app, callback_id(app, ids.DATA_CURRENT), [None, "en"]).text
        assert f"{own}/holdings.csv" in text and f"{other}/holdings.csv" not in text


def test_no_page_reaches_for_a_global_env() -> None:
    """Callbacks are closed over the `AppEnv` given to ``register(app, env)`` (`with_env`):
    no page, nor the shell, looks the env up from the request's app."""
    root = Path(__file__).resolve().parents[2] / "dashboard"
    files = [root / "app.py", *sorted((root / "pages").glob("*.py"))]
    assert [f.name for f in files if "app_env(" in f.read_text(encoding="utf-8")] == []


@pytest.mark.parametrize("page", pages.PAGES, ids=lambda p: p.key)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_router_renders_each_page_with_its_title(
    settings: Settings, dash_call: Any, callback_id: Any, page: Any, lang: str
) -> None:
    from dashboard.i18n import t

    app = create_app(settings)
    client = app.server.test_client()
    router = callback_id(app, ids.PAGE)
    response = dash_call(client, app, router, [page.path, lang], ["", "yi"])
    assert response.status_code == 200, response.text
    out = response.get_json()["response"]
    assert t(page.title_key, lang) in response.text
    assert out[ids.NAV_LINKS[page.key]]["className"] == "nav-link active"
    others = [p for p in pages.PAGES if p.key != page.key]
    assert all(out[ids.NAV_LINKS[p.key]]["className"] == "nav-link" for p in others)


def test_unknown_path_shows_not_found(settings: Settings, dash_call: Any, callback_id: Any) -> None:
    app = create_app(settings)
    client = app.server.test_client()
    response = dash_call(client, app, callback_id(app, ids.PAGE), ["/nope", "en"], ["", "yi"])
    assert "Page not found: /nope" in json.dumps(response.get_json())


def test_missing_sample_data_is_announced_not_fatal(
    make_settings: Any, tmp_path: Path, dash_call: Any, callback_id: Any
) -> None:
    app = create_app(
        make_settings(), holdings_path=tmp_path / "none.csv", company_path=tmp_path / "c.toml"
    )
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    text = dash_call(client, app, callback_id(app, ids.DATA_STATUS), ["zh"]).text
    assert "未找到示例数据文件" in text and "none.csv" in text and "c.toml" in text
    text_en = dash_call(client, app, callback_id(app, ids.DATA_STATUS), ["en"]).text
    assert "Sample data not found" in text_en


def test_present_data_gives_no_banner(
    make_settings: Any, tmp_path: Path, dash_call: Any, callback_id: Any
) -> None:
    holdings, company = tmp_path / "h.csv", tmp_path / "c.toml"
    holdings.write_text("id\n", encoding="utf-8")
    company.write_text("", encoding="utf-8")
    app = create_app(make_settings(), holdings_path=holdings, company_path=company)
    client = app.server.test_client()
    out = dash_call(client, app, callback_id(app, ids.DATA_STATUS), ["zh"]).get_json()
    assert out["response"][ids.DATA_STATUS]["children"] is None


def test_default_data_files_are_the_bundled_life_sample(settings: Settings) -> None:
    env = create_app(settings).server.extensions["analyzer_env"]
    assert env.holdings_path.parts[-3:] == ("samples", "life", "holdings.csv")
    assert env.company_path.parts[-3:] == ("samples", "life", "company.toml")
    assert env.display_path(env.holdings_path) == "data/life/holdings.csv"


def test_oversized_requests_are_refused(make_settings: Any) -> None:
    app = create_app(make_settings(max_upload_mb=0.01))
    client = app.server.test_client()
    big = b"x" * (app.server.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/_dash-update-component", data=big, content_type="application/json")
    assert response.status_code == 413


def test_background_manager_uses_the_shared_cache_dir(settings: Settings) -> None:
    app = create_app(settings)
    manager = app._background_manager
    assert manager is not None
    assert Path(manager.handle.directory) == settings.cache_dir
    assert settings.cache_dir.is_dir()


def test_secret_key_defaults_to_a_shared_file(make_settings: Any) -> None:
    s = make_settings(secret_key=None)
    first, second = create_app(s), create_app(s)
    assert first.server.secret_key == second.server.secret_key
    assert (s.data_dir / "secret_key").is_file()


def test_wsgi_module_builds_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib
    import sys

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ANALYZER_DB_URL", f"sqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setenv("ANALYZER_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("ANALYZER_USERS_FILE", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("dashboard.wsgi", None)
    wsgi = importlib.import_module("dashboard.wsgi")
    try:
        assert wsgi.server is wsgi.app.server
        assert wsgi.server.test_client().get("/").status_code == 200
        assert (tmp_path / "cache").is_dir()
    finally:
        sys.modules.pop("dashboard.wsgi", None)
