"""The system administrator adds a borough in a real browser (correcting errors first);
its administrator sets a password from the e-mailed link, imports its organisations, has a
bad file of accounts refused whole with its report, then imports a good one. axe-core
finds nothing on any of these pages."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.mailbox import delivered_to, link_in
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.access.permissions import Role

NEW_PASSWORD = "a long and personal passphrase"
ORGANISATIONS = (
    b"name,sector,email,phone\n"
    b"Fenwick Primary School,school,office@fenwick-primary.example,020 7946 0200\n"
    b"Fenwick Health Visiting,health,,\n"
)
BAD_USERS = (
    b"full_name,email,organisation,roles,team\n"
    b"Nadia Brook,nadia.brook@fenwick.example,Fenwick Primary School,practitioner,Pastoral team\n"
    b"=Owen Pike,owen.pike@fenwick.example,Fenwick Bakery,borough administrator,Pastoral team\n"
)
GOOD_USERS = (
    b"full_name,email,organisation,roles,team\n"
    b"Nadia Brook,nadia.brook@fenwick.example,Fenwick Primary School,practitioner,Pastoral team\n"
    b"Owen Pike,owen.pike@fenwick.example,Fenwick Primary School,manager,Pastoral team\n"
)


@pytest.fixture
def system_admin(live_app):
    with live_app.app_context():
        borough = make_borough("riverside", name="London Borough of Riverside")
        admin = make_user(make_organisation(borough), Role.SYSTEM_ADMIN, email="sys@ecaf.example")
        db.session.commit()
        return admin.email


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")


def upload(page, content: bytes, name: str):
    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.get_by_role("button", name="Check and import").click()


def test_a_borough_is_added_and_its_administrator_imports_its_people(
    browser, live_app, live_server, system_admin, artifacts
):
    system = browser.new_page()
    sign_in(system, live_server, system_admin)
    system.get_by_role("link", name="Add and see the local authorities using eCAF").click()
    assert system.locator("h1").inner_text() == "Local authorities"
    assert_no_axe_violations(system, "local authorities")

    system.get_by_role("button", name="Add a local authority").click()
    system.fill("#name", "London Borough of Fenwick")
    system.fill("#code", "Fen wick")
    system.get_by_role("button", name="Add the borough").click()
    system.locator(".govuk-error-summary").wait_for(state="visible")
    assert system.title().startswith("Error: ")
    assert_no_axe_violations(system, "add a local authority, with errors")

    system.fill("#code", "fenwick")
    system.check("input[name=kind][value=london_borough]")
    system.fill("#contact_email", "caf@fenwick.example")
    system.fill("#admin_name", "Ama Mensah")
    system.fill("#admin_email", "ama.mensah@fenwick.example")
    system.get_by_role("button", name="Add the borough").click()
    banner = system.locator(".govuk-notification-banner")
    banner.wait_for(state="visible")
    assert "ama.mensah@fenwick.example" in banner.inner_text()
    assert system.locator("h1").inner_text() == "London Borough of Fenwick"
    assert_no_axe_violations(system, "the new borough's page")
    system.get_by_role("button", name="Add an organisation").click()
    assert_no_axe_violations(system, "add an organisation")
    system.close()

    (message,) = delivered_to(live_app, "ama.mensah@fenwick.example")
    admin = browser.new_page()
    admin.goto(live_server + link_in(message))
    admin.fill("#password", NEW_PASSWORD)
    admin.fill("#confirm", NEW_PASSWORD)
    admin.get_by_role("button", name="Set your password").click()
    admin.wait_for_url(f"{live_server}/sign-in*")
    sign_in(admin, live_server, "ama.mensah@fenwick.example", NEW_PASSWORD)

    admin.get_by_role("link", name="Import your borough's organisations from a CSV file").click()
    assert_no_axe_violations(admin, "import organisations")
    upload(admin, ORGANISATIONS, "organisations.csv")
    admin.locator(".govuk-notification-banner").wait_for(state="visible")
    assert "2 organisations imported" in admin.locator(".govuk-notification-banner").inner_text()

    admin.get_by_role("link", name="import the people who work for them").click()
    assert admin.locator("h1").inner_text() == "Import user accounts"
    assert_no_axe_violations(admin, "import user accounts")
    upload(admin, BAD_USERS, "people.csv")
    admin.locator(".govuk-error-summary").wait_for(state="visible")
    assert admin.title().startswith("Error: ")
    assert "Nothing has been imported" in admin.locator(".govuk-error-summary").inner_text()
    report = admin.locator(".ecaf-import-report").inner_text()
    assert "Fenwick Bakery" in report and "must not start with =" in report
    assert "cannot be given by import" in report
    assert_no_axe_violations(admin, "a refused import's report")
    admin.screenshot(path=str(artifacts / "import-report.png"), full_page=True)
    admin.get_by_role("link", name="The file has problems on 1 row").click()
    assert admin.evaluate("document.activeElement.id") == "file"

    upload(admin, GOOD_USERS, "people.csv")
    banner = admin.locator(".govuk-notification-banner")
    banner.wait_for(state="visible")
    assert "2 accounts imported" in banner.inner_text()
    assert admin.locator("h1").inner_text() == "User accounts"
    assert "Nadia Brook" in admin.content() and "Owen Pike" in admin.content()
    assert_no_axe_violations(admin, "accounts after the import")
    assert delivered_to(live_app, "nadia.brook@fenwick.example")
    assert delivered_to(live_app, "owen.pike@fenwick.example")
