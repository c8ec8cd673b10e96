"""What someone who can write to the database, but cannot read the application's files, can
do to the audit trail: get round the append-only triggers, edit or delete events, recompute
the hashes after an edit and move the chain heads."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

from sqlalchemy import text

from tests.audit.conftest import all_events
from webapp import db
from webapp.audit.models import AuditEvent

Digest = Callable[[str, AuditEvent], str]


def behind_the_triggers(*statements: tuple[str, dict]) -> None:
    """Run the statements with the append-only triggers off, then put the triggers back."""
    if db.session.connection().dialect.name == "sqlite":
        triggers = db.session.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name IN ('audit_event_no_update', 'audit_event_no_delete')"
            )
        ).all()
        for name, _sql in triggers:
            db.session.execute(text(f"DROP TRIGGER {name}"))
        for statement, parameters in statements:
            db.session.execute(text(statement), parameters)
        for _name, sql in triggers:
            db.session.execute(text(sql))
    else:
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        for statement, parameters in statements:
            db.session.execute(text(statement), parameters)
        db.session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
    db.session.commit()


def _payload(previous_hash: str, event: AuditEvent) -> bytes:
    return json.dumps(
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
    ).encode()


def unkeyed_sha256(previous_hash: str, event: AuditEvent) -> str:
    """The digest exactly as the audit trail computed it before it had a key."""
    return hashlib.sha256(_payload(previous_hash, event)).hexdigest()


def hmac_with(key: bytes) -> Digest:
    def digest(previous_hash: str, event: AuditEvent) -> str:
        return hmac.new(key, _payload(previous_hash, event), hashlib.sha256).hexdigest()

    return digest


def edit_detail(event_id: int, detail: str) -> None:
    behind_the_triggers(
        (
            "UPDATE audit_event SET detail = :detail WHERE id = :id",
            {"detail": detail, "id": event_id},
        )
    )


def rehash_from(event_id: int, digest: Digest) -> None:
    """Recompute the hash of every event of `event_id`'s chain from it on, each chained to
    the one before, and move the chain's head to the new last hash, so that the chain holds
    together again."""
    chain = next(event.chain for event in all_events() if event.id == event_id)
    statements = []
    previous_hash = None
    last = None
    for event in all_events():
        if event.chain != chain:
            continue
        if event.id < event_id:
            previous_hash = event.hash
            continue
        if previous_hash is None:
            previous_hash = event.previous_hash
        new_hash = digest(previous_hash, event)
        statements.append(
            (
                "UPDATE audit_event SET previous_hash = :previous, hash = :hash WHERE id = :id",
                {"previous": previous_hash, "hash": new_hash, "id": event.id},
            )
        )
        previous_hash, last = new_hash, event
    assert last is not None
    statements.append(move_head(chain, last.id, previous_hash))
    behind_the_triggers(*statements)


def move_head(chain: int, event_id: int, event_hash: str) -> tuple[str, dict]:
    return (
        "UPDATE audit_chain_head SET last_hash = :hash, last_event_id = :id WHERE id = :chain",
        {"hash": event_hash, "id": event_id, "chain": chain},
    )


def remove_events_from(event_id: int) -> None:
    """Delete the newest events, from `event_id` on, and move back the head of every chain
    they were in."""
    events = all_events()
    chains = {event.chain for event in events if event.id >= event_id}
    kept = {event.chain: event for event in events if event.id < event_id}
    behind_the_triggers(
        ("DELETE FROM audit_event WHERE id >= :id", {"id": event_id}),
        *(
            move_head(chain, kept[chain].id, kept[chain].hash)
            if chain in kept
            else move_head(chain, 0, "0" * 64)
            for chain in chains
        ),
    )
