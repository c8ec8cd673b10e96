"""A real browser on the episode page: the person's next step is the green button near the
top, the safeguarding route stays after it, and taking a step ends on a green success
banner. axe-core finds nothing, at a desktop width and at a phone's."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import no_sideways_scroll, sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.boroughs.models import Sector

GREEN = "rgb(15, 122, 82)"  # GOV.UK Frontend 6's primary button


@pytest.fixture
def episodes(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        assessor = make_user(school, email="alex@riverside.example")
        new = make_episode(make_child(riverside), assessor, state="identified")
        consented = make_episode(make_child(riverside), assessor, state="identified")
        make_consent(consented, assessor)
        db.session.commit()
        return {"assessor": assessor.email, "new": new.id, "consented": consented.id}


@pytest.mark.parametrize("width", [1280, 320])
def test_the_next_step_is_the_green_button_and_a_step_taken_is_confirmed_in_green(
    page, live_server, episodes, width, artifacts
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, episodes["assessor"])

    page.goto(f"{live_server}/episodes/{episodes['new']}")
    button = page.locator("#next-step-button")
    assert button.inner_text() == "Record the family's consent"
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == GREEN
    refer = page.get_by_role("link", name="Refer to children's social care")
    assert refer.is_visible()
    assert button.bounding_box()["y"] < refer.bounding_box()["y"]
    assert no_sideways_scroll(page)
    assert_no_axe_violations(page, "new episode")
    page.screenshot(path=str(artifacts / f"episode-next-step-{width}.png"), full_page=True)
    button.click()
    page.wait_for_url(f"{live_server}/episodes/{episodes['new']}/consent/new")

    # Starting the assessment asks nothing more: the green button takes the step itself.
    page.goto(f"{live_server}/episodes/{episodes['consented']}")
    button = page.locator("#next-step-button")
    assert button.inner_text() == "Start the assessment"
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == GREEN
    with page.expect_navigation():
        button.click()
    page.wait_for_url(f"{live_server}/episodes/{episodes['consented']}")
    banner = page.locator(".govuk-notification-banner")
    assert "govuk-notification-banner--success" in banner.get_attribute("class")
    assert banner.get_attribute("role") == "alert"
    assert "The assessment has started" in banner.inner_text()
    assert page.locator("#next-step-button").inner_text() == "Continue the assessment"
    assert no_sideways_scroll(page)
    assert_no_axe_violations(page, "episode after starting the assessment")
    page.screenshot(path=str(artifacts / f"episode-step-done-{width}.png"), full_page=True)
