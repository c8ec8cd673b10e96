"""Through HTTP and the real scheduler command, on a borough override written as data
(tests/workflow/variants.py):

- step-up to children's social care needs a manager's agreement: the request records no
  referral and tells nobody; a decline goes back to the stage the episode's history says it
  came from; only the agreement records the referral in the sharing register and tells the
  safeguarding contacts;
- a review deadline: `review_interval_days` (42) after the plan is delivered without a
  review, the system takes the episode to "Review overdue", on the manager's worklist, once,
  audited as a step of the system with its reason.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_child, make_episode, make_organisation
from tests.sharing.judgement import public_interest_answers
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from tests.workflow.variants import WORKFLOW_ID, write_workflows
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.episodes import timers, workflow
from webapp.episodes.models import Episode, EpisodeTransition, Notification
from webapp.sharing.models import SharingDecision

WHY = "Bruising on both arms; she said her step-father grabbed her."
STARTED = datetime(2026, 1, 5, 10, 0)


@pytest.fixture
def app_config(tmp_path):
    return {"WORKFLOWS_PATH": str(write_workflows(tmp_path / "workflows"))}


@pytest.fixture
def world(app):
    world = build_world(state="delivering")
    world.episode.workflow_id = WORKFLOW_ID
    world.social_care = make_organisation(
        world.school.borough, Sector.LOCAL_AUTHORITY, name="Riverside Children's Social Care"
    )
    db.session.commit()
    return world


def step(client, episode, trigger: str, **data):
    db.session.expire_all()
    state = db.session.get(Episode, episode.id).state
    return client.post_form(
        f"/episodes/{episode.id}/steps/{trigger}",
        {"expected_state": state, **data},
        token_from=f"/episodes/{episode.id}",
    )


def referral(world) -> dict:
    answers = {
        "comment": WHY,
        "organisation_id": str(world.social_care.id),
        "recipient_name": "Duty social worker",
        "what": "What I saw and what she said",
        "basis": "without_consent",
        **public_interest_answers(reasons=None, shared=None),
    }
    return {name: value for name, value in answers.items() if value is not None}


def state_of(episode) -> str:
    db.session.expire_all()
    return db.session.get(Episode, episode.id).state


def history(episode) -> list[tuple[str, str, str, int | None]]:
    rows = db.session.scalars(
        select(EpisodeTransition)
        .where(EpisodeTransition.episode_id == episode.id)
        .order_by(EpisodeTransition.id)
    )
    return [(row.trigger, row.from_state, row.to_state, row.actor_id) for row in rows]


def register() -> list[SharingDecision]:
    return list(db.session.scalars(select(SharingDecision)))


def notified(kind: str) -> list[int]:
    return list(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


# --- step-up needs a manager's agreement ---------------------------------------------------


def test_a_declined_step_up_goes_back_where_it_came_from_with_no_referral_made(
    client, other_client, world
):
    sign_in(client, world.lead_professional)
    sign_in(other_client, world.manager)
    asked = step(client, world.episode, "refer_to_social_care", comment=WHY)
    assert asked.status_code == 302, error_messages(asked)
    assert state_of(world.episode) == "step_up_requested"
    # Nothing is shared and nobody is told until a manager agrees.
    assert register() == []
    assert audit_events("episode.safeguarding_referral") == []
    assert notified("safeguarding_referral") == []
    home = page_text(other_client.get("/"))
    assert "Referrals to agree" in home and world.episode.reference in home

    refused = step(client, world.episode, "decline_step_up", comment="Not needed")
    assert refused.status_code == 403
    assert state_of(world.episode) == "step_up_requested"
    assert audit_events("episode.transition.refused", world.lead_professional)

    no_reason = step(other_client, world.episode, "decline_step_up", comment="")
    assert no_reason.status_code == 200
    assert error_messages(no_reason) == ["Enter why a referral is not needed"]
    assert state_of(world.episode) == "step_up_requested"
    declined = step(other_client, world.episode, "decline_step_up", comment="Not at threshold")
    assert declined.status_code == 302, error_messages(declined)
    assert state_of(world.episode) == "delivering"
    assert history(world.episode) == [
        ("refer_to_social_care", "delivering", "step_up_requested", world.lead_professional.id),
        ("decline_step_up", "step_up_requested", "delivering", world.manager.id),
    ]
    (event,) = audit_events("episode.transition", world.manager)
    detail = json.loads(event.detail)
    assert (detail["from_state"], detail["to_state"], detail["comment"]) == (
        "step_up_requested",
        "delivering",
        "Not at threshold",
    )
    assert register() == [] and audit_events("episode.safeguarding_referral") == []
    assert notified("safeguarding_referral") == []


@pytest.mark.parametrize("came_from", ["assessed", "reviewing"])
def test_a_decline_returns_to_each_stage_the_request_was_made_from(
    client, other_client, world, came_from
):
    world.episode.state = came_from
    db.session.commit()
    sign_in(client, world.lead_professional)
    sign_in(other_client, world.manager)
    assert step(client, world.episode, "refer_to_social_care", comment=WHY).status_code == 302
    assert step(other_client, world.episode, "decline_step_up", comment="No").status_code == 302
    assert state_of(world.episode) == came_from


def test_only_the_managers_agreement_records_the_referral_and_tells_the_contacts(
    client, other_client, world
):
    sign_in(client, world.lead_professional)
    sign_in(other_client, world.manager)
    assert step(client, world.episode, "refer_to_social_care", comment=WHY).status_code == 302
    assert step(client, world.episode, "agree_step_up", **referral(world)).status_code == 403
    assert register() == []

    agreed = step(other_client, world.episode, "agree_step_up", **referral(world))
    assert agreed.status_code == 302, error_messages(agreed)
    assert state_of(world.episode) == "referred_to_social_care"
    (entry,) = register()
    assert entry.decided_by_id == world.manager.id
    assert entry.reasons == WHY
    (event,) = audit_events("episode.safeguarding_referral", world.manager)
    assert json.loads(event.detail)["sharing_decision_id"] == entry.id
    assert world.caf_contact.id in notified("safeguarding_referral")


def test_going_back_is_refused_when_the_history_does_not_say_where_from(other_client, world):
    """Never guessed: an episode put in the waiting state without a recorded step."""
    world.episode.state = "step_up_requested"
    db.session.commit()
    sign_in(other_client, world.manager)
    refused = step(other_client, world.episode, "decline_step_up", comment="No")
    assert refused.status_code == 403
    assert "does not show which stage it came from" in page_text(refused)
    assert state_of(world.episode) == "step_up_requested"
    assert history(world.episode) == []
    (event,) = audit_events("episode.transition.refused", world.manager)
    assert "does not show which stage" in json.loads(event.detail)["reason"]


# --- a review deadline taken by the scheduler ----------------------------------------------


def delivered_since(world, when: datetime, episode: Episode | None = None) -> Episode:
    episode = episode or world.episode
    db.session.add(
        EpisodeTransition(
            episode=episode,
            occurred_at=when,
            actor_id=world.lead_professional.id,
            trigger="start_delivery",
            title="Start delivering the plan",
            from_state="assessed",
            to_state="delivering",
            workflow_id=episode.workflow_id,
            workflow_version=1,
        )
    )
    db.session.commit()
    return episode


def run_scheduler(runner_cli, today: date) -> str:
    result = runner_cli.invoke(args=["caf", "reminders", "run", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def system_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "episode.transition", AuditEvent.actor_id.is_(None)
            )
        )
    )


def test_an_unreviewed_plan_goes_to_the_manager_once_its_review_is_overdue(
    client, other_client, runner_cli, world
):
    delivered_since(world, STARTED)
    day_42 = STARTED.date() + timedelta(days=42)

    assert "Timed steps" not in run_scheduler(runner_cli, day_42 - timedelta(days=1))
    assert state_of(world.episode) == "delivering" and system_events() == []

    output = run_scheduler(runner_cli, day_42)
    assert f"1 taken\n  {world.episode.reference}: mark_review_overdue" in output
    assert state_of(world.episode) == "review_overdue"
    assert history(world.episode)[-1] == (
        "mark_review_overdue",
        "delivering",
        "review_overdue",
        None,
    )
    (event,) = system_events()
    detail = json.loads(event.detail)
    assert (detail["by"], detail["trigger"], detail["to_state"]) == (
        "system",
        "mark_review_overdue",
        "review_overdue",
    )
    assert "42 days after the episode entered ‘Delivering the plan’" in detail["comment"]
    assert "16 February 2026" in detail["comment"]
    assert world.manager.id in notified("mark_review_overdue")

    # Running again, or later, takes nothing twice.
    assert "Timed steps" not in run_scheduler(runner_cli, day_42)
    assert "Timed steps" not in run_scheduler(runner_cli, day_42 + timedelta(days=30))
    assert len(system_events()) == 1 and len(notified("mark_review_overdue")) == 1

    sign_in(other_client, world.manager)
    home = page_text(other_client.get("/"))
    assert "Reviews overdue" in home and world.episode.reference in home
    shown = page_text(other_client.get(f"/episodes/{world.episode.id}"))
    assert "The system" in shown and "Review overdue" in shown

    # The manager (or the lead professional) starts the review from there.
    assert step(other_client, world.episode, "start_review").status_code == 302
    assert state_of(world.episode) == "reviewing"


def test_nobody_can_take_the_timed_step_by_hand(client, world):
    delivered_since(world, STARTED)
    sign_in(client, world.lead_professional)
    refused = step(client, world.episode, "mark_review_overdue")
    assert refused.status_code == 403
    assert "happens by itself after 42 days" in page_text(refused)
    assert state_of(world.episode) == "delivering"
    assert audit_events("episode.transition.refused", world.lead_professional)


def test_a_review_restarts_the_count_and_other_stages_and_workflows_are_left_alone(
    runner_cli, world
):
    # Entered delivering again 30 days ago (a review, then the plan continued): not due.
    delivered_since(world, STARTED)
    delivered_since(world, STARTED + timedelta(days=30))
    # The national workflow has no deadline; a plan under review is not delivering.
    borough = world.child.borough
    national = make_episode(make_child(borough), world.assessor, state="delivering")
    reviewing = make_episode(
        make_child(borough), world.assessor, state="reviewing", workflow_id=WORKFLOW_ID
    )
    delivered_since(world, STARTED, national)
    db.session.commit()

    assert "Timed steps" not in run_scheduler(runner_cli, STARTED.date() + timedelta(days=42))
    assert state_of(world.episode) == "delivering"
    assert "1 taken" in run_scheduler(runner_cli, STARTED.date() + timedelta(days=72))
    assert state_of(world.episode) == "review_overdue"
    assert (state_of(national), state_of(reviewing)) == ("delivering", "reviewing")


def test_a_step_taken_meanwhile_is_not_overtaken_by_a_deadline_no_longer_due(
    monkeypatch, app, world
):
    """The run found the episode due, then a review moved it on and back into delivering
    before the step was taken: read again with the episode locked, it is not due."""
    delivered_since(world, STARTED)
    found = timers._candidates(db.session, workflow.catalogue(), STARTED.date() + timedelta(42))
    assert [(episode.id, entered) for episode, entered in found] == [(world.episode.id, STARTED)]
    delivered_since(world, STARTED + timedelta(days=40))
    monkeypatch.setattr(timers, "_candidates", lambda *args: found)

    taken = timers.take_due_steps(db.session, workflow.catalogue(), STARTED.date() + timedelta(42))
    assert taken == [] and state_of(world.episode) == "delivering"
    assert system_events() == []


def test_the_workflow_page_shows_the_timed_step_and_the_way_back(client, world):
    sign_in(client, world.system_admin)
    response = client.get(f"/admin/workflows/{WORKFLOW_ID}/1")
    assert response.status_code == 200
    shown = page_text(response)
    assert "The system, after 42 days" in shown
    assert "Back to where the episode came from" in shown
    assert "Decline the referral (back)" in response.get_data(as_text=True)
