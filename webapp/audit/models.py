from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base, utcnow


class AuditEvent(Base):
    """One audited action. Rows are never updated or deleted (database triggers refuse it),
    and each row's hash covers the previous row's, so a removed or altered row shows."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # A user's recent events of one kind (the child index's hourly search count).
        Index("ix_audit_event_actor_id_action_occurred_at", "actor_id", "action", "occurred_at"),
        # A person's access history, in time order (webapp/monitoring/history.py).
        Index("ix_audit_event_actor_id_occurred_at", "actor_id", "occurred_at"),
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
    episode_id: Mapped[int | None] = mapped_column(index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    client_address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """A single row holding the newest hash; locking it serialises appends across processes.
    A database trigger moves it on with every event inserted (migration 0013)."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
