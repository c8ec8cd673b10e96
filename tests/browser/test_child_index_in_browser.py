"""A real browser on the child index: the results heading takes the focus and sits near the
top of the page, a misspelt name is found and said to be a close match, the reason's
follow-up question is revealed, and axe-core finds nothing (no aria-expanded on a radio)."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import no_sideways_scroll, sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.boroughs.models import Sector


@pytest.fixture
def practitioner(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        user = make_user(school, email="alex@riverside.example")
        make_child(riverside, given_names="Zain", family_name="Anderson")
        db.session.commit()
        return user.email


@pytest.mark.parametrize("width", [1280, 320])
def test_the_results_take_the_focus_near_the_top_of_the_page(
    page, live_server, practitioner, width, artifacts
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, practitioner)
    page.goto(f"{live_server}/child-index")
    assert_no_axe_violations(page, "child index search")

    page.check("input[name='reason'][value='other']")
    reveal = page.locator("#conditional-reason-4")
    assert reveal.is_visible()
    assert (
        page.locator("input[name='reason'][value='other']").get_attribute("aria-expanded") is None
    )
    assert_no_axe_violations(page, "child index search with the reason's question shown")
    page.fill("#reason_details", "Checking before a school meeting")
    page.fill("#given_name", "Zane")
    page.fill("#family_name", "Andersen")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(f"{live_server}/child-index")
    page.wait_for_load_state("load")

    assert page.evaluate("document.activeElement.id") == "results"
    assert page.locator("#results").inner_text() == "1 child found"
    top = page.evaluate("document.getElementById('results').getBoundingClientRect().top")
    assert top < 500, f"the results start {top}px down the page"
    assert "We also looked for similar names" in page.locator("#how-matched").inner_text()
    assert "Close match" in page.locator(".govuk-summary-card").inner_text()
    assert no_sideways_scroll(page)
    assert_no_axe_violations(page, "child index results")
    page.screenshot(path=str(artifacts / f"child-index-results-{width}.png"), full_page=True)
