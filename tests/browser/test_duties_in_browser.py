"""Separation of duties in a real browser: an administrator asks for the borough CAF
contact role and a change of workflow choices; they are told they cannot decide either; a
second administrator finds both on their home page, rejects one without a reason first
(the error summary), then decides both. axe-core finds nothing on the list of roles
waiting, a request's page (with and without its error summary), the workflow-choice
request's page and the home page with its approvals."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        borough = make_borough("northgate", name="London Borough of Northgate")
        council = make_organisation(borough, Sector.LOCAL_AUTHORITY, name="Northgate Council")
        first = make_user(council, Role.BOROUGH_ADMIN, email="ash@northgate.example")
        second = make_user(council, Role.BOROUGH_ADMIN, email="bo@northgate.example")
        manager = make_user(council, Role.MANAGER, email="mo@northgate.example")
        manager.full_name = "Mo Manager"
        db.session.commit()
        return {"first": first.email, "second": second.email, "manager": manager.email}


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")


def test_a_second_administrator_decides_what_the_first_asked_for(
    page, live_server, people, artifacts
):
    sign_in(page, live_server, people["first"])
    page.goto(f"{live_server}/admin/users?q=mo")
    page.get_by_role("link", name="Mo Manager").click()
    page.get_by_role("link", name="Change the account details").first.click()
    page.check("input[name=roles][value=borough_caf_contact]")
    page.get_by_role("button", name="Save changes").click()
    assert "Another administrator must approve the role Borough CAF contact" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    page.goto(f"{live_server}/admin/workflow-choices")
    page.check("input[name=choice_closure_approver][value=borough_caf_contact]")
    page.fill("#reason", "The panel agreed")
    page.get_by_role("button", name="Ask for approval").click()
    assert "You asked for this change" in page.locator("[data-cannot-decide]").inner_text()
    assert_no_axe_violations(page, "workflow-choice request, as the one who asked")
    page.goto(f"{live_server}/admin/role-requests")
    assert "No: You asked for this change" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "roles waiting, as the one who asked")

    sign_in(page, live_server, people["second"])
    approvals = page.locator("[data-approvals]")
    assert "Give Mo Manager the role Borough CAF contact" in approvals.inner_text()
    assert "Change the borough's workflow choices" in approvals.inner_text()
    assert_no_axe_violations(page, "home page with approvals")
    approvals.get_by_role("link", name="Give Mo Manager the role Borough CAF contact").click()
    assert_no_axe_violations(page, "role request")
    page.check("input[name=decision][value=reject]")
    page.get_by_role("button", name="Save the decision").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "role request with errors")
    page.screenshot(path=str(artifacts / "role-request-errors.png"), full_page=True)
    page.check("input[name=decision][value=approve]")
    page.get_by_role("button", name="Save the decision").click()
    assert "now has the role Borough CAF contact" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    assert_no_axe_violations(page, "roles waiting, after a decision")

    page.goto(f"{live_server}/")
    page.locator("[data-approvals]").get_by_role(
        "link", name="Change the borough's workflow choices"
    ).click()
    assert_no_axe_violations(page, "workflow-choice request")
    page.check("input[name=decision][value=approve]")
    page.get_by_role("button", name="Save the decision").click()
    assert "Workflow choices version 1 is in force" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
