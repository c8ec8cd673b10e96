"""Rekey: once, after upgrading to the keyed chain, give the events written before the audit
key an HMAC, then anchor the result at once.

Rekeying trusts the events as they stand, so it is refused as soon as the trail has been
anchored: from then on an event hashed without the key can only be a forgery, and no
command will turn it into a keyed one. It is also refused if the chain does not hold
together as written (unkeyed events first, keyed ones after, each linked to the one
before), so it cannot hide an edit the old hash would already have shown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from webapp.audit.anchors import ANCHORED, Anchor, read_anchors, take_anchor
from webapp.audit.models import AuditChainHead, AuditEvent
from webapp.audit.services import (
    Chains,
    chain_heads,
    digest,
    events_in_order,
    record,
    unkeyed_digest,
)

REKEYED = "audit.rekeyed"
_EVENTS = AuditEvent.__table__
_HEADS = AuditChainHead.__table__
_REHASH = (
    update(_EVENTS)
    .where(_EVENTS.c.id == bindparam("event_id"))
    .values(previous_hash=bindparam("new_previous_hash"), hash=bindparam("new_hash"))
)
_PAGE = 1000


class RekeyRefused(Exception):
    """The trail cannot be rekeyed; the message says why."""


@dataclass(frozen=True)
class Rekeyed:
    events: int
    unkeyed_events: int
    anchor: Anchor


def rekey(db_session: Session, key: bytes, anchors_path: Path) -> Rekeyed | None:
    """Rehash the whole chain with the key in one transaction, audited, then anchor it.
    None when every event is already keyed."""
    anchors_file = read_anchors(anchors_path, key)
    if anchors_file.lines:
        raise RekeyRefused(
            f"the audit trail has been anchored ({anchors_path}), so every event must already "
            "carry the key: run `flask --app webapp caf audit verify`"
        )
    # Every chain's head locked: no append until the rehash commits.
    db_session.execute(select(_HEADS.c.id).order_by(_HEADS.c.id).with_for_update()).all()
    old_heads = chain_heads(db_session)
    if not old_heads:
        return None
    unkeyed_events = _unkeyed_events_at_the_start(db_session, key)
    if unkeyed_events == 0:
        return None
    with _append_only_lifted(db_session):
        events = _rehash(db_session, key)
    _chain, newest_id, newest_hash = max(old_heads, key=lambda head: head[1])
    record(
        db_session,
        REKEYED,
        object_type="audit_trail",
        national=True,
        events=events,
        unkeyed_events=unkeyed_events,
        previous_head_event_id=newest_id,
        previous_head_hash=newest_hash,
        previous_heads=old_heads,
    )
    db_session.commit()
    db_session.expire_all()
    return Rekeyed(events, unkeyed_events, take_anchor(db_session, key, anchors_path))


def _unkeyed_events_at_the_start(db_session: Session, key: bytes) -> int:
    """How many events, from the first, carry the old unkeyed digest; refused unless every
    event after them carries the key and every chain and its head hold together."""
    unkeyed = 0
    chains = Chains()
    for seen, event in enumerate(events_in_order(db_session)):
        where = f"event {event.id} ({event.occurred_at:%Y-%m-%d %H:%M:%S} UTC, {event.action})"
        if event.action == ANCHORED:
            raise RekeyRefused(f"{where} records an anchor: the trail has been anchored before")
        if event.previous_hash != chains.previous_hash(event):
            raise RekeyRefused(f"{where}: the event before it is missing or changed")
        if digest(key, event.previous_hash, event) == event.hash:
            pass
        elif unkeyed == seen and unkeyed_digest(event.previous_hash, event) == event.hash:
            unkeyed += 1
        else:
            raise RekeyRefused(f"{where}: its content has been changed")
        chains.follow(event)
    for _chain, last_event in chains.heads_out_of_step(db_session):
        raise RekeyRefused(
            f"events after event {last_event.id if last_event else 0} have been removed"
        )
    return unkeyed


def _rehash(db_session: Session, key: bytes) -> int:
    """Every event's hash recomputed with the key, in pages, chain by chain, and each chain
    head moved to its new last hash (the trigger only follows inserts). Returns how many
    events."""
    chains = Chains()
    last_id = 0
    events = 0
    while True:
        page = db_session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(_PAGE)
            .execution_options(populate_existing=True)
        ).all()
        if not page:
            break
        rows = []
        for event in page:
            previous_hash = chains.previous_hash(event)
            new_hash = digest(key, previous_hash, event)
            rows.append(
                {"event_id": event.id, "new_previous_hash": previous_hash, "new_hash": new_hash}
            )
            chains.follow(event, new_hash)
        db_session.execute(_REHASH, rows)
        last_id = page[-1].id
        events += len(page)
    for chain, (event, new_hash) in chains.ends.items():
        db_session.execute(
            update(_HEADS)
            .where(_HEADS.c.id == chain)
            .values(last_hash=new_hash, last_event_id=event.id)
        )
    return events


@contextmanager
def _append_only_lifted(db_session: Session) -> Iterator[None]:
    """The triggers that refuse updates to audit events, off inside this transaction only
    (both databases roll DDL back with it)."""
    if db_session.connection().dialect.name == "sqlite":
        trigger = db_session.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": "audit_event_no_update"},
        ).scalar_one()
        db_session.execute(text("DROP TRIGGER audit_event_no_update"))
        yield
        db_session.execute(text(trigger))
        return
    db_session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    yield
    db_session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
