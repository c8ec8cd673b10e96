"""The team around the child through HTTP: consent decides who can join, membership decides
who can see the episode, and the lead professional changes hands only when accepted."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.concurrency import Post, post_at_once
from tests.conftest import sign_in
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
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.consent.models import ConsentAgency
from webapp.db import utcnow
from webapp.episodes.models import Episode
from webapp.tac.models import Involvement, MemberStatus, TacMember


@pytest.fixture
def world(app):
    riverside, northgate = make_borough("riverside"), make_borough("northgate")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health")
    police = make_organisation(riverside, Sector.POLICE, name="Riverside Police")
    youth = make_organisation(northgate, Sector.YOUTH, name="Northgate Youth Service")
    assessor = make_user(school, email="assessor@riverside.example")
    episode = make_episode(make_child(riverside), assessor, state="assessed")
    consent = make_consent(episode, assessor)
    consent.agencies = [
        ConsentAgency(organisation_id=health.id),
        ConsentAgency(organisation_id=youth.id),
    ]
    people = {
        "assessor": assessor,
        "nurse": make_user(health, email="nurse@riverside.example"),
        "officer": make_user(police, email="officer@riverside.example"),
        "youth_worker": make_user(youth, email="worker@northgate.example"),
    }
    db.session.commit()
    return {"episode": episode, "consent": consent, **people}


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def invite(client, episode, email, role="School nurse"):
    return client.post_form(
        f"/episodes/{episode.id}/tac/invite",
        {"invite-email": email, "invite-role": role},
        token_from=f"/episodes/{episode.id}/tac",
    )


def member_for(user) -> TacMember:
    return db.session.scalars(select(TacMember).where(TacMember.user_id == user.id)).one()


def add_parent(client, episode):
    """The child's mother, with a phone number, added to the team by hand."""
    return client.post_form(
        f"/episodes/{episode.id}/tac/family",
        {
            "family-kind": "parent_carer",
            "family-name": "Pat Example",
            "family-role": "Mother",
            "family-phone": "07700 900982",
        },
        token_from=f"/episodes/{episode.id}/tac",
    )


def accept(client, member):
    return client.post_form(f"/tac/invitations/{member.id}", {"decision": "accept"})


def test_a_practitioner_from_a_consented_agency_is_invited_accepts_and_sees_the_episode(
    client, other_client, world
):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    assert invite(client, episode, "nurse@riverside.example").status_code == 302

    sign_in(other_client, world["nurse"])
    assert other_client.get(f"/episodes/{episode.id}").status_code == 404  # not until accepted
    member = member_for(world["nurse"])
    assert accept(other_client, member).status_code == 302

    assert other_client.get(f"/episodes/{episode.id}").status_code == 200
    involvement = db.session.scalars(select(Involvement)).one()
    assert (involvement.user_id, involvement.ended_on) == (world["nurse"].id, None)


def test_a_practitioner_from_another_borough_can_join_when_their_agency_is_consented(
    client, other_client, world
):
    sign_in(client, world["assessor"])
    invite(client, world["episode"], "worker@northgate.example", "Youth worker")
    sign_in(other_client, world["youth_worker"])
    accept(other_client, member_for(world["youth_worker"]))
    assert other_client.get(f"/episodes/{world['episode'].id}").status_code == 200


def test_an_agency_the_family_did_not_agree_to_is_refused_and_nothing_changes(client, world):
    sign_in(client, world["assessor"])
    response = invite(client, world["episode"], "officer@riverside.example")
    assert response.status_code == 200
    assert "Riverside Police is not in the agencies the family agreed to share with" in (
        page(response).get_text()
    )
    assert db.session.scalars(select(TacMember)).all() == []


def test_nobody_new_can_join_after_consent_is_withdrawn(client, other_client, world):
    sign_in(client, world["assessor"])
    invite(client, world["episode"], "nurse@riverside.example")
    world["consent"].withdrawn_at = utcnow()
    world["episode"].sharing_suspended = True
    db.session.commit()

    refused = invite(client, world["episode"], "worker@northgate.example")
    assert "Consent to share has been withdrawn" in page(refused).get_text()
    sign_in(other_client, world["nurse"])
    response = accept(other_client, member_for(world["nurse"]))
    assert "Consent has been withdrawn" in page(response).get_text()
    assert member_for(world["nurse"]).status is MemberStatus.INVITED


def test_a_member_removed_yesterday_can_no_longer_see_the_episode(client, other_client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["nurse"])
    accept(other_client, member_for(world["nurse"]))
    member = member_for(world["nurse"])

    no_reason = client.post_form(
        f"/episodes/{episode.id}/tac/members/{member.id}/remove", {"reason": ""}
    )
    assert "Enter why they are leaving the team" in page(no_reason).get_text()
    client.post_form(
        f"/episodes/{episode.id}/tac/members/{member.id}/remove", {"reason": "Service finished"}
    )

    assert other_client.get(f"/episodes/{episode.id}").status_code == 404
    assert db.session.scalars(select(Involvement)).one().ended_on is not None
    assert "tac.member_removed" in db.session.scalars(select(AuditEvent.action)).all()


def test_only_those_who_manage_the_team_at_this_stage_can_change_it(client, other_client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["nurse"])
    accept(other_client, member_for(world["nurse"]))

    response = other_client.post_form(
        f"/episodes/{episode.id}/tac/invite",
        {"invite-email": "worker@northgate.example"},
        token_from=f"/episodes/{episode.id}/tac",
    )
    assert response.status_code == 403
    assert len(db.session.scalars(select(TacMember)).all()) == 1


def test_an_invitation_can_only_be_answered_by_the_person_invited(client, other_client, world):
    sign_in(client, world["assessor"])
    invite(client, world["episode"], "nurse@riverside.example")
    sign_in(other_client, world["youth_worker"])
    response = other_client.post_form(
        f"/tac/invitations/{member_for(world['nurse']).id}", {"decision": "accept"}, token_from="/"
    )
    assert response.status_code == 404
    assert member_for(world["nurse"]).status is MemberStatus.INVITED


def test_the_first_lead_professional_is_nominated_and_a_handover_needs_acceptance(
    client, other_client, world
):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    client.post_form(f"/episodes/{episode.id}/tac/join", token_from=f"/episodes/{episode.id}/tac")
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["nurse"])
    accept(other_client, member_for(world["nurse"]))

    client.post_form(
        f"/episodes/{episode.id}/tac/lead", {"lead-member_id": member_for(world["assessor"]).id}
    )
    db.session.expire_all()
    assert db.session.get(Episode, episode.id).lead_professional_id == world["assessor"].id

    no_note = client.post_form(
        f"/episodes/{episode.id}/tac/lead", {"lead-member_id": member_for(world["nurse"]).id}
    )
    assert "Enter a handover note for the new lead professional" in page(no_note).get_text()
    client.post_form(
        f"/episodes/{episode.id}/tac/lead",
        {
            "lead-member_id": member_for(world["nurse"]).id,
            "lead-note": "Mum prefers calls after 3pm",
        },
    )
    db.session.expire_all()
    assert db.session.get(Episode, episode.id).lead_professional_id == world["assessor"].id

    from webapp.tac.models import LeadProfessionalChange

    handover = db.session.scalars(
        select(LeadProfessionalChange).order_by(LeadProfessionalChange.id.desc())
    ).first()
    shown = other_client.get(f"/tac/handovers/{handover.id}")
    assert "Mum prefers calls after 3pm" in shown.get_data(as_text=True)
    other_client.post_form(f"/tac/handovers/{handover.id}", {"decision": "accept"})
    db.session.expire_all()
    assert db.session.get(Episode, episode.id).lead_professional_id == world["nurse"].id
    history = page(client.get(f"/episodes/{episode.id}/tac")).get_text()
    assert "Lead professional history" in history


def test_a_parent_can_be_the_lead_professional(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    client.post_form(f"/episodes/{episode.id}/tac/join", token_from=f"/episodes/{episode.id}/tac")
    add_parent(client, episode)
    parent = db.session.scalars(select(TacMember).where(TacMember.name == "Pat Example")).one()
    client.post_form(
        f"/episodes/{episode.id}/tac/lead",
        {
            "lead-member_id": parent.id,
            "lead-acting_member_id": member_for(world["assessor"]).id,
        },
    )
    db.session.expire_all()
    episode = db.session.get(Episode, episode.id)
    assert (episode.lead_member_id, episode.lead_professional_id) == (parent.id, None)
    assert episode.acting_for_lead_id == world["assessor"].id
    assert (
        "Nominate a lead professional first"
        not in page(client.get(f"/episodes/{episode.id}")).get_text()
    )


def test_the_coordinator_is_recorded_separately(client, other_client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["nurse"])
    accept(other_client, member_for(world["nurse"]))
    client.post_form(
        f"/episodes/{episode.id}/tac/coordinator",
        {"coordinator-member_id": member_for(world["nurse"]).id},
    )
    db.session.expire_all()
    assert db.session.get(Episode, episode.id).coordinator_id == world["nurse"].id


@pytest.mark.parametrize("member_id", ["999999", "abc", ""])
def test_forged_member_ids_are_refused(client, world, member_id):
    sign_in(client, world["assessor"])
    response = client.post_form(
        f"/episodes/{world['episode'].id}/tac/lead",
        {"lead-member_id": member_id},
        token_from=f"/episodes/{world['episode'].id}/tac",
    )
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Episode, world["episode"].id).lead_member_id is None


def test_every_invitation_is_written_to_the_information_sharing_register(client, world):
    from webapp.sharing.models import SharingBasis, SharingDecision

    sign_in(client, world["assessor"])
    invite(client, world["episode"], "nurse@riverside.example")
    entry = db.session.scalars(select(SharingDecision)).one()
    assert (entry.basis, entry.recipient_user_id) == (SharingBasis.CONSENT, world["nurse"].id)


def test_a_public_interest_decision_lets_a_non_consented_agency_join_and_is_registered(
    client, other_client, world
):
    from tests.sharing.judgement import public_interest_answers
    from webapp.sharing.models import PublicInterestGround, SharingBasis, SharingDecision

    episode = world["episode"]
    sign_in(client, world["assessor"])
    no_reasons = client.post_form(
        f"/episodes/{episode.id}/tac/invite",
        {
            "invite-email": "officer@riverside.example",
            "invite-public_interest_ground": "significant_harm_to_child",
        },
        token_from=f"/episodes/{episode.id}/tac",
    )
    assert db.session.scalars(select(TacMember)).all() == []
    assert "There is a problem" in no_reasons.get_data(as_text=True)

    client.post_form(
        f"/episodes/{episode.id}/tac/invite",
        {
            "invite-email": "officer@riverside.example",
            **public_interest_answers(
                "invite-public_interest_", reasons="Disclosure at school of violence at home"
            ),
        },
        token_from=f"/episodes/{episode.id}/tac",
    )
    entry = db.session.scalars(select(SharingDecision)).one()
    assert entry.basis is SharingBasis.PUBLIC_INTEREST
    assert entry.ground is PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD
    assert entry.decided_by_id == world["assessor"].id
    sign_in(other_client, world["officer"])
    accept(other_client, member_for(world["officer"]))
    assert other_client.get(f"/episodes/{episode.id}").status_code == 200


def test_a_refused_invitation_is_audited(client, world):
    sign_in(client, world["assessor"])
    invite(client, world["episode"], "officer@riverside.example")
    assert "sharing.refused" in db.session.scalars(select(AuditEvent.action)).all()


def test_when_consent_is_withdrawn_every_practitioner_in_the_team_is_told(
    client, other_client, world
):
    from webapp.episodes.models import Notification

    episode = world["episode"]
    sign_in(client, world["assessor"])
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["nurse"])
    accept(other_client, member_for(world["nurse"]))
    episode.state = "delivering"
    episode.lead_professional_id = world["assessor"].id
    world["consent"].withdrawn_at = utcnow()
    db.session.commit()

    response = client.post_form(
        f"/episodes/{episode.id}/steps/withdraw_consent",
        {"expected_state": "delivering", "comment": "Mother withdrew"},
        token_from=f"/episodes/{episode.id}",
    )

    assert response.status_code == 302
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "consent_withdrawn")
    ).all()
    assert world["nurse"].id in told


def test_a_shielded_childs_family_contacts_are_withheld_from_the_team(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    add_parent(client, episode)
    invite(client, episode, "nurse@riverside.example")
    team = f"/episodes/{episode.id}/tac"
    assert "07700 900982" in page(client.get(team)).get_text()

    episode.child.shielded = True
    db.session.commit()
    text = " ".join(page(client.get(team)).get_text().split())
    assert "07700 900982" not in text
    assert "Withheld: this record is shielded" in text
    assert "Pat Example" in text
    assert "nurse@riverside.example" in text  # practitioners' work contacts stay


def test_the_borough_caf_contact_sees_a_shielded_childs_family_contacts(client, world):
    episode = world["episode"]
    episode.child.shielded = True
    db.session.add(
        TacMember(
            episode_id=episode.id,
            kind="parent_carer",
            status=MemberStatus.ACTIVE,
            name="Pat Example",
            phone="07700 900982",
            invited_by_id=world["assessor"].id,
        )
    )
    contact = make_user(world["assessor"].organisation, Role.BOROUGH_CAF_CONTACT, Role.PRACTITIONER)
    db.session.commit()
    sign_in(client, contact)
    response = client.get(f"/episodes/{episode.id}/tac")
    assert response.status_code == 200
    assert "07700 900982" in page(response).get_text()


def test_two_invitations_of_one_practitioner_at_the_same_moment_make_one_membership(
    app, client, other_client, world
):
    coordinator = make_user(world["assessor"].organisation, email="co@riverside.example")
    episode = world["episode"]
    episode.coordinator_id = coordinator.id
    db.session.commit()
    sign_in(client, world["assessor"])
    sign_in(other_client, coordinator)
    path = f"/episodes/{episode.id}/tac/invite"
    data = {"invite-email": world["nurse"].email, "invite-role": "School nurse"}

    responses = post_at_once(
        app,
        [
            Post(each, path, data, token_from=f"/episodes/{episode.id}/tac")
            for each in (client, other_client)
        ],
    )

    assert all(not isinstance(response, Exception) for response in responses), responses
    outcomes = sorted(
        "invited"
        if response.status_code == 302
        else "told"
        if response.status_code == 409
        or "already in the team or invited" in response.get_data(as_text=True)
        else response.status_code
        for response in responses
    )
    assert outcomes == ["invited", "told"]
    members = db.session.scalars(
        select(TacMember).where(TacMember.user_id == world["nurse"].id)
    ).all()
    assert len(members) == 1
