"""Facts the workflow conditions read from an episode's forms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.assessments import services
from webapp.assessments.kinds import KINDS, PLAN_FORM
from webapp.assessments.models import FormResponse, ResponseStatus
from webapp.episodes.models import Episode
from webapp.workflow.expressions import Needs

#: The form whose completed records are the episode's TAC meetings.
TAC_MEETING_FORM = "tac_meeting"

#: The review question whose answer says what the team agreed, and the answer that closes.
REVIEW_OUTCOME, CLOSE = "review_outcome", "close"

#: Core national fields (an overlay can never remove them) that hold the agreed actions.
ASSESSMENT_ACTIONS = "agreed_actions"
PLAN_ACTIONS = "plan_actions"


def for_episode(db_session: Session, episode: Episode) -> dict:
    responses = _newest_first(db_session, episode.id)
    # Completing the assessment needs the draft's answers; a step after it (a quality check)
    # needs the newest version completed, which also means no newer draft has been opened.
    assessment = _latest(responses, "assessment")
    completed = assessment is not None and assessment.is_completed
    closure = _latest(responses, "closure")
    plan = _latest(responses, "plan")
    review = _latest(responses, "review")
    return {
        "assessment_draft_complete": (
            assessment is not None and not completed and services.is_complete(assessment)
        ),
        "assessment_completed": completed,
        "action_count": (
            (_count_items(assessment.answers(), ASSESSMENT_ACTIONS) if assessment else 0)
            + (_count_items(plan.answers(), PLAN_ACTIONS) if plan else 0)
        ),
        "review_count": sum(
            1
            for response in responses
            if response.form_id == PLAN_FORM
            and response.review_number > 0
            and response.status is ResponseStatus.COMPLETED
        ),
        "review_agrees_to_close": (
            review is not None
            and review.is_completed
            and review.answers().get(REVIEW_OUTCOME) == CLOSE
        ),
        "closure_form_complete": closure is not None and closure.is_completed,
    }


_FACT_KINDS = ("assessment", "plan", "closure")


def _newest_first(db_session: Session, episode_id: int) -> list[FormResponse]:
    """Every response of the forms the facts read, in one query, in the order in which
    `services.latest` takes the newest (an episode has a few versions and reviews)."""
    return list(
        db_session.scalars(
            select(FormResponse)
            .where(
                FormResponse.episode_id == episode_id,
                FormResponse.form_id.in_({KINDS[kind].form_id for kind in _FACT_KINDS}),
            )
            .order_by(FormResponse.review_number.desc(), FormResponse.sequence.desc())
        )
    )


def _latest(responses: list[FormResponse], kind_name: str) -> FormResponse | None:
    """What `services.latest` reads, from responses read newest first."""
    form_id = KINDS[kind_name].form_id
    for response in responses:
        if response.form_id != form_id:
            continue
        if form_id == KINDS["review"].form_id and (response.review_number > 0) != (
            kind_name == "review"
        ):
            continue
        return response
    return None


def _count_items(answers: dict[str, Any], field_id: str) -> int:
    items = answers.get(field_id)
    return len(items) if isinstance(items, list) else 0


def for_conditions(db_session: Session, episode: Episode, needs: Needs) -> dict:
    """The answers and counts a definition's structured conditions read, and nothing else:
    one query per form named, and one count of TAC meetings if a condition counts them.
    An answer comes from the newest response of its form (the assessment version being
    written, the newest review), draft or completed."""
    answers: dict[str, object] = {}
    for form_id in sorted(needs.forms):
        response = db_session.scalars(
            select(FormResponse)
            .where(FormResponse.episode_id == episode.id, FormResponse.form_id == form_id)
            .order_by(FormResponse.review_number.desc(), FormResponse.sequence.desc())
            .limit(1)
        ).first()
        if response is None:
            continue
        values = response.answers()
        for form, field_id in needs.answers:
            if form == form_id and field_id in values:
                answers[f"{form}.{field_id}"] = values[field_id]
    counts: dict[str, int] = {}
    if "tac_meetings" in needs.counts:
        counts["tac_meetings"] = (
            db_session.scalar(
                select(func.count(FormResponse.id)).where(
                    FormResponse.episode_id == episode.id,
                    FormResponse.form_id == TAC_MEETING_FORM,
                    FormResponse.status == ResponseStatus.COMPLETED,
                )
            )
            or 0
        )
    return {"answers": answers, "record_counts": counts}
