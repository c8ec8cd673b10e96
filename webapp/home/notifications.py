"""A user's notifications (written by workflow effects and the reminders command)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.db import newest_first, utcnow
from webapp.episodes.models import Notification

SHOWN = 20


def unread_count(db_session: Session, user: User) -> int:
    return (
        db_session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def unread(db_session: Session, user: User, limit: int = SHOWN) -> list[Notification]:
    return newest_first(
        db_session,
        Notification.created_at,
        Notification.user_id == user.id,
        Notification.read_at.is_(None),
        limit=limit,
    )


def find_own(db_session: Session, user: User, notification_id: int) -> Notification | None:
    """The user's own notification, or None: someone else's is as good as missing."""
    return db_session.scalars(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    ).one_or_none()


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(db_session: Session, user: User) -> int:
    result = db_session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
