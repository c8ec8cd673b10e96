"""In a real browser: an administrator creates a team, puts a manager in charge and a
practitioner in it; a person resets a forgotten password, by keyboard alone, from the link
e-mailed to them; the system administrator reads the outbox. axe-core finds nothing on any
of these pages, their error summaries included."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.mailbox import delivered_to, link_in
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.access.permissions import Role

NEW_PASSWORD = "harbour lilac pebble compass"


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        borough = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(borough, name="Riverside Primary School")
        found = {
            "admin": make_user(school, Role.BOROUGH_ADMIN, email="ash@riverside.example"),
            "manager": make_user(school, Role.MANAGER, email="morgan@riverside.example"),
            "practitioner": make_user(school, email="sam@riverside.example"),
            "system_admin": make_user(school, Role.SYSTEM_ADMIN, email="sol@ecaf.example"),
        }
        found["manager"].full_name = "Morgan Manager"
        found["practitioner"].full_name = "Sam Practitioner"
        db.session.commit()
        return {name: user.email for name, user in found.items()}


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")


def test_an_administrator_sets_up_a_team(page, live_server, people, artifacts):
    sign_in(page, live_server, people["admin"])
    page.get_by_role("link", name="Manage your borough's teams and who manages them").click()
    assert page.locator("h1").inner_text() == "Teams"
    assert_no_axe_violations(page, "teams")

    page.get_by_role("button", name="Create a team").click()
    page.get_by_role("button", name="Create the team").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "create a team with errors")
    page.select_option("#organisation", label="Riverside Primary School")
    page.fill("#name", "Inclusion team")
    page.get_by_role("button", name="Create the team").click()
    assert page.locator("h1").inner_text() == "Inclusion team"
    assert_no_axe_violations(page, "team without a manager")

    page.get_by_role("link", name="Change who manages the team").click()
    page.get_by_label("Morgan Manager").check()
    assert_no_axe_violations(page, "who manages the team")
    page.get_by_role("button", name="Save the managers").click()
    page.get_by_role("button", name="Put a practitioner in the team").click()
    page.select_option("#practitioner", label="Sam Practitioner (now in Team A)")
    assert_no_axe_violations(page, "put a practitioner in the team")
    page.get_by_role("button", name="Put them in the team").click()
    summary = page.locator(".govuk-summary-list").inner_text()
    assert "Morgan Manager" in summary
    assert "Sam Practitioner" in page.locator(".ecaf-team-members").inner_text()
    assert_no_axe_violations(page, "team page")
    page.screenshot(path=str(artifacts / "team.png"), full_page=True)


def test_a_forgotten_password_is_reset_by_keyboard_alone(page, live_server, live_app, people):
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("link", name="Forgotten your password?").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/account/forgotten-password")
    page.locator("#email").focus()
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert_no_axe_violations(page, "forgotten password with an error")
    page.locator("#email").focus()
    page.keyboard.type(people["practitioner"])
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_no_axe_violations(page, "check your email")

    with live_app.app_context():
        path = link_in(delivered_to(live_app, people["practitioner"])[-1])
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").inner_text() == "Choose a new password"
    assert_no_axe_violations(page, "choose a new password")
    page.locator("#password").focus()
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")  # the password's "Show" button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "confirm"
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/sign-in")
    sign_in(page, live_server, people["practitioner"], NEW_PASSWORD)


def test_the_system_administrator_reads_the_outbox(page, live_server, people):
    # Something to list: a reset link asked for.
    page.goto(f"{live_server}/account/forgotten-password")
    page.fill("#email", people["manager"])
    page.get_by_role("button", name="Send the link").click()
    sign_in(page, live_server, people["system_admin"])
    page.get_by_role(
        "link", name="See the e-mail the service has sent and is waiting to send"
    ).click()
    assert page.locator("h1").inner_text() == "E-mail outbox"
    assert people["manager"] in page.locator("table.ecaf-outbox").inner_text()
    assert_no_axe_violations(page, "outbox")
