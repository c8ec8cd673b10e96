"""Time-based steps: reviews due or overdue, and idle episodes (run from cron).

    flask --app webapp caf reminders run [--today YYYY-MM-DD]

Each run first takes the workflows' timed steps that have fallen due (webapp/episodes/
timers.py: a review overdue, say), then records the reminders.
Each run records a Notification for the lead professional of every open episode with a
current consent whose review date has come (today or earlier), of every episode whose review
is due (the review date is today or earlier, in a state a "review_due" worklist collects)
or that has been idle (no step taken) for the workflow's `idle_reminder_days`; the
assessor is told when there is no lead professional yet. A reminder is recorded once per
episode, kind and due date, so running the command twice, or daily, records nothing new
until a new review date or a new idle period falls due. Each reminder is audited and
e-mailed: the message is queued in the outbox with the reminders and sent once they have
committed (one that fails waits for `caf mail send`); it says no more than the episode
reference: the details stay behind the sign-in.

Until notifications have a column for it, the due date is part of the notification's
kind ("review_due:2026-11-23"), which is what makes a second run a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import click
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp import db
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.consent.models import Consent, ConsentDecision
from webapp.episodes import timers, workflow
from webapp.episodes.models import Episode, Notification
from webapp.episodes.recipients import notify
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind
from webapp.workflow import Catalogue, WorkflowDefinition

REVIEW_DUE = "review_due"
EPISODE_IDLE = "episode_idle"
CONSENT_REVIEW_DUE = "consent_review_due"


def reminder_kind(kind: str, due_on: date) -> str:
    return f"{kind}:{due_on.isoformat()}"


@dataclass(frozen=True)
class Reminder:
    episode: Episode
    recipient: User
    kind: str
    due_on: date
    message: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.episode.id, reminder_kind(self.kind, self.due_on))


def _review_states(definition: WorkflowDefinition) -> list[str]:
    """The states in which a review can fall due: those the definition's "review_due"
    worklists collect (the national workflow: delivering and reviewing)."""
    states: set[str] = set()
    for worklist in definition.worklists.values():
        if worklist.filter == "review_due":
            states |= worklist.states
    return sorted(states)


def _recipient(episode: Episode) -> User | None:
    for user in (episode.lead_professional, episode.assessor):
        if user is not None and user.active:
            return user
    return None


def _candidates(db_session: Session, catalogue: Catalogue, today: date) -> Iterator[Reminder]:
    """Episodes with a review due or an idle period over, found in SQL per definition."""
    review_parts, idle_parts = [], []
    idle_days: dict[tuple[str, int], int] = {}
    for definition in catalogue:
        is_definition = and_(
            Episode.workflow_id == definition.id, Episode.workflow_version == definition.version
        )
        states = _review_states(definition)
        if states:
            review_parts.append(and_(is_definition, Episode.state.in_(states)))
        days = definition.options.get("idle_reminder_days")
        if isinstance(days, int) and not isinstance(days, bool) and days > 0:
            idle_days[(definition.id, definition.version)] = days
            # Idle once the whole of `days` days has passed since the last step.
            cutoff = datetime.combine(today - timedelta(days=days - 1), time.min)
            idle_parts.append(
                and_(
                    is_definition,
                    Episode.state.in_(definition.open_states),
                    Episode.closed_at.is_(None),
                    Episode.last_activity_at < cutoff,
                )
            )
    people = (selectinload(Episode.lead_professional), selectinload(Episode.assessor))
    if review_parts:
        due = db_session.scalars(
            select(Episode)
            .where(
                or_(*review_parts),
                Episode.next_review_on.is_not(None),
                Episode.next_review_on <= today,
            )
            .options(*people)
            .order_by(Episode.id)
        )
        for episode in due:
            recipient = _recipient(episode)
            if recipient is None:
                continue
            overdue = episode.next_review_on < today
            message = (
                f"The review of {episode.reference} is overdue: it was due on "
                f"{episode.next_review_on:%-d %B %Y}."
                if overdue
                else f"The review of {episode.reference} is due today."
            )
            yield Reminder(episode, recipient, REVIEW_DUE, episode.next_review_on, message)
    yield from _consent_reviews_due(db_session, today)
    if idle_parts:
        idle = db_session.scalars(
            select(Episode).where(or_(*idle_parts)).options(*people).order_by(Episode.id)
        )
        for episode in idle:
            recipient = _recipient(episode)
            if recipient is None:
                continue
            days = idle_days[(episode.workflow_id, episode.workflow_version)]
            due_on = episode.last_activity_at.date() + timedelta(days=days)
            message = (
                f"Nothing has happened on {episode.reference} for {days} days or more: "
                "check whether the plan is still on track."
            )
            yield Reminder(episode, recipient, EPISODE_IDLE, due_on, message)


def _consent_reviews_due(db_session: Session, today: date) -> Iterator[Reminder]:
    """Current consents (given, not withdrawn) on open episodes whose review date has come."""
    due = db_session.execute(
        select(Episode, Consent)
        .join(Consent, Consent.episode_id == Episode.id)
        .where(
            Episode.closed_at.is_(None),
            Consent.decision == ConsentDecision.GIVEN,
            Consent.withdrawn_at.is_(None),
            Consent.review_on.is_not(None),
            Consent.review_on <= today,
        )
        .options(selectinload(Episode.lead_professional), selectinload(Episode.assessor))
        .order_by(Episode.id, Consent.review_on)
    )
    seen: set[tuple[int, date]] = set()
    for episode, consent in due:
        recipient = _recipient(episode)
        if recipient is None or (episode.id, consent.review_on) in seen:
            continue
        seen.add((episode.id, consent.review_on))
        message = (
            f"Consent on {episode.reference} is due for review: the review date was "
            f"{consent.review_on:%-d %B %Y}."
            if consent.review_on < today
            else f"Consent on {episode.reference} is due for review today."
        )
        yield Reminder(episode, recipient, CONSENT_REVIEW_DUE, consent.review_on, message)


def _already_recorded(db_session: Session, reminders: list[Reminder]) -> set[tuple[int, str]]:
    episode_ids = sorted({reminder.episode.id for reminder in reminders})
    found: set[tuple[int, str]] = set()
    for start in range(0, len(episode_ids), 500):
        rows = db_session.execute(
            select(Notification.episode_id, Notification.kind).where(
                Notification.episode_id.in_(episode_ids[start : start + 500]),
                or_(
                    Notification.kind.like(f"{REVIEW_DUE}:%"),
                    Notification.kind.like(f"{EPISODE_IDLE}:%"),
                    Notification.kind.like(f"{CONSENT_REVIEW_DUE}:%"),
                ),
            )
        )
        found.update((episode_id, kind) for episode_id, kind in rows)
    return found


@dataclass
class RunSummary:
    reviews: int = 0
    idle: int = 0
    consent_reviews: int = 0
    emailed: int = 0
    email_failures: int = 0
    queued_mail: list[int] = field(default_factory=list)

    def line(self, today: date) -> str:
        mail = f"{self.emailed} emailed" + (
            f", {self.email_failures} email(s) queued to try again" if self.email_failures else ""
        )
        consent = f", {self.consent_reviews} consent review due" if self.consent_reviews else ""
        return (
            f"Reminders for {today.isoformat()}: {self.reviews} review due, "
            f"{self.idle} idle episode{consent}; {mail}."
        )


def run_reminders(
    db_session: Session, catalogue: Catalogue, today: date
) -> tuple[RunSummary, list[Reminder]]:
    """Record the reminders that are due and not yet recorded; commit; return them."""
    candidates = list(_candidates(db_session, catalogue, today))
    recorded = _already_recorded(db_session, candidates)
    summary = RunSummary()
    new: list[Reminder] = []
    for reminder in candidates:
        if reminder.key in recorded:
            continue
        recorded.add(reminder.key)
        notify(
            db_session,
            reminder.recipient.id,
            reminder.episode.id,
            reminder_kind(reminder.kind, reminder.due_on),
            reminder.message,
        )
        audit.record_about(
            db_session,
            "reminder.recorded",
            reminder.episode,
            None,
            episode=reminder.episode,
            kind=reminder.kind,
            due_on=reminder.due_on.isoformat(),
            recipient_id=reminder.recipient.id,
        )
        summary.queued_mail.append(_queue_email(db_session, reminder).id)
        if reminder.kind == REVIEW_DUE:
            summary.reviews += 1
        elif reminder.kind == CONSENT_REVIEW_DUE:
            summary.consent_reviews += 1
        else:
            summary.idle += 1
        new.append(reminder)
    db_session.commit()
    return summary, new


def _queue_email(db_session: Session, reminder: Reminder):
    message = messages.compose(
        MailKind.REMINDER,
        reference=reminder.episode.reference,
        full_name=reminder.recipient.full_name,
        message=reminder.message,
        episode_link=messages.link("episodes.show", episode_id=reminder.episode.id),
    )
    queued = outbox.queue(
        db_session, message, reminder.recipient.email, recipient_user_id=reminder.recipient.id
    )
    db_session.flush()
    return queued


def send_emails(summary: RunSummary) -> None:
    """Send the reminders' e-mail, queued with them; any that fails stays in the outbox,
    for `caf mail send` to try again."""
    if not summary.queued_mail:
        return
    delivery = outbox.deliver(db.session, summary.queued_mail)
    summary.emailed = len(delivery.sent)
    summary.email_failures = len(delivery.retrying) + len(delivery.failed)


@click.group("reminders")
def reminders() -> None:
    """Reminders for reviews due, consent reviews due and idle episodes."""


@reminders.command("run")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this date (YYYY-MM-DD); default: today.",
)
def run(today: datetime | None) -> None:
    """Take timed steps and record (and email) reminders that have fallen due. Safe to run
    as often as you like."""
    day = today.date() if today else date.today()
    taken = timers.take_due_steps(db.session, workflow.catalogue(), day)
    if taken:  # most days none: the reminders' line stays the only one
        click.echo(
            f"Timed steps for {day.isoformat()}: {len(taken)} taken"
            + "".join(f"\n  {step.reference}: {step.trigger}" for step in taken)
        )
    summary, _new = run_reminders(db.session, workflow.catalogue(), day)
    send_emails(summary)
    click.echo(summary.line(day))
    if summary.email_failures:
        # The reminders are recorded, shown on the home page and their e-mail kept in the
        # outbox; cron should still alert.
        raise click.exceptions.Exit(1)
