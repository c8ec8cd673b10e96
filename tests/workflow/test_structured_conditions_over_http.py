"""Borough workflows with structured conditions, driven through the app's pages.

Two boroughs' overrides, written as data only, guard "Start delivering the plan":

- Eastmoor: a team-around-the-child meeting must be recorded first
  (`{count: {of: tac_meetings, at_least: 1}}`);
- Westbrook: if the assessment says the young person is pregnant, the specialist midwife
  must be informed first (`{any: [{not: {answer: ...}}, {answer: {..., answered: true}}]}`),
  over questions Westbrook's form overlays add to the national forms.

A practitioner posts the step: it is refused with the override's own words until the
records exist (real rows, saved through the pages), then taken. The refusal and its audit
entry never repeat the answer the condition read.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.assessments.answers import CAF_ASSESSMENT
from tests.conftest import sign_in
from tests.episodes.journey import (
    NEXT_WEEK,
    TODAY,
    Person,
    assess,
    date_parts,
    member_for,
    reload,
    start_caf,
    text,
)
from tests.factories import make_borough, make_child, make_organisation, make_user
from tests.workflow.factories import WORKFLOWS, start_delivery_override
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.episodes import workflow
from webapp.episodes.models import EpisodeTransition
from webapp.formdefs.loader import default_root
from webapp.workflow.expressions import Needs

TAC_REFUSAL = "Record a team around the child meeting before the plan starts"
MIDWIFE_REFUSAL = (
    "Record in the delivery plan when the specialist midwife was informed, before the plan starts"
)

EASTMOOR = start_delivery_override(
    "eastmoor",
    f"""
    - count: {{of: tac_meetings, at_least: 1}}
      refusal: {TAC_REFUSAL}
    - days_since: {{state: assessed, at_least: 0}}
      refusal: The assessment must be completed first
    """,
)

WESTBROOK = start_delivery_override(
    "westbrook",
    f"""
    - refusal: {MIDWIFE_REFUSAL}
      any:
        - not: {{answer: {{form: caf_assessment, field: pregnant, equals: yes}}}}
        - answer: {{form: delivery_plan_review, field: midwife_informed_on, answered: true}}
    """,
)


def westbrook_overlay(form: str, version: int, section: str, field: str) -> str:
    """Westbrook's first overlay of a national form: one question added to a section."""
    return (
        f"borough: westbrook\nversion: 1\nextends: {{form: {form}, version: {version}}}\n"
        f"operations:\n  - add_field:\n      into: {section}\n      field: {field}\n"
    )


WESTBROOK_ASSESSMENT = westbrook_overlay(
    "caf_assessment",
    1,
    "family_situation",
    "{id: pregnant, type: yes_no, label: 'Is the young person pregnant?', short_label: Pregnant}",
)
WESTBROOK_PLAN = westbrook_overlay(
    "delivery_plan_review",
    2,
    "plan",
    "{id: midwife_informed_on, type: date, label: 'When was the specialist midwife informed?',"
    " short_label: Midwife informed}",
)

PLAN = {
    "plan": {
        "plan_actions-items": "1",
        "plan_actions-0-plan_need": "Attendance",
        "plan_actions-0-plan_action_what": "Morning club place",
        "plan_actions-0-plan_action_who": "School",
        **date_parts("plan_actions-0-plan_action_by_when", NEXT_WEEK),
        "plan_actions-0-plan_action_status": "not_started",
    }
}

TAC_MEETING = {
    "meeting": {**date_parts("meeting_date", TODAY - timedelta(days=1)), "meeting_chair": "Chair"},
    "attendance": {
        "attendees-items": "1",
        "attendees-0-attendee_name": "Sam Example",
        "attendees-0-attendee_role": "Teacher",
        "attendees-0-attendee_attendance": "attended",
    },
    "decisions_actions": {"decisions": "A morning club place.", "tac_actions-items": "0"},
    "lead_professional": {
        "lead_professional_nominated": "Sam Example",
        "lead_professional_organisation": "Eastmoor Primary",
        "lead_professional_agreed_by_family": "yes",
    },
    "next_meeting": {**date_parts("next_meeting_date", NEXT_WEEK)},
}


@pytest.fixture
def app_config(tmp_path) -> dict:
    """The repository's definitions plus the two boroughs' files."""
    workflows = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, workflows)
    (workflows / "boroughs" / "eastmoor.yaml").write_text(EASTMOOR)
    (workflows / "boroughs" / "westbrook.yaml").write_text(WESTBROOK)
    formdefs = tmp_path / "formdefs"
    shutil.copytree(default_root(), formdefs)
    (formdefs / "boroughs" / "westbrook").mkdir()
    (formdefs / "boroughs" / "westbrook" / "caf_assessment.v1.yaml").write_text(
        WESTBROOK_ASSESSMENT
    )
    (formdefs / "boroughs" / "westbrook" / "delivery_plan_review.v1.yaml").write_text(
        WESTBROOK_PLAN
    )
    return {"WORKFLOWS_PATH": str(workflows), "FORMDEFS_PATH": str(formdefs)}


def assessed_episode(client, code: str, answers=CAF_ASSESSMENT) -> tuple[Person, int]:
    """A CAF in `code` started, consented, assessed, with the assessor as lead professional:
    everything the national guards of "Start delivering the plan" ask for."""
    borough = make_borough(code, name=f"{code.title()} Council")
    school = make_organisation(borough, name=f"{code.title()} Primary")
    assessor = Person(client, make_user(school, email=f"assessor@{code}.example"))
    child = make_child(borough)
    db.session.commit()
    episode_id = start_caf(assessor, child)
    assess(assessor, episode_id, school.id, answers=answers)
    assert assessor.join_team(episode_id).status_code == 302
    nominated = assessor.nominate_lead(episode_id, member_for(episode_id, assessor.user))
    assert nominated.status_code == 302, text(nominated)[:1500]
    return assessor, episode_id


def refusals(episode_id: int) -> list[dict]:
    return [
        json.loads(event.detail)
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.episode_id == episode_id,
                AuditEvent.action == "episode.transition.refused",
            )
        )
    ]


def test_eastmoor_starts_the_plan_only_once_a_tac_meeting_is_recorded(client):
    assessor, episode_id = assessed_episode(client, "eastmoor")
    assert reload(episode_id).workflow_id == "caf-eastmoor"
    assert TAC_REFUSAL in assessor.page(episode_id)

    refused = assessor.try_step(episode_id, "start_delivery")
    assert refused.status_code == 403
    assert TAC_REFUSAL in text(refused)
    assert reload(episode_id).state == "assessed"
    assert refusals(episode_id) == [{"trigger": "start_delivery", "reason": TAC_REFUSAL}]

    # A meeting record started but not completed is not a meeting recorded.
    started = assessor.start_form(episode_id, "tac")
    assert started.status_code == 302
    assert assessor.try_step(episode_id, "start_delivery").status_code == 403

    assessor.complete_form(episode_id, "tac", TAC_MEETING)
    assert TAC_REFUSAL not in assessor.page(episode_id)
    assert assessor.step(episode_id, "start_delivery").state == "delivering"


def westbrook_assessment(pregnant: str) -> dict:
    return {
        **CAF_ASSESSMENT,
        "family_situation": {**CAF_ASSESSMENT["family_situation"], "pregnant": pregnant},
    }


def test_westbrook_starts_the_plan_for_a_pregnant_young_person_once_the_midwife_is_informed(
    client,
):
    assessor, episode_id = assessed_episode(client, "westbrook", westbrook_assessment("yes"))
    assert reload(episode_id).workflow_id == "caf-westbrook"

    refused = assessor.try_step(episode_id, "start_delivery")
    assert refused.status_code == 403
    assert MIDWIFE_REFUSAL in text(refused)
    assert reload(episode_id).state == "assessed"
    # What the condition read stays out of the refusal and its audit entry.
    assert refusals(episode_id) == [{"trigger": "start_delivery", "reason": MIDWIFE_REFUSAL}]
    assert "pregnant" not in text(refused).lower()

    # A delivery plan without the date does not do.
    plan_id = int(assessor.start_form(episode_id, "plan").headers["Location"].split("/")[-1])
    assessor.fill(episode_id, plan_id, PLAN)
    assert assessor.try_step(episode_id, "start_delivery").status_code == 403

    assessor.fill(
        episode_id,
        plan_id,
        {"plan": {**PLAN["plan"], **date_parts("midwife_informed_on", TODAY)}},
    )
    assert MIDWIFE_REFUSAL not in assessor.page(episode_id)
    assert assessor.step(episode_id, "start_delivery").state == "delivering"


def test_westbrook_does_not_ask_for_the_midwife_when_the_young_person_is_not_pregnant(client):
    assessor, episode_id = assessed_episode(client, "westbrook", westbrook_assessment("no"))
    assert MIDWIFE_REFUSAL not in assessor.page(episode_id)
    assert assessor.step(episode_id, "start_delivery").state == "delivering"


def test_the_app_reads_only_the_records_the_definition_names(client):
    """Eastmoor's conditions count meetings and read no answers; Westbrook's read the two
    questions they name, and no count."""
    _assessor, eastmoor_id = assessed_episode(client, "eastmoor")
    eastmoor = workflow.engine_for(reload(eastmoor_id)).needs
    assert eastmoor == Needs(counts=frozenset({"tac_meetings"}), states=frozenset({"assessed"}))
    facts = workflow.facts_for(db.session, reload(eastmoor_id))
    assert dict(facts.record_counts) == {"tac_meetings": 0}
    assert dict(facts.answers) == {}
    completed = db.session.scalars(
        select(EpisodeTransition).where(
            EpisodeTransition.episode_id == eastmoor_id,
            EpisodeTransition.trigger == "complete_assessment",
        )
    ).one()
    assert dict(facts.entered_states) == {"assessed": completed.occurred_at}

    westbrook = workflow.catalogue().for_borough("westbrook")
    needs = workflow.Engine(westbrook).needs
    assert needs.answers == {
        ("caf_assessment", "pregnant"),
        ("delivery_plan_review", "midwife_informed_on"),
    }
    assert needs.counts == frozenset()


def test_the_boroughs_administrator_reads_the_conditions_in_words(client):
    westbrook = make_borough("westbrook", name="Westbrook Council")
    admin = make_user(make_organisation(westbrook, Sector.LOCAL_AUTHORITY), Role.BOROUGH_ADMIN)
    db.session.commit()
    sign_in(client, admin)
    response = client.get("/admin/workflows/caf-westbrook/1")
    assert response.status_code == 200
    assert (
        "any of: not (the answer to 'pregnant' on the form 'caf_assessment' is 'yes'); the "
        "answer to 'midwife_informed_on' on the form 'delivery_plan_review' has been given"
    ) in text(response)
