"""Timed steps: the system takes a workflow's timed transitions (`after_days`) when their
time has come, run by the scheduler (`flask --app webapp caf reminders run`).

A timed step's time is counted from when the episode last entered the step's source
state (a review recorded and the plan continued enters "delivering" again, so the count
starts again). The step is taken as any step is (its conditions hold, the history entry,
the effects and the audit event commit together), by "the system", with the reason in its
comment. Running the command twice takes nothing twice: once taken, the episode has left
the state the step leaves from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from webapp.episodes import workflow
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.workflow import Catalogue, Transition, WorkflowError


@dataclass(frozen=True)
class TimedStep:
    episode_id: int
    reference: str
    trigger: str
    due_on: date


def _entered_at():
    """When the episode entered its current state: its latest step into it from another
    state, or its opening when it has been there from the start."""
    latest = (
        select(func.max(EpisodeTransition.occurred_at))
        .where(
            EpisodeTransition.episode_id == Episode.id,
            EpisodeTransition.to_state == Episode.state,
            EpisodeTransition.from_state != Episode.state,
        )
        .correlate(Episode)
        .scalar_subquery()
    )
    return func.coalesce(latest, Episode.opened_at)


def _candidates(db_session: Session, catalogue: Catalogue, today: date):
    """Open episodes in a state a timed step leaves from, there long enough for the
    shortest of those steps (the exact step, under the episode's choices, is judged next)."""
    parts = []
    for definition in catalogue:
        timed = [t for t in definition.written_transitions or definition.transitions if t.timed]
        if not timed:
            continue
        shortest = min(t.after_days or 0 for t in timed)
        cutoff = datetime.combine(today - timedelta(days=shortest - 1), datetime.min.time())
        parts.append(
            and_(
                Episode.workflow_id == definition.id,
                Episode.workflow_version == definition.version,
                Episode.state.in_({state for t in timed for state in t.source}),
                _entered_at() < cutoff,
            )
        )
    if not parts:
        return []
    return db_session.execute(
        select(Episode, _entered_at())
        .where(Episode.closed_at.is_(None), or_(*parts))
        .order_by(Episode.id)
    ).all()


def _unchanged(db_session: Session, episode_id: int, state: str, entered_at: datetime) -> bool:
    """Still in `state` since `entered_at`, read with the episode locked: a person who took
    a step (a review) while the run looked is not overtaken by a step that is no longer due."""
    now = db_session.execute(
        select(Episode.state, _entered_at())
        .where(Episode.id == episode_id)
        .with_for_update(of=Episode)
    ).one()
    return tuple(now) == (state, entered_at)


def _reason(transition: Transition, state_title: str, due_on: date) -> str:
    return (
        f"Taken by the system: {transition.after_days} days after the episode entered "
        f"‘{state_title}’ (due on {due_on:%-d %B %Y})."
    )


def take_due_steps(db_session: Session, catalogue: Catalogue, today: date) -> list[TimedStep]:
    """Take every timed step that has fallen due by `today`, one episode per transaction,
    and run their after-commit effects. Returns the steps taken."""
    taken: list[TimedStep] = []
    for episode, entered_at in _candidates(db_session, catalogue, today):
        definition = workflow.definition_for(episode)
        for transition in definition.transitions_from(episode.state):
            if not transition.timed:
                continue
            due_on = entered_at.date() + timedelta(days=transition.after_days or 0)
            if due_on > today:
                continue
            state_title = definition.states[episode.state].title
            reference = episode.reference
            if not _unchanged(db_session, episode.id, episode.state, entered_at):
                db_session.rollback()  # someone took a step since: judged on a later run
                break
            try:
                outcome = workflow.fire_timed(
                    db_session, episode.id, transition, _reason(transition, state_title, due_on)
                )
                db_session.commit()
            except WorkflowError:
                # Its conditions do not hold now: it is taken on a later run if they do.
                db_session.rollback()
                continue
            workflow.run_after_commit(db_session, episode.id, outcome, None)
            taken.append(TimedStep(episode.id, reference, transition.trigger, due_on))
            break
    return taken
