"""A borough administrator adds a question and an option and hides an optional question,
previews, asks for approval; a second administrator publishes; a practitioner's new episode
shows the change while an older episode keeps its original version. axe-core finds nothing
on the editor pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.assessments.helpers import give_consent
from tests.browser.axe import assert_no_axe_violations
from tests.factories import (
    PASSWORD,
    make_borough,
    make_child,
    make_episode,
    make_organisation,
    make_user,
)
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.access.permissions import Role
from webapp.assessments import services


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")


@pytest.fixture
def eastmoor(live_app):
    with live_app.app_context():
        borough = make_borough("eastmoor", name="London Borough of Eastmoor")
        council = make_organisation(borough, name="Eastmoor Council")
        school = make_organisation(borough, name="Eastmoor School")
        first = make_user(council, Role.BOROUGH_ADMIN)
        second = make_user(council, Role.BOROUGH_ADMIN)
        practitioner = make_user(school)
        older = make_episode(make_child(borough), practitioner, state="assessing")
        newer = make_episode(make_child(borough), practitioner, state="assessing")
        for episode in (older, newer):
            give_consent(episode, practitioner)
        old_response = services.start_response(db.session, older, "assessment", practitioner)
        db.session.commit()
        return {
            "first": first.email,
            "second": second.email,
            "practitioner": practitioner.email,
            "practitioner_id": practitioner.id,
            "older": older.id,
            "old_response": old_response.id,
            "newer": newer.id,
        }


def test_a_form_change_is_drafted_previewed_approved_and_used_by_new_episodes_only(
    page, live_app, live_server, eastmoor, artifacts
):
    sign_in(page, live_server, eastmoor["first"])
    page.get_by_role("link", name="Customise your borough's forms").click()
    assert_no_axe_violations(page, "forms list")
    page.get_by_role(
        "button", name="Start a draft of Common Assessment Framework (CAF) assessment"
    ).click()
    draft_url = page.url

    page.get_by_role("link", name="Add a question").click()
    page.get_by_role("button", name="Add the question").click()  # nothing filled in
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page, "add a question, with errors")
    page.get_by_label("Question id").fill("school_attended")
    page.get_by_label("Type of answer").select_option("text")
    page.get_by_label("Question", exact=True).fill("School attended")
    page.get_by_label("Basic: who the child and family are").check()
    page.get_by_label("Where does it go?").select_option("after:date_of_birth")
    page.get_by_role("button", name="Add the question").click()
    page.wait_for_url(draft_url)

    page.get_by_role("link", name="Add options to a question").click()
    page.get_by_label("Which question?").select_option("ethnicity")
    page.get_by_label("New options").fill("white_eastern_european: Eastern European")
    page.get_by_role("button", name="Add the options").click()
    page.wait_for_url(draft_url)

    page.get_by_role("link", name="Hide an optional question").click()
    page.get_by_label("Which question?").select_option("special_requirements")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(draft_url)
    assert_no_axe_violations(page, "draft")
    page.screenshot(path=str(artifacts / "formadmin-draft.png"), full_page=True)

    page.get_by_role("link", name="Preview it as a practitioner will see it").click()
    assert_no_axe_violations(page, "preview task list")
    page.get_by_role("link", name="Identifying details").click()
    page.wait_for_url("**/preview/identifying_details")
    assert page.locator("[name='school_attended']").count() == 1
    assert page.locator("[name='special_requirements']").count() == 0
    assert page.get_by_text("Eastern European").count() >= 1
    assert_no_axe_violations(page, "preview section")
    page.goto(draft_url)
    page.get_by_role("link", name="Compare it with the version in use").click()
    expect(page.get_by_text("New question “School attended”")).to_have_count(1)
    assert_no_axe_violations(page, "compare")

    page.goto(draft_url)
    page.get_by_role("link", name="Ask for approval to publish").click()
    page.get_by_label("Why is this change needed?", exact=False).fill(
        "Schools asked to record the school attended"
    )
    page.get_by_role("button", name="Ask for approval to publish").click()
    page.wait_for_url(draft_url)
    assert page.get_by_text("Another administrator of the borough must approve").count() >= 1

    sign_in(page, live_server, eastmoor["second"])
    page.goto(draft_url)
    page.get_by_role("link", name="Approve and publish").click()
    assert_no_axe_violations(page, "approve")
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(draft_url)
    assert page.get_by_text("Published").count() >= 1

    with live_app.app_context():
        from webapp.accounts.models import User
        from webapp.episodes.models import Episode

        practitioner = db.session.get(User, eastmoor["practitioner_id"])
        episode = db.session.get(Episode, eastmoor["newer"])
        new_response = services.start_response(db.session, episode, "assessment", practitioner)
        db.session.commit()
        new_id = new_response.id
    sign_in(page, live_server, eastmoor["practitioner"])
    page.goto(
        f"{live_server}/episodes/{eastmoor['newer']}/forms/{new_id}/sections/identifying_details"
    )
    assert page.locator("[name='school_attended']").count() == 1
    page.goto(
        f"{live_server}/episodes/{eastmoor['older']}/forms/{eastmoor['old_response']}"
        "/sections/identifying_details"
    )
    assert page.locator("[name='school_attended']").count() == 0
    assert page.locator("[name='special_requirements']").count() == 1
