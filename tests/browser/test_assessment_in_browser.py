"""A practitioner completes a whole CAF assessment through the task list with the keyboard,
and axe-core finds nothing wrong on the task list, a section, an error page and check your
answers."""

import pytest

from tests.assessments.answers import CAF_ASSESSMENT
from tests.assessments.helpers import make_world
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import FormResponse


@pytest.fixture
def assessment(live_app):
    with live_app.app_context():
        world = make_world("eastmoor")
        response = services.start_response(
            db.session, world["episode"], "assessment", world["assessor"]
        )
        db.session.commit()
        return {
            "email": world["assessor"].email,
            "episode_id": world["episode"].id,
            "response_id": response.id,
        }


def press_on(page, selector, key="Enter"):
    page.focus(selector)
    page.keyboard.press(key)


def fill_with_keyboard(page, data):
    groups = {
        key[: -len("-items")]: int(value) for key, value in data.items() if key.endswith("-items")
    }
    for group, count in groups.items():
        for _ in range(count - 1):
            with page.expect_navigation():
                press_on(page, f"button[value='add:{group}']")
    for name, value in data.items():
        if name.endswith("-items"):
            continue
        kind = page.locator(f"[name='{name}']").first.get_attribute("type")
        if kind in ("radio", "checkbox"):
            press_on(page, f"input[name='{name}'][value='{value}']", "Space")
        else:
            page.focus(f"[name='{name}']")
            page.keyboard.press("ControlOrMeta+A")  # replace what was pre-filled, as a person
            page.keyboard.press("Delete")  # changing a pre-filled answer does
            page.keyboard.type(value)


def test_a_whole_assessment_is_completed_through_the_task_list_by_keyboard(
    page, live_app, live_server, assessment, artifacts
):
    page.goto(f"{live_server}/sign-in")
    page.focus("#email")
    page.keyboard.type(assessment["email"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, assessment["email"])
    page.wait_for_url(f"{live_server}/")

    episode_id, response_id = assessment["episode_id"], assessment["response_id"]
    task_list = f"{live_server}/episodes/{episode_id}/forms/{response_id}"
    page.goto(task_list)
    assert page.locator("h1").inner_text() == "CAF assessment, version 1"
    assert_no_axe_violations(page, "task list")
    page.screenshot(path=str(artifacts / "assessment-task-list.png"), full_page=True)

    # The first section from the task list; each "Save and continue" opens the next.
    with page.expect_navigation():
        press_on(page, "a.govuk-task-list__link >> nth=0")
    for index, (section_id, data) in enumerate(CAF_ASSESSMENT.items()):
        assert page.url == f"{task_list}/sections/{section_id}", page.url
        if index == 0:
            assert_no_axe_violations(page, "section page")
            page.screenshot(path=str(artifacts / "assessment-section.png"), full_page=True)
            # Pre-filled from the child index; the page is complete as it stands, so a
            # required answer is taken out to see the errors.
            assert "From the child index" in page.locator("#given_names-hint").inner_text()
            page.fill("#given_names", "")
            with page.expect_navigation():
                press_on(page, "button.govuk-button[value=continue]:not([hidden])")
            assert page.title().startswith("Error: ")
            assert_no_axe_violations(page, "section page with errors")
            page.screenshot(path=str(artifacts / "assessment-errors.png"), full_page=True)
            page.click(".govuk-error-summary__list a >> nth=0")
            assert page.evaluate("document.activeElement.name") == "given_names"
        fill_with_keyboard(page, data)
        with page.expect_navigation():
            if section_id == "conclusions":
                page.keyboard.press("Enter")  # in the last date box: Enter saves the page
            else:
                press_on(page, "button.govuk-button[value=continue]:not([hidden])")
        assert "/sections/" in page.url, (section_id, page.locator("main").inner_text()[:1500])

    # After the last section to fill in: the consent section, shown from the consent record.
    assert page.url == f"{task_list}/sections/consent"
    assert "Consent is recorded once" in page.locator("main").inner_text()
    assert page.locator("main form.ecaf-section-form").count() == 0
    assert_no_axe_violations(page, "consent section")
    page.screenshot(path=str(artifacts / "assessment-consent-section.png"), full_page=True)
    with page.expect_navigation():
        press_on(page, "a.govuk-button:has-text('Continue')")
    assert page.url == task_list
    assert page.locator(".govuk-task-list__status .govuk-tag").count() == 0  # none unfinished
    with page.expect_navigation():
        press_on(page, "a.govuk-button:has-text('Check your answers')")
    assert page.locator("h1").inner_text() == "Check your answers"
    assert "Any other White background: Polish" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "check your answers")
    page.screenshot(path=str(artifacts / "assessment-check-answers.png"), full_page=True)

    with page.expect_navigation():
        press_on(page, "form button.govuk-button:has-text('Complete the assessment')")
    with live_app.app_context():
        stored = db.session.get(FormResponse, assessment["response_id"])
        assert stored.is_completed
        assert len(stored.answers()["agreed_actions"]) == 2
