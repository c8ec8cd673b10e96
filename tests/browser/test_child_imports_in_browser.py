"""A real browser on the child index's imports: the borough CAF contact follows the link
from the home page to the runs of the borough's sources; axe-core finds nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.children.people import fenwick_caf_contact
from webapp import db
from webapp.children import imports

TEMPLATE = Path(__file__).resolve().parents[2] / "docs" / "import-examples" / "children.csv"


@pytest.fixture
def contact_email(live_app):
    with live_app.app_context():
        fenwick, contact = fenwick_caf_contact()
        request = imports.ImportRequest(fenwick.id, "School census", "census.csv", complete=True)
        imports.import_file(db.session, request, TEMPLATE.read_bytes(), today=date.today())
        db.session.commit()
        return contact.email


def test_the_caf_contact_reads_the_import_runs(page, live_server, contact_email):
    sign_in(page, live_server, contact_email)
    page.get_by_role("link", name="Imports into the child index").click()
    page.wait_for_url(f"{live_server}/child-index/imports")
    assert page.locator("h1").inner_text() == "Imports into the child index"
    assert "School census" in page.locator("#import-runs").inner_text()
    assert page.locator("#import-sources tbody tr td").nth(1).inner_text() == "3"
    assert_no_axe_violations(page, "import runs")
