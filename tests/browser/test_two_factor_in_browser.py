"""Two-factor sign-in in a real browser: a person sets up their app at their first sign-in
(reading the secret shown for typing into an app), signs in again with a code from it, then
with a recovery code, and creates new codes; their administrator resets it and sets the
borough's requirement. axe-core finds nothing on any of these pages, errors included."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.two_factor import browser_code
from webapp import db
from webapp.access.permissions import Role


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        borough = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(borough, name="Riverside Primary School")
        make_user(school, email="nia@riverside.example", two_factor=False)
        make_user(school, Role.BOROUGH_ADMIN, email="ash@riverside.example")
        phone_lost = make_user(school, email="lee@riverside.example")
        phone_lost.full_name = "Lee Lost"
        db.session.commit()
    return {"person": "nia@riverside.example", "admin": "ash@riverside.example"}


def password_step(page, live_server, email):
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.locator("h1", has_text="Sign in to eCAF").wait_for()


def test_a_person_sets_up_their_app_signs_in_with_it_and_recovers_with_a_code(
    page, live_server, people, artifacts
):
    email = people["person"]
    password_step(page, live_server, email)
    page.wait_for_url(f"{live_server}/sign-in/two-factor/set-up")
    assert page.locator("svg[role=img]").is_visible()
    assert_no_axe_violations(page, "set up two-factor sign-in")

    page.fill("#code", "12")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "set up two-factor sign-in with an error")
    page.click(".govuk-error-summary__list a >> nth=0")
    assert page.evaluate("document.activeElement.id") == "code"

    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    page.fill("#code", browser_code(email, secret))
    page.get_by_role("button", name="Continue").click()
    page.locator("h1", has_text="Two-factor sign-in is set up").wait_for()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    download = page.get_by_role("link", name="Download the codes")
    assert download.get_attribute("download") == "ecaf-recovery-codes.txt"
    assert_no_axe_violations(page, "recovery codes")
    page.screenshot(path=str(artifacts / "two-factor-recovery-codes.png"), full_page=True)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(f"{live_server}/")

    # Signing in again: the password, then a code from the app
    sign_out(page)
    password_step(page, live_server, email)
    page.wait_for_url(f"{live_server}/sign-in/two-factor")
    assert_no_axe_violations(page, "enter the code")
    page.fill("#code", "000000" if browser_code(email, secret) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert_no_axe_violations(page, "enter the code with an error")
    page.fill("#code", browser_code(email, secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server}/")

    # Without the phone: a recovery code
    sign_out(page)
    password_step(page, live_server, email)
    page.wait_for_url(f"{live_server}/sign-in/two-factor")
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.wait_for_url(f"{live_server}/sign-in/recovery-code")
    assert_no_axe_violations(page, "enter a recovery code")
    page.fill("#code", codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server}/")
    assert (
        "You have 9 recovery codes left" in page.locator(".govuk-notification-banner").inner_text()
    )

    # New codes from the account page
    page.get_by_role("link", name="Your account").click()
    page.wait_for_url(f"{live_server}/account")
    assert "You have 9 unused recovery codes" in page.locator("main").inner_text()
    assert_no_axe_violations(page, "your account")
    page.get_by_role("link", name="Create new recovery codes").click()
    assert_no_axe_violations(page, "create new recovery codes")
    page.fill("#code", browser_code(email, secret))
    page.get_by_role("button", name="Create new recovery codes").click()
    page.locator("h1", has_text="Your new recovery codes").wait_for()
    assert set(page.locator("#recovery-codes code").all_inner_texts()).isdisjoint(codes)
    assert_no_axe_violations(page, "new recovery codes")


def test_an_administrator_resets_a_persons_two_factor_and_sets_the_requirement(
    page, live_server, people
):
    password_step(page, live_server, people["admin"])
    page.wait_for_url(f"{live_server}/sign-in/two-factor")
    page.fill("#code", browser_code(people["admin"]))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/admin/users")
    page.get_by_role("link", name="Two-factor sign-in for the borough").click()
    assert_no_axe_violations(page, "two-factor requirement")
    page.check("input[name=required][value=no]")
    page.get_by_role("button", name="Save").click()
    assert "Only people who have set up an authenticator app" in (
        page.locator(".govuk-notification-banner").inner_text()
    )

    page.goto(f"{live_server}/admin/users?q=lee")
    page.get_by_role("link", name="Lee Lost").click()
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    page.locator("h1", has_text="Reset two-factor sign-in?").wait_for()
    assert_no_axe_violations(page, "reset two-factor sign-in")
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "reset two-factor sign-in with an error")
    page.fill("#reason", "New phone; checked by calling the school office")
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    assert "two-factor sign-in has been reset" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    assert "Not set up yet" in page.locator(".govuk-summary-list").inner_text()
