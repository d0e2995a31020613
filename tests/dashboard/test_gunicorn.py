"""Production serving: gunicorn with two workers on a loopback port (started and stopped here)."""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError("gunicorn did not answer /health in time")


def test_gunicorn_two_workers_serve_the_app_with_login(
    tmp_path: Path, free_port: int, users_file: Path, accounts: Any
) -> None:
    pytest.importorskip("gunicorn")
    env = {
        **os.environ,
        "HOME": str(tmp_path),  # the default secret-key file lands here, shared by workers
        "ANALYZER_DB_URL": f"sqlite:///{tmp_path / 'analyzer.db'}",
        "ANALYZER_CACHE_DIR": str(tmp_path / "callbacks"),
        "ANALYZER_USERS_FILE": str(users_file),
        "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    for name in ("ANALYZER_SECRET_KEY", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    log = tmp_path / "gunicorn.log"
    base = f"http://127.0.0.1:{free_port}"
    with open(log, "wb") as log_fh:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{free_port}",
                "--timeout",
                "60",
                "dashboard.wsgi:server",
            ],
            cwd=REPO,
            env=env,
            stdout=log_fh,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(base, proc)
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

            # not logged in: the app redirects to the login page
            with opener.open(f"{base}/") as response:
                assert response.status == 200 and response.url.startswith(f"{base}/login")

            name, password = accounts["risk_officer"]
            form = urllib.parse.urlencode({"username": name, "password": password}).encode()
            with opener.open(f"{base}/login", data=form) as response:
                assert response.status == 200 and response.url == f"{base}/"

            # the session cookie must be valid on both workers (shared secret key)
            for _ in range(12):
                with opener.open(f"{base}/") as response:
                    assert response.status == 200 and response.url == f"{base}/"
                with opener.open(f"{base}/_dash-layout") as response:
                    assert response.status == 200
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert text.count("Booting worker") >= 2, text
    assert (tmp_path / ".local" / "share" / "analyzer" / "secret_key").is_file()
