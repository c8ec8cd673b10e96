"""A real browser: a children's centre worker finds a child in the index, registers the
family with the consent of the centre's form (DCSF 2010 annex), then starts the consent of a
CAF from it, for what it covers. axe-core checks each page."""

from datetime import date

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_child, make_organisation, make_user
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.boroughs.models import Sector
from webapp.episodes.models import Episode


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        centre = make_organisation(
            riverside, Sector.EARLY_YEARS, name="Riverside Children's Centre"
        )
        make_organisation(riverside, Sector.HEALTH, name="Riverside Health Visiting")
        worker = make_user(centre, email="kim@riverside.example")
        child = make_child(
            riverside, given_names="Ola", family_name="Toddler", date_of_birth=date(2024, 2, 3)
        )
        episode = Episode(
            reference="RIV-2026-00088",
            child=child,
            borough_id=riverside.id,
            state="identified",
            workflow_id="caf",
            workflow_version=1,
            assessor=worker,
        )
        db.session.add(episode)
        db.session.commit()
        return {"worker": worker.email, "episode_id": episode.id}


def test_a_family_is_registered_and_a_caf_consent_starts_from_it(
    page, live_server, people, artifacts
):
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", people["worker"])
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, people["worker"])
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/child-index")
    page.check("input[name='reason'][value='concern']")
    page.fill("input[name='given_name']", "Ola")
    page.fill("input[name='family_name']", "Toddler")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Register the family at a children's centre").click()
    page.locator("h1").get_by_text("Register a family at a children's centre").wait_for()
    assert_no_axe_violations(page, "registration form")

    page.get_by_role("button", name="Save the registration").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert "Enter the full name of the parent or carer" in summary.inner_text()
    assert_no_axe_violations(page, "registration form with errors")

    page.fill("input[name='adult_name']", "Jo Toddler")
    page.fill("input[name='relationship_to_child']", "Mother")
    page.check("input[name='signed_as'][value='parent']")
    page.check("input[name='parental_responsibility'][value='yes']")
    page.check("input[name='agree_to_record'][value='yes']")
    page.check("input[name='agree_to_share'][value='yes']")
    page.get_by_label("Riverside Health Visiting").check()
    for box in page.locator("input[name='points_explained']").all():
        box.check()
    today = date.today()
    page.fill("input[name='signed_on-day']", str(today.day))
    page.fill("input[name='signed_on-month']", str(today.month))
    page.fill("input[name='signed_on-year']", str(today.year))
    page.fill("input[name='review_on-day']", "1")
    page.fill("input[name='review_on-month']", str(today.month))
    page.fill("input[name='review_on-year']", str(today.year + 1))
    page.get_by_role("button", name="Save the registration").click()
    page.locator("h1").get_by_text("Children's centre registration").wait_for()
    assert "Riverside Health Visiting" in page.inner_text("main")
    assert_no_axe_violations(page, "registration")
    page.screenshot(path=str(artifacts / "centre-registration.png"), full_page=True)

    page.goto(f"{live_server}/centre-registrations")
    assert "Jo Toddler" in page.inner_text("main")
    assert_no_axe_violations(page, "registrations of the centre")

    page.goto(f"{live_server}/episodes/{people['episode_id']}/consent")
    assert_no_axe_violations(page, "consent page offering the registration")
    page.get_by_role("button", name="Start this CAF's consent from it").click()
    page.locator(".govuk-notification-banner, .govuk-inset-text").first.wait_for()
    main = page.inner_text("main")
    assert "Record the family's consent to the assessment next" in main
    assert "Not agreed" in main  # to undertake the assessment
    page.screenshot(path=str(artifacts / "caf-consent-from-registration.png"), full_page=True)
