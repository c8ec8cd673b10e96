"""A real browser: the episode page's "What happens next" and the team page of an episode
led by a parent, whose steps the coordinator takes in eCAF, with no axe-core violations."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.factories import (
    PASSWORD,
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.boroughs.models import Sector
from webapp.tac.models import MemberKind, MemberStatus, TacMember


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
        health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health Visiting")
        assessor = make_user(school, email="alex@riverside.example")
        nurse = make_user(health, email="nina@health.example")
        episode = make_episode(
            make_child(riverside, given_names="Maya", family_name="Example"),
            assessor,
            state="delivering",
            coordinator=nurse,
        )
        make_consent(episode, assessor)
        members = [
            TacMember(
                episode_id=episode.id,
                kind=MemberKind.PRACTITIONER,
                status=MemberStatus.ACTIVE,
                user_id=nurse.id,
                name=nurse.full_name,
                invited_by_id=assessor.id,
            ),
            TacMember(
                episode_id=episode.id,
                kind=MemberKind.PARENT_CARER,
                status=MemberStatus.ACTIVE,
                name="Pat Example",
                role="Mother",
                invited_by_id=assessor.id,
            ),
        ]
        db.session.add_all(members)
        db.session.flush()
        episode.lead_member_id = members[1].id
        episode.acting_for_lead_id = nurse.id
        db.session.commit()
        return {
            "assessor": assessor.email,
            "nurse": nurse.email,
            "nurse_name": nurse.full_name,
            "id": episode.id,
        }


def test_what_happens_next_and_a_parent_lead_are_accessible(page, live_server, people, artifacts):
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", people["assessor"])
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, people["assessor"])
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/episodes/{people['id']}")
    next_step = page.locator("#next-step")
    assert next_step.is_visible()
    assert f"Waiting for {people['nurse_name']} (for Pat Example (mother)" in (
        next_step.inner_text()
    )
    assert_no_axe_violations(page, "episode page")

    page.goto(f"{live_server}/episodes/{people['id']}/tac")
    said = page.locator("#lead-professional-summary").inner_text()
    assert said == (
        f"Pat Example (mother) is the lead professional; {people['nurse_name']} takes their "
        "steps in eCAF."
    )
    assert_no_axe_violations(page, "team around the child")

    # The coordinator, who acts for the parent, sees the saved choice on the lead page.
    page.context.clear_cookies()
    sign_in(page, live_server, people["nurse"])
    page.goto(f"{live_server}/episodes/{people['id']}/tac")
    page.screenshot(path=str(artifacts / "team-summary.png"), full_page=True)
    page.get_by_role("link", name="Change the lead professional").click()
    page.wait_for_url(f"{live_server}/episodes/{people['id']}/tac/lead")
    chosen = page.locator("select[name='lead-member_id'] option:checked").inner_text()
    assert chosen.startswith("Pat Example")
    acting = page.locator("select[name='lead-acting_member_id'] option:checked").inner_text()
    assert acting.startswith(people["nurse_name"])
    assert people["nurse_name"] in page.locator("#who-acts").inner_text()
    assert_no_axe_violations(page, "lead professional")
    page.screenshot(path=str(artifacts / "team-lead-professional.png"), full_page=True)
