"""A borough administrator drafts a workflow override in the browser: adds a stage with the
guided page (the check at once says it cannot be reached), types the steps in and out of it
in the YAML editor while the check and the diagram follow the typing, saves, asks for
approval; a second administrator publishes. axe-core finds nothing on the draft pages.
(That new episodes run by the published version, and older ones keep theirs, is tried over
HTTP in tests/workflowadmin.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import signing_in
from tests.browser.axe import assert_no_axe_violations
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role

STEPS_IN_AND_OUT = """\
transitions:
  - trigger: ask_for_registration
    title: Ask the children's centre to register the family
    source: identified
    dest: awaiting_registration
    roles: [assessor]
  - trigger: record_registration
    title: Record the family's registration
    source: awaiting_registration
    dest: identified
    roles: [assessor]
"""


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    signing_in.sign_in(page, live_server, email)


@pytest.fixture
def eastmoor(live_app):
    with live_app.app_context():
        borough = make_borough("eastmoor", name="London Borough of Eastmoor")
        council = make_organisation(borough, name="Eastmoor Council")
        school = make_organisation(borough, name="Eastmoor School")
        first = make_user(council, Role.BOROUGH_ADMIN)
        second = make_user(council, Role.BOROUGH_ADMIN)
        make_user(school)
        db.session.commit()
        return {"first": first.email, "second": second.email}


def test_an_override_is_drafted_checked_live_previewed_and_published(
    page, live_app, live_server, eastmoor, artifacts
):
    sign_in(page, live_server, eastmoor["first"])
    page.get_by_role("link", name="Change your borough's CAF workflow").click()
    page.get_by_role("button", name="Start a draft of your borough's workflow").click()
    draft_url = page.url
    expect(page.locator("#check-passed")).to_contain_text("No problems")
    page.locator("#workflow-diagram[data-rendered='true'] svg").wait_for()
    assert_no_axe_violations(page, "workflow draft")

    page.get_by_role("link", name="Add a stage").click()
    page.get_by_role("button", name="Add it to the draft").click()  # nothing filled in
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page, "add a stage, with errors")
    page.get_by_label("Stage id").fill("awaiting_registration")
    page.get_by_label("Name", exact=True).fill("Awaiting registration")
    page.get_by_label("Who can see the episode and change what in this stage").select_option(
        "identified"
    )
    page.get_by_role("button", name="Add it to the draft").click()
    page.wait_for_url(draft_url)
    # Saved, but nothing leads to the stage yet: the check says so, and nothing is drawn.
    expect(page.locator("#check-problems")).to_contain_text("awaiting_registration")
    expect(page.locator(".govuk-tag--red")).to_contain_text("problem")

    # Typing the steps in and out: the check and the diagram follow, before any save.
    editor = page.get_by_label("The draft as YAML")
    editor.fill(editor.input_value().rstrip("\n") + "\n" + STEPS_IN_AND_OUT)
    expect(page.locator("#check-results")).to_have_attribute("data-valid", "true", timeout=15000)
    expect(page.locator("#check-passed")).to_contain_text("not saved yet")
    drawing = page.locator("#workflow-diagram[data-rendered='true'] svg")
    expect(drawing).to_contain_text("Awaiting registration", timeout=15000)

    page.get_by_role("button", name="Check and save").click()
    page.wait_for_url(draft_url)
    expect(page.locator("main")).to_contain_text("The draft was saved. The workflow passes")
    page.locator("#workflow-diagram[data-rendered='true'] svg").wait_for()
    expect(page.locator("#stages")).to_be_visible()
    expect(page.locator("tr[data-state='awaiting_registration']")).to_contain_text(
        "Awaiting registration"
    )
    page.screenshot(path=str(artifacts / "workflow-draft.png"), full_page=True)
    page.screenshot(path=str(artifacts / "workflow-draft-top.png"))
    page.locator("#workflow-diagram").screenshot(path=str(artifacts / "workflow-diagram.png"))
    assert_no_axe_violations(page, "workflow draft that passes the check")

    page.get_by_role("link", name="Ask for approval to publish").click()
    page.get_by_label("Why is this change needed?").fill(
        "Families register with a children's centre before the assessment"
    )
    page.get_by_role("button", name="Ask for approval to publish").click()
    expect(page.locator("main")).to_contain_text("Awaiting approval")

    sign_in(page, live_server, eastmoor["second"])
    page.get_by_role("link", name="Publish a new version of the borough's workflow").click()
    page.get_by_role("link", name="Approve and publish").click()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator("main")).to_contain_text("Published")
    page.goto(f"{live_server}/admin/workflows")
    expect(page.locator("#your-workflow ~ ul").first).to_contain_text("Version 1")
