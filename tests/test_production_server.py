"""`make run` serves through gunicorn: its settings come from the environment, and a real
gunicorn serves the app, believing a forwarded scheme only from the proxies the app trusts."""

from __future__ import annotations

import http.client
import os
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL
from tests.mailbox import free_port

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def settings(monkeypatch, **environment: str) -> dict:
    for variable in ("CAF_BIND", "CAF_WORKERS", "CAF_THREADS", "CAF_TIMEOUT"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    return runpy.run_path(str(CONFIG))


def test_by_default_it_serves_on_port_5000_with_workers_for_each_core(monkeypatch):
    config = settings(monkeypatch)
    assert config["bind"] == ["127.0.0.1:5000"]
    assert config["workers"] == 2 * len(os.sched_getaffinity(0))
    assert config["threads"] >= 1
    assert config["wsgi_app"] == "webapp:create_app()"


def test_workers_threads_and_address_are_set_by_environment_variables(monkeypatch):
    config = settings(
        monkeypatch, CAF_BIND="0.0.0.0:8000", CAF_WORKERS="3", CAF_THREADS="4", CAF_TIMEOUT="90"
    )
    assert config["bind"] == ["0.0.0.0:8000"]
    assert (config["workers"], config["threads"], config["timeout"]) == (3, 4, 90)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CAF_WORKERS", "four", "CAF_WORKERS must be a whole number, not 'four'"),
        ("CAF_THREADS", "0", "CAF_THREADS must be 1 or more, not 0"),
    ],
)
def test_a_bad_setting_stops_the_server_with_a_message(monkeypatch, variable, value, message):
    with pytest.raises(SystemExit, match=message):
        settings(monkeypatch, **{variable: value})


def test_gunicorn_itself_believes_no_forwarded_header(monkeypatch):
    config = settings(monkeypatch)
    assert config["forwarded_allow_ips"] == ""
    assert config["secure_scheme_headers"] == {}


@pytest.fixture
def served(migrated_template, tmp_path):
    """Start gunicorn on a free port with the app on a migrated database; stop it after."""
    servers: list[subprocess.Popen] = []

    def start(**environment: str) -> int:
        port = free_port()
        database = tmp_path / f"served-{port}.sqlite3"
        if POSTGRES_URL:
            database_url = POSTGRES_URL
        else:
            shutil.copy(migrated_template, database)
            database_url = f"sqlite:///{database}"
        process = subprocess.Popen(  # noqa: S603 - our own server, on the loopback address
            [str(GUNICORN), "--config", str(CONFIG)],
            cwd=ROOT,
            env={
                **os.environ,
                "CAF_BIND": f"127.0.0.1:{port}",
                "CAF_WORKERS": "1",
                "CAF_THREADS": "2",
                "CAF_DATABASE_URL": database_url,
                "CAF_INSTANCE_PATH": str(tmp_path / f"instance-{port}"),
                **environment,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, "gunicorn stopped"
            try:
                get(port, "/sign-in")
                return port
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer within a minute")

    yield start
    for process in servers:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_gunicorn_serves_the_sign_in_page(served):
    port = served()
    response = get(port, "/sign-in")
    assert response.status == 200
    assert "no-store" in response.getheader("Cache-Control")
    assert response.getheader("Strict-Transport-Security") is None  # plain HTTP


def test_a_client_cannot_claim_https_when_no_proxy_is_trusted(served):
    port = served()
    response = get(port, "/sign-in", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"})
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") is None


def test_behind_a_trusted_tls_proxy_the_page_counts_as_https(served):
    port = served(CAF_TRUSTED_PROXIES="1")
    response = get(port, "/sign-in", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"})
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security").startswith("max-age=")
