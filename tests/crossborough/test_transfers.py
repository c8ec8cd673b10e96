"""Transfer to a new borough of residence, through HTTP: only the receiving borough's CAF
contact accepts; the same episode, with everything in it, then belongs to that borough and
continues in its workflow; access follows the borough; the lead professional can change."""

import pytest
from sqlalchemy import func, select

from tests.crossborough.world import (
    ask_to_join,
    audit_actions,
    build_world,
    decide,
    error_messages,
    notifications_for,
    only_request,
    page_text,
    reload,
    search_index,
    signed_in,
    take_step,
    transfer_out,
)
from tests.factories import make_completed_form, make_consent
from tests.sharing.judgement import public_interest_answers
from webapp import db
from webapp.access.permissions import Relationship
from webapp.access.relationships import relationships_to
from webapp.audit.models import AuditEvent
from webapp.consent.models import Consent, ConsentAgency
from webapp.db import utcnow
from webapp.episodes.models import Episode, EpisodeTransition, Notification
from webapp.home.worklists import relationship_clauses
from webapp.sharing.models import SharingBasis, SharingDecision
from webapp.tac.models import (
    HandoverStatus,
    LeadProfessionalChange,
    MemberKind,
    MemberStatus,
    TacMember,
)
from webapp.uploads.models import StoredFile


@pytest.fixture
def world(app):
    return build_world()


def accept(client, episode, comment="", expected_state=None):
    return client.post_form(
        f"/transfers/{episode.id}",
        {"expected_state": expected_state or "transferred", "comment": comment},
        token_from="/",
    )


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def add_family_member(world):
    db.session.add(
        TacMember(
            episode_id=world.episode.id,
            kind=MemberKind.PARENT_CARER,
            status=MemberStatus.ACTIVE,
            name="Pat Testcase",
            role="Mother",
            invited_by_id=world.lead_professional.id,
        )
    )


def test_only_the_receiving_caf_contact_sees_and_accepts_the_incoming_transfer(app, world):
    lead = signed_in(app, world.lead_professional)
    transfer_out(lead, world.episode, world.northgate)
    episode = reload(world.episode)
    assert (episode.state, episode.transferred_to_borough_id) == ("transferred", world.northgate.id)

    receiving = signed_in(app, world.northgate_contact)
    assert "See the transfer" in receiving.get("/").get_data(as_text=True)
    listing = receiving.get("/transfers").get_data(as_text=True)
    assert f"/transfers/{episode.id}" in listing
    summary = receiving.get(f"/transfers/{episode.id}")
    assert "The family moved" in page_text(summary)
    assert "Delivering the plan" in page_text(summary)
    # Before accepting, the receiving borough sees the summary, not the episode itself.
    assert receiving.get(f"/episodes/{episode.id}").status_code == 404
    step = f"/episodes/{episode.id}/steps/accept_transfer_into_delivery"
    assert receiving.get(step).status_code == 404

    for user in (world.caf_contact, world.westshire_contact):
        other = signed_in(app, user)
        assert other.get(f"/transfers/{episode.id}").status_code == 404
        assert accept(other, episode).status_code == 404
        assert f"/transfers/{episode.id}" not in other.get("/transfers").get_data(as_text=True)
    for user in (world.northgate_nurse, world.lead_professional):
        assert signed_in(app, user).get(f"/transfers/{episode.id}").status_code == 403
    # The sending side may see the transferred episode, but not take the receiving step.
    sending = signed_in(app, world.caf_contact)
    assert sending.get(f"/episodes/{episode.id}").status_code == 200
    refused = take_step(sending, reload(episode), "accept_transfer_into_delivery")
    assert refused.status_code == 403
    assert take_step(lead, reload(episode), "accept_transfer_into_delivery").status_code == 403
    assert reload(episode).state == "transferred"

    assert accept(receiving, episode).status_code == 302
    assert reload(episode).state == "delivering"


def test_accepting_moves_the_same_episode_with_everything_in_it(app, world):
    add_family_member(world)
    db.session.add(
        StoredFile(
            episode_id=world.episode.id,
            original_filename="signed-consent.pdf",
            media_type="application/pdf",
            size_bytes=10,
            sha256="0" * 64,
            stored_path="xb/signed-consent.pdf",
            uploaded_by_id=world.assessor.id,
        )
    )
    db.session.add(
        SharingDecision(
            episode_id=world.episode.id,
            decided_by_id=world.assessor.id,
            basis=SharingBasis.CONSENT,
            what="The plan",
            organisation_id=world.northgate_health.id,
            consent_id=world.consent.id,
        )
    )
    db.session.commit()
    episode_id, reference = world.episode.id, world.episode.reference

    lead = signed_in(app, world.lead_professional)
    transfer_out(lead, world.episode, world.northgate)
    receiving = signed_in(app, world.northgate_contact)
    accepted = accept(receiving, world.episode, comment="Allocated to our early help team")
    assert accepted.status_code == 302
    assert accepted.headers["Location"] == f"/episodes/{episode_id}"

    episode = reload(world.episode)
    assert (episode.id, episode.reference) == (episode_id, reference)
    assert (episode.borough_id, episode.transferred_from_borough_id) == (
        world.northgate.id,
        world.riverside.id,
    )
    assert episode.transferred_to_borough_id is None
    assert (episode.state, episode.closed_at) == ("delivering", None)
    # Riverside's own workflow gives way to the one Northgate uses (the national one).
    assert (episode.workflow_id, episode.workflow_version) == ("caf", 1)
    assert episode.child.borough_id == world.northgate.id
    assert episode.lead_professional_id == world.lead_professional.id
    assert count(Consent, episode_id=episode_id) == 1
    # The one recorded before, and the transfer itself, with the consent that covers it.
    assert count(SharingDecision, episode_id=episode_id) == 2
    transfer = db.session.scalars(
        select(SharingDecision)
        .where(SharingDecision.episode_id == episode_id)
        .order_by(SharingDecision.id.desc())
    ).first()
    assert (transfer.basis, transfer.consent_id) == (SharingBasis.CONSENT, world.consent.id)
    assert transfer.organisation.name == "Northgate Council"
    assert "transferred to London Borough of Northgate" in transfer.what
    assert count(StoredFile, episode_id=episode_id) == 1
    assert count(TacMember, episode_id=episode_id) == 1
    history = [(entry.trigger, entry.from_state, entry.to_state) for entry in episode.history]
    assert history == [
        ("transfer_out", "delivering", "transferred"),
        ("accept_transfer_into_delivery", "transferred", "delivering"),
    ]
    assert episode.history[1].actor_id == world.northgate_contact.id
    assert episode.history[1].comment == "Allocated to our early help team"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "episode.transfer_accepted")
    ).one()
    assert '"from_borough": "riverside"' in event.detail
    assert '"workflow_after": "caf v1"' in event.detail

    page = receiving.get(f"/episodes/{episode_id}")
    assert page.status_code == 200
    assert "Accept the transfer and continue the plan" in page_text(page)  # in the history
    sending_told = notifications_for(world.caf_contact)
    assert [(n.kind, n.episode_id) for n in sending_told][-1] == ("transfer_accepted", None)
    assert "transfer_accepted" in [n.kind for n in notifications_for(world.assessor)]


def test_after_the_transfer_access_follows_the_borough(app, world):
    lead = signed_in(app, world.lead_professional)
    transfer_out(lead, world.episode, world.northgate)
    sending = signed_in(app, world.caf_contact)
    assert sending.get(f"/episodes/{world.episode.id}").status_code == 200  # read-only here
    accept(signed_in(app, world.northgate_contact), world.episode)

    assert sending.get(f"/episodes/{world.episode.id}").status_code == 404
    assert (
        signed_in(app, world.westshire_contact).get(f"/episodes/{world.episode.id}").status_code
        == 404
    )
    # The lead professional and their manager keep what the workflow's states give them.
    assert lead.get(f"/episodes/{world.episode.id}").status_code == 200
    assert signed_in(app, world.manager).get(f"/episodes/{world.episode.id}").status_code == 200
    assert (
        signed_in(app, world.northgate_manager).get(f"/episodes/{world.episode.id}").status_code
        == 404
    )

    # On the team, the sending borough's CAF contact sees it again.
    db.session.add(
        TacMember(
            episode_id=world.episode.id,
            kind=MemberKind.PRACTITIONER,
            status=MemberStatus.ACTIVE,
            user_id=world.caf_contact.id,
            name=world.caf_contact.full_name,
            invited_by_id=world.lead_professional.id,
        )
    )
    db.session.commit()
    assert sending.get(f"/episodes/{world.episode.id}").status_code == 200


@pytest.mark.parametrize(
    ("state", "continues_in", "trigger"),
    [
        ("assessing", "assessing", "accept_transfer_into_assessment"),
        ("assessed", "assessed", "accept_transfer_into_planning"),
        ("quality_checked", "assessed", "accept_transfer_into_planning"),
        ("reviewing", "delivering", "accept_transfer_into_delivery"),
    ],
)
def test_the_receiving_borough_continues_where_the_sending_borough_left_it(
    app, state, continues_in, trigger
):
    world = build_world(state)
    if state != "assessing":
        make_completed_form(world.episode, "assessment", world.assessor)
    transfer_out(signed_in(app, world.caf_contact), world.episode, world.northgate)
    receiving = signed_in(app, world.northgate_contact)
    assert accept(receiving, world.episode).status_code == 302
    episode = reload(world.episode)
    assert (episode.state, episode.history[-1].trigger) == (continues_in, trigger)


def test_a_transfer_into_riverside_continues_in_riversides_own_workflow(app, world):
    world.episode.borough_id = world.northgate.id
    world.episode.workflow_id = "caf"
    world.episode.child.borough_id = world.northgate.id
    world.episode.state = "assessed"
    # The family agreed to share with Riverside's CAF contact's council, so it may move there.
    world.consent.agencies.append(ConsentAgency(organisation_id=world.caf_contact.organisation_id))
    db.session.commit()
    make_completed_form(world.episode, "assessment", world.assessor)
    transfer_out(signed_in(app, world.northgate_contact), world.episode, world.riverside)
    assert accept(signed_in(app, world.caf_contact), world.episode).status_code == 302
    episode = reload(world.episode)
    assert (episode.workflow_id, episode.state) == ("caf-riverside", "assessed")
    assert episode.borough_id == world.riverside.id


def test_a_stale_or_repeated_acceptance_changes_nothing(app, world):
    transfer_out(signed_in(app, world.lead_professional), world.episode, world.northgate)
    receiving = signed_in(app, world.northgate_contact)
    assert accept(receiving, world.episode, expected_state="delivering").status_code == 409
    assert reload(world.episode).state == "transferred"
    assert accept(receiving, world.episode).status_code == 302
    again = accept(receiving, world.episode)
    assert again.headers["Location"] == f"/episodes/{world.episode.id}"
    assert count(EpisodeTransition, episode_id=world.episode.id) == 2


def test_a_transfer_without_consent_to_share_cannot_be_accepted(app, world):
    transfer_out(signed_in(app, world.lead_professional), world.episode, world.northgate)
    world.consent.withdrawn_at = utcnow()
    db.session.commit()
    receiving = signed_in(app, world.northgate_contact)
    page = receiving.get(f"/transfers/{world.episode.id}")
    assert "Record consent to share first" in page_text(page)
    refused = accept(receiving, world.episode)
    assert "Record consent to share first" in page_text(refused)
    assert reload(world.episode).state == "transferred"

    make_consent(world.episode, world.assessor)
    db.session.commit()
    assert accept(receiving, world.episode).status_code == 302


def test_a_transfer_needs_a_reason_and_a_borough_and_a_forged_borough_is_refused(app, world):
    lead = signed_in(app, world.lead_professional)
    no_reason = take_step(
        lead, world.episode, "transfer_out", to_borough_id=str(world.northgate.id)
    )
    assert error_messages(no_reason) == ["Enter why the episode is moving, and to which borough"]
    own = take_step(
        lead, world.episode, "transfer_out", comment="Moved", to_borough_id=str(world.riverside.id)
    )
    assert error_messages(own) == ["Select an option from the list"]
    forged = take_step(lead, world.episode, "transfer_out", comment="Moved", to_borough_id="x1")
    assert forged.status_code == 200 and error_messages(forged)
    assert reload(world.episode).state == "delivering"


def test_the_receiving_caf_contact_hands_the_lead_professional_role_over(app, world):
    transfer_out(signed_in(app, world.lead_professional), world.episode, world.northgate)
    receiving = signed_in(app, world.northgate_contact)
    assert (
        signed_in(app, world.northgate_contact)
        .get(f"/transfers/{world.episode.id}/lead-professional")
        .headers["Location"]
        == f"/transfers/{world.episode.id}"
    )
    accept(receiving, world.episode)

    # A Northgate teacher asks to join; Northgate's CAF contact now decides it.
    teacher = signed_in(app, world.northgate_teacher)
    search_index(teacher, world.child)
    assert ask_to_join(teacher, world.child, role="Class teacher").status_code == 302
    assert (
        signed_in(app, world.caf_contact).get(f"/join-requests/{only_request().id}").status_code
        == 404
    )
    approved = decide(
        receiving,
        only_request(),
        "approve",
        **public_interest_answers(
            reasons="Mia now attends the academy, which must be in the team."
        ),
    )
    assert approved.status_code == 302
    member = db.session.scalars(
        select(TacMember).where(TacMember.user_id == world.northgate_teacher.id)
    ).one()

    path = f"/transfers/{world.episode.id}/lead-professional"
    for user in (world.caf_contact, world.westshire_contact):
        assert signed_in(app, user).get(path).status_code == 404
    assert signed_in(app, world.lead_professional).get(path).status_code == 403
    forged = receiving.post_form(path, {"member_id": "999", "note": "Over to you"})
    assert error_messages(forged) == ["Select an option from the list"]
    no_note = receiving.post_form(path, {"member_id": str(member.id), "note": ""})
    assert error_messages(no_note) == ["Enter a handover note for the new lead professional"]

    asked = receiving.post_form(path, {"member_id": str(member.id), "note": "Over to you"})
    assert asked.status_code == 302
    change = db.session.scalars(select(LeadProfessionalChange)).one()
    assert (change.status, change.proposed_by_id) == (
        HandoverStatus.PROPOSED,
        world.northgate_contact.id,
    )
    assert "lead_handover" in [n.kind for n in notifications_for(world.northgate_teacher)]
    assert "has not answered yet" in page_text(receiving.get(path))
    assert reload(world.episode).lead_professional_id == world.lead_professional.id

    assert (
        teacher.post_form(f"/tac/handovers/{change.id}", {"decision": "accept"}).status_code == 302
    )
    episode = reload(world.episode)
    assert episode.lead_professional_id == world.northgate_teacher.id
    assert "tac.lead_professional_changed" in audit_actions(episode)
    # The new lead professional's manager now sees the episode; Riverside's contact does not.
    assert signed_in(app, world.northgate_manager).get(f"/episodes/{episode.id}").status_code == 200
    assert signed_in(app, world.caf_contact).get(f"/episodes/{episode.id}").status_code == 404


def test_the_worklists_sql_agrees_with_the_policy_for_a_transfer_waiting_to_be_accepted(app, world):
    transfer_out(signed_in(app, world.lead_professional), world.episode, world.northgate)
    episode = reload(world.episode)
    for user in (world.northgate_contact, world.caf_contact, world.westshire_contact):
        clause = relationship_clauses(user)[Relationship.RECEIVING_BOROUGH_CAF_CONTACT]
        matched = set(db.session.scalars(select(Episode.id).where(clause)))
        held = Relationship.RECEIVING_BOROUGH_CAF_CONTACT in relationships_to(user, episode)
        assert (episode.id in matched) is held
        assert held is (user is world.northgate_contact)


def test_the_receiving_borough_is_told_and_its_notification_leads_to_the_transfer(app, world):
    transfer_out(signed_in(app, world.lead_professional), world.episode, world.northgate)
    [told] = db.session.scalars(
        select(Notification).where(Notification.user_id == world.northgate_contact.id)
    ).all()
    assert told.kind == "transfer_in"
    home = signed_in(app, world.northgate_contact).get("/").get_data(as_text=True)
    assert f'href="/transfers/{world.episode.id}"' in home
    assert f'href="/episodes/{world.episode.id}"' not in home
