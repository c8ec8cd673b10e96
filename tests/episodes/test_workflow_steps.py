"""Workflow steps through HTTP: allowed and refused per role, reasons, comments, stale
requests, history, audit and notifications."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from tests.sharing.judgement import public_interest_answers
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Organisation, Sector
from webapp.consent.models import ConsentAgency
from webapp.db import utcnow
from webapp.episodes.models import Episode, EpisodeTransition, Notification
from webapp.sharing.models import SharingDecision


@pytest.fixture
def team(app):
    northgate = make_borough("northgate", name="London Borough of Northgate")
    make_user(make_organisation(northgate, Sector.LOCAL_AUTHORITY), Role.BOROUGH_CAF_CONTACT)
    riverside = make_borough("riverside", name="London Borough of Riverside")
    school = make_organisation(riverside, Sector.SCHOOL)
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY)
    people = {
        "assessor": make_user(school),
        "lead_professional": make_user(school),
        "manager": make_user(school, Role.MANAGER),
        "caf_contact": make_user(council, Role.BOROUGH_CAF_CONTACT),
        "northgate": northgate,
    }
    db.session.commit()
    return people


def episode_in(team, state: str, **fields) -> Episode:
    episode = make_episode(
        make_child(team["assessor"].borough),
        team["assessor"],
        lead_professional=team["lead_professional"],
        state=state,
        **fields,
    )
    db.session.commit()
    return episode


def take(client, episode, trigger, comment="", expected_state=None, **extra):
    path = f"/episodes/{episode.id}/steps/{trigger}"
    return client.post_form(
        path,
        {"expected_state": expected_state or episode.state, "comment": comment, **extra},
        token_from=f"/episodes/{episode.id}",
    )


def reload(episode) -> Episode:
    db.session.expire_all()
    return db.session.get(Episode, episode.id)


def audit_actions(episode) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.episode_id == episode.id)
            .order_by(AuditEvent.id)
        )
    )


def test_the_episode_page_shows_the_stage_and_why_a_step_is_not_possible(client, team):
    episode = episode_in(team, "identified")
    sign_in(client, team["assessor"])
    page = BeautifulSoup(
        client.get(f"/episodes/{episode.id}").get_data(as_text=True), "html.parser"
    )
    assert "Stage: Needs identified" in page.get_text()
    blocked = page.select_one(".ecaf-blocked").get_text(" ", strip=True)
    assert "Start the assessment" in blocked
    assert "Record the family's consent to assess and record first" in blocked


def test_a_safeguarding_referral_needs_reasons_and_is_recorded_in_the_history(client, team):
    episode = episode_in(team, "delivering")
    sign_in(client, team["lead_professional"])

    missing = take(client, episode, "refer_to_social_care", comment="")
    assert missing.status_code == 200
    assert "There is a problem" in missing.get_data(as_text=True)
    assert reload(episode).state == "delivering"

    done = take(
        client,
        episode,
        "refer_to_social_care",
        comment="Bruising seen <script>x</script>",
        recipient_name="Children's social care front door",
        what="What was seen",
        basis="without_consent",
        **public_interest_answers(reasons=None, shared=None),
    )
    assert done.status_code == 302
    episode = reload(episode)
    assert episode.state == "referred_to_social_care"
    entry = db.session.scalars(select(EpisodeTransition)).one()
    assert (entry.from_state, entry.to_state, entry.actor_id) == (
        "delivering",
        "referred_to_social_care",
        team["lead_professional"].id,
    )
    assert entry.comment == "Bruising seen <script>x</script>"
    page = client.get(f"/episodes/{episode.id}").get_data(as_text=True)
    assert "Bruising seen &lt;script&gt;x&lt;/script&gt;" in page
    assert "episode.safeguarding_referral" in audit_actions(episode)
    notified = {n.user_id for n in db.session.scalars(select(Notification))}
    assert team["caf_contact"].id in notified


def test_a_step_the_user_has_no_role_for_is_refused_audited_and_changes_nothing(client, team):
    episode = episode_in(
        team, "closure_requested", closure_requested_by_id=team["lead_professional"].id
    )
    sign_in(client, team["assessor"])

    response = take(client, episode, "send_back_closure", comment="Not yet")

    assert response.status_code == 403
    assert "Only a manager" in response.get_data(as_text=True) or "manager" in response.get_data(
        as_text=True
    )
    assert reload(episode).state == "closure_requested"
    assert "episode.transition.refused" in audit_actions(episode)
    assert db.session.scalars(select(EpisodeTransition)).all() == []


def test_a_manager_sends_closure_back_with_a_comment_and_the_lead_is_told(client, team):
    episode = episode_in(
        team, "closure_requested", closure_requested_by_id=team["lead_professional"].id
    )
    sign_in(client, team["manager"])

    response = take(client, episode, "send_back_closure", comment="Review the school's actions")

    assert response.status_code == 302
    episode = reload(episode)
    assert episode.state == "reviewing"
    assert episode.closure_requested_by_id is None
    note = db.session.scalars(select(Notification)).one()
    assert note.user_id == team["lead_professional"].id
    assert "Review the school's actions" in note.message


def test_the_person_who_requested_closure_cannot_decide_on_it(client, team):
    manager = team["manager"]
    episode = episode_in(team, "closure_requested", closure_requested_by_id=manager.id)
    episode.lead_professional = manager
    db.session.commit()
    sign_in(client, manager)

    response = take(client, episode, "send_back_closure", comment="Changed my mind")

    assert response.status_code == 403
    assert (
        "Someone other than the person who requested closure must decide on it"
        in response.get_data(as_text=True)
    )
    assert reload(episode).state == "closure_requested"


def test_a_stale_request_is_refused_with_the_episode_has_changed_page(client, team):
    episode = episode_in(team, "delivering")
    sign_in(client, team["lead_professional"])

    response = take(client, episode, "start_review", expected_state="assessed")

    assert response.status_code == 409
    assert "This episode has changed" in response.get_data(as_text=True)
    assert reload(episode).state == "delivering"
    assert "episode.transition.refused" in audit_actions(episode)


def test_two_people_acting_at_once_exactly_one_succeeds(client, other_client, team):
    episode = episode_in(team, "delivering")
    sign_in(client, team["lead_professional"])
    coordinator = team["assessor"]
    episode.coordinator = coordinator
    db.session.commit()
    sign_in(other_client, coordinator)
    first_token = client.csrf_token(f"/episodes/{episode.id}")
    second_token = other_client.csrf_token(f"/episodes/{episode.id}")

    first = client.post(
        f"/episodes/{episode.id}/steps/start_review",
        data={"expected_state": "delivering", "csrf_token": first_token},
        headers={"Referer": "https://localhost/"},
    )
    second = other_client.post(
        f"/episodes/{episode.id}/steps/start_review",
        data={"expected_state": "delivering", "csrf_token": second_token},
        headers={"Referer": "https://localhost/"},
    )

    assert sorted([first.status_code, second.status_code]) == [302, 409]
    assert reload(episode).state == "reviewing"
    assert len(db.session.scalars(select(EpisodeTransition)).all()) == 1


@pytest.mark.parametrize(("trigger", "status"), [("no_such_step", 404), ("approve_closure", 409)])
def test_unknown_steps_and_steps_not_from_this_stage_change_nothing(client, team, trigger, status):
    episode = episode_in(team, "delivering")
    sign_in(client, team["lead_professional"])
    assert take(client, episode, trigger).status_code == status
    assert reload(episode).state == "delivering"


def test_withdrawal_needs_the_withdrawal_recorded_first_then_stops_sharing(client, team):
    episode = episode_in(team, "delivering")
    consent = make_consent(episode, team["assessor"])
    db.session.commit()
    sign_in(client, team["lead_professional"])

    refused = take(client, episode, "withdraw_consent", comment="Mother withdrew by phone")
    assert refused.status_code == 403
    assert "Record the withdrawal of consent" in refused.get_data(as_text=True)

    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = team["lead_professional"].id
    db.session.commit()
    assert take(client, episode, "withdraw_consent", comment="Mother withdrew").status_code == 302
    episode = reload(episode)
    assert episode.state == "consent_withdrawn"
    assert episode.sharing_suspended is True


def test_transfer_to_another_borough_needs_consent_to_share_and_tells_that_borough(client, team):
    episode = episode_in(team, "delivering")
    sign_in(client, team["lead_professional"])
    northgate = team["northgate"]

    refused = take(
        client, episode, "transfer_out", comment="Family moved", to_borough_id=northgate.id
    )
    assert refused.status_code == 403

    # Consent to share with Northgate's council, where its CAF contact works: the transfer
    # hands the record to them, so it goes in the register with that consent.
    consent = make_consent(episode, team["assessor"])
    northgate_council = db.session.scalars(
        select(Organisation).where(
            Organisation.borough_id == northgate.id,
            Organisation.sector == Sector.LOCAL_AUTHORITY,
        )
    ).one()
    consent.agencies = [ConsentAgency(organisation_id=northgate_council.id)]
    db.session.commit()
    no_borough = take(client, episode, "transfer_out", comment="Family moved", to_borough_id="")
    assert no_borough.status_code == 200
    assert "Select the borough the child is moving to" in no_borough.get_data(as_text=True)

    done = take(client, episode, "transfer_out", comment="Family moved", to_borough_id=northgate.id)
    assert done.status_code == 302
    episode = reload(episode)
    assert (episode.state, episode.transferred_to_borough_id) == ("transferred", northgate.id)
    assert episode.closed_at is not None
    receiving = db.session.scalars(select(Notification)).all()
    assert [n.kind for n in receiving] == ["transfer_in"]
    (entry,) = db.session.scalars(select(SharingDecision)).all()
    assert (entry.organisation_id, entry.consent_id) == (northgate_council.id, consent.id)


def test_a_borough_override_adds_its_own_stage(client, team, app):
    from webapp.episodes import workflow

    definition = workflow.catalogue().for_borough("riverside")
    episode = episode_in(
        team, "assessed", workflow_id=definition.id, workflow_version=definition.version
    )
    sign_in(client, team["caf_contact"])
    page = client.get(f"/episodes/{episode.id}").get_data(as_text=True)
    assert definition.id == "caf-riverside"
    assert "quality" in page.lower()
