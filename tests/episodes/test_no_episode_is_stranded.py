"""Every configuration reaches closure: the episodes that used to be stranded, each taken
through the real pages by the people on it, with the default workflow choices."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.episodes.journey import (
    CLOSURE,
    REVIEW,
    RIVERSIDE_ASSESSMENT,
    Person,
    assess,
    consent_form,
    member_for,
    reload,
    start_caf,
    text,
)
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
from webapp.assessments.models import FormResponse
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.consent.models import Consent
from webapp.episodes.models import EpisodeTransition
from webapp.tac.models import TacMember


class World:
    """A borough with a school, a health service and the council's CAF team."""

    def __init__(self, code: str, name: str):
        self.borough = make_borough(code, name=name)
        self.school = make_organisation(self.borough, Sector.SCHOOL, name=f"{name} Primary")
        self.health = make_organisation(self.borough, Sector.HEALTH, name=f"{name} Health")
        self.council = make_organisation(
            self.borough, Sector.LOCAL_AUTHORITY, name=f"{name} Children's Services"
        )
        self.assessor = make_user(self.school, email=f"assessor@{code}.example")
        self.nurse = make_user(self.health, email=f"nurse@{code}.example")
        self.manager = make_user(self.school, Role.MANAGER, email=f"manager@{code}.example")
        self.caf_contact = make_user(
            self.council, Role.BOROUGH_CAF_CONTACT, email=f"caf-contact@{code}.example"
        )
        self.child = make_child(self.borough)
        db.session.commit()


@pytest.fixture
def riverside(app):
    return World("riverside", "London Borough of Riverside")


# --- 1. Riverside's quality check ---------------------------------------------------------


def test_riverside_caf_contact_passes_the_quality_check_of_a_completed_assessment(
    client, other_client, riverside
):
    assessor = Person(client, riverside.assessor)
    episode_id = start_caf(assessor, riverside.child)
    assert reload(episode_id).workflow_id == "caf-riverside"
    assess(assessor, episode_id, riverside.health.id, answers=RIVERSIDE_ASSESSMENT)

    contact = Person(other_client, riverside.caf_contact)
    assert "Complete every required part of the assessment first" not in contact.page(episode_id)
    assert contact.step(episode_id, "pass_quality_check").state == "quality_checked"

    # The plan can start: the assessor leads the team, as agreed.
    assessor.join_team(episode_id)
    assessor.nominate_lead(episode_id, member_for(episode_id, riverside.assessor))
    assert assessor.step(episode_id, "start_delivery").state == "delivering"


# --- 2. A lead professional from any agency, whatever their account role -------------------


@pytest.fixture
def eastmoor(app):
    return World("eastmoor", "Eastmoor Council")


def delivering_with_lead(world: World, assessor: Person, lead: Person) -> int:
    """The assessor assesses (consent covers the school, health and the council), invites
    `lead` into the team, nominates them lead professional and starts the plan."""
    episode_id = start_caf(assessor, world.child)
    assess(assessor, episode_id, world.school.id, world.health.id, world.council.id)
    assessor.join_team(episode_id)
    assert assessor.invite(episode_id, lead.user.email, "Lead professional").status_code == 302
    lead.accept_invitation(episode_id)
    nominated = assessor.nominate_lead(episode_id, member_for(episode_id, lead.user))
    assert nominated.status_code == 302, text(nominated)[:1500]
    assert reload(episode_id).lead_professional_id == lead.user.id
    assert assessor.step(episode_id, "start_delivery").state == "delivering"
    return episode_id


def health_manager(world: World):
    """A manager in the health service (not the manager of the assessor's team)."""
    user = make_user(world.health, Role.MANAGER, email="health-manager@eastmoor.example")
    db.session.commit()
    return user


@pytest.mark.parametrize("account", ["caf_contact", "health_manager"])
def test_a_lead_professional_with_any_account_role_does_the_lead_professionals_work(
    app, client, other_client, eastmoor, account
):
    lead_user = eastmoor.caf_contact if account == "caf_contact" else health_manager(eastmoor)
    assessor = Person(client, eastmoor.assessor)
    lead = Person(other_client, lead_user)
    episode_id = delivering_with_lead(eastmoor, assessor, lead)

    recorded = lead.record_consent(episode_id, eastmoor.school.id, eastmoor.health.id)
    assert recorded.status_code == 302, text(recorded)[:1500]
    assert lead.invite(episode_id, eastmoor.nurse.email, "School nurse").status_code == 302
    assert lead.step(episode_id, "start_review").state == "reviewing"
    lead.complete_form(episode_id, "review", REVIEW)
    assert lead.step(episode_id, "continue_delivery").state == "delivering"
    lead.complete_form(episode_id, "closure", CLOSURE)
    assert lead.step(episode_id, "request_closure").state == "closure_requested"

    manager = Person(app.test_client(), eastmoor.manager)
    assert manager.step(episode_id, "approve_closure").state == "closed"


def _outsider(world: World, who: str):
    if who == "caf_contact":  # the borough's own CAF contact, not on the episode's team
        return world.caf_contact
    if who == "team_manager":  # manages the assessor's team, so sees the episode
        return world.manager
    other = make_borough("northgate", name="Northgate Council")
    user = make_user(make_organisation(other, Sector.LOCAL_AUTHORITY), Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    return user


def _changes_of(episode_id: int) -> tuple:
    episode = reload(episode_id)
    return (
        episode.state,
        len(db.session.scalars(select(Consent).where(Consent.episode_id == episode_id)).all()),
        len(db.session.scalars(select(TacMember).where(TacMember.episode_id == episode_id)).all()),
        len(
            db.session.scalars(
                select(FormResponse).where(FormResponse.episode_id == episode_id)
            ).all()
        ),
    )


@pytest.mark.parametrize("who", ["caf_contact", "team_manager", "other_borough_caf_contact"])
def test_an_account_role_alone_gives_no_work_on_an_episode(
    app, client, other_client, eastmoor, who
):
    assessor = Person(client, eastmoor.assessor)
    lead = Person(other_client, eastmoor.nurse)
    episode_id = delivering_with_lead(eastmoor, assessor, lead)
    outsider = Person(app.test_client(), _outsider(eastmoor, who))
    before = _changes_of(episode_id)
    token = outsider.client.csrf_token("/")

    def post(path, data=None):
        return outsider.client.post_form(path, {**(data or {}), "csrf_token": token})

    attempts = [
        post(f"/episodes/{episode_id}/consent/new", consent_form(eastmoor.school.id)),
        post(
            f"/episodes/{episode_id}/tac/invite",
            {"invite-email": eastmoor.nurse.email, "invite-role": "Nurse"},
        ),
        post(f"/episodes/{episode_id}/tac/lead", {"lead-member_id": "1"}),
        post(f"/episodes/{episode_id}/forms/start/review"),
        outsider.try_step(episode_id, "start_review"),
    ]

    assert [response.status_code in (403, 404) for response in attempts] == [True] * 5
    assert _changes_of(episode_id) == before


def _episode_led_by(world: World, lead_user) -> int:
    episode = make_episode(
        world.child, world.assessor, lead_professional=lead_user, state="delivering"
    )
    make_consent(episode, world.assessor)
    db.session.commit()
    return episode.id


def test_an_administrator_named_lead_professional_still_cannot_read_or_change_the_record(
    client, eastmoor
):
    admin = make_user(eastmoor.council, Role.BOROUGH_ADMIN, email="admin@eastmoor.example")
    episode_id = _episode_led_by(eastmoor, admin)
    before = _changes_of(episode_id)
    sign_in(client, admin)
    token = client.csrf_token("/")

    assert client.get(f"/episodes/{episode_id}").status_code in (403, 404)
    assert client.get(f"/episodes/{episode_id}/notes").status_code in (403, 404)
    refused = [
        client.post_form(path, {**data, "csrf_token": token}).status_code
        for path, data in [
            (f"/episodes/{episode_id}/consent/new", consent_form(eastmoor.school.id)),
            (f"/episodes/{episode_id}/forms/start/review", {}),
            (f"/episodes/{episode_id}/steps/start_review", {"expected_state": "delivering"}),
        ]
    ]
    assert all(status in (403, 404) for status in refused), refused
    assert _changes_of(episode_id) == before


def test_a_lead_professional_whose_dbs_check_has_lapsed_is_refused(client, eastmoor):
    eastmoor.caf_contact.dbs_check_date = date.today() - timedelta(days=4 * 365)
    episode_id = _episode_led_by(eastmoor, eastmoor.caf_contact)
    before = _changes_of(episode_id)
    sign_in(client, eastmoor.caf_contact)
    token = client.csrf_token("/")

    assert client.get(f"/episodes/{episode_id}").status_code == 403
    recorded = client.post_form(
        f"/episodes/{episode_id}/consent/new",
        {**consent_form(eastmoor.school.id), "csrf_token": token},
    )
    assert recorded.status_code == 403
    assert _changes_of(episode_id) == before


def test_a_caf_contact_keeps_confidential_notes_only_where_they_work_with_the_child(
    client, eastmoor
):
    led = _episode_led_by(eastmoor, eastmoor.caf_contact)
    other = make_episode(make_child(eastmoor.borough), eastmoor.assessor, state="delivering")
    db.session.commit()
    sign_in(client, eastmoor.caf_contact)

    assert "My confidential notes" in text(client.get(f"/episodes/{led}"))
    assert client.get(f"/episodes/{led}/notes").status_code == 200
    # Seeing the borough's episodes is not working on them.
    assert "My confidential notes" not in text(client.get(f"/episodes/{other.id}"))
    assert client.get(f"/episodes/{other.id}/notes").status_code == 404


# --- 3. A parent as lead professional ------------------------------------------------------


def parent_leads(world: World, assessor: Person, nurse: Person, acting=None) -> tuple[int, object]:
    """The assessor assesses; the nurse joins the team and is the episode coordinator; the
    mother, who has no account, is nominated lead professional (with `acting` named to take
    her steps in eCAF, if given); the plan starts."""
    episode_id = start_caf(assessor, world.child)
    assess(assessor, episode_id, world.health.id)
    assessor.join_team(episode_id)
    assert assessor.invite(episode_id, world.nurse.email, "School nurse").status_code == 302
    nurse_member = nurse.accept_invitation(episode_id)
    assert assessor.set_coordinator(episode_id, nurse_member).status_code == 302
    parent = assessor.add_parent(episode_id, "Pat Example", "Mother")
    nomination = {}
    if acting is not None:
        nomination["lead-acting_member_id"] = str(member_for(episode_id, acting).id)
    nominated = assessor.nominate_lead(episode_id, parent, **nomination)
    assert nominated.status_code == 302, text(nominated)[:1500]
    assert assessor.step(episode_id, "start_delivery").state == "delivering"
    return episode_id, parent


def test_with_a_parent_as_lead_professional_the_coordinator_takes_their_steps_to_closure(
    app, client, other_client, eastmoor
):
    assessor = Person(client, eastmoor.assessor)
    nurse = Person(other_client, eastmoor.nurse)
    episode_id, parent = parent_leads(eastmoor, assessor, nurse)
    said = f"Pat Example (mother) is the lead professional; {eastmoor.nurse.full_name} takes "
    assert said + "their steps in eCAF" in nurse.page(episode_id)
    assert said + "their steps in eCAF" in text(nurse.client.get(f"/episodes/{episode_id}/tac"))

    assert nurse.step(episode_id, "start_review").state == "reviewing"
    nurse.complete_form(episode_id, "review", REVIEW)
    assert nurse.step(episode_id, "continue_delivery").state == "delivering"
    nurse.complete_form(episode_id, "closure", CLOSURE)
    episode = nurse.step(episode_id, "request_closure")
    assert (episode.state, episode.closure_requested_by_id) == (
        "closure_requested",
        eastmoor.nurse.id,
    )

    # The history and the audit trail say she acted for the lead professional.
    entry = db.session.scalars(
        select(EpisodeTransition).where(EpisodeTransition.trigger == "request_closure")
    ).one()
    assert (entry.actor_id, entry.on_behalf_of_member_id) == (eastmoor.nurse.id, parent.id)
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "episode.transition", AuditEvent.episode_id == episode_id
        )
    ).all()[-1]
    assert json.loads(event.detail)["on_behalf_of_member"] == parent.id
    history = nurse.page(episode_id)
    assert f"{eastmoor.nurse.full_name}, for Pat Example (mother), the lead professional" in (
        history
    )
    # Steps the coordinator takes in her own right are not recorded as on anyone's behalf.
    review_started = db.session.scalars(
        select(EpisodeTransition).where(EpisodeTransition.trigger == "start_review")
    ).one()
    assert review_started.on_behalf_of_member_id is None

    manager = Person(app.test_client(), eastmoor.manager)
    assert manager.step(episode_id, "approve_closure").state == "closed"


def test_the_practitioner_who_takes_a_parents_steps_can_be_chosen_at_nomination(
    client, other_client, eastmoor
):
    assessor = Person(client, eastmoor.assessor)
    nurse = Person(other_client, eastmoor.nurse)
    episode_id, _ = parent_leads(eastmoor, assessor, nurse, acting=eastmoor.assessor)
    assert reload(episode_id).acting_for_lead_id == eastmoor.assessor.id
    assessor.complete_form(episode_id, "closure", CLOSURE)
    assert assessor.try_step(episode_id, "request_closure").status_code == 403  # needs a review
    # The coordinator keeps her own steps, but not the lead professional's.
    assert nurse.start_form(episode_id, "closure").status_code == 403


def test_a_parent_cannot_lead_until_a_practitioner_takes_their_steps_and_that_one_stays(
    client, other_client, eastmoor
):
    assessor = Person(client, eastmoor.assessor)
    episode_id = start_caf(assessor, eastmoor.child)
    assess(assessor, episode_id, eastmoor.health.id)
    assessor.join_team(episode_id)
    parent = assessor.add_parent(episode_id)

    nobody = assessor.nominate_lead(episode_id, parent)  # no coordinator to default to
    assert nobody.status_code == 200
    assert "select the practitioner in the team who will take the lead professional's" in (
        text(nobody)
    )
    assert reload(episode_id).lead_member_id is None

    me = member_for(episode_id, eastmoor.assessor)
    chosen = assessor.nominate_lead(episode_id, parent, **{"lead-acting_member_id": str(me.id)})
    assert chosen.status_code == 302
    assert reload(episode_id).acting_for_lead_id == eastmoor.assessor.id

    # The nurse joins; the parent is nominated again with her: only who acts changes.
    assessor.invite(episode_id, eastmoor.nurse.email)
    nurse_member = Person(other_client, eastmoor.nurse).accept_invitation(episode_id)
    changed = assessor.nominate_lead(
        episode_id, parent, **{"lead-acting_member_id": str(nurse_member.id)}
    )
    assert changed.status_code == 302
    episode = reload(episode_id)
    assert (episode.lead_member_id, episode.acting_for_lead_id) == (parent.id, eastmoor.nurse.id)

    # Whoever takes the parent's steps stays in the team until someone else does.
    removed = assessor.client.post_form(
        f"/episodes/{episode_id}/tac/members/{nurse_member.id}/remove", {"reason": "Moved on"}
    )
    assert "Choose someone else to take the lead professional's steps" in text(removed)
    assert member_for(episode_id, eastmoor.nurse).is_active
