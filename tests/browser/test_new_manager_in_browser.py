"""In a real browser: a manager whose account is new, in charge of no team, can approve
nothing; the administrator puts them in charge of a team and moves the practitioner into it;
the manager then finds the practitioner's closure request on their home page and approves
it, and signs out everywhere from the list of where they are signed in. axe-core finds
nothing on any of these pages."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.conftest import CheckedClient
from tests.episodes.journey import Person, reload
from tests.factories import PASSWORD, make_borough, make_child, make_organisation, make_user
from tests.two_factor import pass_second_step_in_browser
from tests.useradmin.test_teams_at_work import closure_requested_by
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


@pytest.fixture
def world(live_app):
    with live_app.app_context():
        eastmoor = make_borough("eastmoor", name="Eastmoor Council")
        school = make_organisation(eastmoor, Sector.SCHOOL, name="Eastmoor Primary")
        admin = make_user(school, Role.BOROUGH_ADMIN, email="admin@eastmoor.example")
        practitioner = make_user(school, email="mentor@eastmoor.example")
        practitioner.full_name = "Pat Mentor"
        manager = make_user(school, Role.MANAGER, email="robin@eastmoor.example")
        manager.full_name = "Robin Reyes"
        manager.team_id = None  # a new manager, in charge of no team yet
        borough = {"school": school, "child": make_child(eastmoor)}
        db.session.commit()
        live_app.test_client_class = CheckedClient
        episode_id = closure_requested_by(Person(live_app.test_client(), practitioner), borough)
        return {
            "admin": admin.email,
            "manager": manager.email,
            "episode_id": episode_id,
            "reference": reload(episode_id).reference,
        }


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")


def test_a_new_manager_put_in_charge_of_a_team_approves_a_closure(
    page, live_server, live_app, world, artifacts
):
    sign_in(page, live_server, world["manager"])
    assert "You are not in charge of a team" in page.inner_text("main")
    assert world["reference"] not in page.inner_text("main")
    assert_no_axe_violations(page, "home of a manager with no team")

    sign_in(page, live_server, world["admin"])
    page.get_by_role("link", name="Manage your borough's teams and who manages them").click()
    page.get_by_role("button", name="Create a team").click()
    page.select_option("#organisation", label="Eastmoor Primary")
    page.fill("#name", "Inclusion team")
    page.get_by_role("button", name="Create the team").click()
    page.get_by_role("link", name="Change who manages the team").click()
    page.get_by_label("Robin Reyes").check()
    page.get_by_role("button", name="Save the managers").click()
    page.get_by_role("button", name="Put a practitioner in the team").click()
    page.select_option("#practitioner", label="Pat Mentor (now in Team A)")
    page.get_by_role("button", name="Put them in the team").click()
    assert "Pat Mentor" in page.locator(".ecaf-team-members").inner_text()

    sign_in(page, live_server, world["manager"])
    main = page.inner_text("main")
    assert "You manage Inclusion team, Eastmoor Primary" in main
    assert_no_axe_violations(page, "home of the manager in charge")
    page.get_by_role("link", name=world["reference"]).first.click()
    page.wait_for_url(f"{live_server}/episodes/{world['episode_id']}")
    assert_no_axe_violations(page, "the episode waiting for closure")
    page.goto(f"{live_server}/episodes/{world['episode_id']}/steps/approve_closure")
    assert_no_axe_violations(page, "approve closure")
    page.get_by_role("button", name="Approve closure").click()
    page.wait_for_url(f"{live_server}/episodes/{world['episode_id']}")
    page.screenshot(path=str(artifacts / "closure-approved-by-new-manager.png"), full_page=True)
    with live_app.app_context():
        assert reload(world["episode_id"]).state == "closed"

    # Where they are signed in: this browser, which they can sign out everywhere from.
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="See the devices you are signed in on").click()
    assert "This device" in page.inner_text("main")
    assert_no_axe_violations(page, "where you are signed in")
    page.screenshot(path=str(artifacts / "sessions.png"), full_page=True)
    page.get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_url(f"{live_server}/sign-in")
    page.goto(f"{live_server}/")
    page.wait_for_url(f"{live_server}/sign-in*")
