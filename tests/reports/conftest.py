from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.reports.world import build_world


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def signed_in(app):
    """A new client signed in as `person`."""

    def client_of(person):
        client = app.test_client()
        sign_in(client, person)
        return client

    return client_of
