"""Audit an event of the request in hand: the signed-in user acting from their address."""

from __future__ import annotations

from flask_login import current_user

from webapp import db
from webapp.accounts.sessions import client_address
from webapp.audit.models import AuditEvent
from webapp.audit.services import record, record_for_episode


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
