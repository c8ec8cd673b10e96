"""Fixtures for the form page tests: a signed-in assessor on an assessment in progress."""

import re

import pytest

from tests.assessments.helpers import make_world
from tests.conftest import sign_in
from webapp import db
from webapp.assessments import services


class Pages:
    """Paths and form posts for one response, as a browser would make them."""

    def __init__(self, client, world, response):
        self.client, self.world, self.response = client, world, response
        self.base = f"/episodes/{world['episode'].id}/forms/{response.id}"

    def section(self, section_id: str) -> str:
        return f"{self.base}/sections/{section_id}"

    def version_of(self, section_id: str) -> str:
        html = self.client.get(self.section(section_id)).get_data(as_text=True)
        return re.search(r'name="section_version"[^>]*value="(\d+)"', html).group(1)

    def save(self, section_id: str, data: dict, version: str | None = None, **kwargs):
        form = {"section_version": self.version_of(section_id) if version is None else version}
        form.update(data)
        return self.client.post_form(self.section(section_id), form, **kwargs)


@pytest.fixture
def national_world(app):
    """A borough with no overlay, so the national form is used as it is."""
    return make_world("eastmoor")


@pytest.fixture
def national(client, national_world):
    response = services.start_response(
        db.session, national_world["episode"], "assessment", national_world["assessor"]
    )
    db.session.commit()
    sign_in(client, national_world["assessor"])
    return Pages(client, national_world, response)


@pytest.fixture
def riverside(client, app):
    world = make_world("riverside")
    response = services.start_response(
        db.session, world["episode"], "assessment", world["assessor"]
    )
    db.session.commit()
    sign_in(client, world["assessor"])
    return Pages(client, world, response)
