"""A borough administrator uploads a Word template with the keyboard and the mouse, sees a
refused placeholder as a GOV.UK error, and axe-core finds nothing on the pages."""

from __future__ import annotations

from tests.browser.axe import assert_no_axe_violations
from tests.documents.test_uploaded_templates import word_file
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


def test_templates_are_uploaded_and_refused_in_the_browser(
    page, live_app, live_server, artifacts, tmp_path
):
    with live_app.app_context():
        borough = make_borough("eastmoor")
        admin = make_user(make_organisation(borough, Sector.LOCAL_AUTHORITY), Role.BOROUGH_ADMIN)
        email = admin.email
        db.session.commit()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(word_file("{{ answers.shoe_size }}"))
    good = tmp_path / "good.docx"
    good.write_bytes(word_file("Eastmoor template {{ document.reference }}"))

    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/admin/documents")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Common Assessment Framework form").click()
    page.get_by_role("heading", name="Common Assessment Framework form template").wait_for()
    assert_no_axe_violations(page)

    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Upload and use this template").click()
    page.get_by_text("There is a problem").wait_for()
    assert "answers.shoe_size" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "template-refused.png"), full_page=True)

    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Upload and use this template").click()
    page.get_by_text("Uploaded template, version 1").first.wait_for()
    assert_no_axe_violations(page)
