"""Urgent ("break-glass") access: a user with an urgent safeguarding need opens an episode
they may not normally see. They must say why; the access is read only and lasts a short,
configured time (BREAK_GLASS_MINUTES); the CAF contacts of the episode's borough are told
at once (a notification and an e-mail) and one of them reviews it afterwards.

The access policy honours an unexpired grant itself (`policy.holds_break_glass`), so every
page of the episode that asks the policy lets its holder read it, and no other rule (the
confidential notes, a shielded family's address and contacts) changes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.children.models import Child
from webapp.db import newest_first, utcnow
from webapp.episodes.models import Episode
from webapp.episodes.recipients import caf_contacts, notify
from webapp.govuk_dates import govuk_date_time
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind
from webapp.monitoring import reviews
from webapp.monitoring.models import BreakGlassGrant, ReviewOutcome, SearchHit

NOTIFICATION_KIND = "break_glass"
REASON_MAX = 2000
COMMENT_MAX = 2000
FOUND_WITHIN = timedelta(hours=1)


def find(db_session: Session, grant_id: int) -> BreakGlassGrant | None:
    return db_session.get(BreakGlassGrant, grant_id)


def episode_of(db_session: Session, child: Child) -> Episode | None:
    """The episode urgent access opens: the child's open one, else the newest."""
    return db_session.scalars(
        select(Episode)
        .where(Episode.child_id == child.id)
        .order_by(Episode.closed_at.is_not(None), Episode.opened_at.desc(), Episode.id.desc())
        .limit(1)
    ).first()


def active_grant(db_session: Session, user: User, episode: Episode) -> BreakGlassGrant | None:
    return db_session.scalars(
        select(BreakGlassGrant)
        .where(
            BreakGlassGrant.user_id == user.id,
            BreakGlassGrant.episode_id == episode.id,
            BreakGlassGrant.expires_at > utcnow(),
        )
        .order_by(BreakGlassGrant.expires_at.desc())
        .limit(1)
    ).first()


def grant(
    db_session: Session,
    user: User,
    episode: Episode,
    reason: str,
    minutes: int,
    client_address: str = "",
) -> BreakGlassGrant:
    """Grant `user` read access to `episode` for `minutes`, audited, and tell the CAF
    contacts of its borough, in the caller's transaction (the e-mail leaves once it commits)."""
    now = utcnow()
    granted = BreakGlassGrant(
        user_id=user.id,
        episode_id=episode.id,
        child_id=episode.child_id,
        borough_id=episode.borough_id,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db_session.add(granted)
    db_session.flush()
    audit.record_about(
        db_session,
        "break_glass.granted",
        granted,
        user,
        client_address,
        episode=episode,
        reason=reason,
        expires_at=granted.expires_at.isoformat(timespec="seconds"),
    )
    _alert_caf_contacts(db_session, granted, episode, user)
    return granted


def _alert_caf_contacts(
    db_session: Session, granted: BreakGlassGrant, episode: Episode, holder: User
) -> None:
    organisation = holder.organisation.name if holder.organisation else ""
    text = (
        f"Urgent access to CAF {episode.reference} was taken by {holder.full_name}"
        + (f" ({organisation})" if organisation else "")
        + ". Review it."
    )
    review_link = messages.link("monitoring.review", grant_id=granted.id)
    for contact in caf_contacts(db_session, granted.borough_id):
        if contact.id == holder.id:
            continue  # a CAF contact's own urgent access is reviewed by another
        notify(db_session, contact.id, episode.id, NOTIFICATION_KIND, text)
        message = messages.compose(
            MailKind.BREAK_GLASS,
            full_name=contact.full_name,
            holder_name=holder.full_name,
            holder_organisation=organisation,
            reference=episode.reference,
            expires=govuk_date_time(granted.expires_at) + " (UTC)",
            review_link=review_link,
        )
        outbox.queue(db_session, message, contact.email, recipient_user_id=contact.id)


def to_review(db_session: Session, reviewer: User) -> list[BreakGlassGrant]:
    """Grants of the reviewer's borough that wait for a review (their own aside), oldest first."""
    return reviews.waiting(
        db_session, BreakGlassGrant, reviewer, BreakGlassGrant.granted_at, BreakGlassGrant.id
    )


def recently_reviewed(
    db_session: Session, reviewer: User, limit: int = 20
) -> list[BreakGlassGrant]:
    return newest_first(
        db_session,
        BreakGlassGrant.reviewed_at,
        BreakGlassGrant.borough_id == reviewer.borough_id,
        BreakGlassGrant.reviewed_at.is_not(None),
        limit=limit,
    )


def review(
    db_session: Session,
    granted: BreakGlassGrant,
    reviewer: User,
    outcome: ReviewOutcome,
    comment: str,
    client_address: str = "",
) -> None:
    """Record the review, once: a second reviewer's answer is refused (AlreadyReviewed).
    Access found not justified ends now, if it had not already."""
    now = utcnow()
    values: dict[str, object] = {
        "reviewed_at": now,
        "reviewed_by_id": reviewer.id,
        "outcome": outcome,
        "review_comment": comment,
    }
    ended_early = outcome is ReviewOutcome.NOT_JUSTIFIED and granted.expires_at > now
    if ended_early:
        values["expires_at"] = now
    reviews.claim(db_session, granted, **values)
    audit.record_about(
        db_session,
        "break_glass.reviewed",
        granted,
        reviewer,
        client_address,
        episode_id=granted.episode_id,
        child_id=granted.child_id,
        outcome=outcome.value,
        comment=comment,
        holder=granted.user_id,
        ended_early=ended_early,
    )


def found_recently(db_session: Session, user: User, child: Child) -> bool:
    """Whether one of the user's own child index searches returned the child in the last
    hour: urgent access, like starting a CAF, goes through the index."""
    since = utcnow() - FOUND_WITHIN
    return (
        db_session.scalar(
            select(SearchHit.id)
            .join(AuditEvent, AuditEvent.id == SearchHit.event_id)
            .where(
                SearchHit.child_id == child.id,
                SearchHit.occurred_at >= since,
                AuditEvent.actor_id == user.id,
            )
            .limit(1)
        )
        is not None
    )
