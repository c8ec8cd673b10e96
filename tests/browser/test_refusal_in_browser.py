"""A real browser: the family refuse consent to the CAF. The assessor notes the refusal,
downloads the refusal note for their own files, and finds nothing of the CAF left in the
child index (CWDC 2009, 4.16: "the practitioner should make a note of this in their
personal files"; 4.18: "nothing can be stored"). axe-core checks each page."""

import docx
import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_child, make_organisation, make_user
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.boroughs.models import Sector
from webapp.episodes.models import Episode

SAID = "Dad does not want anything written down about the family."


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        assessor = make_user(school, email="alex@riverside.example")
        child = make_child(riverside, given_names="Noor", family_name="Declines")
        episode = Episode(
            reference="RIV-2026-00077",
            child=child,
            borough_id=riverside.id,
            state="identified",
            workflow_id="caf",
            workflow_version=1,
            assessor=assessor,
        )
        db.session.add(episode)
        db.session.commit()
        return {"assessor": assessor.email, "episode_id": episode.id}


def test_a_refusal_is_noted_downloaded_and_leaves_nothing_in_the_index(
    page, live_server, people, artifacts
):
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", people["assessor"])
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, people["assessor"])
    page.wait_for_url(f"{live_server}/")

    episode = f"{live_server}/episodes/{people['episode_id']}"
    page.goto(episode)
    page.get_by_role("link", name="note the refusal for your own files").click()
    page.wait_for_url(f"{episode}/consent/refusal")
    assert_no_axe_violations(page, "refusal form")

    # Submitted empty: GOV.UK errors, nothing erased.
    page.get_by_role("button", name="Delete this CAF and make my note").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert "Select what they refused" in summary.inner_text()
    assert_no_axe_violations(page, "refusal form with errors")

    page.check("input[name='refused'][value='assess']")
    page.check("input[name='given_by'][value='parent_carer']")
    page.fill("input[name='given_by_name']", "Sam Declines")
    page.fill("input[name='relationship_to_child']", "Father")
    page.check("input[name='parental_responsibility'][value='yes']")
    page.check("input[name='method'][value='verbal']")
    page.fill("input[name='given_on-day']", "2")
    page.fill("input[name='given_on-month']", "3")
    page.fill("input[name='given_on-year']", "2026")
    page.fill("textarea[name='comment']", SAID)
    page.get_by_role("button", name="Delete this CAF and make my note").click()
    page.locator(".govuk-panel").wait_for(state="visible")
    assert "Nothing of the CAF is kept in eCAF" in page.inner_text("main")
    assert SAID in page.inner_text("main")
    assert_no_axe_violations(page, "refusal noted")
    page.screenshot(path=str(artifacts / "refusal-noted.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the note (Word document)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("refusal-note-")
    note = docx.Document(str(download.path()))
    cells = [cell.text for table in note.tables for row in table.rows for cell in row.cells]
    assert "Noor Declines" in cells
    assert SAID in cells
    assert "Sam Declines, Father, with parental responsibility" in cells

    # The old episode is gone, and the child index shows no CAF and nobody working with her.
    response = page.goto(episode)
    assert response.status == 404
    page.goto(f"{live_server}/child-index")
    page.check("input[name='reason'][value='existing_caf']")
    page.fill("input[name='given_name']", "Noor")
    page.fill("input[name='family_name']", "Declines")
    page.get_by_role("button", name="Search").click()
    card = page.locator(".govuk-summary-card", has_text="Noor Declines")
    card.wait_for(state="visible")
    assert "No CAF has been started." in card.inner_text()
    assert "Nobody recorded." in card.inner_text()
    assert "RIV-2026-00077" not in page.content()
