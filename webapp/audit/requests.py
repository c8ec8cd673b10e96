"""Audit an event of the request in hand: the signed-in user acting from their address."""

from __future__ import annotations

from flask_login import current_user

from webapp import db
from webapp.accounts.sessions import client_address
from webapp.audit.models import AuditEvent
from webapp.audit.services import (
    AuditedEpisode,
    AuditedRow,
    record,
    record_about,
    record_for_episode,
)


def audited_episode(action: str, episode, **detail: object) -> AuditEvent:
    """`record_for_episode` by the current user, from the request's client address."""
    return record_for_episode(
        db.session,
        action,
        episode,
        actor_id=current_user.id,
        client_address=client_address(),
        **detail,
    )


def audited(
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    episode_id: int | None = None,
    child_id: int | None = None,
    **detail: object,
) -> AuditEvent:
    """`record` by the current user, from the request's client address."""
    return record(
        db.session,
        action,
        actor_id=current_user.id,
        object_type=object_type,
        object_id=object_id,
        episode_id=episode_id,
        child_id=child_id,
        client_address=client_address(),
        **detail,
    )


def audited_about(
    action: str, row: AuditedRow, *, episode: AuditedEpisode | None = None, **detail: object
) -> AuditEvent:
    """`record_about` by the current user, from the request's client address."""
    return record_about(
        db.session, action, row, current_user, client_address(), episode=episode, **detail
    )


def audited_by_id(
    action: str, row_type: type, row_id: int, row: object | None, **detail: object
) -> AuditEvent:
    """An event about the episode or child record whose id the request names: that id is
    named whether or not there is such a record (`row` is None where there is none), and
    the episode and its child only where there is."""
    named: dict[str, object] = {}
    if row is not None:
        child_id = getattr(row, "child_id", None)
        named = (
            {"child_id": row.id}
            if child_id is None
            else {"episode_id": row.id, "child_id": child_id}
        )
    return audited(action, object_type=row_type.__tablename__, object_id=row_id, **named, **detail)
