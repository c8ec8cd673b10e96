"""Write the audit trail: each event's hash is an HMAC of the event and the hash before it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from webapp.audit.models import AuditChainHead, AuditEvent
from webapp.db import utcnow

GENESIS_HASH = "0" * 64


_DIGESTED = (
    "occurred_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "episode_id",
    "child_id",
    "client_address",
    "detail",
)


def audit_key() -> bytes:
    """The HMAC key of the app in context (CAF_AUDIT_KEY or instance/audit_key)."""
    return current_app.config["AUDIT_KEY"].encode()


def digest(key: bytes, previous_hash: str, event: AuditEvent) -> str:
    return _digest_values(key, previous_hash, _values_of(event))


def _digest_values(key: bytes, previous_hash: str, values: dict[str, object]) -> str:
    """HMAC-SHA256 of the event and the hash before it: without the key, which is kept out
    of the database, an edited event cannot be given a hash that verifies."""
    return hmac.new(key, _payload(previous_hash, values), hashlib.sha256).hexdigest()


def unkeyed_digest(previous_hash: str, event: AuditEvent) -> str:
    """The plain SHA-256 digest events had before the audit key. Only `rekey` accepts it,
    once (webapp/audit/rekey.py); `verify` uses it only to word its report."""
    return hashlib.sha256(_payload(previous_hash, _values_of(event))).hexdigest()


def _values_of(event: AuditEvent) -> dict[str, object]:
    return {name: getattr(event, name) for name in _DIGESTED}


def _payload(previous_hash: str, values: dict[str, object]) -> bytes:
    occurred_at = values["occurred_at"]
    assert isinstance(occurred_at, datetime)
    return json.dumps(
        [
            previous_hash,
            occurred_at.isoformat(timespec="microseconds"),
            *(values[name] for name in _DIGESTED[1:]),
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


_EVENTS = AuditEvent.__table__
_HEADS = AuditChainHead.__table__
# Built once: an append runs on nearly every request, and building a statement costs
# SQLAlchemy more than running it.
_LOCK_HEAD = select(_HEADS.c.last_hash).where(_HEADS.c.id == 1).with_for_update()
_INSERT_HEAD = insert(_HEADS).values(id=1, last_hash=GENESIS_HASH, last_event_id=0)
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)


def record(
    db_session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    episode_id: int | None = None,
    child_id: int | None = None,
    client_address: str = "",
    **detail: object,
) -> AuditEvent:
    """Append an event inside the caller's transaction; it commits (or not) with the change.

    Two statements: lock and read the chain head, insert the event (a trigger moves the
    head on). The returned event is a detached copy of the row, for reading."""
    db_session.flush()  # what the caller changed first, so the event can refer to it
    previous_hash = db_session.execute(_LOCK_HEAD).scalar_one_or_none()
    if previous_hash is None:
        db_session.execute(_INSERT_HEAD)
        previous_hash = GENESIS_HASH
    values: dict[str, object] = {
        "occurred_at": utcnow(),
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id) if object_id != "" else "",
        "episode_id": episode_id,
        "child_id": child_id,
        "client_address": client_address,
        "detail": json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False),
        "previous_hash": previous_hash,
    }
    values["hash"] = _digest_values(audit_key(), previous_hash, values)
    event_id = db_session.execute(_INSERT_EVENT, values).scalar_one()
    event = AuditEvent(id=event_id, **values)
    for listener in current_app.extensions.get(LISTENERS, {}).get(action, ()):
        listener(db_session, event)
    return event


LISTENERS = "audit_listeners"


def listen(app: Flask, action: str, listener: Callable[[Session, AuditEvent], None]) -> None:
    """Call `listener` with each `action` event as it is recorded, in its transaction: a
    domain that watches what others do (webapp/monitoring) registers here, so that the
    domains it watches need not know of it."""
    app.extensions.setdefault(LISTENERS, {}).setdefault(action, []).append(listener)


def events_in_order(db_session: Session) -> Iterator[AuditEvent]:
    return db_session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=1000, populate_existing=True)
    )


class _Episode(Protocol):
    id: int
    child_id: int


def record_for_episode(
    db_session: Session,
    action: str,
    episode: _Episode,
    *,
    actor_id: int | None,
    object_type: str = "episode",
    object_id: object = None,
    client_address: str = "",
    **detail: object,
) -> AuditEvent:
    """An event about an episode, or about a part of it (its consent, a document, a note:
    `object_type` and `object_id` name the part); either way the episode is named, and its
    child with it, so that the child's trail finds the event."""
    return record(
        db_session,
        action,
        actor_id=actor_id,
        object_type=object_type,
        object_id=episode.id if object_id is None else object_id,
        episode_id=episode.id,
        child_id=episode.child_id,
        client_address=client_address,
        **detail,
    )
