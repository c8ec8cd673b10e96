"""Write the audit trail: each event's hash is an HMAC of the event and the hash before it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import bindparam, column, insert, select, table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from webapp.audit.models import NATIONAL_CHAIN, AuditChainHead, AuditEvent
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
# The acting user's borough, read in the statement that locks the chain head: no import of
# the accounts package, which itself audits.
_USERS = table("user_account", column("id"), column("borough_id"))
_ACTORS_CHAIN = (
    select(_USERS.c.borough_id).where(_USERS.c.id == bindparam("actor_id")).scalar_subquery()
)
# Built once: an append runs on nearly every request, and building a statement costs
# SQLAlchemy more than running it.
_LOCK_ACTORS_HEAD = (
    select(_HEADS.c.id, _HEADS.c.last_hash)
    .where(_HEADS.c.id == _ACTORS_CHAIN)
    .with_for_update(of=_HEADS)
)
_LOCK_HEAD = (
    select(_HEADS.c.id, _HEADS.c.last_hash)
    .where(_HEADS.c.id == bindparam("chain"))
    .with_for_update(of=_HEADS)
)
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)
# The chain a transaction appends to, so that an event with no one acting recorded in it
# (a step the system takes on a user's action) joins that chain instead of locking another.
_TRANSACTIONS_CHAIN = "audit_chain"


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
    national: bool = False,
    **detail: object,
) -> AuditEvent:
    """Append an event inside the caller's transaction; it commits (or not) with the change.

    The event goes to the chain of the acting user's borough; with no one acting, to the
    chain the transaction already appends to, if any; `national` events (national
    administration), and any other with no one acting, to the national chain. Two
    statements: lock and read the chain's head, insert the event (a trigger moves the head
    on). The returned event is a detached copy of the row, for reading."""
    db_session.flush()  # what the caller changed first, so the event can refer to it
    chain, previous_hash = _lock_head(db_session, actor_id, national)
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
        "chain": chain,
        "previous_hash": previous_hash,
    }
    values["hash"] = _digest_values(audit_key(), previous_hash, values)
    event_id = db_session.execute(_INSERT_EVENT, values).scalar_one()
    event = AuditEvent(id=event_id, **values)
    for listener in current_app.extensions.get(LISTENERS, {}).get(action, ()):
        listener(db_session, event)
    return event


def _lock_head(db_session: Session, actor_id: int | None, national: bool) -> tuple[int, str]:
    """The chain the event goes to and its newest hash, its head locked to the transaction
    (a chain's first event makes its head)."""
    transaction = db_session.get_transaction()
    held = db_session.info.get(_TRANSACTIONS_CHAIN)
    if national:
        chain: int | None = NATIONAL_CHAIN
    elif actor_id is None:
        chain = held[1] if held is not None and held[0] is transaction else NATIONAL_CHAIN
    else:
        chain = None  # the actor's borough, found with the lock
    if chain is None:
        head = db_session.execute(_LOCK_ACTORS_HEAD, {"actor_id": actor_id}).one_or_none()
    else:
        head = db_session.execute(_LOCK_HEAD, {"chain": chain}).one_or_none()
    if head is None:
        if chain is None:
            chain = db_session.execute(select(_ACTORS_CHAIN), {"actor_id": actor_id}).scalar()
            chain = NATIONAL_CHAIN if chain is None else chain
        _start_chain(db_session, chain)
        head = db_session.execute(_LOCK_HEAD, {"chain": chain}).one()
    db_session.info[_TRANSACTIONS_CHAIN] = (transaction, head.id)
    return head.id, head.last_hash


def _start_chain(db_session: Session, chain: int) -> None:
    """The chain's head, unless another transaction has just made it."""
    dialect = db_session.get_bind().dialect.name
    make = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db_session.execute(
        make(_HEADS)
        .values(id=chain, last_hash=GENESIS_HASH, last_event_id=0)
        .on_conflict_do_nothing(index_elements=[_HEADS.c.id])
    )


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


def chain_heads(db_session: Session) -> list[list[object]]:
    """[chain, last event id, last hash] of every chain with an event, in chain order."""
    return [
        [row.id, row.last_event_id, row.last_hash]
        for row in db_session.execute(
            select(_HEADS.c.id, _HEADS.c.last_event_id, _HEADS.c.last_hash)
            .where(_HEADS.c.last_event_id != 0)
            .order_by(_HEADS.c.id)
        )
    ]


class Chains:
    """Every chain followed through the events in id order, which within a chain is the
    order of its appends: each chain's last event so far, and the hash the next must follow."""

    def __init__(self) -> None:
        self.ends: dict[int, tuple[AuditEvent, str]] = {}

    def previous_hash(self, event: AuditEvent) -> str:
        end = self.ends.get(event.chain)
        return GENESIS_HASH if end is None else end[1]

    def follow(self, event: AuditEvent, hash: str | None = None) -> None:
        """`event` is its chain's last so far, with its stored hash unless given another."""
        self.ends[event.chain] = (event, event.hash if hash is None else hash)

    def heads_out_of_step(self, db_session: Session) -> list[tuple[int, AuditEvent | None]]:
        """The chains whose head row does not name their last event (events removed from
        the end, or the head itself), each with its last event."""
        heads = {
            row.id: (row.last_event_id, row.last_hash)
            for row in db_session.execute(
                select(_HEADS.c.id, _HEADS.c.last_event_id, _HEADS.c.last_hash)
            )
        }
        out_of_step = []
        for chain in sorted(heads.keys() | self.ends.keys()):
            event, hash = self.ends.get(chain, (None, GENESIS_HASH))
            if heads.get(chain) != (event.id if event else 0, hash):
                out_of_step.append((chain, event))
        return out_of_step


class AuditedEpisode(Protocol):
    id: int
    child_id: int


class AuditedRow(Protocol):
    __tablename__: str
    id: object


class _Actor(Protocol):
    id: int


def record_by(
    db_session: Session, action: str, actor: _Actor, client_address: str = "", **detail: object
) -> AuditEvent:
    """An event by `actor` from `client_address`; what it is about, if anything, is in the
    detail (`object_type` and `object_id`, say)."""
    return record(db_session, action, actor_id=actor.id, client_address=client_address, **detail)


def record_about(
    db_session: Session,
    action: str,
    row: AuditedRow,
    actor: _Actor | None,
    client_address: str = "",
    *,
    episode: AuditedEpisode | None = None,
    **detail: object,
) -> AuditEvent:
    """An event about one row, by `actor` (None: the system) from `client_address`. The row's
    table names the object's type, so every event about a kind of row names it alike; with
    `episode`, the episode and its child are named too, so that the child's trail finds it.
    Anything else `record` takes (a `child_id`, say) can be given with the detail."""
    if episode is not None:
        detail = {"episode_id": episode.id, "child_id": episode.child_id} | detail
    return record(
        db_session,
        action,
        actor_id=None if actor is None else actor.id,
        object_type=row.__tablename__,
        object_id=row.id,
        client_address=client_address,
        **detail,
    )


def record_for_episode(
    db_session: Session,
    action: str,
    episode: AuditedEpisode,
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
