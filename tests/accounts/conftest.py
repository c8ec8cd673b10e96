"""An app behind one trusted reverse proxy, and helpers for sign-in attempts from chosen
client addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import CheckedClient, make_test_config
from tests.two_factor import CODE_PAGE, code_for
from webapp import create_app
from webapp import db as database
from webapp.accounts.models import LoginThrottle
from webapp.audit.models import AuditEvent


@pytest.fixture
def app_behind_one_proxy(app):
    """The same database as `app`, served as behind one proxy (CAF_TRUSTED_PROXIES=1)."""
    proxied = create_app({**make_test_config(app.config["DATABASE_URL"]), "TRUSTED_PROXIES": 1})
    proxied.test_client_class = CheckedClient
    yield proxied
    database.engine_for(proxied).dispose()


def attempt(client, email: str, password: str, *, address=None, forwarded_for=None, **kwargs):
    """One sign-in attempt, from `address` (the connecting peer) and with an
    X-Forwarded-For header if given: the password, and if it is right, a code from the
    app."""
    headers = {"Referer": "https://localhost/"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    if address is not None:
        kwargs["environ_base"] = {"REMOTE_ADDR": address}
    response = client.post_form(
        "/sign-in", {"email": email, "password": password}, headers=headers, **kwargs
    )
    if response.status_code == 302 and response.headers["Location"] == CODE_PAGE:
        # The password was right: the person enters the code from their app, from the same
        # place; the answer to that is the answer to their attempt.
        response = client.post_form(
            CODE_PAGE, {"code": code_for(email)}, headers=dict(headers), **kwargs
        )
    return response


def error_summary(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".govuk-error-summary__list li")]


def time_passes(delta: timedelta) -> None:
    """Move every failed-sign-in record back by `delta`, as if that long had gone by."""
    for throttle in database.session.scalars(select(LoginThrottle)):
        throttle.first_failure_at -= delta
        if throttle.locked_until is not None:
            throttle.locked_until -= delta
    database.session.commit()


def audited(action: str) -> list[AuditEvent]:
    return list(
        database.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )
