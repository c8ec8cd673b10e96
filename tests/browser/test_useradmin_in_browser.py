"""A borough administrator creates an account (correcting errors first; the person is
e-mailed the link to set a password) and deactivates another, in a real browser; axe-core
finds nothing on the list, the form with its error summary, or the account page."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role


@pytest.fixture
def accounts(live_app):
    with live_app.app_context():
        borough = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(borough, name="Riverside Primary School")
        make_organisation(borough, name="Riverside Health Centre")
        admin = make_user(school, Role.BOROUGH_ADMIN, email="ash@riverside.example")
        leaver = make_user(school, email="leaver@riverside.example")
        leaver.full_name = "Lee Leaver"
        db.session.commit()
        return {"admin": admin.email, "leaver": leaver.email}


def test_an_administrator_creates_an_account_and_deactivates_another(
    page, live_server, accounts, artifacts
):
    sign_in(page, live_server, accounts["admin"])
    page.get_by_role("link", name="Manage your borough's user accounts").click()
    assert page.locator("h1").inner_text() == "User accounts"
    assert_no_axe_violations(page, "account list")

    page.get_by_role("button", name="Create an account").click()
    page.fill("#full_name", "Priya Shah")
    page.fill("#dbs_check_date-day", "31")
    page.fill("#dbs_check_date-month", "2")
    page.fill("#dbs_check_date-year", "2025")
    page.get_by_role("button", name="Create the account").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "create an account with errors")
    page.screenshot(path=str(artifacts / "useradmin-errors.png"), full_page=True)

    page.fill("#email", "priya.shah@riverside.example")
    page.select_option("#organisation", label="Riverside Health Centre")
    page.check("input[name=roles][value=practitioner]")
    page.fill("#dbs_check_date-day", "28")
    page.check("input[name=caf_trained][value=yes]")
    page.get_by_role("button", name="Create the account").click()
    banner = page.locator(".govuk-notification-banner")
    banner.wait_for(state="visible")
    assert "We have sent a link to set a password to priya.shah@riverside.example" in (
        banner.inner_text()
    )
    assert "/account/set-password/" not in page.content()
    assert page.locator("h1").inner_text().startswith("Priya Shah")
    assert "Not set yet" in page.locator(".govuk-summary-list").inner_text()
    assert_no_axe_violations(page, "account page")

    page.goto(f"{live_server}/admin/users?q=leaver")
    page.get_by_role("link", name="Lee Leaver").click()
    page.get_by_role("button", name="Deactivate the account").click()
    page.fill("#reason", "Left the school in July")
    page.get_by_role("button", name="Deactivate the account").click()
    assert "has been deactivated" in page.locator(".govuk-notification-banner").inner_text()
    assert "Left the school in July" in page.locator(".ecaf-account-history").inner_text()
    assert_no_axe_violations(page, "deactivated account page")
