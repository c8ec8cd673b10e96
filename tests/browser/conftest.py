"""A live server on a free port and Debian's Chromium driven by Playwright.

Without /usr/bin/chromium these tests are skipped, except in CI (CI=true), where a missing
browser is a failure."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import _fresh_database_url, make_test_config
from tests.two_factor import forget_browser_steps
from webapp import create_app
from webapp import db as database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def live_app(migrated_template, tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path / "instance"))
    config = make_test_config(_fresh_database_url(migrated_template, tmp_path))
    del config["SERVER_NAME"]
    app = create_app(config)
    yield app
    database.engine_for(app).dispose()


def closed_once_written(app):
    """`app`, whose responses are closed as soon as their last byte is written, as a
    production WSGI server does. Werkzeug's server first reads whatever else the client sent
    on the connection, until it closes it: Chromium's stray bytes after a form's body held
    that read, and with it the e-mail a response delivers when it is closed, for as long as
    the browser kept the connection open."""

    def wrapped(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return wrapped


@pytest.fixture
def live_server(live_app):
    forget_browser_steps()  # a new database: no code has been used yet
    server = make_server("127.0.0.1", 0, closed_once_written(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
