"""A real browser: what is typed on a section is kept as a draft a few seconds later, and
comes back, with a notice, when the page is loaded again; axe-core finds nothing wrong."""

from tests.browser import test_assessment_in_browser as in_browser
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in

assessment = in_browser.assessment  # an assessor with an assessment just started


def test_typing_is_kept_and_restored_after_a_reload(page, live_server, assessment, artifacts):
    sign_in(page, live_server, assessment["email"])
    section = "sections/assessment_information"
    page.goto(
        f"{live_server}/episodes/{assessment['episode_id']}/forms/"
        f"{assessment['response_id']}/{section}"
    )
    page.focus("#people_present")
    page.keyboard.type("Ada, her mother and the school nurse")
    page.locator("#draft-status", has_text="kept as a draft").wait_for(timeout=15_000)
    page.reload()
    assert page.input_value("#people_present") == "Ada, her mother and the school nurse"
    notice = page.locator("#kept-draft").inner_text()
    assert "We kept what you were typing on" in notice
    assert_no_axe_violations(page, "a section with a kept draft")
    page.screenshot(path=str(artifacts / "section-kept-draft.png"), full_page=True)

    page.get_by_role("button", name="Discard what you were typing").click()
    page.wait_for_load_state("load")
    assert page.input_value("#people_present") == ""
    assert page.locator("#kept-draft").count() == 0
