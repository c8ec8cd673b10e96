"""A real browser on the quarterly access review: a manager opens their team's review from
the home page, sees what the team looked at and the alerts, is told what is missing, and
records, by keyboard, that some access was not appropriate; the borough CAF contact reads
it. Every page passes axe-core."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        council = make_organisation(riverside, Sector.LOCAL_AUTHORITY, name="Riverside CAF Team")
        make_user(school, email="teacher@riverside.example")
        manager = make_user(school, Role.MANAGER, email="head@riverside.example")
        contact = make_user(council, Role.BOROUGH_CAF_CONTACT, email="caf@riverside.example")
        db.session.commit()
        return {"manager": manager.email, "contact": contact.email}


def test_a_manager_records_that_access_was_not_appropriate_and_the_caf_contact_reads_it(
    page, browser, live_server, people, artifacts
):
    sign_in(page, live_server, people["manager"])
    page.get_by_role("link", name="Quarterly access reviews").click()
    page.wait_for_load_state("load")
    assert_no_axe_violations(page, "quarterly access reviews")
    assert "Overdue" in page.locator("#your-team").inner_text()
    page.locator("#your-team").get_by_role("link").first.click()
    page.wait_for_load_state("load")
    assert_no_axe_violations(page, "an access review")
    assert "Searches" in page.locator("#team-access").inner_text()
    page.get_by_role("button", name="Record the review").click()
    page.wait_for_load_state("load")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select whether your team's access was appropriate" in summary
    assert_no_axe_violations(page, "an access review, with its error")
    page.get_by_label("No, some access was not appropriate").focus()
    page.keyboard.press("Space")
    page.get_by_label("Comment").focus()
    page.keyboard.type("A search for a neighbour's child with no reason to look")
    page.screenshot(path=str(artifacts / "access-review.png"), full_page=True)
    page.get_by_role("button", name="Record the review").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert "recorded" in page.locator(".govuk-notification-banner").inner_text()
    assert "Reviewed" in page.locator("#your-team").inner_text()

    context = browser.new_context()
    contact = context.new_page()
    sign_in(contact, live_server, people["contact"])
    contact.get_by_role("link", name="Quarterly access reviews").click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "quarterly access reviews, for the CAF contact")
    contact.screenshot(path=str(artifacts / "access-reviews-caf-contact.png"), full_page=True)
    assert "neighbour's child" in contact.locator("#not-appropriate").inner_text()
    contact.locator("#not-appropriate").get_by_role("link").first.click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "an access review, read only")
    assert contact.get_by_role("button", name="Record the review").count() == 0
    contact.get_by_role("link", name="Back to quarterly access reviews").click()
    contact.wait_for_load_state("load")
    contact.get_by_role("link", name="Change the number of days").click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "when a review is overdue")
    context.close()
