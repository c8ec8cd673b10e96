from __future__ import annotations

import pytest

from tests.monitoring.conftest import signed_in  # noqa: F401 - a fixture of these tests too
from tests.reports.world import build_world


@pytest.fixture
def world(app):
    return build_world()
