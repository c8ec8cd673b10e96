"""Write and verify the audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.audit.models import AuditChainHead, AuditEvent
from webapp.db import utcnow

GENESIS_HASH = "0" * 64


def _digest(previous_hash: str, event: AuditEvent) -> str:
    payload = json.dumps(
        [
            previous_hash,
            event.occurred_at.isoformat(timespec="microseconds"),
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id,
            event.episode_id,
            event.child_id,
            event.client_address,
            event.detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


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
    """Append an event inside the caller's transaction; it commits (or not) with the change."""
    head = db_session.scalars(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
    ).one_or_none()
    if head is None:
        head = AuditChainHead(id=1, last_hash=GENESIS_HASH, last_event_id=0)
        db_session.add(head)
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id != "" else "",
        episode_id=episode_id,
        child_id=child_id,
        client_address=client_address,
        detail=json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False),
        previous_hash=head.last_hash,
    )
    event.hash = _digest(head.last_hash, event)
    db_session.add(event)
    db_session.flush()
    head.last_hash = event.hash
    head.last_event_id = event.id
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str


def verify_chain(db_session: Session) -> list[ChainProblem]:
    """Recompute every hash in order; report rows altered, removed or inserted out of turn."""
    problems: list[ChainProblem] = []
    expected_previous = GENESIS_HASH
    last_id = 0
    for event in _events_in_order(db_session):
        if event.previous_hash != expected_previous:
            problems.append(
                ChainProblem(event.id, "the event before this one is missing or changed")
            )
        if _digest(event.previous_hash, event) != event.hash:
            problems.append(ChainProblem(event.id, "this event's content has been changed"))
        expected_previous = event.hash
        last_id = event.id
    head = db_session.get(AuditChainHead, 1, populate_existing=True)
    if head is not None and (head.last_hash != expected_previous or head.last_event_id != last_id):
        problems.append(ChainProblem(last_id, "events after this one have been removed"))
    return problems


def _events_in_order(db_session: Session) -> Iterator[AuditEvent]:
    return db_session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=1000, populate_existing=True)
    )
