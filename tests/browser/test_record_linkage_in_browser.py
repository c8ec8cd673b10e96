"""A real browser on record linkage: an import queues a child who may already be in the
index; the borough CAF contact follows the home page's link to the queue, compares the two
records side by side, merges them, then undoes the merge, by keyboard where a person would;
axe-core finds nothing on any of the pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.children.people import fenwick_caf_contact
from webapp import db
from webapp.children import imports
from webapp.children.merge_models import ChildMerge
from webapp.children.models import Child

HEADER = (
    "source_id,given_names,family_name,date_of_birth,sex,nhs_number,unique_pupil_number,"
    "address_line_1,address_line_2,town,postcode\n"
)
CENSUS = HEADER + "SC-1,Amelia,Testperson,2016-04-12,female,,,,,,\n"
HEALTH = HEADER + "H-2,Amelia,Newname,2016-04-12,female,,,9 Other Road,,Otherton,E2 7QQ\n"


@pytest.fixture
def contact_email(live_app):
    with live_app.app_context():
        fenwick, contact = fenwick_caf_contact()
        for source, content in (("School census", CENSUS), ("Health", HEALTH)):
            request = imports.ImportRequest(fenwick.id, source, f"{source}.csv")
            imports.import_file(db.session, request, content.encode(), today=date.today())
        db.session.commit()
        return contact.email


def merged_into(live_app) -> int | None:
    with live_app.app_context():
        return db.session.scalars(
            select(Child.merged_into_id).where(Child.family_name == "Newname")
        ).one()


def test_the_caf_contact_merges_a_queued_pair_then_undoes_it(
    page, live_server, live_app, contact_email
):
    sign_in(page, live_server, contact_email)
    page.get_by_role("link", name="Possible duplicates in the child index").click()
    page.wait_for_url(f"{live_server}/child-index/linkage")
    assert "Newname" in page.locator("#link-reviews").inner_text()
    assert_no_axe_violations(page, "linkage queue")

    page.locator("#link-reviews a").first.click()
    assert page.locator("h1").inner_text() == "Are these records of the same child?"
    comparison = page.locator("#comparison").inner_text()
    assert "Disagrees: different" in comparison and "Agrees: the same" in comparison
    assert "Testperson" in page.locator("#two-records").inner_text()
    assert_no_axe_violations(page, "linkage review")

    page.get_by_role("button", name="Save").click()  # nothing chosen: the GOV.UK error
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page, "linkage review with an error")
    page.get_by_label("Yes, merge them into the record already in the index").check()
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/child-index/linkage")
    assert "Records merged" in page.content()
    assert merged_into(live_app) is not None

    page.locator("#merges a").first.click()
    assert page.locator("h1").inner_text() == "Merge of two records"
    assert_no_axe_violations(page, "merge")
    page.get_by_role("button", name="Undo this merge").click()
    assert "the two records are apart again" in page.content()
    assert merged_into(live_app) is None
    with live_app.app_context():
        assert db.session.scalars(select(ChildMerge)).one().unmerged_at is not None
    assert_no_axe_violations(page, "merge undone")
