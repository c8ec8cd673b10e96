"""A practitioner downloads a Word document, produces a copy for a consented agency and
checks a copy, with the keyboard and the mouse; axe-core finds nothing on the pages."""

from __future__ import annotations

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD
from tests.sharing.world import build_world
from tests.two_factor import pass_second_step_in_browser
from webapp import db


def test_documents_are_downloaded_shared_and_checked_in_the_browser(
    page, live_app, live_server, artifacts, tmp_path
):
    with live_app.app_context():
        world = build_world(state="assessed")
        email, episode_id = world.assessor.email, world.episode.id
        db.session.commit()

    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/episodes/{episode_id}")
    page.get_by_role("link", name="Documents for signature, and signed copies").click()
    page.get_by_role("heading", name="Documents", exact=True).wait_for()
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "documents.png"), full_page=True)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download Consent of", exact=False).first.click()
    consent_copy = tmp_path / "consent.docx"
    downloading.value.save_as(consent_copy)
    assert consent_copy.read_bytes().startswith(b"PK")

    page.get_by_role("link", name="Produce a copy for another agency").click()
    assert_no_axe_violations(page)
    page.get_by_label("Which document?").select_option(index=1)
    page.get_by_label("Which agency?").select_option(label="Riverside Police")
    page.get_by_role("button", name="Produce the document").click()
    page.locator(".govuk-error-summary").wait_for()
    assert (
        "not in the agencies the family agreed" in page.locator(".govuk-error-summary").inner_text()
    )
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)
    page.get_by_label("Which agency?").select_option(label="Riverside Health Visiting")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Produce the document").click()
    assert downloading.value.suggested_filename.endswith(".docx")

    page.goto(f"{live_server}/documents/check")
    assert_no_axe_violations(page)
    page.set_input_files("#document", str(consent_copy))
    page.get_by_role("button", name="Check the document").focus()
    page.keyboard.press("Enter")
    page.get_by_text("This is an unchanged copy").wait_for()
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "documents-check.png"), full_page=True)
