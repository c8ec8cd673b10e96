"""A real browser signs in, reaches the home page by keyboard, and axe-core finds nothing."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.two_factor import pass_second_step_in_browser
from webapp import db


@pytest.fixture
def practitioner(live_app):
    with live_app.app_context():
        user = make_user(
            make_organisation(make_borough("riverside", name="London Borough of Riverside")),
            email="sam@riverside.example",
        )
        db.session.commit()
        return user.email


def test_sign_in_with_the_keyboard_and_see_the_home_page(
    page, live_server, practitioner, artifacts
):
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/sign-in")
    assert_no_axe_violations(page, "sign-in")

    page.keyboard.press("Tab")  # the first stop is the skip link
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.focus("#email")
    page.keyboard.type(practitioner)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, practitioner)
    page.wait_for_url(f"{live_server}/")

    assert page.title() == "Your work – eCAF – Common Assessment Framework"
    assert page.locator("h1").inner_text() == "Your work"
    assert "London Borough of Riverside" in page.locator(".govuk-service-navigation").inner_text()
    assert page.locator(".govuk-phase-banner").is_visible()
    assert_no_axe_violations(page, "home")
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)

    page.goto(f"{live_server}/episodes/424242")
    assert page.locator("h1").inner_text() == "Page not found"
    assert_no_axe_violations(page, "not found")


def test_sign_in_errors_are_accessible_and_link_to_the_field(page, live_server, practitioner):
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "sign-in errors")
    page.click(".govuk-error-summary__list a >> nth=0")
    assert page.evaluate("document.activeElement.id") == "email"


def test_the_idle_warning_offers_to_stay_signed_in(page, live_app, live_server, practitioner):
    live_app.config["SESSION_IDLE_MINUTES"] = 1
    live_app.config["SESSION_WARNING_MINUTES"] = 1
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", practitioner)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, practitioner)
    page.wait_for_url(f"{live_server}/")

    dialog = page.locator("dialog.ecaf-timeout-dialog")
    dialog.wait_for(state="visible", timeout=5000)
    assert "You will be signed out soon" in dialog.inner_text()
    assert_no_axe_violations(page, "idle warning")
    page.keyboard.press("Enter")  # the focused "Stay signed in" button
    dialog.wait_for(state="hidden", timeout=5000)
    assert page.locator("h1").inner_text() == "Your work"
