"""Fixtures: an app on a freshly migrated database (SQLite, or PostgreSQL when
CAF_TEST_DATABASE_URL is set), and a test client that checks every page it fetches."""

from __future__ import annotations

import contextvars
import os
import re
import shutil
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from webapp import create_app
from webapp import db as database
from webapp.migrations import runner

POSTGRES_URL = os.environ.get("CAF_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Migrate once per run: a SQLite file to copy, or the PostgreSQL test database."""
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        runner.upgrade(engine)
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = database.make_engine(f"sqlite:///{path}")
    runner.upgrade(engine)
    engine.dispose()
    return path


def _fresh_database_url(migrated_template, tmp_path) -> str:
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            tables = connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).scalars()
            quoted = ", ".join(f'"{table}"' for table in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path / "ecaf.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole run: each test's app would compile them again."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedBytecodeCache()


def make_test_config(database_url: str) -> dict:
    return {
        "TEMPLATE_BYTECODE_CACHE": TEMPLATE_CACHE,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "ARGON2_PROFILE": "fast",
        "SERVER_NAME": "localhost",
        "PREFERRED_URL_SCHEME": "https",
        # A test reads a report again after changing what it counts.
        "REPORTS_CACHE_SECONDS": 0,
    }


@pytest.fixture
def app_config() -> dict:
    """More configuration for the app under test: a module overrides this fixture (to run
    the app on workflow definitions of its own, say)."""
    return {}


@pytest.fixture
def app(migrated_template, tmp_path, monkeypatch, app_config):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path / "instance"))
    config = make_test_config(_fresh_database_url(migrated_template, tmp_path))
    app = create_app({**config, **app_config})
    app.test_client_class = CheckedClient
    with app.app_context():
        yield app
        database.session.rollback()
    database.engine_for(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def other_client(app):
    return app.test_client()


@pytest.fixture
def runner_cli(app):
    return app.test_cli_runner()


class CheckedClient(FlaskClient):
    """Every HTML page fetched is checked: a title, one h1, unique ids, no stack trace,
    and an error summary only with an "Error: " title (the GOV.UK pattern)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        # As a WSGI server does, read the whole response and close it: what the app does
        # once its response has gone (sending the e-mail it queued) happens before we look.
        kwargs.setdefault("buffered", True)
        # The test's own session (in the fixture's app context) ends its transaction, so the
        # request sees its data and no lock is held; the request runs in an empty context so
        # that, as in production, it gets its own app context, `g` and database session.
        database.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        database.session.expire_all()
        if response.mimetype == "text/html" and response.status_code != 302:
            check_page(response.get_data(as_text=True))
        return response

    def csrf_token(self, path: str = "/sign-in") -> str:
        page = self.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_form(
        self, path: str, data: dict | None = None, token_from: str | None = None, **kwargs
    ):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(token_from or path))
        # Browsers send a same-origin Referer, which CSRF protection checks over HTTPS.
        kwargs.setdefault("headers", {}).setdefault("Referer", "https://localhost/")
        return self.post(path, data=data, **kwargs)


def check_page(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else ""
    assert title, "page has no <title>"
    assert "Traceback" not in html, "a stack trace reached the page"
    assert len(soup.find_all("h1")) == 1, f"page '{title}' must have exactly one h1"
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [element_id for element_id, count in ids.items() if count > 1]
    assert not duplicates, f"duplicate ids on '{title}': {duplicates}"
    if soup.select_one(".govuk-error-summary"):
        assert title.startswith("Error: "), f"error page title must start 'Error: ': {title}"
    assert soup.select_one("a.govuk-skip-link[href='#main-content']"), "no skip link"
    assert soup.select_one("main#main-content"), "no main landmark"


def sign_in(client, user, password: str | None = None):
    """Sign in as a person does: the password, then a code from their authenticator app."""
    from tests.factories import PASSWORD
    from tests.two_factor import pass_second_step

    response = client.post_form("/sign-in", {"email": user.email, "password": password or PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    response = pass_second_step(client, response, user.email)
    assert response.status_code == 302, "the second step of signing in failed"
    return response


@pytest.fixture
def mail_server(app):
    """A real SMTP server (aiosmtpd) on a free port, which the app sends its e-mail to."""
    from tests.mailbox import SmtpServer

    server = SmtpServer()
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TLS="none")
    yield server
    server.stop()
