"""Asking to join a team around the child from another borough, through HTTP: the request
opens nothing, only the episode borough's CAF contact decides, and approval goes through
the team's invitation and the consent rules, with every decision in the register."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.conftest import sign_in
from tests.crossborough.world import (
    ask_to_join,
    audit_actions,
    build_world,
    decide,
    error_messages,
    notifications_for,
    only_request,
    page_text,
    search_index,
    signed_in,
)
from tests.sharing.judgement import public_interest_answers
from webapp import db
from webapp.crossborough.models import JoinRequest, JoinRequestStatus
from webapp.db import utcnow
from webapp.sharing.models import PublicInterestGround, SharingBasis, SharingDecision
from webapp.tac.models import Involvement, MemberStatus, TacMember


@pytest.fixture
def world(app):
    return build_world()


def episode_pages(episode) -> list[str]:
    return [
        f"/episodes/{episode.id}",
        f"/episodes/{episode.id}/tac",
        f"/episodes/{episode.id}/sharing",
        f"/episodes/{episode.id}/consent",
        f"/episodes/{episode.id}/forms",
    ]


def register() -> list[SharingDecision]:
    return list(db.session.scalars(select(SharingDecision).order_by(SharingDecision.id)))


def requested(app, world, user):
    client = signed_in(app, user)
    search_index(client, world.child)
    assert ask_to_join(client, world.child).status_code == 302
    return client


def test_the_index_offers_to_ask_to_join_a_child_with_an_open_caf(client, world):
    sign_in(client, world.northgate_nurse)
    results = search_index(client, world.child).get_data(as_text=True)
    assert f"/children/{world.child.id}/join-request" in results
    assert "Start a CAF" not in results

    world.episode.state, world.episode.closed_at = "closed", utcnow()
    db.session.commit()
    results = search_index(client, world.child).get_data(as_text=True)
    assert f"/children/{world.child.id}/join-request" not in results


def test_starting_a_duplicate_caf_sends_the_practitioner_to_ask_to_join_instead(client, world):
    sign_in(client, world.northgate_nurse)
    search_index(client, world.child)
    response = client.post_form(
        f"/children/{world.child.id}/episodes",
        {"social_care": "not_known"},
        token_from="/child-index",
    )
    assert response.headers["Location"] == f"/children/{world.child.id}/join-request"
    assert client.get(response.headers["Location"]).status_code == 200


def test_asking_starts_from_the_index_and_a_guessed_child_is_not_found(client, world):
    sign_in(client, world.northgate_nurse)
    assert client.get(f"/children/{world.child.id}/join-request").status_code == 404
    assert client.get("/children/999999/join-request").status_code == 404
    assert client.get(f"/children/{2**40}/join-request").status_code == 404
    refused = client.post_form(
        f"/children/{world.child.id}/join-request",
        {"role": "Nurse", "reason": "Guessing"},
        token_from="/",
    )
    assert refused.status_code == 404
    assert db.session.scalars(select(JoinRequest)).all() == []


def test_a_practitioner_without_an_in_date_dbs_check_cannot_ask(client, world):
    sign_in(client, world.lapsed)
    assert client.get(f"/children/{world.child.id}/join-request").status_code == 403
    assert client.get("/join-requests/mine").status_code == 403


def test_role_and_reason_are_needed_in_govuk_words(client, world):
    sign_in(client, world.northgate_nurse)
    search_index(client, world.child)
    response = ask_to_join(client, world.child, role=" ", reason="")
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter your role in the team",
        "Enter why you need to join the team around the child",
    ]
    too_long = ask_to_join(client, world.child, reason="x" * 4001)
    assert error_messages(too_long) == ["Your reason must be 4000 characters or fewer"]
    assert db.session.scalars(select(JoinRequest)).all() == []


def test_the_requester_sees_nothing_of_the_episode_until_the_request_is_approved(
    app, world, other_client
):
    nurse = requested(app, world, world.northgate_nurse)
    for path in episode_pages(world.episode):
        assert nurse.get(path).status_code == 404, path
    for guessed in (world.episode.id + 1, world.episode.id - 1, 0):
        assert nurse.get(f"/episodes/{guessed}").status_code == 404
    mine = nurse.get("/join-requests/mine")
    assert "Waiting for the CAF contact" in page_text(mine)
    assert world.episode.reference not in mine.get_data(as_text=True)
    assert f"/episodes/{world.episode.id}" not in mine.get_data(as_text=True)

    sign_in(other_client, world.caf_contact)
    assert decide(other_client, only_request(), "approve").status_code == 302
    for path in episode_pages(world.episode):
        assert nurse.get(path).status_code == 200, path


def test_the_request_goes_to_the_episode_boroughs_caf_contacts_only(app, world):
    requested(app, world, world.northgate_nurse)
    request = only_request()
    assert (request.status, request.role) == (JoinRequestStatus.PENDING, "School nurse")
    assert [n.kind for n in notifications_for(world.caf_contact)] == ["join_requested"]
    assert notifications_for(world.northgate_contact) == []
    assert "tac.join_requested" in audit_actions(world.episode)

    riverside = signed_in(app, world.caf_contact)
    assert "See requests to join" in riverside.get("/").get_data(as_text=True)
    queue = riverside.get("/join-requests").get_data(as_text=True)
    assert f"/join-requests/{request.id}" in queue
    northgate = signed_in(app, world.northgate_contact)
    assert f"/join-requests/{request.id}" not in northgate.get("/join-requests").get_data(
        as_text=True
    )


def test_a_caf_contact_of_another_borough_cannot_see_or_decide_the_request(app, world):
    nurse = requested(app, world, world.northgate_nurse)
    request = only_request()
    for contact in (world.northgate_contact, world.westshire_contact):
        client = signed_in(app, contact)
        assert client.get(f"/join-requests/{request.id}").status_code == 404
        forged = client.post_form(
            f"/join-requests/{request.id}",
            {"decision": "approve", "comment": "Fine by me"},
            token_from="/",
        )
        assert forged.status_code == 404
    assert nurse.get(f"/join-requests/{request.id}").status_code == 403  # not a CAF contact
    assert only_request().status is JoinRequestStatus.PENDING
    assert db.session.scalars(select(TacMember)).all() == []


def test_a_duplicate_pending_request_is_refused_and_audited(app, world):
    nurse = requested(app, world, world.northgate_nurse)
    again = ask_to_join(nurse, world.child, reason="Asking again")
    assert again.status_code == 200
    assert "You have already asked to join this team" in page_text(again)
    assert len(db.session.scalars(select(JoinRequest)).all()) == 1
    assert "tac.join_request_refused" in audit_actions()


def test_a_closed_or_transferred_episode_cannot_be_asked_to_join(client, world):
    sign_in(client, world.northgate_nurse)
    search_index(client, world.child)
    for state in ("closed", "transferred"):
        world.episode.state, world.episode.closed_at = state, utcnow()
        db.session.commit()
        page = client.get(f"/children/{world.child.id}/join-request")
        assert "has no open CAF to join" in page_text(page)
        response = ask_to_join(client, world.child)
        assert response.status_code == 200
        assert "This child has no open CAF to join" in " ".join(error_messages(response))
    assert db.session.scalars(select(JoinRequest)).all() == []


def test_someone_already_in_the_team_cannot_ask_again(app, world):
    lead = signed_in(app, world.lead_professional)
    search_index(lead, world.child)
    response = ask_to_join(lead, world.child)
    assert "You already work on this CAF" in " ".join(error_messages(response))


def test_approving_a_consented_agency_adds_them_through_the_team_and_the_register(app, world):
    nurse = requested(app, world, world.northgate_nurse)
    contact = signed_in(app, world.caf_contact)
    request = only_request()
    page = contact.get(f"/join-requests/{request.id}")
    assert "I see Mia every week" in page_text(page)
    assert "Northgate Health is one of them" in page_text(page)

    assert (
        decide(contact, request, "approve", "Confirmed with the health visiting lead").status_code
        == 302
    )
    request = only_request()
    member = db.session.get(TacMember, request.tac_member_id)
    assert (member.user_id, member.status, member.role) == (
        world.northgate_nurse.id,
        MemberStatus.ACTIVE,
        "School nurse",
    )
    assert db.session.scalars(select(Involvement)).one().user_id == world.northgate_nurse.id
    [entry] = register()
    assert (entry.basis, entry.recipient_user_id, entry.decided_by_id) == (
        SharingBasis.CONSENT,
        world.northgate_nurse.id,
        world.caf_contact.id,
    )
    assert request.sharing_decision_id == entry.id
    actions = audit_actions(world.episode)
    for action in (
        "tac.join_request_viewed",
        "sharing.decision_recorded",
        "tac.invited",
        "tac.invitation_accepted",
        "tac.join_request_approved",
    ):
        assert action in actions
    [told] = notifications_for(world.northgate_nurse)
    assert "approved your request" in told.message
    assert told.episode_id == world.episode.id
    [lead_told] = notifications_for(world.lead_professional)
    assert "joined the team around the child" in lead_told.message
    assert nurse.get(f"/episodes/{world.episode.id}").status_code == 200


def test_an_agency_outside_the_consent_is_refused_unless_a_public_interest_decision_is_recorded(
    app, world
):
    teacher = requested(app, world, world.northgate_teacher)
    contact = signed_in(app, world.caf_contact)
    request = only_request()
    assert "Northgate Academy is not covered" in page_text(
        contact.get(f"/join-requests/{request.id}")
    )

    refused = decide(contact, request, "approve")
    assert refused.status_code == 200
    assert error_messages(refused) == [
        "Northgate Academy is not in the agencies the family agreed to share with. Record a "
        "public-interest decision to share without consent, or do not share."
    ]
    assert only_request().status is JoinRequestStatus.PENDING
    assert db.session.scalars(select(TacMember)).all() == []
    assert register() == []
    assert "sharing.refused" in audit_actions(world.episode)
    assert teacher.get(f"/episodes/{world.episode.id}").status_code == 404

    no_reasons = decide(contact, request, "approve", **public_interest_answers(reasons=None))
    assert error_messages(no_reasons) == ["Enter the facts of the case"]
    forged_ground = decide(contact, request, "approve", **public_interest_answers(ground="because"))
    assert error_messages(forged_ground) == ["Select an option from the list"]
    assert register() == []

    allowed = decide(
        contact,
        request,
        "approve",
        **public_interest_answers(
            reasons="The teacher has seen injuries; the school must be in the team."
        ),
    )
    assert allowed.status_code == 302
    [entry] = register()
    assert (entry.basis, entry.ground, entry.recipient_user_id) == (
        SharingBasis.PUBLIC_INTEREST,
        PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD,
        world.northgate_teacher.id,
    )
    assert "The teacher has seen injuries" in entry.reasons
    assert only_request().status is JoinRequestStatus.APPROVED
    assert teacher.get(f"/episodes/{world.episode.id}").status_code == 200


def test_declining_records_a_decision_not_to_share_and_tells_both(app, world):
    nurse = requested(app, world, world.northgate_nurse)
    contact = signed_in(app, world.caf_contact)
    no_comment = decide(contact, only_request(), "decline", comment="  ")
    assert error_messages(no_comment) == ["Enter your comments"]

    assert decide(contact, only_request(), "decline", "Not known to the school").status_code == 302
    request = only_request()
    assert request.status is JoinRequestStatus.DECLINED
    [entry] = register()
    assert (entry.basis, entry.reasons, entry.recipient_user_id) == (
        SharingBasis.NOT_SHARED,
        "Not known to the school",
        world.northgate_nurse.id,
    )
    assert db.session.scalars(select(TacMember)).all() == []
    [told] = notifications_for(world.northgate_nurse)
    assert "declined your request" in told.message and "Not known to the school" in told.message
    assert told.episode_id is None  # nothing to open
    [lead_told] = notifications_for(world.lead_professional)
    assert "declined the request" in lead_told.message
    assert "tac.join_request_declined" in audit_actions(world.episode)
    assert nurse.get(f"/episodes/{world.episode.id}").status_code == 404
    assert "Not known to the school" in page_text(nurse.get("/join-requests/mine"))

    # A decided request is not decided again; a new request may be made.
    again = decide(contact, request, "approve")
    assert again.status_code == 200
    assert only_request().status is JoinRequestStatus.DECLINED
    assert ask_to_join(nurse, world.child, reason="New information").status_code == 302


def test_forged_decisions_and_fields_change_nothing(app, world):
    requested(app, world, world.northgate_nurse)
    contact = signed_in(app, world.caf_contact)
    request = only_request()
    forged = decide(contact, request, "approve_everyone")
    assert error_messages(forged) == ["Select an option from the list"]
    missing = contact.post_form(f"/join-requests/{request.id}", {"comment": "Fine"})
    assert error_messages(missing) == ["Select whether you approve the request"]
    # Extra fields naming someone else or another episode are ignored: the request decides.
    assert (
        decide(
            contact,
            request,
            "approve",
            requester_id=str(world.northgate_teacher.id),
            episode_id="1",
            tac_member_id="1",
        ).status_code
        == 302
    )
    [member] = db.session.scalars(select(TacMember)).all()
    assert (member.user_id, member.episode_id) == (world.northgate_nurse.id, world.episode.id)


def test_requests_and_decisions_need_a_csrf_token(app, world):
    nurse = signed_in(app, world.northgate_nurse)
    search_index(nurse, world.child)
    no_token = nurse.post(
        f"/children/{world.child.id}/join-request",
        data={"role": "Nurse", "reason": "Weekly visits"},
        headers={"Referer": "https://localhost/"},
    )
    assert no_token.status_code == 400
    assert db.session.scalars(select(JoinRequest)).all() == []

    assert ask_to_join(nurse, world.child).status_code == 302
    contact = signed_in(app, world.caf_contact)
    wrong_token = contact.post(
        f"/join-requests/{only_request().id}",
        data={"decision": "approve", "comment": "Fine", "csrf_token": "forged"},
        headers={"Referer": "https://localhost/"},
    )
    assert wrong_token.status_code == 400
    assert only_request().status is JoinRequestStatus.PENDING


def test_a_request_can_only_be_declined_once_the_episode_has_closed(app, world):
    requested(app, world, world.northgate_nurse)
    world.episode.state, world.episode.closed_at = "closed", utcnow()
    db.session.commit()
    contact = signed_in(app, world.caf_contact)
    refused = decide(contact, only_request(), "approve")
    assert "you can only decline the request" in " ".join(error_messages(refused))
    assert db.session.scalars(select(TacMember)).all() == []
    assert decide(contact, only_request(), "decline", "The CAF has closed").status_code == 302


def test_a_requester_whose_dbs_check_has_lapsed_cannot_be_approved(app, world):
    requested(app, world, world.northgate_nurse)
    world.northgate_nurse.dbs_check_date = world.lapsed.dbs_check_date
    db.session.commit()
    contact = signed_in(app, world.caf_contact)
    refused = decide(contact, only_request(), "approve")
    assert "in-date enhanced DBS check" in " ".join(error_messages(refused))
    assert only_request().status is JoinRequestStatus.PENDING
    assert register() == []


def test_the_database_refuses_a_second_pending_request_that_arrives_at_the_same_time(world):
    def pending() -> JoinRequest:
        return JoinRequest(
            episode_id=world.episode.id,
            requester_id=world.northgate_nurse.id,
            role="Nurse",
            reason="Weekly visits",
            status=JoinRequestStatus.PENDING,
        )

    db.session.add_all([pending(), pending()])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

    declined = pending()
    declined.status = JoinRequestStatus.DECLINED
    db.session.add_all([declined, pending()])
    db.session.commit()
    assert len(db.session.scalars(select(JoinRequest)).all()) == 2
