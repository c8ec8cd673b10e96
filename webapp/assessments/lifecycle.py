"""Workflow effects that act on an episode's forms, by the names the workflow gives them,
and the facts the workflow's conditions read from the forms (webapp/assessments/facts.py):
the forms plug both into the episode's workflow in `init_app`."""

from __future__ import annotations

from datetime import date

from flask import Flask

from webapp.assessments import facts, services
from webapp.assessments.models import FormResponse, ResponseStatus
from webapp.db import utcnow
from webapp.episodes.effects import (
    EffectContext,
    EffectFunction,
    register_effect,
    register_facts,
    register_needed_facts,
)
from webapp.workflow import EffectPhase

#: Core national fields read by the effects.
FIRST_REVIEW_DATE = "first_review_date"
NEXT_REVIEW_DATE = "next_review_date"


def start_new_assessment_version(context: EffectContext) -> None:
    """A new draft assessment version, pinned to the newest form the borough uses; a
    reassessment starts from a copy of the previous version's answers."""
    response = services.start_response(
        context.db_session, context.episode, "assessment", context.actor
    )
    context.audit("assessment.version_started", response_id=response.id, sequence=response.sequence)


def lock_assessment_version(context: EffectContext) -> None:
    """The current draft becomes completed and immutable."""
    draft = services.current_draft(context.db_session, context.episode.id, "assessment")
    if draft is None:
        return
    draft.status = ResponseStatus.COMPLETED
    draft.completed_by_id = context.actor.id
    draft.completed_at = utcnow()
    if context.episode.next_review_on is None:
        context.episode.next_review_on = _date(draft.answers().get(FIRST_REVIEW_DATE))
    context.db_session.flush()
    context.audit("assessment.version_locked", response_id=draft.id, sequence=draft.sequence)


def schedule_next_review(context: EffectContext) -> None:
    """The next review date from the latest completed review."""
    review = _latest_completed_review(context)
    if review is None:
        return
    context.episode.next_review_on = _date(review.answers().get(NEXT_REVIEW_DATE))
    context.audit(
        "episode.next_review_scheduled",
        response_id=review.id,
        next_review_on=context.episode.next_review_on,
    )


def _latest_completed_review(context: EffectContext) -> FormResponse | None:
    responses = services.responses_of(context.db_session, context.episode.id)
    reviews = [
        response
        for response in responses
        if services.kind(response).name == "review" and response.is_completed
    ]
    return max(reviews, key=lambda response: response.review_number, default=None)


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


#: Each changes the episode's forms, so each runs inside the step's transaction.
EFFECTS: dict[str, EffectFunction] = {
    "start_new_assessment_version": start_new_assessment_version,
    "lock_assessment_version": lock_assessment_version,
    "schedule_next_review": schedule_next_review,
}


def init_app(app: Flask) -> None:
    register_facts(facts.for_episode)
    register_needed_facts(facts.for_conditions)
    for name, effect in EFFECTS.items():
        register_effect(name, EffectPhase.IN_TRANSACTION, effect)
