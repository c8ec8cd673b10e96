"""The workflow effects that belong to the episode itself: its closure, reopening, step
down and quality check, and telling its team and managers where it has got to."""

from __future__ import annotations

from flask import Flask

from webapp.episodes import closure_mail
from webapp.episodes.effects import EffectContext, register_effect
from webapp.episodes.recipients import lead_professional_user, managers_of, team
from webapp.workflow import EffectPhase

# --- inside the transaction ---------------------------------------------------------------


def record_closure_request(context: EffectContext) -> None:
    context.episode.closure_requested_by_id = context.actor.id
    context.audit("episode.closure_requested")


def record_closure_sent_back(context: EffectContext) -> None:
    requested_by = context.episode.closure_requested_by_id
    context.episode.closure_requested_by_id = None
    context.audit("episode.closure_sent_back", comment=context.firing.comment or "")
    closure_mail.tell_requester(
        context.db_session, context.episode, requested_by, context.actor, approved=False
    )


def record_closure(context: EffectContext) -> None:
    requested_by = context.episode.closure_requested_by_id
    context.audit("episode.closed", requested_by=requested_by)
    closure_mail.tell_requester(
        context.db_session, context.episode, requested_by, context.actor, approved=True
    )


def reopen_episode(context: EffectContext) -> None:
    context.episode.closure_requested_by_id = None
    context.audit("episode.reopened", reason=context.firing.comment or "")


def record_step_down(context: EffectContext) -> None:
    context.audit("episode.stepped_down", decision=context.firing.comment or "")


def record_quality_check(context: EffectContext) -> None:
    context.audit("episode.quality_checked", comment=context.firing.comment or "")


# --- after the commit ---------------------------------------------------------------------


def notify_tac_of_plan(context: EffectContext) -> None:
    context.notify(
        team(context.episode),
        "plan_started",
        f"The plan for {context.episode.reference} is now being delivered.",
    )


def notify_managers_of_closure_request(context: EffectContext) -> None:
    context.notify(
        managers_of(context.db_session, context.episode),
        "closure_requested",
        f"Closure of {context.episode.reference} is waiting for your decision.",
    )


def notify_tac_of_closure(context: EffectContext) -> None:
    context.notify(team(context.episode), "closed", f"{context.episode.reference} is closed.")


def notify_lead_professional_of_decision(context: EffectContext) -> None:
    context.notify(
        [lead_professional_user(context.episode)],
        "closure_sent_back",
        f"Closure of {context.episode.reference} was sent back: {context.firing.comment or ''}",
    )


def notify_managers(context: EffectContext) -> None:
    """Tell the managers a step was taken, with its reason: a timed step taken by the
    system (a review overdue) waits on their worklist, and this says why it is there."""
    reason = f": {context.firing.comment}" if context.firing.comment else "."
    context.notify(
        managers_of(context.db_session, context.episode),
        context.firing.trigger,
        f"{context.episode.reference}: {context.firing.transition.title}{reason}",
    )


def init_app(app: Flask) -> None:
    during, after = EffectPhase.IN_TRANSACTION, EffectPhase.AFTER_COMMIT
    register_effect("record_closure_request", during, record_closure_request)
    register_effect("record_closure_sent_back", during, record_closure_sent_back)
    register_effect("record_closure", during, record_closure)
    register_effect("reopen_episode", during, reopen_episode)
    register_effect("record_step_down", during, record_step_down)
    register_effect("record_quality_check", during, record_quality_check)
    register_effect("notify_tac_of_plan", after, notify_tac_of_plan)
    register_effect("notify_managers_of_closure_request", after, notify_managers_of_closure_request)
    register_effect("notify_tac_of_closure", after, notify_tac_of_closure)
    register_effect("notify_managers", after, notify_managers)
    register_effect(
        "notify_lead_professional_of_decision", after, notify_lead_professional_of_decision
    )
