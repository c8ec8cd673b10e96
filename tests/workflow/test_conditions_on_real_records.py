"""Every workflow condition judged on real records: the episode's consent rows, forms, team
and history are written to the database as the app writes them, and the facts are read
back through `workflow.facts_for`, the path every step takes. No facts are made up here,
so a condition cannot pass its test while reading the wrong record (as Riverside's quality
check once did).

Each condition in the registry needs a case that makes it hold and one that makes it fail:
a new condition without both fails `test_every_registered_condition_is_judged_on_real_records`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from tests.assessments.answers import CAF_ASSESSMENT
from tests.episodes.journey import RIVERSIDE_ASSESSMENT
from tests.factories import (
    make_borough,
    make_child,
    make_completed_form,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.assessments import pages, services
from webapp.assessments.models import ResponseStatus
from webapp.consent.models import ConsentDecision
from webapp.db import utcnow
from webapp.episodes import workflow
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.formdefs import validate_section
from webapp.tac import services as tac
from webapp.tac.models import MemberKind
from webapp.workflow import DEFAULT_REGISTRY


@dataclass
class World:
    borough: object
    other_borough: object
    assessor: object
    lead: object
    manager: object

    def episode(self, state: str = "identified", *, borough=None, **fields) -> Episode:
        borough = borough or self.borough
        definition = workflow.catalogue().for_borough(borough.code)
        episode = make_episode(
            make_child(borough),
            self.assessor,
            state=state,
            workflow_id=definition.id,
            workflow_version=definition.version,
            **fields,
        )
        db.session.commit()
        return episode


@pytest.fixture
def world(app) -> World:
    eastmoor = make_borough("eastmoor", name="Eastmoor Council")
    riverside = make_borough("riverside", name="London Borough of Riverside")
    school = make_organisation(eastmoor)
    found = World(
        borough=eastmoor,
        other_borough=riverside,
        assessor=make_user(school),
        lead=make_user(school),
        manager=make_user(school, Role.MANAGER),
    )
    db.session.commit()
    return found


# --- building records as the app does -------------------------------------------------------


def fill(response, answers: dict, actor) -> None:
    """Every section saved through the form service, from what a browser would post."""
    for section in services.sections(response):
        if section.id == "consent" and section.id not in answers:
            continue  # the consent section: the episode's consent record answers it
        raw = pages.parse_section(section, MultiDict(answers[section.id]))
        result = validate_section(section, raw, context=response.answers())
        assert result.is_valid, (section.id, result.errors)
        services.save_section(
            db.session,
            response,
            section.id,
            result.values,
            expected_version=0,
            complete=True,
            actor=actor,
        )
    db.session.commit()


def fire(episode: Episode, trigger: str, user, comment: str | None = None) -> None:
    workflow.fire(
        db.session, episode.id, trigger, user, expected_state=episode.state, comment=comment
    )
    db.session.commit()


def transferred_from(world: World, state: str) -> Episode:
    """An episode transferred to Riverside from `state`, waiting to be accepted: the
    transfer step's history row and the receiving borough, as `transfer_out` leaves them."""
    episode = world.episode("transferred", transferred_to_borough_id=world.other_borough.id)
    make_consent(episode, world.assessor)
    db.session.add(
        EpisodeTransition(
            episode_id=episode.id,
            actor_id=world.lead.id,
            trigger="transfer_out",
            title="Transfer to another borough",
            from_state=state,
            to_state="transferred",
            comment="The family moved",
            workflow_id=episode.workflow_id,
            workflow_version=episode.workflow_version,
        )
    )
    episode.closed_at = utcnow()
    db.session.commit()
    return episode


# --- the cases: each builds an episode and says who is acting -------------------------------

Build = Callable[[World], tuple[Episode, object]]


def no_consent(world):
    return world.episode(), world.assessor


def consent_given(world):
    episode = world.episode()
    make_consent(episode, world.assessor)
    db.session.commit()
    return episode, world.assessor


def consent_withdrawn(world):
    episode = world.episode("delivering")
    make_consent(episode, world.assessor, withdrawn_at=utcnow(), withdrawn_by_id=world.lead.id)
    db.session.commit()
    return episode, world.assessor


def consent_refused(world):
    episode = world.episode()
    make_consent(
        episode,
        world.assessor,
        decision=ConsentDecision.REFUSED,
        to_assess=False,
        to_record=False,
        to_share=False,
    )
    db.session.commit()
    return episode, world.assessor


def refused_then_given(world):
    episode, user = consent_refused(world)
    make_consent(episode, world.assessor)
    db.session.commit()
    return episode, user


def consent_without_sharing(world):
    episode = world.episode("assessed")
    make_consent(episode, world.assessor, to_share=False)
    db.session.commit()
    return episode, world.assessor


def sharing_suspended(world):
    episode = world.episode("delivering", sharing_suspended=True)
    make_consent(episode, world.assessor)
    db.session.commit()
    return episode, world.assessor


def assessment_draft(world, answers: dict | None = None, borough=None):
    episode = world.episode(borough=borough)
    make_consent(episode, world.assessor)
    db.session.commit()
    fire(episode, "start_assessment", world.assessor)
    if answers is not None:
        fill(services.current_draft(db.session, episode.id, "assessment"), answers, world.assessor)
    return episode, world.assessor


def assessment_draft_complete(world):
    return assessment_draft(world, CAF_ASSESSMENT)


def assessment_completed_in_riverside(world):
    """Completed through the real step: its quality check comes next."""
    episode, user = assessment_draft(world, RIVERSIDE_ASSESSMENT, world.other_borough)
    fire(episode, "complete_assessment", user)
    assert episode.state == "assessed"
    return episode, user


def assessment_returned_for_rework(world):
    """The completed version went back to the assessor, who cleared a required answer in
    the new draft: the completed version no longer counts."""
    episode, user = assessment_completed_in_riverside(world)
    contact = make_user(
        make_organisation(world.other_borough), Role.BOROUGH_CAF_CONTACT, Role.PRACTITIONER
    )
    db.session.commit()
    fire(episode, "return_for_rework", contact, comment="Add the school's view")
    draft = services.current_draft(db.session, episode.id, "assessment")
    row = draft.section_rows()["assessment_information"]
    services.save_section(
        db.session,
        draft,
        "assessment_information",
        {},
        expected_version=row.version,
        complete=False,
        actor=user,
    )
    db.session.commit()
    return episode, user


def nobody_leads(world):
    return world.episode("assessed"), world.assessor


def parent_leads(world):
    episode = world.episode("assessed")
    make_consent(episode, world.assessor)
    assessor = tac.join(db.session, episode, world.assessor)
    parent = tac.add_family_member(
        db.session, episode, world.assessor, MemberKind.PARENT_CARER, "Pat Example", "Mother"
    )
    db.session.commit()
    db.session.expire(episode)
    tac.nominate_lead_professional(db.session, episode, world.assessor, parent, "", assessor)
    db.session.commit()
    return episode, world.assessor


def plan_with_actions(world):
    episode = world.episode("assessed")
    make_consent(episode, world.assessor)
    db.session.commit()
    plan = services.start_response(db.session, episode, "plan", world.assessor)
    services.save_section(
        db.session,
        plan,
        "plan",
        {"plan_actions": [{"plan_need": "Attendance", "plan_action_what": "Morning club"}]},
        expected_version=0,
        complete=False,
        actor=world.assessor,
    )
    db.session.commit()
    return episode, world.assessor


def empty_plan(world):
    episode = world.episode("assessed")
    make_consent(episode, world.assessor)
    db.session.commit()
    services.start_response(db.session, episode, "plan", world.assessor)
    db.session.commit()
    return episode, world.assessor


def review_completed(world):
    episode = world.episode("reviewing", lead_professional=world.lead)
    make_consent(episode, world.assessor)
    db.session.commit()
    make_completed_form(episode, "review", world.lead, needs={"needs_met": "some"})
    return episode, world.lead


def review_in_draft(world):
    episode = world.episode("reviewing", lead_professional=world.lead)
    make_consent(episode, world.assessor)
    db.session.commit()
    services.start_response(db.session, episode, "review", world.lead)
    db.session.commit()
    return episode, world.lead


def closure_completed(world):
    episode = world.episode("delivering", lead_professional=world.lead)
    make_consent(episode, world.assessor)
    db.session.commit()
    make_completed_form(
        episode,
        "closure",
        world.lead,
        reason={"closure_reason": "needs_met", "closure_date": utcnow().date().isoformat()},
    )
    return episode, world.lead


def closure_in_draft(world):
    episode = world.episode("delivering", lead_professional=world.lead)
    make_consent(episode, world.assessor)
    db.session.commit()
    services.start_response(db.session, episode, "closure", world.lead)
    db.session.commit()
    return episode, world.lead


def closure_requested(world, decider: str):
    """The lead professional requested closure through the real step."""
    episode, lead = closure_completed(world)
    review = services.start_response(db.session, episode, "review", lead)
    review.status = ResponseStatus.COMPLETED
    db.session.commit()
    fire(episode, "request_closure", lead)
    assert episode.closure_requested_by_id == lead.id
    return episode, getattr(world, decider)


def closure_decided_by_another(world):
    return closure_requested(world, "manager")


def closure_decided_by_requester(world):
    return closure_requested(world, "lead")


def transferred_while_assessing(world):
    return transferred_from(world, "assessing"), world.assessor


def transferred_after_assessment(world):
    episode = transferred_from(world, "assessed")
    make_completed_form(episode, "assessment", world.assessor)
    return episode, world.assessor


def transferred_before_assessment(world):
    """From a borough's own stage before the assessment: no assessment was ever written."""
    return transferred_from(world, "awaiting_registration"), world.assessor


def transferred_while_delivering(world):
    return transferred_from(world, "reviewing"), world.assessor


def not_transferred(world):
    episode, user = consent_given(world)
    episode.state = "delivering"
    db.session.commit()
    return episode, user


#: condition -> ((case, build, whether it must hold), ...)
CASES: dict[str, tuple[tuple[str, Build, bool], ...]] = {
    "consent_to_record_exists": (
        ("consent given", consent_given, True),
        ("consent withdrawn", consent_withdrawn, False),
        ("no consent", no_consent, False),
    ),
    "consent_to_record_not_given": (
        ("no consent", no_consent, True),
        ("consent refused", consent_refused, True),
        ("consent given", consent_given, False),
    ),
    "consent_refusal_recorded": (
        ("consent refused", consent_refused, True),
        ("refused, then given", refused_then_given, False),
        ("no consent", no_consent, False),
    ),
    "consent_to_share_exists": (
        ("consent given", consent_given, True),
        ("consent without sharing", consent_without_sharing, False),
        ("sharing suspended", sharing_suspended, False),
    ),
    "consent_withdrawal_recorded": (
        ("consent withdrawn", consent_withdrawn, True),
        ("consent given", consent_given, False),
    ),
    "assessment_complete": (
        ("draft with every answer", assessment_draft_complete, True),
        ("version completed (Riverside)", assessment_completed_in_riverside, True),
        ("empty draft", assessment_draft, False),
        ("returned for rework", assessment_returned_for_rework, False),
    ),
    "lead_professional_nominated": (
        ("a parent leads", parent_leads, True),
        ("nobody leads", nobody_leads, False),
    ),
    "has_actions": (
        ("plan with an action", plan_with_actions, True),
        ("assessment with agreed actions", assessment_draft_complete, True),
        ("empty plan", empty_plan, False),
    ),
    "review_recorded": (
        ("review completed", review_completed, True),
        ("review in draft", review_in_draft, False),
    ),
    "closure_form_complete": (
        ("closure form completed", closure_completed, True),
        ("closure form in draft", closure_in_draft, False),
    ),
    "approver_is_not_requester": (
        ("another person decides", closure_decided_by_another, True),
        ("the requester decides", closure_decided_by_requester, False),
        ("closure not requested", closure_completed, False),
    ),
    "transferred_during_assessment": (
        ("from assessing", transferred_while_assessing, True),
        ("from a stage before the assessment", transferred_before_assessment, True),
        ("from assessed", transferred_after_assessment, False),
        ("from reviewing", transferred_while_delivering, False),
        ("not transferred", not_transferred, False),
    ),
    "transferred_before_delivery": (
        ("from assessed", transferred_after_assessment, True),
        ("from assessing", transferred_while_assessing, False),
        ("from a stage before the assessment", transferred_before_assessment, False),
        ("from reviewing", transferred_while_delivering, False),
    ),
    "transferred_during_delivery": (
        ("from reviewing", transferred_while_delivering, True),
        ("from assessed", transferred_after_assessment, False),
        ("not transferred", not_transferred, False),
    ),
}

PARAMETERS = [
    pytest.param(name, build, holds, id=f"{name}: {case}")
    for name, cases in CASES.items()
    for case, build, holds in cases
]


def test_every_registered_condition_is_judged_on_real_records():
    assert set(CASES) == set(DEFAULT_REGISTRY.conditions)
    for name, cases in CASES.items():
        assert {holds for _, _, holds in cases} == {True, False}, name


@pytest.mark.parametrize(("name", "build", "holds"), PARAMETERS)
def test_condition_judges_the_episodes_own_records(world, name, build, holds):
    episode, user = build(world)
    db.session.expire_all()
    episode = db.session.get(Episode, episode.id)
    facts = workflow.facts_for(db.session, episode)
    actor = workflow.actor_for(user, episode)
    assert DEFAULT_REGISTRY.conditions[name].check(facts, actor) is holds, facts


def test_a_riverside_quality_check_passes_on_the_assessment_just_completed(world):
    """The stranding this file was written for, as the engine sees it."""
    episode, _ = assessment_completed_in_riverside(world)
    contact = make_user(make_organisation(world.other_borough), Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    fire(episode, "pass_quality_check", contact)
    assert episode.state == "quality_checked"


def test_the_cases_build_what_they_say(world):
    """A few cases checked against their own records, so a case cannot drift silently."""
    episode, _ = assessment_returned_for_rework(world)
    newest = services.latest(db.session, episode.id, "assessment")
    assert (newest.sequence, newest.is_completed) == (2, False)
    episode, _ = transferred_after_assessment(world)
    assert episode.transferred_to_borough_id == world.other_borough.id
    assert timedelta(0) <= utcnow() - episode.closed_at
