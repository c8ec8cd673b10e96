"""A real browser: a lead professional records a case-by-case decision to share without
consent (CWDC 2009, 4.22: "Practitioners must make a judgement on the facts of the
individual case"), and their manager reviews it from the home page (4.25: "seek advice
from your line manager"). axe-core checks each page."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.sharing.world import build_world

FACTS = "Mum said her new partner has a conviction for violence; no harm seen yet."


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        world = build_world(state="delivering")
        return {
            "lead": world.lead_professional.email,
            "manager": world.manager.email,
            "episode_id": world.episode.id,
            "police_id": world.police.id,
        }


def test_a_case_by_case_decision_is_recorded_and_reviewed_by_the_manager(
    browser, live_server, people, artifacts
):
    practitioner = browser.new_page()
    sign_in(practitioner, live_server, people["lead"])
    register = f"{live_server}/episodes/{people['episode_id']}/sharing"
    practitioner.goto(register)
    practitioner.get_by_role("link", name="Record a decision to share without consent").click()
    practitioner.wait_for_url(f"{register}/public-interest")
    assert_no_axe_violations(practitioner, "decision form")

    practitioner.select_option("select[name='organisation_id']", str(people["police_id"]))
    practitioner.fill("textarea[name='what']", "That the partner has a conviction for violence.")
    practitioner.check("input[name='public_interest_ground'][value='public_interest_judgement']")
    practitioner.fill("textarea[name='public_interest_reasons']", FACTS)
    practitioner.get_by_role("button", name="Record the decision to share").click()
    summary = practitioner.locator(".govuk-error-summary")
    summary.wait_for(state="visible")
    assert "Enter why sharing is necessary, and proportionate to the need" in summary.inner_text()
    assert_no_axe_violations(practitioner, "decision form with errors")

    practitioner.fill(
        "textarea[name='public_interest_necessity']",
        "The police must know before the joint home visit; only that fact.",
    )
    practitioner.check("input[name='public_interest_family_told'][value='no']")
    practitioner.fill(
        "textarea[name='public_interest_family_not_told_reason']",
        "Telling the partner could put mum and the child at risk.",
    )
    practitioner.check("input[name='public_interest_advice_taken'][value='yes']")
    practitioner.fill("input[name='public_interest_advice_from']", "Sam, safeguarding lead")
    practitioner.get_by_role("button", name="Record the decision to share").click()
    practitioner.wait_for_url(register)
    table = practitioner.locator("table.ecaf-sharing-register").inner_text()
    assert FACTS in table
    assert "Waiting for the manager's review" in table
    assert_no_axe_violations(practitioner, "register")

    manager = browser.new_page()
    sign_in(manager, live_server, people["manager"])
    worklist = manager.locator("[data-sharing-reviews]")
    assert "Decisions to share without consent to review (1)" in worklist.inner_text()
    assert_no_axe_violations(manager, "manager's home page")
    worklist.get_by_role("link").click()
    manager.wait_for_url(f"{live_server}/sharing/decisions/*/review")
    assert FACTS in manager.inner_text("main")
    assert_no_axe_violations(manager, "review form")
    manager.check("input[name='agreed'][value='agreed']")
    manager.fill("textarea[name='comment']", "Justified and proportionate.")
    manager.get_by_role("button", name="Save the review").click()
    manager.wait_for_url(f"{live_server}/#sharing-reviews")
    assert "No decision to share without consent is waiting for your review." in (
        manager.inner_text("main")
    )

    practitioner.goto(register)
    table = practitioner.locator("table.ecaf-sharing-register").inner_text()
    assert "Manager agreed" in table
    assert "Justified and proportionate." in table
    practitioner.screenshot(path=str(artifacts / "sharing-review.png"), full_page=True)
