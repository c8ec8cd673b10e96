"""A real browser: an assessor records consent to share with one agency, invites a
practitioner from it to the team around the child, is refused for an agency the family did
not agree to, shares with it in the public interest instead, sees both on the
information-sharing register, then withdraws consent. axe-core checks each page."""

from datetime import date

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.boroughs.models import Sector


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health Visiting")
        police = make_organisation(riverside, Sector.POLICE, name="Riverside Police")
        assessor = make_user(school, email="alex@riverside.example")
        nurse = make_user(health, email="nina@health.example")
        officer = make_user(police, email="olly@police.example")
        child = make_child(riverside, given_names="Maya", family_name="Example")
        episode = make_episode(child, assessor, state="assessed")
        db.session.commit()
        return {
            "assessor": assessor.email,
            "nurse": nurse.email,
            "nurse_name": nurse.full_name,
            "officer": officer.email,
            "officer_name": officer.full_name,
            "health_id": health.id,
            "episode_id": episode.id,
        }


def test_consent_sharing_public_interest_and_withdrawal(page, live_server, people, artifacts):
    episode = f"{live_server}/episodes/{people['episode_id']}"
    sign_in(page, live_server, people["assessor"])

    # Record consent to share with the health visiting service only.
    page.goto(f"{episode}/consent/new")
    assert_no_axe_violations(page, "consent form")
    page.check("input[name='given_by'][value='parent_carer']")
    page.fill("input[name='given_by_name']", "Pat Example")
    page.fill("input[name='relationship_to_child']", "Mother")
    page.check("input[name='parental_responsibility'][value='yes']")
    page.check("input[name='decision'][value='given']")
    # sensitive information included: the team sees the whole record (DCSF 2010, 17)
    for scope in ("to_assess", "to_record", "to_share", "includes_sensitive"):
        page.check(f"input[name='scope'][value='{scope}']")
    page.check(f"input[name='agencies'][value='{people['health_id']}']")
    for point in page.locator("input[name='points_explained']").all():
        point.check()
    page.check("input[name='method'][value='written']")
    today = date.today()
    page.fill("input[name='given_on-day']", str(today.day))
    page.fill("input[name='given_on-month']", str(today.month))
    page.fill("input[name='given_on-year']", str(today.year))
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(f"{episode}/consent")
    assert "Consent has been recorded" in page.inner_text("main")
    assert "Riverside Health Visiting" in page.inner_text("main")
    assert_no_axe_violations(page, "consent overview")

    # A practitioner from the consented agency can be invited.
    page.goto(f"{episode}/tac")
    assert_no_axe_violations(page, "team around the child")
    page.get_by_role("link", name="Invite a practitioner").click()
    page.wait_for_url(f"{episode}/tac/invite")
    assert_no_axe_violations(page, "invite a practitioner")
    page.fill("input[name='invite-email']", people["nurse"])
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"{episode}/tac")
    assert f"Invitation sent to {people['nurse_name']}" in page.inner_text("main")

    # One from an agency the family did not agree to is refused, with the reason shown.
    page.get_by_role("link", name="Invite a practitioner").click()
    page.wait_for_url(f"{episode}/tac/invite")
    page.fill("input[name='invite-email']", people["officer"])
    page.get_by_role("button", name="Send invitation").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert "Riverside Police is not in the agencies the family agreed to share with" in (
        summary.inner_text()
    )
    assert_no_axe_violations(page, "invite a practitioner, refused")

    # A public-interest decision lets the invitation go through, and is recorded.
    details = page.locator("details.govuk-details", has_text="Share without consent")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.check("input[name='invite-public_interest_ground'] >> nth=0")
    page.fill(
        "textarea[name='invite-public_interest_reasons']",
        "Reasonable cause to believe the child is at risk of significant harm.",
    )
    page.fill(
        "textarea[name='invite-public_interest_necessity']",
        "The police child protection team must plan with the school.",
    )
    page.fill("textarea[name='invite-public_interest_shared']", "The assessment and the plan.")
    page.check("input[name='invite-public_interest_family_told'][value='yes']")
    page.check("input[name='invite-public_interest_advice_taken'][value='yes']")
    page.fill("input[name='invite-public_interest_advice_from']", "Jo, safeguarding lead")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"{episode}/tac")
    assert f"Invitation sent to {people['officer_name']}" in page.inner_text("main")

    # Both decisions are on the information-sharing register.
    page.goto(f"{episode}/sharing")
    register = page.locator("table.ecaf-sharing-register").inner_text()
    assert people["nurse_name"] in register
    assert people["officer_name"] in register
    assert "Reasonable cause to believe the child is at risk of significant harm." in register
    assert_no_axe_violations(page, "information-sharing register")
    page.screenshot(path=str(artifacts / "sharing-register.png"), full_page=True)

    # Withdrawing consent stops sharing, and the episode page says so.
    page.goto(f"{episode}/consent")
    page.get_by_role("link", name="Withdraw this consent").click()
    page.fill("textarea[name='withdrawal_reason']", "Pat phoned to withdraw consent.")
    page.get_by_role("button", name="Withdraw consent").click()
    page.wait_for_url(episode)
    warning = page.locator(".govuk-warning-text", has_text="Consent has been withdrawn")
    assert warning.is_visible()
    assert "nothing more may be shared" in warning.inner_text()
