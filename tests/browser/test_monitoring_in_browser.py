"""A real browser on access monitoring: a practitioner searches for a shielded child, which
raises an alert; the borough CAF contact sees it, opens the practitioner's history and
records an outcome, then reviews the urgent access the practitioner took. Every page of it
passes axe-core."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health")
        council = make_organisation(riverside, Sector.LOCAL_AUTHORITY, name="Riverside CAF Team")
        child = make_child(riverside, given_names="Zain", family_name="Anderson", shielded=True)
        make_episode(child, make_user(school), state="delivering")
        nurse = make_user(health, email="nurse@riverside.example")
        contact = make_user(council, Role.BOROUGH_CAF_CONTACT, email="caf@riverside.example")
        db.session.commit()
        return {"nurse": nurse.email, "nurse_name": nurse.full_name, "contact": contact.email}


def search_for_zain(page, live_server):
    page.goto(f"{live_server}/child-index")
    page.check("input[name='reason'][value='concern']")
    page.fill("#given_name", "Zain")
    page.fill("#family_name", "Anderson")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(f"{live_server}/child-index")
    page.wait_for_load_state("load")
    assert page.locator("#results").inner_text() == "1 child found"


def test_the_caf_contact_looks_into_a_search_for_a_shielded_child(
    page, browser, live_server, people
):
    sign_in(page, live_server, people["nurse"])
    search_for_zain(page, live_server)
    page.get_by_role("link", name="Urgent safeguarding need: open the CAF").click()
    page.wait_for_load_state("load")
    assert_no_axe_violations(page, "urgent access")
    page.get_by_role("button", name="Get urgent access").click()
    page.wait_for_load_state("load")
    assert (
        "Enter why you need urgent access to this CAF"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_no_axe_violations(page, "urgent access, with its error")
    page.get_by_label("Why do you need to see this CAF now?").fill(
        "Zain told the school nurse he is afraid to go home tonight"
    )
    page.get_by_role("button", name="Get urgent access").click()
    page.wait_for_load_state("load")
    assert "You have urgent access" in page.locator(".govuk-notification-banner").inner_text()

    context = browser.new_context()
    contact = context.new_page()
    sign_in(contact, live_server, people["contact"])
    contact.get_by_role("link", name="Access alerts").click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "access alerts")
    assert "Searches that found a shielded child" in contact.locator("#alerts").inner_text()
    contact.locator("#alerts").get_by_role("link").first.click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "an access alert")
    contact.get_by_role("link", name="searches and what followed them").click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "a person's access history")
    history = contact.locator("#access-history").inner_text()
    # What followed the search: the urgent access she then took.
    assert "Took urgent access" in history and "I have a concern" in history
    contact.go_back()
    contact.wait_for_load_state("load")
    contact.get_by_label("Warning given to the person").check()
    contact.get_by_label("Comment").fill("She had no reason to look Zain up; warned her.")
    contact.get_by_role("button", name="Record the outcome").click()
    contact.wait_for_load_state("load")
    assert "Outcome recorded" in contact.locator(".govuk-notification-banner").inner_text()
    assert contact.locator("#no-alerts").is_visible()

    search_for_zain(contact, live_server)
    contact.get_by_role("link", name="Access history").click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "a child's access history")
    assert people["nurse_name"] in contact.locator("#access-history").inner_text()
    contact.goto(f"{live_server}/urgent-access")
    assert_no_axe_violations(contact, "urgent access to review")
    contact.locator("#waiting").get_by_role("link").first.click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "reviewing urgent access")
    contact.get_by_label("Justified", exact=True).check()
    contact.get_by_role("button", name="Record the review").click()
    contact.wait_for_load_state("load")
    assert contact.locator("#nothing-waiting").is_visible()
    contact.goto(f"{live_server}/access-alerts/rules")
    assert_no_axe_violations(contact, "alert rules")
    contact.locator("#rules").get_by_role("link").first.click()
    contact.wait_for_load_state("load")
    assert_no_axe_violations(contact, "an alert rule")
    context.close()
