"""The episode page always says what happens next: what the signed-in person can do, or who
must act and what for, by name or role, in an inset text (never only in a collapsed
section), and never a step the server would refuse."""

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.episodes.journey import Person, reload
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.assessments import services
from webapp.assessments.models import ResponseStatus
from webapp.boroughs.models import Sector
from webapp.episodes import workflow
from webapp.tac.models import MemberKind, MemberStatus, TacMember


@pytest.fixture
def people(app):
    borough = make_borough("riverside", name="London Borough of Riverside")
    school = make_organisation(borough, Sector.SCHOOL)
    health = make_organisation(borough, Sector.HEALTH)
    council = make_organisation(borough, Sector.LOCAL_AUTHORITY)
    found = {
        "borough": borough,
        "assessor": make_user(school),
        "lead": make_user(health),
        "coordinator": make_user(health),
        "member": make_user(health),
        "manager": make_user(school, Role.MANAGER),
        "caf_contact": make_user(council, Role.BOROUGH_CAF_CONTACT),
    }
    db.session.commit()
    return found


def episode_in(people, state: str, *, riverside: bool = False, consent: bool = True, **fields):
    fields.setdefault("lead_professional", people["lead"])
    fields.setdefault("coordinator", people["coordinator"])
    if riverside:
        definition = workflow.catalogue().for_borough("riverside")
        fields.update(workflow_id=definition.id, workflow_version=definition.version)
    episode = make_episode(make_child(people["borough"]), people["assessor"], state=state, **fields)
    if consent:
        make_consent(episode, people["assessor"])
    db.session.add(
        TacMember(
            episode_id=episode.id,
            kind=MemberKind.PRACTITIONER,
            status=MemberStatus.ACTIVE,
            user_id=people["member"].id,
            name=people["member"].full_name,
            invited_by_id=people["assessor"].id,
        )
    )
    db.session.commit()
    return episode


def next_step(client, episode) -> str:
    """The inset text under "What happens next", which is not inside a details element."""
    page = BeautifulSoup(
        client.get(f"/episodes/{episode.id}").get_data(as_text=True), "html.parser"
    )
    inset = page.select_one("#next-step")
    assert inset is not None and "govuk-inset-text" in inset["class"]
    assert inset.find_parent("details") is None
    heading = page.select_one("#next-step-heading")
    assert heading is not None and heading.get_text(strip=True) == "What happens next"
    return " ".join(inset.get_text(" ").split())


def test_the_assessor_of_a_new_episode_is_told_to_record_consent_first(client, people):
    episode = episode_in(people, "identified", consent=False, lead_professional=None)
    sign_in(client, people["assessor"])
    assert next_step(client, episode).startswith(
        "Next: record the family's consent to assess and record, then start the assessment."
    )


def test_after_the_assessment_riverside_waits_for_its_borough_caf_contact(
    client, other_client, people
):
    episode = episode_in(people, "assessed", riverside=True)
    _completed(episode, "assessment", people["assessor"])
    sign_in(client, people["assessor"])
    assert next_step(client, episode) == (
        "Waiting for London Borough of Riverside's borough CAF contact to pass the quality "
        "check or return the assessment to the assessor."
    )

    contact = Person(other_client, people["caf_contact"])
    assert next_step(contact.client, episode) == (
        "Next: pass the quality check. You can also return the assessment to the assessor."
    )
    # What the page offers, the server accepts.
    assert contact.step(episode.id, "pass_quality_check").state == "quality_checked"
    assert next_step(client, reload(episode.id)).startswith("Next: ")


def test_a_team_member_is_told_who_starts_the_next_review(client, people):
    episode = episode_in(people, "delivering")
    sign_in(client, people["member"])
    lead, coordinator = people["lead"].full_name, people["coordinator"].full_name
    assert next_step(client, episode) == (
        f"Waiting for {lead} (the lead professional) or {coordinator} (the episode "
        "coordinator) to start a review."
    )


def test_the_lead_professional_is_told_what_a_review_needs(client, people):
    episode = episode_in(people, "reviewing")
    sign_in(client, people["lead"])
    assert next_step(client, episode) == (
        "Next: record a review of the plan, then continue the plan. "
        "You can also reassess the child's needs."
    )


def test_a_closure_request_waits_for_a_manager(client, people):
    episode = episode_in(people, "closure_requested", closure_requested_by_id=people["lead"].id)
    _completed(episode, "closure", people["lead"])
    sign_in(client, people["lead"])
    assert next_step(client, episode) == (
        "Waiting for a manager to approve closure or send closure back."
    )


def test_a_parents_steps_are_named_with_the_practitioner_who_takes_them(client, people):
    episode = episode_in(people, "delivering", lead_professional=None, coordinator=None)
    parent = TacMember(
        episode_id=episode.id,
        kind=MemberKind.PARENT_CARER,
        status=MemberStatus.ACTIVE,
        name="Pat Example",
        role="Mother",
        invited_by_id=people["assessor"].id,
    )
    db.session.add(parent)
    db.session.flush()
    episode.lead_member_id = parent.id
    episode.acting_for_lead_id = people["coordinator"].id
    db.session.commit()
    sign_in(client, people["member"])
    assert next_step(client, episode) == (
        f"Waiting for {people['coordinator'].full_name} (for Pat Example (mother), the lead "
        "professional) to start a review."
    )


def _completed(episode, kind: str, user) -> None:
    """A form of `kind` on the episode, marked completed (its answers do not matter here)."""
    response = services.start_response(db.session, episode, kind, user)
    response.status = ResponseStatus.COMPLETED
    db.session.commit()


WORDS = ("Next: ", "You can ", "Waiting for ", "Only ", "Nothing more happens")


@pytest.mark.parametrize("riverside", [False, True], ids=["national", "riverside"])
def test_every_stage_says_what_happens_next_to_everyone_who_can_see_it(
    app, client, people, riverside
):
    definition = (
        workflow.catalogue().for_borough("riverside")
        if riverside
        else workflow.catalogue().get("caf", 1)
    )
    viewers = ["assessor", "lead", "coordinator", "member", "manager", "caf_contact"]
    clients = {who: app.test_client() for who in viewers}
    for who in viewers:
        sign_in(clients[who], people[who])
    checked = 0
    for state in definition.states:
        episode = episode_in(
            people,
            state,
            riverside=riverside,
            closure_requested_by_id=people["lead"].id,
            transferred_to_borough_id=None,
        )
        if definition.states[state].terminal:
            episode.closed_at = episode.opened_at
            db.session.commit()
        for who in viewers:
            response = clients[who].get(f"/episodes/{episode.id}")
            if response.status_code != 200:
                continue
            said = next_step(clients[who], episode)
            assert said.startswith(WORDS), (state, who, said)
            checked += 1
        # One open episode per child: this one is finished before the next.
        episode.closed_at = episode.closed_at or episode.opened_at
        db.session.commit()
    assert checked > 2 * len(definition.states)
