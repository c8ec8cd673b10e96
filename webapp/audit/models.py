from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base, utcnow

NATIONAL_CHAIN = 0


class AuditEvent(Base):
    """One audited action. Rows are never updated or deleted (database triggers refuse it),
    and each row's hash covers the previous row's in its chain, so a removed or altered row
    shows.

    The trail is one chain per borough, so that boroughs do not queue on one another to
    append: an event is in the chain of the borough of the person acting. Events of no
    borough (no one signed in, national administration) are in the national chain, which
    also carries on the single chain that held every event before there was one per borough.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        # A user's recent events of one kind (the child index's hourly search count).
        Index("ix_audit_event_actor_id_action_occurred_at", "actor_id", "action", "occurred_at"),
        # A person's access history, in time order (webapp/monitoring/history.py).
        Index("ix_audit_event_actor_id_occurred_at", "actor_id", "occurred_at"),
        # A child's access history: the events naming the child, and those of each of their
        # episodes, each read in time order as far as the page goes (migration 0028m).
        Index("ix_audit_event_child_id_occurred_at", "child_id", "occurred_at"),
        Index("ix_audit_event_episode_id_occurred_at", "episode_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    # No foreign key: an episode erased after a refusal of consent to record (nothing of
    # it may be kept) leaves its earlier events here, which are never changed or shown.
    episode_id: Mapped[int | None] = mapped_column()
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"))
    client_address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    # The borough's id, or NATIONAL_CHAIN; not a foreign key, like the other ids here.
    chain: Mapped[int] = mapped_column(Integer, default=NATIONAL_CHAIN, server_default="0")
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """One row per chain holding its newest hash; locking it serialises the chain's appends
    across processes. A database trigger moves it on with every event inserted (migrations
    0013 and 0027a)."""

    __tablename__ = "audit_chain_head"

    # The chain: the borough's id, or NATIONAL_CHAIN.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_hash: Mapped[str] = mapped_column(String(64))
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
