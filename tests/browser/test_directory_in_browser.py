"""A practitioner searches the service directory and an administrator adds a service, in a
real browser; axe-core finds nothing on the way."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.directory.helpers import make_service
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.directory.models import ServiceLevel


@pytest.fixture
def accounts(live_app):
    with live_app.app_context():
        organisation = make_organisation(
            make_borough("riverside", name="London Borough of Riverside")
        )
        practitioner = make_user(organisation, email="sam@riverside.example")
        admin = make_user(organisation, Role.BOROUGH_ADMIN, email="ash@riverside.example")
        make_service(
            organisation.borough,
            admin,
            name="Young Carers Project",
            level=ServiceLevel.TARGETED,
            min_age=8,
            max_age=18,
            residents_only=True,
        )
        make_service(organisation.borough, admin, name="Bumps and Babies", max_age=1)
        db.session.commit()
        return {"practitioner": practitioner.email, "admin": admin.email}


def test_a_practitioner_filters_the_directory_and_opens_a_service(
    page, live_server, accounts, artifacts
):
    sign_in(page, live_server, accounts["practitioner"])
    page.get_by_role("link", name="Service directory").first.click()
    assert page.locator("h1").inner_text() == "Service directory"
    assert_no_axe_violations(page, "directory")
    page.fill("#age", "12")
    page.check("input[name=level][value=targeted]")
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("#results").inner_text() == "1 service in London Borough of Riverside"
    page.screenshot(path=str(artifacts / "directory.png"), full_page=True)
    page.get_by_role("link", name="Young Carers Project").click()
    assert page.locator("h1").inner_text() == "Young Carers Project"
    assert_no_axe_violations(page, "service")
    page.goto(f"{live_server}/directory?age=twelve")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "directory with an error")


def test_an_administrator_adds_a_service_after_correcting_errors(page, live_server, accounts):
    sign_in(page, live_server, accounts["admin"])
    page.goto(f"{live_server}/directory/services/new")
    assert_no_axe_violations(page, "add a service")
    page.fill("#min_age", "11")
    page.fill("#max_age", "5")
    page.get_by_role("button", name="Save the service").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "add a service with errors")
    page.fill("#name", "Holiday Club")
    page.fill("#provider", "Riverside Youth Service")
    page.fill("#description", "Sport and arts in the school holidays.")
    page.check("input[name=level][value=universal]")
    page.fill("#client_group", "Children at Riverside schools")
    page.fill("#min_age", "5")
    page.fill("#max_age", "11")
    page.fill("#coverage", "Whole borough")
    page.check("input[name=residents_only][value=no]")
    page.fill("#address", "Riverside Youth Centre")
    page.check("input[name=access_routes][value=self_referral]")
    page.get_by_role("button", name="Save the service").click()
    assert page.locator("h1").inner_text() == "Holiday Club"
    assert "is now in the directory" in page.locator(".govuk-notification-banner").inner_text()
