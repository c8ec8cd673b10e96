"""A real browser: the manager deciding on closure reads the request, the closure form, the
last review and the team above the decision, at a desktop width and at a phone's; axe-core
finds nothing."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import no_sideways_scroll, sign_in
from tests.conftest import CheckedClient
from tests.episodes.journey import CLOSURE, REVIEW, Person
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


@pytest.fixture
def requested(live_app):
    """An episode whose lead professional has reviewed the plan, written the closure form
    and requested closure, each through the app's pages."""
    live_app.test_client_class = CheckedClient
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        lead = make_user(school, email="lead@riverside.example")
        manager = make_user(school, Role.MANAGER, email="manager@riverside.example")
        episode = make_episode(
            make_child(riverside, given_names="Maya", family_name="Example"),
            lead,
            state="delivering",
            lead_professional=lead,
        )
        make_consent(episode, lead)
        db.session.commit()
        person = Person(live_app.test_client(), lead)
        person.complete_form(episode.id, "review", REVIEW)
        person.complete_form(episode.id, "closure", CLOSURE)
        assert person.step(episode.id, "request_closure").state == "closure_requested"
        return {"manager": manager.email, "id": episode.id}


@pytest.mark.parametrize("width", [1280, 320])
def test_the_manager_sees_what_is_being_closed(page, live_server, requested, width, artifacts):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, requested["manager"])
    page.goto(f"{live_server}/episodes/{requested['id']}/steps/approve_closure")
    shown = page.locator("#closure-to-decide")
    assert "Attendance is back to 97%." in shown.inner_text()
    assert "Review 1" in shown.inner_text()
    assert shown.bounding_box()["y"] < page.locator("#decision-heading").bounding_box()["y"]
    assert no_sideways_scroll(page)
    assert_no_axe_violations(page, "closure decision")
    page.screenshot(path=str(artifacts / f"closure-decision-{width}.png"), full_page=True)
