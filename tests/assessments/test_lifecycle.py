"""The workflow's form effects and the facts its conditions read from the forms."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from tests.assessments.helpers import make_world
from webapp import db
from webapp.assessments import facts, services
from webapp.assessments.models import FormResponse, ResponseStatus
from webapp.episodes import workflow

NEXT_WEEK = date.today() + timedelta(days=7)


@pytest.fixture
def world(app):
    return make_world("eastmoor", state="identified")


def fire(world, trigger, user="assessor", comment=None):
    episode = world["episode"]
    workflow.fire(
        db.session, episode.id, trigger, world[user], expected_state=episode.state, comment=comment
    )
    db.session.commit()


def assessments(world):
    return (
        db.session.query(FormResponse)
        .filter_by(episode_id=world["episode"].id, form_id="caf_assessment")
        .order_by(FormResponse.sequence)
        .all()
    )


def fill_valid_assessment(world, response):
    """Store every section as the national form requires (through the service)."""
    from werkzeug.datastructures import MultiDict

    from tests.assessments.answers import CAF_ASSESSMENT
    from webapp.assessments import pages
    from webapp.formdefs import validate_section

    for section in services.sections(response):
        if section.id not in CAF_ASSESSMENT:
            continue  # the consent section: the episode's consent record answers it
        raw = pages.parse_section(section, MultiDict(CAF_ASSESSMENT[section.id]))
        result = validate_section(section, raw, context=response.answers())
        assert result.is_valid, (section.id, result.errors)
        services.save_section(
            db.session,
            response,
            section.id,
            result.values,
            expected_version=0,
            complete=True,
            actor=world["assessor"],
        )
    db.session.commit()


def test_starting_the_assessment_creates_draft_version_one_pinned_to_the_borough(world):
    fire(world, "start_assessment")
    (response,) = assessments(world)
    assert (response.sequence, response.status, response.borough) == (
        1,
        ResponseStatus.DRAFT,
        "eastmoor",
    )
    found = facts.for_episode(db.session, world["episode"])
    assert (found["assessment_draft_complete"], found["assessment_completed"]) == (False, False)


def test_a_complete_draft_makes_the_draft_complete_fact_true(world):
    fire(world, "start_assessment")
    (response,) = assessments(world)
    fill_valid_assessment(world, response)
    found = facts.for_episode(db.session, world["episode"])
    assert found == {
        "assessment_draft_complete": True,
        "assessment_completed": False,
        "action_count": 2,
        "review_count": 0,
        "review_agrees_to_close": False,
        "closure_form_complete": False,
    }


def test_completing_the_assessment_locks_the_version_and_sets_the_first_review(world):
    fire(world, "start_assessment")
    (response,) = assessments(world)
    fill_valid_assessment(world, response)
    fire(world, "complete_assessment")
    db.session.refresh(response)
    assert response.is_completed and response.completed_by_id == world["assessor"].id
    found = facts.for_episode(db.session, world["episode"])
    assert (found["assessment_draft_complete"], found["assessment_completed"]) == (False, True)
    assert world["episode"].next_review_on == date.fromisoformat(
        response.answers()["first_review_date"]
    )
    with pytest.raises(services.ResponseLocked):
        services.save_section(
            db.session,
            response,
            "comments",
            {},
            expected_version=1,
            complete=True,
            actor=world["assessor"],
        )


def test_the_assessment_cannot_be_completed_while_answers_are_missing(world):
    from webapp.workflow import TransitionNotAllowed

    fire(world, "start_assessment")
    with pytest.raises(TransitionNotAllowed):
        fire(world, "complete_assessment")


def test_a_reassessment_starts_version_two_from_a_copy_of_version_one(world):
    fire(world, "start_assessment")
    (first,) = assessments(world)
    fill_valid_assessment(world, first)
    fire(world, "complete_assessment")
    world["episode"].state = "delivering"
    world["episode"].lead_professional_id = world["assessor"].id
    db.session.commit()
    fire(world, "reassess", comment="Moved house")
    first_again, second = assessments(world)
    assert (second.sequence, second.status) == (2, ResponseStatus.DRAFT)
    assert second.answers() == first_again.answers()
    assert first_again.is_completed
    # The copy is a draft to review, section by section; the consent section is the
    # episode's consent record, current here.
    statuses = services.statuses(second)
    assert statuses.pop("consent") == services.COMPLETED
    assert set(statuses.values()) == {services.IN_PROGRESS}


def test_firing_the_start_effect_twice_keeps_one_draft(world):
    from webapp.assessments import lifecycle

    fire(world, "start_assessment")
    context = SimpleNamespace(
        db_session=db.session,
        episode=world["episode"],
        actor=world["assessor"],
        audit=lambda *args, **kwargs: None,
    )
    lifecycle.EFFECTS["start_new_assessment_version"](context)
    assert len(assessments(world)) == 1


def test_continuing_after_a_review_schedules_the_next_review(world):
    world["episode"].state = "reviewing"
    world["episode"].lead_professional_id = world["assessor"].id
    db.session.commit()
    review = services.start_response(db.session, world["episode"], "review", world["assessor"])
    services.save_section(
        db.session,
        review,
        "next_steps",
        {"review_outcome": "continue", "next_review_date": NEXT_WEEK.isoformat()},
        expected_version=0,
        complete=True,
        actor=world["assessor"],
    )
    review.status = ResponseStatus.COMPLETED
    db.session.commit()
    assert facts.for_episode(db.session, world["episode"])["review_count"] == 1
    fire(world, "continue_delivery")
    assert world["episode"].next_review_on == NEXT_WEEK
    assert world["episode"].state == "delivering"


def test_plan_actions_and_assessment_actions_are_both_counted(world):
    plan = services.start_response(db.session, world["episode"], "plan", world["assessor"])
    services.save_section(
        db.session,
        plan,
        "plan",
        {"plan_actions": [{"plan_need": "Sleep"}, {"plan_need": "Food"}, {"plan_need": "Play"}]},
        expected_version=0,
        complete=False,
        actor=world["assessor"],
    )
    db.session.commit()
    assert facts.for_episode(db.session, world["episode"])["action_count"] == 3


def test_only_a_completed_closure_form_counts(world):
    closure = services.start_response(db.session, world["episode"], "closure", world["assessor"])
    db.session.commit()
    assert facts.for_episode(db.session, world["episode"])["closure_form_complete"] is False
    closure.status = ResponseStatus.COMPLETED
    db.session.commit()
    assert facts.for_episode(db.session, world["episode"])["closure_form_complete"] is True
